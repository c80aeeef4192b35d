#!/usr/bin/env bash
# check --format junit: JUnit XML that validates against a strict schema of the format
# (tests/tools/junit.xsd, with Debian's xmllint) and that expat reads back into what the JSON
# report of the same run says (tests/tools/junitcheck.py), as does a JUnit consumer (Debian's
# python3-junitparser): a run with every status, one of this
# machine with every check, and one whose host wrote '<', '&', ']]>', quotes, control bytes, a
# U+FFFE and bytes that are not UTF-8 (tests/fixtures/hostile-xml). -o renames a whole file.
. "$(dirname "$0")/lib.sh"

ROOT=$FIXTURES/ubuntu-22.04
ONLY='platform.*,os.*,kernel.version,kernel.idmap,kernel.seccomp-notify,kernel.headers'
XSD=$TOP/tests/tools/junit.xsd

# junit_case NAME ARGS...: the same run as JUnit XML and as JSON; the schema, then the reader.
junit_case() {
	local name=$1
	shift
	"$CVMPREP" check --no-probe "$@" --format junit -o "$WORK/$name.xml" 2>"$WORK/err"
	"$CVMPREP" check --no-probe "$@" --format json -o "$WORK/$name.json" 2>>"$WORK/err"
	if ! command -v xmllint >/dev/null; then
		skip "$name: xmllint --schema" "xmllint is not installed (ci/deps.sh: libxml2-utils)"
	elif xmllint --noout --schema "$XSD" "$WORK/$name.xml" >"$WORK/lint" 2>&1; then
		pass "$name: xmllint --schema junit.xsd validates"
	else
		fail "$name: xmllint --schema junit.xsd" "$(head -5 "$WORK/lint")"
	fi
	if /usr/bin/python3 "$TOP/tests/tools/junitcheck.py" "$WORK/$name.xml" "$WORK/$name.json" >"$WORK/out" 2>"$WORK/perr"; then
		pass "$name: read back, each testcase as the JSON report says ($(cat "$WORK/out"))"
	else
		fail "$name: read back" "$(cat "$WORK/perr")"
	fi
	junitparser_case "$name"
}

# junitparser_case NAME: a JUnit consumer of its own (Debian's python3-junitparser) counts each
# suite as the suite says, and finds each check's status where the JSON report has it.
junitparser_case() {
	if ! /usr/bin/python3 -c 'import junitparser' 2>/dev/null; then
		skip "$1: junitparser" "python3-junitparser is not installed (ci/deps.sh)"
		return
	fi
	if /usr/bin/python3 - "$WORK/$1.xml" "$WORK/$1.json" >"$WORK/out" 2>"$WORK/perr" <<'PY'; then
import copy, json, sys
from junitparser import Error, Failure, JUnitXml, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
want = {c["id"]: c["status"] for c in json.load(open(sys.argv[2]))["checks"]}
got = {}
for suite in xml:
    again = copy.deepcopy(suite)
    again.update_statistics()
    for attr in ("tests", "failures", "errors", "skipped"):
        assert getattr(suite, attr) == getattr(again, attr), f"{suite.name}: {attr} {getattr(suite, attr)}, its testcases {getattr(again, attr)}"
    assert abs(suite.time - again.time) < 0.001, f"{suite.name}: time {suite.time}, its testcases {again.time}"
    for case in suite:
        kinds = {type(r) for r in case.result}
        status = ("fail" if Failure in kinds else "unknown" if Error in kinds else "skip" if Skipped in kinds
                  else "warn" if (case.system_out or "").startswith("warn: ") else "pass")
        got[case.name] = status
assert got == want, {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
print(f"{len(got)} testcases in {len(list(xml))} suites")
PY
		pass "$1: junitparser counts each suite as it says, each status as the JSON ($(cat "$WORK/out"))"
	else
		fail "$1: junitparser" "$(tail -3 "$WORK/perr")"
	fi
}

junit_case "every status" --root "$ROOT" --only "$ONLY" --assume kernel.release=4.4.0
junit_case "hostile strings" --root "$FIXTURES/hostile-xml" --only 'platform.arch,os.*,kernel.version'
junit_case "this machine" --mode host
junit_case "all pass" --root "$ROOT" --only platform.arch,os.distro,kernel.version

# The schema is not a formality: it refuses what a strict reader would.
if command -v xmllint >/dev/null; then
	sed 's/ hostname="[^"]*"//' "$WORK/every status.xml" >"$WORK/nohost.xml"
	sed '/<properties>/,/<\/properties>/d' "$WORK/every status.xml" >"$WORK/noprops.xml"
	sed 's/<failure type="fail"/<failure/' "$WORK/every status.xml" >"$WORK/notype.xml"
	for bad in nohost noprops notype; do
		if xmllint --noout --schema "$XSD" "$WORK/$bad.xml" >/dev/null 2>&1; then
			fail "schema refuses $bad" "it validates"
		else
			pass "schema refuses $bad"
		fi
	done
fi

# Nothing the host wrote makes markup: no element or attribute but the writer's own, and each
# forbidden byte as its escape.
/usr/bin/python3 - "$WORK/hostile strings.xml" >"$WORK/out" 2>&1 <<'PY' && pass "hostile strings: only the writer's markup, forbidden bytes escaped" || fail "hostile strings: markup" "$(cat "$WORK/out")"
import sys, xml.etree.ElementTree as ET
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")  # the whole document is UTF-8
assert b"]]>" not in raw and b"\x1b" not in raw and b"\x01" not in raw and b"\xef\xbf\xbe" not in raw
tags = {e.tag for e in ET.parse(sys.argv[1]).getroot().iter()}
assert tags <= {"testsuites", "testsuite", "properties", "property", "testcase", "failure", "error", "skipped", "system-out", "system-err"}, tags
f = ET.parse(sys.argv[1]).getroot().find(".//testcase[@name='os.distro']/failure")
m = f.get("message")
for want in ('ub<un&tu]]>"q', "\\x01\\x1b[2J", "\\xff\\xfe", "\\ufffe", "\x7f\r\tend"):
    assert want in m, f"{want!r} not in {m!r}"
PY

# -o: written whole under another name, then renamed into place; nothing else left.
mkdir "$WORK/out.d"
strace -f -qq -e trace=rename,renameat,renameat2 -o "$WORK/strace" \
	"$CVMPREP" check --root "$ROOT" --no-probe --only platform.arch --format junit -o "$WORK/out.d/junit.xml" 2>"$WORK/err"
from=$(sed -n 's/.*rename[a-z0-9]*(.*"\([^"]*\)", .*"junit.xml".*/\1/p' "$WORK/strace" | head -1)
[ -n "$from" ] && [ "$from" != junit.xml ] && pass "-o: renamed from '$from'" || fail "-o: renamed into place" "$(cat "$WORK/strace")"
[ "$(ls -A "$WORK/out.d")" = junit.xml ] && xmllint --noout "$WORK/out.d/junit.xml" 2>/dev/null &&
	pass "-o: the document whole, nothing else left in the directory" || fail "-o: nothing else left" "$(ls -A "$WORK/out.d")"
