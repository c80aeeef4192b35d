#!/usr/bin/env bash
# Pod mode: mode detection (each evidence source), pod.privileged, pod.hostpaths,
# pod.modules-match, net.istio and `cvmprep hostpaths`. Fixture roots are copies of
# tests/fixtures/pod-privileged changed per case; the live cases run the real binary in private
# mount namespaces (unshare -m) with bind mounts imitating each hostPath row, and with
# capabilities dropped by setpriv.
. "$(dirname "$0")/lib.sh"

BASE=$FIXTURES/pod-privileged
R=5.15.0-91-generic

# result FILE ID: "status|message" of check ID in report FILE.
result() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["checks"] if c["id"] == sys.argv[2]]
print(c[0]["status"] + "|" + (c[0]["message"] or "") if c else "absent|")
PY
}

# expect_check NAME ID STATUS NEEDLE CMD...: runs CMD --only ID --format json; passes when ID
# has STATUS and its message contains NEEDLE.
expect_check() {
	local name=$1 id=$2 want=$3 needle=$4 got
	shift 4
	rm -f "$WORK/c.json"
	"$@" --only "$id" --format json -o "$WORK/c.json" >/dev/null 2>"$WORK/err"
	if [ ! -s "$WORK/c.json" ]; then
		fail "$name" "no report; stderr: $(head -c 300 "$WORK/err")"
		return
	fi
	got=$(result "$WORK/c.json" "$id")
	if [ "${got%%|*}" = "$want" ] && [[ "${got#*|}" == *"$needle"* ]]; then
		pass "$name"
	else
		fail "$name" "got '$got', want $want with '$needle'"
	fi
}

# tree NAME: a fresh copy of the base fixture at $WORK/NAME (printed).
tree() {
	rm -rf "${WORK:?}/$1"
	cp -a "$BASE" "$WORK/$1"
	echo "$WORK/$1"
}

# mountinfo ROOT LINE...: the fixture's mountinfo is the base mounts plus these
# "MOUNTPOINT OPTIONS" lines.
mountinfo() {
	local root=$1 n=2000 m
	shift
	head -4 "$BASE/proc/self/mountinfo" >"$root/proc/self/mountinfo"
	for m in "$@"; do
		n=$((n + 1))
		echo "$n 1012 254:1 ${m%% *} ${m%% *} ${m#* } - ext4 /dev/sda1 rw,discard" >>"$root/proc/self/mountinfo"
	done
}

# ---------------------------------------------------------------------------------------------
# Mode detection, one evidence source at a time, on a host-like tree.
host=$(tree host)
rm -f "$host/.dockerenv"
echo systemd >"$host/proc/1/comm"
echo "0::/init.scope" >"$host/proc/1/cgroup"

# mode_case NAME WANT_MODE SOURCE_NEEDLE ROOT [OPTIONS...]
mode_case() {
	local name=$1 want=$2 needle=$3 root=$4 got
	shift 4
	"$CVMPREP" check --root "$root" --only pod.privileged --format json -o "$WORK/m.json" "$@" 2>"$WORK/err"
	got=$(/usr/bin/python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))["host"]; print(h["mode"] + "|" + h["mode_evidence"][0]["source"])' "$WORK/m.json" 2>&1)
	if [ "${got%%|*}" = "$want" ] && [[ "${got#*|}" == *"$needle"* ]]; then
		pass "mode: $name"
	else
		fail "mode: $name" "got '$got', want $want from '$needle'"
	fi
	valid_json "mode: $name: schema" "$SCHEMA" "$WORK/m.json"
}

mode_case "no evidence is host" host "no container evidence" "$host"
t=$(tree dockerenv) && rm -f "$t/proc/1/comm" "$t/proc/1/cgroup"
mode_case "/.dockerenv" pod "/.dockerenv" "$t"
t=$(tree containerenv) && rm -f "$t/.dockerenv" "$t/proc/1/comm" "$t/proc/1/cgroup"
mkdir -p "$t/run" && touch "$t/run/.containerenv"
mode_case "/run/.containerenv" pod "/run/.containerenv" "$t"
for cg in "0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-ab.scope" "12:memory:/docker/0123abcd" \
	"0::/system.slice/crio-0123.scope" "0::/machine.slice/libpod-0123.scope"; do
	t=$(tree cgroup) && rm -f "$t/.dockerenv" && echo systemd >"$t/proc/1/comm"
	printf '1:name=systemd:/init.scope\n%s\n' "$cg" >"$t/proc/1/cgroup"
	mode_case "cgroup $cg" pod "/proc/1/cgroup" "$t"
done
for init in systemd init; do
	t=$(tree pid1) && rm -f "$t/.dockerenv" "$t/proc/1/cgroup" && echo "$init" >"$t/proc/1/comm"
	mode_case "PID 1 $init is host" host "no container evidence" "$t"
done
for entry in tini sleep pause; do
	t=$(tree pid1) && rm -f "$t/.dockerenv" "$t/proc/1/cgroup" && echo "$entry" >"$t/proc/1/comm"
	mode_case "PID 1 $entry is pod" pod "/proc/1/comm" "$t"
done
mode_case "--mode host overrides evidence" host "--mode" "$BASE" --mode host
mode_case "--mode pod without evidence" pod "--mode" "$host" --mode pod
# The environment is this process's: it counts live only, never for a tree.
KUBERNETES_SERVICE_HOST=10.0.0.1 mode_case "KUBERNETES_SERVICE_HOST ignored under --root" host "no container evidence" "$host"
env KUBERNETES_SERVICE_HOST=10.0.0.1 "$CVMPREP" check --only pod.privileged --format json -o "$WORK/live-k8s.json"
env -u KUBERNETES_SERVICE_HOST "$CVMPREP" check --only pod.privileged --format json -o "$WORK/live-nok8s.json"
/usr/bin/python3 - "$WORK/live-k8s.json" "$WORK/live-nok8s.json" >"$WORK/out" 2>&1 <<'PY'
import json, sys
k8s, none = (json.load(open(p))["host"] for p in sys.argv[1:])
ev = lambda h: {e["source"]: e.get("value") for e in h["mode_evidence"][1:]}
assert k8s["mode"] == "pod", k8s
assert "KUBERNETES_SERVICE_HOST" in k8s["mode_evidence"][0]["source"], k8s
assert ev(k8s)["KUBERNETES_SERVICE_HOST"] == "10.0.0.1", k8s
assert ev(none)["KUBERNETES_SERVICE_HOST"] is None, none
assert "KUBERNETES_SERVICE_HOST" not in none["mode_evidence"][0]["source"], none
PY
if [ $? -eq 0 ]; then pass "mode: KUBERNETES_SERVICE_HOST live"; else fail "mode: KUBERNETES_SERVICE_HOST live" "$(cat "$WORK/out")"; fi
valid_json "mode: live: schema" "$SCHEMA" "$WORK/live-k8s.json"
"$CVMPREP" check --root "$BASE" --only pod.hostpaths >"$WORK/text"
if grep -q "mode pod (/.dockerenv, /proc/1/cgroup, /proc/1/comm)" "$WORK/text"; then
	pass "mode: text header names the evidence"
else
	fail "mode: text header names the evidence" "$(head -1 "$WORK/text")"
fi
# Saved facts keep their mode; --mode overrides it.
"$CVMPREP" facts --root "$BASE" -o "$WORK/facts.json"
expect_check "mode: --facts keeps pod" pod.hostpaths pass "" "$CVMPREP" check --facts "$WORK/facts.json"
expect_check "mode: --facts with --mode host" pod.hostpaths skip "mode host: --mode" "$CVMPREP" check --facts "$WORK/facts.json" --mode host

# ---------------------------------------------------------------------------------------------
# pod.privileged on fixture trees. A block device in /dev needs mknod (root).
priv=$(tree priv)
if mknod "$priv/dev/sda" b 8 0 2>/dev/null; then
	expect_check "privileged: full set passes" pod.privileged pass "privileged" "$CVMPREP" check --root "$priv"
	t=$(tree priv-caps) && mknod "$t/dev/sda" b 8 0
	sed -i 's/^CapEff:.*/CapEff:\t000001fffeffffff/' "$t/proc/self/status"
	expect_check "privileged: cap_sys_resource missing fails" pod.privileged fail "missing capability: cap_sys_resource" "$CVMPREP" check --root "$t"
	sed -i 's/^CapEff:.*/CapEff:\t00000000a80425fb/' "$t/proc/self/status"
	expect_check "privileged: docker default set fails" pod.privileged fail "cap_dac_read_search, cap_linux_immutable" "$CVMPREP" check --root "$t"
	t=$(tree priv-seccomp) && mknod "$t/dev/sda" b 8 0
	sed -i 's/^Seccomp:.*/Seccomp:\t2/' "$t/proc/self/status"
	expect_check "privileged: seccomp filter fails" pod.privileged fail "seccomp mode 2" "$CVMPREP" check --root "$t"
	t=$(tree priv-aa) && mknod "$t/dev/sda" b 8 0
	echo "cri-containerd.apparmor.d (enforce)" >"$t/proc/self/attr/apparmor/current"
	expect_check "privileged: AppArmor profile fails" pod.privileged fail "AppArmor profile 'cri-containerd.apparmor.d (enforce)'" "$CVMPREP" check --root "$t"
	rm -r "$t/proc/self/attr/apparmor" && echo unconfined >"$t/proc/self/attr/current"
	expect_check "privileged: attr/current before 5.8" pod.privileged pass "" "$CVMPREP" check --root "$t"
	t=$(tree priv-sys) && mknod "$t/dev/sda" b 8 0
	sed -i 's| /sys rw,| /sys ro,|' "$t/proc/self/mountinfo"
	expect_check "privileged: /sys ro fails" pod.privileged fail "/sys is mounted read-only" "$CVMPREP" check --root "$t"
	t=$(tree priv-status) && mknod "$t/dev/sda" b 8 0
	rm "$t/proc/sys/kernel/cap_last_cap"
	expect_check "privileged: unreadable cap_last_cap is unknown" pod.privileged unknown "cannot read '/proc/sys/kernel/cap_last_cap'" "$CVMPREP" check --root "$t"
else
	skip "privileged: fixture /dev with a block device" "mknod needs root and CAP_MKNOD"
fi
expect_check "privileged: no block device in /dev fails" pod.privileged fail "no host block device in /dev" "$CVMPREP" check --root "$BASE"
expect_check "privileged: host mode skips" pod.privileged skip "not in a pod" "$CVMPREP" check --root "$host"
# A full set through --proc alone: the rest (/dev) is this machine's.
if [ -n "$(find /dev -maxdepth 1 -type b -print -quit)" ]; then
	expect_check "privileged: --proc fixture with a full set passes" pod.privileged pass "" "$CVMPREP" check --proc "$BASE/proc" --mode pod
else
	skip "privileged: --proc fixture with a full set passes" "no block device in this machine's /dev"
fi

# Live: what root holds here must be named, not passed. Compute the missing capabilities from
# /proc/self/status the way the kernel reports them.
missing_caps() { # CAPEFF_HEX
	/usr/bin/python3 - "$1" "$(cat /proc/sys/kernel/cap_last_cap)" <<'PY'
import sys
names = """chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap
linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module
sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice sys_resource sys_time
sys_tty_config mknod lease audit_write audit_control setfcap mac_override mac_admin syslog
wake_alarm block_suspend audit_read perfmon bpf checkpoint_restore""".split()
eff, last = int(sys.argv[1], 16), int(sys.argv[2])
print(", ".join("cap_" + (names[i] if i < len(names) else str(i)) for i in range(last + 1) if not eff >> i & 1))
PY
}
eff=$(awk '/^CapEff/ {print $2}' /proc/self/status)
want=$(missing_caps "$eff")
echo "  note  live CapEff $eff, cap_last_cap $(cat /proc/sys/kernel/cap_last_cap), missing: ${want:-none}"
if [ -n "$want" ]; then
	expect_check "privileged live: names what root lacks ($want)" pod.privileged fail "$want" "$CVMPREP" check --mode pod
fi
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	expect_check "privileged live: bounding set dropped" pod.privileged fail "cap_chown, cap_dac_override" \
		setpriv --bounding-set=-all --inh-caps=-all "$CVMPREP" check --mode pod
	dropped=$(missing_caps "$(setpriv --bounding-set=-sys_admin,-net_admin awk '/^CapEff/ {print $2}' /proc/self/status)")
	expect_check "privileged live: two dropped named ($dropped)" pod.privileged fail "$dropped" \
		setpriv --bounding-set=-sys_admin,-net_admin "$CVMPREP" check --mode pod
	case $dropped in *cap_net_admin*cap_sys_admin*) pass "privileged live: dropped caps are the ones named" ;;
	*) fail "privileged live: dropped caps are the ones named" "$dropped" ;; esac
	# Not root: the process's own CapEff 0 is not the container's; unknown, naming why.
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CVMPREP" check --mode pod --only pod.privileged \
		--format json >"$WORK/nobody.json" 2>"$WORK/err"
	got=$(result "$WORK/nobody.json" pod.privileged)
	case $got in
	unknown\|*"not root (uid 65534)"*) pass "privileged live: not root is unknown" ;;
	*) fail "privileged live: not root is unknown" "got '$got'; $(head -c 300 "$WORK/err")" ;;
	esac
else
	skip "privileged live: setpriv" "needs root and setpriv"
fi

# ---------------------------------------------------------------------------------------------
# pod.hostpaths on fixture mountinfo: every row, every status.
hp=$(tree hp)
# hp_case NAME STATUS NEEDLE "OPTIONS" MOUNT...
hp_case() {
	local name=$1 want=$2 needle=$3 opts=$4
	shift 4
	mountinfo "$hp" "$@"
	# shellcheck disable=SC2086 # opts holds several options
	expect_check "hostpaths: $name" pod.hostpaths "$want" "$needle" "$CVMPREP" check --root "$hp" $opts
}
hp_case "caching off: ro ro passes" pass "every host path" "" "/usr/src ro,relatime" "/lib/modules ro,relatime"
hp_case "caching off: rw /usr/src warns" warn "/usr/src is mounted rw where ro is enough" "" "/usr/src rw,relatime" "/lib/modules ro"
hp_case "caching off: missing /lib/modules fails" fail "/lib/modules is not mounted (want ro)" "" "/usr/src ro"
hp_case "caching off: super options do not count" pass "" "" "/usr/src ro,nosuid" "/lib/modules ro"
hp_case "caching on: row 2 passes" pass "" "--caching" "/usr/src ro" "/lib/modules ro" "/var/run ro" "/var/lib rw"
hp_case "caching on: /var/lib ro fails" fail "/var/lib is mounted read-only (want rw)" "--caching" "/usr/src ro" "/lib/modules ro" "/var/run ro" "/var/lib ro"
hp_case "caching on: /var/run missing fails" fail "/var/run is not mounted (want ro)" "--caching" "/usr/src ro" "/lib/modules ro" "/var/lib rw"
hp_case "caching+autoload: row 3 passes" pass "" "--caching --shiftfs-autoload" "/usr/src rw" "/lib/modules rw" "/var/run ro" "/var/lib rw"
hp_case "caching+autoload: /usr/src ro fails" fail "/usr/src is mounted read-only (want rw)" "--caching --shiftfs-autoload" "/usr/src ro" "/lib/modules rw" "/var/run ro" "/var/lib rw"
hp_case "autoload alone is row 1" pass "" "--shiftfs-autoload" "/usr/src ro" "/lib/modules ro"
hp_case "a later mount on top wins" fail "/usr/src is mounted read-only" "--caching --shiftfs-autoload" "/usr/src rw" "/usr/src ro" "/lib/modules rw" "/var/run ro" "/var/lib rw"
# The pod's image may make /var/run a symlink to /run: the runtime mounts at /run.
ln -s ../run "$hp/var/run" && mkdir -p "$hp/run"
hp_case "/var/run through its symlink" pass "" "--caching" "/usr/src ro" "/lib/modules ro" "/run ro" "/var/lib rw"
rm "$hp/var/run"
rm "$hp/proc/self/mountinfo" && mkdir "$hp/proc/self/mountinfo"
expect_check "hostpaths: unreadable mountinfo is unknown" pod.hostpaths unknown "cannot read '/proc/self/mountinfo'" "$CVMPREP" check --root "$hp"
expect_check "hostpaths: host mode skips" pod.hostpaths skip "not in a pod" "$CVMPREP" check --root "$host"

# pod.modules-match on fixture trees.
expect_check "modules-match: modules and headers pass" pod.modules-match pass "visible" "$CVMPREP" check --root "$BASE"
t=$(tree mm) && rm -r "$t/usr/src/linux-headers-$R"
expect_check "modules-match: no headers fails" pod.modules-match fail "no headers for the running kernel $R" "$CVMPREP" check --root "$t"
mkdir -p "$t/usr/src/kernels/$R"
expect_check "modules-match: RHEL headers pass" pod.modules-match pass "" "$CVMPREP" check --root "$t"
rm -r "$t/lib/modules/$R"
expect_check "modules-match: no modules fails" pod.modules-match fail "no modules for the running kernel $R" "$CVMPREP" check --root "$t"
rm "$t/proc/sys/kernel/osrelease"
expect_check "modules-match: unknown kernel release" pod.modules-match unknown "cannot read" "$CVMPREP" check --root "$t"
expect_check "modules-match: host mode skips" pod.modules-match skip "not in a pod" "$CVMPREP" check --root "$host"

# net.istio on fixture trees.
expect_check "istio: calico only passes" net.istio pass "no CNI configuration names" "$CVMPREP" check --root "$BASE"
t=$(tree istio)
cat >"$t/etc/cni/net.d/10-calico.conflist" <<'EOF'
{"name": "k8s-pod-network", "cniVersion": "0.3.1", "plugins": [
 {"type": "calico", "ipam": {"type": "calico-ipam"}},
 {"type": "istio-cni", "log_level": "info", "kubernetes": {"kubeconfig": "/etc/cni/net.d/ZZZ-istio-cni-kubeconfig"}}]}
EOF
expect_check "istio: chained istio-cni warns with file and version" net.istio warn "10-calico.conflist: istio-cni (no plugin version recorded; cniVersion 0.3.1)" "$CVMPREP" check --root "$t"
echo '{"cniVersion": "0.3.0", "name": "istio-cni", "type": "istio-cni", "version": "1.5.4"}' >"$t/etc/cni/net.d/istio-cni.conf"
expect_check "istio: a .conf with a version" net.istio warn "istio-cni.conf: istio-cni version 1.5.4" "$CVMPREP" check --root "$t"
t=$(tree istio-bad) && echo '{"name": "broken", ' >"$t/etc/cni/net.d/05-broken.conf"
expect_check "istio: invalid JSON warns" net.istio warn "05-broken.conf: not JSON" "$CVMPREP" check --root "$t"
echo '{"cniVersion": "0.3.1", "name": "x", "type": "bridge"}' >"$t/etc/cni/net.d/05-broken.conf"
mkdir "$t/etc/cni/net.d/20-dir.conflist"
expect_check "istio: unreadable config is unknown" net.istio unknown "cannot read '/etc/cni/net.d/20-dir.conflist'" "$CVMPREP" check --root "$t"
touch "$t/etc/cni/net.d/README" "$t/etc/cni/net.d/.hidden.conf" && rmdir "$t/etc/cni/net.d/20-dir.conflist"
expect_check "istio: other files are not configs" net.istio pass "" "$CVMPREP" check --root "$t"
t=$(tree istio-none) && rm -r "$t/etc/cni"
expect_check "istio: no /etc/cni/net.d in a pod skips" net.istio skip "not visible from this pod" "$CVMPREP" check --root "$t"
expect_check "istio: no /etc/cni/net.d on a host passes" net.istio pass "does not exist" "$CVMPREP" check --root "$t" --mode host
# More config files than are read: the first by name (the one containerd loads) is read
# whatever order readdir lists them in, and no pass is given over the files not read.
t=$(tree istio-many)
for i in $(seq 1000 2999); do echo '{"cniVersion": "0.3.1", "name": "x", "type": "bridge"}' >"$t/etc/cni/net.d/50-n$i.conf"; done
expect_check "istio: more than 64 files, none read has istio-cni: unknown" net.istio unknown "1937 more in /etc/cni/net.d were not read" "$CVMPREP" check --root "$t"
echo '{"cniVersion": "0.3.1", "name": "x", "plugins": [{"type": "istio-cni", "version": "1.9.0"}]}' >"$t/etc/cni/net.d/00-first.conflist"
expect_check "istio: more than 64 files, the loaded one is judged" net.istio warn "00-first.conflist: istio-cni version 1.9.0" "$CVMPREP" check --root "$t"
# Linear: four 256 KiB files of istio-cni plugins, each named at most four times.
t=$(tree istio-big)
/usr/bin/python3 - "$t/etc/cni/net.d" <<'PY'
import sys
p = '{"type":"istio-cni"}'
for i in range(4):
    open(f"{sys.argv[1]}/{i}0-big.conflist", "w").write('{"plugins":[' + ",".join([p] * 12400) + "]}")
PY
start=$(date +%s%N)
expect_check "istio: four 256 KiB files of plugins" net.istio warn "00-big.conflist: 12396 more istio-cni plugins" "$CVMPREP" check --root "$t"
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$ms" -lt 5000 ]; then pass "istio: four 256 KiB files in ${ms} ms"; else fail "istio: four 256 KiB files in ${ms} ms" "want under 5 s"; fi

# ---------------------------------------------------------------------------------------------
# pod.hostpaths and pod.modules-match live, in private mount namespaces: bind mounts over the
# host paths imitate each row of the table. Nothing here touches this machine's mount table.
if [ "$(id -u)" -ne 0 ] || ! unshare -m --propagation private true 2>/dev/null; then
	skip "hostpaths live: namespaces" "needs root and unshare -m"
else
	live_r=$(uname -r)
	ns=$WORK/ns
	mkdir -p "$ns/src/linux-headers-$live_r" "$ns/modules/$live_r" "$ns/run" "$ns/lib" "$ns/upper" "$ns/work"
	# Each hostPath is a bind mount of a scratch directory; MODES is "PATH:ro|rw ...". Where
	# the image has no /lib/modules (this machine's is absent), an overlay on its real
	# directory (/lib is usr/lib here) lends a mount point, inside the namespace only.
	ns_setup='set -e
		ns=$1; shift
		if [ ! -d /lib/modules ]; then
			real=$(readlink -f /lib)
			mount -t overlay overlay -o "lowerdir=$real,upperdir=$ns/upper,workdir=$ns/work" "$real"
			mkdir -p /lib/modules
		fi
		for pm in $MODES; do
			p=${pm%:*} m=${pm#*:}
			case $p in /usr/src) s=$ns/src ;; /lib/modules) s=$ns/modules ;; /var/run) s=$ns/run ;; /var/lib) s=$ns/lib ;; esac
			mount --bind "$s" "$p"
			[ "$m" = rw ] || mount -o remount,bind,ro "$p"
		done
		exec "$@"'
	# ns_case NAME ID STATUS NEEDLE "MODES" [OPTIONS...]
	ns_case() {
		local name=$1 id=$2 want=$3 needle=$4 modes=$5
		shift 5
		MODES=$modes expect_check "live ns: $name" "$id" "$want" "$needle" \
			unshare -m --propagation private bash -c "$ns_setup" ns "$ns" "$CVMPREP" check --mode pod "$@"
	}
	if MODES="/usr/src:ro" unshare -m --propagation private bash -c "$ns_setup" ns "$ns" true 2>"$WORK/err"; then
		ns_case "row 1 ro ro passes" pod.hostpaths pass "every host path" "/usr/src:ro /lib/modules:ro"
		ns_case "row 1 /usr/src rw warns" pod.hostpaths warn "/usr/src is mounted rw where ro is enough" "/usr/src:rw /lib/modules:ro"
		ns_case "row 1 /lib/modules missing fails" pod.hostpaths fail "/lib/modules is not mounted (want ro)" "/usr/src:ro"
		ns_case "row 2 passes" pod.hostpaths pass "" "/usr/src:ro /lib/modules:ro /var/run:ro /var/lib:rw" --caching
		ns_case "row 2 /var/lib ro fails" pod.hostpaths fail "/var/lib is mounted read-only (want rw)" "/usr/src:ro /lib/modules:ro /var/run:ro /var/lib:ro" --caching
		ns_case "row 2 /var/run missing fails" pod.hostpaths fail "/var/run is not mounted (want ro)" "/usr/src:ro /lib/modules:ro /var/lib:rw" --caching
		ns_case "row 2 /var/run rw warns" pod.hostpaths warn "/var/run is mounted rw" "/usr/src:ro /lib/modules:ro /var/run:rw /var/lib:rw" --caching
		ns_case "row 3 passes" pod.hostpaths pass "" "/usr/src:rw /lib/modules:rw /var/run:ro /var/lib:rw" --caching --shiftfs-autoload
		ns_case "row 3 /lib/modules ro fails" pod.hostpaths fail "/lib/modules is mounted read-only (want rw)" "/usr/src:rw /lib/modules:ro /var/run:ro /var/lib:rw" --caching --shiftfs-autoload
		ns_case "modules and headers visible pass" pod.modules-match pass "visible" "/usr/src:ro /lib/modules:ro"
		rmdir "$ns/src/linux-headers-$live_r"
		ns_case "headers missing fails" pod.modules-match fail "no headers for the running kernel $live_r" "/usr/src:ro /lib/modules:ro"
	else
		skip "live ns: hostpaths" "cannot set up the namespace: $(head -c 200 "$WORK/err")"
	fi
	if grep -q "$ns" /proc/self/mountinfo; then fail "live ns: host mount table untouched" "$(grep "$ns" /proc/self/mountinfo)"; else pass "live ns: host mount table untouched"; fi
fi

# ---------------------------------------------------------------------------------------------
# cvmprep hostpaths: every row in every format.
rows=("|Off|N/A|/usr/src:ro /lib/modules:ro"
	"--caching|On|Off|/usr/src:ro /lib/modules:ro /var/run:ro /var/lib:rw"
	"--caching --shiftfs-autoload|On|On|/usr/src:rw /lib/modules:rw /var/run:ro /var/lib:rw")
for row in "${rows[@]}"; do
	IFS='|' read -r opts caching autoload want <<<"$row"
	label="hostpaths ${opts:-(defaults)}"
	# shellcheck disable=SC2086 # opts holds several options
	expect_exit "$label --format json" 0 "$CVMPREP" hostpaths $opts --format json
	/usr/bin/python3 - "$WORK/out" "$caching" "$autoload" "$want" >"$WORK/py" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = dict(pm.split(":") for pm in sys.argv[4].split())
assert d["row"] == {"caching": sys.argv[2], "shiftfs_autoload": sys.argv[3]}, d["row"]
assert {p["path"]: p["mode"] for p in d["paths"]} == want, d["paths"]
vols = {v["name"]: v["hostPath"] for v in d["volumes"]}
mounts = {m["mountPath"]: m for m in d["volumeMounts"]}
assert set(mounts) == set(want), mounts
for path, mode in want.items():
    m = mounts[path]
    assert vols[m["name"]] == {"path": path, "type": "Directory"}, vols
    assert m["readOnly"] is (mode == "ro"), m
PY
	if [ $? -eq 0 ]; then pass "$label json: row, volumes, mounts"; else fail "$label json: row, volumes, mounts" "$(cat "$WORK/py")"; fi
	# shellcheck disable=SC2086
	expect_exit "$label --format yaml" 0 "$CVMPREP" hostpaths $opts --format yaml
	cp "$WORK/out" "$WORK/yaml"
	# shellcheck disable=SC2086
	expect_exit "$label (table)" 0 "$CVMPREP" hostpaths $opts
	ok=1
	grep -qx "volumes:" "$WORK/yaml" && grep -qx "volumeMounts:" "$WORK/yaml" || ok=0
	[ "$(grep -c '^  - name: ' "$WORK/yaml")" -eq $((2 * $(wc -w <<<"$want"))) ] || ok=0
	for pm in $want; do
		p=${pm%:*} m=${pm#*:} v=$(echo "${p#/}" | tr / -)
		ro=$([ "$m" = ro ] && echo true || echo false)
		# the volume, then its mount, each as consecutive lines
		grep -A3 -x "  - name: $v" "$WORK/yaml" | tr '\n' '|' |
			grep -qF "  - name: $v|    hostPath:|      path: $p|      type: Directory|" || ok=0
		grep -A2 -x "  - name: $v" "$WORK/yaml" | tr '\n' '|' |
			grep -qF "  - name: $v|    mountPath: $p|    readOnly: $ro|" || ok=0
	done
	if [ $ok -eq 1 ]; then pass "$label yaml: volumes and mounts"; else fail "$label yaml: volumes and mounts" "$(cat "$WORK/yaml")"; fi
	line=$(sed -n 2p "$WORK/out")
	read -r -a cols <<<"$line"
	exp=("$caching" "$autoload")
	for p in /usr/src /lib/modules /var/run /var/lib; do
		m=$(tr ' ' '\n' <<<"$want" | sed -n "s|^$p:||p")
		exp+=("${m:--}")
	done
	if [ "${cols[*]}" = "${exp[*]}" ] && tail -n +4 "$WORK/out" | cmp -s - "$WORK/yaml"; then
		pass "$label table: the row, then the YAML"
	else
		fail "$label table: the row, then the YAML" "row '${cols[*]}', want '${exp[*]}'"
	fi
done
expect_exit "hostpaths --help" 0 "$CVMPREP" hostpaths --help
for bad in "--bogus" "--format xml" "--format" "extra"; do
	# shellcheck disable=SC2086
	expect_exit "hostpaths $bad: exit 2" 2 "$CVMPREP" hostpaths $bad
	if [ "$(wc -l <"$WORK/err")" -eq 1 ] && [ ! -s "$WORK/out" ]; then pass "hostpaths $bad: one line"; else fail "hostpaths $bad: one line" "$(cat "$WORK/err")"; fi
done

# explain: every field for each new id.
for id in pod.privileged pod.hostpaths pod.modules-match net.istio; do
	expect_exit "explain $id" 0 "$CVMPREP" explain "$id"
	ok=1
	for field in reads rule why fix source docs; do grep -q "^$field: ." "$WORK/out" || ok=0; done
	if [ $ok -eq 1 ]; then pass "explain $id: every field"; else fail "explain $id: every field" "$(cat "$WORK/out")"; fi
done
exit 0
