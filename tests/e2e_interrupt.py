#!/usr/bin/env python3
"""End-to-end tests of runs that end early: SIGTERM (what CI timeouts send)
and SIGINT halfway through a bench and a check, a second signal, the overall
deadline, a hung child against --timeout, and progress lines in a log.

    e2e_interrupt.py --exe PATH --schema PATH TEST_NAME
"""
import json
import os
import select
import signal
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET

import harness
from harness import check, load, run, schema_errors

EXIT_DEADLINE, EXIT_SIGINT, EXIT_SIGTERM = 16, 130, 143

# A bench that runs for hours unless stopped: one small scenario, many cycles.
LONG_BENCH = ("bench", "--sizes", "1M", "--iterations", "1000000", "--scenarios", "buffer-map",
              "--parts", "memory", "--timeout", "20", "--quiet", "--progress", "always")
SHORT_BENCH = ("bench", "--sizes", "64K", "--iterations", "2", "--scenarios", "buffer-map",
               "--parts", "memory", "--quiet")


def check_config(iterations):
    """A check whose memory bench runs `iterations` cycles, then round trips."""
    return {
        "name": "interrupt test",
        "devices": "all",
        "timeout_s": 20,
        "capabilities": [{"object": "buffer", "handle_type": "OPAQUE_FD", "exportable": True}],
        "benches": [
            {"name": "memory", "part": "memory", "handle_types": ["OPAQUE_FD"],
             "scenarios": ["buffer-map"], "sizes": ["1M"], "iterations": iterations,
             "expect": {"verified": True, "leaked_handles_max": 0}},
            {"name": "rt", "part": "round-trips", "modes": ["os"], "peer": "thread",
             "round_trips": 200, "warmup": 20, "expect": {"passes": True}},
        ],
    }


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def start(argv):
    return subprocess.Popen(harness.tool_command(*argv), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=harness.tool_env())


def wait_for_line(proc, needle, timeout=120):
    """Reads proc's stderr until a line holds needle (a progress line says
    the work has begun); returns what was read."""
    fd, seen, deadline = proc.stderr.fileno(), b"", time.monotonic() + timeout
    while needle.encode() not in seen and time.monotonic() < deadline and proc.poll() is None:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            seen += os.read(fd, 65536)
    check(needle.encode() in seen, f"the run got to {needle!r}: {seen[-500:]!r}")
    return seen.decode(errors="replace")


def stop_halfway(proc, sig, settle=1.0, second=None, started="warm-up"):
    """Once proc's child runs and some work is done (a progress line holds
    `started`, then settle seconds), sends sig (and then at once `second`);
    returns (child pid, seconds from the signal to the end, stdout, stderr)."""
    child = harness.first_child_of(proc)
    check(child is not None, "the run started its child process")
    early = wait_for_line(proc, started) if started else ""
    time.sleep(settle)  # well into the work
    check(proc.poll() is None, "the run is still going when the signal comes")
    t0 = time.monotonic()
    proc.send_signal(sig)
    if second is not None:
        proc.send_signal(second)
    out, err = harness.wait_for(proc, 30, "the run ended after the signal (it hung)")
    err = early + err
    took = time.monotonic() - t0
    time.sleep(0.2)
    check(child is None or not alive(child), f"no child left behind: {child} is gone")
    return child, took, out, err


def earlier_passing_bench(path):
    p = run(*SHORT_BENCH, "--json", path)
    check(p.returncode == 0 and load(path)["status"]["ok"],
          f"an earlier run leaves a passing report at {path}: {p.returncode} {p.stderr}")


def interrupted_bench_report(path, sig, code):
    r = load(path)
    check(not schema_errors(r), f"the interrupted report validates: {schema_errors(r)[:3]}")
    check(r.get("interrupted") is True, f"interrupted: true, got {r.get('interrupted')}")
    st = r["status"]
    check(not st["ok"] and st["code"] == "interrupted" and sig in st["message"],
          f"status says interrupted by {sig}: {st}")
    sc = r["bench"]["memory"][0]
    check(sc["outcome"] == "not_run" and sig in sc["reason"] and sc["iterations"] >= 1
          and sc["phases_us"]["import"]["count"] == sc["iterations"],
          f"the scenario keeps what ran ({sc['iterations']} iterations) and says why it "
          f"stopped: {sc['outcome']}: {sc['reason']}")
    end = r["bench"]["child"]["end"]
    check(end["ended"], f"the report says how the child ended: {end}")
    return r


def bench_stopped_by(sig, name, code):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "bench.json")
        earlier_passing_bench(path)
        proc = start((*LONG_BENCH, "--json", path))
        child, took, out, err = stop_halfway(proc, sig)
        check(proc.returncode == code, f"exit {code} after {name}, got {proc.returncode}: {err}")
        check(took < 5, f"the run ended soon after {name}: {took:.1f} s")
        check(f"interrupted by {name}" in err, f"stderr says why: {err!r}")
        check(sorted(os.listdir(d)) == ["bench.json"], f"nothing else left: {os.listdir(d)}")
        r = interrupted_bench_report(path, name, code)
        check(r["bench"]["child"]["pid"] == child, "the report names the child that was stopped")


def test_bench_sigterm_midway_writes_interrupted_report():
    bench_stopped_by(signal.SIGTERM, "SIGTERM", EXIT_SIGTERM)


def test_bench_sigint_midway_writes_interrupted_report():
    bench_stopped_by(signal.SIGINT, "SIGINT", EXIT_SIGINT)


def run_check(d, cfg, *extra, timeout=300):
    cfg_path = os.path.join(d, "config.json")
    with open(cfg_path, "w") as f:
        json.dump(cfg, f)
    out = {k: os.path.join(d, f"out.{k}") for k in ("json", "xml", "txt")}
    argv = ("check", "--config", cfg_path, "--json", out["json"], "--junit", out["xml"],
            "--summary", out["txt"], "--quiet", "--progress", "always", *extra)
    return argv, out


def interrupted_check_reports(out, name, code):
    r = load(out["json"])
    check(not schema_errors(r), f"the interrupted check report validates: {schema_errors(r)[:3]}")
    check(r.get("interrupted") is True, f"interrupted: true, got {r.get('interrupted')}")
    c = r["check"]
    check(c["outcome"] == "interrupted" and c["exit_code"] == code and name in c["message"],
          f"check outcome interrupted, exit {code}, by {name}: {c['outcome']} {c['exit_code']} "
          f"{c['message']}")
    by_source = {e["source"]: e for e in c["expectations"]}
    cap = by_source.get("capabilities[0]")
    check(cap and cap["outcome"] == "passed", f"what was measured is judged: {cap}")
    unfinished = [e for e in c["expectations"] if e["source"].startswith("benches")]
    check(len(unfinished) == 3 and all(e["outcome"] == "error" for e in unfinished),
          f"the unfinished expectations are errors: {[(e['source'], e['outcome']) for e in unfinished]}")
    check(all(name in e["message"] for e in unfinished),
          f"each says the run was interrupted: {[e['message'] for e in unfinished]}")
    runs = c["runs"]
    check(len(runs) == 1 and runs[0]["status"]["code"] == "interrupted"
          and runs[0]["bench"]["memory"][0]["iterations"] >= 1,
          f"the interrupted bench is in the report with what it measured: "
          f"{[(x['name'], x['status']) for x in runs]}")
    root = ET.parse(out["xml"]).getroot()
    cases = root.findall("./testsuite/testcase")
    errors = [tc for tc in cases if tc.find("error") is not None]
    totals = harness.junit_totals(root)
    check(len(cases) == 4 and len(errors) == 3 and totals["errors"] == 3
          and totals["failures"] == 0,
          f"JUnit: 4 cases, the 3 unfinished as <error>: {totals}")
    check(all(name in tc.find("error").get("message") for tc in errors),
          "each JUnit error says the run was interrupted")
    with open(out["txt"]) as f:
        summary = f.read()
    check("Result     INTERRUPTED:" in summary and f"(exit {code})" in summary,
          f"the summary says INTERRUPTED: {summary[-400:]}")
    check("PASSED" not in summary, "the summary does not say PASSED")


def check_stopped_by(sig, name, code):
    with tempfile.TemporaryDirectory() as d:
        argv, out = run_check(d, check_config(2))
        p = run(*argv)
        check(p.returncode == 0 and load(out["json"])["check"]["outcome"] == "passed",
              f"an earlier check passes at the same paths: {p.returncode} {p.stderr}")
        argv, out = run_check(d, check_config(1000000))
        proc = start(argv)
        child, took, _, err = stop_halfway(proc, sig)
        check(proc.returncode == code, f"exit {code} after {name}, got {proc.returncode}: {err}")
        check(took < 5, f"the check ended soon after {name}: {took:.1f} s")
        interrupted_check_reports(out, name, code)


def test_check_sigterm_midway_writes_interrupted_reports():
    check_stopped_by(signal.SIGTERM, "SIGTERM", EXIT_SIGTERM)


def test_check_sigint_midway_writes_interrupted_reports():
    check_stopped_by(signal.SIGINT, "SIGINT", EXIT_SIGINT)


def no_pass_at(out):
    """What is left at the report paths says nothing passed."""
    for k, path in out.items():
        if not os.path.exists(path):
            continue
        with open(path) as f:
            text = f.read()
        if k == "json":
            r = json.loads(text)
            check(r.get("interrupted") is True and r["check"]["outcome"] != "passed",
                  f"a JSON report left behind is an interrupted one: {r.get('check', {}).get('outcome')}")
        else:
            check("PASSED" not in text and 'errors="0"' not in text.split("\n", 2)[1],
                  f"{path} left behind does not say passed")


def test_second_signal_ends_at_once_leaving_no_stale_pass():
    with tempfile.TemporaryDirectory() as d:
        argv, out = run_check(d, check_config(2))
        p = run(*argv)
        check(p.returncode == 0, f"an earlier check passes at the same paths: {p.stderr}")
        argv, out = run_check(d, check_config(1000000))
        proc = start(argv)
        # SIGTERM and at once SIGINT: the second comes while the first is
        # handled (either may be taken first, by any thread), and ends the
        # run at once: with its exit code, before any report is written.
        child, took, _, err = stop_halfway(proc, signal.SIGTERM, second=signal.SIGINT)
        check(proc.returncode in (EXIT_SIGINT, EXIT_SIGTERM),
              f"a signal's exit code, got {proc.returncode}: {err}")
        check(took < 2, f"at once: {took:.1f} s")
        check(not os.path.exists(out["json"]) and "stopped early" not in err,
              f"ended by the second signal, not by the clean stop: {os.listdir(d)} {err!r}")
        no_pass_at(out)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "bench.json")
        earlier_passing_bench(path)
        proc = start((*LONG_BENCH, "--json", path))
        child, took, _, err = stop_halfway(proc, signal.SIGINT, second=signal.SIGTERM)
        check(proc.returncode in (EXIT_SIGINT, EXIT_SIGTERM) and took < 2,
              f"bench: a signal's exit code at once, got {proc.returncode} after {took:.1f} s")
        check(not os.path.exists(path),
              "bench: the earlier passing report is gone, and no other was written")


def test_waits_notice_the_stop_within_a_short_time():
    """A child that never answers, a lost OS signal (futex), a lost timeline
    signal (vkWaitSemaphores), all with a long --timeout: SIGTERM ends each
    within a second or two, not at the timeout."""
    cases = [
        ("child reply", ("bench", "--sizes", "64K", "--parts", "memory", "--fault", "child-hang")),
        ("os futex", ("bench", "--parts", "round-trips", "--modes", "os", "--peer", "process",
                      "--fault", "lost-signal", "--round-trips", "100", "--warmup", "10")),
        ("host-timeline", ("bench", "--parts", "round-trips", "--modes", "host-timeline",
                           "--peer", "thread", "--fault", "lost-signal", "--round-trips", "100",
                           "--warmup", "10")),
    ]
    for what, argv in cases:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "r.json")
            proc = start((*argv, "--timeout", "120", "--quiet", "--progress", "always",
                          "--json", path))
            if what == "host-timeline":
                time.sleep(4)  # no child: into the lost wait
                t0 = time.monotonic()
                proc.send_signal(signal.SIGTERM)
                _, err = harness.wait_for(proc, 30, f"{what}: the wait ended after SIGTERM")
                took = time.monotonic() - t0
            else:
                _, took, _, err = stop_halfway(proc, signal.SIGTERM, settle=3, started="")
            check(proc.returncode == EXIT_SIGTERM, f"{what}: exit 143, got {proc.returncode}: {err}")
            check(took < 3, f"{what}: the wait noticed SIGTERM within a short time: {took:.1f} s")
            if os.path.exists(path):
                r = load(path)
                check(r.get("interrupted") is True and not schema_errors(r),
                      f"{what}: an interrupted report that validates")
            else:
                check(False, f"{what}: a report is written")


def test_bench_deadline_ends_as_interrupted():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "bench.json")
        t0 = time.monotonic()
        p = run(*LONG_BENCH, "--deadline", "10", "--json", path, timeout=60)
        took = time.monotonic() - t0
        check(p.returncode == EXIT_DEADLINE, f"exit 16 at the deadline, got {p.returncode}: "
                                             f"{p.stderr}")
        check(10 <= took < 16, f"the run lasted about the deadline: {took:.1f} s")
        r = load(path)
        check(not schema_errors(r), f"the report validates: {schema_errors(r)[:3]}")
        check(r.get("interrupted") is True and r["status"]["code"] == "interrupted"
              and "deadline of 10.0 s" in r["status"]["message"],
              f"interrupted by the deadline: {r['status']}")
        check(r["bench"]["memory"][0]["iterations"] >= 1, "what ran before it is kept")
    p = run("bench", "--deadline", "0")
    check(p.returncode == 2 and "--deadline" in p.stderr, f"--deadline 0 is a usage error: "
                                                          f"{p.returncode} {p.stderr}")
    p = run("probe", "--deadline", "5")
    check(p.returncode == 2 and "--deadline" in p.stderr, "probe takes no --deadline")


def test_check_deadline_from_config_and_command_line():
    with tempfile.TemporaryDirectory() as d:
        cfg = dict(check_config(1000000), deadline_s=10)
        argv, out = run_check(d, cfg)
        t0 = time.monotonic()
        p = run(*argv, timeout=60)
        took = time.monotonic() - t0
        check(p.returncode == EXIT_DEADLINE, f"deadline_s: exit 16, got {p.returncode}: "
                                             f"{p.stderr}")
        check(10 <= took < 16, f"the check lasted about deadline_s: {took:.1f} s")
        interrupted_check_reports(out, "deadline", EXIT_DEADLINE)
        # The command line's deadline wins over the config's.
        cfg = dict(check_config(1000000), deadline_s=600)
        argv, out = run_check(d, cfg, "--deadline", "5")
        t0 = time.monotonic()
        p = run(*argv, timeout=60)
        took = time.monotonic() - t0
        check(p.returncode == EXIT_DEADLINE and took < 11,
              f"--deadline 5 overrides deadline_s 600: exit {p.returncode} after {took:.1f} s")
        check("deadline of 5.0 s" in load(out["json"])["check"]["message"],
              "the report names the deadline that passed")
        bad = dict(check_config(2), deadline_s=0)
        argv, out = run_check(d, bad)
        p = run(*argv)
        check(p.returncode == 2 and "deadline_s" in p.stderr,
              f"deadline_s 0 is a config error naming the key: {p.returncode} {p.stderr}")


def test_bench_child_hang_detected_within_timeout():
    """--timeout is the limit of every wait: a child that never answers is
    given up on after one timeout (the old code waited 3 x timeout + 1 s)."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "r.json")
        p = run("bench", "--sizes", "64K", "--parts", "memory", "--fault", "child-hang",
                "--timeout", "2", "--quiet", "--progress", "always", "--json", path, timeout=60)
        check(p.returncode == 11, f"exit 11 (the child hung), got {p.returncode}: {p.stderr}")
        check("no answer within 2.0 s" in p.stderr, f"the wait was the timeout: {p.stderr}")
        r = load(path)
        # From the hung request (the scenario's first step, its progress line)
        # to the end of the run, on the tool's own clock: not its start-up.
        started = [float(l.split("progress at ", 1)[1].split(" s:", 1)[0])
                   for l in progress_lines(p.stderr) if "warm-up" in l]
        took = r["timing"]["total_ms"] / 1e3 - started[0] if started else 1e9
        check(took < 2 * 2 + 2, f"detected in about the timeout, not 3x + 1 s: {took:.1f} s")
        end = r["bench"]["child"]["end"]
        check(end["killed_by_parent"] and end["code"] == 9, f"the hung child was killed: {end}")


def progress_lines(err):
    return [l for l in err.splitlines() if l.startswith("vkwin32h: progress at ")]


def counters(lines):
    out = []
    for l in lines:
        if "[" in l and "/" in l.split("[", 1)[1]:
            done, total = l.split("[", 1)[1].split("]", 1)[0].split("/")
            out.append((int(done), int(total)))
    return out


def test_progress_lines_without_a_terminal():
    p = run("bench", "--sizes", "64K", "--iterations", "2", "--round-trips", "100",
            "--warmup", "10", "--peer", "thread")
    lines = progress_lines(p.stderr)
    check(p.returncode == 0, f"the bench passes: {p.stderr}")
    steps = {l.split("] ", 1)[1].split(",")[0] for l in lines if "] " in l}
    check(len(steps) >= 6, f"one line per step, also with stderr not a terminal: {lines}")
    check(any("buffer-map 64 KiB" in l for l in lines)
          and any("round trips host-timeline, thread peer" in l for l in lines),
          f"memory and round-trip steps are named: {lines}")
    c = counters(lines)
    check(c and all(1 <= d <= t for d, t in c), f"the counter never passes its total: {c}")
    check("\r" not in p.stderr and "\033[" not in p.stderr, "no terminal control in a log")
    p = run("bench", "--parts", "round-trips", "--modes", "os,host-timeline", "--peer", "thread",
            "--round-trips", "100", "--warmup", "10")
    c = counters(progress_lines(p.stderr))
    check(c and all(1 <= d <= t for d, t in c) and c[-1][0] == c[-1][1],
          f"round trips only: counted to their total, not [1/0]: {c}")
    p = run("bench", "--sizes", "64K", "--iterations", "2", "--parts", "memory",
            "--progress", "never")
    check(not progress_lines(p.stderr), f"--progress never: no lines: {p.stderr}")
    p = run("bench", "--sizes", "64K", "--iterations", "2", "--parts", "memory", "--quiet")
    check(not progress_lines(p.stderr), f"--quiet: no lines: {p.stderr}")
    p = run("bench", "--sizes", "64K", "--iterations", "2", "--parts", "memory", "--quiet",
            "--progress", "always")
    check(len(progress_lines(p.stderr)) >= 3, f"--progress always: lines even with --quiet: "
                                              f"{p.stderr}")
    p = run("bench", "--progress", "sometimes")
    check(p.returncode == 2 and "--progress" in p.stderr, f"a bad --progress is exit 2: {p.stderr}")
    # A step that lasts: a line every 10 s says it still runs.
    p = run("bench", "--sizes", "1M", "--iterations", "1000000", "--parts", "memory",
            "--scenarios", "buffer-map", "--deadline", "25", "--progress", "always", "--quiet",
            timeout=90)
    lines = progress_lines(p.stderr)
    at = [float(l.split("progress at ", 1)[1].split(" s:", 1)[0]) for l in lines
          if "buffer-map 1 MiB" in l]
    check(p.returncode == EXIT_DEADLINE and len(at) >= 2
          and all(9.5 <= b - a < 15 for a, b in zip(at, at[1:])),
          f"a long step: a line at its start, then one every 10 s: {lines}")
    with tempfile.TemporaryDirectory() as d:
        argv, out = run_check(d, check_config(2))
        p = run(*[a for a in argv if a != "--quiet"])
        lines = progress_lines(p.stderr)
        check(p.returncode == 0 and any("memory on device" in l for l in lines)
              and any("rt on device" in l for l in lines),
              f"check: a line per bench and step: {lines}")


if __name__ == "__main__":
    raise SystemExit(harness.main(globals()))
