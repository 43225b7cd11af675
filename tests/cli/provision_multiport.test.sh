#!/usr/bin/env bash
# fwprov provision on several ports at once against fwprov-sims (one per port, distinct MACs,
# each yielding its next board after one is provisioned): one command provisions the total
# --count across the ports with distinct serials and a consistent ledger; the --json event
# stream ends with a summary; among 8 ports a corrupting and a stalling one fail alone and
# --retries 1 retries only the failed devices (attempts per device in the ledger).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"
source "$(dirname "$0")/provision_lib.sh"

# check_stream FILE: every stdout line is a JSON object with an "event"; the last is the summary.
check_stream() {
  python3 - "$1" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
events = [json.loads(l) for l in lines]
assert all(isinstance(e, dict) and "event" in e for e in events), "a line without an event"
assert events[0]["event"] == "start", events[0]
assert events[-1]["event"] == "summary", events[-1]
assert sum(e["event"] == "summary" for e in events) == 1
PY
}

# --- 4 ports, 8 devices in total
line="$WORK/multi"
make_line "$line"
ports=()
for i in 1 2 3 4; do
  start_sim "m$i" --mac "24:0a:c4:0$i:00:01" --next-device-on-disconnect
  ports+=(-p "socket://127.0.0.1:$SIM_PORT")
done
expect_exit 0 "4 ports, 8 devices" -- "$FWPROV" --json provision "$line/recipe.toml" "${ports[@]}" --stub "$STUB_JSON" --count 8 --station line-9
cp "$WORK/out" "$WORK/multi.jsonl"
check_stream "$WORK/multi.jsonl" && pass || fail "the event stream: $(head -c 600 "$WORK/multi.jsonl")"
python3 - "$WORK/multi.jsonl" <<'PY' && pass || fail "8 results on 4 ports, distinct serials, summary totals"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
results = [e for e in events if e["event"] == "result"]
assert len(results) == 8 and all(r["ok"] and r["final"] and r["attempt"] == 1 for r in results), results
serials = sorted(r["serial"] for r in results)
assert serials == [f"WS-00000{i}" for i in range(1, 9)], serials
assert len({r["mac"] for r in results}) == 8
ports = {r["port"] for r in results}
assert len(ports) == 4, ports
steps = [e for e in events if e["event"] == "step"]
assert {"connect", "identity", "credentials", "ledger"} <= {s["step"] for s in steps}
assert all(s["port"] in ports for s in steps)
progress = [e for e in events if e["event"] == "progress"]
assert progress and all(0 <= p["done"] <= p["total"] for p in progress)
summary = events[-1]
assert summary["ok"] is True and summary["exit_code"] == 0, summary
assert summary["totals"] == {"ports": 4, "devices": 8, "ok": 8, "failed": 0, "attempts": 8}, summary["totals"]
assert sum(p["ok"] for p in summary["ports"]) == 8 and all(p["ok"] >= 1 for p in summary["ports"]), summary["ports"]
assert sorted(s for p in summary["ports"] for s in p["serials"]) == serials
PY
expect_exit 0 "ledger list" -- "$FWPROV" --json ledger list --db "$line/fwprov-ledger.db"
python3 - "$WORK/out" <<'PY' && pass || fail "ledger: 8 devices ok, one attempt each, serials 1..8"
import json, sys
d = json.load(open(sys.argv[1]))
devices = d["devices"]
assert sorted(x["serial"] for x in devices) == [f"WS-00000{i}" for i in range(1, 9)], devices
assert all(x["status"] == "ok" and x["attempts"] == 1 for x in devices), devices
PY

# Text mode, not a terminal: lines prefixed with the port, a per-port summary on stdout.
expect_exit 0 "2 ports, text" -- "$FWPROV" provision "$line/recipe.toml" "${ports[@]:0:4}" --stub "$STUB_JSON"
expect_grep "^total: 2 devices, 2 ok, 0 failed, 2 attempts on 2 ports" "$WORK/out" "text summary"
expect_grep "^socket://127.0.0.1:[0-9]+: WS-0000(09|10) " "$WORK/out" "result lines name their port"
expect_grep "^  socket://127.0.0.1:[0-9]+: connect " "$WORK/err" "step lines name their port"

# One port with --events: the same stream, ending with the summary.
expect_exit 0 "1 port, --json --events" -- "$FWPROV" --json provision "$line/recipe.toml" "${ports[@]:0:2}" --stub "$STUB_JSON" --events
check_stream "$WORK/out" && [ "$(tail -1 "$WORK/out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["totals"]["ok"], d["ports"][0]["serials"])')" = "1 ['WS-000011']" ] &&
  pass || fail "--events with one port: $(tail -c 400 "$WORK/out")"

# Ctrl-C: every port ends after its current device; the summary says stopped; nothing is
# left incomplete in the ledger.
"$FWPROV" --json provision "$line/recipe.toml" "${ports[@]}" --stub "$STUB_JSON" --count 1000 >"$WORK/int.jsonl" 2>"$WORK/int.err" &
victim=$!
for _ in $(seq 1 600); do [ "$(grep -c '"event":"result"' "$WORK/int.jsonl")" -ge 2 ] && break; sleep 0.05; done
kill -INT "$victim"
wait "$victim"
rc=$?
python3 - "$WORK/int.jsonl" "$rc" <<'PY' && pass || fail "SIGINT: exit 0, summary stopped, fewer than 1000 devices: $(tail -c 300 "$WORK/int.jsonl")"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
s = events[-1]
assert sys.argv[2] == "0", sys.argv[2]
assert s["event"] == "summary" and s["stopped"] and s["ok"], s
assert 2 <= s["totals"]["ok"] < 1000 and s["totals"]["failed"] == 0, s["totals"]
assert all(p["stopped"] for p in s["ports"]), s["ports"]
PY
expect_exit 0 "ledger after SIGINT" -- "$FWPROV" --json ledger list --db "$line/fwprov-ledger.db"
[ "$(json_field "$WORK/out" 'sorted({x["status"] for x in d["devices"]})')" = "['ok']" ] && pass || fail "no incomplete attempt after SIGINT"

expect_exit 2 "a port given twice" -- "$FWPROV" provision "$line/recipe.toml" "${ports[@]:0:2}" "${ports[@]:0:2}" --stub "$STUB_JSON"
expect_grep "given twice" "$WORK/err" "the usage error says why"
for pid in "${SIM_PIDS[@]}"; do stop_sim "$pid"; done

# --- fault isolation (the issue's must-show): among 8 ports, 6 good, one with 5% frame
# corruption, one that stalls mid-write; --retries 1
line="$WORK/faults"
make_line "$line"
ports=()
for i in 1 2 3; do
  start_sim "good$i" --mac "24:0a:c4:1$i:00:01" --next-device-on-disconnect
  ports+=(-p "socket://127.0.0.1:$SIM_PORT")
done
start_sim corrupt --mac 24:0a:c4:1a:00:01 --next-device-on-disconnect --corrupt-rate 0.05 --seed 1414
corrupt_port="socket://127.0.0.1:$SIM_PORT"
ports+=(-p "$corrupt_port")
# About 10,900 bytes have crossed the link when ota_0's write begins (provision_station.test.sh).
start_sim stall --mac 24:0a:c4:1b:00:01 --next-device-on-disconnect --stall-after 12000
stall_port="socket://127.0.0.1:$SIM_PORT"
ports+=(-p "$stall_port")
for i in 4 5 6; do
  start_sim "good$i" --mac "24:0a:c4:1$i:00:01" --next-device-on-disconnect
  ports+=(-p "socket://127.0.0.1:$SIM_PORT")
done
# The exit code is the first failed device's: the stalled port's 6, or 6/7 from the corrupted
# port when it failed first; the summary must say the same.
# --timeout 2: a good port must not time out because eight workers share a loaded machine.
"$FWPROV" --json provision "$line/recipe.toml" "${ports[@]}" --stub "$STUB_JSON" --timeout 2 --retries 1 >"$WORK/faults.jsonl" 2>"$WORK/faults.err"
rc=$?
{ [ "$rc" = 6 ] || [ "$rc" = 7 ]; } && [ "$(tail -1 "$WORK/faults.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["exit_code"])')" = "$rc" ] &&
  pass || fail "a failed port fails the run with the summary's code (exit $rc): $(tail -5 "$WORK/faults.err")"
check_stream "$WORK/faults.jsonl" && pass || fail "the event stream with faults: $(tail -c 600 "$WORK/faults.jsonl")"
python3 - "$WORK/faults.jsonl" "$stall_port" "$corrupt_port" >"$WORK/faults.macs" <<'PY' && pass || fail "good ports ok; stalled port failed at a write step, retried once"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
stall, corrupt = sys.argv[2], sys.argv[3]
results = [e for e in events if e["event"] == "result"]
by_port = {}
for r in results:
    by_port.setdefault(r["port"], []).append(r)
assert len(by_port) == 8, by_port.keys()
for port, rs in by_port.items():
    if port in (stall, corrupt):
        continue
    assert [(r["ok"], r["attempt"], r["final"]) for r in rs] == [(True, 1, True)], rs
s = by_port[stall]
assert [(r["ok"], r["attempt"], r["final"]) for r in s] == [(False, 1, False), (False, 2, True)], s
assert all(r["failed_step"].startswith("write ") and r["error"]["exit_code"] == 6 for r in s), s
assert s[0]["serial"] == s[1]["serial"] and s[0]["mac"] == s[1]["mac"] == "24:0a:c4:1b:00:01"
c = by_port[corrupt]
# the corrupted port: succeeds (maybe after its retry) or fails cleanly, step and code said
assert c[-1]["final"] and len(c) <= 2, c
for r in c:
    assert r["ok"] or (r["failed_step"] and r["error"]["exit_code"] in (6, 7)), r
summary = events[-1]
assert summary["ok"] is False and summary["exit_code"] in (6, 7), summary
assert summary["totals"]["devices"] == 8 and summary["totals"]["attempts"] == len(results), summary
# every device and its attempts that reached the ledger (got a serial), for the ledger check;
# an attempt that failed at connect (no answer, or a MAC read twice that differs) never does
for r in results:
    if r["final"]:
        reached = sum(1 for a in results if a["port"] == r["port"] and a["mac"] == r["mac"] and a["serial"])
        print(r["mac"], reached, "ok" if r["ok"] else "failed", r["serial"])
PY
expect_exit 0 "ledger after the faults" -- "$FWPROV" --json ledger list --db "$line/fwprov-ledger.db"
python3 - "$WORK/out" "$WORK/faults.macs" <<'PY' && pass || fail "ledger: attempts per device as streamed (only failed ones retried); distinct serials"
import json, sys
devices = {d["mac"]: d for d in json.load(open(sys.argv[1]))["devices"]}
# a board that never answered (corruption during connect) has no MAC and no ledger record
streamed = [l for l in (line.split() for line in open(sys.argv[2])) if l[0] != "None" and l[1] != "0"]
assert len(devices) == len(streamed) >= 7, (devices.keys(), streamed)
for mac, attempts, status, serial in streamed:
    d = devices[mac]
    assert (d["attempts"], d["status"], d["serial"]) == (int(attempts), status, serial), (d, attempts, status)
assert len({d["serial"] for d in devices.values()}) == len(devices)
assert devices["24:0a:c4:1b:00:01"]["attempts"] == 2 and devices["24:0a:c4:1b:00:01"]["status"] == "failed"
PY
expect_exit 0 "the stalled device's record" -- "$FWPROV" --json ledger show 24:0a:c4:1b:00:01 --db "$line/fwprov-ledger.db"
[ "$(json_field "$WORK/out" '[(a["result"], a["failed_step"].split()[0]) for a in d["attempts"]]')" = "[('failed', 'write'), ('failed', 'write')]" ] &&
  pass || fail "both attempts failed at a write step: $(head -c 400 "$WORK/out")"
finish
