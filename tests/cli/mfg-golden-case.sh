#!/usr/bin/env bash
# One golden case of tests/golden/{mfg,mfg-errors}, run as its own ctest (registered per folder
# by tests/unit/nvs/CMakeLists.txt). Usage: mfg-golden-case.sh mfg|mfg-errors CASE
source "$(dirname "$0")/lib.sh"
kind=$1 name=$2
dir="$GOLDEN/$kind/$name"
load_golden_args "$dir/args.json"
opts=(--version "$(arg version)" --outdir "$WORK/result")
[ -n "$(arg fileid)" ] && opts+=(--fileid "$(arg fileid)")
# shellcheck disable=SC2206
[ -n "$(arg prefix_num)" ] && opts+=(--prefix_num $(arg prefix_num))
[ -n "$(arg inputkey)" ] && opts+=(--inputkey "$dir/$(arg inputkey)")
cmd=("$FWPROV" mfg generate "$(arg config)" "$(arg values)" "$(arg prefix)" "$(arg size)" "${opts[@]}" --jobs 2)

case $kind in
mfg)
  expect_exit 0 "$name: mfg generate" -- in_dir "$dir" "${cmd[@]}"
  (cd "$dir/expected" && find . -type f | sort) >"$WORK/want"
  (cd "$WORK/result" && find . -type f | sort) >"$WORK/got"
  if cmp -s "$WORK/want" "$WORK/got"; then pass; else fail "$name: file list differs"; diff "$WORK/want" "$WORK/got" >&2; fi
  keyargs=()
  [ -n "$(arg inputkey)" ] && keyargs=(--inputkey "$dir/$(arg inputkey)")
  while read -r file; do
    expect_same_file "$WORK/result/$file" "$dir/expected/$file" "$name: $file byte-identical"
    case $file in
    *.bin)
      expect_exit 0 "$name: check $file" -- "$FWPROV" nvs check "$WORK/result/$file" "${keyargs[@]}"
      csv="$WORK/result/csv/$(basename "$file" .bin).csv"
      expect_exit 0 "$name: decode $file" -- "$FWPROV" --json nvs decode "$WORK/result/$file" "${keyargs[@]}"
      cp "$WORK/out" "$WORK/decoded.json"
      if python3 "$(dirname "$0")/nvs_values.py" --csv "$csv" "$dir" "$WORK/decoded.json" >"$WORK/cmp" 2>&1; then pass; else fail "$name: $file values"; head -10 "$WORK/cmp" >&2; fi
      ;;
    esac
  done <"$WORK/want"
  # One overwrite rule (docs/cli-contract.md): a second run replaces the outputs.
  expect_exit 0 "$name: existing outputs are replaced" -- in_dir "$dir" "${cmd[@]}"
  [ -z "$(find "$WORK/result" -name '.fwprov-*' -o -name '*.tmp')" ] && pass || fail "$name: temporary files left after a rerun"
  ;;
mfg-errors)
  in_dir "$dir" "${cmd[@]}" >"$WORK/stdout" 2>"$WORK/stderr"
  rc=$?
  if [[ "$rc" =~ ^(2|3|4)$ ]]; then pass; else fail "$name: exit $rc, expected 2, 3 or 4"; cat "$WORK/stderr" >&2; fi
  if [ -z "$(find "$WORK/result" -type f 2>/dev/null)" ]; then pass; else fail "$name: files were written"; find "$WORK/result" -type f >&2; fi
  expect_grep '^fwprov: error: (config|values)\.csv:[0-9]+' "$WORK/stderr" "$name: names the file and line"
  ;;
esac
finish
