#!/usr/bin/env bash
# fwprov flash against fwprov-sim --chip X for every chip of the chip table, with esptool-js's
# stub JSONs found through $FWPROV_STUB_DIR: auto-detection, `id` with the chip id and
# security flags, a wrong --chip refused naming both chips, a bootloader (an image with X's
# chip id) patched at X's bootloader offset, a wrong-chip image refused (exit 3, nothing
# written) unless --force, a revision range that excludes the chip refused, read-back,
# verify, erase, --skip-unchanged, and the ROM path (--no-stub: writes work everywhere,
# reading is refused outside the ESP32 with a message that a stub is needed).
# Arguments: the chips to run (default all); ctest runs one test per chip, in parallel. The
# wrong-stub and no-stub checks at the end run with esp32s3.
# ctest-split: esp32 esp32s2 esp32s3 esp32c3 esp32c2 esp32c6 esp32h2 esp32c5 esp32c61 esp32p4
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

stub_json=$(bash "$SOURCE_DIR/tests/interop/install-esptool-js.sh") ||
  { fail "NEEDS NPM REGISTRY: the stub JSONs come from esptool-js (tests/interop/install-esptool-js.sh)"; finish; exit 1; }
export FWPROV_STUB_DIR
FWPROV_STUB_DIR=$(dirname "$stub_json")

# image_for SRC CHIP_ID MIN_FULL MAX_FULL OUT: a copy of SRC whose extended header names CHIP_ID
# and the revision range (the checksum covers segment data only, so it stays valid).
image_for() {
  python3 - "$@" <<'PY'
import struct, sys
src, chip_id, min_full, max_full, out = sys.argv[1:]
data = bytearray(open(src, "rb").read())
struct.pack_into("<H", data, 12, int(chip_id))
struct.pack_into("<H", data, 15, int(min_full))
struct.pack_into("<H", data, 17, int(max_full))
open(out, "wb").write(data)
PY
}
boot_src="$GOLDEN/image/bootloader_no_digest/image.bin"
head -c 65536 /dev/urandom >"$WORK/data.bin"
head -c 3072 /dev/urandom >"$WORK/table.bin"

# chip  display name  chip id  bootloader offset  revision (major*100+minor) of the simulator
wanted=" $* "
ran=0
while read -r chip display chip_id boot revision; do
  [ "$wanted" = "  " ] || [[ "$wanted" == *" $chip "* ]] || continue
  ran=$((ran + 1))
  start_sim "$chip" --chip "$chip"
  port="socket://127.0.0.1:$SIM_PORT"
  flash="$WORK/$chip.flash"
  f=("$FWPROV" flash -p "$port")

  expect_exit 0 "$chip: id (auto-detect)" -- "${f[@]}" id
  expect_grep "^Chip: +$display.*\[$chip, chip id $chip_id\]" "$WORK/out" "$chip: detected as $display"
  if [ "$chip" = esp32 ]; then
    expect_grep "Security: +not reported" "$WORK/out" "$chip: no security info from the ESP32 ROM"
  else
    expect_grep "Security: +flags 0x00000000, secure boot no, flash encryption no" "$WORK/out" "$chip: security flags"
  fi
  expect_exit 0 "$chip: read-mac alias" -- "${f[@]}" read-mac
  other=esp32c3; [ "$chip" = esp32c3 ] && other=esp32s3
  expect_exit 6 "$chip: wrong --chip" -- "${f[@]}" --chip "$other" id
  expect_grep "this chip is an $display, not an " "$WORK/err" "$chip: wrong --chip names both chips"

  # The chip's own bootloader: patched at the chip's offset, as `image patch` computes it.
  image_for "$boot_src" "$chip_id" 0 65535 "$WORK/$chip-boot.bin"
  expect_exit 0 "$chip: expected patch" -- "$FWPROV" image patch --chip "$chip" --flash-mode dio --flash-size 4MB \
    -o "$WORK/$chip-boot-patched.bin" "$WORK/$chip-boot.bin"
  expect_exit 0 "$chip: write bootloader + data" -- "${f[@]}" --chip "$chip" -b 921600 write --flash_mode dio --flash_size 4MB \
    "$boot" "$WORK/$chip-boot.bin" 0x8000 "$WORK/table.bin" 0x20000 "$WORK/data.bin"
  expect_grep "Stub running \(from $FWPROV_STUB_DIR/$chip" "$WORK/err" "$chip: the chip's own stub from FWPROV_STUB_DIR"
  expect_flash_equals "$flash" $((boot)) "$WORK/$chip-boot-patched.bin" "$chip: bootloader patched at $boot"
  expect_flash_equals "$flash" $((0x20000)) "$WORK/data.bin" "$chip: data"
  if [ "$chip" = esp32s3 ]; then  # hard reset: the force-download bit (RTC_CNTL_OPTION1 bit 0) cleared first
    expect_log "$WORK/$chip.log" stub WRITE_REG "$chip: force-download bit cleared" args="[$((0x6000812C)), 0, 1, 0]"
  fi
  expect_exit 0 "$chip: read back" -- "${f[@]}" read 0x20000 65536 "$WORK/$chip-back.bin"
  expect_same_file "$WORK/$chip-back.bin" "$WORK/data.bin" "$chip: read-back"
  expect_exit 0 "$chip: verify with write's flash parameters" -- "${f[@]}" verify --flash_mode dio --flash_size 4MB \
    "$boot" "$WORK/$chip-boot.bin" 0x20000 "$WORK/data.bin"
  expect_exit 7 "$chip: verify without them" -- "${f[@]}" verify "$boot" "$WORK/$chip-boot.bin"
  expect_grep "only the flash parameters in the bootloader header differ" "$WORK/out" "$chip: verify says only the flash parameters differ"

  # --skip-unchanged: the same write again sends no data.
  expect_exit 0 "$chip: skip unchanged" -- "${f[@]}" write --skip-unchanged 0x20000 "$WORK/data.bin"
  expect_grep "Skipped .*data.bin at 0x00020000" "$WORK/out" "$chip: unchanged region skipped"

  # Image guards: another chip's image, and a revision range that excludes this chip.
  wrong_id=0; [ "$chip_id" = 0 ] && wrong_id=9
  image_for "$boot_src" "$wrong_id" 0 65535 "$WORK/$chip-wrong.bin"
  before=$(md5sum <"$flash")
  expect_exit 3 "$chip: wrong-chip image refused" -- "${f[@]}" write 0x40000 "$WORK/$chip-wrong.bin"
  expect_grep "is not an $display image" "$WORK/err" "$chip: the refusal names the chip"
  [ "$(md5sum <"$flash")" = "$before" ] && pass || fail "$chip: a refused write changed the flash"
  expect_exit 0 "$chip: --force writes it anyway" -- "${f[@]}" write --force 0x40000 "$WORK/$chip-wrong.bin"
  image_for "$boot_src" "$chip_id" $((revision + 1)) 65535 "$WORK/$chip-newer.bin"
  expect_exit 3 "$chip: image for a newer revision refused" -- "${f[@]}" write 0x40000 "$WORK/$chip-newer.bin"
  expect_grep "requires chip revision in range" "$WORK/err" "$chip: the refusal names the revision range"

  expect_exit 0 "$chip: erase region" -- "${f[@]}" erase 0x20000 0x10000
  expect_exit 7 "$chip: verify after erase" -- "${f[@]}" verify 0x20000 "$WORK/data.bin"

  # The ROM loader: writes work; reading needs the stub except on the ESP32.
  expect_exit 0 "$chip: --no-stub write" -- "${f[@]}" --no-stub write 0x60000 "$WORK/table.bin"
  expect_flash_equals "$flash" $((0x60000)) "$WORK/table.bin" "$chip: ROM write"
  if [ "$chip" = esp32 ]; then
    expect_exit 0 "$chip: --no-stub read" -- "${f[@]}" --no-stub read 0x60000 3072 "$WORK/$chip-rom.bin"
  else
    expect_exit 2 "$chip: --no-stub read refused" -- "${f[@]}" --no-stub read 0x60000 3072 "$WORK/$chip-rom.bin"
    expect_grep "needs the flasher stub" "$WORK/err" "$chip: says a stub is needed"
    expect_absent "$WORK/$chip-rom.bin" "$chip: no output file"
  fi
  errors=$(sim_log_errors "$WORK/$chip.log" | grep -v READ_FLASH_SLOW)
  [ -z "$errors" ] && pass || { fail "$chip: device reported errors"; echo "$errors" | head -3 >&2; }
  stop_sim "$SIM_PID"
done <<'CHIPS'
esp32    ESP32     0  0x1000 300
esp32s2  ESP32-S2  2  0x1000 0
esp32s3  ESP32-S3  9  0x0    2
esp32c3  ESP32-C3  5  0x0    4
esp32c2  ESP32-C2  12 0x0    100
esp32c6  ESP32-C6  13 0x0    1
esp32h2  ESP32-H2  16 0x0    1
esp32c5  ESP32-C5  23 0x2000 100
esp32c61 ESP32-C61 20 0x0    100
esp32p4  ESP32-P4  18 0x2000 100
CHIPS
[ "$ran" -eq "$(( $# > 0 ? $# : 10 ))" ] && pass || fail "ran $ran chips of the table for '$*': a chip name that is not in it?"
[ "$wanted" = "  " ] || [[ "$wanted" == *" esp32s3 "* ]] || { finish; exit; }

# A stub for another chip is refused before it is uploaded.
start_sim wrongstub --chip esp32s3
expect_exit 3 "esp32 stub on an ESP32-S3" -- "$FWPROV" flash -p "socket://127.0.0.1:$SIM_PORT" --stub "$FWPROV_STUB_DIR/esp32.json" id
expect_grep "built for another chip" "$WORK/err" "the wrong stub is named"
# No stub anywhere: a loud fallback to the ROM.
expect_exit 0 "no stub found" -- env FWPROV_STUB_DIR=/nonexistent HOME=/nonexistent bash -c 'cd / && "$0" "$@"' \
  "$FWPROV" flash -p "socket://127.0.0.1:$SIM_PORT" id
expect_grep "FALLING BACK TO THE ROM LOADER" "$WORK/err" "the ROM fallback is said loudly"
finish
