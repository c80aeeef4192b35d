#!/usr/bin/env bash
# cvmprep provision --sysbox-deb PATH (tests/provision/): sysbox-ce from a local .deb whose
# SHA-256 is checked, its real dependencies resolved by apt; a wrong hash installs nothing. The
# root's only source of containerd.io is the signed Docker-style repository, configured as an
# operator would (keyring in /etc/apt/keyrings, signed-by), which cvmprep must not add again.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/provision/lib.sh"
tb_init

version() { tb_run "$1" dpkg-query -W -f='${Version} ${db:Status-Abbrev}' "$2" 2>&1; }
settled() { grep -v -e '^/var/lib/apt/' -e '^/var/cache/apt' -e '^/var/log' -e '^/run/lock' -e '^/var/lib/dpkg/lock' "$1"; }

tb_root wrong docker
tb_tree wrong >"$WORK/tree.before"
tb_provision wrong --sysbox-deb /srv/repo/sysbox-ce.deb --sysbox-sha256 "$(printf '%064d' 0)" \
	--containerd-version none --format json >"$WORK/wrong.json" 2>"$WORK/wrong.err"
rc=$?
tb_tree wrong >"$WORK/tree.after"
tb_same "wrong SHA-256: exit 4" 4 "$rc"
tb_same "wrong SHA-256: sysbox-ce not installed" "sysbox-ce not-installed" "$(tb_state wrong | grep '^sysbox-ce')"
tb_same "wrong SHA-256: no file changed" "$(settled "$WORK/tree.before")" "$(settled "$WORK/tree.after")"
msg=$(tb_json "$WORK/wrong.json" 'next(s["message"] for s in d["provision"]["steps"] if s["name"] == "sysbox")')
if printf '%s' "$msg" | grep -qi 'sha-256\|sha256'; then pass "wrong SHA-256: the message says so"; else fail "wrong SHA-256: the message" "$msg"; fi
valid_json "wrong SHA-256: the JSON report validates against the schema" "$SCHEMA" "$WORK/wrong.json"

tb_root good docker
tb_provision good --sysbox-deb /srv/repo/sysbox-ce.deb --sysbox-sha256 "$SYSBOX_SHA256" \
	--format json >"$WORK/good.json" 2>"$WORK/good.err"
rc=$?
tb_same "--sysbox-deb PATH: exit 0" 0 "$rc"
tb_same "--sysbox-deb PATH: sysbox-ce installed" "0.7.1-0 ii " "$(version good sysbox-ce)"
got=$(tb_run good dpkg-query -W -f='${db:Status-Abbrev}\n' rsync jq iptables | sort -u)
tb_same "--sysbox-deb PATH: its real dependencies installed by apt" "ii " "$got"
tb_same "--sysbox-deb PATH: containerd.io 1.5.11-1 from the signed repository, held" "1.5.11-1 hi " "$(version good containerd.io)"
got=$(tb_sh good 'grep -rhs "^deb.*file:/srv/repo/docker" /etc/apt/sources.list /etc/apt/sources.list.d/ | wc -l')
tb_same "the configured Docker source is not added a second time" 1 "$got"
tb_same "--sysbox-deb PATH: dpkg --audit is empty" "" "$(tb_audit good)"
valid_json "--sysbox-deb PATH: the JSON report validates against the schema" "$SCHEMA" "$WORK/good.json"
