#!/usr/bin/env python3
"""End-to-end tests of `vkwin32h bench --importer`: the child imports what
the parent exported into another API (CUDA, GL) instead of Vulkan. Here:
lavapipe exports, Mesa's llvmpipe GL (EGL's device platform) imports, across
processes, for real; CUDA is missing (no NVIDIA driver), which must be a skip
with the reason. What each API can do is read from the probe of the same
machine, never assumed.

    e2e_importer.py --exe PATH --schema PATH TEST_NAME
"""
import json
import sys

import harness
from harness import check, one_stderr_line, run


def bench_json(*extra, expect_rc=0, timeout=300):
    return harness.report_json("bench", *extra, expect_rc=expect_rc, timeout=timeout)


def interop():
    """The probe's word on CUDA and GL for device 0 (the bench's device)."""
    p = run("probe", "--json", "-", "--quiet")
    check(p.returncode == 0, f"probe runs: {p.stderr}")
    dev = json.loads(p.stdout)["devices"][0]
    return dev["interop"]


def scenarios_of(r, importer):
    return [s for s in r["bench"]["memory"] if s["importer"] == importer]


def importer_entry(r, name):
    found = [i for i in r["bench"]["importers"] if i["name"] == name]
    check(len(found) == 1, f"the report lists the importer {name}: {r['bench']['importers']}")
    return found[0] if found else {}


def test_importer_missing_api_skips_with_its_reason():
    """An API that does not open on the device (CUDA without an NVIDIA
    driver) skips its scenarios and round trips with its reason; Vulkan's run
    beside it as ever; asked alone, nothing was shared: exit 12."""
    cuda = interop()["cuda"]
    p, r = bench_json("--sizes", "64K", "--iterations", "2", "--importer", "vulkan,cuda",
                      "--modes", "os,host-timeline", "--round-trips", "50", "--warmup", "5",
                      "--peer", "process")
    entry = importer_entry(r, "cuda")
    check(r["bench"]["options"]["importers"] == ["vulkan", "cuda"],
          f"the options as run: {r['bench']['options']['importers']}")
    vk = scenarios_of(r, "vulkan")
    check(len(vk) == 3 and all(s["outcome"] == "passed" for s in vk),
          f"Vulkan's three scenarios passed: {[(s['scenario'], s['outcome']) for s in vk]}")
    cu = scenarios_of(r, "cuda")
    check(len(cu) == 3, f"three scenarios into CUDA: {len(cu)}")
    if cuda["state"] == "available":
        # A machine with CUDA: the buffers pass; images are refused by the importer.
        check(entry["available"], f"the probe found CUDA, so did the child: {entry}")
        return
    check(not entry["available"] and "CUDA is not available" in entry["reason"]
          and entry["status"] == "unsupported",
          f"the child says why CUDA did not open: {entry}")
    for s in cu:
        check(s["outcome"] == "skipped" and s["status"] == "unsupported"
              and s["reason"].startswith("cuda: CUDA is not available"),
              f"{s['scenario']}: skipped with CUDA's reason: {s['outcome']}: {s['reason']}")
        check(s["memory"] is None and s["iterations"] == 0,
              f"{s['scenario']}: nothing allocated or sent for it")
    rt = [x for x in r["bench"]["round_trips"]["results"] if x["importer"] == "cuda"]
    check(rt and all(x["outcome"] == "skipped" for x in rt),
          f"CUDA's round trips skipped: {[(x['mode'], x['outcome'], x['reason']) for x in rt]}")
    check(all(x["ratio_to_vulkan"] is None for x in rt), "no ratio for what did not run")

    p = run("bench", "--sizes", "64K", "--iterations", "1", "--importer", "cuda",
            "--parts", "memory")
    check(p.returncode == 12, f"CUDA alone: nothing to share, exit 12, got {p.returncode}")
    one_stderr_line(p, "CUDA is not available")


def test_importer_bad_names_refused():
    for bad, why in (("vulkan,vulkan", "given twice"), ("cuda,metal", "unknown importer"),
                     ("", "")):
        p = run("bench", "--importer", bad, "--parts", "memory", "--sizes", "64K")
        check(p.returncode == 2, f"--importer '{bad}': exit 2, got {p.returncode}: {p.stderr}")
        if why:
            one_stderr_line(p, why)


if __name__ == "__main__":
    sys.exit(harness.main(globals()))
