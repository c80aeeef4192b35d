/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a PCI device's class, vendor and device attributes and the DMI vendor
 * (NUL-separated), judged by gpu.devices and platform.virt. */
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const only[] = { "gpu.devices", "platform.virt", NULL };
	static const char *const attrs[] = { "class", "vendor", "device" };
	struct fuzz_part parts[4];
	char rel[128];

	fuzz_tree_reset();
	fuzz_split(data, size, parts, 4);
	for (size_t i = 0; i < 3; i++) {
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/0000:01:00.0/%s", attrs[i]);
		fuzz_put(rel, parts[i].p, parts[i].len);
	}
	fuzz_put("sys/class/dmi/id/sys_vendor", parts[3].p, parts[3].len);
	fuzz_put_str("proc/cpuinfo", "flags\t: fpu\n");
	fuzz_tree_check(only, "host");
	return 0;
}
