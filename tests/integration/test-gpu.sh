#!/usr/bin/env bash
# gpu.devices and platform.virt: fixture trees (tests/fixtures/hw-*) read under --root and --sys,
# an unreadable PCI tree, and libudev run for real on the running system path, with a fixture
# sysfs bind-mounted over /sys in a private mount namespace.
. "$(dirname "$0")/lib.sh"

# expect NAME FILE ID STATUS [TEXT...]: the check's status in report FILE, and each TEXT in it.

ONLY=platform.virt,gpu.devices

# fixture | gpu.devices | platform.virt observed
cases=(
	"hw-nvidia-metal|pass|bare metal (Supermicro SYS-420GP-TNR)"
	"hw-nvidia-kvm|warn|qemu (QEMU Standard PC (Q35 + ICH9, 2009))"
	"hw-amd-metal|warn|bare metal (ASUS System Product Name)"
	"hw-none|skip|bare metal"
)
for c in "${cases[@]}"; do
	IFS='|' read -r fixture want virt <<<"$c"
	out=$WORK/$fixture.json
	"$CVMPREP" check --root "$FIXTURES/$fixture" --only "$ONLY" --format json -o "$out" 2>/dev/null
	valid_json "$fixture: schema" "$SCHEMA" "$out"
	expect "$fixture --root: gpu.devices $want" "$out" gpu.devices "$want" "/sys/bus/pci/devices"
	expect "$fixture --root: platform.virt" "$out" platform.virt pass "\"observed\": \"$virt\""
done

# --assume of a DMI fact is judged as if read: the platform is told by the rules, not the probe.
"$CVMPREP" check --root "$FIXTURES/hw-nvidia-metal" --only "$ONLY" --assume platform.dmi.sys_vendor=QEMU \
	--format json -o "$WORK/assume.json" 2>/dev/null
expect "--assume sys_vendor=QEMU on bare metal: platform.virt qemu" "$WORK/assume.json" platform.virt pass \
	'"observed": "qemu (QEMU SYS-420GP-TNR)"'
expect "--assume sys_vendor=QEMU on bare metal: gpu.devices warns" "$WORK/assume.json" gpu.devices warn "(qemu)"

# A dangling PCI entry (a device gone since the listing) is passed over, not taken for "no PCI
# bus": the GPUs listed with it are still found.
cp -a "$FIXTURES/hw-nvidia-metal" "$WORK/dangling"
for slot in 0000:00:00.0 0000:ff:1f.7; do ln -s "../../../devices/pci0000:00/$slot" "$WORK/dangling/sys/bus/pci/devices/$slot"; done
"$CVMPREP" check --root "$WORK/dangling" --only "$ONLY" --format json -o "$WORK/dangling.json" 2>/dev/null
expect "dangling PCI entries: the NVIDIA GPU is still found" "$WORK/dangling.json" gpu.devices pass \
	"10de:20b5@0000:01:00.0" "on bare metal"

# --sys alone: the PCI tree and DMI from there, cpuinfo from the running system.
"$CVMPREP" check --sys "$FIXTURES/hw-nvidia-kvm/sys" --only "$ONLY" --format json -o "$WORK/sys.json" 2>/dev/null
expect "--sys: gpu.devices read under it" "$WORK/sys.json" gpu.devices warn "10de:20b5@0000:00:05.0" "(qemu)"

# A tree with neither DMI nor cpuinfo nor /sys: unknown, never "none".
"$CVMPREP" check --root "$FIXTURES/empty" --only "$ONLY" --format json -o "$WORK/empty.json" 2>/dev/null
expect "empty tree: platform.virt unknown" "$WORK/empty.json" platform.virt unknown "No such file"
expect "empty tree: gpu.devices unknown" "$WORK/empty.json" gpu.devices unknown "No such file"

# NVIDIA with the platform unreadable: unknown (the bare-metal tree without DMI and cpuinfo).
cp -a "$FIXTURES/hw-nvidia-metal" "$WORK/novirt"
rm -rf "$WORK/novirt/sys/class" "$WORK/novirt/proc"
"$CVMPREP" check --root "$WORK/novirt" --only "$ONLY" --format json -o "$WORK/novirt.json" 2>/dev/null
expect "NVIDIA, platform unreadable: unknown" "$WORK/novirt.json" gpu.devices unknown "/proc/cpuinfo"

# An unreadable PCI tree (mode 000, read as nobody): unknown.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	cp -a "$FIXTURES/hw-nvidia-metal" "$WORK/eacces"
	chmod 0755 "$WORK"
	chmod 000 "$WORK/eacces/sys/bus/pci/devices"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CVMPREP" check --root "$WORK/eacces" \
		--only "$ONLY" --format json >"$WORK/eacces.json" 2>/dev/null
	expect "unreadable PCI tree (as nobody): unknown" "$WORK/eacces.json" gpu.devices unknown \
		"Permission denied"
	chmod 755 "$WORK/eacces/sys/bus/pci/devices"
else
	skip "unreadable PCI tree" "needs root (to run as nobody) and setpriv"
fi

# The running system: platform.virt always has an answer here; gpu.devices through libudev.
"$CVMPREP" check --only "$ONLY" --format json -o "$WORK/live.json" 2>/dev/null
valid_json "live: schema" "$SCHEMA" "$WORK/live.json"
expect "live: platform.virt" "$WORK/live.json" platform.virt pass
/usr/bin/python3 -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))["checks"] if c["id"]=="gpu.devices"][0]; sys.exit(c["status"] not in ("pass","warn","skip") or "libudev(pci)" not in json.dumps(c))' "$WORK/live.json" &&
	pass "live: gpu.devices through libudev" || fail "live: gpu.devices through libudev" "$(head -c 500 "$WORK/live.json")"

# libudev for real on the fixtures: in a private mount namespace, the fixture's sys over /sys
# and its cpuinfo over /proc/cpuinfo. systemd's libudev has no SYSFS_PATH (udev before 183 had
# one); since systemd 249 it also refuses a /sys that is not sysfs unless
# SYSTEMD_DEVICE_VERIFY_SYSFS=0, which this test sets: the fixture is a plain directory.
if [ "$(id -u)" -ne 0 ] || ! unshare -m --propagation private true 2>/dev/null; then
	skip "libudev on fixture sysfs" "needs root and unshare -m"
else
	for c in "${cases[@]}"; do
		IFS='|' read -r fixture want virt <<<"$c"
		out=$WORK/udev-$fixture.json
		SYSTEMD_DEVICE_VERIFY_SYSFS=0 unshare -m --propagation private bash -c '
			mount --bind "$1/sys" /sys && mount --bind "$1/proc/cpuinfo" /proc/cpuinfo &&
			exec "$2" check --only "$3" --format json -o "$4"' _ \
			"$FIXTURES/$fixture" "$CVMPREP" "$ONLY" "$out" 2>"$WORK/udev.err"
		expect "$fixture via libudev: gpu.devices $want" "$out" gpu.devices "$want" "libudev(pci)"
		expect "$fixture via libudev: platform.virt" "$out" platform.virt pass "\"observed\": \"$virt"
	done
fi

for id in gpu.devices platform.virt; do
	if "$CVMPREP" explain "$id" >"$WORK/explain" 2>&1 && grep -qi 'source' "$WORK/explain"; then
		pass "explain $id"
	else
		fail "explain $id" "$(head -c 300 "$WORK/explain")"
	fi
done
