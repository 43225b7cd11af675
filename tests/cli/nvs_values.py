#!/usr/bin/env python3
"""Compares `fwprov nvs decode --json` output with the values a golden case's CSV asks for.

Usage: nvs_values.py CASE_DIR DECODE.json
       nvs_values.py --csv INPUT.csv BASE_DIR DECODE.json   (one CSV, file rows relative to BASE_DIR)
Reads CASE_DIR/args.json and its input CSVs (with Python's own csv/int/binascii, so this is
independent of fwprov's parsers), works out every namespace/key/value the reference writes,
and checks the decoded items match in order. Exit 0 when they do; prints differences otherwise.
"""
import binascii
import csv
import hashlib
import json
import os
import re
import struct
import sys

EXTRAS = {'sta.apinfo', 'sta.pmk', 'sta.apsw', 'ap.pmk_info'}


def expected_items(case_dir, inputs):
    items = []
    created = 0
    names = {}
    for name in inputs:
        with open(os.path.join(case_dir, name), 'rt', encoding='utf8') as f:
            for row in csv.DictReader(filter(lambda line: line[0] != '#', f)):
                key, kind, enc, value = row['key'], row['type'], row['encoding'], row['value']
                if kind == 'namespace' and key not in ('sta.ssid', 'sta.pswd'):
                    if key not in names:
                        created += 1
                        names[key] = created
                    continue
                from_file = kind == 'file' and key not in ('sta.ssid', 'sta.pswd')
                if from_file:
                    with open(os.path.join(case_dir, value), 'rb') as vf:
                        value = vf.read()
                m = re.match(r'(blob_fill|blob_sz_fill)\((\d+);(0x[0-9a-fA-F]{2})\)', enc)
                if m:
                    n, pad = int(m.group(2)), int(m.group(3), 16)
                    data = value.encode()
                    body = data + bytes([pad]) * (n - len(data))
                    value = (struct.pack('<I', len(data)) + body) if m.group(1) == 'blob_sz_fill' else body
                    items.append((created, key, 'blob', hashlib.sha256(value).hexdigest(), len(value)))
                    continue
                raw = value.encode() if isinstance(value, str) else value
                low = enc.lower()
                if low in ('u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64'):
                    items.append((created, key, low, int(value), None))
                elif enc == 'string':
                    text = raw.decode()
                    items.append((created, key, 'string', text, len(raw) + 1))
                elif low == 'string':  # the STRING quirk: no terminator
                    items.append((created, key, 'string', raw.decode(), len(raw)))
                else:
                    if enc == 'hex2bin':
                        data = binascii.a2b_hex(raw.strip())
                    elif enc == 'base64':
                        data = binascii.a2b_base64(raw)
                    else:
                        data = raw
                    items.append((created, key, 'blob', hashlib.sha256(data).hexdigest(), len(data)))
    return items


def decoded_items(doc):
    out = []
    for item in doc['items']:
        if item['key'] in EXTRAS:
            continue
        if item['type'] == 'blob':
            out.append((item['namespace_index'], item['key'], 'blob', item['sha256'], item['size']))
        elif item['type'] == 'string':
            out.append((item['namespace_index'], item['key'], 'string', item.get('value'), item['size']))
        else:
            out.append((item['namespace_index'], item['key'], item['type'], item['value'], None))
    return out


def main():
    if sys.argv[1] == '--csv':
        inputs, case_dir, decoded_json = [os.path.abspath(sys.argv[2])], sys.argv[3], sys.argv[4]
    else:
        case_dir, decoded_json = sys.argv[1], sys.argv[2]
        with open(os.path.join(case_dir, 'args.json')) as f:
            inputs = json.load(f)['inputs']
    with open(decoded_json) as f:
        doc = json.load(f)
    want = expected_items(case_dir, inputs)
    got = decoded_items(doc)
    if want == got:
        print('%d values match' % len(want))
        return 0
    print('decoded values differ from the CSV (%d expected, %d decoded)' % (len(want), len(got)))
    for i in range(max(len(want), len(got))):
        w = want[i] if i < len(want) else None
        g = got[i] if i < len(got) else None
        if w != g:
            print('  #%d expected %r\n      decoded  %r' % (i, w, g))
    return 1


if __name__ == '__main__':
    sys.exit(main())
