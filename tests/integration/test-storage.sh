#!/usr/bin/env bash
# fs.dataroot, fs.docker-dtype, fs.capacity on real filesystems: loop-mounted ext4, ext3, xfs and
# btrfs images, tmpfs and overlay, in a private mount namespace (the host's mounts are never
# touched); and an unmounted V4 XFS image with ftype=0 (this kernel refuses to mount V4) named by
# a tree's mountinfo, read through libblkid and the superblock reader. Needs root.

if [ -z "${CVMPREP_IN_NS:-}" ] && [ "$(id -u)" -eq 0 ] &&
	unshare -m --propagation private true 2>/dev/null; then
	CVMPREP_IN_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

if [ -z "${CVMPREP_IN_NS:-}" ]; then
	echo "test-storage: needs root and unshare -m (mount namespaces)"
	exit 77
fi

# Mounts made here are undone (and loop devices freed) however the script ends.
MOUNTS=()
cleanup() {
	local i img
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount "${MOUNTS[i]}" 2>/dev/null; done
	for img in "$WORK"/*.img; do
		[ -e "$img" ] || continue
		losetup -j "$img" -O NAME -n 2>/dev/null | while read -r dev; do losetup -d "$dev"; done
	done
	rm -rf "$WORK"
}
trap cleanup EXIT

# mnt DIR ARGS...: mount ARGS at DIR (created), remembered for cleanup.
mnt() {
	local dir=$1
	shift
	mkdir -p "$dir" && mount "$@" "$dir" && MOUNTS+=("$dir")
}

# image NAME MKFS ARGS...: a 512 MiB sparse image made by MKFS; fails when MKFS is missing.
image() {
	local img=$WORK/$1.img mkfs=$2
	shift 2
	command -v "$mkfs" >/dev/null || return 1
	truncate -s 512M "$img" && "$mkfs" "$@" "$img" >/dev/null 2>&1
}

# expect NAME FILE ID STATUS [TEXT...]: the check's status in the JSON report FILE, and each TEXT
# somewhere in the check's JSON (evidence, observed, message).

# run NAME ARGS...: cvmprep check ARGS --format json into $WORK/NAME.json, schema-checked.
run() {
	local name=$1
	shift
	"$CVMPREP" check "$@" --format json -o "$WORK/$name.json" 2>"$WORK/$name.err"
	[ -s "$WORK/$name.json" ] || { fail "$name: report" "$(head -c 300 "$WORK/$name.err")"; return 1; }
	$JSONTOOL validate "$SCHEMA" "$WORK/$name.json" 2>"$WORK/verr" || fail "$name: schema" "$(head -c 300 "$WORK/verr")"
}

# fs.dataroot on each filesystem, mounted at the data root; the data root's own directory does
# not exist, so its nearest existing parent (the mount point) is judged.
declare -A mkfs_args=(
	[ext4]="mkfs.ext4 -q -F"
	[ext3]="mkfs.ext3 -q -F"
	[xfs]="mkfs.xfs -q -f"
	[btrfs]="mkfs.btrfs -q -f"
)
declare -A dataroot_want=([ext4]=pass [ext3]=warn [xfs]=pass [btrfs]=pass)
for fs in ext4 ext3 xfs btrfs; do
	# shellcheck disable=SC2086 # the mkfs command and its options
	if ! image "$fs" ${mkfs_args[$fs]}; then
		skip "dataroot on $fs" "${mkfs_args[$fs]%% *} not installed (ci/deps.sh)"
		continue
	fi
	if ! mnt "$WORK/m-$fs" -o loop "$WORK/$fs.img"; then
		skip "dataroot on $fs" "cannot loop-mount $fs here"
		continue
	fi
	run "dataroot-$fs" --only fs.dataroot --data-root "$WORK/m-$fs/sysbox" || continue
	# libblkid names the loop device's filesystem (ext3 apart from ext4)
	expect "dataroot on $fs: ${dataroot_want[$fs]}, named by libblkid" "$WORK/dataroot-$fs.json" \
		fs.dataroot "${dataroot_want[$fs]}" "libblkid(/dev/loop" "\"value\": \"$fs\"" \
		"$fs ($WORK/m-$fs)"
done

mnt "$WORK/m-tmpfs" -t tmpfs -o size=64M tmpfs &&
	run dataroot-tmpfs --only fs.dataroot --data-root "$WORK/m-tmpfs/sysbox" &&
	expect "dataroot on tmpfs: fail" "$WORK/dataroot-tmpfs.json" fs.dataroot fail \
		"\"value\": \"tmpfs\"" "tmpfs lives in memory"

mkdir -p "$WORK/ov-lower" "$WORK/ov-upper" "$WORK/ov-work"
if mnt "$WORK/m-overlay" -t overlay -o "lowerdir=$WORK/ov-lower,upperdir=$WORK/ov-upper,workdir=$WORK/ov-work" overlay; then
	run dataroot-overlay --only fs.dataroot --data-root "$WORK/m-overlay/sysbox" &&
		expect "dataroot on overlay: fail" "$WORK/dataroot-overlay.json" fs.dataroot fail \
			"\"value\": \"overlay\""
else
	skip "dataroot on overlay" "cannot mount overlay here"
fi

# Unreadable: a data root below a directory only root may enter, read as nobody.
mkdir -p "$WORK/private/sysbox" && chmod 0700 "$WORK/private" && chmod 0755 "$WORK"
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CVMPREP" check --only fs.dataroot \
		--data-root "$WORK/private/sysbox" --format json >"$WORK/dataroot-eacces.json" 2>/dev/null
	expect "dataroot unreadable (as nobody): unknown" "$WORK/dataroot-eacces.json" fs.dataroot \
		unknown "Permission denied"
else
	skip "dataroot unreadable" "setpriv not installed"
fi

# /var/lib/docker on xfs with ftype=1, mounted: XFS_IOC_FSGEOMETRY says so. /var/lib is a
# tmpfs of this namespace only, so that /var/lib/docker can be a mount point.
if [ -e "$WORK/xfs.img" ] && mnt /var/lib -t tmpfs -o size=64M tmpfs &&
	mnt /var/lib/docker -o loop "$WORK/xfs.img"; then
	run dtype-xfs1 --only fs.docker-dtype
	expect "docker-dtype on mounted xfs ftype=1: pass" "$WORK/dtype-xfs1.json" fs.docker-dtype pass \
		"XFS_IOC_FSGEOMETRY(/var/lib/docker)" "xfs ftype=1"
	umount /var/lib/docker /var/lib && unset 'MOUNTS[-1]' 'MOUNTS[-1]'
else
	skip "docker-dtype on mounted xfs" "no xfs image or cannot mount it"
fi

# /var/lib/docker on ext4 (mounted): no ftype question.
if [ -e "$WORK/ext4.img" ] && mnt /var/lib -t tmpfs -o size=64M tmpfs && mkdir -p /var/lib/docker &&
	mount --bind "$WORK/m-ext4" /var/lib/docker && MOUNTS+=(/var/lib/docker); then
	run dtype-ext4 --only fs.docker-dtype
	expect "docker-dtype on ext4: pass" "$WORK/dtype-ext4.json" fs.docker-dtype pass "records d_type"
	umount /var/lib/docker /var/lib && unset 'MOUNTS[-1]' 'MOUNTS[-1]'
fi

# Unmounted images named by a tree's mountinfo (/var/lib/docker on /dev/vdb, xfs): libblkid and
# the superblock reader read the image at TREE/dev/vdb. V4 with ftype=0 fails, V5 passes.
for v in "v4-ftype0:-m crc=0 -n ftype=0:fail:xfs ftype=0" "v5-ftype1::pass:xfs ftype=1"; do
	IFS=: read -r tag opts want text <<<"$v"
	tree=$WORK/tree-$tag
	mkdir -p "$tree/dev" "$tree/var/lib/docker" "$tree/proc/self"
	printf '%s\n' "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw" \
		"40 22 254:16 / /var/lib/docker rw,relatime - xfs /dev/vdb rw" >"$tree/proc/self/mountinfo"
	truncate -s 512M "$tree/dev/vdb"
	# shellcheck disable=SC2086 # mkfs options
	if ! command -v mkfs.xfs >/dev/null || ! mkfs.xfs -q -f $opts "$tree/dev/vdb" >/dev/null 2>&1; then
		skip "docker-dtype on unmounted xfs $tag" "mkfs.xfs missing or refused"
		continue
	fi
	run "dtype-$tag" --root "$tree" --only fs.docker-dtype || continue
	expect "docker-dtype on unmounted xfs $tag: $want" "$WORK/dtype-$tag.json" fs.docker-dtype \
		"$want" "xfs superblock(/dev/vdb)" "libblkid(/dev/vdb)" "$text"
	rm -f "$tree/dev/vdb"
done

# A malformed mountinfo line for /var/lib/docker (its type field "-"): unknown, not "on -, which
# records d_type", and not the auditing machine's statfs in its place.
tree=$WORK/tree-malformed
mkdir -p "$tree/var/lib/docker" "$tree/proc/self"
printf '%s\n' "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw" \
	"40 22 254:16 / /var/lib/docker rw,relatime - - /dev/vdb rw" >"$tree/proc/self/mountinfo"
if run dtype-malformed --root "$tree" --only fs.docker-dtype; then
	expect "docker-dtype on a malformed mountinfo line: unknown" "$WORK/dtype-malformed.json" \
		fs.docker-dtype unknown "Bad message"
fi

# fs.capacity: /var/lib (holding both /var/lib/sysbox and /var/lib/docker) on a tmpfs whose
# size is what the test says (tmpfs sizes are virtual: nothing is allocated).
for c in "1G:fail:only 1.0 GiB free" "20G:warn:only 20.0 GiB free" "200G:pass:200.0 GiB free"; do
	IFS=: read -r size want text <<<"$c"
	if mnt /var/lib -t tmpfs -o "size=$size" tmpfs; then
		run "capacity-$size" --only fs.capacity
		expect "capacity on a $size tmpfs: $want" "$WORK/capacity-$size.json" fs.capacity "$want" "$text"
		umount /var/lib && unset 'MOUNTS[-1]'
	else
		skip "capacity on a $size tmpfs" "cannot mount tmpfs"
	fi
done
# Two filesystems: the data root with room, /var/lib/docker on a small one.
if mnt /var/lib -t tmpfs -o size=200G tmpfs && mnt /var/lib/docker -t tmpfs -o size=5G tmpfs; then
	run capacity-split --only fs.capacity
	expect "capacity: small separate /var/lib/docker fails" "$WORK/capacity-split.json" fs.capacity \
		fail "Docker data root /var/lib/docker: 5.0 GiB free"
	umount /var/lib/docker /var/lib && unset 'MOUNTS[-1]' 'MOUNTS[-1]'
fi

# explain has text and a source for each id.
for id in fs.dataroot fs.docker-dtype fs.capacity; do
	if "$CVMPREP" explain "$id" >"$WORK/explain" 2>&1 && grep -qi 'source' "$WORK/explain"; then
		pass "explain $id"
	else
		fail "explain $id" "$(head -c 300 "$WORK/explain")"
	fi
done
