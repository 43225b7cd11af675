#!/usr/bin/env bash
# tools/fuzz.sh [--build DIR] [SECONDS | --budget TOTAL] [TARGET...]: builds the libFuzzer
# targets of tests/fuzz with clang (ASan + UBSan, build-fuzz/ at -O2 for the most executions
# per second; --build DIR uses another clang build configured with -DFWPROV_FUZZ=ON, as
# tools/test.sh does with its sanitizer build), then runs each one over its seed corpus
# (from tests/golden, tests/golden/repro and tests/fuzz/seeds/<name>) and up to SECONDS in all
# (default 60; libFuzzer counts the corpus replay in it). --budget TOTAL shares TOTAL seconds
# among the targets instead (at least 2 s each), so adding a target does not lengthen
# tools/test.sh. Fails on any crash, leak, hang (an input taking over 10 s), undefined
# behaviour or internal error, leaving the input that did it in build-fuzz/artifacts/. Prints
# executions/s and runs per target.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"
if [ "${1:-}" = --build ]; then
  build=$(cd "${2:?--build needs a build folder}" && pwd)
  shift 2
  grep -q '^FWPROV_FUZZ:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null ||
    { echo "fuzz.sh: $build is not a build configured with -DFWPROV_FUZZ=ON (clang)" >&2; exit 2; }
fi
budget=
if [ "${1:-}" = --budget ]; then
  budget=${2:?--budget needs the total seconds}
  shift 2
  seconds=
else
  seconds=${1:-60}
  shift || true
fi

if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DFWPROV_FUZZ=ON -DFWPROV_TESTS=OFF -DFWPROV_BENCH=OFF \
    -DFWPROV_STATIC_DEPS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target fuzz_targets --parallel "$(nproc)" >/dev/null

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  for source in "$root"/tests/fuzz/*_fuzz.cpp; do targets+=("$(basename "$source" .cpp)"); done
fi

if [ -n "$budget" ]; then
  seconds=$((budget / ${#targets[@]}))
  [ "$seconds" -ge 2 ] || seconds=2
fi

G="$root/tests/golden"
S="$root/tests/fuzz/seeds"
# seeds TARGET: the golden files that are the target's kind of input, one per line.
seeds() {
  case $1 in
  nvs_reader_fuzz) find "$G/nvs" "$G/nvs-keygen" "$G/repro" -name '*.bin' -size -300k ;;
  nvs_csv_fuzz) find "$G/nvs" "$G/nvs-errors" -name '*.csv' -size -64k ;;
  partitions_fuzz) find "$G/partitions" "$G/partitions-errors" "$G/otadata" \( -name '*.csv' -o -name 'expected.bin' \) -size -64k ;;
  otadata_fuzz) find "$G/otadata" -name '*otadata*.bin' ;;
  image_fuzz) find "$G/image" "$G/repro" -name '*.bin' -size -300k ;;
  pki_fuzz) find "$G/sign/keys" "$G/repro" \( -name '*.pem' -o -name '*.der' \) ;;
  signature_fuzz) find "$G/sign" "$G/repro" \( -name '*.json' -o -name '*signed*.bin' \) -size -300k ;;
  slip_fuzz) find "$S/slip" -type f ;;
  recipe_fuzz) find "$S/recipe" "$root/docs/examples" -name '*.toml' ;;
  flash_args_fuzz) find "$S/flash_args" -type f ;;
  stub_fuzz) find "$S/stub" -type f ;;
  pkcs11_fuzz) find "$S/pkcs11" -type f ;;
  selection_fuzz) find "$S/selection" -type f ;;
  efuse_fuzz) find "$G/efuse" -name 'efuse*.bin' ;;
  secure_cert_fuzz) find "$S/secure_cert" "$G/secure-cert" "$G/secure-cert-extra" \( -name '*.csv' -o -name 'expected*.bin' -o -name 'input.bin' \) ;;
  mfg_fuzz | flashcrypt_fuzz) ;;  # made below
  esac
}

# flashcrypt_fuzz's input: scheme, key length pick, address (LE), address pick, conf, key, data
# (tests/fuzz/flashcrypt_fuzz.cpp); made from the golden encrypt cases and their args.json.
flashcrypt_seeds() {
  for dir in "$G"/flash-encrypt/*/; do
    [ -f "$dir/key.bin" ] && [ -f "$dir/input.bin" ] || continue
    python3 - "$dir" "$1/seed-$(basename "$dir")" <<'PY'
import json, pathlib, struct, sys
case, out = pathlib.Path(sys.argv[1]), sys.argv[2]
args = json.loads((case / "args.json").read_text())
key = (case / "key.bin").read_bytes()
picks = {16: 0, 24: 1, 32: 2, 64: 3}
head = struct.pack("<BBIBB", 1 if args.get("aes_xts") else 0, picks.get(len(key), 128 + len(key)),
                   (args.get("address") or 0) & 0xFFFFFFFF, 1, (args.get("flash_crypt_conf") or 0xF) & 0xF)
pathlib.Path(out).write_bytes(head + key + (case / "input.bin").read_bytes()[:4096])
PY
  done
}

mkdir -p "$build/artifacts"
failed=0
for target in "${targets[@]}"; do
  binary="$build/tests/fuzz/$target"
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  seeds "$target" | while read -r file; do cp -f "$file" "$corpus/seed-$(sha256sum "$file" | cut -c1-16)"; done
  if [ "$target" = mfg_fuzz ]; then
    for dir in "$G"/mfg/* "$G"/mfg-errors/*; do
      [ -f "$dir/config.csv" ] || continue
      { cat "$dir/config.csv"; printf '\0'; cat "$dir/values.csv"; } >"$corpus/seed-$(basename "$dir")"
    done
  fi
  [ "$target" = flashcrypt_fuzz ] && flashcrypt_seeds "$corpus"
  log="$build/$target.log"
  # Leaks are detected (ASan's LeakSanitizer); -timeout makes a hang a failure.
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target-" "$corpus" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    echo "fuzz: $target: clean, ${runs:-?} runs, ${rate:-?} exec/s, corpus $(ls "$corpus" | wc -l) inputs"
  else
    echo "fuzz: $target: FAILED (log: $log)"; grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$log" | head -5
    failed=$((failed + 1))
  fi
done
echo "fuzz: ${#targets[@]} targets, $failed failed"
[ "$failed" -eq 0 ]
