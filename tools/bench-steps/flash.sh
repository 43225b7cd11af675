#!/usr/bin/env bash
# flash: 1 MiB random and 1 MiB mostly-0xFF written to fwprov-sim throttled to 921600 baud
# (92,160 B/s each way after CHANGE_BAUDRATE; the connect and stub upload run at 115200 as on
# a board, and the bound counts them at that rate). Instant flash (--timing off): this step
# measures the wire; tools/bench-steps/station.sh measures against flash timing.
# Targets: random file wall time within 5% of the wire-time lower
# bound (bytes on the wire / 92,160 B/s); bytes on the wire within 2% of the compressed
# payload (write phase; the session total, with the ~7 KB stub upload, is shown as well).
set -euo pipefail
SIM="$BUILD_DIR/tools/esp-sim/fwprov-sim"
STUB=$(bash "$ROOT/tests/interop/install-esptool-js.sh")
python3 - "$BENCH" <<'PY'
import os, random, sys
random.seed(7)
out = sys.argv[1]
open(os.path.join(out, "random.bin"), "wb").write(random.randbytes(1 << 20))
blob = bytearray(b"\xff" * (1 << 20))
for start in range(0, 1 << 20, 0x10000):  # one 4 KiB random sector per 64 KiB
    blob[start:start + 0x1000] = random.randbytes(0x1000)
open(os.path.join(out, "mostly-ff.bin"), "wb").write(bytes(blob))
PY

"$SIM" --flash "$BENCH/sim.flash" --tcp 0 --baud-limit 921600 --timing off --log "$BENCH/sim.log" >"$BENCH/sim.port" 2>/dev/null &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null' EXIT
for _ in $(seq 1 100); do [ -s "$BENCH/sim.port" ] && break; sleep 0.05; done
port="socket://127.0.0.1:$(head -1 "$BENCH/sim.port")"

for name in random mostly-ff; do
  start=$(date +%s%N)
  "$FWPROV" --json flash -p "$port" --stub "$STUB" -b 921600 write 0x100000 "$BENCH/$name.bin" >"$BENCH/$name.json"
  end=$(date +%s%N)
  python3 - "$BENCH/$name.json" "$BENCH/sim.log" "$name" "$(( (end - start) / 1000 ))" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
name, wall = sys.argv[3], int(sys.argv[4]) / 1e6
rate = 92160.0
wire = doc["wire"]["sent"] + doc["wire"]["received"]
payload = doc["files"][0]["payload_size"]
# Write-phase bytes from the simulator's log: the FLASH_DEFL_* requests of the last session.
entries = [json.loads(line) for line in open(sys.argv[2])]
last = max(i for i, e in enumerate(entries) if e.get("event") == "connected")
session = entries[last:]
def at(pred):
    return next(e for e in session if pred(e))
begin = at(lambda e: e.get("op") in ("FLASH_DEFL_BEGIN", "FLASH_BEGIN"))
end = [e for e in session if e.get("op") in ("FLASH_DEFL_END", "FLASH_END")][-1]  # the last region's
rx_before = begin["rx"] - (begin["size"] + 10)  # the BEGIN frame itself belongs to the phase
phase = (end["rx"] - rx_before) + (end["tx"] - begin["tx"] + 14)
# Bytes up to and including the CHANGE_BAUDRATE reply went at 115200, the rest at 921600.
change = next((e for e in session if e.get("op") == "CHANGE_BAUDRATE"), None)
slow = (change["rx"] + change["tx"] + 14) if change else 0
bound = slow / 11520.0 + (wire - slow) / rate
print(f"flash write 1 MiB {name}: {wall:.3f} s wall, wire-time bound {bound:.3f} s ({(wall / bound - 1) * 100:+.1f}%)"
      + (" (target within +5%)" if name == "random" else ""))
print(f"flash write 1 MiB {name}: {wire} bytes on the wire (session), payload {payload} compressed, "
      f"write phase {phase} bytes ({(phase / payload - 1) * 100:+.2f}% over payload; target within 2%)")
PY
done
