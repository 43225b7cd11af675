#!/usr/bin/env bash
# A link that corrupts frames (issue 11 defect 9): the ROM loader answers a corrupted request
# with "invalid message", the same as an unsupported command. fwprov retries it like any
# failed command and never calls the command unsupported because of noise.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"
head -c 20000 /dev/urandom > "$WORK/data.bin"
unsupported=0
ok=0
for seed in 1 2 3 4 5 6 7 8; do
  start_sim "c$seed" --corrupt-rate 0.1 --seed "$seed"
  "$FWPROV" flash -p "socket://127.0.0.1:$SIM_PORT" --no-stub --connect-attempts 3 write 0x10000 "$WORK/data.bin" \
    >"$WORK/out" 2>"$WORK/err"
  rc=$?
  if grep -q "does not support" "$WORK/err"; then unsupported=$((unsupported + 1)); sed 's/^/  /' "$WORK/err" | tail -2 >&2; fi
  if [ "$rc" -eq 0 ]; then
    ok=$((ok + 1))
    expect_flash_equals "$WORK/c$seed.flash" $((0x10000)) "$WORK/data.bin" "seed $seed: written bytes"
  else
    [ "$rc" -eq 6 ] && pass || fail "seed $seed: exit $rc, expected 0 or 6 (device)"
  fi
  stop_sim "$SIM_PID"
done
[ "$unsupported" -eq 0 ] && pass || fail "$unsupported of 8 noisy runs called a command unsupported"
[ "$ok" -ge 4 ] && pass || fail "only $ok of 8 runs on a 10%-corrupting link succeeded"
finish
