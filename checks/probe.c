/* SPDX-License-Identifier: MIT */
#include "probe.h"

#include "core/util.h"

int probe_line(const struct host *h, struct facts *f, const char *key, const char *path)
{
	_cleanup_free_ char *line = NULL;
	int r;

	r = host_read_line(h, path, &line);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return facts_set_err(f, key, path, -r);
	return facts_set(f, key, path, line);
}
