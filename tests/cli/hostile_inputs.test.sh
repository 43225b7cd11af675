#!/usr/bin/env bash
# Regression tests for the defects of issue 11 (a hostile tester's campaign): each repro input
# (tests/golden/repro/, copied from the campaign) now gets a clean outcome, a message that says
# what is wrong and where, the documented exit code, and no partial output or litter.
source "$(dirname "$0")/lib.sh"
R="$GOLDEN/repro"
cd "$WORK" || exit 1
valid_json() { python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$1"; }

# 1. Non-UTF-8 bytes reach --json: encoded, never an internal error.
expect_exit 0 "nvs decode of a key with byte 0xFF" -- "$FWPROV" --json nvs decode "$R/nvs-key-ff.bin"
valid_json "$WORK/out" && pass || fail "nvs decode --json is not valid UTF-8 JSON"
expect_grep '"key_hex": "ff385f6b6579"' "$WORK/out" "the key's exact bytes in key_hex"
expect_exit 0 "image info of non-UTF-8 text" -- "$FWPROV" --json image info "$R/image-info-utf8.bin"
valid_json "$WORK/out" && pass || fail "image info --json is not valid UTF-8 JSON"
expect_grep '_hex' "$WORK/out" "image info gives the bytes in a _hex field"

# 2. NVS item type 0x0F: a finding of check, shown as unknown, never as a value.
expect_exit 7 "check finds the unknown type" -- "$FWPROV" nvs check "$R/nvs-type-0f.bin"
expect_grep "unknown entry type 0x0f" "$WORK/out" "check names the unknown type"
expect_exit 0 "decode --json" -- "$FWPROV" --json nvs decode "$R/nvs-type-0f.bin"
python3 - "$WORK/out" <<'PY' && pass || fail "decode shows the type 0x0F entry as unknown, not as a value"
import json, sys
doc = json.load(open(sys.argv[1]))
assert not any(i["key"] == "u8_key" for i in doc["items"])
[u] = doc["unknown_entries"]
assert u["key"] == "u8_key" and u["type"] == "unknown" and u["type_code"] == 15 and len(u["raw_hex"]) == 64
PY
expect_exit 0 "decode --csv" -- "$FWPROV" nvs decode "$R/nvs-type-0f.bin" --csv -o t.csv
expect_grep "unknown type 0x0F and is not in the CSV" "$WORK/err" "decode --csv warns about the unknown entry"
if grep -q u8_key t.csv; then fail "the unknown entry became a CSV row"; else pass; fi
expect_exit 0 "the CSV regenerates an image" -- "$FWPROV" nvs generate t.csv t.bin 0x5000
expect_exit 3 "--strict decode --csv refuses" -- "$FWPROV" --strict nvs decode "$R/nvs-type-0f.bin" --csv -o t2.csv
expect_absent t2.csv "--strict decode --csv writes nothing"

# 3. aws-ota JSON without "signature": an input error, not an assertion.
expect_exit 3 "verify aws-ota without signature" -- "$FWPROV" verify "$R/fw.bin" --format aws-ota --pub-key "$GOLDEN/sign/keys/ec_p256.pem"
expect_grep "no signature found" "$WORK/err" "says the signature is missing"

# 4. DER with trailing bytes: named as such (the leak is covered by the fuzz targets under ASan).
for f in trailing-byte.der trailing-cert.der; do
  expect_exit 3 "$f" -- "$FWPROV" inspect "$R/$f"
  expect_grep "trailing bytes after a valid" "$WORK/err" "$f: says trailing bytes"
done
for f in leak.der leak-spki.der trunc-cert.der trunc-key.der zeros.der empty-seq.der tiny.der; do
  "$FWPROV" inspect "$R/$f" >/dev/null 2>"$WORK/err"
  rc=$?
  [[ "$rc" =~ ^(3|5)$ ]] && pass || fail "$f: exit $rc, expected 3 or 5"
done

# 5. Sizes and offsets are bounded by the largest flash: no 4 GB allocation, no 3 GB temp file.
printf 'key,type,encoding,value\nns,namespace,,\nk,data,u8,1\n' > s.csv
expect_exit 2 "nvs size 0xfffff000" -- "$FWPROV" nvs generate s.csv out.bin 0xfffff000
expect_grep "larger than the largest flash" "$WORK/err" "says why the size is refused"
expect_absent out.bin "no output for a refused size"
expect_exit 2 "mfg size 0xfffff000" -- "$FWPROV" mfg generate s.csv s.csv p 0xfffff000 --outdir m
expect_exit 2 "otadata size 4 GB" -- "$FWPROV" otadata init -o o.bin --size 0xfffff000
expect_exit 2 "partitions --offset beyond flash" -- "$FWPROV" partitions generate "$GOLDEN/partitions/two_ota_no_md5/input.csv" p.bin --offset 0xfffff000
expect_exit 2 "image patch --address beyond flash" -- "$FWPROV" image patch "$GOLDEN/image/app_esp32/image.bin" -o i.bin --address 0x80000000

# 6. mfg errors name the values file, its line, column and field, not a per-device CSV.
expect_exit 3 "mfg with a non-UTF-8 value" -- in_dir "$R/mfg-utf8" "$FWPROV" mfg generate config.csv values.csv p 0x3000 --outdir "$WORK/mu"
expect_grep "^fwprov: error: values.csv:2:3 \(mac\): " "$WORK/err" "names values.csv line 2 column 3 (mac)"
expect_absent "$WORK/mu" "mfg error leaves no output folder"

# 7. Two processes writing the same output: unique temporary names; the target is always one
#    process's complete bytes.
printf 'key,type,encoding,value\nns,namespace,,\nk,data,u8,2\n' > s2.csv
"$FWPROV" nvs generate s.csv a.bin 0x3000 2>/dev/null; "$FWPROV" nvs generate s2.csv b.bin 0x3000 2>/dev/null
mixed=0
for i in $(seq 1 20); do
  "$FWPROV" nvs generate s.csv race.bin 0x3000 2>"$WORK/race1" & p1=$!
  "$FWPROV" nvs generate s2.csv race.bin 0x3000 2>"$WORK/race2" & p2=$!
  wait $p1 || mixed=$((mixed + 1)); wait $p2 || mixed=$((mixed + 1))
  cmp -s race.bin a.bin || cmp -s race.bin b.bin || mixed=$((mixed + 1))
done
[ "$mixed" -eq 0 ] && pass || fail "racing writers: $mixed failures or mixed outputs"
[ -z "$(find . -name '*.tmp')" ] && pass || fail "racing writers left temporary files"

# 8. SIGTERM/SIGINT remove temporary files and mfg's staging folder; stale ones of a killed
#    process are removed by the next run.
python3 - <<'PY'
with open("big-config.csv", "w") as c:
    c.write("ns,namespace,\nserial,data,string\nblob,data,hex2bin\n")
with open("big-values.csv", "w") as v:
    v.write("id,serial,blob\n")
    for i in range(30000):
        v.write("%d,SN%08d,%s\n" % (i, i, "ab" * 200))
PY
for sig in TERM INT; do
  "$FWPROV" mfg generate big-config.csv big-values.csv dev 0x3000 --fileid id --outdir "$WORK/sig-$sig" -j 1 2>/dev/null & pid=$!
  for _ in $(seq 1 200); do [ -n "$(ls -A "$WORK/sig-$sig" 2>/dev/null)" ] && break; sleep 0.02; done
  kill -$sig $pid; wait $pid; rc=$?
  [ "$rc" -ne 0 ] && pass || fail "SIG$sig: the run finished before the signal (make the batch bigger)"
  leftovers=$(find "$WORK/sig-$sig" -name '.fwprov-*' -o -name '*.tmp' 2>/dev/null | head -3)
  [ -z "$leftovers" ] && pass || fail "SIG$sig left $leftovers"
done
dead=$(bash -c 'echo $$')  # a process that has exited
mkdir -p stale/.fwprov-mfg-$dead-00ff/bin && touch stale/.fwprov-mfg-$dead-00ff/bin/x.bin stale/.k.bin.fwprov-$dead-00ff.tmp
expect_exit 0 "a run in a folder with stale temporaries" -- "$FWPROV" nvs generate s.csv stale/k.bin 0x3000
expect_absent "stale/.k.bin.fwprov-$dead-00ff.tmp" "stale temporary file removed"
printf 'ns,namespace,\nk,data,u8\n' > mini-config.csv; printf 'k\n1\n' > mini-values.csv
expect_exit 0 "mfg in a folder with a stale staging folder" -- "$FWPROV" mfg generate mini-config.csv mini-values.csv p 0x3000 --outdir stale
expect_absent "stale/.fwprov-mfg-$dead-00ff" "stale mfg staging folder removed"

# 9. Messages that say what is wrong.
SIGN_PASS=pw "$FWPROV" keygen -o enc.key.pem --passphrase-env SIGN_PASS 2>/dev/null
expect_exit 2 "verify --pub-key with an encrypted private key" -- "$FWPROV" verify "$R/fw.bin" --signature "$R/fw.bin.ota.json" --pub-key enc.key.pem
expect_grep "encrypted private key, not a public key" "$WORK/err" "says it is an encrypted private key"
for f in badpoint-p256.der badpoint-p256.pem; do
  expect_exit 3 "$f" -- "$FWPROV" inspect "$R/$f"
  expect_grep "point is not valid" "$WORK/err" "$f: says the EC point is invalid"
done

# 10. No empty folders after a failed run.
expect_exit 3 "nvs encrypt --keygen with a bad CSV" -- "$FWPROV" nvs encrypt "$R/mfg-utf8/config.csv" e.bin 0x3000 --keygen --outdir enc-out
expect_absent enc-out "no --outdir (nor keys/) left by a failed encrypt --keygen"
expect_exit 4 "decode --extract-dir with an unwritable CSV" -- "$FWPROV" nvs decode "$R/nvs-key-ff.bin" --csv -o missing/x.csv --extract-dir blobs
expect_absent blobs "no blobs/ left by a failed decode"
expect_exit 4 "keygen into a missing folder" -- "$FWPROV" keygen -o keys/k.pem
expect_absent keys "no keys/ left by keygen"
finish
