#!/usr/bin/env bash
# esptool-js 0.7.0 against fwprov-sim --chip X for every chip of the chip table: detection,
# esptool-js's own stub for that chip (the simulator starts only that chip's stub), baud
# change, compressed and raw writes, MD5, read-back; the simulator's flash file must hold the
# bytes. Then fwprov flash with the same stub folder verifies what esptool-js wrote and
# writes/reads through the stub itself; last, esptool-js erases the chip. Needs the npm
# registry the first time.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/../cli/esp_sim_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

stub_json=$(bash "$here/install-esptool-js.sh") || { fail "NEEDS NPM REGISTRY: esptool-js could not be installed"; finish; exit 1; }
stub_dir=$(dirname "$stub_json")

head -c 4096 /dev/urandom >"$WORK/boot.bin"
head -c 3072 /dev/urandom >"$WORK/table.bin"
head -c 65536 /dev/urandom >"$WORK/app.bin"
head -c 5000 /dev/urandom >"$WORK/raw1.bin"
head -c 40000 /dev/urandom >"$WORK/raw2.bin"

# label  chip  description prefix  bootloader offset  stub file  extra simulator options
while read -r label chip prefix boot stub_file sim_extra; do
  [ "$sim_extra" = - ] && sim_extra=""
  # shellcheck disable=SC2086
  start_sim "$label" --chip "$chip" $sim_extra
  log="$WORK/$label.log"
  flash="$WORK/$label.flash"
  if (cd "$here" && timeout 300 node esptool_js_chip_client.mjs "$SIM_PORT" "$WORK" "$prefix" "$boot") >"$WORK/$label.out" 2>"$WORK/$label.cerr"; then
    pass
  else
    fail "$label: esptool-js client failed"; sed 's/^/  /' "$WORK/$label.cerr" | tail -15 >&2
  fi
  expect_grep '"stub":true' "$WORK/$label.out" "$label: esptool-js ran its stub"
  entry=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["entry"])' "$stub_dir/$stub_file.json")
  expect_log "$log" rom MEM_END "$label: MEM_END started esptool-js's $stub_file.json" entry="$entry"
  expect_log "$log" stub FLASH_DEFL_DATA "$label: compressed writes"
  expect_log "$log" stub FLASH_DATA "$label: raw writes"
  expect_log "$log" stub READ_FLASH "$label: stub read stream"
  errors=$(sim_log_errors "$log")
  [ -z "$errors" ] && pass || { fail "$label: the simulator answered esptool-js with errors"; echo "$errors" | head -3 >&2; }
  expect_flash_equals "$flash" $((boot)) "$WORK/boot.bin" "$label: boot.bin at the bootloader offset $boot"
  expect_flash_equals "$flash" $((0x8000)) "$WORK/table.bin" "$label: table.bin"
  expect_flash_equals "$flash" $((0x20000)) "$WORK/app.bin" "$label: app.bin"
  expect_flash_equals "$flash" $((0x100000)) "$WORK/raw1.bin" "$label: raw1.bin (uncompressed)"
  expect_flash_equals "$flash" $((0x200000)) "$WORK/raw2.bin" "$label: raw2.bin (uncompressed)"

  # fwprov, same simulator, same stub folder: what esptool-js wrote verifies; write + read back.
  port="socket://127.0.0.1:$SIM_PORT"
  f=("$FWPROV" flash -p "$port" --chip "$chip" --stub-dir "$stub_dir")
  expect_exit 0 "$label: fwprov verify of esptool-js's writes" -- "${f[@]}" verify "$boot" "$WORK/boot.bin" 0x20000 "$WORK/app.bin" 0x100000 "$WORK/raw1.bin"
  expect_grep "Stub running \(from $stub_dir/$stub_file.json\)" "$WORK/err" "$label: fwprov uploaded esptool-js's $stub_file.json"
  expect_exit 0 "$label: fwprov write" -- "${f[@]}" -b 921600 write 0x300000 "$WORK/raw2.bin"
  expect_exit 0 "$label: fwprov read" -- "${f[@]}" read 0x300000 40000 "$WORK/$label-back.bin"
  expect_same_file "$WORK/$label-back.bin" "$WORK/raw2.bin" "$label: fwprov read-back"
  # esptool-js erases the chip; the flash file is blank afterwards.
  if (cd "$here" && timeout 300 node esptool_js_chip_client.mjs "$SIM_PORT" "$WORK" "$prefix" "$boot" erase) >"$WORK/$label.eout" 2>"$WORK/$label.eerr"; then
    pass
  else
    fail "$label: esptool-js erase failed"; sed 's/^/  /' "$WORK/$label.eerr" | tail -10 >&2
  fi
  if cmp -s "$flash" <(head -c "$(stat -c %s "$flash")" /dev/zero | tr '\0' '\377'); then pass; else fail "$label: flash not blank after esptool-js eraseFlash"; fi
  stop_sim "$SIM_PID"
done <<'CHIPS'
esp32      esp32    ESP32-D0WD 0x1000 esp32        -
esp32s2    esp32s2  ESP32-S2   0x1000 esp32s2      -
esp32s3    esp32s3  ESP32-S3   0x0    esp32s3      -
esp32c3    esp32c3  ESP32-C3   0x0    esp32c3      -
esp32c2    esp32c2  ESP32-C2   0x0    esp32c2      -
esp32c6    esp32c6  ESP32-C6   0x0    esp32c6      -
esp32h2    esp32h2  ESP32-H2   0x0    esp32h2      -
esp32c5    esp32c5  ESP32-C5   0x2000 esp32c5      -
esp32c61   esp32c61 ESP32-C61  0x0    esp32c61     -
esp32p4    esp32p4  ESP32-P4   0x2000 esp32p4-rev1 -
esp32p4v3  esp32p4  ESP32-P4   0x2000 esp32p4      --chip-revision=3.0
CHIPS
finish
