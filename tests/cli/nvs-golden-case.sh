#!/usr/bin/env bash
# One golden case of tests/golden/{nvs,nvs-errors,nvs-keygen}, run as its own ctest
# (registered per folder by tests/unit/nvs/CMakeLists.txt, so new case folders are picked up).
# Usage: nvs-golden-case.sh nvs|nvs-errors|nvs-keygen CASE
source "$(dirname "$0")/lib.sh"
kind=$1 name=$2
dir="$GOLDEN/$kind/$name"
load_golden_args "$dir/args.json"

case $kind in
nvs)
  size=$(arg size) version=$(arg version) encrypt=$(arg encrypt) keyfile=$(arg keyfile) inputs=$(arg inputs)
  cmd=(generate) keyargs=()
  if [ "$encrypt" = true ]; then cmd=(encrypt); keyargs=(--inputkey "$dir/$keyfile"); fi
  # Relative paths in the CSV resolve against the working directory, as with the reference.
  # shellcheck disable=SC2086
  expect_exit 0 "$name: ${cmd[*]}" -- in_dir "$dir" "$FWPROV" nvs "${cmd[@]}" $inputs "$WORK/out.bin" "$size" --version "$version" "${keyargs[@]}"
  expect_same_file "$WORK/out.bin" "$dir/expected.bin" "$name: image byte-identical to the reference"
  # The same from elsewhere with --base-dir.
  # shellcheck disable=SC2086
  expect_exit 0 "$name: --base-dir" -- "$FWPROV" nvs "${cmd[@]}" $(for i in $inputs; do echo "$dir/$i"; done) "$WORK/out2.bin" "$size" --version "$version" --base-dir "$dir" "${keyargs[@]}"
  expect_same_file "$WORK/out2.bin" "$dir/expected.bin" "$name: --base-dir image"

  expect_exit 0 "$name: check" -- "$FWPROV" nvs check "$dir/expected.bin" "${keyargs[@]}"
  expect_grep ': OK' "$WORK/out" "$name: check says OK"

  # Decoded values equal the CSV's values (compared by an independent Python reading).
  expect_exit 0 "$name: decode --json" -- "$FWPROV" --json nvs decode "$dir/expected.bin" "${keyargs[@]}"
  cp "$WORK/out" "$WORK/decoded.json"
  if python3 "$(dirname "$0")/nvs_values.py" "$dir" "$WORK/decoded.json" >"$WORK/cmp" 2>&1; then pass; else fail "$name: decoded values"; sed 's/^/  /' "$WORK/cmp" | head -20 >&2; fi

  # decode --csv regenerates the same image: blobs inline, and blobs extracted to files.
  mkdir -p "$WORK/rt"
  expect_exit 0 "$name: decode --csv" -- in_dir "$WORK/rt" "$FWPROV" nvs decode "$dir/expected.bin" "${keyargs[@]}" --csv -o inline.csv
  expect_exit 0 "$name: regenerate from inline CSV" -- in_dir "$WORK/rt" "$FWPROV" nvs "${cmd[@]}" inline.csv inline.bin "$size" --version "$version" "${keyargs[@]}"
  expect_same_file "$WORK/rt/inline.bin" "$dir/expected.bin" "$name: round trip through decode --csv"
  expect_exit 0 "$name: decode --csv --extract-dir" -- in_dir "$WORK/rt" "$FWPROV" nvs decode "$dir/expected.bin" "${keyargs[@]}" --csv -o files.csv --extract-dir blobs
  expect_exit 0 "$name: regenerate from CSV + files" -- in_dir "$WORK/rt" "$FWPROV" nvs "${cmd[@]}" files.csv files.bin "$size" --version "$version" "${keyargs[@]}"
  expect_same_file "$WORK/rt/files.bin" "$dir/expected.bin" "$name: round trip through decode --csv --extract-dir"

  if [ "$encrypt" = true ]; then
    # decrypt gives the plain image of the same CSV.
    # shellcheck disable=SC2086
    expect_exit 0 "$name: plain generate" -- in_dir "$dir" "$FWPROV" nvs generate $inputs "$WORK/plain.bin" "$size" --version "$version"
    expect_exit 0 "$name: decrypt" -- "$FWPROV" nvs decrypt "$dir/expected.bin" "$dir/$keyfile" "$WORK/decrypted.bin"
    expect_same_file "$WORK/decrypted.bin" "$WORK/plain.bin" "$name: decrypt gives the plain image"
    # Without the key the image is recognised as encrypted, not listed as CRC damage (issue 11).
    expect_exit 3 "$name: check without the key" -- "$FWPROV" nvs check "$dir/expected.bin"
    expect_grep "looks encrypted" "$WORK/err" "$name: says the image looks encrypted"
    expect_grep "input-key" "$WORK/err" "$name: says to give --input-key"
  fi
  ;;
nvs-errors)
  size=$(arg size) version=$(arg version) inputs=$(arg inputs)
  status=$(sed -n 's/^exit_status: //p' "$dir/expected-error.txt")
  left=$(sed -n 's/^output_file: //p' "$dir/expected-error.txt")
  # shellcheck disable=SC2086
  (cd "$dir" && "$FWPROV" nvs generate $inputs "$WORK/out.bin" "$size" --version "$version" >"$WORK/out" 2>"$WORK/err"; echo $? >"$WORK/rc")
  rc=$(cat "$WORK/rc")
  expect_absent "$WORK/out.bin" "$name: no output file"
  expect_absent "$WORK/out.bin.tmp" "$name: no temp file"
  expect_grep '^fwprov: error: ' "$WORK/err" "$name: one error line"
  if [ "$(wc -l <"$WORK/err")" -eq 1 ]; then pass; else fail "$name: more than one line on stderr"; cat "$WORK/err" >&2; fi
  if [[ "$status" =~ ^(0|1)$ && "$left" == not\ present* ]]; then
    # The reference's size errors (nothing created): a usage error naming the size.
    if [ "$rc" -eq 2 ]; then pass; else fail "$name: exit $rc, expected 2 (usage)"; fi
    expect_grep 'size' "$WORK/err" "$name: names the size"
  else
    # Row errors: input (3) or unreadable file (4), located at file:line:column.
    if [[ "$rc" =~ ^(3|4)$ ]]; then pass; else fail "$name: exit $rc, expected 3 or 4"; cat "$WORK/err" >&2; fi
    expect_grep "input.csv:[0-9]+:[0-9]+ \((key|type|encoding|value)\): " "$WORK/err" "$name: names CSV line and column"
  fi
  ;;
nvs-keygen)
  hmac=$(arg hmac_keyfile)
  expect_exit 0 "$name: generate-key" -- "$FWPROV" nvs generate-key --outdir "$WORK" --keyfile derived.bin --key_protect_hmac --kp_hmac_inputkey "$dir/$hmac"
  expect_same_file "$WORK/keys/derived.bin" "$dir/expected-keys.bin" "$name: key file byte-identical"
  ;;
esac
finish
