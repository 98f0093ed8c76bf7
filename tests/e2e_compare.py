#!/usr/bin/env python3
"""End-to-end tests of `vkwin32h compare`: real reports from lavapipe, then the
same reports with a lost capability or an injected slowdown.

    e2e_compare.py --exe PATH --schema PATH TEST_NAME
"""
import copy
import json
import os
import sys
import tempfile

import harness
from harness import check, one_stderr_line, run, write


def real_bench(d):
    path = os.path.join(d, "old.json")
    p = run("bench", "--sizes", "64K", "--iterations", "2", "--round-trips", "200", "--warmup",
            "20", "--json", path, "--quiet")
    check(p.returncode == 0, f"a real bench report: {p.stderr}")
    with open(path) as f:
        return path, json.load(f)


def test_compare_identical_reports_find_nothing():
    with tempfile.TemporaryDirectory() as d:
        old, r = real_bench(d)
        p = run("compare", old, write(d, "new.json", r))
        check(p.returncode == 0, f"exit 0, got {p.returncode}: {p.stderr}")
        last = p.stdout.strip().splitlines()[-1]
        check(last.startswith("0 regression(s), 0 other change(s) in ")
              and int(last.split(" in ")[1].split()[0]) > 50,
              f"nothing found among many comparisons: {last}")


def test_compare_flags_a_lost_handle_type():
    with tempfile.TemporaryDirectory() as d:
        old, r = real_bench(d)
        new = copy.deepcopy(r)
        for e in new["devices"][0]["external_memory"]:
            if e["handle_type"] == "OPAQUE_FD":
                e["verdict"] = {"code": "driver_says_no", "detail": "no case is exportable"}
        # And a gain the other way (lavapipe cannot share fences): not a regression.
        for e in new["devices"][0]["external_fences"]:
            if e["handle_type"] == "OPAQUE_FD":
                check(e["verdict"]["code"] != "shareable", "lavapipe shares no fence")
                e["verdict"] = {"code": "shareable", "detail": "as if a newer driver"}
        p = run("compare", old, write(d, "new.json", new))
        check(p.returncode == 13, f"exit 13 (regression), got {p.returncode}")
        one_stderr_line(p, "1 regression(s)")
        lines = p.stdout.splitlines()
        check(any(l.startswith("REGRESSION lost") and "memory OPAQUE_FD" in l for l in lines),
              f"the lost handle type is named: {lines}")
        check(any(l.startswith("note") and "gained" in l and "fence OPAQUE_FD" in l
                  for l in lines), f"the gained one is a note: {lines}")


def test_compare_flags_an_injected_slowdown():
    with tempfile.TemporaryDirectory() as d:
        old, r = real_bench(d)
        new = copy.deepcopy(r)
        slowed = next(x for x in new["bench"]["round_trips"]["results"]
                      if x["outcome"] == "passed" and x["mode"] == "host-timeline")
        slowed["round_trip_ns"]["p50"] *= 3
        scen = new["bench"]["memory"][0]
        scen["verify"]["parent_gbps"] /= 4
        newp = write(d, "new.json", new)
        p = run("compare", old, newp)
        check(p.returncode == 13, f"exit 13, got {p.returncode}")
        lines = p.stdout.splitlines()
        check(any("slower" in l and "round trip host-timeline in-process thread peer p50" in l
                  and "+200.0%" in l for l in lines), f"the slowdown, with its size: {lines}")
        check(any("lower throughput" in l and "parent_gbps" in l and "-75.0%" in l
                  for l in lines), f"the throughput drop: {lines}")
        p = run("compare", old, newp, "--tolerance", "400")
        check(p.returncode == 0, f"within a 400% tolerance: exit 0, got {p.returncode}")


def test_compare_check_reports_flag_a_failing_expectation_and_a_slowdown():
    """Two runs of a lab's check (the H100's nvidia-linux.json): an expectation
    that no longer passes, and a slower round trip inside one of the runs."""
    recorded = os.path.join(harness.DATA, "h100-check.json")
    with open(recorded) as f:
        r = json.load(f)
    with tempfile.TemporaryDirectory() as d:
        p = run("compare", recorded, write(d, "same.json", r))
        check(p.returncode == 0, f"the same check report: exit 0, got {p.returncode}: {p.stdout}")
        new = copy.deepcopy(r)
        e = next(x for x in new["check"]["expectations"] if "p99 <= 500 us" in x["name"])
        e.update(outcome="failed", measured="p99 812 us", message="p99 812 us is over the limit")
        run_ = next(x for x in new["check"]["runs"] if x["name"] == "host timeline")
        res = next(x for x in run_["bench"]["round_trips"]["results"]
                   if x["mode"] == "host-timeline" and x["peer"] == "process")
        res["round_trip_ns"]["p50"] *= 2
        p = run("compare", recorded, write(d, "new.json", new))
        check(p.returncode == 13, f"exit 13, got {p.returncode}: {p.stderr}")
        lines = p.stdout.splitlines()
        check(any(l.startswith("REGRESSION now failing") and e["id"] in l and "812" in l
                  for l in lines), f"the expectation that now fails, by id: {lines}")
        check(any("slower" in l and "'host timeline' on device 0: round trip host-timeline "
                  "OPAQUE_FD process peer p50" in l and "+100.0%" in l for l in lines),
              f"the slowdown inside the run, named by run and device: {lines}")


def test_compare_rejects_bad_input():
    with tempfile.TemporaryDirectory() as d:
        old, r = real_bench(d)
        bad = os.path.join(d, "bad.json")
        with open(bad, "w") as f:
            f.write("{not json")
        for argv, needle in ((["compare", old, os.path.join(d, "missing.json")], "missing.json"),
                             (["compare", old, bad], "not a vkwin32h report (not JSON)"),
                             (["compare", old], "needs two reports"),
                             (["compare", old, old, "--tolerance", "much"], "--tolerance"),
                             (["probe", "--tolerance", "5"], "for 'vkwin32h compare' only")):
            p = run(*argv)
            check(p.returncode == 2, f"{argv}: exit 2, got {p.returncode}")
            one_stderr_line(p, needle)


if __name__ == "__main__":
    sys.exit(harness.main(globals()))
