#!/usr/bin/env bash
# `fwprov sign` with keys in a PKCS#11 token (SoftHSM2): every format, for RSA-2048, RSA-3072,
# EC P-256 and P-384; checked with openssl and fwprov verify, RSA PKCS#1 v1.5 byte for byte
# against the same key signing from its file.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pkcs11_lib.sh"
setup_token
FW=$WORK/firmware.bin
cp "$GOLDEN/sign/firmware.bin" "$FW"
export FWPROV_PKCS11_MODULE=$MODULE

for name in rsa2048 rsa3072 ec_p256 ec_p384; do
  pub=$KEYS/${name}_pub.pem
  tok=$WORK/tok-$name; file=$WORK/file-$name
  mkdir -p "$tok" "$file"
  for format in der base64 aws-ota nxp; do
    expect_exit 0 "$name $format from the token" -- "$FWPROV" sign "$FW" --key "$(uri "$name")" --format "$format" --outdir "$tok"
    expect_exit 0 "$name $format from the file" -- "$FWPROV" sign "$FW" --key "$KEYS/$name.pem" --format "$format" --outdir "$file"
  done
  # openssl accepts the token's signatures
  if openssl dgst -sha256 -verify "$pub" -signature "$tok/firmware.bin.sig" "$FW" >/dev/null 2>&1; then pass; else fail "$name der: openssl rejects the token signature"; fi
  base64 -d "$tok/firmware.bin.sig.b64" >"$tok/b64.raw"
  if openssl dgst -sha256 -verify "$pub" -signature "$tok/b64.raw" "$FW" >/dev/null 2>&1; then pass; else fail "$name base64: openssl rejects it"; fi
  python3 - "$tok/firmware.bin.ota.json" >"$tok/aws.raw" <<'PY'
import base64, json, sys
def find(node):
    if isinstance(node, dict):
        if "inlineDocument" in node: return node["inlineDocument"]
        node = list(node.values())
    if isinstance(node, list):
        for value in node:
            found = find(value)
            if found: return found
sys.stdout.buffer.write(base64.b64decode(find(json.load(open(sys.argv[1])))))
PY
  if openssl dgst -sha256 -verify "$pub" -signature "$tok/aws.raw" "$FW" >/dev/null 2>&1; then pass; else fail "$name aws-ota: openssl rejects it"; fi
  if openssl dgst -sha256 -verify "$pub" -signature "$tok/firmware.bin.sha256" "$FW" >/dev/null 2>&1; then pass; else fail "$name nxp: openssl rejects it"; fi
  # fwprov verify accepts them
  for format in der base64 aws-ota nxp; do
    expect_exit 0 "$name $format: fwprov verify" -- "$FWPROV" verify "$FW" --format "$format" --pubkey "$pub" --sig "$(case $format in der) echo "$tok/firmware.bin.sig";; base64) echo "$tok/firmware.bin.sig.b64";; aws-ota) echo "$tok/firmware.bin.ota.json";; nxp) echo "$tok/firmware.bin.sha256";; esac)"
  done
  # RSA PKCS#1 v1.5 is deterministic: the token gives the file's bytes
  if [[ $name == rsa* ]]; then
    expect_same_file "$tok/firmware.bin.sig" "$file/firmware.bin.sig" "$name der byte-identical"
    expect_same_file "$tok/firmware.bin.ota.json" "$file/firmware.bin.ota.json" "$name aws-ota byte-identical"
    expect_same_file "$tok/firmware.bin.sha256" "$file/firmware.bin.sha256" "$name nxp byte-identical"
  fi
done

# The AWS RSA-2048 golden signature, reproduced through the token.
expect_exit 0 "golden AWS RSA-2048 input from the token" -- "$FWPROV" sign "$GOLDEN/sign/aws/rsa2048_firmware/input.bin" --key "$(uri rsa2048)" --format der -o "$WORK/golden-aws.sig"
expect_same_file "$WORK/golden-aws.sig" "$GOLDEN/sign/aws/rsa2048_firmware/signature.der" "golden AWS RSA-2048 signature from the token"

# Secure boot v1 (P-256 only): the token's nonce is its own, the block verifies.
expect_exit 0 "esp-sbv1 from the token" -- "$FWPROV" sign "$FW" --key "$(uri ec_p256)" --format esp-sbv1 -o "$WORK/sbv1.bin"
expect_exit 0 "esp-sbv1 token block verifies" -- "$FWPROV" verify "$WORK/sbv1.bin" --format esp-sbv1 --pubkey "$KEYS/ec_p256_pub.pem"
if cmp -s -n "$(stat -c %s "$FW")" "$WORK/sbv1.bin" "$FW"; then pass; else fail "esp-sbv1 keeps the image"; fi
for name in rsa2048 ec_p384; do
  expect_exit 5 "esp-sbv1 refuses the token's $name" -- "$FWPROV" sign "$FW" --key "$(uri "$name")" --format esp-sbv1 -o "$WORK/sbv1-$name.bin"
  expect_absent "$WORK/sbv1-$name.bin" "refused esp-sbv1 $name writes nothing"
done

# Secure boot v2: RSA-3072 (PSS), P-256, P-384 blocks verify like the file key's, same key digest.
for name in rsa3072 ec_p256 ec_p384; do
  expect_exit 0 "esp-sbv2 $name from the token" -- "$FWPROV" sign "$FW" --key "$(uri "$name")" --format esp-sbv2 -o "$WORK/sbv2-tok-$name.bin"
  expect_exit 0 "esp-sbv2 $name from the file" -- "$FWPROV" sign "$FW" --key "$KEYS/$name.pem" --format esp-sbv2 -o "$WORK/sbv2-file-$name.bin"
  "$FWPROV" --json verify "$WORK/sbv2-tok-$name.bin" --format esp-sbv2 --pubkey "$KEYS/${name}_pub.pem" >"$WORK/v-tok.json"; rc_tok=$?
  "$FWPROV" --json verify "$WORK/sbv2-file-$name.bin" --format esp-sbv2 --pubkey "$KEYS/${name}_pub.pem" >"$WORK/v-file.json"; rc_file=$?
  if [ "$rc_tok" -eq 0 ] && [ "$rc_file" -eq 0 ]; then pass; else fail "esp-sbv2 $name: verify exit token $rc_tok, file $rc_file"; fi
  digest_tok=$(python3 -c "import json,sys; print([b['public_key_digest'] for b in json.load(open(sys.argv[1]))['blocks'] if b.get('verified')])" "$WORK/v-tok.json" 2>&1)
  digest_file=$(python3 -c "import json,sys; print([b['public_key_digest'] for b in json.load(open(sys.argv[1]))['blocks'] if b.get('verified')])" "$WORK/v-file.json" 2>&1)
  if [ "$digest_tok" = "$digest_file" ] && [ "$digest_tok" != "[]" ]; then pass; else fail "esp-sbv2 $name key digests: token $digest_tok, file $digest_file"; fi
  # Everything before the signature sector is the same padded image.
  size=$(( $(stat -c %s "$WORK/sbv2-file-$name.bin") - 4096 ))
  if cmp -s -n "$size" "$WORK/sbv2-tok-$name.bin" "$WORK/sbv2-file-$name.bin"; then pass; else fail "esp-sbv2 $name padded image differs"; fi
done
# RSA-PSS from the token also passes openssl (the block's signature is little-endian).
python3 - "$WORK/sbv2-tok-rsa3072.bin" "$WORK/pss.sig" "$WORK/pss.digest" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
block = data[-4096:][:1216]
open(sys.argv[3], "wb").write(block[4:36])
open(sys.argv[2], "wb").write(block[36 + 384 + 4 + 384 + 4:][:384][::-1])
PY
if openssl pkeyutl -verify -pubin -inkey "$KEYS/rsa3072_pub.pem" -in "$WORK/pss.digest" -sigfile "$WORK/pss.sig" \
     -pkeyopt digest:sha256 -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:32 -pkeyopt rsa_mgf1_md:sha256 >/dev/null 2>&1; then
  pass; else fail "esp-sbv2 RSA-3072 token block: openssl rejects the PSS signature"; fi

# ECDSA blocks (v2) and the v1 trailer also pass openssl: r and s (little-endian in v2 blocks,
# big-endian in the v1 trailer) re-encoded as DER, checked against the stored digest.
ecdsa_verifies() {  # ecdsa_verifies FILE LAYOUT PUB: openssl's verdict on the stored signature
  python3 - "$1" "$2" "$WORK/ec.digest" "$WORK/ec.sig" <<'PY'
import hashlib, sys
data = open(sys.argv[1], "rb").read()
def der_int(b):
    b = b.lstrip(b"\0") or b"\0"
    if b[0] & 0x80: b = b"\0" + b
    return b"\x02" + bytes([len(b)]) + b
def der_sig(r, s):
    body = der_int(r) + der_int(s)
    return b"\x30" + (bytes([len(body)]) if len(body) < 128 else b"\x81" + bytes([len(body)])) + body
layout = sys.argv[2]
if layout == "v1":
    image, r, s = data[:-68], data[-64:-32], data[-32:]
    digest = hashlib.sha256(image).digest()
else:
    block = data[-4096:][:1216]
    n = 48 if layout == "v2-p384" else 32
    digest = block[4:4 + n]
    r_at = 4 + n + 1 + 2 * n if n == 48 else 4 + n + 1 + 64
    r, s = block[r_at:r_at + n][::-1], block[r_at + n:r_at + 2 * n][::-1]
    assert digest == (hashlib.sha384 if n == 48 else hashlib.sha256)(data[:-4096]).digest()
open(sys.argv[3], "wb").write(digest)
open(sys.argv[4], "wb").write(der_sig(r, s))
PY
  openssl pkeyutl -verify -pubin -inkey "$3" -in "$WORK/ec.digest" -sigfile "$WORK/ec.sig" >/dev/null 2>&1
}
if ecdsa_verifies "$WORK/sbv2-tok-ec_p256.bin" v2-p256 "$KEYS/ec_p256_pub.pem"; then pass; else fail "esp-sbv2 P-256 token block: openssl rejects it"; fi
if ecdsa_verifies "$WORK/sbv2-tok-ec_p384.bin" v2-p384 "$KEYS/ec_p384_pub.pem"; then pass; else fail "esp-sbv2 P-384 token block: openssl rejects it"; fi
if ecdsa_verifies "$WORK/sbv1.bin" v1 "$KEYS/ec_p256_pub.pem"; then pass; else fail "esp-sbv1 token trailer: openssl rejects it"; fi
if ecdsa_verifies "$WORK/sbv2-file-ec_p256.bin" v2-p256 "$KEYS/ec_p256_pub.pem"; then pass; else fail "control: file-key P-256 block rejected by the extraction"; fi
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null | openssl pkey -pubout -out "$WORK/other_pub.pem"
if ecdsa_verifies "$WORK/sbv2-tok-ec_p256.bin" v2-p256 "$WORK/other_pub.pem" || ecdsa_verifies "$WORK/sbv1.bin" v1 "$WORK/other_pub.pem"; then
  fail "control: a signature verifies with another key"; else pass; fi

# Three keys in one sector: two from the token, one from a file.
expect_exit 0 "esp-sbv2 three keys (token, file, token)" -- "$FWPROV" sign "$FW" --key "$(uri rsa3072)" --key "$KEYS/rsa3072_b.pem" \
  --key "$(uri ec_p256)" --format esp-sbv2 -o "$WORK/sbv2-three.bin"
for pub in rsa3072_pub rsa3072_b_pub ec_p256_pub; do
  expect_exit 0 "three-key sector verifies with $pub" -- "$FWPROV" verify "$WORK/sbv2-three.bin" --format esp-sbv2 --pubkey "$KEYS/$pub.pem"
done
# RSA-2048 is refused for secure boot v2 as from a file.
expect_exit 5 "esp-sbv2 refuses the token's RSA-2048" -- "$FWPROV" sign "$FW" --key "$(uri rsa2048)" --format esp-sbv2 -o "$WORK/sbv2-2048.bin"
expect_absent "$WORK/sbv2-2048.bin" "refused esp-sbv2 writes nothing"

# A batch of files: one login, every signature verifies.
mkdir -p "$WORK/batch" "$WORK/batch-out"
for i in 1 2 3 4 5; do head -c $((i * 1000)) /dev/urandom >"$WORK/batch/f$i.bin"; done
expect_exit 0 "batch of 5 with the token's P-256" -- "$FWPROV" sign "$WORK"/batch/f*.bin --key "$(uri ec_p256)" --format der --outdir "$WORK/batch-out"
for i in 1 2 3 4 5; do
  if openssl dgst -sha256 -verify "$KEYS/ec_p256_pub.pem" -signature "$WORK/batch-out/f$i.bin.sig" "$WORK/batch/f$i.bin" >/dev/null 2>&1; then pass; else fail "batch file $i"; fi
done

# Selection by id instead of label; module from --pkcs11-module; PIN from --pin-env / --pin-file.
expect_exit 0 "id=%03 with --pin-file" -- env -u FWPROV_PKCS11_MODULE "$FWPROV" sign "$FW" --key "pkcs11:token=fwprov-test;id=%03" \
  --pkcs11-module "$MODULE" --pin-file "$PIN_FILE" --format der -o "$WORK/by-id.sig"
if openssl dgst -sha256 -verify "$KEYS/ec_p256_pub.pem" -signature "$WORK/by-id.sig" "$FW" >/dev/null 2>&1; then pass; else fail "id=%03 signature"; fi
expect_exit 0 "module-path in the URI, --pin-env" -- env -u FWPROV_PKCS11_MODULE HSM_PIN=1234 "$FWPROV" sign "$FW" \
  --key "pkcs11:token=fwprov%2Dtest;object=rsa%32048?module-path=$MODULE" --pin-env HSM_PIN --format der -o "$WORK/by-path.sig"
expect_same_file "$WORK/by-path.sig" "$WORK/file-rsa2048/firmware.bin.sig" "percent-encoded URI selects rsa2048"

# pin-value works, with a warning that never shows the PIN.
expect_exit 0 "pin-value accepted" -- "$FWPROV" sign "$FW" --key "pkcs11:token=fwprov-test;object=ec_p256?pin-value=1234" --format der -o "$WORK/pv.sig"
expect_grep "warning.*pin-value" "$WORK/err" "pin-value warning"
if grep -q 1234 "$WORK/err" "$WORK/out"; then fail "the PIN appears in the output"; else pass; fi

# --json names the key by its URI, without the PIN.
"$FWPROV" --json sign "$FW" --key "pkcs11:token=fwprov-test;object=ec_p256?pin-value=1234" --format der -o "$WORK/pv2.sig" >"$WORK/out.json" 2>/dev/null
expect_grep '"file": ?"pkcs11:token=fwprov-test;object=ec_p256\?pin-value=\*\*\*"' "$WORK/out.json" "JSON key origin hides the PIN"

# espsecure's --hsm-config (slot id from keys list --json).
slot=$("$FWPROV" --json keys list --pkcs11-module "$MODULE" | python3 -c "import json,sys; print(json.load(sys.stdin)['tokens'][0]['slot'])")
printf '[hsm_config]\npkcs11_lib = %s\nslot = %s\nlabel = rsa3072\ncredentials = 1234\n' "$MODULE" "$slot" >"$WORK/hsm.ini"
expect_exit 0 "esp-sbv2 with --hsm-config" -- "$FWPROV" sign "$FW" --hsm-config "$WORK/hsm.ini" --format esp-sbv2 -o "$WORK/sbv2-ini.bin"
expect_exit 0 "--hsm-config block verifies" -- "$FWPROV" verify "$WORK/sbv2-ini.bin" --format esp-sbv2 --pubkey "$KEYS/rsa3072_pub.pem"
expect_exit 0 "verify --hsm-config (espsecure verify-signature --hsm)" -- "$FWPROV" verify "$WORK/sbv2-ini.bin" --format esp-sbv2 --hsm-config "$WORK/hsm.ini"
expect_exit 7 "verify --hsm-config with another key's image" -- "$FWPROV" verify "$WORK/sbv2-tok-ec_p256.bin" --format esp-sbv2 --hsm-config "$WORK/hsm.ini"
expect_exit 2 "verify with --hsm-config and --pubkey" -- "$FWPROV" verify "$WORK/sbv2-ini.bin" --format esp-sbv2 --hsm-config "$WORK/hsm.ini" --pubkey "$KEYS/rsa3072_pub.pem"
printf '[hsm_config]\npkcs11_lib = %s\nslot = %s\nlabel = ec_p256\nlabel_pubkey = ec_p256\n' "$MODULE" "$slot" >"$WORK/hsm-nopin.ini"
expect_exit 0 "--hsm-config without credentials takes --pin-file" -- "$FWPROV" sign "$FW" --hsm-config "$WORK/hsm-nopin.ini" --pin-file "$PIN_FILE" --format esp-sbv2 -o "$WORK/sbv2-ini2.bin"
expect_exit 0 "--hsm-config P-256 block verifies" -- "$FWPROV" verify "$WORK/sbv2-ini2.bin" --format esp-sbv2 --pubkey "$KEYS/ec_p256_pub.pem"

# verify reads the public key from the token.
expect_exit 0 "verify --pubkey pkcs11: (public object)" -- "$FWPROV" verify "$FW" --sig "$WORK/tok-ec_p384/firmware.bin.sig" --pubkey "pkcs11:token=fwprov-test;object=ec_p384;type=public"
expect_exit 7 "verify with another token key does not verify" -- "$FWPROV" verify "$FW" --sig "$WORK/tok-ec_p384/firmware.bin.sig" --pubkey "pkcs11:token=fwprov-test;object=ec_p256;type=public"

# keys list: four private keys (after login), each URI usable as --key.
"$FWPROV" --json keys list --pkcs11-module "$MODULE" --token fwprov-test --pin-file "$PIN_FILE" >"$WORK/list.json"
count=$(python3 -c "import json,sys; print(sum(1 for o in json.load(open(sys.argv[1]))['tokens'][0]['objects'] if o['type']=='private'))" "$WORK/list.json")
if [ "$count" = 4 ]; then pass; else fail "keys list: $count private keys, expected 4"; fi
listed=$(python3 -c "import json,sys; print([o['uri'] for o in json.load(open(sys.argv[1]))['tokens'][0]['objects'] if o['type']=='private' and o['label']=='ec_p384'][0])" "$WORK/list.json")
expect_exit 0 "a listed URI signs" -- "$FWPROV" sign "$FW" --key "$listed" --pin-file "$PIN_FILE" --format der -o "$WORK/listed.sig"
if openssl dgst -sha256 -verify "$KEYS/ec_p384_pub.pem" -signature "$WORK/listed.sig" "$FW" >/dev/null 2>&1; then pass; else fail "listed URI signature"; fi
expect_exit 0 "keys list text" -- "$FWPROV" keys list --pkcs11-module "$MODULE"
expect_grep "not logged in" "$WORK/out" "keys list without PIN says private keys are hidden"

finish
