#!/usr/bin/env bash
# Runs `vkwin32h probe` on a GPU machine (an NVIDIA H100/H200), under the
# validation layer. The build (build/default) and the debs in .gl/ are made
# here and carried there (README "On the GPU machine"). Writes to $OUT.
set -uo pipefail
out=${OUT:-/tmp/vkw-gpu}
mkdir -p "$out"

. scripts/gpu-env.sh
nvidia-smi --query-gpu=name,driver_version,pci.bus_id --format=csv | tee "$out/nvidia-smi.txt"

rc=0
$exe probe --validate --verbose --json "$out/probe.json" | tee "$out/probe.txt" || rc=$?
echo "probe exit code: $rc"
# Timing: five plain runs, wall clock each.
for i in 1 2 3 4 5; do
  s=$(date +%s%N); $exe probe -q; e=$(date +%s%N)
  echo "probe run $i: $(( (e - s) / 1000000 )) ms"
done | tee "$out/timing.txt"
exit $rc
