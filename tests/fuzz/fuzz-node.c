/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the online CPU list, /proc/cpuinfo and /proc/meminfo (NUL-separated),
 * judged by platform.resources and platform.virt (the cpuinfo flags). */
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const only[] = { "platform.resources", "platform.virt", NULL };
	struct fuzz_part parts[3];

	fuzz_tree_reset();
	fuzz_split(data, size, parts, 3);
	fuzz_put("sys/devices/system/cpu/online", parts[0].p, parts[0].len);
	fuzz_put("proc/cpuinfo", parts[1].p, parts[1].len);
	fuzz_put("proc/meminfo", parts[2].p, parts[2].len);
	fuzz_tree_check(only, "host");
	return 0;
}
