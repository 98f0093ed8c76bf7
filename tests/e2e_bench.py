#!/usr/bin/env python3
"""End-to-end tests of `vkwin32h bench`: the real executable starts a real
child process, and lavapipe really shares OPAQUE_FD memory between them.

    e2e_bench.py --exe PATH --schema PATH TEST_NAME
"""
import collections
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import harness
from harness import check, one_stderr_line, run, schema_errors


def bench_json(*extra, expect_rc=0, timeout=300):
    return harness.report_json("bench", *extra, expect_rc=expect_rc, timeout=timeout)


def process_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except FileNotFoundError:
        return False


def check_child_gone(report):
    pid = report["bench"]["child"]["pid"]
    check(pid is not None and not process_alive(pid), f"no orphan: child {pid} is gone")


def passed_scenario_checks(sc, iterations):
    what = f"{sc['handle_type']} {sc['scenario']} {sc['size_requested']}"
    check(sc["outcome"] == "passed", f"{what}: passed, got {sc['outcome']}: {sc['reason']}")
    check(sc["iterations"] == iterations, f"{what}: {iterations} iterations, got {sc['iterations']}")
    v = sc["verify"]
    check(v["parent_to_child"] and v["child_to_parent"], f"{what}: verified both ways")
    check(v["child_gbps"] and v["child_gbps"] > 0 and v["parent_gbps"] > 0,
          f"{what}: verify throughput measured on both sides")
    m = sc["memory"]
    if sc["resource"] == "buffer":
        check(m["bytes_verified"] == sc["size_requested"], f"{what}: every byte verified")
    else:
        w, h = m["image"]["width"], m["image"]["height"]
        check(m["bytes_verified"] == w * h * 4 and sc["size_requested"] / 2 < m["bytes_verified"]
              <= sc["size_requested"], f"{what}: the image holds the size asked for ({w}x{h})")
        check(m["dedicated"], f"{what}: images are dedicated allocations")
    check(m["allocation_size"] >= m["bytes_verified"], f"{what}: allocation covers the bytes")
    # The phases of the way the pattern was written and checked ran in
    # every iteration; the others (the host's in a run on the device, say)
    # in none.
    ph = sc["phases_us"]
    device = ph.get("parent_fill", {}).get("count", 0) > 0
    host_check = ph["parent_verify"]["count"] > 0
    check(device or host_check, f"{what}: the device or the host checked: {sorted(ph)}")
    ran = {"allocate", "transfer", "import"}
    ran |= {"parent_fill", "child_fill", "parent_gpu_verify", "child_gpu_verify"} if device else \
        {"parent_write", "child_write"}
    ran |= {"parent_verify", "child_verify"} if host_check else set()
    for phase, s in ph.items():
        want = iterations if phase in ran or s["count"] else 0
        check(s["count"] == want and 0 <= s["min"] <= s["median"] <= s["max"],
              f"{what}: phase {phase} has {want} ordered samples: {s}")
    for phase in ran:
        check(ph[phase]["count"] == iterations and ph[phase]["min"] > 0,
              f"{what}: {phase} ran and took measurable time: {ph.get(phase)}")
    h = sc["handles"]
    check(h["leaked"] == 0 and h["parent_before"] == h["parent_after"]
          and h["child_before"] == h["child_after"], f"{what}: no handle leaked: {h}")


# --- tests ------------------------------------------------------------------

def test_bench_opaque_fd_verified_both_ways_at_several_sizes():
    sizes = [4096, 65536, 1 << 20, 16 << 20]
    p, r = bench_json("--sizes", "4K,64KiB,1M,16M", "--iterations", "3")
    b = r["bench"]
    check(r["command"] == "bench" and r["status"]["ok"], "the bench succeeded")
    dev = r["devices"][b["device_index"]]
    check(dev["identity"]["driver_id"] == "MESA_LLVMPIPE", "the bench ran on lavapipe")
    types = {t["handle_type"]: t for t in b["handle_types"]}
    check(types["OPAQUE_FD"]["tested"], "OPAQUE_FD tested")
    check(not types["DMA_BUF"]["tested"] and "extension" in types["DMA_BUF"]["reason"],
          "DMA_BUF not tested: lavapipe lacks the extension")
    check(set(types) == {"OPAQUE_FD", "DMA_BUF"}, f"only Linux's memory types listed: {set(types)}")
    scenarios = b["memory"]
    check(len(scenarios) == 3 * len(sizes), f"3 scenarios x {len(sizes)} sizes, got {len(scenarios)}")
    check(sorted({s["size_requested"] for s in scenarios}) == sizes, "every size ran")
    check({s["scenario"] for s in scenarios} == {"buffer-map", "buffer-copy", "image-copy"},
          "every scenario kind ran")
    for sc in scenarios:
        passed_scenario_checks(sc, 3)
    c = b["child"]
    check(c["started"] and c["pid"] > 0, "a real child process ran")
    check(c["end"]["ended"] and c["end"]["text"] == "exit code 0", f"the child exited 0: {c['end']}")
    check(c["device_name"] == b["device_name"], "the child opened the same device")
    check(b["summary"] == {"scenarios": 12, "passed": 12, "failed": 0, "skipped": 0, "not_run": 0},
          f"summary: {b['summary']}")
    check_child_gone(r)
    # The text a person reads: one line per scenario, and the totals.
    p = run("bench", "--sizes", "64K", "--iterations", "2")
    check(p.returncode == 0, f"text run exits 0: {p.stderr}")
    # Past the imported-vs-local headline: the handle types and the scenarios.
    mem = p.stdout[p.stdout.find("Memory handle types"):]
    lines = [l for l in mem.splitlines() if l.strip().startswith("OPAQUE_FD ")]
    check(len(lines) == 4 and all(" passed " in l for l in lines[1:]),
          f"a 'tested' line and 3 passed scenario lines: {lines}")
    check("3 passed, 0 failed, 0 skipped, 0 not run" in p.stdout, "the totals line")


def test_bench_no_fd_leak_over_1000_cycles():
    # 1000 cycles of each scenario with the host's check, and 200 more with
    # the device's (its pipeline, its buffers and the local memory of
    # imported vs local are made per cycle there): no fd kept by either.
    for verify, cycles in (("cpu", 1000), ("gpu", 200)):
        p, r = bench_json("--sizes", "64K", "--iterations", str(cycles), "--verify", verify,
                          timeout=600)
        for sc in r["bench"]["memory"]:
            passed_scenario_checks(sc, cycles)
            check(sc["verify"]["method"] == verify, f"{sc['scenario']}: checked by {verify}")
        check(len(r["bench"]["memory"]) == 3, f"three scenarios of {cycles} cycles")


def test_bench_child_killed_midway_reported():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "report.json")
        argv = harness.tool_command("bench", "--sizes", "1M", "--iterations", "100000",
                                    "--scenarios", "buffer-map", "--timeout", "10", "--json",
                                    path, "--quiet", "--progress", "always")
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=harness.tool_env())
        child = harness.first_child_of(proc)
        check(child is not None, "the bench started a child process")
        if child is None:
            proc.kill()
            proc.communicate()
            return
        # The first progress line comes once the child answered: the cycles run.
        first = proc.stderr.readline()
        check("progress" in first, f"the first step started: {first!r}")
        time.sleep(0.5)
        t0 = time.monotonic()
        os.kill(child, signal.SIGKILL)
        out, err = harness.wait_for(proc, 30, "the parent ended after its child was killed (it hung)")
        check(time.monotonic() - t0 < 12, "the parent noticed within its timeout")
        check(proc.returncode == 11, f"exit 11 (child failed), got {proc.returncode}: {err}")
        lines = [l for l in err.splitlines() if l.strip() and "vkwin32h: progress" not in l]
        check(len(lines) == 1 and "SIGKILL" in lines[0] and str(child) in lines[0],
              f"one line naming the child and the signal: {lines}")
        with open(path) as f:
            r = json.load(f)
    check(not schema_errors(r), f"the report validates: {schema_errors(r)[:3]}")
    b = r["bench"]
    end = b["child"]["end"]
    check(end["ended"] and end["signaled"] and end["code"] == 9 and not end["killed_by_parent"],
          f"the report says the child died of SIGKILL: {end}")
    sc = b["memory"][0]
    check(sc["outcome"] == "failed" and "SIGKILL" in sc["reason"], f"scenario failed: {sc['reason']}")
    check(b["child"]["last_activity"] != "", "what the child was doing is recorded")
    h = sc["handles"]
    check(h["parent_after"] == h["parent_before"],
          f"the parent leaked nothing while cleaning up: {h}")
    check(r["status"]["code"] == "child_failed", "status child_failed")
    check(not process_alive(child), "the child is gone (reaped)")


def test_bench_child_abort_reported():
    p, r = bench_json("--sizes", "64K", "--iterations", "2", "--fault", "child-abort",
                      "--timeout", "10", expect_rc=11)
    one_stderr_line(p, "SIGABRT")
    b = r["bench"]
    check(b["child"]["end"]["signaled"] and b["child"]["end"]["code"] == 6, "child ended by SIGABRT")
    check("importing 64 KiB OPAQUE_FD" in b["child"]["last_activity"],
          f"what it was doing: {b['child']['last_activity']}")
    check([s["outcome"] for s in b["memory"]] == ["failed", "not_run", "not_run"],
          "the failed scenario, then the rest not run")
    check_child_gone(r)


def test_bench_child_hang_killed_within_timeout():
    # The child answers each of its steps within the timeout: the parent
    # waits one timeout, 2 s here (e2e_interrupt.py times it closely).
    p, r = bench_json("--sizes", "64K", "--iterations", "2", "--fault", "child-hang",
                      "--timeout", "2", expect_rc=11, timeout=60)
    check(p.elapsed < 25, f"the hang cost about the reply timeout, not more: {p.elapsed:.1f} s")
    one_stderr_line(p, "no answer within 2.0 s")
    end = r["bench"]["child"]["end"]
    check(end["killed_by_parent"] and end["signaled"] and end["code"] == 9,
          f"the parent killed the hung child: {end}")
    check(r["status"]["code"] == "child_failed", "status child_failed")
    check_child_gone(r)


def invalid_handle_case(fault):
    p, r = bench_json("--sizes", "64K", "--iterations", "2", "--fault", fault, expect_rc=10)
    one_stderr_line(p, "1 of 3 scenario(s) failed")
    b = r["bench"]
    first, rest = b["memory"][0], b["memory"][1:]
    check(first["outcome"] == "failed" and "the child could not use the memory" in first["reason"]
          and ("VK_ERROR_INVALID_EXTERNAL_HANDLE" in first["reason"]
               or "vkAllocateMemory failed" in first["reason"]),
          f"the import failed with the driver's error: {first['reason']}")
    check(first["status"] == "sharing_failed", "status sharing_failed")
    h = first["handles"]
    check(h["leaked"] == 0 and h["child_before"] == h["child_after"]
          and h["parent_before"] == h["parent_after"], f"nothing leaked on either side: {h}")
    for sc in rest:
        passed_scenario_checks(sc, 2)
    check(b["child"]["end"]["text"] == "exit code 0", "the child carried on and exited 0")
    check_child_gone(r)
    return p, r


def test_bench_stale_handle_import_fails_cleanly():
    p, r = invalid_handle_case("stale-handle")
    check(all(sc["driver_anomaly"] is None for sc in r["bench"]["memory"]),
          "a stale value was never the child's fd: no anomaly to report")


def test_bench_foreign_handle_import_fails_cleanly():
    p, r = invalid_handle_case("foreign-handle")
    # Lavapipe closes the fd of the import it failed, which the child still
    # owned (ownership moves on success only): reported, not closed again.
    first, rest = r["bench"]["memory"][0], r["bench"]["memory"][1:]
    anomaly = first["driver_anomaly"] or ""
    check("the driver closed the OPAQUE_FD handle of a failed import (iteration 1)" in anomaly
          and "did not close it again" in anomaly, f"the driver anomaly is reported: {anomaly!r}")
    check(all(sc["driver_anomaly"] is None for sc in rest), "the scenarios that passed have none")
    p = run("bench", "--sizes", "64K", "--iterations", "1", "--parts", "memory",
            "--scenarios", "buffer-map", "--fault", "foreign-handle")
    lines = [l.strip() for l in p.stdout.splitlines() if "driver anomaly:" in l]
    check(p.returncode == 10 and len(lines) == 1 and lines[0] == "driver anomaly: " + anomaly,
          f"the text shows it under the scenario: {lines}")
    with tempfile.TemporaryDirectory() as d:
        p = run("report", harness.write(d, "bench.json", r))
    shown = [l.strip() for l in p.stdout.splitlines() if "driver anomaly:" in l]
    check(p.returncode == 0 and shown == ["driver anomaly: " + anomaly],
          f"`report` shows it under the scenario as the run did: {shown}")


def test_bench_no_fd_closed_twice_on_a_failed_import():
    """Every close() of the run, traced: none fails with EBADF, so the tool
    closed nothing that the driver had closed already."""
    strace = shutil.which("strace")
    check(strace is not None, "strace is installed (scripts/install-deps.sh)")
    if strace is None:
        return
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "trace")
        p = subprocess.run([strace, "-f", "-qq", "-e", "trace=close", "-o", log,
                            *harness.tool_command("bench", "--quiet", "--sizes", "64K",
                                                  "--iterations", "2", "--parts", "memory",
                                                  "--fault", "foreign-handle")],
                           capture_output=True, text=True, timeout=300,
                           # LeakSanitizer (the sanitizer build) cannot run under ptrace.
                           env=harness.tool_env({"ASAN_OPTIONS": os.environ.get(
                               "ASAN_OPTIONS", "") + ":detect_leaks=0"}))
        check(p.returncode == 10, f"the traced bench exits 10: {p.returncode}: {p.stderr[-500:]}")
        with open(log) as f:
            closes = [l for l in f if "close(" in l]
    bad = [l.strip() for l in closes if "EBADF" in l]
    check(len(closes) > 20, f"the trace saw the run's close() calls: {len(closes)}")
    check(bad == [], f"no close() of an fd that was not open: {bad}")


def leaked_scenario_checks(sc, iterations):
    what = f"{sc['scenario']} {sc['size_requested']}"
    h = sc["handles"]
    check(h["parent_after"] - h["parent_before"] == iterations
          and h["child_after"] - h["child_before"] == iterations
          and h["leaked"] == 2 * iterations,
          f"{what}: one handle per cycle on each side, {iterations} cycles: {h}")
    check(sc["outcome"] == "failed" and sc["status"] == "sharing_failed"
          and f"open handles grew by {iterations} in the parent and {iterations} in the child "
              f"over {iterations} iteration(s): a leak" in sc["reason"],
          f"{what}: failed as a leak: {sc['outcome']}: {sc['reason']}")
    check(sc["verify"]["parent_to_child"] and sc["verify"]["child_to_parent"],
          f"{what}: the bytes were still right")


def test_bench_leak_fault_counted_on_both_sides():
    p, r = bench_json("--sizes", "64K", "--iterations", "3", "--parts", "memory",
                      "--fault", "leak", expect_rc=10)
    one_stderr_line(p, "3 of 3 scenario(s) failed; first: OPAQUE_FD buffer-map 64 KiB: open "
                       "handles grew by 3 in the parent and 3 in the child")
    for sc in r["bench"]["memory"]:
        leaked_scenario_checks(sc, 3)
    check(r["status"]["code"] == "sharing_failed", f"status: {r['status']}")
    p = run("bench", "--sizes", "64K", "--iterations", "2", "--parts", "memory",
            "--scenarios", "image-copy", "--fault", "leak")
    rows = [l for l in p.stdout[p.stdout.find("Scenarios ("):].splitlines() if " image-copy " in l]
    check(p.returncode == 10 and len(rows) == 1 and rows[0].split()[-1] == "LEAK",
          f"the text marks the leak: {rows}")


def test_bench_flipped_byte_fails_end_to_end():
    p, r = bench_json("--sizes", "64K,1M", "--iterations", "2", "--parts", "memory",
                      "--scenarios", "buffer-copy", "--fault", "flip-byte", expect_rc=10)
    first, rest = r["bench"]["memory"][0], r["bench"]["memory"][1:]
    mm = first["verify"]["mismatch"] or {}
    size = first["memory"]["bytes_verified"]
    check(mm.get("seen_by") == "child" and mm.get("iteration") == 1
          and mm.get("offset") == size // 2 and mm.get("got") == mm.get("expected", 0) ^ 0xFF,
          f"the child saw the one flipped byte at {size // 2}: {mm}")
    check(first["outcome"] == "failed" and first["status"] == "sharing_failed"
          and f"offset {size // 2} holds 0x{mm.get('got', 0):02x}, 0x{mm.get('expected', 0):02x} "
              "expected (iteration 1)" in first["reason"], f"the reason: {first['reason']}")
    check(not first["verify"]["parent_to_child"], "parent to child not verified")
    check(first["iterations"] == 0, f"no iteration counted as done: {first['iterations']}")
    one_stderr_line(p, "the child does not see the parent's bytes: offset 32768")
    for sc in rest:
        passed_scenario_checks(sc, 2)


def test_bench_phases_each_measure_one_thing():
    """The one-time setup (the mapping, or the staging ring) is a phase of its
    own in both processes, apart from the host write, the copies in, the read
    and the verify (the child's read used to include allocating its staging
    buffer, the parent's did not); each phase that moves the bytes has its
    GB/s."""
    p, r = bench_json("--sizes", "1M", "--iterations", "2", "--parts", "memory",
                      "--scenarios", "buffer-copy,buffer-map", "--verify", "cpu")
    check(len(r["bench"]["memory"]) == 2, f"two scenarios: {len(r['bench']['memory'])}")
    for sc in r["bench"]["memory"]:
        passed_scenario_checks(sc, 2)
        what = sc["scenario"]
        ph, g = sc["phases_us"], sc.get("phase_gbps") or {}
        for side in ("parent", "child"):
            for phase in ("staging", "write", "copy_in", "read", "verify"):
                check(ph.get(f"{side}_{phase}", {}).get("count") == 2,
                      f"{what}: {side}_{phase} is a phase of its own: {sorted(ph)}")
            check(ph[f"{side}_staging"]["min"] > 0, f"{what}: {side}_staging took time")
            for phase in ("write", "verify"):
                check(g.get(f"{side}_{phase}", 0) > 0, f"{what}: {side}_{phase} has GB/s: {g}")
        copies = ("parent_copy_in", "child_copy_in", "parent_read", "child_read")
        if what == "buffer-copy":
            check(all(g.get(k, 0) > 0 for k in copies), f"{what}: the copies have GB/s: {g}")
        else:
            check(not any(k in g for k in copies), f"{what}: mapped memory is not copied: {g}")
            check(ph["parent_copy_in"]["max"] == 0 and ph["child_copy_in"]["max"] == 0,
                  f"{what}: no copy in: {ph['parent_copy_in']}, {ph['child_copy_in']}")
        size = sc["memory"]["bytes_verified"]
        v = sc["verify"]
        check(abs(g.get("child_verify", 0) - v["child_gbps"]) < 1e-9 * max(1, v["child_gbps"]),
              f"{what}: phase_gbps agrees with verify.child_gbps ({size} bytes)")
    check(not schema_errors(r), f"the report is valid: {schema_errors(r)[:3]}")


def test_bench_peak_resident_bounded_by_the_ring():
    """Each process reports its peak resident memory; with the pattern made
    in pieces and copies staged through a bounded ring, 256 MiB buffer-copy
    on lavapipe (whose device memory is host memory) peaks at the object
    plus a constant: at least the 256 MiB it touched, at most 0.45 GB (1.12
    GB with a full-size staging buffer and two full-size patterns)."""
    # The sanitizer build keeps freed blocks in a quarantine (256 MiB by
    # default), where a freed staging ring stays resident: kept small here,
    # so that the figure is the tool's, not the sanitizer's.
    os.environ["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=1"
    # The host's check (the ring) and the device's (no ring; the importer's
    # local memory for imported vs local is freed before it imports).
    for verify in ("cpu", "gpu"):
        p, r = bench_json("--sizes", "256M", "--iterations", "1", "--parts", "memory",
                          "--scenarios", "buffer-copy", "--verify", verify)
        sc = r["bench"]["memory"][0]
        passed_scenario_checks(sc, 1)
        peak = sc.get("peak_resident") or {}
        # The sanitizer's own memory (shadow, allocator) comes on top there.
        bound = 0.45e9 + (64 << 20 if os.environ.get("VKW_TEST_PRELOAD") else 0)
        for side in ("parent", "child"):
            got = peak.get(side) or 0
            check(256 << 20 <= got <= bound,
                  f"--verify {verify}: the {side}'s peak resident memory is the object plus a "
                  f"bounded constant: {got / 1e9:.3f} GB")


def test_bench_peak_resident_is_each_scenarios_own():
    """On Linux the peaks start anew for each scenario: a 16 MiB scenario run
    after a 256 MiB one reports its own peak, not the larger one's."""
    os.environ["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=1"
    p, r = bench_json("--sizes", "256M,16M", "--iterations", "1", "--parts", "memory",
                      "--scenarios", "buffer-copy")
    big, small = ([sc for sc in r["bench"]["memory"] if sc["size_requested"] == size][0]
                  for size in (256 << 20, 16 << 20))
    for side in ("parent", "child"):
        b = (big.get("peak_resident") or {}).get(side) or 0
        s = (small.get("peak_resident") or {}).get(side) or 0
        check(small["peak_resident"].get("scenario_only") is True,
              "Linux starts the peaks anew for each scenario")
        check(0 < s < b - (128 << 20),
              f"the {side}'s 16 MiB scenario has its own peak ({s / 1e6:.0f} MB), well under "
              f"the 256 MiB one's ({b / 1e6:.0f} MB)")


def test_bench_threads_option():
    """--threads N: 1 to 64, once; the number run is in the report (default:
    the online CPUs, at most 16)."""
    for bad in ("0", "65", "x", "-1"):
        p = run("bench", "--threads", bad, "--parts", "memory", timeout=30)
        check(p.returncode == 2 and "--threads" in p.stderr and len(p.stderr.splitlines()) == 1,
              f"--threads {bad}: exit 2 naming it, got {p.returncode} {p.stderr!r}")
    p = run("bench", "--threads", "2", "--threads", "3", "--parts", "memory", timeout=30)
    check(p.returncode == 2 and "'--threads' given twice" in p.stderr,
          f"--threads twice: exit 2, got {p.returncode} {p.stderr!r}")
    p, r = bench_json("--sizes", "64K", "--iterations", "1", "--parts", "memory",
                      "--scenarios", "buffer-map", "--threads", "3")
    check(r["bench"]["options"].get("threads") == 3, f"threads 3 run: {r['bench']['options']}")
    p, r = bench_json("--sizes", "64K", "--iterations", "1", "--parts", "memory",
                      "--scenarios", "buffer-map")
    want = min(os.cpu_count() or 1, 16)
    check(r["bench"]["options"].get("threads") == want,
          f"default: {want} threads, got {r['bench']['options'].get('threads')}")


def test_bench_flipped_byte_found_across_chunks_with_threads():
    """The flipped byte is found at its offset by chunked verification split
    over threads: at 128 MiB buffer-copy it is the first byte of the ring's
    second 64 MiB chunk; at 22 MiB buffer-map it lies in the second thread's
    slice of the second 8 MiB pattern piece."""
    for scenario, size in (("buffer-copy", "128M"), ("buffer-map", "22M")):
        p, r = bench_json("--sizes", size, "--iterations", "1", "--parts", "memory",
                          "--scenarios", scenario, "--threads", "3", "--fault", "flip-byte",
                          "--verify", "cpu", expect_rc=10)
        sc = r["bench"]["memory"][0]
        mm = sc["verify"]["mismatch"] or {}
        half = sc["memory"]["bytes_verified"] // 2
        check(mm.get("seen_by") == "child" and mm.get("offset") == half
              and mm.get("got") == mm.get("expected", 0) ^ 0xFF,
              f"{scenario} {size}: the child saw the flipped byte at {half}: {mm}")


def test_bench_invalid_usage_fault_gives_exit_8():
    p, r = bench_json("--sizes", "64K", "--iterations", "2", "--parts", "memory",
                      "--scenarios", "buffer-map", "--validate", "--fault", "invalid-usage",
                      expect_rc=8)
    one_stderr_line(p, "the validation layer reported 1 error(s)")
    v = r["validation"]
    check(v["validation_errors"] == 1 and r["bench"]["child"]["validation_errors"] == 1,
          f"one error, the child's: {v['validation_errors']}, {r['bench']['child']}")
    check(any("VUID-vkGetMemoryFdPropertiesKHR-handleType-parameter" in m["text"]
              for m in v["messages"]), f"the rule broken is named: {v['messages'][:2]}")
    check(r["status"]["code"] == "validation_errors",
          f"status: {r['status']}")
    check(r["bench"]["summary"]["passed"] == 1, "the memory was still shared")
    p = run("bench", "--sizes", "64K", "--parts", "memory", "--fault", "invalid-usage")
    check(p.returncode == 2, f"without the layer: exit 2, got {p.returncode}")
    one_stderr_line(p, "the invalid-usage fault needs the validation layer enabled")


def test_bench_unsupported_handle_type_skipped():
    p, r = bench_json("--handle-types", "DMA_BUF", "--sizes", "64K", "--parts", "memory",
                      expect_rc=12)
    one_stderr_line(p, "nothing to share")
    b = r["bench"]
    check(b["handle_types"] == [{"handle_type": "DMA_BUF", "tested": False,
                                 "reason": b["handle_types"][0]["reason"]}]
          and "VK_EXT_external_memory_dma_buf" in b["handle_types"][0]["reason"],
          f"DMA_BUF skipped with the reason: {b['handle_types']}")
    check(b["memory"] == [] and not b["child"]["started"], "no scenario, no child")
    check(r["status"]["code"] == "nothing_to_share", "status nothing_to_share")
    p, r = bench_json("--handle-types", "OPAQUE_WIN32", expect_rc=12)
    check("not applicable on Linux" in r["bench"]["handle_types"][0]["reason"],
          "a Windows handle type is not applicable on Linux")


def test_bench_size_larger_than_heap_skipped():
    p, r = bench_json("--sizes", "64K,64G", "--scenarios", "buffer-map,image-copy",
                      "--iterations", "1")
    big = [s for s in r["bench"]["memory"] if s["size_requested"] == 64 << 30]
    check(len(big) == 2 and all(s["outcome"] == "skipped" for s in big), "64 GiB skipped")
    check(all("larger than the largest memory heap" in s["reason"] for s in big),
          f"with the reason: {[s['reason'] for s in big]}")
    check(r["bench"]["summary"]["passed"] == 2, "the 64 KiB scenarios passed")


def test_bench_schema_rejects_tampered_report():
    p, r = bench_json("--sizes", "64K", "--iterations", "1", "--scenarios", "buffer-map")
    sc = r["bench"]["memory"][0]
    sc["handles"]["leaked"] = 1
    check(schema_errors(r), "a passed scenario with a leak is rejected")
    sc["handles"]["leaked"] = 0
    sc["verify"]["child_to_parent"] = False
    check(schema_errors(r), "a passed scenario that did not verify is rejected")
    sc["verify"]["child_to_parent"] = True
    r["bench"]["memory"][0]["phases_us"]["import"]["median"] = -1
    check(schema_errors(r), "a negative time is rejected")


def test_bench_under_validation_layer_reports_no_error():
    """Every way of writing and checking, under the layer in both processes:
    the device's (its ownership transfers, the images' device buffer, the
    local memory of imported vs local), the host's, and both at once."""
    for verify in ("gpu", "cpu", "both"):
        p, r = bench_json("--sizes", "64K,1M", "--iterations", "2", "--validate",
                          "--verify", verify)
        v = r["validation"]
        check(v["enabled"] and v["validation_errors"] == 0,
              f"--verify {verify}: no validation error: {v['messages'][:3]}")
        check(r["bench"]["child"]["validation_enabled"], "the child ran under the layer too")
        check(r["bench"]["child"]["validation_errors"] == 0,
              f"--verify {verify}: no validation error in the child")
        check(r["bench"]["summary"]["passed"] == 6,
              f"--verify {verify}: every scenario passed under the layer")


def test_bench_verify_on_the_device_and_the_host_agree():
    """--verify both: the device fills and checks, the host checks the same
    bytes too, on every scenario (odd sizes: a tail the shaders leave to a
    copy; images through the device buffer), and both phases ran."""
    p, r = bench_json("--sizes", "64K,1000004,3M", "--iterations", "2", "--parts", "memory",
                      "--verify", "both")
    check(r["bench"]["summary"]["passed"] == 9, f"9 scenarios passed: {r['bench']['summary']}")
    for sc in r["bench"]["memory"]:
        passed_scenario_checks(sc, 2)
        ph = sc["phases_us"]
        for phase in ("parent_fill", "child_fill", "parent_gpu_verify", "child_gpu_verify",
                      "parent_verify", "child_verify"):
            check(ph[phase]["count"] == 2, f"{sc['scenario']}: {phase} ran: {ph[phase]}")
        for phase in ("parent_write", "child_write"):
            check(ph[phase]["count"] == 0, f"{sc['scenario']}: the host did not write: {phase}")


def ivl_figures_check(sc, iterations):
    """A scenario's imported vs local, derived again from its raw figures:
    each GB/s is the bytes over its median, each ratio imported / local, the
    headline the lower ratio."""
    what = f"{sc['scenario']} {sc['size_requested']}"
    ivl = sc["imported_vs_local"]
    check(ivl["measured"], f"{what}: measured: {ivl}")
    size = sc["memory"]["bytes_verified"]
    ratios = []
    for direction in ("write", "read"):
        x = ivl[direction]
        for side in ("imported", "local"):
            us = x[f"{side}_us"]
            check(us["count"] == iterations and 0 < us["min"] <= us["median"] <= us["max"],
                  f"{what} {direction}: {side} measured in every iteration: {us}")
            gbps = size / (us["median"] * 1e3)
            check(abs(x[f"{side}_gbps"] - gbps) <= 1e-9 * gbps,
                  f"{what} {direction}: {side} GB/s {x[f'{side}_gbps']} is the bytes over the "
                  f"median ({gbps})")
        ratio = x["imported_gbps"] / x["local_gbps"]
        check(abs(x["ratio"] - ratio) <= 1e-9 * ratio,
              f"{what} {direction}: ratio {x['ratio']} = imported / local ({ratio})")
        ratios.append(ratio)
    check(abs(ivl["ratio_min"] - min(ratios)) <= 1e-9,
          f"{what}: the headline is the lower ratio: {ivl['ratio_min']} vs {ratios}")
    return ratios


def test_report_of_recorded_h200_memory_bench_shows_imported_vs_local():
    """Recorded by scripts/gpu-memory.sh on a GPU machine's NVIDIA H200 (driver
    580.159.04): bench --parts memory --sizes 1G,2G --iterations 3, the device
    checking its own memory, the host the mapped memory. The schema takes it;
    imported vs local is derived again from its raw figures for buffer-copy
    and image-copy at 1 and 2 GiB; the text and the HTML report show each
    ratio as the JSON has it."""
    path = os.path.join(harness.DATA, "h200-memory.json")
    r = harness.load(path)
    check(not schema_errors(r), f"the recorded H200 bench validates: {schema_errors(r)[:3]}")
    measured = [sc for sc in r["bench"]["memory"] if sc["imported_vs_local"]["measured"]]
    check(sorted((sc["scenario"], sc["size_requested"] >> 30) for sc in measured) ==
          [("buffer-copy", 1), ("buffer-copy", 2), ("image-copy", 1), ("image-copy", 2)],
          f"the device's memory measured at 1 and 2 GiB: {[sc['scenario'] for sc in measured]}")
    with tempfile.TemporaryDirectory() as d:
        html = os.path.join(d, "h200.html")
        p = run("report", path, "--format", "html", "--output", html)
        check(p.returncode == 0, f"report --format html exits 0: {p.stderr}")
        with open(html) as f:
            page = f.read()
    text = run("report", path).stdout
    for sc in measured:
        ratios = ivl_figures_check(sc, 3)
        for ratio in ratios:
            check(f"{ratio:.3f}" in text and f"{ratio:.3f}" in page,
                  f"{sc['scenario']} {sc['size_requested']}: ratio {ratio:.3f} in the text and "
                  f"the HTML")
        check(0.9 <= min(ratios) and max(ratios) <= 1.1,
              f"{sc['scenario']}: imported as fast as local on this driver: {ratios}")


def test_bench_imported_vs_local_measured_in_the_importer():
    """Where the device writes and checks, each scenario has imported vs
    local: both GB/s per direction from the iterations' medians (recomputed
    here from the raw microseconds and the bytes), their ratio, and the lower
    ratio as the headline; with --verify cpu it is not measured, and says
    why. The text and the HTML report show it first in the memory part."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "r.json")
        p = run("bench", "--sizes", "1M", "--iterations", "3", "--parts", "memory",
                "--json", path, "--quiet")
        check(p.returncode == 0, f"exit 0, got {p.returncode}: {p.stderr}")
        r = harness.load(path)
        check(r["bench"]["verify"]["method"] == "gpu", f"the device checked: {r['bench']['verify']}")
        for sc in r["bench"]["memory"]:
            what = sc["scenario"]
            ivl = sc["imported_vs_local"]
            if what == "buffer-map":
                # auto leaves mapped memory to the host, and says so.
                check(sc["verify"]["method"] == "cpu" and not ivl["measured"]
                      and "the host checked this mapped memory" in (ivl.get("reason") or ""),
                      f"{what}: checked by the host under auto, not measured: {sc['verify']}, "
                      f"{ivl}")
                continue
            check(sc["verify"]["method"] == "gpu", f"{what}: the device checked: {sc['verify']}")
            ivl_figures_check(sc, 3)
        p = run("report", path)
        check(p.returncode == 0 and "Imported vs local" in p.stdout,
              f"the text shows imported vs local: {p.stdout[:400]}")
        html = os.path.join(d, "r.html")
        p = run("report", path, "--format", "html", "--output", html)
        with open(html) as f:
            page = f.read()
        check(p.returncode == 0 and "Imported vs local" in page,
              "the HTML report shows imported vs local")
        p, r = bench_json("--sizes", "64K", "--iterations", "1", "--parts", "memory",
                          "--scenarios", "buffer-map", "--verify", "gpu")
        ivl = r["bench"]["memory"][0]["imported_vs_local"]
        check(ivl["measured"] and ivl["ratio_min"] > 0,
              f"--verify gpu: mapped memory is measured too: {ivl}")
        p, r = bench_json("--sizes", "64K", "--iterations", "1", "--parts", "memory",
                          "--scenarios", "buffer-copy", "--verify", "cpu")
        ivl = r["bench"]["memory"][0]["imported_vs_local"]
        check(not ivl["measured"] and "--verify gpu or both" in (ivl.get("reason") or ""),
              f"--verify cpu: not measured, with the reason: {ivl}")


def test_bench_flipped_byte_found_by_device_and_host_at_the_same_offset():
    """A deliberately corrupted byte (--fault flip-byte, written by the
    device) is found by the device's check and by the host's at the same
    offset: with --verify both they must agree or the scenario fails for
    that; with --verify gpu the device alone names it. At 128M image-copy the
    byte lies in the second piece of the image's device buffer."""
    cases = [(v, sc, "1M") for v in ("gpu", "both")
             for sc in ("buffer-map", "buffer-copy", "image-copy")]
    cases.append(("both", "image-copy", "128M"))
    for verify, scenario, size in cases:
        p, r = bench_json("--sizes", size, "--iterations", "1", "--parts", "memory",
                          "--scenarios", scenario, "--verify", verify, "--fault", "flip-byte",
                          expect_rc=10)
        sc = r["bench"]["memory"][0]
        mm = sc["verify"]["mismatch"] or {}
        half = sc["memory"]["bytes_verified"] // 2
        what = f"--verify {verify} {scenario} {size}"
        check(sc["outcome"] == "failed" and "disagree" not in (sc["reason"] or ""),
              f"{what}: failed on the byte, not on a disagreement: {sc['reason']}")
        check(mm.get("seen_by") == "child" and mm.get("offset") == half
              and mm.get("got") == mm.get("expected", 0) ^ 0xFF,
              f"{what}: the child found the flipped byte at {half}: {mm}")


def test_report_and_compare_of_recorded_h100_bench_agree_with_its_raw_figures():
    # Recorded by scripts/gpu-bench.sh on a GPU machine's NVIDIA H100 (driver 580.159.04)
    # under the validation layer. The schema must take a real GPU's bench;
    # `report` renders it and `compare` reads it; the throughputs, leaks and
    # ratios are derived again here from the raw figures (bytes, phase
    # medians, handle counts, p50s), not read back from the fixture.
    path = os.path.join(harness.DATA, "h100-bench.json")
    r = harness.load(path)
    errs = schema_errors(r)
    check(not errs, f"the recorded H100 bench validates: {errs[:5]}")
    b = r["bench"]
    p = run("report", path)
    check(p.returncode == 0, f"report exits 0: {p.stderr}")
    lines = p.stdout.splitlines()
    passed = [sc for sc in b["memory"] if sc["outcome"] == "passed"]
    check(len(passed) == 12, f"12 scenarios shared on the H100: {len(passed)}")
    for sc in passed:
        n = sc["memory"]["bytes_verified"]
        gbps = {side: n / (sc["phases_us"][f"{side}_verify"]["median"] * 1e3)
                for side in ("child", "parent")}
        what = f"{sc['scenario']} {sc['size_requested']}"
        check(all(math.isclose(sc["verify"][f"{side}_gbps"], g, rel_tol=1e-9)
                  for side, g in gbps.items()),
              f"{what}: verify GB/s is bytes over the verify median: {gbps} vs {sc['verify']}")
        h = sc["handles"]
        check(h["leaked"] == (h["parent_after"] - h["parent_before"]) +
              (h["child_after"] - h["child_before"]) == 0, f"{what}: no handle leaked: {h}")
        size = sc["size_requested"]
        label = f"{size >> 30} GiB" if size >= 1 << 30 else f"{size >> 20} MiB" \
            if size >= 1 << 20 else f"{size >> 10} KiB"
        row = [l.split() for l in lines if l.split()[:4] == [sc["handle_type"], sc["scenario"],
                                                              *label.split()]]
        # ... c.verif, p.read, p.verif, leaks: as the live bench shows them.
        check(len(row) == 1 and row[0][-4] == f"{gbps['child']:.2f}" and
              row[0][-2:] == [f"{gbps['parent']:.2f}", "0"],
              f"{what}: the report shows the derived GB/s and no leak: {row}")
    rt = b["round_trips"]["results"]
    for peer in ("process", "thread"):
        base = [x for x in rt if x["mode"] == "os" and x["peer"] == peer
                and x["outcome"] == "passed"]
        best = min(base, key=lambda x: x["round_trip_ns"]["p50"])
        for x in rt:
            if x["peer"] != peer or x["outcome"] != "passed":
                continue
            ratio = x["ratio_to_best_baseline"]
            d, bd = x["round_trip_ns"], best["round_trip_ns"]
            what = f"{x['mode']} {peer} {x['handle_type'] or x['os_primitive']}"
            check(ratio["baseline"] == best["os_primitive"] and
                  math.isclose(ratio["p50"], d["p50"] / bd["p50"], rel_tol=1e-9),
                  f"{what}: p50 over the best OS baseline's ({best['os_primitive']}): {ratio}")
            if x["mode"] != "gpu-chain":
                check(math.isclose(ratio["p99"], d["p99"] / bd["p99"], rel_tol=1e-9),
                      f"{what}: p99 over the baseline's p99: {ratio}")
                sane_distribution(what, x, 2000)
    for mode in ("host-timeline", "queue-timeline", "queue-binary", "fence", "gpu-chain"):
        fd = [x for x in rt if x["mode"] == mode and x["peer"] == "process"
              and x["handle_type"] == "OPAQUE_FD"]
        check(len(fd) == 1 and fd[0]["outcome"] == "passed", f"{mode} OPAQUE_FD across processes")
    # compare reads it: the same report is no regression; a p99 grown by half in
    # every repeat is (the recording has no repeats: five of +-2 % are given it).
    p = run("compare", path, path)
    check(p.returncode == 0, f"compare with itself: exit 0, got {p.returncode}: {p.stdout}")
    base = json.loads(json.dumps(r))
    for x in base["bench"]["round_trips"]["results"]:
        if x["outcome"] == "passed":
            x["repeats"] = [{"p50": x["round_trip_ns"]["p50"] * f,
                             "p99": x["round_trip_ns"]["p99"] * f}
                            for f in (0.98, 0.99, 1.0, 1.01, 1.02)]
    worse = json.loads(json.dumps(base))
    slow = next(x for x in worse["bench"]["round_trips"]["results"]
                if x["mode"] == "fence" and x["peer"] == "process" and x["outcome"] == "passed")
    slow["round_trip_ns"]["p99"] = int(slow["round_trip_ns"]["p99"] * 1.5)
    for rep in slow["repeats"]:
        rep["p99"] *= 1.5
    with tempfile.TemporaryDirectory() as d:
        p = run("compare", harness.write(d, "base.json", base),
                harness.write(d, "worse.json", worse))
    found = [l for l in p.stdout.splitlines() if "fence" in l and "p99" in l]
    check(p.returncode == 13 and len(found) == 1,
          f"a fence p99 grown by 50 %: exit 13, one finding: {p.returncode} {p.stdout}")


def test_bench_cli_rejects_bad_options():
    cases = [
        (["bench", "--iterations", "0"], "--iterations"),
        (["bench", "--iterations", "ten"], "got 'ten'"),
        (["bench", "--sizes", "0"], "--sizes"),
        (["bench", "--sizes", "12X"], "'12X'"),
        (["bench", "--sizes", "64K,,1M"], "empty item"),
        (["bench", "--handle-types", "FOO"], "unknown memory handle type 'FOO'"),
        (["bench", "--scenarios", "buffer-mmap"], "unknown scenario"),
        (["bench", "--fault", "nope"], "unknown fault"),
        (["bench", "--timeout", "-1"], "--timeout"),
        (["probe", "--iterations", "3"], "for 'vkwin32h bench' only"),
        (["bench", "--peer", "neighbour"], "--peer"),
        (["bench", "--modes", "host-timeline,smoke-signal"], "unknown mode 'smoke-signal'"),
        (["bench", "--parts", "gpu"], "unknown part 'gpu'"),
        (["bench", "--pin", "1"], "--pin"),
        (["bench", "--round-trips", "0"], "--round-trips"),
        (["bench", "--nt-names", "--sizes", "64K"], "named handles are Win32 NT handles"),
        (["bench", "-q", "--parts", "round-trips", "--round-trips", "20", "--fault", "child-abort"],
         "the fault child-abort was not injected"),
    ]
    for argv, needle in cases:
        p = run(*argv)
        check(p.returncode == 2, f"{argv}: exit 2, got {p.returncode}")
        one_stderr_line(p, needle)
        check(p.stdout == "", f"{argv}: nothing on stdout")
    p = run("bench", "--help")
    check(p.returncode == 0 and "--iterations" in p.stdout and "--fault" in p.stdout, "bench --help")


def test_bench_unwritable_report_exit_6():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "missing-dir", "r.json")
        t0 = time.monotonic()
        p = run("bench", "--json", path, "--sizes", "64K")
        check(p.returncode == 6, f"exit 6, got {p.returncode}")
        one_stderr_line(p, path)
        check(time.monotonic() - t0 < 5, "refused before any work")


def test_bench_missing_loader_exit_3():
    p, r = bench_json("--loader", "/nonexistent/libvulkan.so.1", expect_rc=3)
    one_stderr_line(p, "/nonexistent/libvulkan.so.1")
    check(r["status"]["code"] == "no_loader" and "bench" not in r, "no_loader, no bench section")


# --- round trips --------------------------------------------------------------

def sane_distribution(what, r, count):
    d = r["round_trip_ns"]
    check(d["count"] == count, f"{what}: {count} samples, got {d['count']}")
    check(0 < d["min"] <= d["p50"] <= d["p90"] <= d["p99"] <= d["p99_9"] <= d["max"],
          f"{what}: min <= p50 <= p90 <= p99 <= p99.9 <= max, all positive: {d}")
    check(d["min"] <= d["mean"] <= d["max"] and d["stddev"] >= 0, f"{what}: mean within range")
    check(sum(b["count"] for b in r["histogram"]) == count, f"{what}: the histogram holds every sample")
    previous_below = 0
    for b in r["histogram"]:
        width = b["below_ns"] - b["from_ns"]
        check(b["from_ns"] >= previous_below and 0 < width <= max(b["from_ns"], 1) / 8 + 1e-9
              and (b["from_ns"] == 0 or width >= b["from_ns"] / 16),
              f"{what}: ascending log-linear buckets, 8 to a power of two: {b}")
        previous_below = b["below_ns"]


def results(r, **match):
    return [x for x in r["bench"]["round_trips"]["results"]
            if all(x[k] == v for k, v in match.items())]


def test_bench_thread_peer_timeline_round_trips_on_lavapipe():
    p, r = bench_json("--parts", "round-trips", "--peer", "thread", "--round-trips", "500",
                      "--warmup", "50", "--samples", expect_rc=0)
    # Nothing was asked to cross processes, and what was asked passed (exit 0):
    # lavapipe times timelines and fences between two threads, exporting nothing.
    for mode in ("host-timeline", "queue-timeline", "queue-binary"):
        got = results(r, mode=mode, peer="thread")
        check(len(got) == 1 and got[0]["outcome"] == "passed",
              f"{mode} with a thread peer passed: {got}")
        if got and got[0]["outcome"] == "passed":
            sane_distribution(mode, got[0], 500)
            check(len(got[0]["samples_ns"]) == 500, f"{mode}: --samples keeps every sample")
            check(got[0]["handle_type"] is None, f"{mode}: nothing exported in-process")
            ra = got[0]["ratio_to_best_baseline"]
            check(ra and ra["baseline"] in ("futex", "eventfd", "pipe") and ra["p50"] > 0,
                  f"{mode}: given as a ratio to the fastest OS baseline: {ra}")
    fence = results(r, mode="fence", peer="thread")
    check(fence and fence[0]["outcome"] == "skipped" and "externally synchronized" in
          fence[0]["reason"], "one VkFence cannot be shared by two threads that way")
    chain = results(r, mode="gpu-chain", peer="thread")
    check(chain and chain[0]["outcome"] == "skipped" and "one queue" in chain[0]["reason"],
          "the GPU chain needs two queues in one process; lavapipe has one")
    timer = r["bench"]["round_trips"]["timer"]
    check(timer["resolution_ns"] > 0 and 0 < timer["overhead_ns"] < 100000, f"timer: {timer}")


def test_bench_os_baselines_between_real_processes():
    p, r = bench_json("--parts", "round-trips", "--peer", "process", "--modes", "os",
                      "--round-trips", "300", "--warmup", "30", expect_rc=0)
    check(r["status"]["ok"] and r["status"]["code"] == "ok", f"a passing run: {r['status']}")
    kinds = {x["os_primitive"]: x for x in results(r, mode="os", peer="process")}
    check(set(kinds) == {"futex", "eventfd", "pipe"}, f"the three Linux baselines: {set(kinds)}")
    for k, x in kinds.items():
        check(x["outcome"] == "passed", f"{k}: passed: {x['reason']}")
        if x["outcome"] == "passed":
            sane_distribution(k, x, 300)
    best = min(kinds.values(), key=lambda x: x["round_trip_ns"]["p50"])
    check(best["ratio_to_best_baseline"]["p50"] == 1.0, "the fastest baseline is its own reference")
    c = r["bench"]["child"]
    check(c["started"] and c["end"]["text"] == "exit code 0", "a real child process answered")
    check_child_gone(r)


def bucket_edges(v):
    """The README's histogram bucket of v ns: [2^o (1 + s/8), 2^o (1 + (s+1)/8))."""
    if v < 1:
        return (0, 1.125)
    o = min(int(math.log2(v)), 39)
    step = min(int((v / 2 ** o - 1) * 8), 7)
    return (0 if o == 0 and step == 0 else 2 ** o * (1 + step / 8), 2 ** o * (1 + (step + 1) / 8))


def nearest_rank(sorted_samples, q):
    return sorted_samples[math.ceil(q * len(sorted_samples)) - 1]


def test_bench_statistics_match_python_on_raw_samples():
    """The raw samples of real round trips (--samples), described again by
    Python's statistics module and the nearest-rank definition: every figure
    and histogram bucket of the report agrees."""
    p, r = bench_json("--parts", "round-trips", "--modes", "os", "--peer", "thread",
                      "--round-trips", "777", "--warmup", "20", "--samples", expect_rc=0)
    results = [x for x in r["bench"]["round_trips"]["results"] if x["outcome"] == "passed"]
    check(len(results) == 3, f"futex, eventfd and pipe measured: {len(results)}")
    for x in results:
        what = x["os_primitive"]
        s = sorted(x["samples_ns"])
        d = x["round_trip_ns"]
        check(len(s) == d["count"] == 777, f"{what}: 777 samples: {len(s)}, {d['count']}")
        check(d["min"] == s[0] and d["max"] == s[-1], f"{what}: min and max")
        check(d["p50"] == statistics.median_low(s) == nearest_rank(s, 0.5),
              f"{what}: p50 {d['p50']} is the low median {statistics.median_low(s)}")
        for key, q in (("p90", 0.9), ("p99", 0.99), ("p99_9", 0.999)):
            check(d[key] == nearest_rank(s, q),
                  f"{what}: {key} {d[key]} is rank ceil({q} * 777): {nearest_rank(s, q)}")
        check(d["p99_9"] == s[-1], f"{what}: p99.9 of 777 samples is the largest")
        check(math.isclose(d["mean"], statistics.fmean(s), rel_tol=1e-9),
              f"{what}: mean {d['mean']} vs {statistics.fmean(s)}")
        check(math.isclose(d["stddev"], statistics.stdev(s), rel_tol=1e-6),
              f"{what}: sample stddev {d['stddev']} vs {statistics.stdev(s)}")
        want = collections.Counter(bucket_edges(v) for v in s)
        got = {(b["from_ns"], b["below_ns"]): b["count"] for b in x["histogram"]}
        check(got == want, f"{what}: histogram buckets {sorted(got.items())[:6]} vs "
                           f"{sorted(want.items())[:6]}")
        # The modes cut the sorted samples into runs, lowest first: each run's
        # count, share, ends and median are those of its samples.
        modes = x.get("modes") or []
        check(1 <= len(modes) <= 4, f"{what}: one to four modes: {modes}")
        at = 0
        for m in modes:
            run = s[at:at + m["count"]]
            check(run and m["min_ns"] == run[0] and m["max_ns"] == run[-1]
                  and m["median_ns"] == statistics.median(run)
                  and math.isclose(m["share"], len(run) / len(s), rel_tol=1e-12),
                  f"{what}: mode {m} is the run s[{at}:{at + m['count']}] of the samples")
            at += m["count"]
        check(at == len(s), f"{what}: the modes hold every sample: {at} of {len(s)}")
        meds = [m["median_ns"] for m in modes]
        check(all(b >= 1.2 * a for a, b in zip(meds, meds[1:])),
              f"{what}: neighbouring modes at least 1.2 times apart: {meds}")


def test_bench_os_round_trips_only_pass_showing_what_ran():
    """Only the OS baselines asked for, and all passed: exit 0 (there was no
    Vulkan object to share), and the text shows the round trips, not an
    empty memory part; the same to a full disk is exit 6."""
    argv = ("bench", "--parts", "round-trips", "--modes", "os", "--round-trips", "50",
            "--warmup", "10", "--progress", "never")
    p = run(*argv)
    check(p.returncode == 0, f"exit 0, got {p.returncode}: {p.stderr}")
    check(p.stderr == "", f"nothing on stderr: {p.stderr}")
    check("Round trips" in p.stdout and p.stdout.count(" passed ") == 6,
          f"six OS round trips passed: {p.stdout}")
    check("Memory" not in p.stdout and "per scenario" not in p.stdout
          and "skipped, 0 not run" in p.stdout and p.stdout.count("passed, ") == 1,
          f"no memory part shown: {p.stdout}")
    with open("/dev/full", "w") as full:
        p = subprocess.run(harness.tool_command(*argv), stdout=full, stderr=subprocess.PIPE,
                           text=True, env=harness.tool_env(), timeout=120)
    check(p.returncode == 6, f"> /dev/full: exit 6, got {p.returncode}")
    one_stderr_line(p, "cannot write to standard output: No space left on device")


def test_bench_cross_process_semaphores_skipped_with_driver_reason():
    p, r = bench_json("--parts", "round-trips", "--peer", "process", "--round-trips", "100",
                      expect_rc=12)
    one_stderr_line(p, "nothing to share")
    for mode in ("host-timeline", "queue-timeline", "queue-binary", "fence", "gpu-chain"):
        got = results(r, mode=mode, peer="process")
        check({x["handle_type"] for x in got} == {"OPAQUE_FD", "SYNC_FD"},
              f"{mode}: every Linux handle type listed")
        check(all(x["outcome"] == "skipped" and "VK_KHR_external_" in x["reason"] for x in got),
              f"{mode}: skipped with the driver's reason: {[x['reason'] for x in got]}")


def test_bench_lost_signal_reported_within_timeout():
    # 3 s: the limit also covers the child's start (loader, driver), which
    # takes over a second in the sanitizer build on a busy 2-core machine.
    t0 = time.monotonic()
    p, r = bench_json("--parts", "round-trips", "--peer", "process", "--modes", "os",
                      "--round-trips", "200", "--warmup", "20", "--timeout", "3",
                      "--fault", "lost-signal", expect_rc=10)
    check(time.monotonic() - t0 < 20, "reported within the timeout, not a hang")
    first = r["bench"]["round_trips"]["results"][0]
    check(first["outcome"] == "failed" and "round trip 21 of 220 (timed)" in first["reason"]
          and "within 3000 ms" in first["reason"], f"the lost signal, with its index: {first}")
    check(all(x["outcome"] == "passed" for x in r["bench"]["round_trips"]["results"][1:]),
          "the modes after it still ran")
    one_stderr_line(p, "round-trip mode(s) failed")
    p, r = bench_json("--parts", "round-trips", "--peer", "thread", "--modes",
                      "queue-timeline,queue-binary", "--round-trips", "100", "--warmup", "10",
                      "--timeout", "3", "--fault", "lost-signal", expect_rc=10)
    got = results(r, mode="queue-timeline")[0]
    check(got["outcome"] == "failed" and "timeline value 11 not reached within 3000 ms"
          in got["reason"], f"a thread peer's lost timeline signal: {got['reason']}")
    # Nothing of the failed mode is left waiting on the queue: the next mode runs.
    after = results(r, mode="queue-binary")[0]
    check(after["outcome"] == "passed", f"the device is not wedged by it: {after['reason']}")


def test_bench_round_trips_under_validation_layer_no_error():
    p, r = bench_json("--parts", "round-trips", "--round-trips", "200", "--warmup", "20",
                      "--validate", expect_rc=12)
    v = r["validation"]
    check(v["enabled"] and v["validation_errors"] == 0, f"no validation error: {v['messages'][:3]}")
    check(r["bench"]["child"]["validation_enabled"], "the child ran under the layer too")
    passed = [x for x in r["bench"]["round_trips"]["results"] if x["outcome"] == "passed"]
    check(len(passed) >= 5, f"baselines and thread-peer modes ran: {len(passed)}")


if __name__ == "__main__":
    sys.exit(harness.main(globals()))
