#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages cvmprep's build and tests need, when any is missing.
# Run as root on a fresh machine; as another user it only says what is missing.
#   ci/deps.sh [fuzz|bench]   fuzz: clang and its libFuzzer runtime too (make fuzz only);
#                             bench: lxc-checkconfig unpacked for make bench (below)
set -euo pipefail

packages=(
	build-essential pkg-config
	libkmod-dev libblkid-dev libudev-dev libcjson-dev zlib1g-dev  # the tool
	libssl-dev libcurl4-openssl-dev ca-certificates                # provision: SHA-256, downloads
	libarchive-dev                                                 # image: docker-save and OCI archives
	libcmocka-dev                                                  # unit tests
	python3 python3-jsonschema                                     # schema validation in tests
	util-linux kmod                                                # unshare, setpriv; depmod
	e2fsprogs xfsprogs btrfs-progs                                 # mkfs for storage tests
	strace                                                         # --no-probe starts no child
	valgrind                                                       # make test-valgrind (CI)
	dpkg xz-utils                                                  # dpkg-deb, dpkg --root (runtime tests); Debian kernel configs
	debootstrap apt-utils gnupg zstd iproute2                      # provisioning test bed: base root, apt-ftparchive, repo key
	umoci skopeo                                                   # image tests: OCI layouts and docker-save archives, offline
	groff-base mandoc bash-completion                              # the man page's linters; completion beside bash-completion
	debhelper lintian                                              # the Debian package: dpkg-buildpackage, lintian
	prometheus                                                     # promtool check metrics: the prom report
	libxml2-utils python3-junitparser                              # xmllint --schema, a JUnit reader: the junit report
	python3-yaml python3-kubernetes shellcheck                     # the manifests: parse, the API's models, their shell
	python3-configobj python3-jinja2 python3-jsonpatch python3-netifaces python3-oauthlib python3-requests python3-serial  # cloud-init schema (below)
)

[ "${1:-}" = fuzz ] && packages+=(clang libclang-rt-dev)

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "ci/deps.sh: missing packages: ${missing[*]}" >&2
		echo "ci/deps.sh: run as root, or: sudo apt-get install ${missing[*]}" >&2
		exit 1
	fi
	echo "ci/deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# cloud-init's schema validator for deploy/cloud-init.yaml, unpacked from its package into a cache
# directory, not installed: installed, cloud-init would configure this machine at its next boot.
# Its Python libraries are in the list above. Not fatal: the test then only parses the file.
cloud_init=${CVMPREP_CLOUD_INIT:-/var/cache/cvmprep-deploy/cloud-init}
if [ ! -x "$cloud_init/usr/bin/cloud-init" ] && [ "$(id -u)" -eq 0 ] && ! command -v cloud-init >/dev/null; then
	tmp=$(mktemp -d)
	if (cd "$tmp" && apt-get download -q cloud-init >/dev/null 2>&1) && dpkg-deb -x "$tmp"/cloud-init_*.deb "$tmp/root"; then
		mkdir -p "$(dirname "$cloud_init")"
		# -T: a run beside this one may have made it first
		mv -T "$tmp/root" "$cloud_init" 2>/dev/null && echo "ci/deps.sh: cloud-init unpacked in $cloud_init"
	else
		echo "ci/deps.sh: cannot download cloud-init; test-deploy-cloudinit.sh will only parse" >&2
	fi
	rm -rf "$tmp"
fi

# make bench: lxc-checkconfig from Debian's lxc package, unpacked into a cache directory, not
# installed (installed, lxc would set up its bridge and services on this machine). Not fatal:
# the bench then says it is not available.
lxc=${CVMPREP_LXC:-/var/cache/cvmprep-bench/lxc}
if [ "${1:-}" = bench ] && [ ! -f "$lxc/usr/bin/lxc-checkconfig" ] && [ "$(id -u)" -eq 0 ] && ! command -v lxc-checkconfig >/dev/null; then
	tmp=$(mktemp -d)
	chmod 755 "$tmp" # apt's _apt user downloads into it
	if (cd "$tmp" && apt-get download -q lxc >/dev/null 2>&1) && dpkg-deb -x "$tmp"/lxc_*.deb "$tmp/root"; then
		mkdir -p "$(dirname "$lxc")"
		mv -T "$tmp/root" "$lxc" 2>/dev/null && echo "ci/deps.sh: lxc-checkconfig unpacked in $lxc"
	else
		echo "ci/deps.sh: cannot download lxc; make bench will not time lxc-checkconfig" >&2
	fi
	rm -rf "$tmp"
fi
