#!/usr/bin/env bash
# tools/test.sh: install what is missing, build, run the whole suite through ctest, then the
# same under AddressSanitizer + UndefinedBehaviorSanitizer, then the libFuzzer targets (tools/fuzz.sh).
# Non-zero exit on any failure.
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

echo "== build (build-asan/, ASan+UBSan)"
bash "$root/tools/build.sh" "$root/build-asan" -DFWPROV_SANITIZE=ON -DFWPROV_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug
echo "== test (build-asan/)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$root/build-asan" --output-on-failure --parallel "$test_jobs" --label-exclude no-sanitize

echo "== fuzz (build-fuzz/, libFuzzer + ASan/UBSan): each target over its corpus, ${FWPROV_FUZZ_BUDGET:-90} s in all"
bash "$root/tools/fuzz.sh" --budget "${FWPROV_FUZZ_BUDGET:-90}"
