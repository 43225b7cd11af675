#!/usr/bin/env bash
# fwprov mfg beyond the golden cases: --json, --keygen, --jobs, REPEAT, refusing bad names.
source "$(dirname "$0")/lib.sh"
in_dir() { local d=$1; shift; (cd "$d" && "$@"); }
G="$GOLDEN/mfg/five-devices-fileid"
cd "$WORK" || exit 1

expect_exit 0 "mfg --json" -- in_dir "$G" "$FWPROV" --json mfg generate config.csv values.csv dev 0x5000 --fileid serial_no --outdir "$WORK/j1" --jobs 1
cp "$WORK/out" j1.json
python3 - j1.json <<'PY' && pass || fail "--json lists every device with correct SHA-256"
import hashlib, json, sys
doc = json.load(open(sys.argv[1]))
assert doc['ok'] and doc['count'] == 5 and len(doc['devices']) == 5
for d in doc['devices']:
    for kind in ('bin', 'csv'):
        assert hashlib.sha256(open(d[kind]['path'], 'rb').read()).hexdigest() == d[kind]['sha256'], d
PY
expect_exit 0 "mfg --jobs 2" -- in_dir "$G" "$FWPROV" mfg generate config.csv values.csv dev 0x5000 --fileid serial_no --outdir "$WORK/j2" --jobs 2
if diff -r j1 j2 >/dev/null; then pass; else fail "--jobs 1 and --jobs 2 give the same files"; fi
if [ -z "$(find j1 -name '.fwprov-mfg-*')" ]; then pass; else fail "staging folder left behind"; fi
if [ -z "$(find "$G" -name '*_tmp*')" ]; then pass; else fail "work files next to the inputs"; fi

expect_exit 0 "mfg --keygen" -- in_dir "$G" "$FWPROV" mfg generate config.csv values.csv dev 0x5000 --fileid serial_no --outdir "$WORK/kg" --keygen
for n in 1 2 3 4 5; do
  expect_exit 0 "device $n image checks with its own key" -- "$FWPROV" nvs check kg/bin/dev-SN00100$n.bin --inputkey kg/keys/keys-dev-SN00100$n.bin
done
if cmp -s kg/keys/keys-dev-SN001001.bin kg/keys/keys-dev-SN001002.bin; then fail "devices share keys"; else pass; fi

printf 'n,namespace,\nname,data,string\n' >c.csv
printf 'name\na/b\n' >v.csv
expect_exit 3 "a file id with a slash is refused" -- "$FWPROV" mfg generate c.csv v.csv p 0x3000 --fileid name --outdir "$WORK/slash"
expect_grep "v.csv:2: file name 'p-a/b'" "$WORK/err" "slash: names the row"
printf 'name\nok\nbad\n' >v2.csv
printf 'n,namespace,\nname,data,u8\n' >c2.csv
expect_exit 3 "a bad value in a later row fails the whole batch" -- "$FWPROV" mfg generate c2.csv v2.csv p 0x3000 --outdir "$WORK/none"
expect_grep "v2.csv:2:1 \(value\): key 'name': u8 value 'ok' is not a decimal integer" "$WORK/err" "bad value: file, row, column, key"
expect_absent none/bin "nothing written for a failed batch"
finish
