/* SPDX-License-Identifier: MIT */
/*
 * checks/distro.c: os.distro under each profile, every status of the rule on facts made here.
 * Rules are pure, so no host is needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

static const struct rule_case cases[] = {
	/* os.distro, profile coder (and sysbox: the same table) */
	{ "os.distro", 0, { "os.id=ubuntu", "os.version_id=22.04" }, STATUS_PASS, "supported" },
	{ "os.distro", 0, { "os.id=ubuntu", "os.version_id=24.04" }, STATUS_PASS, "supported" },
	{ "os.distro", RULE_SYSBOX, { "os.id=ubuntu", "os.version_id=18.04" }, STATUS_PASS, "supported" },
	{ "os.distro", 0, { "os.id=debian", "os.version_id=10" }, STATUS_PASS, "supported" },
	{ "os.distro", 0, { "os.id=debian", "os.version_id=11" }, STATUS_PASS, "supported" },
	{ "os.distro", 0, { "os.id=debian", "os.version_id=12" }, STATUS_WARN, "not a release" },
	{ "os.distro", 0, { "os.id=ubuntu", "os.version_id=23.10" }, STATUS_WARN, "not a release" },
	{ "os.distro", 0, { "os.id=ubuntu", "os.version_id=24.10" }, STATUS_WARN, "may install but is untested" },
	/* from 25.04 on: the AppArmor profile of fusermount3 (sysbox #947, #1005) */
	{ "os.distro", 0, { "os.id=ubuntu", "os.version_id=25.04" }, STATUS_WARN, "see security.apparmor-fusermount3" },
	{ "os.distro", 0, { "os.id=ubuntu", "os.version_id=25.10" }, STATUS_WARN, "see security.apparmor-fusermount3" },
	{ "os.distro", RULE_SYSBOX, { "os.id=ubuntu", "os.version_id=26.04" }, STATUS_WARN, "see security.apparmor-fusermount3" },
	{ "os.distro", 0, { "os.id=ubuntu", "os.version_id=100.04" }, STATUS_WARN, "see security.apparmor-fusermount3" },
	{ "os.distro", 0, { "os.id=pop", "os.version_id=25.04", "os.id_like=ubuntu debian" }, STATUS_WARN, "derives" },
	/* run in practice, listed nowhere */
	{ "os.distro", 0, { "os.id=debian", "os.version_id=12" }, STATUS_WARN, "nodes run it in practice" },
	{ "os.distro", 0, { "os.id=debian", "os.version_id=13" }, STATUS_WARN, "nodes run it in practice" },
	{ "os.distro", 0, { "os.id=debian", "os.version_id=14" }, STATUS_WARN, "may install but is untested" },
	{ "os.distro", 0, { "os.id=debian", "os.version_id" }, STATUS_WARN, "not a release" },
	{ "os.distro", 0, { "os.id=pop", "os.version_id=22.04", "os.id_like=ubuntu debian" }, STATUS_WARN, "derives" },
	{ "os.distro", 0, { "os.id=rocky", "os.version_id=9.3", "os.id_like=rhel centos fedora" }, STATUS_WARN, "no Sysbox package" },
	{ "os.distro", 0, { "os.id=ol", "os.version_id=8", "os.id_like=fedora" }, STATUS_WARN, "no Sysbox package" },
	{ "os.distro", 0, { "os.id=amzn", "os.version_id=2" }, STATUS_WARN, "no Sysbox package" },
	{ "os.distro", 0, { "os.id=flatcar", "os.version_id=3815.2.0" }, STATUS_WARN, "Sysbox-EE" },
	{ "os.distro", 0, { "os.id=arch" }, STATUS_FAIL, "not a distribution" },
	{ "os.distro", 0, { "os.id" }, STATUS_FAIL, "linux" },
	{ "os.distro", 0, { "os.id=opensuse-leap", "os.id_like=suse opensuse" }, STATUS_FAIL, "not a distribution" },
	{ "os.distro", 0, { "os.id!13" }, STATUS_UNKNOWN, "Permission denied" },

	/* os.distro, profile coder-v1: Ubuntu only */
	{ "os.distro", RULE_CODER_V1, { "os.id=ubuntu", "os.version_id=20.04" }, STATUS_PASS, "Ubuntu" },
	{ "os.distro", RULE_CODER_V1, { "os.id=ubuntu", "os.version_id=23.10" }, STATUS_PASS, "Ubuntu" },
	{ "os.distro", RULE_CODER_V1, { "os.id=ubuntu", "os.version_id=26.04" }, STATUS_PASS, "Ubuntu" },
	{ "os.distro", RULE_CODER_V1, { "os.id=debian", "os.version_id=11" }, STATUS_FAIL, "Ubuntu nodes only" },
	{ "os.distro", RULE_CODER_V1, { "os.id=linuxmint", "os.id_like=ubuntu" }, STATUS_FAIL, "Ubuntu nodes only" },
	{ "os.distro", RULE_CODER_V1, { "os.id!21" }, STATUS_UNKNOWN, "Is a directory" },
};

RULE_CASES_TEST(test_rules, cases, 0)

/* Each status the check can return has a case in the table above. */
static void test_every_status_covered(void **state)
{
	(void)state;
	RULE_CASES_COVER(cases, "os.distro", STATUS_PASS, STATUS_WARN, STATUS_FAIL, STATUS_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_every_status_covered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
