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
# One server for the whole run (-p: it stays when the last process ends), its
# services (services.exe, rpcss, ...) started now with their output on
# /dev/null. Otherwise a test may start a server while the last one exits
# ("wine client error: recvmsg: Connection reset by peer"), and the services
# a test starts hold that test's stdout and stderr open until the server goes.
# However this script ends, it leaves no Wine process of its prefix behind:
# the server and its clients killed, then any process of the prefix that
# outlived its server (services started as a server came up are seen to).
leave_nothing() {
  wineserver -k 2>/dev/null
  wineserver -w 2>/dev/null
  local dir exe
  for dir in /proc/[0-9]*; do
    exe=$(readlink "$dir/exe" 2>/dev/null) || continue
    case $exe in */wine64 | */wine64-preloader | */wineserver64) ;; *) continue ;; esac
    if tr '\0' '\n' <"$dir/environ" 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX"; then
      kill -KILL "${dir#/proc/}" 2>/dev/null
    fi
  done
}
trap leave_nothing EXIT
if ! { wineserver -p && timeout 120 wine cmd /c exit; } >/dev/null 2>&1; then
  echo "wine-tests: could not start a Wine server for the run" >&2
  exit 1
fi
# One test at a time: with two at once on two cores, Wine lost a process's
# stdout once and left a child test hanging once in about ten runs; one at a
# time passed every run (about 80 s for the whole stage, against 40 s).
# ctest runs in the background so that a SIGTERM or SIGINT to this script
# reaches it at once (bash runs a trap only once its foreground job ends).
ctest --preset mingw -j1 "$@" &
tests=$!
trap 'kill -TERM "$tests" 2>/dev/null; wait "$tests"; exit 143' TERM
trap 'kill -INT "$tests" 2>/dev/null; wait "$tests"; exit 130' INT
wait "$tests"
