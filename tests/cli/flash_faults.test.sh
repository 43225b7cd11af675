#!/usr/bin/env bash
# A noisy link (1% of frames dropped, 1% corrupted, in both directions) never produces a
# reported success with wrong flash contents: each run either ends with exit 0 and the
# simulator's flash equal to the image, or with a clear device/mismatch error. A stalled
# link ends in a timeout error (bounded: attempts x timeout per command), never a hang.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

stub_json=$(bash "$SOURCE_DIR/tests/interop/install-esptool-js.sh") ||
  { fail "NEEDS NPM REGISTRY: the stub JSON comes from esptool-js"; finish; exit 1; }
head -c 150000 /dev/urandom >"$WORK/image.bin"
successes=0
faults_seen=0
for seed in 1 2 3 4; do
  for loader in stub rom; do
    if [ "$loader" = stub ]; then loader_args=(--stub "$stub_json"); else loader_args=(--no-stub); fi
    name="$loader-$seed"
    start_sim "$name" --drop-rate 0.01 --corrupt-rate 0.01 --seed "$seed"
    # `timeout` only guards against a hang; the run's own bound is far lower.
    timeout 120 "$FWPROV" flash -p "socket://127.0.0.1:$SIM_PORT" "${loader_args[@]}" --timeout 0.3 \
      write 0x10000 "$WORK/image.bin" >"$WORK/out" 2>"$WORK/err"
    rc=$?
    faults_seen=$((faults_seen + $(grep -c '"fault"' "$WORK/$name.log")))
    if [ "$rc" -eq 0 ]; then
      successes=$((successes + 1))
      expect_flash_equals "$WORK/$name.flash" $((0x10000)) "$WORK/image.bin" "$name: reported success"
    elif [ "$rc" -eq 6 ] || [ "$rc" -eq 7 ]; then
      expect_grep "^fwprov: error: " "$WORK/err" "$name: failure is explained"
    else
      fail "$name: exit $rc (expected 0, or 6/7 with an error)"; head -3 "$WORK/err" >&2
    fi
    stop_sim "$SIM_PID"
  done
done
[ "$faults_seen" -gt 0 ] && pass || fail "no faults were injected: the test proved nothing"
[ "$successes" -gt 0 ] && pass || fail "no run survived 1% faults"

# Stall: the chip goes silent after 20 KB on the link.
for loader in stub rom; do
  if [ "$loader" = stub ]; then loader_args=(--stub "$stub_json"); else loader_args=(--no-stub); fi
  start_sim "stall-$loader" --stall-after 20000
  expect_exit 6 "$loader: stalled link is a device error" -- timeout 120 "$FWPROV" flash -p "socket://127.0.0.1:$SIM_PORT" \
    "${loader_args[@]}" --timeout 0.5 write 0x10000 "$WORK/image.bin"
  expect_grep "stopped answering" "$WORK/err" "$loader: stall reported as a timeout"
  stop_sim "$SIM_PID"
done
# A port where nothing listens, and a device that never answers SYNC.
expect_exit 6 "connection refused" -- "$FWPROV" flash -p socket://127.0.0.1:1 --no-stub id
start_sim mute --stall-after 1
expect_exit 6 "no SYNC answer" -- timeout 60 "$FWPROV" flash -p "socket://127.0.0.1:$SIM_PORT" --no-stub --connect-attempts 1 id
expect_grep "no answer to SYNC" "$WORK/err" "sync failure explained"
finish
