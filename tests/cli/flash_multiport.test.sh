#!/usr/bin/env bash
# fwprov flash -p A -p B -p C write: the same images on three simulators at once (distinct
# MACs), each file compressed once; then the same with one simulator stalling: the other two
# are written and verified, the stalled one is reported with exit code 6 and the command exits
# 6; --json gives one record per port.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

stub_json=$(bash "$SOURCE_DIR/tests/interop/install-esptool-js.sh") ||
  { fail "NEEDS NPM REGISTRY: the stub JSON comes from esptool-js (tests/interop/install-esptool-js.sh)"; finish; exit 1; }
boot="$GOLDEN/image/bootloader_sha/image.bin"
app="$GOLDEN/image/app_esp32/image.bin"
head -c 3072 /dev/urandom >"$WORK/table.bin"
head -c 49152 /dev/urandom >"$WORK/random48k.bin"

ports=()
for i in 1 2 3; do
  start_sim "m$i" --mac "24:0a:c4:00:00:0$i"
  ports+=(-p "socket://127.0.0.1:$SIM_PORT")
done
expect_exit 0 "three ports, one command" -- "$FWPROV" --json flash "${ports[@]}" --stub "$stub_json" -b 921600 write \
  0x1000 "$boot" 0x8000 "$WORK/table.bin" 0x20000 "$app"
cp "$WORK/out" "$WORK/three.json"
for i in 1 2 3; do
  expect_flash_equals "$WORK/m$i.flash" $((0x8000)) "$WORK/table.bin" "port $i: table"
  expect_flash_equals "$WORK/m$i.flash" $((0x20000)) "$app" "port $i: app"
  [ "$(sim_log_count "$WORK/m$i.log" stub FLASH_DEFL_DATA)" -gt 0 ] && pass || fail "port $i: no compressed blocks"
done
python3 - "$WORK/three.json" <<'PY' && pass || fail "three ports: JSON has 3 ok records with distinct MACs"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is True and d["failed"] == 0 and len(d["ports"]) == 3, d
assert all(p["ok"] and p["exit_code"] == 0 and p["error"] is None for p in d["ports"])
assert len({p["device"]["mac"] for p in d["ports"]}) == 3
assert all(len(p["files"]) == 3 and all(f["verified"] for f in p["files"]) for p in d["ports"])
PY

# One board stalls mid-write: the two others still succeed.
start_sim ok1 --mac 24:0a:c4:00:01:01; p1=$SIM_PORT
start_sim hung --mac 24:0a:c4:00:01:02 --stall-after 30000; p2=$SIM_PORT  # mid-write
start_sim ok2 --mac 24:0a:c4:00:01:03; p3=$SIM_PORT
expect_exit 6 "one stalled port: exit 6" -- "$FWPROV" --json flash -p "socket://127.0.0.1:$p1" -p "socket://127.0.0.1:$p2" \
  -p "socket://127.0.0.1:$p3" --stub "$stub_json" --timeout 0.5 write 0x20000 "$WORK/random48k.bin"
cp "$WORK/out" "$WORK/stall.json"
expect_flash_equals "$WORK/ok1.flash" $((0x20000)) "$WORK/random48k.bin" "healthy port 1 written"
expect_flash_equals "$WORK/ok2.flash" $((0x20000)) "$WORK/random48k.bin" "healthy port 3 written"
python3 - "$WORK/stall.json" "$p2" <<'PY' && pass || fail "stall: JSON marks only the stalled port failed, exit 6"
import json, sys
d = json.load(open(sys.argv[1]))
bad = [p for p in d["ports"] if not p["ok"]]
assert d["ok"] is False and d["failed"] == 1 and len(bad) == 1, d
assert bad[0]["port"].endswith(":" + sys.argv[2]) and bad[0]["exit_code"] == 6 and bad[0]["error"], bad
PY
expect_exit 2 "read refuses several ports" -- "$FWPROV" flash -p "socket://127.0.0.1:$p1" -p "socket://127.0.0.1:$p3" --stub "$stub_json" id
expect_grep "only .flash write. works on several ports" "$WORK/err" "says which operation takes several ports"
finish
