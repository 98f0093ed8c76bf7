#!/usr/bin/env python3
"""The memory bench's figures from the reports scripts/gpu-memory.sh wrote to
a folder, one line each: per scenario the device's and the host's verify
GB/s, imported vs local, and each process's peak resident memory; the host's
verify with --verify cpu; validation errors; the round-trip overhead ratio.

    memory-figures.py FOLDER
"""
import json
import os
import sys


def load(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def gib(n):
    return f"{n / (1 << 30):g} GiB" if n >= 1 << 30 else f"{n / (1 << 20):g} MiB"


def scenario_lines(r):
    for sc in r["bench"]["memory"]:
        what = f"{sc['scenario']} {gib(sc['size_requested'])}"
        if sc["outcome"] != "passed":
            yield f"{what}: {sc['outcome']}: {sc.get('reason')}"
            continue
        g = sc.get("phase_gbps") or {}
        figures = [f"{k} {g[k]:.1f}" for k in ("parent_fill", "child_gpu_verify", "child_fill",
                                                 "parent_gpu_verify", "child_verify",
                                                 "parent_verify") if k in g]
        yield f"{what}: GB/s " + ", ".join(figures)
        ivl = sc.get("imported_vs_local") or {}
        if ivl.get("measured"):
            parts = []
            for d in ("write", "read"):
                x = ivl.get(d) or {}
                parts.append(f"{d} {x.get('imported_gbps', 0):.1f} / {x.get('local_gbps', 0):.1f}"
                             f" GB/s = {x.get('ratio', 0):.3f}")
            yield f"{what}: imported vs local: " + "; ".join(parts)
        else:
            yield f"{what}: imported vs local not measured: {ivl.get('reason')}"
        pr = sc.get("peak_resident") or {}
        if pr:
            yield (f"{what}: peak resident parent {pr.get('parent', 0) / 1e9:.3f} GB, child "
                   f"{(pr.get('child') or 0) / 1e9:.3f} GB (scenario only: "
                   f"{pr.get('scenario_only')})")


def main():
    folder = sys.argv[1]
    wall = os.path.join(folder, "wall.txt")
    if os.path.exists(wall):
        print(open(wall).read().strip())
    r = load(folder, "memory.json")
    if r:
        for line in scenario_lines(r):
            print(line)
    r = load(folder, "cpu-verify.json")
    if r:
        for sc in r["bench"]["memory"]:
            g = sc.get("phase_gbps") or {}
            print(f"--verify cpu --threads {r['bench']['options'].get('threads')} "
                  f"{sc['scenario']} {gib(sc['size_requested'])}: host verify GB/s child "
                  f"{g.get('child_verify', 0):.1f}, parent {g.get('parent_verify', 0):.1f}; "
                  f"host write child {g.get('child_write', 0):.1f}")
    r = load(folder, "validate.json")
    if r:
        print(f"--verify both --validate: {r['bench']['summary']}, validation errors "
              f"{r['validation']['validation_errors']} (child "
              f"{r['bench']['child']['validation_errors']})")
    r = load(folder, "overhead-process.json")
    if r:
        print(f"host-timeline process peer vs reference loop: ratio of medians "
              f"{r.get('ratio_of_medians')}")


if __name__ == "__main__":
    main()
