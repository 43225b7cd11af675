# Demo step 40: sign the firmware for AWS IoT OTA and check it; a factory CA signs a device CSR.
# Uses csk.key.pem / csk.crt.pem from step 10 when present, firmware.bin from step 30.
if [ ! -f csk.key.pem ]; then
  step "code-signing key (P-256), as AWS IoT OTA on the ESP32 needs" "$FWPROV" keygen --type ec-p256 -o csk.key.pem
fi
if [ ! -f csk.crt.pem ]; then
  step "self-signed code-signing certificate (keyUsage digitalSignature, EKU codeSigning)" \
    "$FWPROV" ca codesign-cert --key csk.key.pem --subject "CN=fwprov demo OTA signer" -o csk.crt.pem --days 3650
fi
[ -f firmware.bin ] || cp "$ROOT/tests/golden/sign/firmware.bin" firmware.bin
step "sign firmware.bin for aws iot create-ota-update (customCodeSigning JSON)" \
  "$FWPROV" sign firmware.bin --key csk.key.pem --cert csk.crt.pem --format aws-ota -o firmware.bin.ota.json
cat firmware.bin.ota.json
step "verify it with the code-signing certificate, as the device will" \
  "$FWPROV" verify firmware.bin --format aws-ota --cert csk.crt.pem
cp firmware.bin firmware-tampered.bin
printf '\x01' >> firmware-tampered.bin  # one byte more than what was signed
step "a modified image is rejected (exit 7)" \
  "$FWPROV" verify firmware-tampered.bin --sig firmware.bin.ota.json --cert csk.crt.pem || echo "exit $? (expected 7)"

# Just-in-time registration: the device key stays put, the factory CA signs its request.
export FWPROV_DEMO_CA_PASS="demo-only-passphrase"
step "factory CA (RSA-4096 root + two RSA-2048 signing certificates, encrypted keys)" \
  "$FWPROV" ca init --dir factory-ca --name factory --country FR --org "fwprov demo" --passphrase-env FWPROV_DEMO_CA_PASS
[ -f device.key.pem ] || step "device key" "$FWPROV" keygen --type ec-p256 -o device.key.pem
step "certificate request for the device key" \
  "$FWPROV" csr --key device.key.pem --subject "CN=fwprov-demo-device-0001,O=fwprov demo" -o device.csr
step "the factory CA issues the device certificate" \
  "$FWPROV" ca issue --ca-cert factory-ca/certs/factory.root.ca.crt.pem --ca-key factory-ca/private/factory.root.ca.key.pem \
  --passphrase-env FWPROV_DEMO_CA_PASS --csr device.csr -o device-jitr.crt.pem --days 3650
step "openssl agrees the chain is valid" openssl verify -CAfile factory-ca/certs/factory.root.ca.crt.pem device-jitr.crt.pem
