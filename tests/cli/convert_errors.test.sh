#!/usr/bin/env bash
# fwprov convert on bad input: one line naming the file and the problem, the documented exit
# code, and no output (not even a .tmp) left behind.
source "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

# expect_clean_failure CODE WHAT PATTERN OUTPUT -- COMMAND...: exit CODE, one stderr line
# matching PATTERN, OUTPUT and OUTPUT.tmp absent.
expect_clean_failure() {
  local code=$1 what=$2 pattern=$3 output=$4; shift 5
  expect_exit "$code" "$what" -- "$@"
  expect_grep "$pattern" "$WORK/err" "$what: message"
  local lines; lines=$(grep -c . "$WORK/err")
  if [ "$lines" -eq 1 ]; then pass; else fail "$what: $lines stderr lines, expected 1"; fi
  expect_absent "$output" "$what"
  expect_absent "$output.tmp" "$what (temp file)"
}

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem
openssl req -x509 -new -key key.pem -subj /CN=device -days 30 -out cert.pem
export FWPROV_TEST_PASS=right-pass FWPROV_WRONG_PASS=wrong-pass
openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -passout env:FWPROV_TEST_PASS -out enc.pem

: > empty.pem
printf 'this is not a certificate\n' > garbage.pem
head -c 300 /dev/urandom > noise.bin
head -n 4 cert.pem > truncated.pem
sed '$d' cert.pem > no-end-line.pem
openssl genpkey -algorithm ed448 -out ed448.pem
openssl genpkey -algorithm x25519 -out x25519.pem
openssl pkey -in ed448.pem -pubout -out ed448.pub.pem
cat cert.pem key.pem > mixed.pem

expect_clean_failure 3 "empty file" "empty\.pem.*empty" empty.der -- "$FWPROV" convert empty.pem
expect_clean_failure 3 "garbage text" "garbage\.pem.*not a certificate, CSR, private key or public key" garbage.der -- \
  "$FWPROV" convert garbage.pem
expect_clean_failure 3 "garbage bytes" "noise\.bin.*not a certificate" noise.pem -- "$FWPROV" convert noise.bin
expect_clean_failure 3 "truncated PEM block" "truncated\.pem.*truncated" truncated.der -- "$FWPROV" convert truncated.pem
expect_clean_failure 3 "PEM block without END line" "no-end-line\.pem.*truncated" no-end-line.der -- \
  "$FWPROV" convert no-end-line.pem
expect_clean_failure 3 "certificate and key in one file" "mixed\.pem.*1 certificate.*1 private key" mixed.der -- \
  "$FWPROV" convert mixed.pem
expect_clean_failure 5 "wrong passphrase" "enc\.pem.*wrong passphrase" enc.der -- \
  "$FWPROV" convert enc.pem --passphrase-env FWPROV_WRONG_PASS
expect_clean_failure 5 "no passphrase for an encrypted key" "enc\.pem.*encrypted.*--passphrase-env" enc.der -- \
  "$FWPROV" convert enc.pem
unset FWPROV_UNSET_PASS
expect_clean_failure 5 "passphrase variable not set" "FWPROV_UNSET_PASS.*not set" enc.der -- \
  "$FWPROV" convert enc.pem --passphrase-env FWPROV_UNSET_PASS
: > empty-pass.txt
expect_clean_failure 5 "empty passphrase file" "empty-pass\.txt.*passphrase file is empty" enc.der -- \
  "$FWPROV" convert enc.pem --passphrase-file empty-pass.txt
expect_clean_failure 4 "missing passphrase file" "no-pass\.txt" enc.der -- "$FWPROV" convert enc.pem --passphrase-file no-pass.txt
expect_clean_failure 5 "unsupported key type Ed448" "ed448\.pem.*unsupported key type ED448" ed448.der -- \
  "$FWPROV" convert ed448.pem
expect_clean_failure 5 "unsupported key type X25519" "x25519\.pem.*unsupported key type X25519" x25519.der -- \
  "$FWPROV" convert x25519.pem
expect_clean_failure 5 "unsupported public key type" "ed448\.pub\.pem.*unsupported" ed448.pub.der -- \
  "$FWPROV" convert ed448.pub.pem
expect_clean_failure 4 "output folder missing" "no/such/folder/cert\.der.*does not exist" no/such/folder/cert.der -- \
  "$FWPROV" convert cert.pem -o no/such/folder/cert.der
expect_clean_failure 4 "unwritable output" "/proc/fwprov-cert\.der.*cannot create" /proc/fwprov-cert.der -- \
  "$FWPROV" convert cert.pem -o /proc/fwprov-cert.der
mkdir folder.der
expect_exit 4 "output is a folder" -- "$FWPROV" convert cert.pem -o folder.der
expect_grep "folder\.der.*is a folder" "$WORK/err" "output is a folder: message"
expect_absent folder.der.tmp "output is a folder (temp file)"
expect_clean_failure 4 "missing input" "missing\.pem" missing.der -- "$FWPROV" convert missing.pem

# Usage mistakes: exit 2, nothing written.
expect_clean_failure 2 "-o with a batch" "-o/--output takes one input" a.der -- \
  "$FWPROV" convert cert.pem:a.der key.pem:b.der -o c.der
expect_clean_failure 2 "two inputs, one output" "named as the output of two inputs" same.der -- \
  "$FWPROV" convert cert.pem:same.der key.pem:same.der
expect_exit 2 "output overwrites the input" -- "$FWPROV" convert cert.pem -o cert.pem --to pem
expect_grep "overwrite an input" "$WORK/err" "output overwrites the input: message"
expect_exit 2 "both passphrase options" -- "$FWPROV" convert enc.pem --passphrase-env A --passphrase-file B
expect_exit 2 "unknown --to" -- "$FWPROV" convert cert.pem --to p12

# All or nothing: one bad input in a batch, and one unwritable output after good ones.
expect_clean_failure 3 "batch with one bad input" "garbage\.pem" good1.der -- \
  "$FWPROV" convert cert.pem:good1.der key.pem:good2.der garbage.pem:bad.der
expect_absent good2.der "batch with one bad input: second output"
expect_absent bad.der "batch with one bad input: bad output"
expect_clean_failure 4 "batch with an unwritable output" "cannot create" good1.der -- \
  "$FWPROV" convert cert.pem:good1.der key.pem:good2.der cert.pem:/proc/fwprov-batch.der
expect_absent good2.der "batch with an unwritable output: second output"
expect_absent good2.der.tmp "batch with an unwritable output: second temp file"

# An existing output is replaced only when everything succeeded.
printf 'old contents\n' > keep.der
expect_exit 3 "failed batch keeps an existing output" -- "$FWPROV" convert cert.pem:keep.der garbage.pem:x.der
expect_grep "old contents" keep.der "existing output untouched"

# --json error document.
expect_exit 3 "--json error" -- "$FWPROV" --json convert garbage.pem
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] is False and d["error"]["kind"]=="input" and d["error"]["file"]=="garbage.pem"' "$WORK/out"; then pass; else fail "--json error document"; fi

finish
