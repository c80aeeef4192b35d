#!/usr/bin/env bash
# The Debian package (debian/): Build-Depends names the -dev package of every pkg-config module
# the Makefile builds with; dpkg-buildpackage -us -uc -b builds it from a copy of this tree;
# its Depends (dpkg-shlibdeps) covers every library the binary needs; lintian finds no error;
# it installs with apt, offline, into a clean Debian root of the test bed (tests/provision/),
# where 'cvmprep --version' and 'cvmprep check --no-probe' run, and it removes cleanly.
. "$(dirname "$0")/lib.sh"

now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }

# Build-Depends: for each module of PKGS, the package that ships its .pc file.
pkgs=$(make -s -C "$TOP" -f - print-pkgs <<<"include Makefile
print-pkgs: ; @echo \$(PKGS)" 2>/dev/null)
builddeps=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$TOP/debian/control" | grep -v '^#' |
	sed -e 's/^Build-Depends://' -e '/^[A-Z]/d' | tr ',' '\n' | sed -e 's/[[(:].*//' -e 's/ //g' | sed '/^$/d')
if [ -z "$pkgs" ]; then
	fail "the Makefile's PKGS" "cannot read PKGS from the Makefile"
fi
for mod in $pkgs; do
	pc=$(pkg-config --variable=pcfiledir "$mod" 2>/dev/null)/$mod.pc
	dev=$(dpkg -S "$pc" 2>/dev/null | sed 's/[:,].*//' | head -1)
	if [ -z "$dev" ]; then
		fail "Build-Depends: pkg-config module $mod" "no installed package ships $pc (ci/deps.sh)"
	elif grep -qx "$dev" <<<"$builddeps"; then
		pass "Build-Depends: $dev (pkg-config $mod)"
	else
		fail "Build-Depends: $dev (pkg-config $mod)" "add $dev to Build-Depends in debian/control"
	fi
done

# The build itself, and what follows, need the real binary: make test's second pass (a wrapper
# under a seccomp filter) has nothing to add here.
if [ -n "${CVMPREP_VARIANT:-}" ]; then
	skip "the package build" "$CVMPREP is the $CVMPREP_VARIANT build"
	exit 0
fi
for t in dpkg-buildpackage dh lintian; do
	if ! command -v "$t" >/dev/null; then
		skip "the package build" "$t is not installed (ci/deps.sh)"
		exit 0
	fi
done

# A copy of the tree as git would check it out (with what is not committed yet), no build/.
src=$WORK/src/cvmprep
mkdir -p "$src"
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$TOP" && git ls-files -co --exclude-standard -z | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) |
		tar -xf - -C "$src"
else
	(cd "$TOP" && tar --exclude=./build --exclude=./cvmprep -cf - .) | tar -xf - -C "$src"
fi
t0=$(now)
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1
rc=$?
t1=$(now)
deb=$(ls "$WORK"/src/cvmprep_*_"$(dpkg --print-architecture)".deb 2>/dev/null | head -1)
if [ "$rc" -eq 0 ] && [ -f "$deb" ]; then
	pass "dpkg-buildpackage -us -uc -b builds $(basename "$deb") ($(ms "$t0" "$t1") ms)"
else
	fail "dpkg-buildpackage -us -uc -b" "exit $rc: $(tail -15 "$WORK/build.log")"
	exit 0
fi

# Depends: the package of every library the binary is linked against, from dpkg-shlibdeps.
# And of every library it loads on first use: the sonames core/dlibs.c hands dlopen, which
# dpkg-shlibdeps cannot see (debian/control names their packages).
depends=$(dpkg-deb -f "$deb" Depends)
dpkg-deb -x "$deb" "$WORK/unpacked"
missing=
needed=$(objdump -p "$WORK/unpacked/usr/bin/cvmprep" | awk '$1 == "NEEDED" { print $2 }')
dlopened=$(strings -a "$WORK/unpacked/usr/bin/cvmprep" | grep -xE 'lib[a-z0-9_+-]+\.so\.[0-9]+' | sort -u |
	grep -vxF -f <(printf '%s\n' $needed))
[ "$(wc -w <<<"$dlopened")" -eq 5 ] && pass "the binary names the 5 libraries it loads on first use: $(echo $dlopened)" ||
	fail "the libraries loaded on first use" "want libkmod, libcurl, libarchive, libcrypto, libblkid, got '$(echo $dlopened)'"
for lib in $needed $dlopened; do
	path=$(ldconfig -p | awk -v l="$lib" '$1 == l && $NF ~ /^\// { print $NF; exit }')
	owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path" 2>/dev/null)
	owner=${owner%%:*}
	grep -Eq "(^|, )$owner( |,|$)" <<<"$depends" || missing+=" $lib($owner)"
done
[ -z "$missing" ] && pass "Depends covers every library the binary needs: $depends" ||
	fail "Depends covers every library" "missing$missing in '$depends'"
for f in /usr/bin/cvmprep /usr/share/man/man1/cvmprep.1.gz /usr/share/bash-completion/completions/cvmprep \
	/usr/share/doc/cvmprep/copyright; do
	[ -f "$WORK/unpacked$f" ] && pass "the package ships $f" || fail "the package ships $f" "$(dpkg-deb -c "$deb" | awk '{ print $6 }' | tr '\n' ' ')"
done

t2=$(now)
lintian --fail-on error "$WORK"/src/cvmprep_*.changes >"$WORK/lintian" 2>&1
rc=$?
t3=$(now)
[ "$rc" -eq 0 ] && pass "lintian: no error ($(grep -c '^W:' "$WORK/lintian") warnings, $(ms "$t2" "$t3") ms)" ||
	fail "lintian: no error" "$(grep -v '^running with root' "$WORK/lintian" | head -10)"
grep '^[EW]:' "$WORK/lintian" | sed 's/^/  lintian: /'

# Installed with apt, offline, into a clean root: its Depends resolved from what the root has.
. "$TOP/tests/provision/lib.sh"
tb_init
tb_root deb
mkdir -p "$(tb_out deb)"
cp "$deb" "$(tb_out deb)/"
name=$(basename "$deb")
tb_run deb apt-get -q -y --no-install-recommends install "/out/$name" >"$WORK/install" 2>&1
rc=$?
[ "$rc" -eq 0 ] && pass "apt-get install ./$name in a clean root, offline" || fail "apt-get install in a clean root" "exit $rc: $(tail -5 "$WORK/install")"
got=$(tb_run deb /usr/bin/cvmprep --version 2>&1)
[ "$got" = "cvmprep $(dpkg-deb -f "$deb" Version)" ] && pass "installed: cvmprep --version says $got" ||
	fail "installed: cvmprep --version" "$got"
tb_run deb /usr/bin/cvmprep check --no-probe >"$WORK/check" 2>&1
rc=$?
case $rc in
0 | 1 | 3) grep -q '^verdict: ' "$WORK/check" && pass "installed: cvmprep check --no-probe gives a verdict (exit $rc)" ||
	fail "installed: cvmprep check --no-probe" "exit $rc, no verdict: $(tail -3 "$WORK/check")" ;;
*) fail "installed: cvmprep check --no-probe" "exit $rc: $(tail -5 "$WORK/check")" ;;
esac
got=$(tb_run deb ls /usr/share/man/man1/cvmprep.1.gz /usr/share/bash-completion/completions/cvmprep 2>&1 | tr "\n" " ")
[ "$got" = "/usr/share/bash-completion/completions/cvmprep /usr/share/man/man1/cvmprep.1.gz " ] &&
	pass "installed: the man page and the completion" || fail "installed: the man page and the completion" "$got"
tb_run deb dpkg -r cvmprep >"$WORK/remove" 2>&1
got=$(tb_run deb sh -c 'ls /usr/bin/cvmprep /usr/share/man/man1/cvmprep.1.gz 2>/dev/null; dpkg --audit
	dpkg-query -W -f="\${db:Status-Abbrev}" cvmprep 2>/dev/null | grep -v "^rc"')
[ -z "$got" ] && pass "dpkg -r removes it, dpkg --audit is empty" || fail "dpkg -r" "$got $(tail -3 "$WORK/remove")"

# The cloud-init example (deploy/cloud-init.yaml) at a first boot: its files written into a
# fresh root as cloud-init's write_files would, this package where the image would have it, then
# its runcmd. A chroot is no CVM node: the operator's waivers of deploy/cloud-init.yaml's
# CVMPREP_OPTIONS go in its defaults file for the provisioned case.
firstboot() {
	local name=$1 options=$2
	/usr/bin/python3 - "$TOP/deploy/cloud-init.yaml" "$TB/roots/$name/upper" <<'PY'
import os, sys, yaml
for f in yaml.safe_load(open(sys.argv[1]))["write_files"]:
    dest = sys.argv[2] + f["path"]
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w") as w:
        w.write(f["content"])
    os.chmod(dest, int(f["permissions"], 8))
PY
	mkdir -p "$TB/roots/$name/upper/var/cache/cvmprep"
	cp "$deb" "$TB/roots/$name/upper/var/cache/cvmprep/cvmprep.deb"
	sed -i "s|^CVMPREP_OPTIONS=.*|CVMPREP_OPTIONS=\"$options\"|" "$TB/roots/$name/upper/etc/default/cvmprep-firstboot"
	tb_run "$name" /usr/local/sbin/cvmprep-firstboot >"$WORK/firstboot" 2>&1
}
waivers="${TB_CHECK[*]} --skip runtime.sysbox"
waivers=${waivers/--skip kernel.idmap,userns.procfs,fs.dataroot --skip runtime.sysbox/--skip kernel.idmap,userns.procfs,fs.dataroot,runtime.sysbox}

tb_root firstboot flat
firstboot firstboot "$waivers"
rc=$?
state=$(tb_state firstboot)
status=$(cat "$TB/roots/firstboot/upper/var/log/cvmprep/status" 2>/dev/null)
[ "$rc" -eq 0 ] && [ "$status" = "provisioned and compatible (/var/log/cvmprep/check.json)" ] &&
	grep -q '^containerd.io 1.5.11-1 hi' <<<"$state" && grep -q '^sysbox-ce 0.7.1-0 ii' <<<"$state" &&
	pass "cloud-init example: installs the package, provisions, checks (exit 0)" ||
	fail "cloud-init example: provisions" "exit $rc, status '$status': $(tail -5 "$WORK/firstboot"); $state"
for f in check provision; do
	valid_json "cloud-init example: /var/log/cvmprep/$f.json validates" "$SCHEMA" "$TB/roots/firstboot/upper/var/log/cvmprep/$f.json"
done

tb_root refused flat
firstboot refused "--mode host"
rc=$?
status=$(cat "$TB/roots/refused/upper/var/log/cvmprep/status" 2>/dev/null)
[ "$rc" -eq 1 ] && [ "$status" = "incompatible: preflight refused the node (/var/log/cvmprep/provision.json); nothing changed" ] &&
	[ ! -e "$TB/roots/refused/upper/var/log/cvmprep/check.json" ] &&
	grep -q '^containerd.io not-installed' <<<"$(tb_state refused)" &&
	pass "cloud-init example: an incompatible node (exit 1) is not provisioned" ||
	fail "cloud-init example: an incompatible node" "exit $rc, status '$status': $(tail -5 "$WORK/firstboot")"

tb_root norepo
firstboot norepo "$waivers"
rc=$?
status=$(cat "$TB/roots/norepo/upper/var/log/cvmprep/status" 2>/dev/null)
[ "$rc" -eq 4 ] && [[ $status == "provisioning failed: "* ]] &&
	pass "cloud-init example: a failed step (no repository) ends it with exit 4" ||
	fail "cloud-init example: a failed step" "exit $rc, status '$status': $(tail -5 "$WORK/firstboot")"

tb_root usage flat
firstboot usage "--no-such-option"
rc=$?
[ "$rc" -eq 2 ] && pass "cloud-init example: a usage error in CVMPREP_OPTIONS ends it with exit 2" ||
	fail "cloud-init example: a usage error" "exit $rc: $(tail -5 "$WORK/firstboot")"
