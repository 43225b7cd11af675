#!/usr/bin/env bash
# fwprov sign/verify against the reference outputs in tests/golden/sign: byte-identical where the
# reference is deterministic (AWS RSA, NXP, espsecure v1), verified where it is not.
source "$(dirname "$0")/lib.sh"
S="$GOLDEN/sign"
K="$S/keys"
cd "$WORK"

flip_byte() {  # flip_byte IN OUT OFFSET: copy with one bit flipped
  cp "$1" "$2"
  printf "$(printf '\\x%02x' $(( $(od -An -tu1 -j "$3" -N1 "$1") ^ 1 )))" | dd of="$2" bs=1 seek="$3" conv=notrunc status=none
}

# --- AWS IoT OTA, RSA-2048 PKCS#1 v1.5: deterministic, byte-identical ---
A="$S/aws/rsa2048_firmware"
cp "$A/input.bin" firmware.bin
expect_exit 0 "aws rsa der" -- "$FWPROV" sign firmware.bin --key "$K/rsa2048.pem" --format der -o rsa.der
expect_same_file rsa.der "$A/signature.der" "aws rsa DER signature"
expect_exit 0 "aws rsa base64" -- "$FWPROV" sign firmware.bin --key "$K/rsa2048.pem" --format base64 -o rsa.b64
expect_same_file rsa.b64 "$A/signature.b64" "aws rsa base64 signature"
expect_exit 0 "aws rsa ota json" -- "$FWPROV" sign firmware.bin --key "$K/rsa2048.pem" --cert "$K/csk_rsa2048_cert.pem" --format aws-ota
if grep -qF "\"inlineDocument\": \"$(cat "$A/signature.b64")\"" firmware.bin.ota.json; then pass; else fail "aws rsa inline signature"; fi
expect_grep '"signatureAlgorithm": "RSA"' firmware.bin.ota.json "aws rsa algorithm"
expect_grep '"certificateName": "Code Verify Key"' firmware.bin.ota.json "aws default certificate name"
expect_grep '"hashAlgorithm": "SHA256"' firmware.bin.ota.json "aws hash algorithm"
expect_exit 0 "verify own aws json" -- "$FWPROV" verify firmware.bin --format aws-ota --cert "$K/csk_rsa2048_cert.pem"
for doc in create-ota-update-files.json job-document-example.json signature.der signature.b64; do
  expect_exit 0 "verify reference aws rsa $doc" -- "$FWPROV" verify firmware.bin --sig "$A/$doc" --cert "$K/csk_rsa2048_cert.der"
done

# --- AWS IoT OTA, ECDSA P-256 (randomized): reference verifies, tampered copies do not ---
E="$S/aws/ecdsa_p256_firmware"
for doc in create-ota-update-files.json job-document-example.json signature.der signature.b64; do
  expect_exit 0 "verify reference aws ecdsa $doc" -- "$FWPROV" verify "$E/input.bin" --sig "$E/$doc" --cert "$K/csk_ec_p256_cert.der"
  expect_exit 0 "verify reference aws ecdsa $doc with the public key" -- "$FWPROV" verify "$E/input.bin" --sig "$E/$doc" --pubkey "$K/ec_p256_pub.pem"
done
flip_byte "$E/input.bin" tampered.bin 10
expect_exit 7 "tampered aws ecdsa image" -- "$FWPROV" verify tampered.bin --sig "$E/signature.der" --cert "$K/csk_ec_p256_cert.pem"
expect_exit 7 "aws ecdsa signature with the RSA certificate" -- "$FWPROV" verify "$E/input.bin" --sig "$E/create-ota-update-files.json" --cert "$K/csk_rsa2048_cert.pem"
expect_exit 7 "aws ecdsa signature with another EC key" -- "$FWPROV" verify "$E/input.bin" --sig "$E/signature.der" --pubkey "$K/ec_p384_pub.pem"
expect_exit 0 "sign aws ecdsa" -- "$FWPROV" sign firmware.bin --key "$K/ec_p256.pem" --cert "$K/csk_ec_p256_cert.pem" --format aws-ota --cert-path-on-device /certs/csk.der -o ec.ota.json
expect_grep '"certificateName": "/certs/csk.der"' ec.ota.json "aws certificate path on device"
expect_grep '"signatureAlgorithm": "ECDSA"' ec.ota.json "aws ecdsa algorithm"
expect_exit 0 "verify own aws ecdsa json" -- "$FWPROV" verify firmware.bin --sig ec.ota.json --cert "$K/csk_ec_p256_cert.der"
expect_exit 7 "own aws ecdsa json on a tampered file" -- "$FWPROV" verify tampered.bin --sig ec.ota.json --cert "$K/csk_ec_p256_cert.der"

# --- NXP sign_me.py: all three outputs byte-identical ---
N="$S/nxp"
export NXP_PASS=fwprov-test-pass
printf 'fwprov-test-pass\n' > pass.txt
mkdir -p nxp_a nxp_b nxp_t
expect_exit 0 "nxp app.a (passphrase env)" -- "$FWPROV" sign "$N/ca_app_a_firmware/firmware.bin" --key "$N/ca/private/fwprov.app.a.key.pem" \
  --passphrase-env NXP_PASS --format nxp --bundle "$N/ca/certs/fwprov.app.a.crt.pem" --outdir nxp_a
expect_exit 0 "nxp app.b (passphrase file)" -- "$FWPROV" sign "$N/ca_app_b_app_image/image.bin" --key "$N/ca/private/fwprov.app.b.key.pem" \
  --passphrase-file pass.txt --format nxp --bundle "$N/ca/certs/fwprov.app.b.crt.pem" --outdir nxp_b
expect_exit 0 "nxp test key" -- "$FWPROV" sign "$N/testkey_rsa2048_firmware/firmware.bin" --key "$K/rsa2048.pem" \
  --format nxp --bundle "$N/ca/certs/fwprovtest.app.a.crt.pem" --outdir nxp_t
for pair in "nxp_a:ca_app_a_firmware:firmware.bin" "nxp_b:ca_app_b_app_image:image.bin" "nxp_t:testkey_rsa2048_firmware:firmware.bin"; do
  IFS=: read -r out case name <<<"$pair"
  for file in "$name.sha256" "$name.sha256.txt" "bundle.$name"; do
    expect_same_file "$out/$file" "$N/$case/expected/$file" "nxp $case $file"
  done
done
expect_exit 0 "verify reference nxp raw signature" -- "$FWPROV" verify "$N/ca_app_a_firmware/firmware.bin" --format nxp \
  --sig "$N/ca_app_a_firmware/expected/firmware.bin.sha256" --cert "$N/ca/certs/fwprov.app.a.crt.pem"
expect_exit 0 "verify reference nxp base64 signature" -- "$FWPROV" verify "$N/ca_app_b_app_image/image.bin" \
  --sig "$N/ca_app_b_app_image/expected/image.bin.sha256.txt" --cert "$N/ca/certs/fwprov.app.b.crt.pem"
cp "$N/ca_app_a_firmware/firmware.bin" firmware_a.bin
cp "$N/ca_app_a_firmware/expected/firmware.bin.sha256" firmware_a.bin.sha256
expect_exit 0 "verify nxp with the default signature name" -- "$FWPROV" verify firmware_a.bin --format nxp --cert "$N/ca/certs/fwprov.app.a.crt.pem"
flip_byte firmware_a.bin firmware_a_t.bin 2000
expect_exit 7 "tampered nxp image" -- "$FWPROV" verify firmware_a_t.bin --sig firmware_a.bin.sha256 --cert "$N/ca/certs/fwprov.app.a.crt.pem"
expect_exit 7 "nxp signature with the bank B certificate" -- "$FWPROV" verify firmware_a.bin --format nxp --cert "$N/ca/certs/fwprov.app.b.crt.pem"
expect_exit 5 "nxp bundle certificate of another key" -- "$FWPROV" sign firmware_a.bin --key "$K/rsa2048.pem" --format nxp --bundle "$N/ca/certs/fwprov.app.a.crt.pem" --outdir nxp_t
expect_exit 5 "nxp encrypted key without passphrase" -- "$FWPROV" sign firmware_a.bin --key "$N/ca/private/fwprov.app.a.key.pem" --format nxp --outdir nxp_t
expect_exit 5 "nxp encrypted key, wrong passphrase" -- env NXP_WRONG=Zq9-not-it "$FWPROV" sign firmware_a.bin --key "$N/ca/private/fwprov.app.a.key.pem" --passphrase-env NXP_WRONG --format nxp --outdir nxp_t
if grep -q "Zq9-not-it" "$WORK/err" "$WORK/out"; then fail "passphrase printed"; else pass; fi

# --- espsecure v1: byte-identical (RFC 6979) ---
V1="$S/espsecure/v1_ecdsa_p256"
expect_exit 0 "esp-sbv1 sign" -- "$FWPROV" sign "$V1/input.bin" --key "$K/ec_p256.pem" --format esp-sbv1 -o v1.bin
expect_same_file v1.bin "$V1/signed.bin" "esp-sbv1 signed image"
for key in ec_p256_pub.pem ec_p256.pem ec_p256_pub.der csk_ec_p256_cert.pem; do
  expect_exit 0 "esp-sbv1 reference verifies with $key" -- "$FWPROV" verify "$V1/signed.bin" --format esp-sbv1 --pubkey "$K/$key"
done
expect_exit 0 "esp-sbv1 reference verifies with the raw v1 key" -- "$FWPROV" verify "$V1/signed.bin" --format esp-sbv1 --pubkey "$S/espsecure/key_digests/ec_p256_v1_raw_pub.bin"
expect_exit 7 "esp-sbv1 tampered" -- "$FWPROV" verify "$V1/tampered.bin" --format esp-sbv1 --pubkey "$K/ec_p256_pub.pem"
expect_exit 5 "esp-sbv1 verify with a P-384 key" -- "$FWPROV" verify "$V1/signed.bin" --format esp-sbv1 --pubkey "$K/ec_p384_pub.pem"
expect_exit 5 "esp-sbv1 refuses P-384" -- "$FWPROV" sign "$S/espsecure/v1_p384_rejected/input.bin" --key "$K/ec_p384.pem" --format esp-sbv1 -o no.bin
expect_absent no.bin "esp-sbv1 P-384 output"
expect_exit 5 "esp-sbv1 refuses RSA" -- "$FWPROV" sign "$S/espsecure/v1_rsa_key_rejected/input.bin" --key "$K/rsa3072.pem" --format esp-sbv1 -o no.bin
expect_absent no.bin "esp-sbv1 RSA output"

# --- espsecure v2: reference images verify, tampered ones do not, ours verify ---
V2="$S/espsecure"
expect_exit 0 "v2 rsa reference" -- "$FWPROV" verify "$V2/v2_rsa3072/signed.bin" --format esp-sbv2 --pubkey "$K/rsa3072_pub.pem"
expect_exit 7 "v2 rsa reference with key b" -- "$FWPROV" verify "$V2/v2_rsa3072/signed.bin" --format esp-sbv2 --pubkey "$K/rsa3072_b_pub.pem"
expect_exit 7 "v2 rsa tampered" -- "$FWPROV" verify "$V2/v2_rsa3072/tampered.bin" --format esp-sbv2 --pubkey "$K/rsa3072_pub.pem"
expect_exit 0 "v2 rsa app image reference" -- "$FWPROV" verify "$V2/v2_rsa3072_app_image/signed.bin" --format esp-sbv2 --pubkey "$K/rsa3072_pub.pem"
expect_exit 0 "v2 p256 reference" -- "$FWPROV" verify "$V2/v2_ecdsa_p256/signed.bin" --format esp-sbv2 --pubkey "$K/ec_p256_pub.pem"
expect_exit 7 "v2 p256 tampered" -- "$FWPROV" verify "$V2/v2_ecdsa_p256/tampered.bin" --format esp-sbv2 --pubkey "$K/ec_p256_pub.pem"
expect_exit 0 "v2 p384 reference" -- "$FWPROV" verify "$V2/v2_ecdsa_p384/signed.bin" --format esp-sbv2 --pubkey "$K/ec_p384_pub.pem"
expect_exit 7 "v2 p384 tampered" -- "$FWPROV" verify "$V2/v2_ecdsa_p384/tampered.bin" --format esp-sbv2 --pubkey "$K/ec_p384_pub.pem"
for key in rsa3072_pub.pem rsa3072_b_pub.pem; do
  expect_exit 0 "v2 two keys reference with $key" -- "$FWPROV" verify "$V2/v2_two_rsa_keys/signed.bin" --format esp-sbv2 --pubkey "$K/$key"
done
expect_exit 7 "v2 two rsa keys with an EC key (espsecure crashes)" -- "$FWPROV" verify "$V2/v2_two_rsa_keys/signed.bin" --format esp-sbv2 --pubkey "$K/ec_p256_pub.pem"
expect_exit 3 "v2 verify of an unsigned file" -- "$FWPROV" verify "$S/firmware.bin" --format esp-sbv2 --pubkey "$K/ec_p256_pub.pem"
expect_exit 5 "v2 refuses RSA-2048" -- "$FWPROV" sign "$V2/v2_rsa2048_rejected/input.bin" --key "$K/rsa2048.pem" --format esp-sbv2 -o no.bin
expect_absent no.bin "v2 RSA-2048 output"

sign_v2() {  # sign_v2 CASE OUT KEY...
  local case=$1 out=$2; shift 2
  local args=()
  for key in "$@"; do args+=(--key "$K/$key"); done
  expect_exit 0 "v2 sign $case" -- "$FWPROV" sign "$V2/$case/input.bin" "${args[@]}" --format esp-sbv2 -o "$out"
  local want got
  want=$(stat -c %s "$V2/$case/signed.bin"); got=$(stat -c %s "$out")
  [ "$want" = "$got" ] && pass || fail "v2 $case: size $got, reference $want"
  # image and padding identical to the reference
  local image=$((got - 4096))
  cmp -s -n "$image" "$out" "$V2/$case/signed.bin" && pass || fail "v2 $case: image/padding differs from the reference"
}
sign_v2 v2_rsa3072 v2_rsa.bin rsa3072.pem
sign_v2 v2_rsa3072_app_image v2_app.bin rsa3072.pem
sign_v2 v2_ecdsa_p256 v2_p256.bin ec_p256.pem
sign_v2 v2_ecdsa_p384 v2_p384.bin ec_p384.pem
sign_v2 v2_two_rsa_keys v2_two.bin rsa3072.pem rsa3072_b.pem
expect_exit 0 "own v2 rsa verifies" -- "$FWPROV" verify v2_rsa.bin --format esp-sbv2 --pubkey "$K/rsa3072_pub.pem"
expect_exit 0 "own v2 app image verifies" -- "$FWPROV" verify v2_app.bin --format esp-sbv2 --pubkey "$K/rsa3072_pub.pem"
expect_exit 0 "own v2 p256 verifies" -- "$FWPROV" verify v2_p256.bin --format esp-sbv2 --cert "$K/csk_ec_p256_cert.pem"
expect_exit 0 "own v2 p384 verifies" -- "$FWPROV" verify v2_p384.bin --format esp-sbv2 --pubkey "$K/ec_p384_pub.pem"
expect_exit 0 "own v2 two keys verifies with b" -- "$FWPROV" verify v2_two.bin --format esp-sbv2 --pubkey "$K/rsa3072_b_pub.pem"
flip_byte v2_p256.bin v2_p256_t.bin 100
expect_exit 7 "own v2 p256 tampered" -- "$FWPROV" verify v2_p256_t.bin --format esp-sbv2 --pubkey "$K/ec_p256_pub.pem"
expect_exit 0 "v2 append an EC block" -- "$FWPROV" sign v2_rsa.bin --key "$K/ec_p256.pem" --format esp-sbv2 --append -o v2_appended.bin
expect_exit 0 "appended image verifies with the first key" -- "$FWPROV" verify v2_appended.bin --format esp-sbv2 --pubkey "$K/rsa3072_pub.pem"
expect_exit 0 "appended image verifies with the added key" -- "$FWPROV" verify v2_appended.bin --format esp-sbv2 --pubkey "$K/ec_p256_pub.pem"
expect_exit 2 "v2 four blocks refused" -- "$FWPROV" sign v2_two.bin --key "$K/ec_p256.pem" --key "$K/ec_p384.pem" --format esp-sbv2 --append -o no.bin
expect_absent no.bin "v2 four blocks output"
# espsecure 5.3.1 ignores --append-signatures on an input that is not a multiple of 4096, and
# signs afresh when block 0 is not valid ("No valid signature blocks found"): same bytes as
# signing without --append, plus a warning. Deterministic ECDSA makes the bytes comparable.
expect_exit 0 "v2 append on an unaligned input" -- "$FWPROV" sign firmware.bin --key "$K/ec_p256.pem" --format esp-sbv2 --deterministic --append -o v2_append_unaligned.bin
expect_exit 0 "v2 plain sign for comparison" -- "$FWPROV" sign firmware.bin --key "$K/ec_p256.pem" --format esp-sbv2 --deterministic -o v2_plain.bin
expect_same_file v2_append_unaligned.bin v2_plain.bin "v2 append on an unaligned input signs afresh"
# a signed image whose block 0 CRC is broken: nothing to keep, the whole input is signed
python3 -c "
import sys
d = bytearray(open('v2_plain.bin', 'rb').read()); d[len(d) - 4096 + 1196] ^= 1
open('v2_block0_bad.bin', 'wb').write(d)"
"$FWPROV" sign v2_block0_bad.bin --key "$K/ec_p256.pem" --format esp-sbv2 --deterministic -o v2_bad_plain.bin 2>/dev/null
"$FWPROV" sign v2_block0_bad.bin --key "$K/ec_p256.pem" --format esp-sbv2 --deterministic --append -o v2_bad_append.bin 2>v2_bad_append.err
expect_same_file v2_bad_append.bin v2_bad_plain.bin "v2 append with an invalid block 0 signs the whole input afresh"
expect_grep "afresh" v2_bad_append.err "v2 append afresh warning"

# --- Pre-computed signatures (HSM flow: --pub-key + --signature). openssl stands in for the HSM
# and signs the 0xFF-padded input; the result must verify and carry the reference's padded image.
python3 -c "
import sys
d = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(d + b'\xff' * (-len(d) % 4096))" "$V2/v2_rsa3072/input.bin" padded.bin
openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sign "$K/rsa3072.pem" -out hsm-rsa.sig padded.bin
openssl dgst -sha256 -sign "$K/ec_p256.pem" -out hsm-p256.sig padded.bin
openssl dgst -sha384 -sign "$K/ec_p384.pem" -out hsm-p384.sig padded.bin
expect_exit 0 "v2 pre-computed RSA + P-256 + P-384 signatures" -- "$FWPROV" sign padded.bin --format esp-sbv2 -o hsm.bin \
  --pub-key "$K/rsa3072_pub.pem" --signature hsm-rsa.sig --pub-key "$K/ec_p256_pub.pem" --signature hsm-p256.sig \
  --pub-key "$K/ec_p384_pub.pem" --signature hsm-p384.sig
for key in rsa3072_pub.pem ec_p256_pub.pem ec_p384_pub.pem; do
  expect_exit 0 "pre-computed image verifies with $key" -- "$FWPROV" verify hsm.bin --format esp-sbv2 --pubkey "$K/$key"
done
cmp -s -n "$(stat -c %s padded.bin)" hsm.bin "$V2/v2_rsa3072/signed.bin" && pass || fail "pre-computed: padded image differs from the reference's"
expect_exit 3 "pre-computed signature needs a 4096-aligned input" -- "$FWPROV" sign "$V2/v2_rsa3072/input.bin" --format esp-sbv2 -o no.bin --pub-key "$K/rsa3072_pub.pem" --signature hsm-rsa.sig
expect_grep "multiple of 4096" "$WORK/err" "unaligned input: reason given"
expect_exit 5 "pre-computed signature under another key" -- "$FWPROV" sign padded.bin --format esp-sbv2 -o no.bin --pub-key "$K/rsa3072_b_pub.pem" --signature hsm-rsa.sig
expect_grep "hsm-rsa.sig" "$WORK/err" "failed verification names the signature file"
expect_exit 2 "--key with --signature" -- "$FWPROV" sign padded.bin --format esp-sbv2 -o no.bin --key "$K/rsa3072.pem" --pub-key "$K/rsa3072_pub.pem" --signature hsm-rsa.sig
expect_exit 2 "--signature without its --pub-key" -- "$FWPROV" sign padded.bin --format esp-sbv2 -o no.bin --signature hsm-rsa.sig
expect_exit 2 "--signature with --format der" -- "$FWPROV" sign padded.bin --format der -o no.bin --pub-key "$K/rsa3072_pub.pem" --signature hsm-rsa.sig
expect_exit 2 "neither --key nor --signature" -- "$FWPROV" sign padded.bin --format esp-sbv2 -o no.bin
expect_absent no.bin "refused pre-computed runs write nothing"
# v1: the reference's own raw r||s rebuilds its signed file byte for byte.
head -c -68 "$V1/signed.bin" >v1-image.bin
tail -c 64 "$V1/signed.bin" >v1.sig
expect_exit 0 "v1 pre-computed signature" -- "$FWPROV" sign v1-image.bin --format esp-sbv1 -o v1-hsm.bin --pub-key "$K/ec_p256_pub.pem" --signature v1.sig
expect_same_file v1-hsm.bin "$V1/signed.bin" "v1 from the reference's signature"

# --- public-key digests (secure boot v2 eFuse digest) ---
for key in rsa3072 rsa3072_b ec_p256 ec_p384; do
  expect_exit 0 "v2 digest of $key" -- "$FWPROV" --json sign "$S/firmware.bin" --key "$K/$key.pem" --format esp-sbv2 -o "digest_$key.bin"
  want=$(od -An -tx1 -v "$V2/key_digests/${key}_sbv2_digest.bin" | tr -d ' \n')
  expect_grep "\"sbv2_public_key_digest\": \"$want\"" "$WORK/out" "v2 public key digest of $key"
  expect_exit 0 "verify prints the block digest of $key" -- "$FWPROV" --json verify "digest_$key.bin" --format esp-sbv2 --pubkey "$K/$key.pem"
  expect_grep "\"public_key_digest\": \"$want\"" "$WORK/out" "verify block digest of $key"
done
finish
