/* SPDX-License-Identifier: MIT */
/* libFuzzer target: AppArmor's list of loaded profiles on Ubuntu 25.04 with AppArmor on,
 * judged by security.apparmor-fusermount3. */
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const only[] = { "security.apparmor-fusermount3", NULL };

	fuzz_tree_reset();
	fuzz_put_str("etc/os-release", "ID=ubuntu\nVERSION_ID=25.04\n");
	fuzz_put_str("sys/module/apparmor/parameters/enabled", "Y\n");
	fuzz_put_str("etc/apparmor.d/fusermount3", "profile fusermount3 /usr/bin/fusermount3 {}\n");
	fuzz_put("sys/kernel/security/apparmor/profiles", data, size);
	fuzz_tree_check(only, "host");
	return 0;
}
