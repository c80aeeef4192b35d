/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the TOML scanner (core/toml.h) on arbitrary bytes, every path and value it
 * reports touched, so that a read past the input or a bad length shows under ASan. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int touch(const char *const *path, size_t n, const char *value, size_t value_len,
		 void *userdata)
{
	size_t *total = userdata;

	for (size_t i = 0; i < n; i++)
		*total += strlen(path[i]);
	for (size_t i = 0; value && i < value_len; i++)
		*total += (unsigned char)value[i];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t total = 0;
	unsigned line = 0;

	toml_scan((const char *)data, size, touch, &total, &line);
	return 0;
}
