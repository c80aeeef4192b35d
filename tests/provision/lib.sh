# Sourced by the provisioning tests, after tests/integration/lib.sh (pass, fail, WORK, CVMPREP):
# a real Debian root per test, offline, with real apt and dpkg, stand-in packages and local
# repositories. See tests/provision/README.md for the layout and the figures.
#
#   tb_init                  once per script: the cached base (base.sh), the packages and
#                            repositories (packages.sh) under $TB; exits 77 when it cannot run.
#                            Sets CODENAME, ARCH, SYSBOX_SHA256, DOCKER_CE_OLD (accepts
#                            containerd.io 1.5.11), DOCKER_CE_NEW (needs >= 1.6.24)
#   tb_root NAME [flat] [docker]
#                            a fresh root NAME on the cached base. Its apt sources: the real
#                            dependencies always; "flat" adds the trusted flat repository of every
#                            stand-in, "docker" the signed Docker-style one with its key in
#                            /etc/apt/keyrings/docker.asc; then apt-get update
#   tb_run NAME CMD...       CMD chrooted into NAME, in new mount, PID and network namespaces
#                            (loopback only), env -i PATH=...; returns CMD's status. Nothing it
#                            starts outlives it; its mounts go with it; NAME's files persist
#   tb_host NAME CMD...      the same namespaces, CMD run on this side, NAME mounted at
#                            $(tb_mnt NAME) (for `cvmprep provision --root`)
#   tb_sh NAME SCRIPT        bash -c SCRIPT chrooted into NAME (several processes in one root)
#   tb_provision NAME ARG... cvmprep provision in NAME, with the chroot's waivers ($TB_CHECK)
#   tb_interrupt NAME POINT WHOM ARG...
#                            cvmprep provision ARG... in NAME, stopped at POINT (a maintainer
#                            script "<package>.<preinst|postinst>", or "apt.post-invoke": apt's
#                            DPkg::Post-Invoke, after dpkg finished) where WHOM (dpkg, apt-get or
#                            cvmprep) gets SIGKILL; waits for what is left to end; prints
#                            "exit N" (cvmprep's status)
#   tb_state NAME            the provisioned state: packages, holds, pin file, daemon.json
#   tb_tree NAME             every file of NAME but /proc, /sys, /tmp, /dev, /out: type, mode, owner, size,
#                            mtime and ctime (compare two to show nothing changed)
#   tb_audit NAME            dpkg --audit output (empty when dpkg's state is clean)
# Environment of tb_run and tb_host: TB_HTTP=1 serves $TB/repo at $TB_URL (requests appended to
# TB_HTTP_LOG); TB_STRACE=FILE traces every execve into FILE (TB_STRACE_CALLS: which calls). In a root, /srv/repo is $TB/repo:
# deps/ flat/ docker/ (repositories), docker.asc docker.gpg (keys), sysbox-ce.deb, sysbox-ce.sha256;
# /out is $(tb_out NAME), for reports: a mount of its own, so tb_tree does not list it.

TBLIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TB=$WORK/tb
TB_URL=http://127.0.0.1:8080
# A chroot is not a CVM node: inside it clone(CLONE_NEWUSER) fails with EPERM and the data root is
# on overlayfs; these are the checks that judge that. It is judged as a host (--mode auto would
# see a container).
TB_CHECK=(--mode host --skip kernel.idmap,userns.procfs,fs.dataroot)

# tb_init: the base, the packages and the repositories; exit 77 (skip) when this machine cannot.
tb_init() {
	local why=
	[ "$(id -u)" -eq 0 ] || why="needs root"
	for t in unshare chroot ip dpkg-deb apt-ftparchive gpg zstd; do
		[ -n "$why" ] || command -v "$t" >/dev/null || why="$t is not installed (ci/deps.sh)"
	done
	# The binary is bound into the chroot: a wrapper script (make test's second pass runs the
	# suite through one) would name paths the chroot does not have.
	[ -n "$why" ] || [ -z "${CVMPREP_VARIANT:-}" ] || why="$CVMPREP is the $CVMPREP_VARIANT build, not the binary"
	[ -n "$why" ] || grep -qw overlay /proc/filesystems || modprobe -q overlay 2>/dev/null ||
		why="no overlayfs"
	[ -n "$why" ] || TB_BASE=$(bash "$TBLIB/base.sh") || why="no cached Debian base (tests/provision/base.sh)"
	if [ -n "$why" ]; then
		echo "  skip  provisioning test bed: $why"
		exit 77
	fi
	mkdir -p "$TB/roots" "$TB/repo/tools"
	bash "$TBLIB/packages.sh" "$TB/repo" "$TB_BASE/debs" || { echo "packages.sh failed"; exit 1; }
	cp "$TBLIB/pause.sh" "$TBLIB/interrupt.sh" "$TB/repo/tools/"
	CODENAME=$(. /etc/os-release && echo "$VERSION_CODENAME")
	ARCH=$(dpkg --print-architecture)
	SYSBOX_SHA256=$(cat "$TB/repo/sysbox-ce.sha256")
	DOCKER_CE_OLD=$(dpkg-deb -f "$TB"/repo/pool/docker-ce_20.*.deb Version)
	DOCKER_CE_NEW=$(dpkg-deb -f "$TB"/repo/pool/docker-ce_26.*.deb Version)
}

# tb_root NAME [flat] [docker]: see the top of this file.
tb_root() {
	local name=$1 d=$TB/roots/$1 s u
	shift
	rm -rf "$d"
	mkdir -p "$d/work" "$d/merged" "$d/upper/etc/apt/sources.list.d" "$d/upper/run/lock"
	# /run/lock in the upper layer from the start: the lock file cvmprep makes there changes
	# /run/lock alone, not / and /run by a copy-up (on a node /run is a tmpfs)
	chmod 1777 "$d/upper/run/lock"
	u=$d/upper/etc/apt/sources.list.d
	echo 'deb [trusted=yes] file:/srv/repo/deps ./' >"$u/testbed-deps.list"
	for s in "$@"; do
		case $s in
		flat) echo 'deb [trusted=yes] file:/srv/repo/flat ./' >"$u/testbed-flat.list" ;;
		docker)
			mkdir -p "$d/upper/etc/apt/keyrings"
			cp "$TB/repo/docker.asc" "$d/upper/etc/apt/keyrings/docker.asc"
			echo "deb [arch=$ARCH signed-by=/etc/apt/keyrings/docker.asc] file:/srv/repo/docker $CODENAME stable" >"$u/docker.list"
			;;
		*) echo "tb_root: unknown source '$s'" >&2; return 2 ;;
		esac
	done
	tb_run "$name" apt-get -q update >"$d/update.log" 2>&1 || { cat "$d/update.log" >&2; return 1; }
	# The first listing lets overlayfs mark its upper directories (an xattr, a new ctime): let
	# it happen now, not between two listings a test compares.
	tb_tree "$name" >/dev/null
}

# tb_ns CHROOT NAME CMD...: tb_run (CHROOT 1) and tb_host (CHROOT 0).
tb_ns() {
	local chroot=$1 name=$2
	shift 2
	TB_LOWER=$TB_BASE/root TB_DIR=$TB/roots/$name TB_REPO=$TB/repo TB_BIN=$CVMPREP TB_CHROOT=$chroot \
		TB_HTTP=${TB_HTTP:-0} TB_HTTP_LOG=${TB_HTTP_LOG:-/dev/null} TB_STRACE=${TB_STRACE:-} \
		TB_STRACE_CALLS=${TB_STRACE_CALLS:-execve} \
		timeout -s KILL "${TB_TIMEOUT:-300}" \
		unshare --mount --pid --net --fork --kill-child --propagation private \
		bash "$TBLIB/enter.sh" "$@"
}
tb_run() { tb_ns 1 "$@"; }
tb_host() { tb_ns 0 "$@"; }
tb_mnt() { echo "$TB/roots/$1/merged"; }
tb_out() { echo "$TB/roots/$1/out"; }
tb_sh() { tb_run "$1" /bin/bash -c "$2"; }
tb_provision() {
	local name=$1
	shift
	tb_run "$name" /usr/local/bin/cvmprep provision "${TB_CHECK[@]}" "$@"
}
tb_interrupt() {
	local name=$1 point=$2 whom=$3
	shift 3
	tb_run "$name" /bin/bash /srv/repo/tools/interrupt.sh "$point" "$whom" \
		/usr/local/bin/cvmprep provision "${TB_CHECK[@]}" "$@"
}

tb_state() {
	tb_sh "$1" '
		for p in containerd.io docker-ce sysbox-ce; do
			dpkg-query -W -f="\${Package} \${Version} \${db:Status-Abbrev}\n" "$p" 2>/dev/null ||
				echo "$p not-installed"
		done
		echo "holds: $(apt-mark showhold | tr "\n" " ")"
		for f in /etc/apt/preferences.d/*; do [ -f "$f" ] && { echo "== $f"; grep -v -e "^#" -e "^\$" "$f"; }; done
		f=/etc/docker/daemon.json
		if [ -f "$f" ]; then echo "== $f"; cat "$f"; else echo "no $f"; fi'
}

tb_tree() {
	tb_run "$1" find / -xdev \( -path /proc -o -path /sys -o -path /tmp -o -path /dev -o -path /out \) -prune -o \
		-printf '%p %y %m %U:%G %s %T@ %C@\n' | LC_ALL=C sort
}

tb_audit() { tb_run "$1" dpkg --audit 2>&1; }

# Assertions the provisioning tests share.
# tb_same NAME WANT GOT: passes when the two texts are equal, else shows how they differ.
tb_same() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -20)"
	fi
}
# tb_json FILE EXPR: prints the Python expression EXPR of the JSON document d in FILE.
tb_json() {
	/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2" 2>&1
}
# tb_steps FILE: "name:outcome ..." of a JSON report's provision steps.
tb_steps() { tb_json "$1" '" ".join(s["name"] + ":" + s["outcome"] for s in d["provision"]["steps"])'; }
