/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the kernel config reader (zlib: gzip or plain) on arbitrary bytes, then every
 * kernel.config.* rule on what it recorded. */
#include <sys/mman.h>

#include "checks/checks.h"
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct config cfg = { .profile = profile_find("coder"), .data_root = DATA_ROOT_DEFAULT };
	struct facts f = { 0 };
	int fd = memfd_create("config.gz", MFD_CLOEXEC);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	if (facts_set(&f, "kernel.release", "uname(2)", "5.4.0-42-generic") < 0 ||
	    kconfig_record(fd, "/proc/config.gz", &f) < 0)
		abort();
	for (size_t i = 0; i < checks_count(); i++) {
		const struct check *c = checks_get(i);
		struct result r = { .check = c };

		if (!startswith(c->id, "kernel.config."))
			continue;
		if (c->rule(c, &f, &cfg, &r) < 0)
			abort();
		result_free(&r);
	}
	facts_free(&f);
	return 0;
}
