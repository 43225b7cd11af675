#!/usr/bin/env bash
# `csr`, `ca issue` and `ca codesign-cert` with keys in a PKCS#11 token (SoftHSM2): requests
# pass `openssl req -verify`, certificates pass `openssl verify`, for RSA and EC keys.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pkcs11_lib.sh"
setup_token
export FWPROV_PKCS11_MODULE=$MODULE

# CSRs for all four token keys, several times each (ECDSA signatures vary in length, which is
# what trips a wrong BIT STRING encoding).
for name in rsa2048 rsa3072 ec_p256 ec_p384; do
  for run in 1 2 3; do
    csr=$WORK/$name-$run.csr
    expect_exit 0 "csr $name #$run" -- "$FWPROV" csr --key "$(uri "$name")" --subject "CN=device-$run,O=Acme" -o "$csr"
    if openssl req -in "$csr" -noout -verify >/dev/null 2>&1; then pass; else fail "csr $name #$run: openssl req -verify fails"; fi
  done
  openssl req -in "$WORK/$name-1.csr" -noout -pubkey >"$WORK/$name-csr.pub"
  openssl pkey -pubin -in "$KEYS/${name}_pub.pem" >"$WORK/$name-ref.pub"
  expect_same_file "$WORK/$name-csr.pub" "$WORK/$name-ref.pub" "csr $name carries the token's public key"
done

# A device CSR from a file key, and CA certificates for the token's RSA-3072 and P-384 keys
# (made by openssl from the same keys' files).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/device.key" 2>/dev/null
expect_exit 0 "device csr from a file" -- "$FWPROV" csr --key "$WORK/device.key" --subject "CN=device-0001,O=Acme" -o "$WORK/device.csr"
for name in rsa3072 ec_p384 ec_p256; do
  openssl req -x509 -new -key "$KEYS/$name.pem" -subj "/CN=Factory CA $name" -days 30 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$WORK/ca-$name.pem" 2>/dev/null
  for run in 1 2 3; do
    crt=$WORK/device-$name-$run.crt
    expect_exit 0 "ca issue with the token's $name #$run" -- "$FWPROV" ca issue --ca-cert "$WORK/ca-$name.pem" --ca-key "$(uri "$name")" \
      --csr "$WORK/device.csr" -o "$crt"
    if openssl verify -CAfile "$WORK/ca-$name.pem" "$crt" >/dev/null 2>&1; then pass; else fail "ca issue $name #$run: openssl verify fails"; openssl verify -CAfile "$WORK/ca-$name.pem" "$crt" >&2; fi
  done
  expect_exit 0 "ca issue --der with $name" -- "$FWPROV" ca issue --ca-cert "$WORK/ca-$name.pem" --ca-key "$(uri "$name")" --csr "$WORK/device.csr" --der -o "$WORK/device-$name.der"
  if openssl verify -CAfile "$WORK/ca-$name.pem" <(openssl x509 -inform DER -in "$WORK/device-$name.der") >/dev/null 2>&1; then pass; else fail "ca issue --der $name"; fi
done
# A CA key that does not match --ca-cert is refused, nothing written.
expect_exit 5 "ca issue with a CA key that does not match" -- "$FWPROV" ca issue --ca-cert "$WORK/ca-rsa3072.pem" --ca-key "$(uri ec_p384)" --csr "$WORK/device.csr" -o "$WORK/mismatch.crt"
expect_absent "$WORK/mismatch.crt" "mismatched CA key writes nothing"

# The CA certificate stored in the token next to its key (same id): --ca-cert may be left out.
if command -v pkcs11-tool >/dev/null; then
  openssl x509 -in "$WORK/ca-rsa3072.pem" -outform DER -out "$WORK/ca-rsa3072.der"
  pkcs11-tool --module "$MODULE" --token-label fwprov-test --login --pin 1234 --write-object "$WORK/ca-rsa3072.der" --type cert \
    --id 02 --label rsa3072 >/dev/null 2>&1 || fail "pkcs11-tool --write-object"
  expect_exit 0 "ca issue with the token's certificate" -- "$FWPROV" ca issue --ca-key "$(uri rsa3072)" --csr "$WORK/device.csr" -o "$WORK/from-token.crt"
  if openssl verify -CAfile "$WORK/ca-rsa3072.pem" "$WORK/from-token.crt" >/dev/null 2>&1; then pass; else fail "certificate issued with the token's CA certificate"; fi
  expect_exit 0 "sign with rsa3072 for verify --cert" -- "$FWPROV" sign "$GOLDEN/sign/firmware.bin" --key "$(uri rsa3072)" --format der -o "$WORK/fw.sig"
  expect_exit 0 "verify --cert pkcs11: (certificate object)" -- "$FWPROV" verify "$GOLDEN/sign/firmware.bin" --sig "$WORK/fw.sig" --cert "pkcs11:token=fwprov-test;id=%02;type=cert"
  expect_exit 7 "verify --cert pkcs11: with another file" -- "$FWPROV" verify "$WORK/device.csr" --sig "$WORK/fw.sig" --cert "pkcs11:token=fwprov-test;id=%02;type=cert"
  "$FWPROV" keys list --pkcs11-module "$MODULE" --token fwprov-test >"$WORK/list.txt"
  expect_grep "cert RSA-3072 .*CN *= *Factory CA rsa3072.*type=cert" "$WORK/list.txt" "keys list shows the certificate"
else
  fail "pkcs11-tool (opensc) is not installed: tools/install-deps.sh installs it"
fi

# Self-signed code-signing certificate from a token key: its signature checks with its own key.
for name in ec_p256 rsa2048; do
  expect_exit 0 "codesign-cert with the token's $name" -- "$FWPROV" ca codesign-cert --key "$(uri "$name")" --subject "CN=Acme OTA signer" -o "$WORK/csk-$name.pem"
  # -check_ss_sig checks the self-signature (it has no keyCertSign, so no chain check).
  if openssl verify -check_ss_sig -partial_chain -CAfile "$WORK/csk-$name.pem" "$WORK/csk-$name.pem" 2>&1 | grep -q ": OK"; then
    pass; else fail "codesign-cert $name from the token: self-signature does not verify"; fi
  openssl x509 -in "$WORK/csk-$name.pem" -noout -pubkey >"$WORK/csk-$name.pub"
  expect_same_file "$WORK/csk-$name.pub" <(openssl pkey -pubin -in "$KEYS/${name}_pub.pem") "codesign-cert $name holds the token's key"
done

finish
