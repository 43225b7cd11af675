#!/usr/bin/env bash
# keygen, csr, ca issue / init / codesign-cert: files, modes, extensions, and `openssl verify`
# of every certificate against its CA.
source "$(dirname "$0")/lib.sh"
S="$GOLDEN/sign"
cd "$WORK"
export KEY_PASS='k3y-Pass-Zx81'

# --- keygen ---
for type in ec-p256 ec-p384 ec-p192 rsa-2048 rsa-3072; do
  expect_exit 0 "keygen $type" -- "$FWPROV" keygen --type "$type" -o "$type.key.pem" --pub-out "$type.pub.pem"
  [ "$(stat -c %a "$type.key.pem")" = 600 ] && pass || fail "keygen $type: private key mode $(stat -c %a "$type.key.pem")"
  openssl pkey -in "$type.key.pem" -noout 2>/dev/null && pass || fail "keygen $type: openssl cannot read the key"
  [ "$(openssl pkey -in "$type.key.pem" -pubout 2>/dev/null)" = "$(cat "$type.pub.pem")" ] && pass || fail "keygen $type: --pub-out is not the key's public half"
  if grep -q "PRIVATE KEY" "$WORK/out" "$WORK/err"; then fail "keygen $type printed key material"; else pass; fi
done
openssl pkey -in ec-p384.key.pem -noout -text 2>/dev/null | grep -q "NIST CURVE: P-384" && pass || fail "ec-p384 curve"
openssl pkey -in rsa-3072.key.pem -noout -text 2>/dev/null | grep -q "3072 bit" && pass || fail "rsa-3072 size"
openssl pkey -in ec-p192.key.pem -noout -text 2>/dev/null | grep -q "NIST CURVE: P-192" && pass || fail "ec-p192 curve"
# espsecure generate-signing-key --scheme ecdsa192: an ESP32-C2 secure boot v2 key, usable there only
expect_exit 0 "ec-p192 key signs esp-sbv2" -- "$FWPROV" sign "$S/firmware.bin" --key ec-p192.key.pem --format esp-sbv2 -o p192.signed.bin
expect_exit 0 "ec-p192 esp-sbv2 verifies" -- "$FWPROV" verify p192.signed.bin --format esp-sbv2 --pubkey ec-p192.pub.pem
expect_exit 0 "keygen encrypted" -- "$FWPROV" keygen --type ec-p256 -o enc.key.pem --passphrase-env KEY_PASS
grep -q "ENCRYPTED PRIVATE KEY" enc.key.pem && pass || fail "keygen: key not encrypted"
openssl pkey -in enc.key.pem -passin env:KEY_PASS -noout 2>/dev/null && pass || fail "encrypted key does not open with the passphrase"
openssl pkey -in enc.key.pem -passin pass:wrong -noout 2>/dev/null && fail "encrypted key opens with a wrong passphrase" || pass
if grep -q "$KEY_PASS" "$WORK/out" "$WORK/err"; then fail "passphrase printed"; else pass; fi
printf '%s\n' "$KEY_PASS" > pass.txt
expect_exit 0 "sign with an encrypted key (passphrase file)" -- "$FWPROV" sign "$S/firmware.bin" --key enc.key.pem --passphrase-file pass.txt --format der -o fw.sig
expect_exit 5 "encrypted key without passphrase" -- "$FWPROV" sign "$S/firmware.bin" --key enc.key.pem --format der -o fw2.sig
expect_exit 5 "unset passphrase variable" -- "$FWPROV" keygen --type ec-p256 -o x.key.pem --passphrase-env FWPROV_NOT_SET_ANYWHERE
expect_absent x.key.pem "keygen output after a passphrase error"
# One overwrite rule (docs/cli-contract.md): outputs are replaced, like openssl genpkey; --force
# is still accepted.
cp enc.key.pem enc-copy.key.pem
expect_exit 0 "keygen replaces an existing key" -- "$FWPROV" keygen --type ec-p256 -o enc-copy.key.pem
if grep -q "ENCRYPTED" enc-copy.key.pem; then fail "existing key was not replaced"; else pass; fi
[ "$(stat -c %a enc-copy.key.pem)" = 600 ] && pass || fail "replaced key not 0600"
expect_exit 0 "keygen --force" -- "$FWPROV" keygen --type ec-p256 -o force.key.pem
expect_exit 0 "keygen --force replaces" -- "$FWPROV" keygen --type ec-p256 -o force.key.pem --force
expect_exit 2 "keygen unknown type" -- "$FWPROV" keygen --type rsa-1024 -o weak.key.pem
expect_exit 2 "keygen both passphrase options" -- "$FWPROV" keygen -o y.key.pem --passphrase-env KEY_PASS --passphrase-file pass.txt

# --- codesign-cert (AWS P11_CSK) ---
expect_exit 0 "codesign-cert PEM" -- "$FWPROV" ca codesign-cert --key ec-p256.key.pem --subject "CN=fwprov test signer,O=Acme" -o csk.crt.pem --days 30
expect_exit 0 "codesign-cert DER" -- "$FWPROV" ca codesign-cert --key ec-p256.key.pem --subject "CN=fwprov test signer" -o csk.der --der
openssl x509 -inform der -in csk.der -noout 2>/dev/null && pass || fail "codesign-cert --der is not DER"
openssl x509 -in csk.crt.pem -noout -text > csk.txt
expect_grep "Code Signing" csk.txt "codesign EKU"
expect_grep "Digital Signature" csk.txt "codesign keyUsage"
expect_grep "ecdsa-with-SHA256" csk.txt "codesign signature algorithm"
expect_grep "Subject: CN ?= ?fwprov test signer, O ?= ?Acme" csk.txt "codesign subject"
openssl verify -CAfile csk.crt.pem -purpose any csk.crt.pem >/dev/null 2>&1 && pass || fail "openssl verify of the self-signed code-signing certificate"
[ "$(openssl x509 -in csk.crt.pem -pubkey -noout)" = "$(cat ec-p256.pub.pem)" ] && pass || fail "codesign-cert key"
expect_exit 0 "sign with the codesign cert check" -- "$FWPROV" sign "$S/firmware.bin" --key ec-p256.key.pem --cert csk.crt.pem --format aws-ota -o fw.ota.json
expect_exit 0 "verify with the DER certificate" -- "$FWPROV" verify "$S/firmware.bin" --sig fw.ota.json --cert csk.der
expect_exit 2 "codesign-cert bad subject" -- "$FWPROV" ca codesign-cert --key ec-p256.key.pem --subject "nonsense" -o bad.crt.pem
expect_absent bad.crt.pem "codesign-cert bad subject output"

# --- csr + ca issue (factory CA from the reference NXP CA root) ---
expect_exit 0 "csr" -- "$FWPROV" csr --key ec-p256.key.pem --subject "/C=FR/O=Acme/CN=device-0001" -o device.csr
openssl req -in device.csr -verify -noout >/dev/null 2>&1 && pass || fail "openssl rejects the CSR signature"
openssl req -in device.csr -noout -subject | grep -Eq "CN ?= ?device-0001" && pass || fail "csr subject"
[ "$(openssl req -in device.csr -pubkey -noout)" = "$(cat ec-p256.pub.pem)" ] && pass || fail "csr key"
ROOT_KEY="$S/nxp/ca/private/fwprov.root.ca.key.pem"
ROOT_CRT="$S/nxp/ca/certs/fwprov.root.ca.crt.pem"
export NXP_PASS=fwprov-test-pass
expect_exit 0 "ca issue" -- "$FWPROV" ca issue --ca-cert "$ROOT_CRT" --ca-key "$ROOT_KEY" --passphrase-env NXP_PASS --csr device.csr -o device.crt.pem --days 3650
openssl verify -CAfile "$ROOT_CRT" device.crt.pem >/dev/null 2>&1 && pass || fail "openssl verify of the issued device certificate"
openssl x509 -in device.crt.pem -noout -text > device.txt
expect_grep "TLS Web Client Authentication" device.txt "device certificate EKU clientAuth"
expect_grep "CA:FALSE" device.txt "device certificate basicConstraints"
expect_grep "Issuer: .*CN ?= ?fwprov CA Root" device.txt "device certificate issuer"
expect_grep "Subject: C ?= ?FR, O ?= ?Acme, CN ?= ?device-0001" device.txt "device certificate subject"
expect_exit 0 "ca issue --der with an RSA device key" -- "$FWPROV" csr --key rsa-2048.key.pem --subject "CN=device-0002" -o device2.csr
expect_exit 0 "ca issue DER" -- "$FWPROV" ca issue --ca-cert "$ROOT_CRT" --ca-key "$S/nxp/ca/private/fwprov.root.ca.key.unencrypted.pem" --csr device2.csr -o device2.der --der
openssl x509 -inform der -in device2.der -out device2.pem 2>/dev/null
openssl verify -CAfile "$ROOT_CRT" device2.pem >/dev/null 2>&1 && pass || fail "openssl verify of the DER device certificate"
expect_exit 5 "ca issue: CA key does not match the CA certificate" -- "$FWPROV" ca issue --ca-cert "$ROOT_CRT" --ca-key rsa-3072.key.pem --csr device.csr -o x.crt
expect_absent x.crt "ca issue mismatched key output"
expect_exit 3 "ca issue: CA certificate is not a CA" -- "$FWPROV" ca issue --ca-cert csk.crt.pem --ca-key ec-p256.key.pem --csr device.csr -o x.crt
python3 - <<'PY'
import base64
lines = open('device.csr').read().split('\n')
der = bytearray(base64.b64decode(''.join(l for l in lines if l and not l.startswith('-----'))))
der[-5] ^= 1  # inside the signature
body = base64.b64encode(bytes(der)).decode()
open('tampered.csr', 'w').write('-----BEGIN CERTIFICATE REQUEST-----\n' + '\n'.join(body[i:i+64] for i in range(0, len(body), 64)) + '\n-----END CERTIFICATE REQUEST-----\n')
PY
expect_exit 3 "ca issue: tampered CSR" -- "$FWPROV" ca issue --ca-cert "$ROOT_CRT" --ca-key "$ROOT_KEY" --passphrase-env NXP_PASS --csr tampered.csr -o x.crt
expect_absent x.crt "ca issue tampered CSR output"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out weak.pem 2>/dev/null
expect_exit 5 "csr refuses RSA-1024" -- "$FWPROV" csr --key weak.pem --subject "CN=weak" -o weak.csr
openssl req -new -key weak.pem -subj /CN=weak -out weak_openssl.csr 2>/dev/null
expect_exit 5 "ca issue refuses an RSA-1024 device key" -- "$FWPROV" ca issue --ca-cert "$ROOT_CRT" --ca-key "$ROOT_KEY" --passphrase-env NXP_PASS --csr weak_openssl.csr -o weak.crt
if grep -q "fwprov-test-pass" "$WORK/out" "$WORK/err"; then fail "CA passphrase printed"; else pass; fi

# --- ca init (RSA-4096: run once) ---
expect_exit 2 "ca init without passphrase" -- "$FWPROV" ca init --dir ca --name prod --country FR
expect_exit 2 "ca init bad country" -- "$FWPROV" ca init --dir ca --name prod --country France --passphrase-env KEY_PASS
expect_exit 0 "ca init" -- "$FWPROV" ca init --dir ca --name prod --country FR --state Normandy --locality Rouen --org Acme --passphrase-env KEY_PASS
for f in private/prod.root.ca.key.pem private/prod.app.a.key.pem private/prod.app.b.key.pem; do
  [ "$(stat -c %a "ca/$f")" = 600 ] && pass || fail "ca init: $f mode"
  grep -q "ENCRYPTED PRIVATE KEY" "ca/$f" && pass || fail "ca init: $f not encrypted"
done
openssl pkey -in ca/private/prod.root.ca.key.pem -passin env:KEY_PASS -noout -text 2>/dev/null | grep -q "4096 bit" && pass || fail "root key is not RSA-4096"
openssl pkey -in ca/private/prod.app.a.key.pem -passin env:KEY_PASS -noout -text 2>/dev/null | grep -q "2048 bit" && pass || fail "app.a key is not RSA-2048"
for bank in a b; do
  openssl verify -CAfile ca/certs/prod.root.ca.crt.pem "ca/certs/prod.app.$bank.crt.pem" >/dev/null 2>&1 && pass || fail "openssl verify app.$bank"
  openssl x509 -in "ca/certs/prod.app.$bank.crt.pem" -noout -text > "app_$bank.txt"
  expect_grep "Code Signing" "app_$bank.txt" "app.$bank EKU codeSigning"
  expect_grep "Digital Signature" "app_$bank.txt" "app.$bank keyUsage"
  if grep -q "Server Authentication" "app_$bank.txt"; then fail "app.$bank has serverAuth"; else pass; fi
  openssl req -in "ca/csr/prod.app.$bank.csr.pem" -verify -noout >/dev/null 2>&1 && pass || fail "app.$bank CSR"
done
expect_grep "Serial Number: 4096 \(0x1000\)" app_a.txt "app.a serial"
expect_grep "Subject: C ?= ?FR, ST ?= ?Normandy, O ?= ?Acme, CN ?= ?prod Application A" app_a.txt "app.a subject"
openssl x509 -in ca/certs/prod.root.ca.crt.pem -noout -text > root.txt
expect_grep "CA:TRUE" root.txt "root basicConstraints"
expect_grep "Certificate Sign" root.txt "root keyUsage"
expect_grep "Subject: C ?= ?FR, ST ?= ?Normandy, L ?= ?Rouen, O ?= ?Acme, CN ?= ?prod CA Root" root.txt "root subject"
expect_exit 2 "ca init refuses to overwrite" -- "$FWPROV" ca init --dir ca --name prod --country FR --passphrase-env KEY_PASS
# the app keys sign NXP-style, and the signature verifies with the app certificate
mkdir -p nxp_out
expect_exit 0 "sign with the new app.a key" -- "$FWPROV" sign "$S/firmware.bin" --key ca/private/prod.app.a.key.pem --passphrase-env KEY_PASS \
  --format nxp --bundle ca/certs/prod.app.a.crt.pem --outdir nxp_out
openssl x509 -in ca/certs/prod.app.a.crt.pem -pubkey -noout > app_a.pub.pem
openssl dgst -sha256 -verify app_a.pub.pem -signature nxp_out/firmware.bin.sha256 "$S/firmware.bin" >/dev/null 2>&1 && pass || fail "openssl verify of the app.a signature"
expect_exit 0 "the root CA issues a device certificate" -- "$FWPROV" ca issue --ca-cert ca/certs/prod.root.ca.crt.pem --ca-key ca/private/prod.root.ca.key.pem \
  --passphrase-env KEY_PASS --csr device.csr -o device3.crt.pem
openssl verify -CAfile ca/certs/prod.root.ca.crt.pem device3.crt.pem >/dev/null 2>&1 && pass || fail "openssl verify device3"
if grep -q "$KEY_PASS" "$WORK/out" "$WORK/err"; then fail "passphrase printed"; else pass; fi
finish
