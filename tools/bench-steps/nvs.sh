#!/usr/bin/env bash
# Bench step for `fwprov nvs`: whole-process times on the 1 MiB input of
# tools/bench-inputs/make-nvs-bench-input.py (2000 u32, 800 strings, 50 blobs of 8 KiB).
# Prints the median of 9 runs per command.
set -euo pipefail
dir="$BENCH/nvs"
mkdir -p "$dir"
cd "$dir"
python3 "$ROOT/tools/bench-inputs/make-nvs-bench-input.py" . >/dev/null
"$FWPROV" nvs generate-key --keyfile bench-keys.bin --outdir . >/dev/null

median() {  # median COMMAND...: median wall time of 9 runs
  local times=()
  for _ in 1 2 3 4 5 6 7 8 9; do times+=("$(seconds "$@")"); done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 5p
}
report() {  # report LABEL TARGET COMMAND...
  local label=$1 target=$2; shift 2
  "$@" >/dev/null  # warm the page cache
  echo "$label: $(median "$@") s (target < $target s)"
}
report "nvs generate (1 MiB)" 0.010 "$FWPROV" nvs generate bench.csv bench.bin 0x100000
report "nvs encrypt (1 MiB)" 0.020 "$FWPROV" nvs encrypt bench.csv bench-enc.bin 0x100000 --inputkey keys/bench-keys.bin
report "nvs decode (1 MiB)" 0.010 "$FWPROV" nvs decode bench.bin
report "nvs check (1 MiB)" 0.010 "$FWPROV" nvs check bench.bin
