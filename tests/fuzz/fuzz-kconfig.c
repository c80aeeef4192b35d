/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the kernel config reader (zlib: gzip or plain) and the kernel.config.* rules,
 * on arbitrary bytes as /proc/config.gz. */
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const only[] = { "kernel.config.*", NULL };

	fuzz_tree_reset();
	fuzz_put_str("proc/sys/kernel/osrelease", "6.1.0-13-amd64\n");
	fuzz_put("proc/config.gz", data, size);
	fuzz_tree_check(only, "host");
	return 0;
}
