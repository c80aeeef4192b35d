/* SPDX-License-Identifier: MIT */
/* libFuzzer target: /etc/subuid and /etc/subgid (NUL-separated), judged by runtime.subid. */
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const only[] = { "runtime.subid", NULL };
	struct fuzz_part parts[2];

	fuzz_tree_reset();
	fuzz_split(data, size, parts, 2);
	fuzz_put("etc/subuid", parts[0].p, parts[0].len);
	fuzz_put("etc/subgid", parts[1].p, parts[1].len);
	fuzz_tree_check(only, "host");
	return 0;
}
