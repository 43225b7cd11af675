# Demo step 05: the factory flow in ONE command: a factory CA made once, then a station of three
# ports (three simulated ESP32 fixtures, each handing out the next board after one is done)
# provisioning six devices with one `fwprov provision -p A -p B -p C --count 6` (key +
# certificate from the CA, NVS storage image in memory, every image flashed compressed and
# MD5-verified, ledger record per device, one worker per port), then what the ledger knows and
# the AWS IoT bulk-registration export.
# (The stage-by-stage tour, steps 10-50, runs with FWPROV_DEMO_TOUR=1; README.md lists it.)
SIM="$ROOT/build/tools/esp-sim/fwprov-sim"
LINE_SIM_PIDS=()
LINE_PORTS=()
for i in 1 2 3; do
  "$SIM" --flash "$DEMO/line-flash-$i.bin" --tcp 0 --mac "24:0a:c4:d$i:00:01" --next-device-on-disconnect --baud-limit 921600 \
    --log "$DEMO/line-sim-$i.log" >"$DEMO/line-sim-$i.port" 2>"$DEMO/line-sim-$i.err" &
  LINE_SIM_PIDS+=($!)
done
previous_exit_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
trap "kill ${LINE_SIM_PIDS[*]} 2>/dev/null; $previous_exit_trap" EXIT
for i in 1 2 3; do
  for _ in $(seq 1 100); do [ -s "$DEMO/line-sim-$i.port" ] && break; sleep 0.05; done
  LINE_PORTS+=(-p "socket://127.0.0.1:$(head -1 "$DEMO/line-sim-$i.port")")
done
echo "fwprov-sim x3: three fixtures (${LINE_PORTS[*]//-p /}), 921600 baud with flash timing, each gets the next board (new MAC, blank flash) after one is flashed"
if LINE_STUB=$(bash "$ROOT/tests/interop/install-esptool-js.sh" 2>/dev/null); then LINE_LOADER=(--stub "$LINE_STUB"); else
  echo "(esptool-js not installed: using the ROM loader)"; LINE_LOADER=(--no-stub); fi

mkdir -p line/ca
cp -L "$ROOT"/docs/examples/aws-workshop/* line/
cp "$ROOT/tests/golden/image/bootloader_sha/image.bin" line/bootloader.bin   # your build's images go here
cp "$ROOT/tests/golden/image/app_esp32/image.bin" line/firmware.bin
echo "the station recipe (docs/examples/aws-workshop/recipe.toml):"
sed -n '/^\[/,$p' line/recipe.toml
export FACTORY_CA_PASS="demo-only-passphrase"  # a real station keeps this in a file or secret store
step "the factory CA, made once (RSA-4096 root, encrypted key)" \
  "$FWPROV" -q ca init --dir line/factory-ca --name factory --org "fwprov demo" --passphrase-env FACTORY_CA_PASS
cp line/factory-ca/certs/factory.root.ca.crt.pem line/ca/ca.crt.pem
cp line/factory-ca/private/factory.root.ca.key.pem line/ca/ca.key.pem
"$FWPROV" -q keygen --type ec-p256 -o line/csk.key.pem
step "the code-signing certificate every device carries as P11_CSK" \
  "$FWPROV" ca codesign-cert --key line/csk.key.pem --subject "CN=fwprov demo OTA signer" -o line/csk.crt.pem --days 3650
step "provision six devices on three ports with one command (a worker per port, serials from one ledger)" \
  "$FWPROV" provision line/recipe.toml "${LINE_PORTS[@]}" "${LINE_LOADER[@]}" --count 6 --operator demo
step "what the ledger knows" "$FWPROV" ledger list --recipe line/recipe.toml
step "one device in detail: attempts, hashes, durations, certificate" "$FWPROV" ledger show WS-000002 --recipe line/recipe.toml
step "the AWS IoT bulk-registration input (aws iot start-thing-registration-task)" \
  "$FWPROV" ledger export --format aws-bulk --recipe line/recipe.toml -o line/aws-bulk.jsonl
cut -c 1-150 line/aws-bulk.jsonl | sed 's/$/ .../'
kill "${LINE_SIM_PIDS[@]}" 2>/dev/null; wait "${LINE_SIM_PIDS[@]}" 2>/dev/null || true
trap "$previous_exit_trap" EXIT
