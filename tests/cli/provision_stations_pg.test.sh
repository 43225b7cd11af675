#!/usr/bin/env bash
# Many stations on one line (issue 14): a PostgreSQL ledger shared by two `fwprov provision`
# processes ("stations") of 4 ports each, every port its own fwprov-sim with its own MAC range.
# - 200 devices between them: no serial twice, none skipped, both stations drawing from the
#   one pool at the same time;
# - station B killed with -9 while every one of its four workers waits inside a ledger
#   transaction (record_certificate, held by a lock the test takes): its interrupted devices stay
#   `incomplete` with no certificate (the half transactions are gone), station A carries on, and
#   B's next run resumes them with the same serials. The test waits for all four: a worker killed
#   after its certificate committed may already have flashed its board, which the fixture then
#   swaps for the next one; that device rightly stays `incomplete` with its certificate, but it
#   never comes back to be resumed, so it would make the outcome depend on timing;
# - errors: a password on the command line is refused (exit 2), an unreachable server is one
#   line with exit 4 and the password of a URL from ledger.url_env is never shown, a missing
#   libpq is named.
# Skipped (exit 77, a SKIP line) only where the PostgreSQL server is not installed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"
source "$(dirname "$0")/pg_lib.sh"
pg_available || { echo "SKIP: the PostgreSQL server (Debian package postgresql) is not installed"; exit 77; }
source "$(dirname "$0")/provision_lib.sh"
start_pg
line="$WORK/line"
make_line "$line"
closed_port=$(pg_free_port)

# --- errors, before any station runs
expect_exit 2 "--ledger URL with a password" -- "$FWPROV" ledger list --ledger "postgresql://fwprov:pw-in-argv@127.0.0.1:$PG_PORT/postgres"
grep -q "pw-in-argv" "$WORK/err" && fail "the refused password is echoed" || pass
expect_grep "no password on the command line" "$WORK/err" "says where the password goes"
expect_exit 4 "server not reachable" -- "$FWPROV" ledger list --ledger "postgresql://fwprov@127.0.0.1:$closed_port/postgres"
[ "$(wc -l <"$WORK/err")" -eq 1 ] && pass || fail "one line for an unreachable server: $(cat "$WORK/err")"
expect_grep "^fwprov: error: postgresql://fwprov@127.0.0.1:$closed_port/postgres: cannot connect to the PostgreSQL ledger: .*refused" "$WORK/err" "names the ledger and the cause"
# The URL (with a password) from the variable ledger.url_env names: never shown, even in --json.
sed 's/^path = "fwprov-ledger.db"/url_env = "FWPROV_TEST_LEDGER_URL"/' "$line/recipe.toml" >"$line/recipe-env.toml"
export FWPROV_TEST_LEDGER_URL="postgresql://fwprov:pw-from-env@127.0.0.1:$closed_port/postgres?password=pw-from-env"
expect_exit 4 "url_env: server not reachable" -- "$FWPROV" --json provision "$line/recipe-env.toml" -p socket://127.0.0.1:9
cat "$WORK/out" "$WORK/err" | grep -q "pw-from-env" && fail "the URL's password is shown: $(cat "$WORK/err")" || pass
expect_grep 'postgresql://fwprov:\*\*\*@127.0.0.1' "$WORK/err" "the redacted URL names the ledger"
[ "$(json_field "$WORK/out" 'd["ok"], d["error"]["exit_code"]')" = "False 4" ] && pass || fail "--json error document: $(cat "$WORK/out")"
expect_exit 4 "libpq missing" -- env FWPROV_LIBPQ=/nonexistent/libpq.so.5 "$FWPROV" ledger list --ledger "$PG_URL"
expect_grep "needs libpq \\(Debian package libpq5\\)" "$WORK/err" "names the missing package"
expect_exit 4 "an empty database has no ledger yet" -- "$FWPROV" ledger list --ledger "$PG_URL"
expect_grep "no ledger in this database" "$WORK/err" "says there is no ledger"

# --- two stations of 4 ports each, 100 devices per station, one ledger
# Each port's fwprov-sim hands out the next board (MAC + 1) after each one, from its own range.
station_a_ports=()
station_b_ports=()
for i in 1 2 3 4; do
  start_sim "station-a$i" --mac "24:0a:c4:0a:0$i:01" --next-device-on-disconnect
  station_a_ports+=(-p "socket://127.0.0.1:$SIM_PORT")
  start_sim "station-b$i" --mac "24:0a:c4:0b:0$i:01" --next-device-on-disconnect
  station_b_ports+=(-p "socket://127.0.0.1:$SIM_PORT")
done
# application_name lets the test find each station's server sessions.
ledger_a="$PG_URL?application_name=station-a"
ledger_b="$PG_URL?application_name=station-b"
"$FWPROV" -q --json provision "$line/recipe.toml" "${station_a_ports[@]}" --stub "$STUB_JSON" --count 100 --station A --ledger "$ledger_a" \
  >"$WORK/a.jsonl" 2>"$WORK/a.err" &
pid_a=$!
"$FWPROV" -q --json provision "$line/recipe.toml" "${station_b_ports[@]}" --stub "$STUB_JSON" --count 100 --station B --ledger "$ledger_b" \
  >"$WORK/b.jsonl" 2>"$WORK/b.err" &
pid_b=$!
SIM_PIDS+=("$pid_a" "$pid_b")  # stopped at exit if the test dies early

# Devices a station finished: its event stream's successful result lines.
ok_lines() { grep '"event":"result"' "$1" 2>/dev/null | grep -c '"ok":true' || true; }
for _ in $(seq 1 600); do [ "$(ok_lines "$WORK/b.jsonl")" -ge 30 ] && break; sleep 0.1; done
[ "$(ok_lines "$WORK/b.jsonl")" -ge 30 ] && pass || fail "station B did not get to 30 devices: $(tail -3 "$WORK/b.err")"

# Hold every certificate insert (record_certificate's transaction) on a lock this session owns,
# wait until all four of B's workers are stuck there (each finishes the board it was on first;
# certificates are recorded before anything is flashed), kill B.
mkfifo "$WORK/holder.sql"
"$PG_BIN/psql" -X -q -At "$PG_URL" <"$WORK/holder.sql" >"$WORK/holder.out" 2>&1 &
holder=$!
exec 9>"$WORK/holder.sql"
echo "SELECT pg_advisory_lock(4242); SELECT 'locked';" >&9
for _ in $(seq 1 600); do grep -q locked "$WORK/holder.out" && break; sleep 0.05; done
psql_run -c "CREATE FUNCTION hold_certificate() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN PERFORM pg_advisory_xact_lock_shared(4242); RETURN NEW; END \$\$" \
  -c "CREATE TRIGGER hold_certificate BEFORE INSERT ON certificates FOR EACH ROW EXECUTE FUNCTION hold_certificate()"
waiting_b=0
for _ in $(seq 1 1200); do
  waiting_b=$(psql_run -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'station-b' AND wait_event_type = 'Lock'")
  [ "$waiting_b" -ge 4 ] && break
  sleep 0.05
done
[ "$waiting_b" -eq 4 ] && pass || fail "all four workers of station B wait in record_certificate: $waiting_b do"
kill -9 "$pid_b"
wait "$pid_b" 2>/dev/null
b_done=$(ok_lines "$WORK/b.jsonl")
# B's interrupted devices (one per worker), "MAC SERIAL" lines.
psql_run -F ' ' -c "SELECT d.mac, d.serial FROM devices d JOIN attempts a ON a.device_id = d.id WHERE a.station = 'B' AND a.result = 'incomplete' ORDER BY d.serial" \
  >"$WORK/interrupted.txt"
interrupted_count=$(wc -l <"$WORK/interrupted.txt")
[ "$interrupted_count" -eq 4 ] && pass || fail "4 incomplete attempts of station B: $(cat "$WORK/interrupted.txt")"
read -r b_mac b_serial <"$WORK/interrupted.txt"  # the one checked in detail
# Let everything waiting go on: A resumes; B's server sessions find their client gone and roll back.
echo "SELECT pg_advisory_unlock(4242);" >&9
exec 9>&-
wait "$holder"
psql_run -c "DROP TRIGGER hold_certificate ON certificates" -c "DROP FUNCTION hold_certificate()"
wait "$pid_a"
status_a=$?
[ "$status_a" -eq 0 ] && pass || fail "station A exit $status_a: $(tail -3 "$WORK/a.err")"
[ "$(ok_lines "$WORK/a.jsonl")" -eq 100 ] && pass || fail "station A: $(ok_lines "$WORK/a.jsonl") devices, expected 100"
[ "$(tail -1 "$WORK/a.jsonl" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["event"], d["totals"]["ok"], d["totals"]["ports"])')" = "summary 100 4" ] &&
  pass || fail "station A's stream ends with its summary: $(tail -c 300 "$WORK/a.jsonl")"

# The ledger after the kill: B's interrupted devices incomplete, no certificate, nothing half-written.
expect_exit 0 "ledger show an interrupted device" -- "$FWPROV" --json ledger show "$b_mac" --ledger "$PG_URL"
[ "$(json_field "$WORK/out" 'd["serial"], d["status"], [a["result"] for a in d["attempts"]], d["attempts"][0]["ended"], d["certificates"]')" = \
  "$b_serial incomplete ['incomplete'] None []" ] && pass || fail "interrupted device: $(head -c 400 "$WORK/out")"
[ "$(psql_run -c "SELECT count(*) FROM certificates c JOIN devices d ON d.id = c.device_id JOIN attempts a ON a.device_id = d.id
  WHERE a.station = 'B' AND a.result = 'incomplete'")" = 0 ] && pass || fail "a certificate of a killed transaction was committed"

# --- station B again: resumes its interrupted devices (same serials), then the rest of its 100
expect_exit 0 "station B resumes" -- "$FWPROV" -q --json provision "$line/recipe.toml" "${station_b_ports[@]}" --stub "$STUB_JSON" \
  --count $((100 - b_done)) --station B --ledger "$ledger_b"
cp "$WORK/out" "$WORK/b2.jsonl"
python3 - "$WORK/b2.jsonl" "$WORK/interrupted.txt" <<'PY' && pass || fail "every interrupted device resumed with its serial: $(head -c 300 "$WORK/b2.jsonl")"
import json, sys
results = [d for d in map(json.loads, open(sys.argv[1])) if d["event"] == "result" and d["ok"]]
by_mac = {d["mac"]: d for d in results}
for line in open(sys.argv[2]):
    mac, serial = line.split()
    assert mac in by_mac, (mac, sorted(by_mac)[:4])
    assert by_mac[mac]["serial"] == serial and by_mac[mac]["new_device"] is False, by_mac[mac]
PY

# --- the whole line: 200 devices, serials 1..200 once each, both ranges, all ok
expect_exit 0 "ledger list" -- "$FWPROV" --json ledger list --ledger "$PG_URL"
python3 - "$WORK/out" <<'PY' && pass || fail "200 devices, WS-000001..WS-000200 each once, 100 per station's MAC range, all ok"
import collections, json, sys
devices = json.load(open(sys.argv[1]))["devices"]
assert len(devices) == 200, len(devices)
serials = sorted(d["serial"] for d in devices)
assert serials == [f"WS-{i:06}" for i in range(1, 201)], [s for s in serials][:5]
ranges = collections.Counter(d["mac"][:11] for d in devices)
assert ranges == {"24:0a:c4:0a": 100, "24:0a:c4:0b": 100}, ranges
assert all(d["status"] == "ok" and d["certificate"]["state"] == "delivered" for d in devices)
PY
[ "$(psql_run -c "SELECT (SELECT min(d.serial) FROM devices d WHERE d.mac LIKE '24:0a:c4:0b%') < (SELECT max(d.serial) FROM devices d WHERE d.mac LIKE '24:0a:c4:0a%')
  AND (SELECT min(d.serial) FROM devices d WHERE d.mac LIKE '24:0a:c4:0a%') < (SELECT max(d.serial) FROM devices d WHERE d.mac LIKE '24:0a:c4:0b%')")" = t ] &&
  pass || fail "the stations drew from one pool at the same time (their serials interleave)"
expect_exit 0 "ledger show after the resume" -- "$FWPROV" --json ledger show "$b_serial" --ledger "$PG_URL"
[ "$(json_field "$WORK/out" '[a["result"] + "@" + a["station"] for a in d["attempts"]], [c["state"] for c in d["certificates"]]')" = \
  "['incomplete@B', 'ok@B'] ['delivered']" ] && pass || fail "resumed device: two attempts, one delivered certificate: $(head -c 400 "$WORK/out")"
# --dry-run reads the shared ledger without changing it: a known MAC's serial, the next one for a new MAC.
expect_exit 0 "dry run of a provisioned device" -- "$FWPROV" --json provision "$line/recipe.toml" --dry-run --mac "$b_mac" --outdir "$WORK/dry1" --ledger "$PG_URL"
[ "$(json_field "$WORK/out" 'd["serial"]')" = "$b_serial" ] && pass || fail "dry run uses the device's serial: $(head -c 200 "$WORK/out")"
expect_exit 0 "dry run of a new device" -- "$FWPROV" --json provision "$line/recipe.toml" --dry-run --mac 24:0a:c4:0c:00:01 --outdir "$WORK/dry2" --ledger "$PG_URL"
[ "$(json_field "$WORK/out" 'd["serial"]')" = WS-000201 ] && pass || fail "dry run peeks the next serial: $(head -c 200 "$WORK/out")"
expect_exit 0 "export csv" -- "$FWPROV" ledger export --format csv --ledger "$PG_URL"
[ "$(wc -l <"$WORK/out")" -eq 201 ] && pass || fail "csv export: header + 200 rows"
expect_exit 0 "export aws-bulk" -- "$FWPROV" ledger export --format aws-bulk --ledger "$PG_URL"
[ "$(wc -l <"$WORK/out")" -eq 200 ] && pass || fail "aws-bulk: 200 delivered certificates"
finish
