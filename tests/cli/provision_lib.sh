# Sourced after lib.sh and esp_sim_lib.sh by the provision tests: builds a station folder from
# docs/examples/aws-workshop with a fresh EC P-256 factory CA (encrypted key) and a code-signing
# certificate, and the golden bootloader/application images.
export FACTORY_CA_PASS="test-ca-passphrase"
STUB_JSON=$(bash "$SOURCE_DIR/tests/interop/install-esptool-js.sh") ||
  { fail "NEEDS NPM REGISTRY: the stub JSON comes from esptool-js (tests/interop/install-esptool-js.sh)"; finish; exit 1; }

# make_line DIR: a ready station folder.
make_line() {
  local dir=$1
  mkdir -p "$dir/ca"
  cp -L "$SOURCE_DIR"/docs/examples/aws-workshop/* "$dir/"
  cp "$GOLDEN/image/bootloader_sha/image.bin" "$dir/bootloader.bin"
  cp "$GOLDEN/image/app_esp32/image.bin" "$dir/firmware.bin"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-256-cbc -pass env:FACTORY_CA_PASS \
    -out "$dir/ca/ca.key.pem" 2>/dev/null
  openssl req -x509 -new -key "$dir/ca/ca.key.pem" -passin env:FACTORY_CA_PASS -subj "/CN=Test Factory CA/O=fwprov tests" \
    -days 30 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$dir/ca/ca.crt.pem" 2>/dev/null
  "$FWPROV" -q keygen --type ec-p256 -o "$dir/csk.key.pem" >/dev/null
  "$FWPROV" -q ca codesign-cert --key "$dir/csk.key.pem" --subject "CN=Test OTA signer" -o "$dir/csk.crt.pem" --days 30 >/dev/null
}

# region FLASHFILE OFFSET SIZE OUT: bytes of the simulated flash.
region() { tail -c +$(($2 + 1)) "$1" | head -c "$3" >"$4"; }

# json_field FILE EXPR: a Python expression over `d` (the JSON document of FILE).
json_field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
