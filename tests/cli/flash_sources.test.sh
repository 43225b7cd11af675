#!/usr/bin/env bash
# What `flash write` takes besides ADDRESS FILE pairs: NAME=FILE items (with --table, or the
# table read from the device), `read NAME`, `erase NAME`, ESP-IDF's build/flasher_args.json
# (--from) and @flash_args argument files from an ESP-IDF build layout; each must put the same
# bytes on the flash as the explicit command. Bad input: unknown partition (names listed),
# file larger than its partition, overlapping regions, a corrupt flasher_args.json: one clear
# line, exit 2/3, nothing written.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

stub_json=$(bash "$SOURCE_DIR/tests/interop/install-esptool-js.sh") ||
  { fail "NEEDS NPM REGISTRY: the stub JSONs come from esptool-js (tests/interop/install-esptool-js.sh)"; finish; exit 1; }
export FWPROV_STUB_DIR
FWPROV_STUB_DIR=$(dirname "$stub_json")

# An ESP-IDF build folder as `idf.py build` leaves it (ESP32-S3: bootloader at 0x0).
b="$WORK/build"
mkdir -p "$b/bootloader" "$b/partition_table"
cat >"$WORK/partitions.csv" <<'CSV'
# Name,   Type, SubType, Offset,  Size
nvs,      data, nvs,     0x9000,  0x6000
phy_init, data, phy,     0xf000,  0x1000
factory,  app,  factory, 0x10000, 0x100000
storage,  data, spiffs,  ,        0x10000
CSV
expect_exit 0 "partition table" -- "$FWPROV" partitions generate "$WORK/partitions.csv" "$b/partition_table/partition-table.bin"
python3 - "$GOLDEN/image/bootloader_no_digest/image.bin" "$b/bootloader/bootloader.bin" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<H", data, 12, 9)  # ESP32-S3 chip id
open(sys.argv[2], "wb").write(data)
PY
head -c 70000 /dev/urandom >"$b/app.bin"
cat >"$b/flasher_args.json" <<'JSON'
{
    "write_flash_args" : [ "--flash_mode", "dio", "--flash_size", "4MB", "--flash_freq", "80m" ],
    "flash_settings" : { "flash_mode": "dio", "flash_size": "4MB", "flash_freq": "80m" },
    "flash_files" : {
        "0x0" : "bootloader/bootloader.bin",
        "0x10000" : "app.bin",
        "0x8000" : "partition_table/partition-table.bin"
    },
    "bootloader" : { "offset" : "0x0", "file" : "bootloader/bootloader.bin", "encrypted" : "false" },
    "app" : { "offset" : "0x10000", "file" : "app.bin", "encrypted" : "false" },
    "partition-table" : { "offset" : "0x8000", "file" : "partition_table/partition-table.bin", "encrypted" : "false" },
    "extra_esptool_args" : { "after" : "hard_reset", "before" : "default_reset", "stub" : true, "chip" : "esp32s3" }
}
JSON
printf -- '--flash_mode dio --flash_freq 80m --flash_size 4MB\n0x0 bootloader/bootloader.bin\n0x10000 app.bin\n0x8000 partition_table/partition-table.bin\n' >"$b/flash_args"

# The explicit command, the JSON and the argument file must leave identical flash.
for how in explicit from argfile; do
  start_sim "$how" --chip esp32s3
  f=("$FWPROV" flash -p "socket://127.0.0.1:$SIM_PORT")
  case $how in
    explicit) expect_exit 0 "$how" -- "${f[@]}" --chip esp32s3 write --flash_mode dio --flash_freq 80m --flash_size 4MB \
                0x0 "$b/bootloader/bootloader.bin" 0x10000 "$b/app.bin" 0x8000 "$b/partition_table/partition-table.bin" ;;
    from) expect_exit 0 "$how" -- "${f[@]}" write --from "$b/flasher_args.json" ;;
    argfile) expect_exit 0 "$how" -- "${f[@]}" write "@$b/flash_args" ;;
  esac
  expect_grep "flash parameters set in the image header" "$WORK/err" "$how: bootloader patched"
  stop_sim "$SIM_PID"
done
expect_same_file "$WORK/from.flash" "$WORK/explicit.flash" "--from flasher_args.json flashes the same bytes as the explicit command"
expect_same_file "$WORK/argfile.flash" "$WORK/explicit.flash" "@flash_args flashes the same bytes as the explicit command"

# Partition names, with --table and from the device's own table (written above).
start_sim names --chip esp32s3
cp "$WORK/explicit.flash" "$WORK/names.flash"
f=("$FWPROV" flash -p "socket://127.0.0.1:$SIM_PORT")
head -c 20000 /dev/urandom >"$WORK/storage.bin"
head -c 8000 /dev/urandom >"$WORK/nvs.bin"
expect_exit 0 "write by name with --table" -- "${f[@]}" write storage="$WORK/storage.bin" --table "$WORK/partitions.csv"
expect_flash_equals "$WORK/names.flash" $((0x110000)) "$WORK/storage.bin" "storage=FILE went to storage's offset"
expect_exit 0 "write by name from the device's table" -- "${f[@]}" write nvs="$WORK/nvs.bin"
expect_grep "Reading the partition table at 0x8000" "$WORK/err" "the device's table was read"
expect_flash_equals "$WORK/names.flash" $((0x9000)) "$WORK/nvs.bin" "nvs=FILE went to nvs's offset"
expect_exit 0 "verify by name" -- "${f[@]}" verify storage="$WORK/storage.bin" nvs="$WORK/nvs.bin"
expect_exit 0 "read by name" -- "${f[@]}" read phy_init "$WORK/phy.bin"
[ "$(stat -c %s "$WORK/phy.bin")" -eq 4096 ] && pass || fail "read phy_init did not read the whole 4 KiB partition"
expect_exit 0 "erase by name" -- "${f[@]}" erase storage --table "$WORK/partitions.csv"
expect_exit 7 "storage erased" -- "${f[@]}" verify storage="$WORK/storage.bin" --table "$WORK/partitions.csv"
expect_exit 0 "an address that cuts a partition is warned about" -- "${f[@]}" write 0x9800 "$WORK/nvs.bin" --table "$WORK/partitions.csv"
expect_grep "partition 'nvs' spans 0x9000..0xF000" "$WORK/err" "the cut partition is named"

# Bad input: one line, exit 2/3, nothing written.
before=$(md5sum <"$WORK/names.flash")
expect_exit 3 "unknown partition" -- "${f[@]}" write userdata="$WORK/nvs.bin" --table "$WORK/partitions.csv"
expect_grep "no partition named 'userdata' in the table \(it has: nvs, phy_init, factory, storage\)" "$WORK/err" "the names that exist are listed"
[ "$(grep -c 'error' "$WORK/err")" -eq 1 ] && pass || fail "unknown partition: more than one error line"
head -c 70000 /dev/urandom >"$WORK/big.bin"
expect_exit 3 "file larger than its partition" -- "${f[@]}" write storage="$WORK/big.bin" --table "$WORK/partitions.csv"
expect_grep "70000 bytes do not fit partition 'storage'" "$WORK/err" "the size problem is named"
expect_exit 2 "overlapping regions" -- "${f[@]}" write 0x9000 "$WORK/nvs.bin" nvs="$WORK/nvs.bin" --table "$WORK/partitions.csv"
expect_grep "overlaps" "$WORK/err" "the overlap is named"
echo '{"flash_files": {"0x1000": 7}}' >"$WORK/bad1.json"
expect_exit 3 "flasher_args.json with a bad file entry" -- "${f[@]}" write --from "$WORK/bad1.json"
expect_grep "bad1.json.*flash_files" "$WORK/err" "the field is named"
printf '{"flash_files": {"0x1000": "a.bin",' >"$WORK/bad2.json"
expect_exit 3 "truncated flasher_args.json" -- "${f[@]}" write --from "$WORK/bad2.json"
expect_grep "bad2.json.*not valid JSON" "$WORK/err" "the broken JSON is named"
echo '{"flash_files": {"zero": "a.bin"}}' >"$WORK/bad3.json"
expect_exit 3 "flasher_args.json with a bad address" -- "${f[@]}" write --from "$WORK/bad3.json"
printf -- '--baud 2\n0x0 a.bin\n' >"$WORK/bad_args"
expect_exit 2 "argument file with another option" -- "${f[@]}" write "@$WORK/bad_args"
[ "$(md5sum <"$WORK/names.flash")" = "$before" ] && pass || fail "a refused write changed the flash"
finish
