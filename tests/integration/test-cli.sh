#!/usr/bin/env bash
# The command line itself: exit codes that are not verdicts, and how options are refused.
. "$(dirname "$0")/lib.sh"

# Out of memory is an internal error (exit 70), never a usage error. Made real with an address
# space limit: the smallest in which cvmprep starts, plus 8 MiB; reading --facts /dev/zero then
# runs out of memory before its 16 MiB bound.
if ! command -v prlimit >/dev/null; then
	skip "out of memory: exit 70" "no prlimit"
elif ldd "$CVMPREP" | grep -q 'libasan\|libtsan'; then
	skip "out of memory: exit 70" "a sanitizer reserves the address space"
else
	base=
	for mib in $(seq 4 2 128); do
		if prlimit --as=$((mib << 20)) "$CVMPREP" --version >/dev/null 2>&1; then
			base=$mib
			break
		fi
	done
	if [ -z "$base" ]; then
		fail "out of memory: exit 70" "cvmprep does not start in 128 MiB"
	else
		limit=$(((base + 8) << 20))
		expect_exit "out of memory: the limit leaves room to judge" 1 prlimit --as=$limit \
			"$CVMPREP" check --root "$FIXTURES/ubuntu-22.04-oldkernel" --only kernel.version
		expect_exit "out of memory: exit 70" 70 prlimit --as=$limit "$CVMPREP" check --facts /dev/zero
		grep -qx 'cvmprep check: out of memory' "$WORK/err" && pass "out of memory: says so" ||
			fail "out of memory: says so" "$(cat "$WORK/err")"
	fi
fi
# --help names every exit code design.md gives.
expect_exit "--help" 0 "$CVMPREP" --help
tr '\n' ' ' <"$WORK/out" | grep -q "0 compatible, 1 incompatible, 2 usage error.* 3 undecided, 4 provisioning failed, 5 another provisioner holds the lock, 70 internal error" &&
	pass "--help: every exit code" || fail "--help: every exit code" "$(tail -3 "$WORK/out")"
expect_exit "--facts over its bound is a usage error" 2 "$CVMPREP" check --facts /dev/zero
grep -q "cannot read '/dev/zero': File too large" "$WORK/err" && pass "--facts over its bound: says so" ||
	fail "--facts over its bound: says so" "$(cat "$WORK/err")"

# Usage errors: exit 2 and one line on stderr that names what was wrong.
usage_case() {
	local name=$1 text=$2
	shift 2
	expect_exit "usage: $name" 2 "$@"
	if [ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -qF -- "$text" "$WORK/err"; then
		pass "usage: $name: says $text"
	else
		fail "usage: $name: says $text" "$(cat "$WORK/err")"
	fi
}
ROOT=$FIXTURES/ubuntu-22.04
"$CVMPREP" facts --root "$ROOT" -o "$WORK/facts.json" || fail "facts for --facts" "exit $?"
# An empty list selected every check.
usage_case "--only ''" "--only wants check ids or globs, comma-separated, not ''" \
	"$CVMPREP" check --root "$ROOT" --only ''
usage_case "--only ," "not ','" "$CVMPREP" check --root "$ROOT" --only ,
usage_case "--only a,,b" "not 'kernel.version,,os.distro'" \
	"$CVMPREP" check --root "$ROOT" --only kernel.version,,os.distro
usage_case "--skip ''" "--skip wants check ids" "$CVMPREP" check --root "$ROOT" --skip ''
# The option named is the one refused: within a cluster (-xyz) getopt has not stepped past it.
usage_case "-xyz" "unknown option '-x'" "$CVMPREP" check -xyz
usage_case "--strict -xyz" "unknown option '-x'" "$CVMPREP" check --strict -xyz
usage_case "list -xyz" "unknown option '-x' (see 'cvmprep list --help')" "$CVMPREP" list -xyz
usage_case "--bogus" "unknown option '--bogus'" "$CVMPREP" check --bogus
usage_case "--strict=1" "option '--strict' takes no value" "$CVMPREP" check --strict=1
usage_case "--help=1" "option '--help' takes no value" "$CVMPREP" check --help=1
usage_case "--profile without a value" "option '--profile' needs a value" "$CVMPREP" check --profile
usage_case "-o without a value" "option '-o' needs a value" "$CVMPREP" check -o
# hostpaths --shiftfs-autoload without --caching printed the caching-off row, as if it were not
# given: Coder's table has no such row.
usage_case "hostpaths --shiftfs-autoload" "--shiftfs-autoload applies only with --caching" \
	"$CVMPREP" hostpaths --shiftfs-autoload
[ ! -s "$WORK/out" ] && pass "hostpaths --shiftfs-autoload: prints no row" ||
	fail "hostpaths --shiftfs-autoload: prints no row" "$(head -3 "$WORK/out")"
expect_exit "hostpaths --caching --shiftfs-autoload" 0 "$CVMPREP" hostpaths --shiftfs-autoload --caching
# check takes it without --caching: it selects the kernel.shiftfs and kernel.headers rules.
expect_exit "check --shiftfs-autoload without --caching" 0 "$CVMPREP" check --root "$ROOT" \
	--only kernel.version --shiftfs-autoload
# Output that cannot be written is an error, as for -o FILE (exit 2), naming stdout and the errno:
# list, explain and --help said nothing and exited 0.
for cmd in "list" "list --format json" "list --format md" "explain security.selinux" "--help" \
	"--version" "check --help" "hostpaths" "hostpaths --format json" \
	"check --root $ROOT --only kernel.version" "facts --root $ROOT"; do
	# shellcheck disable=SC2086 # cmd holds several words
	"$CVMPREP" $cmd >/dev/full 2>"$WORK/err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q "cannot write to standard output: No space left on device$" "$WORK/err"; then
		pass "${cmd%% --root*} >/dev/full: exit 2, says so"
	else
		fail "${cmd%% --root*} >/dev/full: exit 2, says so" "exit $rc: $(cat "$WORK/err")"
	fi
done
"$CVMPREP" list >&- 2>"$WORK/err"
rc=$?
[ $rc -eq 2 ] && grep -q "cannot write to standard output: Bad file descriptor$" "$WORK/err" &&
	pass "list with stdout closed: exit 2" || fail "list with stdout closed: exit 2" "exit $rc: $(cat "$WORK/err")"
expect_exit "list to a file: exit 0" 0 "$CVMPREP" list
# --assume takes only a fact a probe can record, and host.mode only as a mode: a misspelt key
# was accepted and changed nothing, host.mode=bogus made every pod check unknown.
usage_case "--assume of an unknown key" "--assume 'kernel.relase': no probe records such a fact" \
	"$CVMPREP" check --root "$ROOT" --assume kernel.relase=5.4.0
usage_case "--assume of a check id" "--assume 'kernel.version'" \
	"$CVMPREP" check --root "$ROOT" --assume kernel.version=5.4.0
usage_case "--assume of an unknown kernel option" "'kconfig.OVERLAY_FSS'" \
	"$CVMPREP" check --root "$ROOT" --assume kconfig.OVERLAY_FSS=y
usage_case "--assume host.mode=bogus" "--assume 'host.mode': 'bogus' is not one of its values (host, pod)" \
	"$CVMPREP" check --root "$ROOT" --assume host.mode=bogus
usage_case "--assume with --facts" "'kernel.relase'" \
	"$CVMPREP" check --facts "$WORK/facts.json" --assume kernel.relase=5.4.0
# Keys some hosts only record: selinux.enforce where selinuxfs is mounted, kconfig.<OPTION>.
expect_exit "--assume selinux.enforce on a host without selinuxfs" 1 "$CVMPREP" check \
	--root "$ROOT" --only security.selinux --format json -o "$WORK/selinux.json" \
	--assume selinux.mount=/sys/fs/selinux --assume selinux.enforce=1
expect "--assume selinux.enforce: judged as enforcing" "$WORK/selinux.json" security.selinux fail enforcing
expect_exit "--assume kconfig.OVERLAY_FS" 0 "$CVMPREP" check --root "$ROOT" --only kernel.version \
	--assume kconfig.OVERLAY_FS=y
expect_exit "--assume host.mode=pod" 0 "$CVMPREP" check --root "$ROOT" --only kernel.version \
	--assume host.mode=pod
expect_exit "--only a,b still selects two" 0 "$CVMPREP" check --root "$ROOT" --only kernel.version,os.distro --format json -o "$WORK/two.json"
n=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["checks"]))' "$WORK/two.json")
[ "$n" = 2 ] && pass "--only a,b: two checks" || fail "--only a,b: two checks" "$n checks"
exit 0
