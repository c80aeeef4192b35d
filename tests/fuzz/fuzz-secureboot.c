/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the SecureBoot EFI variable (4 bytes of attributes, then the value),
 * judged by security.secureboot. */
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const only[] = { "security.secureboot", NULL };

	fuzz_tree_reset();
	fuzz_put("sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c", data,
		 size);
	fuzz_tree_check(only, "host");
	return 0;
}
