#!/usr/bin/env bash
# fwprov inspect: what each file is, checked against what the openssl CLI says about the same
# files; --json; --match; expiry warnings; bad input.
source "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out csk.key.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out device.key.pem 2>/dev/null
openssl req -x509 -new -key csk.key.pem -subj "/CN=fwprov codesign/O=fwprov test" -days 30 \
  -addext "keyUsage=critical,digitalSignature" -addext "extendedKeyUsage=codeSigning" \
  -addext "subjectAltName=DNS:csk.example,IP:192.0.2.7" -out csk.crt.pem
openssl x509 -in csk.crt.pem -outform der -out csk.der
openssl rsa -in device.key.pem -traditional -outform der -out device.key.der 2>/dev/null
openssl req -new -key device.key.pem -subj "/CN=device 42" -out device.csr.pem

# Text output, compared with what openssl reports.
expect_exit 0 "inspect a DER certificate" -- "$FWPROV" inspect csk.der
serial=$(openssl x509 -in csk.der -inform der -noout -serial | cut -d= -f2)
fingerprint=$(openssl x509 -in csk.der -inform der -noout -fingerprint -sha256 | cut -d= -f2)
expect_grep "^csk\.der: certificate, DER$" "$WORK/out" "kind and encoding"
expect_grep "subject: +CN=fwprov codesign, O=fwprov test$" "$WORK/out" "subject"
expect_grep "issuer: +CN=fwprov codesign, O=fwprov test \(self-signed\)$" "$WORK/out" "issuer"
expect_grep "serial: +$serial$" "$WORK/out" "serial = openssl x509 -serial"
expect_grep "SHA-256: +$fingerprint$" "$WORK/out" "fingerprint = openssl x509 -fingerprint -sha256"
expect_grep "public key: +EC P-256$" "$WORK/out" "public key"
expect_grep "SANs: +DNS:csk.example, IP Address:192.0.2.7$" "$WORK/out" "SANs"
expect_grep "key usage: +digitalSignature$" "$WORK/out" "key usage"
expect_grep "ext. key usage: +codeSigning$" "$WORK/out" "EKU"
expect_grep "\(valid\)$" "$WORK/out" "validity"

expect_exit 0 "inspect keys and a CSR" -- "$FWPROV" inspect device.key.der csk.key.pem device.csr.pem
pub_fp=$(openssl pkey -in device.key.pem -pubout -outform der | openssl dgst -sha256 -r | cut -c1-64 | tr a-f A-F | sed 's/../&:/g; s/:$//')
expect_grep "^device\.key\.der: private key, DER, PKCS#1$" "$WORK/out" "RSA key kind"
expect_grep "key: +RSA 2048 bits$" "$WORK/out" "RSA key size"
expect_grep "public SHA-256: +$pub_fp$" "$WORK/out" "public key fingerprint = sha256 of openssl pkey -pubout -outform der"
expect_grep "^csk\.key\.pem: private key, PEM, PKCS#8$" "$WORK/out" "EC key kind"
expect_grep "key: +EC P-256$" "$WORK/out" "EC curve"
expect_grep "^device\.csr\.pem: CSR, PEM$" "$WORK/out" "CSR kind"
expect_grep "subject: +CN=device 42$" "$WORK/out" "CSR subject"
expect_grep "signature: +valid$" "$WORK/out" "CSR signature"

# --json for scripts.
expect_exit 0 "inspect --json" -- "$FWPROV" --json inspect csk.der device.key.der
if python3 - "$WORK/out" "$serial" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
cert = doc["files"][0]["certificates"][0]
key = doc["files"][1]["key"]
assert doc["ok"] is True
assert doc["files"][0]["kind"] == "certificate" and doc["files"][0]["encoding"] == "DER"
assert cert["serial"] == sys.argv[2]
assert cert["public_key"] == {"type": "EC", "bits": 256, "curve": "P-256", "public_key_sha256": cert["public_key"]["public_key_sha256"]}
assert cert["extended_key_usage"] == ["codeSigning"] and cert["key_usage"] == ["digitalSignature"]
assert cert["validity"] == "valid"
assert key["type"] == "RSA" and key["bits"] == 2048 and key["private"] is True
assert doc["files"][1]["structure"] == "PKCS#1"
PY
then pass; else fail "inspect --json document"; fi

# A chain lists every certificate.
openssl req -x509 -new -key device.key.pem -subj "/CN=second" -days 30 -out second.crt.pem
cat csk.crt.pem second.crt.pem > chain.pem
expect_exit 0 "inspect a chain" -- "$FWPROV" inspect chain.pem
expect_grep "^chain\.pem: chain of 2 certificates, PEM$" "$WORK/out" "chain heading"
expect_grep "subject: +CN=second$" "$WORK/out" "second certificate listed"

# --match: the certificate's public key against a key file (private, public, DER, PEM).
openssl pkey -in csk.key.pem -pubout -out csk.pub.pem
expect_exit 0 "--match with the private key" -- "$FWPROV" inspect --match csk.der csk.key.pem
expect_grep "^match: csk\.der" "$WORK/out" "match line"
expect_exit 0 "--match with the public key" -- "$FWPROV" inspect --match csk.crt.pem csk.pub.pem
expect_exit 7 "--match with another key" -- "$FWPROV" inspect --match csk.der device.key.der
expect_grep "^MISMATCH: csk\.der" "$WORK/out" "mismatch line"
expect_grep "csk\.der: public key does not match device\.key\.der" "$WORK/err" "mismatch error line"
expect_exit 7 "--match --json mismatch" -- "$FWPROV" --json inspect --match csk.der device.key.der
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["match"] is False and d["ok"] is False' "$WORK/out"; then pass; else fail "--match --json document"; fi
expect_exit 0 "--match CSR and key" -- "$FWPROV" inspect --match device.csr.pem device.key.der
expect_exit 2 "--match with one file" -- "$FWPROV" inspect --match csk.der

# Golden: the signing stage's code-signing certificates and their keys; the NXP CA's app certs.
keys="$GOLDEN/sign/keys"
expect_exit 0 "golden EC CSK matches ec_p256" -- "$FWPROV" inspect --match "$keys/csk_ec_p256_cert.der" "$keys/ec_p256.pem"
expect_exit 0 "golden RSA CSK matches rsa2048_pub" -- "$FWPROV" inspect --match "$keys/csk_rsa2048_cert.pem" "$keys/rsa2048_pub.der"
expect_exit 7 "golden EC CSK does not match ec_p384" -- "$FWPROV" inspect --match "$keys/csk_ec_p256_cert.der" "$keys/ec_p384.pem"
printf 'fwprov-test-pass\n' > nxp-pass.txt
expect_exit 0 "golden NXP app cert matches its encrypted key" -- "$FWPROV" inspect --match \
  "$GOLDEN/sign/nxp/ca/certs/fwprov.app.a.crt.pem" "$GOLDEN/sign/nxp/ca/private/fwprov.app.a.key.pem" --passphrase-file nxp-pass.txt
expect_exit 0 "golden NXP app cert" -- "$FWPROV" inspect "$GOLDEN/sign/nxp/ca/certs/fwprov.app.a.crt.pem"
expect_grep "issuer: .*CN=fwprov CA Root$" "$WORK/out" "golden NXP app cert issuer (not self-signed)"

# Expired and not-yet-valid certificates get a warning line; the command still succeeds.
mkdir -p ca && : > ca/index.txt && echo 01 > ca/serial
printf '[ca]\ndefault_ca=d\n[d]\ndatabase=ca/index.txt\nserial=ca/serial\nnew_certs_dir=ca\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n' > ca.cnf
openssl req -new -key csk.key.pem -subj /CN=old -out old.csr
openssl ca -batch -notext -config ca.cnf -selfsign -keyfile csk.key.pem -in old.csr \
  -startdate 20200101000000Z -enddate 20210101000000Z -out expired.pem 2>/dev/null
openssl req -new -key csk.key.pem -subj /CN=future -out future.csr
openssl ca -batch -notext -config ca.cnf -selfsign -keyfile csk.key.pem -in future.csr \
  -startdate 20990101000000Z -enddate 20991231000000Z -out future.pem 2>/dev/null
expect_exit 0 "inspect an expired certificate" -- "$FWPROV" inspect expired.pem
expect_grep "warning: expired\.pem: certificate \(CN=old\) expired on 2021-01-01T00:00:00Z" "$WORK/err" "expiry warning"
expect_grep "\(expired\)$" "$WORK/out" "expired validity"
expect_exit 0 "inspect a not-yet-valid certificate" -- "$FWPROV" inspect future.pem
expect_grep "warning: future\.pem: certificate \(CN=future\) is not valid before 2099-01-01T00:00:00Z" "$WORK/err" "not-yet-valid warning"
expect_exit 0 "no warning for a valid certificate" -- "$FWPROV" inspect csk.der
if grep -q warning "$WORK/err"; then fail "valid certificate: unexpected warning"; else pass; fi

# Bad input: one line per bad file, the others still inspected, the first failure's exit code.
: > empty.pem
printf 'garbage\n' > garbage.txt
expect_exit 3 "inspect with an empty file among good ones" -- "$FWPROV" inspect csk.der empty.pem garbage.txt
expect_grep "^csk\.der: certificate" "$WORK/out" "good file still inspected"
expect_grep "empty\.pem: file is empty" "$WORK/err" "empty file named"
expect_grep "garbage\.txt: not a certificate" "$WORK/err" "garbage file named"
export FWPROV_WRONG=nope
openssl pkcs8 -topk8 -v2 aes-256-cbc -in csk.key.pem -passout pass:right -out enc.pem
expect_exit 0 "inspect an encrypted key without a passphrase" -- "$FWPROV" inspect enc.pem
expect_grep "^enc\.pem: private key, PEM, encrypted PKCS#8$" "$WORK/out" "encrypted key: what it is"
expect_grep "key: +encrypted \(give --passphrase-env" "$WORK/out" "encrypted key: how to see more"
openssl rsa -in device.key.pem -traditional -aes256 -passout pass:right -out legacy.pem 2>/dev/null
openssl pkcs8 -topk8 -v2 aes-256-cbc -in csk.key.pem -passout pass:right -outform der -out enc.der
expect_exit 0 "inspect --json encrypted keys without a passphrase" -- "$FWPROV" --json inspect legacy.pem enc.der
if python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["files"]; assert f[0]["structure"]=="legacy encrypted PEM" and f[0]["encrypted"] and f[1]["encoding"]=="DER" and f[1]["structure"]=="encrypted PKCS#8"' "$WORK/out"; then pass; else fail "encrypted keys --json"; fi
printf 'right\n' > right-pass.txt
expect_exit 0 "inspect an encrypted key with its passphrase" -- "$FWPROV" inspect legacy.pem --passphrase-file right-pass.txt
expect_grep "key: +RSA 2048 bits$" "$WORK/out" "decrypted legacy key described"
expect_exit 5 "inspect an encrypted key with a wrong passphrase" -- "$FWPROV" inspect enc.pem --passphrase-env FWPROV_WRONG
expect_grep "enc\.pem: cannot decrypt private key: wrong passphrase" "$WORK/err" "wrong passphrase message"
expect_exit 4 "inspect a missing file" -- "$FWPROV" inspect missing.der

finish
