#!/usr/bin/env bash
# flash write --baud-before-stub compresses while it writes: an image over 256 KiB goes as
# 256 KiB regions, each its own zlib stream and FLASH_DEFL_BEGIN .. MD5
# (src/cli/flash_regions.hpp); without the option one stream per image. A 600 KiB image
# at 0x100000 -> three regions at 0x100000, 0x140000, 0x180000; the flash holds the image, the
# JSON reports one file of 600 KiB, verified; uncompressed writes stay one FLASH_BEGIN.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

stub_json=$(bash "$SOURCE_DIR/tests/interop/install-esptool-js.sh") ||
  { fail "NEEDS NPM REGISTRY: the stub JSON comes from esptool-js (tests/interop/install-esptool-js.sh)"; finish; exit 1; }
{ head -c $((300 * 1024)) /dev/urandom; head -c $((300 * 1024)) /dev/zero; } >"$WORK/image600k.bin"

start_sim regions
port="socket://127.0.0.1:$SIM_PORT"
expect_exit 0 "600 KiB compressed write" -- "$FWPROV" --json flash -p "$port" --stub "$stub_json" -b 921600 --baud-before-stub write 0x100000 "$WORK/image600k.bin"
expect_flash_equals "$WORK/regions.flash" $((0x100000)) "$WORK/image600k.bin" "image lands whole"
[ "$(sim_log_count "$WORK/regions.log" stub FLASH_DEFL_BEGIN)" = 3 ] && pass || fail "expected 3 FLASH_DEFL_BEGIN (one per 256 KiB region)"
for offset in 1048576 1310720 1572864; do
  [ "$(sim_log_count "$WORK/regions.log" stub SPI_FLASH_MD5 "args=[$offset, $([ $offset = 1572864 ] && echo 90112 || echo 262144), 0, 0]")" = 1 ] &&
    pass || fail "region at $offset: no MD5 check of its bytes"
done
python3 - "$WORK/out" <<'PY' && pass || fail "JSON: one file of 614400 bytes, verified, payload of all regions"
import json, sys
d = json.load(open(sys.argv[1]))
f = d["files"]
assert d["ok"] and len(f) == 1 and f[0]["size"] == 614400 and f[0]["verified"] is True, f
assert 300 * 1024 < f[0]["payload_size"] < 320 * 1024, f
PY
expect_exit 0 "600 KiB, no --baud-before-stub: one stream" -- "$FWPROV" flash -p "$port" --stub "$stub_json" write 0x300000 "$WORK/image600k.bin"
expect_flash_equals "$WORK/regions.flash" $((0x300000)) "$WORK/image600k.bin" "one-stream image lands"
[ "$(sim_log_count "$WORK/regions.log" stub FLASH_DEFL_BEGIN)" = 4 ] && pass || fail "without --baud-before-stub: one FLASH_DEFL_BEGIN for the image"
expect_exit 0 "600 KiB uncompressed write" -- "$FWPROV" flash -p "$port" --stub "$stub_json" write --no-compress 0x200000 "$WORK/image600k.bin"
expect_flash_equals "$WORK/regions.flash" $((0x200000)) "$WORK/image600k.bin" "uncompressed image lands"
[ "$(sim_log_count "$WORK/regions.log" stub FLASH_BEGIN)" = 1 ] && pass || fail "uncompressed: one FLASH_BEGIN"
finish
