#!/usr/bin/env bash
# check --format prom: node_exporter textfile metrics that promtool (Debian's prometheus) accepts,
# read back family by family and held to the JSON report of the same run; -o writes them under
# a temporary name that does not end in .prom, then renames it.
. "$(dirname "$0")/lib.sh"

ROOT=$FIXTURES/ubuntu-22.04
ONLY='platform.*,os.*,kernel.version,kernel.idmap,kernel.seccomp-notify,kernel.headers'

if ! command -v promtool >/dev/null; then
	skip "promtool check metrics" "promtool is not installed (ci/deps.sh: prometheus)"
fi

# prom_case NAME ONLY ARGS...: the same run as metrics and as JSON.
prom_case() {
	local name=$1 only=$2
	shift 2
	"$CVMPREP" check --root "$ROOT" --no-probe --only "$only" "$@" --format prom -o "$WORK/$name.prom" 2>"$WORK/err"
	"$CVMPREP" check --root "$ROOT" --no-probe --only "$only" "$@" --format json -o "$WORK/$name.json" 2>>"$WORK/err"
	if command -v promtool >/dev/null; then
		if promtool check metrics <"$WORK/$name.prom" >"$WORK/lint" 2>&1 && [ ! -s "$WORK/lint" ]; then
			pass "$name: promtool check metrics, no problem"
		else
			fail "$name: promtool check metrics" "$(head -5 "$WORK/lint")"
		fi
	fi
	if /usr/bin/python3 - "$WORK/$name.prom" "$WORK/$name.json" >"$WORK/out" 2>"$WORK/perr" <<'PY'; then pass "$name: read back, as the JSON report says ($(cat "$WORK/out"))"; else fail "$name: read back" "$(cat "$WORK/perr")"; fi
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
doc = json.load(open(sys.argv[2]))
assert text.endswith("\n"), "no trailing newline"
SAMPLE = re.compile(r'^([a-z_]+)(?:\{((?:[a-z_]+="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? ([0-9.e+-]+)$')
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
want = {"cvmprep_check_status", "cvmprep_checks", "cvmprep_compatible", "cvmprep_last_run_timestamp_seconds"}
assert set(samples) == want, f"families {sorted(samples)}"
statuses = ("pass", "warn", "fail", "unknown", "skip")
for c in doc["checks"]:
    got = {l["status"]: v for l, v in samples["cvmprep_check_status"] if l["id"] == c["id"]}
    assert set(got) == set(statuses), f"{c['id']}: statuses {sorted(got)}"
    assert [s for s, v in got.items() if v == 1] == [c["status"]] and sum(got.values()) == 1, f"{c['id']}: not one-hot on {c['status']}: {got}"
assert len(samples["cvmprep_check_status"]) == 5 * len(doc["checks"])
assert {l["status"]: v for l, v in samples["cvmprep_checks"]} == {s: float(doc["summary"][s]) for s in statuses}
assert samples["cvmprep_compatible"] == [({}, float(doc["verdict"] == "compatible"))], samples["cvmprep_compatible"]
ts = samples["cvmprep_last_run_timestamp_seconds"][0][1]
import calendar, time
gen = calendar.timegm(time.strptime(doc["generated_at"], "%Y-%m-%dT%H:%M:%SZ"))
assert abs(ts - gen) <= 2, f"timestamp {ts}, report {gen}"
print(f"{len(doc['checks'])} checks, verdict {doc['verdict']}")
PY
}

prom_case "every status" "$ONLY" --assume kernel.release=4.4.0
prom_case "compatible" platform.arch,os.distro,kernel.version

# -o: the collector reads *.prom only, so the file is written under a name that does not end so.
mkdir "$WORK/textfile"
strace -f -qq -e trace=rename,renameat,renameat2 -o "$WORK/strace" \
	"$CVMPREP" check --root "$ROOT" --no-probe --only platform.arch --format prom -o "$WORK/textfile/cvmprep.prom" 2>"$WORK/err"
from=$(sed -n 's/.*rename[a-z0-9]*(.*"\([^"]*\)", .*"cvmprep.prom".*/\1/p' "$WORK/strace" | head -1)
[ -n "$from" ] && [ "${from%.prom}" = "$from" ] && pass "-o: renamed from '$from', not a .prom name" ||
	fail "-o: renamed from a name not ending in .prom" "$(cat "$WORK/strace")"
[ "$(ls -A "$WORK/textfile")" = cvmprep.prom ] && pass "-o: nothing else left in the directory" || fail "-o: nothing else left" "$(ls -A "$WORK/textfile")"
