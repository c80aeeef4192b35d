/* SPDX-License-Identifier: MIT */
/* Reading back a document the tool wrote: a facts file, a report. */
#include "docload.h"

#include <cJSON.h>

#include "core/cleanup.h"
#include "core/fileio.h"
#include "core/util.h"
#include "jscan.h"

char *doc_schema_mismatch(const char *got, const char *want, int *ret_oom)
{
	/* "cvmprep.facts/v1": the family before the last "/v", then its version. */
	const char *slash = strrchr(want, '/');
	size_t family = slash ? (size_t)(slash - want) : strlen(want);
	char *why;

	*ret_oom = 0;
	if (got && streq(got, want))
		return NULL;
	if (!got)
		why = strdup_printf("no \"schema\" string: not a document cvmprep writes (%s)", want);
	else if (strncmp(got, want, family) == 0 && got[family] == '/')
		why = strdup_printf("schema version '%s' is not supported: this cvmprep reads %s",
				    got, want);
	else
		why = strdup_printf("schema '%s' is not %s", got, want);
	if (!why)
		*ret_oom = 1;
	return why;
}

int doc_load(const char *path, const char *want, cJSON **ret, char **ret_why)
{
	_cleanup_free_ char *text = NULL;
	const cJSON *schema;
	struct jscan s;
	size_t len;
	cJSON *json;
	char why[160], *mismatch;
	int r, oom;

	r = read_file(path, DOC_SIZE_MAX, &text, &len);
	if (r < 0)
		return r;
	/* Our own reader first: it tells a file cut short from one that is wrong, and where. */
	if (jscan_validate(&s, text, len) < 0) {
		*ret_why = strdup(text[strspn(text, " \t\r\n")] == '\0' && s.err == JSCAN_TRUNCATED
					  ? "empty: no JSON in it"
					  : jscan_error(&s, why, sizeof(why)));
		return *ret_why ? -EINVAL : -ENOMEM;
	}
	json = cJSON_ParseWithLength(text, len);
	if (!json)
		return -ENOMEM; /* valid JSON that cJSON cannot hold */
	if (!cJSON_IsObject(json)) {
		cJSON_Delete(json);
		*ret_why = strdup("not a JSON object");
		return *ret_why ? -EINVAL : -ENOMEM;
	}
	schema = cJSON_GetObjectItemCaseSensitive(json, "schema");
	mismatch = doc_schema_mismatch(cJSON_IsString(schema) ? schema->valuestring : NULL, want,
				       &oom);
	if (mismatch || oom) {
		cJSON_Delete(json);
		*ret_why = mismatch;
		return oom ? -ENOMEM : -EINVAL;
	}
	*ret = json;
	return 0;
}
