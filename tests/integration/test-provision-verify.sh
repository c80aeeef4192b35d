#!/usr/bin/env bash
# The verify step's service check, where systemd is PID 1 (tests/provision/): Sysbox's three
# units active and sysbox-mgr's socket present pass; a unit that is not active, or no socket,
# fails with exit 4 naming it. The bed has no systemd: PID 1 of a PID namespace inside the root
# is a program named systemd (what the step reads in /proc/1/comm), and systemctl a stand-in
# that answers is-active from a list of active units.
. "$(dirname "$0")/lib.sh"
if [ -n "${CVMPREP_VARIANT:-}" ]; then
	skip "provisioning in the test bed" "$CVMPREP is the $CVMPREP_VARIANT build"
	exit 0
fi
. "$TOP/tests/provision/lib.sh"
tb_init
deb=(--sysbox-deb /srv/repo/sysbox-ce.deb --sysbox-sha256 "$SYSBOX_SHA256" --skip runtime.sysbox)
tb_root svc flat
tb_provision svc "${deb[@]}" >"$WORK/pre" 2>&1 || fail "setup: provision" "$(tail -5 "$WORK/pre")"
tb_sh svc '
	cp /bin/bash /usr/local/sbin/systemd
	cat >/usr/bin/systemctl <<"EOF"
#!/bin/sh
# is-active UNIT...: "active" for a unit listed in /etc/testbed-active, else "inactive" (exit 3)
[ "$1" = is-active ] || exit 1
shift
rc=0
for u in "$@"; do
	if grep -qx "$u" /etc/testbed-active; then echo active; else echo inactive; rc=3; fi
done
exit $rc
EOF
	chmod 755 /usr/bin/systemctl'

# verify UNITS SOCKET NAME: a re-run with UNITS active and the socket present (1) or not (0),
# with "systemd" as PID 1; the report in /out/NAME.json.
verify() {
	tb_sh svc "printf '%s\n' $1 >/etc/testbed-active
		rm -rf /run/sysbox; if [ $2 = 1 ]; then mkdir -p /run/sysbox && : >/run/sysbox/sysmgr.sock; fi
		unshare --pid --mount --fork --mount-proc /usr/local/sbin/systemd -c '
			/usr/local/bin/cvmprep provision ${TB_CHECK[*]} ${deb[*]} --format json >/out/$3.json 2>/out/$3.err
			rc=\$?; exit \$rc'"
}
step() { tb_json "$(tb_out svc)/$1.json" 'next(s["outcome"] + ": " + s["message"] for s in d["provision"]["steps"] if s["name"] == "verify")'; }
ran() { tb_json "$(tb_out svc)/$1.json" '" ".join(" ".join(c["argv"]) for s in d["provision"]["steps"] if s["name"] == "verify" for c in s["commands"])'; }
all="sysbox.service sysbox-mgr.service sysbox-fs.service"

verify "$all" 1 active
tb_same "units active, socket present: exit 0" 0 "$?"
tb_same "units active, socket present: verify done" \
	"done: verified: packages, pin, daemon.json, the 6 checks of what was installed, Sysbox's services active" "$(step active)"
tb_same "units active, socket present: it ran systemctl is-active on the three units" \
	"/usr/bin/systemctl is-active $all" "$(ran active)"
valid_json "units active: the report validates against the schema" "$SCHEMA" "$(tb_out svc)/active.json"

verify "sysbox.service sysbox-mgr.service" 1 fsdown
tb_same "sysbox-fs not active: exit 4" 4 "$?"
tb_same "sysbox-fs not active: verify failed, with systemctl's answer" \
	"failed: Sysbox's services are not all active: sysbox-fs.service is inactive" "$(step fsdown)"

verify "$all" 0 nosock
tb_same "no sysbox-mgr socket: exit 4" 4 "$?"
tb_same "no sysbox-mgr socket: verify failed, naming it" \
	"failed: /run/sysbox/sysmgr.sock is missing: sysbox-mgr is not serving" "$(step nosock)"
