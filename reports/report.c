/* SPDX-License-Identifier: MIT */
#include "report.h"

#include <cJSON.h>

#include "checks/checks.h"
#include "core/util.h"
#include "escape.h"

static const char *fact_value(const struct facts *f, const char *key)
{
	const struct fact *fa = f ? facts_get(f, key) : NULL;

	return fa && !fa->err ? fa->value : NULL;
}

static void header_fill(const struct report *rep, struct report_header *ret)
{
	const struct fact *mode = rep->facts ? facts_get(rep->facts, "host.mode") : NULL;
	struct report_header h = {
		.hostname = fact_value(rep->facts, "host.hostname"),
		.os_id = fact_value(rep->facts, "os.id"),
		.os_version_id = fact_value(rep->facts, "os.version_id"),
		.os_pretty_name = fact_value(rep->facts, "os.pretty_name"),
		.kernel = fact_value(rep->facts, "kernel.release"),
		.arch = fact_value(rep->facts, "platform.arch"),
		.mode = rep->mode,
		.mode_source = mode ? mode->source : NULL,
		.root = rep->root,
	};

	for (size_t i = 0; rep->facts && mode_evidence_keys[i]; i++) {
		const struct fact *fa = facts_get(rep->facts, mode_evidence_keys[i]);

		if (fa && h.n_mode_evidence < ELEMENTSOF(h.mode_evidence))
			h.mode_evidence[h.n_mode_evidence++] = fa;
	}
	*ret = h;
}

void report_tally(struct report *rep)
{
	struct tally t;

	verdict_tally(rep->results, rep->n_results, rep->cfg->strict, &t);
	memcpy(rep->summary, t.summary, sizeof(rep->summary));
	rep->verdict = t.verdict;
	header_fill(rep, &rep->header);
}

const char *result_assumed_key(const struct result *r, size_t i)
{
	const char *key = fact_assumed_key(r->evidence[i].source);

	for (size_t j = 0; key && j < i; j++)
		if (streq_ptr(fact_assumed_key(r->evidence[j].source), key))
			return NULL;
	return key;
}

const struct report_format report_formats[] = {
	{ "text", report_write_text, REPORT_FOR_CHECK | REPORT_FOR_IMAGE | REPORT_FOR_PROVISION },
	{ "json", report_write_json, REPORT_FOR_CHECK | REPORT_FOR_IMAGE | REPORT_FOR_PROVISION },
	{ "junit", report_write_junit, REPORT_FOR_CHECK },
	{ "tap", report_write_tap, REPORT_FOR_CHECK },
	{ "prom", report_write_prom, REPORT_FOR_CHECK | REPORT_FOR_PROVISION },
	{ "nfd", report_write_nfd, REPORT_FOR_CHECK },
};
const size_t n_report_formats = ELEMENTSOF(report_formats);

const struct report_format *report_format_find(const char *name)
{
	for (size_t i = 0; i < n_report_formats; i++)
		if (streq(report_formats[i].name, name))
			return &report_formats[i];
	return NULL;
}

size_t report_area_len(const char *id)
{
	const char *dot = strchr(id, '.');

	return dot ? (size_t)(dot - id) : strlen(id);
}

cJSON *report_json_head(const char *schema, time_t when)
{
	cJSON *root = cJSON_CreateObject(), *tool;
	char stamp[sizeof("2026-11-22T10:00:00Z")];
	struct tm tm;

	if (!root)
		return NULL;
	if (!gmtime_r(&when, &tm) || strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		goto fail;
	if (!cJSON_AddStringToObject(root, "schema", schema))
		goto fail;
	tool = cJSON_AddObjectToObject(root, "tool");
	if (!tool || !cJSON_AddStringToObject(tool, "name", "cvmprep") ||
	    !cJSON_AddStringToObject(tool, "version", CVMPREP_VERSION) ||
	    !cJSON_AddStringToObject(root, "generated_at", stamp))
		goto fail;
	return root;
fail:
	cJSON_Delete(root);
	return NULL;
}

/* The note an evidence object (or a fact) gets when its text was not UTF-8. */
#define UTF8_NOTE "not UTF-8: the bytes that are not are written \\xNN"

static char *escaped_copy(const char *s)
{
	_cleanup_free_ char *e = utf8_escape_invalid(s);
	char *c;

	if (!e)
		return NULL;
	c = cJSON_malloc(strlen(e) + 1);
	if (c)
		strcpy(c, e);
	return c;
}

/*
 * cJSON writes bytes as they are, so a host's invalid UTF-8 would make the document invalid
 * JSON: each string and member name that is not UTF-8 is rewritten with those bytes as \xNN,
 * and an object with a "source" (a piece of evidence, a fact) says so in "note".
 */
static int json_fix_utf8(cJSON *item)
{
	bool fixed = false;

	for (cJSON *c = item->child; c; c = c->next) {
		if (c->string && !utf8_valid(c->string)) {
			char *name = escaped_copy(c->string);

			if (!name)
				return -ENOMEM;
			if (!(c->type & cJSON_StringIsConst))
				cJSON_free(c->string);
			c->type &= ~cJSON_StringIsConst;
			c->string = name;
			fixed = true;
		}
		if (cJSON_IsString(c) && c->valuestring && !utf8_valid(c->valuestring)) {
			_cleanup_free_ char *e = utf8_escape_invalid(c->valuestring);

			if (!e || !cJSON_SetValuestring(c, e))
				return -ENOMEM;
			fixed = true;
		}
		if (c->child && json_fix_utf8(c) < 0)
			return -ENOMEM;
	}
	if (fixed && cJSON_IsObject(item) && cJSON_HasObjectItem(item, "source") &&
	    !cJSON_HasObjectItem(item, "note") && !cJSON_AddStringToObject(item, "note", UTF8_NOTE))
		return -ENOMEM;
	return 0;
}

int json_print(cJSON *json, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *text = NULL;
	char *out;
	size_t len;

	if (json_fix_utf8(json) < 0)
		return -ENOMEM;
	text = cJSON_Print(json); /* malloc()'ed: cvmprep sets no cJSON hooks */
	if (!text)
		return -ENOMEM;
	/* the final newline appended in place, not by a copy of the whole report */
	len = strlen(text);
	out = realloc(text, len + 2);
	if (!out)
		return -ENOMEM;
	text = NULL;
	out[len] = '\n';
	out[len + 1] = '\0';
	*ret_len = len + 1;
	*ret = out;
	return 0;
}
