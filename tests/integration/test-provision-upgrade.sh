#!/usr/bin/env bash
# Changing sysbox-ce under running Sysbox containers stops them: with the real apt and dpkg
# (tests/provision/), an older sysbox-ce and sysbox-fs mounts of two containers in the node's
# mount table, provision refuses and changes nothing; --dry-run says the same; once the
# containers are gone, or with --force, it upgrades.
. "$(dirname "$0")/lib.sh"
if [ -n "${CVMPREP_VARIANT:-}" ]; then
	skip "provisioning in the test bed" "$CVMPREP is the $CVMPREP_VARIANT build"
	exit 0
fi
. "$TOP/tests/provision/lib.sh"
tb_init
deb=(--sysbox-deb /srv/repo/sysbox-ce.deb --sysbox-sha256 "$SYSBOX_SHA256" --skip runtime.sysbox)
p="/usr/local/bin/cvmprep provision ${TB_CHECK[*]} ${deb[*]}"
version() { tb_run "$1" dpkg-query -W -f='${Version} ${db:Status-Abbrev}' sysbox-ce 2>&1; }
# Two running containers: sysbox-fs mounts one FUSE file system per container under
# /var/lib/sysboxfs; a tmpfs there stands in for each in this root's own mount namespace.
containers='mkdir -p /var/lib/sysboxfs/c1 /var/lib/sysboxfs/c2 &&
	mount -t tmpfs c1 /var/lib/sysboxfs/c1 && mount -t tmpfs c2 /var/lib/sysboxfs/c2 &&'
settled() { tb_tree "$1" | grep -v -e '^/sys ' -e '^/run/lock' -e '^/var/lib/sysboxfs' -e '^/tmp'; }

# An installed sysbox-ce older than the one to install: the provisioned state, then dpkg's
# record of sysbox-ce set back to 0.7.0-0 (what an operator who installed 0.7.0 has). The edit
# keeps the status file's size, and within the same second its mtime, which is how apt decides
# its cache is current: the cache goes with it.
tb_root old flat
tb_provision old "${deb[@]}" >"$WORK/pre" 2>&1 || fail "setup: first provision" "$(tail -5 "$WORK/pre")"
older() { tb_sh old "sed -i '/^Package: sysbox-ce\$/,/^\$/s/^Version: 0\\.7\\.1-0\$/Version: 0.7.0-0/' /var/lib/dpkg/status && rm -f /var/cache/apt/*.bin"; }
older
tb_same "setup: sysbox-ce 0.7.0-0 recorded as installed" "0.7.0-0 ii " "$(version old)"

settled old >"$WORK/before"
tb_sh old "$containers $p --format json >/out/refused.json 2>/out/refused.err"
rc=$?
settled old >"$WORK/after"
tb_same "two running containers: exit 4" 4 "$rc"
tb_same "two running containers: sysbox-ce stays 0.7.0-0" "0.7.0-0 ii " "$(version old)"
tb_same "two running containers: no file changed" "" "$(diff "$WORK/before" "$WORK/after" | head -5)"
out=$(tb_out old)
valid_json "two running containers: the report validates against the schema" "$SCHEMA" "$out/refused.json"
tb_same "two running containers: the sysbox step failed, naming them" \
	"failed in use by 2 running Sysbox container(s)" \
	"$(tb_json "$out/refused.json" 'next(s["outcome"] + " " + ("in use by 2 running Sysbox container(s)" if "in use by 2 running Sysbox container(s)" in s["message"] else s["message"]) for s in d["provision"]["steps"] if s["name"] == "sysbox")')"
tb_same "two running containers: no package manager ran" "[]" \
	"$(tb_json "$out/refused.json" '[c["argv"][0] for s in d["provision"]["steps"] if s["name"] == "sysbox" for c in s["commands"]]')"

tb_sh old "$containers $p --dry-run >/out/dry.out 2>&1"
rc=$?
tb_same "--dry-run with running containers: exit 4, the same refusal" "4 1" \
	"$rc $(grep -c 'in use by 2 running Sysbox container(s)' "$out/dry.out")"

tb_sh old "$containers $p --force >/out/forced.out 2>&1"
rc=$?
tb_same "--force with running containers: exit 0, upgraded to 0.7.1-0" "0 0.7.1-0 ii " "$rc $(version old)"
[ "$rc" = 0 ] || cat "$out/forced.out" >&2

# The containers gone: the upgrade goes ahead without --force.
older
tb_provision old "${deb[@]}" >"$WORK/upgrade" 2>&1
rc=$?
tb_same "no running container: exit 0, upgraded to 0.7.1-0" "0 0.7.1-0 ii " "$rc $(version old)"
[ "$rc" = 0 ] || cat "$WORK/upgrade" >&2
tb_same "no running container: dpkg --audit is empty" "" "$(tb_audit old)"
# A step that did its work reports what it did, not what the re-read after it found.
tb_same "no running container: the sysbox step reports the install" 1 \
	"$(grep -c '^sysbox  *done  *sysbox-ce 0.7.1 installed' "$WORK/upgrade")"
