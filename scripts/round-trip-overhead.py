#!/usr/bin/env python3
"""The tool's own round-trip overhead against the reference loop
(bench/minimal_timeline.c), measured where users read it: PAIRS alternating
runs of the same number of cross-process (or thread) host-timeline round
trips, the reference first, then `vkwin32h bench`; each run's p50; the ratio
of the medians of the p50s. Prints a summary and writes it as JSON.

    round-trip-overhead.py --tool build/default/vkwin32h
        --reference build/default/vkw_minimal_timeline [--peer process|thread]
        [--pairs 10] [--round-trips 20000] [--json FILE]

Exit codes: 0 measured, 77 the device cannot share timeline semaphores
between processes (the reference says why), 1 a run failed.
"""
import argparse
import json
import re
import statistics
import subprocess
import sys


def reference_p50(exe, trips, peer):
    p = subprocess.run([exe, str(trips), "200", peer], capture_output=True, text=True,
                       timeout=300)
    if p.returncode == 77:
        print(p.stdout.strip() or p.stderr.strip())
        sys.exit(77)
    m = re.search(r"p50 (\d+) ns", p.stdout)
    if p.returncode != 0 or not m:
        sys.exit(f"round-trip-overhead: the reference loop failed (exit {p.returncode}): "
                 f"{(p.stdout + p.stderr).strip()[-300:]}")
    return int(m.group(1))


def tool_p50(exe, trips, peer):
    p = subprocess.run([exe, "bench", "--parts", "round-trips", "--peer", peer, "--modes",
                        "host-timeline", "--round-trips", str(trips), "--json", "-"],
                       capture_output=True, text=True, timeout=300)
    try:
        r = json.loads(p.stdout)["bench"]["round_trips"]["results"]
        res = [x for x in r if x["mode"] == "host-timeline" and x["peer"] == peer][0]
        return int(res["round_trip_ns"]["p50"])
    except (ValueError, KeyError, IndexError):
        sys.exit(f"round-trip-overhead: vkwin32h bench failed (exit {p.returncode}): "
                 f"{p.stderr.strip()[-300:]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--reference", required=True)
    ap.add_argument("--peer", choices=["process", "thread"], default="process")
    ap.add_argument("--pairs", type=int, default=10)
    ap.add_argument("--round-trips", type=int, default=20000)
    ap.add_argument("--json")
    a = ap.parse_args()
    pairs = []
    for i in range(a.pairs):
        ref = reference_p50(a.reference, a.round_trips, a.peer)
        tool = tool_p50(a.tool, a.round_trips, a.peer)
        pairs.append({"reference_p50_ns": ref, "tool_p50_ns": tool})
        print(f"pair {i + 1:2}: reference p50 {ref / 1000:7.2f} us, vkwin32h p50 {tool / 1000:7.2f} us")
    ref_med = statistics.median(p["reference_p50_ns"] for p in pairs)
    tool_med = statistics.median(p["tool_p50_ns"] for p in pairs)
    out = {"peer": a.peer, "round_trips": a.round_trips, "pairs": pairs,
           "reference_median_p50_ns": ref_med, "tool_median_p50_ns": tool_med,
           "ratio_of_medians": tool_med / ref_med}
    print(f"host-timeline {a.peer} peer, {a.pairs} alternating pairs of {a.round_trips} round "
          f"trips: median p50 vkwin32h {tool_med / 1000:.2f} us, reference "
          f"{ref_med / 1000:.2f} us, ratio {tool_med / ref_med:.3f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
