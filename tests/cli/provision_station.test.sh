#!/usr/bin/env bash
# The station loop and the failure paths of fwprov provision against fwprov-sim:
# --count 5 with a simulator that swaps in the next board after each one (5 serials in order,
# 5 ledger records); kill -9 mid-write on a throttled link, then resume (same serial, first
# certificate superseded, one device, two attempts); a link that dies mid-device (exit 6, the
# step named, the ledger says failed).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"
source "$(dirname "$0")/provision_lib.sh"

# --- station loop of 5 devices
line="$WORK/station"
make_line "$line"
start_sim station --mac 24:0a:c4:00:20:01 --next-device-on-disconnect
expect_exit 0 "station loop of 5" -- "$FWPROV" --json provision "$line/recipe.toml" -p "socket://127.0.0.1:$SIM_PORT" --stub "$STUB_JSON" --count 5 --station line-7
cp "$WORK/out" "$WORK/station.jsonl"
python3 - "$WORK/station.jsonl" <<'PY' && pass || fail "5 JSON lines: serials in order, distinct MACs, all ok"
import json, sys
docs = [json.loads(line) for line in open(sys.argv[1])]
assert len(docs) == 5, len(docs)
assert [d["serial"] for d in docs] == [f"WS-00000{i}" for i in range(1, 6)], [d["serial"] for d in docs]
assert [d["mac"] for d in docs] == [f"24:0a:c4:00:20:0{i}" for i in range(1, 6)], [d["mac"] for d in docs]
assert all(d["ok"] for d in docs)
assert len({d["certificate_sha256"] for d in docs}) == 5
PY
expect_exit 0 "ledger list --json" -- "$FWPROV" --json ledger list --recipe "$line/recipe.toml"
[ "$(json_field "$WORK/out" '" ".join(x["serial"] + ":" + x["status"] for x in d["devices"])')" = \
  "WS-000001:ok WS-000002:ok WS-000003:ok WS-000004:ok WS-000005:ok" ] && pass || fail "5 ledger records: $(head -c 300 "$WORK/out")"
[ "$(sim_log_count "$WORK/station.log" any FLASH_DEFL_BEGIN)" -eq 25 ] && pass || fail "5 regions x 5 devices written"
expect_exit 0 "export jsonl" -- "$FWPROV" ledger export --format jsonl --db "$line/fwprov-ledger.db"
[ "$(grep -c '"station"\|"serial"' "$WORK/out")" -eq 5 ] && pass || fail "jsonl export has 5 lines"
stop_sim "$SIM_PID"

# --- resume after kill -9 mid-write
line="$WORK/resume"
make_line "$line"
head -c 600000 /dev/urandom >"$line/firmware.bin"  # incompressible: ~6.5 s on the wire at 921600 baud
start_sim resume --mac 24:0a:c4:00:30:01 --baud-limit 921600
port="socket://127.0.0.1:$SIM_PORT"
"$FWPROV" provision "$line/recipe.toml" -p "$port" --stub "$STUB_JSON" >"$WORK/killed.out" 2>"$WORK/killed.err" &
victim=$!
# Wait until the firmware region (ota_0 at 0x20000, the 4th region) is being written, then kill.
for _ in $(seq 1 600); do
  [ "$(grep -c '"FLASH_DEFL_BEGIN"' "$WORK/resume.log")" -ge 4 ] && break
  sleep 0.05
done
sleep 1
kill -9 "$victim" 2>/dev/null
wait "$victim" 2>/dev/null
[ "$(sim_log_count "$WORK/resume.log" stub FLASH_DEFL_BEGIN)" -eq 4 ] && pass || fail "the kill came while ota_0 was being written"
expect_exit 0 "ledger after the kill" -- "$FWPROV" --json ledger show 24:0a:c4:00:30:01 --db "$line/fwprov-ledger.db"
[ "$(json_field "$WORK/out" 'd["serial"], d["status"], len(d["attempts"]), d["attempts"][0]["ended"], [c["state"] for c in d["certificates"]]')" = \
  "WS-000001 incomplete 1 None ['issued']" ] && pass || fail "interrupted attempt shows as incomplete: $(head -c 400 "$WORK/out")"
first_cert=$(json_field "$WORK/out" 'd["certificates"][0]["sha256"]')
expect_exit 0 "provisioning again resumes" -- "$FWPROV" --json provision "$line/recipe.toml" -p "$port" --stub "$STUB_JSON"
[ "$(json_field "$WORK/out" 'd["ok"], d["serial"], d["new_device"]')" = "True WS-000001 False" ] && pass || fail "same serial on resume: $(cat "$WORK/out")"
second_cert=$(json_field "$WORK/out" 'd["certificate_sha256"]')
[ "$first_cert" != "$second_cert" ] && pass || fail "a new certificate on resume"
expect_exit 0 "ledger after resume" -- "$FWPROV" --json ledger show WS-000001 --db "$line/fwprov-ledger.db"
python3 - "$WORK/out" "$first_cert" "$second_cert" <<'PY' && pass || fail "two attempts; first certificate superseded, second delivered"
import json, sys
d = json.load(open(sys.argv[1]))
assert [a["result"] for a in d["attempts"]] == ["incomplete", "ok"], d["attempts"]
certs = {c["sha256"]: c["state"] for c in d["certificates"]}
assert certs == {sys.argv[2]: "superseded", sys.argv[3]: "delivered"}, certs
PY
expect_exit 0 "one device in the ledger" -- "$FWPROV" --json ledger list --db "$line/fwprov-ledger.db"
[ "$(json_field "$WORK/out" 'len(d["devices"])')" = 1 ] && pass || fail "one device after resume"
expect_exit 0 "aws-bulk has the delivered certificate only" -- "$FWPROV" ledger export --format aws-bulk --db "$line/fwprov-ledger.db"
[ "$(wc -l <"$WORK/out")" -eq 1 ] && pass || fail "one aws-bulk line"
stop_sim "$SIM_PID"

# --- the link dies mid-device: exit 6, step named, ledger says failed
line="$WORK/linkfail"
make_line "$line"
# About 10,900 bytes have crossed the link when ota_0's write begins, 14,300 when it ends.
start_sim linkfail --mac 24:0a:c4:00:40:01 --stall-after 12000
expect_exit 6 "link failure mid-device" -- "$FWPROV" --json provision "$line/recipe.toml" -p "socket://127.0.0.1:$SIM_PORT" --stub "$STUB_JSON" --timeout 0.5
expect_grep "step write [a-z_0-9-]+ failed" "$WORK/err" "the failing step is named"
expect_grep "written before it: " "$WORK/err" "what was already written is said"
[ "$(json_field "$WORK/out" 'd["ok"], d["error"]["exit_code"], d["failed_step"].startswith("write ")')" = "False 6 True" ] && pass ||
  fail "JSON says failed with exit code 6: $(cat "$WORK/out")"
expect_exit 0 "ledger after link failure" -- "$FWPROV" --json ledger show 24:0a:c4:00:40:01 --db "$line/fwprov-ledger.db"
[ "$(json_field "$WORK/out" 'd["status"], d["attempts"][0]["failed_step"].startswith("write ")')" = "failed True" ] && pass ||
  fail "ledger says failed at a write step: $(head -c 400 "$WORK/out")"
finish
