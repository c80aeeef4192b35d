#!/usr/bin/env bash
# The provisioning test bed itself (tests/provision/): the cached Debian base, the stand-in
# packages and both repositories, one fresh root per test in its own namespaces. Shows it works
# for real with apt and dpkg, offline, and leaves nothing behind: an install at an older version
# from each repository, a hold that `apt-get upgrade` respects, a clean `dpkg --audit`, no
# network, no mount left, no process left, a killed maintainer script, the loopback server.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/provision/lib.sh"

now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }

t0=$(now)
tb_init
t1=$(now)
if tb_root flat flat; then pass "a fresh root with the flat repository"; else fail "a fresh root" "apt-get update failed"; fi
t2=$(now)

# Offline install of an older version, then the hold keeps it through an upgrade.
tb_run flat apt-get -q -y install containerd.io=1.6.9-1 >"$WORK/install" 2>&1
t3=$(now)
got=$(tb_run flat containerd --version)
if [ "$got" = "containerd containerd.io 1.6.9 testbed" ]; then pass "apt-get install containerd.io=1.6.9-1, offline"; else fail "apt-get install containerd.io=1.6.9-1" "$got; $(tail -3 "$WORK/install")"; fi
tb_run flat apt-mark hold containerd.io >/dev/null
tb_run flat apt-get -q -y upgrade >"$WORK/upgrade" 2>&1
got=$(tb_run flat dpkg-query -W -f='${Version} ${db:Status-Abbrev}' containerd.io)
if [ "$got" = "1.6.9-1 hi " ]; then pass "held: apt-get upgrade keeps 1.6.9-1"; else fail "held" "$got"; fi
got=$(tb_run flat apt-cache madison containerd.io | wc -l)
if [ "$got" = 3 ]; then pass "apt-ftparchive indexed every containerd.io version"; else fail "every version indexed" "$got versions"; fi
got=$(tb_audit flat)
if [ -z "$got" ]; then pass "dpkg --audit is empty"; else fail "dpkg --audit is empty" "$got"; fi

# The real dependencies come from the local repository: sysbox-ce pulls rsync, jq, iptables.
tb_run flat apt-get -q -y install sysbox-ce >"$WORK/sysbox" 2>&1
got=$(tb_run flat dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' sysbox-ce rsync jq iptables | tr '\n' ,)
if [ "$got" = "iptables ii ,jq ii ,rsync ii ,sysbox-ce ii ," ]; then pass "sysbox-ce with its real dependencies"; else fail "sysbox-ce with its real dependencies" "$got; $(tail -3 "$WORK/sysbox")"; fi

# Nothing reaches out, nothing stays mounted or running.
if tb_sh flat 'exec 3<>/dev/tcp/1.1.1.1/80' 2>/dev/null; then fail "no network" "connected"; else pass "no network in a root"; fi
got=$(tb_run flat ls /sys/class/net 2>&1 | tr '\n' ' ')
if [ "$got" = "lo " ]; then pass "loopback is the only link"; else fail "loopback only" "$got"; fi
got=$(grep -c "$TB/" /proc/self/mountinfo)
if [ "$got" = 0 ]; then pass "nothing left mounted"; else fail "nothing left mounted" "$got mounts"; fi
tb_sh flat "sleep 300.$$ & sleep 300.$$ & echo started" >/dev/null
got=$(pgrep -f -c "^sleep 300.$$\$" || true)
if [ "$got" = 0 ]; then pass "nothing left running"; else fail "nothing left running" "$got sleep processes"; fi

# The Docker-style signed repository: apt verifies its signature with the key from signed-by.
if tb_root docker docker; then pass "a fresh root with the signed repository"; else fail "signed repository" "apt-get update failed"; fi
tb_run docker apt-get -q -y install containerd.io=1.5.11-1 >"$WORK/install" 2>&1
got=$(tb_run docker containerd --version)
if [ "$got" = "containerd containerd.io 1.5.11 testbed" ]; then pass "install 1.5.11-1 from the signed repository"; else fail "signed install" "$got; $(tail -3 "$WORK/install")"; fi
tb_root forged
mkdir -p "$TB/roots/forged/upper/etc/apt/keyrings"
cp "$TB/repo/docker.asc" "$TB/roots/forged/upper/etc/apt/keyrings/"
inrelease=$TB/repo/docker/dists/$CODENAME/InRelease
cp "$inrelease" "$WORK/InRelease"
sed -i 's/^Date:.*/Date: Thu, 01 Jan 2026 00:00:00 +0000/' "$inrelease"
echo "deb [signed-by=/etc/apt/keyrings/docker.asc] file:/srv/repo/docker $CODENAME stable" \
	>"$TB/roots/forged/upper/etc/apt/sources.list.d/docker.list"
tb_run forged apt-get -q update >"$WORK/forged" 2>&1
if grep -q 'not signed\|BADSIG\|NOSPLIT\|invalid' "$WORK/forged"; then pass "a tampered InRelease is refused"; else fail "tampered InRelease" "$(tail -3 "$WORK/forged")"; fi
cp "$WORK/InRelease" "$inrelease"

# A maintainer script stops at its pause point; dpkg killed there leaves an interrupted state
# that `dpkg --configure -a` recovers.
tb_root paused flat
got=$(tb_run paused /bin/bash /srv/repo/tools/interrupt.sh containerd.io.postinst dpkg \
	apt-get -q -y install containerd.io=1.5.11-1)
if printf '%s\n' "$got" | grep -q '^exit 100$' && printf '%s\n' "$got" | grep -q '(dpkg) at containerd.io.postinst'; then
	pass "dpkg killed in containerd.io's postinst"
else
	fail "dpkg killed in postinst" "$(printf '%s\n' "$got" | head -5)"
fi
got=$(tb_audit paused)
if printf '%s\n' "$got" | grep -q containerd.io; then pass "dpkg --audit names the interrupted package"; else fail "audit after kill" "$got"; fi
tb_run paused dpkg --configure -a >/dev/null 2>&1
got=$(tb_audit paused)
if [ -z "$got" ]; then pass "dpkg --configure -a recovers"; else fail "recovery" "$got"; fi

# The loopback HTTP server: a file, a 404, a download cut short.
got=$(TB_HTTP=1 tb_host paused /usr/bin/python3 - "$SYSBOX_SHA256" <<'PY'
import hashlib, sys, urllib.request, urllib.error
base = "http://127.0.0.1:8080/"
out = [hashlib.sha256(urllib.request.urlopen(base + "sysbox-ce.deb").read()).hexdigest() == sys.argv[1]]
try:
    urllib.request.urlopen(base + "absent.deb")
except urllib.error.HTTPError as e:
    out.append(e.code == 404)
try:
    urllib.request.urlopen(base + "truncated/sysbox-ce.deb").read()
    out.append(False)
except Exception as e:
    out.append("IncompleteRead" in repr(e))
print(out)
PY
)
if [ "$got" = "[True, True, True]" ]; then pass "loopback server: file, 404, truncated"; else fail "loopback server" "$got"; fi
got=$(pgrep -f -c "httpd.py 127.0.0.1 8080 $TB/repo" || true)
if [ "$got" = 0 ]; then pass "the loopback server ends with its namespace"; else fail "loopback server ends" "$got left"; fi

# Timings, for tests/provision/README.md.
t4=$(now)
tb_run flat true
t5=$(now)
echo "  testbed: base $(ms "$t0" "$t1") ms (cached), root + apt-get update $(ms "$t1" "$t2") ms," \
	"install $(ms "$t2" "$t3") ms, empty command $(ms "$t4" "$t5") ms"
