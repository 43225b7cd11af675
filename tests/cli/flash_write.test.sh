#!/usr/bin/env bash
# fwprov flash against fwprov-sim: the seed's four-image write plus the 0x317000 storage
# write, through the stub (esptool-js's ESP32 stub JSON) and through the ROM loader; the
# simulator's flash file must hold the inputs (bootloader patched as esptool would);
# read-back is byte-equal; verify passes, then fails after an erase.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

stub_json=$(bash "$SOURCE_DIR/tests/interop/install-esptool-js.sh") ||
  { fail "NEEDS NPM REGISTRY: the stub JSON comes from esptool-js (tests/interop/install-esptool-js.sh)"; finish; exit 1; }

boot="$GOLDEN/image/bootloader_sha/image.bin"
boot_patched="$GOLDEN/image/bootloader_sha/write_flash_0x1000_dio_40m_4MB.bin"
app="$GOLDEN/image/app_esp32/image.bin"
head -c 3072 /dev/urandom >"$WORK/partition-table.bin"
head -c 8192 /dev/urandom >"$WORK/ota_data_initial.bin"
head -c 24578 /dev/urandom >"$WORK/storage.bin"   # not a multiple of 4: padded with 0xFF
cp "$WORK/storage.bin" "$WORK/storage-padded.bin"; printf '\xff\xff' >>"$WORK/storage-padded.bin"

for loader in stub rom; do
  if [ "$loader" = stub ]; then loader_args=(--stub "$stub_json"); else loader_args=(--no-stub); fi
  start_sim "$loader"
  flash="$WORK/$loader.flash"
  port="socket://127.0.0.1:$SIM_PORT"
  f=("$FWPROV" flash -p "$port" "${loader_args[@]}")

  expect_exit 0 "$loader: seed write" -- "${f[@]}" -b 460800 write --flash_mode dio --flash_freq 40m --flash_size 4MB \
    0x1000 "$boot" 0x8000 "$WORK/partition-table.bin" 0x16000 "$WORK/ota_data_initial.bin" 0x20000 "$app"
  expect_grep "MD5 verified" "$WORK/out" "$loader: write reports verification"
  expect_exit 0 "$loader: storage write (esptool write_flash spelling, uncompressed)" -- "${f[@]}" write_flash --no-compress 0x317000 "$WORK/storage.bin"
  expect_flash_equals "$flash" $((0x1000)) "$boot_patched" "$loader: bootloader patched dio/40m/4MB"
  expect_flash_equals "$flash" $((0x8000)) "$WORK/partition-table.bin" "$loader: partition table"
  expect_flash_equals "$flash" $((0x16000)) "$WORK/ota_data_initial.bin" "$loader: otadata"
  expect_flash_equals "$flash" $((0x20000)) "$app" "$loader: firmware"
  expect_flash_equals "$flash" $((0x317000)) "$WORK/storage-padded.bin" "$loader: storage (padded to 4 bytes)"

  if [ "$loader" = stub ]; then
    expect_log "$WORK/$loader.log" stub FLASH_DEFL_DATA "$loader: compressed blocks went to the stub"
    expect_log "$WORK/$loader.log" stub FLASH_DATA "$loader: --no-compress used FLASH_DATA"
    expect_log "$WORK/$loader.log" stub CHANGE_BAUDRATE "$loader: -b 460800 changed the baud rate" args="[460800, 115200]"
  else
    expect_log "$WORK/$loader.log" rom FLASH_DEFL_DATA "$loader: compressed blocks went to the ROM"
    [ "$(sim_log_count "$WORK/$loader.log" stub SYNC)" -eq 0 ] && pass || fail "$loader: --no-stub still talked to a stub"
  fi
  errors=$(sim_log_errors "$WORK/$loader.log")
  [ -z "$errors" ] && pass || { fail "$loader: device reported errors"; echo "$errors" | head -3 >&2; }

  expect_exit 0 "$loader: read back storage" -- "${f[@]}" read 0x317000 24580 "$WORK/$loader-back.bin"
  expect_same_file "$WORK/$loader-back.bin" "$WORK/storage-padded.bin" "$loader: read-back"
  expect_exit 0 "$loader: read back the patched bootloader (dashed spelling)" -- "${f[@]}" read-flash 0x1000 "$(stat -c %s "$boot_patched")" "$WORK/$loader-boot.bin"
  expect_same_file "$WORK/$loader-boot.bin" "$boot_patched" "$loader: bootloader read-back"

  expect_exit 0 "$loader: verify matches" -- "${f[@]}" verify --flash_mode dio --flash_freq 40m --flash_size 4MB \
    0x1000 "$boot" 0x20000 "$app" 0x317000 "$WORK/storage.bin"
  expect_exit 0 "$loader: erase storage region" -- "${f[@]}" erase_region 0x317000 0x7000
  expect_exit 7 "$loader: verify fails after erase" -- "${f[@]}" verify 0x20000 "$app" 0x317000 "$WORK/storage.bin"
  expect_grep "0x00317000 .*DIFFERS" "$WORK/out" "$loader: verify names the erased region"
  expect_grep "0x00020000 .*OK" "$WORK/out" "$loader: untouched region still OK"
  if cmp -s <(tail -c +$((0x317000 + 1)) "$flash" | head -c $((0x7000))) <(head -c $((0x7000)) /dev/zero | tr '\0' '\377'); then pass; else fail "$loader: erased region is not 0xFF"; fi

  expect_exit 0 "$loader: id --json" -- "$FWPROV" --json flash -p "$port" "${loader_args[@]}" id
  expect_grep '"mac": "24:0a:c4:12:34:56"' "$WORK/out" "$loader: MAC from eFuse"
  expect_grep '"description": "ESP32-D0WD-V3 \(revision v3.0\)"' "$WORK/out" "$loader: chip description"
  expect_grep '"size": 4194304' "$WORK/out" "$loader: flash size from RDID"

  expect_exit 0 "$loader: chip erase" -- "${f[@]}" erase
  if cmp -s "$flash" <(head -c $((4 << 20)) /dev/zero | tr '\0' '\377'); then pass; else fail "$loader: chip erase left data"; fi
  stop_sim "$SIM_PID"
done

# JSON report of a write, and --after no_reset: the stub reboots into the ROM loader.
start_sim json
expect_exit 0 "write --json" -- "$FWPROV" --json flash -p "socket://127.0.0.1:$SIM_PORT" --stub "$stub_json" --after no_reset write 0x8000 "$WORK/partition-table.bin"
python3 - "$WORK/out" <<'PY' && pass || fail "write --json document"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["ok"] and doc["files"][0]["verified"] and doc["files"][0]["offset"] == 0x8000
assert doc["wire"]["sent"] > 3072 and doc["device"]["loader"] == "stub"
PY
expect_log "$WORK/json.log" stub FLASH_END "--after no_reset sent FLASH_END(0) to the stub" args="[0]"
# --flash_size detect: the header gets the size read from the chip (4MB here).
expect_exit 0 "write with --flash_size detect" -- "$FWPROV" flash -p "socket://127.0.0.1:$SIM_PORT" --no-stub write \
  --flash_mode dio --flash_freq 40m --flash_size detect 0x1000 "$boot"
expect_flash_equals "$WORK/json.flash" $((0x1000)) "$boot_patched" "detect patched the header for the detected 4MB"
finish
