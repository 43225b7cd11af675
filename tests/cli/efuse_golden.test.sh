#!/usr/bin/env bash
# Every golden eFuse chain step (tests/golden/efuse/<chip>/<chain><NN>_<step>/, made by
# espefuse 5.3.1) run through `fwprov efuse` with the step's own argv on the virtual file:
# the file must be byte-identical after every step, `summary --format json` identical, the
# register writes identical to espefuse's (register-trace.txt W/U lines), and error steps
# must exit 3 (espefuse: 2) with the file unchanged. The full register trace (reads too) must
# equal espefuse's register-trace.txt.
# Arguments: the chips to run (default every chip folder); ctest runs one test per chip.
# ctest-split: esp32 esp32c3 esp32s3 esp32c6
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/efuse_chain_lib.sh"
GOLDEN="$(cd "$(dirname "$0")/../golden/efuse" && pwd)"
chips=("$@")
[ "${#chips[@]}" -gt 0 ] || for dir in "$GOLDEN"/*/; do chips+=("$(basename "$dir")"); done

# step_field DIR KEY: a value of the step's args.json (lists space-joined).
step_field() {
  python3 -c "
import json, sys
v = json.load(open(sys.argv[1] + '/args.json'))[sys.argv[2]]
print(' '.join(map(str, v)) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else v)" "$1" "$2"
}
# step_argv DIR: the argv, one per line (names of the step's files stay relative).
step_argv() { python3 -c "import json, sys; print('\n'.join(json.load(open(sys.argv[1] + '/args.json'))['argv']))" "$1"; }
write_lines() { grep -E '^(W|U) ' "$1" || true; }

for chip in "${chips[@]}"; do
  chip_dir="$GOLDEN/$chip/"
  [ -d "$chip_dir" ] || { fail "no golden eFuse chains for $chip"; continue; }
  chip_pass=0
  chip_total=0
  for step in $(ls "$chip_dir"); do
    dir="$chip_dir$step"
    chain=${step%%[0-9][0-9]_*}
    run="$WORK/$chip/${chain:-main}"
    mkdir -p "$run"
    # Chains start from no file at all (espefuse creates a blank one).
    case "$step" in *00_blank) rm -f "$run/efuse.bin" ;; esac
    copy_step_inputs "$dir" "$run"
    [ -e "$run/efuse.bin" ] && cp "$run/efuse.bin" "$run/before.bin"
    mapfile -t argv < <(step_argv "$dir")
    before_failures=$FAILURES
    want_exit=$(step_field "$dir" exit_code)
    [ "$want_exit" = 2 ] && want_exit=3   # espefuse's FatalError; fwprov's refusal code
    (cd "$run" && "$FWPROV" efuse "${argv[@]}" --trace "$run/trace.txt") >"$WORK/out" 2>"$WORK/err"
    got=$?
    if [ "$got" -ne "$want_exit" ]; then
      fail "$chip/$step: exit $got, expected $want_exit"; sed 's/^/  stderr: /' "$WORK/err" | head -3 >&2
    else pass; fi
    expect_same_file "$run/efuse.bin" "$dir/efuse.bin" "$chip/$step: efuse.bin"
    if [ "$want_exit" = 0 ]; then
      if cmp -s <(write_lines "$run/trace.txt") <(write_lines "$dir/register-trace.txt"); then pass; else
        fail "$chip/$step: register writes differ from espefuse's"
        diff <(write_lines "$run/trace.txt") <(write_lines "$dir/register-trace.txt") | head -6 >&2
      fi
      if cmp -s "$run/trace.txt" "$dir/register-trace.txt"; then pass; else
        fail "$chip/$step: register accesses (reads included) differ from espefuse's"
        diff "$run/trace.txt" "$dir/register-trace.txt" | head -6 >&2
      fi
      (cd "$run" && "$FWPROV" efuse --chip "$chip" --virt efuse.bin summary --format json --file "$run/summary.json") 2>"$WORK/err"
      expect_same_file "$run/summary.json" "$dir/summary.json" "$chip/$step: summary.json"
    else
      expect_grep '^fwprov: error: ' "$WORK/err" "$chip/$step: one error line"
      [ "$(wc -l <"$WORK/err")" -eq 1 ] && pass || fail "$chip/$step: more than one stderr line"
      expect_same_file "$run/efuse.bin" "$run/before.bin" "$chip/$step: file unchanged"
    fi
    chip_total=$((chip_total + 1))
    [ "$FAILURES" -eq "$before_failures" ] && chip_pass=$((chip_pass + 1))
  done
  echo "golden $chip: $chip_pass/$chip_total steps identical"
done
finish
