#!/usr/bin/env bash
# cvmprep provision for real, in a Debian root of the test bed (tests/provision/): a fresh
# install validates against the schema; the second run starts no process and changes no file;
# --dry-run changes nothing; and, on this machine, a dry run's report validates too.
. "$(dirname "$0")/lib.sh"

# Any machine: a dry run of this machine writes a valid report and changes nothing it could.
"$CVMPREP" provision --dry-run --force --format json >"$WORK/dry.json" 2>"$WORK/dry.err"
rc=$?
case $rc in 0 | 4) pass "dry run of this machine exits 0 or 4 ($rc)" ;;
*) fail "dry run of this machine" "exit $rc: $(head -c 300 "$WORK/dry.err")" ;; esac
valid_json "dry run report validates" "$SCHEMA" "$WORK/dry.json"
expect_exit "usage: --containerd-version without a value" 2 "$CVMPREP" provision --containerd-version
expect_exit "usage: a bad --sysbox-sha256" 2 "$CVMPREP" provision --dry-run --sysbox-sha256 xyz
expect_exit "usage: a bad --lock-timeout" 2 "$CVMPREP" provision --dry-run --lock-timeout -1

# The bed runs the binary itself, chrooted: a wrapper around it (make test's second pass under a
# seccomp filter) cannot run there.
if [ -n "${CVMPREP_VARIANT:-}" ]; then
	skip "provisioning in the test bed" "$CVMPREP is the $CVMPREP_VARIANT build"
	exit 0
fi
. "$TOP/tests/provision/lib.sh"
tb_init
# The stand-in sysbox-ce ships no systemd units; runtime.sysbox would say so after the install.
deb=(--sysbox-deb /srv/repo/sysbox-ce.deb --sysbox-sha256 "$SYSBOX_SHA256" --skip runtime.sysbox)

# A tree listing without the mount point of /sys (the bed mounts it, its mtime moves) and the
# provisioner's lock file (a real run creates it first).
tree() { tb_tree "$1" | grep -v -e '^/sys ' -e '^/run/lock/cvmprep.lock '; }

tb_root fresh flat
tree fresh >"$WORK/before"
tb_provision fresh --dry-run "${deb[@]}" >"$WORK/out" 2>&1
rc=$?
tree fresh >"$WORK/after"
if [ "$rc" -eq 0 ] && diff -q "$WORK/before" "$WORK/after" >/dev/null; then
	pass "--dry-run changes nothing"
else
	fail "--dry-run changes nothing" "exit $rc; $(diff "$WORK/before" "$WORK/after" | head -5) $(head -c 300 "$WORK/out")"
fi
grep -q 'would run: /usr/bin/apt-get install .*--no-remove.*containerd.io=1.5.11-1' "$WORK/out" &&
	pass "--dry-run shows the install's argv" || fail "--dry-run shows the install's argv" "$(cat "$WORK/out")"

tb_provision fresh "${deb[@]}" --report /root/report.json >"$WORK/out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && pass "fresh install exits 0" || fail "fresh install exits 0" "exit $rc: $(cat "$WORK/out")"
cp "$(tb_mnt fresh)/root/report.json" "$WORK/report.json" 2>/dev/null ||
	cp "$TB/roots/fresh/upper/root/report.json" "$WORK/report.json"
valid_json "fresh install report validates" "$SCHEMA" "$WORK/report.json"
state=$(tb_state fresh)
grep -q '^containerd.io 1.5.11-1 hi' <<<"$state" && grep -q '^sysbox-ce 0.7.1-0 ii' <<<"$state" &&
	grep -q 'Pin-Priority: 1001' <<<"$state" && pass "containerd.io held and pinned, sysbox-ce installed" ||
	fail "containerd.io held and pinned, sysbox-ce installed" "$state"
[ -z "$(tb_audit fresh)" ] && pass "dpkg --audit is empty" || fail "dpkg --audit is empty" "$(tb_audit fresh)"

tree fresh >"$WORK/before"
TB_STRACE=$WORK/strace tb_provision fresh "${deb[@]}" >"$WORK/out" 2>&1
rc=$?
tree fresh >"$WORK/after"
# What the bed itself runs to get there: chroot, env, cvmprep.
execs=$(grep 'execve(' "$WORK/strace" | grep -vc -e 'execve("/usr/sbin/chroot"' -e 'execve("/usr/bin/env"' \
	-e 'execve("/usr/local/bin/cvmprep"')
if [ "$rc" -eq 0 ] && [ "${execs:-0}" -eq 0 ] && diff -q "$WORK/before" "$WORK/after" >/dev/null; then
	pass "second run: every step already, no process, no file changed"
else
	fail "second run" "exit $rc, execve $execs: $(grep execve "$WORK/strace" | head -5); $(diff "$WORK/before" "$WORK/after" | head -4)"
fi
grep -q '^containerd   already' "$WORK/out" && grep -q '^sysbox       already' "$WORK/out" &&
	pass "second run says already" || fail "second run says already" "$(cat "$WORK/out")"
