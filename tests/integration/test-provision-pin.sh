#!/usr/bin/env bash
# The containerd.io pin, with the real apt and dpkg (tests/provision/): a newer containerd.io
# is downgraded and stays down through upgrades, its edited conffile kept; a docker-ce that needs
# a newer containerd.io is refused with nothing removed or changed, and --containerd-version
# none is the way out; a version no source offers is refused, naming those offered.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/provision/lib.sh"
tb_init

version() { tb_run "$1" dpkg-query -W -f='${Version} ${db:Status-Abbrev}' "$2" 2>&1; }

# --- a newer containerd.io pre-installed is downgraded; upgrades keep the pin --------------
tb_root newer flat
tb_run newer apt-get -q -y install containerd.io=1.6.9-1 >"$WORK/pre" 2>&1
tb_sh newer 'echo "# edited by the operator" >>/etc/containerd/config.toml'
conf=$(tb_run newer cat /etc/containerd/config.toml)
tb_provision newer --format json >"$WORK/newer.json" 2>"$WORK/newer.err"
rc=$?
tb_same "newer containerd.io: exit 0" 0 "$rc"
tb_same "newer containerd.io: downgraded to 1.5.11-1 and held" "1.5.11-1 hi " "$(version newer containerd.io)"
tb_same "newer containerd.io: the edited conffile is kept" "$conf" "$(tb_run newer cat /etc/containerd/config.toml)"
tb_same "newer containerd.io: dpkg --audit is empty" "" "$(tb_audit newer)"
valid_json "newer containerd.io: the JSON report validates against the schema" "$SCHEMA" "$WORK/newer.json"
got=$(tb_run newer apt-cache policy containerd.io | sed -n 's/^ *Candidate: //p')
tb_same "newer containerd.io: apt's candidate is the pinned version" "1.5.11-1" "$got"
for cmd in "upgrade" "dist-upgrade" "install containerd.io"; do
	# shellcheck disable=SC2086
	tb_run newer apt-get -q -y $cmd >"$WORK/after" 2>&1
	rc=$?
	tb_same "apt-get $cmd afterwards: exit 0, containerd.io stays 1.5.11-1" "0 1.5.11-1 hi " "$rc $(version newer containerd.io)"
done
tb_run newer apt-get -q -y install containerd.io=1.7.27-1 >"$WORK/after" 2>&1
tb_same "apt-get install containerd.io=1.7.27-1 afterwards: refused by the hold" "1.5.11-1 hi " "$(version newer containerd.io)"

# --- a docker-ce that needs a newer containerd.io: refused, nothing changed ----------------
docker26=$DOCKER_CE_NEW
# everything but what apt itself keeps (lists, caches, logs) and the lock (a tmpfs on a node)
settled() { grep -v -e '^/var/lib/apt/' -e '^/var/cache/apt' -e '^/var/log' -e '^/run/lock' -e '^/var/lib/dpkg/lock' "$1"; }
tb_root docker26 flat
tb_run docker26 apt-get -q -y install containerd.io=1.7.27-1 "docker-ce=$docker26" >"$WORK/pre" 2>&1
tb_run docker26 dpkg-query -W >"$WORK/pkgs.before"
tb_tree docker26 >"$WORK/tree.before"
# --dry-run refuses too: docker-ce's Depends is read from dpkg's status, no index needed
tb_provision docker26 --dry-run --format json >"$WORK/docker26-dry.json" 2>"$WORK/docker26-dry.err"
rc=$?
tb_same "docker-ce needs a newer containerd.io, --dry-run: exit 4" 4 "$rc"
msg=$(tb_json "$WORK/docker26-dry.json" 'next(s["message"] for s in d["provision"]["steps"] if s["name"] == "containerd")')
if printf '%s' "$msg" | grep -q "docker-ce $docker26 Depends: containerd.io (>= " &&
	printf '%s' "$msg" | grep -q -- '--containerd-version none'; then
	pass "docker-ce needs a newer containerd.io, --dry-run: the message names docker-ce's Depends and the way out"
else
	fail "docker-ce needs a newer containerd.io, --dry-run: the message" "$msg"
fi
# the Sysbox it is about to install (0.7.1) needs no pin: the report warns, and says so
got=$(tb_json "$WORK/docker26-dry.json" 'next(c["status"] + ": " + c["message"] for c in d["checks"] if c["id"] == "runtime.containerd")')
case "$got" in
"warn: docker-ce $docker26 Depends: "*"Sysbox 0.7.1, which provision installs, needs no pin"*)
	pass "docker-ce needs a newer containerd.io: runtime.containerd warns that the pin is not needed" ;;
*) fail "docker-ce needs a newer containerd.io: runtime.containerd in the report" "$got" ;;
esac
tb_provision docker26 --format json >"$WORK/docker26.json" 2>"$WORK/docker26.err"
rc=$?
tb_run docker26 dpkg-query -W >"$WORK/pkgs.after"
tb_tree docker26 >"$WORK/tree.after"
tb_same "docker-ce needs a newer containerd.io: exit 4" 4 "$rc"
tb_same "docker-ce needs a newer containerd.io: no package removed or changed" "$(cat "$WORK/pkgs.before")" "$(cat "$WORK/pkgs.after")"
tb_same "docker-ce needs a newer containerd.io: no file changed" "$(settled "$WORK/tree.before")" "$(settled "$WORK/tree.after")"
tb_same "docker-ce needs a newer containerd.io: no hold" "" "$(tb_run docker26 apt-mark showhold)"
msg=$(tb_json "$WORK/docker26.json" 'next(s["message"] for s in d["provision"]["steps"] if s["name"] == "containerd")')
if printf '%s' "$msg" | grep -q 'docker-ce' && printf '%s' "$msg" | grep -q -- '--containerd-version none'; then
	pass "docker-ce needs a newer containerd.io: the message names docker-ce and the way out"
else
	fail "docker-ce needs a newer containerd.io: the message" "$msg"
fi
got=$(tb_json "$WORK/docker26.json" '" ".join(s["name"] + ":" + s["outcome"] for s in d["provision"]["steps"] if s["name"] in ("containerd", "sysbox"))')
tb_same "docker-ce needs a newer containerd.io: containerd failed, sysbox not attempted" "containerd:failed sysbox:skipped" "$got"
valid_json "docker-ce needs a newer containerd.io: the JSON report validates against the schema" "$SCHEMA" "$WORK/docker26.json"

tb_provision docker26 --containerd-version none >"$WORK/none.out" 2>&1
rc=$?
tb_same "--containerd-version none: exit 0" 0 "$rc"
tb_same "--containerd-version none: containerd.io left at 1.7.27-1" "1.7.27-1 ii " "$(version docker26 containerd.io)"
tb_same "--containerd-version none: docker-ce kept" "$docker26 ii " "$(version docker26 docker-ce)"
tb_same "--containerd-version none: sysbox-ce installed" "0.7.1-0 ii " "$(version docker26 sysbox-ce)"

# --- a version no source offers --------------------------------------------------------
tb_root absent flat
tb_provision absent --containerd-version 1.4.13-1 --format json >"$WORK/absent.json" 2>"$WORK/absent.err"
rc=$?
tb_same "a version no source offers: exit 4" 4 "$rc"
msg=$(tb_json "$WORK/absent.json" 'next(s["message"] for s in d["provision"]["steps"] if s["name"] == "containerd")')
if printf '%s' "$msg" | grep -q '1.5.11-1' && printf '%s' "$msg" | grep -q '1.7.27-1'; then
	pass "a version no source offers: the message names the versions offered"
else
	fail "a version no source offers: the message" "$msg"
fi
tb_same "a version no source offers: nothing installed" "containerd.io not-installed" "$(tb_state absent | head -1)"
