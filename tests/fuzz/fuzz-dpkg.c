/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the dpkg status database, apt version pins, Debian versions and Depends
 * fields (each line of the input taken as one of each) on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/apt.h"
#include "core/dpkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int touch(const struct dpkg_pkg *p, void *userdata)
{
	size_t *total = userdata;

	*total += strlen(p->package) + strlen(p->status) + (p->version ? strlen(p->version) : 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	char *copy, *save = NULL, *prev = NULL;
	struct apt_pin pin;
	size_t total = 0;

	dpkg_status_read(buf, size, touch, &total, NULL);
	if (apt_pin_find(buf, size, "containerd.io", &pin, NULL) == 1)
		free(pin.version);
	copy = strndup(buf, size);
	if (!copy)
		return 0;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *on = NULL;
		int c;

		if (prev)
			dpkg_version_compare(prev, l, &c);
		if (dpkg_depends_allow(l, "containerd.io", "1.5.11-1", &on) >= 0)
			free(on);
		prev = l;
	}
	free(copy);
	return 0;
}
