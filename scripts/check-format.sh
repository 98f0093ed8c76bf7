#!/usr/bin/env bash
# Fails (exit 1) when a tracked C file differs from what clang-format makes of
# it under .clang-format; `cmake --build --preset default --target format`
# (or clang-format -i on the files) rewrites them.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.c' '*.h')
if ! out=$(clang-format --dry-run --Werror "${files[@]}" 2>&1); then
  printf '%s\n' "$out" | grep -E '^[^ ].*: error:' | head -20
  n=$(printf '%s\n' "$out" | grep -cE ': error:' || true)
  echo "check-format: $n place(s) not formatted; run: cmake --build --preset default --target format" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted as .clang-format says"
