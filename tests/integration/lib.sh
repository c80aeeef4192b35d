# Sourced by tests/integration/test-*.sh. Each case reports one line through pass, fail or skip;
# tests/run.sh counts them.
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CVMPREP=${CVMPREP:-$TOP/cvmprep}
FIXTURES=$TOP/tests/fixtures
EXPECTED=$TOP/tests/integration/expected
SCHEMA=$TOP/reports/schema/cvmprep.report.v1.json
FACTS_SCHEMA=$TOP/reports/schema/cvmprep.facts.v1.json
JSONTOOL="/usr/bin/python3 $TOP/tests/tools/jsontool.py"
RESULTS=${CVMPREP_RESULTS:-/dev/null}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

pass() { echo "pass $1" >>"$RESULTS"; echo "  ok    $1"; }
fail() { echo "fail $1" >>"$RESULTS"; echo "  FAIL  $1: $2"; }
skip() { echo "skip $1" >>"$RESULTS"; echo "  skip  $1: $2"; }

# expect_exit NAME WANT CMD...: runs CMD, passes when it exits WANT.
expect_exit() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then pass "$name"; else fail "$name" "exit $rc, want $want; stderr: $(head -c 300 "$WORK/err")"; fi
}

# valid_json NAME SCHEMA FILE: passes when FILE validates against SCHEMA.
valid_json() {
	if $JSONTOOL validate "$2" "$3" 2>"$WORK/verr"; then pass "$1"; else fail "$1" "$(head -c 500 "$WORK/verr")"; fi
}

# same_json NAME EXPECTED ACTUAL: compares two reports minus timestamps and durations.
# UPDATE=1 rewrites EXPECTED instead.
same_json() {
	local name=$1 want=$2 got=$3
	$JSONTOOL normalize "$got" >"$WORK/got.json" || { fail "$name" "cannot normalize $got"; return; }
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$WORK/got.json" "$want"
		pass "$name (updated)"
		return
	fi
	if diff -u "$want" "$WORK/got.json" >"$WORK/diff"; then pass "$name"; else fail "$name" "$(head -40 "$WORK/diff")"; fi
}

# expect NAME REPORT ID STATUS [TEXT...]: passes when check ID in the JSON REPORT has STATUS and
# every TEXT appears somewhere in that check's JSON.
expect() {
	local name=$1 file=$2 id=$3 want=$4 got
	shift 4
	got=$(/usr/bin/python3 - "$file" "$id" "$want" "$@" <<'PY'
import json, sys
path, cid, want, texts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
try:
    doc = json.load(open(path))
except Exception as e:
    print(f"no report: {e}"); sys.exit()
c = next((c for c in doc["checks"] if c["id"] == cid), None)
if c is None:
    print(f"{cid} not in report"); sys.exit()
blob = json.dumps(c)
missing = [t for t in texts if t not in blob]
if c["status"] != want or missing:
    print(f"status {c['status']}, want {want}; missing {missing}; {c.get('message')} | {c.get('observed')} | {json.dumps(c.get('evidence'))[:600]}")
PY
)
	if [ -z "$got" ]; then pass "$name"; else fail "$name" "$got"; fi
}
