#!/usr/bin/env bash
# Sysbox 0.7: the real binary on the fixture roots of runtime.sysbox (the version against the
# newest release known), fs.fuse3 (fusermount3 where Sysbox 0.7 is to run) and
# security.apparmor-fusermount3 (Ubuntu 25.04's profile), and os.distro on the releases after
# 24.04: each status, the exit code, the schema; the provisioner's target reaching fs.fuse3 in
# its preflight; `explain` for each new id.
. "$(dirname "$0")/lib.sh"

ONLY=runtime.sysbox,fs.fuse3,security.apparmor-fusermount3,os.distro

# case | fixture | exit | extra options | id=status... [| texts for the first id]
cases=(
	"noble-0.7.0|sysbox-noble-0.7.0|0||runtime.sysbox=warn fs.fuse3=pass security.apparmor-fusermount3=skip os.distro=pass|sysbox #1013|2026-07-31|sysbox #998"
	"noble-nofuse3|sysbox-noble-nofuse3|1||fs.fuse3=fail runtime.sysbox=pass|package fuse3 provides it|apt-get install -y fuse3"
	"bionic-0.7.1|sysbox-bionic-0.7.1|1||fs.fuse3=fail os.distro=pass|Ubuntu 18.04 has no fuse3 package"
	"pathloop|sysbox-pathloop|3||fs.fuse3=unknown|Too many levels of symbolic links"
	"ready|runtime-ready|3||fs.fuse3=skip runtime.sysbox=warn|0.6.4-0.linux is installed and none"
	"ready-target|runtime-ready|3|--assume sysbox.target=0.7.1|fs.fuse3=pass|Sysbox 0.7.1 (what cvmprep provision installs)|provisioning installs fuse3 together with sysbox-ce"
	"bionic-target|ubuntu-18.04-hwe|1|--assume sysbox.target=0.7.1|fs.fuse3=fail|Ubuntu 18.04 has no fuse3 package"
	"dpkg-unreadable|runtime-unreadable|3||fs.fuse3=unknown runtime.sysbox=unknown|cannot read '/var/lib/dpkg/status'"
	"plucky-enforce|ubuntu-25.04-fusermount3|0||security.apparmor-fusermount3=warn os.distro=warn fs.fuse3=pass runtime.sysbox=pass|enforce mode|aa-complain /etc/apparmor.d/fusermount3"
	"plucky-enforce-sysbox|ubuntu-25.04-fusermount3|1|--profile sysbox|security.apparmor-fusermount3=fail|sysbox #947, #1005"
	"resolute-complain|ubuntu-26.04-complain|0||security.apparmor-fusermount3=pass os.distro=warn fs.fuse3=skip|complain mode"
	"questing-unreadable|ubuntu-25.10-unreadable|3||security.apparmor-fusermount3=unknown os.distro=warn|Is a directory"
	"plucky-apparmor-off|ubuntu-25.04-apparmor-off|0||security.apparmor-fusermount3=skip|AppArmor is disabled"
	"noble-aws|ubuntu-24.04-aws|0||security.apparmor-fusermount3=skip|not Ubuntu 25.04 or later"
	"debian-12|debian-12|0||os.distro=warn|nodes run it in practice"
)

for c in "${cases[@]}"; do
	IFS='|' read -r name fixture want extra statuses texts <<<"$c"
	IFS='|' read -r -a texts <<<"$texts"
	out=$WORK/$name.json
	# shellcheck disable=SC2086 # extra holds several words
	expect_exit "$name: exit $want" "$want" "$CVMPREP" check --root "$FIXTURES/$fixture" --only "$ONLY" \
		--format json -o "$out" $extra
	valid_json "$name: schema" "$SCHEMA" "$out"
	first=1
	for s in $statuses; do
		if [ "$first" = 1 ]; then
			expect "$name: ${s%%=*} ${s#*=}" "$out" "${s%%=*}" "${s#*=}" "${texts[@]}"
			first=0
		else
			expect "$name: ${s%%=*} ${s#*=}" "$out" "${s%%=*}" "${s#*=}"
		fi
	done
done

# The provisioner judges the Sysbox it installs: its preflight refuses Sysbox 0.7.1 on Ubuntu
# 18.04, which has no fuse3 (exit 1, nothing done), and goes on with --sysbox-version none.
"$CVMPREP" provision --root "$FIXTURES/ubuntu-18.04-hwe" --dry-run --only fs.fuse3 >"$WORK/prov" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'refused, nothing changed: 1 failed .*fs.fuse3 is fail: Sysbox 0.7.1 (what cvmprep provision installs) .*Ubuntu 18.04 has no fuse3' "$WORK/prov"; then
	pass "provision: the preflight judges fs.fuse3 against the Sysbox it installs"
else
	fail "provision: the preflight judges fs.fuse3 against the Sysbox it installs" "exit $rc: $(head -c 400 "$WORK/prov")"
fi
"$CVMPREP" provision --root "$FIXTURES/ubuntu-18.04-hwe" --dry-run --only fs.fuse3 --sysbox-version none \
	--format json >"$WORK/prov.json" 2>"$WORK/prov.err"
expect "provision --sysbox-version none: fs.fuse3 skip" "$WORK/prov.json" fs.fuse3 skip "none is to be installed"
grep -q '^preflight *done' "$WORK/prov.err" && pass "provision --sysbox-version none: the preflight goes on" ||
	fail "provision --sysbox-version none: the preflight goes on" "$(head -c 400 "$WORK/prov.err")"

# Facts saved from a tree judge the same as the tree (sysbox.target with them).
expect_exit "facts: ubuntu-25.04-fusermount3" 0 "$CVMPREP" facts --root "$FIXTURES/ubuntu-25.04-fusermount3" \
	-o "$WORK/facts.json"
expect_exit "check --facts: ubuntu-25.04-fusermount3" 0 "$CVMPREP" check --facts "$WORK/facts.json" \
	--only "$ONLY" --format json -o "$WORK/from-facts.json"
/usr/bin/python3 - "$WORK/from-facts.json" "$WORK/plucky-enforce.json" >"$WORK/cmp" 2>&1 <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
strip = lambda d: [{k: v for k, v in c.items() if k != "duration_us"} for c in d["checks"]]
sys.exit(0 if strip(a) == strip(b) else 1)
PY
if [ $? -eq 0 ]; then pass "check --facts: the same results as --root"; else fail "check --facts: the same results as --root" "$(cat "$WORK/cmp")"; fi

for id in fs.fuse3 security.apparmor-fusermount3 runtime.sysbox; do
	"$CVMPREP" explain "$id" >"$WORK/explain" 2>&1
	if grep -q '^source: .*https://' "$WORK/explain" && grep -q '^docs: *https://' "$WORK/explain" &&
		grep -q '^rule: ' "$WORK/explain"; then
		pass "explain $id: a source with its URL"
	else
		fail "explain $id" "$(head -c 300 "$WORK/explain")"
	fi
done
