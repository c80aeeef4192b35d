/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target, end to end: the input's NUL-separated parts become the files of a small tree
 * (os-release, the kernel's release and config, status, mountinfo, modules, cpuinfo, meminfo,
 * cgroups, subids, dpkg status, daemon.json, a CNI config, a PCI device, SELinux config), then
 * every probe, every rule and both writers run on it, and its facts make the JSON round trip.
 */
#include <cJSON.h>

#include "tree.h"

static const char *const files[] = {
	"etc/os-release",
	"proc/sys/kernel/osrelease",
	"boot/config-6.1.0",
	"proc/self/status",
	"proc/self/mountinfo",
	"proc/modules",
	"proc/filesystems",
	"proc/cpuinfo",
	"proc/meminfo",
	"sys/devices/system/cpu/online",
	"proc/1/cgroup",
	"proc/1/comm",
	"etc/subuid",
	"var/lib/dpkg/status",
	"etc/docker/daemon.json",
	"etc/cni/net.d/10-net.conflist",
	"sys/bus/pci/devices/0000:01:00.0/class",
	"sys/class/dmi/id/sys_vendor",
	"etc/selinux/config",
	"proc/sys/user/max_user_namespaces",
};
#define N_FILES (sizeof(files) / sizeof(files[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part parts[N_FILES];

	fuzz_tree_reset();
	fuzz_split(data, size, parts, N_FILES);
	for (size_t i = 0; i < N_FILES; i++)
		if (parts[i].len)
			fuzz_put(files[i], parts[i].p, parts[i].len);
	fuzz_put_str("sys/bus/pci/devices/0000:01:00.0/vendor", "0x10de\n");
	fuzz_put_str("sys/bus/pci/devices/0000:01:00.0/device", "0x2204\n");
	fuzz_tree_check(NULL, size && data[0] & 1 ? "pod" : "auto");
	return 0;
}
