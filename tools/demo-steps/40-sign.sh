# Demo step 40: sign the firmware for AWS IoT OTA with the code-signing key of step 10 and check
# it the way the device will, with the certificate it carries as NVS key P11_CSK.
[ "${FWPROV_DEMO_TOUR:-0}" = 1 ] || return 0  # the stage-by-stage tour (README.md); tools/demo.sh shows provision
step "sign firmware.bin for aws iot create-ota-update (customCodeSigning JSON)" \
  "$FWPROV" sign firmware.bin --key csk.key.pem --cert csk.crt.pem --format aws-ota -o firmware.bin.ota.json
cat firmware.bin.ota.json
step "verify it with the code-signing certificate, as the device will" \
  "$FWPROV" verify firmware.bin --format aws-ota --cert csk.crt.pem
cp firmware.bin firmware-tampered.bin
printf '\x01' >> firmware-tampered.bin  # one byte more than what was signed
step "a modified image is rejected (exit 7)" \
  "$FWPROV" verify firmware-tampered.bin --sig firmware.bin.ota.json --cert csk.crt.pem || echo "exit $? (expected 7)"
