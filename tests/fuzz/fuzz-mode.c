/* SPDX-License-Identifier: MIT */
/* libFuzzer target: mode detection (--mode auto) on /proc/1/cgroup and /proc/1/comm
 * (NUL-separated), and platform.init on the same comm. */
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const only[] = { "platform.init", "pod.modules-match", NULL };
	struct fuzz_part parts[2];

	fuzz_tree_reset();
	fuzz_split(data, size, parts, 2);
	fuzz_put("proc/1/cgroup", parts[0].p, parts[0].len);
	fuzz_put("proc/1/comm", parts[1].p, parts[1].len);
	fuzz_tree_check(only, "auto");
	return 0;
}
