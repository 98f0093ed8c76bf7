#!/usr/bin/env bash
# Runs `vkwin32h check` with sample_configs/nvidia-linux.json on a GPU machine of
# the `device` tool (README "On a GPU machine": build/default and .gl/ carried).
# Writes to $OUT: check.{json,xml,txt} (timings, no layer), check-validate.*
# (the same under the validation layer, for its verdict), and the exit codes.
set -uo pipefail
out=${OUT:-/tmp/vkw-gpu}
mkdir -p "$out"
. scripts/gpu-env.sh
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/machine.txt"
for run in check check-validate; do
  extra=()
  [ "$run" = check-validate ] && extra=(--validate)
  $exe check --config sample_configs/nvidia-linux.json "${extra[@]}" --json "$out/$run.json" \
    --junit "$out/$run.xml" --summary "$out/$run.txt" >/dev/null 2>"$out/$run.stderr"
  echo "$run: exit $?" | tee -a "$out/exit-codes.txt"
  cat "$out/$run.txt" "$out/$run.stderr"
done
