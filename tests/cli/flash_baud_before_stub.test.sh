#!/usr/bin/env bash
# Where CHANGE_BAUDRATE goes. --baud-before-stub: to the ROM (before MEM_BEGIN of the stub
# upload), no second one to the stub, and the write still lands. By default it follows the
# chip table: the ESP32 keeps esptool's order (stub at 115200, then the stub changes the rate),
# the ESP32-C3 changes it in the ROM; --baud-after-stub restores esptool's order there.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

stub_json=$(bash "$SOURCE_DIR/tests/interop/install-esptool-js.sh") ||
  { fail "NEEDS NPM REGISTRY: the stub JSON comes from esptool-js (tests/interop/install-esptool-js.sh)"; finish; exit 1; }
stub_dir=$(dirname "$stub_json")
head -c $((200 * 1024)) /dev/urandom >"$WORK/image.bin"

# rom_then_stub LOG: 1 when the ROM got CHANGE_BAUDRATE before the first MEM_BEGIN and the stub none.
order() {
  python3 - "$1" <<'PY'
import json, sys
entries = [json.loads(line) for line in open(sys.argv[1])]
last = max(i for i, e in enumerate(entries) if e.get("event") == "connected")
ops = [(e.get("mode"), e.get("op")) for e in entries[last:] if "op" in e]
rom = [i for i, (m, o) in enumerate(ops) if m == "rom" and o == "CHANGE_BAUDRATE"]
stub = [i for i, (m, o) in enumerate(ops) if m == "stub" and o == "CHANGE_BAUDRATE"]
mem = ops.index(("rom", "MEM_BEGIN"))
if rom and not stub and rom[0] < mem: print("early")
elif stub and not rom: print("late")
else: print(f"mixed rom={rom} stub={stub} mem={mem}")
PY
}

start_sim early --baud-limit 921600
port="socket://127.0.0.1:$SIM_PORT"
expect_exit 0 "write with --baud-before-stub" -- "$FWPROV" --json flash -p "$port" --stub "$stub_json" -b 921600 --baud-before-stub write 0x100000 "$WORK/image.bin"
expect_flash_equals "$WORK/early.flash" $((0x100000)) "$WORK/image.bin" "image lands"
[ "$(order "$WORK/early.log")" = early ] && pass || fail "--baud-before-stub: $(order "$WORK/early.log")"
expect_exit 0 "ESP32 default" -- "$FWPROV" flash -p "$port" --stub "$stub_json" -b 921600 write 0x200000 "$WORK/image.bin"
expect_flash_equals "$WORK/early.flash" $((0x200000)) "$WORK/image.bin" "image lands (default order)"
[ "$(order "$WORK/early.log")" = late ] && pass || fail "ESP32 default is esptool's order: $(order "$WORK/early.log")"
expect_exit 2 "both flags" -- "$FWPROV" flash -p "$port" --baud-before-stub --baud-after-stub -b 921600 id
stop_sim "$SIM_PID"

start_sim c3 --chip esp32c3 --baud-limit 921600
port="socket://127.0.0.1:$SIM_PORT"
expect_exit 0 "ESP32-C3 default" -- "$FWPROV" flash -p "$port" --stub-dir "$stub_dir" -b 921600 write 0x100000 "$WORK/image.bin"
expect_flash_equals "$WORK/c3.flash" $((0x100000)) "$WORK/image.bin" "C3 image lands"
[ "$(order "$WORK/c3.log")" = early ] && pass || fail "ESP32-C3 default changes the rate in the ROM: $(order "$WORK/c3.log")"
expect_exit 0 "ESP32-C3 --baud-after-stub" -- "$FWPROV" flash -p "$port" --stub-dir "$stub_dir" -b 921600 --baud-after-stub id
[ "$(order "$WORK/c3.log")" = late ] && pass || fail "--baud-after-stub: $(order "$WORK/c3.log")"
expect_exit 0 "ESP32-C3 at 115200: no change at all" -- "$FWPROV" flash -p "$port" --stub-dir "$stub_dir" -b 115200 id
[ "$(sim_log_count "$WORK/c3.log" any CHANGE_BAUDRATE)" = 2 ] && pass || fail "115200 needs no CHANGE_BAUDRATE"
finish
