#!/usr/bin/env bash
# Bench step for flash encryption: `fwprov encrypt` of a 4 MiB image, both schemes, in MB/s
# over the whole process (start, read, encrypt, fsynced atomic write), best of 5 runs: by wall
# clock, and by CPU time (user + sys), which a loaded machine does not distort. The issue's
# target is >= 100 MB/s with AES-NI. Set ESPSECURE_SRC to an esptool v5.3.1 checkout to print espsecure's
# time for the same file beside it (Debian python3 + python3-cryptography); the project never
# needs it otherwise. ESPSECURE_PYTHON picks the interpreter (default /usr/bin/python3).
set -euo pipefail
: "${FWPROV:?}" "${BENCH:?}"
cd "$BENCH"
mkdir -p flashcrypt-bench
cd flashcrypt-bench
head -c $((4 * 1024 * 1024)) /dev/urandom >image.bin
"$FWPROV" -q keygen --type flash-encryption-aes256 -o esp32.key --force >/dev/null
"$FWPROV" -q keygen --type flash-encryption-xts256 -o xts512.key --force >/dev/null
"$FWPROV" -q keygen --type flash-encryption-xts128 -o xts256.key --force >/dev/null
mb=4.194304

best_of_5() {  # best_of_5 COMMAND...: "WALL CPU", the shortest of five runs each, in seconds
  local best=999 best_cpu=999 t cpu
  for _ in 1 2 3 4 5; do
    t=$(seconds "$@")
    cpu=$( { TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ print $1 + $2 }')
    best=$(awk -v a="$t" -v b="$best" 'BEGIN { print (a < b) ? a : b }')
    best_cpu=$(awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { print (a < b) ? a : b }')
  done
  echo "$best $best_cpu"
}
report() {  # report LABEL "WALL CPU" [ESPSECURE_SECONDS]
  local wall cpu rate cpu_rate
  read -r wall cpu <<<"$2"
  rate=$(awk -v s="$wall" -v m="$mb" 'BEGIN { printf "%.0f", m / s }')
  cpu_rate=$(awk -v s="$cpu" -v m="$mb" 'BEGIN { printf "%.0f", (s > 0) ? m / s : 0 }')
  local line="$1: ${rate} MB/s wall ($wall s), ${cpu_rate} MB/s CPU ($cpu s user+sys); target >= 100 MB/s"
  [ -z "${3:-}" ] || line+="; espsecure $3 s wall, $(awk -v a="$3" -v b="$wall" 'BEGIN { printf "%.0fx", a / b }') fwprov's"
  echo "$line"
}
espsecure_time() {  # espsecure_time ARGS...: one run of espsecure from source, or nothing
  [ -n "${ESPSECURE_SRC:-}" ] || return 0
  seconds env PYTHONPATH="$ESPSECURE_SRC" "${ESPSECURE_PYTHON:-/usr/bin/python3}" -m espsecure encrypt-flash-data "$@"
}

t=$(best_of_5 "$FWPROV" encrypt --keyfile esp32.key --address 0x10000 -o out.bin image.bin)
report "encrypt 4 MiB, ESP32 AES-256 with key tweak" "$t" "$(espsecure_time --keyfile esp32.key --address 0x10000 --output ref.bin image.bin)"
[ -z "${ESPSECURE_SRC:-}" ] || cmp -s out.bin ref.bin || { echo "ESP32 output differs from espsecure" >&2; exit 1; }
t=$(best_of_5 "$FWPROV" encrypt --aes-xts --keyfile xts256.key --address 0x10000 -o out.bin image.bin)
report "encrypt 4 MiB, XTS-AES-128 (32-byte key)" "$t" "$(espsecure_time --aes-xts --keyfile xts256.key --address 0x10000 --output ref.bin image.bin)"
[ -z "${ESPSECURE_SRC:-}" ] || cmp -s out.bin ref.bin || { echo "XTS output differs from espsecure" >&2; exit 1; }
t=$(best_of_5 "$FWPROV" encrypt --aes-xts --keyfile xts512.key --address 0x10000 -o out.bin image.bin)
report "encrypt 4 MiB, XTS-AES-256 (64-byte key)" "$t"
"$FWPROV" -q encrypt --keyfile esp32.key --address 0x10000 -o out.bin image.bin >/dev/null
t=$(best_of_5 "$FWPROV" decrypt --keyfile esp32.key --address 0x10000 -o back.bin out.bin)
report "decrypt 4 MiB, ESP32" "$t"
cmp -s back.bin image.bin || { echo "decrypt did not give the image back" >&2; exit 1; }
