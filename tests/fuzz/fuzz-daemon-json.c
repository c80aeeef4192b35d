/* SPDX-License-Identifier: MIT */
/* libFuzzer target: daemon.json as dockerd reads it, and the runtime lookup, on arbitrary
 * bytes. */
#include <stddef.h>
#include <stdint.h>

#include "core/daemon-json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct daemon_json dj;
	const char *path, *bad;

	if (daemon_json_parse((const char *)data, size, &dj) < 0)
		return 0;
	if (dj.state == DAEMON_JSON_OBJECT)
		daemon_json_runtime(dj.root, "sysbox-runc", &path, &bad);
	daemon_json_free(&dj);
	return 0;
}
