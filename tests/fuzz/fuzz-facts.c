/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a --facts document (or its "facts" member alone), as cJSON parses it and
 * facts_from_json reads it. */
#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *json = cJSON_ParseWithLength((const char *)data, size);
	struct facts f = { 0 };
	const char *bad = NULL;

	if (json) {
		const cJSON *facts = cJSON_GetObjectItemCaseSensitive(json, "facts");

		facts_from_json(facts ? facts : json, &f, &bad);
		cJSON_Delete(json);
	}
	facts_free(&f);
	return 0;
}
