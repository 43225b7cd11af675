#!/usr/bin/env bash
# fwprov secure-cert generate/parse against tests/golden/secure-cert, with the reference tool's
# argv: identical bytes for the deterministic cases, same TLV layout for the randomized ones
# (signatures and DS IV are checked by tests/unit/secure_cert), parse output identical, and the
# parsed CSV regenerating the partition.
source "$(dirname "$0")/lib.sh"
G="$GOLDEN/secure-cert"
layout() {  # layout FILE: one line per TLV, "type subtype length"
  python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read(); o = 0
while o + 12 <= len(d) and struct.unpack_from("<I", d, o)[0] == 0xBA5EBA11:
    t, s, n = d[o + 8], d[o + 9], struct.unpack_from("<H", d, o + 10)[0]
    print(t, s, n); o += 12 + n + (-n % 16) + 4
print("end", o, d[o:o + 4].hex())
PY
}
generate() {  # generate CASE_DIR ARGV...: runs in a copy of the case folder
  local dir=$1; shift
  rm -rf "$WORK/case" && cp -r "$dir" "$WORK/case" && rm -rf "$WORK/case/parse_bin" "$WORK/case"/expected*.bin
  expect_exit "$WANT" "$(basename "$dir")" -- in_dir "$WORK/case" "$FWPROV" secure-cert generate "$@"
}
deterministic=0
for dir in "$G"/*/; do
  name=$(basename "$dir")
  load_golden_args "$dir/args.json"
  read -r -a argv <<<"$(arg argv)"
  WANT=0
  case $name in
    append_integrity)
      rm -rf "$WORK/case" && cp -r "$dir" "$WORK/case"
      expect_exit 0 "$name" -- in_dir "$WORK/case" "$FWPROV" secure-cert generate "${argv[@]}"
      expect_same_file "$WORK/case/input.bin" "$dir/expected.bin" "$name"
      deterministic=$((deterministic + 1)); continue ;;
    err_*)
      WANT=3
      generate "$dir" "${argv[@]}" -o out.bin
      expect_grep "duplicate TLV" "$WORK/err" "$name: message"
      [ "$(wc -l <"$WORK/err")" -eq 1 ] && pass || fail "$name: one stderr line"
      expect_absent "$WORK/case/out.bin" "$name: no output"
      expect_absent "$WORK/case/esp_secure_cert_data" "$name: no output folder"
      continue ;;
  esac
  generate "$dir" "${argv[@]}"
  out="$WORK/case/esp_secure_cert_data/esp_secure_cert.bin"
  if [ "$(arg deterministic)" = true ]; then
    expect_same_file "$out" "$dir/expected.bin" "$name"
    deterministic=$((deterministic + 1))
  else
    [ "$(layout "$out")" = "$(layout "$dir/expected.bin")" ] && pass || fail "$name: TLV layout differs from the tool's"
  fi
  [ -f "$dir/expected_signed.bin" ] && { [ "$(layout "$WORK/case/esp_secure_cert_data/esp_secure_cert_signed.bin")" = "$(layout "$dir/expected_signed.bin")" ] && pass || fail "$name: signed layout"; }
  [ -f "$dir/expected_ecdsa_key.bin" ] && {
    expect_same_file "$WORK/case/esp_secure_cert_data/ecdsa_key.bin" "$dir/expected_ecdsa_key.bin" "$name: ecdsa_key.bin"
    [ "$(stat -c %a "$WORK/case/esp_secure_cert_data/ecdsa_key.bin")" = 600 ] && pass || fail "$name: ecdsa_key.bin mode"; }

  # parse: the reference's CSV and contents, byte for byte; regenerating from our CSV.
  expect_exit 0 "$name: parse" -- "$FWPROV" secure-cert parse "$dir/expected.bin" --outdir "$WORK/parsed"
  ref="$dir/parse_bin/esp_secure_cert_parsed_data"
  expect_same_file "$WORK/parsed/esp_secure_cert_parsed.csv" "$ref/esp_secure_cert_parsed.csv" "$name: parsed CSV"
  for f in "$ref"/contents/*; do expect_same_file "$WORK/parsed/contents/$(basename "$f")" "$f" "$name: $(basename "$f")"; done
  if grep -q '"regenerated_equals_expected": true' "$dir/parse_bin/roundtrip.json"; then
    expect_exit 0 "$name: regenerate" -- in_dir "$WORK/parsed" "$FWPROV" secure-cert generate --esp_secure_cert_csv esp_secure_cert_parsed.csv -o again.bin
    expect_same_file "$WORK/parsed/again.bin" "$dir/expected.bin" "$name: parse -> generate round trip"
  fi
  rm -rf "$WORK/parsed"
done
[ "$deterministic" -ge 9 ] && pass || fail "only $deterministic deterministic cases"

# More reference cases (tests/golden/secure-cert-extra): odd CSV rows, integrity appended twice,
# two P-384 signing keys.
X="$GOLDEN/secure-cert-extra"
rm -rf "$WORK/case" && cp -r "$X/csv_variants" "$WORK/case"
expect_exit 0 "csv_variants" -- in_dir "$WORK/case" "$FWPROV" secure-cert generate --esp_secure_cert_csv v.csv --target_chip esp32s3 --skip_flash -o out.bin
expect_same_file "$WORK/case/out.bin" "$X/csv_variants/expected.bin" "csv_variants"
cp "$WORK/case/out.bin" "$WORK/case/twice.bin"
expect_exit 0 "append 1" -- "$FWPROV" secure-cert generate --append-integrity "$WORK/case/twice.bin"
expect_exit 0 "append 2" -- "$FWPROV" secure-cert generate --append-integrity "$WORK/case/twice.bin"
expect_same_file "$WORK/case/twice.bin" "$X/csv_variants/expected_appended_twice.bin" "integrity appended twice"
expect_exit 0 "csv_variants parse" -- "$FWPROV" secure-cert parse "$X/csv_variants/expected.bin" --outdir "$WORK/pv"
expect_exit 0 "csv_variants regenerate" -- in_dir "$WORK/pv" "$FWPROV" secure-cert generate --esp_secure_cert_csv esp_secure_cert_parsed.csv --target_chip esp32s3 -o again.bin
expect_same_file "$WORK/pv/again.bin" "$X/csv_variants/expected.bin" "csv_variants: parse -> generate round trip"
P="$X/secure_sign_two_p384"
rm -rf "$WORK/case" && cp -r "$P" "$WORK/case"
expect_exit 0 "two P-384 keys" -- in_dir "$WORK/case" "$FWPROV" secure-cert generate --ca-cert ca.pem --device-cert dev_ec.pem --private-key dev_ec.key \
  --target_chip esp32c3 --skip_flash --secure-sign --signing-scheme ecdsa384 --signing-key-file sign_p384.key sign_p384b.key -o out.bin
[ "$(layout "$WORK/case/out.bin")" = "$(layout "$P/expected.bin")" ] && pass || fail "two P-384 keys: layout"
[ "$(layout "$WORK/case/out_signed.bin")" = "$(layout "$P/expected_signed.bin")" ] && pass || fail "two P-384 keys: signed layout"
expect_exit 5 "scheme does not match the key" -- in_dir "$WORK/case" "$FWPROV" secure-cert generate --device-cert dev_ec.pem \
  --secure-sign --signing-scheme ecdsa256 --signing-key-file sign_p384.key -o bad.bin
expect_absent "$WORK/case/bad.bin" "mismatched scheme writes nothing"

# Our own edges: -o, a CSV read from another directory, the 8 KiB limit, bad rows, --json.
C="$G/cli_plus_csv_extra"
rm -rf "$WORK/case" && cp -r "$C" "$WORK/case"
expect_exit 0 "CSV paths beside the CSV" -- "$FWPROV" secure-cert generate --ca-cert "$WORK/case/ca.pem" --device-cert "$WORK/case/dev_ec.pem" \
  --private-key "$WORK/case/dev_ec.key" --esp_secure_cert_csv "$WORK/case/extra.csv" --target_chip esp32c3 -o "$WORK/o.bin"
expect_same_file "$WORK/o.bin" "$C/expected.bin" "CSV from another directory"
head -c 7000 /dev/urandom >"$WORK/big.bin"
printf 'tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key\n51,0,%s,file,,,,,\n52,0,%s,file,,,,,\n' "$WORK/big.bin" "$WORK/big.bin" >"$WORK/big.csv"
expect_exit 3 "over 8 KiB" -- "$FWPROV" secure-cert generate --esp_secure_cert_csv "$WORK/big.csv" -o "$WORK/big_out.bin"
expect_grep "partition size exceeded" "$WORK/err" "over 8 KiB: message"
expect_absent "$WORK/big_out.bin" "over 8 KiB: no output"
printf 'tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key\n51,0,zz,hex,,,,,\n' >"$WORK/bad.csv"
expect_exit 3 "bad hex" -- "$FWPROV" secure-cert generate --esp_secure_cert_csv "$WORK/bad.csv" -o "$WORK/bad.bin"
expect_grep "bad.csv:2" "$WORK/err" "bad hex names the line"
expect_exit 2 "unknown chip" -- "$FWPROV" secure-cert generate --device-cert "$C/dev_ec.pem" --target_chip esp8266 -o "$WORK/x.bin"
expect_exit 2 "DS without key id" -- "$FWPROV" secure-cert generate --device-cert "$C/dev_ec.pem" --private-key "$C/dev_ec.key" --configure_ds --priv_key_algo ECDSA 256 --target_chip esp32h2 -o "$WORK/x.bin"
expect_exit 3 "ECDSA peripheral on a chip without one" -- "$FWPROV" secure-cert generate --device-cert "$C/dev_ec.pem" --private-key "$C/dev_ec.key" --configure_ds --priv_key_algo ECDSA 256 --efuse_key_id 1 --target_chip esp32c3 -o "$WORK/x.bin"
expect_absent "$WORK/x.bin" "refusals write nothing"
expect_exit 0 "--json" -- "$FWPROV" --json secure-cert generate --device-cert "$C/dev_ec.pem" --target_chip esp32c3 -o "$WORK/j.bin"
python3 - "$WORK/out" "$WORK/j.bin" <<'PY' && pass || fail "--json outputs"
import hashlib, json, sys
d = json.load(open(sys.argv[1])); o = d["outputs"][0]
assert d["ok"] and o["path"] == sys.argv[2] and o["sha256"] == hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
PY
expect_exit 3 "parse a non-partition" -- "$FWPROV" secure-cert parse "$WORK/big.bin" --outdir "$WORK/p2"
expect_absent "$WORK/p2" "parse refusal leaves no folder"
# RSA DS without an HMAC key file: a new key, written 0600 beside the output.
D="$G/rsa_ds_c3"
expect_exit 0 "RSA DS new HMAC key" -- "$FWPROV" secure-cert generate --device-cert "$D/dev_rsa.pem" --private-key "$D/dev_rsa.key" --configure_ds \
  --priv_key_algo RSA 2048 --efuse_key_id 2 --target_chip esp32c3 -o "$WORK/ds/out.bin"
[ "$(stat -c %s "$WORK/ds/hmac_key.bin")" = 32 ] && [ "$(stat -c %a "$WORK/ds/hmac_key.bin")" = 600 ] && pass || fail "hmac_key.bin 32 bytes 0600"
finish
