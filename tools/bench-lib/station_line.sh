# Sourced by the provision bench steps: make_bench_line DIR builds a station folder from the
# workshop example (golden images, a fresh passphrase-protected factory CA, a code-signing
# certificate). Needs ROOT, FWPROV and FACTORY_CA_PASS.
make_bench_line() {
  local line=$1
  mkdir -p "$line/ca"
  cp -L "$ROOT"/docs/examples/aws-workshop/* "$line/"
  cp "$ROOT/tests/golden/image/bootloader_sha/image.bin" "$line/bootloader.bin"
  cp "$ROOT/tests/golden/image/app_esp32/image.bin" "$line/firmware.bin"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-256-cbc -pass env:FACTORY_CA_PASS -out "$line/ca/ca.key.pem" 2>/dev/null
  openssl req -x509 -new -key "$line/ca/ca.key.pem" -passin env:FACTORY_CA_PASS -subj "/CN=Bench Factory CA" -days 30 \
    -addext basicConstraints=critical,CA:TRUE -out "$line/ca/ca.crt.pem" 2>/dev/null
  "$FWPROV" -q keygen --type ec-p256 -o "$line/csk.key.pem"
  "$FWPROV" -q ca codesign-cert --key "$line/csk.key.pem" --subject "CN=Bench OTA signer" -o "$line/csk.crt.pem" --days 30
}
