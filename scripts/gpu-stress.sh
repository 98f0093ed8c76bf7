#!/usr/bin/env bash
# Stress on a GPU machine (an NVIDIA H100/H200): 8 importers, memory and
# semaphores, chaos on. The build (build/default) and the debs in .gl/ are made
# here and carried there (README "On a GPU machine"). One part per call, each
# within a 10-minute command:
#   scripts/gpu-stress.sh validated   60 s under the validation layer (every process)
#   scripts/gpu-stress.sh soak        the soak: $SOAK (default 540s) without the layer
#   scripts/gpu-stress.sh overhead    scripts/stress-overhead.py: one importer, one object
#                                     in flight, no chaos, next to the bench's cycle rate
# Writes to the folder $OUT (default /tmp/vkw-gpu-stress): <part>.{json,txt,html}
# (overhead.json), machine.txt.
set -uo pipefail
part=${1:?validated, soak or overhead}
out=${OUT:-/tmp/vkw-gpu-stress}
mkdir -p "$out"

. scripts/gpu-env.sh
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/machine.txt"

common=(--importers 8 --concurrency 4 --sizes 64K,1M,16M --chaos 0.02 --timeout 10
        --interval 1s --progress always)
case "$part" in
  validated)
    $exe stress "${common[@]}" --duration 60s --seed 1 --validate \
      --json "$out/validated.json" >"$out/validated.txt" 2>"$out/validated.log"
    echo "validated: exit $?" ;;
  soak)
    $exe stress "${common[@]}" --duration "${SOAK:-540s}" --seed 2 \
      --json "$out/soak.json" >"$out/soak.txt" 2>"$out/soak.log"
    echo "soak: exit $?" ;;
  overhead)
    python3 scripts/stress-overhead.py --exe "$exe" --out "$out/overhead.json" \
      --sizes 64K,1M,16M --scenarios buffer-map,buffer-copy --cycles 400 --repeat 3
    echo "overhead: exit $?" ;;
  *) echo "unknown part '$part'" >&2; exit 2 ;;
esac
for f in "$out"/validated.json "$out"/soak.json; do
  [ -f "$f" ] && $exe report "$f" --format html --output "${f%.json}.html"
done
for f in "$out"/*.txt; do
  case "$f" in */machine.txt) ;; *) echo "== $f"; grep -E "^(FAILED|PASSED|Operations|  memory|  fan-out|  binary|  timeline|  fence|  signal|  (ok|FAIL) )" "$f" | head -30 ;; esac
done
