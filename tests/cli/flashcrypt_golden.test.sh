#!/usr/bin/env bash
# fwprov encrypt/decrypt against every case in tests/golden/flash-encrypt, run with espsecure's
# own argv (only the command name changes): exact bytes, the documented differences
# (0xFF padding, refusal past 16 MB on ESP32), and refusals with no output.
source "$(dirname "$0")/lib.sh"
G="$GOLDEN/flash-encrypt"
cases=0
for dir in "$G"/*/; do
  name=$(basename "$dir")
  load_golden_args "$dir/args.json"
  cases=$((cases + 1))
  rm -rf "$WORK/case" && cp -r "$dir" "$WORK/case" && rm -f "$WORK/case/expected.bin"
  op=$(arg operation); op=${op%-flash-data}
  read -r -a argv <<<"$(arg argv)"
  argv=("$op" "${argv[@]:1}")
  compare=$(arg compare)
  if [[ $name == *artifact* ]]; then
    # Data past ESP32's 16 MB address space: refused (docs/encrypt.md), nothing written.
    expect_exit 2 "$name: refused past 16 MB" -- in_dir "$WORK/case" "$FWPROV" "${argv[@]}"
    expect_grep "16 MB" "$WORK/err" "$name"
    expect_absent "$WORK/case/expected.bin" "$name"
    continue
  fi
  case $compare in
    exact)
      expect_exit 0 "$name" -- in_dir "$WORK/case" "$FWPROV" "${argv[@]}"
      expect_same_file "$WORK/case/expected.bin" "$dir/expected.bin" "$name"
      # The inverse operation gives the input back.
      inverse=decrypt; [ "$op" = decrypt ] && inverse=encrypt
      inv=("$inverse" "${argv[@]:1}"); inv=("${inv[@]/expected.bin/back.bin}")
      inv=("${inv[@]:0:${#inv[@]}-1}" expected.bin)
      expect_exit 0 "$name: $inverse back" -- in_dir "$WORK/case" "$FWPROV" "${inv[@]}"
      expect_same_file "$WORK/case/back.bin" "$dir/input.bin" "$name: round trip"
      ;;
    prefix)
      expect_exit 0 "$name" -- in_dir "$WORK/case" "$FWPROV" "${argv[@]}"
      len=$(arg compare_prefix_len)
      if cmp -s -n "$len" "$WORK/case/expected.bin" "$dir/expected.bin" &&
         [ "$(stat -c %s "$WORK/case/expected.bin")" = "$(stat -c %s "$dir/expected.bin")" ]; then pass; else fail "$name: prefix/length"; fi
      expect_grep "padded with [0-9]+ bytes of 0xff" "$WORK/err" "$name: padding note"
      # Deterministic: the same run twice gives the same bytes.
      cp "$WORK/case/expected.bin" "$WORK/first.bin"
      expect_exit 0 "$name: again" -- in_dir "$WORK/case" "$FWPROV" "${argv[@]}"
      expect_same_file "$WORK/case/expected.bin" "$WORK/first.bin" "$name: deterministic padding"
      ;;
    no_output_file)
      expect_exit 0 "$name" -- in_dir "$WORK/case" "$FWPROV" "${argv[@]}"
      expect_absent "$WORK/case/expected.bin" "$name: no output for empty input"
      ;;
    error)
      msg=$(arg error_message); msg=${msg#A fatal error occurred: }; msg=${msg/--aes_xts/--aes-xts}
      want=3
      [[ $msg == *"flash address"* ]] && want=2
      [[ $msg == *"key"* || $msg == *"Key"* ]] && want=5
      expect_exit "$want" "$name" -- in_dir "$WORK/case" "$FWPROV" "${argv[@]}"
      if grep -qF -- "$msg" "$WORK/err"; then pass; else fail "$name: message '$msg' not in stderr"; sed 's/^/  /' "$WORK/err" >&2; fi
      expect_absent "$WORK/case/expected.bin" "$name: no output"
      [ "$(wc -l <"$WORK/err")" -eq 1 ] && pass || fail "$name: more than one stderr line"
      ;;
    *) fail "$name: unknown compare '$compare'" ;;
  esac
done
[ "$cases" -ge 36 ] && pass || fail "only $cases golden cases found"

# Options espsecure also takes: -o, -x, underscores; --json lists the output.
C="$G/xts256_app_0x10000"
expect_exit 0 "short options" -- "$FWPROV" encrypt -x -k "$C/key.bin" -a 0x10000 -o "$WORK/short.bin" "$C/input.bin"
expect_same_file "$WORK/short.bin" "$C/expected.bin" "short options"
expect_exit 0 "--json" -- "$FWPROV" --json encrypt --aes_xts --keyfile "$C/key.bin" --address 65536 -o "$WORK/j.bin" "$C/input.bin"
python3 - "$WORK/out" "$WORK/j.bin" <<'PY' && pass || fail "--json document"
import hashlib, json, sys
d = json.load(open(sys.argv[1]))
o = d["outputs"][0]
assert d["ok"] is True and o["path"] == sys.argv[2]
assert o["sha256"] == hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest() and o["size"] == 4096 * 0 + len(open(sys.argv[2], "rb").read())
PY
# Bad values: one clear line, documented code, no output.
E="$G/esp32_app_0x10000"
expect_exit 2 "conf out of range" -- "$FWPROV" encrypt --keyfile "$E/key.bin" --address 0x10000 --flash-crypt-conf 0x10 -o "$WORK/x.bin" "$E/input.bin"
expect_exit 2 "address not a number" -- "$FWPROV" encrypt --keyfile "$E/key.bin" --address 0x1z -o "$WORK/x.bin" "$E/input.bin"
expect_exit 4 "missing key file" -- "$FWPROV" encrypt --keyfile "$WORK/none.bin" --address 0x10000 -o "$WORK/x.bin" "$E/input.bin"
expect_absent "$WORK/x.bin" "no output after refusals"
# conf 0 warns but works (espsecure prints a warning too).
expect_exit 0 "conf 0" -- "$FWPROV" encrypt --keyfile "$E/key.bin" --address 0x20000 --flash-crypt-conf 0 -o "$WORK/c0.bin" "$E/input.bin"
expect_grep "not recommended" "$WORK/err" "conf 0 warning"
finish
