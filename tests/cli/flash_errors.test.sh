#!/usr/bin/env bash
# Bad command lines and bad inputs fail before the device is touched, with the documented
# exit codes (2 usage, 3 bad input, 4 I/O, 6 device).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

printf 'x' >"$WORK/one.bin"
head -c 8192 /dev/urandom >"$WORK/a.bin"
start_sim errs
port="socket://127.0.0.1:$SIM_PORT"
f=("$FWPROV" flash -p "$port" --no-stub)

expect_exit 2 "no port" -- env -u ESPTOOL_PORT "$FWPROV" flash id
expect_exit 2 "no operation" -- "$FWPROV" flash -p "$port"
expect_exit 2 "odd address/file list" -- "${f[@]}" write 0x1000
expect_grep "ADDRESS FILE pairs" "$WORK/err" "odd list explained"
expect_exit 2 "bad address" -- "${f[@]}" write 0xZZ "$WORK/a.bin"
expect_exit 2 "overlapping regions" -- "${f[@]}" write 0x1000 "$WORK/a.bin" 0x2000 "$WORK/a.bin"
expect_grep "overlaps" "$WORK/err" "overlap explained"
expect_exit 4 "missing file" -- "${f[@]}" write 0x1000 "$WORK/missing.bin"
expect_exit 3 "empty file" -- "${f[@]}" write 0x1000 /dev/null
expect_exit 3 "beyond the flash" -- "${f[@]}" write 0x3FF000 "$WORK/a.bin"
expect_grep "beyond the 4 MB flash" "$WORK/err" "size check explained"
expect_exit 2 "-z with --no-compress" -- "${f[@]}" write -z -u 0x1000 "$WORK/a.bin"
expect_exit 2 "bad flash mode" -- "${f[@]}" write --flash_mode fast 0x1000 "$WORK/a.bin"
expect_exit 2 "unknown chip" -- "$FWPROV" flash --chip esp99 -p "$port" id
expect_grep "unknown chip \(choose from auto, esp32, esp32s2" "$WORK/err" "unknown chip lists the chips"
expect_exit 6 "another chip than --chip" -- "$FWPROV" flash --chip esp32s3 -p "$port" id
expect_grep "this chip is an ESP32, not an ESP32-S3" "$WORK/err" "wrong chip names both"
expect_exit 2 "bad --before" -- "$FWPROV" flash --before sometimes -p "$port" id
expect_exit 2 "bad --after" -- "$FWPROV" flash --after later -p "$port" id
expect_exit 2 "--stub with --no-stub" -- "$FWPROV" flash -p "$port" --stub x.json --no-stub id
printf '{"text": "not base64!", "text_start": 1, "entry": 2}' >"$WORK/bad-stub.json"
expect_exit 3 "bad stub JSON" -- "$FWPROV" flash -p "$port" --stub "$WORK/bad-stub.json" id
expect_grep "bad-stub.json.*text" "$WORK/err" "stub error names file and field"
printf '{"text": "AAAA", "text_start": 1}' >"$WORK/no-entry.json"
expect_exit 3 "stub JSON without entry" -- "$FWPROV" flash -p "$port" --stub "$WORK/no-entry.json" id
expect_exit 4 "missing stub file" -- "$FWPROV" flash -p "$port" --stub "$WORK/none.json" id
printf '{"text": "AAAA", "text_start": 1074520064, "entry": 1074520064}' >"$WORK/tiny-stub.json"
expect_exit 2 "soft_reset with a stub" -- "$FWPROV" flash -p "$port" --stub "$WORK/tiny-stub.json" --after soft_reset id
expect_grep "soft_reset is not supported" "$WORK/err" "soft_reset refusal explained"
expect_exit 2 "unaligned erase" -- "${f[@]}" erase 0x1001 0x1000
expect_exit 2 "erase with one argument" -- "${f[@]}" erase 0x1000
expect_exit 2 "read beyond the flash" -- "${f[@]}" read 0x3FFFF0 0x20 "$WORK/r.bin"
expect_absent "$WORK/r.bin" "nothing written on a failed read"
expect_exit 4 "read into a missing folder" -- "${f[@]}" read 0 16 "$WORK/no/such/dir/r.bin"
expect_exit 2 "rfc2217 is not supported" -- "$FWPROV" flash -p rfc2217://127.0.0.1:4000 id
expect_exit 6 "no such serial port" -- "$FWPROV" flash -p /dev/fwprov-no-such-tty --no-stub --connect-attempts 1 id
# Nothing above reached the flash.
[ "$(sim_log_count "$WORK/errs.log" any FLASH_BEGIN)$(sim_log_count "$WORK/errs.log" any FLASH_DEFL_BEGIN)" = "00" ] && pass ||
  fail "a failing command still wrote to flash"
# --soft_reset is fine with the ROM loader: FLASH_BEGIN(0,0) + FLASH_END(1) starts the app.
expect_exit 0 "soft_reset with --no-stub" -- "${f[@]}" --after soft_reset write 0x10000 "$WORK/a.bin"
expect_log "$WORK/errs.log" rom FLASH_END "soft reset ends with FLASH_END(1)" args="[1]"
finish
