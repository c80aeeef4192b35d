/* SPDX-License-Identifier: MIT */
#include "verdict.h"

#include <string.h>

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

void verdict_tally(const struct result *results, size_t n, bool strict, struct tally *ret)
{
	struct tally t = { .verdict = VERDICT_COMPATIBLE };

	for (size_t i = 0; i < n; i++)
		t.summary[results[i].status]++;
	if (t.summary[STATUS_FAIL] || (strict && t.summary[STATUS_WARN]))
		t.verdict = VERDICT_INCOMPATIBLE;
	else if (t.summary[STATUS_UNKNOWN])
		t.verdict = VERDICT_UNDECIDED;
	else
		t.verdict = VERDICT_COMPATIBLE;
	*ret = t;
}
