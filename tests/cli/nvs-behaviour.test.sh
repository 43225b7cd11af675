#!/usr/bin/env bash
# fwprov nvs beyond the golden images: warnings and --strict, the reference's misbehaviours
# refused with clear errors, check finding damage, keys, sizes and options.
source "$(dirname "$0")/lib.sh"
in_dir() { local dir=$1; shift; (cd "$dir" && "$@"); }
G="$GOLDEN/nvs"
cd "$WORK" || exit 1

# --- Accepted-but-likely-mistakes: same bytes plus a warning; --strict refuses.
lenient() {  # lenient CASE SIZE WARNING-PATTERN
  expect_exit 0 "$1: accepted" -- in_dir "$G/$1" "$FWPROV" nvs generate input.csv "$WORK/$1.bin" "$2"
  expect_grep "warning: .*$3" "$WORK/err" "$1: warns"
  expect_same_file "$WORK/$1.bin" "$G/$1/expected.bin" "$1: same bytes as the reference"
  expect_exit 3 "$1: --strict refuses" -- in_dir "$G/$1" "$FWPROV" nvs generate input.csv "$WORK/$1-strict.bin" "$2" --strict
  expect_absent "$WORK/$1-strict.bin" "$1: --strict writes nothing"
  expect_grep "input.csv:[0-9]+:[0-9]+" "$WORK/err" "$1: --strict error names line and column"
}
lenient base64-lenient 0x3000 "outside the base64 alphabet"
lenient csv-syntax 0x3000 "'_' digit separators"
lenient quirks-accepted 0x3000 "without a NUL terminator"

# --- The reference's misbehaviours become clear errors.
long_string() { python3 -c "print('key,type,encoding,value'); print('ns,namespace,,'); print('s,data,string,' + 'y' * $1)"; }
long_string 3967 >ok.csv
expect_exit 0 "v2 string of 3968 bytes (largest that fits)" -- "$FWPROV" nvs generate ok.csv ok.bin 0x4000
for chars in 3968 3999; do
  long_string $chars >s$chars.csv
  expect_exit 3 "v2 string of $((chars + 1)) bytes" -- "$FWPROV" nvs generate s$chars.csv s$chars.bin 0x4000
  expect_grep "s$chars.csv:3:4 \(value\): string of key 's' is $((chars + 1)) bytes.*3968" "$WORK/err" "v2 string $((chars + 1)): clear error"
  expect_absent s$chars.bin "v2 string $((chars + 1)): no output"
done
printf 'key,type,encoding,value\nns,namespace,,\ncl\xc3\xa9,data,u8,1\n' >nonascii.csv
expect_exit 3 "non-ASCII key" -- "$FWPROV" nvs generate nonascii.csv nonascii.bin 0x3000
expect_grep "nonascii.csv:3:1 \(key\): key .* is not ASCII" "$WORK/err" "non-ASCII key: clear error"
printf 'key,type,encoding,value\nns,namespace,,\nb,data,binary,d\xc3\xa9j\xc3\xa0\n' >nonascii-bin.csv
expect_exit 3 "non-ASCII inline binary" -- "$FWPROV" nvs generate nonascii-bin.csv x.bin 0x3000
expect_grep "must be ASCII" "$WORK/err" "non-ASCII inline binary: clear error"
python3 -c "import sys; sys.stdout.buffer.write(bytes(range(32)) * 2 + b'\xff' * 4032)" >equal-halves.bin
expect_exit 5 "XTS key with equal halves" -- "$FWPROV" nvs encrypt "$G/encrypted-v2/input.csv" eq.bin 0x6000 --inputkey equal-halves.bin --base-dir "$G/encrypted-v2"
expect_grep "equal-halves.bin: the XTS data key and tweak key .* are equal" "$WORK/err" "equal halves: clear error"
expect_absent eq.bin "equal halves: no output"
printf 'key,type,encoding,value\nns,namespace,,\nshort,data,u8\n' >short.csv
expect_exit 3 "row without a value field" -- "$FWPROV" nvs generate short.csv short.bin 0x3000
expect_grep "short.csv:3:4 \(value\): key 'short': the row has no value field" "$WORK/err" "missing field: names line and column"
printf 'key,type,value\nns,namespace,\n' >noenc.csv
expect_exit 3 "header without encoding column" -- "$FWPROV" nvs generate noenc.csv noenc.bin 0x3000
expect_grep "no 'encoding' column" "$WORK/err" "missing column: clear error"

# --- Sizes: 24K-style suffixes, Python literals; lowercase suffixes refused.
expect_exit 0 "size 24K" -- "$FWPROV" nvs generate "$G/seed-creds/input.csv" k.bin 24K --base-dir "$G/seed-creds"
expect_same_file k.bin "$G/seed-creds/expected.bin" "24K is 0x6000"
expect_exit 0 "size 24_576" -- "$FWPROV" nvs generate "$G/seed-creds/input.csv" u.bin 24_576 --base-dir "$G/seed-creds"
expect_same_file u.bin "$G/seed-creds/expected.bin" "24_576 is 0x6000"
expect_exit 2 "size 010 (C octal) refused" -- "$FWPROV" nvs generate "$G/seed-creds/input.csv" o.bin 010
expect_exit 2 "size 24k refused" -- "$FWPROV" nvs generate "$G/seed-creds/input.csv" o.bin 24k
expect_grep "uppercase" "$WORK/err" "24k: hint at uppercase suffixes"

# --- --outdir, --json.
expect_exit 0 "--outdir" -- "$FWPROV" --json nvs generate "$G/seed-creds/input.csv" seed.bin 0x6000 --outdir od/sub --base-dir "$G/seed-creds"
expect_same_file od/sub/seed.bin "$G/seed-creds/expected.bin" "--outdir places the image"
expect_grep '"ok": true' "$WORK/out" "--json result"

# --- Keys: random generate-key, encrypt --keygen, HMAC-protected keygen.
expect_exit 0 "generate-key" -- "$FWPROV" nvs generate-key --keyfile random --outdir kd
python3 - kd/keys/random.bin <<'PY' && pass || fail "generate-key: key file format"
import sys, zlib, struct
d = open(sys.argv[1], 'rb').read()
assert len(d) == 4096 and d[:32] != d[32:64] and d[68:] == b'\xff' * 4028
assert struct.unpack('<I', d[64:68])[0] == zlib.crc32(d[:64], 0xFFFFFFFF)
PY
if [ "$(stat -c %a kd/keys/random.bin)" = 600 ]; then pass; else fail "key file mode is not 600"; fi
expect_exit 0 "encrypt --keygen" -- "$FWPROV" nvs encrypt "$G/seed-creds/input.csv" enc.bin 0x6000 --keygen --keyfile mine.bin --outdir ek --base-dir "$G/seed-creds"
expect_exit 0 "check with the generated key" -- "$FWPROV" nvs check ek/enc.bin --inputkey ek/keys/mine.bin
expect_exit 0 "decrypt with the generated key" -- "$FWPROV" nvs decrypt ek/enc.bin ek/keys/mine.bin plain.bin
expect_same_file plain.bin "$G/seed-creds/expected.bin" "encrypt --keygen then decrypt gives the plain image"
H="$GOLDEN/nvs-keygen/hmac-derive"
expect_exit 0 "encrypt --keygen --key_protect_hmac" -- "$FWPROV" nvs encrypt "$G/seed-creds/input.csv" hm.bin 0x6000 --keygen --keyfile hk.bin --key_protect_hmac --kp_hmac_inputkey "$H/hmac_key.bin" --outdir hm --base-dir "$G/seed-creds"
expect_same_file hm/keys/hk.bin "$H/expected-keys.bin" "encrypt --keygen with HMAC derives the reference keys"
expect_exit 2 "--inputkey and --keygen together" -- "$FWPROV" nvs encrypt "$G/seed-creds/input.csv" x.bin 0x6000 --keygen --inputkey "$H/expected-keys.bin"

# --- check finds damage, listing page and slot (exit 7); decode still shows the rest.
cp "$G/seed-creds/expected.bin" good.bin
expect_exit 0 "check of an intact image" -- "$FWPROV" nvs check good.bin
damage() {  # damage OUT PYTHON-STATEMENTS (bytearray d)
  python3 -c "import sys, zlib, struct
d = bytearray(open('good.bin', 'rb').read())
crc = lambda b: zlib.crc32(bytes(b), 0xFFFFFFFF)
$2
open('$1', 'wb').write(d)"
}
damage entry-crc.bin "d[64 + 32 + 4] ^= 0xFF"
expect_exit 7 "flipped entry CRC byte" -- "$FWPROV" nvs check entry-crc.bin
expect_grep "page 0 slot 1: entry CRC" "$WORK/out" "entry CRC: page and slot named"
damage header-crc.bin "d[28] ^= 0x01"
expect_exit 7 "flipped header CRC byte" -- "$FWPROV" nvs check header-crc.bin
expect_grep "page 0: page header CRC" "$WORK/out" "header CRC: page named"
damage data-crc.bin "d[64 + 32 * 3] ^= 0x55"
expect_exit 7 "flipped blob data byte" -- "$FWPROV" nvs check data-crc.bin
expect_grep "page 0 slot 1: data CRC is 0x[0-9A-F]+, expected 0x[0-9A-F]+ \(key .P11_Cert.\)" "$WORK/out" "data CRC: page and slot named"
# Blob index claiming 2 chunks (entry CRC recomputed so only the blob structure is wrong).
damage blob-index.bin "
for slot in range(126):
    e = 64 + 32 * slot
    if d[e + 1] == 0x48:
        d[e + 28] = 2
        d[e + 4:e + 8] = struct.pack('<I', crc(d[e:e + 4] + d[e + 8:e + 32]))
        break"
expect_exit 7 "blob index listing a missing chunk" -- "$FWPROV" nvs check blob-index.bin
expect_grep "blob index of key 'P11_Cert' lists chunk 1, which is missing" "$WORK/out" "blob index: problem named"
damage bitmap.bin "d[32] = 0xFF"
expect_exit 7 "bitmap says slot 0 is empty" -- "$FWPROV" nvs check bitmap.bin
expect_grep "page 0 slot 4: slot is in use after an empty slot" "$WORK/out" "bitmap: problem named"
expect_exit 0 "decode of a damaged image still works" -- "$FWPROV" nvs decode entry-crc.bin
expect_grep "P11_Key" "$WORK/out" "decode shows the readable values"
# Images from a pipe (process substitution) are read, not mapped, and read only once.
expect_exit 0 "check of an image from a pipe" -- "$FWPROV" nvs check <(cat good.bin)
expect_grep "OK" "$WORK/out" "check reads the whole piped image"
expect_exit 0 "decode of an image from a pipe" -- "$FWPROV" nvs decode <(cat good.bin)
expect_grep "P11_Key" "$WORK/out" "decode reads the whole piped image"
printf 'key,type,encoding,value\nns,namespace,,\ndup,data,u8,1\ndup,data,u8,2\n' >dup.csv
expect_exit 0 "duplicate keys are generated like the reference" -- "$FWPROV" nvs generate dup.csv dup.bin 0x3000
expect_exit 7 "check reports duplicate keys" -- "$FWPROV" nvs check dup.bin
expect_grep "page 0 slot 2: key 'dup' appears more than once" "$WORK/out" "duplicate key: page and slot named"
expect_exit 7 "check --json" -- "$FWPROV" --json nvs check dup.bin
expect_grep '"ok": false' "$WORK/out" "check --json reports ok false"

finish
