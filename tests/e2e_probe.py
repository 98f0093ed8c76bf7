#!/usr/bin/env python3
"""End-to-end tests of `vkwin32h probe`: the real executable, the real loader
and the real driver (lavapipe in CI). One test per invocation:

    e2e_probe.py --exe PATH --schema PATH TEST_NAME
"""
import ctypes
import json
import os
import re
import stat
import subprocess
import sys
import tempfile

import harness
from harness import check, one_stderr_line, run, schema_errors


def probe_json(*extra, env=None, expect_rc=0):
    return harness.report_json("probe", *extra, env=env, expect_rc=expect_rc)


def lavapipe(report):
    devs = [d for d in report["devices"] if d["identity"]["driver_id"] == "MESA_LLVMPIPE"]
    check(len(devs) == 1, f"exactly one lavapipe device, got {len(devs)}")
    return devs[0] if devs else None


def by_type(entries, name):
    return next(e for e in entries if e["handle_type"] == name)


# The same EGL devices' desktop GL, asked here through ctypes (not through the
# tool): what the interop probe must agree with.
EGL_PLATFORM_DEVICE_EXT, EGL_OPENGL_API, EGL_NONE = 0x313F, 0x30A2, 0x3038
EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE = 0x3040, 0x0008, 0x3033
GL_RENDERER, GL_EXTENSIONS, GL_NUM_EXTENSIONS = 0x1F01, 0x1F03, 0x821D
GL_NUM_DEVICE_UUIDS_EXT, GL_DEVICE_UUID_EXT, GL_DRIVER_UUID_EXT = 0x9596, 0x9597, 0x9598


def uuid_text(raw):
    h = bytes(raw).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def gl_of_egl_devices():
    """[{renderer, extensions, device_uuids, driver_uuid}] for each EGL device
    (None where it gives no desktop GL context), or None without EGL."""
    try:
        egl = ctypes.CDLL("libEGL.so.1")
        gl = ctypes.CDLL("libOpenGL.so.0")
    except OSError:
        return None
    vp, ci, cu = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint
    egl.eglGetProcAddress.restype = vp
    egl.eglGetProcAddress.argtypes = [ctypes.c_char_p]

    def proc(name, restype, *argtypes):
        addr = egl.eglGetProcAddress(name.encode())
        return ctypes.CFUNCTYPE(restype, *argtypes)(addr) if addr else None

    query_devices = proc("eglQueryDevicesEXT", cu, ci, ctypes.POINTER(vp), ctypes.POINTER(ci))
    platform_display = proc("eglGetPlatformDisplayEXT", vp, cu, vp, vp)
    get_bytes_i = proc("glGetUnsignedBytei_vEXT", None, cu, cu, ctypes.c_char_p)
    get_bytes = proc("glGetUnsignedBytevEXT", None, cu, ctypes.c_char_p)
    if not query_devices or not platform_display:
        return None
    egl.eglInitialize.argtypes = [vp, vp, vp]
    egl.eglChooseConfig.argtypes = [vp, vp, vp, ci, vp]
    egl.eglCreateContext.restype = vp
    egl.eglCreateContext.argtypes = [vp, vp, vp, vp]
    egl.eglMakeCurrent.argtypes = [vp, vp, vp, vp]
    egl.eglDestroyContext.argtypes = [vp, vp]
    egl.eglTerminate.argtypes = [vp]
    gl.glGetString.restype = ctypes.c_char_p
    gl.glGetStringi.restype = ctypes.c_char_p
    gl.glGetStringi.argtypes = [cu, cu]
    gl.glGetIntegerv.argtypes = [cu, ctypes.POINTER(ci)]
    devices = (vp * 16)()
    n = ci(0)
    if not query_devices(16, devices, ctypes.byref(n)):
        return None
    out = []
    for i in range(n.value):
        dpy = platform_display(EGL_PLATFORM_DEVICE_EXT, devices[i], None)
        if not dpy or not egl.eglInitialize(dpy, None, None):
            out.append(None)
            continue
        egl.eglBindAPI(EGL_OPENGL_API)
        # Surfaceless: no surface type asked (the default asks for windows).
        attribs = (ci * 5)(EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE, 0, EGL_NONE)
        cfg, count = vp(), ci(0)
        egl.eglChooseConfig(dpy, attribs, ctypes.byref(cfg), 1, ctypes.byref(count))
        ctx = egl.eglCreateContext(dpy, cfg, None, None) if count.value else None
        if not ctx or not egl.eglMakeCurrent(dpy, None, None, ctx):
            out.append(None)
        else:
            num = ci(0)
            gl.glGetIntegerv(GL_NUM_EXTENSIONS, ctypes.byref(num))
            exts = {gl.glGetStringi(GL_EXTENSIONS, k).decode() for k in range(num.value)}
            d = {"renderer": gl.glGetString(GL_RENDERER).decode(), "extensions": exts,
                 "device_uuids": [], "driver_uuid": None}
            if "GL_EXT_memory_object" in exts:
                gl.glGetIntegerv(GL_NUM_DEVICE_UUIDS_EXT, ctypes.byref(num))
                for k in range(num.value):
                    buf = ctypes.create_string_buffer(16)
                    get_bytes_i(GL_DEVICE_UUID_EXT, k, buf)
                    d["device_uuids"].append(uuid_text(buf.raw))
                buf = ctypes.create_string_buffer(16)
                get_bytes(GL_DRIVER_UUID_EXT, buf)
                d["driver_uuid"] = uuid_text(buf.raw)
            out.append(d)
            egl.eglMakeCurrent(dpy, None, None, None)
        if ctx:
            egl.eglDestroyContext(dpy, ctx)
        egl.eglTerminate(dpy)
    return out


def cuda_loadable():
    try:
        ctypes.CDLL("libcuda.so.1")
        return True
    except OSError:
        return False


def other_api_lines(text):
    """The lines of the text's "Other APIs" sections."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.strip() == "Other APIs":
            inside = True
        elif inside and line.startswith("    "):
            lines.append(line.strip())
        else:
            inside = False
    return lines


# --- tests ------------------------------------------------------------------

def test_probe_finds_llvmpipe():
    p = run("probe")
    check(p.returncode == 0, f"exit 0, got {p.returncode}: {p.stderr}")
    check("llvmpipe" in p.stdout, "text output names llvmpipe")
    check("Sharing across processes on Linux" in p.stdout, "text output has the verdict section")
    check(re.search(r"memory\s+OPAQUE_FD\s+shareable\s", p.stdout) is not None,
          "text verdict says OPAQUE_FD memory is shareable")
    p, r = probe_json()
    check(p.returncode == 0, "JSON report written")
    d = lavapipe(r)
    check(d["identity"]["type"] == "CPU", "lavapipe is a CPU device")
    check(d["identity"]["driver_name"] == "llvmpipe", "driverName llvmpipe")
    check(r["status"] == {"ok": True, "code": "ok", "message": ""}, "status ok")


def test_probe_lavapipe_opaque_fd_memory_shareable():
    p, r = probe_json()
    d = lavapipe(r)
    m = by_type(d["external_memory"], "OPAQUE_FD")
    check(m["applicable"] and m["extension_present"], "OPAQUE_FD applicable, extension present")
    for b in m["buffers"]:
        check(b["state"] == "ok" and b["exportable"] and b["importable"],
              f"buffer case {b['case']} exportable and importable as OPAQUE_FD")
        check("OPAQUE_FD" in b["compatible_handle_types"], "OPAQUE_FD compatible with itself")
    check(any(i["exportable"] and i["importable"] for i in m["images"]),
          "at least one image case shareable as OPAQUE_FD")
    check(m["verdict"]["code"] == "shareable", f"verdict shareable: {m['verdict']}")
    drm = [i for i in m["images"] if i["tiling"] == "DRM_FORMAT_MODIFIER"]
    has_ext = any(e["name"] == "VK_EXT_image_drm_format_modifier" and e["present"]
                  for e in d["extensions"]["external"])
    check(len(drm) == 1 and drm[0]["drm_format_modifier"] == 0, "a DRM_FORMAT_MOD_LINEAR case")
    if drm and not has_ext:
        check(drm[0]["state"] == "skipped" and "VK_EXT_image_drm_format_modifier" in drm[0]["reason"],
              f"DRM modifier case skipped with the reason: {drm[0]}")
    elif drm:
        check(drm[0]["state"] in ("ok", "format_not_supported"), "DRM modifier case queried")
    # DMA_BUF and RDMA_ADDRESS are enum values defined by device extensions
    # lavapipe lacks: naming them in a query would break valid usage.
    for name in ("DMA_BUF", "RDMA_ADDRESS"):
        e = by_type(d["external_memory"], name)
        check(e["verdict"]["code"] == "extension_missing" and not e["extension_present"],
              f"lavapipe has no {e['extension']}: {e['verdict']}")
        check(all(c["state"] == "skipped" for c in e["buffers"] + e["images"]),
              f"{name} never queried without its extension")
        check(not d["anomalies"], f"no anomaly on lavapipe: {d['anomalies']}")


def test_probe_lavapipe_semaphores_and_fences_not_exportable():
    p, r = probe_json()
    d = lavapipe(r)
    check(d["features"]["timeline_semaphore"], "lavapipe has timeline semaphores")
    for name in ("OPAQUE_FD", "SYNC_FD"):
        s = by_type(d["external_semaphores"], name)
        for kind in ("binary", "timeline"):
            check(s[kind]["state"] == "ok", f"{name} {kind} semaphore was queried")
            check(not s[kind]["exportable"], f"{name} {kind} semaphore not exportable on lavapipe")
            check(s["verdict"][kind]["code"] == "extension_missing" and not s["extension_present"],
                  f"{name} {kind}: VK_KHR_external_semaphore_fd missing: {s['verdict'][kind]}")
        f = by_type(d["external_fences"], name)
        check(not f["properties"]["exportable"], f"{name} fence not exportable on lavapipe")
        check(f["verdict"]["code"] == "extension_missing", f"{name} fence: extension missing")


def test_probe_win32_types_listed_not_applicable_on_linux():
    p, r = probe_json()
    d = lavapipe(r)
    check(len(d["external_memory"]) == 13 and len(d["external_semaphores"]) == 6
          and len(d["external_fences"]) == 4, "every handle type the headers define is listed")
    for name in ("OPAQUE_WIN32", "OPAQUE_WIN32_KMT", "D3D11_TEXTURE", "D3D11_TEXTURE_KMT",
                 "D3D12_HEAP", "D3D12_RESOURCE"):
        m = by_type(d["external_memory"], name)
        check(not m["applicable"] and m["verdict"]["code"] == "not_on_this_os",
              f"memory {name} not applicable on Linux")
        check(all(b["state"] == "not_applicable_on_this_os" for b in m["buffers"] + m["images"]),
              f"memory {name} not queried")
    for name in ("OPAQUE_WIN32", "OPAQUE_WIN32_KMT", "D3D12_FENCE"):
        s = by_type(d["external_semaphores"], name)
        check(s["verdict"]["binary"]["code"] == "not_on_this_os", f"semaphore {name} n/a")
    nt = {m["handle_type"] for m in d["external_memory"] if m["nt_handle"]}
    check(nt == {"OPAQUE_WIN32", "D3D11_TEXTURE", "D3D12_HEAP", "D3D12_RESOURCE"},
          f"NT-handle memory types marked: {nt}")


def vulkaninfo_summary():
    p = subprocess.run(["vulkaninfo", "--summary"], capture_output=True, text=True, timeout=120)
    check(p.returncode == 0, "vulkaninfo --summary runs")
    devices, cur = [], None
    for line in p.stdout.splitlines():
        if re.match(r"^GPU\d+:", line):
            cur = {}
            devices.append(cur)
        m = re.match(r"^\s+(\w+)\s+=\s+(.*)$", line)
        if cur is not None and m:
            cur[m.group(1)] = m.group(2).strip()
    return devices


def test_probe_identity_matches_vulkaninfo():
    p, r = probe_json()
    vi = vulkaninfo_summary()
    check(len(vi) == len(r["devices"]), f"same device count as vulkaninfo: {len(vi)}")
    for ours, theirs in zip(r["devices"], vi):
        idt = ours["identity"]
        check(idt["name"] == theirs.get("deviceName"), f"name {idt['name']} vs {theirs}")
        check(idt["api_version"] == theirs.get("apiVersion"), "apiVersion agrees")
        check(idt["device_uuid"] == theirs.get("deviceUUID"), "deviceUUID agrees")
        check(idt["driver_uuid"] == theirs.get("driverUUID"), "driverUUID agrees")
        check("DRIVER_ID_" + idt["driver_id"] == theirs.get("driverID"), "driverID agrees")
        check(idt["conformance_version"] == theirs.get("conformanceVersion"), "conformance agrees")
        check(idt["vendor_id"] == int(theirs.get("vendorID", "-1"), 16), "vendorID agrees")


def test_probe_report_validates_against_schema():
    p, r = probe_json()
    errors = schema_errors(r)
    check(not errors, f"report valid: {errors[:5]}")
    # The schema must be able to say no: a tampered report is rejected.
    r["devices"][0]["external_memory"][0]["buffers"][0]["exportable"] = "yes"
    r["devices"][0]["identity"]["unexpected"] = 1
    check(len(schema_errors(r)) >= 2, "the schema rejects a tampered report")


def test_probe_under_validation_layer_reports_no_error():
    p, r = probe_json("--validate")
    check(p.returncode == 0, f"exit 0 under validation, got {p.returncode}: {p.stderr}")
    v = r["validation"]
    check(v["enabled"] and "VK_LAYER_KHRONOS_validation" in r["instance"]["enabled_layers"],
          "validation layer enabled")
    check(v["validation_errors"] == 0, f"no validation error: {v['messages'][:3]}")
    check("Validation Error" not in p.stdout + p.stderr, "no validation error printed")
    # The same, with the layer enabled by the environment instead of the flag.
    p, r = probe_json(env={"VK_INSTANCE_LAYERS": "VK_LAYER_KHRONOS_validation"})
    check(p.returncode == 0 and r["validation"]["by_environment"], "env-enabled validation seen")
    check(r["validation"]["validation_errors"] == 0, "no validation error (environment)")
    check(r["instance"]["enabled_layers"] == [], "the tool enabled nothing itself")


def test_probe_validation_layer_missing_exit_9():
    # Asked for by the flag or by the environment, a missing layer is an error,
    # never a silently unvalidated run.
    hide = {"VK_LAYER_PATH": "/nonexistent-vkw-layers"}
    p, r = probe_json("--validate", env=hide, expect_rc=9)
    check(p.returncode == 9, f"--validate: exit 9, got {p.returncode}")
    one_stderr_line(p, "VK_LAYER_KHRONOS_validation")
    check(r["status"]["code"] == "layer_missing", "the report records layer_missing")
    p, r = probe_json(env=dict(hide, VK_INSTANCE_LAYERS="VK_LAYER_KHRONOS_validation"), expect_rc=9)
    check(p.returncode == 9, f"environment: exit 9, got {p.returncode}")
    one_stderr_line(p, "by the environment")


MEMORY_FEATURES = {"dedicated_only": 0x1, "exportable": 0x2, "importable": 0x4}  # VkExternalMemoryFeatureFlagBits
SYNC_FEATURES = {"exportable": 0x1, "importable": 0x2}  # semaphore and fence feature bits


def nvidia_version(raw):
    """NVIDIA's 10.8.8.6 driver version encoding."""
    return f"{raw >> 22}.{(raw >> 14) & 0xFF}.{(raw >> 6) & 0xFF:02d}"


def test_report_of_recorded_h100_probe_agrees_with_its_raw_fields():
    # Recorded on a GPU machine's NVIDIA H100 (driver 580.159.04, scripts/gpu-probe.sh).
    # The schema must take a real GPU's report; `report` renders it; what it
    # shows is derived again here from the raw fields (version bits, feature
    # bits, the cases), not read back from the fixture's own decoded values.
    path = os.path.join(harness.DATA, "h100-probe.json")
    r = harness.load(path)
    errors = schema_errors(r)
    check(not errors, f"recorded H100 report valid: {errors[:5]}")
    p = run("report", path)
    check(p.returncode == 0, f"report exits 0: {p.stderr}")
    lines = p.stdout.splitlines()

    # The live layout: "Key    value", keys padded to one column.
    def field(name):
        got = [l.strip()[len(name):].strip() for l in lines if l.strip().startswith(name + " ")]
        return got[0] if got else None

    d = r["devices"][0]
    idt = d["identity"]
    raw = idt["driver_version"]["raw"]
    conf = idt["conformance_version"]
    check(field("Driver version") == f"{nvidia_version(raw)}, conformance {conf}"
          == "580.159.04, conformance 1.4.1.3",
          f"the version from its raw bits ({raw}): {field('Driver version')}")
    check(field("Vendor") == f"0x{idt['vendor_id']:04x} (NVIDIA), device 0x{idt['device_id']:04x}",
          f"vendor: {field('Vendor')}")
    pci = idt["pci"]
    check(field("PCI") == f"{pci['domain']:04x}:{pci['bus']:02x}:{pci['device']:02x}."
                          f"{pci['function']:x}", f"PCI from its parts: {field('PCI')}")
    rows, last = {}, None
    start = next((i for i, l in enumerate(lines) if l.startswith("  Sharing across processes")), 0)
    end = next((i for i, l in enumerate(lines) if "not applicable on" in l), len(lines))
    for l in lines[start + 1:end]:
        # "memory  OPAQUE_FD  <verdict>  <detail>"; a semaphore's binary row
        # names its type, the timeline row under it does not.
        m = re.match(r"    (memory|semaphore|fence|)\s+((?!timeline)\S+)?\s*(binary|timeline)?\s+(.+?)\s{2,}(.*)$", l)
        if not m:
            continue
        group, ht = (m.group(1), m.group(2)) if m.group(1) else ("semaphore", last)
        last = ht
        rows[(f"{group} ({m.group(3)})" if group == "semaphore" else group, ht)] = \
            (m.group(4), m.group(5))
    # Every answered case: its booleans are its feature bits.
    for e in d["external_memory"]:
        for c in e.get("buffers", []) + e.get("images", []):
            if c["state"] == "ok":
                for k, bit in MEMORY_FEATURES.items():
                    check(c[k] == bool(c["features"] & bit),
                          f"memory {e['handle_type']} {c['case']}: {k} from features {c['features']}")
    opaque = by_type(d["external_memory"], "OPAQUE_FD")

    def shared(cases):
        ok = [c for c in cases if c["state"] == "ok"]
        both = [c for c in ok if c["features"] & 0x2 and c["features"] & 0x4]
        return f"{len(both)}/{len(ok)}"
    want = f"buffers {shared(opaque['buffers'])}, images {shared(opaque['images'])}"
    check(rows.get(("memory", "OPAQUE_FD")) == ("shareable", want) and want == "buffers 4/4, images 9/9",
          f"OPAQUE_FD memory shareable, {want}: {rows.get(('memory', 'OPAQUE_FD'))}")
    for kind, entries in (("semaphore", d["external_semaphores"]), ("fence", d["external_fences"])):
        for e in entries:
            parts = [("binary", e["binary"]), ("timeline", e["timeline"])] if kind == "semaphore" \
                else [(None, e)]
            for part, c in parts:
                if c.get("state") != "ok":
                    continue
                for k, bit in SYNC_FEATURES.items():
                    check(c[k] == bool(c["features"] & bit), f"{kind} {e['handle_type']}: {k}")
                both = c["features"] & 0x1 and c["features"] & 0x2
                none = not c["features"] & 0x3
                row = rows.get((f"semaphore ({part})" if part else "fence", e["handle_type"]))
                want = ("shareable", "exportable and importable") if both else \
                    ("driver says no", "neither exportable nor importable") if none else None
                if want:
                    check(row == want, f"{kind} {part} {e['handle_type']}: {want}, got {row}")
    check(rows.get(("semaphore (timeline)", "OPAQUE_FD"), ("",))[0] == "shareable" and
          rows.get(("fence", "SYNC_FD"), ("",))[0] == "driver says no",
          "OPAQUE_FD timelines shared, no SYNC_FD fence on the H100")
    check(field("Validation") == "0 errors, 0 other errors, 0 warnings",
          f"recorded under the validation layer: {field('Validation')}")


def test_probe_missing_loader_exit_3():
    p, r = probe_json("--loader", "/nonexistent/libvulkan.so.1", expect_rc=3)
    check(p.returncode == 3, f"exit 3, got {p.returncode}")
    one_stderr_line(p, "/nonexistent/libvulkan.so.1")
    check(r["status"]["code"] == "no_loader" and not r["loader"]["loaded"],
          "the report records no_loader")


def test_probe_library_that_is_no_loader_exit_3():
    libc = next(p for p in ("/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6",
                            "/usr/lib/libc.so.6") if os.path.exists(p))
    p = run("probe", "--loader", libc)
    check(p.returncode == 3, f"exit 3, got {p.returncode}")
    one_stderr_line(p, "vkGetInstanceProcAddr")


def test_probe_loader_without_driver_exit_4():
    env = {"VK_DRIVER_FILES": "/nonexistent/icd.json", "VK_ICD_FILENAMES": "/nonexistent/icd.json"}
    p, r = probe_json(env=env, expect_rc=4)
    check(p.returncode == 4, f"exit 4, got {p.returncode}: {p.stderr}")
    one_stderr_line(p, "no driver")
    check(r["status"]["code"] == "no_driver" and r["loader"]["loaded"],
          "the report records no_driver with the loader found")


def test_probe_device_filter_selects_by_index_name_uuid():
    p, full = probe_json()
    uuid = lavapipe(full)["identity"]["device_uuid"]
    index = lavapipe(full)["index"]
    for sel in (str(index), "LLVMPIPE", uuid, uuid.replace("-", "").upper()):
        p, r = probe_json("--device", sel)
        check(p.returncode == 0, f"--device {sel}: exit 0, got {p.returncode}")
        check(len(r["devices"]) == 1 and r["devices"][0]["identity"]["device_uuid"] == uuid,
              f"--device {sel} selects lavapipe")
        check(r["device_filter"] == sel, "the report records the filter")


def test_probe_device_filter_no_match_exit_5():
    p, r = probe_json("--device", "no-such-gpu", expect_rc=5)
    check(p.returncode == 5, f"exit 5, got {p.returncode}")
    one_stderr_line(p, "no-such-gpu")
    check("llvmpipe" in p.stderr, "the message lists the devices there are")
    check(r["status"]["code"] == "no_device_match" and r["devices"] == [],
          "the report records no_device_match")
    p = run("probe", "--device", "42")
    check(p.returncode == 5, f"index out of range: exit 5, got {p.returncode}")


def test_probe_unwritable_report_exit_6():
    with tempfile.TemporaryDirectory() as d:
        for path in (os.path.join(d, "missing", "r.json"), d, "/proc/vkw-report.json"):
            p = run("probe", "--json", path)
            check(p.returncode == 6, f"{path}: exit 6, got {p.returncode}")
            one_stderr_line(p, path)
            check(p.stdout == "", "nothing probed before the path was checked")
        check(os.listdir(d) == [], f"nothing left behind: {os.listdir(d)}")


def test_probe_replaces_existing_report_atomically():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "r.json")
        with open(os.path.join(harness.DATA, "h100-probe.json")) as f:
            old = f.read()  # an earlier report of the tool, from another machine
        harness.write_text(d, "r.json", old)
        p = run("probe", "--json", path, "-q")
        check(p.returncode == 0, f"exit 0, got {p.returncode}: {p.stderr}")
        with open(path) as f:
            r = json.load(f)
        check(r["schema_version"] == 1 and "llvmpipe" in r["devices"][0]["identity"]["name"],
              "the old report replaced by a whole new one")
        check(os.listdir(d) == ["r.json"], f"no temporary file left: {os.listdir(d)}")


NOTES = "# my notes\nnot a report\n"


def test_probe_json_never_replaces_a_file_it_did_not_write():
    """--json (and report --output) replaces nothing, an empty file or one of
    the tool's reports; any other file is refused (exit 6) before any work,
    a FIFO or a directory too (without blocking); the report a `report` reads
    is never its own output (exit 2)."""
    with tempfile.TemporaryDirectory() as d:
        notes = harness.write_text(d, "notes.md", NOTES)
        fifo = os.path.join(d, "fifo")
        os.mkfifo(fifo)
        os.mkdir(os.path.join(d, "adir"))
        for path, why in ((notes, "not a vkwin32h report"), (fifo, "not a regular file"),
                          (os.path.join(d, "adir"), "it is a directory")):
            for argv in (["probe", "--json", path],
                         ["bench", "--parts", "round-trips", "--modes", "os", "--json", path],
                         ["report", os.path.join(harness.DATA, "h100-probe.json"), "--output",
                          path]):
                p = run(*argv, timeout=60)
                check(p.returncode == 6, f"{argv}: exit 6, got {p.returncode}: {p.stderr}")
                one_stderr_line(p, why)
                check(p.stdout == "", f"{argv}: nothing done before the path was checked")
        check(open(notes).read() == NOTES and stat.S_ISFIFO(os.lstat(fifo).st_mode),
              "notes.md and the FIFO are intact")
        odd = harness.write_text(d, "notes\x1b[31m.md", NOTES)  # a name that would recolour
        p = run("probe", "--json", odd)
        check(p.returncode == 6 and "\x1b" not in p.stderr and "notes\\x1b[31m.md" in p.stderr,
              f"refused, the name shown escaped: {p.returncode} {p.stderr!r}")
        check(open(odd).read() == NOTES, "the oddly named file is intact")
        os.remove(odd)
        empty = harness.write_text(d, "empty.json", "")  # what mktemp leaves
        p = run("probe", "--json", empty, "-q")
        check(p.returncode == 0 and harness.load(empty)["command"] == "probe",
              f"an empty file is replaced: {p.returncode} {p.stderr}")
        for fmt in ("text", "markdown", "html"):  # a rendering is one of the tool's files
            out = os.path.join(d, "r." + fmt)
            for _ in range(2):
                p = run("report", empty, "--format", fmt, "--output", out)
                check(p.returncode == 0, f"report --format {fmt} over its earlier output: exit "
                                         f"0, got {p.returncode}: {p.stderr}")
        before = open(empty).read()
        for spelling in ("empty.json", "./empty.json", empty):
            p = subprocess.run(harness.tool_command("report", "empty.json", "--output", spelling),
                               cwd=d, capture_output=True, text=True, env=harness.tool_env(),
                               timeout=60)
            check(p.returncode == 2, f"report empty.json --output {spelling}: exit 2, got "
                                     f"{p.returncode}: {p.stderr}")
            one_stderr_line(p, "is the report read 'empty.json' itself")
        check(open(empty).read() == before, "the report read is intact")
        check(sorted(os.listdir(d)) == ["adir", "empty.json", "fifo", "notes.md", "r.html",
                                        "r.markdown", "r.text"],
              f"nothing else written: {sorted(os.listdir(d))}")


def test_probe_json_keeps_the_mode_of_the_file_it_replaces():
    """A report replacing a 0600 report, directly or through a symbolic
    link, leaves it 0600 (the link stays a link); a new report is 0644."""
    with tempfile.TemporaryDirectory() as d:
        target = os.path.join(d, "private.json")
        link = os.path.join(d, "link.json")
        p = run("probe", "--json", target, "-q")
        check(p.returncode == 0 and stat.S_IMODE(os.stat(target).st_mode) == 0o644,
              f"a new report is 0644: {oct(os.stat(target).st_mode)}")
        os.chmod(target, 0o600)
        os.symlink("private.json", link)
        for path in (link, target):
            harness.write_text(d, "private.json", open(target).read().replace("llvmpipe", "old"))
            p = run("probe", "--json", path, "-q")
            check(p.returncode == 0, f"{path}: exit 0, got {p.returncode}: {p.stderr}")
            check(stat.S_IMODE(os.stat(target).st_mode) == 0o600,
                  f"through {os.path.basename(path)}: still 0600, got "
                  f"{oct(stat.S_IMODE(os.stat(target).st_mode))}")
            check("llvmpipe" in open(target).read(), "the report was replaced")
        check(os.path.islink(link) and os.readlink(link) == "private.json", "the link stays")


def test_cli_stdout_write_failures_exit_6():
    """Standard output that cannot be written (a full disk, a pipe whose
    reader has gone) is exit 6 and one line on stderr, for every command."""
    with tempfile.TemporaryDirectory() as d:
        rep = os.path.join(d, "r.json")
        run("probe", "--json", rep, "-q")
        commands = (["probe"], ["probe", "--json", "-"], ["version"], ["help"], ["help", "probe"],
                    ["report", rep], ["report", rep, "--format", "html"], ["compare", rep, rep])
        r, w = os.pipe()
        os.close(r)  # a reader that has gone: `| head` once head has what it wanted
        try:
            for argv in commands:
                for sink, why in (("/dev/full", "No space left on device"), (w, "Broken pipe")):
                    with open(sink, "w") if sink == "/dev/full" else open(os.dup(w), "w") as out:
                        p = subprocess.run(harness.tool_command(*argv), stdout=out,
                                           stderr=subprocess.PIPE, text=True,
                                           env=harness.tool_env(), timeout=120)
                    check(p.returncode == 6, f"{argv} to {why}: exit 6, got {p.returncode}")
                    one_stderr_line(p, f"cannot write to standard output: {why}")
        finally:
            os.close(w)


def test_probe_json_to_stdout():
    p = run("probe", "--json", "-")
    check(p.returncode == 0, "exit 0")
    r = json.loads(p.stdout)
    check(r["command"] == "probe" and r["devices"], "stdout is the JSON report and nothing else")


def test_cli_unknown_option_exit_2():
    for argv, needle in ((["probe", "--frobnicate"], "--frobnicate"), (["frob"], "frob"),
                         ([], "no command"), (["probe", "--json"], "--json"),
                         (["probe", "--device", ""], "--device"),
                         (["probe", "--json", "--quiet"], "--quiet")):
        p = run(*argv)
        check(p.returncode == 2, f"{argv}: exit 2, got {p.returncode}")
        one_stderr_line(p, needle)


def test_cli_help_and_version():
    p = run("--help")
    check(p.returncode == 0 and "probe" in p.stdout and "exit codes" in p.stdout, "--help")
    p = run("probe", "--help")
    check(p.returncode == 0 and "--device" in p.stdout and "--loader" in p.stdout, "probe --help")
    p = run("version")
    check(p.returncode == 0 and re.match(r"^vkwin32h \d+\.\d+\.\d+", p.stdout), "version")


def test_probe_interop_finds_the_same_device_through_gl():
    """llvmpipe's GL is lavapipe's device: the probe finds it by its UUIDs on
    an EGL device, and says what GL itself says (asked here through ctypes)."""
    p, r = probe_json()
    d = lavapipe(r)
    if not d:
        return
    ident, g = d["identity"], d["interop"]["gl"]
    mine = gl_of_egl_devices()
    check(mine is not None, "this machine's EGL lists its devices (the test's own query)")
    check(g["state"] == "available", f"GL available for lavapipe: {g}")
    if g["state"] != "available" or not mine:
        return
    check(ident["device_uuid"] in g["device_uuids"],
          f"GL's device UUIDs {g['device_uuids']} hold Vulkan's {ident['device_uuid']}")
    check(g["driver_uuid"] == ident["driver_uuid"],
          f"GL's driver UUID {g['driver_uuid']} is Vulkan's {ident['driver_uuid']}")
    check(g["egl_device_count"] == len(mine), f"{len(mine)} EGL devices, got {g}")
    own = mine[g["egl_device"]] if g["egl_device"] < len(mine) else None
    check(own is not None, f"EGL device {g['egl_device']} gives desktop GL here too")
    if not own:
        return
    check(own["renderer"] == g["renderer"], f"renderer {own['renderer']!r}, got {g['renderer']!r}")
    check(own["device_uuids"] == g["device_uuids"] and own["driver_uuid"] == g["driver_uuid"],
          f"the UUIDs GL gives here: {own['device_uuids']} {own['driver_uuid']}")
    for ext, offered in g["extensions"].items():
        check(offered == (ext in own["extensions"]),
              f"{ext}: the probe says {offered}, GL's list here says {ext in own['extensions']}")
    # What llvmpipe does (Mesa 22.3): memory objects by fd, no semaphores.
    check(g["extensions"]["GL_EXT_memory_object_fd"], "llvmpipe offers GL_EXT_memory_object_fd")
    c = d["interop"]["cuda"]
    if cuda_loadable():
        check(c["state"] in ("available", "not_available"), f"CUDA state: {c}")
    else:
        check(c == {"state": "not_available", "reason": "libcuda.so.1 not found"},
              f"no libcuda.so.1 here, and the probe says so: {c}")
    text = run("probe").stdout
    lines = other_api_lines(text)
    check(any(l.startswith(f"GL    {g['renderer']}, ") and
              f"via EGL device {g['egl_device']} of {g['egl_device_count']} (same device and "
              "driver UUIDs): " in l and "GL_EXT_memory_object_fd" in l.split("; no ")[0]
              for l in lines), f"the text's GL line: {lines}")
    if not cuda_loadable():
        check("CUDA  not available: libcuda.so.1 not found" in lines, f"the CUDA line: {lines}")
    # The schema says no to what the probe never writes.
    bad = json.loads(json.dumps(r))
    lavapipe(bad)["interop"]["gl"]["extensions"]["GL_EXT_memory_object_fd"] = "yes"
    lavapipe(bad)["interop"]["gl"]["reason"] = "available, and yet a reason"
    lavapipe(bad)["interop"]["cuda"]["state"] = "maybe"
    check(len(schema_errors(bad)) >= 3, f"the schema rejects a tampered interop: "
                                        f"{schema_errors(bad)}")


def test_probe_interop_without_gl_is_a_clean_line():
    """With no EGL vendor to load, GL is "not available" with why, on one line;
    the exit code and the rest of the probe are what they are with GL."""
    nowhere = {"__EGL_VENDOR_LIBRARY_FILENAMES": "/nonexistent/egl_vendor.json"}
    p, r = probe_json()
    q, s = probe_json(env=nowhere)
    check(q.returncode == p.returncode == 0, f"exit 0 either way: {p.returncode}, {q.returncode}")
    check(q.stderr == "", f"nothing on stderr without GL: {q.stderr!r}")
    d, e = lavapipe(r), lavapipe(s)
    if not d or not e:
        return
    g = e["interop"]["gl"]
    check(g["state"] == "not_available" and g["reason"] and "EGL" in g["reason"],
          f"GL not available, and EGL named as why: {g}")
    check(set(g) == {"state", "reason"}, f"nothing else said of a GL that is not there: {g}")
    check(d["interop"]["gl"]["state"] == "available", "with EGL's vendor, GL is there")
    for key in ("identity", "external_memory", "external_semaphores", "external_fences",
                "extensions", "anomalies"):
        check(d[key] == e[key], f"{key}: the same with or without GL")
    check(e["interop"]["cuda"] == d["interop"]["cuda"], "CUDA's answer does not depend on GL's")
    text = run("probe", env=nowhere)
    lines = other_api_lines(text.stdout)
    gl_lines = [l for l in lines if l.startswith("GL")]
    check(gl_lines == [f"GL    not available: {g['reason']}"], f"one clean GL line: {gl_lines}")
    check(text.returncode == 0 and "Sharing across processes on Linux" in text.stdout,
          "the rest of the text is there")


def section_lines(text, heading):
    """The lines under a text's heading, up to the next line that is not indented."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.strip() == heading:
            inside = True
        elif inside and line.startswith("  "):
            lines.append(line.strip())
        elif inside and line.strip():
            break
    return lines


def test_probe_direct3d_exists_on_windows_only():
    """Linux has no Direct3D: the probe says so, once for the machine, and
    nothing more; the text says the same in its Direct3D section, and so does
    `report` of the JSON. The schema takes no Direct3D part that says more
    than it knows."""
    p, r = probe_json()
    want = {"state": "not_available", "reason": "Direct3D exists on Windows only"}
    check(r.get("d3d") == want, f"the probe's Direct3D part: {r.get('d3d')}")
    text = run("probe")
    check(text.returncode == 0, f"probe exits 0: {text.stderr}")
    check(section_lines(text.stdout, "Direct3D") ==
          ["not available: Direct3D exists on Windows only"],
          f"the text's Direct3D section: {section_lines(text.stdout, 'Direct3D')}")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "probe.json")
        with open(path, "w") as f:
            json.dump(r, f)
        shown = run("report", path)
        check(shown.returncode == 0 and section_lines(shown.stdout, "Direct3D") ==
              ["not available: Direct3D exists on Windows only"],
              f"`report` of the JSON: {section_lines(shown.stdout, 'Direct3D')}")
    bad = json.loads(json.dumps(r))
    bad["d3d"] = {"state": "available", "reason": "here, and yet a reason"}
    check(len(schema_errors(bad)) >= 2, f"available needs adapters and no reason: "
                                        f"{schema_errors(bad)}")
    bad["d3d"] = {"state": "not_available", "reason": "no", "adapters": []}
    check(schema_errors(bad), "not available with adapters")
    stress = harness.load(os.path.join(harness.DATA, "stress-synthetic.json"))
    check(not schema_errors(stress), "a stress report as it is")
    stress["d3d"] = want
    check(schema_errors(stress), "only a probe report has a Direct3D part")


def test_report_of_recorded_wine_probe_shows_direct3d_adapters():
    """Recorded by the Windows build under Wine 8 (lavapipe below): one DXGI
    adapter, D3D11 and D3D12 devices on it, each shareable object made and
    its handle refused. The schema takes it; `report` shows each adapter and
    export on its own line, as the live text does."""
    path = os.path.join(harness.DATA, "wine-lavapipe-probe.json")
    r = harness.load(path)
    check(not schema_errors(r), f"recorded Wine probe valid: {schema_errors(r)[:5]}")
    a = r["d3d"]["adapters"][0]
    p = run("report", path)
    check(p.returncode == 0, f"report exits 0: {p.stderr}")
    lines = section_lines(p.stdout, "Direct3D")
    want = [f"adapter 0  {a['description']} ({a['vendor_id']}, device {a['device_id']}), LUID "
            f"{a['luid']}: no Vulkan device has its LUID"]
    for api in a["apis"]:
        want.append(f"{api['api']}  feature level {api['feature_level']}")
        want += [f"{e['handle_type']:<18} made, not exported: {e['reason']}"
                 for e in api["exports"]]
    check(lines == want, f"the Direct3D lines: {lines} != {want}")
    # A LUID a Vulkan device vouches for names that device.
    r["devices"][0]["identity"]["device_luid"] = a["luid"]
    r["devices"][0]["identity"]["device_luid_valid"] = True
    a["vulkan_device"] = r["devices"][0]["index"]
    with tempfile.TemporaryDirectory() as d:
        mine = os.path.join(d, "probe.json")
        with open(mine, "w") as f:
            json.dump(r, f)
        lines = section_lines(run("report", mine).stdout, "Direct3D")
        check(lines[:1] == [want[0].replace("no Vulkan device has its LUID",
                                            f"Vulkan device {a['vulkan_device']}")],
              f"the adapter names its Vulkan device: {lines[:1]}")


def test_report_of_recorded_h200_probe_shows_cuda_and_gl_on_the_gpu():
    """Recorded on a GPU machine's NVIDIA H200 (driver 580.159.04; NVIDIA's EGL
    vendor file, libcuda.so.1 from the driver): CUDA and GL both find the H200 by
    its UUIDs. The schema takes it; `report` shows the Other APIs lines derived
    here from the raw fields."""
    path = os.path.join(harness.DATA, "h200-interop-probe.json")
    r = harness.load(path)
    errors = schema_errors(r)
    check(not errors, f"recorded H200 report valid: {errors[:5]}")
    d = r["devices"][0]
    ident, c, g = d["identity"], d["interop"]["cuda"], d["interop"]["gl"]
    check(c["state"] == g["state"] == "available", f"CUDA and GL found the H200: {d['interop']}")
    check(ident["device_uuid"] in g["device_uuids"] and g["driver_uuid"] == ident["driver_uuid"],
          "GL's UUIDs are Vulkan's")
    p = run("report", path)
    check(p.returncode == 0, f"report exits 0: {p.stderr}")
    lines = other_api_lines(p.stdout)
    sems = ", ".join([f"{t} binary" for t in c["binary_semaphore_handle_types"]] +
                     [f"{t} timeline" for t in c["timeline_semaphore_handle_types"]])
    want_cuda = (f"CUDA  device {c['ordinal']} '{c['name']}' (same UUID): memory "
                 f"{', '.join(c['memory_handle_types'])}; semaphores {sems} (CUDA's documented "
                 f"support on Linux, not a driver query)")
    offered = [e for e, on in g["extensions"].items() if on]
    lacking = [e for e, on in g["extensions"].items() if not on]
    want_gl = (f"GL    {g['renderer']}, {g['version']}, via EGL device {g['egl_device']} of "
               f"{g['egl_device_count']} (same device and driver UUIDs): {', '.join(offered)}; "
               f"no {', '.join(lacking)}")
    check(lines == [want_cuda, want_gl], f"the Other APIs lines: {lines}")
    check("GL_EXT_semaphore_fd" in offered and "GL_NV_timeline_semaphore" in offered,
          "NVIDIA's GL takes semaphores by fd, timeline ones too")


if __name__ == "__main__":
    sys.exit(harness.main(globals()))
