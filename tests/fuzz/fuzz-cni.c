/* SPDX-License-Identifier: MIT */
/* libFuzzer target: net.istio on up to four CNI config files (the input's NUL-separated parts),
 * each parsed as JSON and searched for istio-cni plugins. */
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const only[] = { "net.istio", NULL };
	static const char *const names[] = { "etc/cni/net.d/10-a.conflist", "etc/cni/net.d/20-b.conf",
					     "etc/cni/net.d/30-c.json", "etc/cni/net.d/40-d.conflist" };
	struct fuzz_part parts[4];

	fuzz_tree_reset();
	fuzz_split(data, size, parts, 4);
	for (size_t i = 0; i < 4; i++)
		if (i == 0 || parts[i].len)
			fuzz_put(names[i], parts[i].p, parts[i].len);
	fuzz_tree_check(only, "pod");
	return 0;
}
