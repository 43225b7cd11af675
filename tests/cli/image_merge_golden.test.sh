#!/usr/bin/env bash
# fwprov image merge against esptool v5.3.1 merge-bin: every case in tests/golden/merge/ is
# run with the very argv of its args.json (in a copy of the case folder) and must produce the
# expected.* bytes exactly. Then the errors: overlapping inputs, an input before
# --target-offset, a UF2 chunk size that does not fit, an unknown chip — exit 2, no output.
source "$(dirname "$0")/lib.sh"

cases=0
for case_dir in "$GOLDEN"/merge/*/; do
  name=$(basename "$case_dir")
  [ -f "$case_dir/args.json" ] || continue
  cases=$((cases + 1))
  mkdir -p "$WORK/$name"
  cp "$case_dir"/* "$WORK/$name/"
  chip=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["chip"])' "$case_dir/args.json")
  mapfile -t argv < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["argv"]))' "$case_dir/args.json")
  [ "${argv[0]}" = merge-bin ] || { fail "$name: argv does not start with merge-bin"; continue; }
  # esptool: `--chip CHIP merge-bin ARGS`; fwprov: `image merge --chip CHIP ARGS`.
  out_name=""
  for ((i = 1; i < ${#argv[@]}; i++)); do [ "${argv[$i]}" = -o ] && out_name=${argv[$((i + 1))]}; done
  expected=$(ls "$case_dir"/expected.* | head -1)
  expect_exit 0 "$name: merge" -- in_dir "$WORK/$name" "$FWPROV" image merge --chip "$chip" "${argv[@]:1}"
  expect_same_file "$WORK/$name/$out_name" "$expected" "$name: byte-identical to esptool merge-bin"
done
[ "$cases" -ge 5 ] && pass || fail "expected at least 5 golden merge cases, found $cases"

# JSON contract: one document, the output listed with its SHA-256.
g="$GOLDEN/merge/esp32-uf2"
expect_exit 0 "merge --json" -- "$FWPROV" --json image merge --chip esp32 --format uf2 -o "$WORK/j.uf2" \
  0x1000 "$g/bootloader.bin" 0x8000 "$g/partition-table.bin" 0x10000 "$g/app.bin"
sha=$(sha256sum "$WORK/j.uf2" | cut -d' ' -f1)
expect_grep "\"sha256\": ?\"$sha\"" "$WORK/out" "merge --json lists the output's sha256"

# Other chips: a UF2 carries the chip's family id; the bootloader is patched at the chip's own offset.
expect_exit 0 "esp32s3 uf2" -- "$FWPROV" image merge --chip esp32s3 --format uf2 -o "$WORK/s3.uf2" 0x0 "$g/partition-table.bin"
family=$(python3 -c 'import struct,sys; print(hex(struct.unpack_from("<I", open(sys.argv[1],"rb").read(), 28)[0]))' "$WORK/s3.uf2")
[ "$family" = 0xc47e5767 ] && pass || fail "esp32s3 UF2 family id is $family, expected 0xc47e5767"
expect_exit 0 "uf2 without md5, chunk 256" -- "$FWPROV" image merge --chip esp32 --format uf2 --md5-disable --chunk-size 256 \
  -o "$WORK/c.uf2" 0x8000 "$g/partition-table.bin"
[ "$(stat -c %s "$WORK/c.uf2")" -eq $((12 * 512)) ] && pass || fail "3072 bytes in 256-byte chunks must give 12 blocks"

# Bad input: exit 2, one line, nothing written.
expect_exit 2 "overlap" -- "$FWPROV" image merge --chip esp32 -o "$WORK/bad1.bin" 0x1000 "$g/bootloader.bin" 0x1800 "$g/partition-table.bin"
expect_grep "overlaps" "$WORK/err" "overlap is named"
expect_absent "$WORK/bad1.bin" "no output after an overlap"
expect_exit 2 "before target offset" -- "$FWPROV" image merge --chip esp32 -t 0x8000 -o "$WORK/bad2.bin" 0x1000 "$g/bootloader.bin"
expect_absent "$WORK/bad2.bin" "no output before target offset"
expect_exit 2 "chunk too big with md5" -- "$FWPROV" image merge --chip esp32 --format uf2 --chunk-size 476 -o "$WORK/bad3.uf2" 0x1000 "$g/bootloader.bin"
expect_absent "$WORK/bad3.uf2" "no output for a bad chunk size"
expect_exit 2 "unknown chip" -- "$FWPROV" image merge --chip esp99 -o "$WORK/bad4.bin" 0x1000 "$g/bootloader.bin"
expect_exit 2 "frequency of another chip" -- "$FWPROV" image merge --chip esp32h2 --flash-freq 80m -o "$WORK/bad5.bin" 0x0 "$g/bootloader.bin"
finish
