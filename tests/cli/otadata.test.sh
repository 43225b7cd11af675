#!/usr/bin/env bash
# fwprov otadata against every golden case (tests/golden/otadata).
source "$(dirname "$0")/lib.sh"

cases=0
for dir in "$GOLDEN"/otadata/*/; do
  name=$(basename "$dir"); cases=$((cases + 1))
  operation=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["operation"])' "$dir/args.json")
  if [ "$operation" = initial ]; then
    size=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["size"])' "$dir/args.json")
    expect_exit 0 "$name: init" -- "$FWPROV" otadata init --size "$size" -o "$WORK/$name.bin"
    expect_same_file "$WORK/$name.bin" "$dir/ota_data_initial.bin" "$name: bytes"
    continue
  fi
  target=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["target"])' "$dir/args.json")
  expect_exit 0 "$name: set-boot $target" -- "$FWPROV" otadata set-boot "$target" --table "$dir/partitions.csv" \
    --in "$dir/input-otadata.bin" -o "$WORK/$name.bin"
  expect_same_file "$WORK/$name.bin" "$dir/expected-otadata.bin" "$name: bytes"
  expect_exit 0 "$name: show" -- "$FWPROV" otadata show "$WORK/$name.bin" --table "$dir/partitions.csv"
  case $target in ota_*) slot=${target#ota_} ;; *) slot=$target ;; esac
  expect_grep "^boots: ota_$slot \(slot $slot\)" "$WORK/out" "$name: show says ota_$slot boots"
  if cmp -s "$dir/input-otadata.bin" <(head -c 8192 /dev/zero | tr '\0' '\377'); then
    # from blank, --in may be left out
    expect_exit 0 "$name: set-boot without --in" -- "$FWPROV" otadata set-boot "$target" --table "$dir/partitions.csv" -o "$WORK/$name-2.bin"
    expect_same_file "$WORK/$name-2.bin" "$dir/expected-otadata.bin" "$name: bytes without --in"
  fi
done
[ "$cases" -ge 6 ] || fail "only $cases otadata cases"

table="$GOLDEN/otadata/ota_0_to_ota_1/partitions.csv"
expect_exit 0 "show blank" -- "$FWPROV" otadata show "$GOLDEN/otadata/initial/ota_data_initial.bin" --table "$table"
expect_grep "^boots: factory" "$WORK/out" "blank boots factory"
expect_exit 2 "unknown slot" -- "$FWPROV" otadata set-boot ota_5 --table "$table" -o "$WORK/x.bin"
expect_absent "$WORK/x.bin" "nothing written for an unknown slot"
expect_exit 3 "wrong otadata size" -- "$FWPROV" otadata set-boot 0 --table "$table" --in "$table" -o "$WORK/x.bin"
expect_exit 0 "json show" -- "$FWPROV" --json otadata show "$GOLDEN/otadata/ota_1_to_ota_0/expected-otadata.bin" --table "$table"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["boot_slot"]==0 and d["entries"][0]["seq"]==3' "$WORK/out" && pass || fail "json show"
expect_exit 0 "--state new" -- "$FWPROV" otadata set-boot 1 --table "$table" --state new -o "$WORK/new.bin"
[ "$(xxd -s 24 -l 4 -p "$WORK/new.bin")" = 00000000 ] && pass || fail "--state new writes state 0"
finish
