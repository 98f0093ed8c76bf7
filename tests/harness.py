"""The shared part of the end-to-end tests: one test per invocation of a test
script, checks that record failures and go on, and the real executable run
with the environment the build asks for.

    e2e_<area>.py --exe PATH --schema PATH TEST_NAME
    e2e_<area>.py --exe PATH --schema PATH --list

A script's top-level `def test_NAME():` functions are its tests and the only
list of them: tests/CMakeLists.txt registers one CTest test per such line, and
--list prints the functions, which a CTest test compares with what was
registered.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import jsonschema

ARGS = None
FAILURES = []

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")  # reports recorded on the H100


def load(path):
    with open(path) as f:
        return json.load(f)


def write(d, name, obj):
    """obj as JSON in d/name; returns the path."""
    path = os.path.join(d, name)
    with open(path, "w") as f:
        json.dump(obj, f)
    return path


def write_text(d, name, text):
    """text in d/name; returns the path."""
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def junit_totals(root):
    """tests, failures and errors of a JUnit <testsuites> root: the sums of
    its suites' (the root carries none; tests/schemas/junit-ant.xsd)."""
    return {k: sum(int(s.get(k)) for s in root.findall("./testsuite"))
            for k in ("tests", "failures", "errors")}


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("CHECK failed: " + what, file=sys.stderr)
    return bool(cond)


def tool_env(env=None):
    """The environment for the tool itself. In the sanitizer build CTest sets
    VKW_TEST_PRELOAD (the ASan runtime and the keep-drivers-resident shim,
    tests/support/resident_drivers.c); it goes to the tool, never to Python."""
    full_env = dict(os.environ)
    preload = full_env.pop("VKW_TEST_PRELOAD", "")
    if preload:
        full_env["LD_PRELOAD"] = preload
    if env:
        full_env.update(env)
    return full_env


def tool_command(*argv):
    """The tool's command line: behind the runner (wine, for the Windows build)."""
    return [*ARGS.runner.split(), ARGS.exe, *argv]


def run(*argv, env=None, timeout=120):
    return subprocess.run(tool_command(*argv), capture_output=True, text=True, env=tool_env(env),
                          timeout=timeout)


def first_child_of(proc, timeout=60):
    """The pid of the first child process `proc` starts (Linux /proc), or None
    if it ends or none appears within the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    return None


def wait_for(proc, timeout, hung):
    """proc's (stdout, stderr) once it ends; killed, with the check `hung`
    failed, when it runs past the timeout."""
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out = proc.communicate()
        check(False, hung)
        return out


def report_json(command, *extra, expect_rc=0, env=None, timeout=240):
    """Runs `vkwin32h COMMAND --json FILE --quiet EXTRA` in a fresh folder and
    returns (process, report): checks the exit code (unless expect_rc is None),
    that nothing but the report is left, and that it validates against the
    schema; ends the test when no report was written. process.elapsed is the
    run's wall time in seconds."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "report.json")
        t0 = time.monotonic()
        p = run(command, "--json", path, "--quiet", *extra, env=env, timeout=timeout)
        p.elapsed = time.monotonic() - t0
        if expect_rc is not None:
            check(p.returncode == expect_rc, f"{command} {' '.join(extra)}: exit {expect_rc}, "
                                             f"got {p.returncode}: {p.stderr[-2000:]}")
        left = sorted(set(os.listdir(d)) - {"report.json"})
        check(not left, f"no temporary file left beside the report, found {left}")
        if not os.path.exists(path):
            check(False, f"a report is written: exit {p.returncode}: {p.stderr}")
            sys.exit(1)
        with open(path) as f:
            report = json.load(f)
    errs = schema_errors(report)
    check(not errs, f"the report validates against the schema: {errs[:5]}")
    return p, report


def schema_errors(report):
    with open(ARGS.schema) as f:
        schema = json.load(f)
    v = jsonschema.Draft202012Validator(schema)
    return [f"{e.json_path}: {e.message[:200]}" for e in v.iter_errors(report)]


def one_stderr_line(p, must_contain):
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    check(len(lines) == 1, f"exactly one line on stderr, got {lines!r}")
    check(bool(lines) and must_contain in lines[0],
          f"stderr names the problem ({must_contain!r}): {lines!r}")


def main(tests):
    """Runs the test named on the command line from `tests` (a module's globals)."""
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", required=True)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--runner", default="", help="runs the executable (e.g. wine)")
    ap.add_argument("--list", action="store_true", help="print the names of the tests")
    ap.add_argument("test", nargs="?")
    ARGS = ap.parse_args()
    if ARGS.list:
        for name, fn in tests.items():
            if name.startswith("test_") and callable(fn):
                print(name[len("test_"):])
        return 0
    if ARGS.test is None:
        ap.error("a test name or --list is required")
    fn = tests.get("test_" + ARGS.test)
    if not fn:
        print(f"no test named {ARGS.test}", file=sys.stderr)
        return 2
    fn()
    if FAILURES:
        print(f"{ARGS.test}: {len(FAILURES)} check(s) failed", file=sys.stderr)
        return 1
    return 0
