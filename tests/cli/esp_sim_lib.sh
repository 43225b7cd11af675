# Sourced after lib.sh by the flash tests: starts fwprov-sim instances and stops them on exit.
: "${BUILD_DIR:?BUILD_DIR must point at the build tree}"
FWPROV_SIM="$BUILD_DIR/tools/esp-sim/fwprov-sim"
SIM_PIDS=()
trap 'for pid in "${SIM_PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done; rm -rf "$WORK"' EXIT

# start_sim NAME [fwprov-sim options...]: flash file $WORK/NAME.flash, log $WORK/NAME.log;
# sets SIM_PORT and SIM_PID. The flash is instant (--timing off) unless the options say
# --timing: tests check behaviour, benchmarks (tools/bench-steps) check timing.
start_sim() {
  local name=$1; shift
  local timing=(--timing off) arg
  for arg in "$@"; do [ "$arg" = --timing ] && timing=(); done
  "$FWPROV_SIM" --flash "$WORK/$name.flash" --tcp 0 --log "$WORK/$name.log" "${timing[@]}" "$@" >"$WORK/$name.port" 2>"$WORK/$name.err" &
  SIM_PID=$!
  SIM_PIDS+=("$SIM_PID")
  for _ in $(seq 1 600); do
    [ -s "$WORK/$name.port" ] && break
    sleep 0.05
  done
  SIM_PORT=$(head -1 "$WORK/$name.port")
  [ -n "$SIM_PORT" ] || { echo "fwprov-sim did not start:" >&2; cat "$WORK/$name.err" >&2; exit 1; }
}

stop_sim() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; true; }

# expect_flash_equals FLASHFILE OFFSET FILE WHAT: the flash file holds FILE's bytes at OFFSET.
expect_flash_equals() {
  local size
  size=$(stat -c %s "$3")
  if cmp -s <(tail -c +$(($2 + 1)) "$1" | head -c "$size") "$3"; then pass; else fail "$4: flash at $2 differs from $3"; fi
}

# sim_log_count LOG MODE OP: how many requests of opcode OP ("FLASH_DEFL_DATA") the simulator
# logged in MODE (rom|stub|any); extra `KEY=VALUE` arguments narrow it down.
sim_log_count() {
  python3 - "$@" <<'PY'
import json, sys
path, mode, op, *filters = sys.argv[1:]
want = dict(f.split("=", 1) for f in filters)
count = 0
for line in open(path):
    entry = json.loads(line)
    if entry.get("op") != op or (mode != "any" and entry.get("mode") != mode):
        continue
    if all(str(entry.get(k)) == v for k, v in want.items()):
        count += 1
print(count)
PY
}
# expect_log LOG MODE OP WHAT [KEY=VALUE...]: at least one such request.
expect_log() {
  local log=$1 mode=$2 op=$3 what=$4; shift 4
  if [ "$(sim_log_count "$log" "$mode" "$op" "$@")" -gt 0 ]; then pass; else fail "$what: no $mode $op $* in $log"; fi
}
# sim_log_errors LOG: requests answered with an error status, other than the expected
# "unsupported" reply to GET_SECURITY_INFO.
sim_log_errors() {
  python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    entry = json.loads(line)
    if "status" in entry and entry.get("op") != "GET_SECURITY_INFO":
        print(line.strip())
PY
}
