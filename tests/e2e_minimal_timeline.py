#!/usr/bin/env python3
"""The reference loop (bench/minimal_timeline.c), run for real on lavapipe:
its thread peer measures, its process peer says why it cannot run where the
device cannot export timeline semaphores, and bad arguments are refused.

    e2e_minimal_timeline.py --exe PATH/vkw_minimal_timeline --schema PATH TEST_NAME
"""
import re
import sys

import harness
from harness import check, run

LINE = re.compile(r"^minimal host-timeline (thread|process) round trip: "
                  r"p50 (\d+) ns, p99 (\d+) ns over (\d+)$")


def test_minimal_timeline_thread_peer_measures():
    p = run("2000", "100", "thread")
    check(p.returncode == 0, f"exit 0, got {p.returncode}: {p.stderr}")
    m = LINE.match(p.stdout.strip())
    check(m is not None, f"one result line, got {p.stdout!r}")
    if m:
        p50, p99 = int(m.group(2)), int(m.group(3))
        check(m.group(1) == "thread" and m.group(4) == "2000", p.stdout)
        check(0 < p50 <= p99, f"0 < p50 {p50} <= p99 {p99}")


def test_minimal_timeline_process_peer_skips_without_exportable_semaphores():
    p = run("2000", "100", "process")
    check(p.returncode == 77, f"exit 77 (skip), got {p.returncode}: {p.stdout} {p.stderr}")
    lines = p.stdout.strip().splitlines()
    check(len(lines) == 1 and lines[0].startswith("skip: ") and "OPAQUE_FD" in lines[0]
          and "timeline" in lines[0], f"one skip line naming why, got {p.stdout!r}")
    check(not LINE.match(p.stdout.strip()), "no figures from a loop that did not run")


def test_minimal_timeline_rejects_bad_arguments():
    for argv in (["0"], ["100", "10", "fork"], ["100", "10", ""]):
        p = run(*argv)
        check(p.returncode == 2, f"{argv}: exit 2, got {p.returncode}")
        check(p.stdout == "" and p.stderr.startswith("usage: ") and
              len(p.stderr.strip().splitlines()) == 1, f"{argv}: one usage line, got {p.stderr!r}")


if __name__ == "__main__":
    sys.exit(harness.main(globals()))
