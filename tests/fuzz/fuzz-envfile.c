/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the environment-file (os-release) parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/envfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int touch(const char *key, const char *value, void *userdata)
{
	size_t *total = userdata;

	*total += strlen(key) + strlen(value);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t total = 0;

	envfile_parse((const char *)data, size, touch, &total);
	return 0;
}
