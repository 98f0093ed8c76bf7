#!/usr/bin/env python3
"""Checks the layering of the C sources from their #include lines, and fails
(exit 1, one line per finding) when one breaks it:

  * a folder includes a header of a folder above it (LAYERS, lowest first:
    each may include only itself and the folders listed before it);
  * cli/ includes a header of the library that is not public (PUBLIC);
  * the modules (x.c with x.h) include each other in a circle.

    scripts/check-layers.py [--graph]
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Lowest first. A folder may include its own headers and those of the folders before it.
LAYERS = ["src/base", "src/platform", "src/vk", "src/interop", "src/report", "probes", "src/bench", "src/stress", "src/check",
          "src", "cli"]

# The library's public headers: the only ones the command line may include.
# src/vkw.h lists them too.
PUBLIC = {"src/vkw.h", "src/base/status.h", "src/base/text_buffer.h", "src/platform/stop.h",
          "src/vk/names.h", "src/vk/device_filter.h", "src/report/report.h",
          "src/report/bench_report.h", "src/report/report_vocab.h", "src/report/report_file.h",
          "src/report/compare.h", "probes/probe_run.h", "src/bench/bench.h",
          "src/check/check.h", "src/stress/stress.h", "src/report/stress_report.h",
          "src/report/stress_options.h",
          # the bench's options as data: cli/args.c parses argv and prints usage with them
          "src/report/bench_options.h"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources():
    out = subprocess.run(["git", "ls-files", "src", "probes", "cli"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    return [f for f in out if f.endswith((".c", ".h"))]


def resolve(frm, inc, known):
    """The repository path an #include names: next to the file first, then
    under src/ and the top (the library's include directories)."""
    for base in (os.path.dirname(frm), "src", ""):
        p = os.path.normpath(os.path.join(base, inc))
        if p in known:
            return p
    return None


def layer_of(path):
    d = os.path.dirname(path)
    return LAYERS.index(d) if d in LAYERS else None


def module_of(path):
    return os.path.splitext(path)[0]


def find_cycle(graph):
    """One circle of the module graph, as a list of modules, or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {n: WHITE for n in graph}
    stack = []

    def visit(n):
        colour[n] = GREY
        stack.append(n)
        for m in sorted(graph[n]):
            if colour.get(m, WHITE) == GREY:
                return stack[stack.index(m):] + [m]
            if colour.get(m, WHITE) == WHITE:
                c = visit(m)
                if c:
                    return c
        stack.pop()
        colour[n] = BLACK
        return None

    for n in sorted(graph):
        if colour[n] == WHITE:
            c = visit(n)
            if c:
                return c
    return None


def main():
    files = sources()
    known = set(files)
    findings = []
    graph = {}
    for f in files:
        with open(os.path.join(ROOT, f), encoding="utf-8") as fh:
            text = fh.read()
        mod = module_of(f)
        graph.setdefault(mod, set())
        for inc in INCLUDE.findall(text):
            tgt = resolve(f, inc, known)
            if tgt is None:
                findings.append(f"{f}: includes \"{inc}\", which is not a header of the project")
                continue
            lf, lt = layer_of(f), layer_of(tgt)
            if lf is None or lt is None:
                findings.append(f"{f}: includes {tgt}: a folder with no place in LAYERS")
            elif lt > lf:
                findings.append(f"{f}: includes {tgt}: {LAYERS[lf]}/ may not include from "
                                f"{LAYERS[lt]}/, a layer above it")
            if f.startswith("cli/") and tgt.startswith("src/") and tgt not in PUBLIC:
                findings.append(f"{f}: includes {tgt}, a header internal to the library "
                                f"(cli/ includes only {', '.join(sorted(PUBLIC))})")
            if module_of(tgt) != mod:
                graph[mod].add(module_of(tgt))
    # Circles: report each once, then cut it at its first edge and look again.
    while True:
        c = find_cycle(graph)
        if not c:
            break
        findings.append("circle: " + " -> ".join(c))
        graph[c[0]].discard(c[1])
    if "--graph" in sys.argv:
        for m in sorted(graph):
            print(f"{m}: {' '.join(sorted(graph[m]))}")
    for line in findings:
        print(f"check-layers: {line}")
    if findings:
        sys.stdout.flush()
        print(f"check-layers: {len(findings)} finding(s)", file=sys.stderr)
        return 1
    print(f"check-layers: {len(files)} files, {len(graph)} modules: no circle, no include "
          f"upwards")
    return 0


if __name__ == "__main__":
    sys.exit(main())
