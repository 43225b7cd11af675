#!/usr/bin/env bash
# fwprov provision against fwprov-sim with the workshop example (docs/examples/aws-workshop):
# the storage partition decodes to the recipe's values, the certificate verifies against the
# CA (openssl), the key matches it, every other region is what esptool/gen_esp32part/otadata
# would write, and the ledger has the device; --dry-run; ledger list/show/export.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"
source "$(dirname "$0")/provision_lib.sh"

line="$WORK/line"
make_line "$line"
sed -i 's/^baud = 921600/baud = 921600\nread_back = true/' "$line/recipe.toml"  # also read storage back
start_sim ws --mac 24:0a:c4:00:10:01
port="socket://127.0.0.1:$SIM_PORT"
flash="$WORK/ws.flash"

expect_exit 0 "workshop example provisions one device" -- "$FWPROV" --json provision "$line/recipe.toml" -p "$port" --stub "$STUB_JSON" --operator tester
cp "$WORK/out" "$WORK/device.json"
[ "$(wc -l <"$WORK/device.json")" -eq 1 ] && pass || fail "one JSON line for one device"
[ "$(json_field "$WORK/device.json" 'd["ok"], d["serial"], d["mac"], d["chip"]')" = "True WS-000001 24:0a:c4:00:10:01 esp32" ] && pass ||
  fail "JSON: ok, serial, MAC, chip: $(cat "$WORK/device.json")"
[ "$(json_field "$WORK/device.json" '",".join(r["partition"] for r in d["regions"])')" = "bootloader,partition-table,otadata,ota_0,storage" ] && pass ||
  fail "JSON lists every region in flash order"
[ "$(json_field "$WORK/device.json" 'all(r["md5_verified"] for r in d["regions"])')" = True ] && pass || fail "every region MD5-verified"
for step in connect identity credentials nvs "write ota_0" verify reset ledger; do
  [ "$(json_field "$WORK/device.json" "'$step' in d['durations_ms']")" = True ] && pass || fail "duration of step $step"
done

# The storage partition holds what the recipe says.
region "$flash" $((0x317000)) $((0x10000)) "$WORK/storage.bin"
expect_exit 0 "storage partition passes nvs check" -- "$FWPROV" nvs check "$WORK/storage.bin"
expect_exit 0 "storage partition decodes" -- "$FWPROV" nvs decode "$WORK/storage.bin" --csv -o "$WORK/storage-back.csv" --extract-dir "$WORK/blobs"
expect_grep '^thing_name,data,string,WS-000001' "$WORK/storage-back.csv" "thing_name is the serial"
cert=$(ls "$WORK"/blobs/*P11_Cert* 2>/dev/null | head -1)
key=$(ls "$WORK"/blobs/*P11_Key* 2>/dev/null | head -1)
csk=$(ls "$WORK"/blobs/*P11_CSK* 2>/dev/null | head -1)
if [ -n "$cert" ] && [ -n "$key" ] && [ -n "$csk" ]; then
  pass
  openssl x509 -inform der -in "$cert" -out "$WORK/device.crt.pem"
  expect_exit 0 "the device certificate verifies against the factory CA" -- openssl verify -CAfile "$line/ca/ca.crt.pem" "$WORK/device.crt.pem"
  expect_grep "CN ?= ?WS-000001" <(openssl x509 -in "$WORK/device.crt.pem" -noout -subject) "subject from the template"
  expect_exit 0 "the device key matches its certificate" -- "$FWPROV" inspect --match "$cert" "$key"
  openssl x509 -in "$line/csk.crt.pem" -outform der -out "$WORK/csk.der"
  expect_same_file "$csk" "$WORK/csk.der" "P11_CSK is the code-signing certificate as DER"
  [ "$(sha256sum <"$cert" | cut -d' ' -f1)" = "$(json_field "$WORK/device.json" 'd["certificate_sha256"]')" ] && pass ||
    fail "the JSON's certificate SHA-256 is the flashed certificate's"
else
  fail "P11_Cert, P11_Key, P11_CSK blobs extracted: $(ls "$WORK/blobs" 2>&1)"
fi
# no private key on disk beside the recipe
[ -z "$(find "$line" -name '*.key.pem' ! -path '*/ca/*' ! -name csk.key.pem)" ] && pass || fail "a device key was written to disk"

# Every other region is exactly what the reference tools make.
expect_flash_equals "$flash" $((0x1000)) "$GOLDEN/image/bootloader_sha/write_flash_0x1000_dio_40m_4MB.bin" "bootloader as esptool writes it (dio/40m/4MB)"
"$FWPROV" -q partitions generate "$line/partitions.csv" "$WORK/partition-table.bin" --flash-size 4MB
expect_flash_equals "$flash" $((0x8000)) "$WORK/partition-table.bin" "partition table"
"$FWPROV" -q otadata init -o "$WORK/otadata.bin"
expect_flash_equals "$flash" $((0x16000)) "$WORK/otadata.bin" "blank otadata"
expect_flash_equals "$flash" $((0x20000)) "$line/firmware.bin" "firmware in ota_0"

# The ledger has it.
expect_exit 0 "ledger show" -- "$FWPROV" --json ledger show WS-000001 --recipe "$line/recipe.toml"
cp "$WORK/out" "$WORK/show.json"
[ "$(json_field "$WORK/show.json" 'd["status"], d["mac"], d["certificate"]["state"], len(d["attempts"]), d["attempts"][0]["operator"], d["attempts"][0]["station"]')" = \
  "ok 24:0a:c4:00:10:01 delivered 1 tester workshop-bench" ] && pass || fail "ledger show: $(cat "$WORK/show.json" | head -c 600)"
[ "$(json_field "$WORK/show.json" 'd["certificate"]["sha256"]')" = "$(sha256sum <"$cert" | cut -d' ' -f1)" ] && pass || fail "ledger certificate SHA-256"
[ "$(json_field "$WORK/show.json" 'd["attempts"][0]["recipe_sha256"]')" = "$(sha256sum <"$line/recipe.toml" | cut -d' ' -f1)" ] && pass || fail "recipe SHA-256 recorded"
expect_exit 0 "ledger list (text)" -- "$FWPROV" ledger list --db "$line/fwprov-ledger.db"
expect_grep "WS-000001 +24:0a:c4:00:10:01 +esp32 +ok" "$WORK/out" "ledger list line"
expect_exit 0 "export aws-bulk" -- "$FWPROV" ledger export --format aws-bulk --db "$line/fwprov-ledger.db" -o "$WORK/bulk.jsonl"
python3 - "$WORK/bulk.jsonl" "$WORK/device.crt.pem" <<'PY' && pass || fail "aws-bulk line: ThingName, SerialNumber, CertificatePem of the device"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
d = json.loads(lines[0])
assert d["ThingName"] == "WS-000001" and d["SerialNumber"] == "WS-000001", d
assert d["CertificatePem"].strip() == open(sys.argv[2]).read().strip()
PY
expect_exit 0 "export csv" -- "$FWPROV" ledger export --format csv --db "$line/fwprov-ledger.db"
expect_grep "^WS-000001,24:0a:c4:00:10:01,esp32,ok,1," "$WORK/out" "csv row"

# Provisioning it again is refused (exit 3) unless --reprovision; nothing is flashed then.
before=$(sim_log_count "$WORK/ws.log" any FLASH_DEFL_BEGIN)
expect_exit 3 "an already provisioned device is refused" -- "$FWPROV" provision "$line/recipe.toml" -p "$port" --stub "$STUB_JSON"
expect_grep "already provisioned as WS-000001.*--reprovision" "$WORK/err" "the refusal says why and what to do"
[ "$(sim_log_count "$WORK/ws.log" any FLASH_DEFL_BEGIN)" = "$before" ] && pass || fail "nothing flashed on refusal"

# --dry-run: images and a flash plan, no device, no ledger change.
cp "$line/fwprov-ledger.db" "$WORK/ledger-before.db"
expect_exit 0 "dry run" -- "$FWPROV" provision "$line/recipe.toml" --dry-run --mac 24:0A:C4:00:10:99 --outdir "$WORK/dry"
[ "$(json_field "$WORK/dry/flash-plan.json" 'd["serial"], d["mac"], len(d["regions"])')" = "WS-000002 24:0a:c4:00:10:99 5" ] && pass ||
  fail "flash plan: next serial, MAC, 5 regions"
expect_same_file "$WORK/dry/bootloader.bin" "$GOLDEN/image/bootloader_sha/write_flash_0x1000_dio_40m_4MB.bin" "dry-run bootloader"
expect_same_file "$WORK/dry/ota_0.bin" "$line/firmware.bin" "dry-run firmware"
[ "$(stat -c %a "$WORK/dry/storage.bin")" = 600 ] && pass || fail "dry-run storage image (holds a private key) is 0600"
[ "$(json_field "$WORK/dry/flash-plan.json" '[r["sha256"] for r in d["regions"] if r["partition"]=="ota_0"][0]')" = "$(sha256sum <"$line/firmware.bin" | cut -d' ' -f1)" ] && pass || fail "plan SHA-256"
expect_exit 0 "dry run --json" -- "$FWPROV" --json provision "$line/recipe.toml" --dry-run --mac 24:0a:c4:00:10:01 --outdir "$WORK/dry2"
[ "$(json_field "$WORK/out" 'd["ok"], d["serial"], len(d["outputs"])')" = "True WS-000001 6" ] && pass || fail "dry run JSON: known MAC keeps its serial, 6 outputs"
cmp -s "$line/fwprov-ledger.db" "$WORK/ledger-before.db" && pass || fail "dry run changed the ledger"
expect_exit 2 "dry run without --outdir" -- "$FWPROV" provision "$line/recipe.toml" --dry-run --mac 24:0a:c4:00:10:01
finish
