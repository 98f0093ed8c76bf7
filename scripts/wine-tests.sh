#!/usr/bin/env bash
# The Windows build's tests under Wine, run by scripts/test.sh inside one
# xvfb-run: Wine's Vulkan needs its X11 driver, and the prefix's desktop
# process must live on the same X display as the tests (a second display
# leaves Wine processes waiting on a desktop that is gone).
set -uo pipefail
cd "$(dirname "$0")/.."
export WINEPREFIX="$PWD/build/mingw/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree=;mshtml="
# A prefix of the build's own, complete once wineboot's helpers have gone
# (wineserver -w); no Mono or Gecko prompts.
if ! { wineboot --init && wineserver -w; } >/dev/null 2>&1; then
  echo "wine-tests: wineboot failed" >&2
  exit 1
fi
ctest --preset mingw -j"$(nproc)" "$@"
status=$?
wineserver -k 2>/dev/null # leave no Wine process behind
exit $status
