#!/usr/bin/env python3
"""The stress engine's overhead: its memory cycle rate with one importer, one
object in flight and no chaos, next to the bench's memory cycle rate for the
same size and scenario, both measured now on this machine.

The bench's rate is per cycle of wall time: two benches of n1 and n2
iterations, (bench_ms(n2) - bench_ms(n1)) / (n2 - n1), so that its start (the
probe, the child, the device) cancels out. The stress rate is its operations
over its own elapsed time (which starts once the importers are up). Each is
the median of --repeat runs. Prints one line per size and scenario and
writes them as JSON.

    scripts/stress-overhead.py --exe build/default/vkwin32h --out overhead.json \
        [--sizes 64K,1M] [--scenarios buffer-map,buffer-copy] [--cycles 400] [--repeat 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run_json(exe, argv):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "r.json")
        p = subprocess.run([exe, *argv, "--json", path, "--quiet"], capture_output=True,
                           text=True, timeout=1800)
        if p.returncode != 0:
            sys.exit(f"{' '.join(argv)}: exit {p.returncode}: {p.stderr.strip()}")
        with open(path) as f:
            return json.load(f)


def bench_ms(exe, size, scenario, iterations):
    r = run_json(exe, ["bench", "--parts", "memory", "--sizes", size, "--scenarios", scenario,
                       "--verify", "cpu", "--threads", "1", "--iterations", str(iterations)])
    return r["bench"]["bench_ms"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--sizes", default="64K,1M")
    ap.add_argument("--scenarios", default="buffer-map,buffer-copy")
    ap.add_argument("--cycles", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    rows = []
    for size in a.sizes.split(","):
        for scenario in a.scenarios.split(","):
            n1, n2 = max(a.cycles // 8, 5), a.cycles
            bench_rates, stress_rates = [], []
            for _ in range(a.repeat):
                t1 = bench_ms(a.exe, size, scenario, n1)
                t2 = bench_ms(a.exe, size, scenario, n2)
                bench_rates.append((n2 - n1) / ((t2 - t1) / 1000.0))
                s = run_json(a.exe, ["stress", "--importers", "1", "--concurrency", "1",
                                     "--operations", "memory", "--sizes", size, "--scenarios",
                                     scenario, "--cycles", str(n2), "--verify-every", "1",
                                     "--progress", "never"])["stress"]
                stress_rates.append(s["ops_total"] / s["elapsed_s"])
            b, st = statistics.median(bench_rates), statistics.median(stress_rates)
            row = {"size": size, "scenario": scenario, "cycles": n2, "repeat": a.repeat,
                   "bench_cycles_per_s": round(b, 1), "stress_ops_per_s": round(st, 1),
                   "ratio": round(st / b, 3), "bench_runs": [round(x, 1) for x in bench_rates],
                   "stress_runs": [round(x, 1) for x in stress_rates]}
            rows.append(row)
            print(f"{size:>5} {scenario:<12} bench {b:8.1f} cycles/s  stress {st:8.1f} ops/s  "
                  f"ratio {st / b:.3f}", flush=True)
    with open(a.out, "w") as f:
        json.dump({"rows": rows}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
