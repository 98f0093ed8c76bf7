#!/usr/bin/env bash
# Runs `vkwin32h bench` on a GPU machine of the `device` tool: the build
# (build/default) and the debs in .gl/ are made here and carried there
# (README "On a GPU machine"). Writes its reports to $OUT:
#   nvidia-smi.txt        the GPU and driver
#   timing.txt            probe vs vulkaninfo --summary, five runs each
#   bench-validate.*      every scenario up to $SIZES under the validation layer
#   bench.*               the same without the layer, for timings (--verbose)
#   cycles-and-faults.txt 1000 cycles for leaks, and what the driver says to bad handles
set -uo pipefail
out=${OUT:-/tmp/vkw-gpu}
mkdir -p "$out"
sizes=${SIZES:-64K,16M,256M,1G,4G}

. scripts/gpu-env.sh
nvidia-smi --query-gpu=name,driver_version,pci.bus_id,memory.total --format=csv | tee "$out/nvidia-smi.txt"

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
for i in 1 2 3 4 5; do
  echo "run $i: vkwin32h probe $(ms $exe probe -q) ms, vulkaninfo --summary $(ms vulkaninfo --summary) ms"
done | tee "$out/timing.txt"

rc=0
$exe bench --validate --sizes "$sizes" --iterations 5 --timeout 120 \
  --json "$out/bench-validate.json" >"$out/bench-validate.txt" 2>&1 || rc=$?
echo "bench under validation: exit $rc"; cat "$out/bench-validate.txt"

$exe bench --sizes "$sizes" --iterations 10 --timeout 120 --verbose \
  --json "$out/bench.json" >"$out/bench.txt" 2>&1
echo "bench: exit $?"

{
  echo "== 1000 cycles, 64 KiB, every scenario"
  $exe bench --sizes 64K --iterations 1000 --json "$out/cycles.json" 2>&1 | tail -8
  echo "exit ${PIPESTATUS[0]}"
  for f in stale-handle foreign-handle child-abort child-hang; do
    echo "== --fault $f"
    $exe bench --sizes 64K --iterations 2 --scenarios buffer-copy --timeout 5 --fault "$f" 2>&1 | tail -4
    echo "exit ${PIPESTATUS[0]}"
  done
} | tee "$out/cycles-and-faults.txt"
exit $rc
