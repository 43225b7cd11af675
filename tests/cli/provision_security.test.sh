#!/usr/bin/env bash
# fwprov provision with [security] on a simulated ESP32-C3 (fwprov-sim --chip esp32c3 --efuse):
# each device gets its own flash encryption key, made in memory; the bootloader, partition
# table, otadata and app reach the flash encrypted (fwprov decrypt with the key turns them back
# into the plain images), the NVS storage stays plain; the chip's eFuses hold the key
# (read-protected: the host reads "??") and the secure boot v2 digest; the ledger holds the
# key's SHA-256 and never the key. The key is taken from the simulator's fuse array
# (FILE.fuses), which only a test can see. Refusals: a chip with a key already burned, an EC
# secure boot key for the ESP32, unknown [security] keys and blocks.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

line="$WORK/line"
mkdir -p "$line"
cp "$GOLDEN/image/bootloader_sha/image.bin" "$line/bootloader.bin"
cp "$GOLDEN/image/app_esp32/image.bin" "$line/firmware.bin"
cat >"$line/partitions.csv" <<'CSV'
nvs,      data, nvs,   0x9000,  0x6000
otadata,  data, ota,   0xf000,  0x2000
ota_0,    app,  ota_0, 0x20000, 0x100000
storage,  data, nvs,   ,        0x10000
CSV
printf 'key,type,encoding,value\ndevice,namespace,,\nserial,data,string,{serial}\n' >"$line/storage.csv"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$line/sbv2.key.pem" 2>/dev/null
openssl pkey -in "$line/sbv2.key.pem" -pubout -out "$line/sbv2.pub.pem"
cat >"$line/recipe.toml" <<'TOML'
[device]
chip = "esp32c3"
baud = 115200
no_stub = true
after = "no_reset"

[partitions]
table = "partitions.csv"

[images]
bootloader = "bootloader.bin"
otadata = "initial"
ota_0 = "firmware.bin"

[identity]
serial = "SEC-{seq:04}"

[storage]
csv = "storage.csv"

[security]
flash_encryption = "per-device"
secure_boot_key = "sbv2.pub.pem"

[ledger]
path = "ledger.db"
TOML

start_sim c3 --chip esp32c3 --mac 60:55:f9:00:00:01 --efuse "$WORK/c3-efuse.bin"
port="socket://127.0.0.1:$SIM_PORT"
flash="$WORK/c3.flash"
region() { tail -c +$(($2 + 1)) "$1" | head -c "$3" >"$4"; }
json_field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

expect_exit 0 "provision with flash encryption and a secure boot digest" -- "$FWPROV" --json provision "$line/recipe.toml" -p "$port"
cp "$WORK/out" "$WORK/device.json"
[ "$(json_field "$WORK/device.json" 'd["ok"], d["chip"], d["security"]["burned"]')" = "True esp32c3 True" ] && pass ||
  fail "JSON: ok, chip, burned: $(cat "$WORK/device.json"; cat "$WORK/err")"
[ "$(json_field "$WORK/device.json" 'd["security"]["flash_encryption"]["scheme"], d["security"]["flash_encryption"]["mode"]')" = "XTS-AES-128 release" ] &&
  pass || fail "XTS-AES-128 (the C3's key type), release mode by default"
[ "$(json_field "$WORK/device.json" '",".join(d["security"]["flash_encryption"]["encrypted"])')" = "bootloader,partition-table,otadata,ota_0" ] &&
  pass || fail "encrypted: bootloader, table, otadata, app (not the NVS storage)"
for step in security efuse; do
  [ "$(json_field "$WORK/device.json" "'$step' in d['durations_ms']")" = True ] && pass || fail "step $step timed"
done

# The key, as only the chip knows it: BLOCK_KEY0 of the fuse array, stored byte-reversed.
python3 - "$WORK/c3-efuse.bin.fuses" "$WORK/key.bin" <<'PY'
import sys
blocks = dict(line.split() for line in open(sys.argv[1]))
open(sys.argv[2], "wb").write(bytes.fromhex(blocks["BLOCK_KEY0"])[::-1])
PY
[ "$(sha256sum <"$WORK/key.bin" | cut -d' ' -f1)" = "$(json_field "$WORK/device.json" 'd["security"]["flash_encryption"]["key_sha256"]')" ] &&
  pass || fail "the chip's key is the one whose SHA-256 the report gives"
[ "$(od -An -tx1 "$WORK/key.bin" | tr -d ' \n')" != "$(printf '0%.0s' $(seq 64))" ] && pass || fail "a key was burned"

# Every encrypted region decrypts, with the chip's key at its own address, to the plain image.
pad16() { python3 -c "import sys; d=open(sys.argv[1],'rb').read(); d+=b'\xff'*(-len(d)%16); open(sys.argv[2],'wb').write(d)" "$1" "$2"; }
"$FWPROV" -q partitions generate "$line/partitions.csv" "$WORK/partition-table.bin"
"$FWPROV" -q otadata init -o "$WORK/otadata.bin"
pad16 "$line/bootloader.bin" "$WORK/bootloader.plain"
pad16 "$line/firmware.bin" "$WORK/firmware.plain"
for spec in "bootloader 0x0 $WORK/bootloader.plain" "partition-table 0x8000 $WORK/partition-table.bin" \
            "otadata 0xf000 $WORK/otadata.bin" "ota_0 0x20000 $WORK/firmware.plain"; do
  set -- $spec
  region "$flash" $(($2)) "$(stat -c %s "$3")" "$WORK/$1.flash"
  cmp -s "$WORK/$1.flash" "$3" && fail "$1: the flash holds the plain image" || pass
  expect_exit 0 "decrypt $1" -- "$FWPROV" decrypt --keyfile "$WORK/key.bin" --address "$2" --aes-xts --output "$WORK/$1.back" "$WORK/$1.flash"
  expect_same_file "$WORK/$1.back" "$3" "$1 decrypts to the plain image"
done
# The NVS storage partition stays plain (ESP-IDF does not flash-encrypt NVS).
region "$flash" $((0x20000 + 0x100000)) $((0x10000)) "$WORK/storage.bin"
expect_exit 0 "storage is plain NVS" -- "$FWPROV" nvs decode "$WORK/storage.bin" --csv -o "$WORK/storage.csv"
expect_grep '^serial,data,string,SEC-0001' "$WORK/storage.csv" "storage holds the serial"

# The host sees the key block read-protected and the digest; the counter in release mode.
"$FWPROV" sign digest --pub-key "$line/sbv2.pub.pem" -o "$WORK/digest.bin" >/dev/null 2>&1
expect_exit 0 "efuse summary over the link" -- "$FWPROV" --json efuse --chip esp32c3 -p "$port" --after no_reset summary
cp "$WORK/out" "$WORK/summary.json"
python3 - "$WORK/summary.json" "$WORK/digest.bin" <<'PY' && pass || fail "eFuses as read by the host"
import json, sys
e = json.load(open(sys.argv[1]))["efuses"]
digest = open(sys.argv[2], "rb").read()
checks = {
    "BLOCK_KEY0 unreadable": not e["BLOCK_KEY0"]["readable"] and set(e["BLOCK_KEY0"]["value"].split()) == {"??"},
    "KEY_PURPOSE_0": e["KEY_PURPOSE_0"]["value"] == "XTS_AES_128_KEY",
    "BLOCK_KEY1 digest": e["BLOCK_KEY1"]["value"] == " ".join("%02x" % b for b in digest),
    "KEY_PURPOSE_1": e["KEY_PURPOSE_1"]["value"] == "SECURE_BOOT_DIGEST0",
    "SPI_BOOT_CRYPT_CNT all bits": e["SPI_BOOT_CRYPT_CNT"]["raw_value"] == "0x7",
    "DIS_DOWNLOAD_MANUAL_ENCRYPT": e["DIS_DOWNLOAD_MANUAL_ENCRYPT"]["value"] is True,
}
bad = [k for k, ok in checks.items() if not ok]
if bad: print("wrong:", bad, file=sys.stderr); sys.exit(1)
PY

# The ledger: the key's SHA-256, never the key (in either byte order, as hex or raw bytes).
key_hex=$(od -An -tx1 "$WORK/key.bin" | tr -d ' \n')
rev_hex=$(python3 -c "import sys; print(open(sys.argv[1],'rb').read()[::-1].hex())" "$WORK/key.bin")
python3 - "$line/ledger.db" "$key_hex" "$rev_hex" "$(sha256sum <"$WORK/key.bin" | cut -d' ' -f1)" <<'PY' && pass || fail "the ledger holds the key hash only"
import sqlite3, sys
db, key, rev, digest = sys.argv[1:]
conn = sqlite3.connect(db)
dump = "\n".join(conn.iterdump()).lower()
raw = open(db, "rb").read()
ok = key not in dump and rev not in dump and bytes.fromhex(key) not in raw and bytes.fromhex(rev) not in raw and digest in dump
sys.exit(0 if ok else 1)
PY

# Provisioning the same chip again: its key block and counter are burned. Refused before
# anything is written or burned (exit 3).
cp "$flash" "$WORK/flash.before"; cp "$WORK/c3-efuse.bin" "$WORK/efuse.before"
expect_exit 3 "a chip with flash encryption already on is refused" -- "$FWPROV" -q provision "$line/recipe.toml" -p "$port" --reprovision
expect_grep "BLOCK_KEY0|SPI_BOOT_CRYPT_CNT" "$WORK/err" "the refusal names the block or counter"
expect_grep "written before it: nothing" "$WORK/err" "nothing written"
expect_same_file "$flash" "$WORK/flash.before" "refused: flash unchanged"
expect_same_file "$WORK/c3-efuse.bin" "$WORK/efuse.before" "refused: eFuses unchanged"

# Recipe errors, before any device: one line each, naming the key.
cp "$line/recipe.toml" "$line/good.toml"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null | openssl pkey -pubout -out "$line/ec.pub.pem"
sed -e 's/esp32c3/esp32/' -e 's/sbv2.pub.pem/ec.pub.pem/' "$line/good.toml" >"$line/recipe.toml"
expect_exit 5 "EC secure boot key for the ESP32" -- "$FWPROV" provision "$line/recipe.toml" --dry-run --mac 24:0a:c4:00:00:09 --outdir "$WORK/dry1"
expect_grep "ESP32|esp32.*RSA-3072" "$WORK/err" "names the chip and what its ROM verifies"
sed -e 's/^secure_boot_key = .*/secure_boot_key = "sbv2.pub.pem"\nflash_encrypt = "per-device"/' "$line/good.toml" >"$line/recipe.toml"
expect_exit 3 "unknown [security] key" -- "$FWPROV" provision "$line/recipe.toml" --dry-run --mac 60:55:f9:00:00:09 --outdir "$WORK/dry2"
expect_grep "security.flash_encrypt" "$WORK/err" "names the key"
sed -e 's/^flash_encryption = .*/flash_encryption = "per-device"\nkey_block = "BLOCK_KEY9"/' "$line/good.toml" >"$line/recipe.toml"
expect_exit 3 "unknown key block" -- "$FWPROV" provision "$line/recipe.toml" --dry-run --mac 60:55:f9:00:00:09 --outdir "$WORK/dry3"
expect_grep "security.key_block.*BLOCK_KEY9" "$WORK/err" "names the block"
sed -e 's/esp32c3/esp32h2/' "$line/good.toml" >"$line/recipe.toml"
expect_exit 3 "[security] on a chip without an eFuse table" -- "$FWPROV" provision "$line/recipe.toml" --dry-run --mac 60:55:f9:00:00:09 --outdir "$WORK/dry4"
expect_grep "burns eFuses of esp32, esp32c3" "$WORK/err" "names the chips it can burn"

# [secure_cert]: the device's esp_secure_cert partition from its issued certificate and key and
# the factory CA (checked with --dry-run: the partition file parses back to them).
mkdir -p "$line/ca"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$line/ca/ca.key.pem" -out "$line/ca/ca.crt.pem" \
  -subj "/CN=Test Factory CA" -days 30 -addext basicConstraints=critical,CA:TRUE 2>/dev/null
printf 'nvs,data,nvs,0x9000,0x6000\notadata,data,ota,0xf000,0x2000\nesp_secure_cert,0x3F,0,0x11000,0x2000,encrypted\nota_0,app,ota_0,0x20000,0x100000\nstorage,data,nvs,,0x10000\n' >"$line/partitions-sc.csv"
printf 'tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key\n51,0,factory-line-3,string,,,,,\n' >"$line/extra.csv"
sed -e 's/partitions.csv/partitions-sc.csv/' -e 's/^\[ledger\]/[credentials]\nmode = "issue"\nca_cert = "ca\/ca.crt.pem"\nca_key = "ca\/ca.key.pem"\n\n[secure_cert]\ncsv = "extra.csv"\n\n[ledger]/' \
  "$line/good.toml" >"$line/sc.toml"
expect_exit 0 "dry run with [secure_cert]" -- "$FWPROV" provision "$line/sc.toml" --dry-run --mac 60:55:f9:00:00:0a --outdir "$WORK/sc"
[ "$(stat -c %a "$WORK/sc/esp_secure_cert.bin" 2>/dev/null)" = 600 ] && pass || fail "esp_secure_cert.bin (it holds the private key) is 0600"
expect_exit 0 "the partition parses" -- "$FWPROV" secure-cert parse "$WORK/sc/esp_secure_cert.bin" --outdir "$WORK/sc-parsed"
find "$WORK/sc-parsed" -type f >"$WORK/sc-files"
openssl x509 -in "$line/ca/ca.crt.pem" -outform der -out "$WORK/ca.der"
found_ca=no
while read -r f; do cmp -s "$f" "$WORK/ca.der" && found_ca=yes; done <"$WORK/sc-files"
[ "$found_ca" = yes ] && pass || fail "the CA certificate (DER) is in the partition: $(cat "$WORK/sc-files")"
grep -rq "factory-line-3" "$WORK/sc-parsed" && pass || fail "the CSV's extra TLV is in the partition"
# A CSV row that repeats a TLV the device entries give (the device certificate, type 1).
printf 'tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key\n1,0,cert.pem,file,,,,,\n' >"$line/extra.csv"
expect_exit 3 "a CSV TLV that duplicates the device certificate" -- "$FWPROV" provision "$line/sc.toml" --dry-run --mac 60:55:f9:00:00:0a --outdir "$WORK/sc2"
expect_grep "extra.csv" "$WORK/err" "names the CSV"
finish
