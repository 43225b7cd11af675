#!/usr/bin/env bash
# Every write_flash header-patch golden case (tests/golden/image/*/expected.json and
# patch_edge_cases/) written through fwprov flash to fwprov-sim: the flash must hold exactly
# what esptool would have sent (bytes 2-3 rewritten, SHA-256 recomputed, 0xFF padding).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

start_sim golden --flash-size 16MB
port="socket://127.0.0.1:$SIM_PORT"
python3 - "$GOLDEN/image" >"$WORK/cases" <<'PY'
import json, os, sys
root = sys.argv[1]
for name in sorted(os.listdir(root)):
    folder = os.path.join(root, name)
    expected = os.path.join(folder, "expected.json")
    if not os.path.isfile(expected):
        continue
    doc = json.load(open(expected))
    if isinstance(doc, dict):
        # fwprov-sim is an ESP32: cases recorded against another chip (its bootloader offset
        # differs) are covered by image.test.sh, not here.
        if doc.get("chip", "esp32") != "esp32":
            print("skip", name, doc["chip"], file=sys.stderr)
            continue
        for case in doc.get("write_flash_patch_results", []):
            out = case["output_file"] or "image.bin"
            print(name, case["address"], case["flash_mode"], case["flash_freq"], case["flash_size"],
                  os.path.join(folder, "image.bin"), os.path.join(folder, out), case["output_sha256"])
    else:  # patch_edge_cases: a list of <name>.in.bin -> <name>.out.bin
        for case in doc:
            print(case["name"], case["address"], case["flash_mode"], case["flash_freq"], case["flash_size"],
                  os.path.join(folder, case["name"] + ".in.bin"), os.path.join(folder, case["name"] + ".out.bin"), "-")
PY
cases=0
while read -r name address mode freq size input expected sha; do
  cases=$((cases + 1))
  what="$name @$address $mode/$freq/$size"
  # Flash-size arguments also set SPI parameters; keep the region inside the simulated 16MB.
  expect_exit 0 "$what: write" -- "$FWPROV" flash -p "$port" --no-stub write --flash_mode "$mode" --flash_freq "$freq" \
    --flash_size "$size" "$address" "$input"
  # What esptool sends is the expected file padded to 4 bytes.
  cp "$expected" "$WORK/want.bin"
  pad=$(( (4 - $(stat -c %s "$WORK/want.bin") % 4) % 4 ))
  [ "$pad" -gt 0 ] && head -c "$pad" /dev/zero | tr '\0' '\377' >>"$WORK/want.bin"
  if [ "$sha" != "-" ]; then
    actual_sha=$(sha256sum "$WORK/want.bin" | cut -d' ' -f1)
    [ "$actual_sha" = "$sha" ] && pass || fail "$what: golden file does not match its recorded SHA-256 (test setup)"
  fi
  expect_flash_equals "$WORK/golden.flash" "$address" "$WORK/want.bin" "$what"
done <"$WORK/cases"
[ "$cases" -ge 10 ] && pass || fail "only $cases golden cases found"
echo "$cases golden patch cases"
finish
