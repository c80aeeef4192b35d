#!/usr/bin/env bash
# cvmprep summarize PATH...: a generated fleet of reports (tests/tools/genreports.py, which also
# says what must be counted) with broken ones among them, summarized in text and JSON; the
# counts against the generator's, the JSON against its schema, the node lists bounded by --nodes
# and the same whatever the order of the files. Not timed: make bench times 10,000 reports.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
SUMMARY_SCHEMA=$TOP/reports/schema/cvmprep.summary.v1.json
ONLY=platform.arch,os.distro,kernel.version,security.selinux,kernel.idmap,fs.overlay
FLEET=$WORK/fleet

"$CVMPREP" check --root "$FIXTURES/ubuntu-22.04" --only "$ONLY" --format json -o "$WORK/template.json"
$PY "$TOP/tests/tools/genreports.py" "$WORK/template.json" "$FLEET/rack-a" 24 7 >"$WORK/want-a.json" &&
	$PY "$TOP/tests/tools/genreports.py" "$WORK/template.json" "$FLEET/rack-b/row-1" 18 8 >"$WORK/want-b.json" ||
	fail "genreports" "exit $?"
# Broken among them: each counted and named, none fatal.
head -c 400 "$FLEET/rack-a/node-00000.json" >"$FLEET/rack-a/cut.json"
printf '{"schema": "cvmprep.report/v1", "verdict": "compatible", "checks": [,]}\n' >"$FLEET/rack-a/syntax.json"
"$CVMPREP" facts --root "$FIXTURES/ubuntu-22.04" -o "$FLEET/rack-b/facts.json"
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); d["checks"].append(d["checks"][0]); json.dump(d,open(sys.argv[2],"w"))' \
	"$FLEET/rack-a/node-00001.json" "$FLEET/rack-b/twice.json"
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["verdict"]; json.dump(d,open(sys.argv[2],"w"))' \
	"$FLEET/rack-a/node-00001.json" "$FLEET/rack-b/noverdict.json"
: >"$FLEET/rack-b/empty.json"
mkfifo "$FLEET/rack-b/fifo.json"
# Left out: hidden files (an atomic write's temporary), other names, symlinked directories.
cp "$FLEET/rack-a/node-00002.json" "$FLEET/rack-a/.node-00002.json.tmp"
cp "$FLEET/rack-a/node-00002.json" "$FLEET/rack-a/node-00002.json.bak"
ln -s "$FLEET/rack-a" "$FLEET/rack-b/link-to-a"
# A node incompatible under --strict by its warnings alone, named as a file operand.
"$CVMPREP" check --root "$FIXTURES/debian-12" --only "$ONLY" --strict --format json -o "$WORK/strict.report"
BROKEN="cut.json empty.json fifo.json facts.json noverdict.json syntax.json twice.json"

expect_exit "summarize: exit 0 whatever the verdicts" 0 "$CVMPREP" summarize --format json --nodes 1000 \
	-o "$WORK/all.json" "$FLEET" "$WORK/strict.report"
valid_json "summarize: schema" "$SUMMARY_SCHEMA" "$WORK/all.json"
$PY - "$WORK/all.json" "$WORK/want-a.json" "$WORK/want-b.json" "$WORK/strict.report" "$FLEET" $BROKEN >"$WORK/cmp" 2>&1 <<'PY'
import json, sys
got, wa, wb, strict, fleet, broken = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
g = json.load(open(got))
wants = [(json.load(open(wa)), f"{fleet}/rack-a/"), (json.load(open(wb)), f"{fleet}/rack-b/row-1/")]
s = json.load(open(strict))
problems = []
def check(what, have, want):
    if have != want:
        problems.append(f"{what}: {have} != {want}")
verdicts = {v: sum(w["verdicts"][v] for w, _ in wants) for v in ("compatible", "incompatible", "undecided")}
verdicts[s["verdict"]] += 1
check("verdicts", g["verdicts"], verdicts)
check("reports", g["reports"], {"usable": sum(verdicts.values()), "unusable": len(broken)})
counts = {}
for w, _ in wants:
    for i, c in w["checks"].items():
        for st, n in c.items():
            counts.setdefault(i, dict.fromkeys(c, 0))[st] += n
for c in s["checks"]:
    counts[c["id"]][c["status"]] += 1
check("checks", {c["id"]: {k: v for k, v in c.items() if k != "id"} for c in g["checks"]}, counts)
check("check order", [c["id"] for c in g["checks"]], [c["id"] for c in s["checks"]])
nodes = {p + n: ids for w, p in wants for n, ids in w["nodes"].items()}
nodes[strict] = [c["id"] for c in s["checks"] if c["status"] == "warn"]
listed = {n["report"]: n["checks"] for v in ("incompatible", "undecided") for n in g[v]["nodes"]}
check("nodes", listed, nodes)
for v in ("incompatible", "undecided"):
    check(f"{v} count", g[v]["count"], verdicts[v])
    check(f"{v} sorted", [n["report"] for n in g[v]["nodes"]], sorted(n["report"] for n in g[v]["nodes"]))
check("hostnames", all(n["hostname"] == n["report"].rsplit("/", 1)[1][:-5] for n in g["incompatible"]["nodes"] if "fleet" in n["report"]), True)
check("unusable", sorted(r["report"].rsplit("/", 1)[1] for r in g["unusable"]["reports"]), sorted(broken))
fails = sorted(((c["fail"], -k, i) for k, (i, c) in enumerate(counts.items()) if c["fail"]), reverse=True)[:10]
check("most failing", [(m["id"], m["fail"]) for m in g["most_failing"]], [(i, n) for n, _, i in fails])
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
if [ $? -eq 0 ]; then pass "summarize: counts, nodes, unusable as generated"; else fail "summarize: counts, nodes, unusable as generated" "$(head -c 1500 "$WORK/cmp")"; fi
$PY -c 'import json,sys; u={r["report"].rsplit("/",1)[1]: r["error"] for r in json.load(open(sys.argv[1]))["unusable"]["reports"]}
want={"cut.json": "truncated: the JSON ends at line", "syntax.json": "not JSON at line 1, column 69: expected a value", "facts.json": "schema '"'"'cvmprep.facts/v1'"'"' is not cvmprep.report/v1",
 "twice.json": "is there twice", "noverdict.json": "no \"verdict\"", "empty.json": "truncated", "fifo.json": "not a regular file"}
bad=[f"{k}: {u.get(k)}" for k, w in want.items() if w not in (u.get(k) or "")]
print("; ".join(bad)); sys.exit(bool(bad))' "$WORK/all.json" >"$WORK/why" &&
	pass "summarize: each unusable report says why" || fail "summarize: each unusable report says why" "$(cat "$WORK/why")"

# --nodes bounds the lists, never the counts; the first by path, whatever the order given.
expect_exit "--nodes 3" 0 "$CVMPREP" summarize --format json --nodes 3 -o "$WORK/three.json" "$FLEET/rack-b" "$FLEET/rack-a"
valid_json "--nodes 3: schema" "$SUMMARY_SCHEMA" "$WORK/three.json"
$PY -c 'import json,sys; a,t=(json.load(open(p)) for p in sys.argv[1:3])
ok = all(t[v]["listed"] == min(3, t[v]["count"]) and t[v]["nodes"] == sorted((n for n in a[v]["nodes"] if "/fleet/" in n["report"]), key=lambda n: n["report"])[:3] for v in ("incompatible", "undecided"))
ok = ok and t["unusable"]["listed"] == 3 and t["unusable"]["count"] == 7 and t["node_limit"] == 3
sys.exit(not ok)' "$WORK/all.json" "$WORK/three.json" && pass "--nodes 3: the first three by path, the counts whole" ||
	fail "--nodes 3: the first three by path, the counts whole" "$(head -c 800 "$WORK/three.json")"
expect_exit "--nodes 0" 0 "$CVMPREP" summarize --format json --nodes 0 -o "$WORK/zero.json" "$FLEET"
valid_json "--nodes 0: schema" "$SUMMARY_SCHEMA" "$WORK/zero.json"

# Text: the header, the table, the lists with their notes.
expect_exit "text" 0 "$CVMPREP" summarize --nodes 2 "$FLEET"
read -r usable compat incompat undecided < <($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d["verdicts"]; print(d["reports"]["usable"], v["compatible"], v["incompatible"], v["undecided"])' "$WORK/zero.json")
if sed -n 1p "$WORK/out" | grep -qx "cvmprep summarize: $usable reports: $compat compatible, $incompat incompatible, $undecided undecided; 7 unusable" &&
	grep -qE '^CHECK +pass +warn +fail +unknown +skip$' "$WORK/out" &&
	grep -qE '^kernel\.version +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+$' "$WORK/out" &&
	grep -qx "incompatible nodes ($incompat; the first 2 by report path, --nodes N names up to 1000):" "$WORK/out" &&
	grep -qE "^  $FLEET/rack-a/node-[0-9]+\.json \(node-[0-9]+\): [a-z]" "$WORK/out" &&
	grep -qE "^  $FLEET/rack-a/cut.json: truncated: the JSON ends at line [0-9]+ before the document does$" "$WORK/out"; then
	pass "text: header, table, bounded lists"
else
	fail "text: header, table, bounded lists" "$(head -40 "$WORK/out")"
fi

# A fleet with nothing wrong, and one with no report at all.
mkdir -p "$WORK/good"
cp "$WORK/template.json" "$WORK/good/a.json"
expect_exit "all compatible" 0 "$CVMPREP" summarize "$WORK/good"
grep -qx 'incompatible nodes: none' "$WORK/out" && grep -qx 'most failing checks: none' "$WORK/out" &&
	pass "all compatible: says none" || fail "all compatible: says none" "$(cat "$WORK/out")"
mkdir -p "$WORK/nothing"
expect_exit "an empty directory" 0 "$CVMPREP" summarize --format json -o "$WORK/nothing.json" "$WORK/nothing"
valid_json "an empty directory: schema" "$SUMMARY_SCHEMA" "$WORK/nothing.json"

# Usage errors: exit 2, one line.
usage() { # usage NAME WANT ARGS...
	local name=$1 want=$2
	shift 2
	expect_exit "usage: $name" 2 "$CVMPREP" summarize "$@"
	[ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -qF -- "$want" "$WORK/err" && [ ! -s "$WORK/out" ] &&
		pass "usage: $name: says why" || fail "usage: $name: says why" "$(cat "$WORK/err")"
}
usage "no PATH" "summarize takes reports or directories"
usage "a PATH that is not there" "cannot read '$WORK/none': No such file or directory" "$FLEET" "$WORK/none"
usage "--nodes too many" "--nodes wants a number from 0 to 1000, not '1001'" --nodes 1001 "$FLEET"
usage "--nodes not a number" "--nodes wants a number from 0 to 1000, not '-1'" --nodes -1 "$FLEET"
usage "unknown format" "unknown format 'xml' (text, json)" --format xml "$FLEET"
expect_exit "summarize --help" 0 "$CVMPREP" summarize --help
exit 0
