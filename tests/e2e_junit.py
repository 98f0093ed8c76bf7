#!/usr/bin/env python3
"""End-to-end tests of the JUnit XML that `vkwin32h check` writes, as its
consumers take it: every kind of real outcome (passed, failed, skipped
scenarios, not judged, interrupted by the deadline, a machine that lacks what
the config needs) validated
with xmllint against the schema of Jenkins' xUnit plugin and the Ant JUnit
schema (tests/schemas/), then read back with junitparser (Debian's
python3-junitparser) and held against the JSON report of the same run.

    e2e_junit.py --exe PATH --schema PATH TEST_NAME
"""
import copy
import json
import os
import signal
import subprocess
import tempfile
import time

import junitparser

import harness
from harness import check, load, run

ROOT = harness.ROOT
SCHEMAS = {name: os.path.join(ROOT, "tests", "schemas", f"junit-{name}.xsd")
           for name in ("jenkins-xunit", "ant")}

CAPABILITY = {"object": "buffer", "handle_type": "OPAQUE_FD", "exportable": True}
ROUND_TRIPS = {"name": "round trips", "part": "round-trips", "modes": ["host-timeline"],
               "peer": "thread", "round_trips": 50, "warmup": 5,
               "expect": {"passes": True, "p99_us_max": 100000}}

# What each case's config is, and the exit code it ends with.
CASES = {
    "passed": ({"name": "all pass", "devices": "all", "capabilities": [CAPABILITY],
                "benches": [ROUND_TRIPS]}, 0),
    "failed": ({"name": 'fails <here> & "there"', "devices": "all",
                "capabilities": [CAPABILITY, dict(CAPABILITY, handle_type="DMA_BUF")],
                "benches": [dict(ROUND_TRIPS, name="rt 'é'",
                                 expect={"passes": True, "p99_us_max": 0.001})]}, 14),
    # Lavapipe has no DMA_BUF: every scenario of the bench is skipped.
    "skipped": ({"name": "skipped scenarios", "devices": "all",
                 "benches": [{"name": "dma-buf", "part": "memory", "handle_types": ["DMA_BUF"],
                              "sizes": ["64K"], "iterations": 1,
                              "expect": {"verified": True, "leaked_handles_max": 0}}]}, 14),
    "environment": ({"name": "no such GPU", "devices": [{"name": "NoSuchGPU*"}],
                     "capabilities": [CAPABILITY]}, 15),
    # The deadline passes during the memory bench: what did not finish is in error.
    "interrupted": ({"name": "deadline", "devices": "all", "deadline_s": 1,
                     "capabilities": [CAPABILITY],
                     "benches": [{"name": "long memory", "part": "memory",
                                  "handle_types": ["OPAQUE_FD"], "scenarios": ["buffer-map"],
                                  "sizes": ["1M"], "iterations": 1000000,
                                  "expect": {"verified": True}}]}, 16),
    # The bench child is killed while it runs (below): not judged.
    "error": ({"name": "child killed", "devices": "all", "timeout_s": 10,
               "capabilities": [CAPABILITY],
               "benches": [{"name": "long memory", "part": "memory",
                            "handle_types": ["OPAQUE_FD"], "scenarios": ["buffer-map"],
                            "sizes": ["1M"], "iterations": 100000,
                            "expect": {"verified": True, "leaked_handles_max": 0}}]}, 1),
}


def run_case(d, kind):
    cfg, want_rc = CASES[kind]
    path = os.path.join(d, f"{kind}.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    out = {"json": os.path.join(d, f"{kind}.out.json"), "xml": os.path.join(d, f"{kind}.xml")}
    argv = harness.tool_command("check", "--config", path, "--json", out["json"], "--junit",
                                out["xml"], "--quiet")
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=harness.tool_env())
    if kind == "error":
        child = harness.first_child_of(proc)
        check(child is not None, "the check started a bench child")
        if child is not None:
            time.sleep(1.0)
            os.kill(child, signal.SIGKILL)
    _, stderr = harness.wait_for(proc, 120, f"{kind}: the check ended")
    check(proc.returncode == want_rc, f"{kind}: exit {want_rc}, got {proc.returncode}: {stderr}")
    return out


def xmllint(schema, path):
    try:
        return subprocess.run(["xmllint", "--noout", "--schema", schema, path],
                              capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        check(False, "xmllint is installed (Debian: libxml2-utils)")
        raise SystemExit(1)


def read_back(kind, out):
    """The JUnit file as junitparser reads it, held against the JSON report."""
    report = load(out["json"])["check"]
    xml = junitparser.JUnitXml.fromfile(out["xml"])
    suites = list(xml)
    cases = [case for suite in suites for case in suite]
    got = {"tests": sum(s.tests for s in suites), "failures": sum(s.failures for s in suites),
           "errors": sum(s.errors for s in suites), "skipped": sum(s.skipped or 0 for s in suites)}
    for s in suites:
        check(s.tests == len(list(s)), f"{kind}: suite {s.name!r} counts its {len(list(s))} "
                                       f"test cases: tests={s.tests}")
    ex = report["expectations"]
    if kind == "environment":
        # Nothing judged: one test case in error says why.
        check(not ex and len(cases) == 1, f"{kind}: one test case, no expectation: {len(cases)}")
        res = cases[0].result if cases else []
        check(len(res) == 1 and isinstance(res[0], junitparser.Error)
              and res[0].message == report["message"],
              f"{kind}: the test case is in error with the report's message "
              f"{report['message']!r}: {[(type(x).__name__, x.message) for x in res]}")
        check(got == {"tests": 1, "failures": 0, "errors": 1, "skipped": 0},
              f"{kind}: the counts say one error: {got}")
        return
    summary = report["summary"]
    want = {"tests": summary["expectations"], "failures": summary["failed"],
            "errors": summary["errors"], "skipped": 0}
    check(got == want, f"{kind}: JUnit counts {got} are the JSON report's {want}")
    check(len(cases) == len(ex), f"{kind}: one test case per expectation: {len(cases)} vs {len(ex)}")
    names = [c.name for c in cases]
    check(len(set(names)) == len(names), f"{kind}: test case names are unique: {names}")
    for e, case in zip(ex, cases):
        res = case.result
        kinds = [type(x).__name__ for x in res]
        check(case.name == f"{e['name']} ({e['source']})",
              f"{kind}: test case {case.name!r} is expectation {e['name']!r} ({e['source']})")
        if e["outcome"] == "passed":
            check(not res, f"{kind}: {e['id']}: passed, no result element: {kinds}")
            continue
        cls = junitparser.Failure if e["outcome"] == "failed" else junitparser.Error
        check(len(res) == 1 and isinstance(res[0], cls),
              f"{kind}: {e['id']}: {e['outcome']} is one {cls.__name__}: {kinds}")
        if len(res) == 1:
            check(res[0].message == (e["message"] or e["name"]),
                  f"{kind}: {e['id']}: message {res[0].message!r} is the report's "
                  f"{e['message']!r}")
            measured = e["measured"] or "nothing"
            check(f"measured: {measured}" in (res[0].text or ""),
                  f"{kind}: {e['id']}: the text says what was measured ({measured!r}): "
                  f"{res[0].text!r}")
    outcomes = {e["outcome"] for e in ex}
    want_outcomes = {"passed": {"passed"}, "failed": {"passed", "failed"},
                     "skipped": {"failed"}, "error": {"passed", "error"},
                     "interrupted": {"passed", "error"}}[kind]
    check(outcomes == want_outcomes, f"{kind}: outcomes {outcomes}, want {want_outcomes}")


def test_check_junit_valid_for_jenkins_and_ant_schemas():
    with tempfile.TemporaryDirectory() as d:
        for kind in CASES:
            out = run_case(d, kind)
            if not check(os.path.exists(out["xml"]) and os.path.exists(out["json"]),
                         f"{kind}: both reports written"):
                continue
            for name, schema in SCHEMAS.items():
                p = xmllint(schema, out["xml"])
                check(p.returncode == 0, f"{kind}: valid against the {name} schema: "
                                         f"{p.stderr.strip()[-1500:]}")
            read_back(kind, out)


def test_junit_schemas_reject_what_their_consumers_reject():
    """The test schemas can fail: each refuses a file its consumer refuses."""
    good = ('<testsuites><testsuite name="s" package="p" id="0" hostname="h" '
            'timestamp="2026-01-02T03:04:05" tests="1" failures="0" errors="0" time="0.5">'
            '<properties/><testcase name="c" classname="k" time="0.1"/>'
            '<system-out/><system-err/></testsuite></testsuites>')
    bad = {
        "jenkins-xunit": [good.replace("<testsuites>", '<testsuites skipped="0">'),
                          good.replace('time="0.5"', 'time="-1"'),
                          good.replace(' tests="1"', "")],
        "ant": [good.replace("<testsuites>", '<testsuites name="x">'),
                good.replace("05\"", "05Z\""),
                good.replace('<testcase name="c" classname="k" time="0.1"/>',
                             '<testcase name="c" classname="k" time="0.1">'
                             '<system-out>x</system-out></testcase>'),
                good.replace(' hostname="h"', "")],
    }
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "j.xml")
        for name, schema in SCHEMAS.items():
            with open(path, "w") as f:
                f.write(good)
            p = xmllint(schema, path)
            check(p.returncode == 0, f"{name} accepts a plain valid file: {p.stderr}")
            for text in bad[name]:
                with open(path, "w") as f:
                    f.write(text)
                p = xmllint(schema, path)
                check(p.returncode != 0, f"{name} refuses {text[:120]!r}")


if __name__ == "__main__":
    raise SystemExit(harness.main(globals()))
