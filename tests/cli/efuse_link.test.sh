#!/usr/bin/env bash
# The serial back end: every golden eFuse chain (esp32, esp32c3, esp32s3, esp32c6) run over
# the link against fwprov-sim's eFuse controller (`fwprov-sim --chip C --efuse FILE`), with
# each step's own argv but --port instead of --virt. After every step the simulated chip's
# fuses must equal the chain's efuse.bin.
# Only the timing registers that espefuse "updates" (the trace's `U` lines) differ, by design:
# over the link the value is placed with a real read-modify-write, shifted into the mask
# (ESP32 CLK sel1 = 0xFF lands in bits 8-15), while espefuse's virtual chip ORs the unshifted
# value (docs/efuse.md §6). Their expected link values are computed from the step's trace.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"
GOLDEN="$(cd "$(dirname "$0")/../golden/efuse" && pwd)"

# Registers as "offset value" lines from a virtual file (stored byte-reversed).
registers() {
  python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()[::-1]
for off in range(0, len(data), 4):
    print("%03x %08x" % (off, int.from_bytes(data[off:off + 4], "little")))
PY
}
# Offsets (relative to BASE) of the registers a trace updates, as a grep -E alternative.
updated_offsets() {
  python3 - "$1" "$2" <<'PY'
import re, sys
base = int(sys.argv[2], 16)
offs = sorted({int(m.group(1), 16) - base for m in re.finditer(r"^U (0x[0-9a-f]+)", open(sys.argv[1]).read(), re.M)})
print("|".join("%03x" % o for o in offs) or "none")
PY
}
# What the updated registers hold after the trace's U lines done as real read-modify-writes
# (value shifted to the mask's lowest bit), starting from STATE's values.
link_timing() {
  python3 - "$1" "$2" "$3" <<'PY'
import re, sys
trace, state, base = open(sys.argv[1]).read(), open(sys.argv[2], "rb").read()[::-1], int(sys.argv[3], 16)
regs = {}
for m in re.finditer(r"^U (0x[0-9a-f]+) \|= \((0x[0-9a-f]+) & (0x[0-9a-f]+)\)", trace, re.M):
    off, value, mask = int(m.group(1), 16) - base, int(m.group(2), 16), int(m.group(3), 16)
    old = regs.get(off, int.from_bytes(state[off:off + 4], "little"))
    shift = (mask & -mask).bit_length() - 1
    regs[off] = (old & ~mask) | ((value << shift) & mask)
for off in sorted(regs):
    print("%03x %08x" % (off, regs[off]))
PY
}

declare -A BASE=([esp32]=3ff5a000 [esp32c3]=60008800 [esp32s3]=60007000 [esp32c6]=600b0800)
sim_pid=""
for chip in esp32 esp32c3 esp32s3 esp32c6; do
  chip_dir="$GOLDEN/$chip"
  steps=0
  identical=0
  timing=""
  for step in $(ls "$chip_dir"); do
    dir="$chip_dir/$step"
    chain=${step%%[0-9][0-9]_*}
    run="$WORK/$chip-${chain:-main}"
    case "$step" in
      *00_blank)
        [ -n "$sim_pid" ] && stop_sim "$sim_pid"
        mkdir -p "$run"
        start_sim "$chip-${chain:-main}" --chip "$chip" --efuse "$run/sim-efuse.bin"
        sim_pid=$SIM_PID
        timing="" ;;
    esac
    for input in "$dir"/*; do
      case "$(basename "$input")" in
        args.json|efuse.bin|efuse_before.bin|summary.json|summary.txt|dump.txt|output.txt|register-trace.txt) ;;
        *) cp "$input" "$run/" ;;
      esac
    done
    cp "$run/sim-efuse.bin" "$run/before.bin"
    # The step's argv with the virtual file swapped for the simulator's port.
    mapfile -t argv < <(python3 -c "
import json, sys
argv = json.load(open(sys.argv[1] + '/args.json'))['argv']
out, skip = [], 0
for a in argv:
    if skip: skip -= 1; continue
    if a == '--virt': continue
    if a == '--path-efuse-file': skip = 1; continue
    out.append(a)
print('\n'.join(out))" "$dir")
    want_exit=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1] + '/args.json'))['exit_code'])" "$dir")
    [ "$want_exit" = 2 ] && want_exit=3
    before_failures=$FAILURES
    (cd "$run" && "$FWPROV" efuse -p "socket://127.0.0.1:$SIM_PORT" --after no_reset "${argv[@]}") >"$WORK/out" 2>"$WORK/err"
    got=$?
    if [ "$got" -ne "$want_exit" ]; then
      fail "link $chip $step: exit $got, expected $want_exit"; sed 's/^/  stderr: /' "$WORK/err" | head -3 >&2
    else pass; fi
    # Timing registers this chain has updated so far (their golden values are the virtual chip's).
    [ "$want_exit" = 0 ] && timing=$(printf '%s\n%s\n' "$timing" "$(updated_offsets "$dir/register-trace.txt" "${BASE[$chip]}")" | grep -v '^none$' | grep . | sort -u | paste -sd'|')
    skip="^(${timing:-none}) "
    if cmp -s <(registers "$run/sim-efuse.bin" | grep -vE "$skip") <(registers "$dir/efuse.bin" | grep -vE "$skip"); then pass; else
      fail "link $chip $step: the simulated chip's fuses differ from the chain's efuse.bin"
      diff <(registers "$run/sim-efuse.bin" | grep -vE "$skip") <(registers "$dir/efuse.bin" | grep -vE "$skip") | head -6 >&2
    fi
    # A step that burned: its updated registers hold the read-modify-write results.
    if [ "$want_exit" = 0 ] && grep -q '^U ' "$dir/register-trace.txt"; then
      link_timing "$dir/register-trace.txt" "$run/before.bin" "${BASE[$chip]}" >"$WORK/want.timing"
      registers "$run/sim-efuse.bin" | grep -E "^($(cut -d' ' -f1 "$WORK/want.timing" | paste -sd'|')) " >"$WORK/got.timing"
      if cmp -s "$WORK/want.timing" "$WORK/got.timing"; then pass; else
        fail "link $chip $step: timing registers are not the read-modify-write results"; diff "$WORK/got.timing" "$WORK/want.timing" >&2
      fi
    fi
    [ "$want_exit" = 0 ] || expect_same_file "$run/sim-efuse.bin" "$run/before.bin" "link $chip $step: refused step changed nothing"
    steps=$((steps + 1))
    [ "$FAILURES" -eq "$before_failures" ] && identical=$((identical + 1))
  done
  echo "link $chip: $identical/$steps golden steps identical over the link"
done

# A chip without a simulated eFuse controller is refused by the simulator.
"$FWPROV_SIM" --flash "$WORK/h2.flash" --chip esp32h2 --efuse "$WORK/h2.bin" --tcp 0 >/dev/null 2>"$WORK/h2.err" && fail "fwprov-sim --chip esp32h2 --efuse accepted" || pass
expect_grep "simulates the eFuse controller of esp32, esp32c3" "$WORK/h2.err" "fwprov-sim names the chips it simulates"

# Safety over the link (on the last chain's chip, an ESP32-C6): --dry-run and a missing
# confirmation leave the chip untouched; --yes burns.
port="socket://127.0.0.1:$SIM_PORT"
cp "$run/sim-efuse.bin" "$WORK/untouched.bin"
expect_exit 0 "link dry run" -- "$FWPROV" efuse -p "$port" --after no_reset --chip esp32c6 --dry-run burn-efuse DIS_PAD_JTAG 1
expect_grep '^W 0x600b08' "$WORK/out" "link dry run prints register writes"
expect_same_file "$run/sim-efuse.bin" "$WORK/untouched.bin" "link dry run: chip unchanged"
expect_exit 2 "link burn without --yes" -- "$FWPROV" efuse -p "$port" --after no_reset --chip esp32c6 burn-efuse DIS_PAD_JTAG 1 </dev/null
expect_same_file "$run/sim-efuse.bin" "$WORK/untouched.bin" "link burn without --yes: chip unchanged"
expect_exit 0 "link burn" -- "$FWPROV" efuse -p "$port" --after no_reset --chip esp32c6 --yes burn-efuse DIS_PAD_JTAG 1
expect_exit 0 "link summary" -- "$FWPROV" --json efuse -p "$port" --after no_reset --chip esp32c6 summary
python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['efuses']; sys.exit(0 if d['DIS_PAD_JTAG']['value'] is True else 1)" "$WORK/out" \
  && pass || fail "link burn: DIS_PAD_JTAG does not read back as set"
expect_exit 3 "link burn twice" -- "$FWPROV" efuse -p "$port" --after no_reset --chip esp32c6 --yes burn-efuse DIS_PAD_JTAG 1
expect_grep "DIS_PAD_JTAG" "$WORK/err" "link burn twice names the eFuse"
finish
