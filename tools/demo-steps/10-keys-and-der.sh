# Demo step 10: the device's keys and certificates, all made by fwprov: a factory CA signs the
# device's CSR (the device key never needs to leave the station), a P-256 code-signing
# certificate for AWS IoT OTA; then ONE `fwprov convert` call writes the DER files the NVS
# partition carries, and `fwprov inspect` shows what they are.
[ "${FWPROV_DEMO_TOUR:-0}" = 1 ] || return 0  # the stage-by-stage tour (README.md); tools/demo.sh shows provision
export FWPROV_DEMO_CA_PASS="demo-only-passphrase"  # a real station keeps this in a file or secret store
step "factory CA (RSA-4096 root + two RSA-2048 signing certificates, encrypted keys)" \
  "$FWPROV" ca init --dir factory-ca --name factory --country FR --org "fwprov demo" --passphrase-env FWPROV_DEMO_CA_PASS
step "device key (RSA 2048, mode 0600)" "$FWPROV" keygen --type rsa-2048 -o device.key.pem
step "certificate request for the device key" \
  "$FWPROV" csr --key device.key.pem --subject "CN=fwprov-demo-device-0001,O=fwprov demo" -o device.csr
step "the factory CA issues the device certificate" \
  "$FWPROV" ca issue --ca-cert factory-ca/certs/factory.root.ca.crt.pem --ca-key factory-ca/private/factory.root.ca.key.pem \
  --passphrase-env FWPROV_DEMO_CA_PASS --csr device.csr -o device.crt.pem --days 3650
step "openssl agrees the chain is valid" openssl verify -CAfile factory-ca/certs/factory.root.ca.crt.pem device.crt.pem
step "code-signing key (EC P-256), as AWS IoT OTA on the ESP32 needs" "$FWPROV" keygen --type ec-p256 -o csk.key.pem
step "self-signed code-signing certificate (keyUsage digitalSignature, EKU codeSigning)" \
  "$FWPROV" ca codesign-cert --key csk.key.pem --subject "CN=fwprov demo OTA signer" -o csk.crt.pem --days 3650
step "convert all three to DER in one call (all or nothing; the key gets mode 0600)" \
  "$FWPROV" convert device.key.pem:privatekey.der device.crt.pem:cert.der csk.crt.pem:csk.der
step "what the DER files are" "$FWPROV" inspect privatekey.der cert.der csk.der
step "the device certificate belongs to the device key" "$FWPROV" inspect --match cert.der privatekey.der
step "the code-signing certificate does not: exit code 7" \
  "$FWPROV" inspect --match csk.der privatekey.der || echo "exit code: $? (expected 7)"
