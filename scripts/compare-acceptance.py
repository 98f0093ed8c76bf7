#!/usr/bin/env python3
"""Measures whether `vkwin32h compare` neither misses a slowdown nor cries wolf,
on the real driver of this machine (lavapipe in CI).

Runs PAIRS pairs of identical benches (each side: every round-trip mode, each
repeated --repeat times) and PAIRS pairs where the new side runs under
`--fault double-round-trips` (every timed round trip done twice: a true 2x
slowdown), compares each pair, prints the tally and writes it as JSON.

    scripts/compare-acceptance.py --exe build/default/vkwin32h [--pairs 20]
        [--out DIR] [--json FILE] [--reuse]

The acceptance: of the identical pairs at most 1 is called a regression; of
the slowed pairs at least PAIRS - 1 are. Exit 0 when both hold, 1 otherwise.
The reports stay in DIR; --reuse compares the reports already there (to judge
a change to compare itself against the same runs).
"""
import argparse
import json
import os
import subprocess
import sys
import time

BENCH = ["bench", "--parts", "round-trips", "--round-trips", "200", "--warmup", "20",
         "--repeat", "5", "--quiet"]


def bench(exe, path, extra, reuse):
    if reuse and os.path.exists(path):
        return
    p = subprocess.run([exe, *BENCH, *extra, "--json", path], capture_output=True, text=True,
                       timeout=600)
    if not os.path.exists(path):
        sys.exit(f"no report from {' '.join(BENCH + extra)}: exit {p.returncode}: {p.stderr}")
    with open(path) as f:
        r = json.load(f)
    passed = [x for x in r["bench"]["round_trips"]["results"] if x["outcome"] == "passed"]
    if not passed:
        sys.exit(f"{path}: no round-trip mode passed: {p.stderr}")


def compare(exe, old, new, out):
    p = subprocess.run([exe, "compare", old, new, "--json", out, "--quiet"], capture_output=True,
                       text=True, timeout=120)
    if p.returncode not in (0, 13):
        sys.exit(f"compare {old} {new}: exit {p.returncode}: {p.stderr}")
    with open(out) as f:
        d = json.load(f)
    called = [f["what"] for f in d["findings"] if f["regression"]]
    return {"old": old, "new": new, "exit": p.returncode, "regression": p.returncode == 13,
            "regressions": called, "compared": d["compared"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", required=True)
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--out", default="compare-acceptance")
    ap.add_argument("--json", default=None, help="the tally (default: OUT/acceptance.json)")
    ap.add_argument("--reuse", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    t0 = time.monotonic()
    same, slowed = [], []
    for i in range(a.pairs):
        rp = lambda name: os.path.join(a.out, f"{name}-{i:02d}.json")
        # Identical: two runs back to back.
        bench(a.exe, rp("same-old"), [], a.reuse)
        bench(a.exe, rp("same-new"), [], a.reuse)
        # Slowed: the new side does every timed round trip twice.
        bench(a.exe, rp("slow-old"), [], a.reuse)
        bench(a.exe, rp("slow-new"), ["--fault", "double-round-trips"], a.reuse)
        same.append(compare(a.exe, rp("same-old"), rp("same-new"), rp("same-compare")))
        slowed.append(compare(a.exe, rp("slow-old"), rp("slow-new"), rp("slow-compare")))
        print(f"pair {i + 1:2d}: identical {'REGRESSION' if same[-1]['regression'] else 'ok':10s}"
              f" slowed {'REGRESSION' if slowed[-1]['regression'] else 'missed':10s}"
              f" ({len(slowed[-1]['regressions'])} figure(s) called)", flush=True)
    false_alarms = sum(x["regression"] for x in same)
    caught = sum(x["regression"] for x in slowed)
    ok = false_alarms <= 1 and caught >= a.pairs - 1
    tally = {
        "bench": BENCH, "pairs": a.pairs, "seconds": round(time.monotonic() - t0, 1),
        "identical_pairs_called_regression": false_alarms,
        "slowed_pairs_called_regression": caught,
        "acceptance": {"identical_at_most": 1, "slowed_at_least": a.pairs - 1, "met": ok},
        "identical": same, "slowed": slowed,
    }
    path = a.json or os.path.join(a.out, "acceptance.json")
    with open(path, "w") as f:
        json.dump(tally, f, indent=2)
    print(f"identical pairs called a regression: {false_alarms} of {a.pairs} (at most 1)")
    print(f"2x-slowed pairs called a regression: {caught} of {a.pairs} (at least {a.pairs - 1})")
    print(f"acceptance {'met' if ok else 'NOT met'}; tally in {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
