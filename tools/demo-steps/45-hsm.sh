# Demo step 45: the same code-signing key kept in an HSM instead of a file. SoftHSM2 stands in
# for the factory's HSM (a private token in the demo folder; SOFTHSM2_CONF keeps it out of the
# system store); fwprov reaches it through a pkcs11: URI, logs in once, and sends only digests.
mkdir -p hsm/tokens
printf 'directories.tokendir = %s/hsm/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$PWD" > hsm/softhsm2.conf
export SOFTHSM2_CONF=$PWD/hsm/softhsm2.conf FWPROV_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
printf '1234\n' > hsm/pin  # demo only: a real station keeps the PIN in a root-only file or secret store
step "a SoftHSM token, with the code-signing key of step 10 imported (id 01)" \
  bash -c 'softhsm2-util --init-token --free --label factory --so-pin 12345678 --pin 1234 >/dev/null &&
           softhsm2-util --import csk.key.pem --token factory --label ota-signer --id 01 --pin 1234'
step "what the token holds, with the URI of each object" "$FWPROV" keys list --pin-file hsm/pin
step "sign for AWS IoT OTA with the key in the HSM (the certificate is checked against the token's key)" \
  "$FWPROV" sign firmware.bin --key "pkcs11:token=factory;object=ota-signer?pin-source=file:$PWD/hsm/pin" \
  --cert csk.crt.pem --format aws-ota -o firmware.bin.hsm.ota.json
step "the device's check passes, as for the file key" "$FWPROV" verify firmware.bin --sig firmware.bin.hsm.ota.json --cert csk.crt.pem
step "a wrong PIN is one line, exit 5, nothing written" \
  env WRONG_PIN=0000 "$FWPROV" sign firmware.bin --key "pkcs11:token=factory;object=ota-signer" --pin-env WRONG_PIN --format der -o hsm.sig ||
  echo "exit code: $? (expected 5)"
