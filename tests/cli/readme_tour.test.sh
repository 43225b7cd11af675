#!/usr/bin/env bash
# The README's tour runs top to bottom as written: its ```sh block under "## Tour" is extracted
# and run with `set -e` against fwprov-sim, in a folder holding the input files it names.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"
cd "$WORK" || exit 1

# The inputs the tour expects.
printf 'key,type,encoding,value\nstorage,namespace,,\nthing_name,data,string,device-0001\nboot_count,data,u32,0\n' > storage.csv
printf 'device,namespace,\nserial,data,string\nhw_rev,data,u8\n' > config.csv
printf 'serial,hw_rev\nSN0001,3\nSN0002,3\n' > values.csv
cp "$SOURCE_DIR/partitions/aws-ota-workshop.csv" partitions.csv
cp "$GOLDEN/image/app_esp32/image.bin" firmware.bin
cp "$GOLDEN/image/bootloader_sha/image.bin" bootloader.bin

python3 - "$SOURCE_DIR/README.md" > tour.sh <<'PY'
import sys
text = open(sys.argv[1]).read()
tour = text[text.index("## Tour"):]
start = tour.index("```sh\n") + len("```sh\n")
print(tour[start:tour.index("```", start)])
PY
[ "$(grep -c '^fwprov ' tour.sh)" -ge 20 ] && pass || fail "the tour block was not found in README.md"

start_sim tour --flash-size 4MB
fwprov() { "$FWPROV" "$@"; }
export -f fwprov
export FWPROV PORT="socket://127.0.0.1:$SIM_PORT"
if bash -e -x tour.sh >"$WORK/tour.out" 2>"$WORK/tour.err"; then pass; else
  fail "the README tour stops at: $(grep '^+ ' "$WORK/tour.err" | tail -1)"; tail -5 "$WORK/tour.err" >&2
fi
expect_grep "^0x317000$" "$WORK/tour.out" "partitions offset storage prints 0x317000"
expect_flash_equals "$WORK/tour.flash" $((0x317000)) storage.bin "storage.bin flashed at 0x317000"
stop_sim "$SIM_PID"
finish
