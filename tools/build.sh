#!/usr/bin/env bash
# tools/build.sh [BUILD_DIR [extra cmake args...]]: configure (once) and build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-"$root/build"}
shift || true
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build_dir" "${generator[@]}" "$@" >/dev/null
fi
cmake --build "$build_dir" --parallel "$(nproc)"
