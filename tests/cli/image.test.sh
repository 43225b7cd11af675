#!/usr/bin/env bash
# fwprov image info/patch against every golden case (tests/golden/image).
source "$(dirname "$0")/lib.sh"

cases=0
for dir in "$GOLDEN"/image/*/; do
  name=$(basename "$dir")
  [ -f "$dir/image.bin" ] || continue
  cases=$((cases + 1))
  expect_exit 0 "$name: info" -- "$FWPROV" image info "$dir/image.bin"
  # Same lines as esptool v5 image-info, minus its "esptool vX" banner.
  tail -n +2 "$dir/image_info.txt" > "$WORK/expected-info.txt"
  expect_same_file "$WORK/out" "$WORK/expected-info.txt" "$name: image info facts"
  expect_exit 0 "$name: info --json" -- "$FWPROV" --json image info "$dir/image.bin"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["checksum"]["valid"]' "$WORK/out" && pass || fail "$name: json"
  # write-flash results recorded in expected.json, with the chip write-flash talked to
  # (expected.json "chip"; without it --chip auto takes the chip named in the image header)
  chip=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("chip", "auto"))' "$dir/expected.json")
  while read -r address mode freq size output sha; do
    expect_exit 0 "$name: patch $address $mode/$freq/$size" -- "$FWPROV" image patch "$dir/image.bin" -o "$WORK/p.bin" \
      --chip "$chip" --address "$address" --flash-mode "$mode" --flash-freq "$freq" --flash-size "$size"
    [ "$(sha256sum < "$WORK/p.bin" | cut -d' ' -f1)" = "$sha" ] && pass || fail "$name: patch $address $mode/$freq/$size sha256"
    if [ "$output" != - ]; then expect_same_file "$WORK/p.bin" "$dir/$output" "$name: $output"; fi
    # --chip auto reads the same chip from the image header
    expect_exit 0 "$name: patch $address (chip auto)" -- "$FWPROV" image patch "$dir/image.bin" -o "$WORK/p-auto.bin" \
      --address "$address" --flash-mode "$mode" --flash-freq "$freq" --flash-size "$size"
    expect_same_file "$WORK/p-auto.bin" "$WORK/p.bin" "$name: patch $address chip auto"
  done < <(python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["write_flash_patch_results"]:
    print(r["address"], r["flash_mode"], r["flash_freq"], r["flash_size"], r["output_file"] or "-", r["output_sha256"])' "$dir/expected.json")
done
[ "$cases" -ge 3 ] || fail "only $cases image cases"

edge="$GOLDEN/image/patch_edge_cases"
while read -r name address mode freq size unchanged; do
  expect_exit 0 "$name: patch" -- "$FWPROV" image patch "$edge/$name.in.bin" -o "$WORK/$name.bin" \
    --address "$address" --flash-mode "$mode" --flash-freq "$freq" --flash-size "$size"
  expect_same_file "$WORK/$name.bin" "$edge/$name.out.bin" "$name: bytes"
  if [ "$unchanged" = True ]; then expect_grep "warning" "$WORK/err" "$name: warns that it left the file alone"; fi
done < <(python3 -c '
import json, sys
for r in json.load(open(sys.argv[1])):
    print(r["name"], r["address"], r["flash_mode"], r["flash_freq"], r["flash_size"], r["unchanged_apart_from_4_byte_padding"])' "$edge/expected.json")

expect_exit 3 "info on a truncated image" -- "$FWPROV" image info "$edge/truncated.in.bin"
expect_grep "segment" "$WORK/err" "truncated: names the segment"
expect_exit 3 "info on a non-image" -- "$FWPROV" image info "$edge/no_magic.in.bin"
expect_exit 0 "info on a bad checksum" -- "$FWPROV" image info "$edge/bad_checksum.in.bin"
expect_grep "^Checksum: 0x[0-9a-f]{2} \(invalid - calculated 0x[0-9a-f]{2}\)" "$WORK/out" "bad checksum reported"
expect_grep "^Validation hash: [0-9a-f]{64} \(invalid\)" "$WORK/out" "bad digest reported"
# An ESP32-S3 image (the golden bootloader with chip id 9 and its digest redone, see
# docs/app-image-format.md): write-flash on an ESP32-S3 patches at 0x0, its bootloader offset,
# and leaves a file at 0x1000 alone; --chip esp32 restores the ESP32 rule.
python3 - "$GOLDEN/image/bootloader_sha/image.bin" "$WORK/s3.bin" <<'PY'
import hashlib, sys
data = bytearray(open(sys.argv[1], "rb").read())
data[12:14] = (9).to_bytes(2, "little")
end = len(data) - 32  # the golden image ends with its digest
data[end:] = hashlib.sha256(bytes(data[:end])).digest()
open(sys.argv[2], "wb").write(bytes(data))
PY
expect_exit 0 "S3 image at 0x0" -- "$FWPROV" --json image patch "$WORK/s3.bin" -o "$WORK/s3-0.bin" --address 0x0 \
  --flash-mode dio --flash-freq 40m --flash-size 4MB
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["chip"]=="esp32s3" and d["patched"] and d["header_bytes_2_3"]=="0220"' "$WORK/out" \
  && pass || fail "S3 image patched at 0x0"
expect_exit 0 "S3 image default address" -- "$FWPROV" image patch "$WORK/s3.bin" -o "$WORK/s3-default.bin" \
  --flash-mode dio --flash-freq 40m --flash-size 4MB
expect_same_file "$WORK/s3-default.bin" "$WORK/s3-0.bin" "S3: the default address is the chip's bootloader offset"
expect_exit 0 "S3 image at 0x1000" -- "$FWPROV" image patch "$WORK/s3.bin" -o "$WORK/s3-1000.bin" --address 0x1000 \
  --flash-mode dio --flash-freq 40m --flash-size 4MB
expect_same_file "$WORK/s3-1000.bin" "$WORK/s3.bin" "S3 image at 0x1000 is not patched"
expect_exit 0 "S3 image, --chip esp32, at 0x1000" -- "$FWPROV" image patch "$WORK/s3.bin" -o "$WORK/s3-esp32.bin" \
  --chip esp32 --address 0x1000 --flash-mode dio --flash-freq 40m --flash-size 4MB
cmp -s "$WORK/s3-esp32.bin" "$WORK/s3.bin" && fail "--chip esp32 patches at 0x1000" || pass
expect_exit 0 "S3 image info" -- "$FWPROV" image info "$WORK/s3.bin"
expect_grep "^Detected image type: ESP32-S3$" "$WORK/out" "S3 detected"
expect_grep "^ESP32-S3 Image Header$" "$WORK/out" "S3 title"
expect_exit 2 "unknown chip" -- "$FWPROV" image patch "$WORK/s3.bin" -o "$WORK/x.bin" --chip esp8266
expect_exit 2 "C2 has no 80m" -- "$FWPROV" image patch "$WORK/s3.bin" -o "$WORK/x.bin" --chip esp32c2 --flash-freq 80m
# Entry point printed as Python's f"{entry:#8x}" (width 8 includes "0x"); 0 is "not set".
python3 - "$GOLDEN/image/bootloader_no_digest/image.bin" "$WORK" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
for name, entry in (("entry-small.bin", 0x1000), ("entry-zero.bin", 0)):
    data[4:8] = entry.to_bytes(4, "little")  # not covered by the checksum; this image has no digest
    open(sys.argv[2] + "/" + name, "wb").write(bytes(data))
PY
expect_exit 0 "small entry point" -- "$FWPROV" image info "$WORK/entry-small.bin"
expect_grep "^Entry point:   0x1000$" "$WORK/out" "entry point padded to width 8 with its 0x"
expect_exit 0 "zero entry point" -- "$FWPROV" image info "$WORK/entry-zero.bin"
expect_grep "^Entry point not set$" "$WORK/out" "entry point 0"
expect_exit 2 "unknown flash mode" -- "$FWPROV" image patch "$GOLDEN/image/bootloader_sha/image.bin" -o "$WORK/x.bin" --flash-mode fast
expect_absent "$WORK/x.bin" "nothing written on a usage error"
finish
