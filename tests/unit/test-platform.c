/* SPDX-License-Identifier: MIT */
/*
 * checks/platform.c: platform.arch, every status of the rule on facts made here. Rules are
 * pure, so no host is needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

static const struct rule_case cases[] = {
	/* platform.arch */
	{ "platform.arch", 0, { "platform.arch=x86_64" }, STATUS_PASS, "supports x86_64" },
	{ "platform.arch", 0, { "platform.arch=aarch64" }, STATUS_PASS, "aarch64" },
	{ "platform.arch", 0, { "platform.arch=armv7l" }, STATUS_FAIL, "not armv7l" },
	{ "platform.arch", 0, { "platform.arch=s390x" }, STATUS_FAIL, "x86_64 and aarch64" },
	{ "platform.arch", 0, { "platform.arch!2" }, STATUS_UNKNOWN, "No such file" },
	{ "platform.arch", 0, { NULL }, STATUS_UNKNOWN, "no fact" },
};

RULE_CASES_TEST(test_rules, cases, RULE_WANT_FIX_WARN)

/* Each status the check can return has a case in the table above. */
static void test_every_status_covered(void **state)
{
	(void)state;
	RULE_CASES_COVER(cases, "platform.arch", STATUS_PASS, STATUS_FAIL, STATUS_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_every_status_covered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
