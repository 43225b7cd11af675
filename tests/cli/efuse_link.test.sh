#!/usr/bin/env bash
# The serial back end: every ESP32 golden eFuse chain run over the link against fwprov-sim's
# eFuse controller (`fwprov-sim --efuse FILE`), with each step's own argv but --port instead
# of --virt. After every step the simulated chip's fuses must equal the chain's efuse.bin.
# Only the two timing registers differ, by design: over the link the bits are placed with a
# real read-modify-write (CLK sel1 = 0xFF lands in bits 8-15), while espefuse's virtual chip
# ORs the unshifted value (docs/efuse.md §6) - both are checked exactly.
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
# The fuse-holding registers (everything but CLK 0x0f8 and DAC_CONF 0x118).
fuses() { registers "$1" | grep -vE '^(0f8|118) '; }

chip_dir="$GOLDEN/esp32"
steps=0
identical=0
sim_pid=""
for step in $(ls "$chip_dir"); do
  dir="$chip_dir/$step"
  chain=${step%%[0-9][0-9]_*}
  run="$WORK/${chain:-main}"
  case "$step" in
    *00_blank)
      [ -n "$sim_pid" ] && stop_sim "$sim_pid"
      mkdir -p "$run"
      start_sim "${chain:-main}" --efuse "$run/sim-efuse.bin"
      sim_pid=$SIM_PID ;;
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
    fail "link $step: exit $got, expected $want_exit"; sed 's/^/  stderr: /' "$WORK/err" | head -3 >&2
  else pass; fi
  if cmp -s <(fuses "$run/sim-efuse.bin") <(fuses "$dir/efuse.bin"); then pass; else
    fail "link $step: the simulated chip's fuses differ from the chain's efuse.bin"
    diff <(fuses "$run/sim-efuse.bin") <(fuses "$dir/efuse.bin") | head -6 >&2
  fi
  # Timing registers: set with real read-modify-writes once anything was burned.
  registers "$dir/efuse.bin" >"$WORK/golden.regs"
  registers "$run/sim-efuse.bin" >"$WORK/sim.regs"
  if grep -q '^0f8 000000a0' "$WORK/golden.regs"; then
    grep -q '^0f8 0000ffa0' "$WORK/sim.regs" && pass || fail "link $step: CLK is not 0xffa0 (sel0 160, sel1 255)"
    grep -q '^118 00000050' "$WORK/sim.regs" && pass || fail "link $step: DAC_CONF is not 0x50 (divider 80)"
  fi
  [ "$want_exit" = 0 ] || expect_same_file "$run/sim-efuse.bin" "$run/before.bin" "link $step: refused step changed nothing"
  steps=$((steps + 1))
  [ "$FAILURES" -eq "$before_failures" ] && identical=$((identical + 1))
done
echo "link esp32: $identical/$steps golden steps identical over the link"

# Safety over the link (on the last chain's chip): --dry-run and a missing confirmation leave
# the chip untouched; --yes burns.
port="socket://127.0.0.1:$SIM_PORT"
cp "$run/sim-efuse.bin" "$WORK/untouched.bin"
expect_exit 0 "link dry run" -- "$FWPROV" efuse -p "$port" --after no_reset --chip esp32 --dry-run burn-efuse JTAG_DISABLE 1
expect_grep '^W 0x3ff5a034 = 0x00000040$' "$WORK/out" "link dry run prints the block-0 program word with JTAG_DISABLE"
expect_same_file "$run/sim-efuse.bin" "$WORK/untouched.bin" "link dry run: chip unchanged"
expect_exit 2 "link burn without --yes" -- "$FWPROV" efuse -p "$port" --after no_reset --chip esp32 burn-efuse JTAG_DISABLE 1 </dev/null
expect_same_file "$run/sim-efuse.bin" "$WORK/untouched.bin" "link burn without --yes: chip unchanged"
expect_exit 0 "link burn" -- "$FWPROV" efuse -p "$port" --after no_reset --chip esp32 --yes burn-efuse JTAG_DISABLE 1
registers "$run/sim-efuse.bin" >"$WORK/after.regs"
grep -q '^018 00000040' "$WORK/after.regs" && pass || fail "link burn: JTAG_DISABLE (block 0 word 6 bit 6) not set"
expect_exit 3 "link burn twice" -- "$FWPROV" efuse -p "$port" --after no_reset --chip esp32 --yes burn-efuse JTAG_DISABLE 1
finish
