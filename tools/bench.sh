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
# seconds COMMAND...: wall time of one run in seconds (4 decimals). Bash's own clock
# ($EPOCHREALTIME, microseconds): timing with $(date) would add a fork+exec of date (~1 ms
# here) to every figure.
seconds() {
  local start=$EPOCHREALTIME
  "$@" >/dev/null
  local end=$EPOCHREALTIME
  local us=$((10#${end/./} - 10#${start/./}))
  printf '%d.%04d' $((us / 1000000)) $(((us % 1000000) / 100))
}
export -f seconds
stages=("$@")
[ "${#stages[@]}" -gt 0 ] || stages=($(ls "$root/tools/bench-steps" | sed 's/\.sh$//'))
for stage in "${stages[@]}"; do
  echo "== $stage"
  bash "$root/tools/bench-steps/$stage.sh"
done
