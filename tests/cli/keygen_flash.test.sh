#!/usr/bin/env bash
# fwprov keygen --type flash-encryption-*: raw key files of the right size, 0600, random, usable.
source "$(dirname "$0")/lib.sh"
for spec in aes256:32 aes192:24 aes128:16 xts128:32 xts256:64; do
  type=${spec%%:*}; size=${spec##*:}
  expect_exit 0 "$type" -- "$FWPROV" keygen --type "flash-encryption-$type" -o "$WORK/$type.bin"
  [ "$(stat -c %s "$WORK/$type.bin")" = "$size" ] && pass || fail "$type: size $(stat -c %s "$WORK/$type.bin"), expected $size"
  [ "$(stat -c %a "$WORK/$type.bin")" = 600 ] && pass || fail "$type: mode $(stat -c %a "$WORK/$type.bin")"
  expect_exit 0 "$type again" -- "$FWPROV" keygen --type "flash-encryption-$type" -o "$WORK/$type.2.bin"
  cmp -s "$WORK/$type.bin" "$WORK/$type.2.bin" && fail "$type: two keys are equal" || pass
done
head -c 4096 /dev/urandom >"$WORK/plain.bin"
expect_exit 0 "xts256 key encrypts" -- "$FWPROV" encrypt --aes-xts --keyfile "$WORK/xts256.bin" --address 0x20000 -o "$WORK/e.bin" "$WORK/plain.bin"
expect_exit 0 "aes256 key encrypts" -- "$FWPROV" encrypt --keyfile "$WORK/aes256.bin" --address 0x10000 -o "$WORK/e2.bin" "$WORK/plain.bin"
expect_exit 0 "aes192 key encrypts" -- "$FWPROV" encrypt --keyfile "$WORK/aes192.bin" --address 0x10000 -o "$WORK/e3.bin" "$WORK/plain.bin"
expect_exit 2 "no public half" -- "$FWPROV" keygen --type flash-encryption-xts128 -o "$WORK/k.bin" --pub-out "$WORK/k.pub"
expect_absent "$WORK/k.bin" "refused keygen"
# Outputs are replaced, keys too (docs/cli-contract.md): a new key, still 0600.
cp "$WORK/xts128.bin" "$WORK/xts128.old"
expect_exit 0 "existing file replaced" -- "$FWPROV" keygen --type flash-encryption-xts128 -o "$WORK/xts128.bin"
if cmp -s "$WORK/xts128.bin" "$WORK/xts128.old"; then fail "replaced key: same bytes as before"; else pass; fi
[ "$(stat -c %a "$WORK/xts128.bin")" = 600 ] && pass || fail "replaced key: mode $(stat -c %a "$WORK/xts128.bin"), expected 600"
expect_exit 0 "--json" -- "$FWPROV" --json keygen --type flash-encryption-xts256 -o "$WORK/j.bin"
expect_grep '"ok": true' "$WORK/out" "--json"
# Secure boot v2 chip check: EC keys refused for chips whose ROM verifies RSA-3072 only.
expect_exit 5 "ec-p256 for esp32" -- "$FWPROV" keygen --type ec-p256 --chip esp32 -o "$WORK/ec.pem"
expect_grep "RSA-3072 only" "$WORK/err" "ec-p256 for esp32: message"
expect_absent "$WORK/ec.pem" "refused EC key not written"
expect_exit 0 "ec-p256 for esp32c6" -- "$FWPROV" keygen --type ec-p256 --chip esp32c6 -o "$WORK/ec6.pem"
expect_exit 5 "rsa-3072 for esp32c2" -- "$FWPROV" keygen --type rsa-2048 --chip esp32c2 -o "$WORK/r.pem"
"$FWPROV" keygen --help >"$WORK/help" 2>&1
expect_grep "rsa-3072 for ESP32" "$WORK/help" "help says rsa-3072 for ESP32 secure boot"
finish
