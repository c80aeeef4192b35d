#!/usr/bin/env bash
# cvmprep image on a real Debian root (the provisioning test bed's debootstrap base) with the
# stand-in packages installed by apt and dpkg, judged as a root, then packed by umoci into an
# OCI layout (the root as one layer, then layers that delete and re-add /sbin/init) and copied
# by skopeo to a docker-save archive. Skipped (77) where the test bed cannot run.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/provision/lib.sh"
command -v umoci >/dev/null && command -v skopeo >/dev/null || { echo "  skip  umoci or skopeo is not installed (ci/deps.sh)"; exit 77; }
tb_init

# Stand-ins for systemd and systemd-sysv (the minbase root has no init): the program, and the
# /sbin/init link the real systemd-sysv ships.
mkdir -p "$TB/repo/extra"
for p in systemd systemd-sysv; do
	d=$WORK/deb-$p
	mkdir -p "$d/DEBIAN"
	printf 'Package: %s\nVersion: 252.22-1~deb12u1\nArchitecture: %s\nMaintainer: cvmprep tests <tests@invalid>\nDescription: stand-in %s\n' \
		"$p" "$ARCH" "$p" >"$d/DEBIAN/control"
done
mkdir -p "$WORK/deb-systemd/lib/systemd" "$WORK/deb-systemd-sysv/sbin"
printf '#!/bin/sh\necho systemd stand-in\n' >"$WORK/deb-systemd/lib/systemd/systemd"
chmod 755 "$WORK/deb-systemd/lib/systemd/systemd"
ln -s /lib/systemd/systemd "$WORK/deb-systemd-sysv/sbin/init"
for p in systemd systemd-sysv; do
	dpkg-deb --root-owner-group -b "$WORK/deb-$p" "$TB/repo/extra/$p.deb" >/dev/null || fail "stand-in $p" "dpkg-deb failed"
done

# judge NAME [SHELL...]: cvmprep image on the root img (mounted by tb_host), after SHELL run
# on this side with the root at $m; the JSON report in $WORK/NAME.json.
judge() {
	local name=$1
	shift
	tb_host img bash -c "m=$(tb_mnt img); ${*:-true} && \"$CVMPREP\" image \"\$m\" --format json -o $WORK/$name.json" \
		>"$WORK/$name.out" 2>&1
	valid_json "testbed $name: the report is valid" "$SCHEMA" "$WORK/$name.json"
}

tb_root img flat || { fail "testbed root" "tb_root failed"; exit 1; }
tb_run img dpkg -i /srv/repo/extra/systemd.deb /srv/repo/extra/systemd-sysv.deb >"$WORK/dpkg.log" 2>&1 &&
	tb_run img apt-get install -y -q containerd.io=1.5.11-1 "docker-ce=$DOCKER_CE_OLD" >"$WORK/apt.log" 2>&1 &&
	tb_run img apt-mark hold containerd.io >/dev/null || fail "testbed install" "$(tail -5 "$WORK/apt.log")"

# Docker installed by apt, not enabled (no systemctl ran): as a real build leaves it.
judge disabled
expect "testbed: docker-ce installed by apt" "$WORK/disabled.json" image.docker pass docker-ce
expect "testbed: docker.service not enabled" "$WORK/disabled.json" image.docker-enabled warn 'not enabled'
expect "testbed: containerd.io 1.5.11-1 held by apt-mark" "$WORK/disabled.json" image.containerd-pin pass held
expect "testbed: systemd-sysv's /sbin/init through merged /usr" "$WORK/disabled.json" image.init pass
expect "testbed: dpkg's architecture" "$WORK/disabled.json" image.arch pass "$(dpkg --print-architecture)"

# What systemctl enable docker does.
tb_sh img 'mkdir -p /etc/systemd/system/multi-user.target.wants && ln -s /lib/systemd/system/docker.service /etc/systemd/system/multi-user.target.wants/docker.service'
judge good
for id in image.init image.systemd image.docker image.docker-enabled image.containerd-pin image.tmp-config image.arch; do
	expect "testbed good: $id passes" "$WORK/good.json" "$id" pass
done

judge tmp 'echo "echo configure" >$m/tmp/setup.sh'
expect "testbed: a file in /tmp" "$WORK/tmp.json" image.tmp-config warn /tmp/setup.sh

# Pack the good root: umoci makes layer 1 from it, layer 2 deletes /sbin/init, layer 3 puts
# it back; skopeo copies the layout to a docker-save archive.
L=$WORK/layout
umoci init --layout "$L" && umoci new --image "$L:t" && umoci unpack --image "$L:t" "$WORK/b" >/dev/null ||
	fail "umoci" "cannot make a layout"
tb_host img bash -c "tar -C $(tb_mnt img) --one-file-system -cf - . | tar -C $WORK/b/rootfs -xf -" &&
	umoci repack --refresh-bundle --image "$L:t1" "$WORK/b" &&
	rm "$WORK/b/rootfs/usr/sbin/init" && umoci repack --refresh-bundle --image "$L:t2" "$WORK/b" &&
	ln -s /lib/systemd/systemd "$WORK/b/rootfs/usr/sbin/init" && umoci repack --image "$L:t3" "$WORK/b" ||
	fail "umoci" "cannot pack the root"
for tag in t2 t3; do
	skopeo copy -q "oci:$L:$tag" "oci:$WORK/oci-$tag:t" >/dev/null 2>&1
	"$CVMPREP" image "$WORK/oci-$tag" --format json -o "$WORK/oci-$tag.json"
	skopeo copy -q "oci:$L:$tag" "docker-archive:$WORK/docker-$tag.tar:t:latest" >/dev/null 2>&1
	"$CVMPREP" image "$WORK/docker-$tag.tar" --format json -o "$WORK/docker-$tag.json"
	valid_json "testbed $tag: the report is valid" "$SCHEMA" "$WORK/docker-$tag.json"
done
expect "testbed OCI: layer 2's whiteout deleted /sbin/init" "$WORK/oci-t2.json" image.init fail 'is missing'
expect "testbed OCI: layer 3 put it back" "$WORK/oci-t3.json" image.init pass
expect "testbed OCI: docker-ce through the layers" "$WORK/oci-t3.json" image.docker-enabled pass
expect "testbed docker-save: /sbin/init deleted" "$WORK/docker-t2.json" image.init fail 'is missing'
expect "testbed docker-save: /sbin/init back" "$WORK/docker-t3.json" image.init pass
expect "testbed docker-save: containerd.io held" "$WORK/docker-t3.json" image.containerd-pin pass held

# containerd.io at another version, by apt; then /sbin/init as another program; then a link
# that leads to systemd only on this machine (systemd removed from the image).
tb_run img apt-mark unhold containerd.io >/dev/null && tb_run img apt-get install -y -q containerd.io=1.6.9-1 >"$WORK/apt2.log" 2>&1 ||
	fail "testbed upgrade" "$(tail -5 "$WORK/apt2.log")"
judge containerd
expect "testbed: containerd.io 1.6.9-1 warns why" "$WORK/containerd.json" image.containerd-pin warn 1.6.9-1 'sysbox issue 544'
tb_sh img 'rm /sbin/init && ln -s /bin/bash /sbin/init'
judge noinit
expect "testbed: /sbin/init is bash" "$WORK/noinit.json" image.init fail 'not systemd'
tb_sh img 'rm /sbin/init && ln -s /lib/systemd/systemd /sbin/init && dpkg -r systemd-sysv systemd >/dev/null'
tb_sh img 'ln -s /lib/systemd/systemd /sbin/init'
judge escape
expect "testbed: /sbin/init -> /lib/systemd/systemd, which only this machine has" "$WORK/escape.json" image.init fail 'not in the image'
expect "testbed: systemd removed" "$WORK/escape.json" image.systemd fail 'not installed'
echo "  testbed figures: $(du -sh "$L" | cut -f1) layout, $(du -sh "$WORK/docker-t3.tar" | cut -f1) docker-save archive"
