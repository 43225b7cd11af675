#!/usr/bin/env bash
# The scripting contract (docs/cli-contract.md), command by command: with --json exactly one
# JSON document on stdout for success, a usage error and an input error, with `ok`, `outputs`
# ({path,size,sha256,kind}, matching the files) and the error object; the stdout/stderr split
# in text mode; and `-` as stdin/stdout or refused, never a file named `-`.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/esp_sim_lib.sh"
G=$GOLDEN
cd "$WORK" || exit 1

# check_doc EXIT: $WORK/out is exactly one JSON document that fits exit code EXIT.
check_doc() {
  python3 - "$1" "$WORK/out" <<'PY'
import hashlib, json, os, sys
want, path = int(sys.argv[1]), sys.argv[2]
text = open(path, "rb").read().decode("utf-8")  # stdout must be UTF-8
doc = json.loads(text)  # exactly one document: trailing data is an error
problems = []
if not isinstance(doc, dict): problems.append("not an object")
else:
    if doc.get("ok") is not (want == 0): problems.append("ok=%r for exit %d" % (doc.get("ok"), want))
    if not isinstance(doc.get("outputs"), list): problems.append("no outputs array")
    for o in doc.get("outputs", []):
        if set(o) != {"path", "size", "sha256", "kind"}: problems.append("output keys %s" % sorted(o))
        elif o["path"] != "-" and os.path.exists(o["path"]):
            data = open(o["path"], "rb").read()
            if len(data) != o["size"] or hashlib.sha256(data).hexdigest() != o["sha256"]:
                problems.append("output %s: size/sha256 differ from the file" % o["path"])
        elif o["path"] != "-": problems.append("output %s does not exist" % o["path"])
    if want != 0:
        e = doc.get("error")
        if not isinstance(e, dict): problems.append("no error object")
        else:
            missing = {"kind", "exit_code", "message", "file", "line", "column", "hint"} - set(e)
            if missing: problems.append("error lacks %s" % sorted(missing))
            if e.get("exit_code") != want: problems.append("error.exit_code %r" % e.get("exit_code"))
            if doc.get("outputs"): problems.append("outputs listed on failure")
if problems:
    print("; ".join(problems)); sys.exit(1)
PY
}

# contract NAME EXIT -- ARGS...: `fwprov --json ARGS` exits EXIT with a valid document; then
# the same without --json (after running $PRE_TEXT, if set): on success no "error:" on
# stderr; on an error nothing on stdout and a "fwprov: error:" line on stderr; a verdict
# (exit 7) may print its findings on stdout.
contract() {
  local name=$1 want=$2; shift 3
  "$FWPROV" --json "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then fail "$name: --json exit $got, expected $want"; sed 's/^/  /' "$WORK/err" | head -3 >&2
  else pass; fi
  if check_doc "$want" >"$WORK/why" 2>&1; then pass; else fail "$name: JSON document: $(head -c 300 "$WORK/why")"; head -c 300 "$WORK/out" >&2; fi
  if [ -n "${PRE_TEXT:-}" ]; then eval "$PRE_TEXT"; fi
  "$FWPROV" "$@" >"$WORK/out" 2>"$WORK/err"
  local text_rc=$?
  if [ "$want" -eq 7 ]; then
    [ "$text_rc" -eq 7 ] && pass || fail "$name: text mode exit $text_rc"
  elif [ "$want" -eq 0 ]; then
    if grep -q "error:" "$WORK/err"; then fail "$name: error on stderr of a success"; else pass; fi
  else
    if [ -s "$WORK/out" ]; then fail "$name: failure printed on stdout"; head -3 "$WORK/out" >&2; else pass; fi
    expect_grep "^fwprov: error: " "$WORK/err" "$name: error line on stderr"
  fi
}

# refuses_dash NAME -- ARGS...: `-` where it cannot work is a usage error and no file `-` appears.
refuses_dash() {
  local name=$1; shift 2
  expect_exit 2 "$name: '-' refused" -- "$@"
  expect_grep "'-'" "$WORK/err" "$name: says '-' cannot be used"
  expect_absent "$WORK/-" "$name: no file named -"
}

# --- inputs ---------------------------------------------------------------------------------
printf 'key,type,encoding,value\nstorage,namespace,,\ncount,data,u8,7\nname,data,string,dev-1\n' > nvs.csv
printf 'key,type,encoding,value\nstorage,namespace,,\ncount,data,u9,7\n' > bad-nvs.csv
cp "$G/partitions/two_ota_no_md5/input.csv" table.csv 2>/dev/null || cp "$(find "$G/partitions" -name input.csv | head -1)" table.csv
printf 'nvs, data, nvs, , 0x6000\nbroken line\n' > bad-table.csv
cp "$G/otadata/ota_0_to_ota_1/partitions.csv" ota-table.csv
cp "$G/image/app_esp32/image.bin" app.bin
head -c 100 /dev/urandom > junk.bin
printf 'not a key\n' > junk.pem
export KEY_PASS=contract-pass

# --- keygen, csr, ca, convert, inspect -------------------------------------------------------
contract "keygen ok" 0 -- keygen --type ec-p256 -o k.pem --pub-out k.pub.pem
contract "keygen usage" 2 -- keygen --type ec-p256
contract "keygen input" 5 -- keygen -o k2.pem --passphrase-env FWPROV_CONTRACT_UNSET
refuses_dash "keygen -o -" -- "$FWPROV" keygen -o -
contract "csr ok" 0 -- csr --key k.pem --subject "CN=dev-1" -o dev.csr
contract "csr usage" 2 -- csr --key k.pem -o dev.csr
contract "csr input" 3 -- csr --key junk.pem --subject "CN=dev-1" -o dev2.csr
"$FWPROV" csr --key k.pem --subject "CN=dev-1" -o - >dash.csr 2>"$WORK/err" && grep -q "BEGIN CERTIFICATE REQUEST" dash.csr && pass || fail "csr -o - writes the CSR to stdout"
contract "ca codesign-cert ok" 0 -- ca codesign-cert --key k.pem --subject "CN=signer" -o csk.crt.pem
contract "ca codesign-cert usage" 2 -- ca codesign-cert --key k.pem -o x.crt.pem
contract "ca codesign-cert input" 3 -- ca codesign-cert --key junk.pem --subject "CN=signer" -o x.crt.pem
PRE_TEXT="rm -rf ca" contract "ca init ok" 0 -- ca init --dir ca --name t --passphrase-env KEY_PASS
contract "ca init usage" 2 -- ca init --name t
contract "ca init exists" 2 -- ca init --dir ca --name t --passphrase-env KEY_PASS
refuses_dash "ca init --dir -" -- "$FWPROV" ca init --dir - --name t --passphrase-env KEY_PASS
contract "ca issue ok" 0 -- ca issue --ca-cert ca/certs/t.root.ca.crt.pem --ca-key ca/private/t.root.ca.key.pem --passphrase-env KEY_PASS --csr dev.csr -o dev.crt.pem
contract "ca issue usage" 2 -- ca issue --csr dev.csr -o dev.crt.pem
contract "ca issue input" 3 -- ca issue --ca-cert ca/certs/t.root.ca.crt.pem --ca-key ca/private/t.root.ca.key.pem --passphrase-env KEY_PASS --csr junk.pem -o x.crt.pem
contract "convert ok" 0 -- convert dev.crt.pem -o dev.crt.der
contract "convert usage" 2 -- convert dev.crt.pem --to xml
contract "convert input" 3 -- convert junk.pem -o junk.der
"$FWPROV" convert - --to der -o - <dev.crt.pem >dash.der 2>"$WORK/err" && cmp -s dash.der dev.crt.der && pass || fail "convert - -o - (stdin to stdout)"
refuses_dash "convert key to stdout" -- "$FWPROV" convert k.pem -o -
contract "inspect ok" 0 -- inspect dev.crt.pem k.pem
contract "inspect usage" 2 -- inspect --match dev.crt.pem
contract "inspect input" 3 -- inspect junk.pem
"$FWPROV" --json inspect - <dev.crt.der >"$WORK/out" 2>"$WORK/err" && grep -q '"certificate"' "$WORK/out" && pass || fail "inspect - reads stdin"

# --- nvs, mfg ----------------------------------------------------------------------------------
contract "nvs generate ok" 0 -- nvs generate nvs.csv nvs.bin 0x3000
contract "nvs generate usage" 2 -- nvs generate nvs.csv nvs.bin
contract "nvs generate input" 3 -- nvs generate bad-nvs.csv bad.bin 0x3000
"$FWPROV" nvs generate nvs.csv - 0x3000 >dash-nvs.bin 2>"$WORK/err" && cmp -s dash-nvs.bin nvs.bin && pass || fail "nvs generate OUTPUT - (stdout)"
refuses_dash "nvs generate - with --json" -- "$FWPROV" --json nvs generate nvs.csv - 0x3000
contract "nvs generate-key ok" 0 -- nvs generate-key --keyfile keys.bin --outdir nvskeys
contract "nvs generate-key usage" 2 -- nvs generate-key --kp_hmac_inputkey x.bin
: > empty-hmac.bin
contract "nvs generate-key input" 5 -- nvs generate-key --key_protect_hmac --kp_hmac_inputkey empty-hmac.bin --outdir nvskeys2
contract "nvs encrypt ok" 0 -- nvs encrypt nvs.csv enc.bin 0x3000 --inputkey nvskeys/keys/keys.bin
contract "nvs encrypt usage" 2 -- nvs encrypt nvs.csv enc.bin 0x3000
contract "nvs encrypt input" 3 -- nvs encrypt bad-nvs.csv enc2.bin 0x3000 --inputkey nvskeys/keys/keys.bin
contract "nvs decrypt ok" 0 -- nvs decrypt enc.bin nvskeys/keys/keys.bin dec.bin
contract "nvs decrypt usage" 2 -- nvs decrypt enc.bin
contract "nvs decrypt input" 4 -- nvs decrypt missing.bin nvskeys/keys/keys.bin dec2.bin
"$FWPROV" nvs decrypt - nvskeys/keys/keys.bin - <enc.bin >dash-dec.bin 2>"$WORK/err" && cmp -s dash-dec.bin dec.bin && pass || fail "nvs decrypt - - (stdin to stdout)"
contract "nvs decode ok" 0 -- nvs decode nvs.bin
contract "nvs decode --csv ok" 0 -- nvs decode nvs.bin --csv -o decoded.csv
contract "nvs decode usage" 2 -- nvs decode nvs.bin --extract-dir blobs
contract "nvs decode input" 3 -- nvs decode enc.bin
"$FWPROV" nvs decode - --csv <nvs.bin >dash.csv 2>"$WORK/err" && cmp -s dash.csv decoded.csv && pass || fail "nvs decode - --csv (stdin, CSV on stdout)"
contract "nvs check ok" 0 -- nvs check nvs.bin
contract "nvs check usage" 2 -- nvs check
contract "nvs check mismatch" 7 -- nvs check "$G/repro/nvs-type-0f.bin"
refuses_dash "nvs check --inputkey -" -- "$FWPROV" nvs check nvs.bin --inputkey -
M="$G/mfg/five-devices-fileid"
contract "mfg generate ok" 0 -- mfg generate "$M/config.csv" "$M/values.csv" dev 0x3000 --fileid "$(python3 -c "import json;print(json.load(open('$M/args.json')).get('fileid') or '')")" --outdir "$WORK/mfg" --base-dir "$M"
contract "mfg generate usage" 2 -- mfg generate "$M/config.csv" "$M/values.csv" dev
contract "mfg generate input" 3 -- mfg generate bad-nvs.csv "$M/values.csv" dev 0x3000 --outdir "$WORK/mfg-bad"
expect_absent "$WORK/mfg-bad" "mfg input error leaves no output folder"

# --- partitions, otadata, image ---------------------------------------------------------------
contract "partitions generate ok" 0 -- partitions generate table.csv table.bin
contract "partitions generate usage" 2 -- partitions generate table.csv
contract "partitions generate input" 3 -- partitions generate bad-table.csv x.bin
"$FWPROV" partitions generate - - <table.csv >dash-table.bin 2>"$WORK/err" && cmp -s dash-table.bin table.bin && pass || fail "partitions generate - - (stdin to stdout)"
contract "partitions show ok" 0 -- partitions show table.bin
contract "partitions show usage" 2 -- partitions show table.bin --format xml
contract "partitions show input" 3 -- partitions show bad-table.csv
first=$(sed -n 's/^\([a-z_0-9]*\) *,.*/\1/p' table.csv | grep -v '^$' | head -1)
contract "partitions offset ok" 0 -- partitions offset "$first" --table table.bin
contract "partitions offset usage" 2 -- partitions offset "$first"
contract "partitions offset input" 3 -- partitions offset no_such_partition --table table.bin
contract "partitions size ok" 0 -- partitions size "$first" --table table.bin
contract "partitions size usage" 2 -- partitions size
contract "partitions size input" 3 -- partitions size "$first" --table bad-table.csv
"$FWPROV" partitions size "$first" --table - <table.bin >"$WORK/dash-size" 2>"$WORK/err" && [ "$(cat "$WORK/dash-size")" = "$("$FWPROV" partitions size "$first" --table table.bin)" ] && pass || fail "partitions size --table - (stdin)"
contract "otadata init ok" 0 -- otadata init -o ota.bin
contract "otadata init usage" 2 -- otadata init
contract "otadata init bad size" 2 -- otadata init -o ota2.bin --size 0xfffff000
contract "otadata set-boot ok" 0 -- otadata set-boot ota_1 --table ota-table.csv -o ota-1.bin
contract "otadata set-boot usage" 2 -- otadata set-boot ota_1 -o ota-1.bin
contract "otadata set-boot input" 3 -- otadata set-boot ota_1 --table bad-table.csv -o ota-1.bin
contract "otadata show ok" 0 -- otadata show ota-1.bin --table ota-table.csv
contract "otadata show usage" 2 -- otadata show ota-1.bin
contract "otadata show input" 3 -- otadata show junk.bin --table ota-table.csv
"$FWPROV" otadata show - --table ota-table.csv <ota-1.bin >"$WORK/dash-ota" 2>"$WORK/err" && grep -q "boots" "$WORK/dash-ota" && pass || fail "otadata show - (stdin)"
contract "image info ok" 0 -- image info app.bin
contract "image info usage" 2 -- image info
contract "image info input" 3 -- image info junk.pem
contract "image patch ok" 0 -- image patch app.bin -o patched.bin --flash-mode dio
contract "image patch usage" 2 -- image patch app.bin
contract "image patch input" 2 -- image patch app.bin -o p2.bin --flash-mode fast
"$FWPROV" image patch - -o - --flash_mode dio <app.bin >dash-patched.bin 2>"$WORK/err" && cmp -s dash-patched.bin patched.bin && pass || fail "image patch - -o - and --flash_mode"

# --- sign, verify -----------------------------------------------------------------------------
contract "sign ok" 0 -- sign app.bin --key k.pem --format der -o app.sig
contract "sign usage" 2 -- sign app.bin --format der -o app.sig
contract "sign input" 3 -- sign app.bin --key junk.pem --format der -o app2.sig
refuses_dash "sign -o -" -- "$FWPROV" sign - --key k.pem --format der -o -
contract "verify ok" 0 -- verify app.bin --signature app.sig --pub-key k.pub.pem
contract "verify usage" 2 -- verify app.bin --signature app.sig
contract "verify mismatch" 7 -- verify junk.bin --sig app.sig --pubkey k.pub.pem
"$FWPROV" verify app.bin --signature - --pub-key k.pub.pem <app.sig >"$WORK/out" 2>"$WORK/err" && pass || fail "verify --signature - (stdin)"

# --- flash (against fwprov-sim, ROM loader) -----------------------------------------------------
start_sim contract
P=(flash -p "socket://127.0.0.1:$SIM_PORT" --no-stub --connect-attempts 2)
contract "flash id ok" 0 -- "${P[@]}" id
contract "flash id usage" 2 -- "${P[@]}" id --bogus
contract "flash write ok" 0 -- "${P[@]}" write 0x10000 app.bin
contract "flash write usage" 2 -- "${P[@]}" write 0x10000
: > empty.bin
contract "flash write input" 3 -- "${P[@]}" write 0x10000 empty.bin
contract "flash verify ok" 0 -- "${P[@]}" verify 0x10000 app.bin
contract "flash verify usage" 2 -- "${P[@]}" verify
contract "flash verify mismatch" 7 -- "${P[@]}" verify 0x10000 junk.bin
contract "flash read usage" 2 -- "${P[@]}" read 0x0 0x10
contract "flash read bad size" 2 -- "${P[@]}" read 0x0 0xfffffffff out.bin
contract "flash erase usage" 2 -- "${P[@]}" erase 0x0
stop_sim "$SIM_PID"

# --- global behaviour ---------------------------------------------------------------------------
contract "help ok" 0 -- help nvs generate
contract "help usage" 2 -- help no-such-command
contract "unknown command" 2 -- nvs gen
expect_exit 2 "unknown command text" -- "$FWPROV" nvs gen x
expect_grep "unknown command 'nvs gen'" "$WORK/err" "unknown command named"
expect_grep "did you mean: generate" "$WORK/err" "near commands listed"
"$FWPROV" --version --json >"$WORK/out" 2>"$WORK/err"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] and all(d.get(k) for k in ("version","commit","build_type")) and all(d["libraries"].get(k) for k in ("openssl","zlib","libserialport"))' "$WORK/out" && pass || fail "--version --json"
"$FWPROV" --json --help >"$WORK/out" 2>/dev/null && python3 -c 'import json,sys; assert "help" in json.load(open(sys.argv[1]))' "$WORK/out" && pass || fail "--json --help"
# -q: nothing but errors.
"$FWPROV" -q partitions show table.bin >"$WORK/out" 2>"$WORK/err"
[ ! -s "$WORK/out" ] && [ ! -s "$WORK/err" ] && pass || fail "-q prints nothing on success"
# --strict turns a warning of any command into an input error.
expect_exit 0 "otadata odd size warns" -- "$FWPROV" otadata init -o odd.bin --size 0x3000
expect_grep "warning" "$WORK/err" "otadata odd size warning"
expect_exit 3 "--strict makes it an error" -- "$FWPROV" --strict otadata init -o odd2.bin --size 0x3000
expect_absent odd2.bin "--strict failure writes nothing"
# Two identical runs give identical JSON (no timings without -v).
"$FWPROV" --json nvs generate nvs.csv same.bin 0x3000 >"$WORK/a.json" 2>/dev/null
"$FWPROV" --json nvs generate nvs.csv same.bin 0x3000 >"$WORK/b.json" 2>/dev/null
cmp -s "$WORK/a.json" "$WORK/b.json" && pass || fail "two identical runs differ in JSON"
# Outputs are replaced, keys too, and stay 0600.
echo old > k.pem
expect_exit 0 "keygen replaces" -- "$FWPROV" keygen -o k.pem
grep -q "PRIVATE KEY" k.pem && [ "$(stat -c %a k.pem)" = 600 ] && pass || fail "replaced key"
# A missing output file folder is an I/O error and creates nothing.
expect_exit 4 "missing output folder" -- "$FWPROV" keygen -o no/such/k.pem
expect_absent no "no folder created for a failed keygen"
[ -z "$(find "$WORK" -name '*.tmp' -o -name '.*fwprov-*')" ] && pass || fail "temporary files left: $(find "$WORK" -name '*.tmp' -o -name '.*fwprov-*')"
finish
