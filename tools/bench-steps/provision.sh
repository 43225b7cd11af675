#!/usr/bin/env bash
# provision: (1) host work per device (ledger allocation, key, CSR, certificate from the factory
# CA, DER, NVS image, certificate record, ledger commit; no device): EC P-256 device keys,
# target < 5 ms; RSA-2048 device keys reported separately (key generation dominates).
# (2) a whole device of the workshop example on fwprov-sim at --baud-limit 921600, against a
# plain `fwprov flash write` of the same five images; target within 5%.
set -euo pipefail
SIM="$BUILD_DIR/tools/esp-sim/fwprov-sim"
BENCH_PROGRAM="$BUILD_DIR/tools/provision-bench/fwprov-provision-bench"
STUB=$(bash "$ROOT/tests/interop/install-esptool-js.sh")
export FACTORY_CA_PASS=bench-passphrase
line="$BENCH/line"
source "$ROOT/tools/bench-lib/station_line.sh"
make_bench_line "$line"

# (1) host work per device
# The ledger's disk flushes (two per device: allocation and final commit) cost what the disk's
# fsync costs; the same run with the ledger on tmpfs shows the host's own work.
"$BENCH_PROGRAM" "$line/recipe.toml" "$BENCH/p256.db" 300 | sed 's/^/provision (ledger on disk) /'
shm=$(mktemp -d /dev/shm/fwprov-bench.XXXXXX)
"$BENCH_PROGRAM" "$line/recipe.toml" "$shm/p256.db" 300 | sed 's/^/provision (ledger on tmpfs) /'
rm -rf "$shm"
sed 's/^key_type = "ec-p256"/key_type = "rsa-2048"/' "$line/recipe.toml" >"$line/recipe-rsa.toml"
"$BENCH_PROGRAM" "$line/recipe-rsa.toml" "$BENCH/rsa.db" 20 | sed 's/^/provision (ledger on disk) /'

# (2) a whole device on the simulator vs plain flash write of the same images
"$SIM" --flash "$BENCH/sim.flash" --tcp 0 --baud-limit 921600 --next-device-on-disconnect --log "$BENCH/sim.log" >"$BENCH/sim.port" 2>/dev/null &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null' EXIT
for _ in $(seq 1 100); do [ -s "$BENCH/sim.port" ] && break; sleep 0.05; done
port="socket://127.0.0.1:$(head -1 "$BENCH/sim.port")"
"$FWPROV" -q provision "$line/recipe.toml" --dry-run --mac 24:0a:c4:99:00:01 --outdir "$BENCH/images"
pairs=()
while read -r offset file; do pairs+=("$offset" "$BENCH/images/$file"); done < <(python3 -c "
import json,sys
for r in json.load(open(sys.argv[1]))['regions']: print(r['offset'], r['file'])" "$BENCH/images/flash-plan.json")
flash_runs=() provision_runs=()
for run in 1 2 3 4 5 6 7; do  # interleaved, so load changes hit both alike
  flash_runs+=("$(seconds "$FWPROV" -q flash -p "$port" --stub "$STUB" -b 921600 write --flash_mode dio --flash_freq 40m --flash_size 4MB "${pairs[@]}")")
  provision_runs+=("$(seconds "$FWPROV" -q provision "$line/recipe.toml" -p "$port" --stub "$STUB" --ledger "$BENCH/sim.db")")
done
python3 - "${flash_runs[*]}" "${provision_runs[*]}" <<'PY'
import statistics, sys
flash = [float(x) for x in sys.argv[1].split()]
prov = [float(x) for x in sys.argv[2].split()]
f, p = statistics.median(flash), statistics.median(prov)
print(f"provision whole device on fwprov-sim at 921600 baud: {p:.3f} s (median of 7), plain flash write of the same 5 images "
      f"{f:.3f} s: {(p / f - 1) * 100:+.1f}% (target within 5%)")
PY
# A station shift: the recipe is prepared once per run, so per device it costs only the device
# steps. provision --count 5 against five plain flash writes.
flash5=$( { start=$EPOCHREALTIME; for _ in 1 2 3 4 5; do
  "$FWPROV" -q flash -p "$port" --stub "$STUB" -b 921600 write --flash_mode dio --flash_freq 40m --flash_size 4MB "${pairs[@]}" >/dev/null
  done; end=$EPOCHREALTIME; echo "$start $end"; } )
prov5=$(seconds "$FWPROV" -q provision "$line/recipe.toml" -p "$port" --stub "$STUB" --ledger "$BENCH/station.db" --count 5)
python3 - "$flash5" "$prov5" <<'PY'
import sys
start, end = map(float, sys.argv[1].split())
flash, prov = end - start, float(sys.argv[2])
print(f"provision --count 5 on fwprov-sim at 921600 baud: {prov:.3f} s, 5 plain flash writes {flash:.3f} s: {(prov / flash - 1) * 100:+.1f}% "
      f"({prov / 5:.3f} s vs {flash / 5:.3f} s per device)")
PY
