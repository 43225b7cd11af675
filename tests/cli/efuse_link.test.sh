#!/usr/bin/env bash
# The serial back end: every golden eFuse chain (esp32, esp32c3, esp32s3, esp32c6) run over
# the link against fwprov-sim's eFuse controller (`fwprov-sim --chip C --efuse FILE`), with
# each step's own argv but --port instead of --virt. After every step the simulated chip's
# fuses must equal the chain's efuse.bin, except the timing registers espefuse "updates",
# checked against their read-modify-write results instead (efuse_link_step.py says why).
# Arguments: the chips to run (default all four); ctest runs one test per chip (the
# `ctest-split` line), so the four chains run in parallel. The safety checks over the link
# run with the esp32c6 chain.
# ctest-split: esp32 esp32c3 esp32s3 esp32c6
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"
source "$(dirname "$0")/efuse_chain_lib.sh"
GOLDEN="$(cd "$(dirname "$0")/../golden/efuse" && pwd)"
STEP="$(dirname "$0")/efuse_link_step.py"
chips=("$@")
[ "${#chips[@]}" -gt 0 ] || chips=(esp32 esp32c3 esp32s3 esp32c6)

declare -A BASE=([esp32]=3ff5a000 [esp32c3]=60008800 [esp32s3]=60007000 [esp32c6]=600b0800)
sim_pid=""
for chip in "${chips[@]}"; do
  chip_dir="$GOLDEN/$chip"
  steps=0
  identical=0
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
        rm -f "$run/timing" ;;
    esac
    copy_step_inputs "$dir" "$run"
    cp "$run/sim-efuse.bin" "$run/before.bin"
    # The step's expected exit code, then its argv with the virtual file swapped for the port.
    mapfile -t argv < <(python3 "$STEP" argv "$dir")
    want_exit=${argv[0]:?args.json of the step could not be read}
    argv=("${argv[@]:1}")
    before_failures=$FAILURES
    (cd "$run" && "$FWPROV" efuse -p "socket://127.0.0.1:$SIM_PORT" --after no_reset "${argv[@]}") >"$WORK/out" 2>"$WORK/err"
    got=$?
    if [ "$got" -ne "$want_exit" ]; then
      fail "link $chip $step: exit $got, expected $want_exit"; sed 's/^/  stderr: /' "$WORK/err" | head -3 >&2
    else pass; fi
    python3 "$STEP" check "$dir" "$run" "${BASE[$chip]}" "$want_exit" >"$WORK/verdicts" || fail "link $chip $step: the checker failed"
    [ -s "$WORK/verdicts" ] || fail "link $chip $step: the checker said nothing"
    while read -r verdict; do
      case $verdict in ok) pass ;; *) fail "link $chip $step: ${verdict#FAIL: }" ;; esac
    done <"$WORK/verdicts"
    steps=$((steps + 1))
    [ "$FAILURES" -eq "$before_failures" ] && identical=$((identical + 1))
  done
  echo "link $chip: $identical/$steps golden steps identical over the link"
done

[ "${chips[-1]}" = esp32c6 ] || { finish; exit; }

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
