#!/usr/bin/env python3
"""End-to-end tests of `vkwin32h check --config FILE`: the sample configs, the
lavapipe smoke check for real, an impossible threshold, malformed configs, and
a machine that lacks what a config needs.

    e2e_check.py --exe PATH --schema PATH TEST_NAME
"""
import copy
import glob
import json
import math
import os
import signal
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET

import jsonschema

import harness
from harness import check, load, one_stderr_line, run, schema_errors

ROOT = harness.ROOT
SAMPLES = os.path.join(ROOT, "sample_configs")
CONFIG_SCHEMA = os.path.join(ROOT, "schema", "vkwin32h-check-config.schema.json")
LAVAPIPE = os.path.join(SAMPLES, "lavapipe-smoke.json")

EXIT_OK, EXIT_ERROR, EXIT_CONFIG, EXIT_FAILED, EXIT_ENVIRONMENT = 0, 1, 2, 14, 15


def config_schema_errors(cfg):
    v = jsonschema.Draft202012Validator(load(CONFIG_SCHEMA))
    return [f"{e.json_path}: {e.message[:160]}" for e in v.iter_errors(cfg)]


def expected_per_device(cfg):
    """What a config expects of each device, counted from the config alone:
    each capability; each memory threshold; each round-trip threshold per
    listed mode and peer; and 'no validation errors' when validating."""
    n = len(cfg.get("capabilities", []))
    for b in cfg.get("benches", []):
        k = len(b["expect"])
        if b["part"] in ("memory", "stress"):
            n += k
        else:
            n += k * len(b["modes"]) * (2 if b.get("peer") == "both" else 1)
    return n + (1 if cfg.get("validate") else 0)


def run_check(d, cfg, *extra, name="config.json", timeout=300, env=None):
    """Writes cfg into d and checks it, reports into d (by the command line)."""
    path = os.path.join(d, name)
    with open(path, "w") as f:
        json.dump(cfg, f)
    out = {k: os.path.join(d, f"out.{k}") for k in ("json", "xml", "txt")}
    p = run("check", "--config", path, "--json", out["json"], "--junit", out["xml"], "--summary",
            out["txt"], "--progress", "never", *extra, timeout=timeout, env=env)
    return p, out


def junit_cases(path):
    root = ET.parse(path).getroot()
    check(root.tag == "testsuites", f"JUnit root is testsuites, got {root.tag}")
    cases = root.findall("./testsuite/testcase")
    return root, cases


def outcome_of(case):
    if case.find("failure") is not None:
        return "failed"
    if case.find("error") is not None:
        return "error"
    return "passed"


def sane_reports(out, cfg, exit_code, devices=1):
    """The JSON report validates and agrees with the JUnit file and the config."""
    r = load(out["json"])
    check(not schema_errors(r), f"the check report validates: {schema_errors(r)[:3]}")
    c = r["check"]
    want = expected_per_device(cfg) * devices
    check(c["exit_code"] == exit_code, f"the report records exit {exit_code}: {c['exit_code']}")
    check(c["summary"]["expectations"] == want == len(c["expectations"]),
          f"{want} expectations from the config, report says {c['summary']}")
    root, cases = junit_cases(out["xml"])
    totals = harness.junit_totals(root)
    check(len(cases) == want and totals["tests"] == want,
          f"JUnit has one test case per expectation ({want}): {len(cases)}, {totals}")
    check(totals["failures"] == c["summary"]["failed"]
          and totals["errors"] == c["summary"]["errors"],
          f"JUnit failures/errors match the report: {totals} vs {c['summary']}")
    for e, case in zip(c["expectations"], cases):
        check(case.get("name").startswith(e["name"]) and outcome_of(case) == e["outcome"],
              f"test case {case.get('name')!r} is expectation {e['name']!r} ({e['outcome']})")
    return r, cases


# --- the sample configs ---------------------------------------------------------

def test_check_sample_configs_valid_by_schema_and_tool():
    paths = sorted(glob.glob(os.path.join(SAMPLES, "*.json")))
    check(len(paths) >= 3, f"at least three sample configs: {paths}")
    names = " ".join(os.path.basename(p) for p in paths)
    for want in ("lavapipe", "nvidia", "windows"):
        check(want in names, f"a {want} sample config: {names}")
    for path in paths:
        cfg = load(path)
        errs = config_schema_errors(cfg)
        check(not errs, f"{path} validates against the config schema: {errs[:3]}")
        p = run("check", "--config", path, "--dry-run")
        check(p.returncode == 0, f"{path}: the tool accepts it (--dry-run exit 0): {p.stderr}")
        want = expected_per_device(cfg)
        check(f"\n{want} expectation" in p.stdout,
              f"{path}: the dry run lists {want} expectations per device: {p.stdout[:300]}")
    with open(os.path.join(SAMPLES, "README.md")) as f:
        readme = f.read()
    schema = load(CONFIG_SCHEMA)
    keys = set(schema["properties"]) - {"$schema"}
    for b in schema["properties"]["benches"]["items"]["oneOf"]:
        keys |= set(b["properties"]) | set(b["properties"]["expect"]["properties"])
    keys |= set(schema["properties"]["reports"]["properties"])
    keys |= set(schema["properties"]["devices"]["oneOf"][1]["items"]["properties"])
    keys |= set(schema["properties"]["capabilities"]["items"]["properties"])
    for k in sorted(keys):
        check(f"`{k}`" in readme, f"sample_configs/README.md explains the key `{k}`")


def test_check_lavapipe_config_passes_with_junit_per_expectation():
    cfg = load(LAVAPIPE)
    with tempfile.TemporaryDirectory() as d:
        p, out = run_check(d, cfg)
        check(p.returncode == EXIT_OK, f"exit 0, got {p.returncode}: {p.stderr}\n{p.stdout}")
        check(p.stderr == "", f"nothing on stderr: {p.stderr!r}")
        r, cases = sane_reports(out, cfg, EXIT_OK)
        c = r["check"]
        check(c["outcome"] == "passed" and c["summary"]["passed"] == len(c["expectations"]),
              f"every expectation passed: {c['summary']}")
        check(all(outcome_of(k) == "passed" for k in cases), "no JUnit failure or error")
        check(r["validation"]["enabled"] and r["validation"]["validation_errors"] == 0,
              f"the probe ran under the validation layer, no error: {r['validation']}")
        runs = c["runs"]
        check(len(runs) == len(cfg["benches"]) and
              all((x["bench"] is None) == (b["part"] == "stress") and
                  (x.get("stress") is not None) == (b["part"] == "stress")
                  for x, b in zip(runs, cfg["benches"])),
              f"one full bench (or stress run) per config bench: {[x['name'] for x in runs]}")
        mem = runs[0]["bench"]
        check(all(s["outcome"] == "passed" and s["handles"]["leaked"] == 0
                  for s in mem["memory"] if s["size_requested"] in (65536, 4 << 20)),
              "the memory scenarios passed with no leak")
        check(all(x["validation"]["enabled"] and x["validation"]["validation_errors"] == 0
                  for x in runs), "each bench ran under the validation layer, no error")
        ht = [x for x in runs[1]["bench"]["round_trips"]["results"]
              if x["mode"] == "host-timeline" and x["peer"] == "thread"]
        check(len(ht) == 1 and ht[0]["outcome"] == "passed" and ht[0]["ratio_to_best_baseline"],
              f"thread-peer host-timeline measured with a ratio: {ht}")
        with open(out["txt"]) as f:
            summary = f.read()
        check(summary == p.stdout, "the summary file is what was printed")
        check(f"PASSED: {len(cases)} passed, 0 failed" in summary and "(exit 0)" in summary,
              f"the summary's verdict line: {summary[-400:]}")


def test_check_impossible_threshold_fails_naming_it():
    cfg = load(LAVAPIPE)
    cfg["validate"] = False
    cfg["benches"] = [b for b in cfg["benches"] if b["part"] == "round-trips"]
    cfg["benches"][0]["modes"] = ["host-timeline"]
    cfg["benches"][0]["expect"] = {"passes": True, "p99_us_max": 0.001}
    cfg["name"] = 'lavapipe <smoke> & "quotes"'   # escaped in XML, read back whole
    cfg["benches"][0]["name"] = "round trips 'rt'"
    with tempfile.TemporaryDirectory() as d:
        p, out = run_check(d, cfg)
        root = ET.parse(out["xml"]).getroot()
        named = [p.get("value") for p in root.findall("./testsuite/properties/property")
                 if p.get("name") == "check"]
        check(named == ['lavapipe <smoke> & "quotes"'],
              f"the config's name survives XML escaping: {named!r}")
        check(p.returncode == EXIT_FAILED, f"exit 14 (expectation failed), got {p.returncode}")
        one_stderr_line(p, "1 of ")
        r, cases = sane_reports(out, cfg, EXIT_FAILED)
        failed = [k for k in cases if outcome_of(k) == "failed"]
        check(len(failed) == 1, f"exactly one JUnit failure: {[k.get('name') for k in failed]}")
        if failed:
            f = failed[0]
            check("host-timeline" in f.get("name") and "p99 <= 0.001 us" in f.get("name")
                  and "benches[0].expect.p99_us_max" in f.get("name"),
                  f"the failure names the expectation and its place: {f.get('name')}")
            msg = f.find("failure").get("message")
            check("over the limit" in msg and "p99" in msg, f"the failure says why: {msg}")
        check(r["check"]["outcome"] == "failed", f"outcome failed: {r['check']['outcome']}")
        check("FAIL " in p.stdout and "FAILED: " in p.stdout, f"the summary shows it: {p.stdout}")


def test_check_capability_the_driver_does_not_answer():
    """DMA_BUF on lavapipe: the extension is missing, so the query is never
    made. Not exportable holds; exportable fails with the probe's reason."""
    cfg = {"devices": "all", "capabilities": [
        {"object": "buffer", "handle_type": "DMA_BUF", "exportable": False, "importable": False},
        {"object": "buffer", "handle_type": "DMA_BUF", "exportable": True}]}
    with tempfile.TemporaryDirectory() as d:
        p, out = run_check(d, cfg)
        check(p.returncode == EXIT_FAILED, f"exit 14, got {p.returncode}: {p.stderr}")
        r, cases = sane_reports(out, cfg, EXIT_FAILED)
        ex = r["check"]["expectations"]
        check([e["outcome"] for e in ex] == ["passed", "failed"], f"outcomes: {ex}")
        check("extension_missing" in (ex[1]["message"] or "")
              and "VK_EXT_external_memory_dma_buf" in ex[1]["message"],
              f"the failure gives the probe's reason: {ex[1]['message']}")


def test_check_two_devices_one_test_suite_each():
    """Two devices (lavapipe listed by two ICD files): each judged on its own,
    one JUnit test suite each; a selector by index picks one, and its bench
    runs on it."""
    icd = "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json"
    cfg = {"devices": "all",
           "capabilities": [{"object": "buffer", "handle_type": "OPAQUE_FD", "exportable": True}],
           "benches": [{"name": "m", "part": "memory", "handle_types": ["OPAQUE_FD"],
                        "scenarios": ["buffer-map"], "sizes": ["64K"], "iterations": 2,
                        "expect": {"verified": True, "leaked_handles_max": 0}}]}
    with tempfile.TemporaryDirectory() as d:
        twin = os.path.join(d, "lvp-twin.json")
        with open(icd) as f, open(twin, "w") as g:
            g.write(f.read())
        env = {"VK_DRIVER_FILES": f"{icd}:{twin}"}
        p, out = run_check(d, cfg, env=env)
        check(p.returncode == EXIT_OK, f"exit 0, got {p.returncode}: {p.stderr}")
        r, cases = sane_reports(out, cfg, EXIT_OK, devices=2)
        root = ET.parse(out["xml"]).getroot()
        suites = root.findall("testsuite")
        check([s.get("id") for s in suites] == ["0", "1"]
              and all(int(s.get("tests")) == expected_per_device(cfg) for s in suites),
              f"one suite per device: {[s.attrib for s in suites]}")
        runs = r["check"]["runs"]
        check([(x["device_index"], x["bench"]["device_index"]) for x in runs] == [(0, 0), (1, 1)],
              f"one run per device, on that device: {[(x['device_index']) for x in runs]}")
        cfg["devices"] = [{"index": 1}]
        p, out = run_check(d, cfg, env=env)
        check(p.returncode == EXIT_OK, f"index 1 alone: exit 0, got {p.returncode}: {p.stderr}")
        r, cases = sane_reports(out, cfg, EXIT_OK, devices=1)
        check(r["check"]["selected_devices"] == [1] and
              [x["device_index"] for x in r["check"]["runs"]] == [1] and
              all(e["device_index"] == 1 for e in r["check"]["expectations"]),
              f"only device 1 judged: {r['check']['selected_devices']}")


# --- every expectation kind, on its failing side -------------------------------------------

def judged(cfg, want_outcomes, timeout=300, exit_code=EXIT_FAILED):
    """Runs cfg; checks the exit code (14: an expectation failed), the reports'
    agreement, and the outcome of each expectation in order; returns the
    expectations."""
    with tempfile.TemporaryDirectory() as d:
        p, out = run_check(d, cfg, timeout=timeout)
        check(p.returncode == exit_code, f"exit {exit_code}, got {p.returncode}: {p.stderr}")
        r, cases = sane_reports(out, cfg, exit_code)
        ex = r["check"]["expectations"]
        got = [(e["name"], e["outcome"]) for e in ex]
        check([o for _, o in got] == want_outcomes, f"outcomes {want_outcomes}, got {got}")
        fails = sum(o == "failed" for o in want_outcomes)
        check(r["check"]["summary"]["failed"] == fails and
              (f"{fails} of {len(ex)} expectations failed" in p.stderr
               if exit_code != EXIT_OK else "failed" not in p.stderr),
              f"{fails} failed, said once: {p.stderr!r}")
        return ex, r


def message(e):
    return e["message"] or ""


def memory_bench(name, expect, **extra):
    return dict({"name": name, "part": "memory", "handle_types": ["OPAQUE_FD"],
                 "scenarios": ["buffer-map"], "sizes": ["64K"], "iterations": 2,
                 "expect": expect}, **extra)


def test_check_capability_expectations_fail_on_the_other_answer():
    """Lavapipe exports and imports OPAQUE_FD buffers and images, none of them
    dedicated-only: asking for the opposite of each answer fails it."""
    cfg = {"devices": "all", "capabilities": [
        {"object": "buffer", "handle_type": "OPAQUE_FD", "exportable": False},
        {"object": "image", "handle_type": "OPAQUE_FD", "importable": False},
        {"object": "buffer", "handle_type": "OPAQUE_FD", "dedicated_only": True},
        {"object": "image", "handle_type": "OPAQUE_FD", "exportable": True, "importable": True,
         "dedicated_only": False}]}
    ex, r = judged(cfg, ["failed", "failed", "failed", "passed"])
    check(all("the driver answers exportable 4/4, importable 4/4, dedicated-only 0/4 cases"
              in message(e) for e in (ex[0], ex[2])),
          f"the buffer failures give the driver's answers: {[message(e) for e in ex[:3]]}")
    check("importable 8/8" in message(ex[1]), f"the image failure too: {message(ex[1])}")


def probed_interop():
    """The interop section of `vkwin32h probe` for the one device: what CUDA
    and GL offer here, for deciding what an importer capability must give."""
    p = run("probe", "--json", "-")
    check(p.returncode == 0, f"probe --json - exits 0: {p.stderr}")
    devices = json.loads(p.stdout)["devices"]
    check(len(devices) == 1 and "interop" in devices[0],
          f"one device, with an interop section: {[sorted(d) for d in devices]}")
    return devices[0]["interop"]


def gl_offers(interop, *extensions):
    gl = interop["gl"]
    return gl["state"] == "available" and all(gl["extensions"][e] for e in extensions)


def test_check_capability_importer_gl():
    """importer gl: importable is GL's, from the probe's interop section. A
    buffer needs GL_EXT_memory_object(_fd), a binary semaphore
    GL_EXT_semaphore(_fd); what the probe says GL offers decides the outcome,
    and a failure names the missing extension and the renderer. The check's
    report then has the interop section; a config without an importer does
    not probe it (today's cost)."""
    interop = probed_interop()
    memory = gl_offers(interop, "GL_EXT_memory_object", "GL_EXT_memory_object_fd")
    semaphore = gl_offers(interop, "GL_EXT_semaphore", "GL_EXT_semaphore_fd")
    for cap, offered, ext in (
            ({"object": "buffer", "handle_type": "OPAQUE_FD", "importer": "gl",
              "importable": True}, memory, "GL_EXT_memory_object_fd"),
            ({"object": "binary-semaphore", "handle_type": "OPAQUE_FD", "importer": "gl",
              "importable": True}, semaphore, "GL_EXT_semaphore_fd")):
        cfg = {"devices": "all", "capabilities": [cap]}
        ex, r = judged(cfg, ["passed" if offered else "failed"],
                       exit_code=EXIT_OK if offered else EXIT_FAILED)
        check(ex[0]["name"] == f"{cap['object']} OPAQUE_FD: importable by gl",
              f"the expectation names the importer: {ex[0]['name']}")
        check(r["devices"][0]["interop"] == interop,
              f"the check's report has the probe's interop section: {r['devices'][0].get('interop')}")
        check(f"gl imports: {'yes' if offered else 'no'}" in ex[0]["measured"],
              f"measured says whether GL imports: {ex[0]['measured']}")
        if not offered:
            gl = interop["gl"]
            want = (f"gl: not available: {gl['reason']}" if gl["state"] != "available" else
                    f"not offered by {gl['renderer']}")
            check(want in message(ex[0]) and (ext in message(ex[0]) or gl["state"] != "available"),
                  f"the failure names {ext} and the renderer: {message(ex[0])}")
    # importable false with gl is the opposite answer.
    cfg = {"devices": "all", "capabilities": [
        {"object": "buffer", "handle_type": "OPAQUE_FD", "importer": "gl", "importable": False},
        {"object": "buffer", "handle_type": "DMA_BUF", "importer": "gl", "importable": False}]}
    ex, r = judged(cfg, ["failed" if memory else "passed", "passed"],
                   exit_code=EXIT_FAILED if memory else EXIT_OK)
    with tempfile.TemporaryDirectory() as d:
        cfg = {"devices": "all", "capabilities": [
            {"object": "buffer", "handle_type": "OPAQUE_FD", "importer": "vulkan",
             "importable": True}]}
        p, out = run_check(d, cfg)
        check(p.returncode == EXIT_OK, f"importer vulkan: exit 0, got {p.returncode}: {p.stderr}")
        check("interop" not in load(out["json"])["devices"][0],
              "without a cuda or gl importer the check does not probe other APIs")


def test_check_capability_importer_cuda():
    """importer cuda: CUDA on the device with Vulkan's UUID, and OPAQUE_FD
    among its memory (semaphore) types, as the probe finds them; otherwise a
    failure naming why (no libcuda here)."""
    interop = probed_interop()
    cuda = interop["cuda"]
    for obj, key in (("buffer", "memory_handle_types"),
                     ("timeline-semaphore", "timeline_semaphore_handle_types")):
        takes = cuda["state"] == "available" and "OPAQUE_FD" in cuda[key]
        cfg = {"devices": "all", "capabilities": [
            {"object": obj, "handle_type": "OPAQUE_FD", "importer": "cuda", "importable": True}]}
        ex, r = judged(cfg, ["passed" if takes else "failed"],
                       exit_code=EXIT_OK if takes else EXIT_FAILED)
        check(ex[0]["name"] == f"{obj} OPAQUE_FD: importable by cuda", f"named: {ex[0]['name']}")
        check(r["devices"][0]["interop"]["cuda"] == cuda,
              f"the report has CUDA's probe: {r['devices'][0]['interop']['cuda']}")
        if cuda["state"] != "available":
            check(message(ex[0]) == f"cuda: not available: {cuda['reason']}"
                  and "libcuda" in cuda["reason"],
                  f"the failure names why CUDA is missing: {message(ex[0])}")


def test_check_memory_expectations_fail_under_faults():
    """A leak of one fd per cycle on each side (2 cycles: 4), a flipped byte,
    and a throughput no memory reaches: each memory expectation fails, and
    the leak limit is exact (4 passes, 3 fails)."""
    cfg = {"devices": "all", "benches": [
        memory_bench("leak3", {"leaked_handles_max": 3}, fault="leak"),
        memory_bench("leak4", {"leaked_handles_max": 4}, fault="leak"),
        memory_bench("flip", {"verified": True}, fault="flip-byte", sizes=["64K", "1M"]),
        memory_bench("fast", {"verified": True, "verify_gbps_min": 100000})]}
    ex, r = judged(cfg, ["failed", "passed", "failed", "passed", "failed"])
    check(message(ex[0]) == "4 handles leaked, at most 3 allowed",
          f"the leak counted both sides: {message(ex[0])}")
    check("the child does not see the parent's bytes: offset 32768" in message(ex[2])
          and ex[2]["measured"] == "1 passed, 1 failed, 0 skipped, 0 not run",
          f"one scenario failed beside one that passed, and is named: {ex[2]}")
    check(message(ex[4]).startswith("the slowest verify ran at ") and
          message(ex[4]).endswith(" GB/s, under 100000"), f"the verify limit: {message(ex[4])}")
    runs = r["check"]["runs"]
    check([x["bench"]["options"]["fault"] for x in runs] == ["leak", "leak", "flip-byte", "none"],
          f"each run records its fault: {[x['bench']['options']['fault'] for x in runs]}")


def test_check_imported_vs_local_min_fails_below_it_and_when_not_measured():
    """imported_vs_local_min: a minimum no ratio reaches (1000: imported a
    thousand times faster than local) fails naming the scenario; a small one
    passes on lavapipe; a run on the host (verify: cpu) measured nothing, which
    fails with the reason rather than passing unjudged."""
    cfg = {"devices": "all", "benches": [
        memory_bench("far", {"imported_vs_local_min": 1000}, scenarios=["buffer-copy"]),
        memory_bench("near", {"imported_vs_local_min": 0.01}, scenarios=["buffer-copy"]),
        memory_bench("host", {"imported_vs_local_min": 0.01}, verify="cpu")]}
    ex, r = judged(cfg, ["failed", "passed", "failed"])
    check("buffer-copy" in message(ex[0]) and "1000" in message(ex[0]),
          f"the scenario and the limit are named: {message(ex[0])}")
    check("not measured" in message(ex[2]) and "--verify gpu or both" in message(ex[2]),
          f"not measured, with the reason: {message(ex[2])}")


def test_check_round_trip_expectations_fail_over_their_limits():
    """Limits no round trip meets (p50, p99, both ratios), and a peer that
    stops answering (lost-signal): each round-trip expectation fails."""
    rt = {"name": "rt", "part": "round-trips", "modes": ["host-timeline"], "peer": "thread",
          "round_trips": 200, "warmup": 20,
          # Ratio limits of 0.01: a ratio is never that small, and a limit
          # misread as microseconds (x1000) would let any ratio under 10 pass.
          "expect": {"passes": True, "p50_us_max": 0.001, "p99_us_max": 0.001,
                     "ratio_p50_max": 0.01, "ratio_p99_max": 0.01}}
    lost = {"name": "lost", "part": "round-trips", "modes": ["os"], "peer": "thread",
            "round_trips": 200, "warmup": 20, "fault": "lost-signal", "expect": {"passes": True}}
    # OS primitives against the best of them: every ratio is 1 or more, so a
    # limit of 0.5 fails whatever the machine's noise (and a limit read as
    # microseconds, 500, would pass).
    os_only = {"name": "os", "part": "round-trips", "modes": ["os"], "peer": "thread",
               "round_trips": 200, "warmup": 20,
               "expect": {"ratio_p50_max": 0.5, "ratio_p99_max": 0.5}}
    cfg = {"devices": "all", "timeout_s": 2, "benches": [rt, lost, os_only]}
    ex, r = judged(cfg, ["passed", "failed", "failed", "failed", "failed", "failed", "failed",
                         "failed"])
    for e, what, limit in zip(ex[1:5], ("p50 ", "p99 ", "p50 ", "p99 "),
                              ("0.001", "0.001", "0.01", "0.01")):
        check(message(e).startswith(what) and f"is over the limit <= {limit}" in message(e),
              f"{e['name']}: {message(e)}")
    check("x is over the limit <= 0.01x" in message(ex[3]) and
          "x is over the limit <= 0.01x" in message(ex[4]), "the ratios are ratios")
    check(all("x is over the limit <= 0.5x" in message(e) for e in ex[6:8]),
          f"OS ratios of 1 or more are over 0.5: {[message(e) for e in ex[6:8]]}")
    check("no futex signal within 2000 ms" in message(ex[5]),
          f"the lost signal is named: {message(ex[5])}")


def test_check_validation_expectation_fails_on_a_provoked_error():
    """A bench that breaks one valid-usage rule in the child: the layer's
    error reaches the check, whose validation expectation fails; the memory
    was still shared."""
    cfg = {"devices": "all", "validate": True,
           "benches": [memory_bench("invalid", {"verified": True}, fault="invalid-usage")]}
    ex, r = judged(cfg, ["passed", "failed"])
    check(ex[1]["name"] == "validation layer: no errors" and
          message(ex[1]).startswith("the validation layer reported 1 errors"),
          f"the validation expectation failed: {ex[1]}")
    run0 = r["check"]["runs"][0]
    check(run0["validation"]["validation_errors"] == 1 and
          any("VUID-vkGetMemoryFdPropertiesKHR-handleType-parameter" in m["text"]
              for m in run0["validation"]["messages"]),
          f"the bench's report names the rule: {run0['validation']}")


def test_check_config_fault_is_strict():
    with tempfile.TemporaryDirectory() as d:
        cfg = {"devices": "all", "benches": [memory_bench("m", {"verified": True},
                                                          fault="spill")]}
        p, out = run_check(d, cfg)
        check(p.returncode == EXIT_CONFIG, f"an unknown fault: exit 2, got {p.returncode}")
        one_stderr_line(p, 'benches[0].fault: expected one of child-abort, child-hang, '
                           'stale-handle, foreign-handle, lost-signal, leak, flip-byte, '
                           'invalid-usage, double-round-trips, got "spill"')
        check(config_schema_errors(cfg), "the config schema rejects it too")


def test_check_bench_errors_name_no_command_line_flag():
    """A check config has keys, not flags: what the library says of a bench
    that cannot run names the setting, never a command-line option."""
    cfg = {"devices": "all", "benches": [
        memory_bench("unvalidated", {"verified": True}, fault="invalid-usage"),
        memory_bench("nothing to lose", {"verified": True}, fault="lost-signal")]}
    ex, r = judged(cfg, ["error", "error"], exit_code=EXIT_ERROR)
    check("the invalid-usage fault needs the validation layer enabled" in message(ex[0]),
          f"the fault is named: {message(ex[0])}")
    check("the fault lost-signal was not injected" in message(ex[1]),
          f"the fault is named: {message(ex[1])}")
    check(not any("--" in message(e) for e in ex), f"no flag: {[message(e) for e in ex]}")


# --- malformed configs -------------------------------------------------------------

MINIMAL = {"devices": "all", "capabilities": [
    {"object": "buffer", "handle_type": "OPAQUE_FD", "exportable": True}]}


def with_bench(bench):
    cfg = copy.deepcopy(MINIMAL)
    ok = {"name": "m", "part": "memory", "expect": {"verified": True}}
    cfg["benches"] = [ok, bench]
    return cfg


BAD = [
    # (what, config text or object, the message must contain)
    ("not JSON", '{"devices": "all",\n  ,}', "not valid JSON (line 2, column "),
    ("empty file", "", "empty file"),
    ("blank file", "  \n\t\n", "empty file"),
    ("a JSON array", "[1, 2]", "expected an object at the top, got an array"),
    ("trailing garbage", json.dumps(MINIMAL) + " x", "not valid JSON"),
    ("iterations as a word",
     with_bench({"name": "b", "part": "memory", "iterations": "ten", "expect": {"verified": True}}),
     'benches[1].iterations: expected a positive integer (at most 1000000), got "ten"'),
    ("iterations huge",
     with_bench({"name": "b", "part": "memory", "iterations": 1e300, "expect": {"verified": True}}),
     "benches[1].iterations: expected a positive integer (at most 1000000), got 1e+300"),
    ("iterations fractional",
     with_bench({"name": "b", "part": "memory", "iterations": 2.5, "expect": {"verified": True}}),
     "benches[1].iterations: expected a positive integer"),
    ("timeout huge", dict(MINIMAL, timeout_s=99999999999999999999),
     "timeout_s: expected a positive integer (at most 3600), got 1e+20"),
    ("p99 negative",
     with_bench({"name": "r", "part": "round-trips", "modes": ["host-timeline"],
                 "expect": {"p99_us_max": -5}}),
     "benches[1].expect.p99_us_max: expected a number above 0"),
    ("unknown top-level key", dict(MINIMAL, devcies="all"),
     "devcies: unknown key in the config (known: $schema, name, description, os"),
    ("unknown bench key",
     with_bench({"name": "b", "part": "memory", "iteratons": 3, "expect": {"verified": True}}),
     "benches[1].iteratons: unknown key in a memory bench"),
    ("round-trip key in a memory bench",
     with_bench({"name": "b", "part": "memory", "modes": ["os"], "expect": {"verified": True}}),
     "benches[1].modes: unknown key in a memory bench"),
    ("memory threshold on round trips",
     with_bench({"name": "r", "part": "round-trips", "modes": ["os"],
                 "expect": {"verified": True}}),
     "benches[1].expect.verified: unknown key in a round-trips bench's expect"),
    ("devices missing", {"capabilities": MINIMAL["capabilities"]}, "devices: missing (required)"),
    ("bench without expect", with_bench({"name": "b", "part": "memory"}),
     "benches[1].expect: missing (required)"),
    ("round trips without modes",
     with_bench({"name": "r", "part": "round-trips", "expect": {"passes": True}}),
     "benches[1].modes: missing (required)"),
    ("capability without handle type", dict(MINIMAL, capabilities=[{"object": "fence",
                                                                      "exportable": True}]),
     "capabilities[0].handle_type: missing (required)"),
    ("capability checking nothing", dict(MINIMAL, capabilities=[
        {"object": "buffer", "handle_type": "OPAQUE_FD"}]),
     "capabilities[0]: checks nothing"),
    ("unknown handle type", dict(MINIMAL, capabilities=[
        {"object": "buffer", "handle_type": "OPAQUE_FD2", "exportable": True}]),
     'capabilities[0].handle_type: expected a memory handle type (OPAQUE_FD, DMA_BUF'),
    ("memory-only type for a semaphore", dict(MINIMAL, capabilities=[
        {"object": "timeline-semaphore", "handle_type": "DMA_BUF", "exportable": True}]),
     "capabilities[0].handle_type: expected a semaphore handle type"),
    ("dedicated_only on a fence", dict(MINIMAL, capabilities=[
        {"object": "fence", "handle_type": "OPAQUE_FD", "dedicated_only": False}]),
     "capabilities[0].dedicated_only: only buffers and images"),
    ("imported_vs_local_min zero",
     with_bench({"name": "b", "part": "memory", "expect": {"imported_vs_local_min": 0}}),
     "benches[1].expect.imported_vs_local_min: expected a number above 0 and at most 1000, got 0"),
    ("imported_vs_local_min negative",
     with_bench({"name": "b", "part": "memory", "expect": {"imported_vs_local_min": -0.9}}),
     "benches[1].expect.imported_vs_local_min: expected a number above 0 and at most 1000, "
     "got -0.9"),
    ("imported_vs_local_min a string with blanks",
     with_bench({"name": "b", "part": "memory", "expect": {"imported_vs_local_min": " 0.9 "}}),
     'benches[1].expect.imported_vs_local_min: expected a number above 0 and at most 1000, '
     'got " 0.9 "'),
    ("imported_vs_local_min on round trips",
     with_bench({"name": "r", "part": "round-trips", "modes": ["os"],
                 "expect": {"imported_vs_local_min": 0.9}}),
     "benches[1].expect.imported_vs_local_min: unknown key in a round-trips bench's expect"),
    ("verified false",
     with_bench({"name": "b", "part": "memory", "expect": {"verified": False}}),
     "benches[1].expect.verified: expected true"),
    ("empty expect", with_bench({"name": "b", "part": "memory", "expect": {}}),
     "benches[1].expect: expects nothing"),
    ("bad size", with_bench({"name": "b", "part": "memory", "sizes": ["64K", "lots"],
                             "expect": {"verified": True}}),
     'benches[1].sizes[1]: expected a size from 1 byte to 64G'),
    ("bad mode", with_bench({"name": "r", "part": "round-trips", "modes": ["os", "warp"],
                             "expect": {"passes": True}}),
     'benches[1].modes[1]: expected one of os, host-timeline'),
    ("mode twice", with_bench({"name": "r", "part": "round-trips", "modes": ["os", "os"],
                               "expect": {"passes": True}}),
     "benches[1].modes[1]: given twice"),
    ("bad vendor", dict(MINIMAL, devices=[{"vendor": "nvidea"}]),
     'devices[0].vendor: expected a vendor name'),
    ("empty selector", dict(MINIMAL, devices=[{}]), "devices[0]: selects nothing"),
    ("devices neither all nor a list", dict(MINIMAL, devices="some"),
     'devices: expected "all" or an array of selectors, got "some"'),
    ("nothing to check", {"devices": "all"}, "checks nothing: give capabilities or benches"),
    ("unknown report key", dict(MINIMAL, reports={"html": "x.html"}),
     "reports.html: unknown key in reports (known: json, junit, summary)"),
    ("validate as a string", dict(MINIMAL, validate="yes"),
     'validate: expected true or false, got "yes"'),
    ("windows type in a linux config", dict(MINIMAL, os="linux", capabilities=[
        {"object": "buffer", "handle_type": "OPAQUE_WIN32", "exportable": True}]),
     "capabilities[0].handle_type: OPAQUE_WIN32 is a Windows handle type, but the config's os "
     "is linux"),
    ("duplicate key", '{"devices": "all", "devices": "all", "benches": []}',
     "devices: given twice"),
    ("not UTF-8", b'{"name": "lab \xff\xfe", "devices": "all"}',
     "not valid JSON: not UTF-8 (line 1, column 15)"),
    ("a raw control character", '{"name": "a\tb", "devices": "all"}',
     "not valid JSON: a raw control character in a string (escape it) (line 1, column 12)"),
    ("NUL escape", '{"devices": "all", "capabilities": [{"object": "buffer", '
                   '"handle_type": "OPAQUE_FD\\u0000junk", "exportable": true}]}',
     '"\\u0000" in a string'),
    ("leading zero", '{"devices": "all", "timeout_s": 01}', "a number with a leading zero"),
    ("number ending in a dot", '{"devices": "all", "timeout_s": 1.}', "a malformed number"),
    ("name too long", dict(MINIMAL, name="\u00e9" * 128), "name: longer than 127 characters"),
    ("vendor id zero", dict(MINIMAL, devices=[{"vendor": "0x0"}]), "devices[0].vendor"),
    ("uuid too short", dict(MINIMAL, devices=[{"uuid": "abc"}]),
     "devices[0].uuid: expected a deviceUUID"),
    ("two benches of one name",
     with_bench({"name": "m", "part": "memory", "expect": {"leaked_handles_max": 0}}),
     'benches[1].name: "m" is the name of benches[0] too'),
    ("nt_names on linux", dict(with_bench({"name": "n", "part": "memory", "nt_names": True,
                                           "expect": {"verified": True}}), os="linux"),
     "benches[1].nt_names: NT handles exist on Windows only"),
    ("windows semaphore type in a linux round-trip bench",
     dict(with_bench({"name": "r", "part": "round-trips", "modes": ["host-timeline"],
                      "handle_type": "OPAQUE_WIN32", "expect": {"passes": True}}), os="linux"),
     "benches[1].handle_type: OPAQUE_WIN32 is a Windows handle type"),
    ("SYNC_FD with timelines",
     with_bench({"name": "r", "part": "round-trips", "modes": ["queue-timeline"],
                 "handle_type": "SYNC_FD", "expect": {"passes": True}}),
     "benches[1].handle_type: SYNC_FD semaphores are binary"),
    ("a semaphore-only type with the fence mode",
     with_bench({"name": "r", "part": "round-trips", "modes": ["fence"],
                 "handle_type": "D3D12_FENCE", "expect": {"passes": True}}),
     'benches[1].handle_type: expected a fence (the fence mode is listed) handle type'),
    ("a size above 64G",
     with_bench({"name": "b", "part": "memory", "sizes": ["100G"], "expect": {"verified": True}}),
     "benches[1].sizes[0]: expected a size from 1 byte to 64G"),
]

# What the schema cannot say (its description lists them): the tool alone refuses.
TOOL_ONLY = ("at most 1h in a check config", "expected a time from 100 ms", "os is linux",
             "is the name of", "NT handles exist", "OPAQUE_WIN32 is a Windows",
             "SYNC_FD semaphores", "expected a fence (the fence mode", "above 64G",
             "expected a size from 1 byte to 64G")


def rejected_with_place(d, what, cfg, want):
    """cfg (text or object) in d is refused: exit 2, one line naming the place,
    nothing left behind; the schema refuses it too unless the tool alone can."""
    path = os.path.join(d, "bad.json")
    with open(path, "wb") as f:
        f.write(cfg if isinstance(cfg, bytes) else
                (cfg if isinstance(cfg, str) else json.dumps(cfg)).encode())
    reports = [os.path.join(d, n) for n in ("r.json", "r.xml", "r.txt")]
    p = run("check", "--config", path, "--json", reports[0], "--junit", reports[1],
            "--summary", reports[2])
    check(p.returncode == EXIT_CONFIG, f"{what}: exit 2, got {p.returncode}: {p.stderr}")
    lines = p.stderr.strip().splitlines()
    check(len(lines) == 1 and lines[0].startswith(f"vkwin32h: config '{path}': ")
          and want in lines[0], f"{what}: one line naming the place: {want!r} in {lines}")
    check(p.stdout == "", f"{what}: nothing on stdout: {p.stdout[:200]!r}")
    left = sorted(os.listdir(d))
    check(left == ["bad.json"], f"{what}: no report left behind: {left}")
    # The schema refuses the same, but for what its description lists as
    # beyond it (and text that is no JSON object to give it).
    if isinstance(cfg, dict) and not any(t in want for t in TOOL_ONLY):
        check(config_schema_errors(cfg), f"{what}: the config schema rejects it too")


def test_check_malformed_configs_rejected_with_place():
    with tempfile.TemporaryDirectory() as d:
        for what, cfg, want in BAD:
            rejected_with_place(d, what, cfg, want)


def importer_capability(**cap):
    return {"devices": "all", "capabilities": [dict({"handle_type": "OPAQUE_FD"}, **cap)]}


IMPORTER_BAD = [
    ("a fence imported by cuda",
     importer_capability(object="fence", importer="cuda", importable=True),
     "capabilities[0].importer: cuda imports no fences"),
    ("a fence imported by gl",
     importer_capability(object="fence", importer="gl", importable=True),
     "capabilities[0].importer: gl imports no fences"),
    ("an unknown importer",
     importer_capability(object="buffer", importer="metal", importable=True),
     'capabilities[0].importer: expected one of vulkan, cuda, gl, got "metal"'),
    ("an image imported by cuda",
     importer_capability(object="image", importer="cuda", importable=True),
     "capabilities[0].importer: cuda imports external memory as buffers here, not images"),
    ("an importer without importable",
     importer_capability(object="buffer", importer="gl", exportable=True),
     "capabilities[0].importer: gl says who imports: give importable"),
]


def test_check_capability_importer_invalid_combinations():
    with tempfile.TemporaryDirectory() as d:
        for what, cfg, want in IMPORTER_BAD:
            rejected_with_place(d, what, cfg, want)

def test_check_cli_errors():
    p = run("check")
    check(p.returncode == EXIT_CONFIG, f"check without --config: exit 2, got {p.returncode}")
    one_stderr_line(p, "check needs a config")
    p = run("check", "--config", "/nonexistent/config.json")
    check(p.returncode == EXIT_CONFIG, f"missing config file: exit 2, got {p.returncode}")
    one_stderr_line(p, "cannot read config '/nonexistent/config.json'")
    p = run("probe", "--junit", "x.xml")
    check(p.returncode == EXIT_CONFIG, f"--junit outside check: exit 2, got {p.returncode}")
    one_stderr_line(p, "option '--junit' is for 'vkwin32h check' only")
    p = run("check", "--config", LAVAPIPE, "--device", "0")
    check(p.returncode == EXIT_CONFIG, f"--device with check: exit 2, got {p.returncode}")
    one_stderr_line(p, "option '--device' is for 'vkwin32h probe', 'vkwin32h bench' and 'vkwin32h stress' only")
    p = run("check", "--config", LAVAPIPE, "--json", "x" * 5000)
    check(p.returncode == EXIT_CONFIG, f"an overlong path: exit 2, got {p.returncode}")
    one_stderr_line(p, "--json: a path longer than")
    p = run("check", "--config", LAVAPIPE, "--json", "-", "--summary", "-", "--dry-run")
    check(p.returncode == EXIT_CONFIG, f"two reports to stdout: exit 2, got {p.returncode}")
    one_stderr_line(p, "--json - and --summary - both name standard output")
    with tempfile.TemporaryDirectory() as d:
        p = run("check", "--config", LAVAPIPE, "--junit", os.path.join(d, "no", "dir", "j.xml"))
        check(p.returncode == EXIT_CONFIG, f"unwritable JUnit path: exit 2, got {p.returncode}")
        one_stderr_line(p, "(--junit)")
        check(os.listdir(d) == [], "nothing written")


def measured_us(text):
    """'p99 27.5 us' / 'p99 1.76 ms' -> microseconds."""
    value, unit = text.split()[1:3]
    return float(value) * (1000 if unit == "ms" else 1)


def test_check_recorded_h100_report_rejudged_from_its_runs():
    """The H100 check report (nvidia-linux.json, driver 580): every expectation
    judged again here from the runs it carries (the config's limits against
    figures derived from the raw benches), and `report` shows each verdict."""
    path = os.path.join(harness.DATA, "h100-check.json")
    r = load(path)
    check(not schema_errors(r), f"the H100 check report validates: {schema_errors(r)[:3]}")
    # The config as it was when the H100 ran it (sample_configs/nvidia-linux.json
    # has changed since: its throughput floor moved to a bench of large sizes).
    cfg = load(os.path.join(harness.DATA, "h100-check-config.json"))
    c = r["check"]
    check(c["config"]["path"].endswith("nvidia-linux.json"), f"a run of nvidia-linux.json: {c['config']}")
    check(len(c["expectations"]) == expected_per_device(cfg),
          f"{expected_per_device(cfg)} expectations: {len(c['expectations'])}")
    runs = {x["bench_index"]: x["bench"] for x in c["runs"]}
    rejudged = 0
    for e in c["expectations"]:
        src = e["source"]
        if not src.startswith("benches["):
            continue
        k = int(src[len("benches["):src.index("]")])
        key = src.rsplit(".", 1)[1]
        limit = cfg["benches"][k]["expect"][key]
        b = runs[k]
        if cfg["benches"][k]["part"] == "memory":
            ran = [sc for sc in b["memory"] if sc["iterations"]]
            if key == "verified":
                n = {o: sum(sc["outcome"] == o for sc in b["memory"])
                     for o in ("passed", "failed", "skipped", "not_run")}
                ok = n["passed"] > 0 and n["failed"] == n["not_run"] == 0
                want = f"{n['passed']} passed, {n['failed']} failed, {n['skipped']} skipped, " \
                       f"{n['not_run']} not run"
            elif key == "leaked_handles_max":
                leaked = sum(sc["handles"]["parent_after"] - sc["handles"]["parent_before"] +
                             sc["handles"]["child_after"] - sc["handles"]["child_before"]
                             for sc in ran)
                ok = leaked <= limit
                want = f"{leaked} handles leaked over {len(ran)} scenarios"
            else:
                slowest = min(sc["memory"]["bytes_verified"] /
                              (sc["phases_us"][f"{side}_verify"]["median"] * 1e3)
                              for sc in ran if sc["outcome"] == "passed"
                              for side in ("child", "parent"))
                ok = slowest >= limit
                want = f"slowest verify {slowest:.2f} GB/s"
            check(e["measured"] == want, f"{e['id']}: measured {e['measured']!r}, derived {want!r}")
        else:
            mode, peer = e["id"].split("/")[-2:]
            got = [x for x in b["round_trips"]["results"] if x["mode"] == mode
                   and x["peer"] == peer and (peer == "thread" or x["handle_type"] == "OPAQUE_FD")]
            if key == "passes":
                ok = any(x["outcome"] == "passed" for x in got) and \
                    not any(x["outcome"] == "failed" for x in got)
            else:
                x = next(x for x in got if x["outcome"] == "passed")
                base = min(y["round_trip_ns"]["p50"] for y in b["round_trips"]["results"]
                           if y["mode"] == "os" and y["peer"] == peer and y["outcome"] == "passed")
                value = {"p50_us_max": x["round_trip_ns"]["p50"] / 1e3,
                         "p99_us_max": x["round_trip_ns"]["p99"] / 1e3,
                         "ratio_p50_max": x["round_trip_ns"]["p50"] / base}[key]
                ok = value <= limit
                shown = measured_us(e["measured"]) if key.endswith("us_max") else \
                    float(e["measured"].split()[1].rstrip("x"))
                check(math.isclose(shown, value, rel_tol=0.01, abs_tol=0.006),
                      f"{e['id']}: measured {e['measured']!r}, derived {value:.4g}")
        rejudged += 1
        check(e["outcome"] == ("passed" if ok else "failed"),
              f"{e['id']}: {e['outcome']}, rejudged {'passed' if ok else 'failed'}")
    check(rejudged == 20, f"every bench expectation rejudged: {rejudged}")
    p = run("report", path)
    check(p.returncode == 0, f"report exits 0: {p.stderr}")
    for e in c["expectations"]:
        shown = [l for l in p.stdout.splitlines() if f"{e['name']} [{e['source']}]" in l]
        check(len(shown) == 1 and shown[0].split()[0] == e["outcome"] and e["measured"] in shown[0],
              f"report shows {e['name']!r} {e['outcome']} with {e['measured']!r}: {shown}")
    check("PASSED: all 25 expectation(s) met." in p.stdout, "the verdict line")


def test_check_validate_option_adds_the_validation_expectation():
    cfg = load(LAVAPIPE)
    cfg["validate"] = False
    cfg["benches"] = []
    with tempfile.TemporaryDirectory() as d:
        p, out = run_check(d, cfg, "--validate")
        check(p.returncode == EXIT_OK, f"exit 0: {p.stderr}")
        r = load(out["json"])
        names = [e["name"] for e in r["check"]["expectations"]]
        check(names[-1] == "validation layer: no errors" and len(names) == len(cfg["capabilities"]) + 1,
              f"--validate adds one expectation: {names}")
        check(r["validation"]["enabled"], "the probe ran under the layer")


DATA = "a user's notes, not a report\n"


def listing(d):
    return sorted(os.listdir(d))


def intact(path, text):
    return os.path.isfile(path) and open(path).read() == text


def test_check_never_removes_a_file_it_did_not_write():
    """A usage or config error (exit 2) writes and removes nothing; a file at
    an output path that is not one of the tool's reports is refused (exit 2),
    never replaced; an earlier report of the tool is replaced by a run, and
    removed only by a run that started and then could not write its reports."""
    with tempfile.TemporaryDirectory() as d:
        notes = harness.write_text(d, "notes.md", DATA)
        path = harness.write(d, "config.json", MINIMAL)
        for argv, why in ((["--config", os.path.join(d, "missing.json")], "cannot read config"),
                          (["--config", harness.write(d, "bad.json", dict(MINIMAL, devcies="all"))],
                           "devcies"),
                          (["--config", path], "not a vkwin32h report")):
            for flag in ("--json", "--junit", "--summary"):
                p = run("check", *argv, flag, notes)
                check(p.returncode == EXIT_CONFIG, f"{argv} {flag} notes.md: exit 2, got "
                                                   f"{p.returncode}: {p.stderr}")
                one_stderr_line(p, why)
                check(intact(notes, DATA), f"{argv} {flag}: notes.md is intact")
        check(listing(d) == ["bad.json", "config.json", "notes.md"],
              f"nothing written or removed: {listing(d)}")

        # Earlier reports of the tool: a config error leaves them; a run replaces them.
        p, out = run_check(d, MINIMAL)
        check(p.returncode == EXIT_OK and all(os.path.exists(x) for x in out.values()),
              f"a passing run writes three reports: {p.returncode} {p.stderr}")
        before = {k: open(x).read() for k, x in out.items()}
        # Replaced is a new file: two runs in one second may write the same JUnit.
        before_inode = {k: os.stat(x).st_ino for k, x in out.items()}
        p, _ = run_check(d, dict(MINIMAL, devcies="all"), name="bad.json")
        check(p.returncode == EXIT_CONFIG, f"a bad config: exit 2, got {p.returncode}")
        check(all(open(x).read() == before[k] for k, x in out.items()),
              "a config error leaves the earlier reports as they were")
        empty = harness.write_text(d, "empty.json", "")  # what mktemp leaves
        p = run("check", "--config", path, "--json", empty, "--junit", out["xml"], "-q")
        check(p.returncode == EXIT_OK and load(empty)["command"] == "check"
              and os.stat(out["xml"]).st_ino != before_inode["xml"],
              f"an earlier report and an empty file are replaced: {p.returncode} {p.stderr}")
        os.remove(empty)

        # A run that started and cannot write every report removes the tool's own
        # reports at its paths (no stale pass), never a user's file.
        cfg = copy.deepcopy(MINIMAL)
        cfg["benches"] = [{"name": "m", "part": "memory", "handle_types": ["OPAQUE_FD"],
                           "scenarios": ["buffer-map"], "sizes": ["1M"], "iterations": 300,
                           "expect": {"verified": True}}]
        harness.write(d, "config.json", cfg)
        sub = os.path.join(d, "sub")
        os.mkdir(sub)
        proc = subprocess.Popen(harness.tool_command(
            "check", "--config", path, "--json", out["json"], "--junit",
            os.path.join(sub, "j.xml"), "-q"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=harness.tool_env())
        child = harness.first_child_of(proc)
        check(child is not None, "the check started a bench child")
        os.rename(sub, os.path.join(d, "gone"))  # the JUnit file's folder, mid-run
        _, stderr = harness.wait_for(proc, 120, "the check ended")
        check(proc.returncode == EXIT_ERROR and "j.xml" in stderr,
              f"the JUnit file cannot be written: exit 1, got {proc.returncode}: {stderr}")
        check(not os.path.exists(out["json"]), "the JSON report is not left alone (all or none)")
        check(intact(notes, DATA) and os.path.exists(out["txt"]),
              "files that are not this run's outputs stay")


def test_check_outputs_that_are_the_config_or_each_other_refused():
    """An output that is the config under any spelling (./, absolute, a
    symbolic or a hard link, the config's own reports entry), or two outputs
    that are one file: exit 2 before anything runs, the config intact."""
    with tempfile.TemporaryDirectory() as d:
        harness.write(d, "cfg.json", MINIMAL)
        text = open(os.path.join(d, "cfg.json")).read()
        os.symlink("cfg.json", os.path.join(d, "link.json"))
        os.link(os.path.join(d, "cfg.json"), os.path.join(d, "hard.json"))
        os.symlink("nowhere.json", os.path.join(d, "dangling"))
        harness.write(d, "own.json", dict(MINIMAL, reports={"json": "cfg.json"}))
        cases = [
            (["--config", "./cfg.json", "--json", "cfg.json"], "--json 'cfg.json' is the config"),
            (["--config", "cfg.json", "--junit", os.path.join(d, "cfg.json")], "is the config"),
            (["--config", "cfg.json", "--summary", "link.json"], "is the config"),
            (["--config", "cfg.json", "--json", "hard.json"], "is the config"),
            (["--config", "own.json", "--json", "own.json"], "is the config"),
            (["--config", "cfg.json", "--json", "x.json", "--junit", "./x.json"],
             "are the same file"),
            (["--config", "cfg.json", "--json", "dangling", "--summary", "nowhere.json"],
             "are the same file"),
            (["--config", "cfg.json", "--junit", "-", "--summary", "-"],
             "both name standard output"),
        ]
        for argv, why in cases:
            for extra in ([], ["--dry-run"]):
                p = subprocess.run(harness.tool_command("check", *argv, *extra), cwd=d,
                                   capture_output=True, text=True, env=harness.tool_env(),
                                   timeout=120)
                check(p.returncode == EXIT_CONFIG, f"{argv} {extra}: exit 2, got {p.returncode}: "
                                                   f"{p.stderr}")
                one_stderr_line(p, why)
                check(p.stdout == "", f"{argv}: nothing ran: {p.stdout[:200]}")
                check(open(os.path.join(d, "cfg.json")).read() == text, f"{argv}: config intact")
        check(listing(d) == ["cfg.json", "dangling", "hard.json", "link.json", "own.json"],
              f"nothing written: {listing(d)}")
        own = load(os.path.join(d, "own.json"))
        check(own["reports"] == {"json": "cfg.json"}, "the config naming itself is intact")


def test_check_report_to_stdout():
    """`--json -` (or --junit -, --summary -) writes that report to standard
    output, as probe and bench do, and the summary is not printed there."""
    with tempfile.TemporaryDirectory() as d:
        path = harness.write(d, "config.json", MINIMAL)
        p = run("check", "--config", path, "--json", "-", "--summary", os.path.join(d, "s.txt"))
        check(p.returncode == EXIT_OK, f"exit 0, got {p.returncode}: {p.stderr}")
        r = json.loads(p.stdout)  # nothing but the report
        check(r["command"] == "check" and r["check"]["outcome"] == "passed" and
              not schema_errors(r), f"stdout is the check report: {p.stdout[:200]}")
        check(open(os.path.join(d, "s.txt")).read().startswith("vkwin32h "),
              "the summary went to its file")
        p = run("check", "--config", path, "--junit", "-")
        check(p.returncode == EXIT_OK and p.stdout.startswith("<?xml")
              and ET.fromstring(p.stdout).tag == "testsuites", f"--junit -: {p.stdout[:200]}")
        harness.write(d, "cfg2.json", dict(MINIMAL, reports={"json": "-"}))
        p = run("check", "--config", os.path.join(d, "cfg2.json"))
        check(p.returncode == EXIT_CONFIG, f"'-' in a config's reports: exit 2, got {p.returncode}")
        one_stderr_line(p, "a config names files")


def test_check_stdout_write_failure_exit_6():
    """The summary, the dry run's plan or a report to a standard output that
    cannot take them: exit 6 and one line saying why."""
    with tempfile.TemporaryDirectory() as d:
        path = harness.write(d, "config.json", MINIMAL)
        for extra in ([], ["--dry-run"], ["--json", "-"]):
            with open("/dev/full", "w") as full:
                p = subprocess.run(harness.tool_command("check", "--config", path, "--progress",
                                                        "never", *extra),
                                   stdout=full, stderr=subprocess.PIPE, text=True,
                                   env=harness.tool_env(), timeout=120)
            check(p.returncode == 6, f"{extra} > /dev/full: exit 6, got {p.returncode}")
            one_stderr_line(p, "cannot write to standard output: No space left on device")


def test_check_dry_run_lists_expectations():
    p = run("check", "--config", LAVAPIPE, "--dry-run")
    check(p.returncode == 0, f"exit 0: {p.stderr}")
    cfg = load(LAVAPIPE)
    lines = [l for l in p.stdout.splitlines() if l.startswith("  ")]
    check(len(lines) == expected_per_device(cfg), f"one line per expectation: {lines}")
    check(any("benches[1].expect.ratio_p50_max" in l and "host-timeline (thread)" in l
              for l in lines), f"round-trip expectations per mode and peer: {lines}")


# --- what the machine lacks ------------------------------------------------------------

def environment_case(cfg, want, *extra, env=None):
    with tempfile.TemporaryDirectory() as d:
        p, out = run_check(d, cfg, *extra, env=env)
        check(p.returncode == EXIT_ENVIRONMENT, f"exit 15 (environment), got {p.returncode}: "
                                                f"{p.stderr}")
        one_stderr_line(p, want)
        r = load(out["json"])
        check(not schema_errors(r), f"the report validates: {schema_errors(r)[:3]}")
        check(r["check"]["outcome"] == "environment" and want in r["check"]["message"],
              f"the report says why: {r['check']['outcome']}: {r['check']['message']}")
        # One rule for every environment outcome: the status is not ok, says why.
        check(r["status"]["ok"] is False and r["status"]["code"] != "ok"
              and r["status"]["message"], f"status.ok is false with a code: {r['status']}")
        root, cases = junit_cases(out["xml"])
        check(len(cases) == 1 and outcome_of(cases[0]) == "error"
              and want in cases[0].find("error").get("message"),
              "JUnit shows one test case in error saying why")


def test_check_missing_loader_is_environment():
    cfg = load(LAVAPIPE)
    cfg["loader"] = "/nonexistent/libvulkan.so.1"
    environment_case(cfg, "/nonexistent/libvulkan.so.1")


def test_check_validation_layer_missing_is_environment():
    cfg = load(LAVAPIPE)  # validates
    environment_case(cfg, "VK_LAYER_KHRONOS_validation",
                     env={"VK_LAYER_PATH": "/nonexistent-vkw-layers"})


def test_check_no_matching_device_is_environment():
    cfg = load(LAVAPIPE)
    cfg["devices"] = [{"name": "NoSuchGPU*"}, {"vendor": "nvidia"}]
    environment_case(cfg, "no device matches the config's devices (found: #0 llvmpipe")


def test_check_windows_config_on_linux_is_environment():
    cfg = load(os.path.join(SAMPLES, "windows-nt-handles.json"))
    environment_case(cfg, "the config is for windows; this is Linux")


def test_check_repeat_runs_each_mode_again():
    """A round-trips bench with "repeat": 3 runs each mode three times: the
    report keeps each repeat's p50 and p99, the distribution covers them all."""
    cfg = copy.deepcopy(MINIMAL)
    cfg["benches"] = [{"name": "rt", "part": "round-trips", "modes": ["os", "host-timeline"],
                       "peer": "thread", "round_trips": 100, "warmup": 10, "repeat": 3,
                       "expect": {"passes": True}}]
    check(not config_schema_errors(cfg), f"the schema takes repeat: {config_schema_errors(cfg)}")
    with tempfile.TemporaryDirectory() as d:
        p, out = run_check(d, cfg)
        check(p.returncode == EXIT_OK, f"exit 0, got {p.returncode}: {p.stderr}")
        r = load(out["json"])
        check(not schema_errors(r), f"the report validates: {schema_errors(r)[:3]}")
        rt = r["check"]["runs"][0]["bench"]["round_trips"]
        check(rt["options"]["repeat"] == 3, f"the option is kept: {rt['options']}")
        for x in rt["results"]:
            check(x["outcome"] == "passed" and len(x["repeats"]) == 3
                  and x["round_trip_ns"]["count"] == 300
                  and min(e["p50"] for e in x["repeats"]) <= x["round_trip_ns"]["p50"]
                  <= max(e["p50"] for e in x["repeats"]),
                  f"three repeats, 300 samples, the p50 among theirs: {x['mode']} "
                  f"{x['repeats']} {x['round_trip_ns']}")
    bad = copy.deepcopy(cfg)
    bad["benches"][0]["repeat"] = 0
    with tempfile.TemporaryDirectory() as d:
        p, out = run_check(d, bad)
        check(p.returncode == EXIT_CONFIG and "repeat" in p.stderr,
              f"repeat 0 is a config error naming it: {p.returncode} {p.stderr}")


def test_check_crashed_child_is_an_error():
    cfg = copy.deepcopy(MINIMAL)
    cfg["timeout_s"] = 10
    cfg["benches"] = [{"name": "long memory", "part": "memory", "handle_types": ["OPAQUE_FD"],
                       "scenarios": ["buffer-map"], "sizes": ["1M"], "iterations": 100000,
                       "expect": {"verified": True, "leaked_handles_max": 0}}]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "config.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        out = {k: os.path.join(d, f"out.{k}") for k in ("json", "xml", "txt")}
        proc = subprocess.Popen(harness.tool_command("check", "--config", path, "--json",
                                                     out["json"], "--junit", out["xml"]),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=harness.tool_env())
        child = harness.first_child_of(proc)
        check(child is not None, "the check started a bench child")
        if child is not None:
            time.sleep(1.0)
            os.kill(child, signal.SIGKILL)
        stdout, stderr = harness.wait_for(proc, 60, "the check ended after its child was killed")
        check(proc.returncode == EXIT_ERROR, f"exit 1 (error: a crashed child), got "
                                             f"{proc.returncode}: {stderr}")
        r = load(out["json"])
        check(not schema_errors(r), f"the report validates: {schema_errors(r)[:3]}")
        ex = r["check"]["expectations"]
        check([e["outcome"] for e in ex] == ["passed", "error", "error"],
              f"the capability passed; the bench's expectations are errors: {ex}")
        check(all("SIGKILL" in (e["message"] or "") for e in ex[1:]),
              f"the errors say the child was killed: {[e['message'] for e in ex[1:]]}")
        root, cases = junit_cases(out["xml"])
        totals = harness.junit_totals(root)
        check(totals["errors"] == 2 and len(cases) == 3, f"JUnit: 2 errors of 3: {totals}")



# --- stress benches -------------------------------------------------------------

STRESS_QUICK_FAULTS = ["kill-import", "kill-wait", "stale", "foreign"]  # none waits a timeout


def stress_bench(name, expect, **extra):
    return dict({"name": name, "part": "stress", "importers": 2, "duration": "6s",
                 "interval": "100ms", "expect": expect}, **extra)


def test_check_stress_bench_one_case_per_expect_key_with_values():
    """A bench of part stress runs `stress` with its keys, judges each expect key
    as one JUnit test case whose text carries the measured values, and keeps
    the run's stress part in the report (its limits set from expect)."""
    expect = {"passes": True, "leak_per_min_max": 0, "resident_mib_per_min_max": 100000,
              "p99_us_max": 60000000, "ops_per_s_min": 0.5, "faults_undetected_max": 0}
    # 10 s at 100 ms: memory's trend is taken from the second half of the
    # points, 5 to a floor point, and needs 10 pairs of them; 6 s left too few
    # where the sampler fell behind (the sanitizer build on a loaded machine).
    cfg = {"name": "stress", "os": "linux", "timeout_s": 30, "devices": "all",
           "benches": [stress_bench("churn", expect, chaos=0.05, seed=7, duration="10s",
                                    chaos_kinds=STRESS_QUICK_FAULTS)]}
    ex, r = judged(cfg, ["passed"] * 6, exit_code=EXIT_OK)
    by_source = {e["source"].rsplit(".", 1)[1]: e for e in ex}
    check(sorted(by_source) == sorted(expect), f"one expectation per key: {sorted(by_source)}")
    run_ = r["check"]["runs"][0]
    st = run_.get("stress") or {}
    check(run_["bench"] is None and st.get("ops_total", 0) > 0,
          f"the run's stress part is in the report: {run_['bench']}, {list(st)[:4]}")
    opts = st.get("options", {})
    check(opts.get("importers") == 2 and opts.get("duration_ms") == 10000 and
          opts.get("interval_ms") == 100 and opts.get("chaos") == 0.05 and
          opts.get("seed") == "7" and opts.get("chaos_kinds") == STRESS_QUICK_FAULTS and
          opts.get("timeout_ms") == 30000,
          f"the bench's keys and the config's timeout reach the run: {opts}")
    lim = opts.get("limits", {})
    check(lim == {"leak_per_min_max": 0, "resident_mib_per_min_max": 100000,
                  "p99_us_max": 60000000, "ops_per_s_min": 0.5, "faults_undetected_max": 0},
          f"the run's limits are the expect's: {lim}")
    injected = sum(c["injected"] for c in st["chaos"].values())
    m = {k: e["measured"] for k, e in by_source.items()}
    check(m["faults_undetected_max"].startswith(f"faults: {injected} injected, {injected} "
                                               f"detected"),
          f"the faults' text carries the report's count ({injected}): {m['faults_undetected_max']}")
    check(m["leak_per_min_max"].startswith("leak: ") and " handles/min (95 % CI " in
          m["leak_per_min_max"] and "limit 0" in m["leak_per_min_max"],
          f"the leak's text: {m['leak_per_min_max']}")
    check(" resident MiB/min (95 % CI " in m["resident_mib_per_min_max"],
          f"the resident trend's text: {m['resident_mib_per_min_max']}")
    name, worst = max(((k, o["latency"]["p99_us"]) for k, o in st["operations"].items()
                       if o["latency"]["count"]), key=lambda x: x[1])
    shown = "%.4g ms" % (worst / 1e3) if worst >= 1000 else "%.4g us" % worst
    check(m["p99_us_max"] == f"p99 {shown} ({name}, the highest), limit 60000 ms",
          f"the p99's text is the report's highest ({name} {worst} us): {m['p99_us_max']}")
    rate = st["ops_total"] / st["elapsed_s"]
    check(m["ops_per_s_min"].startswith(f"{rate:.1f} operations/s ({st['ops_total']} in"),
          f"the rate's text is the report's: {m['ops_per_s_min']} vs {rate:.1f}")
    check(m["passes"].startswith(f"{st['ops_total']} operations; no leak; 0 mismatches"),
          f"the verdict's text: {m['passes']}")


def test_check_stress_leak_fault_fails_the_leak_expectation():
    """The hidden key fault (as --stress-fault) makes importers keep a handle of
    every import: leak_per_min_max and passes fail (exit 14), naming the leak;
    what the fault does not touch passes."""
    cfg = {"name": "leaky", "os": "linux", "devices": "all",
           "benches": [stress_bench("leaky", {"passes": True, "leak_per_min_max": 0,
                                               "faults_undetected_max": 0}, fault="leak")]}
    with tempfile.TemporaryDirectory() as d:
        p, out = run_check(d, cfg)
        check(p.returncode == EXIT_FAILED, f"exit 14, got {p.returncode}: {p.stderr}")
        r, cases = sane_reports(out, cfg, EXIT_FAILED)
        got = [(k.get("name"), outcome_of(k)) for k in cases]
        check([o for _, o in got] == ["failed", "failed", "passed"], f"outcomes: {got}")
        leak = cases[1].find("failure")
        check(leak is not None and "(benches[0].expect.leak_per_min_max)" in cases[1].get("name")
              and leak.get("message", "").startswith("a leak: importer ")
              and "handles/min" in leak.get("message", ""),
              f"the JUnit failure names the leaking importer: {got[1]} "
              f"{leak.get('message') if leak is not None else None}")
        check("measured: leak: importer " in (leak.text or ""),
              f"the failure carries the measured trend: {leak.text if leak is not None else ''}")
        st = r["check"]["runs"][0]["stress"]
        check(st["options"]["fault"] == "leak" and st["verdict"]["leak"],
              f"the run records its fault and its leak: {st['options']['fault']}")


def test_check_stress_config_errors_name_the_place():
    """Bad keys and values of a stress bench are exit 2 naming the place."""
    def bad_stress(**keys):
        expect = keys.pop("expect", {"passes": True})
        return with_bench(dict({"name": "s", "part": "stress", "expect": expect}, **keys))
    cases = [
        ("importers 0", bad_stress(importers=0),
         "benches[1].importers: expected a positive integer (at most 32), got 0"),
        ("importers a word", bad_stress(importers="four"),
         'benches[1].importers: expected a positive integer (at most 32), got "four"'),
        ("duration without a unit", bad_stress(duration="20"),
         'benches[1].duration: expected a time from 1000 ms to 168 h'),
        ("duration as a number", bad_stress(duration=20),
         "benches[1].duration: expected a time from 1000 ms to 168 h (digits and ms, s, m or h: "
         '"20s", "10m"), got 20'),
        ("duration past a lab's gate", bad_stress(duration="2h"),
         'benches[1].duration: at most 1h in a check config'),
        ("interval too short", bad_stress(interval="10ms"),
         'benches[1].interval: expected a time from 100 ms to 1 h'),
        ("chaos above 1", bad_stress(chaos=1.5),
         "benches[1].chaos: expected a number from 0 to 1, got 1.5"),
        ("chaos kind twice", bad_stress(chaos_kinds=["stop", "stop"]),
         "benches[1].chaos_kinds[1]: given twice"),
        ("an unknown operation", bad_stress(operations=["memory", "teleport"]),
         'benches[1].operations[1]: expected one of memory, fan-out, binary, timeline, fence, '
         'signal, got "teleport"'),
        ("seed past what JSON holds exactly", bad_stress(seed=2**60),
         "benches[1].seed: expected a non-negative integer (at most 9007199254740991)"),
        ("nine sizes", bad_stress(sizes=[f"{k}K" for k in range(1, 10)]),
         "benches[1].sizes: at most 8 sizes in a stress bench, got 9"),
        ("a memory bench's key", bad_stress(iterations=3),
         "benches[1].iterations: unknown key in a stress bench"),
        ("an unknown fault", bad_stress(fault="spill"),
         'benches[1].fault: expected one of none, leak, flip-byte, deaf, invalid-usage, '
         'got "spill"'),
        ("a negative leak limit", bad_stress(expect={"leak_per_min_max": -1}),
         "benches[1].expect.leak_per_min_max: expected a number from 0 to 1000000, got -1"),
        ("a memory bench's expectation", bad_stress(expect={"verified": True}),
         "benches[1].expect.verified: unknown key in a stress bench's expect (known: passes, "
         "leak_per_min_max, resident_mib_per_min_max, p99_us_max, ops_per_s_min, "
         "faults_undetected_max)"),
        ("passes false", bad_stress(expect={"passes": False}),
         "benches[1].expect.passes: expected true"),
        ("undetected faults fractional", bad_stress(expect={"faults_undetected_max": 0.5}),
         "benches[1].expect.faults_undetected_max: expected a non-negative integer"),
        ("p99 zero", bad_stress(expect={"p99_us_max": 0}),
         "benches[1].expect.p99_us_max: expected a number above 0"),
        ("no expectation", bad_stress(expect={}),
         "benches[1].expect: expects nothing: give at least one of passes, leak_per_min_max"),
        ("a part misspelt", with_bench({"name": "s", "part": "stres", "expect": {}}),
         'benches[1].part: expected one of memory, round-trips, stress, got "stres"'),
    ]
    with tempfile.TemporaryDirectory() as d:
        for what, cfg, want in cases:
            rejected_with_place(d, what, cfg, want)
        # Within bounds, each is accepted.
        ok = bad_stress(importers=32, duration="1h", interval="100ms", chaos=1, seed=2**53 - 1,
                        chaos_kinds=["stop"], operations=["memory"], sizes=["64K"],
                        expect={"passes": True, "leak_per_min_max": 0,
                                "faults_undetected_max": 0})
        p = run("check", "--config", write_json(d, "ok.json", ok), "--dry-run")
        check(p.returncode == 0 and "benches[1].expect.leak_per_min_max" in p.stdout,
              f"a stress bench at its bounds is accepted: {p.returncode} {p.stderr}")


def write_json(d, name, obj):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        json.dump(obj, f)
    return path


if __name__ == "__main__":
    raise SystemExit(harness.main(globals()))
