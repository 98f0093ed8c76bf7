#!/usr/bin/env bash
# The full test suite: installs what is missing, then builds and runs every
# test twice, normally and under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
status=0
for preset in default sanitize; do
  echo "=== $preset build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$(nproc)"
  echo "=== $preset tests"
  ctest --preset "$preset" -j"$(nproc)" || status=1
done
exit $status
