#!/usr/bin/env bash
# Bench step for keys in a PKCS#11 token (SoftHSM2): one `fwprov sign` of 1000 small files
# (one module load, one login, 1000 C_SignInit+C_Sign) with the key in the token, next to the
# same key from its file. The signing phase's wall time comes from `--json` timing; the whole
# run (login, reading inputs, creating 1000 files) is printed beside.
set -euo pipefail
: "${FWPROV:?}" "${BENCH:?}"
MODULE=${FWPROV_TEST_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
cd "$BENCH"
rm -rf pkcs11-bench
mkdir -p pkcs11-bench/in pkcs11-bench/out pkcs11-bench/tokens
for i in $(seq 1 1000); do printf 'firmware chunk %04d %0200d\n' "$i" "$i" > "pkcs11-bench/in/f$i.bin"; done
printf 'directories.tokendir = %s/pkcs11-bench/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$PWD" > pkcs11-bench/softhsm2.conf
export SOFTHSM2_CONF=$PWD/pkcs11-bench/softhsm2.conf
softhsm2-util --init-token --free --label bench --so-pin 12345678 --pin 1234 >/dev/null
printf '1234\n' > pkcs11-bench/pin
for type in ec-p256 rsa-2048; do
  "$FWPROV" -q keygen --type "$type" -o "pkcs11-bench/$type.pem" --force >/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "pkcs11-bench/$type.pem" -out "pkcs11-bench/$type.p8"
  softhsm2-util --import "pkcs11-bench/$type.p8" --token bench --label "$type" --id "$([ "$type" = ec-p256 ] && echo 01 || echo 02)" --pin 1234 >/dev/null
done

json_field() {  # json_field FILE PHASE KIND
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["timing"][sys.argv[2]][sys.argv[3]])' "$@"
}
per_second() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

# batch LABEL KEY: signs the 1000 files, prints sig/s of the signing phase and of the whole run.
batch() {
  local label=$1 key=$2 start end
  rm -f pkcs11-bench/out/*
  start=$EPOCHREALTIME
  "$FWPROV" --json sign pkcs11-bench/in/*.bin --key "$key" --pkcs11-module "$MODULE" --format der --outdir pkcs11-bench/out >pkcs11-bench/run.json
  end=$EPOCHREALTIME
  local sign_wall whole
  sign_wall=$(json_field pkcs11-bench/run.json sign wall_seconds)
  whole=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
  printf '%s: %s sig/s (signing phase, %.3f s), %s files/s whole run (%.3f s)\n' "$label" "$(per_second 1000 "$sign_wall")" "$sign_wall" \
    "$(per_second 1000 "$whole")" "$whole"
}
for type in ec-p256 rsa-2048; do
  batch "sign 1000 files, $type in SoftHSM (one login)" "pkcs11:token=bench;object=$type?pin-source=file:$PWD/pkcs11-bench/pin"
  batch "sign 1000 files, $type from its file       " "pkcs11-bench/$type.pem"
done
