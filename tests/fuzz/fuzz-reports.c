/* SPDX-License-Identifier: MIT */
/* libFuzzer target: reading reports back. reports/jscan must accept only what is JSON (what
 * it accepts, cJSON parses too), summarize's reader counts or refuses any bytes, and a report
 * cJSON parses goes through diff's reader and is compared with itself: no regression. */
#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reports/diff.h"
#include "reports/jscan.h"
#include "reports/summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct summary sum;
	struct jscan s;
	struct report_doc doc = { 0 };
	struct report_diff d = { 0 };
	char why[200], *reason = NULL, *text = NULL;
	size_t len;
	cJSON *json;

	if (jscan_validate(&s, buf, size) == 0) {
		json = cJSON_ParseWithLength(buf, size);
		if (!json)
			abort(); /* jscan took what is not JSON */
		cJSON_Delete(json);
	} else
		jscan_error(&s, why, sizeof(why));

	summary_init(&sum, 2);
	summary_add(&sum, "a.json", buf, size);
	summary_add(&sum, "b.json", buf, size);
	if (sum.reports + sum.unusable.count != 2)
		abort();
	if (summary_write_text(&sum, &text, &len) == 0)
		free(text);
	summary_free(&sum);

	json = cJSON_ParseWithLength(buf, size);
	if (json && report_doc_from_json(json, "a.json", &doc, &reason) == 0) {
		if (report_diff(&doc, &doc, &d) == 0 && (d.regressed || d.n != 0))
			abort(); /* a report differs from itself */
		report_diff_free(&d);
		report_doc_free(&doc);
	}
	free(reason);
	return 0;
}
