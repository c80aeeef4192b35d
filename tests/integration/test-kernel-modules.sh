#!/usr/bin/env bash
# kernel.shiftfs, kernel.headers, fs.fuse, fs.overlay and kernel.config.* through the real binary:
# --root trees made here, with real module indexes written by depmod over small objects that carry
# a .modinfo section (libkmod reads them), gzip and plain kernel configs; then this machine live.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3

# status_is NAME ROOT ID WANT [OPTIONS...]: runs `check --only ID` on ROOT, passes when ID's status
# is WANT (and, with MSG set, its message contains MSG).
status_is() {
	local name=$1 root=$2 id=$3 want=$4 got
	shift 4
	"$CVMPREP" check --root "$root" --only "$id" --format json -o "$WORK/one.json" "$@" 2>"$WORK/err"
	got=$($PY - "$WORK/one.json" "$id" "${MSG:-}" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
c = [c for c in doc["checks"] if c["id"] == sys.argv[2]][0]
ok = sys.argv[3] in (c.get("message") or "") + " " + json.dumps(c.get("evidence"))
print(c["status"] if ok else c["status"] + " (message: " + str(c.get("message")) + ")")
EOF
)
	if [ "$got" = "$want" ]; then pass "$name"; else fail "$name" "got '$got', want $want; $(head -c 300 "$WORK/err")"; fi
}

# fact_is NAME ROOT KEY WANT: `cvmprep facts --root ROOT` has KEY with value WANT (or "errno N").
fact_is() {
	local name=$1 root=$2 key=$3 want=$4 got
	"$CVMPREP" facts --root "$root" -o "$WORK/facts.json" 2>"$WORK/err"
	got=$($PY -c '
import json, sys
d = json.load(open(sys.argv[1])); d = d.get("facts", d)
f = d.get(sys.argv[2]) or {}
print(f["value"] if "value" in f else "errno %s" % f.get("errno"))' "$WORK/facts.json" "$key")
	if [ "$got" = "$want" ]; then pass "$name"; else fail "$name" "$key: got '$got', want '$want'"; fi
}

# new_root DIR RELEASE OS_ID: a tree with the kernel release and os-release.
new_root() {
	mkdir -p "$1/proc/sys/kernel" "$1/etc"
	echo "$2" >"$1/proc/sys/kernel/osrelease"
	echo x86_64 >"$1/proc/sys/kernel/arch"
	echo node >"$1/proc/sys/kernel/hostname"
	printf 'ID=%s\nVERSION_ID="%s"\n' "$3" "${4:-22.04}" >"$1/etc/os-release"
}

# modules DIR RELEASE [builtin:NAME | NAME]...: module files (alias $ALIAS, else fs-NAME) and
# modules.builtin entries, indexed with depmod -b (testbed.md §5).
modules() {
	local root=$1 rel=$2 m name dir=$1/lib/modules/$2
	shift 2
	mkdir -p "$dir"
	: >"$dir/modules.builtin"
	: >"$dir/modules.order"
	: >"$dir/modules.builtin.modinfo"
	for m in "$@"; do
		name=${m#builtin:}
		if [ "$name" != "$m" ]; then
			echo "kernel/fs/$name/$name.ko" >>"$dir/modules.builtin"
			continue
		fi
		mkdir -p "$dir/kernel/fs/$name"
		printf 'static const char modinfo[] __attribute__((section(".modinfo"), used, aligned(1))) =\n"name=%s\\0alias=%s\\0license=GPL\\0vermagic=%s SMP mod_unload \\0";\n' \
			"$name" "${ALIAS:-fs-$name}" "$rel" >"$WORK/$name.c"
		gcc -c -o "$dir/kernel/fs/$name/$name.ko" "$WORK/$name.c" || return 1
		echo "kernel/fs/$name/$name.ko" >>"$dir/modules.order"
	done
	depmod -b "$root" "$rel"
}

FS_COMMON=$'nodev\tsysfs\nnodev\tproc\n\text4\n'

if ! command -v gcc >/dev/null || ! command -v depmod >/dev/null; then
	skip "module trees" "gcc or depmod (package kmod) missing"
else
	# shiftfs available as a module (5.10: needed), with fuse and overlay modules
	R=5.10.0-26-amd64
	T=$WORK/avail
	new_root "$T" $R debian 11
	modules "$T" $R shiftfs fuse overlay
	printf '%s' "$FS_COMMON" >"$T/proc/filesystems"
	: >"$T/proc/modules"
	if modinfo -b "$T" -k $R -F alias shiftfs | grep -qx fs-shiftfs; then
		pass "fixture: modinfo reads the depmod index"
	else
		fail "fixture: modinfo reads the depmod index" "$(modinfo -b "$T" -k $R shiftfs 2>&1)"
	fi
	fact_is "available: module.shiftfs" "$T" module.shiftfs available
	fact_is "available: module.fuse" "$T" module.fuse available
	fact_is "available: filesystem.shiftfs" "$T" filesystem.shiftfs no
	MSG="available as a module" status_is "available: kernel.shiftfs pass" "$T" kernel.shiftfs pass
	MSG="available" status_is "available: fs.overlay pass" "$T" fs.overlay pass
	MSG="/dev/fuse is missing" status_is "available, no /dev/fuse: fs.fuse warn" "$T" fs.fuse warn
	if mkdir -p "$T/dev" && mknod "$T/dev/fuse" c 10 229 2>/dev/null; then
		MSG="/dev/fuse present" status_is "available, /dev/fuse: fs.fuse pass" "$T" fs.fuse pass
	else
		skip "available, /dev/fuse: fs.fuse pass" "mknod needs root"
	fi

	# libkmod is loaded when the first module index is read (core/dlibs.h): with the library
	# hidden from the dynamic loader (an empty file bound over it in a mount namespace of this
	# test), the same tree's modules are unknown, and the evidence says which library and why.
	kmod_so=$(ldconfig -p | awk '$1 == "libkmod.so.2" { print $NF; exit }')
	if [ "$(id -u)" -ne 0 ] || [ -z "$kmod_so" ] || ! unshare -m --propagation private true 2>/dev/null; then
		skip "libkmod hidden: kernel.shiftfs unknown" "needs root, unshare -m and libkmod.so.2"
	else
		: >"$WORK/empty.so"
		cat >"$WORK/no-kmod" <<EOF
#!/bin/sh
exec unshare -m --propagation private sh -c 'mount --bind "\$1" "\$2" && shift 2 && exec "\$@"' sh "$WORK/empty.so" "$kmod_so" "$CVMPREP" "\$@"
EOF
		chmod 755 "$WORK/no-kmod"
		CVMPREP=$WORK/no-kmod fact_is "libkmod hidden: module.shiftfs" "$T" module.shiftfs "errno 79"
		CVMPREP=$WORK/no-kmod MSG="libkmod.so.2: " status_is "libkmod hidden: kernel.shiftfs unknown" "$T" kernel.shiftfs unknown
		CVMPREP=$WORK/no-kmod MSG="shared library" status_is "libkmod hidden: fs.overlay unknown" "$T" fs.overlay unknown
		fact_is "libkmod back: module.shiftfs" "$T" module.shiftfs available
	fi

	# shiftfs known only by the alias the kernel asks for (a module file of another name)
	T=$WORK/alias
	new_root "$T" $R debian 11
	ALIAS=fs-shiftfs modules "$T" $R shiftfs_dkms
	: >"$T/proc/modules"
	fact_is "alias: module.shiftfs found by fs-shiftfs" "$T" module.shiftfs available

	# shiftfs built in
	T=$WORK/builtin
	new_root "$T" $R debian 11
	modules "$T" $R builtin:shiftfs builtin:fuse overlay
	: >"$T/proc/modules"
	fact_is "builtin: module.shiftfs" "$T" module.shiftfs builtin
	MSG="built into" status_is "builtin: kernel.shiftfs pass" "$T" kernel.shiftfs pass
	MSG="available as a module" status_is "builtin: fs.overlay is a module" "$T" fs.overlay pass

	# shiftfs absent from the index, per kernel range and option
	for R in 5.10.0-26-amd64 5.15.0-91-generic 6.1.0-13-amd64; do
		T=$WORK/absent-$R
		new_root "$T" $R ubuntu 22.04
		modules "$T" $R fuse
		printf '%s' "$FS_COMMON" >"$T/proc/filesystems"
		: >"$T/proc/modules"
	done
	fact_is "absent: module.shiftfs" "$WORK/absent-5.10.0-26-amd64" module.shiftfs absent
	MSG="no ID-mapped mounts" status_is "absent 5.10: kernel.shiftfs fail" "$WORK/absent-5.10.0-26-amd64" kernel.shiftfs fail
	MSG="DKMS" status_is "absent 5.10 --shiftfs-autoload: warn" "$WORK/absent-5.10.0-26-amd64" kernel.shiftfs warn --shiftfs-autoload
	MSG="not on overlayfs" status_is "absent 5.15: kernel.shiftfs warn" "$WORK/absent-5.15.0-91-generic" kernel.shiftfs warn
	MSG="not required" status_is "absent 6.1: kernel.shiftfs pass" "$WORK/absent-6.1.0-13-amd64" kernel.shiftfs pass
	MSG="caching" status_is "absent 6.1 --caching: kernel.shiftfs fail" "$WORK/absent-6.1.0-13-amd64" kernel.shiftfs fail --caching
	MSG="no overlay" status_is "absent: fs.overlay fail" "$WORK/absent-6.1.0-13-amd64" fs.overlay fail
	T=$WORK/nofuse
	new_root "$T" 6.1.0-13-amd64 debian 12
	modules "$T" 6.1.0-13-amd64 overlay
	printf '%s' "$FS_COMMON" >"$T/proc/filesystems"
	: >"$T/proc/modules"
	MSG="no FUSE" status_is "absent: fs.fuse fail" "$T" fs.fuse fail

	# shiftfs loaded on Ubuntu 5.15: the EOVERFLOW bug
	T=$WORK/loaded
	new_root "$T" 5.15.0-91-generic ubuntu 22.04
	modules "$T" 5.15.0-91-generic shiftfs
	echo 'shiftfs 32768 0 - Live 0x0000000000000000' >"$T/proc/modules"
	printf '%snodev\tshiftfs\n' "$FS_COMMON" >"$T/proc/filesystems"
	fact_is "loaded: module.shiftfs" "$T" module.shiftfs loaded
	MSG="value too large" status_is "loaded, ubuntu 5.15: kernel.shiftfs warn" "$T" kernel.shiftfs warn
	sed -i 's/^ID=.*/ID=debian/' "$T/etc/os-release"
	MSG="loaded" status_is "loaded, debian 5.15: kernel.shiftfs pass" "$T" kernel.shiftfs pass
fi

# Nothing readable: no procfs, no module index (an image without /lib/modules)
T=$WORK/bare
new_root "$T" 5.10.0-26-amd64 debian 11
MSG="cannot read" status_is "unreadable: kernel.shiftfs unknown" "$T" kernel.shiftfs unknown
MSG="cannot read" status_is "unreadable: fs.fuse unknown" "$T" fs.fuse unknown
MSG="cannot read" status_is "unreadable: fs.overlay unknown" "$T" fs.overlay unknown
expect_exit "unreadable: exit 3 (undecided)" 3 "$CVMPREP" check --root "$T" --only 'fs.overlay'

# kernel.headers
T=$WORK/headers
new_root "$T" 6.1.0-13-amd64 debian 12
MSG="no kernel headers" status_is "headers missing: warn" "$T" kernel.headers warn
MSG="cannot build shiftfs" status_is "headers missing --shiftfs-autoload: fail" "$T" kernel.headers fail --shiftfs-autoload
mkdir -p "$T/usr/src"
ln -s linux-headers-6.1.0-13-amd64 "$T/usr/src/linux-headers-6.1.0-13-amd64"
MSG="Too many levels" status_is "headers unreadable (link loop): unknown" "$T" kernel.headers unknown
rm "$T/usr/src/linux-headers-6.1.0-13-amd64"
mkdir -p "$T/usr/src/linux-headers-6.1.0-13-amd64"
MSG="/usr/src/linux-headers-6.1.0-13-amd64" status_is "headers present: pass" "$T" kernel.headers pass --shiftfs-autoload

# kernel.config.*: a gzip'ed /proc/config.gz, a plain /boot config for another kernel, none
T=$WORK/kconfig
new_root "$T" 6.1.0-13-amd64 debian 12
printf '#\n# Linux/x86 6.1.55 Kernel Configuration\n#\nCONFIG_USER_NS=y\nCONFIG_FUSE_FS=m\n# CONFIG_IP_VS is not set\nCONFIG_EXT4_USE_FOR_EXT2=y\n' |
	gzip >"$T/proc/config.gz"
MSG="CONFIG_USER_NS=y" status_is "config.gz: USER_NS pass" "$T" kernel.config.USER_NS pass
MSG="CONFIG_FUSE_FS=m" status_is "config.gz: FUSE_FS (=m) pass" "$T" kernel.config.FUSE_FS pass
MSG="not set" status_is "config.gz: NAMESPACES absent fail" "$T" kernel.config.NAMESPACES fail
MSG="not set" status_is "config.gz: IP_VS not set warn" "$T" kernel.config.IP_VS warn
MSG="does not apply" status_is "config.gz: MEMCG_SWAP on 6.1 skip" "$T" kernel.config.MEMCG_SWAP skip
MSG="not needed" status_is "config.gz: EXT3_FS served by ext4 pass" "$T" kernel.config.EXT3_FS pass
"$CVMPREP" check --root "$T" --only 'kernel.config.*' --format json -o "$WORK/kconfig.json"
valid_json "config.gz: schema" "$SCHEMA" "$WORK/kconfig.json"
n=$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["checks"]))' "$WORK/kconfig.json")
if [ "$n" -ge 86 ]; then pass "kernel.config.*: $n options"; else fail "kernel.config.*: $n options" "want >= 86"; fi

# A CRLF config with blanks after some values (tests/fixtures/kconfig-crlf), read as the kernel's
# own reader reads it: every status a config gives
T=$FIXTURES/kconfig-crlf
C=$T/boot/config-$(cat "$T/proc/sys/kernel/osrelease")
if [ "$(grep -c $'\r$' "$C")" -eq "$(wc -l <"$C")" ]; then pass "crlf: every line of the fixture ends in CR LF"; else fail "crlf: every line of the fixture ends in CR LF" "$(grep -vc $'\r$' "$C") lines do not"; fi
MSG="CONFIG_NAMESPACES=y" status_is "crlf: NAMESPACES=y pass" "$T" kernel.config.NAMESPACES pass
MSG="CONFIG_FUSE_FS=m" status_is "crlf: FUSE_FS=m pass" "$T" kernel.config.FUSE_FS pass
MSG="CONFIG_NFT_CT=m" status_is "crlf: NFT_CT=m and a blank pass" "$T" kernel.config.NFT_CT pass
MSG="CONFIG_NFT_NAT=m" status_is "crlf: NFT_NAT=m and a tab pass" "$T" kernel.config.NFT_NAT pass
MSG="not set" status_is "crlf: CGROUPS not set fail" "$T" kernel.config.CGROUPS fail
MSG="not set" status_is "crlf: IP_SCTP not set warn" "$T" kernel.config.IP_SCTP warn
MSG="does not apply to kernel 6.12" status_is "crlf: MEMCG_SWAP on 6.12 (its header) skip" "$T" kernel.config.MEMCG_SWAP skip
expect_exit "crlf: exit 1 (CGROUPS)" 1 "$CVMPREP" check --root "$T" --only 'kernel.config.*'

T=$WORK/kconfig-other
new_root "$T" 6.1.0-13-amd64 debian 12
mkdir -p "$T/boot"
printf '# Linux/x86 4.19.304 Kernel Configuration\nCONFIG_MEMCG_SWAP=y\n' >"$T/boot/config-6.1.0-13-amd64"
MSG="config is for Linux 4.19.304" status_is "other kernel's config: version from its header" "$T" kernel.config.MEMCG_SWAP pass
MSG="/boot/config-6.1.0-13-amd64" status_is "other kernel's config: USER_NS fail" "$T" kernel.config.USER_NS fail

T=$WORK/kconfig-none
new_root "$T" 6.1.0-13-amd64 debian 12
MSG="cannot read" status_is "no config: unknown, not missing" "$T" kernel.config.USER_NS unknown
expect_exit "no config: exit 3" 3 "$CVMPREP" check --root "$T" --only 'kernel.config.*'
head -c 100 "$WORK/kconfig/proc/config.gz" >"$T/proc/config.gz"
MSG="Bad message" status_is "truncated config.gz: unknown" "$T" kernel.config.USER_NS unknown

# This machine, live: each option's status agrees with the running kernel's own config.
if [ -r /proc/config.gz ]; then
	"$CVMPREP" check --only 'kernel.config.*' --format json -o "$WORK/live.json"
	if $PY - "$WORK/live.json" <<'EOF' >"$WORK/live.out" 2>&1; then
import gzip, json, re, sys
have = {}
for line in gzip.open("/proc/config.gz", "rt"):
    m = re.match(r"CONFIG_(\w+)=([ym])$", line.strip())
    if m:
        have[m.group(1)] = m.group(2)
bad = []
for c in json.load(open(sys.argv[1]))["checks"]:
    opt = c["id"].removeprefix("kernel.config.")
    if opt in have and c["status"] != "pass":
        bad.append(f"{opt}={have[opt]} but {c['status']}")
    if opt not in have and c["status"] == "pass" and "not needed" not in c["message"]:
        bad.append(f"{opt} unset but pass")
    if opt not in have and c["status"] not in ("pass", "warn", "fail", "skip"):
        bad.append(f"{opt}: {c['status']}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
		pass "live: kernel.config.* matches /proc/config.gz"
	else
		fail "live: kernel.config.* matches /proc/config.gz" "$(head -c 500 "$WORK/live.out")"
	fi
	valid_json "live: schema" "$SCHEMA" "$WORK/live.json"
else
	skip "live: kernel.config.*" "no /proc/config.gz"
fi
"$CVMPREP" check --only 'kernel.shiftfs,fs.fuse,fs.overlay' --format json -o "$WORK/live-fs.json"
if $PY - "$WORK/live-fs.json" <<'EOF'; then
import json, sys
fs = open("/proc/filesystems").read().split()
st = {c["id"]: c["status"] for c in json.load(open(sys.argv[1]))["checks"]}
ok = ("overlay" in fs) == (st["fs.overlay"] == "pass") and ("fuse" in fs) <= (st["fs.fuse"] in ("pass", "warn"))
sys.exit(0 if ok and st["kernel.shiftfs"] != "unknown" else 1)
EOF
	pass "live: fs.overlay, fs.fuse, kernel.shiftfs agree with /proc/filesystems"
else
	fail "live: fs.overlay, fs.fuse, kernel.shiftfs agree with /proc/filesystems" "$(cat "$WORK/live-fs.json" | head -c 600)"
fi
