#!/usr/bin/env bash
# Bench step for `fwprov mfg generate`: whole-process wall time (median of 5 runs) for 200,
# 1000 and 10000 devices from tools/bench-inputs/make-mfg-bench-input.py, with --jobs 1 and 2.
# Each device is two new files, so on a disk the time is mostly the file system's file
# creation (on ext4 it grows a lot after many deletions). The same runs on tmpfs (/dev/shm),
# when there is one, show fwprov's own cost; both are printed, neither hides the other.
set -euo pipefail
run_set() {  # run_set LABEL BASE_DIR
  local label=$1 base=$2
  for devices in 200 1000 10000; do
    dir="$base/mfg-$devices"
    python3 "$ROOT/tools/bench-inputs/make-mfg-bench-input.py" "$dir" "$devices" >/dev/null
    for jobs in 1 2; do
      times=()
      for run in 1 2 3 4 5; do
        out="$dir/out-$jobs-$run"
        times+=("$(cd "$dir" && seconds "$FWPROV" mfg generate config.csv values.csv dev 0x3000 --fileid serial --outdir "$out" --jobs "$jobs")")
        rm -rf "$out"
        sync  # untimed: fwprov's own syncfs must not pay for flushing the cleanup above
      done
      median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
      target=""
      [ "$devices" = 1000 ] && [ "$jobs" = 2 ] && target=" (target < 0.100 s)"
      echo "mfg generate $devices devices --jobs $jobs ($label): $median s$target"
    done
    rm -rf "$dir"
  done
}
run_set "disk" "$BENCH"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  shm=$(mktemp -d /dev/shm/fwprov-bench.XXXXXX)
  trap 'rm -rf "$shm"' EXIT
  run_set "tmpfs" "$shm"
fi
