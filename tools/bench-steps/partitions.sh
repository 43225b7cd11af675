#!/usr/bin/env bash
# Bench step for `fwprov partitions`, `otadata` and `image`: whole-process times (median of 9
# runs) on the workshop table and on a full 94-entry table (the most a table can hold with
# its MD5 row). The issue sets no target, so the figures are reported without one.
set -euo pipefail
dir="$BENCH/partitions"
mkdir -p "$dir"
cd "$dir"
cp "$ROOT/partitions/aws-ota-workshop.csv" workshop.csv
for i in $(seq 0 93); do printf 'p%02d, data, 0x%02x, , 0x1000\n' "$i" $((0x40 + i % 48)); done > full.csv
cp "$ROOT/tests/golden/image/app_esp32/image.bin" app.bin
cp "$ROOT/tests/golden/image/bootloader_sha/image.bin" bootloader.bin

median() {  # median COMMAND...: median wall time of 9 runs
  local times=()
  for _ in 1 2 3 4 5 6 7 8 9; do times+=("$(seconds "$@")"); done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 5p
}
report() {  # report LABEL COMMAND...
  local label=$1; shift
  "$@" >/dev/null 2>&1  # warm the page cache
  echo "$label: $(median "$@") s"
}
"$FWPROV" -q partitions generate full.csv full.bin >/dev/null
report "partitions generate (workshop table, 6 rows)" "$FWPROV" -q partitions generate workshop.csv workshop.bin
report "partitions generate (94 rows)" "$FWPROV" -q partitions generate full.csv full.bin
report "partitions show (94-row binary)" "$FWPROV" -q partitions show full.bin
report "partitions offset storage (workshop CSV)" "$FWPROV" -q partitions offset storage --table workshop.csv
report "otadata set-boot ota_1" "$FWPROV" -q otadata set-boot ota_1 --table workshop.csv -o otadata.bin
report "image info (64 KiB app)" "$FWPROV" -q image info app.bin
report "image patch (bootloader, dio/40m/4MB)" "$FWPROV" -q image patch bootloader.bin -o patched.bin --flash-mode dio --flash-freq 40m --flash-size 4MB
