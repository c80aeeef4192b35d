#!/usr/bin/env bash
# cvmprep diff OLD.json NEW.json and check --baseline OLD.json: regressions, fixes and changed
# observations, grouped and in report order, the checks added and removed; exit 1 when
# something regressed. Every JSON comparison validates against its schema.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
DIFF_SCHEMA=$TOP/reports/schema/cvmprep.diff.v1.json
BASE=platform.arch,os.distro,kernel.version,security.selinux

report() { # report OUT FIXTURE [OPTIONS...]: the JSON report of FIXTURE
	local out=$1 fixture=$2
	shift 2
	"$CVMPREP" check --root "$FIXTURES/$fixture" --format json -o "$out" "$@"
	case $? in 0 | 1 | 3) ;; *) fail "report $out" "exit $?" ;; esac
}

# groups NAME DIFF_JSON WANT: the comparison's groups as "kind:id,..." in order, and regressed.
groups() {
	local got
	got=$($PY - "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d = d.get("baseline", d)
kinds = ["regressions", "fixes", "changes", "added", "removed"]
assert [d["summary"][k] for k in kinds] == [len(d[k]) for k in kinds], "summary"
print(" ".join(f"{k}:{','.join(e['id'] for e in d[k])}" for k in kinds if d[k]) or "-", d["regressed"])
PY
)
	[ "$got" = "$3" ] && pass "$1" || fail "$1" "got '$got', want '$3'"
}

# An upgrade that crosses a kernel minimum: Ubuntu 20.04 on 5.4 upgraded to 22.04 without a
# new kernel (saved facts and --assume, as an audit before the upgrade would).
"$CVMPREP" facts --root "$FIXTURES/ubuntu-20.04" -o "$WORK/facts-20.json"
"$CVMPREP" check --facts "$WORK/facts-20.json" --only "$BASE" --format json -o "$WORK/20.json"
"$CVMPREP" check --facts "$WORK/facts-20.json" --only "$BASE" --assume os.version_id=22.04 \
	--format json -o "$WORK/to-22.json"
expect_exit "upgrade: diff exits 1" 1 "$CVMPREP" diff "$WORK/20.json" "$WORK/to-22.json"
cp "$WORK/out" "$WORK/upgrade.txt"
if grep -q '^regressions (1):$' "$WORK/upgrade.txt" &&
	grep -q '^  kernel.version  pass -> fail, changed: .*message' "$WORK/upgrade.txt" &&
	grep -q '^      new: fail, 5.4.0-169-generic: kernel 5.4.0-169-generic is older than 5.15' "$WORK/upgrade.txt" &&
	grep -qx '1 regression, 0 fixes, 1 change, 0 added, 0 removed' "$WORK/upgrade.txt" &&
	grep -q '^verdict compatible -> incompatible: regressed$' "$WORK/upgrade.txt"; then
	pass "upgrade: text names the regression"
else
	fail "upgrade: text names the regression" "$(cat "$WORK/upgrade.txt")"
fi
expect_exit "upgrade: diff --format json exits 1" 1 "$CVMPREP" diff --format json -o "$WORK/upgrade.json" \
	"$WORK/20.json" "$WORK/to-22.json"
valid_json "upgrade: diff schema" "$DIFF_SCHEMA" "$WORK/upgrade.json"
groups "upgrade: kernel.version regressed, os.distro's evidence changed" "$WORK/upgrade.json" \
	"regressions:kernel.version changes:os.distro True"
expect_exit "upgrade: check --baseline exits 1" 1 "$CVMPREP" check --facts "$WORK/facts-20.json" --only "$BASE" \
	--assume os.version_id=22.04 --baseline "$WORK/20.json" --format json -o "$WORK/baseline-up.json"
valid_json "upgrade: --baseline report schema" "$SCHEMA" "$WORK/baseline-up.json"
groups "upgrade: --baseline holds the same comparison" "$WORK/baseline-up.json" \
	"regressions:kernel.version changes:os.distro True"
$PY -c 'import json,sys; b=json.load(open(sys.argv[1]))["baseline"]; sys.exit(not (b["new"]["report"] is None and b["old"]["report"] == sys.argv[2]))' \
	"$WORK/baseline-up.json" "$WORK/20.json" && pass "upgrade: --baseline names the old report, null for this run" ||
	fail "upgrade: --baseline names the old report, null for this run" "$(grep -A3 '"old"' "$WORK/baseline-up.json" | head -8)"
# A compatible node that regresses exits 1 too: the warning that --strict would not allow is
# not needed, a regression is enough.
"$CVMPREP" check --facts "$WORK/facts-20.json" --only "$BASE" --assume os.version_id=22.04 \
	--baseline "$WORK/20.json" >"$WORK/baseline-up.txt"
if grep -q '^verdict: incompatible (exit 1)$' "$WORK/baseline-up.txt" &&
	grep -q "^baseline: '$WORK/20.json' (node-c, .*, compatible) -> this run (node-c, .*, incompatible)$" "$WORK/baseline-up.txt" &&
	grep -q '^  kernel.version  pass -> fail' "$WORK/baseline-up.txt"; then
	pass "upgrade: --baseline text section after the verdict"
else
	fail "upgrade: --baseline text section after the verdict" "$(tail -12 "$WORK/baseline-up.txt")"
fi

# A fix: the old kernel of 22.04 below 5.15, then the HWE kernel.
report "$WORK/old-kernel.json" ubuntu-22.04-oldkernel --only "$BASE"
report "$WORK/hwe.json" ubuntu-22.04-oldkernel --only "$BASE" --assume kernel.release=5.15.0-91-generic
expect_exit "fix: diff exits 0" 0 "$CVMPREP" diff --format json -o "$WORK/fix.json" "$WORK/old-kernel.json" "$WORK/hwe.json"
valid_json "fix: diff schema" "$DIFF_SCHEMA" "$WORK/fix.json"
groups "fix: kernel.version fixed" "$WORK/fix.json" "fixes:kernel.version False"
expect_exit "fix: check --baseline exits 0" 0 "$CVMPREP" check --root "$FIXTURES/ubuntu-22.04-oldkernel" --only "$BASE" \
	--assume kernel.release=5.15.0-91-generic --baseline "$WORK/old-kernel.json"
grep -q '^fixes (1):$' "$WORK/out" && pass "fix: --baseline text lists the fix" || fail "fix: --baseline text lists the fix" "$(tail -8 "$WORK/out")"
# ... and backwards, the same pair is a regression.
expect_exit "fix reversed: a regression, exit 1" 1 "$CVMPREP" diff "$WORK/hwe.json" "$WORK/old-kernel.json"

# An unchanged run: another run of the same tree differs only in time and durations.
report "$WORK/same-1.json" ubuntu-22.04 --only "$BASE"
report "$WORK/same-2.json" ubuntu-22.04 --only "$BASE"
expect_exit "unchanged: diff exits 0" 0 "$CVMPREP" diff --format json -o "$WORK/same.json" "$WORK/same-1.json" "$WORK/same-2.json"
valid_json "unchanged: diff schema" "$DIFF_SCHEMA" "$WORK/same.json"
groups "unchanged: no group" "$WORK/same.json" "- False"
expect_exit "unchanged: text exits 0" 0 "$CVMPREP" diff "$WORK/same-1.json" "$WORK/same-2.json"
grep -qx '0 regressions, 0 fixes, 0 changes, 0 added, 0 removed' "$WORK/out" && pass "unchanged: text counts" ||
	fail "unchanged: text counts" "$(cat "$WORK/out")"
expect_exit "unchanged: check --baseline exits as the verdict" 0 "$CVMPREP" check --root "$FIXTURES/ubuntu-22.04" \
	--only "$BASE" --baseline "$WORK/same-1.json" --format json -o "$WORK/same-baseline.json"
valid_json "unchanged: --baseline report schema" "$SCHEMA" "$WORK/same-baseline.json"
groups "unchanged: --baseline no group" "$WORK/same-baseline.json" "- False"
# An incompatible node that stays so exits 1 for its verdict, not for a regression.
report "$WORK/rhel.json" rhel-8-enforcing --only "$BASE"
expect_exit "unchanged incompatible: diff exits 0" 0 "$CVMPREP" diff "$WORK/rhel.json" "$WORK/rhel.json"

# Changed observations: the same status, another kernel; checks added and removed; several
# regressions in report order.
report "$WORK/k68.json" ubuntu-22.04 --only "$BASE" --assume kernel.release=6.8.0-31-generic
expect_exit "changed: exit 0" 0 "$CVMPREP" diff --format json -o "$WORK/changed.json" "$WORK/same-1.json" "$WORK/k68.json"
groups "changed: kernel.version, same status" "$WORK/changed.json" "changes:kernel.version False"
$PY -c 'import json,sys; e=json.load(open(sys.argv[1]))["changes"][0]; sys.exit(not (e["fields"] == ["observed", "message", "evidence"] and e["old"]["status"] == e["new"]["status"] == "pass"))' \
	"$WORK/changed.json" && pass "changed: which fields" || fail "changed: which fields" "$(grep -A3 fields "$WORK/changed.json")"
report "$WORK/fewer.json" ubuntu-22.04 --only platform.arch,kernel.version,kernel.idmap
expect_exit "added and removed: no regression" 0 "$CVMPREP" diff --format json -o "$WORK/addrm.json" "$WORK/same-1.json" "$WORK/fewer.json"
valid_json "added and removed: diff schema" "$DIFF_SCHEMA" "$WORK/addrm.json"
groups "added and removed: in report order" "$WORK/addrm.json" "added:kernel.idmap removed:os.distro,security.selinux False"
report "$WORK/k44.json" ubuntu-22.04 --only "$BASE,kernel.idmap,kernel.shiftfs" --assume kernel.release=4.4.0-1-generic
report "$WORK/k515.json" ubuntu-22.04 --only "$BASE,kernel.idmap,kernel.shiftfs"
"$CVMPREP" diff --format json -o "$WORK/many.json" "$WORK/k515.json" "$WORK/k44.json"
order=$($PY -c 'import json,sys; print(",".join(c["id"] for c in json.load(open(sys.argv[1]))["checks"]))' "$WORK/k44.json")
got=$($PY -c 'import json,sys; print(",".join(e["id"] for e in json.load(open(sys.argv[1]))["regressions"]))' "$WORK/many.json")
[ "$(echo "$order" | tr , '\n' | grep -xF -f <(echo "$got" | tr , '\n') | paste -sd,)" = "$got" ] &&
	[ "$(echo "$got" | tr , '\n' | wc -l)" -ge 2 ] && pass "several regressions, in report order ($got)" ||
	fail "several regressions, in report order" "got $got, report order $order"
# A check that is new and fails: no check regressed, but the verdict did.
report "$WORK/arch-only.json" ubuntu-22.04-oldkernel --only platform.arch
expect_exit "a new failing check: the verdict regressed, exit 1" 1 "$CVMPREP" diff "$WORK/arch-only.json" "$WORK/old-kernel.json"

# Usage errors: exit 2, one line, the file named with what is wrong.
bad_diff() { # bad_diff NAME WANT_IN_MESSAGE ARGS...
	local name=$1 want=$2
	shift 2
	expect_exit "usage: $name" 2 "$CVMPREP" diff "$@"
	if [ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -qF -- "$want" "$WORK/err" && [ ! -s "$WORK/out" ]; then
		pass "usage: $name: says why"
	else
		fail "usage: $name: says why" "$(cat "$WORK/err")"
	fi
}
bad_diff "one report" "diff takes two reports" "$WORK/same-1.json"
bad_diff "three reports" "diff takes two reports" "$WORK/same-1.json" "$WORK/same-1.json" "$WORK/same-1.json"
bad_diff "unknown format" "unknown format 'yaml' (text, json)" --format yaml "$WORK/same-1.json" "$WORK/same-2.json"
bad_diff "missing file" "cannot read '$WORK/none.json': No such file or directory" "$WORK/same-1.json" "$WORK/none.json"
bad_diff "facts, not a report" "cannot use '$WORK/facts-20.json': schema 'cvmprep.facts/v1' is not cvmprep.report/v1" \
	"$WORK/facts-20.json" "$WORK/same-1.json"
head -c 300 "$WORK/same-1.json" >"$WORK/cut.json"
bad_diff "truncated" "cannot use '$WORK/cut.json': truncated: the JSON ends at line" "$WORK/same-1.json" "$WORK/cut.json"
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); d["schema"]="cvmprep.report/v2"; json.dump(d,open(sys.argv[2],"w"))' \
	"$WORK/same-1.json" "$WORK/v2.json"
bad_diff "a later version" "schema version 'cvmprep.report/v2' is not supported" "$WORK/v2.json" "$WORK/same-1.json"
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); d["checks"].append(d["checks"][0]); json.dump(d,open(sys.argv[2],"w"))' \
	"$WORK/same-1.json" "$WORK/twice.json"
bad_diff "a check twice" "check 'platform.arch' is there twice" "$WORK/same-1.json" "$WORK/twice.json"
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); d["checks"][1]["status"]="great"; json.dump(d,open(sys.argv[2],"w"))' \
	"$WORK/same-1.json" "$WORK/badstatus.json"
bad_diff "an unknown status" "check 'os.distro' has no \"status\" of pass" "$WORK/same-1.json" "$WORK/badstatus.json"
expect_exit "usage: --baseline of a facts file" 2 "$CVMPREP" check --root "$FIXTURES/ubuntu-22.04" --only "$BASE" \
	--baseline "$WORK/facts-20.json"
grep -qF "cannot use '$WORK/facts-20.json': schema 'cvmprep.facts/v1' is not cvmprep.report/v1" "$WORK/err" &&
	[ ! -s "$WORK/out" ] && pass "usage: --baseline of a facts file: says why, no report" ||
	fail "usage: --baseline of a facts file: says why, no report" "$(cat "$WORK/err")"
expect_exit "diff --help" 0 "$CVMPREP" diff --help
exit 0
