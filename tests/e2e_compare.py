#!/usr/bin/env python3
"""End-to-end tests of `vkwin32h compare`: real reports from lavapipe (and the
H100's, recorded), compared as they are, between runs that differ in what they
ran, and with a loss or a slowdown written into a copy.

    e2e_compare.py --exe PATH --schema PATH TEST_NAME
"""
import copy
import json
import os
import sys
import tempfile

import harness
from harness import check, load, one_stderr_line, run, write


def real(d, name, command, *extra):
    """A real report of `vkwin32h COMMAND EXTRA` in d/name: (path, report)."""
    path = os.path.join(d, name)
    p = run(command, *extra, "--json", path, "--quiet", timeout=240)
    check(os.path.exists(path), f"a real {command} report: exit {p.returncode}: {p.stderr}")
    if not os.path.exists(path):
        sys.exit(1)
    return path, load(path)


def real_bench(d, name="old.json", *extra):
    return real(d, name, "bench", "--sizes", "64K", "--iterations", "3", "--round-trips", "200",
                "--warmup", "20", *extra)


def rt_bench(d, name, *extra):
    return real(d, name, "bench", "--parts", "round-trips", "--round-trips", "100", "--warmup",
                "10", *extra)


def mem_bench(d, name, *extra):
    return real(d, name, "bench", "--parts", "memory", "--scenarios", "buffer-map",
                "--iterations", "3", *extra)


def findings(p):
    return [l for l in p.stdout.splitlines() if l.startswith(("REGRESSION", "note"))]


def last_line(p):
    lines = p.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def test_compare_identical_reports_find_nothing():
    with tempfile.TemporaryDirectory() as d:
        old, r = real_bench(d)
        p = run("compare", old, write(d, "new.json", r))
        check(p.returncode == 0, f"exit 0, got {p.returncode}: {p.stderr}")
        last = last_line(p)
        check(last.startswith("0 regression(s), 0 other change(s) in ")
              and int(last.split(" in ")[1].split()[0]) > 50,
              f"nothing found among many comparisons: {last}")


def test_compare_default_tolerance_is_the_documented_10_percent():
    """Without --tolerance the gate allows 10 % (README, `help compare`): the
    text's last line and the JSON decision say so."""
    with tempfile.TemporaryDirectory() as d:
        old, r = real_bench(d)
        new = write(d, "new.json", r)
        p = run("compare", old, new)
        check(p.returncode == 0 and last_line(p).endswith("(tolerance 10%)"),
              f"the text names the default tolerance: {p.returncode} {last_line(p)!r}")
        p = run("compare", old, new, "--json", "-")
        check(p.returncode == 0, f"compare --json -: exit 0, got {p.returncode}: {p.stderr}")
        decision = json.loads(p.stdout) if p.returncode == 0 else {}
        check(decision.get("tolerance_pct") == 10,
              f"the decision records the default tolerance 10: {decision.get('tolerance_pct')}")


def test_compare_json_never_replaces_a_report_it_compares():
    """`--json` naming the old or the new report, under any spelling, is a usage
    error before anything is read or written: the reports stay as they were."""
    with tempfile.TemporaryDirectory() as d:
        old, r = real_bench(d)
        new = write(d, "new.json", r)
        link = os.path.join(d, "link.json")
        os.symlink(new, link)
        before = {x: open(x, "rb").read() for x in (old, new)}
        for target, which in ((old, "the old report"),
                              (os.path.join(d, ".", "new.json"), "the new report"),
                              (link, "the new report")):
            p = run("compare", old, new, "--json", target)
            check(p.returncode == 2, f"--json {target}: exit 2, got {p.returncode}: {p.stderr}")
            check(which in p.stderr and "would replace" in p.stderr,
                  f"--json {target}: the message names {which}: {p.stderr!r}")
        check(all(open(x, "rb").read() == b for x, b in before.items()),
              "both reports are byte for byte what they were")


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


def test_compare_lost_device():
    """Devices without a deviceUUID (no Vulkan 1.1 ID properties) pair by name:
    two before, one after is one device lost (before: both paired with the one
    that is left, by their empty UUIDs)."""
    with tempfile.TemporaryDirectory() as d:
        old_p, r = real(d, "probe.json", "probe")
        old = copy.deepcopy(r)
        two = copy.deepcopy(old["devices"][0])
        two["index"] = 1
        two["identity"]["name"] = "second GPU"
        old["devices"].append(two)
        old["physical_device_count"] = 2
        for dev in old["devices"]:
            dev["identity"]["device_uuid"] = None
        new = copy.deepcopy(old)
        del new["devices"][1]
        new["physical_device_count"] = 1
        p = run("compare", write(d, "old.json", old), write(d, "new.json", new))
        check(p.returncode == 13, f"exit 13, got {p.returncode}: {p.stdout}")
        lost = [l for l in findings(p) if l.startswith("REGRESSION lost")]
        check(len(lost) == 1 and "device second GPU (no deviceUUID)" in lost[0],
              f"the second device is lost, nothing else: {findings(p)}")


def test_compare_lost_bench_handle_type():
    """A bench that tested OPAQUE_FD against one that did not (a real run of
    another handle type): the handle type and its scenarios are lost."""
    with tempfile.TemporaryDirectory() as d:
        old, _ = mem_bench(d, "old.json", "--sizes", "64K", "--handle-types", "OPAQUE_FD")
        new, n = mem_bench(d, "new.json", "--sizes", "64K", "--handle-types", "DMA_BUF")
        check(all(t["handle_type"] != "OPAQUE_FD" for t in n["bench"]["handle_types"]),
              "the new bench did not test OPAQUE_FD")
        p = run("compare", old, new)
        check(p.returncode == 13, f"exit 13, got {p.returncode}: {p.stdout}")
        lines = findings(p)
        check(any(l.startswith("REGRESSION lost") and "bench handle type OPAQUE_FD" in l
                  and "absent from the new report" in l for l in lines),
              f"the handle type is lost: {lines}")
        check(any(l.startswith("REGRESSION lost") and "memory OPAQUE_FD buffer-map 65536 bytes"
                  in l for l in lines), f"its scenario is lost: {lines}")


def test_compare_lost_scenario_size():
    """A full bench against one of fewer sizes (real runs): the size left out
    is lost; the size both ran is compared and not."""
    with tempfile.TemporaryDirectory() as d:
        old, _ = mem_bench(d, "old.json", "--sizes", "64K,1M", "--handle-types", "OPAQUE_FD")
        new, _ = mem_bench(d, "new.json", "--sizes", "64K", "--handle-types", "OPAQUE_FD")
        p = run("compare", old, new, "--tolerance", "10000")
        check(p.returncode == 13, f"exit 13, got {p.returncode}: {p.stdout}")
        lines = [l for l in findings(p) if l.startswith("REGRESSION")]
        check(len(lines) == 1 and lines[0].startswith("REGRESSION lost")
              and "memory OPAQUE_FD buffer-map 1048576 bytes: passed -> absent" in lines[0],
              f"exactly the 1M scenario is lost: {lines}")


def test_compare_lost_mode_and_peer():
    """Round trips with both peers against the thread peer only (real runs):
    every process-peer mode that passed is lost; a skipped one is too."""
    with tempfile.TemporaryDirectory() as d:
        old, o = rt_bench(d, "old.json", "--modes", "os,host-timeline", "--peer", "both")
        new, n = rt_bench(d, "new.json", "--modes", "os,host-timeline", "--peer", "thread")
        want = sorted(f"round trip os {x['os_primitive']} process peer"
                      for x in o["bench"]["round_trips"]["results"]
                      if x["peer"] == "process" and x["outcome"] == "passed")
        check(len(want) >= 2, f"the OS pairs pass between processes: {want}")
        p = run("compare", old, new, "--tolerance", "10000")
        check(p.returncode == 13, f"exit 13, got {p.returncode}: {p.stdout}")
        lost = sorted(l.split("lost", 1)[1].split(":")[0].strip() for l in findings(p)
                      if l.startswith("REGRESSION lost"))
        check(lost == want, f"each process-peer mode lost, no other: {lost} vs {want}")
        # A mode that ran and was skipped now is lost too.
        skipped = copy.deepcopy(n)
        res = next(x for x in skipped["bench"]["round_trips"]["results"]
                   if x["mode"] == "host-timeline" and x["outcome"] == "passed")
        res.update(outcome="skipped", reason="as if the driver said no")
        p = run("compare", new, write(d, "skipped.json", skipped), "--tolerance", "10000")
        check(p.returncode == 13 and any(
            l.startswith("REGRESSION lost") and "host-timeline in-process thread peer" in l
            and "skipped: as if the driver said no" in l for l in findings(p)),
            f"the skipped mode is lost: {p.returncode} {findings(p)}")


def run_check(d, name, cfg):
    cfg_path = write(d, name + ".config.json", cfg)
    path = os.path.join(d, name)
    p = run("check", "--config", cfg_path, "--json", path, "--quiet", timeout=240)
    check(os.path.exists(path), f"a check report: exit {p.returncode}: {p.stderr}")
    if not os.path.exists(path):
        sys.exit(1)
    return p, path


def test_compare_lost_and_failing_expectations():
    """A passing check against an exit-15 check of the same machine (real
    runs; the config's device selector matches nothing): every expectation
    that passed is lost, and the check's outcome now fails."""
    cfg = load(os.path.join(harness.ROOT, "sample_configs", "lavapipe-smoke.json"))
    cfg["validate"] = False
    cfg.pop("reports", None)
    with tempfile.TemporaryDirectory() as d:
        p, old = run_check(d, "old.json", cfg)
        check(p.returncode == 0, f"the smoke check passes: {p.returncode}: {p.stderr}")
        gone = copy.deepcopy(cfg)
        gone["devices"] = [{"name": "NoSuchGPU*"}]
        p, new = run_check(d, "new.json", gone)
        check(p.returncode == 15, f"no device matched: exit 15, got {p.returncode}")
        passed = [e["id"] for e in load(old)["check"]["expectations"] if e["outcome"] == "passed"]
        p = run("compare", old, new)
        check(p.returncode == 13, f"exit 13, got {p.returncode}: {p.stdout}")
        lines = findings(p)
        lost = [l for l in lines if l.startswith("REGRESSION lost") and "expectation" in l]
        check(len(lost) == len(passed) and len(passed) > 5,
              f"each of the {len(passed)} passed expectations is lost: {len(lost)}")
        check(any(l.startswith("REGRESSION now failing") and "check outcome: passed -> "
                  "environment" in l for l in lines), f"the outcome: {lines[:3]}")


def test_compare_dedicated_only_is_not_a_loss():
    """A handle type that becomes shareable as a dedicated allocation only is
    still shareable: a note, exit 0 (it was once read as lost)."""
    with tempfile.TemporaryDirectory() as d:
        old, r = real(d, "probe.json", "probe")
        new = copy.deepcopy(r)
        e = next(x for x in new["devices"][0]["external_memory"] if x["handle_type"] == "OPAQUE_FD")
        check(e["verdict"]["code"] == "shareable", "lavapipe shares OPAQUE_FD memory")
        e["verdict"] = {"code": "shareable_dedicated_only", "detail": "only as a dedicated "
                        "allocation"}
        p = run("compare", old, write(d, "new.json", new))
        check(p.returncode == 0, f"exit 0, got {p.returncode}: {p.stdout}")
        lines = findings(p)
        check(len(lines) == 1 and lines[0].startswith("note       changed")
              and "memory OPAQUE_FD: shareable -> shareable_dedicated_only" in lines[0],
              f"one note says what changed: {lines}")


def slowed(report, factor, which=lambda x: True):
    """A copy with every repeat (and the p50) of the chosen passed modes times factor."""
    new = copy.deepcopy(report)
    hit = []
    for x in new["bench"]["round_trips"]["results"]:
        if x["outcome"] == "passed" and which(x):
            x["round_trip_ns"]["p50"] *= factor
            for rep in x["repeats"]:
                rep["p50"] *= factor
            hit.append(x)
    return new, hit


def test_compare_slower_beyond_spread():
    """A mode 3x slower in every repeat is beyond the tolerance and the spread:
    a regression, with its evidence in --json; the same slowdown in one repeat
    of five is within the spread: a note."""
    with tempfile.TemporaryDirectory() as d:
        old, r = rt_bench(d, "old.json", "--modes", "os,host-timeline", "--peer", "thread",
                          "--repeat", "5")
        res = next(x for x in r["bench"]["round_trips"]["results"]
                   if x["mode"] == "host-timeline")
        check(res["outcome"] == "passed" and len(res["repeats"]) == 5,
              f"five repeats kept: {res['repeats']}")
        check(r["bench"]["round_trips"]["options"]["repeat"] == 5, "the option is reported")
        # Known repeats (this machine's own spread may be anything): +-2 % around
        # the measured p50 before, three times that after.
        base = res["round_trip_ns"]["p50"]
        res["repeats"] = [{"p50": base * f, "p99": res["round_trip_ns"]["p99"]}
                          for f in (0.98, 0.99, 1.0, 1.01, 1.02)]
        old = write(d, "old-known.json", r)
        new, _ = slowed(r, 3, lambda x: x["mode"] == "host-timeline")
        out = os.path.join(d, "decision.json")
        p = run("compare", old, write(d, "new.json", new), "--json", out)
        check(p.returncode == 13, f"exit 13, got {p.returncode}: {p.stdout}")
        lines = findings(p)
        check(any(l.startswith("REGRESSION slower") and "host-timeline in-process thread peer "
                  "p50" in l and "+200.0%" in l and "p 0.0040 < 0.01" in l for l in lines),
              f"the slowdown, with its size and test: {lines}")
        dec = load(out)
        f = next((f for f in dec["findings"] if f["regression"]), None)
        check(dec["decision"] == "regression" and dec["kind"] == "bench" and f is not None
              and f["evidence"]["test"] == "mann-whitney-u-on-repeats"
              and abs(f["evidence"]["p_value"] - 1 / 252) < 1e-9 and f["evidence"]["u"] == 25
              and all(abs(a - b) <= 1e-9 * b for a, b in zip(
                  f["evidence"]["new_repeats"], [x["p50"] for x in next(
                      x for x in new["bench"]["round_trips"]["results"]
                      if x["mode"] == "host-timeline")["repeats"]]))
              and len(f["evidence"]["new_repeats"]) == 5 and f["unit"] == "us"
              and f["evidence"]["repeats_unit"] == "ns",
              f"the decision and its evidence: {json.dumps(f)[:600]}")
        # One slow repeat of five: p50 over all samples may move, the repeats overlap.
        one = copy.deepcopy(r)
        x = next(x for x in one["bench"]["round_trips"]["results"] if x["mode"] == "host-timeline")
        x["repeats"][0]["p50"] *= 3
        x["round_trip_ns"]["p50"] *= 1.5
        p = run("compare", old, write(d, "one.json", one))
        check(p.returncode == 0, f"exit 0 within the spread, got {p.returncode}: {p.stdout}")
        check(any(l.startswith("note       slower") and "host-timeline" in l
                  and ">= 0.01" in l for l in findings(p)), f"a note with the test: {findings(p)}")
        # Without repeats there is no spread to judge by: a note that says so.
        p = run("compare", write(d, "norep-old.json", strip_repeats(r)),
                write(d, "norep-new.json", strip_repeats(new)))
        check(p.returncode == 0 and any("too few to tell" in l for l in findings(p)),
              f"no repeats: a note, exit 0: {p.returncode} {findings(p)}")


def strip_repeats(r):
    r = copy.deepcopy(r)
    for x in r["bench"]["round_trips"]["results"]:
        x.pop("repeats", None)
    return r


def test_compare_throughput_and_phases_need_their_ranges_apart():
    """Memory phases judge by the iterations' ranges: a verify 4x slower in
    every iteration is lower throughput; one slow iteration is not."""
    with tempfile.TemporaryDirectory() as d:
        old, r = mem_bench(d, "old.json", "--sizes", "64K", "--handle-types", "OPAQUE_FD")
        new = copy.deepcopy(r)
        sc = new["bench"]["memory"][0]
        # The verify that ran: the device's, or the host's.
        verify = "parent_gpu_verify" if sc["phases_us"].get("parent_gpu_verify", {}).get(
            "count") else "parent_verify"
        ph = sc["phases_us"][verify]
        for k in ("min", "median", "mean", "max"):
            ph[k] *= 4
        sc["verify"]["parent_gbps"] /= 4
        p = run("compare", old, write(d, "new.json", new))
        check(p.returncode == 13, f"exit 13, got {p.returncode}: {p.stdout}")
        lines = findings(p)
        check(any(l.startswith("REGRESSION lower throughput") and "parent_gbps" in l
                  and "-75.0%" in l for l in lines), f"the throughput drop: {lines}")
        p = run("compare", old, write(d, "new.json", new), "--tolerance", "400")
        check(p.returncode == 0, f"within a 400% tolerance: exit 0, got {p.returncode}")
        wide = copy.deepcopy(r)
        ph = wide["bench"]["memory"][0]["phases_us"][verify]
        ph["max"] *= 20
        ph["median"] *= 2
        p = run("compare", old, write(d, "wide.json", wide))
        check(p.returncode == 0 and any("ranges overlap" in l for l in findings(p)),
              f"overlapping ranges: a note: {p.returncode} {findings(p)}")


def with_imported_vs_local(report, write_us, read_us):
    """The recorded H100 bench with imported vs local in its first scenario:
    write_us/read_us are each (imported, local), microsecond ranges (min,
    median, max) of the device's fill and of its verify."""
    r = copy.deepcopy(report)
    sc = r["bench"]["memory"][0]
    size = sc["memory"]["bytes_verified"]

    def direction(imported, local):
        def summary(t):
            return {"count": 5, "min": t[0], "median": t[1], "mean": t[1], "max": t[2]}
        imp, loc = size / (imported[1] * 1e3), size / (local[1] * 1e3)
        return {"imported_gbps": imp, "local_gbps": loc, "ratio": imp / loc,
                "imported_us": summary(imported), "local_us": summary(local)}
    w, rd = direction(*write_us), direction(*read_us)
    sc["imported_vs_local"] = {"measured": True, "write": w, "read": rd,
                               "ratio_min": min(w["ratio"], rd["ratio"])}
    return r


def test_compare_flags_a_drop_of_imported_vs_local():
    """Imported vs local, each direction, is a throughput: a ratio that drops
    in every iteration beyond the tolerance is a regression; one whose
    iterations' ranges overlap is a note."""
    h100 = load(os.path.join(harness.DATA, "h100-bench.json"))
    r = (10.0, 10.0, 10.4)
    old_r = with_imported_vs_local(h100, (r, r), (r, r))
    # The imported fill 1.5x slower in every iteration: ratio 0.67.
    slow = with_imported_vs_local(h100, ((15.0, 15.0, 15.5), r), (r, r))
    # One slow iteration: the median moves, the ranges overlap.
    wide = with_imported_vs_local(h100, ((10.1, 15.0, 40.0), r), (r, r))
    with tempfile.TemporaryDirectory() as d:
        old = write(d, "old.json", old_r)
        p = run("compare", old, write(d, "same.json", old_r))
        check(p.returncode == 0 and not findings(p), f"the same: nothing: {findings(p)}")
        p = run("compare", old, write(d, "slow.json", slow))
        lines = findings(p)
        check(p.returncode == 13, f"exit 13, got {p.returncode}: {p.stdout}")
        check(any(l.startswith("REGRESSION lower throughput") and
                  "imported vs local write ratio" in l and "-33.3%" in l for l in lines),
              f"the write ratio's drop: {lines}")
        check(not any("imported vs local read" in l for l in lines), f"the read kept: {lines}")
        p = run("compare", old, write(d, "wide.json", wide))
        check(p.returncode == 0 and any("imported vs local write ratio" in l and
                                        "ranges overlap" in l for l in findings(p)),
              f"overlapping ranges: a note: {p.returncode} {findings(p)}")


def test_compare_check_reports_flag_a_failing_expectation_and_a_slowdown():
    """Two runs of a lab's check (the H100's nvidia-linux.json): an expectation
    that no longer passes, and a slower round trip inside one of the runs."""
    recorded = os.path.join(harness.DATA, "h100-check.json")
    r = load(recorded)
    with tempfile.TemporaryDirectory() as d:
        p = run("compare", recorded, write(d, "same.json", r))
        check(p.returncode == 0, f"the same check report: exit 0, got {p.returncode}: {p.stdout}")
        # Repeats as a check config's "repeat": 5 would keep them.
        old = copy.deepcopy(r)
        for run_ in old["check"]["runs"]:
            rts = (run_.get("bench") or {}).get("round_trips") or {}
            for x in rts.get("results", []):
                if x["outcome"] == "passed":
                    x["repeats"] = [{"p50": x["round_trip_ns"]["p50"] * f,
                                     "p99": x["round_trip_ns"]["p99"] * f}
                                    for f in (0.98, 0.99, 1.0, 1.01, 1.02)]
        new = copy.deepcopy(old)
        e = next(x for x in new["check"]["expectations"] if "p99 <= 500 us" in x["name"])
        e.update(outcome="failed", measured="p99 812 us", message="p99 812 us is over the limit")
        run_ = next(x for x in new["check"]["runs"] if x["name"] == "host timeline")
        res = next(x for x in run_["bench"]["round_trips"]["results"]
                   if x["mode"] == "host-timeline" and x["peer"] == "process")
        res["round_trip_ns"]["p50"] *= 2
        for rep in res["repeats"]:
            rep["p50"] *= 2
        p = run("compare", write(d, "old.json", old), write(d, "new.json", new))
        check(p.returncode == 13, f"exit 13, got {p.returncode}: {p.stderr}")
        lines = p.stdout.splitlines()
        check(any(l.startswith("REGRESSION now failing") and e["id"] in l and "812" in l
                  for l in lines), f"the expectation that now fails, by id: {lines}")
        check(any(l.startswith("REGRESSION slower") and "'host timeline' on NVIDIA H100 80GB "
                  "HBM3: round trip host-timeline OPAQUE_FD process peer p50" in l
                  and "+100.0%" in l for l in lines),
              f"the slowdown inside the run, named by run and device: {lines}")


def test_compare_kind_mismatch_is_a_usage_error():
    """A probe against a bench (or a check) is not a comparison: exit 2."""
    with tempfile.TemporaryDirectory() as d:
        probe, _ = real(d, "probe.json", "probe")
        bench, _ = rt_bench(d, "bench.json", "--modes", "os", "--peer", "thread")
        chk = os.path.join(harness.DATA, "h100-check.json")
        for a, b, kinds in ((probe, bench, "a probe report and"), (bench, probe, "a bench report"),
                            (chk, bench, "a check report")):
            p = run("compare", a, b)
            check(p.returncode == 2, f"{kinds}: exit 2, got {p.returncode}: {p.stdout}")
            one_stderr_line(p, kinds)
            check(p.stdout == "", "no findings printed")


def test_compare_pairs_devices_by_uuid_not_index():
    """The H100's bench against lavapipe's (both device 0): the H100 is lost;
    no figure of one is compared with the other's. And two devices listed in
    the other order pair by UUID."""
    with tempfile.TemporaryDirectory() as d:
        h100 = os.path.join(harness.DATA, "h100-bench.json")
        lava, r = real_bench(d, "lavapipe.json")
        p = run("compare", h100, lava)
        check(p.returncode == 13, f"exit 13, got {p.returncode}")
        lines = findings(p)
        check(len(lines) == 1 and lines[0].startswith("REGRESSION lost")
              and "device NVIDIA H100 80GB HBM3 (9a3b20f5-" in lines[0],
              f"only the lost device, no figure compared across devices: {lines}")
        # Two devices, reordered (and re-indexed) in the new report.
        probe_p, pr = real(d, "probe.json", "probe")
        old = copy.deepcopy(pr)
        two = copy.deepcopy(old["devices"][0])
        two["identity"]["device_uuid"] = "00000000-0000-0000-0000-0000000000ff"
        two["identity"]["name"] = "llvmpipe twin"
        two["index"] = 1
        old["devices"].append(two)
        new = copy.deepcopy(old)
        new["devices"].reverse()
        new["devices"][0]["index"], new["devices"][1]["index"] = 0, 1
        e = next(x for x in new["devices"][1]["external_memory"] if x["handle_type"] == "OPAQUE_FD")
        e["verdict"] = {"code": "driver_says_no", "detail": "no case is exportable"}
        p = run("compare", write(d, "old2.json", old), write(d, "new2.json", new))
        lines = findings(p)
        check(p.returncode == 13 and len(lines) == 1
              and r["devices"][0]["identity"]["name"] in lines[0]
              and "twin" not in lines[0] and "memory OPAQUE_FD" in lines[0],
              f"the first device's loss, found at its new place: {lines}")


def test_compare_double_round_trips_fault_runs_every_round_trip_twice():
    """The slowdown compare's acceptance is measured with: every timed round
    trip done twice, the other side (a thread, a child process) answering
    twice as many. Were the answers not doubled, the pinger's waits would time
    out; the fault is recorded, and a fault with nothing to apply to is refused."""
    with tempfile.TemporaryDirectory() as d:
        _, r = rt_bench(d, "slow.json", "--modes", "os,host-timeline", "--peer", "both",
                        "--timeout", "5", "--fault", "double-round-trips")
        res = r["bench"]["round_trips"]["results"]
        ran = [x for x in res if x["outcome"] != "skipped"]
        check(r["bench"]["options"]["fault"] == "double-round-trips", "the fault is recorded")
        check(len(ran) >= 7 and all(x["outcome"] == "passed" and x["round_trip_ns"]["count"] == 100
                                    for x in ran),
              f"every mode that ran passed with 100 samples: "
              f"{[(x['mode'], x['peer'], x['outcome'], x['reason']) for x in ran]}")
        p = run("bench", "--parts", "memory", "--sizes", "64K", "--iterations", "1",
                "--fault", "double-round-trips", "--json", os.path.join(d, "m.json"), "--quiet")
        check(p.returncode == 2 and "was not injected" in p.stderr,
              f"nothing to double: refused: {p.returncode} {p.stderr}")


def test_compare_rejects_bad_input():
    with tempfile.TemporaryDirectory() as d:
        old, r = rt_bench(d, "old.json", "--modes", "os", "--peer", "thread")
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
