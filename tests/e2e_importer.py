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
import os
import sys
import tempfile

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


def llvmpipe_gl(io):
    """Mesa 22.3's llvmpipe: the GL whose buffers this file knows to be refused."""
    gl = io["gl"]
    return gl["state"] == "available" and gl["renderer"].startswith("llvmpipe")


def test_importer_gl_bytes_both_ways_as_the_driver_does():
    """The child imports into GL on the EGL device with Vulkan's UUIDs:
    textures (image-copy) verified both ways, byte for byte, by GL's reads
    and the parent's; buffers as the driver answers: llvmpipe refuses a
    buffer of the whole memory (GL_OUT_OF_MEMORY: it takes one 8 bytes
    shorter), reported as its refusal with what it would take, never as a
    pass; another GL must verify them."""
    io = interop()
    if io["gl"]["state"] != "available":
        check(False, f"this machine's GL is the one these tests run on: {io['gl']}")
        return
    p, r = bench_json("--sizes", "64K,4M", "--iterations", "2", "--importer", "vulkan,gl",
                      "--parts", "memory", "--validate",
                      expect_rc=10 if llvmpipe_gl(io) else 0)
    entry = importer_entry(r, "gl")
    check(entry["available"] and entry["device"] == io["gl"]["renderer"]
          and entry["device_index"] == io["gl"]["egl_device"],
          f"the child's GL is the probe's: {entry}")
    vk, gl = scenarios_of(r, "vulkan"), scenarios_of(r, "gl")
    check(len(vk) == 6 and all(s["outcome"] == "passed" for s in vk), "Vulkan's six passed")
    check(len(gl) == 6, f"six scenarios into GL: {len(gl)}")
    for s in gl:
        what = f"{s['scenario']} {s['size_requested']}"
        if s["scenario"] == "image-copy" or not llvmpipe_gl(io):
            check(s["outcome"] == "passed", f"{what}: passed: {s['reason']}")
            v, ph = s["verify"], s["phases_us"]
            check(v["parent_to_child"] and v["child_to_parent"] and v["child_gbps"] > 0
                  and v["parent_gbps"] > 0, f"{what}: verified both ways by both")
            # GL's own reads and writes are the child's phases; nothing of
            # Vulkan's device ran in the child.
            for name in ("import", "child_read", "child_verify", "child_copy_in"):
                check(ph[name]["count"] == 2 and ph[name]["max"] > 0, f"{what}: {name} timed")
            # GL uploads what the host made: its transfer is the copy in; no
            # host write into a mapping or a ring (the pattern is not timed).
            check(ph["child_write"]["count"] == 0, f"{what}: no child_write: {ph['child_write']}")
            check("child_gpu_verify" not in ph and "child_fill" not in ph,
                  f"{what}: no device phase of the child's: {sorted(ph)}")
            check(not s["imported_vs_local"]["measured"]
                  and "CUDA only" in s["imported_vs_local"]["reason"],
                  f"{what}: GL's imported vs local not measured, with why")
            check(s["handles"]["leaked"] == 0, f"{what}: no fd kept")
        else:
            size = s["size_requested"]
            check(s["outcome"] == "failed" and s["status"] == "sharing_failed"
                  and "glNamedBufferStorageMemEXT: GL_OUT_OF_MEMORY" in s["reason"]
                  and f"at most {size - 8} bytes of this memory: 8 bytes short" in s["reason"],
                  f"{what}: llvmpipe's refusal, with what it takes: {s['outcome']}: {s['reason']}")
    check(r["validation"]["validation_errors"] == 0 and r["bench"]["child"]["validation_enabled"],
          "no validation error in either process")
    if llvmpipe_gl(io):
        one_stderr_line(p, "glNamedBufferStorageMemEXT: GL_OUT_OF_MEMORY")


def test_importer_gl_finds_a_flipped_byte():
    """GL's check is a check: a byte the parent flipped at half the texture is
    found by GL's read, at that offset (exit 10)."""
    if interop()["gl"]["state"] != "available":
        check(False, "GL is available here")
        return
    p, r = bench_json("--sizes", "1M", "--iterations", "2", "--importer", "gl",
                      "--parts", "memory", "--scenarios", "image-copy", "--fault", "flip-byte",
                      expect_rc=10)
    s = r["bench"]["memory"][0]
    mm = s["verify"].get("mismatch") or {}
    half = s["memory"]["bytes_verified"] // 2
    check(s["outcome"] == "failed" and mm.get("seen_by") == "child" and mm.get("offset") == half
          and mm.get("got") == 0xFF ^ mm.get("expected", 0),
          f"GL saw the flipped byte at {half}: {mm}: {s['reason']}")


def test_importer_gl_no_fd_kept_and_a_leak_found():
    """300 cycles into GL keep no fd in either process; the leak fault (the
    child keeps a copy of each fd it is sent) is counted, one per cycle."""
    if interop()["gl"]["state"] != "available":
        check(False, "GL is available here")
        return
    p, r = bench_json("--sizes", "64K", "--iterations", "300", "--importer", "gl",
                      "--parts", "memory", "--scenarios", "image-copy", timeout=300)
    s = r["bench"]["memory"][0]
    h = s["handles"]
    check(s["outcome"] == "passed" and s["iterations"] == 300 and h["leaked"] == 0
          and h["child_after"] == h["child_before"] and h["parent_after"] == h["parent_before"],
          f"300 cycles, no fd kept: {s['outcome']}: {h}: {s['reason']}")
    p, r = bench_json("--sizes", "64K", "--iterations", "5", "--importer", "gl",
                      "--parts", "memory", "--scenarios", "image-copy", "--fault", "leak",
                      expect_rc=10)
    s = r["bench"]["memory"][0]
    h = s["handles"]
    check(s["outcome"] == "failed" and h["child_after"] - h["child_before"] == 5
          and "a leak" in s["reason"], f"the child's five kept fds counted: {h}: {s['reason']}")


def test_importer_compare_keeps_apis_apart():
    """compare matches a scenario with the same importer's: GL's image-copy
    slowing down is reported as GL's, Vulkan's of the same size untouched."""
    if interop()["gl"]["state"] != "available":
        check(False, "GL is available here")
        return
    p, r = bench_json("--sizes", "1M", "--iterations", "3", "--importer", "vulkan,gl",
                      "--parts", "memory", "--scenarios", "image-copy")
    slow = json.loads(json.dumps(r))
    for s in slow["bench"]["memory"]:
        if s["importer"] == "gl":
            # Slower beyond every old iteration, however noisy the machine
            # was (compare wants the new iterations' range clear of the old's).
            ph = s["phases_us"]["child_verify"]
            factor = 10 * ph["max"] / ph["min"]
            for k in ("min", "median", "mean", "max"):
                ph[k] *= factor
    with tempfile.TemporaryDirectory() as d:
        old, new = os.path.join(d, "old.json"), os.path.join(d, "new.json")
        for path, rep in ((old, r), (new, slow)):
            with open(path, "w") as f:
                json.dump(rep, f)
        c = run("compare", old, new, "--json", "-", "--quiet")
    check(c.returncode == 13, f"compare finds the slowdown: exit {c.returncode}: {c.stderr}")
    out = json.loads(c.stdout) if c.stdout.strip().startswith("{") else {}
    worse = [x["what"] for x in out.get("findings", []) if x.get("regression")]
    check(worse == ["memory OPAQUE_FD image-copy 1048576 bytes into gl child_verify (median)"],
          f"the slowdown is GL's alone: {worse}")


def test_importer_h200_reports_read_back_and_rendered():
    """The H200's cross-API run (tests/data/h200-interop-*.json, driver 580,
    scripts/gpu-interop.sh): the schema takes it, and `report` renders what
    it holds, the importers, every scenario into CUDA and GL, CUDA's imported
    vs local and the round trips' ratios to the Vulkan child's, in text and
    HTML; compare of the run against itself finds nothing."""
    mem_path = os.path.join(harness.DATA, "h200-interop-memory.json")
    rt_path = os.path.join(harness.DATA, "h200-interop-rt.json")
    with open(mem_path) as f:
        mem = json.load(f)
    with open(rt_path) as f:
        rt = json.load(f)
    for r in (mem, rt):
        check(not harness.schema_errors(r), f"the schema takes it: {harness.schema_errors(r)[:3]}")
    b = mem["bench"]
    im = {i["name"]: i for i in b["importers"]}
    check(im["cuda"]["available"] and im["gl"]["available"], f"both opened: {im}")
    text = run("report", mem_path)
    check(text.returncode == 0, f"report renders it: {text.stderr}")
    check(f"Into cuda  {im['cuda']['device']}, {im['cuda']['version']} (device 0)" in text.stdout
          and f"Into gl    {im['gl']['device']}" in text.stdout, "the importers' lines")
    html = run("report", mem_path, "--format", "html").stdout
    for sc in b["memory"]:
        if sc["importer"] == "vulkan":
            continue
        label = f"OPAQUE_FD ({sc['importer']})"
        check(label in text.stdout and label in html, f"{label} shown in text and HTML")
        if sc["importer"] == "cuda" and sc["scenario"] == "image-copy":
            check(sc["outcome"] == "skipped", f"CUDA takes no image: {sc['reason']}")
            continue
        check(sc["outcome"] == "passed" and sc["verify"]["child_to_parent"],
              f"{sc['importer']} {sc['scenario']} {sc['size_requested']}: verified both ways")
        ivl = sc["imported_vs_local"]
        if sc["importer"] == "cuda":
            for d in ("write", "read"):
                ratio = f"{ivl[d]['ratio']:.3f}"
                check(ratio in text.stdout and ratio in html, f"CUDA's {d} ratio {ratio} shown")
    big = [sc for sc in b["memory"] if sc["importer"] == "cuda" and sc["scenario"] == "buffer-copy"
           and sc["size_requested"] == 1 << 30][0]
    check(0.9 <= big["imported_vs_local"]["ratio_min"] <= 1.1,
          f"CUDA copies 1 GiB of imported device memory as fast as its own: {big['imported_vs_local']}")
    text = run("report", rt_path).stdout
    for x in rt["bench"]["round_trips"]["results"]:
        if x.get("importer") in ("cuda", "gl") and x["outcome"] == "passed":
            ratio = f"{x['ratio_to_vulkan']['p50']:.2f}x vulkan"
            check(ratio in text, f"{x['mode']} in {x['importer']}: '{ratio}' shown")
    c = run("compare", mem_path, mem_path, "--quiet")
    check(c.returncode == 0, f"the run against itself: nothing worse: {c.returncode}: {c.stdout}")


def test_importer_bad_names_refused():
    for bad, why in (("vulkan,vulkan", "given twice"), ("cuda,metal", "unknown importer"),
                     ("", "")):
        p = run("bench", "--importer", bad, "--parts", "memory", "--sizes", "64K")
        check(p.returncode == 2, f"--importer '{bad}': exit 2, got {p.returncode}: {p.stderr}")
        if why:
            one_stderr_line(p, why)


if __name__ == "__main__":
    sys.exit(harness.main(globals()))
