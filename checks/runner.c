/* SPDX-License-Identifier: MIT */
#include "runner.h"

#include <assert.h>
#include <fnmatch.h>

#include "checks.h"
#include "core/deadline.h"
#include "core/util.h"

static bool matches(const char *id, char *const *pats, size_t n, bool *used)
{
	bool hit = false;

	for (size_t i = 0; i < n; i++)
		if (fnmatch(pats[i], id, 0) == 0) {
			used[i] = true;
			hit = true;
		}
	return hit;
}

int checks_select(char *const *skip, size_t n_skip, char *const *only, size_t n_only,
		  enum selection *sel, const char **ret_bad)
{
	return checks_select_target(CHECK_TARGET_NODE, skip, n_skip, only, n_only, sel, ret_bad);
}

int checks_select_target(enum check_target t, char *const *skip, size_t n_skip,
			 char *const *only, size_t n_only, enum selection *sel,
			 const char **ret_bad)
{
	_cleanup_free_ bool *used_skip = calloc(n_skip + 1, sizeof(bool));
	_cleanup_free_ bool *used_only = calloc(n_only + 1, sizeof(bool));

	if (!used_skip || !used_only)
		return -ENOMEM;
	for (size_t i = 0; i < checks_count(); i++) {
		const char *id = checks_get(i)->id;
		bool in, out;

		if (checks_get(i)->target != t) {
			sel[i] = SELECT_OMIT;
			continue;
		}
		in = n_only == 0 || matches(id, only, n_only, used_only);
		out = matches(id, skip, n_skip, used_skip);

		sel[i] = !in ? SELECT_OMIT : out ? SELECT_SKIP : SELECT_RUN;
	}
	for (size_t i = 0; i < n_skip; i++)
		if (!used_skip[i]) {
			*ret_bad = skip[i];
			return -EINVAL;
		}
	for (size_t i = 0; i < n_only; i++)
		if (!used_only[i]) {
			*ret_bad = only[i];
			return -EINVAL;
		}
	return 0;
}

/* The probes run so far in this report, and what they returned. */
#define PROBES_MAX 128

struct probe_log {
	probe_fn fn[PROBES_MAX];
	int r[PROBES_MAX];
	size_t n;
};

/* Runs fn unless it ran already; returns its return, now or then. */
static int probe_once(struct probe_log *log, probe_fn fn, const struct host *h,
		      const struct config *cfg, struct facts *f)
{
	for (size_t i = 0; i < log->n; i++)
		if (log->fn[i] == fn)
			return log->r[i];
	assert(log->n < ELEMENTSOF(log->fn));
	log->fn[log->n] = fn;
	log->r[log->n] = fn(h, cfg, f);
	return log->r[log->n++];
}

/* Runs c's probes; returns 0, -ENOMEM, or the first probe's failure as -errno. */
static int probe_check(const struct check *c, const struct host *h, const struct config *cfg,
		       struct probe_log *log, struct facts *f)
{
	for (size_t i = 0; i < CHECK_PROBES_MAX && c->probes[i]; i++) {
		int r = probe_once(log, c->probes[i], h, cfg, f);

		if (r < 0)
			return r;
	}
	return 0;
}

int checks_run(const struct host *h, const struct config *cfg, const enum selection *sel,
	       const struct facts *assume, struct facts *f, struct result **ret, size_t *ret_n)
{
	struct probe_log log = { .n = 0 };
	size_t n_checks = checks_count(), n = 0;
	struct result *v = calloc(n_checks + 1, sizeof(*v));
	_cleanup_free_ struct {
		int r;
		unsigned long long us;
	} *probed = calloc(n_checks + 1, sizeof(*probed));
	int r = 0;

	if (!v || !probed) {
		free(v);
		return -ENOMEM;
	}
	/* Probes first, each timed to the first check that needs it, all within the run's time
	 * limit; then what --assume says overrides what they read; then the rules. */
	if (h)
		deadline_arm(RUN_DEADLINE_S); /* without a timer the run goes on unlimited */
	for (size_t i = 0; h && identity_probes[i]; i++)
		if (probe_once(&log, identity_probes[i], h, cfg, f) == -ENOMEM)
			goto oom;
	for (size_t i = 0; h && i < n_checks; i++) {
		unsigned long long start = now_us();

		if (sel[i] != SELECT_RUN)
			continue;
		probed[i].r = probe_check(checks_get(i), h, cfg, &log, f);
		if (probed[i].r == -ENOMEM)
			goto oom;
		probed[i].us = now_us() - start;
	}
	deadline_disarm();
	for (size_t i = 0; assume && i < assume->n; i++) {
		const struct fact *a = &assume->v[i];

		if (facts_set(f, a->key, a->source, a->value) < 0)
			goto oom;
	}
	for (size_t i = 0; i < n_checks; i++) {
		const struct check *c = checks_get(i);
		struct result *res = &v[n];
		unsigned long long start = now_us();

		if (sel[i] == SELECT_OMIT)
			continue;
		n++;
		*res = (struct result){ .check = c };
		if (sel[i] == SELECT_SKIP)
			r = result_set(res, STATUS_SKIP, "skipped by --skip");
		else if (probed[i].r < 0)
			r = result_evidence(res, c->id, NULL, -probed[i].r) ?:
			    result_set(res, STATUS_UNKNOWN, "the probe for %s failed: %s", c->id,
				       strerror(-probed[i].r));
		else
			r = c->rule(c, f, cfg, res);
		if (r >= 0)
			r = res->err; /* a setter that failed: sticky in the result */
		if (r < 0)
			goto fail;
		res->duration_us = probed[i].us + (now_us() - start);
	}
	*ret = v;
	*ret_n = n;
	return 0;
oom:
	deadline_disarm();
	r = -ENOMEM;
fail:
	results_free(v, n_checks);
	return r;
}

void results_free(struct result *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		result_free(&v[i]);
	free(v);
}

int facts_gather(const struct host *h, const struct config *cfg, struct facts *f)
{
	struct probe_log log = { .n = 0 };
	int r = 0;

	deadline_arm(RUN_DEADLINE_S); /* without a timer the run goes on unlimited */
	for (size_t i = 0; r >= 0 && identity_probes[i]; i++)
		if (probe_once(&log, identity_probes[i], h, cfg, f) == -ENOMEM)
			r = -ENOMEM;
	for (size_t i = 0; r >= 0 && i < checks_count(); i++)
		if (probe_check(checks_get(i), h, cfg, &log, f) == -ENOMEM)
			r = -ENOMEM;
	deadline_disarm();
	return r;
}
