#!/usr/bin/env python3
"""The cross-API figures of a scripts/gpu-interop.sh run, one line each:
per importer and scenario its outcome, the child's read and verify, and CUDA's
copy speed of the imported memory against its own (imported vs local); per
importer and round-trip mode its p50 and p99 with their ratios to the OS
baseline and to Vulkan's side; the fds each 1000-cycle run kept.

    interop-figures.py OUT_DIR
"""
import json
import os
import sys


def load(d, name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def gb(x):
    return f"{x:.1f}" if x else "-"


def main():
    d = sys.argv[1]
    m = load(d, "memory.json")
    if m:
        b = m["bench"]
        for im in b.get("importers", []):
            print(f"importer {im['name']}: " + (f"{im['device']}, {im['version']}"
                                                if im["available"] else f"not available: {im['reason']}"))
        for sc in b["memory"]:
            size = sc["size_requested"] / 2**20
            head = f"memory {sc['importer']:6} {sc['scenario']:11} {size:6.0f} MiB {sc['outcome']}"
            if sc["outcome"] != "passed":
                print(f"{head}: {sc['reason']}")
                continue
            ph, v = sc["phases_us"], sc["verify"]
            ivl = sc.get("imported_vs_local") or {}
            extra = ""
            if ivl.get("measured"):
                w, r = ivl["write"], ivl["read"]
                extra = (f"; copies imported/local: write {gb(w['imported_gbps'])}/"
                         f"{gb(w['local_gbps'])} GB/s ({w['ratio']:.3f}), read "
                         f"{gb(r['imported_gbps'])}/{gb(r['local_gbps'])} GB/s ({r['ratio']:.3f})")
            print(f"{head}: child verify {gb(v['child_gbps'])} GB/s, parent verify "
                  f"{gb(v['parent_gbps'])} GB/s, import {ph['import']['median']:.0f} us{extra}")
        val = m.get("validation", {})
        print(f"memory validation errors: {val.get('validation_errors')} "
              f"(child under the layer: {b['child']['validation_enabled']})")
    rt = load(d, "rt.json")
    if rt:
        for x in rt["bench"]["round_trips"]["results"]:
            if x["mode"] == "os" or x["peer"] != "process":
                continue
            head = f"round trip {x['importer']:6} {x['mode']:14} {x['handle_type'] or '-':10} {x['outcome']}"
            if x["outcome"] != "passed":
                print(f"{head}: {x['reason']}")
                continue
            s = x["round_trip_ns"]
            base = x.get("ratio_to_best_baseline") or {}
            vk = x.get("ratio_to_vulkan") or {}
            print(f"{head}: p50 {s['p50'] / 1000:.1f} us, p99 {s['p99'] / 1000:.1f} us; "
                  f"x OS {base.get('p50', 0):.2f}/{base.get('p99') or 0:.2f}"
                  + (f"; x vulkan {vk['p50']:.2f}/{vk['p99']:.2f}" if vk else ""))
        val = rt.get("validation", {})
        print(f"round-trip validation errors: {val.get('validation_errors')}")
    for api in ("cuda", "gl"):
        lk = load(d, f"leak-{api}.json")
        if not lk:
            continue
        for sc in lk["bench"]["memory"]:
            h = sc.get("handles") or {}
            print(f"1000 cycles into {api}: {sc['outcome']}, {sc['iterations']} cycles, "
                  f"fds kept: {h.get('leaked')} (parent {h.get('parent_before')}->"
                  f"{h.get('parent_after')}, child {h.get('child_before')}->{h.get('child_after')})"
                  + ("" if sc["outcome"] == "passed" else f": {sc['reason']}"))
    c = load(d, "check.json")
    if c and c.get("check"):
        ex = c["check"]["expectations"]
        bad = [e for e in ex if e["outcome"] != "passed"]
        print(f"check nvidia-linux-interop.json: {len(ex) - len(bad)} of {len(ex)} passed"
              + "".join(f"\n  {e['id']}: {e['outcome']}: {e.get('detail') or e.get('message')}"
                        for e in bad))
    return 0


if __name__ == "__main__":
    sys.exit(main())
