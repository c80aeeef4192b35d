#!/usr/bin/env bash
# Docker's apt source step, in the test bed (tests/provision/): a root without one gets a
# signed-by source and its keyring, and containerd.io from it; a root where the operator
# configured that URL gets no second entry, even before apt-get update.
. "$(dirname "$0")/lib.sh"
if [ -n "${CVMPREP_VARIANT:-}" ]; then
	skip "apt sources in the test bed" "$CVMPREP is the $CVMPREP_VARIANT build"
	exit 0
fi
. "$TOP/tests/provision/lib.sh"
tb_init
args=(--apt-repo file:/srv/repo/docker --apt-key /srv/repo/docker.asc
	--sysbox-deb /srv/repo/sysbox-ce.deb --skip runtime.sysbox)

tb_root add
tb_provision add "${args[@]}" >"$WORK/out" 2>&1
rc=$?
list=$(tb_run add cat /etc/apt/sources.list.d/cvmprep-docker.list 2>&1)
if [ "$rc" -eq 0 ] && grep -q "^deb \[arch=$ARCH signed-by=/etc/apt/keyrings/cvmprep-docker.asc\] file:/srv/repo/docker $CODENAME stable$" <<<"$list" &&
	grep -q '^containerd.io 1.5.11-1 hi' <<<"$(tb_state add)"; then
	pass "no source: a signed-by source added, containerd.io installed from it"
else
	fail "no source: a signed-by source added" "exit $rc: $(cat "$WORK/out"); $list"
fi
tb_provision add "${args[@]}" >"$WORK/out" 2>&1
grep -q '^apt-source   already' "$WORK/out" && pass "second run: the source step is already" ||
	fail "second run: the source step is already" "$(cat "$WORK/out")"

for lists in kept emptied; do
	tb_root pre docker
	[ "$lists" = emptied ] && tb_run pre /bin/bash -c 'rm -rf /var/lib/apt/lists/*'
	tb_provision pre "${args[@]}" >"$WORK/out" 2>&1
	rc=$?
	files=$(tb_run pre ls /etc/apt/sources.list.d/ /etc/apt/keyrings/ | tr '\n' ' ')
	if [ "$rc" -eq 0 ] && grep -q '^apt-source   already' "$WORK/out" && ! grep -q cvmprep <<<"$files"; then
		pass "the URL configured already (lists $lists): no second entry"
	else
		fail "the URL configured already (lists $lists)" "exit $rc: $files $(cat "$WORK/out")"
	fi
done
