#!/usr/bin/env bash
# multiport: a station with 8 ports. 8 fwprov-sims (--baud-limit 921600, distinct MACs, the
# next board after each one), the workshop example: wall time of one provision run with 1 port
# (1 device) against one with 8 ports (8 devices, one each), target 8 ports <= 1.15x one port;
# devices/hour of the station; fwprov's CPU per device (user+sys of the fwprov process / devices),
# target < 2% of a core at 921600 (CPU seconds per device / wall seconds per device).
# BENCH_BAUD overrides the baud rate (e.g. 2000000); BENCH_FIRMWARE_BYTES replaces the workshop
# application with that many random (incompressible) bytes, a wire-bound device.
set -euo pipefail
SIM="$BUILD_DIR/tools/esp-sim/fwprov-sim"
STUB=$(bash "$ROOT/tests/interop/install-esptool-js.sh")
BAUD=${BENCH_BAUD:-921600}
RUNS=${BENCH_RUNS:-3}
export FACTORY_CA_PASS=bench-passphrase
line="$BENCH/multiport-line"
source "$ROOT/tools/bench-lib/station_line.sh"
make_bench_line "$line"
[ -z "${BENCH_FIRMWARE_BYTES:-}" ] || head -c "$BENCH_FIRMWARE_BYTES" /dev/urandom >"$line/firmware.bin"

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done' EXIT
ports=()
for i in 1 2 3 4 5 6 7 8; do
  "$SIM" --flash "$BENCH/mp$i.flash" --tcp 0 --baud-limit "$BAUD" --mac "24:0a:c4:8$i:00:01" --next-device-on-disconnect \
    >"$BENCH/mp$i.port" 2>/dev/null &
  pids+=($!)
done
for i in 1 2 3 4 5 6 7 8; do
  for _ in $(seq 1 100); do [ -s "$BENCH/mp$i.port" ] && break; sleep 0.05; done
  ports+=(-p "socket://127.0.0.1:$(head -1 "$BENCH/mp$i.port")")
done

# run N: one provision run on the first N ports, one device each; prints "wall cpu" (seconds;
# cpu = user+sys of fwprov and its threads, from /usr/bin/time's format, or bash's times).
run() {
  local n=$1 out
  out=$( { TIMEFORMAT='%R %U %S'; time "$FWPROV" -q provision "$line/recipe.toml" "${ports[@]:0:$((2 * n))}" --stub "$STUB" -b "$BAUD" \
    --ledger "$BENCH/multiport-$BAUD.db" >/dev/null 2>"$BENCH/multiport.err"; } 2>&1 ) || { echo "multiport: provision failed: $(tail -2 "$BENCH/multiport.err")" >&2; return 1; }
  python3 -c "import sys; r,u,s = map(float, sys.argv[1].split()); print(f'{r:.4f} {u + s:.4f}')" "$out"
}
one=() eight=()
for _ in $(seq 1 "$RUNS"); do  # interleaved, so load changes hit both alike
  one+=("$(run 1)")
  eight+=("$(run 8)")
done
python3 - "$BAUD" "${one[*]}" "${eight[*]}" "firmware $(stat -c %s "$line/firmware.bin") bytes" <<'PY'
import statistics, sys
baud = int(sys.argv[1])
def parse(text):
    v = [float(x) for x in text.split()]
    return v[0::2], v[1::2]
w1, c1 = parse(sys.argv[2])
w8, c8 = parse(sys.argv[3])
m1, m8 = statistics.median(w1), statistics.median(w8)
cpu1, cpu8 = statistics.median(c1), statistics.median(c8) / 8
print(f"multiport provision at {baud} baud ({sys.argv[4]}): 1 port (1 device) {m1:.3f} s, 8 ports (8 devices) {m8:.3f} s: "
      f"{m8 / m1:.2f}x (target <= 1.15x; median of {len(w1)})")
print(f"multiport station throughput at {baud} baud: {8 * 3600 / m8:.0f} devices/hour with 8 ports, {3600 / m1:.0f} with 1 port")
print(f"multiport CPU per device at {baud} baud: {cpu8 * 1000:.0f} ms with 8 ports ({100 * cpu8 / (m8):.1f}% of a core over the "
      f"device's wall time), {cpu1 * 1000:.0f} ms with 1 port (target < 2% of a core)")
PY
