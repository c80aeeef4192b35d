#!/usr/bin/env bash
# The real binary on fixture roots (tests/fixtures/<scenario>): its JSON report, less timestamps
# and durations, against tests/integration/expected/<case>.json, its exit code, and the schema.
# UPDATE=1 rewrites the expected files.
. "$(dirname "$0")/lib.sh"

# The checks these fixtures are made for; other modules have fixtures of their own.
BASE=platform.arch,os.distro,kernel.version,security.selinux

# case name | fixture | expected exit | extra options
cases=(
	"ubuntu-22.04|ubuntu-22.04|0|"
	"ubuntu-22.04-oldkernel|ubuntu-22.04-oldkernel|1|"
	"ubuntu-24.04-aws|ubuntu-24.04-aws|0|"
	"ubuntu-20.04|ubuntu-20.04|0|"
	"ubuntu-18.04-hwe|ubuntu-18.04-hwe|1|"
	"ubuntu-18.04-hwe-sysbox|ubuntu-18.04-hwe|0|--profile sysbox"
	"debian-12|debian-12|0|"
	"debian-12-strict|debian-12|1|--strict"
	"debian-12-coder-v1|debian-12|1|--profile coder-v1"
	"ubuntu-22.04-coder-v1|ubuntu-22.04|0|--profile coder-v1"
	"debian-11-selinux-config|debian-11-selinux-config|0|"
	"rhel-8-enforcing|rhel-8-enforcing|1|"
	"fedora-39-permissive|fedora-39-permissive|0|"
	"amzn-2023|amzn-2023|0|"
	"alpine-ppc64le|alpine-ppc64le|1|"
	"mint-21|mint-21|0|"
	"unreadable|unreadable|3|"
	"empty|empty|3|"
	"escape|escape|3|"
	"skip-selinux|rhel-8-enforcing|1|--skip security.selinux"
	"only-kernel|ubuntu-22.04-oldkernel|1|--only kernel.v*,platform.arch"
	"assume-kernel|ubuntu-22.04|1|--assume kernel.release=5.4.0-1-generic"
	"proc-override|ubuntu-22.04|1|--proc FIXTURES/rhel-8-enforcing/proc"
)

for c in "${cases[@]}"; do
	IFS='|' read -r name fixture want extra <<<"$c"
	out=$WORK/$name.json
	extra=${extra//FIXTURES/$FIXTURES}
	case $extra in *--only*) ;; *) extra="$extra --only $BASE" ;; esac
	# shellcheck disable=SC2086 # extra holds several options
	expect_exit "$name: exit $want" "$want" "$CVMPREP" check --root "$FIXTURES/$fixture" \
		--format json -o "$out" $extra
	valid_json "$name: schema" "$SCHEMA" "$out"
	same_json "$name: report" "$EXPECTED/$name.json" "$out"
done

# The root escape fixture points /etc/os-release at the host's own: it must not be read.
if grep -q '"ELOOP"\|Too many levels' "$WORK/escape.json"; then
	pass "escape: a symlink cannot leave the root"
else
	fail "escape: a symlink cannot leave the root" "$(grep -m3 os-release "$WORK/escape.json")"
fi

# Text report: table, summary and verdict lines.
"$CVMPREP" check --root "$FIXTURES/rhel-8-enforcing" --only $BASE >"$WORK/text" 2>&1
if grep -q '^fail     security.selinux  enforcing' "$WORK/text" &&
	grep -q '^4 checks: 1 pass, 1 warn, 2 fail, 0 unknown, 0 skip$' "$WORK/text" &&
	grep -q '^verdict: incompatible (exit 1)$' "$WORK/text"; then
	pass "text: table, summary, verdict"
else
	fail "text: table, summary, verdict" "$(cat "$WORK/text")"
fi
if grep -q $'\033' "$WORK/text"; then fail "text: no colour off a terminal" "escape codes"; else pass "text: no colour off a terminal"; fi
# On a terminal (script(1) gives it one): colour, unless NO_COLOR is set.
if command -v script >/dev/null; then
	cmd="$CVMPREP check --root $FIXTURES/rhel-8-enforcing --only $BASE"
	TERM=xterm script -qec "$cmd" /dev/null >"$WORK/tty" 2>&1
	grep -q $'\033\[1;31mfail' "$WORK/tty" && pass "text: colour on a terminal" || fail "text: colour on a terminal" "$(head -5 "$WORK/tty")"
	NO_COLOR=1 TERM=xterm script -qec "$cmd" /dev/null >"$WORK/tty" 2>&1
	grep -q $'\033' "$WORK/tty" && fail "text: NO_COLOR honoured" "escape codes" || pass "text: NO_COLOR honoured"
else
	skip "text: colour on a terminal" "no script(1)"
fi

# Facts: schema, and judging saved facts gives the same report as reading the tree.
expect_exit "facts: exit 0" 0 "$CVMPREP" facts --root "$FIXTURES/rhel-8-enforcing" -o "$WORK/facts.json"
valid_json "facts: schema" "$FACTS_SCHEMA" "$WORK/facts.json"
expect_exit "check --facts: exit 1" 1 "$CVMPREP" check --facts "$WORK/facts.json" --only $BASE --format json -o "$WORK/from-facts.json"
/usr/bin/python3 - "$WORK/from-facts.json" "$WORK/rhel-8-enforcing.json" >"$WORK/cmp" 2>&1 <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
strip = lambda d: [{k: v for k, v in c.items() if k != "duration_us"} for c in d["checks"]]
sys.exit(0 if strip(a) == strip(b) and a["verdict"] == b["verdict"] else 1)
PY
if [ $? -eq 0 ]; then pass "check --facts: same checks as --root"; else fail "check --facts: same checks as --root" "$(cat "$WORK/cmp")"; fi

# -o is atomic: an existing file is replaced whole, an unwritable place leaves nothing.
echo old >"$WORK/report.json"
expect_exit "-o: replaces a file" 0 "$CVMPREP" check --root "$FIXTURES/ubuntu-22.04" --only $BASE --format json -o "$WORK/report.json"
valid_json "-o: replaced file is a whole report" "$SCHEMA" "$WORK/report.json"
expect_exit "-o: missing directory is exit 2" 2 "$CVMPREP" check --root "$FIXTURES/ubuntu-22.04" -o "$WORK/nodir/r.json"
if [ -z "$(ls -A "$WORK" | grep '^\.\?report.json.' || true)" ]; then pass "-o: no temporary file left"; else fail "-o: no temporary file left" "$(ls "$WORK")"; fi

expect_exit "-o /dev/null: exit 0" 0 "$CVMPREP" check --root "$FIXTURES/ubuntu-22.04" --only $BASE -o /dev/null
[ -c /dev/null ] && pass "-o /dev/null: still a device" || fail "-o /dev/null: still a device" "$(ls -l /dev/null)"

# -o through a symlink that another user planted in a sticky world-writable directory (as
# nobody: ln -s victim /tmp/cvmprep.json) is refused, as the kernel refuses to follow it; the
# victim is untouched. Both commands that write -o.
if [ "$(id -u)" -eq 0 ]; then
	sticky=$(mktemp -d) && chmod 1777 "$sticky"
	printf 'root:secret\n' >"$WORK/victim" && chmod 0600 "$WORK/victim"
	ln -s "$WORK/victim" "$sticky/cvmprep.json" && chown -h 65534:65534 "$sticky/cvmprep.json"
	for cmd in check facts; do
		expect_exit "-o planted symlink: $cmd fails" 2 "$CVMPREP" $cmd --root "$FIXTURES/ubuntu-22.04" -o "$sticky/cvmprep.json"
		if grep -q "cannot write '$sticky/cvmprep.json': Permission denied" "$WORK/err"; then pass "-o planted symlink: $cmd says why"; else fail "-o planted symlink: $cmd says why" "$(cat "$WORK/err")"; fi
		if [ "$(cat "$WORK/victim")" = root:secret ] && [ "$(stat -c %a "$WORK/victim")" = 600 ]; then pass "-o planted symlink: $cmd leaves the victim"; else fail "-o planted symlink: $cmd leaves the victim" "$(ls -l "$WORK/victim")"; fi
	done
	rm -rf "$sticky"
else
	skip "-o planted symlink" "needs root to plant another user's symlink"
fi

# Usage errors: one line on stderr, exit 2.
usage_case() {
	local name=$1
	shift
	expect_exit "usage: $name" 2 "$@"
	if [ "$(wc -l <"$WORK/err")" -eq 1 ]; then pass "usage: $name: one line"; else fail "usage: $name: one line" "$(cat "$WORK/err")"; fi
}
usage_case "unknown option" "$CVMPREP" check --bogus
usage_case "unknown profile" "$CVMPREP" check --profile nope
usage_case "unknown format" "$CVMPREP" check --format yaml
usage_case "unknown --only id" "$CVMPREP" check --only kernel.nothing
usage_case "unknown --skip glob" "$CVMPREP" check --skip 'nothing.*'
usage_case "missing value" "$CVMPREP" check --profile
usage_case "unknown command" "$CVMPREP" frobnicate
usage_case "root is not a directory" "$CVMPREP" check --root /nonexistent/tree
usage_case "unreadable --facts" "$CVMPREP" check --facts /nonexistent/facts.json
usage_case "--facts not JSON" "$CVMPREP" check --facts "$FIXTURES/ubuntu-22.04/proc/sys/kernel/arch"
usage_case "bad --assume" "$CVMPREP" check --assume nokey
usage_case "explain unknown id" "$CVMPREP" explain kernel.nothing
expect_exit "no command: exit 2" 2 "$CVMPREP"

# Help, version, list, explain.
expect_exit "--help" 0 "$CVMPREP" --help
expect_exit "check --help" 0 "$CVMPREP" check --help
grep -q -- '--only IDS' "$WORK/out" && pass "check --help lists options" || fail "check --help lists options" "$(head -5 "$WORK/out")"
expect_exit "--version" 0 "$CVMPREP" --version
grep -qx 'cvmprep [0-9]*\.[0-9]*\.[0-9]*' "$WORK/out" && pass "--version prints the version" || fail "--version prints the version" "$(cat "$WORK/out")"
expect_exit "explain security.selinux" 0 "$CVMPREP" explain security.selinux
for field in reads rule why fix source docs; do
	grep -q "^$field: " "$WORK/out" || fail "explain security.selinux: $field" "$(cat "$WORK/out")"
done
pass "explain security.selinux: every field"
expect_exit "list" 0 "$CVMPREP" list
missing=$(/usr/bin/python3 -c 'import json,sys; print("\n".join(c["id"] for c in json.load(open(sys.argv[1]))["checks"]))' \
	"$WORK/ubuntu-22.04.json" | while read -r id; do grep -q "^$id " "$WORK/out" || echo "$id"; done)
[ -z "$missing" ] && pass "list: every id in a report" || fail "list: every id in a report" "$missing"
expect_exit "list --format json" 0 "$CVMPREP" list --format json
/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/out" && pass "list --format json parses" || fail "list --format json parses" "$(head -3 "$WORK/out")"

# Unreadable for real: a file the process may not read (as nobody, mode 000) is unknown, never
# "missing". Needs root to switch user, and the binary itself: valgrind's wrapper is a script
# that nobody may not be able to read from a private checkout.
if [ "${CVMPREP_VARIANT:-}" = valgrind ]; then
	skip "permission denied: unknown, exit 3" "the valgrind build is a script; the other passes run it"
elif [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	cp -a "$FIXTURES/ubuntu-22.04" "$WORK/denied"
	chmod 000 "$WORK/denied/usr/lib/os-release"
	chmod 755 "$WORK"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CVMPREP" check --root "$WORK/denied" --only $BASE \
		--format json >"$WORK/denied.json" 2>"$WORK/err"
	rc=$?
	if [ "$rc" -eq 3 ] && grep -q '"error":	"Permission denied"\|"error": "Permission denied"' "$WORK/denied.json"; then
		pass "permission denied: unknown, exit 3"
	else
		fail "permission denied: unknown, exit 3" "exit $rc $(cat "$WORK/err")"
	fi
else
	skip "permission denied: unknown, exit 3" "needs root and setpriv"
fi

# This machine, live: a verdict, and a report that validates.
"$CVMPREP" check --format json -o "$WORK/live.json"
rc=$?
case $rc in 0 | 1 | 3) pass "live: exit $rc is a verdict" ;; *) fail "live: exit $rc is a verdict" "$(cat "$WORK/live.json")" ;; esac
valid_json "live: schema" "$SCHEMA" "$WORK/live.json"
"$CVMPREP" facts -o "$WORK/live-facts.json" && valid_json "live facts: schema" "$FACTS_SCHEMA" "$WORK/live-facts.json"
exit 0
