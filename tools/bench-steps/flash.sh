#!/usr/bin/env bash
# flash: 1 MiB written to fwprov-sim throttled to 921600 baud (92,160 B/s each way).
# ESP32: 1 MiB random and 1 MiB mostly-0xFF; targets: random file wall time within 5% of the
# wire-time lower bound, bytes on the wire within 2% of the compressed payload. The connect and
# stub upload run at 115200 as on a board (the bound counts them at that rate); the flash is
# instant (--timing off): this step measures the wire, tools/bench-steps/station.sh measures
# against flash timing.
# Every chip of the chip table (fwprov-sim --chip X, the chip's own esptool-js stub):
# 1 MiB random; target: the write phase (BEGIN..END plus the MD5 check) within 2% of the wire
# time of its bytes; then the same write with --skip-unchanged: under 10% of the full write.
set -euo pipefail
SIM="$BUILD_DIR/tools/esp-sim/fwprov-sim"
STUB=$(bash "$ROOT/tests/interop/install-esptool-js.sh")
STUB_DIR=$(dirname "$STUB")
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

sim_pid=""
trap '[ -n "$sim_pid" ] && kill $sim_pid 2>/dev/null' EXIT
start_sim() {  # start_sim NAME [options]: sets port
  local name=$1; shift
  "$SIM" --flash "$BENCH/$name.flash" --tcp 0 --baud-limit 921600 --timing off --log "$BENCH/$name.log" "$@" >"$BENCH/$name.port" 2>/dev/null &
  sim_pid=$!
  for _ in $(seq 1 100); do [ -s "$BENCH/$name.port" ] && break; sleep 0.05; done
  port="socket://127.0.0.1:$(head -1 "$BENCH/$name.port")"
}
stop_sim() { kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null || true; sim_pid=""; }

start_sim sim
for name in random mostly-ff; do
  start=$(date +%s%N)
  "$FWPROV" --json flash -p "$port" --stub "$STUB" -b 921600 write 0x100000 "$BENCH/$name.bin" >"$BENCH/$name.json" 2>>"$BENCH/fwprov.err"
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
stop_sim

for chip in esp32 esp32s2 esp32s3 esp32c3 esp32c2 esp32c6 esp32h2 esp32c5 esp32c61 esp32p4; do
  start_sim "chip-$chip" --chip "$chip"
  f=("$FWPROV" --json flash -p "$port" --chip "$chip" --stub-dir "$STUB_DIR" -b 921600)
  s1=$(date +%s%N)
  "${f[@]}" write 0x100000 "$BENCH/random.bin" >"$BENCH/chip-$chip-full.json" 2>>"$BENCH/fwprov.err"
  s2=$(date +%s%N)
  "${f[@]}" write --skip-unchanged 0x100000 "$BENCH/random.bin" >"$BENCH/chip-$chip-skip.json" 2>>"$BENCH/fwprov.err"
  s3=$(date +%s%N)
  stop_sim
  python3 - "$chip" "$BENCH/chip-$chip-full.json" "$BENCH/chip-$chip-skip.json" "$BENCH/chip-$chip.log" \
    "$(( (s2 - s1) / 1000 ))" "$(( (s3 - s2) / 1000 ))" <<'PY'
import json, sys
chip, full_path, skip_path, log_path = sys.argv[1:5]
full_wall, skip_wall = int(sys.argv[5]) / 1e6, int(sys.argv[6]) / 1e6
rate = 92160.0
full, skip = json.load(open(full_path)), json.load(open(skip_path))
assert full["files"][0]["skipped"] is False and skip["files"][0]["skipped"] is True, "skip-unchanged did not skip"
# The write phase on the wire: from FLASH_DEFL_BEGIN up to the MD5 reply, host->device bytes
# (the direction that carries the data; the other runs in parallel and is far smaller).
entries = [json.loads(line) for line in open(log_path)]
first_session_end = next(i for i, e in enumerate(entries) if e.get("event") == "disconnected")
session = entries[:first_session_end + 1]
begin = next(e for e in session if e.get("op") == "FLASH_DEFL_BEGIN")
md5 = [e for e in session if e.get("op") == "SPI_FLASH_MD5"][-1]
phase_rx = md5["rx"] - (begin["rx"] - (begin["size"] + 10))
wire_time = phase_rx / rate
phase = full["files"][0]["seconds"]
print(f"flash {chip}: write phase {phase:.3f} s for {phase_rx} bytes on the wire ({wire_time:.3f} s at 921600): "
      f"{(phase / wire_time - 1) * 100:+.2f}% (target within 2%); whole run {full_wall:.3f} s")
print(f"flash {chip}: --skip-unchanged on the unchanged 1 MiB: {skip_wall:.3f} s whole run = "
      f"{skip_wall / full_wall * 100:.1f}% of the full write's run (target under 10%); MD5 check {skip['files'][0]['seconds']:.3f} s")
PY
done
