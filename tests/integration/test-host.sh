#!/usr/bin/env bash
# The host layer on hostile and unlucky trees: directory listings that fail part-way (a FUSE
# file system whose listing returns EIO after its first half, tests/tools/fuse-eio.c, mounted in
# a private mount namespace).
. "$(dirname "$0")/lib.sh"

TOOLS=${CVMPREP_TOOLS:-$TOP/build/tools}
PY=/usr/bin/python3

# status_is NAME ROOT ID WANT NEEDLE [CMD_PREFIX...]: check ID of `check --root ROOT` has status
# WANT and NEEDLE in its message or evidence; CMD_PREFIX runs the binary (fuse-eio ... --).
status_is() {
	local name=$1 root=$2 id=$3 want=$4 needle=$5 got
	shift 5
	rm -f "$WORK/one.json"
	"$@" "$CVMPREP" check --root "$root" --only "$id" --format json -o "$WORK/one.json" 2>"$WORK/err"
	got=$($PY - "$WORK/one.json" "$id" "$needle" <<'PY'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"no report ({e})"); sys.exit()
c = [c for c in doc["checks"] if c["id"] == sys.argv[2]][0]
blob = (c.get("message") or "") + " " + json.dumps(c.get("evidence"))
print(c["status"] if sys.argv[3] in blob else c["status"] + " (message: " + str(c.get("message")) + ")")
PY
)
	if [ "$got" = "$want" ]; then pass "$name"; else fail "$name" "got '$got', want $want; $(head -c 300 "$WORK/err")"; fi
}

# ---------------------------------------------------------------------------------------------
# A listing that fails part-way is unknown with the errno, never the part taken for the whole.
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/fuse ]; then
	skip "readdir failing part-way" "needs root and /dev/fuse"
else
	# /boot of an image (no running kernel): the newest config is in the part not listed.
	T=$WORK/boot
	mkdir -p "$T/boot" "$T/etc"
	echo 'ID=debian' >"$T/etc/os-release"
	printf 'CONFIG_USER_NS=y\n' >"$WORK/old.config"
	printf '# CONFIG_USER_NS is not set\n' >"$WORK/new.config"
	status_is "readdir EIO: /boot is unknown" "$T" kernel.config.USER_NS unknown "Input/output error" \
		"$TOOLS/fuse-eio" "$T/boot" "config-5.4.0=$WORK/old.config" README "config-6.8.0=$WORK/new.config" x --

	# /etc/cni/net.d: the istio-cni config is in the part not listed.
	T=$WORK/cni
	cp -a "$FIXTURES/pod-privileged" "$T"
	echo '{"cniVersion": "0.3.0", "name": "istio-cni", "type": "istio-cni", "version": "1.5.4"}' >"$WORK/istio.conf"
	status_is "readdir EIO: /etc/cni/net.d is unknown" "$T" net.istio unknown "Input/output error" \
		"$TOOLS/fuse-eio" "$T/etc/cni/net.d" "10-calico.conflist=$FIXTURES/pod-privileged/etc/cni/net.d/10-calico.conflist" \
		"05-istio.conf=$WORK/istio.conf" --

	# /dev of a pod: the block devices are in the part not listed.
	status_is "readdir EIO: /dev is unknown" "$T" pod.privileged unknown "Input/output error" \
		"$TOOLS/fuse-eio" "$T/dev" null tty b:sda b:sdb --
fi

# ---------------------------------------------------------------------------------------------
# Without openat2 (ENOSYS before Linux 5.6, ENOSYS or EPERM from older seccomp profiles) paths
# resolve with the host's own confined walk: the same verdicts, the same confinement.
for e in ENOSYS EPERM; do
	status_is "no openat2 ($e): pod found in a pod" "$FIXTURES/pod-privileged" pod.hostpaths pass "" \
		"$TOOLS/no-openat2" "$e"
	status_is "no openat2 ($e): os-release read" "$FIXTURES/ubuntu-22.04" os.distro pass "22.04" \
		"$TOOLS/no-openat2" "$e"
	# tests/fixtures/escape: symlinks and ".." that lead out of the root.
	"$TOOLS/no-openat2" "$e" "$CVMPREP" facts --root "$FIXTURES/escape" -o "$WORK/esc-$e.json" 2>/dev/null
	"$CVMPREP" facts --root "$FIXTURES/escape" -o "$WORK/esc.json" 2>/dev/null
	# Free space (*.avail) moves while the tests run; every other fact must be the same.
	if $PY -c 'import json,sys; a,b=({k:v for k,v in json.load(open(p))["facts"].items() if not k.endswith(".avail")} for p in sys.argv[1:]); sys.exit(a!=b)' \
		"$WORK/esc.json" "$WORK/esc-$e.json"; then
		pass "no openat2 ($e): escape fixture gives the same facts"
	else
		fail "no openat2 ($e): escape fixture gives the same facts" "$(diff <($JSONTOOL normalize "$WORK/esc.json") <($JSONTOOL normalize "$WORK/esc-$e.json") | head -20)"
	fi
done

# Mode detection: evidence that cannot be read leaves the mode unknown, never "host".
T=$WORK/mode
cp -a "$FIXTURES/pod-privileged" "$T"
rm -f "$T/.dockerenv" && echo systemd >"$T/proc/1/comm"
rm "$T/proc/1/cgroup" && mkdir "$T/proc/1/cgroup"
status_is "mode: unreadable /proc/1/cgroup is unknown, not host" "$T" pod.privileged unknown "cannot read '/proc/1/cgroup'"
"$CVMPREP" check --root "$T" --only pod.privileged --format json -o "$WORK/mode.json" 2>/dev/null
"$CVMPREP" check --root "$T" --only pod.privileged >"$WORK/mode.txt" 2>/dev/null
if $PY -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["host"]["mode"] != "unknown")' "$WORK/mode.json" &&
	head -1 "$WORK/mode.txt" | grep -q 'mode unknown (/proc/1/cgroup)'; then
	pass "mode: the report says unknown, not host"
else
	fail "mode: the report says unknown, not host" "$(head -1 "$WORK/mode.txt")"
fi
valid_json "mode: unknown report is valid" "$SCHEMA" "$WORK/mode.json"

# ---------------------------------------------------------------------------------------------
# FIFOs and devices in the audited tree are never opened: a FIFO would block the run forever,
# a character device's driver would act. Each run has a time limit that proves there is no hang.
# fifo_case NAME FIXTURE FILE ID: FILE (relative) of a copy of FIXTURE becomes a FIFO; check ID
# is unknown, naming the refusal.
fifo_case() {
	local name=$1 fixture=$2 file=$3 id=$4 t
	t=$WORK/fifo-$id
	rm -rf "$t" && cp -a "$FIXTURES/$fixture" "$t"
	mkdir -p "$(dirname "$t/$file")" && rm -f "$t/$file" && mkfifo "$t/$file"
	eval "${SETUP:-}"
	status_is "FIFO at $file: $name" "$t" "$id" unknown "Wrong medium type" timeout 20
}
fifo_case "os.distro unknown" ubuntu-22.04 etc/os-release os.distro
# (The pod's /dev needs a block device, else pod.privileged fails on that first.)
SETUP='mknod "$t/dev/sda" b 8 0' fifo_case "pod.privileged unknown" pod-privileged proc/self/status pod.privileged
fifo_case "kernel.config unknown" ubuntu-22.04 "boot/config-$(cat "$FIXTURES/ubuntu-22.04/proc/sys/kernel/osrelease")" kernel.config.USER_NS
fifo_case "runtime.containerd unknown" runtime-ready var/lib/dpkg/status runtime.containerd
fifo_case "gpu.devices unknown" hw-nvidia-metal "sys/devices/pci0000:00/0000:02:00.0/class" gpu.devices

T=$WORK/chardev
cp -a "$FIXTURES/ubuntu-22.04" "$T"
rm "$T/etc/os-release"
if mknod "$T/etc/os-release" c 1 3 2>/dev/null; then
	status_is "char device at etc/os-release: unknown, never opened" "$T" os.distro unknown "Wrong medium type" timeout 20
else
	skip "char device at etc/os-release" "mknod needs root and CAP_MKNOD"
fi

# ---------------------------------------------------------------------------------------------
# --root escapes: a tree's proc and sys, and the module directory libkmod reads, resolve under
# the root; what leads out of it is unknown, never this machine's (or another tree's) data.
# fact_is NAME ROOT KEY WANT: `cvmprep facts --root ROOT` has KEY with value WANT ("errno N").
fact_is() {
	local name=$1 root=$2 key=$3 want=$4 got
	"$CVMPREP" facts --root "$root" -o "$WORK/facts.json" 2>"$WORK/err"
	got=$($PY -c 'import json,sys; f=json.load(open(sys.argv[1]))["facts"].get(sys.argv[2]); print("absent" if f is None else "errno %d" % f["errno"] if "errno" in f else f["value"])' \
		"$WORK/facts.json" "$key" 2>&1)
	if [ "$got" = "$want" ]; then pass "$name"; else fail "$name" "got '$got', want '$want'"; fi
}

T=$WORK/esc-proc
mkdir -p "$T/etc" && echo 'ID=debian' >"$T/etc/os-release"
ln -s /proc "$T/proc" && ln -s /sys "$T/sys"
fact_is "proc -> /proc: the kernel release is not this machine's" "$T" kernel.release "errno 40"
fact_is "sys -> /sys: the CPUs online are not this machine's" "$T" platform.cpus "errno 40"

# A module tree outside the root (shiftfs built in), and three ways a tree could point at it.
R=5.15.0-91-generic
if ! command -v depmod >/dev/null; then
	skip "module directory escapes" "depmod (package kmod) missing"
else
	esc_root() {
		rm -rf "$1" && mkdir -p "$1/proc/sys/kernel" "$1/lib/modules" "$1/etc"
		echo 'ID=debian' >"$1/etc/os-release"
		echo "${2:-$R}" >"$1/proc/sys/kernel/osrelease"
		: >"$1/proc/modules"
	}
	OUT=$WORK/outside
	esc_root "$OUT" && mkdir -p "$OUT/lib/modules/$R"
	echo "kernel/fs/shiftfs/shiftfs.ko" >"$OUT/lib/modules/$R/modules.builtin"
	: >"$OUT/lib/modules/$R/modules.order"
	: >"$OUT/lib/modules/$R/modules.builtin.modinfo"
	depmod -b "$OUT" "$R"
	fact_is "module tree outside: read where it is" "$OUT" module.shiftfs builtin
	T=$WORK/esc-dir
	esc_root "$T" && ln -s "$OUT/lib/modules/$R" "$T/lib/modules/$R"
	fact_is "lib/modules/<release> -> outside: not read" "$T" module.shiftfs "errno 2"
	# The tree's own modules.dep.bin is real; the builtin index is a symlink out of it.
	T=$WORK/esc-files
	esc_root "$T" && mkdir "$T/lib/modules/$R"
	for f in "$OUT/lib/modules/$R"/modules.*; do ln -s "$f" "$T/lib/modules/$R/"; done
	rm "$T/lib/modules/$R/modules.dep.bin" && cp "$OUT/lib/modules/$R/modules.dep.bin" "$T/lib/modules/$R/"
	fact_is "index files -> outside: not followed" "$T" module.shiftfs "errno 40"
	# "../" in the release, with a decoy index where the tree itself would lead.
	T=$WORK/esc-release
	esc_root "$T" "../../../../../../../../../../..$OUT/lib/modules/$R"
	mkdir -p "$T$OUT/lib/modules/$R" && cp "$OUT/lib/modules/$R/modules.dep.bin" "$T$OUT/lib/modules/$R/"
	fact_is "'../' in osrelease: refused" "$T" module.shiftfs "errno 22"
fi

# ---------------------------------------------------------------------------------------------
# A busy node: 10^5 mounts (a kubelet's pod volumes) is a mountinfo of about 17 MB. The verdicts
# are those of the same tree without them; a mountinfo that cannot be read leaves fs.dataroot
# unknown, never judged by the statfs of the filesystem this machine keeps the tree on.
# busy ROOT: appends 10^5 pod volume mounts to ROOT/proc/self/mountinfo.
busy() {
	$PY - "$1/proc/self/mountinfo" <<'PY'
import sys
with open(sys.argv[1], "a") as f:
    for i in range(100000):
        f.write(f"{5000 + i} 22 0:{100 + i % 900} / /var/lib/kubelet/pods/{i:08x}-7c1e-4b7a-9d2c-5f0e3a1b2c3d/volumes/kubernetes.io~projected/kube-api-access-{i % 99991:05d} rw,relatime shared:{i} - tmpfs tmpfs rw,size=4194304k,inode64\n")
PY
}
same_status() {
	local name=$1 orig=$2 id=$3 copy=$WORK/busy-$3 want start ms
	rm -rf "$copy" && cp -a "$orig" "$copy" && busy "$copy"
	"$CVMPREP" check --root "$orig" --only "$id" --format json -o "$WORK/orig.json" 2>/dev/null
	want=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["checks"][0]["status"])' "$WORK/orig.json")
	start=$(date +%s%N)
	status_is "$name ($want, $(wc -c <"$copy/proc/self/mountinfo") bytes)" "$copy" "$id" "$want" ""
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "  note  $id with 10^5 mounts: $ms ms"
}
same_status "10^5 mounts: security.selinux as without them" "$FIXTURES/rhel-8-enforcing" security.selinux
same_status "10^5 mounts: pod.hostpaths as without them" "$FIXTURES/pod-privileged" pod.hostpaths

# Past the whole-file bound mountinfo once had (64 MiB): 17,000 overlay mounts whose lowerdir
# lists are 4 KiB each come first, then the tree's own mounts. The table is streamed to its end
# and keeps no lowerdir: the verdicts of the tree without them, no 'File too large'.
T=$WORK/huge-mountinfo
cp -a "$FIXTURES/pod-privileged" "$T"
$PY - "$T/proc/self/mountinfo" <<'PY'
import sys
own = open(sys.argv[1]).read()
lower = ":".join(f"/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/{k}/fs" for k in range(55))
with open(sys.argv[1], "w") as f:
    for i in range(17000):
        f.write(f"{9000 + i} 22 0:{100 + i % 900} / /run/containerd/io.containerd.runtime.v2.task/k8s.io/{i:064x}/rootfs rw,relatime - overlay overlay rw,lowerdir={lower},upperdir=/u/{i},workdir=/w/{i}\n")
    f.write(own)
PY
size=$(wc -c <"$T/proc/self/mountinfo")
[ "$size" -gt $((64 << 20)) ] && pass "fixture: a mountinfo past 64 MiB ($size bytes)" || fail "fixture: a mountinfo past 64 MiB" "$size bytes"
for id in pod.hostpaths pod.privileged; do
	"$CVMPREP" check --root "$FIXTURES/pod-privileged" --only $id --format json -o "$WORK/orig.json" 2>/dev/null
	want=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["checks"][0]["status"])' "$WORK/orig.json")
	status_is "past 64 MiB: $id as without them ($want)" "$T" $id "$want" ""
done
rm -rf "$T"

T=$WORK/dataroot
mkdir -p "$T/var/lib/sysbox" "$T/proc/self"
printf '%s\n' "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw" \
	"40 22 0:50 / /var/lib/sysbox rw,relatime - tmpfs tmpfs rw" >"$T/proc/self/mountinfo"
status_is "dataroot on the tree's tmpfs: fail" "$T" fs.dataroot fail "tmpfs"
busy "$T"
status_is "dataroot on the tree's tmpfs, 10^5 mounts: fail" "$T" fs.dataroot fail "tmpfs"
rm "$T/proc/self/mountinfo" && mkdir "$T/proc/self/mountinfo"
status_is "dataroot, tree's mountinfo unreadable: unknown, not this machine's statfs" "$T" fs.dataroot unknown "cannot read '/proc/self/mountinfo'"
