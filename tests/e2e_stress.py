#!/usr/bin/env python3
"""End-to-end tests of `vkwin32h stress` on the CPU driver (lavapipe): several
importer processes at once, chaos, the time series and its trends, the leak
the trend must catch, replay by seed, SIGTERM halfway, and bad input.

    e2e_stress.py --exe PATH --schema PATH TEST_NAME
"""
import os
import signal
import subprocess
import tempfile
import time

import harness
from harness import check, load, one_stderr_line, report_json, run, schema_errors

EXIT_USAGE, EXIT_STRESS, EXIT_SIGTERM = 2, 17, 143
SMALL = ("--sizes", "64K", "--timeout-ms", "2000", "--progress", "never")
# Under AddressSanitizer (the sanitizer build sets VKW_TEST_PRELOAD) freed memory
# waits in its quarantine (up to 256 MiB): resident memory grows by design
# there, so its limit is lifted; handles are judged as everywhere.
if os.environ.get("VKW_TEST_PRELOAD"):
    SMALL += ("--resident-max", "1000000")


def stress(*extra, expect_rc=0, timeout=240):
    """A stress run with small memory and a short timeout, unless extra says
    otherwise."""
    base = []
    for flag, value in zip(SMALL[::2], SMALL[1::2]):
        if flag not in extra:
            base += [flag, value]
    return report_json("stress", *base, *extra, expect_rc=expect_rc, timeout=timeout)


def children_of(pid):
    """Every thread's children (an importer started again is the child of the
    worker thread that started it)."""
    kids = []
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{t}/children") as f:
                    kids += [int(k) for k in f.read().split()]
            except FileNotFoundError:
                pass
    except FileNotFoundError:
        pass
    return kids


def test_stress_four_importers_with_chaos_pass_and_detect_every_fault():
    """The CI target: 20 s, 4 importers, chaos on: exit 0, at least 15
    points, no leak, every injected fault detected (and the importer
    working again after it)."""
    p, r = stress("--importers", "4", "--duration", "20s", "--chaos", "0.05", "--seed", "42",
                  timeout=300)
    s = r["stress"]
    pts = s["series"]["points"]
    check(len(pts) >= 15, f"at least 15 points in 20 s, got {len(pts)}")
    check(s["end"] == "duration", f"ended by its duration, got {s['end']}")
    check(s["series"]["processes"] == 5, f"5 processes in the series, got {s['series']['processes']}")
    check(not s["verdict"]["leak"], f"no leak: {s['verdict']['text']}")
    mem = s["operations"]["memory"]
    check(mem["run"] and mem["done"] > 50, f"memory operations ran: {mem}")
    check(mem["verified"] > 0, f"memory verified both ways: {mem}")
    fan = s["operations"]["fan-out"]
    check(fan["run"] and fan["done"] > 0, f"fan-out ran: {fan}")
    check(fan["reached"] >= 3 * fan["done"],
          f"a fan-out reached at least 3 of the 4 importers on average: {fan}")
    injected = sum(c["injected"] for c in s["chaos"].values())
    detected = sum(c["detected"] for c in s["chaos"].values())
    check(injected >= 5, f"chaos injected faults: {s['chaos']}")
    check(detected == injected, f"every injected fault detected: {s['chaos']}")
    for kind, c in s["chaos"].items():
        check(c["recovered"] <= c["detected"], f"{kind}: recovered <= detected: {c}")
    check(sum(c["recovered"] for c in s["chaos"].values()) >= injected - 4,
          f"the importers work again after their faults: {s['chaos']}")
    check(all(e["detected"] for e in s["events"]), f"every event detected: {s['events'][:3]}")
    check(s["unexpected_failures"] == 0 and s["mismatches"] == 0,
          f"no failure without a fault: {s['first_failure']} {s['first_mismatch']}")
    # Every process's handles were seen, and the exporter's are flat.
    for pt in pts[2:]:
        check(pt["handles"][0] is not None and pt["handles"][0] > 0,
              f"the exporter's handles at {pt['t_s']}: {pt['handles']}")
    exporter = [t for t in s["trends"] if t["quantity"] == "handles" and t["process"] == 0]
    check(len(exporter) == 1 and exporter[0]["estimated"] and not exporter[0]["fails"],
          f"the exporter's handle trend is estimated and flat: {exporter}")
    check(s["options"]["seed"] == "42", f"the seed is in the report: {s['options']['seed']}")


def test_stress_leak_fault_is_caught_by_the_slope():
    """A test-only fault keeps one fd per import in each importer: the handle
    trend must say so (exit 17) within 20 s, naming the importer."""
    p, r = stress("--importers", "2", "--duration", "12s", "--stress-fault", "leak",
                  "--operations", "memory", expect_rc=EXIT_STRESS)
    s = r["stress"]
    check(s["verdict"]["leak"], f"a leak in the verdict: {s['verdict']}")
    failing = [t for t in s["trends"] if t["fails"] and t["quantity"] == "handles"]
    check(failing and all(t["process"] >= 1 for t in failing),
          f"importer handle trends fail: {[t['text'] for t in s['trends']]}")
    check(all(t["lo_per_min"] > 0 and t["slope_per_min"] > 10 for t in failing),
          f"slopes above 0 with the interval's low end too: {[t['text'] for t in failing]}")
    exporter = [t for t in s["trends"] if t["quantity"] == "handles" and t["process"] == 0]
    check(exporter and not exporter[0]["fails"], f"the exporter keeps nothing: {exporter}")
    check("leak" in p.stderr and "importer" in p.stderr, f"stderr names the leak: {p.stderr}")


def test_stress_leak_under_restarts_is_caught_over_the_importers_lives():
    """Importers killed and started again all along: each life starts its
    count anew, and the leak shows within every life: the trend over the
    lives must catch it (exit 17)."""
    p, r = stress("--importers", "2", "--duration", "20s", "--interval", "200ms",
                  "--stress-fault", "leak", "--operations", "memory", "--chaos", "0.005",
                  "--chaos-kinds", "kill-import", "--seed", "1", expect_rc=EXIT_STRESS)
    s = r["stress"]
    check(s["restarts"] >= 3, f"importers started again: {s['restarts']}")
    failing = [t for t in s["trends"] if t["fails"] and t["quantity"] == "handles"]
    check(failing and all(t["process"] >= 1 for t in failing),
          f"an importer's handles fail: {[t['text'] for t in s['trends']]}")


def test_stress_same_seed_same_operations():
    """One importer, a number of cycles and a seed: the run's choices replay."""
    runs = []
    for _ in range(2):
        p, r = stress("--importers", "1", "--cycles", "30", "--seed", "7",
                      "--sizes", "64K,256K")
        runs.append({k: v["done"] + v["failed"] for k, v in r["stress"]["operations"].items()})
        check(r["stress"]["end"] == "cycles", f"ended by its cycles: {r['stress']['end']}")
        check(r["stress"]["ops_total"] == 30, f"30 operations: {r['stress']['ops_total']}")
    check(runs[0] == runs[1], f"the same operations from the same seed: {runs}")


def test_stress_unsupported_operations_skipped_with_why():
    """lavapipe exports no semaphores or fences: those kinds are skipped,
    each with the driver's reason, and the run passes on memory."""
    p, r = stress("--importers", "2", "--duration", "3s")
    ops = r["stress"]["operations"]
    for k in ("binary", "timeline", "fence", "signal"):
        check(not ops[k]["run"] and ops[k]["skip"], f"{k} skipped with why: {ops[k]}")
        check(ops[k]["done"] == 0, f"{k}: nothing done: {ops[k]}")
    check("semaphore" in ops["timeline"]["skip"] or "OPAQUE_FD" in ops["timeline"]["skip"],
          f"the timeline's reason names it: {ops['timeline']['skip']}")


def test_stress_each_chaos_kind_detected():
    """Every kind of fault that can run here, injected often: each detected."""
    kinds = ["kill-import", "stale", "foreign", "stop", "drop"]
    p, r = stress("--importers", "2", "--duration", "15s", "--chaos", "0.35", "--seed", "3",
                  "--timeout-ms", "700", "--chaos-kinds", ",".join(kinds), "--operations",
                  "memory", timeout=300)
    c = r["stress"]["chaos"]
    for k in kinds:
        check(c[k]["injected"] >= 1, f"{k} injected: {c[k]}")
        check(c[k]["detected"] == c[k]["injected"], f"{k}: every one detected: {c[k]}")
    # A worker starts its killed importer again at its next operation: one
    # killed as the run ends (at most one per importer) is not.
    check(r["stress"]["restarts"] >= c["kill-import"]["injected"] - 2,
          f"killed importers started again: {r['stress']['restarts']} of "
          f"{c['kill-import']['injected']} killed")
    check(not r["stress"]["verdict"]["leak"], f"no leak after chaos: {r['stress']['verdict']}")


def test_stress_sigterm_halfway_leaves_a_complete_report_and_no_process():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "r.json")
        proc = subprocess.Popen(harness.tool_command("stress", *SMALL, "--importers", "3",
                                                     "--duration", "120s", "--json", path,
                                                     "--quiet"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=harness.tool_env())
        shm_before = set(os.listdir("/dev/shm"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(children_of(proc.pid)) < 3:
            time.sleep(0.2)
        time.sleep(4)  # the run under way: points in its series
        kids = children_of(proc.pid)
        check(len(kids) == 3, f"3 importers running, got {kids}")
        proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            check(False, "stress ends within 60 s of SIGTERM")
            return
        check(proc.returncode == EXIT_SIGTERM, f"exit 143, got {proc.returncode}: {err}")
        for k in kids:
            check(not os.path.exists(f"/proc/{k}"), f"importer {k} reaped")
        left = set(os.listdir("/dev/shm")) - shm_before
        check(not left, f"nothing left in /dev/shm: {left}")
        check(sorted(os.listdir(d)) == ["r.json"], f"only the report: {os.listdir(d)}")
        r = load(path)
        check(not schema_errors(r), f"valid: {schema_errors(r)[:3]}")
        s = r["stress"]
        check(r["interrupted"] is True and s["end"] == "stopped", f"stopped: {s['end']}")
        check(len(s["series"]["points"]) >= 3, f"the series so far: {len(s['series']['points'])}")
        check(s["operations"]["memory"]["done"] > 0, "what ran is reported")


def test_stress_bad_numbers_and_names_refused():
    cases = [
        (["--importers", "0"], "--importers"),
        (["--importers", " 4"], "--importers"),
        (["--importers", "33"], "--importers"),
        (["--concurrency", "+2"], "--concurrency"),
        (["--duration", "10x"], "--duration"),
        (["--duration", "-5s"], "--duration"),
        (["--duration", "5 s"], "--duration"),
        (["--duration", "500ms"], "--duration"),
        (["--chaos", "1.5"], "--chaos"),
        (["--chaos", "+0.1"], "--chaos"),
        (["--chaos", ".5"], "--chaos"),
        (["--chaos", "1e-2"], "--chaos"),
        (["--seed", "-1"], "--seed"),
        (["--seed", "18446744073709551616"], "--seed"),
        (["--chaos-kinds", "stop,stop"], "--chaos-kinds"),
        (["--operations", "nope"], "--operations"),
        (["--interval", "0s"], "--interval"),
        (["--iterations", "3"], "--iterations"),
        (["--sizes", "1K,2K,3K,4K,5K,6K,7K,8K,9K"], "--sizes"),
    ]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "r.json")
        for argv, name in cases:
            p = run("stress", "--json", path, *argv)
            check(p.returncode == EXIT_USAGE, f"{argv}: exit 2, got {p.returncode}: {p.stderr}")
            one_stderr_line(p, name)
            check(not os.listdir(d), f"{argv}: nothing written: {os.listdir(d)}")


def test_stress_validation_layer_in_every_process():
    p, r = stress("--importers", "2", "--duration", "4s", "--validate", timeout=300)
    s = r["stress"]
    check(s["validation_enabled"], "the layer was on")
    check(s["validation_errors"] == 0, f"no validation error: {s['validation_errors']}")
    check(s["operations"]["memory"]["done"] > 0, "memory ran under the layer")


def test_stress_mismatch_fails_the_run():
    """A flipped byte in what the exporter writes: a mismatch, exit 17."""
    p, r = stress("--importers", "1", "--cycles", "6", "--stress-fault", "flip-byte",
                  expect_rc=EXIT_STRESS)
    s = r["stress"]
    check(s["mismatches"] >= 1, f"mismatches counted: {s['mismatches']}")
    check("offset" in s["first_mismatch"], f"the first names the offset: {s['first_mismatch']}")
    check("mismatch" in s["verdict"]["text"], f"the verdict says so: {s['verdict']['text']}")


def test_stress_undetected_fault_fails_the_run():
    """An exporter that does not read the importer's answer misses the faults
    it injects: counted as undetected, exit 17."""
    p, r = stress("--importers", "1", "--duration", "4s", "--chaos", "0.5", "--chaos-kinds",
                  "stale,foreign", "--stress-fault", "deaf", "--seed", "5",
                  expect_rc=EXIT_STRESS)
    c = r["stress"]["chaos"]
    injected = c["stale"]["injected"] + c["foreign"]["injected"]
    detected = c["stale"]["detected"] + c["foreign"]["detected"]
    check(injected >= 1 and detected == 0, f"injected and not detected: {c}")
    check("undetected" in r["stress"]["verdict"]["text"], f"verdict: {r['stress']['verdict']}")


def test_stress_invalid_usage_is_a_validation_error():
    """The validation layer as the oracle: an importer that breaks a rule
    fails the run (exit 17) with the layer's count."""
    p, r = stress("--importers", "1", "--cycles", "3", "--validate", "--stress-fault",
                  "invalid-usage", expect_rc=EXIT_STRESS, timeout=300)
    s = r["stress"]
    check(s["validation_errors"] >= 1, f"the layer's errors counted: {s['validation_errors']}")
    check("validation" in s["verdict"]["text"], f"verdict: {s['verdict']['text']}")


if __name__ == "__main__":
    raise SystemExit(harness.main(globals()))
