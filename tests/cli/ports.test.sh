#!/usr/bin/env bash
# fwprov ports: lists (JSON shape, filters applied, bad filters refused) and port selection
# for fwprov flash: a glob or filter that matches nothing, several ports, no port, all exit 2
# before anything is opened; one explicit socket:// port still flashes. (The USB table and the
# matching rules are unit-tested with synthetic ports: tests/unit/esp/ports.cpp.)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

expect_exit 0 "ports --json" -- "$FWPROV" --json ports
python3 - "$WORK/out" <<'PY' && pass || fail "ports --json: not {ok: true, ports: [...]} with every field"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["ok"] is True and isinstance(doc["ports"], list)
for p in doc["ports"]:
    assert set(p) == {"path", "transport", "description", "vid", "pid", "serial", "manufacturer", "product", "location", "kind", "espressif"}, p
    assert p["vid"] is None or p["vid"].startswith("0x")
PY
expect_exit 0 "ports text" -- "$FWPROV" ports
expect_exit 0 "ports --ports GLOB matching nothing" -- "$FWPROV" --json ports --ports '/dev/fwprov-no-such-port*'
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d['ports']==[] else 1)" "$WORK/out" && pass || fail "glob matching nothing lists nothing"
expect_exit 0 "ports --port-filter matching nothing" -- "$FWPROV" --json ports --port-filter vid=0xFFFF,pid=0xFFFE
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d['ports']==[] else 1)" "$WORK/out" && pass || fail "filter matching nothing lists nothing"
expect_exit 2 "ports: unknown filter field" -- "$FWPROV" ports --port-filter colour=red
expect_grep "unknown field 'colour'" "$WORK/err" "the bad field is named"
expect_exit 2 "ports: vid out of range" -- "$FWPROV" ports --port-filter vid=0x12345
expect_grep "vid: '0x12345'" "$WORK/err" "the bad value is named"

head -c 4096 /dev/urandom >"$WORK/small.bin"
expect_exit 2 "flash without a port" -- "$FWPROV" flash --no-stub write 0x10000 "$WORK/small.bin"
expect_grep "no port given" "$WORK/err" "says how to give a port"
expect_exit 2 "flash --ports matching nothing" -- "$FWPROV" flash --ports '/dev/fwprov-no-such-port*' --no-stub id
expect_grep "no serial port matches" "$WORK/err" "says nothing matched"
expect_exit 2 "flash with two ports" -- "$FWPROV" flash -p socket://127.0.0.1:1 -p socket://127.0.0.1:2 --no-stub id
expect_grep "2 ports selected" "$WORK/err" "says several were selected"

start_sim one
expect_exit 0 "flash with one explicit port" -- "$FWPROV" flash -p "socket://127.0.0.1:$SIM_PORT" --no-stub write 0x10000 "$WORK/small.bin"
expect_flash_equals "$WORK/one.flash" $((0x10000)) "$WORK/small.bin" "the write landed"
finish
