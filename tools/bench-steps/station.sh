#!/usr/bin/env bash
# station: one device on the faithful simulator (fwprov-sim --timing on, --baud-limit = the
# run's rate, so the line starts at 115200 and follows CHANGE_BAUDRATE), fwprov against
# esptool v5.3.1 at 115200, 921600 and 2000000 baud. Per tool and rate: connect (sync, chip
# reads, stub upload, baud change: `flash id` / `flash-id`), write (the write command's wall
# time minus its connect) and verify (`verify` / `verify-flash` minus connect), for
#  - the workshop images: bootloader 0x1000, partition table 0x8000, otadata 0x16000,
#    firmware 0x20000 (the golden ESP32 images, ~80 KB);
#  - a 1 MiB firmware (16 copies of the golden app: compresses like code) at 921600 and 2M.
# esptool is optional and never part of the project: set ESPTOOL_SRC to a checkout of
# espressif/esptool at tag v5.3.1; it runs with Debian's python3 (python3-serial,
# python3-click, python3-rich-click, python3-bitstring, python3-intelhex, python3-yaml).
# Also reports the write phase against its bound: max(wire time of the write phase's bytes,
# flash time the simulator logged).
set -euo pipefail
SIM="$BUILD_DIR/tools/esp-sim/fwprov-sim"
STUB=$(bash "$ROOT/tests/interop/install-esptool-js.sh")
PY=/usr/bin/python3
w="$BENCH/station"
mkdir -p "$w"
cp "$ROOT/tests/golden/image/bootloader_sha/image.bin" "$w/bootloader.bin"
cp "$ROOT/tests/golden/image/app_esp32/image.bin" "$w/firmware.bin"
"$FWPROV" -q partitions generate "$ROOT/partitions/aws-ota-workshop.csv" "$w/partition-table.bin" --flash-size 4MB
python3 -c "import sys; open(sys.argv[1],'wb').write(b'\xff'*0x2000)" "$w/ota_data_initial.bin"
for _ in $(seq 16); do cat "$w/firmware.bin"; done | head -c $((1 << 20)) >"$w/firmware-1m.bin"
workshop=(0x1000 "$w/bootloader.bin" 0x8000 "$w/partition-table.bin" 0x16000 "$w/ota_data_initial.bin" 0x20000 "$w/firmware.bin")
big=(0x20000 "$w/firmware-1m.bin")

sim_pid=
stop() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null; sim_pid=; true; }
trap stop EXIT
start() {  # start BAUD: a fresh faithful simulator (blank flash) whose line accepts up to BAUD
  stop
  rm -f "$w/sim.flash" "$w/sim.port"
  "$SIM" --flash "$w/sim.flash" --tcp 0 --baud-limit "$1" --timing on --log "$w/sim.log" >"$w/sim.port" 2>/dev/null &
  sim_pid=$!
  for _ in $(seq 1 100); do [ -s "$w/sim.port" ] && break; sleep 0.05; done
  port="socket://127.0.0.1:$(head -1 "$w/sim.port")"
}
fw() { "$FWPROV" -q flash -p "$port" --stub "$STUB" --before no_reset -b "$baud" "$@"; }
et() { (cd "$ESPTOOL_SRC" && "$PY" -m esptool --chip esp32 -p "$port" --before no-reset -b "$baud" "$@"); }

# bound: the write phase's bytes (sim log: first BEGIN to the last END) over the line, vs flash time.
write_bound() {
  python3 - "$w/sim.log" "$baud" <<'PY'
import json, sys
entries = [json.loads(l) for l in open(sys.argv[1])]
last = max(i for i, e in enumerate(entries) if e.get("event") == "connected")
s = entries[last:]
ops = [e for e in s if "op" in e]
first = next(i for i, e in enumerate(ops) if e["op"] in ("FLASH_DEFL_BEGIN", "FLASH_BEGIN"))
end = max(i for i, e in enumerate(ops) if e["op"] in ("FLASH_DEFL_END", "FLASH_END", "SPI_FLASH_MD5"))
rx = ops[end]["rx"] - ops[first - 1]["rx"] if first else ops[end]["rx"]
busy = sum(e.get("busy", 0) for e in ops[first:end + 1])
wire = rx / (int(sys.argv[2]) / 10)
print(f"{max(wire, busy):.3f} (wire {wire:.3f} s for {rx} B, flash {busy:.3f} s)")
PY
}

run_tool() {  # run_tool TOOL NAME PAIRS...
  local tool=$1 name=$2; shift 2
  local connect write verify bound
  if [ "$tool" = fwprov ]; then
    start "$baud"; connect=$(seconds fw id)
    start "$baud"; write=$(seconds fw write "$@"); bound=$(write_bound)
    verify=$(seconds fw verify "$@")
  else
    start "$baud"; connect=$(seconds et flash-id)
    start "$baud"; write=$(seconds et write-flash "$@"); bound=$(write_bound)
    verify=$(seconds et verify-flash "$@")
  fi
  python3 - "$tool" "$name" "$baud" "$connect" "$write" "$verify" "$bound" <<'PY'
import sys
tool, name, baud, c, w, v, bound = sys.argv[1:]
c, w, v = float(c), float(w), float(v)
b = float(bound.split()[0])
print(f"station {tool:7s} {name:9s} {int(baud):>7d} baud: connect {c:6.3f} s, write {w - c:6.3f} s"
      f" (bound {bound}; {((w - c) / b - 1) * 100:+.1f}%), verify {v - c:6.3f} s")
PY
}

tools=(fwprov)
if [ -n "${ESPTOOL_SRC:-}" ] && [ -f "$ESPTOOL_SRC/esptool/__init__.py" ]; then tools+=(esptool); else
  echo "station: esptool comparison skipped (set ESPTOOL_SRC to an espressif/esptool v5.3.1 checkout)"; fi
for baud in 115200 921600 2000000; do
  for tool in "${tools[@]}"; do
    run_tool "$tool" workshop "${workshop[@]}"
    [ "$baud" = 115200 ] || run_tool "$tool" 1MiB-app "${big[@]}"
  done
done
