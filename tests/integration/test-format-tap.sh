#!/usr/bin/env bash
# check --format tap: TAP version 14 read by prove (Debian's perl, TAP::Harness) and by a strict
# reader of version 14 (tests/tools/tapcheck.py), both held to the JSON report of the same run.
# A run with every status, and descriptions carrying '#', '\' and a newline from the host.
. "$(dirname "$0")/lib.sh"

ROOT=$FIXTURES/ubuntu-22.04
ONLY='platform.*,os.*,kernel.version,kernel.idmap,kernel.seccomp-notify,kernel.headers'
HOSTILE=$'ub#un\\tu\n# SKIP forged\nok 99 - forged'

# tap_case NAME ONLY ARGS...: the same run as TAP and as JSON; both readers, counts from each.
tap_case() {
	local name=$1 only=$2
	shift 2
	"$CVMPREP" check --root "$ROOT" --no-probe --only "$only" "$@" --format tap -o "$WORK/$name.tap" 2>"$WORK/err"
	"$CVMPREP" check --root "$ROOT" --no-probe --only "$only" "$@" --format json -o "$WORK/$name.json" 2>>"$WORK/err"
	if /usr/bin/python3 "$TOP/tests/tools/tapcheck.py" "$WORK/$name.tap" "$WORK/$name.json" >"$WORK/out" 2>"$WORK/perr"; then
		pass "$name: strict TAP 14, each check as the JSON report says ($(cat "$WORK/out"))"
	else
		fail "$name: strict TAP 14" "$(cat "$WORK/perr")"
	fi
	# Debian's Test::Harness knows versions up to 13 and refuses 14's version line: TAP 14 is a
	# superset of 13 (same test points, directives and YAML blocks), so prove reads the stream
	# with that one line relabelled, everything else as written.
	want=$(/usr/bin/python3 -c '
import json, sys
s = [c["status"] for c in json.load(open(sys.argv[1]))["checks"]]
print(len(s), sum(x in ("fail", "unknown") for x in s), s.count("skip"))' "$WORK/$name.json")
	got=$(perl -MTAP::Parser -e '
		open(my $f, "<", $ARGV[0]) or die; local $/; my $t = <$f>;
		$t =~ s/\ATAP version 14\n/TAP version 13\n/ or die "no version line";
		my $p = TAP::Parser->new({ tap => $t }); 1 while $p->next;
		die join("; ", $p->parse_errors) . "\n" if $p->parse_errors;
		printf "%d %d %d\n", $p->tests_run, scalar($p->failed), scalar($p->skipped);' "$WORK/$name.tap" 2>"$WORK/perr")
	[ -n "$got" ] && [ "$got" = "$want" ] && pass "$name: TAP::Parser counts run, failed, skipped: $got" ||
		fail "$name: TAP::Parser counts" "got '$got', want '$want' $(cat "$WORK/perr")"
	sed '1s/^TAP version 14$/TAP version 13/' "$WORK/$name.tap" >"$WORK/$name.t13"
	prove -e cat "$WORK/$name.t13" >"$WORK/prove" 2>&1
	rc=$?
	read -r total failed _ <<<"$want"
	if [ "$failed" -eq 0 ]; then
		[ "$rc" -eq 0 ] && grep -q '^Result: PASS' "$WORK/prove" && pass "$name: prove passes" || fail "$name: prove passes" "exit $rc: $(tail -5 "$WORK/prove")"
	else
		[ "$rc" -ne 0 ] && grep -q "Failed $failed/$total subtests" "$WORK/prove" && pass "$name: prove fails $failed/$total" ||
			fail "$name: prove fails $failed/$total" "exit $rc: $(head -5 "$WORK/prove")"
	fi
}

tap_case "every status" "$ONLY" --assume kernel.release=4.4.0
tap_case "hostile strings" "$ONLY" --assume "os.id=$HOSTILE"
tap_case "all pass" platform.arch,os.distro,kernel.version

grep -q '^ok 99' "$WORK/hostile strings.tap" && fail "no forged test point" "$(grep -n '^ok 99' "$WORK/hostile strings.tap")" || pass "no forged test point"
grep -q 'TODO' "$WORK/every status.tap" && fail "warn is never # TODO" "$(grep -n TODO "$WORK/every status.tap")" || pass "warn is never # TODO"
grep -q '# SKIP forged' "$WORK/hostile strings.tap" && grep -qF 'ub\#un\\tu\\x0a\# SKIP forged' "$WORK/hostile strings.tap" &&
	pass "a '#' from the host is escaped" || fail "a '#' from the host is escaped" "$(grep -n forged "$WORK/hostile strings.tap" | head -3)"
