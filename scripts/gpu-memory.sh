#!/usr/bin/env bash
# The memory bench's figures on a GPU machine (an NVIDIA H100/H200): the
# build (build/default) and the debs in .gl/ are made here and carried there
# (README "On a GPU machine"). Writes to the folder $OUT (default
# /tmp/vkw-gpu-memory):
#   memory.{json,txt,html}  bench --parts memory --sizes $SIZES --iterations 3: the default
#                           (the device writes and checks), its wall time in wall.txt
#   cpu-verify.{json,txt}   1 GiB buffer-map checked by the host (--verify cpu), --threads 16
#   validate.{json,txt}     --verify both under the validation layer, both processes
#   overhead-process.json   the host-timeline round trip against the reference loop
#   summary.txt             the figures above, one line each (scripts/memory-figures.py)
set -uo pipefail
out=${OUT:-/tmp/vkw-gpu-memory}
mkdir -p "$out"
sizes=${SIZES:-1G,2G}

. scripts/gpu-env.sh
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/machine.txt"

start=$(date +%s%N)
$exe bench --parts memory --sizes "$sizes" --iterations 3 --timeout 120 --verbose \
  --json "$out/memory.json" >"$out/memory.txt" 2>&1
rc=$?
echo "bench --parts memory --sizes $sizes --iterations 3: exit $rc," \
  "$(( ($(date +%s%N) - start) / 1000000 )) ms" | tee "$out/wall.txt"
$exe report "$out/memory.json" --format html --output "$out/memory.html"

$exe bench --parts memory --sizes 1G --scenarios buffer-map --iterations 3 --verify cpu \
  --threads 16 --timeout 120 --verbose --json "$out/cpu-verify.json" >"$out/cpu-verify.txt" 2>&1
echo "cpu verify: exit $?"

$exe bench --parts memory --sizes 64M,1G --iterations 2 --verify both --validate --timeout 120 \
  --json "$out/validate.json" >"$out/validate.txt" 2>&1
echo "validate: exit $?"; tail -3 "$out/validate.txt"

python3 scripts/round-trip-overhead.py --tool $exe --reference build/default/vkw_minimal_timeline \
  --peer process --pairs 10 --round-trips 20000 --json "$out/overhead-process.json" \
  >"$out/overhead.txt" 2>&1
echo "overhead: exit $?"; tail -2 "$out/overhead.txt"

python3 scripts/memory-figures.py "$out" | tee "$out/summary.txt"
exit $rc
