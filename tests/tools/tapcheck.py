#!/usr/bin/env python3
"""A strict reader of TAP version 14 as cvmprep writes it, held against the JSON report.

tapcheck.py TAP JSON: exits 0 when TAP is well-formed TAP 14 (version line, plan, consecutive
test points, descriptions with only escaped '#', YAML diagnostics indented exactly two spaces
that parse as a mapping) and says of each check what the JSON report says; else prints why.
"""
import json
import re
import sys

import yaml

POINT = re.compile(r"^(ok|not ok) ([0-9]+) - (.*)$")
WANT_OK = {"pass": True, "warn": True, "skip": True, "fail": False, "unknown": False}


def split_directive(text):
    """The description unescaped, and what follows its first unescaped '#' (or None)."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 >= len(text) or text[i + 1] not in "\\#":
                raise ValueError(f"a lone backslash in {text!r}")
            out.append(text[i + 1])
            i += 2
            continue
        if c == "#":
            return "".join(out), text[i + 1:]
        out.append(c)
        i += 1
    return "".join(out), None


def main(tap_path, json_path):
    lines = open(tap_path, encoding="utf-8").read().split("\n")
    assert lines[-1] == "", "no final newline"
    lines = lines[:-1]
    assert lines[0] == "TAP version 14", f"first line {lines[0]!r}"
    m = re.fullmatch(r"1\.\.([0-9]+)", lines[1])
    assert m, f"no plan: {lines[1]!r}"
    planned = int(m.group(1))
    points, i = [], 2
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith("#"):
            continue
        m = POINT.match(line)
        assert m, f"line {i}: not a test point: {line!r}"
        ok, num, rest = m.group(1) == "ok", int(m.group(2)), m.group(3)
        assert num == len(points) + 1, f"line {i}: test {num} out of order"
        desc, directive = split_directive(rest)
        skip = None
        if directive is not None:
            d = re.fullmatch(r" SKIP (.+)", directive)
            assert d, f"line {i}: directive {directive!r} is not '# SKIP reason'"
            skip = d.group(1)
        diag = None
        if i < len(lines) and lines[i].startswith(" "):
            assert lines[i] == "  ---", f"line {i + 1}: YAML does not start '  ---': {lines[i]!r}"
            body, i = [], i + 1
            while lines[i] != "  ...":
                assert lines[i].startswith("  ") and not lines[i].startswith("   "), \
                    f"line {i + 1}: YAML not indented exactly two spaces: {lines[i]!r}"
                body.append(lines[i][2:])
                i += 1
            i += 1
            diag = yaml.safe_load("\n".join(body))
            assert isinstance(diag, dict), f"test {num}: YAML is not a mapping"
        points.append((ok, desc, skip, diag))
    assert len(points) == planned, f"plan 1..{planned}, {len(points)} test points"

    checks = json.load(open(json_path))["checks"]
    assert len(checks) == planned, f"{len(checks)} checks, plan {planned}"
    for n, ((ok, desc, skip, diag), c) in enumerate(zip(points, checks), 1):
        st = c["status"]
        assert ok == WANT_OK[st], f"test {n} ({c['id']}, {st}): ok={ok}"
        assert desc.split(":")[0].rstrip() == c["id"], f"test {n}: description {desc!r}, id {c['id']}"
        assert (skip is not None) == (st == "skip"), f"test {n} ({st}): SKIP {skip!r}"
        if st in ("pass", "skip"):
            assert diag is None, f"test {n} ({st}) has YAML"
            continue
        assert diag and diag.get("severity") == st, f"test {n} ({st}): YAML {diag}"
        assert diag.get("message") == c["message"], f"test {n}: message {diag.get('message')!r} is not {c['message']!r}"
    print(f"{planned} test points, {sum(p[0] for p in points)} ok")


if __name__ == "__main__":
    try:
        main(*sys.argv[1:])
    except (AssertionError, ValueError, yaml.YAMLError) as e:
        print(f"tapcheck: {e}", file=sys.stderr)
        sys.exit(1)
