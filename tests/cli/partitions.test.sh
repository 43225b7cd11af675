#!/usr/bin/env bash
# fwprov partitions against every golden case (tests/golden/partitions, partitions-errors):
# CSV -> binary bytes, binary -> CSV text, errors refused with exit 3 naming the line.
source "$(dirname "$0")/lib.sh"

# Every case's args.json -> "DIRECTION OPTIONS..." in one python run (one line per case folder).
python3 - "$GOLDEN" > "$WORK/args.txt" <<'PY'
import json, pathlib, sys
for folder in ("partitions", "partitions-errors"):
    for case in sorted(pathlib.Path(sys.argv[1], folder).iterdir()):
        if not (case / "args.json").is_file():
            continue
        a = json.loads((case / "args.json").read_text())
        out = ["--offset", a["offset"]]
        if a["flash_size"]: out += ["--flash-size", a["flash_size"]]
        if a["secure"]: out += ["--secure", a["secure"]]
        if a["disable_md5"]: out.append("--disable-md5sum")
        print(folder + "/" + case.name, a["direction"], " ".join(out))
PY
options_for() { grep "^$(basename "$(dirname "$1")")/$(basename "$1") " "$WORK/args.txt" | cut -d' ' -f3-; }
direction_of() { grep "^$(basename "$(dirname "$1")")/$(basename "$1") " "$WORK/args.txt" | cut -d' ' -f2; }

cases=0
for dir in "$GOLDEN"/partitions/*; do
  [ -d "$dir" ] || continue
  name=$(basename "$dir"); opts=$(options_for "$dir"); cases=$((cases + 1))
  if [ "$(direction_of "$dir")" = csv2bin ]; then
    # shellcheck disable=SC2086
    expect_exit 0 "$name: generate" -- "$FWPROV" partitions generate "$dir/input.csv" "$WORK/$name.bin" $opts
    expect_same_file "$WORK/$name.bin" "$dir/expected.bin" "$name: csv2bin bytes"
    # shellcheck disable=SC2086
    expect_exit 0 "$name: show --format csv of the binary" -- "$FWPROV" partitions show "$dir/expected.bin" --format csv $opts
    expect_same_file "$WORK/out" "$dir/expected.csv" "$name: bin2csv text"
  else
    # shellcheck disable=SC2086
    expect_exit 0 "$name: show --format csv" -- "$FWPROV" partitions show "$dir/input.bin" --format csv $opts
    expect_same_file "$WORK/out" "$dir/expected.csv" "$name: bin2csv text"
    if grep -q WARNING "$dir/expected-stderr.txt" 2>/dev/null; then
      expect_grep "unknown flag" "$WORK/err" "$name: warning on stderr"
    fi
    # generate turns a binary back into CSV, like the reference
    # shellcheck disable=SC2086
    expect_exit 0 "$name: generate from binary" -- "$FWPROV" partitions generate "$dir/input.bin" "$WORK/$name.csv" $opts
    expect_same_file "$WORK/$name.csv" "$dir/expected.csv" "$name: generate bin2csv"
  fi
done
[ "$cases" -ge 15 ] || fail "only $cases golden partitions cases found"

for dir in "$GOLDEN"/partitions-errors/*; do
  [ -d "$dir" ] || continue
  name=$(basename "$dir"); opts=$(options_for "$dir")
  input="$dir/input.csv"; [ -f "$input" ] || input="$dir/input.bin"
  if [ -f "$dir/expected.bin" ]; then
    # shellcheck disable=SC2086
    expect_exit 0 "$name: accepted like the reference" -- "$FWPROV" partitions generate "$input" "$WORK/$name.bin" $opts
    expect_same_file "$WORK/$name.bin" "$dir/expected.bin" "$name: same bytes as the reference"
    expect_grep "warning" "$WORK/err" "$name: warns"
    # shellcheck disable=SC2086
    expect_exit 3 "$name: --strict refuses it" -- "$FWPROV" partitions generate "$input" "$WORK/$name-strict.bin" $opts --strict
    expect_absent "$WORK/$name-strict.bin" "$name: nothing written with --strict"
    continue
  fi
  # shellcheck disable=SC2086
  expect_exit 3 "$name: refused" -- "$FWPROV" partitions generate "$input" "$WORK/$name.bin" $opts
  expect_absent "$WORK/$name.bin" "$name: nothing written"
  [ "$(wc -l < "$WORK/err")" -eq 1 ] || fail "$name: expected one error line, got: $(cat "$WORK/err")"
  line=$(grep -oE '^(CSV )?Error at line [0-9]+' "$dir/expected-stderr.txt" | grep -oE '[0-9]+$' || true)
  if [ -n "$line" ]; then
    expect_grep "$(basename "$input"):$line(:[0-9]+)?[: ]" "$WORK/err" "$name: names line $line"
  fi
  partition=$(grep -oE '^Partition [^ ]+ invalid' "$dir/expected-stderr.txt" || true)
  if [ -n "$partition" ]; then expect_grep "$partition" "$WORK/err" "$name: names the partition"; fi
done

# The issue's table: storage at 0x317000, size 0x10000.
table="$SOURCE_DIR/partitions/aws-ota-workshop.csv"
expect_exit 0 "offset storage" -- "$FWPROV" partitions offset storage --table "$table"
expect_grep '^0x317000$' "$WORK/out" "offset storage prints 0x317000"
expect_exit 0 "size storage" -- "$FWPROV" partitions size storage --table "$table"
expect_grep '^0x10000$' "$WORK/out" "size storage prints 0x10000"
expect_exit 3 "offset of a missing partition" -- "$FWPROV" partitions offset nosuch --table "$table"
expect_grep "no partition named 'nosuch'" "$WORK/err" "missing partition named"
expect_exit 0 "readable show" -- "$FWPROV" partitions show "$table" --flash-size 4MB
expect_grep '^storage +data +nvs +0x317000 +0x327000 +0x10000' "$WORK/out" "show lists storage"
expect_grep 'free at end of flash: 0x327000-0x400000' "$WORK/out" "show reports the free space"
expect_exit 0 "json show" -- "$FWPROV" --json partitions show "$table"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["partitions"][5]["offset"]==0x317000' "$WORK/out" && pass || fail "json show"
expect_exit 2 "bad --secure value" -- "$FWPROV" partitions generate "$table" "$WORK/x.bin" --secure v3
expect_exit 2 "bad --flash-size" -- "$FWPROV" partitions generate "$table" "$WORK/x.bin" --flash-size 3MB
expect_exit 4 "missing input" -- "$FWPROV" partitions generate "$WORK/nosuch.csv" "$WORK/x.bin"
# --secure without a value means v1 (the seed table's 1500K apps are then refused)
expect_exit 3 "bare --secure is v1" -- "$FWPROV" partitions generate "$table" "$WORK/x.bin" --secure
expect_grep "not aligned to 0x10000" "$WORK/err" "v1 alignment"

# Unlike gen_esp32part.py, a missing output folder is an I/O error, as for every fwprov output
# file (docs/cli-contract.md), and nothing is created.
expect_exit 4 "missing output folder refused" -- "$FWPROV" partitions generate "$table" "$WORK/new/folder/t.bin"
expect_grep "does not exist" "$WORK/err" "missing output folder named"
expect_absent "$WORK/new" "no folder created"
# Text Python's strict UTF-8 decoder refuses (the reference crashes): exit 3 naming the line.
printf 'nvs, data, nvs, , 0x6000\nph\377y, data, phy, , 0x1000\n' > "$WORK/latin1.csv"
expect_exit 3 "non-UTF-8 CSV" -- "$FWPROV" partitions generate "$WORK/latin1.csv" "$WORK/latin1.bin"
expect_grep "latin1.csv:2" "$WORK/err" "non-UTF-8 CSV names line 2"
# A no-break space (U+00A0) around a field is stripped like Python's str.strip().
printf 'nvs,\302\240data\302\240, nvs, , 0x6000\n' > "$WORK/nbsp.csv"
printf 'nvs, data, nvs, , 0x6000\n' > "$WORK/plain.csv"
expect_exit 0 "no-break space" -- "$FWPROV" partitions generate "$WORK/nbsp.csv" "$WORK/nbsp.bin"
expect_exit 0 "plain" -- "$FWPROV" partitions generate "$WORK/plain.csv" "$WORK/plain.bin"
expect_same_file "$WORK/nbsp.bin" "$WORK/plain.bin" "no-break space stripped"

# Every ready-made table in partitions/ builds and round-trips.
for csv in "$SOURCE_DIR"/partitions/*.csv; do
  base=$(basename "$csv" .csv)
  expect_exit 0 "partitions/$base.csv builds" -- "$FWPROV" partitions generate "$csv" "$WORK/$base.bin" --flash-size 4MB
  expect_exit 0 "partitions/$base.csv reads back" -- "$FWPROV" partitions show "$WORK/$base.bin" --flash-size 4MB
done
finish
