/* SPDX-License-Identifier: MIT */
#include "live.h"

#include <assert.h>
#include <fcntl.h>

#include "core/util.h"
#include "probe.h"

int live_record(struct facts *f, const char *key, const char *source, int r,
		const struct child_result *res, const char *const *steps, size_t n_steps)
{
	_cleanup_free_ char *failed = NULL;

	if (r < 0)
		return facts_set_err(f, key, source, -r);
	if (res->r == 0)
		return facts_set(f, key, source, "ok");
	assert(res->step < n_steps);
	failed = strdup_printf("%s: %s", steps[res->step], strerror(-res->r));
	if (!failed)
		return -ENOMEM;
	return facts_set(f, key, source, failed);
}

const char *live_off_reason(const struct config *cfg)
{
	if (!cfg->live)
		return "not the running host (--root, --proc or --facts)";
	return cfg->as_root ? "--no-probe" : "not root";
}

int live_need(struct result *r, const struct facts *f, const struct config *cfg, const char *key,
	      const struct fact **ret)
{
	const struct fact *fa = facts_get(f, key);

	if (!fa) {
		return result_set(r, STATUS_SKIP, "the functional probe did not run: %s",
				  live_off_reason(cfg));
	}
	result_evidence_fact(r, fa);
	if (fa->err) {
		return result_set(r, STATUS_UNKNOWN, "the functional probe could not answer: %s",
				  strerror(fa->err));
	}
	if (!fa->value) {
		return result_set(r, STATUS_UNKNOWN, "the functional probe recorded no answer");
	}
	*ret = fa;
	return 1;
}

int host_dir_exists(const struct host *h, const char *path)
{
	int fd = host_openat(h, path, O_PATH | O_DIRECTORY);

	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	close(fd);
	return 1;
}

int probe_line_opt(const struct host *h, struct facts *f, const char *key, const char *path,
		   const char *dir)
{
	int r = probe_line(h, f, key, path);
	const struct fact *fa = facts_get(f, key);

	if (r < 0 || fa->err != ENOENT)
		return r;
	r = host_dir_exists(h, dir);
	if (r < 0)
		return facts_set_err(f, key, dir, -r);
	return r ? facts_set(f, key, path, NULL) : 0;
}

int parse_count(const char *s, unsigned long long *ret)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}
