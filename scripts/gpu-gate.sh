#!/usr/bin/env bash
# The gate's own behaviour on a GPU machine (an NVIDIA H100/H200, README "On a
# GPU machine"), where semaphores and fences really cross processes: every
# test-only --fault, SIGTERM and SIGINT halfway through round trips on
# exported semaphores, the deadline, and --timeout against a hung child.
# Prints each command, its exit code, its wall time and the report's verdict;
# writes gate.txt and the interrupted reports to the folder $OUT (default
# /tmp/vkw-gpu).
set -uo pipefail
out=${OUT:-/tmp/vkw-gpu}
mkdir -p "$out"
. scripts/gpu-env.sh

verdict() { # REPORT.json: the report's status, interrupted flag, and failures in one line
  python3 - "$1" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"  report: none ({e.__class__.__name__})"); sys.exit()
b = r.get("bench") or {}
st = r.get("status", {})
rts = (b.get("round_trips") or {}).get("results", [])
mem = b.get("memory") or []
print(f"  report: status {st.get('code')} ok={st.get('ok')} interrupted={r.get('interrupted', False)}; "
      f"memory {[(m['scenario'], m['outcome']) for m in mem][:4]}; "
      f"round trips {[(x['mode'], x['peer'], x['outcome']) for x in rts]}")
for m in mem:
    if m.get("driver_anomaly"):
        print(f"  driver anomaly: {m['driver_anomaly']}")
    h = m.get("handles") or {}
    if h.get("leaked"):
        print(f"  leaked: {h}")
PY
}

run() { # NAME, then the tool's arguments: runs it with a JSON report, times it
  local name=$1; shift
  local s e rc
  s=$(date +%s%N)
  $exe "$@" --json "$out/$name.json" >"$out/$name.txt" 2>&1
  rc=$?
  e=$(date +%s%N)
  echo "== $name: vkwin32h $*"
  echo "  exit $rc in $(( (e - s) / 1000000 )) ms; $(grep -m1 'vkwin32h:' "$out/$name.txt")"
  verdict "$out/$name.json"
}

signal_run() { # NAME SIGNAL AFTER_S, then the tool's arguments
  local name=$1 sig=$2 after=$3; shift 3
  local s e rc pid kids
  s=$(date +%s%N)
  $exe "$@" --json "$out/$name.json" >"$out/$name.txt" 2>&1 &
  pid=$!
  sleep "$after"
  kids=$(cat /proc/$pid/task/$pid/children 2>/dev/null)
  kill -s "$sig" $pid
  wait $pid
  rc=$?
  e=$(date +%s%N)
  echo "== $name: SIG$sig after ${after} s: vkwin32h $*"
  echo "  exit $rc in $(( (e - s) / 1000000 )) ms; child(ren) at the signal: ${kids:-none};" \
       "still running: $(for k in $kids; do [ -e /proc/$k ] && grep -q '^State:.*[RSD]' /proc/$k/status && echo $k; done)"
  verdict "$out/$name.json"
}

{
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
  # (an option is given once: a second --timeout is an error)
  mem=(bench --parts memory --sizes 64K --iterations 3 --scenarios buffer-copy)
  run fault-leak "${mem[@]}" --timeout 10 --fault leak
  run fault-flip-byte "${mem[@]}" --timeout 10 --fault flip-byte
  run fault-foreign-handle "${mem[@]}" --timeout 10 --fault foreign-handle
  run fault-stale-handle "${mem[@]}" --timeout 10 --fault stale-handle
  run fault-invalid-usage "${mem[@]}" --timeout 10 --fault invalid-usage --validate
  run fault-child-abort "${mem[@]}" --timeout 10 --fault child-abort
  run fault-child-hang "${mem[@]}" --timeout 3 --fault child-hang
  run fault-lost-signal bench --parts round-trips --modes host-timeline --peer process \
    --round-trips 1000 --timeout 2 --fault lost-signal
  rt=(bench --parts round-trips --modes host-timeline,queue-timeline,queue-binary,fence
      --peer process --round-trips 2000000 --timeout 10)
  signal_run sigterm-round-trips TERM 4 "${rt[@]}"
  signal_run sigint-round-trips INT 4 "${rt[@]}"
  run deadline-round-trips "${rt[@]}" --deadline 5
  signal_run sigterm-memory TERM 4 bench --parts memory --sizes 1G --iterations 1000 \
    --scenarios buffer-copy,image-copy
} 2>&1 | tee "$out/gate.txt"
