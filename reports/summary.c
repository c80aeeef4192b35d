/* SPDX-License-Identifier: MIT */
/* Counting JSON reports across a fleet, one report at a time: see summary.h. */
#include "summary.h"

#include "core/util.h"
#include "docload.h"
#include "jscan.h"
#include "report.h"

/* Ids and hostnames longer than these make a report unusable, or are cut (a hostname). */
#define ID_MAX 256
#define HOSTNAME_MAX 256

void summary_init(struct summary *s, size_t limit)
{
	*s = (struct summary){ .limit = limit < SUMMARY_NODES_MAX ? limit : SUMMARY_NODES_MAX };
}

static void node_free(struct summary_node *n)
{
	free(n->report);
	free(n->hostname);
	free(n->ids);
	free(n->error);
}

static void list_free(struct summary_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		node_free(&l->v[i]);
	free(l->v);
}

void summary_free(struct summary *s)
{
	idtab_free(&s->ids);
	free(s->per_id);
	for (size_t i = 0; i < _VERDICT_MAX; i++)
		list_free(&s->nodes[i]);
	list_free(&s->unusable);
	free(s->cur);
	*s = (struct summary){ 0 };
}

/*
 * Counts node into l and keeps it when it is among the first s->limit by report path (a sorted
 * insertion: the limit is small). Takes node's fields in every case. Returns 0 or -ENOMEM.
 */
static int list_add(const struct summary *s, struct summary_list *l, struct summary_node *node)
{
	size_t at = l->n;

	l->count++;
	while (at > 0 && strcmp(node->report, l->v[at - 1].report) < 0)
		at--;
	if (at >= s->limit) {
		node_free(node);
		return 0;
	}
	if (!l->v) {
		l->v = calloc(s->limit, sizeof(*l->v));
		if (!l->v) {
			node_free(node);
			return -ENOMEM;
		}
	}
	if (l->n == s->limit)
		node_free(&l->v[--l->n]);
	memmove(&l->v[at + 1], &l->v[at], (l->n - at) * sizeof(*l->v));
	l->v[at] = *node;
	l->n++;
	return 0;
}

int summary_add_unusable(struct summary *s, const char *path, const char *why)
{
	struct summary_node n = { .report = strdup(path), .error = strdup(why) };

	if (!n.report || !n.error) {
		node_free(&n);
		return -ENOMEM;
	}
	return list_add(s, &s->unusable, &n);
}

/* The registry's place of id, or after every check of it for an id it lacks. */
static size_t id_order(const char *id, size_t number)
{
	const struct check *c = checks_find(id);

	for (size_t i = 0; c && i < checks_count(); i++)
		if (checks_get(i) == c)
			return i;
	return checks_count() + number;
}

/* The number of check id str (decoded into buf), counted from zero when it is new. */
static long id_number(struct summary *s, const struct jscan_str *str, char *buf)
{
	size_t len, before = s->ids.n;
	long k;

	/* The common case: an id met before, without escapes, looked up where it is. */
	if (!str->escaped && (k = idtab_find(&s->ids, str->raw, str->len)) >= 0)
		return k;
	len = jscan_str_copy(str, buf, ID_MAX);
	k = idtab_add(&s->ids, buf, len);
	if (k < 0 || s->ids.n == before)
		return k;
	if ((size_t)k >= s->cap_per_id) {
		size_t cap = s->cap_per_id ? 2 * s->cap_per_id : 256;
		struct summary_id *v = realloc(s->per_id, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->per_id = v;
		s->cap_per_id = cap;
	}
	s->per_id[k] = (struct summary_id){ .order = id_order(buf, (size_t)k) };
	return k;
}

/* One of the names of a table (status or verdict), or -1. */
static int name_of(const struct jscan_str *str, const char *(*to_string)(int), int n)
{
	for (int i = 0; i < n; i++)
		if (jscan_str_is(str, to_string(i)))
			return i;
	return -1;
}

static const char *status_name(int i)
{
	return status_to_string((enum status)i);
}

static const char *verdict_name(int i)
{
	return verdict_to_string((enum verdict)i);
}

/* What reading one report found; why points to a static phrase or into whybuf. */
struct scan {
	struct jscan js;
	size_t n_cur;
	int verdict; /* -1 until read */
	bool schema_ok;
	char hostname[HOSTNAME_MAX];
	bool has_hostname;
	const char *why;
	char whybuf[200];
	size_t report; /* its number, for summary_id.seen_in */
};

/* "checks": [{"id": ..., "status": ...}, ...]; returns 0, -1 (why set) or -ENOMEM. */
static int scan_checks(struct summary *s, struct scan *sc)
{
	char id[ID_MAX];
	int r;

	if (jscan_enter(&sc->js, JSCAN_ARRAY) < 0)
		return -1;
	while ((r = jscan_element(&sc->js)) > 0) {
		struct jscan_str key, str;
		long k = -1;
		int st = -1;

		if (jscan_enter(&sc->js, JSCAN_OBJECT) < 0)
			return -1;
		while ((r = jscan_member(&sc->js, &key)) > 0) {
			if (jscan_str_is(&key, "id")) {
				if (jscan_string(&sc->js, &str) < 0)
					return -1;
				if (str.len == 0 || str.len >= ID_MAX)
					return sc->why = "a check id is empty or too long", -1;
				k = id_number(s, &str, id);
				if (k < 0)
					return -ENOMEM;
			} else if (jscan_str_is(&key, "status")) {
				if (jscan_string(&sc->js, &str) < 0)
					return -1;
				st = name_of(&str, status_name, _STATUS_MAX);
				if (st < 0)
					return sc->why = "a check's status is not pass, warn, fail, unknown or skip", -1;
			} else if (jscan_skip(&sc->js) < 0)
				return -1;
		}
		if (r < 0)
			return -1;
		if (k < 0 || st < 0)
			return sc->why = "a check has no id or no status", -1;
		if (s->per_id[k].seen_in == sc->report) {
			snprintf(sc->whybuf, sizeof(sc->whybuf), "check '%s' is there twice",
				 s->ids.ids[k]);
			return sc->why = sc->whybuf, -1;
		}
		s->per_id[k].seen_in = sc->report;
		/* At most one entry per distinct id: the scratch is bounded by them. */
		if (sc->n_cur == s->cap_cur) {
			size_t cap = s->cap_cur ? 2 * s->cap_cur : 256;
			struct summary_check *v = realloc(s->cur, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			s->cur = v;
			s->cap_cur = cap;
		}
		s->cur[sc->n_cur++] = (struct summary_check){ .id = (size_t)k, .status = st };
	}
	return r < 0 ? -1 : 0;
}

/* The report's top-level members that count; returns 0, -1 (why set) or -ENOMEM. */
static int scan_report(struct summary *s, struct scan *sc)
{
	struct jscan_str key, str;
	bool checks = false;
	int r;

	if (jscan_enter(&sc->js, JSCAN_OBJECT) < 0)
		return -1;
	while ((r = jscan_member(&sc->js, &key)) > 0) {
		if (jscan_str_is(&key, "schema")) {
			if (jscan_string(&sc->js, &str) < 0)
				return -1;
			sc->schema_ok = jscan_str_is(&str, REPORT_SCHEMA);
			if (!sc->schema_ok) {
				char got[64];
				int oom;
				char *m;

				jscan_str_copy(&str, got, sizeof(got));
				m = doc_schema_mismatch(got, REPORT_SCHEMA, &oom);
				if (!m)
					return -ENOMEM;
				snprintf(sc->whybuf, sizeof(sc->whybuf), "%s", m);
				free(m);
				return sc->why = sc->whybuf, -1;
			}
		} else if (jscan_str_is(&key, "host") && jscan_peek(&sc->js) == JSCAN_OBJECT) {
			if (jscan_enter(&sc->js, JSCAN_OBJECT) < 0)
				return -1;
			while ((r = jscan_member(&sc->js, &key)) > 0)
				if (jscan_str_is(&key, "hostname") &&
				    jscan_peek(&sc->js) == JSCAN_STRING) {
					if (jscan_string(&sc->js, &str) < 0)
						return -1;
					jscan_str_copy(&str, sc->hostname, sizeof(sc->hostname));
					sc->has_hostname = true;
				} else if (jscan_skip(&sc->js) < 0)
					return -1;
			if (r < 0)
				return -1;
		} else if (jscan_str_is(&key, "verdict")) {
			if (jscan_string(&sc->js, &str) < 0)
				return -1;
			sc->verdict = name_of(&str, verdict_name, _VERDICT_MAX);
			if (sc->verdict < 0)
				return sc->why = "the verdict is not compatible, incompatible or undecided", -1;
		} else if (jscan_str_is(&key, "checks")) {
			r = scan_checks(s, sc);
			if (r < 0)
				return r;
			checks = true;
		} else if (jscan_skip(&sc->js) < 0)
			return -1;
	}
	if (r < 0 || jscan_finish(&sc->js) < 0)
		return -1;
	if (!sc->schema_ok)
		return sc->why = "no \"schema\" string: not a cvmprep report", -1;
	if (sc->verdict < 0)
		return sc->why = "no \"verdict\"", -1;
	if (!checks)
		return sc->why = "no \"checks\" array", -1;
	return 0;
}

static size_t count_status(const struct summary *s, const struct scan *sc, enum status st)
{
	size_t k = 0;

	for (size_t i = 0; i < sc->n_cur; i++)
		k += s->cur[i].status == st;
	return k;
}

/* Names a node of verdict v with the ids of the checks that made it so: its unknowns when
 * undecided, its fails when incompatible (or, under --strict with none, its warnings). */
static int add_node(struct summary *s, const char *path, const struct scan *sc, enum verdict v)
{
	enum status why = v == VERDICT_UNDECIDED ? STATUS_UNKNOWN : STATUS_FAIL;
	struct summary_node n = { .report = strdup(path) };
	size_t k;

	if (why == STATUS_FAIL && count_status(s, sc, STATUS_FAIL) == 0)
		why = STATUS_WARN;
	k = count_status(s, sc, why);
	n.ids = calloc(k + 1, sizeof(*n.ids));
	if (!n.report || !n.ids || (sc->has_hostname && !(n.hostname = strdup(sc->hostname)))) {
		node_free(&n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < sc->n_cur; i++)
		if (s->cur[i].status == why)
			n.ids[n.n_ids++] = s->cur[i].id;
	return list_add(s, &s->nodes[v], &n);
}

int summary_add(struct summary *s, const char *path, const char *buf, size_t len)
{
	struct scan sc = { .verdict = -1, .report = s->reports + s->unusable.count + 1 };
	char why[200];
	int r;

	jscan_init(&sc.js, buf, len);
	r = scan_report(s, &sc);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return summary_add_unusable(s, path,
					    sc.why ? sc.why : jscan_error(&sc.js, why, sizeof(why)));
	/* Counted only now that the whole report is known good. */
	for (size_t i = 0; i < sc.n_cur; i++)
		s->per_id[s->cur[i].id].count[s->cur[i].status]++;
	s->reports++;
	s->verdicts[sc.verdict]++;
	if (sc.verdict != VERDICT_COMPATIBLE)
		return add_node(s, path, &sc, (enum verdict)sc.verdict);
	return 0;
}
