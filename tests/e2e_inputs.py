#!/usr/bin/env python3
"""End-to-end tests of what a hostile or careless user gives the tool: numbers
with blanks, signs and junk; input files that are FIFOs, folders, symlink
loops, unreadable or absent; terminal control characters in a config or a
report; a --pin CPU that does not exist; a loader that answers more elements
than it was given room for; and the smaller cases of issue 11, item 19.

    e2e_inputs.py --exe PATH --schema PATH TEST_NAME
"""
import copy
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

import harness
from harness import DATA, check, load, run, write

EXIT_USAGE = 2
# A raw C0 control but newline, DEL, or a C1 control (UTF-8 encoded, or a raw byte).
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f\x80-\x9f]")


def quick(*argv, timeout=20, env=None):
    """The tool, which must end within the timeout: a hang is a failed check
    (and the run is killed), not a hung test."""
    t0 = time.monotonic()
    try:
        p = run(*argv, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        check(False, f"{argv!r} ends within {timeout} s (it hung)")
        return None
    p.elapsed = time.monotonic() - t0
    return p


def one_line(p, what, *must_contain):
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    check(len(lines) == 1, f"{what}: exactly one line on stderr, got {lines!r}")
    for m in must_contain:
        check(bool(lines) and m in lines[-1], f"{what}: stderr says {m!r}: {lines!r}")


def small_config(**extra):
    cfg = {"name": "inputs", "os": "linux", "devices": "all",
           "capabilities": [{"object": "buffer", "handle_type": "OPAQUE_FD",
                             "exportable": True}]}
    cfg.update(extra)
    return cfg


# ---- item 10: numbers ----

BAD_NUMBERS = [" 5", "+5", "-5", "5 ", "\t5", "5\n", "0x10", "1e3", "5.0", "5K",
               "99999999999999999999", " -18446744073709551615", "-18446744073709551615"]
BAD_SIZES = [" 64K", "+64K", "-64K", "64K ", "64 K", "0x10", "0x10K", "64KK", "1.5K", "K",
             "99999999999999999999", "99999999999999999999K", " -18446744073709551615K",
             "-18446744073709551615K", "18446744073709551615K"]


def test_inputs_numbers_with_blanks_signs_and_junk_rejected():
    """Every number option, with each malformed value, is exit 2 naming the
    option; '--bogus' after it is never reached (the old parser took ' 5' and
    ' -18446744073709551615', and then failed on --bogus instead)."""
    for opt, cmd in [("--iterations", "bench"), ("--round-trips", "bench"), ("--warmup", "bench"),
                     ("--timeout", "bench"), ("--timeout-ms", "bench"),
                     ("--tolerance", "compare")]:
        for v in BAD_NUMBERS:
            argv = [cmd, f"{opt}={v}", "--bogus"]
            if cmd == "compare":
                argv[1:1] = ["a.json", "b.json"]
            p = quick(*argv)
            if p:
                check(p.returncode == EXIT_USAGE, f"{opt}={v!r}: exit 2, got {p.returncode}")
                one_line(p, f"{opt}={v!r}", opt, "expected a whole number")
    for v in BAD_SIZES:
        p = quick("bench", f"--sizes=64K,{v}", "--bogus")
        if p:
            check(p.returncode == EXIT_USAGE, f"--sizes {v!r}: exit 2, got {p.returncode}")
            one_line(p, f"--sizes {v!r}", "--sizes", "is not a size")
    for v in [" 0,1", "+0,1", "0,+1", "0,-1", "-1,0", "0, 1", "0,1 ", "0x0,1", "0,1,2",
              "0,99999999999999999999", "0"]:
        p = quick("bench", f"--pin={v}", "--bogus")
        if p:
            check(p.returncode == EXIT_USAGE, f"--pin {v!r}: exit 2, got {p.returncode}")
            one_line(p, f"--pin {v!r}", "--pin", "PARENT_CPU,PEER_CPU")
    # The good forms still parse (then --bogus is the error).
    for opt, v in [("--iterations", "5"), ("--iterations", "007"), ("--sizes", "64K,16MiB,1GB"),
                   ("--sizes", "65536"), ("--pin", "0,0")]:
        p = quick("bench", f"{opt}={v}", "--bogus")
        if p:
            one_line(p, f"{opt}={v!r}", "unknown option '--bogus'")


def test_inputs_config_sizes_with_blanks_and_signs_rejected():
    """A size string of a check config goes through the same parser: exit 2
    with the place, before anything runs (the old reader made 1024 bytes of
    ' -18446744073709551615K')."""
    with tempfile.TemporaryDirectory() as d:
        for v in [" -18446744073709551615K", " 64K", "+64K", "64K ", "0x10K", "1.5M",
                  "99999999999999999999K"]:
            bench = {"name": "m", "part": "memory", "sizes": [v], "iterations": 1,
                     "expect": {"verified": True}}
            path = write(d, "c.json", small_config(benches=[bench]))
            p = quick("check", "--config", path, "--dry-run")
            if p:
                check(p.returncode == EXIT_USAGE, f"size {v!r}: exit 2, got {p.returncode}: "
                                                  f"{p.stdout[-300:]}")
                one_line(p, f"size {v!r}", "benches[0].sizes[0]")


# ---- item 9: input files that are not regular files ----

def as_nobody(argv):
    """Run as an unprivileged user when root (root reads any file)."""
    if os.geteuid() != 0:
        return argv
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv]


def run_quick_raw(argv, timeout=10):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              env=harness.tool_env())
    except subprocess.TimeoutExpired:
        check(False, f"{argv!r} ends within {timeout} s (it hung)")
        return None


def test_inputs_non_regular_files_refused_with_reason():
    """check --config, report and compare (either side) given a FIFO, a folder,
    a symlink loop, an unreadable file, a missing file or a path too long:
    exit 2 at once, one line that says why (the old reader hung on the FIFO
    for ever and said no reason)."""
    good = os.path.join(DATA, "h100-probe.json")
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o755)
        fifo = os.path.join(d, "fifo.json")
        os.mkfifo(fifo)
        folder = os.path.join(d, "folder.json")
        os.mkdir(folder)
        loop = os.path.join(d, "loop.json")
        os.symlink(os.path.join(d, "loop2.json"), loop)
        os.symlink(loop, os.path.join(d, "loop2.json"))
        secret = os.path.join(d, "secret.json")
        with open(secret, "w") as f:
            json.dump(small_config(), f)
        os.chmod(secret, 0)
        missing = os.path.join(d, "missing.json")
        cases = [(fifo, "not a regular file (a FIFO)"), (folder, "Is a directory"),
                 (loop, "Too many levels of symbolic links"), (missing, "No such file or directory"),
                 (secret, "Permission denied")]
        for path, reason in cases:
            for what, argv in [("config", ["check", "--config", path]),
                               ("report", ["report", path]),
                               ("report", ["compare", path, good]),
                               ("report", ["compare", good, path])]:
                cmd = harness.tool_command(*argv)
                t0 = time.monotonic()
                p = run_quick_raw(as_nobody(cmd) if path == secret else cmd)
                if not p:
                    continue
                check(p.returncode == EXIT_USAGE, f"{argv}: exit 2, got {p.returncode}: {p.stderr}")
                check(time.monotonic() - t0 < 8, f"{argv}: at once")
                one_line(p, repr(argv), f"cannot read {what} '{path}': {reason}")
                check(not p.stdout, f"{argv}: nothing on stdout: {p.stdout[:200]!r}")


def test_inputs_long_paths_keep_the_reason():
    """A very long path is cut in the message, never the reason after it."""
    with tempfile.TemporaryDirectory() as d:
        deep = os.path.join(d, "a" * 200, "b" * 200, "c" * 200)
        os.makedirs(deep)
        missing = os.path.join(deep, "missing.json")
        for what, argv in [("config", ["check", "--config", missing]),
                           ("report", ["report", missing])]:
            p = quick(*argv)
            if p:
                check(p.returncode == EXIT_USAGE, f"{what}: exit 2, got {p.returncode}")
                one_line(p, what, f"cannot read {what} '", "...': No such file or directory")
        bad = write(deep, "bad.json", {"name": "x"})
        p = quick("check", "--config", bad)
        if p:
            check(p.returncode == EXIT_USAGE, f"bad config: exit 2, got {p.returncode}")
            one_line(p, "bad config", "...': ", "devices: missing (required)")


# ---- item 11: terminal control characters ----

ESCAPES = "\x1b[31mRED\x1b]0;title\x07\x9b2J\x7f\ttab\nline"


def no_raw_controls(text, what):
    found = RAW_CONTROL.findall(text)
    check(not found, f"{what}: no raw control character, found {found[:5]!r}")
    for shown in ["\\x1b", "31mRED", "\\x07", "\\u009b2J", "\\x7f", "\\x09tab", "\\x0aline"]:
        check(shown in text, f"{what}: shows {shown!r} escaped: {text[:600]!r}")


def test_inputs_control_characters_in_a_config_printed_escaped():
    """A config's name with ESC, BEL, a C1 CSI, DEL, tab and newline: the dry
    run, the summary on stdout, the summary file and an error all show them
    escaped (the old tool printed them raw)."""
    with tempfile.TemporaryDirectory() as d:
        path = write(d, "c.json", small_config(name="lab " + ESCAPES))
        p = quick("check", "--config", path, "--dry-run")
        if p:
            check(p.returncode == 0, f"dry run: exit 0, got {p.returncode}: {p.stderr}")
            no_raw_controls(p.stdout, "dry run")
        summary = os.path.join(d, "summary.txt")
        p = quick("check", "--config", path, "--summary", summary, timeout=120)
        if p:
            check(p.returncode == 0, f"check: exit 0, got {p.returncode}: {p.stderr}")
            no_raw_controls(p.stdout, "summary on stdout")
            with open(summary, encoding="utf-8", errors="surrogateescape") as f:
                no_raw_controls(f.read(), "summary file")
        # An unknown key and a bad value, both with controls, in the error.
        cfg = small_config()
        cfg["bad " + ESCAPES] = 1
        p = quick("check", "--config", write(d, "k.json", cfg))
        if p:
            check(p.returncode == EXIT_USAGE, f"unknown key: exit 2, got {p.returncode}")
            one_line(p, "unknown key", "unknown key")
            no_raw_controls(p.stderr, "unknown key's error")
        p = quick("check", "--config", write(d, "v.json", small_config(devices=ESCAPES)))
        if p:
            check(p.returncode == EXIT_USAGE, f"bad value: exit 2, got {p.returncode}")
            one_line(p, "bad value", "devices")
            check(not RAW_CONTROL.findall(p.stderr), f"bad value's error escaped: {p.stderr!r}")


def test_inputs_control_characters_in_a_report_printed_escaped():
    """A report whose device name and verdict detail carry controls: `report`
    as text and Markdown, and `compare`, show them escaped."""
    r = load(os.path.join(DATA, "h100-probe.json"))
    r["devices"][0]["identity"]["name"] = "H100 " + ESCAPES
    with tempfile.TemporaryDirectory() as d:
        old = write(d, "old.json", r)
        for fmt in ["text", "markdown"]:
            p = quick("report", old, "--format", fmt)
            if p:
                check(p.returncode == 0, f"report {fmt}: exit 0, got {p.returncode}: {p.stderr}")
                no_raw_controls(p.stdout, f"report {fmt}")
        new = copy.deepcopy(r)
        for e in new["devices"][0]["external_memory"]:
            if e["handle_type"] == "OPAQUE_FD":
                e["verdict"] = {"code": "driver_says_no", "detail": "gone " + ESCAPES}
        p = quick("compare", old, write(d, "new.json", new))
        if p:
            check(p.returncode == 13, f"compare: exit 13, got {p.returncode}: {p.stderr}")
            check("REGRESSION" in p.stdout, f"compare names the regression: {p.stdout!r}")
            no_raw_controls(p.stdout, "compare")
        # A path with controls in an error message.
        p = quick("report", os.path.join(d, "x" + ESCAPES))
        if p:
            one_line(p, "report of a missing path", "No such file or directory")
            check(not RAW_CONTROL.findall(p.stderr), f"the path is escaped: {p.stderr!r}")


def test_inputs_control_characters_in_arguments_printed_escaped():
    """Arguments the tool quotes back in an error (found by fuzzing the
    command line, tests/fuzz): an unknown command or option, a bad value, a
    loader or report path; each error is one line with the controls escaped."""
    with tempfile.TemporaryDirectory() as d:
        cases = [(["probe" + ESCAPES], "unknown command"),
                 (["probe", "--x" + ESCAPES], "unknown option"),
                 (["bench", "--sizes", "4" + ESCAPES], "--sizes"),
                 (["probe", "--loader", os.path.join(d, "l" + ESCAPES)], "loader"),
                 (["probe", "--json", os.path.join(d, "no", "r" + ESCAPES)], "r\\x1b")]
        for argv, want in cases:
            p = quick(*argv)
            if p:
                one_line(p, " ".join(argv[:2])[:40], want)
                no_raw_controls(p.stderr.rstrip("\n"), f"{argv[:2]!r}"[:60])


# ---- item 8: --pin ----

def test_inputs_pin_to_a_missing_cpu_fails_at_once():
    """--pin naming a CPU outside this process's affinity mask: exit 2 at once
    with the allowed CPUs (the old tool ran every mode, and the thread peer
    reported a futex timeout after --timeout)."""
    allowed = os.sched_getaffinity(0)
    cpu = next(c for c in range(1024) if c not in allowed)
    base = min(allowed)
    for pin in [f"{base},{cpu}", f"{cpu},{base}"]:
        p = quick("bench", "--pin", pin, "--peer", "thread", "--parts", "round-trips",
                  "--modes", "os", "--round-trips", "50", "--warmup", "5", "--timeout", "30",
                  timeout=25)
        if p:
            check(p.returncode == EXIT_USAGE, f"--pin {pin}: exit 2, got {p.returncode}: "
                                              f"{p.stderr}")
            check(p.elapsed < 10, f"--pin {pin}: at once, took {p.elapsed:.1f} s")
            one_line(p, f"--pin {pin}", f"cannot pin a thread: CPU {cpu} does not exist or is "
                                        "not one this process may run on (allowed: ")
    # An allowed CPU still runs (an OS-only bench, whose exit code is item
    # 18's: the round trips themselves must pass).
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "r.json")
        p = quick("bench", "--pin", f"{base},{base}", "--peer", "thread", "--parts",
                  "round-trips", "--modes", "os", "--round-trips", "50", "--warmup", "5",
                  "--json", path, "--quiet", timeout=120)
        if p and check(os.path.exists(path), f"--pin {base},{base}: a report: {p.stderr}"):
            results = load(path)["bench"]["round_trips"]["results"]
            check(results and all(x["outcome"] == "passed" for x in results),
                  f"--pin {base},{base}: the round trips pass: "
                  f"{[(x['outcome'], x.get('reason')) for x in results]}")


# ---- item 12: a loader that answers more than it was given room for ----

def test_inputs_overcounting_loader_gives_a_clean_report():
    """Through tests/support/overcounting_loader.c (the real loader and driver
    behind it, every enumeration's fill call claiming one element more than
    it had room for): the probe and a bench end cleanly and report what the
    real loader reports (the old tool read past its arrays: ASan
    heap-buffer-overflow, or garbage counts and a crash)."""
    shim = os.environ.get("VKW_OVERCOUNTING_LOADER")
    if not check(shim and os.path.exists(shim), f"the shim loader is built: {shim!r}"):
        return
    with tempfile.TemporaryDirectory() as d:
        real, lying = os.path.join(d, "real.json"), os.path.join(d, "lying.json")
        p = quick("probe", "--json", real, "--quiet", timeout=120)
        check(p and p.returncode == 0, f"the real probe: {p and p.stderr}")
        p = quick("probe", "--loader", shim, "--json", lying, "--quiet", timeout=120)
        if not p:
            return
        check(p.returncode == 0, f"probe through the shim: exit 0, got {p.returncode}: "
                                 f"{p.stderr[-3000:]}")
        check("AddressSanitizer" not in p.stderr, f"no ASan report: {p.stderr[-3000:]}")
        if not (os.path.exists(real) and os.path.exists(lying)):
            check(False, "both reports written")
            return
        a, b = load(real), load(lying)
        check(b["loader"]["path"].endswith(os.path.basename(shim)),
              f"the shim was the loader: {b['loader']}")
        for key in ["available_layers", "capability_extensions", "enabled_extensions"]:
            check(a["instance"].get(key) == b["instance"].get(key),
                  f"instance {key}: {a['instance'].get(key)!r} == {b['instance'].get(key)!r}")
        check(a["physical_device_count"] == b["physical_device_count"],
              f"as many devices: {a['physical_device_count']} == {b['physical_device_count']}")
        for da, db in zip(a["devices"], b["devices"]):
            for key in ["queue_families", "extensions", "external_memory"]:
                check(da[key] == db[key], f"device {da['index']} {key} the same through the shim")
        bench = os.path.join(d, "bench.json")
        p = quick("bench", "--loader", shim, "--sizes", "64K", "--iterations", "1",
                  "--parts", "memory", "--scenarios", "buffer-map", "--json", bench, "--quiet",
                  timeout=180)
        if p:
            check(p.returncode == 0, f"bench through the shim: exit 0, got {p.returncode}: "
                                     f"{p.stderr[-3000:]}")
            if os.path.exists(bench):
                m = load(bench)["bench"]["memory"]
                check(m and all(s["outcome"] == "passed" for s in m),
                      f"verified both ways: {[s['outcome'] for s in m]}")


# ---- item 19 ----

def test_inputs_small_defects_of_item_19():
    # --handle-types foo lists the known types, not a leftover mask.
    p = quick("bench", "--handle-types", "foo")
    if p:
        one_line(p, "--handle-types foo", "unknown memory handle type 'foo'", "RDMA_ADDRESS)")
        check("0x" not in p.stderr, f"no raw mask among the known types: {p.stderr!r}")
    # HOST_ALLOCATION is a type of this OS: "local", never "not applicable".
    p = quick("bench", "--handle-types", "HOST_ALLOCATION", "--parts", "memory", "--sizes",
              "64K", "--iterations", "1", timeout=120)
    if p:
        out = p.stdout + p.stderr
        check("not applicable" not in out, f"HOST_ALLOCATION is not 'not applicable': {out!r}")
        check("this process only" in out, f"HOST_ALLOCATION: the probe's reason: {out!r}")
    # help compare knows that check reports are compared too.
    p = quick("help", "compare")
    if p:
        check("(probe, bench or check)" in p.stdout, f"help compare: {p.stdout[:300]!r}")
    # --device with a deviceUUID prefix, as in the README.
    probe = quick("probe", "--json", "-", timeout=120)
    if probe and probe.returncode == 0:
        devices = json.loads(probe.stdout)["devices"]
        uuid = devices[0]["identity"]["device_uuid"]
        same = [x for x in devices if x["identity"]["device_uuid"].startswith(uuid[:13])]
        p = quick("probe", "--device", uuid[:13], "--json", "-", timeout=120)
        if p and len(same) == 1:
            check(p.returncode == 0, f"--device {uuid[:13]}: exit 0, got {p.returncode}: "
                                     f"{p.stderr}")
            if p.returncode == 0:
                got = json.loads(p.stdout)["devices"]
                check([x["identity"]["device_uuid"] for x in got] == [uuid],
                      f"--device {uuid[:13]} selects {uuid}")
        elif p:
            check(p.returncode == EXIT_USAGE, f"an ambiguous prefix: exit 2: {p.stderr}")
        p = quick("probe", "--device", uuid[:8].upper(), "--quiet", timeout=120)
        if p and len(same) == 1:
            check(p.returncode == 0, f"--device {uuid[:8].upper()}: exit 0: {p.stderr}")
        p = quick("probe", "--device", "ffffffff-ffff", "--quiet", timeout=120)
        if p:
            check(p.returncode == 5, f"a prefix of no device: exit 5, got {p.returncode}")
    # A failed scenario's phases that were never reached: "not measured", not 0.
    r = load(os.path.join(DATA, "h100-bench.json"))
    m = r["bench"]["memory"][0]
    m["outcome"] = "failed"
    m["reason"] = "import failed"
    for ph in m["phases_us"].values():
        ph.update(count=0, min=0, median=0, mean=0, max=0)
    with tempfile.TemporaryDirectory() as d:
        p = quick("report", write(d, "r.json", r))
        if p:
            # The scenario's row, with its reason on the line under it.
            lines = p.stdout.splitlines()
            at = [i for i, l in enumerate(lines) if l.strip() == "import failed"]
            row = [lines[i - 1] for i in at if i > 0]
            check(row and "not measured" in row[0] and "0.0us" not in row[0]
                  and row[0].split()[:2] == ["OPAQUE_FD", "buffer-map"],
                  f"a failed scenario's row: {row!r}")


def test_inputs_long_bench_names_make_distinct_junit_names():
    """Two benches whose names share their first 330 bytes: every JUnit test
    case keeps its whole name, so no two are alike (the old names were cut at
    255 bytes)."""
    stem = "€" * 110  # 330 bytes, 110 characters
    benches = [{"name": f"{stem} memory {k}", "part": "memory", "handle_types": ["OPAQUE_FD"],
                "scenarios": ["buffer-map"], "sizes": ["64K"], "iterations": 1,
                "expect": {"verified": True, "leaked_handles_max": 0}} for k in (1, 2)]
    with tempfile.TemporaryDirectory() as d:
        path = write(d, "c.json", small_config(benches=benches))
        junit = os.path.join(d, "j.xml")
        p = quick("check", "--config", path, "--junit", junit, "--quiet", timeout=180)
        if not p:
            return
        check(p.returncode == 0, f"check: exit 0, got {p.returncode}: {p.stderr}")
        if not os.path.exists(junit):
            check(False, "the JUnit file is written")
            return
        names = [c.get("name") for c in ET.parse(junit).getroot().iter("testcase")]
        check(len(names) == 5 and len(set(names)) == len(names),
              f"5 distinct test case names: {names!r}")
        check(any(f"{stem} memory 2: leaked handles <= 0" in n for n in names),
              f"a whole name: {names!r}")


if __name__ == "__main__":
    sys.exit(harness.main(globals()))
