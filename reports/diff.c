/* SPDX-License-Identifier: MIT */
/* Two reports compared check by check: regressions, fixes, changes, checks added and removed. */
#include "diff.h"

#include <cJSON.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "docload.h"
#include "idtab.h"
#include "report.h"

/* The rank of a status, as the verdict weighs it: a fail makes a node incompatible, an unknown
 * undecided, a warn is allowed; skip is not worse than pass. -1: not a status. */
static int status_rank(const char *s)
{
	static const struct {
		const char *name;
		int rank;
	} ranks[] = {
		{ "pass", 0 }, { "skip", 0 }, { "warn", 1 }, { "unknown", 2 }, { "fail", 3 },
	};

	for (size_t i = 0; s && i < ELEMENTSOF(ranks); i++)
		if (streq(s, ranks[i].name))
			return ranks[i].rank;
	return -1;
}

static int verdict_rank(const char *v)
{
	static const char *const verdicts[] = { "compatible", "undecided", "incompatible" };

	for (size_t i = 0; v && i < ELEMENTSOF(verdicts); i++)
		if (streq(v, verdicts[i]))
			return (int)i;
	return -1;
}

static const char *str_member(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int why(char **ret_why, const char *fmt, ...) _printf_(2, 3);
static int why(char **ret_why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*ret_why = strdup_vprintf(fmt, ap);
	va_end(ap);
	return *ret_why ? -EINVAL : -ENOMEM;
}

int report_doc_from_json(cJSON *json, const char *path, struct report_doc *ret, char **ret_why)
{
	struct report_doc d = { .json = json, .path = path };
	struct idtab ids = { 0 };
	const cJSON *checks = cJSON_GetObjectItemCaseSensitive(json, "checks"), *c;
	const cJSON *host = cJSON_GetObjectItemCaseSensitive(json, "host");
	size_t i = 0;
	int r = 0;

	d.verdict = str_member(json, "verdict");
	d.generated_at = str_member(json, "generated_at");
	d.hostname = str_member(host, "hostname");
	if (verdict_rank(d.verdict) < 0)
		r = why(ret_why, "no \"verdict\" of compatible, incompatible or undecided");
	else if (!cJSON_IsArray(checks))
		r = why(ret_why, "no \"checks\" array");
	else if (!(d.checks = calloc((size_t)cJSON_GetArraySize(checks) + 1, sizeof(*d.checks))))
		r = -ENOMEM;
	if (r < 0)
		checks = NULL;
	cJSON_ArrayForEach(c, checks)
	{
		const char *id = str_member(c, "id");
		long k;

		if (!id || !*id) {
			r = why(ret_why, "check %zu has no \"id\"", i + 1);
			break;
		}
		if (status_rank(str_member(c, "status")) < 0) {
			r = why(ret_why, "check '%s' has no \"status\" of pass, warn, fail, unknown or skip", id);
			break;
		}
		k = idtab_add(&ids, id, strlen(id));
		if (k < 0) {
			r = (int)k;
			break;
		}
		if ((size_t)k != i) {
			r = why(ret_why, "check '%s' is there twice", id);
			break;
		}
		d.checks[i++] = c;
	}
	idtab_free(&ids);
	d.n_checks = i;
	if (r < 0) {
		report_doc_free(&d);
		return r;
	}
	*ret = d;
	return 0;
}

int report_doc_load(const char *path, struct report_doc *ret, char **ret_why)
{
	cJSON *json = NULL;
	int r = doc_load(path, REPORT_SCHEMA, &json, ret_why);

	return r < 0 ? r : report_doc_from_json(json, path, ret, ret_why);
}

void report_doc_free(struct report_doc *d)
{
	cJSON_Delete(d->json);
	free(d->checks);
	*d = (struct report_doc){ 0 };
}

static const char *const diff_kinds[] = {
	[DIFF_REGRESSION] = "regressions", [DIFF_FIX] = "fixes",     [DIFF_CHANGE] = "changes",
	[DIFF_ADDED] = "added",            [DIFF_REMOVED] = "removed",
};
_Static_assert(ELEMENTSOF(diff_kinds) == _DIFF_MAX, "diff_kinds");

const char *diff_kind_to_string(enum diff_kind k)
{
	return diff_kinds[k];
}

/* The fields compared, by DIFF_FIELD_* bit; status first. */
static const char *const diff_fields[] = {
	"status", "observed", "expected", "message", "remediation", "evidence",
};
_Static_assert(ELEMENTSOF(diff_fields) == _DIFF_FIELD_COUNT, "diff_fields");

const char *diff_field_to_string(unsigned bit_index)
{
	return bit_index < ELEMENTSOF(diff_fields) ? diff_fields[bit_index] : NULL;
}

/* Which fields differ between two versions of a check (the duration never counts). */
static unsigned fields_differ(const cJSON *a, const cJSON *b)
{
	unsigned bits = 0;

	for (unsigned i = 0; i < ELEMENTSOF(diff_fields); i++) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, diff_fields[i]);
		const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, diff_fields[i]);

		if ((x || y) && !(x && y && cJSON_Compare(x, y, true)))
			bits |= 1u << i;
	}
	return bits;
}

static void classify(struct diff_entry *e)
{
	int was = status_rank(str_member(e->old, "status"));
	int now = status_rank(str_member(e->new, "status"));

	e->fields = fields_differ(e->old, e->new);
	e->kind = now > was ? DIFF_REGRESSION : now < was ? DIFF_FIX : DIFF_CHANGE;
}

int report_diff(const struct report_doc *old, const struct report_doc *new,
		struct report_diff *ret)
{
	struct report_diff d = { .old = old, .new = new };
	_cleanup_free_ struct diff_entry *all = NULL;
	_cleanup_free_ bool *matched = calloc(old->n_checks + 1, sizeof(*matched));
	struct idtab ids = { 0 };
	size_t n = 0;
	int r = 0;

	all = calloc(old->n_checks + new->n_checks + 1, sizeof(*all));
	d.v = calloc(old->n_checks + new->n_checks + 1, sizeof(*d.v));
	if (!all || !d.v || !matched)
		goto oom;
	for (size_t i = 0; i < old->n_checks; i++) {
		const char *id = str_member(old->checks[i], "id");

		if (idtab_add(&ids, id, strlen(id)) < 0)
			goto oom;
	}
	/* In the new report's order; then what only the old one has, in its order. */
	for (size_t i = 0; i < new->n_checks; i++) {
		const char *id = str_member(new->checks[i], "id");
		long k = idtab_find(&ids, id, strlen(id));
		struct diff_entry e = { .kind = DIFF_ADDED, .new = new->checks[i] };

		if (k >= 0) {
			e.old = old->checks[k];
			matched[k] = true;
			classify(&e);
			if (e.kind == DIFF_CHANGE && !e.fields)
				continue;
		}
		all[n++] = e;
	}
	for (size_t i = 0; i < old->n_checks; i++)
		if (!matched[i])
			all[n++] = (struct diff_entry){ .kind = DIFF_REMOVED, .old = old->checks[i] };
	/* Grouped, each group keeping that order. */
	for (enum diff_kind k = 0; k < _DIFF_MAX; k++)
		for (size_t i = 0; i < n; i++)
			if (all[i].kind == k) {
				d.v[d.n++] = all[i];
				d.count[k]++;
			}
	d.verdict_worse = verdict_rank(new->verdict) > verdict_rank(old->verdict);
	d.regressed = d.count[DIFF_REGRESSION] > 0 || d.verdict_worse;
	idtab_free(&ids);
	*ret = d;
	return 0;
oom:
	r = -ENOMEM;
	idtab_free(&ids);
	free(d.v);
	return r;
}

void report_diff_free(struct report_diff *d)
{
	free(d->v);
	*d = (struct report_diff){ 0 };
}
