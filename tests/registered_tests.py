#!/usr/bin/env python3
"""Checks that CTest runs every test of the test sources, once, by its name.

The test names are written once, in the sources: tests/CMakeLists.txt reads
them at configure time (a C file's CASE(name) lines, a Python script's
`def test_name():` functions) and lists what it registered, per source, in
the file given here: lines of a key, a tab and a value (`tests` the folder,
`other_build` a test source the other build registers or "*", then per
program `source`, its `command` word by word and each registered `name`).
This runs each program with --list (the table it was compiled with, the
functions the script has now) and fails on any difference: a test that
CMake did not see or saw wrongly (an #if it misread), a list read before the
source last changed (a build configures again, ctest alone does not), a
test source in tests/ that no build registers, or a test that a test preset
of CMakePresets.json names (the tsan preset's list) and no source has.

    registered_tests.py LIST_FILE
"""
import glob
import json
import os
import re
import subprocess
import sys


def read_list(path):
    tests, other, programs = None, [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f.read().splitlines(), 1):
            key, sep, value = line.partition("\t")
            if not sep:
                sys.exit(f"{path}:{n}: no tab in {line!r}")
            if key == "tests":
                tests = value
            elif key == "other_build":
                other.append(value)
            elif key == "source":
                programs.append({"source": value, "command": [], "names": []})
            elif key in ("command", "name") and programs:
                programs[-1][key + "s" if key == "name" else key].append(value)
            else:
                sys.exit(f"{path}:{n}: unexpected {key!r}")
    return tests, other, programs


def preset_names_unknown(root, programs):
    """The plain test names that a native test preset's filter `^(a|b|...)$`
    selects by name, where no native test has that name."""
    registered = {n for p in programs for n in p["names"]}
    with open(os.path.join(root, "CMakePresets.json"), encoding="utf-8") as f:
        presets = json.load(f)
    problems = []
    for preset in presets.get("testPresets", []):
        if preset.get("configurePreset") == "mingw":
            continue
        pattern = preset.get("filter", {}).get("include", {}).get("name", "")
        m = re.fullmatch(r"\^\((.*)\)\$", pattern)
        for name in m.group(1).split("|") if m else []:
            if re.fullmatch(r"[A-Za-z0-9_]+", name) and name not in registered:
                problems.append(f"CMakePresets.json: test preset {preset['name']} names "
                                f"{name}, which no test source has")
    return problems


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: registered_tests.py LIST_FILE")
    tests, other, programs = read_list(sys.argv[1])
    problems = []
    for p in programs:
        where = f"tests/{p['source']}"
        try:
            run = subprocess.run(p["command"] + ["--list"], capture_output=True, text=True,
                                 timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            problems.append(f"{where}: {' '.join(p['command'])} --list: {e}")
            continue
        if run.returncode != 0:
            problems.append(f"{where}: --list exits {run.returncode}: {run.stderr.strip()[-500:]}")
            continue
        has = [line.strip() for line in run.stdout.splitlines() if line.strip()]
        registered = p["names"]
        for name in has:
            if name not in registered:
                problems.append(f"{where}: test {name} is not registered with CTest (configure "
                                f"the build again; a CASE line must read `CASE(name),`, a "
                                f"Python test `def test_name():` at the start of a line)")
        for name in registered:
            if name not in has:
                problems.append(f"{where}: CTest runs {name}, which the program does not have")
        for name in sorted({n for n in has if has.count(n) > 1}):
            problems.append(f"{where}: test {name} is listed twice")
        print(f"{where}: {len(has)} tests, {len(registered)} registered")
    if "*" not in other:
        registered = {p["source"] for p in programs}
        found = sorted(os.path.basename(f) for pattern in ("test_*.c", "e2e_*.py")
                       for f in glob.glob(os.path.join(tests, pattern)))
        for source in found:
            if source not in registered and source not in other:
                problems.append(f"tests/{source}: a test source that no build registers "
                                f"(tests/CMakeLists.txt: vkw_c_tests, vkw_py_tests)")
        problems += preset_names_unknown(os.path.dirname(tests), programs)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
