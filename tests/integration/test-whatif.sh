#!/usr/bin/env bash
# Pre-upgrade audits: check --facts judges another node's saved facts, --assume KEY=VALUE asks
# what if (the kernel or the OS after an upgrade), and the report marks every assumed fact. A
# facts file that is not one is a usage error naming the file and what is wrong with it.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
BASE=platform.arch,os.distro,kernel.version,security.selinux

"$CVMPREP" facts --root "$FIXTURES/ubuntu-20.04" -o "$WORK/node.json" || fail "facts of ubuntu-20.04" "exit $?"
valid_json "facts: schema" "$FACTS_SCHEMA" "$WORK/node.json"

# bad_facts NAME WANT_IN_MESSAGE FILE: check --facts FILE exits 2 with one line naming FILE and
# saying WANT_IN_MESSAGE.
bad_facts() {
	local name=$1 want=$2 file=$3
	expect_exit "bad facts: $name: exit 2" 2 "$CVMPREP" check --facts "$file"
	if [ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -qF "cannot use '$file': $want" "$WORK/err"; then
		pass "bad facts: $name: says why"
	else
		fail "bad facts: $name: says why" "$(cat "$WORK/err")"
	fi
	[ -s "$WORK/out" ] && fail "bad facts: $name: no report" "$(head -3 "$WORK/out")" || pass "bad facts: $name: no report"
}
edit() { # edit OUT PYTHON-EXPRESSION-ON-d: writes the facts file changed by the expression
	$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); exec(sys.argv[3]); open(sys.argv[2],"w").write(json.dumps(d, indent=1))' \
		"$WORK/node.json" "$1" "$2"
}
edit "$WORK/v2.json" 'd["schema"]="cvmprep.facts/v2"'
bad_facts "a later version" "schema version 'cvmprep.facts/v2' is not supported: this cvmprep reads cvmprep.facts/v1" "$WORK/v2.json"
"$CVMPREP" check --root "$FIXTURES/ubuntu-20.04" --only "$BASE" --format json -o "$WORK/report.json"
bad_facts "a report, not facts" "schema 'cvmprep.report/v1' is not cvmprep.facts/v1" "$WORK/report.json"
edit "$WORK/noschema.json" 'del d["schema"]'
bad_facts "no schema" 'no "schema" string' "$WORK/noschema.json"
edit "$WORK/nofacts.json" 'del d["facts"]'
bad_facts "no facts object" 'no "facts" object' "$WORK/nofacts.json"
edit "$WORK/factslist.json" 'd["facts"]=[]'
bad_facts "facts not an object" '"facts" is not an object' "$WORK/factslist.json"
edit "$WORK/badfact.json" 'd["facts"]["kernel.release"]={"value": 5}'
bad_facts "a malformed fact" "fact 'kernel.release' is malformed" "$WORK/badfact.json"
head -c "$(($(wc -c <"$WORK/node.json") / 2))" "$WORK/node.json" >"$WORK/truncated.json"
bad_facts "truncated" "truncated: the JSON ends at line" "$WORK/truncated.json"
printf '{"schema": "cvmprep.facts/v1",\n "facts": {,}}\n' >"$WORK/notjson.json"
bad_facts "not JSON" "not JSON at line 2, column 12: expected a member name" "$WORK/notjson.json"
: >"$WORK/empty.json"
bad_facts "empty" "empty: no JSON in it" "$WORK/empty.json"
bad_facts "a JSON array" "not a JSON object" <(echo '[]')

# assumed NAME REPORT WANT_TOP WANT_CHECKS: the report's top-level "assumed" is WANT_TOP
# (key=value,..., in the order of the facts) and the checks whose evidence holds an assumption
# are WANT_CHECKS (id:key,..., in report order).
assumed() {
	local got
	got=$($PY - "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
top = ",".join(f"{a['key']}={a['value']}" for a in d.get("assumed", []))
checks = ",".join(f"{c['id']}:{k}" for c in d["checks"] for k in c.get("assumed", []))
print(f"{top}|{checks}")
PY
)
	[ "$got" = "$3|$4" ] && pass "$1" || fail "$1" "got '$got', want '$3|$4'"
}

# An upgrade of the OS that crosses a kernel minimum: Ubuntu 20.04 on 5.4 passes; the same node
# upgraded to 22.04 without a new kernel is below 22.04's 5.15.
expect_exit "20.04 as saved: compatible" 0 "$CVMPREP" check --facts "$WORK/node.json" --only "$BASE" \
	--format json -o "$WORK/as-is.json"
valid_json "20.04 as saved: schema" "$SCHEMA" "$WORK/as-is.json"
assumed "20.04 as saved: nothing assumed" "$WORK/as-is.json" "" ""
expect_exit "what if 22.04: incompatible" 1 "$CVMPREP" check --facts "$WORK/node.json" --only "$BASE" \
	--assume os.version_id=22.04 --assume os.version_codename=jammy --format json -o "$WORK/to-22.json"
valid_json "what if 22.04: schema" "$SCHEMA" "$WORK/to-22.json"
expect "what if 22.04: kernel.version fails on 5.15" "$WORK/to-22.json" kernel.version fail ">= 5.15 (ubuntu 22.04)" \
	"5.4.0-169-generic is older than 5.15"
assumed "what if 22.04: both assumptions marked" "$WORK/to-22.json" "os.version_id=22.04,os.version_codename=jammy" \
	"os.distro:os.version_id"
# ... and with the HWE kernel too: compatible again, the kernel marked where it is evidence.
expect_exit "what if 22.04 on 5.15: compatible" 0 "$CVMPREP" check --facts "$WORK/node.json" --only "$BASE" \
	--assume os.version_id=22.04 --assume kernel.release=5.15.0-91-generic --format json -o "$WORK/to-22-hwe.json"
valid_json "what if 22.04 on 5.15: schema" "$SCHEMA" "$WORK/to-22-hwe.json"
expect "what if 22.04 on 5.15: kernel.version passes" "$WORK/to-22-hwe.json" kernel.version pass "--assume kernel.release"
assumed "what if 22.04 on 5.15: marked" "$WORK/to-22-hwe.json" "kernel.release=5.15.0-91-generic,os.version_id=22.04" \
	"os.distro:os.version_id,kernel.version:kernel.release"

# A kernel downgrade below the minimum, from a tree as from saved facts; the text report says
# what was assumed under its header and under each row that used it.
expect_exit "what if kernel 5.3: incompatible" 1 "$CVMPREP" check --facts "$WORK/node.json" --only "$BASE" \
	--assume kernel.release=5.3.0-76-generic
if sed -n 2p "$WORK/out" | grep -qx 'assumed (what-if): kernel.release=5.3.0-76-generic' &&
	grep -A3 '^fail     kernel.version ' "$WORK/out" | grep -q ' assumed: kernel.release$'; then
	pass "text: the assumption under the header and under its row"
else
	fail "text: the assumption under the header and under its row" "$(head -12 "$WORK/out")"
fi
"$CVMPREP" check --facts "$WORK/node.json" --only "$BASE" >"$WORK/plain.txt"
grep -q 'assumed' "$WORK/plain.txt" && fail "text: no mark without --assume" "$(head -4 "$WORK/plain.txt")" ||
	pass "text: no mark without --assume"
expect_exit "--root with --assume: incompatible" 1 "$CVMPREP" check --root "$FIXTURES/ubuntu-20.04" --only "$BASE" \
	--assume kernel.release=5.3.0-76-generic --format json -o "$WORK/root-assume.json"
assumed "--root with --assume: marked" "$WORK/root-assume.json" "kernel.release=5.3.0-76-generic" \
	"kernel.version:kernel.release"
exit 0
