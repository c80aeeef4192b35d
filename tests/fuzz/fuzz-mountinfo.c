/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the mountinfo parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/mountinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int touch(const struct mount_entry *m, void *userdata)
{
	size_t *total = userdata;

	*total += strlen(m->root) + strlen(m->mount_point) + strlen(m->mount_opts) +
		  strlen(m->fstype) + strlen(m->source) + strlen(m->super_opts);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t total = 0;

	mountinfo_parse((const char *)data, size, touch, &total);
	return 0;
}
