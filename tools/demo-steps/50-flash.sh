# Demo step 50: flash everything the earlier steps made to a simulated ESP32 (fwprov-sim)
# the way the seed's esptool command did, then read it all back and compare.
[ "${FWPROV_DEMO_TOUR:-0}" = 1 ] || return 0  # the stage-by-stage tour (README.md); tools/demo.sh shows provision
SIM="$ROOT/build/tools/esp-sim/fwprov-sim"
"$SIM" --flash "$DEMO/esp32-flash.bin" --flash-size 4MB --timing off --tcp 0 --log "$DEMO/esp32-sim.log" >"$DEMO/esp32-sim.port" 2>"$DEMO/esp32-sim.err" &
SIM_PID=$!
previous_exit_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
trap "kill $SIM_PID 2>/dev/null; $previous_exit_trap" EXIT
for _ in $(seq 1 100); do [ -s "$DEMO/esp32-sim.port" ] && break; sleep 0.05; done
PORT="socket://127.0.0.1:$(head -1 "$DEMO/esp32-sim.port")"
echo "fwprov-sim: a simulated ESP32 on $PORT, flash in esp32-flash.bin"

# The stub esptool-js ships (installed from npm by the interop test); else the ROM loader.
if STUB=$(bash "$ROOT/tests/interop/install-esptool-js.sh" 2>/dev/null); then LOADER=(--stub "$STUB"); else
  echo "(esptool-js not installed: using the ROM loader)"; LOADER=(--no-stub); fi

step "what is on the other end of the cable" "$FWPROV" flash -p "$PORT" "${LOADER[@]}" id

STORAGE_OFFSET=$("$FWPROV" -q partitions offset storage --table partitions.csv)
echo "storage partition starts at $STORAGE_OFFSET (fwprov partitions offset storage)"
# The seed's esptool command, plus the storage image at the address the table gives.
PAIRS=(0x1000 bootloader.bin 0x8000 partition-table.bin 0x16000 ota_data_initial.bin 0x20000 firmware.bin
  "$STORAGE_OFFSET" storage.bin)
step "write everything (compressed, bootloader header set to DIO/40 MHz/4 MB, MD5-verified)" \
  "$FWPROV" flash -p "$PORT" "${LOADER[@]}" -b 921600 write --flash_mode dio --flash_freq 40m --flash_size 4MB "${PAIRS[@]}"
step "verify every region by MD5" \
  "$FWPROV" flash -p "$PORT" "${LOADER[@]}" verify --flash_mode dio --flash_freq 40m --flash_size 4MB "${PAIRS[@]}"
for ((i = 0; i < ${#PAIRS[@]}; i += 2)); do
  address=${PAIRS[i]} file=${PAIRS[i + 1]}
  expected=$file
  if [ "$file" = bootloader.bin ]; then
    "$FWPROV" -q image patch bootloader.bin -o bootloader-expected.bin --flash-mode dio --flash-freq 40m --flash-size 4MB
    expected=bootloader-expected.bin
  fi
  step "read $file back" "$FWPROV" flash -p "$PORT" "${LOADER[@]}" read "$address" "$(stat -c %s "$expected")" "readback-$file"
  if cmp "readback-$file" "$expected"; then echo "readback-$file is byte-identical to $expected"; else
    echo "MISMATCH: readback-$file differs from $expected" >&2; exit 1; fi
done
kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null || true
trap "$previous_exit_trap" EXIT
