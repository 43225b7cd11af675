#!/usr/bin/env bash
# Bench: 1000 certificate/key pairs (2000 files) to DER in ONE `fwprov convert` call, against
# the seed workflow's 2000 openssl invocations. Target: the single call >= 20x faster.
set -euo pipefail
cd "$BENCH"
pairs=1000

# Inputs, made fast: four key/certificate pairs (RSA 2048 and EC P-256 in each), copied under
# 1000 names. Every file is still read, parsed and re-encoded on its own.
mkdir -p in out-fwprov out-openssl
for i in 0 1 2 3; do
  if [ $((i % 2)) -eq 0 ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out seed$i.key.pem 2>/dev/null
  else
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out seed$i.key.pem
  fi
  openssl req -x509 -new -key seed$i.key.pem -subj "/CN=bench device $i" -days 365 -out seed$i.crt.pem
done
items=()
for n in $(seq 1 $pairs); do
  seed=$((n % 4))
  cp seed$seed.key.pem in/device$n.key.pem
  cp seed$seed.crt.pem in/device$n.crt.pem
  items+=("in/device$n.key.pem:out-fwprov/device$n.key.der" "in/device$n.crt.pem:out-fwprov/device$n.crt.der")
done

convert_with_openssl() {
  for n in $(seq 1 $pairs); do
    seed=$((n % 4))
    if [ $((seed % 2)) -eq 0 ]; then
      openssl rsa -in in/device$n.key.pem -traditional -outform der -out out-openssl/device$n.key.der 2>/dev/null
    else
      openssl ec -in in/device$n.key.pem -outform der -out out-openssl/device$n.key.der 2>/dev/null
    fi
    openssl x509 -in in/device$n.crt.pem -outform der -out out-openssl/device$n.crt.der
  done
}

ours=$(seconds "$FWPROV" --quiet convert "${items[@]}")
theirs=$(seconds convert_with_openssl)
# The two must agree byte for byte, or the timing means nothing.
if ! diff -rq out-fwprov out-openssl >/dev/null; then
  echo "convert bench: outputs differ from openssl's" >&2
  exit 1
fi
ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.1f", b / a }')
echo "convert ($pairs cert/key pairs, one fwprov call): $ours s"
echo "convert ($pairs cert/key pairs, $((pairs * 2)) openssl calls): $theirs s"
echo "convert speed-up: ${ratio}x (target >= 20x)"
