# Sourced by tests/cli/pkcs11_*.test.sh after lib.sh: a private SoftHSM2 token per test (its
# own folder and SOFTHSM2_CONF, never the global store; parallel logins to one token fail)
# holding the golden keys rsa2048 (id 01), rsa3072 (02), ec_p256 (03), ec_p384 (04), PIN 1234.
MODULE=${FWPROV_TEST_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
KEYS=$GOLDEN/sign/keys
HSM=$WORK/hsm
PIN_FILE=$HSM/pin

# write_softhsm_conf FILE [MECHANISMS]: a configuration over $HSM/tokens (optionally limited
# to an allow-list of mechanisms, to act as a stricter HSM).
write_softhsm_conf() {
  {
    echo "directories.tokendir = $HSM/tokens"
    echo "objectstore.backend = file"
    echo "log.level = ERROR"
    echo "slots.removable = false"
    [ -n "${2:-}" ] && echo "slots.mechanisms = $2"
  } >"$1"
}

# import_key NAME ID [LABEL]: a golden key into the token (softhsm2-util wants PKCS#8).
import_key() {
  openssl pkcs8 -topk8 -nocrypt -in "$KEYS/$1.pem" -out "$HSM/$1.p8" &&
    softhsm2-util --import "$HSM/$1.p8" --token fwprov-test --label "${3:-$1}" --id "$2" --pin 1234 >/dev/null
}

setup_token() {
  if ! command -v softhsm2-util >/dev/null || [ ! -f "$MODULE" ]; then
    echo "FAIL: SoftHSM2 is not installed (tools/install-deps.sh installs softhsm2)" >&2
    exit 1
  fi
  mkdir -p "$HSM/tokens"
  write_softhsm_conf "$HSM/softhsm2.conf"
  export SOFTHSM2_CONF="$HSM/softhsm2.conf"
  softhsm2-util --init-token --free --label fwprov-test --so-pin 12345678 --pin 1234 >/dev/null || { echo "FAIL: token init" >&2; exit 1; }
  import_key rsa2048 01 && import_key rsa3072 02 && import_key ec_p256 03 && import_key ec_p384 04 || { echo "FAIL: key import" >&2; exit 1; }
  printf '1234\n' >"$PIN_FILE"
  chmod 600 "$PIN_FILE"
}

# uri NAME: the URI of a golden key in the token, PIN from the pin file.
uri() { echo "pkcs11:token=fwprov-test;object=$1;type=private?pin-source=file:$PIN_FILE"; }

# one_line FILE DESCRIPTION: an error is reported on exactly one line.
expect_one_line() {
  local lines; lines=$(grep -c . "$1")
  if [ "$lines" -eq 1 ]; then pass; else fail "$2: $lines lines on stderr"; sed 's/^/  /' "$1" | head -5 >&2; fi
}
