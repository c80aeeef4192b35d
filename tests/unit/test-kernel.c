/* SPDX-License-Identifier: MIT */
/*
 * checks/kernel.c: kernel.version, the per-distribution minimums, the profile floor and
 * parsing: every status of the rule on facts made here. Rules are pure, so no host is needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

static const struct rule_case cases[] = {
	/* kernel.version: per-distribution minimums, the profile floor, parsing */
	{ "kernel.version", 0, { "kernel.release=5.15.0-91-generic", "os.id=ubuntu", "os.version_id=22.04" }, STATUS_PASS, "at least 5.15" },
	{ "kernel.version", 0, { "kernel.release=5.10.0-1057-oem", "os.id=ubuntu", "os.version_id=22.04" }, STATUS_FAIL, "older than 5.15" },
	{ "kernel.version", 0, { "kernel.release=6.8.0-1008-aws", "os.id=ubuntu", "os.version_id=24.04" }, STATUS_PASS, "at least 6.8" },
	{ "kernel.version", 0, { "kernel.release=6.5.0-14-generic", "os.id=ubuntu", "os.version_id=24.04" }, STATUS_FAIL, "older than 6.8" },
	{ "kernel.version", 0, { "kernel.release=5.4.0-169-generic", "os.id=ubuntu", "os.version_id=20.04" }, STATUS_PASS, "at least 5.4" },
	{ "kernel.version", 0, { "kernel.release=5.3.0-76-generic", "os.id=ubuntu", "os.version_id=18.04" }, STATUS_FAIL, "profile coder" },
	{ "kernel.version", RULE_SYSBOX, { "kernel.release=5.3.0-76-generic", "os.id=ubuntu", "os.version_id=18.04" }, STATUS_PASS, "at least 5.3" },
	{ "kernel.version", 0, { "kernel.release=6.1.0-13-amd64", "os.id=debian", "os.version_id=12" }, STATUS_PASS, "at least 5.5" },
	{ "kernel.version", 0, { "kernel.release=4.19.0-25-amd64", "os.id=debian", "os.version_id=10" }, STATUS_FAIL, "older than 5.5" },
	{ "kernel.version", 0, { "kernel.release=4.18.0-513.el8.x86_64", "os.id=rhel", "os.version_id=8.9", "os.id_like=fedora" }, STATUS_FAIL, "older than 5.12" },
	{ "kernel.version", 0, { "kernel.release=5.14.0-362.el9.x86_64", "os.id=rocky", "os.id_like=rhel centos fedora" }, STATUS_PASS, "at least 5.12" },
	{ "kernel.version", 0, { "kernel.release=5.10.198-187.748.amzn2.x86_64", "os.id=amzn", "os.version_id=2" }, STATUS_FAIL, "older than 5.12" },
	{ "kernel.version", 0, { "kernel.release=6.1.61-85.141.amzn2023.x86_64", "os.id=amzn", "os.version_id=2023" }, STATUS_PASS, "at least 6.1" },
	{ "kernel.version", 0, { "kernel.release=5.15.0-1-amzn", "os.id=amzn", "os.version_id=2023" }, STATUS_FAIL, "older than 6.1" },
	{ "kernel.version", 0, { "kernel.release=5.5.0", "os.id=gentoo" }, STATUS_PASS, "at least 5.5" },
	{ "kernel.version", 0, { "kernel.release=garbage", "os.id=ubuntu", "os.version_id=22.04" }, STATUS_UNKNOWN, "cannot parse" },
	{ "kernel.version", 0, { "kernel.release!13", "os.id=ubuntu" }, STATUS_UNKNOWN, "Permission denied" },

	/* without the distribution: only a kernel meeting or missing every minimum is judged */
	{ "kernel.version", 0, { "kernel.release=6.18.0", "os.id!2" }, STATUS_PASS, "every distribution" },
	{ "kernel.version", 0, { "kernel.release=4.19.0", "os.id!2" }, STATUS_FAIL, "older than any" },
	{ "kernel.version", 0, { "kernel.release=5.15.0", "os.id!2" }, STATUS_UNKNOWN, "No such file" },
};

RULE_CASES_TEST(test_rules, cases, RULE_WANT_FIX_WARN)

/* Each status the check can return has a case in the table above. */
static void test_every_status_covered(void **state)
{
	(void)state;
	RULE_CASES_COVER(cases, "kernel.version", STATUS_PASS, STATUS_FAIL, STATUS_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_every_status_covered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
