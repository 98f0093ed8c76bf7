#!/usr/bin/env bash
# Runs `vkwin32h bench` on a GPU machine (an NVIDIA H100/H200): the build
# (build/default) and the debs in .gl/ are made here and carried there
# (README "On a GPU machine"). Writes its reports to the folder $OUT
# (default /tmp/vkw-gpu):
#   machine.txt           the GPU and driver; probe vs vulkaninfo --summary, five runs each
#   bench-validate.*      memory up to $SIZES and every round trip, under the validation layer
#   bench.*               the same without the layer, for timings (--verbose, more round trips)
#   cycles-and-faults.txt 1000 memory cycles for leaks, what the driver says to bad handles
#   overhead-*.json/.txt  the tool's host-timeline round trip against the reference loop
#                         (bench/minimal_timeline.c), process and thread peers, ten
#                         alternating pairs each (scripts/round-trip-overhead.py)
set -uo pipefail
out=${OUT:-/tmp/vkw-gpu}
mkdir -p "$out"
sizes=${SIZES:-64K,16M,256M,1G,4G}
trips=${ROUND_TRIPS:-20000}

. scripts/gpu-env.sh
{
  nvidia-smi --query-gpu=name,driver_version,pci.bus_id,memory.total --format=csv
  nproc
  ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
  for i in 1 2 3 4 5; do
    echo "run $i: vkwin32h probe $(ms $exe probe -q) ms, vulkaninfo --summary $(ms vulkaninfo --summary) ms"
  done
} 2>&1 | tee "$out/machine.txt"

rc=0
$exe bench --validate --sizes "$sizes" --iterations 5 --round-trips 2000 --timeout 120 \
  --json "$out/bench-validate.json" >"$out/bench-validate.txt" 2>&1 || rc=$?
echo "bench under validation: exit $rc"; cat "$out/bench-validate.txt"

$exe bench --sizes "$sizes" --iterations 10 --round-trips "$trips" --timeout 120 --verbose \
  --json "$out/bench.json" >"$out/bench.txt" 2>&1
echo "bench: exit $?"

{
  echo "== 1000 cycles, 64 KiB, every scenario"
  $exe bench --parts memory --sizes 64K --iterations 1000 2>&1 | tail -8
  echo "exit ${PIPESTATUS[0]}"
  for f in stale-handle foreign-handle child-abort child-hang; do
    echo "== --fault $f"
    $exe bench --parts memory --sizes 64K --iterations 2 --scenarios buffer-copy --timeout 5 \
      --fault "$f" 2>&1 | tail -4
    echo "exit ${PIPESTATUS[0]}"
  done
  echo "== --fault lost-signal (round trips, 2 s timeout)"
  $exe bench --parts round-trips --modes host-timeline --peer process --round-trips 1000 \
    --timeout 2 --fault lost-signal 2>&1 | grep -E "host-timeline|vkwin32h:"
} 2>&1 | tee "$out/cycles-and-faults.txt"

# The tool's own overhead against the reference loop (bench/minimal_timeline.c):
# ten alternating pairs, process peer and thread peer, the ratio of medians.
for peer in process thread; do
  python3 scripts/round-trip-overhead.py --tool $exe --reference build/default/vkw_minimal_timeline \
    --peer $peer --pairs 10 --round-trips "$trips" --json "$out/overhead-$peer.json"
done 2>&1 | tee "$out/overhead.txt"
exit $rc
