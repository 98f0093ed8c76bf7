#!/usr/bin/env bash
# The full test suite: installs what is missing, checks the code's format and
# its layers (scripts/check-format.sh, scripts/check-layers.py), then builds and runs every
# test three times: natively, natively under AddressSanitizer +
# UndefinedBehaviorSanitizer, and as the Windows build (MinGW-w64) under Wine;
# checks that the suite catches each of a list of small bugs (mutation
# testing, tests/mutation/); fuzzes the parsers for a minute each
# (scripts/fuzz.sh) and runs the tests whose threads share memory under
# ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
status=0
echo "=== static checks: the code's format (.clang-format) and its layers (no circle, no include upwards)"
./scripts/check-format.sh || status=1
python3 scripts/check-layers.py || status=1
for preset in default sanitize; do
  echo "=== $preset build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$(nproc)"
  echo "=== $preset tests"
  ctest --preset "$preset" -j"$(nproc)" || status=1
done

echo "=== mutation testing: each bug of tests/mutation/mutants.json must fail a test"
python3 tests/mutation/run.py --json build/mutation.json || status=1

echo "=== fuzz: the parsers, each harness for 60 s (tests/fuzz/README.md)"
./scripts/fuzz.sh 60 || status=1

echo "=== tsan build, and the tests whose threads share memory"
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j"$(nproc)"
ctest --preset tsan -j"$(nproc)" || status=1

echo "=== mingw build (Windows x86-64)"
./scripts/build-windows-deps.sh
cmake --preset mingw >/dev/null
cmake --build --preset mingw -j"$(nproc)"
echo "=== mingw tests, under Wine"
xvfb-run -a ./scripts/wine-tests.sh || status=1
exit $status
