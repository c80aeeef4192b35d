#!/usr/bin/env python3
"""Reads cvmprep's Prometheus text metrics back.

promcheck.py PROM JSON: exits 0 when PROM is well-formed (each family's HELP and TYPE gauge once,
before its samples, samples of a family together, no timestamps, a trailing newline) and says
what the JSON report of the same run says: for `cvmprep check`, each check one-hot on its status,
the summary, the verdict and the time; for `cvmprep provision`, each step one-hot on its outcome
in the order the steps ran, the exit status and the time. Else prints why.
promcheck.py --families PROM...: prints the metric families the files hold, one a line.
"""
import calendar
import json
import re
import sys
import time

SAMPLE = re.compile(r'^([a-z_]+)(?:\{((?:[a-z_]+="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? ([0-9.e+-]+)$')
STATUSES = ("pass", "warn", "fail", "unknown", "skip")
OUTCOMES = ("done", "already", "planned", "skipped", "failed")


def parse(text):
    """The families' help and samples: {family: (help, [(labels, value)...])} in file order."""
    assert text.endswith("\n"), "no trailing newline"
    help_, type_, samples, seen = {}, {}, {}, []
    for line in text[:-1].split("\n"):
        m = re.fullmatch(r"# (HELP|TYPE) ([a-z_]+) (.+)", line)
        if m:
            d = help_ if m.group(1) == "HELP" else type_
            assert m.group(2) not in d, f"second # {m.group(1)} for {m.group(2)}"
            assert m.group(2) not in samples, f"# {m.group(1)} {m.group(2)} after its samples"
            d[m.group(2)] = m.group(3)
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample without timestamp: {line!r}"
        fam = m.group(1)
        assert fam in help_ and type_.get(fam) == "gauge", f"{fam}: no HELP/TYPE gauge before it"
        if seen and seen[-1] != fam:
            assert fam not in seen, f"{fam}: samples not together"
        seen.append(fam)
        labels = dict(re.findall(r'([a-z_]+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        samples.setdefault(fam, []).append((labels, float(m.group(3))))
    return {f: (help_[f], samples.get(f, [])) for f in help_}


def one_hot(samples, key, want, values, what):
    got = {l[values[0]]: v for l, v in samples if l.get(key[0]) == key[1]}
    assert set(got) == set(values[1]), f"{what}: {values[0]} {sorted(got)}"
    assert [s for s, v in got.items() if v == 1] == [want] and sum(got.values()) == 1, \
        f"{what}: not one-hot on {want}: {got}"


def check_time(fams, family, doc):
    ts = fams[family][1][0][1]
    gen = calendar.timegm(time.strptime(doc["generated_at"], "%Y-%m-%dT%H:%M:%SZ"))
    assert abs(ts - gen) <= 2, f"{family} {ts}, report {gen}"


def check_report(fams, doc):
    want = {"cvmprep_check_status", "cvmprep_checks", "cvmprep_compatible", "cvmprep_last_run_timestamp_seconds"}
    assert set(fams) == want, f"families {sorted(fams)}"
    status = fams["cvmprep_check_status"][1]
    for c in doc["checks"]:
        one_hot(status, ("id", c["id"]), c["status"], ("status", STATUSES), c["id"])
    assert len(status) == 5 * len(doc["checks"])
    assert {l["status"]: v for l, v in fams["cvmprep_checks"][1]} == {s: float(doc["summary"][s]) for s in STATUSES}
    assert fams["cvmprep_compatible"][1] == [({}, float(doc["verdict"] == "compatible"))], fams["cvmprep_compatible"]
    check_time(fams, "cvmprep_last_run_timestamp_seconds", doc)
    return f"{len(doc['checks'])} checks, verdict {doc['verdict']}"


def check_provision(fams, doc):
    prov = doc["provision"]
    want = {"cvmprep_provision_step", "cvmprep_provision_exit_code", "cvmprep_provision_last_run_timestamp_seconds"}
    assert set(fams) == want, f"families {sorted(fams)}"
    steps = fams["cvmprep_provision_step"][1]
    names = [s["name"] for s in prov["steps"]]
    order = list(dict.fromkeys(l["step"] for l, _ in steps))
    assert order == names, f"steps {order}, report {names}"
    for s in prov["steps"]:
        one_hot(steps, ("step", s["name"]), s["outcome"], ("outcome", OUTCOMES), s["name"])
    assert len(steps) == 5 * len(names)
    assert fams["cvmprep_provision_exit_code"][1] == [({}, float(prov["exit_code"]))]
    check_time(fams, "cvmprep_provision_last_run_timestamp_seconds", doc)
    outcomes = ", ".join(f"{s['name']} {s['outcome']}" for s in prov["steps"])
    return f"{len(names)} steps ({outcomes}), exit {prov['exit_code']}"


def main(argv):
    if argv[0] == "--families":
        names = []
        for path in argv[1:]:
            names += [f for f in parse(open(path, encoding="utf-8").read()) if f not in names]
        print("\n".join(names))
        return
    fams = parse(open(argv[0], encoding="utf-8").read())
    doc = json.load(open(argv[1], encoding="utf-8"))
    print(check_provision(fams, doc) if doc["provision"] else check_report(fams, doc))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except (AssertionError, KeyError, ValueError, IndexError) as e:
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
