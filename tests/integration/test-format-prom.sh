#!/usr/bin/env bash
# check --format prom: node_exporter textfile metrics that promtool (Debian's prometheus) accepts,
# read back family by family (tests/tools/promcheck.py) and held to the JSON report of the same
# run; provision --metrics and --format prom: each step's outcome; -o writes them under a
# temporary name that does not end in .prom, then renames it.
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
	promtool_ok "$name" "$WORK/$name.prom"
	read_back "$name" "$WORK/$name.prom" "$WORK/$name.json"
}

# read_back NAME PROM JSON: the families, read back, are what the JSON report says.
read_back() {
	if /usr/bin/python3 "$TOP/tests/tools/promcheck.py" "$2" "$3" >"$WORK/out" 2>"$WORK/perr"; then
		pass "$1: read back, as the JSON report says ($(cat "$WORK/out"))"
	else
		fail "$1: read back" "$(cat "$WORK/perr")"
	fi
}

# promtool_ok NAME FILE: promtool finds no problem (when it is installed: see above).
promtool_ok() {
	command -v promtool >/dev/null || return 0
	if promtool check metrics <"$2" >"$WORK/lint" 2>&1 && [ ! -s "$WORK/lint" ]; then
		pass "$1: promtool check metrics, no problem"
	else
		fail "$1: promtool check metrics" "$(head -5 "$WORK/lint")"
	fi
}

prom_case "every status" "$ONLY" --assume kernel.release=4.4.0
prom_case "compatible" platform.arch,os.distro,kernel.version

# A provision run: its steps one-hot on their outcomes, the metrics and the JSON of one run
# (--metrics and --report), and the same on standard output with --format prom. A dry run on
# this machine (forced past its preflight: planned steps and skipped ones), and one whose
# preflight refuses a fixture (exit 3, the steps after it skipped).
prov_case() {
	local name=$1 want=$2 rc
	shift 2
	"$CVMPREP" provision --dry-run "$@" --metrics "$WORK/$name.prom" --report "$WORK/$name.json" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	[ "$rc" -eq "$want" ] && pass "$name: exit $want" || fail "$name: exit $want" "exit $rc: $(head -c 300 "$WORK/err")"
	promtool_ok "$name" "$WORK/$name.prom"
	read_back "$name" "$WORK/$name.prom" "$WORK/$name.json"
}
prov_case "provision dry run" 0 --force --no-probe
prov_case "provision refused" 3 --root "$ROOT" --no-probe
"$CVMPREP" provision --dry-run --root "$ROOT" --no-probe --format prom >"$WORK/stdout.prom" 2>"$WORK/err"
promtool_ok "provision --format prom" "$WORK/stdout.prom"
diff <(grep -v timestamp "$WORK/provision refused.prom") <(grep -v timestamp "$WORK/stdout.prom") >"$WORK/diff" &&
	pass "provision --format prom writes what --metrics does, the progress on stderr" ||
	fail "provision --format prom and --metrics" "$(head -5 "$WORK/diff")"

# -o: the collector reads *.prom only, so the file is written under a name that does not end so.
mkdir "$WORK/textfile"
strace -f -qq -e trace=rename,renameat,renameat2 -o "$WORK/strace" \
	"$CVMPREP" check --root "$ROOT" --no-probe --only platform.arch --format prom -o "$WORK/textfile/cvmprep.prom" 2>"$WORK/err"
from=$(sed -n 's/.*rename[a-z0-9]*(.*"\([^"]*\)", .*"cvmprep.prom".*/\1/p' "$WORK/strace" | head -1)
[ -n "$from" ] && [ "${from%.prom}" = "$from" ] && pass "-o: renamed from '$from', not a .prom name" ||
	fail "-o: renamed from a name not ending in .prom" "$(cat "$WORK/strace")"
[ "$(ls -A "$WORK/textfile")" = cvmprep.prom ] && pass "-o: nothing else left in the directory" || fail "-o: nothing else left" "$(ls -A "$WORK/textfile")"
