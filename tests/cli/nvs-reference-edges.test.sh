#!/usr/bin/env bash
# nvs generate / mfg generate on CSV inputs the golden cases do not cover, each checked against
# what the reference's source does (nvs_partition_gen.py: open(..., 'rt', encoding='utf8'),
# '#'-line filter, csv.DictReader; mfg_gen.py: universal newlines, add_data_to_file,
# existing-file check). Where the reference crashes, fwprov fails (exit 3) and writes nothing;
# where it accepts, fwprov gives the bytes of the equivalent well-formed input.
source "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
H='key,type,encoding,value'

# --- Byte-order mark: kept by 'utf8', so the first header name is "\ufeffkey" (KeyError).
printf '\xef\xbb\xbf%s\nns,namespace,,\nk,data,u8,1\n' "$H" >bom.csv
expect_exit 3 "BOM before 'key'" -- "$FWPROV" nvs generate bom.csv bom.bin 0x3000
expect_grep "bom.csv:1:1 \\(key\\): .*no 'key' column.*byte-order mark" "$WORK/err" "BOM: says why"
expect_absent bom.bin "BOM: no output"
printf '%s\nns,namespace,,\nk,data,u8,1\n' "$H" >plain.csv
expect_exit 0 "plain CSV" -- "$FWPROV" nvs generate plain.csv plain.bin 0x3000
printf '\xef\xbb\xbfid,%s\n1,ns,namespace,,\n2,k,data,u8,1\n' "$H" >bom-id.csv
expect_exit 0 "BOM before an ignored column" -- "$FWPROV" nvs generate bom-id.csv bom-id.bin 0x3000
expect_same_file bom-id.bin plain.bin "BOM before an ignored column: same image as without it"

# --- An empty first line is DictReader's (empty) header.
printf '\n%s\nns,namespace,,\nk,data,u8,1\n' "$H" >blank-first.csv
expect_exit 3 "empty first line" -- "$FWPROV" nvs generate blank-first.csv blank.bin 0x3000
expect_grep "blank-first.csv:1:1 \\(key\\): the first line is empty" "$WORK/err" "empty first line: says why"
expect_absent blank.bin "empty first line: no output"
printf '%s\r\n\r\nns,namespace,,\r\n\r\nk,data,u8,1\r\n\r\n' "$H" >blank-inside.csv
expect_exit 0 "empty lines after the header" -- "$FWPROV" nvs generate blank-inside.csv blank-inside.bin 0x3000
expect_same_file blank-inside.bin plain.bin "empty lines after the header are skipped"

# --- A quote left open at the end of the file runs to the end (Python's csv, non-strict).
printf '%s\nns,namespace,,\ns,data,string,"a,b' "$H" >open.csv
printf '%s\nns,namespace,,\ns,data,string,"a,b"\n' "$H" >closed.csv
expect_exit 0 "open quote at the end of the file" -- "$FWPROV" nvs generate open.csv open.bin 0x3000
expect_grep "warning: .*never closed" "$WORK/err" "open quote: warns"
expect_exit 0 "the same value, quote closed" -- "$FWPROV" nvs generate closed.csv closed.bin 0x3000
expect_same_file open.bin closed.bin "open quote: the value runs to the end of the file"
expect_exit 3 "open quote --strict" -- "$FWPROV" nvs generate open.csv open-strict.bin 0x3000 --strict

# --- csv.field_size_limit(): 131072 characters; the reference fails on a longer field,
# fwprov reads it (decode --csv writes big blobs inline) and warns; --strict refuses.
python3 -c "print('$H'); print('ns,namespace,,'); print('b,data,hex2bin,' + 'ab' * 65536)" >limit.csv
python3 -c "print('$H'); print('ns,namespace,,'); print('b,data,hex2bin,' + 'ab' * 65537)" >over.csv
expect_exit 0 "hex2bin field of 131072 characters" -- "$FWPROV" nvs generate limit.csv limit.bin 0x30000
if grep -q warning "$WORK/err"; then fail "131072 characters: no warning expected"; else pass; fi
expect_exit 0 "hex2bin field of 131074 characters" -- "$FWPROV" nvs generate over.csv over.bin 0x30000
expect_grep "warning: over.csv:3:4: .*longer than 131072" "$WORK/err" "long field: warns at line and column"
expect_exit 3 "long field --strict" -- "$FWPROV" nvs generate over.csv over-strict.bin 0x30000 --strict
expect_absent over-strict.bin "long field --strict: no output"

# decode --csv writes a big blob inline (over the limit): the image must still regenerate.
head -c 70000 /dev/urandom >big.bin
printf '%s\nns,namespace,,\nb,file,binary,big.bin\n' "$H" >big.csv
expect_exit 0 "70000-byte blob" -- "$FWPROV" nvs generate big.csv big.out 0x20000
expect_exit 0 "decode --csv of a 70000-byte blob" -- "$FWPROV" nvs decode big.out --csv -o big-rt.csv
expect_exit 0 "regenerate from the inline CSV" -- "$FWPROV" nvs generate big-rt.csv big-rt.out 0x20000
expect_same_file big-rt.out big.out "round trip of a blob over the inline limit"

# --- Inline base64 must be ASCII (a2b_base64 on a str); file bytes may be anything.
printf '%s\nns,namespace,,\nb,data,base64,QUJD\xc3\xa9\n' "$H" >b64.csv
expect_exit 3 "non-ASCII inline base64" -- "$FWPROV" nvs generate b64.csv b64.bin 0x3000
expect_grep "b64.csv:3:4 \(value\): .*non-ASCII" "$WORK/err" "non-ASCII base64: names the value"

# --- Sizes: int('+0x3000', 0) is 12288.
expect_exit 0 "size +0x3000" -- "$FWPROV" nvs generate plain.csv plus.bin +0x3000
expect_same_file plus.bin plain.bin "+0x3000 is 0x3000"

# --- mfg: namespace rows as written, universal newlines, duplicate file names.
printf 'dev,namespace,x\r\nname,data,string\r\n' >c.csv
printf 'name\r\n"a\r\nb"\r\n' >v.csv
expect_exit 0 "mfg with CR LF inputs" -- "$FWPROV" mfg generate c.csv v.csv p 0x3000 --outdir "$WORK/m1"
printf 'key,type,encoding,value\r\ndev,namespace,x,\r\nname,data,string,"a\nb"\r\n' >want.csv
expect_same_file m1/csv/p-1.csv want.csv "mfg device CSV: namespace row as written, LF inside the value"
printf '%s\ndev,namespace,,\nname,data,string,"a\nb"\n' "$H" >same.csv
expect_exit 0 "the device CSV through nvs generate" -- "$FWPROV" nvs generate same.csv same.bin 0x3000
expect_same_file m1/bin/p-1.bin same.bin "mfg device image equals nvs generate of its CSV"
printf 'n,namespace,\nsn,data,string\n' >c2.csv
printf 'sn\nA\nB\nA\n' >v2.csv
expect_exit 3 "mfg: two devices named alike" -- "$FWPROV" mfg generate c2.csv v2.csv p 0x3000 --fileid sn --outdir "$WORK/m2"
expect_grep "v2.csv:4: .*'p-A'.*line 2" "$WORK/err" "duplicate names: names both rows"
expect_absent m2/bin "duplicate names: nothing written"
# argparse type=int reads "010" as ten: not octal like CLI11's own integer parsing.
expect_exit 0 "mfg --prefix_num 010 3" -- "$FWPROV" mfg generate c.csv v.csv p 0x3000 --prefix_num 010 3 --outdir "$WORK/m3"
expect_same_file m3/bin/p-010-1.bin m1/bin/p-1.bin "--prefix_num 010 3: counter 10, three digits"
expect_exit 0 "mfg --prefix_num -1 2" -- "$FWPROV" mfg generate c.csv v.csv p 0x3000 --prefix_num -1 2 --outdir "$WORK/m4"
expect_same_file m4/csv/p--1-1.csv m3/csv/p-010-1.csv "--prefix_num -1 2: Python formats -1 as -1"
expect_exit 2 "mfg --prefix_num 0x10 3 (argparse refuses hex)" -- "$FWPROV" mfg generate c.csv v.csv p 0x3000 --prefix_num 0x10 3 --outdir "$WORK/m5"
# A values file with only a header: no devices, exit 0, empty csv/ and bin/ (mfg_gen.py).
printf 'name\n' >v0.csv
expect_exit 0 "mfg with no device rows" -- "$FWPROV" mfg generate c.csv v0.csv p 0x3000 --outdir "$WORK/m6"
if [ -d m6/csv ] && [ -d m6/bin ] && [ -z "$(find m6 -type f)" ]; then pass; else fail "no device rows: empty csv/ and bin/"; find m6 >&2; fi
printf 'dev,namespace,\nname,data,string,REPEAT\n' >c-repeat.csv
expect_exit 3 "mfg REPEAT with no device rows" -- "$FWPROV" mfg generate c-repeat.csv v0.csv p 0x3000 --outdir "$WORK/m7"
expect_grep "v0.csv:1: REPEAT needs at least one device row" "$WORK/err" "REPEAT without rows: says why"
finish
