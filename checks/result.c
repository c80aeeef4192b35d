/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>

#include "check.h"
#include "core/util.h"

static const char *const status_names[] = {
	[STATUS_PASS] = "pass", [STATUS_WARN] = "warn",	  [STATUS_FAIL] = "fail",
	[STATUS_UNKNOWN] = "unknown", [STATUS_SKIP] = "skip",
};
_Static_assert(ELEMENTSOF(status_names) == _STATUS_MAX, "status_names");

const char *status_to_string(enum status s)
{
	return s < _STATUS_MAX ? status_names[s] : NULL;
}

/* Records an allocation failure in r, for good. Returns r->err. */
static int fail(struct result *r)
{
	r->err = -ENOMEM;
	return r->err;
}

static int vset(struct result *r, char **field, const char *fmt, va_list ap)
{
	char *s;

	if (r->err)
		return r->err;
	if (vasprintf(&s, fmt, ap) < 0)
		return fail(r);
	free(*field);
	*field = s;
	return 0;
}

int result_set(struct result *r, enum status s, const char *fmt, ...)
{
	va_list ap;
	int ret;

	r->status = s;
	va_start(ap, fmt);
	ret = vset(r, &r->message, fmt, ap);
	va_end(ap);
	return ret;
}

#define RESULT_SETTER(field)                                                                       \
	int result_##field(struct result *r, const char *fmt, ...)                                 \
	{                                                                                          \
		va_list ap;                                                                        \
		int ret;                                                                           \
                                                                                                   \
		va_start(ap, fmt);                                                                 \
		ret = vset(r, &r->field, fmt, ap);                                                    \
		va_end(ap);                                                                        \
		return ret;                                                                        \
	}
RESULT_SETTER(observed)
RESULT_SETTER(expected)
RESULT_SETTER(remediation)

int result_evidence(struct result *r, const char *source, const char *value, int err)
{
	struct evidence *v, *e;

	if (r->err)
		return r->err;
	v = realloc(r->evidence, (r->n_evidence + 1) * sizeof(*v));
	if (!v)
		return fail(r);
	r->evidence = v;
	e = &v[r->n_evidence];
	*e = (struct evidence){ .source = strdup(source), .err = err };
	if (!e->source)
		return fail(r);
	if (value && !err) {
		e->value = strdup(value);
		if (!e->value) {
			free(e->source);
			return fail(r);
		}
	}
	r->n_evidence++;
	return 0;
}

int result_evidence_fact(struct result *r, const struct fact *fa)
{
	return fa ? result_evidence(r, fa->source, fa->value, fa->err) : 0;
}

int result_need(struct result *r, const struct facts *f, const char *key, const struct fact **ret)
{
	const struct fact *fa = facts_get(f, key);

	if (!fa) {
		result_set(r, STATUS_UNKNOWN, "no fact '%s' was recorded", key);
		return 0;
	}
	if (fa->err) {
		result_evidence_fact(r, fa);
		result_set(r, STATUS_UNKNOWN, "cannot read '%s': %s", fa->source,
			   strerror(fa->err));
		return 0;
	}
	*ret = fa;
	return 1;
}

int result_needf(struct result *r, const struct facts *f, const struct fact **ret, const char *fmt,
		 ...)
{
	_cleanup_free_ char *key = NULL;
	va_list ap;

	if (r->err)
		return 0;
	va_start(ap, fmt);
	key = strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!key) {
		fail(r);
		return 0;
	}
	return result_need(r, f, key, ret);
}

void result_free(struct result *r)
{
	free(r->observed);
	free(r->expected);
	free(r->message);
	free(r->remediation);
	for (size_t i = 0; i < r->n_evidence; i++) {
		free(r->evidence[i].source);
		free(r->evidence[i].value);
	}
	free(r->evidence);
	*r = (struct result){ 0 };
}
