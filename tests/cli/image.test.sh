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
  # write-flash results recorded in expected.json
  while read -r address mode freq size output sha; do
    expect_exit 0 "$name: patch $address $mode/$freq/$size" -- "$FWPROV" image patch "$dir/image.bin" -o "$WORK/p.bin" \
      --address "$address" --flash-mode "$mode" --flash-freq "$freq" --flash-size "$size"
    [ "$(sha256sum < "$WORK/p.bin" | cut -d' ' -f1)" = "$sha" ] && pass || fail "$name: patch $address $mode/$freq/$size sha256"
    if [ "$output" != - ]; then expect_same_file "$WORK/p.bin" "$dir/$output" "$name: $output"; fi
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
expect_exit 2 "unknown flash mode" -- "$FWPROV" image patch "$GOLDEN/image/bootloader_sha/image.bin" -o "$WORK/x.bin" --flash-mode fast
expect_absent "$WORK/x.bin" "nothing written on a usage error"
finish
