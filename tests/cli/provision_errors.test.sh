#!/usr/bin/env bash
# Bad recipes: one clear error naming the recipe file and key, exit 3/4/5, nothing flashed
# (the simulator never sees a connection), the ledger untouched (not even created).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"
source "$(dirname "$0")/provision_lib.sh"

base="$WORK/base"
make_line "$base"
start_sim bad
port="socket://127.0.0.1:$SIM_PORT"

# bad_case NAME EXIT PATTERN SED-EXPRESSION [storage.csv line to append]
bad_case() {
  local name=$1 want=$2 pattern=$3 edit=$4 extra=${5:-}
  local dir="$WORK/$name"
  cp -r "$base" "$dir"
  sed -i -e "$edit" "$dir/recipe.toml"
  [ -n "$extra" ] && echo "$extra" >>"$dir/storage.csv"
  expect_exit "$want" "$name: exit $want" -- "$FWPROV" provision "$dir/recipe.toml" -p "$port" --stub "$STUB_JSON"
  expect_grep "$pattern" "$WORK/err" "$name: the message"
  [ "$(wc -l <"$WORK/err")" -eq 1 ] && pass || fail "$name: one line of error, got: $(cat "$WORK/err")"
  expect_absent "$dir/fwprov-ledger.db" "$name: ledger untouched"
}

bad_case unknown-key 3 "recipe.toml:[0-9]+:[0-9]+ \(device.speed\): unknown key" 's/^baud = 921600/speed = 921600/'
bad_case missing-partition 3 "recipe.toml:[0-9]+:[0-9]+ \(images.ota_9\): no partition named 'ota_9'" 's/^ota_0 = /ota_9 = /'
bad_case image-too-big 3 "recipe.toml:[0-9]+:[0-9]+ \(images.otadata\): .*firmware.bin is .* larger than otadata" 's/^otadata = "initial"/otadata = "firmware.bin"/'
bad_case missing-file 4 "recipe.toml:[0-9]+:[0-9]+ \(images.ota_0\): .*missing.bin" 's/^ota_0 = "firmware.bin"/ota_0 = "missing.bin"/'
bad_case bad-placeholder 3 "recipe.toml:[0-9]+:[0-9]+ \(credentials.subject\): unknown placeholder \{serail\}" 's/^subject = .*/subject = "CN={serail}"/'
bad_case bad-storage-placeholder 3 "storage.csv:7.*unknown placeholder \{lot\}" 's/^days = 3650/days = 3650/' "lot,data,string,{lot}"
bad_case wrong-passphrase 5 "recipe.toml:[0-9]+:[0-9]+ \(credentials.mode\): .*WRONG_CA_PASS" 's/^ca_passphrase_env = .*/ca_passphrase_env = "WRONG_CA_PASS"/'
export WRONG_CA_PASS=not-the-passphrase
bad_case wrong-passphrase-set 5 "recipe.toml.*ca.key.pem" 's/^ca_passphrase_env = .*/ca_passphrase_env = "WRONG_CA_PASS"/'
bad_case chip-auto 3 "\(device.chip\): \"auto\" is not supported yet" 's/^chip = "esp32"/chip = "auto"/'
[ "$(sim_log_count "$WORK/bad.log" any SYNC)" -eq 0 ] && ! grep -q connected "$WORK/bad.log" && pass || fail "a bad recipe reached the device"

# A board the images do not admit (the app needs revision v3.1, the simulated ESP32 is v3.0):
# refused at connect with exit 6, before the ledger gives it a serial, nothing written.
dir="$WORK/revision"
cp -r "$base" "$dir"
python3 - "$dir/firmware.bin" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<HH", data, 15, 301, 0xFFFF)  # min/max chip revision (major*100+minor)
open(sys.argv[1], "wb").write(data)
PY
expect_exit 6 "image for a newer chip revision" -- "$FWPROV" provision "$dir/recipe.toml" -p "$port" --stub "$STUB_JSON"
expect_grep "step connect failed: .*firmware.bin: requires chip revision in range \[v3.1 - max rev not set\] \(this chip is revision v3.0\)" \
  "$WORK/err" "the refusal names the image and both revisions"
[ "$(sim_log_count "$WORK/bad.log" any FLASH_DEFL_BEGIN)" -eq 0 ] && [ "$(sim_log_count "$WORK/bad.log" any FLASH_BEGIN)" -eq 0 ] &&
  pass || fail "a refused board was written to"
expect_exit 0 "ledger after the refusal" -- "$FWPROV" --json ledger list --db "$dir/fwprov-ledger.db"
[ "$(json_field "$WORK/out" 'len(d["devices"])')" = 0 ] && pass || fail "the refused board got a serial: $(cat "$WORK/out")"

expect_exit 2 "no port" -- "$FWPROV" provision "$base/recipe.toml"
expect_exit 4 "no recipe file" -- "$FWPROV" provision "$WORK/nope.toml" -p "$port"
finish
