/* SPDX-License-Identifier: MIT */
/* libFuzzer target: /proc/modules and /proc/filesystems (NUL-separated), judged by the module
 * and filesystem checks (libkmod finds no module tree here). */
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const only[] = { "kernel.shiftfs", "fs.fuse", "fs.overlay", NULL };
	struct fuzz_part parts[2];

	fuzz_tree_reset();
	fuzz_split(data, size, parts, 2);
	fuzz_put_str("proc/sys/kernel/osrelease", "6.1.0-13-amd64\n");
	fuzz_put("proc/modules", parts[0].p, parts[0].len);
	fuzz_put("proc/filesystems", parts[1].p, parts[1].len);
	fuzz_tree_check(only, "host");
	return 0;
}
