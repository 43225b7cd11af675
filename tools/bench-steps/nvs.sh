#!/usr/bin/env bash
# Bench step for `fwprov nvs`: whole-process times on the 1 MiB input of
# tools/bench-inputs/make-nvs-bench-input.py (2000 u32, 800 strings, 50 blobs of 8 KiB).
# Prints the median of 9 runs per command, in the bench folder (a disk under /tmp here) and,
# when there is one, on tmpfs (/dev/shm), which shows fwprov's own cost.
# Each generate/encrypt run writes a new output file, as a CI job writing into a fresh build
# folder does: replacing a just-written 1 MiB file costs ~4 ms more on ext4 for any writer
# (delayed-allocation flush on truncate or rename-over; measured the same with Python's open('wb')).
set -euo pipefail

median() {  # median COMMAND...: median wall time of 9 runs; "{}" in an argument becomes the run number
  local times=() run args
  for run in 1 2 3 4 5 6 7 8 9; do
    args=("${@//\{\}/$run}")
    times+=("$(seconds "${args[@]}")")
  done
  rm -f out-*.bin
  printf '%s\n' "${times[@]}" | sort -n | sed -n 5p
}
report() {  # report LABEL TARGET COMMAND...
  local label=$1 target=$2; shift 2
  local warm=("${@//\{\}/warm}")
  "${warm[@]}" >/dev/null  # warm the page cache
  echo "$label: $(median "$@") s (target < $target s)"
}
run_set() {  # run_set WHERE FOLDER
  local where=$1 dir=$2
  mkdir -p "$dir"
  cd "$dir"
  python3 "$ROOT/tools/bench-inputs/make-nvs-bench-input.py" . >/dev/null
  "$FWPROV" nvs generate-key --keyfile bench-keys.bin --outdir . >/dev/null
  "$FWPROV" nvs generate bench.csv bench.bin 0x100000 >/dev/null
  report "nvs generate (1 MiB, $where)" 0.010 "$FWPROV" nvs generate bench.csv 'out-{}.bin' 0x100000
  report "nvs encrypt (1 MiB, $where)" 0.020 "$FWPROV" nvs encrypt bench.csv 'out-enc-{}.bin' 0x100000 --inputkey keys/bench-keys.bin
  report "nvs decode (1 MiB, $where)" 0.010 "$FWPROV" nvs decode bench.bin
  report "nvs check (1 MiB, $where)" 0.010 "$FWPROV" nvs check bench.bin
  cd - >/dev/null
}
run_set disk "$BENCH/nvs"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  shm=$(mktemp -d /dev/shm/fwprov-bench.XXXXXX)
  trap 'rm -rf "$shm"' EXIT
  run_set tmpfs "$shm/nvs"
fi
