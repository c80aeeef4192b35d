#!/usr/bin/env bash
# Prints the path of a moby contrib/check-config.sh (Docker's kernel check) to run:
#  - $MOBY_CHECK_CONFIG when set (it must name a readable file, else exit 1);
#  - else the one Debian's docker.io package ships (usr/share/docker.io/contrib/), fetched once
#    with apt-get download and kept in CACHE/docker.io/ (its package version in VERSION beside it).
# Exits 77 when there is none to be had (no cache, and apt cannot download or the cache cannot be
# written), so a test that needs it skips.
#   CVMPREP_TESTBED_CACHE=DIR   cache directory (default /var/cache/cvmprep-testbed)
# Remove CACHE/docker.io to take a newer docker.io.
set -euo pipefail

if [ -n "${MOBY_CHECK_CONFIG:-}" ]; then
	if [ ! -f "$MOBY_CHECK_CONFIG" ] || [ ! -r "$MOBY_CHECK_CONFIG" ]; then
		echo "ci/moby-config.sh: MOBY_CHECK_CONFIG='$MOBY_CHECK_CONFIG' is not a readable file" >&2
		exit 1
	fi
	echo "$MOBY_CHECK_CONFIG"
	exit 0
fi

cache=${CVMPREP_TESTBED_CACHE:-/var/cache/cvmprep-testbed}/docker.io
script=usr/share/docker.io/contrib/check-config.sh
if [ -f "$cache/$script" ]; then
	echo "$cache/$script"
	exit 0
fi

none() {
	echo "ci/moby-config.sh: no check-config.sh: $1" >&2
	exit 77
}
if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
	none "no apt-get or dpkg-deb"
fi
if ! mkdir -p "$(dirname "$cache")" 2>/dev/null || [ ! -w "$(dirname "$cache")" ]; then
	none "cannot write the cache directory $(dirname "$cache")"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# apt's download sandbox (user _apt) must be able to write the directory.
chmod 0755 "$tmp"
(cd "$tmp" && apt-get download -q docker.io >"$tmp/apt.log" 2>&1) ||
	none "apt-get download docker.io failed: $(tail -1 "$tmp/apt.log")"
deb=$(find "$tmp" -maxdepth 1 -name 'docker.io_*.deb' | head -1)
[ -n "$deb" ] || none "apt-get download docker.io left no .deb"
mkdir "$tmp/root"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/root" "./$script" 2>"$tmp/tar.log" ||
	none "docker.io ($(dpkg-deb -f "$deb" Version)) has no /$script"
dpkg-deb -f "$deb" Version >"$tmp/root/VERSION"
# -T: a run beside this one may have made it first; either copy is the same package's.
mv -T "$tmp/root" "$cache" 2>/dev/null || true
[ -f "$cache/$script" ] || none "cannot move the unpacked script into $cache"
echo "$cache/$script"
