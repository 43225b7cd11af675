#!/usr/bin/env bash
# Token failures are one clear line, exit 5, and nothing written: wrong PIN, missing module,
# no matching key, two matching keys, a mechanism the token does not offer. Malformed URIs
# are exit 3.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pkcs11_lib.sh"
setup_token
import_key ec_p256 0a dup && import_key ec_p384 0b dup || { echo "FAIL: duplicate import" >&2; exit 1; }
FW=$WORK/firmware.bin
cp "$GOLDEN/sign/firmware.bin" "$FW"
export FWPROV_PKCS11_MODULE=$MODULE
OUT=$WORK/out.sig

# expect_key_error CODE DESCRIPTION PATTERN -- COMMAND...: fails with CODE, one line matching PATTERN, no $OUT.
expect_key_error() {
  local code=$1 what=$2 pattern=$3; shift 4
  rm -f "$OUT"
  expect_exit "$code" "$what" -- "$@"
  expect_one_line "$WORK/err" "$what"
  expect_grep "$pattern" "$WORK/err" "$what"
  expect_absent "$OUT" "$what writes nothing"
  if grep -q 1234 "$WORK/err" "$WORK/out"; then fail "$what: the PIN appears in the output"; else pass; fi
}

printf '9999\n' >"$WORK/wrong-pin"
expect_key_error 5 "wrong PIN" "wrong PIN for token 'fwprov-test'.*CKR_PIN_INCORRECT" -- \
  "$FWPROV" sign "$FW" --key "pkcs11:token=fwprov-test;object=rsa2048?pin-source=file:$WORK/wrong-pin" --format der -o "$OUT"
expect_key_error 5 "missing module" "PKCS#11 module /nonexistent/libnone.so not found" -- \
  env -u FWPROV_PKCS11_MODULE "$FWPROV" sign "$FW" --key "$(uri rsa2048)" --pkcs11-module /nonexistent/libnone.so --format der -o "$OUT"
expect_key_error 5 "no module at all" "no PKCS#11 module given" -- \
  env -u FWPROV_PKCS11_MODULE "$FWPROV" sign "$FW" --key "$(uri rsa2048)" --format der -o "$OUT"
expect_key_error 5 "not a PKCS#11 module" "cannot load PKCS#11 module|not a PKCS#11 module" -- \
  "$FWPROV" sign "$FW" --key "$(uri rsa2048)" --pkcs11-module "$KEYS/rsa2048.pem" --format der -o "$OUT"
expect_key_error 5 "no matching object" "no private key matches in token 'fwprov-test'" -- \
  "$FWPROV" sign "$FW" --key "$(uri nosuchkey)" --format der -o "$OUT"
expect_key_error 5 "no matching token" "no token matches" -- \
  "$FWPROV" sign "$FW" --key "pkcs11:token=other;object=rsa2048?pin-source=file:$PIN_FILE" --format der -o "$OUT"
expect_key_error 5 "two matching objects" "2 private key objects match in token 'fwprov-test'" -- \
  "$FWPROV" sign "$FW" --key "$(uri dup)" --format der -o "$OUT"
expect_key_error 5 "no PIN" "needs a PIN" -- \
  "$FWPROV" sign "$FW" --key "pkcs11:token=fwprov-test;object=rsa2048" --format der -o "$OUT"

# A stricter HSM: no RSA-PSS. Secure boot v2 RSA needs it; PKCS#1 v1.5 still works.
write_softhsm_conf "$HSM/strict.conf" "CKM_RSA_PKCS,CKM_ECDSA"
expect_key_error 5 "mechanism the token does not offer" "does not offer CKM_RSA_PKCS_PSS" -- \
  env SOFTHSM2_CONF="$HSM/strict.conf" "$FWPROV" sign "$FW" --key "$(uri rsa3072)" --format esp-sbv2 -o "$OUT"
expect_key_error 5 "der --scheme pss without PSS" "does not offer CKM_RSA_PKCS_PSS" -- \
  env SOFTHSM2_CONF="$HSM/strict.conf" "$FWPROV" sign "$FW" --key "$(uri rsa2048)" --scheme pss --format der -o "$OUT"
expect_exit 0 "strict token still signs PKCS#1 v1.5" -- env SOFTHSM2_CONF="$HSM/strict.conf" "$FWPROV" sign "$FW" --key "$(uri rsa2048)" --format der -o "$OUT"
write_softhsm_conf "$HSM/no-ecdsa.conf" "CKM_RSA_PKCS,CKM_RSA_PKCS_PSS"
expect_key_error 5 "no ECDSA" "does not offer CKM_ECDSA" -- \
  env SOFTHSM2_CONF="$HSM/no-ecdsa.conf" "$FWPROV" sign "$FW" --key "$(uri ec_p256)" --format der -o "$OUT"
# A failure on the second of two files leaves neither output.
mkdir -p "$WORK/two"; cp "$FW" "$WORK/two/a.bin"; cp "$FW" "$WORK/two/b.bin"
expect_exit 5 "batch refused as a whole" -- env SOFTHSM2_CONF="$HSM/no-ecdsa.conf" "$FWPROV" sign "$WORK/two/a.bin" "$WORK/two/b.bin" --key "$(uri ec_p256)" --format der
expect_absent "$WORK/two/a.bin.sig" "batch failure leaves no first output"

# Malformed URIs: exit 3, naming the attribute.
expect_key_error 3 "duplicate attribute" "attribute object appears twice" -- \
  "$FWPROV" sign "$FW" --key "pkcs11:token=fwprov-test;object=rsa2048;object=ec_p256" --format der -o "$OUT"
expect_key_error 3 "bad %-escape" "bad %-escape '%zz'" -- \
  "$FWPROV" sign "$FW" --key "pkcs11:token=fwprov-test;object=rsa%zz48" --format der -o "$OUT"
expect_key_error 3 "raw space" "raw whitespace" -- \
  "$FWPROV" sign "$FW" --key "pkcs11:token=fwprov-test;object=rsa 2048" --format der -o "$OUT"
expect_key_error 3 "pin-value and pin-source" "both pin-value and pin-source" -- \
  "$FWPROV" sign "$FW" --key "pkcs11:object=rsa2048?pin-value=1234&pin-source=file:$PIN_FILE" --format der -o "$OUT"
expect_key_error 3 "type=public as a signing key" "type=public is not a private key" -- \
  "$FWPROV" sign "$FW" --key "pkcs11:token=fwprov-test;object=rsa2048;type=public" --format der -o "$OUT"
expect_key_error 3 "no object or id" "does not name a key" -- \
  "$FWPROV" sign "$FW" --key "pkcs11:token=fwprov-test" --format der -o "$OUT"
expect_key_error 3 "unknown attribute" "unknown path attribute 'label'" -- \
  "$FWPROV" sign "$FW" --key "pkcs11:token=fwprov-test;label=rsa2048" --format der -o "$OUT"

# Token keys cannot do RFC 6979.
expect_key_error 2 "--deterministic with a token key" "deterministic needs a key file" -- \
  "$FWPROV" sign "$FW" --key "$(uri ec_p256)" --deterministic --format der -o "$OUT"

# --hsm-config problems name file:line.
printf '[hsm_config]\npkcs11_lib = %s\nslot = abc\nlabel = rsa3072\n' "$MODULE" >"$WORK/bad.ini"
expect_key_error 3 "hsm-config bad slot" "bad.ini:3.*slot 'abc' is not a number" -- \
  "$FWPROV" sign "$FW" --hsm-config "$WORK/bad.ini" --format esp-sbv2 -o "$OUT"
printf '[hsm_config]\npkcs11_lib = %s\nlabel = rsa3072\n' "$MODULE" >"$WORK/noslot.ini"
expect_key_error 3 "hsm-config without slot" "lacks slot" -- \
  "$FWPROV" sign "$FW" --hsm-config "$WORK/noslot.ini" --format esp-sbv2 -o "$OUT"
printf '[hsm_config]\npkcs11_lib = %s\nslot = 4242\nlabel = rsa3072\ncredentials = 1234\n' "$MODULE" >"$WORK/wrongslot.ini"
expect_key_error 5 "hsm-config slot that does not exist" "no token matches" -- \
  "$FWPROV" sign "$FW" --hsm-config "$WORK/wrongslot.ini" --format esp-sbv2 -o "$OUT"

# The same errors reach csr and ca.
expect_key_error 5 "csr with a wrong PIN" "CKR_PIN_INCORRECT" -- \
  "$FWPROV" csr --key "pkcs11:token=fwprov-test;object=ec_p256?pin-source=file:$WORK/wrong-pin" --subject CN=x -o "$OUT"
expect_key_error 2 "ca issue without --ca-cert and no certificate in the token" "--ca-cert.*is required" -- \
  "$FWPROV" ca issue --ca-key "$(uri rsa3072)" --csr "$KEYS/../keys/csk_ec_p256_cert.pem" -o "$OUT"

# Two tokens and a URI that names neither: ambiguous, exit 5 (no silent first pick).
softhsm2-util --init-token --free --label second --so-pin 12345678 --pin 1234 >/dev/null || fail "second token"
expect_key_error 5 "two matching tokens" "2 tokens match \\(('fwprov-test', 'second'|'second', 'fwprov-test')\\)" -- \
  "$FWPROV" sign "$FW" --key "pkcs11:object=rsa2048?pin-source=file:$PIN_FILE" --format der -o "$OUT"
expect_exit 0 "token= picks one of two" -- "$FWPROV" sign "$FW" --key "$(uri rsa2048)" --format der -o "$OUT"

finish
