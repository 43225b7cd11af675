#!/usr/bin/env bash
# flash --baud-before-stub: CHANGE_BAUDRATE goes to the ROM (before MEM_BEGIN of the stub
# upload), no second CHANGE_BAUDRATE follows, and the write still lands and verifies; without
# the option the ROM sees no CHANGE_BAUDRATE (esptool's order: stub first, then the rate).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

stub_json=$(bash "$SOURCE_DIR/tests/interop/install-esptool-js.sh") ||
  { fail "NEEDS NPM REGISTRY: the stub JSON comes from esptool-js (tests/interop/install-esptool-js.sh)"; finish; exit 1; }
head -c $((200 * 1024)) /dev/urandom >"$WORK/image.bin"

start_sim early --baud-limit 921600
port="socket://127.0.0.1:$SIM_PORT"
expect_exit 0 "write with --baud-before-stub" -- "$FWPROV" --json flash -p "$port" --stub "$stub_json" -b 921600 --baud-before-stub write 0x100000 "$WORK/image.bin"
expect_flash_equals "$WORK/early.flash" $((0x100000)) "$WORK/image.bin" "image lands"
[ "$(sim_log_count "$WORK/early.log" rom CHANGE_BAUDRATE)" = 1 ] && pass || fail "the ROM got the CHANGE_BAUDRATE"
[ "$(sim_log_count "$WORK/early.log" stub CHANGE_BAUDRATE)" = 0 ] && pass || fail "no second CHANGE_BAUDRATE to the stub"
python3 - "$WORK/early.log" <<'PY' && pass || fail "CHANGE_BAUDRATE came before the stub upload"
import json, sys
ops = [json.loads(line).get("op") for line in open(sys.argv[1])]
assert ops.index("CHANGE_BAUDRATE") < ops.index("MEM_BEGIN"), ops[:20]
PY
expect_exit 0 "write without it" -- "$FWPROV" flash -p "$port" --stub "$stub_json" -b 921600 write 0x200000 "$WORK/image.bin"
expect_flash_equals "$WORK/early.flash" $((0x200000)) "$WORK/image.bin" "image lands (default order)"
[ "$(sim_log_count "$WORK/early.log" rom CHANGE_BAUDRATE)" = 1 ] && pass || fail "default order: the ROM saw no CHANGE_BAUDRATE"
[ "$(sim_log_count "$WORK/early.log" stub CHANGE_BAUDRATE)" = 1 ] && pass || fail "default order: the stub changed the rate"
finish
