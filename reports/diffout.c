/* SPDX-License-Identifier: MIT */
/* A comparison of two reports (diff.h), as JSON (schema cvmprep.diff/v1) and as text. */
#include <cJSON.h>
#include <stdio.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "diff.h"
#include "escape.h"
#include "report.h"

static const char *str_member(const cJSON *o, const char *key)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool add_str(cJSON *o, const char *key, const char *s)
{
	return s ? cJSON_AddStringToObject(o, key, s) != NULL : cJSON_AddNullToObject(o, key) != NULL;
}

/* A report compared: where it is (null: this run), whose, when, its verdict. */
static bool add_side_report(cJSON *root, const char *key, const struct report_doc *d)
{
	cJSON *o = cJSON_AddObjectToObject(root, key);

	return o && add_str(o, "report", d->path) && add_str(o, "hostname", d->hostname) &&
	       add_str(o, "generated_at", d->generated_at) && add_str(o, "verdict", d->verdict);
}

/* One side of an entry: the check's status, observed and message there, or null. */
static bool add_side_check(cJSON *o, const char *key, const cJSON *check)
{
	cJSON *side;

	if (!check)
		return cJSON_AddNullToObject(o, key) != NULL;
	side = cJSON_AddObjectToObject(o, key);
	return side && add_str(side, "status", str_member(check, "status")) &&
	       add_str(side, "observed", str_member(check, "observed")) &&
	       add_str(side, "message", str_member(check, "message"));
}

static bool add_entry(cJSON *arr, const struct diff_entry *e)
{
	cJSON *o = cJSON_CreateObject(), *fields;

	if (!o || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return false;
	}
	if (!add_str(o, "id", str_member(e->new ? e->new : e->old, "id")) ||
	    !add_side_check(o, "old", e->old) || !add_side_check(o, "new", e->new))
		return false;
	fields = cJSON_AddArrayToObject(o, "fields");
	for (unsigned i = 0; fields && i < _DIFF_FIELD_COUNT; i++) {
		cJSON *s;

		if (!(e->fields & (1u << i)))
			continue;
		s = cJSON_CreateString(diff_field_to_string(i));
		if (!s || !cJSON_AddItemToArray(fields, s)) {
			cJSON_Delete(s);
			return false;
		}
	}
	return fields != NULL;
}

static bool add_comparison(cJSON *root, const struct report_diff *d)
{
	cJSON *summary;

	if (!add_side_report(root, "old", d->old) || !add_side_report(root, "new", d->new) ||
	    !cJSON_AddBoolToObject(root, "regressed", d->regressed))
		return false;
	summary = cJSON_AddObjectToObject(root, "summary");
	for (enum diff_kind k = 0; summary && k < _DIFF_MAX; k++)
		if (!cJSON_AddNumberToObject(summary, diff_kind_to_string(k), (double)d->count[k]))
			return false;
	if (!summary)
		return false;
	for (enum diff_kind k = 0; k < _DIFF_MAX; k++) {
		cJSON *arr = cJSON_AddArrayToObject(root, diff_kind_to_string(k));

		if (!arr)
			return false;
		for (size_t i = 0; i < d->n; i++)
			if (d->v[i].kind == k && !add_entry(arr, &d->v[i]))
				return false;
	}
	return true;
}

cJSON *report_diff_json(const struct report_diff *d)
{
	cJSON *o = cJSON_CreateObject();

	if (o && !add_comparison(o, d)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int report_diff_write_json(const struct report_diff *d, time_t when, char **ret, size_t *ret_len)
{
	_cleanup_(cJSON_Deletep) cJSON *root = report_json_head(DIFF_SCHEMA, when);

	if (!root || !add_comparison(root, d))
		return -ENOMEM;
	return json_print(root, ret, ret_len);
}

/* "'old.json' (node-a, 2026-11-22T10:00:00Z, compatible)", escaped: it reaches a terminal. */
static void write_side(FILE *out, const struct report_doc *d)
{
	if (d->path) {
		fputc('\'', out);
		text_escape_fputs(out, d->path);
		fputs("' (", out);
	} else
		fputs("this run (", out);
	text_escape_fputs(out, d->hostname ? d->hostname : "?");
	fputs(", ", out);
	text_escape_fputs(out, d->generated_at ? d->generated_at : "?");
	fputs(", ", out);
	text_escape_fputs(out, d->verdict);
	fputc(')', out);
}

static void write_check_line(FILE *out, const char *label, const cJSON *c)
{
	const char *obs = str_member(c, "observed"), *msg = str_member(c, "message");

	fprintf(out, "      %s: ", label);
	text_escape_fputs(out, str_member(c, "status"));
	fputs(", ", out);
	text_escape_fputs(out, obs ? obs : "-");
	fputs(": ", out);
	text_escape_fputs(out, msg ? msg : "");
	fputc('\n', out);
}

static void write_entry(FILE *out, const struct diff_entry *e)
{
	const cJSON *c = e->new ? e->new : e->old;

	fputs("  ", out);
	text_escape_fputs(out, str_member(c, "id"));
	if (e->old && e->new) {
		fputs("  ", out);
		text_escape_fputs(out, str_member(e->old, "status"));
		if (e->fields & DIFF_FIELD_STATUS) {
			fputs(" -> ", out);
			text_escape_fputs(out, str_member(e->new, "status"));
		}
		for (unsigned i = 1, first = 1; i < _DIFF_FIELD_COUNT; i++)
			if (e->fields & (1u << i)) {
				fprintf(out, "%s%s", first ? ", changed: " : " ",
					diff_field_to_string(i));
				first = 0;
			}
	}
	fputc('\n', out);
	if (e->old)
		write_check_line(out, "old", e->old);
	if (e->new)
		write_check_line(out, "new", e->new);
}

/* A group's name for one of its kind: "1 regression, 2 fixes". */
static const char *const kind_one[] = {
	[DIFF_REGRESSION] = "regression", [DIFF_FIX] = "fix", [DIFF_CHANGE] = "change",
	[DIFF_ADDED] = "added",           [DIFF_REMOVED] = "removed",
};
_Static_assert(ELEMENTSOF(kind_one) == _DIFF_MAX, "kind_one");

int report_diff_write_text(const struct report_diff *d, bool with_head, char **ret,
			   size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		return -ENOMEM;
	fputs(with_head ? "cvmprep diff: " : "\nbaseline: ", out);
	write_side(out, d->old);
	fputs(" -> ", out);
	write_side(out, d->new);
	fputc('\n', out);
	for (enum diff_kind k = 0; k < _DIFF_MAX; k++) {
		if (!d->count[k])
			continue;
		fprintf(out, "\n%s (%zu):\n", diff_kind_to_string(k), d->count[k]);
		for (size_t i = 0; i < d->n; i++)
			if (d->v[i].kind == k)
				write_entry(out, &d->v[i]);
	}
	fputc('\n', out);
	for (enum diff_kind k = 0; k < _DIFF_MAX; k++)
		fprintf(out, "%zu %s%s", d->count[k],
			d->count[k] == 1 ? kind_one[k] : diff_kind_to_string(k),
			k + 1 < _DIFF_MAX ? ", " : "\n");
	fputs("verdict ", out);
	text_escape_fputs(out, d->old->verdict);
	fputs(" -> ", out);
	text_escape_fputs(out, d->new->verdict);
	fprintf(out, ": %s\n", d->regressed ? "regressed" : "no regression");
	if (fclose(out) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}
