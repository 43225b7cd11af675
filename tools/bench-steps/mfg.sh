#!/usr/bin/env bash
# Bench step for `fwprov mfg generate`: whole-process wall time (median of 5 runs) for 200,
# 1000 and 10000 devices from tools/bench-inputs/make-mfg-bench-input.py, with --jobs 1 and 2.
set -euo pipefail
for devices in 200 1000 10000; do
  dir="$BENCH/mfg-$devices"
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
    echo "mfg generate $devices devices --jobs $jobs: $median s$target"
  done
done
