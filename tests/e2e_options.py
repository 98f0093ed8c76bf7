#!/usr/bin/env python3
"""End-to-end tests of the options, declared once as data (issue 14, item 1):
the tool's own table (`vkwin32h help --list-options`) against the check
config's schema, against the README's usage lines and option tables, against
its own usage text; and an option or a list item given twice refused.

    e2e_options.py --exe PATH --schema PATH TEST_NAME
"""
import json
import os
import re
import sys
import tempfile

import harness
from harness import ROOT, check, run, write

EXIT_USAGE = 2
CONFIG_SCHEMA = os.path.join(ROOT, "schema", "vkwin32h-check-config.schema.json")
README = os.path.join(ROOT, "README.md")
COMMANDS = ["probe", "bench", "stress", "check", "report", "compare"]
FIELDS = ["commands", "short", "flag", "metavar", "type", "min", "max", "max_items", "default",
          "key", "where", "config_default", "names", "help"]


def options():
    """The tool's table: one dict per option."""
    p = run("help", "--list-options")
    check(p.returncode == 0, f"help --list-options: exit 0, got {p.returncode} {p.stderr!r}")
    out = []
    for line in p.stdout.splitlines():
        f = line.split("\t")
        check(len(f) == len(FIELDS), f"{len(FIELDS)} fields: {line!r}")
        o = dict(zip(FIELDS, f))
        o["commands"] = [c for c in o["commands"].split(",") if c]
        o["where"] = [w for w in o["where"].split(",") if w]
        o["names"] = [n for n in o["names"].split(",") if n]
        o["min"], o["max"], o["max_items"] = int(o["min"]), int(o["max"]), int(o["max_items"])
        o["hidden"] = o["help"].endswith(" (hidden)")
        out.append(o)
    check(len(out) > 20, f"the table lists every option: {len(out)}")
    return out


# ---- the check config's schema ----

STRUCTURAL_TOP = {"$schema", "name", "description", "os", "loader", "validate", "devices",
                  "capabilities", "benches", "reports"}
STRUCTURAL_BENCH = {"memory": {"name", "part", "expect"},
                    "round-trips": {"name", "part", "expect", "handle_type"},
                    "stress": {"name", "part", "expect"}}
JSON_WHOLE_MAX = 2**53 - 1  # a JSON number is exact to here: the config's bound past it


def schema_places(schema):
    """Where the keys go: top, and each bench part's properties and required keys."""
    places = {"top": (schema["properties"], schema.get("required", []))}
    for variant in schema["properties"]["benches"]["items"]["oneOf"]:
        part = variant["properties"]["part"]["const"]
        places[part] = (variant["properties"], variant.get("required", []))
    return places


def expected_default(o, required):
    """The config's default, as the schema must state it (None: none)."""
    if required:
        return None
    if o["type"] == "flag":
        return False
    text = o["config_default"] or o["default"]
    if not text:
        return None
    if o["type"] == "uint":
        return int(text)
    if o["type"] == "number":
        return float(text)
    if o["type"] == "names" and text == "all":
        return o["names"]
    if o["type"] in ("sizes", "names"):
        return text.split(",")
    return text


def compare_to_schema(o, where, prop, required):
    what = f"{o['flag']} / {where}.{o['key']}"
    t = o["type"]
    # A bench option a stress bench shares (sizes, handle_types, scenarios):
    # stress's own default and its own cap on the list (at most 8 sizes).
    shared = where == "stress" and "bench" in o["commands"]
    if t == "uint":
        most = min(o["max"], JSON_WHOLE_MAX)
        check(prop.get("type") == "integer", f"{what}: an integer, schema {prop.get('type')}")
        check(prop.get("minimum") == o["min"] and prop.get("maximum") == most,
              f"{what}: from {o['min']} to {most}, schema "
              f"{prop.get('minimum')} to {prop.get('maximum')}")
    elif t == "number":
        check(prop.get("type") == "number", f"{what}: a number, schema {prop.get('type')}")
        check(prop.get("minimum") == o["min"] and prop.get("maximum") == o["max"],
              f"{what}: from {o['min']} to {o['max']}, schema "
              f"{prop.get('minimum')} to {prop.get('maximum')}")
    elif t == "duration":
        check(prop.get("type") == "string" and prop.get("pattern") == "^[0-9]{1,12}(ms|s|m|h)$",
              f"{what}: a time as the command line takes it, schema {prop}")
    elif t == "flag":
        check(prop.get("type") == "boolean", f"{what}: a boolean, schema {prop.get('type')}")
    elif t == "enum":
        check(prop.get("enum") == o["names"], f"{what}: one of {o['names']}, schema "
              f"{prop.get('enum')}")
    elif t in ("names", "sizes"):
        check(prop.get("type") == "array" and prop.get("minItems") == 1 and
              (prop.get("maxItems") == o["max_items"] or
               (shared and 0 < prop.get("maxItems", 0) <= o["max_items"])) and
              prop.get("uniqueItems") is True,
              f"{what}: an array of 1 to {o['max_items']} items, each once; schema {prop}")
        items = prop.get("items", {})
        if t == "names":
            check(items.get("enum") == o["names"], f"{what}: items of {o['names']}, schema "
                  f"{items.get('enum')}")
        else:
            ints = [i for i in items.get("oneOf", []) if i.get("type") == "integer"]
            check(len(ints) == 1 and ints[0].get("minimum") == o["min"] and
                  ints[0].get("maximum") == o["max"],
                  f"{what}: sizes of {o['min']} to {o['max']} bytes, schema {ints}")
    else:
        check(False, f"{what}: a config key of type {t}")
    if shared:
        return
    want = expected_default(o, required)
    check(prop.get("default") == want,
          f"{what}: default {want!r}, schema {prop.get('default')!r}")


def test_options_table_matches_the_config_schema():
    """Every option with a config key has the schema's type, bounds, names and
    default there; every key of the schema's top level and of each bench part
    is an option of the table or one of the config's own keys."""
    with open(CONFIG_SCHEMA) as f:
        places = schema_places(json.load(f))
    table = options()
    keyed = {}
    for o in table:
        for where in o["where"]:
            keyed.setdefault(where, {})[o["key"]] = o
            props, required = places[where]
            if check(o["key"] in props, f"{o['flag']}: the schema has {where}.{o['key']}"):
                compare_to_schema(o, where, props[o["key"]], o["key"] in required)
        check(bool(o["where"]) == bool(o["key"]), f"{o['flag']}: a key has a place: {o}")
    structural = dict(STRUCTURAL_BENCH, top=STRUCTURAL_TOP)
    for where, (props, _) in places.items():
        extra = set(props) - set(keyed.get(where, {})) - structural[where]
        check(not extra, f"{where}: schema keys no option of the table declares: {sorted(extra)}")
    check(set(keyed.get("memory", {})) >= {"iterations", "sizes", "handle_types", "scenarios"},
          f"the memory bench keys come from the table: {sorted(keyed.get('memory', {}))}")
    check(set(keyed.get("stress", {})) >= {"importers", "concurrency", "duration", "cycles",
                                          "verify_every", "interval", "seed", "chaos",
                                          "chaos_kinds", "operations", "sizes", "handle_types",
                                          "scenarios"},
          f"the stress bench keys come from the tables: {sorted(keyed.get('stress', {}))}")


# ---- the README and the usage text ----

def usage_synopsis(command):
    """`vkwin32h help CMD`'s usage lines, joined: the words after 'usage:'."""
    p = run("help", command)
    check(p.returncode == 0, f"help {command}: exit 0, got {p.returncode}")
    lines = p.stdout.split("\n\n")[0]
    check(lines.startswith("usage: vkwin32h " + command), f"help {command}: {lines!r}")
    return " ".join(lines.replace("usage:", "", 1).split())


def readme_synopses(text):
    """The README's usage lines under "Commands and options", per command."""
    block = text.split("## Commands and options", 1)[1].split("```", 2)[1]
    out, current = {}, None
    for line in block.splitlines():
        if line.startswith("vkwin32h "):
            current = line.split()[1]
            out[current] = line
        elif line.strip() and current:
            out[current] += " " + line
    return {c: " ".join(v.split()) for c, v in out.items()}


def readme_tables(text):
    """{command: [(option items, row text)]}: each table after an
    '<!-- options: CMD' marker; an item is (flag, metavar or None)."""
    tables = {}
    for m in re.finditer(r"<!-- options: (\w+).*?-->\n((?:\|.*\n)+)", text):
        rows = []
        for row in m.group(2).splitlines()[2:]:
            cells = row.split("|")
            items = []
            for tick in re.findall(r"`([^`]+)`", cells[1]):
                words = tick.split()
                items.append((words[0], " ".join(words[1:]) or None))
            rows.append((items, "|".join(cells[2:]).replace("`", "")))
        check(m.group(1) not in tables, f"one README table per command: {m.group(1)}")
        tables[m.group(1)] = rows
    return tables


def test_options_readme_tables_match_the_tool():
    """The README's usage lines are the tool's; each command's option table
    names exactly the options the tool takes there, with their values, and
    states each bound and default the tool's table holds."""
    with open(README) as f:
        text = f.read()
    table = options()
    synopses = readme_synopses(text)
    tables = readme_tables(text)
    for command in COMMANDS:
        check(synopses.get(command) == usage_synopsis(command),
              f"README usage of {command} is the tool's:\n  README {synopses.get(command)!r}\n"
              f"  tool   {usage_synopsis(command)!r}")
        mine = [o for o in table if command in o["commands"] and not o["hidden"]]
        by_flag = {}
        for o in mine:
            by_flag[o["flag"]] = o
            if o["short"]:
                by_flag[o["short"]] = o
        rows = tables.get(command)
        if not check(rows is not None, f"README has an option table for {command}"):
            continue
        named = set()
        for items, meaning in rows:
            for flag, metavar in items:
                o = by_flag.get(flag)
                named.add(o["flag"] if o else flag)
                if not check(o is not None, f"README {command}: {flag} is an option of "
                             f"{command}"):
                    continue
                check(metavar is None or metavar == o["metavar"] or
                      o["metavar"].startswith(metavar + "|"),
                      f"README {command}: {flag} {metavar}: the tool says {o['metavar']!r}")
                if o["type"] == "uint":
                    check(f"{o['min']} to {o['max']}" in meaning,
                          f"README {command}: {flag} states '{o['min']} to {o['max']}': "
                          f"{meaning!r}")
                if o["default"]:
                    check(f"default {o['default']}" in meaning,
                          f"README {command}: {flag} states 'default {o['default']}': "
                          f"{meaning!r}")
        flags = {o["flag"] for o in mine}  # -q or --quiet names it
        check(named == flags, f"README {command}: the options of the tool, no more: "
              f"missing {sorted(flags - named)}, extra {sorted(named - flags)}")


def test_options_usage_lists_every_option():
    """`help CMD` shows every option the command takes, in its usage lines and
    its option lines, with the table's bounds and default (--nt-names was
    missing from bench's usage lines)."""
    table = options()
    for command in COMMANDS:
        p = run("help", command)
        head, _, body = p.stdout.partition("\n\n")
        for o in table:
            if command not in o["commands"] or o["hidden"]:
                continue
            check(f"[{o['flag']}" in head or f" {o['flag']} " in head,
                  f"help {command}: {o['flag']} in the usage lines")
            line = re.search(r"^  (?:-\w, )?" + re.escape(o["flag"]) + r"\b.*(?:\n {8,}.*)*",
                             body, re.M)
            if not check(line is not None, f"help {command}: a line for {o['flag']}"):
                continue
            said = " ".join(line.group(0).split())
            if o["type"] == "uint":
                check(f"{o['min']} to {o['max']}" in said, f"help {command}: {said!r} has "
                      f"the bounds {o['min']} to {o['max']}")
            if o["default"]:
                check(f"default {o['default']}" in said,
                      f"help {command}: {said!r} has the default {o['default']}")
    p = run("help", "bench")
    check("[--nt-names]" in p.stdout.split("\n\n")[0], "bench's usage lines name --nt-names")


# ---- given twice ----

def refused(argv, *needles):
    """argv is exit 2 with one line naming needles: before the '--bogus' after
    it (a parser that let the repeat pass stops there, rather than running)."""
    argv = argv + ["--bogus"] if argv[0] != "check" else argv
    p = run(*argv, timeout=30)
    check(p.returncode == EXIT_USAGE, f"{argv}: exit 2, got {p.returncode} {p.stderr!r}")
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    check(len(lines) == 1 and all(n in lines[0] for n in needles),
          f"{argv}: one line naming {needles}: {lines!r}")
    check(p.stdout == "", f"{argv}: nothing on stdout")


def test_options_given_twice_refused():
    """An option given twice, two options of one setting, and a list item given
    twice (in any spelling) are exit 2 naming them, on the command line and in
    a check config; each once is accepted."""
    refused(["bench", "--iterations", "5", "--iterations=6"], "'--iterations' given twice")
    refused(["bench", "-q", "--quiet"], "'--quiet' given twice")
    refused(["probe", "--json", "a.json", "--json", "b.json"], "'--json' given twice")
    refused(["compare", "a.json", "b.json", "--tolerance", "5", "--tolerance", "5"],
            "'--tolerance' given twice")
    refused(["bench", "--timeout", "3", "--timeout-ms", "3000"], "'--timeout'", "'--timeout-ms'")
    refused(["bench", "--nt-names", "--nt-names"], "'--nt-names' given twice")
    refused(["bench", "--modes", "fence,os,fence"], "--modes", "'fence' given twice")
    refused(["bench", "--sizes", "64K,65536"], "--sizes", "'65536' given twice")
    refused(["bench", "--handle-types", "OPAQUE_FD,OPAQUE_FD"], "--handle-types",
            "'OPAQUE_FD' given twice")
    refused(["bench", "--scenarios", "image-copy,image-copy"], "--scenarios", "given twice")
    refused(["bench", "--parts", "memory,memory"], "--parts", "'memory' given twice")
    # Once each is fine (then the unknown option is the error).
    p = run("bench", "--iterations", "5", "--timeout", "3", "--modes", "fence,os",
            "--sizes", "64K,16M", "--parts", "memory,round-trips", "-q", "--bogus")
    check(p.returncode == EXIT_USAGE and "unknown option '--bogus'" in p.stderr,
          f"each once is accepted: {p.stderr!r}")
    with tempfile.TemporaryDirectory() as d:
        bench = {"name": "m", "part": "memory", "sizes": ["64K", 65536], "iterations": 1,
                 "expect": {"verified": True}}
        cfg = {"name": "twice", "os": "linux", "devices": "all", "benches": [bench]}
        refused(["check", "--config", write(d, "c.json", cfg), "--dry-run"],
                "benches[0].sizes[1]: given twice")
        bench["sizes"] = ["64K", "16M"]
        p = run("check", "--config", write(d, "c.json", cfg), "--dry-run")
        check(p.returncode == 0, f"two sizes once each: exit 0, got {p.returncode} {p.stderr!r}")


if __name__ == "__main__":
    sys.exit(harness.main(globals()))
