#!/usr/bin/env bash
# Cross-API sharing on a GPU machine (an NVIDIA H100/H200): the child imports
# into CUDA and GL as well as Vulkan. The build (build/default) and the debs
# in .gl/ are made here and carried there (README "On a GPU machine").
# Writes to the folder $OUT (default /tmp/vkw-gpu-interop):
#   probe.{json,txt}        the probe with its "Other APIs" section
#   cuda-import.txt         tests/test_cuda_import: the CUDA importer in one process
#   memory.{json,txt,html}  bench --parts memory --importer vulkan,cuda,gl, 64M and 1G,
#                           under the validation layer (both processes)
#   rt.{json,txt,html}      round trips with each importer's side, under the layer
#   leak-<api>.{json,txt}   1000 export/import cycles into each API: no fd kept
#   check.{json,txt}        sample_configs/nvidia-linux-interop.json
#   summary.txt             the figures, one line each (scripts/interop-figures.py)
set -uo pipefail
out=${OUT:-/tmp/vkw-gpu-interop}
mkdir -p "$out"

. scripts/gpu-env.sh
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/machine.txt"

$exe probe --json "$out/probe.json" >"$out/probe.txt" 2>&1
echo "probe: exit $?"; grep -A12 "Other APIs" "$out/probe.txt" | head -14

t=build/default/tests/test_cuda_import
if [ -x $t ]; then
  for c in $($t --list); do
    $t "$c" >>"$out/cuda-import.txt" 2>&1
    echo "test_cuda_import $c: exit $?"
  done
  grep -h "CUDA copies\|opened" "$out/cuda-import.txt" | sort -u | head -4
fi

$exe bench --parts memory --importer vulkan,cuda,gl --sizes 64M,1G --iterations 3 --validate \
  --timeout 120 --verbose --json "$out/memory.json" >"$out/memory.txt" 2>&1
echo "memory: exit $?"
$exe report "$out/memory.json" --format html --output "$out/memory.html"

$exe bench --parts round-trips --importer vulkan,cuda,gl --peer process \
  --modes os,host-timeline,queue-timeline,queue-binary --round-trips 2000 --warmup 200 \
  --validate --timeout 60 --json "$out/rt.json" >"$out/rt.txt" 2>&1
echo "round trips: exit $?"
$exe report "$out/rt.json" --format html --output "$out/rt.html"

for api in cuda gl; do
  $exe bench --parts memory --importer $api --sizes 64K --scenarios buffer-copy \
    --iterations 1000 --timeout 60 --json "$out/leak-$api.json" >"$out/leak-$api.txt" 2>&1
  echo "1000 cycles into $api: exit $?"
done

$exe check --config sample_configs/nvidia-linux-interop.json --json "$out/check.json" \
  --junit "$out/junit.xml" --summary "$out/check.txt" --progress never >/dev/null 2>&1
echo "check nvidia-linux-interop.json: exit $?"; tail -3 "$out/check.txt"

python3 scripts/interop-figures.py "$out" | tee "$out/summary.txt"
