/* SPDX-License-Identifier: MIT */
#include "report.h"

#include <cJSON.h>

#include "core/util.h"

static const char *const verdict_names[] = {
	[VERDICT_COMPATIBLE] = "compatible",
	[VERDICT_INCOMPATIBLE] = "incompatible",
	[VERDICT_UNDECIDED] = "undecided",
};
_Static_assert(ELEMENTSOF(verdict_names) == _VERDICT_MAX, "verdict_names");

/* design.md, exit codes. */
static const int verdict_codes[] = {
	[VERDICT_COMPATIBLE] = 0,
	[VERDICT_INCOMPATIBLE] = 1,
	[VERDICT_UNDECIDED] = 3,
};
_Static_assert(ELEMENTSOF(verdict_codes) == _VERDICT_MAX, "verdict_codes");

const char *verdict_to_string(enum verdict v)
{
	return verdict_names[v];
}

int verdict_exit_code(enum verdict v)
{
	return verdict_codes[v];
}

void report_tally(struct report *rep)
{
	memset(rep->summary, 0, sizeof(rep->summary));
	for (size_t i = 0; i < rep->n_results; i++)
		rep->summary[rep->results[i].status]++;
	if (rep->summary[STATUS_FAIL] || (rep->cfg->strict && rep->summary[STATUS_WARN]))
		rep->verdict = VERDICT_INCOMPATIBLE;
	else if (rep->summary[STATUS_UNKNOWN])
		rep->verdict = VERDICT_UNDECIDED;
	else
		rep->verdict = VERDICT_COMPATIBLE;
}

const struct report_format report_formats[] = {
	{ "text", report_write_text },
	{ "json", report_write_json },
};
const size_t n_report_formats = ELEMENTSOF(report_formats);

const struct report_format *report_format_find(const char *name)
{
	for (size_t i = 0; i < n_report_formats; i++)
		if (streq(report_formats[i].name, name))
			return &report_formats[i];
	return NULL;
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

int json_print(const cJSON *json, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *text = cJSON_Print(json);
	char *out;

	if (!text)
		return -ENOMEM;
	out = strdup_printf("%s\n", text);
	if (!out)
		return -ENOMEM;
	*ret_len = strlen(out);
	*ret = out;
	return 0;
}
