#!/usr/bin/env bash
# fwprov convert against the openssl CLI: keys, certificates and CSRs generated now, with
# RSA 2048/3072/4096 and EC P-256/P-384, compared byte for byte in both directions.
source "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

# same_as_openssl DESCRIPTION FWPROV_OUTPUT -- OPENSSL_ARGS...: openssl writes $WORK/ref, then compare.
same_as_openssl() {
  local what=$1 ours=$2; shift 3
  if ! openssl "$@" -out "$WORK/ref" 2>"$WORK/openssl.err"; then
    fail "$what: openssl $* failed"; sed 's/^/  /' "$WORK/openssl.err" | head -3 >&2; return
  fi
  expect_same_file "$ours" "$WORK/ref" "$what"
}
mode_of() { stat -c %a "$1"; }
expect_mode() {  # expect_mode FILE MODE DESCRIPTION
  local got; got=$(mode_of "$1" 2>/dev/null)
  if [ "$got" = "$2" ]; then pass; else fail "$3: $1 has mode $got, expected $2"; fi
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048.pem 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out rsa3072.pem 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out rsa4096.pem 2>/dev/null  # the one slow key
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem

for key in rsa2048 rsa3072 rsa4096 p256 p384; do
  case $key in rsa*) tool=rsa; trad=(-traditional) ;; *) tool=ec; trad=() ;; esac

  # PKCS#8 PEM (what genpkey writes) -> traditional DER (the default), 0600.
  expect_exit 0 "$key: PKCS#8 PEM -> DER" -- "$FWPROV" convert $key.pem -o $key.trad.der
  same_as_openssl "$key: traditional DER = openssl $tool ${trad[*]} -outform der" $key.trad.der -- \
    $tool -in $key.pem "${trad[@]}" -outform der
  expect_mode $key.trad.der 600 "$key: private key output mode"
  expect_grep "private key, PEM -> DER, PKCS#8 -> (PKCS#1|SEC1)" "$WORK/out" "$key: result line"

  # PKCS#8 DER.
  expect_exit 0 "$key: --key-format pkcs8" -- "$FWPROV" convert $key.pem -o $key.p8.der --key-format pkcs8
  same_as_openssl "$key: PKCS#8 DER = openssl pkcs8 -topk8 -nocrypt" $key.p8.der -- \
    pkcs8 -topk8 -nocrypt -in $key.pem -outform der

  # Traditional PEM input (PKCS#1 / SEC1) -> DER.
  openssl $tool -in $key.pem "${trad[@]}" -out $key.trad.pem 2>/dev/null
  expect_exit 0 "$key: traditional PEM -> DER" -- "$FWPROV" convert $key.trad.pem:$key.trad2.der
  expect_same_file $key.trad2.der $key.trad.der "$key: traditional PEM and PKCS#8 PEM give the same DER"

  # DER -> PEM, both layouts.
  expect_exit 0 "$key: traditional DER -> PEM" -- "$FWPROV" convert $key.trad.der -o $key.back.pem
  same_as_openssl "$key: traditional PEM = openssl $tool -outform pem" $key.back.pem -- \
    $tool -inform der -in $key.trad.der "${trad[@]}" -outform pem
  expect_exit 0 "$key: PKCS#8 DER -> PEM" -- "$FWPROV" convert $key.p8.der -o $key.p8.pem --key-format pkcs8
  same_as_openssl "$key: PKCS#8 PEM = openssl pkcs8 -topk8 -nocrypt -outform pem" $key.p8.pem -- \
    pkcs8 -topk8 -nocrypt -inform der -in $key.p8.der -outform pem
  expect_same_file $key.p8.pem $key.pem "$key: PKCS#8 round trip gives genpkey's file back"

  # Public key, both directions.
  openssl pkey -in $key.pem -pubout -out $key.pub.pem
  expect_exit 0 "$key: public PEM -> DER" -- "$FWPROV" convert $key.pub.pem
  same_as_openssl "$key: public DER = openssl pkey -pubout -outform der" $key.pub.der -- \
    pkey -in $key.pem -pubout -outform der
  expect_mode $key.pub.der 644 "$key: public key output mode"
  expect_exit 0 "$key: public DER -> PEM" -- "$FWPROV" convert $key.pub.der -o $key.pub.back.pem
  same_as_openssl "$key: public PEM = openssl pkey -pubin -inform der -pubout" $key.pub.back.pem -- \
    pkey -pubin -inform der -in $key.pub.der -pubout -outform pem

  # Self-signed certificate with extensions, both directions.
  openssl req -x509 -new -key $key.pem -subj "/CN=$key device/O=fwprov test" -days 30 \
    -addext "subjectAltName=DNS:$key.example,IP:10.0.0.1" -addext "extendedKeyUsage=clientAuth" -out $key.crt.pem
  expect_exit 0 "$key: certificate PEM -> DER" -- "$FWPROV" convert $key.crt.pem
  same_as_openssl "$key: cert DER = openssl x509 -outform der" $key.crt.der -- x509 -in $key.crt.pem -outform der
  expect_mode $key.crt.der 644 "$key: certificate output mode"
  expect_exit 0 "$key: certificate DER -> PEM" -- "$FWPROV" convert $key.crt.der -o $key.crt.back.pem
  same_as_openssl "$key: cert PEM = openssl x509 -outform pem" $key.crt.back.pem -- \
    x509 -inform der -in $key.crt.der -outform pem

  # CSR, both directions.
  openssl req -new -key $key.pem -subj "/CN=$key request" -addext "subjectAltName=DNS:csr.example" -out $key.csr.pem
  expect_exit 0 "$key: CSR PEM -> DER" -- "$FWPROV" convert $key.csr.pem -o $key.csr.der
  same_as_openssl "$key: CSR DER = openssl req -outform der" $key.csr.der -- req -in $key.csr.pem -outform der
  expect_exit 0 "$key: CSR DER -> PEM" -- "$FWPROV" convert $key.csr.der -o $key.csr.back.pem
  same_as_openssl "$key: CSR PEM = openssl req -outform pem" $key.csr.back.pem -- \
    req -inform der -in $key.csr.der -outform pem
done

# PKCS#1 RSAPublicKey ("RSA PUBLIC KEY") keeps its structure both ways.
openssl rsa -in rsa2048.pem -RSAPublicKey_out -out rsa.pkcs1pub.pem 2>/dev/null
expect_exit 0 "RSAPublicKey PEM -> DER" -- "$FWPROV" convert rsa.pkcs1pub.pem
same_as_openssl "RSAPublicKey DER = openssl rsa -RSAPublicKey_out -outform der" rsa.pkcs1pub.der -- \
  rsa -RSAPublicKey_in -in rsa.pkcs1pub.pem -RSAPublicKey_out -outform der
expect_exit 0 "RSAPublicKey DER -> PEM" -- "$FWPROV" convert rsa.pkcs1pub.der -o rsa.pkcs1pub.back.pem
expect_same_file rsa.pkcs1pub.back.pem rsa.pkcs1pub.pem "RSAPublicKey round trip"

# `openssl ecparam -genkey` writes an EC PARAMETERS block before the key.
openssl ecparam -name prime256v1 -genkey -out ecparam.pem
expect_exit 0 "ecparam -genkey output -> DER" -- "$FWPROV" convert ecparam.pem
same_as_openssl "ecparam key: DER = openssl ec -outform der" ecparam.der -- ec -in ecparam.pem -outform der

# Windows line endings and explanatory text around the block (as `openssl x509 -text` writes).
sed 's/$/\r/' p256.crt.pem > crlf.crt.pem
expect_exit 0 "CRLF PEM certificate" -- "$FWPROV" convert crlf.crt.pem
expect_same_file crlf.crt.der p256.crt.der "CRLF PEM gives the same DER"
openssl x509 -in p256.crt.pem -text > text.crt.pem
expect_exit 0 "PEM certificate after its text dump" -- "$FWPROV" convert text.crt.pem
expect_same_file text.crt.der p256.crt.der "text around the PEM block is ignored"

# Ed25519: no traditional form, PKCS#8 either way.
openssl genpkey -algorithm ed25519 -out ed25519.pem
expect_exit 0 "Ed25519 -> DER" -- "$FWPROV" convert ed25519.pem
same_as_openssl "Ed25519 DER = openssl pkcs8 -topk8 -nocrypt" ed25519.der -- pkcs8 -topk8 -nocrypt -in ed25519.pem -outform der
expect_exit 0 "Ed25519 DER -> PEM" -- "$FWPROV" convert ed25519.der -o ed25519.back.pem
expect_same_file ed25519.back.pem ed25519.pem "Ed25519 round trip"

# Forced direction: PEM -> PEM re-encodes (PKCS#8 to traditional here).
expect_exit 0 "--to pem on PEM input" -- "$FWPROV" convert p256.pem -o p256.sec1.pem --to pem
same_as_openssl "--to pem: SEC1 PEM = openssl ec" p256.sec1.pem -- ec -in p256.pem -outform pem

# Encrypted inputs: PKCS#8 (PEM and DER) and legacy encrypted PEM, passphrase from env or file.
export FWPROV_TEST_PASS="fwprov test pass"
printf 'fwprov test pass\n' > pass.txt
openssl pkcs8 -topk8 -v2 aes-256-cbc -in rsa2048.pem -passout env:FWPROV_TEST_PASS -out rsa.enc8.pem
openssl pkcs8 -topk8 -v2 aes-256-cbc -in p256.pem -passout env:FWPROV_TEST_PASS -outform der -out p256.enc8.der
openssl rsa -in rsa2048.pem -traditional -aes256 -passout env:FWPROV_TEST_PASS -out rsa.legacy.pem 2>/dev/null
openssl ec -in p384.pem -aes128 -passout env:FWPROV_TEST_PASS -out p384.legacy.pem 2>/dev/null
expect_grep "Proc-Type: 4,ENCRYPTED" rsa.legacy.pem "legacy encrypted PEM test input"
expect_exit 0 "encrypted PKCS#8 PEM, --passphrase-env" -- \
  "$FWPROV" convert rsa.enc8.pem -o rsa.enc8.der --passphrase-env FWPROV_TEST_PASS
expect_same_file rsa.enc8.der rsa2048.trad.der "encrypted PKCS#8 PEM -> PKCS#1 DER"
expect_exit 0 "encrypted PKCS#8 DER, --passphrase-file" -- \
  "$FWPROV" convert p256.enc8.der -o p256.dec.der --to der --passphrase-file pass.txt
expect_same_file p256.dec.der p256.trad.der "encrypted PKCS#8 DER -> SEC1 DER"
expect_exit 0 "legacy encrypted RSA PEM" -- "$FWPROV" convert rsa.legacy.pem -o rsa.legacy.der --passphrase-env FWPROV_TEST_PASS
expect_same_file rsa.legacy.der rsa2048.trad.der "legacy encrypted RSA PEM -> PKCS#1 DER"
expect_exit 0 "legacy encrypted EC PEM" -- "$FWPROV" convert p384.legacy.pem -o p384.legacy.der --passphrase-file pass.txt
expect_same_file p384.legacy.der p384.trad.der "legacy encrypted EC PEM -> SEC1 DER"
expect_mode rsa.legacy.der 600 "decrypted key output mode"

# Chains: an error that counts them unless --chain says what to do.
cat rsa2048.crt.pem p256.crt.pem p384.crt.pem > chain.pem
expect_exit 3 "chain without --chain" -- "$FWPROV" convert chain.pem -o chain.der
expect_grep "chain\.pem.*3 certificates" "$WORK/err" "chain error counts the certificates"
expect_absent chain.der "chain error writes nothing"
expect_exit 0 "--chain first" -- "$FWPROV" convert chain.pem -o first.der --chain first
expect_same_file first.der rsa2048.crt.der "--chain first = the first certificate"
expect_exit 0 "--chain all" -- "$FWPROV" convert chain.pem -o all.der --chain all
cat rsa2048.crt.der p256.crt.der p384.crt.der > all.expected.der
expect_same_file all.der all.expected.der "--chain all = DER encodings concatenated"
expect_exit 0 "DER chain -> PEM --chain all" -- "$FWPROV" convert all.der -o all.pem --chain all
expect_same_file all.pem chain.pem "DER chain back to PEM"

# The seed workflow in one batch call.
expect_exit 0 "batch of three" -- "$FWPROV" convert rsa2048.pem:privatekey.der rsa2048.crt.pem:cert.der p256.crt.pem:csk.der
expect_same_file privatekey.der rsa2048.trad.der "batch: private key"
expect_same_file cert.der rsa2048.crt.der "batch: device certificate"
expect_same_file csk.der p256.crt.der "batch: code-signing certificate"
expect_mode privatekey.der 600 "batch: private key mode"
expect_exit 0 "batch --json" -- "$FWPROV" --json convert rsa2048.pem:j1.der p256.crt.pem:j2.der
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] and len(d["converted"])==2 and d["converted"][0]["output_structure"]=="PKCS#1" and d["converted"][1]["kind"]=="certificate"' "$WORK/out"; then pass; else fail "batch --json document"; fi

# Golden files: the signing stage's test keys and certificates (tests/golden/sign).
keys="$GOLDEN/sign/keys"
for cert in csk_ec_p256_cert csk_rsa2048_cert; do
  expect_exit 0 "golden $cert PEM -> DER" -- "$FWPROV" convert "$keys/$cert.pem" -o g_$cert.der
  expect_same_file g_$cert.der "$keys/$cert.der" "golden $cert.der"
  expect_exit 0 "golden $cert DER -> PEM" -- "$FWPROV" convert "$keys/$cert.der" -o g_$cert.pem
  expect_same_file g_$cert.pem "$keys/$cert.pem" "golden $cert.pem"
done
for pub in ec_p256_pub ec_p384_pub rsa2048_pub rsa3072_pub rsa3072_b_pub; do
  expect_exit 0 "golden $pub PEM -> DER" -- "$FWPROV" convert "$keys/$pub.pem" -o g_$pub.der
  expect_same_file g_$pub.der "$keys/$pub.der" "golden $pub.der"
  expect_exit 0 "golden $pub DER -> PEM" -- "$FWPROV" convert "$keys/$pub.der" -o g_$pub.pem
  expect_same_file g_$pub.pem "$keys/$pub.pem" "golden $pub.pem"
done
for key in ec_p256 ec_p384 rsa2048 rsa3072 rsa3072_b; do
  expect_exit 0 "golden $key -> DER -> PEM" -- "$FWPROV" convert "$keys/$key.pem" -o g_$key.der
  expect_exit 0 "golden $key DER -> PEM" -- "$FWPROV" convert g_$key.der -o g_$key.pem
  expect_same_file g_$key.pem "$keys/$key.pem" "golden $key round trip"
done
ca="$GOLDEN/sign/nxp/ca/private"
printf 'fwprov-test-pass\n' > nxp-pass.txt
for key in fwprov.app.a fwprov.app.b fwprov.root.ca; do
  expect_exit 0 "golden encrypted $key" -- "$FWPROV" convert "$ca/$key.key.pem" -o g_$key.pem --to pem --passphrase-file nxp-pass.txt
  expect_same_file g_$key.pem "$ca/$key.key.unencrypted.pem" "golden $key decrypted"
done

finish
