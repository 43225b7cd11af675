#!/usr/bin/env bash
# tools/bench.sh [STAGE...]: builds a release configuration and runs each stage's benchmark
# (tools/bench-steps/<stage>.sh), one line per figure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/install-deps.sh"
bash "$root/tools/build.sh" "$root/build-release" -DCMAKE_BUILD_TYPE=Release -DFWPROV_TESTS=OFF >/dev/null
export FWPROV="$root/build-release/src/cli/fwprov" BUILD_DIR="$root/build-release" ROOT="$root"
BENCH=$(mktemp -d "${TMPDIR:-/tmp}/fwprov-bench.XXXXXX")
export BENCH
trap 'rm -rf "$BENCH"' EXIT
# seconds COMMAND...: wall time of one run, printed with millisecond resolution.
seconds() {
  local start end
  start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N)
  local ns=$((end - start))
  printf '%d.%04d' $((ns / 1000000000)) $(((ns % 1000000000) / 100000))
}
export -f seconds
stages=("$@")
[ "${#stages[@]}" -gt 0 ] || stages=($(ls "$root/tools/bench-steps" | sed 's/\.sh$//'))
for stage in "${stages[@]}"; do
  echo "== $stage"
  bash "$root/tools/bench-steps/$stage.sh"
done
