#!/usr/bin/env bash
# The first process of a test root's namespaces (lib.sh starts it under unshare --mount --pid
# --net --fork --kill-child): mounts the root, then runs one command in it and exits with the
# command's status. When it exits the kernel kills whatever the command left running and the
# mounts go with the namespace. Settings come from lib.sh through the environment:
#   TB_LOWER  the cached base (read-only lowerdir)     TB_DIR  the root's upper/, work/, merged/
#   TB_REPO   bound read-only at /srv/repo             TB_BIN  bound read-only at /usr/local/bin/cvmprep
#   TB_DIR/out bound at /out: files a test reads afterwards, outside the root's own tree
#   TB_CHROOT 1: chroot into the root; 0: run on this side, the root mounted at TB_DIR/merged
#   TB_HTTP   1: serve TB_REPO at http://127.0.0.1:8080 first (requests logged to TB_HTTP_LOG)
#   TB_STRACE a file: trace every execve of the command into it (TB_STRACE_CALLS: other calls)
set -euo pipefail

m=$TB_DIR/merged
mount -t overlay overlay -o "lowerdir=$TB_LOWER,upperdir=$TB_DIR/upper,workdir=$TB_DIR/work" "$m"
mount -t proc proc "$m/proc"
mount -t sysfs -o ro sysfs "$m/sys"
mount -t cgroup2 -o ro cgroup2 "$m/sys/fs/cgroup" 2>/dev/null || true
mount -t tmpfs -o mode=1777 tmpfs "$m/tmp"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$m/dev/pts"
mount --bind "$TB_REPO" "$m/srv/repo"
mount -o remount,bind,ro "$m/srv/repo"
mkdir -p "$TB_DIR/out" "$m/out"
mount --bind "$TB_DIR/out" "$m/out"
[ -e "$m/usr/local/bin/cvmprep" ] || : >"$m/usr/local/bin/cvmprep"
mount --bind "$TB_BIN" "$m/usr/local/bin/cvmprep"
mount -o remount,bind,ro "$m/usr/local/bin/cvmprep"
ip link set lo up

if [ "${TB_HTTP:-0}" = 1 ]; then
	ready=$TB_DIR/http.ready
	/usr/bin/python3 "$(dirname "$0")/httpd.py" 127.0.0.1 8080 "$TB_REPO" "$ready" "${TB_HTTP_LOG:-/dev/null}" &
	for _ in $(seq 100); do [ -e "$ready" ] && break; sleep 0.05; done
	[ -e "$ready" ] || { echo "enter.sh: the loopback HTTP server did not start" >&2; exit 70; }
	rm -f "$ready"
fi

run=(/usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root)
[ "$TB_CHROOT" = 1 ] && run=(chroot "$m" "${run[@]}")
[ -n "${TB_STRACE:-}" ] && run=(strace -f -qq -e "trace=${TB_STRACE_CALLS:-execve}" -o "$TB_STRACE" "${run[@]}")
set +e
"${run[@]}" "$@"
