#!/usr/bin/python3
"""Writes a fleet of JSON reports made from one, for summarize's tests and benchmark.

  genreports.py TEMPLATE OUTDIR COUNT [SEED]

TEMPLATE is a report of `cvmprep check --format json`. Each report OUTDIR/node-NNNNN.json is it
with another hostname and its statuses varied: every check pass (skip where the template
skips), then on a share of the nodes one to three checks warn, fail or are unknown, fail
mostly among a few checks so that some fail often; the verdict and summary follow. The same
SEED gives the same fleet. Prints, as JSON, what summarize must count: the verdicts, each
check's statuses, and the nodes that are not compatible with their failing or unknown checks.
"""
import json
import os
import random
import sys

STATUSES = ["pass", "warn", "fail", "unknown", "skip"]


def main(argv):
    template, outdir, count = argv[1], argv[2], int(argv[3])
    rng = random.Random(int(argv[4]) if len(argv) > 4 else 1)
    with open(template) as f:
        doc = json.load(f)
    checks = doc.pop("checks")
    ids = [c["id"] for c in checks]
    base = ["skip" if c["status"] == "skip" else "pass" for c in checks]
    often = rng.sample(range(len(checks)), min(5, len(checks)))
    # Each check's text in each status, rendered once: a report is then a join.
    rendered = [{s: json.dumps(dict(c, status=s), indent=1) for s in STATUSES} for c in checks]
    counts = {i: dict.fromkeys(STATUSES, 0) for i in ids}
    verdicts = dict.fromkeys(["compatible", "incompatible", "undecided"], 0)
    nodes = {}
    os.makedirs(outdir, exist_ok=True)
    for n in range(count):
        status = list(base)
        roll = rng.random()
        if roll < 0.15:
            for i in rng.sample(range(len(checks)), rng.randint(1, 3)):
                status[i] = "warn"
        elif roll < 0.30:
            for _ in range(rng.randint(1, 2)):
                status[rng.choice(often) if rng.random() < 0.8 else rng.randrange(len(checks))] = "fail"
        elif roll < 0.40:
            status[rng.randrange(len(checks))] = "unknown"
        verdict = ("incompatible" if "fail" in status else
                   "undecided" if "unknown" in status else "compatible")
        verdicts[verdict] += 1
        for i, s in zip(ids, status):
            counts[i][s] += 1
        name = f"node-{n:05d}.json"
        if verdict != "compatible":
            why = "fail" if verdict == "incompatible" else "unknown"
            nodes[name] = [i for i, s in zip(ids, status) if s == why]
        head = dict(doc, verdict=verdict,
                    summary={s: status.count(s) for s in STATUSES})
        head["host"] = dict(doc["host"], hostname=f"node-{n:05d}")
        provision = json.dumps(head.pop("provision", None))
        text = json.dumps(head, indent=1)[:-2]
        body = ",\n".join(rendered[i][s] for i, s in enumerate(status))
        with open(os.path.join(outdir, name), "w") as f:
            f.write(f'{text},\n "checks": [\n{body}\n],\n "provision": {provision}\n}}\n')
    json.dump({"verdicts": verdicts, "checks": counts, "nodes": nodes}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
