/* SPDX-License-Identifier: MIT */
/*
 * checks/containerd.c: runtime.containerd probed and judged on the fixture roots
 * tests/fixtures/runtime-*, and the rule alone on facts for the states no fixture holds (pins of
 * every strength, an interrupted dpkg run): every status it returns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks/runtime.h"

#include "check-harness.h"

static const struct fixture_case fixture_cases[] = {
    /* everything in place; a leftover arm64 paragraph of containerd.io 1.6.9-1 comes first */
    {"runtime-ready", "runtime.containerd", STATUS_PASS, "1.5.11-1 is installed and held (apt-mark"},

    /* pinned at 1001 in preferences.d (ignored.txt, a name apt skips, pins 1.6.9-1 at 2000) */
    {"runtime-pinfile", "runtime.containerd", STATUS_PASS, "installed and pinned (apt preferences)"},

    /* a newer containerd.io, a weak pin; daemon.json with a trailing comma */
    {"runtime-newer", "runtime.containerd", STATUS_WARN,
     "containerd.io 1.6.9-1 is installed, not 1.5.11-1"},

    /* at the version but loose; snap Docker; units without a package */
    {"runtime-unpinned", "runtime.containerd", STATUS_WARN, "neither held nor pinned"},

    /* an interrupted dpkg run */
    {"runtime-half", "runtime.containerd", STATUS_FAIL, "(status 'install reinstreq half-installed')"},

    /* not a dpkg system, no programs, no subid files */
    {"runtime-nodpkg", "runtime.containerd", STATUS_SKIP, "not installed"},

    /* status file, daemon.json and /etc/subuid unreadable (directories) */
    {"runtime-unreadable", "runtime.containerd", STATUS_UNKNOWN,
     "cannot read '/var/lib/dpkg/status': Is a"},
    {"runtime-nostatus", "runtime.containerd", STATUS_UNKNOWN, "No such file"},
    {"runtime-corrupt", "runtime.containerd", STATUS_UNKNOWN, "'/var/lib/dpkg/status:5': Bad message"},

    /* purged: a paragraph without a version remains */
    {"runtime-absent", "runtime.containerd", STATUS_SKIP, "containerd.io is not installed"},
};

FIXTURE_CASES_TEST(test_fixtures, fixture_cases)

static void test_probe_facts(void **state)
{
	const struct config cfg = fixture_config();
	struct facts f = { 0 };
	struct result r = check_probe_judge(FIXTURE("runtime-ready"), "runtime.containerd", &cfg, &f);
	const struct fact *fa;

	(void)state;
	result_free(&r);
	assert_string_equal(facts_get(&f, "dpkg.database")->value, "6 packages");
	assert_string_equal(facts_get(&f, "dpkg.containerd.io.status")->value, "hold ok installed");
	assert_string_equal(facts_get(&f, "dpkg.containerd.io.version")->value, "1.5.11-1");
	assert_null(facts_get(&f, "dpkg.sysbox-ee.status")->value);
	assert_null(facts_get(&f, "apt.pin.containerd.io")->value);
	facts_free(&f);

	f = (struct facts){ 0 };
	r = check_probe_judge(FIXTURE("runtime-pinfile"), "runtime.containerd", &cfg, &f);
	result_free(&r);
	fa = facts_get(&f, "apt.pin.containerd.io");
	assert_string_equal(fa->value, "1.5.11-1");
	assert_string_equal(fa->source, "/etc/apt/preferences.d/containerd");
	assert_string_equal(facts_get(&f, "apt.pin.containerd.io.priority")->value, "1001");
	facts_free(&f);
}

static const struct rule_case fact_cases[] = {
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "apt.pin.containerd.io=1.5.11-1",
      "apt.pin.containerd.io.priority=500"},
     STATUS_WARN,
     "has priority 500, below 1000"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "apt.pin.containerd.io=1.6.*",
      "apt.pin.containerd.io.priority=1001"},
     STATUS_WARN,
     "is for version 1.6.*"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "apt.pin.containerd.io=1.5.*",
      "apt.pin.containerd.io.priority=1001"},
     STATUS_PASS,
     "installed and pinned"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok triggers-pending",
      "dpkg.containerd.io.version=0:1.5.11-1", "apt.pin.containerd.io=1.5.11-1",
      "apt.pin.containerd.io.priority=1001"},
     STATUS_PASS,
     "held and pinned"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok installed",
      "dpkg.containerd.io.version=1.6.9-1"},
     STATUS_WARN,
     "1.6.9-1 is installed and held, not 1.5.11-1"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok unpacked",
      "dpkg.containerd.io.version=1.5.11-1"},
     STATUS_FAIL,
     "interrupted dpkg"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=v1.5"},
     STATUS_UNKNOWN,
     "cannot parse the installed version"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "apt.pin.containerd.io!13"},
     STATUS_UNKNOWN,
     "apt pins cannot be read: Permission denied"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=installed"},
     STATUS_UNKNOWN,
     "unexpected dpkg status"},
    {"runtime.containerd", 0, {"dpkg.database!13"}, STATUS_UNKNOWN, "Permission denied"},
    /* an interrupted dpkg run left its journal: apt refuses to work */
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "dpkg.updates=2 journal files"},
     STATUS_FAIL,
     "dpkg was interrupted (2 journal files in /var/lib/dpkg/updates)"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "dpkg.updates!13"},
     STATUS_PASS,
     "held (apt-mark hold)"},
};

RULE_CASES_TEST(test_rules, fact_cases, RULE_WANT_FIX_WARN)

/* The explain text names the pin it checks against. */
static void test_explain_pin(void **state)
{
	(void)state;
	assert_non_null(
	    strstr(checks_find("runtime.containerd")->rule_text, CONTAINERD_PIN_DEFAULT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_probe_facts),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_explain_pin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
