#!/usr/bin/env bash
# esptool-js 0.7.0 (Espressif's TypeScript esptool, from npm) against fwprov-sim over TCP:
# connect, detect an ESP32, upload esptool-js's own ESP32 stub, change baud, write three
# images compressed and three uncompressed (MD5-verified by esptool-js), read back equal
# bytes. Then fwprov flash --stub with the very same stub JSON. Needs the npm registry the
# first time (the name says so): without it this test FAILS, it never passes silently.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/../cli/esp_sim_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

stub_json=$(bash "$here/install-esptool-js.sh") || { fail "NEEDS NPM REGISTRY: esptool-js could not be installed"; finish; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { fail "Node >= 20 needed, found $(node --version)"; finish; exit 1; }

# Inputs: golden ESP32 images plus random data (sizes multiple of 4, as esptool-js sends them).
cp "$GOLDEN/image/bootloader_no_digest/image.bin" "$WORK/boot.bin"
head -c 3072 /dev/urandom >"$WORK/table.bin"
cp "$GOLDEN/image/app_esp32/image.bin" "$WORK/app.bin"
head -c 5000 /dev/urandom >"$WORK/raw1.bin"
head -c 12288 /dev/urandom >"$WORK/raw2.bin"
head -c 40000 /dev/urandom >"$WORK/raw3.bin"

start_sim js
flash="$WORK/js.flash"
if (cd "$here" && timeout 300 node esptool_js_client.mjs "$SIM_PORT" "$WORK") >"$WORK/client.out" 2>"$WORK/client.err"; then
  pass
else
  fail "esptool-js client failed"; sed 's/^/  /' "$WORK/client.err" | tail -30 >&2
fi
expect_grep '"stub":true' "$WORK/client.out" "esptool-js ran its stub"
expect_grep '"chip":"ESP32-D0WD-V3' "$WORK/client.out" "esptool-js detected an ESP32"

# The simulator's log shows what esptool-js did, in its own words.
log="$WORK/js.log"
entry=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["entry"])' "$stub_json")
expect_log "$log" rom MEM_END "MEM_END started esptool-js's own stub ($stub_json)" entry="$entry"
expect_log "$log" stub CHANGE_BAUDRATE "baud change sent to the stub"
expect_log "$log" stub FLASH_DEFL_DATA "compressed writes"
expect_log "$log" stub FLASH_DATA "uncompressed writes"
expect_log "$log" stub SPI_FLASH_MD5 "MD5 checks"
expect_log "$log" stub READ_FLASH "stub read stream"
errors=$(sim_log_errors "$log")
if [ -n "$errors" ]; then fail "the simulator answered esptool-js requests with errors:"; echo "$errors" | head -5 >&2; else pass; fi
expect_flash_equals "$flash" $((0x1000)) "$WORK/boot.bin" "esptool-js compressed boot.bin"
expect_flash_equals "$flash" $((0x8000)) "$WORK/table.bin" "esptool-js compressed table.bin"
expect_flash_equals "$flash" $((0x20000)) "$WORK/app.bin" "esptool-js compressed app.bin"
expect_flash_equals "$flash" $((0x100000)) "$WORK/raw1.bin" "esptool-js raw raw1.bin"
expect_flash_equals "$flash" $((0x110000)) "$WORK/raw2.bin" "esptool-js raw raw2.bin"
expect_flash_equals "$flash" $((0x200000)) "$WORK/raw3.bin" "esptool-js raw raw3.bin"

# fwprov with the same stub file, same simulator: what esptool-js wrote verifies, and a
# fresh write + read-back through that stub works.
port="socket://127.0.0.1:$SIM_PORT"
expect_exit 0 "fwprov verify of esptool-js's writes" -- "$FWPROV" flash -p "$port" --stub "$stub_json" verify \
  0x1000 "$WORK/boot.bin" 0x8000 "$WORK/table.bin" 0x20000 "$WORK/app.bin" 0x100000 "$WORK/raw1.bin"
expect_grep "Stub running \(from $stub_json\)" "$WORK/err" "fwprov uploaded esptool-js's stub"
expect_exit 0 "fwprov write with esptool-js's stub" -- "$FWPROV" flash -p "$port" --stub "$stub_json" -b 921600 write 0x300000 "$WORK/raw3.bin"
expect_exit 0 "fwprov read with esptool-js's stub" -- "$FWPROV" flash -p "$port" --stub "$stub_json" read 0x300000 40000 "$WORK/back.bin"
expect_same_file "$WORK/back.bin" "$WORK/raw3.bin" "read-back through esptool-js's stub"
finish
