#!/usr/bin/env python3
"""Mutation testing for vkwin32h: does the suite catch the bugs it exists for?

Each mutant in tests/mutation/mutants.json is one small, plausible bug: an exact
piece of text in one source file (it must occur there exactly once) and what
replaces it, with a (Python) regular expression selecting the tests that must catch it.
The runner copies the tracked sources to a scratch folder (the checkout is never
modified, so a killed run leaves nothing mutated behind), builds them once,
checks that the selected tests pass on the unmutated code, then for each mutant:
writes the mutated file, rebuilds incrementally, runs the selected tests, and
restores the file. A mutant is

  killed      a selected test failed (or timed out) on it;
  survived    every selected test passed: the suite misses that bug;
  stale       its text no longer occurs exactly once (the code moved: update it);
  stillborn   it does not compile (not a bug the tests could see: rewrite it).

Exit 0 only when every mutant was killed. --json writes the outcome of each.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                         capture_output=True).stdout
    return [p for p in out.decode().split("\0") if p]


def copy_tree(dest):
    for rel in tracked_files():
        src = os.path.join(ROOT, rel)
        if not os.path.isfile(src) or os.path.islink(src):
            continue
        dst = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)


def run(cmd, cwd, timeout):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"") + (e.stderr or b"")
        return 124, out.decode(errors="replace") if isinstance(out, bytes) else out


def test_names(build):
    """Every test CTest knows in the build, by name."""
    rc, out = run(["ctest", "--test-dir", build, "-N"], build, 120)
    names = []
    for line in out.splitlines():
        m = re.match(r"\s*Test\s+#\d+:\s+(\S+)", line)
        if m:
            names.append(m.group(1))
    return names


def selection(names, pattern):
    """The tests whose names match the mutant's (Python) regular expression,
    as one CTest regular expression (CMake's has few groups: one is used)."""
    chosen = [n for n in names if re.search(pattern, n)]
    return chosen, "^(" + "|".join(re.escape(n) for n in chosen) + ")$"


def load_mutants(path):
    with open(path, encoding="utf-8") as f:
        mutants = json.load(f)
    ids = set()
    for m in mutants:
        for key in ("id", "category", "file", "find", "replace", "tests"):
            if not isinstance(m.get(key), str) or not m[key]:
                sys.exit(f"mutation: {path}: mutant {m.get('id', '?')}: '{key}' missing")
        if m["id"] in ids:
            sys.exit(f"mutation: {path}: mutant id '{m['id']}' given twice")
        if m["find"] == m["replace"]:
            sys.exit(f"mutation: {path}: mutant {m['id']}: replace equals find")
        ids.add(m["id"])
    return mutants


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mutants", default=os.path.join(HERE, "mutants.json"))
    ap.add_argument("--only", action="append", default=[],
                    help="run only the mutant with this id (repeatable)")
    ap.add_argument("--category", action="append", default=[])
    ap.add_argument("--work", help="scratch folder (default: a new temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    ap.add_argument("--json", help="write each mutant's outcome here")
    ap.add_argument("--test-timeout", type=int, default=240,
                    help="seconds for one mutant's tests (a hang counts as killed)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = ap.parse_args()

    mutants = load_mutants(args.mutants)
    if args.only:
        unknown = set(args.only) - {m["id"] for m in mutants}
        if unknown:
            sys.exit(f"mutation: no mutant {', '.join(sorted(unknown))}")
        mutants = [m for m in mutants if m["id"] in args.only]
    if args.category:
        mutants = [m for m in mutants if m["category"] in args.category]
    if args.list:
        for m in mutants:
            print(f"{m['category']:<14} {m['id']:<44} {m['file']}  [{m['tests']}]")
        print(f"{len(mutants)} mutants")
        return 0

    started = time.monotonic()
    work = args.work or tempfile.mkdtemp(prefix="vkw-mutation-")
    src = os.path.join(work, "src-tree")
    build = os.path.join(work, "build")
    if os.path.exists(src):
        shutil.rmtree(src)
    copy_tree(src)
    print(f"mutation: {len(mutants)} mutants; sources copied to {src}", flush=True)

    rc, out = run(["cmake", "-S", src, "-B", build, "-DCMAKE_BUILD_TYPE=RelWithDebInfo"],
                  src, 600)
    if rc == 0:
        rc, out = run(["cmake", "--build", build, f"-j{args.jobs}"], src, 1200)
    if rc != 0:
        print(out[-4000:])
        sys.exit("mutation: the unmutated sources do not build")

    # Every selected test must pass on the unmutated code, or a "kill" means nothing.
    names = test_names(build)
    for m in mutants:
        m["chosen"], m["regex"] = selection(names, m["tests"])
    union_names = sorted({n for m in mutants for n in m["chosen"]})
    _, union = selection(union_names, ".")
    rc, out = run(["ctest", "--test-dir", build, "-R", union, f"-j{args.jobs}",
                   "--timeout", str(args.test_timeout), "--output-on-failure"],
                  build, args.test_timeout * 4)
    if rc != 0 or not union_names:
        print(out[-6000:])
        sys.exit("mutation: the selected tests do not pass on the unmutated code")
    print(f"mutation: baseline built and its tests pass "
          f"({time.monotonic() - started:.0f} s)", flush=True)

    results = []
    for m in mutants:
        t0 = time.monotonic()
        path = os.path.join(src, m["file"])
        with open(path, encoding="utf-8") as f:
            original = f.read()
        n = original.count(m["find"])
        if n != 1:
            outcome, detail = "stale", f"the text occurs {n} times in {m['file']}"
        elif not m["chosen"]:
            outcome, detail = "stale", f"no test matches '{m['tests']}'"
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original.replace(m["find"], m["replace"]))
            try:
                rc, out = run(["cmake", "--build", build, f"-j{args.jobs}"], src, 900)
                if rc != 0:
                    outcome, detail = "stillborn", "does not compile"
                else:
                    rc, out = run(["ctest", "--test-dir", build, "-R", m["regex"],
                                   f"-j{args.jobs}", "--timeout", str(args.test_timeout)],
                                  build, args.test_timeout * 4)
                    if rc == 0:
                        outcome, detail = "survived", "every selected test passed"
                    else:
                        failed = [ln.split(" - ", 1)[1].split(" (")[0].strip()
                                  for ln in out.splitlines()
                                  if " - " in ln and ln.strip()[:1].isdigit()]
                        outcome = "killed"
                        detail = "by " + (", ".join(failed) or f"ctest exit {rc}")
            finally:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original)
        secs = time.monotonic() - t0
        results.append({"id": m["id"], "category": m["category"], "file": m["file"],
                        "outcome": outcome, "detail": detail, "seconds": round(secs, 1)})
        print(f"  {outcome:<9} {m['id']:<44} {secs:5.0f} s  {detail}", flush=True)

    # Leave the build matching the sources, so a kept work folder is usable.
    run(["cmake", "--build", build, f"-j{args.jobs}"], src, 900)
    total = time.monotonic() - started
    by = {}
    for r in results:
        by.setdefault(r["outcome"], 0)
        by[r["outcome"]] += 1
    cats = {}
    for r in results:
        c = cats.setdefault(r["category"], [0, 0])
        c[0] += 1
        c[1] += r["outcome"] == "killed"
    print("mutation: by category: " +
          ", ".join(f"{k} {v[1]}/{v[0]}" for k, v in sorted(cats.items())))
    print(f"mutation: {by.get('killed', 0)} killed, {by.get('survived', 0)} survived, "
          f"{by.get('stale', 0)} stale, {by.get('stillborn', 0)} stillborn "
          f"of {len(results)} mutants in {total:.0f} s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"seconds": round(total, 1), "mutants": results}, f, indent=2)
    if not args.keep and not args.work:
        shutil.rmtree(work, ignore_errors=True)
    bad = [r for r in results if r["outcome"] != "killed"]
    for r in bad:
        print(f"mutation: {r['outcome']}: {r['id']} ({r['file']}): {r['detail']}",
              file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
