#!/usr/bin/env bash
# tools/test.sh: install what is missing, build, run the whole suite through ctest, then the
# same under AddressSanitizer + UndefinedBehaviorSanitizer, then the libFuzzer targets (tools/fuzz.sh).
# Non-zero exit on any failure.
# The sanitizer build is made with clang and also holds the libFuzzer targets (-DFWPROV_FUZZ=ON),
# so the libraries are compiled once for both, not once more for fuzzing: on a 2-core CI box
# that is minutes. (tools/fuzz.sh alone builds its own optimised build-fuzz/ for long runs.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/install-deps.sh"

jobs=$(nproc)
# Most CLI tests wait on simulators, sockets and child processes rather than the CPU, so ctest
# runs twice as many tests as there are cores (builds use one job per core).
test_jobs=$((jobs * 2))
echo "== build (build/)"
bash "$root/tools/build.sh" "$root/build"
echo "== test (build/)"
ctest --test-dir "$root/build" --output-on-failure --parallel "$test_jobs"

echo "== build (build-asan/, clang, ASan+UBSan, with the libFuzzer targets)"
# A build-asan/ configured otherwise (gcc, or before the fuzz targets moved here) is made anew.
grep -q '^FWPROV_FUZZ:BOOL=ON' "$root/build-asan/CMakeCache.txt" 2>/dev/null || rm -rf "$root/build-asan"
CC=clang CXX=clang++ bash "$root/tools/build.sh" "$root/build-asan" -DFWPROV_SANITIZE=ON -DFWPROV_FUZZ=ON -DFWPROV_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=Debug
echo "== test (build-asan/)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$root/build-asan" --output-on-failure --parallel "$test_jobs" --label-exclude no-sanitize

echo "== fuzz (build-asan/, libFuzzer + ASan/UBSan): each target over its corpus, ${FWPROV_FUZZ_BUDGET:-90} s in all"
bash "$root/tools/fuzz.sh" --build "$root/build-asan" --budget "${FWPROV_FUZZ_BUDGET:-90}"
