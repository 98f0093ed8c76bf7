#!/usr/bin/env python3
"""End-to-end tests of `vkwin32h bench --exporter d3d11|d3d12` and
`--importer d3d11|d3d12` on Linux: Direct3D exists on Windows only, so every
scenario and round trip it would run is skipped with that reason, nothing is
allocated or sent, and no child starts for memory; what the API does not
export, and bad input, are said as such. The Windows side runs under Wine (e2e_wine.py); a report recorded
there is read back here.

    e2e_exporter.py --exe PATH --schema PATH TEST_NAME
"""
import json
import os
import sys
import tempfile

import harness
from harness import check, one_stderr_line, run, schema_errors

EXPORTS = {"d3d11": {"D3D11_TEXTURE": "image-copy", "D3D11_TEXTURE_KMT": "image-copy"},
           "d3d12": {"D3D12_HEAP": "buffer-copy", "D3D12_RESOURCE": "buffer-copy"}}
NO_D3D = "Direct3D exists on Windows only"


def bench_json(*extra, expect_rc=0, timeout=300):
    return harness.report_json("bench", *extra, expect_rc=expect_rc, timeout=timeout)


def test_exporter_d3d_off_windows_skips_everything_with_the_reason():
    """Each API: its handle types, each in its one scenario kind at every
    size, skipped with the reason; nothing made, sent or counted; no child;
    exit 12 with the reason on stderr. The text says the same."""
    for api, types in EXPORTS.items():
        p, r = bench_json("--exporter", api, "--parts", "memory", "--sizes", "64K,1M",
                          "--iterations", "2", expect_rc=12)
        b = r["bench"]
        check(b["options"]["exporter"] == api and b["options"]["d3d_adapter"] is None,
              f"{api}: the options as run: {b['options'].get('exporter')}, "
              f"{b['options'].get('d3d_adapter')}")
        e = b.get("exporter", {})
        check(e == {"name": api, "available": False, "reason": NO_D3D, "status": "unsupported",
                    "adapter_index": None, "adapter": None, "by_luid": False,
                    "feature_level": None}, f"{api}: the exporter entry: {e}")
        got = {t["handle_type"]: t for t in b["handle_types"]}
        check(sorted(got) == sorted(types) and all(t["tested"] for t in got.values()),
              f"{api}: its handle types, planned: {got}")
        sc = b["memory"]
        check(sorted((s["handle_type"], s["scenario"], s["size_requested"]) for s in sc) ==
              sorted((t, k, z) for t, k in types.items() for z in (65536, 1 << 20)),
              f"{api}: each type in its kind at both sizes: {[(s['handle_type'], s['scenario']) for s in sc]}")
        for s in sc:
            check(s["exporter"] == api and s["importer"] == "vulkan"
                  and s["outcome"] == "skipped" and s["status"] == "unsupported"
                  and s["reason"] == f"{api}: {NO_D3D}"
                  and s["memory"] is None and s["iterations"] == 0,
                  f"{api} {s['handle_type']}: skipped, nothing made: {s['outcome']}: {s['reason']}")
        check(b["child"]["started"] is False, f"{api}: no child for memory nothing can make")
        one_stderr_line(p, f"every scenario was skipped; first: {api}: {NO_D3D}")
        text = run("bench", "--exporter", api, "--parts", "memory", "--sizes", "64K",
                   "--iterations", "1")
        check(text.returncode == 12, f"{api}: the text run exits 12: {text.returncode}")
        check(f"From {api}" in text.stdout and f"not available: {NO_D3D}" in text.stdout,
              f"{api}: the From line")
        for t in types:
            check(f"{t} (from {api})" in text.stdout, f"{api}: the scenario row of {t}")
        check(f"Memory handle types {api} exports" in text.stdout, f"{api}: the heading")
    p, r = bench_json("--exporter", "d3d11", "--keyed-mutex", "--parts", "memory", "--sizes",
                      "64K", expect_rc=12)
    check(r["bench"]["options"]["keyed_mutex"] is True, "--keyed-mutex as run")


def test_exporter_d3d12_fences_skipped_off_windows_beside_the_baselines():
    """Round trips with --exporter d3d12: one host-timeline mode with its
    D3D12 fences, skipped with the reason; the OS baselines run beside it
    (the child starts for them); no Vulkan semaphore mode in its place."""
    p, r = bench_json("--exporter", "d3d12", "--parts", "round-trips", "--peer", "process",
                      "--modes", "os,host-timeline,queue-timeline", "--round-trips", "30",
                      "--warmup", "3", expect_rc=12)
    res = r["bench"]["round_trips"]["results"]
    cross = [x for x in res if x["mode"] != "os"]
    check(len(cross) == 1, f"one mode across processes: {[(x['mode'], x['handle_type']) for x in cross]}")
    x = cross[0] if cross else {}
    check(x.get("mode") == "host-timeline" and x.get("handle_type") == "D3D12_FENCE"
          and x.get("exporter") == "d3d12" and x.get("importer") == "vulkan"
          and x.get("outcome") == "skipped" and x.get("reason") == f"d3d12: {NO_D3D}",
          f"the D3D12 fences' mode: {x}")
    base = [x for x in res if x["mode"] == "os"]
    check(base and all(x["outcome"] == "passed" and x["exporter"] is None for x in base),
          f"the OS baselines passed: {[(x['os_primitive'], x['outcome']) for x in base]}")
    check(r["bench"]["child"]["started"], "the child started for the baselines")
    one_stderr_line(p, "no semaphore or fence crossed processes")


def test_exporter_types_and_kinds_it_does_not_make_listed_untested():
    """--handle-types with a type the API does not export, --scenarios
    without the kind a type is shared as: listed untested, with why."""
    p, r = bench_json("--exporter", "d3d12", "--handle-types", "OPAQUE_FD,D3D12_RESOURCE,"
                      "D3D11_TEXTURE", "--parts", "memory", "--sizes", "64K", expect_rc=12)
    got = {t["handle_type"]: t for t in r["bench"]["handle_types"]}
    for t in ("OPAQUE_FD", "D3D11_TEXTURE"):
        check(got.get(t, {}).get("tested") is False and
              got[t].get("reason") == f"--exporter d3d12 exports no {t} handle",
              f"{t}: untested with why: {got.get(t)}")
    check(got.get("D3D12_RESOURCE", {}).get("tested") is True, "D3D12_RESOURCE planned")
    check([s["handle_type"] for s in r["bench"]["memory"]] == ["D3D12_RESOURCE"],
          "one scenario, D3D12_RESOURCE's")
    p, r = bench_json("--exporter", "d3d11", "--scenarios", "buffer-copy", "--parts", "memory",
                      "--sizes", "64K", expect_rc=12)
    got = {t["handle_type"]: t for t in r["bench"]["handle_types"]}
    for t in ("D3D11_TEXTURE", "D3D11_TEXTURE_KMT"):
        check(got.get(t, {}).get("tested") is False and got[t].get("reason") ==
              f"{t} memory is shared as image-copy, which --scenarios left out",
              f"{t}: left out, with why: {got.get(t)}")
    check(r["bench"]["memory"] == [], "no scenario")
    one_stderr_line(p, "D3D11_TEXTURE memory is shared as image-copy, which --scenarios left out")


def test_exporter_bad_input_refused_and_nothing_left():
    """Bad values and combinations: exit 2, one line naming what was wrong,
    no report left behind."""
    cases = [
        (["--exporter", "d3d13"], "unknown exporter 'd3d13'"),
        (["--exporter", " d3d12"], "unknown exporter"),
        (["--exporter", "D3D12"], "unknown exporter"),
        (["--exporter", ""], "--exporter"),
        (["--exporter", "d3d12", "--importer", "vulkan,cuda"],
         "--exporter d3d12: the child imports into Vulkan (--importer vulkan)"),
        (["--exporter", "d3d11", "--importer", "gl"],
         "--exporter d3d11: the child imports into Vulkan"),
        (["--exporter", "d3d12", "--nt-names"],
         "--exporter d3d12: its handles travel duplicated, not by name (--nt-names)"),
        (["--d3d-adapter", "0"], "--d3d-adapter chooses the adapter of --exporter d3d11 or d3d12"),
        (["--exporter", "d3d12", "--d3d-adapter", "16"], "--d3d-adapter"),
        (["--exporter", "d3d12", "--d3d-adapter", "-1"], "--d3d-adapter"),
        (["--exporter", "d3d12", "--d3d-adapter", " 1"], "--d3d-adapter"),
        (["--exporter", "d3d12", "--d3d-adapter", "+1"], "--d3d-adapter"),
        (["--exporter", "d3d12", "--d3d-adapter", "1x"], "--d3d-adapter"),
        (["--keyed-mutex"], "--keyed-mutex is a D3D11 texture's: give --exporter d3d11"),
        (["--exporter", "d3d12", "--keyed-mutex"], "--keyed-mutex is a D3D11 texture's"),
        (["--exporter", "d3d11", "--keyed-mutex", "--keyed-mutex"], "given twice"),
    ]
    for extra, why in cases:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "r.json")
            p = run("bench", "--json", path, "--parts", "memory", "--sizes", "64K", *extra)
            check(p.returncode == 2, f"{extra}: exit 2, got {p.returncode}: {p.stderr}")
            one_stderr_line(p, why)
            check(os.listdir(d) == [], f"{extra}: nothing left: {os.listdir(d)}")


def test_importer_d3d_off_windows_skips_with_the_reason():
    """--importer d3d11,d3d12 beside vulkan: the child does not open them
    (Direct3D exists on Windows only), their scenarios and round trips are
    skipped with that reason, Vulkan's pass; asked alone: exit 12."""
    p, r = bench_json("--importer", "vulkan,d3d11,d3d12", "--sizes", "64K", "--iterations", "1",
                      "--modes", "os,host-timeline", "--peer", "process", "--round-trips", "20",
                      "--warmup", "2")
    b = r["bench"]
    check(b["options"]["importers"] == ["vulkan", "d3d11", "d3d12"],
          f"the options as run: {b['options']['importers']}")
    entries = {i["name"]: i for i in b["importers"]}
    for api in ("d3d11", "d3d12"):
        e = entries.get(api, {})
        check(e.get("available") is False and e.get("reason") == NO_D3D
              and e.get("status") == "unsupported", f"{api}: not opened, why: {e}")
        sc = [s for s in b["memory"] if s["importer"] == api]
        check(len(sc) == 3 and all(s["outcome"] == "skipped" and s["reason"] == f"{api}: {NO_D3D}"
                                   and s["memory"] is None for s in sc),
              f"{api}: its scenarios skipped: {[(s['scenario'], s['reason']) for s in sc]}")
        check(all(s["exporter"] == "vulkan" for s in sc), f"{api}: Vulkan exported")
    vk = [s for s in b["memory"] if s["importer"] == "vulkan"]
    check(len(vk) == 3 and all(s["outcome"] == "passed" for s in vk), "Vulkan's passed")
    p = run("bench", "--importer", "d3d12", "--parts", "memory", "--sizes", "64K")
    check(p.returncode == 12, f"d3d12 alone: nothing to share, exit 12: {p.returncode}")
    one_stderr_line(p, f"d3d12: {NO_D3D}")
    p = run("bench", "--importer", "d3d13", "--parts", "memory", "--sizes", "64K")
    check(p.returncode == 2, f"an unknown importer: exit 2: {p.returncode}")
    one_stderr_line(p, "unknown importer 'd3d13' (known: vulkan, cuda, gl, d3d11, d3d12)")


def test_report_of_recorded_wine_d3d12_bench_reads_back():
    """Recorded by the Windows build under Wine 8 (`bench --exporter d3d12
    --d3d-adapter 0`): the schema takes it; `report` shows the exporter's
    adapter, each scenario and the fences' round trip with Wine's refusal, as
    the live text does."""
    path = os.path.join(harness.DATA, "wine-d3d12-bench.json")
    r = harness.load(path)
    check(not schema_errors(r), f"recorded Wine bench valid: {schema_errors(r)[:5]}")
    e = r["bench"]["exporter"]
    check(e["available"] and e["adapter_index"] == 0 and not e["by_luid"],
          f"the recorded exporter: {e}")
    p = run("report", path)
    check(p.returncode == 0, f"report exits 0: {p.stderr}")
    want = (f"From d3d12 DXGI adapter 0 '{e['adapter']}' (--d3d-adapter), feature level "
            f"{e['feature_level']}")
    check(want in [" ".join(l.split()) for l in p.stdout.splitlines()],
          f"the From line: {want!r}")
    refusal = "d3d12: ID3D12Device::CreateSharedHandle: E_NOTIMPL"
    for s in r["bench"]["memory"]:
        check(s["reason"] == refusal, f"{s['handle_type']}: Wine's refusal recorded")
        row = [l for l in p.stdout.splitlines() if l.strip().startswith(f"{s['handle_type']} (from d3d12)")]
        check(len(row) == 1 and row[0].rstrip().endswith(refusal),
              f"{s['handle_type']}: its row: {row}")
    rt = [l for l in p.stdout.splitlines() if "D3D12_FENCE (from d3d12)" in l]
    check(len(rt) == 1 and rt[0].rstrip().endswith(refusal), f"the fences' row: {rt}")
    # Read back and written again, the same JSON: test_report_parse.c.



def test_compare_keeps_exporters_apart():
    """compare pairs a scenario and a round trip with the same one of the
    other report, exporter included: Direct3D's D3D12_RESOURCE memory and
    D3D12_FENCE round trip (made here from the recorded Wine run, as if they
    had passed) are lost when the new report has them from Vulkan instead."""
    r = harness.load(os.path.join(harness.DATA, "wine-d3d12-bench.json"))
    sc = [s for s in r["bench"]["memory"] if s["handle_type"] == "D3D12_RESOURCE"][0]
    sc["outcome"], sc["reason"], sc["status"] = "passed", None, None
    rt = [x for x in r["bench"]["round_trips"]["results"] if x["handle_type"] == "D3D12_FENCE"][0]
    base = [x for x in r["bench"]["round_trips"]["results"] if x["mode"] == "os"][0]
    for k in ("outcome", "reason", "round_trip_ns", "repeats"):
        rt[k] = base[k]
    with tempfile.TemporaryDirectory() as d:
        old = harness.write(d, "old.json", r)
        p = run("compare", old, old)
        check(p.returncode == 0, f"a report against itself: exit 0: {p.stdout}")
        sc["exporter"] = "vulkan"
        rt["exporter"] = "vulkan"
        new = harness.write(d, "new.json", r)
        p = run("compare", old, new)
        check(p.returncode == 13, f"exit 13, got {p.returncode}: {p.stdout}")
        lines = [l for l in p.stdout.splitlines() if l.startswith("REGRESSION lost")]
        check(any("memory D3D12_RESOURCE buffer-copy 65536 bytes from d3d12" in l for l in lines),
              f"Direct3D's scenario is lost: {lines}")
        check(any("round trip host-timeline D3D12_FENCE from d3d12 process peer" in l
                  for l in lines), f"Direct3D's fences' round trip is lost: {lines}")

if __name__ == "__main__":
    sys.exit(harness.main(globals()))
