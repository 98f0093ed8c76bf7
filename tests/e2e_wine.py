#!/usr/bin/env python3
"""End-to-end tests of the Windows build (vkwin32h.exe, MinGW-w64) run under
Wine 8 with lavapipe below: the real Win32 code paths, on a Vulkan that
exposes none of the *_win32 external extensions.

    e2e_wine.py --exe vkwin32h.exe --runner wine --schema PATH TEST_NAME
"""
import json
import os
import sys
import tempfile
import xml.etree.ElementTree as ET

import harness
from harness import check, one_stderr_line, run, schema_errors

WIN32_MEMORY = ["OPAQUE_WIN32", "OPAQUE_WIN32_KMT", "D3D11_TEXTURE", "D3D11_TEXTURE_KMT",
                "D3D12_HEAP", "D3D12_RESOURCE"]


def report_of(command, *extra, expect_rc=0):
    return harness.report_json(command, *extra, expect_rc=expect_rc)


def test_wine_probe_finds_llvmpipe_and_no_win32_sharing():
    p, r = report_of("probe")
    check(r["os"] == "Windows", f"the Windows build reports Windows, got {r['os']}")
    check(r["loader"]["loaded"] and r["loader"]["path"].lower().endswith("vulkan-1.dll"),
          f"Wine's vulkan-1.dll was loaded: {r['loader']['path']}")
    devs = [d for d in r["devices"] if d["identity"]["driver_id"] == "MESA_LLVMPIPE"]
    check(len(devs) == 1, "llvmpipe found through Wine")
    if not devs:
        return
    d = devs[0]
    mem = {e["handle_type"]: e for e in d["external_memory"]}
    for t in WIN32_MEMORY:
        v = mem[t]["verdict"]
        check(mem[t]["applicable"] and v["code"] == "extension_missing"
              and "VK_KHR_external_memory_win32" in v["detail"],
              f"{t}: applicable on Windows, not offered by the driver: {v}")
    for t in ("OPAQUE_FD", "DMA_BUF"):
        check(not mem[t]["applicable"] and mem[t]["verdict"]["code"] == "not_on_this_os",
              f"{t}: not applicable on Windows")
    sem = {e["handle_type"]: e for e in d["external_semaphores"]}
    for t in ("OPAQUE_WIN32", "OPAQUE_WIN32_KMT", "D3D12_FENCE"):
        check(sem[t]["verdict"]["binary"]["code"] == "extension_missing",
              f"semaphore {t}: the driver lacks VK_KHR_external_semaphore_win32")
    fence = {e["handle_type"]: e for e in d["external_fences"]}
    check(fence["OPAQUE_WIN32"]["verdict"]["code"] == "extension_missing", "fence OPAQUE_WIN32")
    # The text a person reads says the same.
    p = run("probe", timeout=240)
    check(p.returncode == 0 and "Sharing across processes on Windows" in p.stdout
          and "not applicable on Windows: memory OPAQUE_FD" in p.stdout, "the text verdicts")
    # CUDA's loader looks for nvcuda.dll, which Wine has not; this build has
    # no GL loader: both a clean "not available", the probe intact.
    io = d["interop"]
    check(io["cuda"] == {"state": "not_available", "reason": "nvcuda.dll not found"},
          f"CUDA under Wine: {io}")
    check(io["gl"] == {"state": "not_available", "reason": "this build has no EGL or GL "
                       "(built without libepoxy)"}, f"GL on this build: {io}")
    check("    CUDA  not available: nvcuda.dll not found" in p.stdout
          and "    GL    not available: this build has no EGL or GL" in p.stdout,
          "the text's Other APIs lines")


# What Wine 8 answers once each shareable object is made (its DXGI has no
# IDXGIResource1; GetSharedHandle and vkd3d's CreateSharedHandle are not
# implemented): every step up to the handle runs, the handle is refused.
WINE_D3D_REFUSALS = {
    "D3D11": {"D3D11_TEXTURE": "QueryInterface(IDXGIResource1): E_NOINTERFACE",
              "D3D11_TEXTURE_KMT": "IDXGIResource::GetSharedHandle: E_NOTIMPL"},
    "D3D12": {"D3D12_HEAP": "ID3D12Device::CreateSharedHandle: E_NOTIMPL",
              "D3D12_RESOURCE": "ID3D12Device::CreateSharedHandle: E_NOTIMPL",
              "D3D12_FENCE": "ID3D12Device::CreateSharedHandle: E_NOTIMPL"},
}


def test_wine_probe_direct3d_makes_each_object_and_wine_refuses_its_handle():
    """Under Wine the probe lists DXGI's adapters, opens D3D11 (wined3d) and
    D3D12 (vkd3d over lavapipe) on each, makes every shareable object and is
    refused each handle, by name with its call; no adapter is a Vulkan device
    (lavapipe vouches for no LUID under Wine). The text says the same."""
    p, r = report_of("probe")
    d3d = r.get("d3d", {})
    check(d3d.get("state") == "available" and d3d.get("reason") is None,
          f"Direct3D found under Wine: {d3d}")
    adapters = d3d.get("adapters", [])
    check(len(adapters) >= 1, f"at least one DXGI adapter: {adapters}")
    vouched = {d["identity"]["device_luid"]: d["index"] for d in r["devices"]
               if d["identity"]["device_luid_valid"]}
    for i, a in enumerate(adapters):
        check(a["index"] == i and a["description"] and a["luid"] != "0" * 16,
              f"adapter {i} listed with its name and LUID: {a}")
        check(a["vulkan_device"] == vouched.get(a["luid"]),
              f"adapter {i}: the Vulkan device with its LUID ({vouched}): {a['vulkan_device']}")
        apis = {x["api"]: x for x in a["apis"]}
        for api, refusals in WINE_D3D_REFUSALS.items():
            x = apis.get(api, {})
            check(x.get("state") == "available" and x.get("feature_level"),
                  f"adapter {i}: a {api} device: {x}")
            got = {e["handle_type"]: e for e in x.get("exports", [])}
            check(sorted(got) == sorted(refusals), f"{api} exports {sorted(refusals)}: {sorted(got)}")
            for t, why in refusals.items():
                e = got.get(t, {})
                check(e.get("created") is True and e.get("exported") is False
                      and e.get("status") == "unsupported" and e.get("reason") == why,
                      f"{api} {t}: made, then refused with {why!r}: {e}")
    check(not vouched, f"lavapipe vouches for no LUID under Wine: {vouched}")
    text = run("probe", timeout=240)
    check(text.returncode == 0, f"probe exits 0: {text.stderr}")
    all_lines = [l.strip() for l in text.stdout.splitlines()]
    lines = all_lines[all_lines.index("Direct3D") + 1:] if "Direct3D" in all_lines else []
    a0 = adapters[0] if adapters else {}
    check(any(l.startswith(f"adapter 0  {a0.get('description')} (") and
              l.endswith(": no Vulkan device has its LUID") for l in lines),
          f"the adapter's line: {lines[:3]}")
    for api, refusals in WINE_D3D_REFUSALS.items():
        for t, why in refusals.items():
            want = f"{t:<18} made, not exported: {why}"
            check(want in lines, f"the text's line for {api} {t}: {want!r} in {lines[:12]}")


def test_wine_bench_importers_not_available_with_why():
    """--importer under Wine: the Windows child asks for CUDA (nvcuda.dll,
    which Wine has not) and GL (this build has no loader): each a clean "not
    available" with its reason in the report, the child and the run intact."""
    p, r = report_of("bench", "--importer", "vulkan,cuda,gl", "--parts", "round-trips",
                     "--peer", "process", "--modes", "os,host-timeline", "--round-trips", "50",
                     "--warmup", "5", expect_rc=12)
    b = r["bench"]
    im = {i["name"]: i for i in b["importers"]}
    check(sorted(im) == ["cuda", "gl"], f"both asked for: {b['importers']}")
    check(not im["cuda"]["available"] and im["cuda"]["status"] == "unsupported"
          and im["cuda"]["reason"] == "CUDA is not available: nvcuda.dll not found",
          f"CUDA: {im['cuda']}")
    check(not im["gl"]["available"] and "this build has no EGL or GL" in im["gl"]["reason"],
          f"GL: {im['gl']}")
    rt = [x for x in b["round_trips"]["results"] if x["importer"] in ("cuda", "gl")]
    check(rt and all(x["outcome"] == "skipped" for x in rt), f"their round trips skipped: {rt[:2]}")
    check(b["child"]["end"]["text"] == "exit code 0", f"the child exited 0: {b['child']['end']}")


def test_wine_stress_nothing_to_share_with_why():
    """stress under Wine: no *_win32 extension, so no memory, semaphore or
    fence crosses processes; every operation is skipped with the driver's
    reason, nothing is started, exit 12."""
    p, r = report_of("stress", "--duration", "5s", "--importers", "2", expect_rc=12)
    one_stderr_line(p, "nothing to stress")
    s = r["stress"]
    check(r["status"]["code"] == "nothing_to_share", f"status nothing_to_share: {r['status']}")
    ops = s["operations"]
    check(all(not o["run"] and o["done"] == 0 for o in ops.values()), f"nothing ran: {ops}")
    check("VK_KHR_external_memory_win32" in ops["memory"]["skip"],
          f"memory's reason names the extension: {ops['memory']['skip']}")
    check("VK_KHR_external_semaphore_win32" in ops["timeline"]["skip"],
          f"the timeline's names its extension: {ops['timeline']['skip']}")
    check(s["series"]["points"] == [], f"no series: {len(s['series']['points'])}")


def test_wine_bench_nothing_to_share():
    p, r = report_of("bench", "--sizes", "64K", "--round-trips", "500", "--warmup", "50",
                     expect_rc=12)
    one_stderr_line(p, "nothing to share")
    b = r["bench"]
    check(r["status"]["code"] == "nothing_to_share", f"status nothing_to_share: {r['status']}")
    check([t["handle_type"] for t in b["handle_types"]] == WIN32_MEMORY,
          f"every Win32 memory type listed: {[t['handle_type'] for t in b['handle_types']]}")
    check(all(not t["tested"] and "VK_KHR_external_memory_win32" in t["reason"]
              for t in b["handle_types"]), "none tested, each with the driver's reason")
    check(b["memory"] == [], "no memory scenario")
    # The round trips still run: the Win32 event pair between two real
    # processes is the baseline, and Wine's Vulkan times timelines between threads.
    rt = b["round_trips"]["results"]
    ev = [x for x in rt if x["mode"] == "os" and x["peer"] == "process"]
    check(len(ev) == 1 and ev[0]["os_primitive"] == "event" and ev[0]["outcome"] == "passed",
          f"the event-pair baseline between two processes: {ev}")
    if ev and ev[0]["outcome"] == "passed":
        d = ev[0]["round_trip_ns"]
        check(d["count"] > 0 and 0 < d["min"] <= d["p50"] <= d["p99"] <= d["max"], f"sane: {d}")
        print(f"Wine event-pair round trip between processes: p50 {d['p50'] / 1000:.1f} us, "
              f"p99 {d['p99'] / 1000:.1f} us")
    win32 = [x for x in rt if x["peer"] == "process" and x["mode"] != "os"]
    check(win32 and all(x["outcome"] == "skipped" and "_win32" in x["reason"] for x in win32),
          f"Win32 semaphores and fences: skipped, the driver has no *_win32 extension: "
          f"{[x['reason'] for x in win32][:2]}")
    check(b["child"]["started"] and b["child"]["end"]["text"] == "exit code 0",
          f"the Windows child process ran and exited 0: {b['child']['end']}")
    # A Linux type asked for on Windows is not applicable, and said so.
    # --nt-names is a Windows option: taken here, though no NT type can be shared.
    p, r = report_of("bench", "--nt-names", "--parts", "memory", "--sizes", "64K", expect_rc=12)
    check(r["bench"]["options"]["nt_names"], "--nt-names recorded")
    p, r = report_of("bench", "--handle-types", "OPAQUE_FD", "--parts", "memory", expect_rc=12)
    check("not applicable on Windows" in r["bench"]["handle_types"][0]["reason"],
          "OPAQUE_FD is not applicable on Windows")


def test_wine_bench_exporter_d3d_makes_and_writes_each_object_and_wine_refuses_its_handle():
    """bench --exporter d3d11|d3d12 on Wine's one adapter (--d3d-adapter 0:
    lavapipe vouches for no LUID): the device opens, each object is made and
    written, the handle is refused by name with its call; every scenario and
    the D3D12 fences' round trip are skipped with that refusal, the OS
    baseline runs: exit 12."""
    levels = {"d3d11": ("11_1", "11_0"), "d3d12": ("11_0", "11_1", "12_0", "12_1", "12_2")}
    for api, refusals in (("d3d11", WINE_D3D_REFUSALS["D3D11"]),
                          ("d3d12", WINE_D3D_REFUSALS["D3D12"])):
        p, r = report_of("bench", "--exporter", api, "--d3d-adapter", "0", "--sizes", "64K",
                         "--iterations", "1", "--modes", "os,host-timeline", "--peer",
                         "process", "--round-trips", "20", "--warmup", "2", expect_rc=12)
        b = r["bench"]
        e = b.get("exporter", {})
        check(e.get("name") == api and e.get("available") is True and e.get("adapter_index") == 0
              and e.get("adapter") and e.get("by_luid") is False
              and e.get("feature_level") in levels[api],
              f"{api}: opened on adapter 0 by index: {e}")
        sc = {s["handle_type"]: s for s in b["memory"]}
        memory = {t: why for t, why in refusals.items() if t != "D3D12_FENCE"}
        check(sorted(sc) == sorted(memory), f"{api}: its memory types: {sorted(sc)}")
        for t, why in memory.items():
            s = sc.get(t, {})
            check(s.get("outcome") == "skipped" and s.get("status") == "unsupported"
                  and s.get("reason") == f"{api}: {why}" and s.get("exporter") == api,
                  f"{api} {t}: skipped with Wine's refusal: {s.get('outcome')}: {s.get('reason')}")
        cross = [x for x in b["round_trips"]["results"] if x["mode"] != "os"]
        if api == "d3d12":
            check(len(cross) == 1 and cross[0]["handle_type"] == "D3D12_FENCE"
                  and cross[0]["outcome"] == "skipped" and cross[0]["reason"] ==
                  f"d3d12: {refusals['D3D12_FENCE']}",
                  f"d3d12: the fences' round trip refused: {cross}")
        else:
            check(cross == [], f"d3d11: no round trip across processes: {cross}")
        base = [x for x in b["round_trips"]["results"] if x["mode"] == "os"]
        check(base and all(x["outcome"] == "passed" for x in base),
              f"{api}: the OS baseline ran: {[(x['os_primitive'], x['outcome']) for x in base]}")
        one_stderr_line(p, f"every scenario was skipped; first: {api}: ")
    # --keyed-mutex: Wine's DXGI has no IDXGIKeyedMutex; the write asks for
    # it before anything is exported, and is refused by name.
    p, r = report_of("bench", "--exporter", "d3d11", "--keyed-mutex", "--d3d-adapter", "0",
                     "--parts", "memory", "--sizes", "64K", "--iterations", "1", expect_rc=12)
    check(r["bench"]["options"]["keyed_mutex"] is True, "--keyed-mutex as run")
    for s in r["bench"]["memory"]:
        check(s["outcome"] == "skipped" and s["reason"] ==
              "d3d11: QueryInterface(IDXGIKeyedMutex): E_NOINTERFACE",
              f"{s['handle_type']} with a keyed mutex: {s['reason']}")


def test_wine_bench_exporter_adapter_by_luid_or_by_index():
    """Without --d3d-adapter the adapter is the one with the device's LUID,
    and lavapipe under Wine vouches for none: Direct3D is not opened, why is
    said, nothing is made and no child starts. An index past the adapters
    is named."""
    p, r = report_of("bench", "--exporter", "d3d11", "--parts", "memory", "--sizes", "64K",
                     expect_rc=12)
    e = r["bench"].get("exporter", {})
    check(e.get("available") is False and e.get("status") == "unsupported"
          and "reports no valid deviceLUID, so no DXGI adapter is known to be it "
              "(--d3d-adapter N chooses one)" in (e.get("reason") or "")
          and e.get("adapter_index") is None, f"no adapter by LUID: {e}")
    check(all(s["reason"] == f"d3d11: {e.get('reason')}" and s["memory"] is None
              for s in r["bench"]["memory"]), "every scenario skipped with that reason")
    check(r["bench"]["child"]["started"] is False, "no child for memory nothing can make")
    p, r = report_of("bench", "--exporter", "d3d12", "--d3d-adapter", "9", "--parts", "memory",
                     "--sizes", "64K", expect_rc=12)
    e = r["bench"].get("exporter", {})
    reason = e.get("reason") or ""
    check(e.get("available") is False and reason.startswith("no DXGI adapter at index 9 (")
          and reason.endswith(" listed)"), f"adapter 9: {e}")


def test_wine_bench_importer_d3d_needs_the_devices_luid():
    """--importer d3d11|d3d12: the child opens Direct3D on the adapter whose
    LUID is the Vulkan device's; lavapipe under Wine vouches for none, so
    neither opens, with why (the child starts for the OS baseline: Wine's
    Vulkan shares no memory); nothing crossed processes: exit 12."""
    p, r = report_of("bench", "--importer", "d3d11,d3d12", "--modes", "os,host-timeline",
                     "--peer", "process", "--round-trips", "20", "--warmup", "2",
                     expect_rc=12)
    check(r["bench"]["child"]["started"], "the child started")
    entries = {i["name"]: i for i in r["bench"]["importers"]}
    why = "the Vulkan device reports no valid deviceLUID, so no DXGI adapter is known to be it"
    for api in ("d3d11", "d3d12"):
        e = entries.get(api, {})
        check(e.get("available") is False and e.get("reason") == why
              and e.get("status") == "unsupported", f"{api}: not opened, why: {e}")
    rt = [x for x in r["bench"]["round_trips"]["results"] if x["importer"] in ("d3d11", "d3d12")]
    check(rt and all(x["outcome"] == "skipped" for x in rt),
          f"their round trips skipped: {[(x['importer'], x['reason']) for x in rt]}")


def test_wine_cli_errors_and_exit_codes():
    p = run("probe", "--frobnicate")
    check(p.returncode == 2, f"unknown option: exit 2, got {p.returncode}")
    one_stderr_line(p, "--frobnicate")
    p, r = report_of("probe", "--loader", "C:\\nonexistent\\vulkan-1.dll", expect_rc=3)
    one_stderr_line(p, "nonexistent")
    check(r["status"]["code"] == "no_loader", "no_loader recorded")
    with tempfile.TemporaryDirectory() as d:
        p = run("probe", "--json", os.path.join(d, "missing", "r.json"))
        check(p.returncode == 6, f"unwritable report: exit 6, got {p.returncode}")
    p = run("--version")
    check(p.returncode == 0 and p.stdout.startswith("vkwin32h "),
          f"--version: exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr[-500:]!r}")


WINDOWS_CONFIG = os.path.join(harness.ROOT, "sample_configs", "windows-nt-handles.json")


def check_run(cfg, d):
    path = os.path.join(d, "config.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    out = {k: os.path.join(d, f"out.{k}") for k in ("json", "xml")}
    p = run("check", "--config", path, "--json", out["json"], "--junit", out["xml"], "--quiet",
            timeout=240)
    with open(out["json"]) as f:
        r = json.load(f)
    errs = schema_errors(r)
    check(not errs, f"the check report validates: {errs[:5]}")
    return p, r, ET.parse(out["xml"]).getroot()


def test_wine_check_windows_config_fails_without_win32_extensions():
    """The Windows NT-handle sample config, on llvmpipe under Wine: every
    expectation is judged and fails with the driver's reason (exit 14)."""
    with open(WINDOWS_CONFIG) as f:
        cfg = json.load(f)
    cfg["devices"] = "all"
    for b in cfg["benches"]:
        b.update({"round_trips": 200, "warmup": 20} if b["part"] == "round-trips"
                 else {"sizes": ["64K"], "iterations": 1})
    with tempfile.TemporaryDirectory() as d:
        p, r, root = check_run(cfg, d)
        check(p.returncode == 14, f"exit 14 (expectation failed), got {p.returncode}: {p.stderr}")
        c = r["check"]
        check(c["outcome"] == "failed" and c["summary"]["errors"] == 0,
              f"judged, nothing in error: {c['summary']}")
        by_name = {e["name"]: e for e in c["expectations"]}
        buf = by_name.get("buffer OPAQUE_WIN32: exportable, importable, not dedicated-only")
        check(buf and buf["outcome"] == "failed" and "extension_missing" in buf["message"]
              and "VK_KHR_external_memory_win32" in buf["message"],
              f"the buffer capability fails: extension missing: {buf}")
        ver = by_name.get("nt memory duplicated: verified both ways")
        check(ver and ver["outcome"] == "failed" and "VK_KHR_external_memory_win32" in
              (ver["message"] or ""), f"nothing verified, with the reason: {ver}")
        rt = by_name.get("nt timeline: host-timeline OPAQUE_WIN32 (process) passes")
        check(rt and rt["outcome"] == "failed", f"no cross-process timeline: {rt}")
        cases = root.findall("./testsuite/testcase")
        totals = harness.junit_totals(root)
        check(len(cases) == len(c["expectations"]) == totals["tests"]
              and totals["failures"] == c["summary"]["failed"] > 0,
              f"JUnit: one test case per expectation, the failures counted: {totals}")


def test_wine_check_sample_windows_config_finds_no_gpu_under_wine():
    with open(WINDOWS_CONFIG) as f:
        cfg = json.load(f)
    with tempfile.TemporaryDirectory() as d:
        p, r, root = check_run(cfg, d)
        check(p.returncode == 15, f"exit 15 (no NVIDIA, AMD or Intel device), got {p.returncode}")
        one_stderr_line(p, "no device matches the config's devices (found: #0 llvmpipe")
        check(r["os"] == "Windows" and r["check"]["outcome"] == "environment",
              f"on Windows, environment: {r['os']}, {r['check']['outcome']}")


if __name__ == "__main__":
    sys.exit(harness.main(globals()))
