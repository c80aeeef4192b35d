#!/usr/bin/env python3
"""Holds a Grafana dashboard to the shape Grafana imports and to the metrics cvmprep writes.

dashcheck.py DASHBOARD FAMILIES RULES: exits 0 when DASHBOARD is a dashboard (uid, title,
schemaVersion, a Prometheus datasource variable, panels on the 24-column grid with unique ids,
each but a row with the datasource variable and at least one target with a refId of its own and
an expression), every variable an expression uses is defined, and every metric an expression
names is one of FAMILIES (a file, one family a line, read from the tool's real output); writes
each expression, its variables replaced, as a recording rule to RULES for `promtool check rules`.
Prints the metrics used; else prints why.
"""
import json
import re
import sys

PANEL_TYPES = {"row", "stat", "timeseries", "bargauge", "table", "gauge", "state-timeline"}
# Grafana's own variables.
GLOBALS = {"__interval", "__interval_ms", "__rate_interval", "__range", "__range_s", "__range_ms"}
KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
            "group_left", "group_right", "inf", "nan", "Inf", "NaN"}
# What a variable stands for when promtool parses the expression.
SAMPLE_VALUES = {"__interval": "1m", "__rate_interval": "5m", "__range": "1h"}
# The three views the dashboard exists for.
REQUIRED = {"cvmprep_compatible", "cvmprep_check_status", "cvmprep_provision_step"}


def metric_names(expr):
    """The metric names a PromQL expression reads: what is left once strings, label matchers,
    ranges, grouping clauses, function calls and keywords are taken out."""
    s = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    s = re.sub(r"\{[^}]*\}", " ", s)
    s = re.sub(r"\[[^\]]*\]", " ", s)
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s)
    names = []
    for m in re.finditer(r"(?<![0-9A-Za-z_:.])[A-Za-z_:][A-Za-z0-9_:]*", s):
        if s[m.end():].lstrip().startswith("(") or m.group() in KEYWORDS:
            continue
        names.append(m.group())
    return names


def variables(text):
    return set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", text))


def main(dash_path, families_path, rules_path):
    dash = json.load(open(dash_path, encoding="utf-8"))
    families = set(open(families_path, encoding="utf-8").read().split())
    assert families, "no metric families"
    for key, kind in (("uid", str), ("title", str), ("schemaVersion", int), ("panels", list)):
        assert isinstance(dash.get(key), kind), f"dashboard: {key} is not {kind.__name__}"
    assert 0 < len(dash["uid"]) <= 40, "uid: 1 to 40 characters"
    tvars = dash["templating"]["list"]
    ds = [v for v in tvars if v.get("type") == "datasource" and v.get("query") == "prometheus"]
    assert len(ds) == 1, "no Prometheus datasource variable"
    ds_ref = {"type": "prometheus", "uid": "${%s}" % ds[0]["name"]}
    defined = {v["name"] for v in tvars} | GLOBALS
    exprs = []  # (where, expression)
    for v in tvars:
        if v.get("type") == "query":
            assert v.get("datasource") == ds_ref, f"variable {v['name']}: datasource {v.get('datasource')}"
            q = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
            m = re.fullmatch(r"label_values\(\s*(.+?)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)", q)
            assert m, f"variable {v['name']}: not label_values(SELECTOR, LABEL): {q!r}"
            exprs.append((f"variable {v['name']}", m.group(1)))
    ids = set()
    for p in dash["panels"]:
        where = f"panel {p.get('id')} {p.get('title')!r}"
        assert p.get("type") in PANEL_TYPES, f"{where}: type {p.get('type')}"
        assert isinstance(p.get("id"), int) and p["id"] not in ids, f"{where}: id not unique"
        ids.add(p["id"])
        assert isinstance(p.get("title"), str) and p["title"], f"{where}: no title"
        g = p.get("gridPos", {})
        assert all(isinstance(g.get(k), int) for k in "hwxy"), f"{where}: gridPos {g}"
        assert g["w"] > 0 and g["h"] > 0 and g["x"] >= 0 and g["x"] + g["w"] <= 24, f"{where}: off the grid {g}"
        if p["type"] == "row":
            continue
        assert p.get("datasource") == ds_ref, f"{where}: datasource {p.get('datasource')}, want {ds_ref}"
        targets = p.get("targets")
        assert isinstance(targets, list) and targets, f"{where}: no targets"
        refs = [t.get("refId") for t in targets]
        assert all(refs) and len(set(refs)) == len(refs), f"{where}: refIds {refs}"
        for t in targets:
            assert t.get("datasource", ds_ref) == ds_ref, f"{where} {t['refId']}: datasource"
            assert isinstance(t.get("expr"), str) and t["expr"].strip(), f"{where} {t['refId']}: no expr"
            exprs.append((f"{where} {t['refId']}", t["expr"]))
    used = set()
    rules = []
    for where, expr in exprs:
        undefined = variables(expr) - defined
        assert not undefined, f"{where}: undefined variables {sorted(undefined)}"
        names = metric_names(expr)
        assert names, f"{where}: names no metric: {expr!r}"
        unknown = sorted(set(names) - families)
        assert not unknown, f"{where}: {unknown} not a family cvmprep writes ({expr!r})"
        used |= set(names)
        parsed = re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: SAMPLE_VALUES.get(m.group(1), ".*"), expr)
        rules.append({"record": f"cvmprep:dashboard_{len(rules)}", "expr": parsed})
    missing = REQUIRED - used
    assert not missing, f"no panel reads {sorted(missing)}"
    # JSON is YAML: promtool reads it as a rules file.
    with open(rules_path, "w", encoding="utf-8") as f:
        json.dump({"groups": [{"name": "grafana-dashboard", "rules": rules}]}, f, indent=2)
    print(f"{len(dash['panels'])} panels, {len(exprs)} expressions over {', '.join(sorted(used))}")


if __name__ == "__main__":
    try:
        main(*sys.argv[1:4])
    except (AssertionError, KeyError, TypeError, ValueError) as e:
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
