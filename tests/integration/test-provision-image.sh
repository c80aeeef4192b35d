#!/usr/bin/env bash
# cvmprep provision --target image: Coder's CVM image recipe applied to a Debian root of the test
# bed (tests/provision/) at --root, every package command chrooted there: containerd.io 1.5.11-1
# held and pinned, the docker-ce that accepts it (not the newest, which needs >= 1.6.24), the real
# systemd, docker.service enabled by its systemctl, /sbin/init leading to systemd; cvmprep image
# then passes the recipe's checks. A second run starts no process and changes nothing; --dry-run
# changes nothing; with no docker-ce that accepts the pin it is refused with nothing changed.
. "$(dirname "$0")/lib.sh"

expect_exit "usage: --target image without --root" 2 "$CVMPREP" provision --target image --dry-run
expect_exit "usage: an unknown --target" 2 "$CVMPREP" provision --target vm --root / --dry-run
expect_exit "usage: --target image with --sysbox-deb" 2 "$CVMPREP" provision --target image \
	--root "$WORK" --dry-run --sysbox-deb /x.deb
"$CVMPREP" provision --target image 2>"$WORK/usage.err" >/dev/null
grep -q -- '--target image needs --root DIR' "$WORK/usage.err" &&
	pass "usage: the message names --root" || fail "usage: the message names --root" "$(cat "$WORK/usage.err")"

if [ -n "${CVMPREP_VARIANT:-}" ]; then
	skip "provisioning an image in the test bed" "$CVMPREP is the $CVMPREP_VARIANT build"
	exit 0
fi
. "$TOP/tests/provision/lib.sh"
tb_init

# provision_image NAME ARG...: cvmprep provision --target image on this side, NAME's root at
# --root, chrooted commands only.
provision_image() {
	local name=$1
	shift
	tb_host "$name" "$CVMPREP" provision --target image --root "$(tb_mnt "$name")" "$@"
}
# A tree listing without /sys's mount point (the bed mounts it, its mtime moves) and the lock file
# (a real run creates it first).
tree() { tb_tree "$1" | grep -v -e '^/sys ' -e '^/run/lock/cvmprep.lock '; }

tb_root img flat || { fail "image root" "tb_root failed"; exit 1; }
tree img >"$WORK/before"
provision_image img --dry-run >"$WORK/dry.out" 2>&1
rc=$?
tree img >"$WORK/after"
if [ "$rc" -eq 0 ] && diff -q "$WORK/before" "$WORK/after" >/dev/null; then
	pass "image --dry-run changes nothing (mtimes too)"
else
	fail "image --dry-run changes nothing" "exit $rc; $(diff "$WORK/before" "$WORK/after" | head -5) $(head -c 400 "$WORK/dry.out")"
fi
grep -q "would run: /usr/bin/apt-get install .* docker-ce=$DOCKER_CE_OLD\$" "$WORK/dry.out" &&
	grep -q 'would run: /usr/bin/systemctl enable docker.service' "$WORK/dry.out" &&
	grep -q 'would write: /sbin/init' "$WORK/dry.out" &&
	pass "image --dry-run plans the docker-ce that accepts the pin, the enable and the link" ||
	fail "image --dry-run plans" "$(cat "$WORK/dry.out")"
grep -q "^preflight *skipped *the image is not the node" "$WORK/dry.out" &&
	pass "image: the preflight is skipped, saying why" || fail "image: preflight skipped" "$(cat "$WORK/dry.out")"

# With --containerd-version none nothing constrains docker-ce: the newest is planned.
provision_image img --dry-run --containerd-version none >"$WORK/none.out" 2>&1
grep -q "would run: /usr/bin/apt-get install .* docker-ce=$DOCKER_CE_NEW\$" "$WORK/none.out" &&
	grep -q '^containerd *skipped *--containerd-version none' "$WORK/none.out" &&
	pass "image --dry-run --containerd-version none: the newest docker-ce" ||
	fail "image --dry-run --containerd-version none" "$(cat "$WORK/none.out")"

# No lists yet (an image before its first apt-get update): the dry run plans the update and
# says that which docker-ce fits is known only after it; nothing changes.
tb_root nolists flat || { fail "nolists root" "tb_root failed"; exit 1; }
tb_sh nolists 'rm -rf /var/lib/apt/lists/* && mkdir /var/lib/apt/lists/partial'
tree nolists >"$WORK/before"
provision_image nolists --dry-run >"$WORK/nolists.out" 2>&1
rc=$?
tree nolists >"$WORK/after"
[ "$rc" -eq 0 ] && diff -q "$WORK/before" "$WORK/after" >/dev/null &&
	grep -q 'would run: /usr/bin/apt-get -q .*update$' "$WORK/nolists.out" &&
	grep -q '^docker .*planned *which docker-ce accepts containerd.io 1.5.11-1 is known only after apt-get update' "$WORK/nolists.out" &&
	pass "image --dry-run without lists: the update planned, nothing changed" ||
	fail "image --dry-run without lists" "exit $rc; $(diff "$WORK/before" "$WORK/after" | head -4); $(cat "$WORK/nolists.out")"

provision_image img --report "$WORK/image.json" >"$WORK/run.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && pass "image: a fresh root is provisioned (exit 0)" ||
	fail "image: a fresh root is provisioned" "exit $rc: $(cat "$WORK/run.out")"
valid_json "image: the report validates" "$SCHEMA" "$WORK/image.json"
[ "$(tb_json "$WORK/image.json" 'd["provision"]["target"]')" = image ] &&
	pass "image: the report says target image" || fail "image: the report's target" "$(tb_json "$WORK/image.json" 'd["provision"]')"
tb_same "image: the steps" \
	"lock:done preflight:skipped dpkg-recover:already apt-source:already containerd:done docker:done systemd:done docker-enable:done init:done verify:done" \
	"$(tb_steps "$WORK/image.json")"
state=$(tb_state img)
grep -q '^containerd.io 1.5.11-1 hi' <<<"$state" && grep -q 'Pin-Priority: 1001' <<<"$state" &&
	pass "image: containerd.io 1.5.11-1 held and pinned" || fail "image: containerd.io held and pinned" "$state"
grep -qF "docker-ce $DOCKER_CE_OLD ii" <<<"$state" &&
	pass "image: the docker-ce that accepts 1.5.11 is installed, not $DOCKER_CE_NEW" || fail "image: docker-ce" "$state"
grep -q 'sysbox-ce not-installed' <<<"$state" && grep -q 'no /etc/docker/daemon.json' <<<"$state" &&
	pass "image: no sysbox-ce, no daemon.json" || fail "image: no sysbox-ce, no daemon.json" "$state"
tb_run img dpkg-query -W -f='${db:Status-Abbrev}\n' systemd 2>&1 | grep -q '^ii' &&
	pass "image: the real systemd is installed" || fail "image: systemd" "$(tb_run img dpkg-query -W systemd 2>&1)"
link=$(tb_run img readlink /sbin/init)
[ "$link" = /lib/systemd/systemd ] && pass "image: /sbin/init -> /lib/systemd/systemd" || fail "image: /sbin/init" "$link"
link=$(tb_run img readlink /etc/systemd/system/multi-user.target.wants/docker.service)
[ "$link" = /lib/systemd/system/docker.service ] && pass "image: docker.service enabled by systemctl" ||
	fail "image: docker.service enabled" "$link"
[ -z "$(tb_audit img)" ] && pass "image: dpkg --audit is empty" || fail "image: dpkg --audit" "$(tb_audit img)"

tb_host img "$CVMPREP" image "$(tb_mnt img)" --format json -o "$WORK/judged.json" >"$WORK/judge.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && pass "cvmprep image on it: compatible" || fail "cvmprep image on it" "exit $rc: $(cat "$WORK/judge.out")"
for id in image.init image.systemd image.docker image.docker-enabled image.containerd-pin; do
	expect "cvmprep image on it: $id passes" "$WORK/judged.json" "$id" pass
done

# Again: every step already, no process started, no file changed.
tree img >"$WORK/before"
TB_STRACE=$WORK/strace provision_image img >"$WORK/again.out" 2>&1
rc=$?
tree img >"$WORK/after"
execs=$(grep 'execve(' "$WORK/strace" | grep -vc -e 'execve("/usr/bin/env"' -e "execve(\"$CVMPREP\"")
if [ "$rc" -eq 0 ] && [ "${execs:-0}" -eq 0 ] && diff -q "$WORK/before" "$WORK/after" >/dev/null; then
	pass "image: the second run starts no process and changes no file"
else
	fail "image: the second run" "exit $rc, execve $execs: $(grep execve "$WORK/strace" | head -5); $(diff "$WORK/before" "$WORK/after" | head -4)"
fi
for s in containerd docker systemd docker-enable init; do
	grep -q "^$s *already" "$WORK/again.out" || { fail "image: second run, $s already" "$(cat "$WORK/again.out")"; break; }
done && pass "image: the second run says already"

# A planted /sbin/init that leads out of the root: replaced, never followed; the rest already.
outside=$(mktemp -d)
echo outside >"$outside/init"
tb_sh img "rm -f /sbin/init && ln -s $outside/init /sbin/init"
provision_image img --report "$WORK/planted.json" >"$WORK/planted.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && [ "$(cat "$outside/init")" = outside ] && [ ! -L "$outside/init" ] &&
	[ "$(tb_run img readlink /sbin/init)" = /lib/systemd/systemd ] &&
	pass "image: a planted /sbin/init link is replaced, what it led to left alone" ||
	fail "image: a planted /sbin/init" "exit $rc; $(ls -l "$outside"); $(tail -3 "$WORK/planted.out")"
tb_same "image: only the link is made again" \
	"lock:done preflight:skipped dpkg-recover:already apt-source:already containerd:already docker:already systemd:already docker-enable:already init:done verify:done" \
	"$(tb_steps "$WORK/planted.json")"
rm -rf "$outside"

# Only a docker-ce that needs containerd.io >= 1.6.24 is offered: refused before the pin is
# installed, naming the version and what it needs; nothing changed.
tb_root new || { fail "new root" "tb_root failed"; exit 1; }
repo=$(tb_out new)/repo
mkdir -p "$repo"
cp "$TB"/repo/pool/containerd.io_1.5.11-1_*.deb "$TB"/repo/pool/docker-ce_26.*.deb "$repo/"
(cd "$repo" && apt-ftparchive packages . >Packages && apt-ftparchive release . >../Release && mv ../Release .)
echo 'deb [trusted=yes] file:/out/repo ./' >"$TB/roots/new/upper/etc/apt/sources.list.d/new.list"
tb_run new apt-get -q update >"$WORK/update.log" 2>&1 || fail "new root: apt-get update" "$(tail -3 "$WORK/update.log")"
# The lock file is made under the root's /run/lock before the refusal: not listed.
tree new | grep -v '^/run/lock ' >"$WORK/before"
provision_image new --report "$WORK/new.json" >"$WORK/new.out" 2>&1
rc=$?
tree new | grep -v '^/run/lock ' >"$WORK/after"
[ "$rc" -eq 4 ] && diff -q "$WORK/before" "$WORK/after" >/dev/null &&
	pass "image: no docker-ce accepts the pin: exit 4, nothing changed" ||
	fail "image: no docker-ce accepts the pin" "exit $rc; $(diff "$WORK/before" "$WORK/after" | head -4); $(cat "$WORK/new.out")"
msg=$(tb_json "$WORK/new.json" '[s["message"] for s in d["provision"]["steps"] if s["name"] == "containerd"][0]')
grep -qF "nothing was changed" <<<"$msg" && grep -qF "$DOCKER_CE_NEW needs containerd.io (>= 1.6.24)" <<<"$msg" &&
	pass "image: the refusal names the docker-ce offered and what it needs" || fail "image: the refusal" "$msg"
valid_json "image: the refused run's report validates" "$SCHEMA" "$WORK/new.json"
state=$(tb_state new)
grep -q '^containerd.io not-installed' <<<"$state" && grep -q '^holds: $' <<<"$state" &&
	pass "image: refused, containerd.io neither installed nor held" ||
	fail "image: refused, containerd.io neither installed nor held" "$state"
