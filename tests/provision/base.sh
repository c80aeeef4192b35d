#!/usr/bin/env bash
# Prints the directory of a cached Debian root for the provisioning tests, building it first when
# it is missing. The cache is a zstd tarball holding root/ (a debootstrap minbase of this
# machine's own codename, with what a node has and cvmprep links against, prepared for offline
# use) and debs/ (the real packages the test packages depend on, for the local repository); the
# printed directory is that tarball unpacked once, to be used read-only (an overlay's lowerdir).
#
#   tests/provision/base.sh            DIR with DIR/root and DIR/debs
#   CVMPREP_TESTBED_CACHE=DIR          cache directory (default /var/cache/cvmprep-testbed)
#
# The tarball is keyed on the codename, the architecture and this script's hash, so editing the
# script rebuilds it. Older ones are left alone (a run of another checkout may be using one):
# remove them by hand. This is the only step that needs the machine's Debian mirror; it reads the
# mirror from the machine's own apt sources. Two runs at once are safe: the build holds a lock
# and the tarball appears by rename. Exit 77 (skip) when it cannot be built: not root, no
# debootstrap, no mirror.
set -euo pipefail

cache=${CVMPREP_TESTBED_CACHE:-/var/cache/cvmprep-testbed}
script=$(readlink -f "${BASH_SOURCE[0]}")

die_skip() { echo "base.sh: $*" >&2; exit 77; }

. /etc/os-release
codename=${VERSION_CODENAME:-}
[ -n "$codename" ] || die_skip "no VERSION_CODENAME in /etc/os-release"
arch=$(dpkg --print-architecture)
hash=$(sha256sum "$script" | cut -c1-12)
name=base-$codename-$arch-$hash
tarball=$cache/$name.tar.zst
unpacked=$cache/$name

[ -d "$unpacked" ] && { echo "$unpacked"; exit 0; }
[ "$(id -u)" -eq 0 ] || die_skip "building the base needs root"
command -v debootstrap >/dev/null || die_skip "debootstrap is not installed (ci/deps.sh)"
command -v zstd >/dev/null || die_skip "zstd is not installed (ci/deps.sh)"

# mirror_uri: the first http(s) URI the machine's apt sources give for $codename itself (not
# -updates or -security), from one-line sources.list files and deb822 .sources files alike.
mirror_uri() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" |
			awk -v s="$codename" '$1 == "deb" && $3 == s && $2 ~ /^https?:/ { print $2; exit }'
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$codename" '
			function flush() { if (ok && uri != "" && types ~ /(^| )deb( |$)/) { print uri; exit } ok = 0; uri = ""; types = "" }
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			tolower($1) == "types:" { types = substr($0, index($0, ":") + 1) }
			tolower($1) == "uris:" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { uri = $i; break } }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == s) ok = 1 }
			END { flush() }' "$f"
	done
}
mirror=$(mirror_uri | head -1)
[ -n "$mirror" ] || die_skip "no apt source of this machine names a mirror for '$codename'"

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
tmp=$(mktemp -d "$cache/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# unpack: the tarball, unpacked beside it under its own name.
unpack() {
	local start=$SECONDS
	mkdir "$tmp/unpacked"
	tar --numeric-owner -I zstd -C "$tmp/unpacked" -xf "$tarball"
	mv "$tmp/unpacked" "$unpacked"
	echo "base.sh: unpacked $name in $((SECONDS - start)) s" >&2
	echo "$unpacked"
}
[ -d "$unpacked" ] && { echo "$unpacked"; exit 0; } # made by another run while this one waited
[ -f "$tarball" ] && { unpack; exit 0; }
root=$tmp/root
start=$SECONDS

# What a node has and cvmprep links against (a minbase root lacks libkmod2 and libcjson1, and the
# binary then does not start in it), and the libraries the provisioner adds (libcurl, OpenSSL,
# the CA certificates libcurl verifies with).
libs=kmod,libkmod2,libcjson1,libudev1,libblkid1,zlib1g,libcurl4,libssl3,libarchive13,ca-certificates
# The real packages the test packages depend on: downloaded, not installed. fuse (2.x) and fuse3
# cannot be installed together, so fuse is downloaded on its own: both are offered, as on a
# node, and apt picks one for sysbox-ce's `Depends: fuse`. systemd is the real one, for
# `provision --target image` (the recipe installs it, enables docker.service with its systemctl).
deps=(rsync jq iptables fuse3 systemd)

# debootstrap mounts proc and sys in the target: keep those mounts in a namespace of our own.
unshare --mount --propagation private \
	debootstrap --variant=minbase --include="$libs" "$codename" "$root" "$mirror" \
	>"$tmp/debootstrap.log" 2>&1 || {
	tail -20 "$tmp/debootstrap.log" >&2
	die_skip "debootstrap $codename from $mirror failed"
}
printf 'deb %s %s main\n' "$mirror" "$codename" >"$root/etc/apt/sources.list"
rm -f "$root"/var/cache/apt/archives/*.deb # debootstrap's own downloads
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin apt-get -q update >"$tmp/update.log" 2>&1 ||
	{ tail -5 "$tmp/update.log" >&2; die_skip "apt-get update in the base failed"; }
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
	apt-get -q -y --no-install-recommends install --download-only "${deps[@]}" >"$tmp/download.log" 2>&1 ||
	{ tail -5 "$tmp/download.log" >&2; die_skip "downloading ${deps[*]} failed"; }
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
	apt-get -q -y --no-install-recommends install --download-only fuse >>"$tmp/download.log" 2>&1 ||
	{ tail -5 "$tmp/download.log" >&2; die_skip "downloading fuse failed"; }
mkdir "$tmp/debs"
mv "$root"/var/cache/apt/archives/*.deb "$tmp/debs/"

# Offline: no mirror, no service ever started, no index or cache from the mirror, dpkg without
# fsync (the tests kill processes; they do not cut power).
rm -f "$root/etc/apt/sources.list" "$root/etc/resolv.conf" "$root/etc/hostname"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*
mkdir -p "$root/var/lib/apt/lists/partial" "$root/var/cache/apt/archives/partial" "$root/srv/repo"
printf '#!/bin/sh\n# the test bed starts no service\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/testbed-unsafe-io"
printf 'Acquire::Languages "none";\n' >"$root/etc/apt/apt.conf.d/90testbed"
chmod 0755 "$root" "$tmp/debs"

tar --numeric-owner -C "$tmp" -I 'zstd -T0 -3 -q' -cf "$tmp/base.tar.zst" root debs
mv "$tmp/base.tar.zst" "$tarball"
echo "base.sh: built $name in $((SECONDS - start)) s from $mirror" >&2
rm -rf "$root"
unpack
