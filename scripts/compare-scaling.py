#!/usr/bin/env python3
"""Measures how `vkwin32h compare` grows with the size of the reports.

Takes a real report (or makes one: a round-trip bench on the default device),
grows its round-trip results to each N by copying them (each copy's handle type
or OS primitive gets a suffix, so every result has a key of its own; copies
carry no histogram or raw samples, which compare does not read), and times
`vkwin32h compare BIG.json BIG-copy.json` (the report against an identical
copy) at each N, in wall and CPU time. Prints a table and the growth exponent
of the CPU time (wall time on a shared machine measures the neighbours too)
between consecutive sizes (1 is linear, n log n shows as a little above 1, 2 is quadratic), and
writes it all as JSON.

    scripts/compare-scaling.py --exe build/default/vkwin32h [--report R.json]
        [--sizes 20000,50000,100000,200000] [--out DIR] [--json FILE]

Exit 1 when the same pair takes 1 s of CPU or more at 20,000 results, or when
the growth from the smallest to the largest size is above n^1.3.
"""
import argparse
import copy
import json
import math
import os
import resource
import subprocess
import sys
import time


def grow(report, n):
    big = copy.deepcopy(report)
    base = [x for x in report["bench"]["round_trips"]["results"]]
    out = []
    k = 0
    while len(out) < n:
        for x in base:
            if len(out) == n:
                break
            y = copy.deepcopy(x)
            # compare reads no histogram and no raw sample; with them 200,000
            # results would pass the 256 MiB a report may have.
            y["histogram"] = []
            y["samples_ns"] = None
            if y.get("os_primitive"):
                y["os_primitive"] = f"{y['os_primitive']}#{k}"
            else:
                y["handle_type"] = f"{y.get('handle_type') or 'in-process'}#{k}"
            out.append(y)
        k += 1
    rt = big["bench"]["round_trips"]
    rt["results"] = out
    rt["summary"]["modes"] = n
    return big


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", required=True)
    ap.add_argument("--report", help="a real bench report with round trips (default: run one)")
    ap.add_argument("--sizes", default="20000,50000,100000,200000")
    ap.add_argument("--out", default="compare-scaling")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    src = a.report
    if not src:
        src = os.path.join(a.out, "real.json")
        p = subprocess.run([a.exe, "bench", "--parts", "round-trips", "--round-trips", "200",
                            "--warmup", "20", "--repeat", "5", "--json", src, "--quiet"],
                           capture_output=True, text=True, timeout=600)
        if not os.path.exists(src):
            sys.exit(f"no real report: exit {p.returncode}: {p.stderr}")
    with open(src) as f:
        real = json.load(f)
    rows = []
    for n in [int(s) for s in a.sizes.split(",")]:
        big = grow(real, n)
        old = os.path.join(a.out, f"big-{n}.json")
        new = os.path.join(a.out, f"big-{n}-copy.json")
        for path in (old, new):
            with open(path, "w") as f:
                json.dump(big, f, separators=(",", ":"))
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        p = subprocess.run([a.exe, "compare", old, new, "--quiet"], capture_output=True,
                           text=True, timeout=3600)
        secs = time.monotonic() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        if p.returncode != 0:
            sys.exit(f"compare of {n} results: exit {p.returncode}: {p.stderr}")
        rows.append({"results": n, "report_bytes": os.path.getsize(old), "seconds": round(secs, 3),
                     "cpu_seconds": round(cpu, 3)})
        print(f"{n:8d} results  {os.path.getsize(old) / 1e6:8.1f} MB  {secs:7.3f} s wall  "
              f"{cpu:7.3f} s CPU", flush=True)
        for path in (old, new):
            os.remove(path)
    for prev, cur in zip(rows, rows[1:]):
        cur["exponent_from_previous"] = round(
            math.log(cur["cpu_seconds"] / prev["cpu_seconds"]) /
            math.log(cur["results"] / prev["results"]), 2)
    first, last = rows[0], rows[-1]
    if len(rows) < 2:
        sys.exit("give two sizes or more")
    exponent = math.log(last["cpu_seconds"] / first["cpu_seconds"]) / math.log(
        last["results"] / first["results"])
    under_1s = next((r["cpu_seconds"] < 1.0 for r in rows if r["results"] == 20000), None)
    ok = exponent <= 1.3 and under_1s is not False
    tally = {"source_report": src, "rows": rows, "exponent": round(exponent, 2),
             "pair_of_20000_under_1s": under_1s, "met": ok}
    path = a.json or os.path.join(a.out, "scaling.json")
    with open(path, "w") as f:
        json.dump(tally, f, indent=2)
    print(f"growth from {first['results']} to {last['results']} results: n^{exponent:.2f} "
          f"(1 linear, 2 quadratic); 20,000 results "
          f"{'under' if under_1s else 'NOT under'} 1 s of CPU; tally in {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
