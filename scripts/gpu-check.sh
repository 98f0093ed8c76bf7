#!/usr/bin/env bash
# Runs `vkwin32h check` with sample_configs/nvidia-linux.json on a GPU machine with
# an NVIDIA H100/H200 (README "On a GPU machine": build/default and .gl/ carried).
# Writes to the folder $OUT (default /tmp/vkw-gpu), six files:
#   check.{json,xml,txt}          the check, no layer (timings)
#   check-validate.{json,txt}     the same under the validation layer (its verdict)
#   runs.log                      the GPU, the driver, each run's exit code and stderr
set -uo pipefail
out=${OUT:-/tmp/vkw-gpu}
mkdir -p "$out"
. scripts/gpu-env.sh
log="$out/runs.log"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader >"$log"
$exe check --config sample_configs/nvidia-linux.json --json "$out/check.json" \
  --junit "$out/check.xml" --summary "$out/check.txt" -q 2>>"$log"
echo "check: exit $?" >>"$log"
$exe check --config sample_configs/nvidia-linux.json --validate \
  --json "$out/check-validate.json" --summary "$out/check-validate.txt" -q 2>>"$log"
echo "check --validate: exit $?" >>"$log"
cat "$log" "$out/check.txt" "$out/check-validate.txt"
