/* SPDX-License-Identifier: MIT */
/* libFuzzer target: every mountinfo callback (pod.hostpaths and pod.privileged's /sys, the
 * storage checks' mount lookup, SELinux's selinuxfs) on an arbitrary /proc/self/mountinfo. */
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const pod[] = { "pod.*", "security.selinux", NULL };
	static const char *const host[] = { "fs.*", "security.selinux", NULL };

	fuzz_tree_reset();
	fuzz_put("proc/self/mountinfo", data, size);
	fuzz_put_str("var/lib/docker/.keep", "");
	fuzz_put_str("run/.keep", "");
	fuzz_tree_check(pod, "pod");
	fuzz_tree_check(host, "host");
	return 0;
}
