#!/usr/bin/env bash
# Every signature fwprov makes verifies with openssl (dgst -verify / pkeyutl): each format, each
# key type, random and deterministic ECDSA, batch signing.
source "$(dirname "$0")/lib.sh"
K="$GOLDEN/sign/keys"
cd "$WORK"
head -c 5000 /dev/urandom > a.bin
printf 'second file' > b.bin
: > empty.bin

ossl_verify() {  # ossl_verify DESCRIPTION PUBKEY SIGFILE DATA [extra dgst args]
  local what=$1 pub=$2 sig=$3 data=$4; shift 4
  if openssl dgst -sha256 -verify "$pub" "$@" -signature "$sig" "$data" >/dev/null 2>&1; then pass; else fail "openssl rejects $what"; fi
}
ossl_rejects() {
  local what=$1 pub=$2 sig=$3 data=$4; shift 4
  if openssl dgst -sha256 -verify "$pub" "$@" -signature "$sig" "$data" >/dev/null 2>&1; then fail "openssl accepts $what"; else pass; fi
}
# r||s (big-endian, SIZE bytes each) at OFFSET of FILE as a DER ECDSA-Sig-Value.
raw_to_der() {
  python3 - "$@" <<'PY'
import sys
path, offset, size, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
data = open(path, 'rb').read()
if offset < 0:
    offset += len(data)
def integer(b, little):
    v = int.from_bytes(b, 'little' if little else 'big')
    body = v.to_bytes((v.bit_length() + 8) // 8, 'big')
    return b'\x02' + bytes([len(body)]) + body
little = len(sys.argv) > 5
r = data[offset:offset + size]; s = data[offset + size:offset + 2 * size]
seq = integer(r, little) + integer(s, little)
open(out, 'wb').write(b'\x30' + bytes([len(seq)]) + seq)
PY
}

# der / base64 with each key type; RSA in both schemes; ECDSA random and deterministic
for key in ec_p256 ec_p384 rsa2048 rsa3072; do
  expect_exit 0 "der $key" -- "$FWPROV" sign a.bin --key "$K/$key.pem" --format der -o "a.$key.der"
  ossl_verify "der $key" "$K/${key}_pub.pem" "a.$key.der" a.bin
  ossl_rejects "der $key on another file" "$K/${key}_pub.pem" "a.$key.der" b.bin
  expect_exit 0 "base64 $key" -- "$FWPROV" sign a.bin --key "$K/$key.pem" --format base64 -o "a.$key.b64"
  base64 -d "a.$key.b64" > "a.$key.b64.bin"
  ossl_verify "base64 $key" "$K/${key}_pub.pem" "a.$key.b64.bin" a.bin
  expect_exit 0 "fwprov verifies its der $key" -- "$FWPROV" verify a.bin --sig "a.$key.der" --pubkey "$K/${key}_pub.pem"
  expect_exit 7 "fwprov rejects der $key on another file" -- "$FWPROV" verify b.bin --sig "a.$key.der" --pubkey "$K/${key}_pub.pem"
done
for key in rsa2048 rsa3072; do
  expect_exit 0 "pss $key" -- "$FWPROV" sign a.bin --key "$K/$key.pem" --format der --scheme pss -o "a.$key.pss"
  ossl_verify "pss $key" "$K/${key}_pub.pem" "a.$key.pss" a.bin -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
  ossl_rejects "pss $key as pkcs1" "$K/${key}_pub.pem" "a.$key.pss" a.bin
  expect_exit 0 "fwprov verifies pss $key" -- "$FWPROV" verify a.bin --sig "a.$key.pss" --scheme pss --pubkey "$K/${key}_pub.pem"
  expect_exit 7 "fwprov rejects pss $key as pkcs1" -- "$FWPROV" verify a.bin --sig "a.$key.pss" --scheme pkcs1 --pubkey "$K/${key}_pub.pem"
done
for key in ec_p256 ec_p384; do
  expect_exit 0 "deterministic $key" -- "$FWPROV" sign a.bin --key "$K/$key.pem" --format der --deterministic -o "a.$key.det1"
  expect_exit 0 "deterministic $key again" -- "$FWPROV" sign a.bin --key "$K/$key.pem" --format der --deterministic -o "a.$key.det2"
  expect_same_file "a.$key.det1" "a.$key.det2" "deterministic $key re-sign"
  ossl_verify "deterministic $key" "$K/${key}_pub.pem" "a.$key.det1" a.bin
done
expect_exit 0 "random ECDSA twice" -- "$FWPROV" sign a.bin --key "$K/ec_p256.pem" --format der -o a.rand2
if cmp -s a.rand2 a.ec_p256.der; then fail "random ECDSA signatures repeat"; else pass; fi

# aws-ota JSON: the inline signature verifies
expect_exit 0 "aws-ota" -- "$FWPROV" sign a.bin --key "$K/ec_p256.pem" --cert "$K/csk_ec_p256_cert.pem" --format aws-ota -o a.ota.json
python3 -c 'import json,base64,sys; sys.stdout.buffer.write(base64.b64decode(json.load(open("a.ota.json"))["customCodeSigning"]["signature"]["inlineDocument"]))' > a.ota.sig
openssl x509 -in "$K/csk_ec_p256_cert.pem" -pubkey -noout > csk.pub.pem
ossl_verify "aws-ota inline signature (certificate key)" csk.pub.pem a.ota.sig a.bin

# nxp: raw signature and its base64 text
mkdir -p nxp
expect_exit 0 "nxp" -- "$FWPROV" sign a.bin --key "$K/rsa2048.pem" --format nxp --bundle "$K/csk_rsa2048_cert.pem" --outdir nxp
ossl_verify "nxp raw" "$K/rsa2048_pub.pem" nxp/a.bin.sha256 a.bin
base64 -d nxp/a.bin.sha256.txt > nxp.txt.bin
expect_same_file nxp.txt.bin nxp/a.bin.sha256 "nxp base64 text decodes to the raw signature"
size=$(stat -c %s nxp/bundle.a.bin)
[ "$size" -eq $((5000 + 2048)) ] && pass || fail "nxp bundle size $size"

# esp-sbv1: r||s big-endian after the version word
expect_exit 0 "esp-sbv1" -- "$FWPROV" sign a.bin --key "$K/ec_p256.pem" --format esp-sbv1 -o a.v1.bin
raw_to_der a.v1.bin -64 32 a.v1.der
ossl_verify "esp-sbv1 signature" "$K/ec_p256_pub.pem" a.v1.der a.bin

# esp-sbv2 RSA: PSS over the padded image's SHA-256, stored little-endian; ECDSA r,s little-endian
expect_exit 0 "esp-sbv2 rsa" -- "$FWPROV" sign a.bin --key "$K/rsa3072.pem" --format esp-sbv2 -o a.v2.bin
python3 - <<'PY'
data = open('a.v2.bin', 'rb').read()
open('a.v2.image', 'wb').write(data[:-4096])
block = data[-4096:]
open('a.v2.sig', 'wb').write(block[812:812 + 384][::-1])
PY
ossl_verify "esp-sbv2 rsa-pss" "$K/rsa3072_pub.pem" a.v2.sig a.v2.image -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
expect_exit 0 "esp-sbv2 p256" -- "$FWPROV" sign a.bin --key "$K/ec_p256.pem" --format esp-sbv2 -o a.v2e.bin
python3 -c 'd=open("a.v2e.bin","rb").read(); open("a.v2e.image","wb").write(d[:-4096])'
size=$(stat -c %s a.v2e.bin)
raw_to_der a.v2e.bin $((size - 4096 + 101)) 32 a.v2e.der little
ossl_verify "esp-sbv2 ecdsa p256" "$K/ec_p256_pub.pem" a.v2e.der a.v2e.image

expect_exit 0 "esp-sbv2 p384" -- "$FWPROV" sign a.bin --key "$K/ec_p384.pem" --format esp-sbv2 -o a.v2p.bin
python3 -c 'd=open("a.v2p.bin","rb").read(); open("a.v2p.image","wb").write(d[:-4096])'
size=$(stat -c %s a.v2p.bin)
raw_to_der a.v2p.bin $((size - 4096 + 149)) 48 a.v2p.der little
if openssl dgst -sha384 -verify "$K/ec_p384_pub.pem" -signature a.v2p.der a.v2p.image >/dev/null 2>&1; then pass; else fail "openssl rejects esp-sbv2 ecdsa p384 (SHA-384)"; fi

# batch: many files in one call, each signature verifies, outputs in --outdir
mkdir -p batch sigs
for i in $(seq 1 20); do printf 'file %d' "$i" > "batch/f$i.bin"; done
expect_exit 0 "batch sign" -- "$FWPROV" sign batch/*.bin --key "$K/ec_p256.pem" --format der --outdir sigs
bad=0
for i in $(seq 1 20); do
  openssl dgst -sha256 -verify "$K/ec_p256_pub.pem" -signature "sigs/f$i.bin.sig" "batch/f$i.bin" >/dev/null 2>&1 || bad=$((bad + 1))
done
[ "$bad" -eq 0 ] && pass || fail "batch: $bad of 20 signatures rejected by openssl"
# all-or-nothing: one unreadable input, nothing written
mkdir -p out2
expect_exit 4 "batch with a missing input" -- "$FWPROV" sign batch/f1.bin missing.bin --key "$K/ec_p256.pem" --format der --outdir out2
expect_absent out2/f1.bin.sig "batch output after a failure"
expect_exit 0 "empty file" -- "$FWPROV" sign empty.bin --key "$K/rsa2048.pem" --format der
ossl_verify "empty file" "$K/rsa2048_pub.pem" empty.bin.sig empty.bin

# refusals
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out weak.pem 2>/dev/null
expect_exit 5 "RSA-1024 refused" -- "$FWPROV" sign a.bin --key weak.pem --format der -o weak.sig
expect_absent weak.sig "RSA-1024 output"
expect_grep "2048" "$WORK/err" "RSA-1024 message"
expect_exit 5 "--cert of another key refused" -- "$FWPROV" sign a.bin --key "$K/ec_p256.pem" --cert "$K/csk_rsa2048_cert.pem" --format der -o x.sig
expect_absent x.sig "mismatched --cert output"
expect_exit 2 "two keys outside esp-sbv2" -- "$FWPROV" sign a.bin --key "$K/ec_p256.pem" --key "$K/ec_p384.pem" --format der
expect_exit 2 "-o with two inputs" -- "$FWPROV" sign a.bin b.bin --key "$K/ec_p256.pem" --format der -o x.sig
expect_exit 2 "pss for aws-ota" -- "$FWPROV" sign a.bin --key "$K/rsa2048.pem" --format aws-ota --scheme pss
expect_exit 2 "unknown format" -- "$FWPROV" sign a.bin --key "$K/rsa2048.pem" --format pgp
expect_exit 3 "not a key" -- "$FWPROV" sign a.bin --key a.bin --format der
expect_exit 2 "verify without a key" -- "$FWPROV" verify a.bin --sig a.ec_p256.der
expect_exit 3 "verify with junk JSON" -- bash -c "echo '{\"x\":1}' > junk.json; \"$FWPROV\" verify a.bin --sig junk.json --pubkey \"$K/ec_p256_pub.pem\""
# a binary signature that happens to start with '{' is not mistaken for JSON
{ printf '{'; head -c 383 /dev/urandom; } > brace.sig
expect_exit 7 "binary signature starting with {" -- "$FWPROV" verify a.bin --sig brace.sig --pubkey "$K/rsa3072_pub.pem"
if grep -rq "PRIVATE KEY" "$WORK/out" "$WORK/err"; then fail "key material printed"; else pass; fi
finish
