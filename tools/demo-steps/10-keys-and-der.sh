# Demo step 10: the device's keys and certificates. openssl makes them (a later stage replaces
# that with fwprov's own keygen); ONE `fwprov convert` call then writes the DER files the NVS
# partition carries, and `fwprov inspect` shows what they are.
step "device key (RSA 2048) with openssl" \
  openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out device.key.pem
step "self-signed device certificate" \
  openssl req -x509 -new -key device.key.pem -subj "/CN=fwprov-demo-device/O=fwprov demo" -days 365 \
  -addext "basicConstraints=critical,CA:FALSE" -addext "subjectAltName=DNS:device.fwprov.example" \
  -addext "extendedKeyUsage=clientAuth" -out device.crt.pem
step "code-signing key (EC P-256)" \
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out csk.key.pem
step "self-signed code-signing certificate" \
  openssl req -x509 -new -key csk.key.pem -subj "/CN=fwprov-demo-codesign/O=fwprov demo" -days 365 \
  -addext "basicConstraints=critical,CA:FALSE" -addext "keyUsage=critical,digitalSignature" \
  -addext "extendedKeyUsage=codeSigning" -out csk.crt.pem
step "convert all three to DER in one call (all or nothing; the key gets mode 0600)" \
  "$FWPROV" convert device.key.pem:privatekey.der device.crt.pem:cert.der csk.crt.pem:csk.der
step "what the DER files are" "$FWPROV" inspect privatekey.der cert.der csk.der
step "the device certificate belongs to the device key" "$FWPROV" inspect --match cert.der privatekey.der
step "the code-signing certificate does not: exit code 7" \
  "$FWPROV" inspect --match csk.der privatekey.der || echo "exit code: $?"
