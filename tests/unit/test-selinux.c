/* SPDX-License-Identifier: MIT */
/*
 * checks/selinux.c: security.selinux, every status of the rule on facts made here. Rules are
 * pure, so no host is needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

static const struct rule_case cases[] = {
	/* security.selinux */
	{ "security.selinux", 0, { "selinux.mount", "selinux.config!2" }, STATUS_PASS, "not enabled" },
	{ "security.selinux", 0, { "selinux.mount", "selinux.config=disabled" }, STATUS_PASS, "not enabled" },
	{ "security.selinux", 0, { "selinux.mount", "selinux.config=enforcing" }, STATUS_WARN, "next boot" },
	{ "security.selinux", 0, { "selinux.mount=/sys/fs/selinux", "selinux.enforce=1" }, STATUS_FAIL, "enforcing" },
	{ "security.selinux", 0, { "selinux.mount=/sys/fs/selinux", "selinux.enforce=0" }, STATUS_WARN, "permissive" },
	{ "security.selinux", 0, { "selinux.mount=/sys/fs/selinux", "selinux.enforce!13" }, STATUS_UNKNOWN, "Permission denied" },
	{ "security.selinux", 0, { "selinux.mount=/sys/fs/selinux", "selinux.enforce=2" }, STATUS_UNKNOWN, "unexpected" },
	{ "security.selinux", 0, { "selinux.mount!2" }, STATUS_UNKNOWN, "cannot tell" },
	{ "security.selinux", 0, { NULL }, STATUS_UNKNOWN, "no evidence" },
};

RULE_CASES_TEST(test_rules, cases, RULE_WANT_FIX_WARN)

/* Each status the check can return has a case in the table above. */
static void test_every_status_covered(void **state)
{
	(void)state;
	RULE_CASES_COVER(cases, "security.selinux", STATUS_PASS, STATUS_WARN, STATUS_FAIL, STATUS_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_every_status_covered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
