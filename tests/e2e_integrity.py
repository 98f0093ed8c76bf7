#!/usr/bin/env python3
"""What the tool must never do, seen from outside with the operating system's
own eyes: a report written in place (a reader or a crash sees half of it), a
child process that outlives its parent."""
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

import harness
from harness import check


def strace_run(log, *argv, timeout=120):
    """The tool under strace -f -y (file descriptors annotated with their
    paths), tracing the calls that create, flush and move files."""
    cmd = ["strace", "-f", "-y", "-qq", "-o", log, "-e",
           "trace=open,openat,creat,fsync,fdatasync,rename,renameat,renameat2",
           harness.ARGS.exe, *argv]
    # LeakSanitizer (the sanitizer build) cannot run under ptrace.
    env = harness.tool_env({"ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"})
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)


def test_report_written_to_a_temporary_file_then_synced_and_renamed():
    """The JSON report reaches its path only by rename(2) of a temporary file
    in the same folder, after fsync(2) of that file: the path never holds half
    a report, even if the machine stops (README: reports are atomic)."""
    if not shutil.which("strace"):
        check(False, "strace is installed (scripts/install-deps.sh)")
        return
    with tempfile.TemporaryDirectory() as d:
        report = os.path.join(d, "report.json")
        first = harness.run("probe", "--json", report, "--quiet")  # an earlier report, replaced
        check(first.returncode == 0, f"a first probe writes its report: {first.stderr}")
        log = os.path.join(d, "strace.log")
        p = strace_run(log, "probe", "--json", report, "--quiet")
        if not check(p.returncode == 0, f"probe under strace: exit 0, got {p.returncode}: "
                                        f"{p.stderr[-1500:]}"):
            return
        with open(log) as f:
            calls = [l.rstrip("\n") for l in f if d in l]
    tmp_prefix = report + ".tmp."
    opened = [l for l in calls if re.search(r"\bopen(at)?\(", l) and "O_CREAT" in l]
    in_place = [l for l in opened if f'"{report}"' in l]
    check(not in_place, f"the report's own path is never opened for writing: {in_place}")
    temps = [re.search(r'"(' + re.escape(tmp_prefix) + r'[^"]+)"', l) for l in opened]
    temps = [m.group(1) for m in temps if m]
    renames = [l for l in calls if re.search(r"\brename(at2?)?\(", l) and f'"{report}"' in l]
    check(len(renames) == 1, f"exactly one rename onto the report: {renames}")
    if not renames:
        return
    src = re.search(r'"(' + re.escape(tmp_prefix) + r'[^"]+)"', renames[0])
    check(bool(src) and src.group(1) in temps,
          f"the rename moves a temporary file of the same folder that the tool created: "
          f"{renames[0]} (created: {temps})")
    if not src:
        return
    i_rename = calls.index(renames[0])
    synced = [i for i, l in enumerate(calls)
              if re.search(r"\bf(data)?sync\(", l) and f"<{src.group(1)}>" in l and "= 0" in l]
    check(any(i < i_rename for i in synced),
          f"the temporary file is fsync'ed before the rename: {calls}")


def process_state(pid):
    """'Z', 'T', 'S', ... from /proc/PID/stat, or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def test_bench_child_dies_with_its_parent():
    """The child never outlives the parent, even one that cannot read its
    channel to notice the parent is gone: the child is stopped (SIGSTOP), the
    parent killed with SIGKILL (no cleanup of its own can run), and the child
    must be gone (or a zombie waiting for init) within seconds."""
    p = subprocess.Popen(harness.tool_command("bench", "--quiet", "--progress", "always",
                                              "--parts", "memory", "--sizes", "64K",
                                              "--iterations", "100000",
                                              "--scenarios", "buffer-map"),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         env=harness.tool_env())
    child = harness.first_child_of(p)
    # The first progress line comes once the child has answered the hello: it
    # has tied itself to its parent by then (stopping it earlier would test
    # nothing but a race).
    first = p.stderr.readline() if child is not None else ""
    if not check(child is not None and "progress" in first,
                 f"the bench starts a child process and its first step: {first!r}"):
        p.kill()
        p.wait()
        return
    try:
        os.kill(child, signal.SIGSTOP)
        p.kill()
        p.wait()
        p.stderr.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process_state(child) not in (None, "Z"):
            time.sleep(0.05)
        state = process_state(child)
        check(state in (None, "Z"),
              f"the stopped child {child} is gone within 10 s of its parent's death "
              f"(state {state})")
    finally:
        if process_state(child) not in (None, "Z"):
            os.kill(child, signal.SIGKILL)


def test_round_trip_ratio_is_the_mode_over_the_fastest_baseline():
    """Each Vulkan mode's ratio to the OS baseline, recomputed here from the
    report's figures: the baseline is the OS primitive of the same peer with
    the lowest p50, and each ratio is this mode's percentile over the
    baseline's (README: "p50 / best OS baseline")."""
    p, r = harness.report_json("bench", "--parts", "round-trips", "--modes", "os,host-timeline",
                               "--peer", "thread", "--round-trips", "401", "--warmup", "20",
                               "--progress", "never")
    results = r["bench"]["round_trips"]["results"]
    passed = [x for x in results if x["outcome"] == "passed"]
    check(len(passed) >= 2, f"an OS baseline and a Vulkan mode pass: {[x['outcome'] for x in results]}")
    modes = [x for x in passed if x["mode"] != "os"]
    check(bool(modes), "a Vulkan mode passed")
    for x in modes:
        base = min((b for b in passed if b["mode"] == "os" and b["peer"] == x["peer"]),
                   key=lambda b: b["round_trip_ns"]["p50"])
        ratio = x["ratio_to_best_baseline"]
        if not check(ratio is not None, f"{x['mode']}: a ratio to the OS baseline"):
            continue
        check(ratio["baseline"] == base["os_primitive"],
              f"{x['mode']}: the baseline is the fastest OS primitive by p50, "
              f"{base['os_primitive']}, got {ratio['baseline']}")
        for key in ("p50", "p99"):
            want = x["round_trip_ns"][key] / base["round_trip_ns"][key]
            check(math.isclose(ratio[key], want, rel_tol=1e-6),
                  f"{x['mode']}: ratio {key} is this mode's over the baseline's: "
                  f"{ratio[key]} vs {want}")


def test_check_junit_properties_name_the_device_of_the_json_report():
    """Each JUnit test suite carries the identity of its device (name, driver,
    deviceUUID) as properties, equal to the JSON report's: a lab's dashboard
    files results by them."""
    cfg = {"name": "identity", "os": "linux", "devices": [{"vendor": "mesa"}],
           "capabilities": [{"object": "buffer", "handle_type": "OPAQUE_FD",
                             "exportable": True}]}
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "cfg.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        out = {k: os.path.join(d, "out." + k) for k in ("json", "xml")}
        p = harness.run("check", "--config", path, "--json", out["json"], "--junit", out["xml"],
                        "--quiet")
        if not check(p.returncode == 0, f"check: exit 0, got {p.returncode}: {p.stderr}"):
            return
        r = harness.load(out["json"])
        suites = ET.parse(out["xml"]).getroot().findall("testsuite")
    devs = r["devices"]
    check(len(suites) == len(devs) == 1, f"one suite for the one device: {len(suites)}, {len(devs)}")
    if not suites or not devs:
        return
    props = {x.get("name"): x.get("value") for x in suites[0].iter("property")}
    ident = devs[0]["identity"]
    want = {"device": ident["name"], "deviceUUID": ident["device_uuid"],
            "driver_version": ident["driver_version"]["decoded"]}
    for key, value in want.items():
        check(props.get(key) == value, f"JUnit property {key} is {value!r}, got {props.get(key)!r}")
    check(ident["driver_name"] in (props.get("driver") or ""),
          f"the driver property names the driver {ident['driver_name']!r}: {props.get('driver')!r}")

if __name__ == "__main__":
    sys.exit(harness.main(globals()))
