#!/usr/bin/env bash
# station: one device on the faithful simulator (fwprov-sim --timing on, --baud-limit = the
# run's rate, so the line starts at 115200 and follows CHANGE_BAUDRATE), fwprov against
# esptool v5.3.1 at 115200, 921600 and 2000000 baud. Per tool and rate: connect (sync, chip
# reads, stub upload, baud change: `flash id` / `flash-id`), write (the write command's wall
# time minus its connect) and verify (`verify` / `verify-flash` minus connect), for
#  - the workshop images: bootloader 0x1000, partition table 0x8000, otadata 0x16000,
#    firmware 0x20000 (the golden ESP32 images, ~80 KB);
#  - 1 MiB of machine code (the start of the fwprov binary: compresses about like firmware,
#    unlike the golden app, which is mostly padding) at 921600 and 2M.
# esptool is optional and never part of the project: set ESPTOOL_SRC to a checkout of
# espressif/esptool at tag v5.3.1; it runs with Debian's python3 (python3-serial,
# python3-click, python3-rich-click, python3-bitstring, python3-intelhex, python3-yaml).
# fwprov-early is fwprov with --baud-before-stub (CHANGE_BAUDRATE in the ROM, stub upload at
# the new rate). Connect is the median of three runs; write and verify are one run each minus
# that connect (so a verify figure near 0 is within the connect's noise).
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
head -c $((1 << 20)) "$FWPROV" >"$w/firmware-1m.bin"
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
fw_early() { "$FWPROV" -q flash -p "$port" --stub "$STUB" --before no_reset -b "$baud" --baud-before-stub "$@"; }
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

median3() {  # median3 COMMAND...: median wall time of three runs (each on a fresh simulator)
  local a b c
  start "$baud"; a=$(seconds "$@"); start "$baud"; b=$(seconds "$@"); start "$baud"; c=$(seconds "$@")
  printf '%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p
}
run_tool() {  # run_tool TOOL NAME PAIRS...: TOOL is fwprov, fwprov-early (--baud-before-stub) or esptool
  local tool=$1 name=$2; shift 2
  local connect write verify bound run
  case $tool in fwprov) run=(fw) ;; fwprov-early) run=(fw_early) ;; esptool) run=(et) ;; esac
  if [ "$tool" = esptool ]; then
    connect=$(median3 et flash-id)
    start "$baud"; write=$(seconds et write-flash "$@"); bound=$(write_bound)
    verify=$(seconds et verify-flash "$@")
  else
    connect=$(median3 "${run[@]}" id)
    start "$baud"; write=$(seconds "${run[@]}" write "$@"); bound=$(write_bound)
    verify=$(seconds "${run[@]}" verify "$@")
  fi
  python3 - "$tool" "$name" "$baud" "$connect" "$write" "$verify" "$bound" <<'PY'
import sys
tool, name, baud, c, w, v, bound = sys.argv[1:]
c, w, v = float(c), float(w), float(v)
b = float(bound.split()[0])
print(f"station {tool:12s} {name:9s} {int(baud):>7d} baud: connect {c:6.3f} s, write {w - c:6.3f} s"
      f" (bound {bound}; {((w - c) / b - 1) * 100:+.1f}%), verify {v - c:6.3f} s")
PY
}

tools=(fwprov fwprov-early)
if [ -n "${ESPTOOL_SRC:-}" ] && [ -f "$ESPTOOL_SRC/esptool/__init__.py" ]; then tools+=(esptool); else
  echo "station: esptool comparison skipped (set ESPTOOL_SRC to an espressif/esptool v5.3.1 checkout)"; fi
for baud in 115200 921600 2000000; do
  for tool in "${tools[@]}"; do
    [ "$tool" = fwprov-early ] && [ "$baud" = 115200 ] && continue
    run_tool "$tool" workshop "${workshop[@]}"
    [ "$baud" = 115200 ] || run_tool "$tool" 1MiB-code "${big[@]}"
  done
done

# Several ports at once: `fwprov flash -p A ... -p H write` of the workshop images to 8 faithful
# simulators (distinct MACs) against one port alone, at 921600 and 2 Mbaud. Target: 8 ports
# within 1.15x one port's wall time. CPU: user+system seconds of the fwprov process per device.
stop
multi() {  # multi N BAUD: prints "wall cpu"
  local n=$1 rate=$2 pids=() ports=() i
  for i in $(seq 1 "$n"); do
    rm -f "$w/m$i.flash" "$w/m$i.port"
    "$SIM" --flash "$w/m$i.flash" --tcp 0 --baud-limit "$rate" --timing on --mac "24:0a:c4:00:10:$(printf %02x "$i")" >"$w/m$i.port" 2>/dev/null &
    pids+=($!)
  done
  for i in $(seq 1 "$n"); do
    for _ in $(seq 1 100); do [ -s "$w/m$i.port" ] && break; sleep 0.05; done
    ports+=(-p "socket://127.0.0.1:$(head -1 "$w/m$i.port")")
  done
  local start=$EPOCHREALTIME
  /usr/bin/time -f "%e %U %S" -o "$w/cpu" "$FWPROV" -q flash "${ports[@]}" --stub "$STUB" --before no_reset -b "$rate" write "${workshop[@]}" >/dev/null
  local end=$EPOCHREALTIME
  kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null || true
  local us=$((10#${end/./} - 10#${start/./}))
  echo "$((us / 1000)) $(awk '{print $2 + $3}' "$w/cpu")"
}
for rate in 921600 2000000; do
  read -r one_ms one_cpu < <(multi 1 "$rate")
  read -r eight_ms eight_cpu < <(multi 8 "$rate")
  python3 - "$rate" "$one_ms" "$one_cpu" "$eight_ms" "$eight_cpu" <<'PY'
import sys
rate, one, one_cpu, eight, eight_cpu = int(sys.argv[1]), int(sys.argv[2]) / 1e3, float(sys.argv[3]), int(sys.argv[4]) / 1e3, float(sys.argv[5])
print(f"station flash write, workshop images, {rate} baud: 1 port {one:.2f} s, 8 ports {eight:.2f} s "
      f"({eight / one:.2f}x; target <= 1.15x); {8 * 3600 / eight:.0f} devices/hour per 8-port station "
      f"(flash only); CPU {eight_cpu / 8 / eight * 100:.1f}% of a core per device while flashing (1 port: {one_cpu / one * 100:.1f}%)")
PY
done
