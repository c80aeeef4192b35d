/* SPDX-License-Identifier: MIT */
/* A fleet summary (summary.h), as text and as JSON (schema cvmprep.summary/v1). */
#include <cJSON.h>
#include <stdio.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "escape.h"
#include "report.h"
#include "summary.h"

/* The lists a summary names, in the order it shows them. */
static const struct {
	const char *key;  /* JSON member */
	const char *what; /* text heading */
	enum verdict verdict;
} node_lists[] = {
	{ "incompatible", "incompatible nodes", VERDICT_INCOMPATIBLE },
	{ "undecided", "undecided nodes", VERDICT_UNDECIDED },
};

/* The ids counted by a usable report, in report order; *ret_n of them (caller frees). */
static size_t *ids_in_order(const struct summary *s, size_t *ret_n)
{
	size_t *v = calloc(s->ids.n + 1, sizeof(*v)), n = 0;

	for (size_t i = 0; v && i < s->ids.n; i++) {
		unsigned long total = 0;

		for (enum status st = 0; st < _STATUS_MAX; st++)
			total += s->per_id[i].count[st];
		if (total == 0) /* met only in a report that turned out unusable */
			continue;
		/* Insertion by order: the ids are a few hundred. */
		size_t at = n++;
		while (at > 0 && s->per_id[v[at - 1]].order > s->per_id[i].order) {
			v[at] = v[at - 1];
			at--;
		}
		v[at] = i;
	}
	*ret_n = n;
	return v;
}

/* The ids that failed somewhere, most failing first (ties in report order), at most
 * SUMMARY_TOP; in v, which holds the ids in report order (changed in place: a stable sort). */
static size_t top_failing(const struct summary *s, size_t *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		size_t id = v[i], at;

		if (s->per_id[id].count[STATUS_FAIL] == 0)
			continue;
		at = k++;
		while (at > 0 && s->per_id[v[at - 1]].count[STATUS_FAIL] < s->per_id[id].count[STATUS_FAIL]) {
			v[at] = v[at - 1];
			at--;
		}
		v[at] = id;
	}
	return k < SUMMARY_TOP ? k : SUMMARY_TOP;
}

/* "incompatible nodes (2000, the first 20 by report path; ...):", or ": none". */
static void write_list_head(FILE *out, const char *what, const struct summary_list *l)
{
	fprintf(out, "\n%s", what);
	if (l->count == 0) {
		fputs(": none\n", out);
		return;
	}
	fprintf(out, " (%zu", l->count);
	if (l->count > l->n)
		fprintf(out, "; the first %zu by report path, --nodes N names up to %d", l->n,
			SUMMARY_NODES_MAX);
	fputs("):\n", out);
}

int summary_write_text(const struct summary *s, char **ret, size_t *ret_len)
{
	_cleanup_free_ size_t *v = NULL;
	char *buf = NULL;
	size_t len = 0, n, id_w = strlen("CHECK"), top;
	FILE *out;

	v = ids_in_order(s, &n);
	if (!v)
		return -ENOMEM;
	out = open_memstream(&buf, &len);
	if (!out)
		return -ENOMEM;
	fprintf(out, "cvmprep summarize: %lu reports", s->reports);
	for (enum verdict x = 0; x < _VERDICT_MAX; x++)
		fprintf(out, "%s%lu %s", x ? ", " : ": ", s->verdicts[x], verdict_to_string(x));
	fprintf(out, "; %zu unusable\n\n", s->unusable.count);
	for (size_t i = 0; i < n; i++)
		if (strlen(s->ids.ids[v[i]]) > id_w)
			id_w = strlen(s->ids.ids[v[i]]);
	fprintf(out, "%-*s", (int)id_w, "CHECK");
	for (enum status st = 0; st < _STATUS_MAX; st++)
		fprintf(out, "  %7s", status_to_string(st));
	fputc('\n', out);
	for (size_t i = 0; i < n; i++) {
		text_escape_fputs(out, s->ids.ids[v[i]]);
		fprintf(out, "%*s", (int)(id_w - strlen(s->ids.ids[v[i]])), "");
		for (enum status st = 0; st < _STATUS_MAX; st++)
			fprintf(out, "  %7lu", s->per_id[v[i]].count[st]);
		fputc('\n', out);
	}
	top = top_failing(s, v, n);
	fprintf(out, "\nmost failing checks:%s\n", top ? "" : " none");
	for (size_t i = 0; i < top; i++) {
		fputs("  ", out);
		text_escape_fputs(out, s->ids.ids[v[i]]);
		fprintf(out, "%*s  %lu node%s\n", (int)(id_w - strlen(s->ids.ids[v[i]])), "",
			s->per_id[v[i]].count[STATUS_FAIL],
			s->per_id[v[i]].count[STATUS_FAIL] == 1 ? "" : "s");
	}
	for (size_t k = 0; k < ELEMENTSOF(node_lists); k++) {
		const struct summary_list *l = &s->nodes[node_lists[k].verdict];

		write_list_head(out, node_lists[k].what, l);
		for (size_t i = 0; i < l->n; i++) {
			fputs("  ", out);
			text_escape_fputs(out, l->v[i].report);
			fputs(" (", out);
			text_escape_fputs(out, l->v[i].hostname ? l->v[i].hostname : "?");
			fputs("):", out);
			for (size_t j = 0; j < l->v[i].n_ids; j++) {
				fputs(j ? ", " : " ", out);
				text_escape_fputs(out, s->ids.ids[l->v[i].ids[j]]);
			}
			fputs(l->v[i].n_ids ? "\n" : " its verdict\n", out);
		}
	}
	write_list_head(out, "unusable reports", &s->unusable);
	for (size_t i = 0; i < s->unusable.n; i++) {
		fputs("  ", out);
		text_escape_fputs(out, s->unusable.v[i].report);
		fputs(": ", out);
		text_escape_fputs(out, s->unusable.v[i].error);
		fputc('\n', out);
	}
	if (fclose(out) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

static bool add_str(cJSON *o, const char *key, const char *str)
{
	return str ? cJSON_AddStringToObject(o, key, str) != NULL
		   : cJSON_AddNullToObject(o, key) != NULL;
}

static cJSON *add_object(cJSON *arr)
{
	cJSON *o = cJSON_CreateObject();

	if (o && !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* {"count", "listed", "nodes": [...]}: a list, its nodes with the ids, or the reports with
 * their errors. */
static bool add_list(cJSON *root, const char *key, const struct summary *s,
		     const struct summary_list *l, bool errors)
{
	cJSON *o = cJSON_AddObjectToObject(root, key), *arr;

	if (!o || !cJSON_AddNumberToObject(o, "count", (double)l->count) ||
	    !cJSON_AddNumberToObject(o, "listed", (double)l->n))
		return false;
	arr = cJSON_AddArrayToObject(o, errors ? "reports" : "nodes");
	for (size_t i = 0; arr && i < l->n; i++) {
		cJSON *node = add_object(arr), *ids;

		if (!node || !add_str(node, "report", l->v[i].report))
			return false;
		if (errors) {
			if (!add_str(node, "error", l->v[i].error))
				return false;
			continue;
		}
		if (!add_str(node, "hostname", l->v[i].hostname))
			return false;
		ids = cJSON_AddArrayToObject(node, "checks");
		for (size_t j = 0; ids && j < l->v[i].n_ids; j++) {
			cJSON *str = cJSON_CreateString(s->ids.ids[l->v[i].ids[j]]);

			if (!str || !cJSON_AddItemToArray(ids, str)) {
				cJSON_Delete(str);
				return false;
			}
		}
		if (!ids)
			return false;
	}
	return arr != NULL;
}

static bool add_body(cJSON *root, const struct summary *s, size_t *v, size_t n)
{
	cJSON *o = cJSON_AddObjectToObject(root, "reports"), *arr;
	size_t top;

	if (!o || !cJSON_AddNumberToObject(o, "usable", (double)s->reports) ||
	    !cJSON_AddNumberToObject(o, "unusable", (double)s->unusable.count))
		return false;
	o = cJSON_AddObjectToObject(root, "verdicts");
	for (enum verdict x = 0; o && x < _VERDICT_MAX; x++)
		if (!cJSON_AddNumberToObject(o, verdict_to_string(x), (double)s->verdicts[x]))
			return false;
	arr = cJSON_AddArrayToObject(root, "checks");
	if (!o || !arr)
		return false;
	for (size_t i = 0; i < n; i++) {
		cJSON *c = add_object(arr);

		if (!c || !add_str(c, "id", s->ids.ids[v[i]]))
			return false;
		for (enum status st = 0; st < _STATUS_MAX; st++)
			if (!cJSON_AddNumberToObject(c, status_to_string(st),
						     (double)s->per_id[v[i]].count[st]))
				return false;
	}
	top = top_failing(s, v, n);
	arr = cJSON_AddArrayToObject(root, "most_failing");
	for (size_t i = 0; arr && i < top; i++) {
		cJSON *c = add_object(arr);

		if (!c || !add_str(c, "id", s->ids.ids[v[i]]) ||
		    !cJSON_AddNumberToObject(c, "fail", (double)s->per_id[v[i]].count[STATUS_FAIL]))
			return false;
	}
	if (!arr || !cJSON_AddNumberToObject(root, "node_limit", (double)s->limit))
		return false;
	for (size_t k = 0; k < ELEMENTSOF(node_lists); k++)
		if (!add_list(root, node_lists[k].key, s, &s->nodes[node_lists[k].verdict], false))
			return false;
	return add_list(root, "unusable", s, &s->unusable, true);
}

int summary_write_json(const struct summary *s, time_t when, char **ret, size_t *ret_len)
{
	_cleanup_(cJSON_Deletep) cJSON *root = report_json_head(SUMMARY_SCHEMA, when);
	_cleanup_free_ size_t *v = NULL;
	size_t n;

	v = ids_in_order(s, &n);
	if (!root || !v || !add_body(root, s, v, n))
		return -ENOMEM;
	return json_print(root, ret, ret_len);
}
