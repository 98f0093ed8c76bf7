#!/usr/bin/env bash
# Fuzzes the parsers (tests/fuzz/README.md): builds the `fuzz` preset (clang,
# libFuzzer + ASan + UBSan), replays every committed input (the seed corpora
# and tests/fuzz/regressions/), then runs each harness for SECONDS (default 60)
# from a copy of its seeds. Fails on any finding; a crash, leak or hang is left
# in build/fuzz/findings/HARNESS/ with the command that reproduces it.
#   scripts/fuzz.sh [SECONDS] [HARNESS...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(check_config report args names)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)"
echo "=== fuzz: replaying the committed inputs"
ctest --preset fuzz

declare -A max_len=([check_config]=16384 [report]=32768 [args]=1024 [names]=512)
status=0
shopt -s nullglob
for h in "${harnesses[@]}"; do
  work=build/fuzz/work/$h
  findings=build/fuzz/findings/$h
  rm -rf "$work" "$findings"
  mkdir -p "$work" "$findings"
  cp tests/fuzz/corpus/"$h"/* "$work"/
  echo "=== fuzz: $h for ${seconds}s"
  # One job; -timeout: an input that takes 10 s is a hang, a finding too.
  if ./build/fuzz/tests/fuzz/fuzz_"$h" -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=2048 -max_len="${max_len[$h]:-4096}" -print_final_stats=1 \
       -artifact_prefix="$findings"/ "$work" >"$findings.log" 2>&1; then
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$findings.log" || true
  else
    status=1
    echo "fuzz: $h FOUND A PROBLEM (log: $findings.log):" >&2
    grep -E 'ERROR|SUMMARY|property failed|Test unit written' "$findings.log" >&2 || true
    for f in "$findings"/*; do
      echo "  reproduce: ./build/fuzz/tests/fuzz/fuzz_$h $f" >&2
    done
  fi
done
exit $status
