/* SPDX-License-Identifier: MIT */
/* libFuzzer target: kernel release parsing, on a NUL-terminated copy of the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct kver v;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (kver_parse(s, &v) == 0)
		(void)kver_cmp(&v, &v);
	free(s);
	return 0;
}
