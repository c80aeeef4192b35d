#!/usr/bin/env bash
# Prints the paths of real kernel configs, one a line: the amd64 configs Debian's
# linux-config-<version> packages ship (each flavour: generic, cloud, rt), fetched once with
# apt-get download, decompressed, and kept in CACHE/linux-config/<package>_<version>/.
# A package apt cannot download is left out (said on stderr); none at all exits 77.
#   CVMPREP_TESTBED_CACHE=DIR         cache directory (default /var/cache/cvmprep-testbed)
#   CVMPREP_KCONFIG_PACKAGES="P ..."  the packages (default linux-config-6.1 linux-config-6.12)
set -euo pipefail

cache=${CVMPREP_TESTBED_CACHE:-/var/cache/cvmprep-testbed}/linux-config
read -r -a packages <<<"${CVMPREP_KCONFIG_PACKAGES:-linux-config-6.1 linux-config-6.12}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# apt's download sandbox (user _apt) must be able to write the directory.
chmod 0755 "$tmp"

# unpack PACKAGE: downloads it and leaves its decompressed configs in CACHE/<name>_<version>.
unpack() {
	local deb dir f
	if ! (cd "$tmp" && apt-get download -q "$1" >"$tmp/apt.log" 2>&1); then
		echo "ci/debian-kconfig.sh: apt-get download $1 failed: $(tail -1 "$tmp/apt.log")" >&2
		return 1
	fi
	deb=$(find "$tmp" -maxdepth 1 -name "$1_*.deb" | head -1)
	dir=$tmp/$1_$(dpkg-deb -f "$deb" Version)
	mkdir "$dir" "$tmp/x"
	dpkg-deb -x "$deb" "$tmp/x"
	for f in "$tmp"/x/usr/src/"$1"/config.amd64_*.xz; do
		[ -f "$f" ] || continue
		xz -dc "$f" >"$dir/$(basename "$f" .xz)"
	done
	rm -rf "$tmp/x" "$deb"
	mkdir -p "$cache"
	# -T: a run beside this one may have made it first; either copy is the same package's.
	mv -T "$dir" "$cache/$(basename "$dir")" 2>/dev/null || true
}

found=0
for p in "${packages[@]}"; do
	if ! compgen -G "$cache/${p}_*/config.*" >/dev/null; then
		if ! command -v apt-get >/dev/null || ! command -v xz >/dev/null ||
			! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
			echo "ci/debian-kconfig.sh: $p: not cached, and cannot download it into $cache" >&2
			continue
		fi
		unpack "$p" || continue
	fi
	for f in "$cache/${p}"_*/config.*; do
		[ -f "$f" ] && echo "$f" && found=$((found + 1))
	done
done
[ "$found" -gt 0 ] || exit 77
