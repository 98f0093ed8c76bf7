#!/usr/bin/env python3
"""End-to-end tests of `vkwin32h report`: the recorded H100 reports, a real
lavapipe bench and a synthetic check report rendered as text, Markdown and
HTML; the HTML opened in headless Chromium to see that the plots render.

    e2e_report.py --exe PATH --schema PATH TEST_NAME
"""
import copy
import difflib
import html
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib

import harness
from harness import check, load, one_stderr_line, run, schema_errors, write

H100_BENCH = os.path.join(harness.DATA, "h100-bench.json")
H100_PROBE = os.path.join(harness.DATA, "h100-probe.json")
H100_CHECK = os.path.join(harness.DATA, "h100-check.json")
# A stress report as the writer writes it (test_stress_report --write keeps it so).
STRESS = os.path.join(harness.DATA, "stress-synthetic.json")
CHROMIUM = "/usr/bin/chromium"


def render(path, fmt="text"):
    p = run("report", path, "--format", fmt)
    check(p.returncode == 0, f"report {os.path.basename(path)} --format {fmt}: exit 0, got "
          f"{p.returncode}: {p.stderr}")
    return p.stdout


def fmt_ns(ns, ascii_units):
    """The tool's human duration: three significant digits, ns/µs/ms/s ("12.3us"
    in plain text, "12.3 µs" elsewhere)."""
    units = ["ns", "us" if ascii_units else "\u00b5s", "ms", "s"]
    u = 0
    while ns >= 999.5 and u + 1 < len(units):
        ns /= 1000.0
        u += 1
    gap = "" if ascii_units else " "
    if u == 0 or ns >= 99.95:
        return f"{ns:.0f}{gap}{units[u]}"
    if ns >= 9.995:
        return f"{ns:.1f}{gap}{units[u]}"
    return f"{ns:.2f}{gap}{units[u]}"


def benches(report):
    """Every bench object of a report: the top-level one, or each check run's."""
    out = []
    if isinstance(report.get("bench"), dict):
        out.append(report["bench"])
    for r in ((report.get("check") or {}).get("runs") or []):
        if isinstance(r.get("bench"), dict):
            out.append(r["bench"])
    return out


def passed_results(report):
    return [r for b in benches(report) for r in b["round_trips"]["results"]
            if r["outcome"] == "passed"]


def through(r):
    return r["os_primitive"] or r["handle_type"] or "in-process"


def markdown_tables(text):
    """Pipe tables as lists of rows of cells (an escaped \\| stays in its cell)."""
    tables, cur = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            cur.append([c.strip() for c in cells])
        elif cur:
            tables.append(cur)
            cur = []
    return tables


def svg_blocks(page, cls):
    return re.findall(r'<svg class="' + cls + r'"(.*?)</svg>', page, re.S)


def check_check_report(d):
    """The h100 bench wrapped as the check command writes it: two runs and
    expectations, one of them failed."""
    r = load(H100_BENCH)
    bench = r["bench"]
    r["command"] = "check"
    r["bench"] = None
    second = copy.deepcopy(bench)
    second["round_trips"]["results"] = [x for x in second["round_trips"]["results"]
                                        if x["peer"] == "thread"]
    r["check"] = {
        "config": {"path": "sample_configs/h100 <smoke>.json", "name": "h100 smoke",
                   "description": "memory & semaphores on the H100"},
        "outcome": "failed",
        "exit_code": 14,
        "summary": {"expectations": 4, "passed": 3, "failed": 1, "errors": 0},
        "expectations": [
            {"id": "device0.capabilities[0]", "device_index": 0,
             "device_name": "NVIDIA H100 80GB HBM3", "source": "capabilities[0]",
             "name": "buffer OPAQUE_FD: exportable, importable, not dedicated-only",
             "outcome": "passed", "measured": "shareable", "limit": None, "message": None},
            {"id": "device0.benches[0].p99", "device_index": 0,
             "device_name": "NVIDIA H100 80GB HBM3", "source": "benches[0].expect.p99_us_max",
             "name": "queue-timeline OPAQUE_FD p99", "outcome": "failed",
             "measured": "p99 646 us", "limit": "<= 500 us",
             "message": "p99 646 us is above the limit of 500 us"},
            {"id": "device0.benches[0].leaks", "device_index": 0,
             "device_name": "NVIDIA H100 80GB HBM3", "source": "benches[0].expect.no_leaks",
             "name": "no handle leaked", "outcome": "passed", "measured": "0 leaked",
             "limit": "0", "message": None},
            {"id": "config.loader", "device_index": None, "device_name": None,
             "source": "loader", "name": "a Vulkan 1.3 loader", "outcome": "passed",
             "measured": "1.3.239", "limit": ">= 1.3", "message": None},
        ],
        "runs": [{"name": "timeline round trips", "device_index": 0, "bench": bench},
                 {"name": "thread peers only", "device_index": 0, "bench": second}],
    }
    return write(d, "check.json", r), r


# ---- text and Markdown ----

def live_dur(ns):
    """A duration as the live text and `report`'s text say it: microseconds with
    one decimal below 1 ms, then ms and s with two."""
    us = ns / 1000.0
    return f"{us:.1f}us" if us < 1000 else f"{us / 1e3:.2f}ms" if us < 1e6 else f"{us / 1e6:.2f}s"


def sharing_rows(lines):
    """The verdict rows of the text's "Sharing across processes" tables:
    {(object, handle type): (verdict words, detail)}; a semaphore's timeline row
    sits under its binary row without the type."""
    rows, last, inside = {}, None, False
    for l in lines:
        if l.startswith("  Sharing across processes"):
            inside = True
            continue
        if inside and (not l.strip() or "not applicable on" in l):
            inside = False
        if not inside:
            continue
        m = re.match(r"    (memory|semaphore|fence|)\s+((?!timeline)\S+)?\s*(binary|timeline)?"
                     r"\s+(.+?)(?:\s{2,}(.*))?$", l)
        if not m:
            continue
        group, ht = (m.group(1), m.group(2)) if m.group(1) else ("semaphore", last)
        last = ht
        key = f"{group} ({m.group(3)})" if group == "semaphore" else group
        rows[(key, ht)] = (m.group(4), m.group(5) or "")
    return rows


def test_report_text_and_markdown_show_capabilities_and_round_trips():
    probe = load(H100_PROBE)
    text = render(H100_PROBE)
    check("NVIDIA H100 80GB HBM3" in text, "the device name")
    first, _, rest = text.partition("\n")
    check(first.startswith("vkwin32h ") and first.endswith(
        " report: the run's text, read back from its JSON report"), f"the report's line: {first}")
    check(rest.startswith(f"vkwin32h {probe['tool']['version']} probe on Linux, "
                          f"{probe['generated_at']}\n"), "tool, command, OS and date")
    check("580.159.04" in text and "0000:00:06.0" in text, "driver version and PCI address")
    check(probe["devices"][0]["identity"]["device_uuid"] in text, "the deviceUUID")
    lines = text.splitlines()
    rows = sharing_rows(lines)
    check(rows.get(("memory", "OPAQUE_FD")) == ("shareable", "buffers 4/4, images 9/9"),
          f"memory OPAQUE_FD: shareable with its detail: {rows.get(('memory', 'OPAQUE_FD'))}")
    check(rows.get(("memory", "DMA_BUF"), ("",))[0] == "extension missing",
          f"DMA_BUF extension missing: {rows.get(('memory', 'DMA_BUF'))}")
    tl = [k for k in rows if k[0] == "semaphore (timeline)"]
    check(len(tl) == 2, f"one timeline row per semaphore handle type of Linux: {tl}")
    na = [l for l in lines if "not applicable on Linux:" in l]
    check(len(na) == 1 and "D3D12_FENCE" in na[0], "Windows types are not applicable on Linux")
    check("Round trips" not in text, "a probe report: devices, no bench")

    rep = load(H100_BENCH)
    text = render(H100_BENCH)
    lines = text.splitlines()
    futex = next(r for r in rep["bench"]["round_trips"]["results"]
                 if r["peer"] == "process" and r["os_primitive"] == "futex")
    rt = futex["round_trip_ns"]
    row = [l for l in lines if l.split()[:3] == ["os", "futex", "process"]]
    want = [live_dur(rt[k]) for k in ("min", "p50", "p99", "p99_9", "max")]
    ratio = futex["ratio_to_best_baseline"]
    ratio_text = f"{ratio['p50']:.2f}x {ratio['baseline']}"
    check(len(row) == 1 and row[0].split()[4:9] == want and row[0].endswith(ratio_text),
          f"the futex row holds {want} and {ratio_text}: {row}")
    skipped = [l for l in lines if "SYNC_FD" in l and "skipped" in l and "host-timeline" in l]
    check(len(skipped) == 1 and "driver_says_no: neither exportable nor importable" in skipped[0],
          f"a skipped round trip carries its reason: {skipped}")
    mem = rep["bench"]["memory"][0]
    mrow = [l for l in lines if l.split()[:4] == ["OPAQUE_FD", "buffer-map", "64", "KiB"]]
    check(len(mrow) == 1 and live_dur(mem["phases_us"]["allocate"]["median"] * 1e3) in mrow[0]
          and f"{mem['verify']['child_gbps']:.2f}" in mrow[0]
          and f"{mem['verify']['parent_gbps']:.2f}" in mrow[0],
          f"64 KiB buffer-map: allocate median and verify rates: {mrow}")
    big = [l for l in lines if "4 GiB exceeds maxMemoryAllocationSize" in l]
    check(len(big) == 3, f"three skipped 4 GiB scenarios with their reason: {len(big)}")
    rs = rep["bench"]["round_trips"]["summary"]
    check(f"{rs['passed']} passed, {rs['failed']} failed, {rs['skipped']} skipped, "
          f"{rs['not_run']} not run" in text, "round-trip counts")
    # The columns of figures line up: every passed round trip's p50 ends in one column.
    passed = [l for l in lines if " passed " in l and l.split()[0] in
              ("os", "host-timeline", "queue-timeline", "queue-binary", "fence", "gpu-chain")]
    ends = {list(re.finditer(r"\S+", l))[5].end() for l in passed}
    check(len(passed) == rs["passed"] and len(ends) == 1, f"p50 right-aligned: {ends}")

    md = render(H100_BENCH, "markdown")
    check(md.startswith(f"# vkwin32h {load(H100_BENCH)['tool']['version']} bench on Linux"),
          "a Markdown title")
    check("## Round trips" in md and "## Scenarios" in md, "headings")
    tables = markdown_tables(md)
    check([len(t[0]) for t in tables] == [15, 10], f"memory and round-trip tables: "
          f"{[len(t[0]) for t in tables]}")
    for t in tables:
        check(all(len(r) == len(t[0]) for r in t), f"every row of {t[0]} has {len(t[0])} cells")
        check(all(re.fullmatch(r"-+:?", c) for c in t[1]), f"a separator row: {t[1]}")
    rtt = tables[-1]
    futex_md = [r for r in rtt if r[:3] == ["os", "futex", "process"]]
    check(futex_md and futex_md[0][5] == live_dur(rt["p50"]), f"p50 in Markdown: {futex_md}")
    results = [r for r in rtt[2:] if r[3] in ("passed", "failed", "skipped", "not_run")]
    check(len(results) == len(rep["bench"]["round_trips"]["results"]), "one row per result")

    # A table cell holding a pipe stays one cell in Markdown.
    with tempfile.TemporaryDirectory() as d:
        probe = load(H100_PROBE)
        probe["devices"][0]["external_memory"][0]["verdict"]["detail"] = "a | b"
        md = render(write(d, "pipe.json", probe), "markdown")
        t = [x for x in markdown_tables(md) if len(x[0]) == 5]
        check(len(t) == 1 and all(len(r) == 5 for r in t[0]), "the pipe did not split the row")
        check("a \\| b" in md, "| escaped as \\|")


# ---- HTML ----

def test_report_html_is_self_contained_and_escaped():
    page = render(H100_BENCH, "html")
    check(page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>"),
          "one whole HTML document")
    for bad in ("http://", "https://", "<script", "<link", "<img", "<iframe", "@import", "url("):
        check(bad not in page.lower(), f"nothing fetched or run: {bad!r} absent")
    check(not re.search(r"\b(src|href|xlink:href)\s*=", page, re.I), "no src= or href= at all")
    check("<style>" in page, "inline CSS")
    check(page.count('<table class="vkw-memory">') == 1 and
          page.count('<table class="vkw-round-trips">') == 1, "the scenario and round-trip tables")
    n = len(passed_results(load(H100_BENCH)))
    check(len(svg_blocks(page, "vkw-histogram")) == n and len(svg_blocks(page, "vkw-cdf")) == n,
          f"{n} histograms and CDFs")

    with tempfile.TemporaryDirectory() as d:
        r = load(H100_BENCH)
        evil = 'Evil <b>&"GPU\'s'
        r["devices"][0]["identity"]["name"] = evil
        r["bench"]["device_name"] = evil
        sk = next(x for x in r["bench"]["round_trips"]["results"] if x["outcome"] == "skipped")
        sk["reason"] = "a <script>alert(1)</script> reason"
        page = render(write(d, "evil.json", r), "html")
        check("Evil &lt;b&gt;&amp;&quot;GPU&#39;s" in page, "the device name escaped")
        check("<b>" not in page and '&"' not in page, "no raw markup from the device name")
        probe = load(H100_PROBE)
        probe["devices"][0]["external_memory"][1]["verdict"]["detail"] = "<i>no</i> & none"
        check("&lt;i&gt;no&lt;/i&gt; &amp; none" in render(write(d, "evil-probe.json", probe), "html"),
              "a verdict detail escaped")
        check("<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page,
              "a reason escaped")
        check("<title>vkwin32h bench report: Evil &lt;b&gt;" in page, "the page title escaped")
        path, _ = check_check_report(d)
        page = render(path, "html")
        check("sample_configs/h100 &lt;smoke&gt;.json" in page and
              "memory &amp; semaphores" in page, "the check's config path and description")
        md = render(path, "markdown")
        check("h100 \\<smoke\\>.json" in md, "< escaped in Markdown")


def png_info(path, max_rows=2400):
    """Width, height and the number of distinct colours of an 8-bit RGB(A) PNG,
    decoded with zlib alone (colours counted over the first max_rows rows;
    every row's length is checked)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if zlib.crc32(kind + body) != crc:
            return None
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        return w, h, None
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    if len(raw) != h * (stride + 1):
        return None
    prev = bytearray(stride)
    colours = set()
    for y in range(min(h, max_rows)):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ft == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ft == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif ft == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ft == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xFF
        if y % 4 == 0:  # every fourth row is plenty to tell a page from a blank
            colours.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp))
        prev = line
    return w, h, len(colours)


MEASURE = """<pre id="vkw-measure"></pre><script>
(function () {
  function box(e) { var r = e.getBoundingClientRect(); return [r.width, r.height]; }
  var out = {histograms: [], cdfs: []};
  document.querySelectorAll('svg.vkw-histogram').forEach(function (s) {
    var bars = s.querySelectorAll('rect.bar');
    var tall = 0;
    bars.forEach(function (b) { var q = box(b); if (q[0] > 0 && q[1] > 0) tall++; });
    out.histograms.push({size: box(s), bars: bars.length, visible_bars: tall,
                         mode: s.dataset.mode, peer: s.dataset.peer, through: s.dataset.through,
                         title: (s.querySelector('title') || {}).textContent || ''});
  });
  document.querySelectorAll('svg.vkw-cdf').forEach(function (s) {
    var paths = s.querySelectorAll('path.cdf');
    var p = paths[0];
    out.cdfs.push({size: box(s), paths: paths.length, d: p ? p.getAttribute('d') : '',
                   length: p ? p.getTotalLength() : 0, mode: s.dataset.mode,
                   peer: s.dataset.peer, through: s.dataset.through,
                   title: (s.querySelector('title') || {}).textContent || ''});
  });
  var t = document.querySelector('table.vkw-round-trips');
  out.round_trip_rows = t ? t.tBodies[0].rows.length : 0;
  out.round_trip_size = t ? box(t) : [0, 0];
  document.getElementById('vkw-measure').textContent = JSON.stringify(out);
})();
</script>"""


def chromium(*args, timeout=90):
    if not os.path.exists(CHROMIUM):
        check(False, f"{CHROMIUM} is missing: install Debian's chromium (scripts/install-deps.sh)")
        return None
    with tempfile.TemporaryDirectory() as profile:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}", *args]
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            check(False, f"chromium did not finish within {timeout} s: {cmd}")
            return None


def test_report_html_renders_in_headless_chromium():
    rep = load(H100_BENCH)
    build = os.path.dirname(os.path.abspath(harness.ARGS.exe))
    artifacts = os.path.join(build, "artifacts")
    os.makedirs(artifacts, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        page_path = os.path.join(d, "report.html")
        p = run("report", H100_BENCH, "--format", "html", "--output", page_path)
        check(p.returncode == 0 and p.stdout == "", f"report --output: exit 0, got "
              f"{p.returncode}: {p.stderr}")
        with open(page_path, encoding="utf-8") as f:
            page = f.read()
        measured_path = os.path.join(d, "measured.html")
        with open(measured_path, "w", encoding="utf-8") as f:
            f.write(page.replace("</body>", MEASURE + "\n</body>"))
        c = chromium("--dump-dom", "file://" + measured_path)
        if c is None:
            return
        m = re.search(r'<pre id="vkw-measure">(.*?)</pre>', c.stdout, re.S)
        check(c.returncode == 0 and m and m.group(1).strip(),
              f"chromium ran the measuring script: rc {c.returncode}, {c.stderr[-500:]}")
        if not m or not m.group(1).strip():
            return
        got = json.loads(html.unescape(m.group(1)))
        want = passed_results(rep)
        hs, cs = got["histograms"], got["cdfs"]
        check(len(hs) == len(want) and len(cs) == len(want),
              f"one histogram and one CDF per passed result: {len(hs)}, {len(cs)}, "
              f"want {len(want)}")
        key = lambda r: (r["mode"], r["peer"], through(r))
        check(sorted(key(r) for r in want) == sorted((h["mode"], h["peer"], h["through"])
                                                      for h in hs),
              "the histograms are those of the passed results")
        for r, h, cdf in zip(want, hs, cs):
            what = f"{r['mode']}/{r['peer']}/{through(r)}"
            check((h["mode"], h["peer"], h["through"]) == key(r), f"{what}: in report order")
            check(h["size"][0] > 100 and h["size"][1] > 100, f"{what}: histogram drawn {h['size']}")
            check(cdf["size"][0] > 100 and cdf["size"][1] > 100, f"{what}: CDF drawn {cdf['size']}")
            check(h["bars"] == len(r["histogram"]), f"{what}: {h['bars']} bars for "
                  f"{len(r['histogram'])} non-empty buckets")
            check(h["visible_bars"] >= 1, f"{what}: bars have area")
            check(r["mode"] in h["title"] and r["peer"] in h["title"], f"{what}: titled")
            check(cdf["paths"] == 1 and len(cdf["d"]) > 10 and cdf["length"] > 50,
                  f"{what}: a CDF path {cdf['d'][:40]!r} of length {cdf['length']}")
        # A row per result, and a row of details under each that passed.
        rows = len(rep["bench"]["round_trips"]["results"]) + len(want)
        check(got["round_trip_rows"] == rows and got["round_trip_size"][1] > 200,
              f"the round-trip table: {got['round_trip_rows']} rows (want {rows})")

        png = os.path.join(artifacts, "report-h100.png")
        if os.path.exists(png):
            os.remove(png)
        c = chromium(f"--screenshot={png}", "--window-size=1280,2400", "file://" + page_path)
        check(c is not None and os.path.exists(png), f"a screenshot at {png}")
        if not os.path.exists(png):
            return
        info = png_info(png)
        check(info is not None, "the screenshot is a valid PNG")
        if info:
            w, h, colours = info
            check((w, h) == (1280, 2400), f"1280x2400 pixels, got {w}x{h}")
            check(colours is not None and colours > 20, f"not blank: {colours} distinct colours")

    # The whole page of the H100's check run (sample_configs/nvidia-linux.json),
    # plots included, kept as the artifact a person looks at.
    with tempfile.TemporaryDirectory() as d:
        page_path = os.path.join(d, "check.html")
        p = run("report", H100_CHECK, "--format", "html", "--output", page_path)
        check(p.returncode == 0, f"report of the H100 check: exit 0, got {p.returncode}")
        png = os.path.join(artifacts, "report-h100-check.png")
        if os.path.exists(png):
            os.remove(png)
        c = chromium(f"--screenshot={png}", "--window-size=1280,9000", "file://" + page_path)
        info = png_info(png, max_rows=600) if c is not None and os.path.exists(png) else None
        check(info is not None and info[:2] == (1280, 9000) and info[2] and info[2] > 20,
              f"a whole-page screenshot at {png}: {info}")


def test_report_html_survives_absurd_numbers():
    """Numbers no run produces (a report edited by hand): the page still comes
    out, at once, with no NaN or infinity in its plots."""
    rep = load(H100_BENCH)
    results = [x for x in rep["bench"]["round_trips"]["results"] if x["outcome"] == "passed"]
    results[0]["histogram"][0]["below_ns"] = 1.5e308
    results[1]["round_trip_ns"]["max"] = 1.5e308
    results[2]["samples_ns"] = [1.5e308, 5000, 6000, -3, 1e999]
    results[3]["histogram"][0]["count"] = 1.7e308
    results[3]["histogram"][-1]["count"] = 1.7e308
    results[4]["histogram"] = [{"from_ns": 0, "below_ns": 0.5, "count": 3}]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "absurd.json")
        with open(path, "w") as f:  # 1e999: a number JSON allows and a double cannot hold
            f.write(json.dumps(rep).replace("Infinity", "1e999"))
        p = run("report", path, "--format", "html", timeout=30)
        check(p.returncode == 0, f"exit 0, got {p.returncode}: {p.stderr[-300:]}")
        svgs = svg_blocks(p.stdout, "vkw-histogram") + svg_blocks(p.stdout, "vkw-cdf")
        check(len(svgs) == 2 * len(results), f"every plot drawn: {len(svgs)}")
        bad = [m for m in re.findall(r'[a-z0-9]+="[^"]*"', " ".join(svgs))
               if re.search(r"nan|inf", m.split("=", 1)[1], re.I)]
        check(not bad, f"no NaN or infinity in the plots: {bad[:5]}")


def test_report_output_follows_links_and_refuses_devices():
    """--output writes through a symbolic link (the link stays) and refuses a
    FIFO or a device, which a rename would replace."""
    with tempfile.TemporaryDirectory() as d:
        target = os.path.join(d, "real.html")
        link = os.path.join(d, "link.html")
        os.symlink(target, link)
        p = run("report", H100_PROBE, "--format", "html", "--output", link)
        check(p.returncode == 0, f"through a link: exit 0, got {p.returncode}: {p.stderr}")
        check(os.path.islink(link) and os.path.isfile(target)
              and open(target).read().startswith("<!DOCTYPE html>"),
              "the link stays, the report is where it points")
        os.symlink(os.path.join(d, "nowhere", "x.html"), os.path.join(d, "dangling"))
        p = run("report", H100_PROBE, "--output", os.path.join(d, "dangling"))
        check(p.returncode == 6, f"a link to nothing: exit 6, got {p.returncode}")
        one_stderr_line(p, "a symbolic link to nothing")
        fifo = os.path.join(d, "fifo")
        os.mkfifo(fifo)
        p = run("report", H100_PROBE, "--output", fifo)
        check(p.returncode == 6, f"a FIFO: exit 6, got {p.returncode}")
        one_stderr_line(p, "not a regular file")
        import stat
        check(stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO is still a FIFO")
        p = run("report", H100_PROBE, "--output", "/dev/null")
        check(p.returncode == 6 and stat.S_ISCHR(os.stat("/dev/null").st_mode),
              f"/dev/null: exit 6 and left a device, got {p.returncode}")
        check(sorted(os.listdir(d)) == ["dangling", "fifo", "link.html", "real.html"],
              f"no temporary file left: {sorted(os.listdir(d))}")


def test_report_rejects_bad_input():
    with tempfile.TemporaryDirectory() as d:
        missing = os.path.join(d, "missing.json")
        p = run("report", missing)
        check(p.returncode == 2, f"missing file: exit 2, got {p.returncode}")
        one_stderr_line(p, missing)
        bad = os.path.join(d, "bad.json")
        with open(bad, "w") as f:
            f.write("{not json")
        p = run("report", bad)
        check(p.returncode == 2, f"not JSON: exit 2, got {p.returncode}")
        one_stderr_line(p, "not a vkwin32h report (not JSON)")
        other = write(d, "other.json", {"tool": {"name": "vulkaninfo"}, "devices": []})
        p = run("report", other)
        check(p.returncode == 2 and p.stdout == "", f"not a report: exit 2, got {p.returncode}")
        one_stderr_line(p, "is not a vkwin32h report")
        p = run("report", H100_BENCH, "--format", "pdf")
        check(p.returncode == 2, f"--format pdf: exit 2, got {p.returncode}")
        one_stderr_line(p, "--format")
        nowhere = os.path.join(d, "no-such-dir", "out.html")
        p = run("report", H100_BENCH, "--format", "html", "--output", nowhere)
        check(p.returncode == 6, f"unwritable --output: exit 6, got {p.returncode}")
        one_stderr_line(p, "out.html")
        check(not os.path.exists(os.path.dirname(nowhere)), "nothing left behind")
        before = sorted(os.listdir(d))
        p = run("report", H100_BENCH, "--output", d)  # a directory is no file to write
        check(p.returncode == 6, f"--output a directory: exit 6, got {p.returncode}")
        check(sorted(os.listdir(d)) == before, f"no temporary file left: {os.listdir(d)}")
        p = run("report")
        check(p.returncode == 2, f"report without a file: exit 2, got {p.returncode}")
        one_stderr_line(p, "report needs a report")
        # Odd but well-formed input renders what it has, in every format.
        odd = load(H100_BENCH)
        odd["devices"][0]["identity"] = "not an object"
        odd["devices"][0]["external_memory"] = {"not": "an array"}
        odd["bench"]["memory"][0]["phases_us"] = None
        odd["bench"]["round_trips"]["results"][0]["histogram"] = [{"from_ns": "x"}, 7]
        odd["bench"]["round_trips"]["results"][1]["round_trip_ns"] = None
        odd["bench"]["round_trips"]["results"][2]["histogram"] = []
        del odd["status"]
        path = write(d, "odd.json", odd)
        for fmt in ("text", "markdown", "html"):
            p = run("report", path, "--format", fmt)
            check(p.returncode == 0 and len(p.stdout) > 1000,
                  f"odd input, {fmt}: exit 0, got {p.returncode}: {p.stderr}")


def test_report_read_back_keeps_the_report_os():
    """A report of another OS read back: written again as that OS wrote it (the
    timer's clock, a driver version's decoding, which handle types apply), not
    as this one would."""
    rep = load(H100_BENCH)
    rep["os"] = "Windows"
    rep["bench"]["round_trips"]["timer"]["clock"] = "QueryPerformanceCounter"
    on_windows = {"win32", "host"}
    for dev in rep["devices"]:
        for key in ("external_memory", "external_semaphores", "external_fences"):
            for e in dev[key]:
                e["applicable"] = e["family"] in on_windows
    with tempfile.TemporaryDirectory() as d:
        path = write(d, "windows.json", rep)
        reader = os.path.join(os.path.dirname(harness.ARGS.exe), "tests", "test_report_parse")
        # --earlier: the recorded report is of an earlier version, without
        # keys added since; every key it has keeps its value.
        rt = subprocess.run([reader, "--earlier", path], capture_output=True, text=True,
                            env=harness.tool_env(), timeout=120)
    check(rt.returncode == 0 and "the same JSON after a round trip" in rt.stdout,
          f"a Windows report read back on {sys.platform} and written again: {rt.stderr[-2000:]}")


def test_report_says_the_live_verdict_words():
    """One set of verdict words: the live text of a lavapipe probe says each
    verdict of its report in people's words (the README's: the code's words with
    spaces, "not on this OS", "this process only"), not the JSON's codes."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "probe.json")
        live = run("probe", "--json", path)
        check(live.returncode == 0, f"a lavapipe probe: exit 0, got {live.returncode}: {live.stderr}")
        if not check(os.path.exists(path), "the probe wrote its report"):
            return
        rep = load(path)
    shown = sharing_rows(live.stdout.splitlines())
    dev = rep["devices"][0]
    native = 0
    for group, key in (("memory", "external_memory"), ("semaphore", "external_semaphores"),
                       ("fence", "external_fences")):
        for e in dev[key]:
            ht = e["handle_type"]
            verdicts = ([("binary", e["verdict"]["binary"]), ("timeline", e["verdict"]["timeline"])]
                        if group == "semaphore" else [("", e["verdict"])])
            for kind, v in verdicts:
                if v["code"] == "not_on_this_os":
                    continue
                native += 1
                obj = f"{group} ({kind})" if kind else group
                word = {"not_cross_process": "this process only"}.get(
                    v["code"], v["code"].replace("_", " ").replace(" os", " OS"))
                got = shown.get((obj, ht), ("",))[0]
                check(got == word, f"the live text says {obj} {ht} is {word!r}: {got!r}")
    check(native >= 8, f"every native handle type compared: {native}")


def test_report_says_when_round_trips_have_two_modes():
    """A round trip whose latencies gather around two values (NVIDIA's host
    wait spins or sleeps) is said to have two modes, each with its share and
    median, in every format; one mode says nothing more."""
    rep = load(H100_BENCH)
    results = [x for x in rep["bench"]["round_trips"]["results"] if x["outcome"] == "passed"]
    two, one = results[0], results[1]
    n = two["round_trip_ns"]["count"]
    two["modes"] = [
        {"count": n * 3 // 5, "share": (n * 3 // 5) / n, "median_ns": 5500, "min_ns": 5000,
         "max_ns": 6100},
        {"count": n - n * 3 // 5, "share": (n - n * 3 // 5) / n, "median_ns": 8000,
         "min_ns": 7000, "max_ns": 9000}]
    m = one["round_trip_ns"]
    one["modes"] = [{"count": m["count"], "share": 1, "median_ns": m["p50"], "min_ns": m["min"],
                     "max_ns": m["max"]}]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "bench.json")
        with open(path, "w") as f:
            json.dump(rep, f)
        for fmt in ("text", "markdown", "html"):
            out = render(path, fmt)
            check(out.count("2 modes: 60 % near 5.5") == 1 and "40 % near 8.0" in out,
                  f"{fmt}: the two modes, each with its share and median, said once")
            check("1 modes" not in out and out.count(" modes: ") == 1,
                  f"{fmt}: a round trip of one mode says nothing more")


def summary_us(median, count=3):
    return {"count": count, "min": median * 0.9, "median": median, "mean": median * 1.02,
            "max": median * 1.2}


NO_SUMMARY = {"count": 0, "min": 0, "median": 0, "mean": 0, "max": 0}


def ivl_direction(size, imported_us, local_us):
    imp, loc = size / (imported_us * 1e3), size / (local_us * 1e3)
    return {"imported_gbps": imp, "local_gbps": loc, "ratio": imp / loc,
            "imported_us": summary_us(imported_us), "local_us": summary_us(local_us)}


def ivl_bench(reasons):
    """The H100 bench as a run on the device would write it: buffer-copy 1 GiB
    and image-copy 256 MiB verified by the device with imported vs local
    measured, every other scenario not measured, for reasons[i] (cycled)."""
    rep = load(H100_BENCH)
    b = rep["bench"]
    b["options"]["verify"] = "auto"
    b["verify"] = {"asked": "auto", "method": "gpu", "reason": None}
    measured = {8: (400.0, 380.0, 250.0, 260.0), 12: (100.0, 125.0, 80.0, 80.0)}
    k = 0
    for i, sc in enumerate(b["memory"]):
        if i not in measured:
            sc["verify"]["method"] = "cpu"
            sc["imported_vs_local"] = {"measured": False, "reason": reasons[k % len(reasons)]}
            k += 1
            continue
        size = sc["memory"]["bytes_verified"]
        w_imp, w_loc, r_imp, r_loc = measured[i]
        sc["verify"]["method"] = "gpu"
        ph = sc["phases_us"]
        for name, median in (("parent_fill", 300.0), ("child_gpu_verify", 512.0),
                             ("child_fill", 310.0), ("parent_gpu_verify", 256.0)):
            ph[name] = summary_us(median, sc["iterations"])
        ph["child_verify"] = dict(NO_SUMMARY)
        ph["parent_verify"] = dict(NO_SUMMARY)
        sc["verify"]["child_gbps"] = size / 512e3
        sc["verify"]["parent_gbps"] = size / 256e3
        w, r = ivl_direction(size, w_imp, w_loc), ivl_direction(size, r_imp, r_loc)
        sc["imported_vs_local"] = {"measured": True, "write": w, "read": r,
                                   "ratio_min": min(w["ratio"], r["ratio"])}
    return rep


def test_report_shows_imported_vs_local_first():
    """The memory part opens with imported vs local: a row per scenario where
    it was measured (both GB/s and their ratio, each direction), why not for
    the others (once where they share the reason); where the patterns were
    verified; the verify columns and the phases are those that ran. Text,
    Markdown and HTML (a table at the top of its memory part)."""
    reason = "host-visible memory is verified through the mapping"
    rep = ivl_bench([reason])
    bench_only = copy.deepcopy(rep)
    bench_only["bench"]["round_trips"] = None
    bench_only["bench"]["options"]["parts"] = ["memory"]
    errors = schema_errors(bench_only)
    check(not errors, f"the report validates: {errors[:3]}")
    with tempfile.TemporaryDirectory() as d:
        path = write(d, "ivl.json", rep)
        text = render(path)
        lines = text.splitlines()
        head = [i for i, l in enumerate(lines) if l.startswith("Imported vs local")]
        mem = [i for i, l in enumerate(lines) if l.startswith("Memory handle types of")]
        check(len(head) == 1 and len(mem) == 1 and head[0] < mem[0],
              f"the headline opens the memory part: {head} {mem}")
        check(any(l.startswith("Verified   on the device (compute shaders)") for l in lines),
              "where the patterns were verified")
        rows = [l.split() for l in lines[head[0]:mem[0]] if l.startswith("  OPAQUE_FD ") and len(l.split()) == 10]
        want = [["OPAQUE_FD", "buffer-copy", "1", "GiB",
                 "%.2f" % (2**30 / 400e3), "%.2f" % (2**30 / 380e3), "%.3f" % (380 / 400),
                 "%.2f" % (2**30 / 250e3), "%.2f" % (2**30 / 260e3), "%.3f" % (260 / 250)],
                ["OPAQUE_FD", "image-copy", "256", "MiB",
                 "%.2f" % (2**28 / 100e3), "%.2f" % (2**28 / 125e3), "%.3f" % (125 / 100),
                 "%.2f" % (2**28 / 80e3), "%.2f" % (2**28 / 80e3), "1.000"]]
        check([r[:10] for r in rows[:2]] == want, f"a row per measured scenario: {rows[:2]}")
        check(text.count("not measured: " + reason) == 1 and
              f"other scenarios not measured: {reason}" in text,
              "the shared reason said once")
        # The scenario table: the verify that ran (the device's), its phases only.
        row = next(l for l in lines if re.match(r"\s+OPAQUE_FD\s+buffer-copy\s+1 GiB\s+passed", l))
        check(row.split()[-4] == "%.2f" % (2**30 / 512e3) and
              row.split()[-2] == "%.2f" % (2**30 / 256e3),
              f"c.verif and p.verif are the device's: {row}")
        at = lines.index(row)
        notes = []
        for l in lines[at + 1:]:
            if not l.startswith("      "):
                break
            notes.append(l.split()[0])
        check("child_gpu_verify" in notes and "parent_fill" in notes and
              "child_verify" not in notes and "parent_verify" not in notes,
              f"the phases that ran, only: {notes}")
        check("verified on the device (compute shaders)" in lines[at + 1],
              f"the scenario's method: {lines[at + 1]}")
        md = render(path, "markdown")
        check(md.index("Imported vs local") < md.index("Memory handle types of"),
              "Markdown: the headline first")
        page = render(path, "html")
        t = page.find('<table class="vkw-imported-vs-local">')
        check(0 <= t < page.index("Memory handle types of"), "HTML: the table at the top")
        check(f"<td class=\"num\">{2**30 / 400e3:.2f}</td>" in page[t:page.index("</table>", t)],
              "HTML: the figures in the table")

        # Reasons that differ: one line each; auto's fallback says why.
        rep = ivl_bench(["the scenario did not run", reason])
        for sc in rep["bench"]["memory"]:
            sc["imported_vs_local"] = {"measured": False,
                                       "reason": sc["imported_vs_local"].get("reason", reason)}
            sc["verify"]["method"] = "cpu"
        rep["bench"]["verify"] = {"asked": "auto", "method": "cpu",
                                  "reason": "the device cannot run the compute shaders"}
        text = render(write(d, "none.json", rep))
        check("Verified   on the host: the device cannot run the compute shaders" in text,
              "auto's fallback and its reason")
        # Skipped scenarios say why in the scenarios' table, not here.
        ran = [sc for sc in rep["bench"]["memory"] if sc["outcome"] != "skipped"]
        check(text.count(": not measured: ") == len(ran) < len(rep["bench"]["memory"]) and
              "OPAQUE_FD buffer-copy 1 GiB: not measured: " in text,
              "a line per scenario that ran where the reasons differ")
        check("w.imported" not in text, "no table where nothing was measured")


def test_report_text_is_the_live_text():
    """One walk for people: `report` of a lavapipe probe's and a short bench's
    report says, line for line, what the run that wrote it said (with
    --verbose: a report shows all it holds). Nothing a live run knows is missing
    from its report here; the report adds only a failed run's reason, which a
    live run says on stderr."""
    with tempfile.TemporaryDirectory() as d:
        for command, args in (("probe", ()),
                              ("bench", ("--sizes", "64K", "--iterations", "2",
                                         "--round-trips", "100", "--warmup", "10"))):
            path = os.path.join(d, f"{command}.json")
            live = run(command, *args, "--verbose", "--json", path, timeout=300)
            check(live.returncode == 0, f"a lavapipe {command}: exit 0, got {live.returncode}: "
                  f"{live.stderr[-1000:]}")
            if not check(os.path.exists(path), f"the {command} wrote its report"):
                continue
            text = render(path).splitlines()
            check(len(live.stdout.splitlines()) > 20, f"{command}: a live text to compare")
            # Its first line says what it is (so that the tool knows the file
            # as its own, and a run's text someone kept is not); then the live text.
            check(text[:1] == [f"vkwin32h {load(path)['tool']['version']} report: the run's "
                               f"text, read back from its JSON report"],
                  f"{command}: the report's own first line: {text[:1]}")
            diff = list(difflib.unified_diff(live.stdout.splitlines(), text[1:],
                                             "live", "report", lineterm="", n=1))
            check(not diff, f"{command}: `report --format text` is the live text:\n" +
                  "\n".join(diff[:40]))


def test_report_renders_a_lavapipe_bench_run():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "bench.json")
        p = run("bench", "--sizes", "64K", "--iterations", "2", "--round-trips", "300",
                "--warmup", "50", "--json", path, "--quiet", timeout=300)
        check(p.returncode == 0, f"a lavapipe bench: exit 0, got {p.returncode}: {p.stderr}")
        if not check(os.path.exists(path), "the bench wrote its report"):
            return
        rep = load(path)
        # Read back into the typed report and written again: the same JSON
        # (tests/test_report_parse.c, built beside the tool).
        reader = os.path.join(os.path.dirname(harness.ARGS.exe), "tests", "test_report_parse")
        rt = subprocess.run([reader, path], capture_output=True, text=True,
                            env=harness.tool_env(), timeout=120)
        check(rt.returncode == 0 and "the same JSON after a round trip" in rt.stdout,
              f"the bench report read back and written again is the same: {rt.stderr[-2000:]}")
        want = passed_results(rep)
        kinds = {(r["mode"], r["peer"]) for r in want}
        check(("os", "process") in kinds and ("host-timeline", "thread") in kinds,
              f"lavapipe passes OS baselines and thread-peer host-timeline: {sorted(kinds)}")
        page = render(path, "html")
        hs = svg_blocks(page, "vkw-histogram")
        cs = svg_blocks(page, "vkw-cdf")
        check(len(hs) == len(want) and len(cs) == len(want),
              f"{len(want)} passed results, {len(hs)} histograms, {len(cs)} CDFs")
        for r, h, c in zip(want, hs, cs):
            what = f"{r['mode']}/{r['peer']}/{through(r)}"
            check(f'data-mode="{r["mode"]}" data-peer="{r["peer"]}"' in h, f"{what}: labelled")
            check(h.count('<rect class="bar"') == len(r["histogram"]),
                  f"{what}: one bar per non-empty bucket ({len(r['histogram'])})")
            check(re.search(r'<path class="cdf" d="M[^"]{10,}"', c), f"{what}: a CDF path")
            check(f"p50 {fmt_ns(r['round_trip_ns']['p50'], False)}" in c, f"{what}: p50 marked")
        text = render(path)
        check(rep["devices"][0]["identity"]["name"] in text, "the llvmpipe device in text")
        row = [l for l in text.splitlines() if l.split()[:3] == ["os", "futex", "thread"]]
        futex = next(r for r in want if r["peer"] == "thread" and r["os_primitive"] == "futex")
        check(len(row) == 1 and row[0].split()[5] == live_dur(futex["round_trip_ns"]["p50"]),
              f"the thread futex p50 in text: {row}")


def test_report_renders_check_reports():
    with tempfile.TemporaryDirectory() as d:
        path, rep = check_check_report(d)
        text = render(path)
        lines = text.splitlines()
        check("Check: h100 smoke" in text, "the check named")
        check("FAILED: 1 of 4 expectation(s) failed" in text, "the verdict line")
        check(any(l.split() == ["Exit", "code", "14"] for l in lines), "the exit code")
        rows = [l for l in lines if re.match(r"\s+(FAILED|passed)\s+(#0|-)\s", l)]
        check(len(rows) == 4, f"four expectation rows: {rows}")
        check(rows and rows[0].split()[0] == "FAILED" and "queue-timeline OPAQUE_FD p99" in rows[0]
              and "p99 646 us" in rows[0] and "<= 500 us" in rows[0]
              and "is above the limit" in rows[0], f"the failed one first, in full: {rows[:1]}")
        check(any(l.split()[:2] == ["passed", "-"] for l in rows), "a device-less expectation")
        check("Check run: timeline round trips (device 0)" in text and
              "Check run: thread peers only (device 0)" in text, "both runs")
        check(sum(l.startswith("Round trips (") for l in lines) == 2, "round trips of each run")
        check("NVIDIA H100 80GB HBM3" in text and "OPAQUE_FD" in text, "the device section")

        md = render(path, "markdown")
        t = [x for x in markdown_tables(md) if x[0][0] == "Outcome"]
        check(len(t) == 1 and len(t[0]) == 6 and all(len(r) == 6 for r in t[0]),
              f"a six-column expectations table with four rows: {t}")
        check(t and t[0][2][0] == "**FAILED**", f"the failed outcome stands out: {t[0][2:3]}")

        page = render(path, "html")
        check(page.count('class="row-failed"') >= 1 and "b-failed" in page, "failure marked")
        want = passed_results(rep)
        n = len(want)
        base = [x for x in load(H100_BENCH)["bench"]["round_trips"]["results"]
                if x["outcome"] == "passed"]
        check(n == len(base) + sum(x["peer"] == "thread" for x in base) and
              len(svg_blocks(page, "vkw-histogram")) == n and
              len(svg_blocks(page, "vkw-cdf")) == n, f"plots for both runs: {n}")
        check(page.count('<table class="vkw-expectations">') == 1, "the expectations table")



SPARK = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"


def sparkline(text, label):
    """The block characters of the sparkline labelled `label`, with its min and max."""
    m = re.search(r"^\s*" + re.escape(label) + r"\s+(\S+(?: \u00b5s)?)\s+([" + SPARK +
                  r" ]+?)\s+(\S+(?: \u00b5s)?)$", text, re.M)
    check(m is not None, f"a sparkline labelled {label!r}")
    return m.group(1), m.group(2), m.group(3)


def test_report_renders_the_h200_stress_soak():
    """The soak recorded on a GPU machine with an NVIDIA H200 (scripts/gpu-stress.sh
    soak: 8 importers, every operation, chaos 0.02, 520 s): read back valid, and
    rendered with what it found: every operation ran, fan-out and signal
    reached most of the 8 importers, every injected fault was detected, and
    the driver's out-of-memory answers to imports are its first failure."""
    path = os.path.join(harness.DATA, "h200-stress-soak.json")
    r = load(path)
    check(not schema_errors(r), f"the H200 soak validates: {schema_errors(r)[:3]}")
    s = r["stress"]
    check(s["options"]["importers"] == 8 and s["end"] == "duration" and
          len(s["series"]["points"]) >= 500, f"8 importers, 500+ points: {s['end']}")
    ops = s["operations"]
    check(all(o["run"] and o["done"] > 500 for o in ops.values()),
          f"every operation ran: {[(k, o['done']) for k, o in ops.items()]}")
    for k in ("fan-out", "signal"):
        check(ops[k]["reached"] >= 6 * ops[k]["done"], f"{k} reached 6+ of 8: {ops[k]}")
    check(all(c["detected"] == c["injected"] > 0 for c in s["chaos"].values()),
          f"every kind injected and detected: {s['chaos']}")
    check("VK_ERROR_OUT_OF_DEVICE_MEMORY" in s["first_failure"], s["first_failure"])
    text = render(path)
    check("reached 7." in text or "reached 6." in text, "the fan-out's width in the text")
    check("importer 8 handles" in text, "every importer's trend in the text")
    html = render(path, "html")
    check(html.count("<svg") >= 6, "its charts")


def test_h200_stress_finding_invalid_imports_break_later_ones():
    """A driver finding recorded on the H200 (driver 580.159.04), two runs of
    200 s, 8 importers, the same mix: without chaos not one operation failed;
    with stale and foreign handles imported now and then (chaos 0.05), each
    was answered VK_ERROR_OUT_OF_DEVICE_MEMORY (not INVALID_EXTERNAL_HANDLE),
    and valid imports failed after them, more each minute, with the device
    using under 0.2 % of its memory."""
    clean = load(os.path.join(harness.DATA, "h200-stress-nochaos.json"))["stress"]
    bad = load(os.path.join(harness.DATA, "h200-stress-invalid-imports.json"))["stress"]
    check(clean["unexpected_failures"] == 0 and clean["ops_total"] > 10000,
          f"no failure without chaos: {clean['unexpected_failures']} of {clean['ops_total']}")
    check(bad["unexpected_failures"] > 1000, f"failures after invalid imports: "
          f"{bad['unexpected_failures']}")
    whats = [e["what"] for e in bad["events"]]
    check(whats and all("VK_ERROR_OUT_OF_DEVICE_MEMORY" in w for w in whats),
          f"every invalid import answered out of memory: {whats[:2]}")
    per_min = {}
    for p in bad["series"]["points"]:
        per_min[int(p["t_s"] // 60)] = per_min.get(int(p["t_s"] // 60), 0) + p["failed"]
    check(per_min[0] < per_min[1] < per_min[2], f"more failures each minute: {per_min}")
    peak = max(p["gpu_used"] or 0 for p in bad["series"]["points"])
    check(peak < 256 << 20, f"the device nearly empty: {peak >> 20} MiB in use")


def test_report_renders_a_stress_report():
    """A stress report: valid by the schema (which refuses it spoilt), rendered
    as text with its seed, kinds, faults, trends, verdict and sparklines drawn
    from the series in the JSON, and as HTML with one SVG line chart per
    quantity; a stress report without its part is refused, naming it."""
    r = load(STRESS)
    check(not schema_errors(r), f"the stress report validates: {schema_errors(r)[:3]}")
    s = r["stress"]
    for spoil in (lambda x: x["options"].__setitem__("seed", 12),
                  lambda x: x["series"]["points"][0]["latency"].__setitem__("fence2", {}),
                  lambda x: x["chaos"].pop("stale"),
                  lambda x: x["trends"][0].__setitem__("quantity", "fds"),
                  lambda x: x["series"]["points"][3]["handles"].__setitem__(1, -1)):
        bad = copy.deepcopy(r)
        spoil(bad["stress"])
        check(schema_errors(bad), "a spoilt stress part is refused by the schema")
    bad = copy.deepcopy(r)
    bad["bench"] = {}
    check(schema_errors(bad), "a stress report with a bench part is refused")
    text = render(STRESS)
    seed = s["options"]["seed"]
    check(f"replay with --seed {seed}" in text, "the seed to replay")
    for kind, o in s["operations"].items():
        if o["run"]:
            check(re.search(rf"^\s*{kind}\s+{o['done']}\s+{o['failed']}\s", text, re.M),
                  f"the {kind} row: {o['done']} done, {o['failed']} failed")
        elif o["skip"]:
            check(f"skipped: {o['skip']}" in text, f"{kind} skipped, with why")
    for kind, c in s["chaos"].items():
        if c["injected"]:
            check(re.search(rf"^\s*{kind}\s+{c['injected']}\s+{c['detected']}\s+"
                            rf"{c['recovered']}$", text, re.M), f"the {kind} faults")
    for t in s["trends"]:
        check((("FAIL  " if t["fails"] else "ok    ") + t["text"]) in text, f"trend {t['text']}")
    check(f"FAILED: {s['verdict']['text']}" in text, "the verdict")
    points = s["series"]["points"]
    for slot in range(1, s["series"]["processes"]):
        counts = [p["handles"][slot] for p in points]
        lo, line, hi = sparkline(text, f"importer {slot} handles")
        known = [c for c in counts if c is not None]
        check((int(lo), int(hi)) == (min(known), max(known)),
              f"importer {slot}: {lo}..{hi}, the JSON says {min(known)}..{max(known)}")
        check(len(line) == len(points), f"one character a point ({len(points)})")
        for ch, c in zip(line, counts):
            want = " " if c is None else SPARK[0] if max(known) == min(known) else \
                SPARK[round((c - min(known)) / (max(known) - min(known)) * 7)]
            check(ch == want, f"importer {slot}: {line!r}: {c} drawn as {ch!r}, not {want!r}")
    html = render(STRESS, "html")
    check("<script" not in html, "no script")
    charts = re.findall(r'<svg class="vkw-line-chart".*?</svg>', html, re.S)
    check(len(charts) == 7, f"seven line charts, got {len(charts)}")
    handles = [c for c in charts if "<title>open handles per process</title>" in c]
    check(len(handles) == 1 and all(f">importer {k}</text>" in handles[0] for k in (1, 2, 3)),
          "the handles chart's legend names each process")
    with tempfile.TemporaryDirectory() as d:
        bad = copy.deepcopy(r)
        del bad["stress"]
        path = write(d, "no-stress.json", bad)
        p = run("report", path)
        check(p.returncode == 2 and p.stdout == "", f"no stress part: exit 2, got {p.returncode}")
        one_stderr_line(p, "stress is missing")
        bad = copy.deepcopy(r)
        bad["stress"]["series"]["points"][4]["resident"] = [1, 2]
        path = write(d, "short.json", bad)
        p = run("report", path, "--format", "html")
        check(p.returncode == 2 and p.stdout == "", f"a short array: exit 2, got {p.returncode}")
        one_stderr_line(p, "stress.series.points[4].resident has not one entry per process (4)")


if __name__ == "__main__":
    sys.exit(harness.main(globals()))
