#!/usr/bin/env bash
# Builds the stand-in packages of the provisioning tests and the repositories that offer them.
#
#   tests/provision/packages.sh OUT DEBS
#
# DEBS holds the real packages the stand-ins depend on (base.sh downloads them). OUT gets:
#   pool/*.deb        containerd.io 1.5.11-1, 1.6.9-1, 1.7.27-1; docker-ce 20.10 (accepts
#                     containerd.io 1.5.11) and 26.1 (needs >= 1.6.24); sysbox-ce 0.7.1-0
#   deps/             flat repository of the real dependencies (rsync, jq and their libraries)
#   flat/             flat repository of every stand-in:  deb [trusted=yes] file:DIR ./
#   docker/           Docker-style signed repository: dists/<codename>/stable/binary-<arch>/,
#                     signed with a throwaway key: docker.asc (armored) and docker.gpg (keyring)
#   sysbox-ce.deb     the sysbox-ce package, and sysbox-ce.sha256 its hash
#
# Every maintainer script appends "<package>.<script> <args>" to /var/log/testbed-maint.log and
# can be stopped at its start: when /run/cvmprep-test/pause/<package>.<script> exists, the script
# writes "<its pid> <its parent's pid>" (the parent is dpkg) to that path plus ".reached" and
# waits until the pause file is removed (two minutes at most). A test kills there what it wants.
set -euo pipefail

out=$1 debs=$2
. /etc/os-release
codename=$VERSION_CODENAME
arch=$(dpkg --print-architecture)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out/pool"

# script_head PACKAGE SCRIPT: the opening every maintainer script shares.
script_head() {
	cat <<EOF
#!/bin/bash
set -e
echo "$1.$2 \$*" >>/var/log/testbed-maint.log
pause=/run/cvmprep-test/pause/$1.$2
if [ -e "\$pause" ]; then
	echo "\$\$ \$PPID" >"\$pause.reached"
	i=0
	while [ -e "\$pause" ] && [ \$i -lt 1200 ]; do sleep 0.1; i=\$((i + 1)); done
fi
EOF
}

# build NAME VERSION CONTROL-LINES: builds pool/NAME_VERSION_ARCH.deb from $tmp/NAME (files),
# with a preinst and a postinst (the postinst's body from $tmp/NAME.postinst when present).
build() {
	local name=$1 version=$2 extra=$3 s
	local dir=$tmp/$name
	mkdir -p "$dir/DEBIAN"
	printf 'Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: cvmprep tests <tests@invalid>\n%sDescription: stand-in %s for the cvmprep provisioning tests\n' \
		"$name" "$version" "$arch" "$extra" "$name" >"$dir/DEBIAN/control"
	for s in preinst postinst; do
		{
			script_head "$name" "$s"
			[ "$s" = postinst ] && [ -f "$tmp/$name.postinst" ] && cat "$tmp/$name.postinst"
			echo "exit 0"
		} >"$dir/DEBIAN/$s"
		chmod 0755 "$dir/DEBIAN/$s"
	done
	dpkg-deb --root-owner-group -Zgzip --build "$dir" "$out/pool/${name}_${version#*:}_$arch.deb" >/dev/null
	rm -rf "$dir" "$tmp/$name.postinst"
}

# unit PACKAGE NAME EXEC: a systemd unit (the test roots run no systemd: it is never started).
unit() {
	mkdir -p "$tmp/$1/lib/systemd/system"
	printf '[Unit]\nDescription=%s (stand-in)\n\n[Service]\nExecStart=%s\n\n[Install]\nWantedBy=multi-user.target\n' \
		"$2" "$3" >"$tmp/$1/lib/systemd/system/$2.service"
}

# exe PACKAGE PATH TEXT: an executable that prints TEXT.
exe() {
	mkdir -p "$(dirname "$tmp/$1$2")"
	printf '#!/bin/sh\ncat <<"EOF"\n%s\nEOF\n' "$3" >"$tmp/$1$2"
	chmod 0755 "$tmp/$1$2"
}

# containerd.io, as Docker ships it: containerd and runc, one conffile, and it stands in for the
# distribution's containerd and runc packages.
for v in 1.5.11-1 1.6.9-1 1.7.27-1; do
	exe containerd.io /usr/bin/containerd "containerd containerd.io ${v%-*} testbed"
	exe containerd.io /usr/bin/runc "runc version 1.1.4"
	mkdir -p "$tmp/containerd.io/etc/containerd"
	printf '# containerd.io stand-in configuration\ndisabled_plugins = ["cri"]\n' \
		>"$tmp/containerd.io/etc/containerd/config.toml"
	mkdir -p "$tmp/containerd.io/DEBIAN"
	echo /etc/containerd/config.toml >"$tmp/containerd.io/DEBIAN/conffiles"
	build containerd.io "$v" $'Depends: libc6\nProvides: containerd, runc\nConflicts: containerd, runc\nReplaces: containerd, runc\n'
done

# docker-ce: one that accepts containerd.io 1.5.11 and one that, like every docker-ce since late
# 2023, needs a newer one. `docker ps -a` lists no container (its header line alone).
docker_ce() {
	exe docker-ce /usr/bin/dockerd "dockerd stand-in $1"
	exe docker-ce /usr/bin/docker "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES"
	unit docker-ce docker /usr/bin/dockerd
	build docker-ce "$1" "Depends: containerd.io (>= $2)"$'\n'
}
docker_ce "5:20.10.24~3-0~debian-$codename" 1.4.1
docker_ce "5:26.1.4-1~debian.${VERSION_ID:-0}~$codename" 1.6.24

# sysbox-ce 0.7.1: its binaries, real dependencies, and a postinst that handles daemon.json the
# way Sysbox's own does: creates it when absent or empty, adds the sysbox-runc runtime and the
# bip and default-address-pools settings with jq (4-space indentation), and decides whether
# Docker's network settings are already there with a textual match that only recognises
# space-indented `"bip": "..."` and `"default-address-pools"` lines. An invalid daemon.json makes
# jq, and so the postinst, fail, leaving the package half-configured.
for b in sysbox-runc sysbox-mgr sysbox-fs; do
	exe sysbox-ce "/usr/bin/$b" "$b"$'\n\tedition: \tCommunity Edition (CE)\n\tversion: \t0.7.1'
done
unit sysbox-ce sysbox /bin/true
unit sysbox-ce sysbox-mgr /usr/bin/sysbox-mgr
unit sysbox-ce sysbox-fs /usr/bin/sysbox-fs
cat >"$tmp/sysbox-ce.postinst" <<'EOF'
[ "$1" = configure ] || exit 0
note() { echo "sysbox-ce.postinst: $*" >>/var/log/testbed-maint.log; }
mkdir -p /var/lib/sysboxfs
command -v dockerd >/dev/null 2>&1 || { note "no docker"; exit 0; }
cfg=/etc/docker/daemon.json
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
if [ ! -s "$cfg" ]; then
	mkdir -p /etc/docker
	printf '{\n}\n' >"$cfg"
	note "created $cfg"
fi
if [ "$(jq 'has("runtimes")' "$cfg")" = false ]; then
	jq --indent 4 '. + {"runtimes": {"sysbox-runc": {"path": "/usr/bin/sysbox-runc"}}}' "$cfg" >"$tmp"
	cp "$tmp" "$cfg"
	note "added runtimes"
elif [ "$(jq '.runtimes | has("sysbox-runc")' "$cfg")" = false ]; then
	jq --indent 4 '.runtimes |= . + {"sysbox-runc": {"path": "/usr/bin/sysbox-runc"}}' "$cfg" >"$tmp"
	cp "$tmp" "$cfg"
	note "added sysbox-runc runtime"
fi
if grep -Eq '^[ ]+"bip": "[0-9.]+.*"' "$cfg" && grep -Eq '^[ ]+"default-address-pools"' "$cfg"; then
	note "network settings present"
else
	if [ "$(jq 'has("bip")' "$cfg")" = false ]; then
		jq --indent 4 '. + {"bip": "172.20.0.1/16"}' "$cfg" >"$tmp"
		cp "$tmp" "$cfg"
	fi
	if [ "$(jq 'has("default-address-pools")' "$cfg")" = false ]; then
		jq --indent 4 '."default-address-pools"[0] |= . + {"base": "172.25.0.0/16", "size": 24}' "$cfg" >"$tmp"
		cp "$tmp" "$cfg"
	fi
	note "network settings changed: docker restart required"
fi
containers=$(( $(docker ps -a | wc -l) - 1 ))
note "containers: $containers"
EOF
build sysbox-ce 0.7.1-0 $'Depends: jq, fuse, rsync, iptables\n'
cp "$out/pool/sysbox-ce_0.7.1-0_$arch.deb" "$out/sysbox-ce.deb"
sha256sum "$out/sysbox-ce.deb" | cut -d' ' -f1 >"$out/sysbox-ce.sha256"

# flat_repo DIR: Packages and Release for the .debs in DIR. apt-ftparchive keeps every version
# (dpkg-scanpackages without --multiversion drops all but one); Release is written outside the
# directory it hashes, then moved in.
flat_repo() {
	(cd "$1" && apt-ftparchive packages . >Packages && apt-ftparchive release . >"$tmp/Release")
	mv "$tmp/Release" "$1/Release"
}
mkdir -p "$out/deps" "$out/flat"
cp "$debs"/*.deb "$out/deps/"
flat_repo "$out/deps"
cp "$out"/pool/*.deb "$out/flat/"
flat_repo "$out/flat"

# The Docker-style repository: containerd.io and docker-ce under dists/<codename>/stable,
# signed by a key made here and thrown away.
d=$out/docker
bin=dists/$codename/stable/binary-$arch
mkdir -p "$d/pool/stable" "$d/$bin"
cp "$out"/pool/containerd.io_*.deb "$out"/pool/docker-ce_*.deb "$d/pool/stable/"
(cd "$d" && apt-ftparchive packages pool/stable >"$bin/Packages")
gzip -9 -k "$d/$bin/Packages"
apt-ftparchive -o APT::FTPArchive::Release::Origin=Docker -o APT::FTPArchive::Release::Label=Docker \
	-o APT::FTPArchive::Release::Suite="$codename" -o APT::FTPArchive::Release::Codename="$codename" \
	-o APT::FTPArchive::Release::Components=stable -o APT::FTPArchive::Release::Architectures="$arch" \
	release "$d/dists/$codename" >"$tmp/Release"
export GNUPGHOME=$tmp/gnupg
mkdir -m 0700 "$GNUPGHOME"
gpg -q --batch --passphrase '' --quick-gen-key 'cvmprep test repository <tests@invalid>' ed25519 sign never 2>/dev/null
gpg -q --batch --yes --clearsign -o "$tmp/InRelease" "$tmp/Release"
gpg -q --batch --yes -abs -o "$tmp/Release.gpg" "$tmp/Release"
gpg -q --batch --armor --export >"$out/docker.asc"
gpg -q --batch --export >"$out/docker.gpg"
gpgconf --kill gpg-agent 2>/dev/null || true
mv "$tmp/Release" "$tmp/InRelease" "$tmp/Release.gpg" "$d/dists/$codename/"
chmod -R a+rX "$out"
