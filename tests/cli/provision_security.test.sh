#!/usr/bin/env bash
# fwprov provision with [security] and [secure_cert] over the link, on every chip whose eFuse
# controller fwprov-sim simulates (ESP32, ESP32-C3, -S3, -C6; one row each in CHIPS below).
# Each device gets its own flash encryption key, made in memory; the bootloader, partition
# table, otadata, app and the esp_secure_cert partition (flagged `encrypted`) reach the flash
# encrypted (fwprov decrypt with the key turns them back into the plain images), the NVS storage
# stays plain; the chip's eFuses hold the key (read-protected: the host reads "??"), the secure
# boot v2 digest and the release-mode counter; the ledger holds the key's SHA-256 and never the
# key. The esp_secure_cert partition parses back to the certificate the ledger recorded, the
# factory CA, the matching private key and the CSV's TLV; without [security] it is plain. The
# key is taken from the simulator's fuse array (FILE.fuses), which only a test can see. An ESP32
# with 3/4 coding gets a 24-byte key and no secure boot digest (BLOCK2 holds 24 bytes).
# Refusals: a chip with a key already burned, an EC secure boot key for the ESP32, unknown
# [security] keys and blocks, an esp_secure_cert partition not flagged encrypted under flash
# encryption, a CSV TLV repeating a device TLV, an image for another chip, a flash frequency
# the chip does not have.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"

# Per-chip facts: chip | image chip id | bootloader offset | decrypt options (scheme) | key
# block (as the fuse array names it) | digest block | eFuse fields as `summary` shows them after
# a release-mode run (NAME=value or raw_value). ESP32: AES-256 with the key tweak in BLOCK1, FLASH_CRYPT_CONFIG
# 0xF, FLASH_CRYPT_CNT (7 bits), the digest in BLOCK2; the others XTS-AES-128 in BLOCK_KEY0
# (purpose XTS_AES_128_KEY), SPI_BOOT_CRYPT_CNT (3 bits), the digest in BLOCK_KEY1.
CHIPS=(
  "esp32c3 5 0x0 --aes-xts BLOCK_KEY0 BLOCK_KEY1 KEY_PURPOSE_0=XTS_AES_128_KEY,KEY_PURPOSE_1=SECURE_BOOT_DIGEST0,SPI_BOOT_CRYPT_CNT=0x7,DIS_DOWNLOAD_MANUAL_ENCRYPT=True"
  "esp32s3 9 0x0 --aes-xts BLOCK_KEY0 BLOCK_KEY1 KEY_PURPOSE_0=XTS_AES_128_KEY,KEY_PURPOSE_1=SECURE_BOOT_DIGEST0,SPI_BOOT_CRYPT_CNT=0x7,DIS_DOWNLOAD_MANUAL_ENCRYPT=True"
  "esp32c6 13 0x0 --aes-xts BLOCK_KEY0 BLOCK_KEY1 KEY_PURPOSE_0=XTS_AES_128_KEY,KEY_PURPOSE_1=SECURE_BOOT_DIGEST0,SPI_BOOT_CRYPT_CNT=0x7,DIS_DOWNLOAD_MANUAL_ENCRYPT=True"
  "esp32 0 0x1000 --flash-crypt-conf=0xF BLOCK1 BLOCK2 FLASH_CRYPT_CONFIG=0xf,FLASH_CRYPT_CNT=0x7f,DISABLE_DL_ENCRYPT=True,DISABLE_DL_DECRYPT=True,DISABLE_DL_CACHE=True,CODING_SCHEME=0x0"
)
SC_OFFSET=0x11000  # the esp_secure_cert partition, as the table below places it

line="$WORK/line"
mkdir -p "$line/ca"
printf 'nvs,data,nvs,0x9000,0x6000\notadata,data,ota,0xf000,0x2000\nesp_secure_cert,0x3F,0,%s,0x2000,encrypted\nota_0,app,ota_0,0x20000,0x100000\nstorage,data,nvs,,0x10000\n' \
  "$SC_OFFSET" >"$line/partitions.csv"
printf 'key,type,encoding,value\ndevice,namespace,,\nserial,data,string,{serial}\n' >"$line/storage.csv"
printf 'tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key\n51,0,factory-line-3,string,,,,,\n' >"$line/extra.csv"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$line/sbv2.key.pem" 2>/dev/null
openssl pkey -in "$line/sbv2.key.pem" -pubout -out "$line/sbv2.pub.pem"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$line/ca/ca.key.pem" -out "$line/ca/ca.crt.pem" \
  -subj "/CN=Test Factory CA" -days 30 -addext basicConstraints=critical,CA:TRUE 2>/dev/null
openssl x509 -in "$line/ca/ca.crt.pem" -outform der -out "$WORK/ca.der"
# recipe CHIP: the station's recipe for that chip (all chips share one ledger).
recipe() {
  cat <<TOML
[device]
chip = "$1"
baud = 115200
no_stub = true
after = "no_reset"

[partitions]
table = "partitions.csv"

[images]
bootloader = "$1-bootloader.bin"
otadata = "initial"
ota_0 = "$1-firmware.bin"

[identity]
serial = "SEC-{seq:04}"

[storage]
csv = "storage.csv"

[credentials]
mode = "issue"
ca_cert = "ca/ca.crt.pem"
ca_key = "ca/ca.key.pem"

[secure_cert]
csv = "extra.csv"

[security]
flash_encryption = "per-device"
secure_boot_key = "sbv2.pub.pem"

[ledger]
path = "ledger.db"
TOML
}

region() { tail -c +$(($2 + 1)) "$1" | head -c "$3" >"$4"; }
json_field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
"$FWPROV" -q partitions generate "$line/partitions.csv" "$WORK/partition-table.bin"
"$FWPROV" -q otadata init -o "$WORK/otadata.bin"
# chip_images CHIP ID: the golden ESP32 bootloader and app as builds for CHIP: its chip id in
# the extended header (bytes 12-13), the appended SHA-256 redone; padded copies in $WORK.
chip_images() {
  python3 - "$GOLDEN/image" "$line/$1" "$WORK/$1" "$2" <<'PY'
import hashlib, sys
golden, out, plain, chip_id = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
for name, case in (("bootloader", "bootloader_sha"), ("firmware", "app_esp32")):
    d = bytearray(open(f"{golden}/{case}/image.bin", "rb").read())
    d[12:14] = chip_id.to_bytes(2, "little")
    if d[23] == 1:  # hash_appended: the SHA-256 of everything before it
        d[-32:] = hashlib.sha256(d[:-32]).digest()
    open(f"{out}-{name}.bin", "wb").write(d)
    open(f"{plain}-{name}.plain", "wb").write(d + b"\xff" * (-len(d) % 16))  # as provision pads what it encrypts
PY
}
"$FWPROV" sign digest --pub-key "$line/sbv2.pub.pem" -o "$WORK/digest.bin" >/dev/null 2>&1

# check_secure_cert PARTITION MAC WHAT: the esp_secure_cert partition (plain bytes) parses to
# the device certificate the ledger recorded for MAC, the factory CA, the private key of that
# certificate and the CSV's user TLV.
check_secure_cert() {
  local part=$1 mac=$2 what=$3 out="$WORK/parsed-$3"
  expect_exit 0 "$what: esp_secure_cert parses" -- "$FWPROV" secure-cert parse "$part" --outdir "$out"
  local c="$out/contents"
  [ -f "$c/cacert_0_0.der" ] && [ -f "$c/devcert_1_0.der" ] && [ -f "$c/privkey_2_0.der" ] && pass ||
    fail "$what: CA, device certificate and key TLVs: $(ls "$c" 2>&1)"
  expect_same_file "$c/cacert_0_0.der" "$WORK/ca.der" "$what: the CA certificate is the factory CA"
  local recorded
  recorded=$(python3 -c "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute('SELECT c.sha256 FROM certificates c JOIN devices d ON d.id = c.device_id WHERE d.mac = ? ORDER BY c.id DESC LIMIT 1', (sys.argv[2],)).fetchone()[0])
" "$line/ledger.db" "$mac" 2>&1)
  [ "$(sha256sum <"$c/devcert_1_0.der" | cut -d' ' -f1)" = "$recorded" ] && pass ||
    fail "$what: the device certificate is the one the ledger recorded for $mac ($recorded)"
  local cert_pub key_pub
  cert_pub=$(openssl x509 -inform der -in "$c/devcert_1_0.der" -noout -pubkey 2>&1)
  key_pub=$(openssl pkey -inform der -in "$c/privkey_2_0.der" -pubout 2>&1)
  [ -n "$cert_pub" ] && [ "$cert_pub" = "$key_pub" ] && pass || fail "$what: the private key is the certificate's"
  expect_grep '^ESP_SECURE_CERT_USER_DATA_1_TLV,0,factory-line-3,string' "$out/esp_secure_cert_parsed.csv" "$what: the CSV's TLV"
}

# provision_chip CHIP CHIP_ID BOOT_OFFSET DECRYPT_OPTION KEY_BLOCK DIGEST_BLOCK FIELDS
provision_chip() {
  local chip=$1 boot=$3 scheme=$4 key_block=$5 digest_block=$6 fields=$7
  chip_images "$chip" "$2"
  recipe "$chip" >"$line/$chip.toml"
  start_sim "$chip" --chip "$chip" --efuse "$WORK/$chip-efuse.bin"
  local port="socket://127.0.0.1:$SIM_PORT" flash="$WORK/$chip.flash" report="$WORK/$chip.json"
  expect_exit 0 "$chip: provision with flash encryption, a secure boot digest and esp_secure_cert" -- \
    "$FWPROV" --json provision "$line/$chip.toml" -p "$port"
  cp "$WORK/out" "$report"
  # The report (prints the MAC), and the key as only the chip knows it: the key block of the
  # fuse array, stored byte-reversed (written to $key; its SHA-256 is the one the report gives).
  local key="$WORK/$chip.key" mac
  if mac=$(python3 - "$report" "$chip" "$WORK/$chip-efuse.bin.fuses" "$key_block" "$key" <<'PY'
import hashlib, json, sys
report, chip, fuses, key_block, key_file = sys.argv[1:]
d = json.load(open(report))
fe = d["security"]["flash_encryption"]
key = bytes.fromhex(dict(line.split() for line in open(fuses))[key_block])[::-1]
open(key_file, "wb").write(key)
checks = {
    "ok, chip, burned": (d["ok"], d["chip"], d["security"]["burned"]) == (True, chip, True),
    "release mode": fe["mode"] == "release",
    # not the NVS storage
    "encrypted": fe["encrypted"] == ["bootloader", "partition-table", "otadata", "esp_secure_cert", "ota_0"],
    "steps timed": "security" in d["durations_ms"] and "efuse" in d["durations_ms"],
    "a key was burned": key.strip(b"\0") != b"",
    "the chip's key is the one whose SHA-256 the report gives": hashlib.sha256(key).hexdigest() == fe["key_sha256"],
}
print(d["mac"])
bad = [k for k, ok in checks.items() if not ok]
if bad: print("wrong:", bad, file=sys.stderr); sys.exit(1)
PY
  ); then pass; else fail "$chip: report and key: $(cat "$report" "$WORK/err")"; fi

  # Every encrypted region decrypts, with the chip's key at its own address, to the plain image.
  local spec
  for spec in "bootloader $boot $WORK/$chip-bootloader.plain" "partition-table 0x8000 $WORK/partition-table.bin" \
              "otadata 0xf000 $WORK/otadata.bin" "ota_0 0x20000 $WORK/$chip-firmware.plain"; do
    set -- $spec
    region "$flash" $(($2)) "$(stat -c %s "$3")" "$WORK/$chip-$1.flash"
    cmp -s "$WORK/$chip-$1.flash" "$3" && fail "$chip: $1: the flash holds the plain image" || pass
    expect_exit 0 "$chip: decrypt $1" -- "$FWPROV" decrypt --keyfile "$key" --address "$2" "$scheme" --output "$WORK/$chip-$1.back" "$WORK/$chip-$1.flash"
    expect_same_file "$WORK/$chip-$1.back" "$3" "$chip: $1 decrypts to the plain image"
  done
  # The esp_secure_cert partition: ciphertext in flash (no TLV magic, does not parse), the
  # device's partition once decrypted.
  region "$flash" $((SC_OFFSET)) $((0x2000)) "$WORK/$chip-sc.flash"
  [ "$(head -c 4 "$WORK/$chip-sc.flash" | od -An -tx1 | tr -d ' \n')" != 11ba5eba ] && pass || fail "$chip: esp_secure_cert is plain in flash"
  expect_exit 3 "$chip: the encrypted esp_secure_cert does not parse" -- "$FWPROV" secure-cert parse "$WORK/$chip-sc.flash" --outdir "$WORK/$chip-sc-raw"
  expect_exit 0 "$chip: decrypt esp_secure_cert" -- "$FWPROV" decrypt --keyfile "$key" --address "$SC_OFFSET" "$scheme" --output "$WORK/$chip-sc.bin" "$WORK/$chip-sc.flash"
  check_secure_cert "$WORK/$chip-sc.bin" "$mac" "$chip"
  # The NVS storage partition stays plain (ESP-IDF does not flash-encrypt NVS).
  region "$flash" $((0x20000 + 0x100000)) $((0x10000)) "$WORK/$chip-storage.bin"
  expect_exit 0 "$chip: storage is plain NVS" -- "$FWPROV" nvs decode "$WORK/$chip-storage.bin" --csv -o "$WORK/$chip-storage.csv"
  expect_grep '^serial,data,string,SEC-' "$WORK/$chip-storage.csv" "$chip: storage holds the serial"

  # The host sees the key block read-protected, the digest, and the chip's release-mode fields.
  expect_exit 0 "$chip: efuse summary over the link" -- "$FWPROV" --json efuse --chip "$chip" -p "$port" --after no_reset summary
  cp "$WORK/out" "$WORK/$chip-summary.json"
  python3 - "$WORK/$chip-summary.json" "$WORK/digest.bin" "$key_block" "$digest_block" "$fields" <<'PY' && pass || fail "$chip: eFuses as read by the host"
import json, sys
e = json.load(open(sys.argv[1]))["efuses"]
digest, key_block, digest_block, fields = open(sys.argv[2], "rb").read(), sys.argv[3], sys.argv[4], sys.argv[5]
checks = {
    key_block + " unreadable": not e[key_block]["readable"] and set(e[key_block]["value"].split()) == {"??"},
    key_block + " write-protected": not e[key_block]["writeable"],
    digest_block + " digest": e[digest_block]["value"] == " ".join("%02x" % b for b in digest) and e[digest_block]["readable"],
    digest_block + " write-protected": not e[digest_block]["writeable"],
}
for item in fields.split(","):
    name, want = item.split("=")
    checks[item] = want in (str(e[name]["value"]), e[name]["raw_value"])
bad = [k for k, ok in checks.items() if not ok]
if bad: print("wrong:", bad, file=sys.stderr); sys.exit(1)
PY

  # Provisioning the same chip again: its key block and counter are burned. Refused before
  # anything is written or burned (exit 3).
  cp "$flash" "$WORK/flash.before"; cp "$WORK/$chip-efuse.bin" "$WORK/efuse.before"
  expect_exit 3 "$chip: a chip with flash encryption already on is refused" -- "$FWPROV" -q provision "$line/$chip.toml" -p "$port" --reprovision
  expect_grep "$key_block|CRYPT_CNT" "$WORK/err" "$chip: the refusal names the block or counter"
  expect_grep "written before it: nothing" "$WORK/err" "$chip: nothing written"
  expect_same_file "$flash" "$WORK/flash.before" "$chip: refused: flash unchanged"
  expect_same_file "$WORK/$chip-efuse.bin" "$WORK/efuse.before" "$chip: refused: eFuses unchanged"
  stop_sim "$SIM_PID"
}

for row in "${CHIPS[@]}"; do
  provision_chip $row
done

# An ESP32 with the 3/4 coding scheme: BLOCK1 holds 192 key bits, so the device gets a 24-byte
# key (espsecure extends it as the chip does); BLOCK2 cannot hold a 32-byte digest, so a secure
# boot key is refused for that chip before anything is written or burned.
"$FWPROV" -q efuse --chip esp32 --virt "$WORK/e34-efuse.bin" --yes burn-efuse CODING_SCHEME 1 >/dev/null 2>&1
start_sim e34 --chip esp32 --mac 24:0a:c4:00:00:34 --efuse "$WORK/e34-efuse.bin"
port="socket://127.0.0.1:$SIM_PORT"
cp "$WORK/e34-efuse.bin" "$WORK/efuse.before"
expect_exit 3 "ESP32 3/4 coding: a secure boot digest does not fit BLOCK2" -- "$FWPROV" -q provision "$line/esp32.toml" -p "$port"
expect_grep "burn-key-digest.*3/4" "$WORK/err" "names the coding scheme"
expect_same_file "$WORK/e34-efuse.bin" "$WORK/efuse.before" "refused: eFuses unchanged"
sed -e '/^secure_boot_key/d' "$line/esp32.toml" >"$line/e34.toml"
expect_exit 0 "ESP32 3/4 coding: flash encryption with a 192-bit key" -- "$FWPROV" --json provision "$line/e34.toml" -p "$port"
python3 - "$WORK/out" "$WORK/e34-efuse.bin.fuses" "$WORK/e34.key" <<'PY' && pass || fail "ESP32 3/4: a 24-byte key in BLOCK1, the one the report hashes"
import hashlib, json, sys
d, fuses, key_file = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
block1 = bytes.fromhex(dict(line.split() for line in open(fuses))["BLOCK1"])
key = block1[:24][::-1]
open(key_file, "wb").write(key)
sys.exit(0 if d["ok"] and block1[24:] == bytes(8) and key.strip(b"\0") and
         hashlib.sha256(key).hexdigest() == d["security"]["flash_encryption"]["key_sha256"] else 1)
PY
region "$WORK/e34.flash" $((0x1000)) "$(stat -c %s "$WORK/esp32-bootloader.plain")" "$WORK/e34-bootloader.flash"
expect_exit 0 "ESP32 3/4: decrypt the bootloader" -- "$FWPROV" decrypt --keyfile "$WORK/e34.key" --address 0x1000 --output "$WORK/e34-bootloader.back" "$WORK/e34-bootloader.flash"
expect_same_file "$WORK/e34-bootloader.back" "$WORK/esp32-bootloader.plain" "ESP32 3/4: the bootloader decrypts with the 24-byte key"
stop_sim "$SIM_PID"

# The ledger: each key's SHA-256, never a key (in either byte order, as hex or raw bytes), and
# no device private key.
python3 - "$line/ledger.db" "$WORK" "${#CHIPS[@]}" "${CHIPS[@]%% *}" e34 <<'PY' && pass || fail "the ledger holds key hashes only"
import glob, hashlib, sqlite3, sys
db, work, parsed, chips = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
dump = "\n".join(sqlite3.connect(db).iterdump()).lower()
raw = open(db, "rb").read()
keys = [open(f"{work}/{c}.key", "rb").read() for c in chips]
bad = [c for c, k in zip(chips, keys) if hashlib.sha256(k).hexdigest() not in dump]
private = [open(f, "rb").read() for f in glob.glob(f"{work}/parsed-*/contents/privkey_2_0.der")]
if len(private) != parsed: bad.append("not every device private key found")
for s in keys + private:
    for form in (s, s[::-1]):
        if form.hex() in dump or form in raw: bad.append("a secret")
if bad: print(bad, file=sys.stderr); sys.exit(1)
PY

# [secure_cert] without [security]: the partition is written plain. (Read from the flash file:
# `fwprov flash read` needs the flasher stub, which this ROM-only run does not have.)
sed -e '/^\[security\]/,/^$/d' "$line/esp32c3.toml" >"$line/plain.toml"
start_sim plain --chip esp32c3 --mac 60:55:f9:00:00:02
port="socket://127.0.0.1:$SIM_PORT"
expect_exit 0 "provision with [secure_cert] only" -- "$FWPROV" --json provision "$line/plain.toml" -p "$port"
cp "$WORK/out" "$WORK/plain.json"
[ "$(json_field "$WORK/plain.json" 'd["ok"], "security" in d and d["security"] not in (None, {})')" = "True False" ] && pass ||
  fail "no security record without [security]: $(cat "$WORK/plain.json")"
region "$WORK/plain.flash" $((SC_OFFSET)) $((0x2000)) "$WORK/plain-sc.bin"
check_secure_cert "$WORK/plain-sc.bin" 60:55:f9:00:00:02 plain
stop_sim "$SIM_PID"

# Recipe errors, before any device: one line each, naming the key or the row.
cp "$line/esp32c3.toml" "$line/good.toml"
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
chip_images esp32h2 16
sed -e 's/esp32c3/esp32h2/' "$line/good.toml" >"$line/recipe.toml"
expect_exit 3 "[security] on a chip without an eFuse table" -- "$FWPROV" provision "$line/recipe.toml" --dry-run --mac 60:55:f9:00:00:09 --outdir "$WORK/dry4"
expect_grep "burns eFuses of esp32, esp32c3" "$WORK/err" "names the chips it can burn"
# esp_secure_cert not flagged encrypted while flash encryption is on: the device reads it
# through the decrypting flash cache, so neither plain nor silently encrypted bytes would do.
sed -e 's/,encrypted$//' "$line/partitions.csv" >"$line/partitions-plain.csv"
sed -e 's/partitions.csv/partitions-plain.csv/' "$line/good.toml" >"$line/recipe.toml"
expect_exit 3 "esp_secure_cert not flagged encrypted under flash encryption" -- "$FWPROV" provision "$line/recipe.toml" --dry-run --mac 60:55:f9:00:00:09 --outdir "$WORK/dry5"
expect_grep "partitions-plain.csv:3.*esp_secure_cert.*encrypted" "$WORK/err" "names the table row and the flag"
expect_absent "$WORK/dry5" "nothing written"

# Chip facts beyond [security], with the same per-chip images: an image built for another chip
# is refused (esptool's and `flash write`'s check), and the bootloader header gets the chip's
# own flash frequency code (the C6 has its own table) from the chip's list of names.
sed -e 's/esp32c3-firmware.bin/esp32-firmware.bin/' "$line/good.toml" >"$line/recipe.toml"
expect_exit 3 "an ESP32 app in an ESP32-C3 recipe" -- "$FWPROV" provision "$line/recipe.toml" --dry-run --mac 60:55:f9:00:00:09 --outdir "$WORK/dry6"
expect_grep "images.ota_0.*esp32-firmware.bin is not an ESP32-C3 image \(its header names ESP32\)" "$WORK/err" "names the key, the file and both chips"
for chip in esp32 esp32c6; do
  sed -e 's/^baud = /flash_freq = "80m"\nbaud = /' "$line/$chip.toml" >"$line/recipe.toml"
  expect_exit 0 "$chip: flash_freq 80m" -- "$FWPROV" provision "$line/recipe.toml" --dry-run --mac 60:55:f9:00:00:09 --outdir "$WORK/freq-$chip"
  "$FWPROV" image info "$WORK/freq-$chip/bootloader.bin" >"$WORK/info" 2>&1
  expect_grep "^Flash freq: 80m" "$WORK/info" "$chip: the bootloader header says 80m in the chip's code"
done
sed -e 's/^baud = /flash_freq = "26m"\nbaud = /' "$line/esp32c6.toml" >"$line/recipe.toml"
expect_exit 3 "flash_freq 26m on the ESP32-C6" -- "$FWPROV" provision "$line/recipe.toml" --dry-run --mac 60:55:f9:00:00:09 --outdir "$WORK/dry7"
expect_grep "device.flash_freq.*\"26m\" is not one of: 20m, 40m, 80m, keep" "$WORK/err" "names the key and the chip's frequencies"

# [secure_cert] with --dry-run: the partition file (it holds the private key) is 0600.
expect_exit 0 "dry run with [secure_cert]" -- "$FWPROV" provision "$line/plain.toml" --dry-run --mac 60:55:f9:00:00:0a --outdir "$WORK/sc"
[ "$(stat -c %a "$WORK/sc/esp_secure_cert.bin" 2>/dev/null)" = 600 ] && pass || fail "esp_secure_cert.bin (it holds the private key) is 0600"
# A CSV row that repeats a TLV the device entries give (the device certificate, type 1).
printf 'tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key\n1,0,cert.pem,file,,,,,\n' >"$line/extra.csv"
expect_exit 3 "a CSV TLV that duplicates the device certificate" -- "$FWPROV" provision "$line/plain.toml" --dry-run --mac 60:55:f9:00:00:0a --outdir "$WORK/sc2"
expect_grep "extra.csv" "$WORK/err" "names the CSV"
finish
