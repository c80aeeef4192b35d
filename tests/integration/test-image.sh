#!/usr/bin/env bash
# cvmprep image on real images built here, offline: small trees judged as roots, packed into OCI
# layouts by umoci (one layer per change: whiteouts that delete and re-add /sbin/init), copied
# by skopeo to docker-save archives and zstd layers, and hostile layouts made by hand.
. "$(dirname "$0")/lib.sh"
MKIMAGE="/usr/bin/python3 $TOP/tests/tools/mkimage.py"
IMG=$WORK/img

# mkroot DIR: a small Debian-like root as Coder's recipe leaves it: merged /usr, systemd as
# /sbin/init, docker-ce installed and enabled, containerd.io 1.5.11-1 held, /tmp empty.
mkroot() {
	local r=$1
	mkdir -p "$r"/usr/{bin,sbin,lib/systemd/system} "$r"/var/lib/dpkg "$r"/tmp "$r"/etc \
		"$r"/etc/systemd/system/multi-user.target.wants "$r"/etc/apt/preferences.d
	echo 'coder:x:1000:1000::/home/coder:/bin/sh' >"$r/etc/passwd"
	echo 'coder:x:1000:' >"$r/etc/group"
	ln -s usr/bin "$r/bin"
	ln -s usr/sbin "$r/sbin"
	ln -s usr/lib "$r/lib"
	printf '#!/bin/sh\necho systemd stand-in\n' >"$r/usr/lib/systemd/systemd"
	chmod 755 "$r/usr/lib/systemd/systemd"
	ln -s /lib/systemd/systemd "$r/usr/sbin/init"
	printf '#!/bin/sh\n' >"$r/usr/bin/dockerd"
	printf '[Service]\nExecStart=/usr/bin/dockerd\n' >"$r/usr/lib/systemd/system/docker.service"
	ln -s /lib/systemd/system/docker.service "$r/etc/systemd/system/multi-user.target.wants/docker.service"
	cat >"$r/var/lib/dpkg/status" <<-'DPKG'
	Package: systemd
	Status: install ok installed
	Version: 252.22-1~deb12u1
	Architecture: amd64

	Package: docker-ce
	Status: install ok installed
	Version: 5:20.10.24~3-0~debian-bookworm
	Architecture: amd64

	Package: containerd.io
	Status: hold ok installed
	Version: 1.5.11-1
	Architecture: amd64
	DPKG
}

# judge NAME SOURCE [ARGS...]: the JSON report of SOURCE in $WORK/NAME.json, valid by the schema.
judge() {
	local name=$1 src=$2
	shift 2
	"$CVMPREP" image "$src" --format json -o "$WORK/$name.json" "$@" 2>"$WORK/$name.err"
	echo $? >"$WORK/$name.rc"
	valid_json "$name: the report is valid" "$SCHEMA" "$WORK/$name.json"
}
rc_is() { [ "$(cat "$WORK/$1.rc")" = "$2" ] && pass "$1: exit $2" || fail "$1: exit $2" "exit $(cat "$WORK/$1.rc"): $(cat "$WORK/$1.err")"; }

echo "== unpacked roots"
mkroot "$IMG/good"
judge root-good "$IMG/good"
rc_is root-good 0
for id in image.init image.systemd image.docker image.docker-enabled image.containerd-pin \
	image.tmp-config image.arch; do
	expect "root-good: $id passes" "$WORK/root-good.json" "$id" pass
done
expect "root-good: /sbin/init followed through merged /usr" "$WORK/root-good.json" image.init pass \
	'/sbin -> usr/sbin' '/usr/sbin/init -> /lib/systemd/systemd'

mkroot "$IMG/noinit"
rm "$IMG/noinit/usr/sbin/init"
printf '#!/bin/sh\n' >"$IMG/noinit/usr/bin/busybox"
ln -s /bin/busybox "$IMG/noinit/usr/sbin/init"
judge root-noinit "$IMG/noinit"
rc_is root-noinit 1
expect "root-noinit: init is busybox" "$WORK/root-noinit.json" image.init fail 'not systemd' /usr/bin/busybox

# /sbin/init absolute and relative links that lead to a systemd outside the image: followed on
# this machine they would find one; inside the image they find nothing.
mkdir -p "$WORK/decoy/lib/systemd" && printf '#!/bin/sh\n' >"$WORK/decoy/lib/systemd/systemd"
mkroot "$IMG/escape-abs"
rm -r "$IMG/escape-abs/usr/lib/systemd/systemd" "$IMG/escape-abs/usr/sbin/init"
ln -s "$WORK/decoy/lib/systemd/systemd" "$IMG/escape-abs/usr/sbin/init"
judge root-escape-abs "$IMG/escape-abs"
rc_is root-escape-abs 1
expect "root-escape-abs: an absolute link resolves inside the image" "$WORK/root-escape-abs.json" \
	image.init fail 'not in the image'
mkroot "$IMG/escape-rel"
rm -r "$IMG/escape-rel/usr/lib/systemd/systemd" "$IMG/escape-rel/usr/sbin/init"
ln -s "../../../../../../../../../../../..$WORK/decoy/lib/systemd/systemd" "$IMG/escape-rel/usr/sbin/init"
judge root-escape-rel "$IMG/escape-rel"
expect "root-escape-rel: a link climbing out of the image fails" "$WORK/root-escape-rel.json" \
	image.init fail 'climbs above the image root'
mkroot "$IMG/missing"
rm "$IMG/missing/usr/sbin/init"
judge root-missing "$IMG/missing"
expect "root-missing: no /sbin/init" "$WORK/root-missing.json" image.init fail 'is missing'

mkroot "$IMG/disabled"
rm "$IMG/disabled/etc/systemd/system/multi-user.target.wants/docker.service"
judge root-disabled "$IMG/disabled"
rc_is root-disabled 0
expect "root-disabled: Docker installed" "$WORK/root-disabled.json" image.docker pass docker-ce
expect "root-disabled: docker.service not enabled" "$WORK/root-disabled.json" image.docker-enabled warn 'not enabled'
"$CVMPREP" image "$IMG/disabled" --strict >/dev/null 2>&1
[ $? -eq 1 ] && pass "root-disabled: --strict makes the warning incompatible" || fail "root-disabled: --strict" "exit $?"

mkroot "$IMG/containerd"
sed -i 's/^Status: hold ok installed/Status: install ok installed/; s/^Version: 1.5.11-1/Version: 1.6.9-1/' \
	"$IMG/containerd/var/lib/dpkg/status"
judge root-containerd "$IMG/containerd"
expect "root-containerd: another containerd.io warns why" "$WORK/root-containerd.json" \
	image.containerd-pin warn '1.6.9-1' 'sysbox issue 544' '0.7.0'
judge root-containerd-old-sysbox "$IMG/containerd" --assume dpkg.sysbox-ce.version=0.5.0-0.linux
expect "root-containerd: runc 1.1 inside Sysbox 0.5.0 fails" "$WORK/root-containerd-old-sysbox.json" \
	image.inner-runc fail 'needs Sysbox >= 0.5.2'
judge root-containerd-new-sysbox "$IMG/containerd" --assume dpkg.sysbox-ce.version=0.7.1-0.linux
expect "root-containerd: with Sysbox 0.7.1 the pin is not needed" "$WORK/root-containerd-new-sysbox.json" \
	image.containerd-pin pass 'not needed'
expect "root-containerd: runc 1.1 inside Sysbox 0.7.1 passes" "$WORK/root-containerd-new-sysbox.json" \
	image.inner-runc pass

mkroot "$IMG/tmp"
printf 'echo configure\n' >"$IMG/tmp/tmp/setup.sh"
judge root-tmp "$IMG/tmp"
expect "root-tmp: a file in /tmp warns" "$WORK/root-tmp.json" image.tmp-config warn /tmp/setup.sh

judge root-platform "$IMG/good" --platform linux/arm64
expect "root: --platform linux/arm64 is not the image's" "$WORK/root-platform.json" image.arch fail 'amd64'

# --dockerfile: the recipe lines of what failed, in the recipe's order.
"$CVMPREP" image "$IMG/noinit" --dockerfile >"$WORK/df" 2>&1
grep -qx 'RUN ln -sf /lib/systemd/systemd /sbin/init' "$WORK/df" && ! grep -q 'systemctl enable' "$WORK/df" &&
	pass "dockerfile: the init link alone" || fail "dockerfile: init" "$(cat "$WORK/df")"
mkroot "$IMG/all"
rm "$IMG/all/usr/sbin/init" "$IMG/all/etc/systemd/system/multi-user.target.wants/docker.service"
sed -i 's/^Version: 1.5.11-1/Version: 1.6.9-1/' "$IMG/all/var/lib/dpkg/status"
printf x >"$IMG/all/tmp/x"
"$CVMPREP" image "$IMG/all" --dockerfile >"$WORK/df" 2>&1
if [ "$(grep '^RUN' "$WORK/df" | cut -c1-30)" = "$(printf '%s\n' 'RUN apt-get install -y --allow' 'RUN systemctl enable docker' 'RUN ln -sf /lib/systemd/system' 'RUN find /tmp -mindepth 1 -del')" ]; then
	pass "dockerfile: pin, enable, init, /tmp, in the recipe's order"
else
	fail "dockerfile: order" "$(cat "$WORK/df")"
fi

echo "== archives and layouts made by umoci and skopeo"
if ! command -v umoci >/dev/null || ! command -v skopeo >/dev/null; then
	skip "archives" "umoci or skopeo is not installed (ci/deps.sh)"
else
	L=$WORK/layout
	B=$WORK/bundle
	umoci init --layout "$L" && umoci new --image "$L:t" || fail "umoci" "cannot make a layout"
	# Layer 1: the good root.
	umoci unpack --image "$L:t" "$B" >/dev/null && cp -a "$IMG/good/." "$B/rootfs/" &&
		umoci repack --image "$L:t1" "$B" && rm -rf "$B"
	# Layer 2: /sbin/init deleted (a whiteout), a file put in /tmp.
	umoci unpack --image "$L:t1" "$B" >/dev/null && rm "$B/rootfs/usr/sbin/init" &&
		printf x >"$B/rootfs/tmp/leftover" && umoci repack --image "$L:t2" "$B" && rm -rf "$B"
	# Layer 3: /sbin/init back, /tmp/leftover deleted (a whiteout); the config names a user.
	umoci unpack --image "$L:t2" "$B" >/dev/null && ln -s /lib/systemd/systemd "$B/rootfs/usr/sbin/init" &&
		rm "$B/rootfs/tmp/leftover" && umoci repack --image "$L:t3" "$B" && rm -rf "$B"
	umoci config --image "$L:t3" --tag t --config.user coder --config.entrypoint /sbin/init \
		--config.env CODER=1 >/dev/null
	umoci rm --image "$L:t1" && umoci rm --image "$L:t2" && umoci rm --image "$L:t3" 2>/dev/null
	# The layout keeps one tag: t. The intermediate states again, each as its own layout.
	grep -q '"t"' "$L/index.json" && pass "umoci: layout built" || fail "umoci" "$(cat "$L/index.json")"
	layers=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["manifests"]))' "$L/index.json")
	judge oci-good "$L"
	rc_is oci-good 0
	expect "oci-good: /sbin/init deleted then re-added by whiteouts" "$WORK/oci-good.json" image.init pass
	expect "oci-good: /tmp/leftover whited out" "$WORK/oci-good.json" image.tmp-config pass
	/usr/bin/python3 - "$WORK/oci-good.json" <<-'PY' && pass "oci-good: the config's user, entrypoint and env are reported" || fail "oci-good: metadata" "$(grep -A20 '"image"' "$WORK/oci-good.json" | head -30)"
	import json, sys
	d = json.load(open(sys.argv[1]))["image"]
	assert d["format"] == "oci-layout" and d["layers"] == 3, d
	assert d["user"] == "coder" and d["entrypoint"] == ["/sbin/init"] and "CODER=1" in d["env"], d
	assert d["manifest_digest"].startswith("sha256:"), d
	PY

	# The state after layer 2: /sbin/init whited out.
	umoci unpack --image "$L:t" "$B" >/dev/null && rm "$B/rootfs/usr/sbin/init" &&
		umoci repack --image "$L:deleted" "$B" && rm -rf "$B"
	skopeo copy -q "oci:$L:deleted" "oci:$WORK/deleted:t" >/dev/null 2>&1
	umoci rm --image "$L:deleted"
	judge oci-deleted "$WORK/deleted"
	expect "oci-deleted: a whiteout deleted /sbin/init" "$WORK/oci-deleted.json" image.init fail 'is missing'

	skopeo copy -q "oci:$L:t" "docker-archive:$WORK/good-docker.tar:t:latest" >/dev/null 2>&1
	judge docker-good "$WORK/good-docker.tar"
	rc_is docker-good 0
	expect "docker-good: init through every layer" "$WORK/docker-good.json" image.init pass
	skopeo copy -q "oci:$WORK/deleted:t" "docker-archive:$WORK/deleted-docker.tar:t:latest" >/dev/null 2>&1
	judge docker-deleted "$WORK/deleted-docker.tar"
	expect "docker-deleted: the whiteout in a docker-save archive" "$WORK/docker-deleted.json" image.init fail 'is missing'
	gzip -c "$WORK/good-docker.tar" >"$WORK/good-docker.tar.gz"
	judge docker-gz "$WORK/good-docker.tar.gz"
	expect "docker-gz: a gzip-compressed docker save" "$WORK/docker-gz.json" image.init pass

	skopeo copy -q --dest-compress --dest-compress-format zstd "oci:$L:t" "oci:$WORK/zstd:t" >/dev/null 2>&1
	if grep -q 'tar+zstd' "$WORK"/zstd/blobs/sha256/* 2>/dev/null; then
		judge oci-zstd "$WORK/zstd"
		rc_is oci-zstd 0
		expect "oci-zstd: zstd layers" "$WORK/oci-zstd.json" image.init pass
	else
		fail "oci-zstd" "skopeo wrote no zstd layer"
	fi
	(cd "$L" && tar cf "$WORK/layout.tar" .)
	judge oci-tar "$WORK/layout.tar"
	rc_is oci-tar 0
	expect "oci-tar: an OCI layout in a tar" "$WORK/oci-tar.json" image.docker-enabled pass
	judge oci-platform "$L" --platform linux/arm64
	expect "oci: an image for amd64 is not for --platform linux/arm64" "$WORK/oci-platform.json" image.arch fail 'linux/arm64'
fi

# An opaque directory (".wh..wh..opq") empties what lower layers had in /tmp, not its own layer.
mkdir -p "$WORK/opq1/tmp" "$WORK/opq2/tmp" && touch "$WORK/opq1/tmp/a" "$WORK/opq2/tmp/.wh..wh..opq" "$WORK/opq2/tmp/b"
$MKIMAGE oci "$WORK/opq" dir:"$WORK/opq1" dir:"$WORK/opq2"
judge opaque "$WORK/opq"
expect "opaque: /tmp/a whited out, /tmp/b kept" "$WORK/opaque.json" image.tmp-config warn '1 entry' 'puts /tmp/b in /tmp'

echo "== hostile archives"
mkroot "$WORK/small"
hostile() {
	local name=$1 want=$2
	shift 2
	rm -rf "$WORK/h-$name"
	$MKIMAGE oci "$WORK/h-$name" "$@" || { fail "hostile $name" "mkimage failed"; return; }
	judge "hostile-$name" "$WORK/h-$name"
	rc_is "hostile-$name" 3
	expect "hostile $name: unknown, saying why" "$WORK/hostile-$name.json" image.init unknown "$want"
}
hostile dotdot "outside the root" evil:dotdot
hostile absolute "an absolute path" evil:absolute
hostile hardlink "hard link out of the layer" dir:"$WORK/small" evil:hardlink
printf 'this is not a tar archive\n%.0s' {1..100} >"$WORK/text"
hostile not-tar "cannot be read as a tar stream" raw:"$WORK/text"
hostile cut-size "its descriptor says" dir:"$WORK/small" --cut-size
hostile cut-gzip "truncated gzip input" dir:"$WORK/small" --cut-gzip
printf 'not gzip' >"$WORK/short"
hostile short-blob "its descriptor says" raw:"$WORK/short" --cut-size
hostile digest "has digest" dir:"$WORK/small" --bad-digest
hostile layers "10000 layers" dir:"$WORK/small" --layers 10000
$MKIMAGE docker "$WORK/h-docker.tar" evil:dotdot
judge hostile-docker "$WORK/h-docker.tar"
expect "hostile docker-save: '..' in a layer" "$WORK/hostile-docker.json" image.init unknown "outside the root"
# A 1 GiB sparse layer: read once (the digest), in bounded time and memory.
$MKIMAGE oci "$WORK/h-sparse" sparse:1073741824 >/dev/null 2>&1
start=$(date +%s%N)
/usr/bin/time -f '%M' -o "$WORK/rss" "$CVMPREP" image "$WORK/h-sparse" --format json -o "$WORK/sparse.json" >/dev/null 2>&1
ms=$((($(date +%s%N) - start) / 1000000))
rss=$(tail -1 "$WORK/rss")
[ "$rss" -lt 65536 ] && pass "sparse 1 GiB layer: peak RSS ${rss} KiB (< 64 MiB), ${ms} ms" ||
	fail "sparse 1 GiB layer" "peak RSS $rss KiB"
expect "sparse 1 GiB layer: read as an empty layer" "$WORK/sparse.json" image.init fail 'is missing'
rm -f "$WORK"/h-sparse/blobs/sha256/*

echo "== usage"
expect_exit "no SOURCE is a usage error" 2 "$CVMPREP" image
expect_exit "a SOURCE that is not there is a usage error" 2 "$CVMPREP" image "$WORK/nothing"
expect_exit "--only of a node check is a usage error" 2 "$CVMPREP" image "$IMG/good" --only kernel.version
expect_exit "--platform without an architecture" 2 "$CVMPREP" image "$IMG/good" --platform linux
"$CVMPREP" image "$IMG/good" --only 'image.tmp-config' --format json -o "$WORK/only.json"
[ "$(/usr/bin/python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(open(sys.argv[1]))["checks"]))' "$WORK/only.json")" = image.tmp-config ] &&
	pass "--only selects among the image checks" || fail "--only" "$(cat "$WORK/only.json" | head -5)"
"$CVMPREP" check --no-probe --format json -o "$WORK/node.json" >/dev/null 2>&1
grep -q '"image\.' "$WORK/node.json" && fail "check runs no image check" "image.* in the node report" ||
	pass "check runs no image check"
"$CVMPREP" list | grep -q '^image.inner-runc' && pass "list names the image checks" || fail "list" "no image.inner-runc"
"$CVMPREP" explain image.containerd-pin | grep -q 'sysbox/issues/544' && pass "explain gives the source" ||
	fail "explain image.containerd-pin" "$("$CVMPREP" explain image.containerd-pin)"
