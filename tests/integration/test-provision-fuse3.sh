#!/usr/bin/env bash
# Sysbox 0.7.x runs fusermount3 while sysbox-ce says `Depends: fuse` (tests/provision/, where
# both fuse 2.x and fuse3 are offered, as on a node): provision installs fuse3 in sysbox-ce's
# own transaction, so apt takes fuse3 (which Provides fuse) and not fuse 2.x; a node where
# sysbox-ce came with fuse 2.x is not "already" provisioned, and replacing fuse would remove a
# package, so it is refused with nothing changed.
. "$(dirname "$0")/lib.sh"
if [ -n "${CVMPREP_VARIANT:-}" ]; then
	skip "provisioning in the test bed" "$CVMPREP is the $CVMPREP_VARIANT build"
	exit 0
fi
. "$TOP/tests/provision/lib.sh"
tb_init
deb=(--sysbox-deb /srv/repo/sysbox-ce.deb --sysbox-sha256 "$SYSBOX_SHA256" --skip runtime.sysbox)
pkgs() { tb_run "$1" dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' fuse fuse3 2>/dev/null | grep -v ' un *$' | sort; }

tb_root fresh flat
tb_provision fresh --dry-run "${deb[@]}" >"$WORK/dry" 2>&1
grep -q '^             would run: /usr/bin/apt-get install .* /var/cache/cvmprep/sysbox-ce.deb fuse3$' "$WORK/dry" &&
	pass "--dry-run: fuse3 is in sysbox-ce's install" || fail "--dry-run: fuse3 is in sysbox-ce's install" "$(cat "$WORK/dry")"
tb_provision fresh "${deb[@]}" >"$WORK/fresh" 2>&1
tb_same "fresh root: exit 0" 0 "$?"
tb_same "fresh root: fuse3 installed, not fuse 2.x" "fuse3 ii " "$(pkgs fresh)"
tb_same "fresh root: fusermount3 is there" 0 "$(tb_run fresh test -x /usr/bin/fusermount3; echo $?)"
grep -q 'the 6 checks of what was installed pass' "$WORK/fresh" &&
	pass "fresh root: verify re-ran fs.fuse3 with the runtime checks" || fail "fresh root: verify re-ran fs.fuse3" "$(cat "$WORK/fresh")"
grep -q '^sysbox  *done  *sysbox-ce 0.7.1 installed with fuse3$' "$WORK/fresh" &&
	pass "fresh root: the step says fuse3 came with it" || fail "fresh root: the step says fuse3" "$(cat "$WORK/fresh")"

# sysbox-ce installed by hand: apt resolved its `Depends: fuse` with fuse 2.x.
tb_root byhand flat
tb_run byhand apt-get -q -y install /srv/repo/sysbox-ce.deb >"$WORK/pre" 2>&1
tb_same "setup: apt-get install of sysbox-ce alone takes fuse 2.x" "fuse ii " "$(pkgs byhand)"
# The preflight tells it first: the installed sysbox-ce 0.7.1 has no fusermount3 (fs.fuse3).
tb_provision byhand "${deb[@]}" --format json >"$WORK/byhand-pre.json" 2>"$WORK/byhand-pre.err"
tb_same "fuse 2.x in place of fuse3: preflight refuses (exit 1)" 1 "$?"
tb_same "fuse 2.x in place of fuse3: fs.fuse3 fails, naming fuse3" "fail 1" \
	"$(tb_json "$WORK/byhand-pre.json" 'next(c["status"] + " " + str(int("package fuse3 provides it" in c["message"])) for c in d["checks"] if c["id"] == "fs.fuse3")')"
tb_same "fuse 2.x in place of fuse3: the refused root keeps fuse" "fuse ii " "$(pkgs byhand)"
# Waived, the sysbox step refuses on its own.
tb_provision byhand "${deb[@]}" --skip fs.fuse3 --format json >"$WORK/byhand.json" 2>"$WORK/byhand.err"
tb_same "fuse 2.x in place of fuse3: exit 4" 4 "$?"
tb_same "fuse 2.x in place of fuse3: fuse stays, nothing removed" "fuse ii " "$(pkgs byhand)"
tb_same "fuse 2.x in place of fuse3: the sysbox step refused, naming fuse" "failed 1" \
	"$(tb_json "$WORK/byhand.json" 'next(s["outcome"] + " " + str(int("fuse" in s["message"].replace("fuse3", ""))) for s in d["provision"]["steps"] if s["name"] == "sysbox")')"
valid_json "fuse 2.x in place of fuse3: the report validates" "$SCHEMA" "$WORK/byhand.json"
