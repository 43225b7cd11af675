#!/usr/bin/env bash
# fwprov-sim's timing model (docs/esp-sim.md "Timing"): the flash busy time each request
# causes (deterministic, read from the log's `busy` field) for stub and ROM writes with the
# W25Q32JV defaults and with changed numbers; --timing off is instant; a CHANGE_BAUDRATE
# above --baud-limit is refused; the line starts at 115200, so a stub upload cannot be faster
# than its bytes at 11,520 B/s (a lower bound: the test never asserts an upper time limit).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

stub_json=$(bash "$SOURCE_DIR/tests/interop/install-esptool-js.sh") ||
  { fail "NEEDS NPM REGISTRY: the stub JSON comes from esptool-js (tests/interop/install-esptool-js.sh)"; finish; exit 1; }
head -c $((128 * 1024)) /dev/urandom >"$WORK/random128k.bin"
head -c $((8 * 1024)) /dev/urandom >"$WORK/random8k.bin"

# busy_sum LOG MODE OP: total `busy` seconds of MODE's OP requests in the last session.
busy_sum() {
  python3 - "$@" <<'PY'
import json, sys
path, mode, op = sys.argv[1:]
entries = [json.loads(line) for line in open(path)]
last = max(i for i, e in enumerate(entries) if e.get("event") == "connected")
print(f'{sum(e.get("busy", 0) for e in entries[last:] if e.get("op") == op and e.get("mode") == mode):.6f}')
PY
}
expect_busy() {  # expect_busy LOG MODE OP SECONDS WHAT
  local got; got=$(busy_sum "$1" "$2" "$3")
  if python3 -c "import sys; sys.exit(0 if abs($got - ($4)) < 1e-6 else 1)"; then pass; else fail "$5: $2 $3 busy $got s, expected $4 s"; fi
}

# Stub, 128 KiB at 0x10000: two aligned 64 KiB block erases + 512 page programs, all after the acks.
start_sim timed --timing on --baud-limit 921600
port="socket://127.0.0.1:$SIM_PORT"
start=$(date +%s%N)
expect_exit 0 "stub write, faithful timing, 921600" -- "$FWPROV" flash -p "$port" --stub "$stub_json" -b 921600 write 0x10000 "$WORK/random128k.bin"
wall_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_flash_equals "$WORK/timed.flash" $((0x10000)) "$WORK/random128k.bin" "stub write lands"
expect_busy "$WORK/timed.log" stub FLASH_DEFL_DATA "2 * 0.150 + 512 * 0.0007" "stub: 64 KiB block erases and page programs"
# 128 KiB of random data is ~131 KB compressed: at 92,160 B/s that alone is > 1.4 s, and the
# stub upload at 115200 (> 6 KB) adds > 0.5 s.
if [ "$wall_ms" -ge 1900 ]; then pass; else fail "stub write took $wall_ms ms, less than its bytes on the modelled line allow"; fi
# A rate above --baud-limit is refused (exit 6: device/link), with an error status in the log.
expect_exit 6 "CHANGE_BAUDRATE above --baud-limit" -- "$FWPROV" flash -p "$port" --stub "$stub_json" -b 2000000 id
expect_log "$WORK/timed.log" stub CHANGE_BAUDRATE "refused CHANGE_BAUDRATE logged with its status" status=0xC0
# --baud-before-stub: CHANGE_BAUDRATE goes to the ROM, before the stub upload, and the write works.
expect_exit 0 "--baud-before-stub write" -- "$FWPROV" flash -p "$port" --stub "$stub_json" -b 921600 --baud-before-stub write 0x10000 "$WORK/random8k.bin"
expect_log "$WORK/timed.log" rom CHANGE_BAUDRATE "--baud-before-stub: the ROM changed the rate"
python3 - "$WORK/timed.log" <<'PY' && pass || fail "--baud-before-stub: CHANGE_BAUDRATE precedes MEM_BEGIN in the last session"
import json, sys
entries = [json.loads(l) for l in open(sys.argv[1])]
last = max(i for i, e in enumerate(entries) if e.get("event") == "connected")
ops = [e.get("op") for e in entries[last:] if "op" in e]
assert ops.index("CHANGE_BAUDRATE") < ops.index("MEM_BEGIN") and ops.count("CHANGE_BAUDRATE") == 1, ops
PY
expect_flash_equals "$WORK/timed.flash" $((0x10000)) "$WORK/random8k.bin" "--baud-before-stub write lands"
stop_sim "$SIM_PID"

# ROM, 8 KiB at 0x8000 (not 64 KiB aligned): BEGIN erases two 4 KiB sectors; each 1 KiB block
# programs 4 pages before its ack. Changed numbers: 10 ms sector, 2 ms page.
start_sim rom --timing on --sector-erase-ms 10 --page-program-ms 2
port="socket://127.0.0.1:$SIM_PORT"
expect_exit 0 "ROM write, changed timing numbers" -- "$FWPROV" flash -p "$port" --no-stub write --no-compress 0x8000 "$WORK/random8k.bin"
expect_flash_equals "$WORK/rom.flash" $((0x8000)) "$WORK/random8k.bin" "ROM write lands"
expect_busy "$WORK/rom.log" rom FLASH_BEGIN "2 * 0.010" "ROM: BEGIN erases the range up front (sector erase time)"
expect_busy "$WORK/rom.log" rom FLASH_DATA "32 * 0.002" "ROM: page programs (page time)"
stop_sim "$SIM_PID"

# --timing off (what start_sim gives by default): no busy time at all.
start_sim instant
expect_exit 0 "stub write, instant flash" -- "$FWPROV" flash -p "socket://127.0.0.1:$SIM_PORT" --stub "$stub_json" write 0x10000 "$WORK/random128k.bin"
expect_busy "$WORK/instant.log" stub FLASH_DEFL_DATA 0 "--timing off: instant flash"
finish
