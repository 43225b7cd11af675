#!/usr/bin/env bash
# Every public ESPLoader operation of esptool-js 0.7.0 against fwprov-sim: detectChip, the
# ESP32 chip queries (description, features, crystal, MAC) and the ROM's answers to
# flashMd5sum/readFlash/eraseFlash, in the ROM at 115200 and after changeBaud to the ROM; the
# same queries through the stub
# at 921600 baud, readFlashId/flashId/detectFlashSize, eraseFlash, writeFlash compressed and
# not with flashSize keep and detect, readFlash, flashMd5sum, changeBaud, runStub (via main),
# after soft_reset (ROM), no_reset (stub) and hard_reset. The expected values are the real
# ESP32-D0WD-V3's (fact sheet §7, §11). Needs the npm registry the first time: without it
# this test FAILS ("NEEDS NPM REGISTRY"), it never passes silently.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/../cli/esp_sim_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

bash "$here/install-esptool-js.sh" >/dev/null || { fail "NEEDS NPM REGISTRY: esptool-js could not be installed"; finish; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { fail "Node >= 20 needed, found $(node --version)"; finish; exit 1; }

# Sizes: a multiple of 4 (as esptool-js pads), one not a multiple of the 0x4000 block, one
# bigger than a read packet; d.bin ends exactly at the end of the 4 MB flash.
head -c 30000 /dev/urandom >"$WORK/a.bin"
head -c 20004 /dev/urandom >"$WORK/b.bin"
head -c 70000 /dev/urandom >"$WORK/c.bin"
head -c 32768 /dev/urandom >"$WORK/d.bin"
# Fill the flash first so that eraseFlash has something to erase.
mac=02:1a:2b:3c:4d:5e
head -c $((4 << 20)) /dev/zero >"$WORK/api.flash"
start_sim api --mac "$mac"
flash="$WORK/api.flash"
if (cd "$here" && timeout 60 node esptool_js_api_client.mjs "$SIM_PORT" "$WORK" "$mac") >"$WORK/client.out" 2>"$WORK/client.err"; then
  pass
else
  fail "esptool-js API client failed"; sed 's/^/  /' "$WORK/client.err" | tail -30 >&2
fi
expect_grep '"done":true' "$WORK/client.out" "esptool-js API client ran to the end"

log="$WORK/api.log"
expect_log "$log" stub ERASE_FLASH "eraseFlash sent ERASE_FLASH to the stub"
expect_log "$log" rom CHANGE_BAUDRATE "changeBaud sent to the ROM (second word 0)" args="[921600, 0]"
expect_log "$log" stub CHANGE_BAUDRATE "changeBaud sent to the stub"
expect_log "$log" rom FLASH_END "soft_reset from the ROM: FLASH_END" args='[1]'
# The only refusals expected: the stub-only READ_FLASH and ERASE_FLASH sent to the ROM.
errors=$(sim_log_errors "$log" | grep -vE '"mode":"rom",.*"op":"(READ_FLASH|ERASE_FLASH)"')
expect_log "$log" rom READ_FLASH "readFlash refused by the ROM" status=0x05
expect_log "$log" rom ERASE_FLASH "eraseFlash refused by the ROM" status=0x05
if [ -n "$errors" ]; then fail "the simulator answered esptool-js requests with errors:"; echo "$errors" | head -5 >&2; else pass; fi
expect_flash_equals "$flash" $((0x10000)) "$WORK/a.bin" "compressed, flashSize keep"
expect_flash_equals "$flash" $((0x20000)) "$WORK/b.bin" "raw, flashSize keep"
expect_flash_equals "$flash" $((0x40000)) "$WORK/c.bin" "compressed, flashSize detect"
expect_flash_equals "$flash" $((0x3f8000)) "$WORK/d.bin" "raw, flashSize detect, at the end of flash"
# Outside the four files the chip is erased.
head -c $((0x10000)) /dev/zero | tr '\0' '\377' >"$WORK/ff.bin"
expect_flash_equals "$flash" 0 "$WORK/ff.bin" "eraseFlash left 0xFF before the first file"
expect_flash_equals "$flash" $((0x100000)) "$WORK/ff.bin" "eraseFlash left 0xFF between the files"
finish
