#!/usr/bin/env bash
# Bench step for sign. Batch signing (1000 small files, one `fwprov sign` call) against
# `openssl speed`'s sign rate for the same algorithm, and SHA-256 of a 64 MiB file against
# `openssl speed -bytes 16384 sha256`. openssl speed divides by CPU time, so the compared
# figure is fwprov's CPU time in the phase (from `--json -v` timing); the whole run's CPU and wall
# rates, which include reading 1000 inputs and creating 1000 output files, are printed beside.
set -euo pipefail
: "${FWPROV:?}" "${BENCH:?}"
cd "$BENCH"
mkdir -p sign-bench/in sign-bench/out
for i in $(seq 1 1000); do printf 'firmware chunk %04d %0200d\n' "$i" "$i" > "sign-bench/in/f$i.bin"; done
"$FWPROV" -q keygen --type ec-p256 -o sign-bench/ec.key.pem --force >/dev/null
"$FWPROV" -q keygen --type rsa-3072 -o sign-bench/rsa.key.pem --force >/dev/null

# The sign/s column of openssl speed's result line.
openssl_sign_rate() {
  openssl speed -seconds 2 "$1" 2>/dev/null | awk '/^ *[0-9]+ bits ecdsa/ || /^rsa +[0-9]+ bits/ { print $(NF-1); exit }'
}
json_field() {  # json_field FILE PHASE KIND
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["timing"][sys.argv[2]][sys.argv[3]])' "$@"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", 100 * a / b }'; }
per_second() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

# run_timed OUTFILE COMMAND...: runs it, leaves "wall user sys" seconds in $RUN_TIMES
run_timed() {
  local out=$1; shift
  local TIMEFORMAT='%R %U %S'
  RUN_TIMES=$( { time "$@" >"$out" 2>/dev/null; } 2>&1 )
}

bench_batch() {  # bench_batch LABEL KEY OPENSSL_ALG
  local label=$1 key=$2 alg=$3
  rm -f sign-bench/out/*
  run_timed sign-bench/batch.json "$FWPROV" --json -v sign sign-bench/in/*.bin --key "$key" --format der --outdir sign-bench/out
  read -r wall user sys <<<"$RUN_TIMES"
  local sign_cpu ours ossl
  sign_cpu=$(json_field sign-bench/batch.json sign cpu_seconds)
  ours=$(per_second 1000 "$sign_cpu")
  ossl=$(openssl_sign_rate "$alg")
  echo "sign 1000 files, $label: ${ours} sig/s (signing CPU time) vs openssl speed $alg ${ossl} sign/s = $(ratio "$ours" "$ossl")% (target >= 80%)"
  echo "  whole run incl. reading inputs and creating 1000 files: $(per_second 1000 "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')") files/s CPU, $(per_second 1000 "$wall") files/s wall ($wall s)"
}
bench_batch ec-p256 sign-bench/ec.key.pem ecdsap256
bench_batch rsa-3072 sign-bench/rsa.key.pem rsa3072

head -c $((64 << 20)) /dev/urandom > sign-bench/big.bin
cat sign-bench/big.bin >/dev/null  # page cache, as openssl speed's buffer is in memory
sha_ossl=$(openssl speed -bytes 16384 -seconds 2 sha256 2>/dev/null | awk '/^sha256/ { v = $NF; sub(/k$/, "", v); printf "%.1f", v * 1000 / 1048576 }')
run_timed sign-bench/big.json "$FWPROV" --json -v sign sign-bench/big.bin --key sign-bench/ec.key.pem --format der -o sign-bench/big.sig
read -r wall user sys <<<"$RUN_TIMES"
hash_cpu=$(json_field sign-bench/big.json hash cpu_seconds)
sha_ours=$(awk -v s="$hash_cpu" 'BEGIN { printf "%.1f", 64 / s }')
echo "sha-256 of a 64 MiB file: ${sha_ours} MiB/s (hashing CPU time) vs openssl speed sha256 16 KiB blocks ${sha_ossl} MiB/s = $(ratio "$sha_ours" "$sha_ossl")% (target >= 80%)"
echo "  whole run (sign the 64 MiB file): $(awk -v w="$wall" 'BEGIN { printf "%.1f", 64 / w }') MiB/s wall ($wall s)"
