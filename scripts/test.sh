#!/usr/bin/env bash
# The full test suite: installs what is missing, then builds and runs every
# test three times: natively, natively under AddressSanitizer +
# UndefinedBehaviorSanitizer, and as the Windows build (MinGW-w64) under Wine.
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

echo "=== mingw build (Windows x86-64)"
./scripts/build-windows-deps.sh
cmake --preset mingw >/dev/null
cmake --build --preset mingw -j"$(nproc)"
echo "=== mingw tests, under Wine"
# A Wine prefix of the build's own, made once before the tests share it; no
# Mono or Gecko prompts. Wine's Vulkan needs its X11 driver: one Xvfb for all.
export WINEPREFIX="$PWD/build/mingw/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree=;mshtml="
# wineserver -w: the prefix is complete only once wineboot's helpers are gone.
xvfb-run -a sh -c 'wineboot --init && wineserver -w' >/dev/null 2>&1 \
  || { echo "wineboot failed" >&2; status=1; }
xvfb-run -a ctest --preset mingw -j"$(nproc)" || status=1
wineserver -k 2>/dev/null || true # leave no Wine process behind
exit $status
