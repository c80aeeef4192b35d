#!/usr/bin/env python3
"""Reads cvmprep's JUnit XML back and holds it against the JSON report of the same run.

junitcheck.py XML JSON: exits 0 when XML parses (expat, through xml.etree) into a suite per area
in report order, a testcase per check whose outcome is the check's status, counts that add up,
times that are the sums of their testcases' to the microsecond, the run's properties, and every
text of the report as the JSON has it (but what XML 1.0 cannot hold, written as the writer's
escape); else prints why.
"""
import calendar
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
from decimal import Decimal

# What XML 1.0 has no character for (section 2.2, Char): the writer shows them as \xNN or \uFFFF.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def as_xml(s):
    """s from the JSON report as the XML must carry it."""
    if s is None:
        return None
    return FORBIDDEN.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x20 else f"\\u{ord(m.group()):04x}", s)


def outcome(case):
    """The status a testcase says, and its outcome element (or None)."""
    kids = [k for k in case if k.tag in ("failure", "error", "skipped")]
    assert len(kids) <= 1, f"{case.get('name')}: {len(kids)} outcomes"
    if kids:
        return {"failure": "fail", "error": "unknown", "skipped": "skip"}[kids[0].tag], kids[0]
    out = case.find("system-out")
    if out is not None and (out.text or "").startswith("warn: "):
        return "warn", out
    assert out is None, f"{case.get('name')}: a system-out without a warning"
    return "pass", None


def details(c, first):
    lines = [first + as_xml(c["message"])] if first and c["message"] is not None else []
    for label, key in (("observed", "observed"), ("expected", "expected"), ("fix", "remediation")):
        if c[key] is not None:
            lines.append(f"{label}: {as_xml(c[key])}")
    return "\n".join(lines)


def epoch(stamp):
    return calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%S"))


def main(xml_path, json_path):
    doc = json.load(open(json_path, encoding="utf-8"))
    root = ET.parse(xml_path).getroot()
    assert root.tag == "testsuites", root.tag
    checks = doc["checks"]
    # The areas in report order, each with its checks in report order.
    areas = {}
    for c in checks:
        areas.setdefault(c["id"].split(".")[0], []).append(c)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [f"cvmprep.{a}" for a in areas], \
        f"suites {[s.get('name') for s in suites]}, areas {list(areas)}"
    assert [s.get("id") for s in suites] == [str(i) for i in range(len(suites))]
    want_props = {"cvmprep.verdict": doc["verdict"], "cvmprep.profile": doc["profile"]["name"],
                  "cvmprep.version": doc["tool"]["version"], "cvmprep.mode": doc["host"]["mode"],
                  "cvmprep.root": as_xml(doc["host"]["root"]), "cvmprep.kernel": as_xml(doc["host"]["kernel"]),
                  "cvmprep.os": as_xml(doc["host"]["os"]["pretty_name"] or doc["host"]["os"]["id"])}
    # Two runs (the XML, the JSON): the same second, or close to it.
    stamp = epoch(doc["generated_at"].rstrip("Z"))
    hostname = as_xml(doc["host"]["hostname"])
    statuses = {"pass": 0, "warn": 0, "fail": 0, "unknown": 0, "skip": 0}
    total_us = Decimal(0)
    for suite, (area, cs) in zip(suites, areas.items()):
        name = suite.get("name")
        props = {p.get("name"): p.get("value") for p in suite.find("properties")}
        for k, v in want_props.items():
            if v is not None:
                assert props.get(k) == v, f"{name}: property {k} {props.get(k)!r}, want {v!r}"
        assert abs(epoch(suite.get("timestamp")) - stamp) <= 2, f"{name}: timestamp {suite.get('timestamp')}, report {doc['generated_at']}"
        assert suite.get("hostname") == (hostname or "unknown"), f"{name}: hostname {suite.get('hostname')!r}, want {hostname!r}"
        assert suite.get("package") == "cvmprep"
        cases = suite.findall("testcase")
        assert [t.get("name") for t in cases] == [c["id"] for c in cs], f"{name}: testcases"
        count = {"pass": 0, "warn": 0, "fail": 0, "unknown": 0, "skip": 0}
        suite_us = Decimal(0)
        for t, c in zip(cases, cs):
            cid = c["id"]
            assert t.get("classname") == f"cvmprep.{area}", f"{cid}: classname {t.get('classname')}"
            got, elem = outcome(t)
            assert got == c["status"], f"{cid}: the XML says {got}, the JSON {c['status']}"
            message = as_xml(c["message"]) if c["message"] is not None else c["status"]
            if got in ("fail", "unknown"):
                assert elem.get("type") == c["status"], f"{cid}: type {elem.get('type')}"
                assert elem.get("message") == message, f"{cid}: message {elem.get('message')!r}, want {message!r}"
                assert (elem.text or "") == details(c, None), f"{cid}: text {elem.text!r}, want {details(c, None)!r}"
            elif got == "skip":
                assert elem.get("message") == message, f"{cid}: message {elem.get('message')!r}, want {message!r}"
            elif got == "warn":
                assert elem.text == details(c, "warn: "), f"{cid}: system-out {elem.text!r}, want {details(c, 'warn: ')!r}"
            count[got] += 1
            suite_us += Decimal(t.get("time"))
        assert suite.get("tests") == str(len(cs)), f"{name}: tests {suite.get('tests')}"
        for attr, st in (("failures", "fail"), ("errors", "unknown"), ("skipped", "skip")):
            assert suite.get(attr) == str(count[st]), f"{name}: {attr} {suite.get(attr)}, want {count[st]}"
        assert Decimal(suite.get("time")) == suite_us, f"{name}: time {suite.get('time')}, its testcases {suite_us}"
        for k in count:
            statuses[k] += count[k]
        total_us += suite_us
    assert statuses == doc["summary"], f"statuses {statuses}, summary {doc['summary']}"
    assert root.get("tests") == str(len(checks))
    assert root.get("failures") == str(statuses["fail"]) and root.get("errors") == str(statuses["unknown"])
    assert Decimal(root.get("time")) == total_us, f"time {root.get('time')}, its suites {total_us}"
    s = doc["summary"]
    print(f"{len(suites)} suites, {len(checks)} testcases: {s['fail']} failures, {s['unknown']} errors, "
          f"{s['skip']} skipped, {s['warn']} warnings")


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2])
    except (AssertionError, ET.ParseError, KeyError, TypeError, ValueError) as e:
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
