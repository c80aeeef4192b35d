/* SPDX-License-Identifier: MIT */
/*
 * checks/containerd.c: runtime.containerd probed and judged on the fixture roots
 * tests/fixtures/runtime-*, and the rule alone on facts for the states no fixture holds (pins of
 * every strength, an interrupted dpkg run, docker-ce's Depends, a kubelet, the Sysbox that
 * decides whether the pin is needed, provision's --containerd-version): every status it returns.
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

    /* a docker-ce whose Depends rules the pin out; the same beside Sysbox 0.7.1 */
    {"runtime-dockernew", "runtime.containerd", STATUS_FAIL,
     "Depends: containerd.io (>= 1.7.27), which containerd.io 1.5.11-1 does not satisfy"},
    {"runtime-dockernew-sysbox", "runtime.containerd", STATUS_WARN, "Sysbox 0.7.1-0.linux needs no pin"},
    /* a kubelet 1.30 on containerd 1.5 */
    {"runtime-kubelet-old", "runtime.containerd", STATUS_FAIL,
     "the kubelet 1.30.14-1.1 runs on containerd, which must be >= 1.6"},
    /* Sysbox 0.7.1 needs no pin */
    {"runtime-nopin", "runtime.containerd", STATUS_PASS, "1.7.27-1 is installed, not 1.5.11-1, and that is fine"},
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
    /* the pin against the node: docker-ce's Depends, the kubelet, the Sysbox installed */
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.7.27-1", "dpkg.docker-ce.status=install ok installed",
      "dpkg.docker-ce.version=5:28.5.2-1", "dpkg.docker-ce.depends=containerd.io (>= 1.7.27), iptables",
      "kubelet.program", "kubelet.endpoint"},
     STATUS_FAIL,
     "docker-ce 5:28.5.2-1 Depends: containerd.io (>= 1.7.27), which containerd.io 1.5.11-1 does not satisfy"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.7.27-1", "dpkg.docker-ce.status=install ok installed",
      "dpkg.docker-ce.version=5:28.5.2-1", "dpkg.docker-ce.depends=containerd.io (>= 1.7.27)",
      "dpkg.sysbox-ce.status=install ok installed", "dpkg.sysbox-ce.version=0.7.1-0.linux",
      "kubelet.program", "kubelet.endpoint"},
     STATUS_WARN,
     "pinning it would remove or downgrade Docker; Sysbox 0.7.1-0.linux needs no pin"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "dpkg.docker-ce.status=install ok installed",
      "dpkg.docker-ce.version=5:20.10.24~3-0", "dpkg.docker-ce.depends=containerd.io (>= 1.4.1)",
      "kubelet.program", "kubelet.endpoint"},
     STATUS_PASS,
     "1.5.11-1 is installed and held (apt-mark hold); no Sysbox is installed"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.7.27-1", "dpkg.docker-ce.status=install ok installed",
      "dpkg.docker-ce.version=5:28.5.2-1", "dpkg.docker-ce.depends=containerd.io (~ 1.7)",
      "kubelet.program", "kubelet.endpoint"},
     STATUS_UNKNOWN,
     "cannot parse the Depends of docker-ce 5:28.5.2-1"},
    /* a removed docker-ce's Depends does not count */
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "dpkg.docker-ce.status=deinstall ok config-files",
      "dpkg.docker-ce.version=5:28.5.2-1", "dpkg.docker-ce.depends=containerd.io (>= 1.7.27)",
      "kubelet.program", "kubelet.endpoint"},
     STATUS_PASS,
     "installed and held"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.7.27-1", "dpkg.kubelet.status=install ok installed",
      "dpkg.kubelet.version=1.36.1-1.1", "kubelet.program=/usr/bin/kubelet", "kubelet.endpoint"},
     STATUS_FAIL,
     "the kubelet 1.36.1-1.1 runs on containerd, which must be >= 2.0 (Kubernetes 1.35 was the "
     "last release to support containerd 1.x), but containerd.io 1.7.27-1 is installed"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status", "dpkg.containerd.status=install ok installed",
      "dpkg.containerd.version=1.6.20~ds1-1+deb12u1", "dpkg.kubelet.status=install ok installed",
      "dpkg.kubelet.version=1.30.0-1.1", "kubelet.program=/usr/bin/kubelet",
      "kubelet.endpoint=unix:///run/containerd/containerd.sock"},
     STATUS_FAIL,
     "the pin containerd.io 1.5.11-1 would break it"},
    /* the kubelet on CRI-O, or of no package: the pin is judged as before */
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "dpkg.kubelet.status=install ok installed",
      "dpkg.kubelet.version=1.30.0-1.1", "kubelet.program=/usr/bin/kubelet",
      "kubelet.endpoint=unix:///var/run/crio/crio.sock"},
     STATUS_PASS,
     "held (apt-mark hold)"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "kubelet.program=/usr/local/bin/kubelet",
      "kubelet.endpoint"},
     STATUS_PASS,
     "held (apt-mark hold)"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "kubelet.program=/usr/bin/kubelet",
      "kubelet.endpoint!13"},
     STATUS_UNKNOWN,
     "Permission denied"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "kubelet.program!13"},
     STATUS_UNKNOWN,
     "cannot tell whether a kubelet is installed"},
    /* no Sysbox installed: the one provision is about to install decides */
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.7.27-1", "dpkg.docker-ce.status=install ok installed",
      "dpkg.docker-ce.version=5:28.5.2-1", "dpkg.docker-ce.depends=containerd.io (>= 1.7.27)",
      "sysbox.target=0.7.1", "kubelet.program", "kubelet.endpoint"},
     STATUS_WARN,
     "Sysbox 0.7.1, which provision installs, needs no pin"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.7.27-1", "sysbox.target=0.6.7", "kubelet.program",
      "kubelet.endpoint"},
     STATUS_WARN,
     "Sysbox 0.6.7, which provision installs, needs the pin: it cannot run runc 1.3"},
    /* which runc line the installed Sysbox cannot run: the oldest */
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.7.27-1", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.6.4-0.linux", "kubelet.program", "kubelet.endpoint"},
     STATUS_WARN,
     "Sysbox 0.6.4-0.linux needs the pin: it cannot run runc 1.2 and later (that needs Sysbox >= 0.6.6, sysbox issue 879)"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.7.27-1", "dpkg.sysbox-ee.status=install ok installed",
      "dpkg.sysbox-ee.version=0.5.0", "kubelet.program", "kubelet.endpoint"},
     STATUS_WARN,
     "cannot run runc 1.1 and later (that needs Sysbox >= 0.5.2, sysbox issue 544)"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=2.1.5-1", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.7.0-0.linux", "kubelet.program", "kubelet.endpoint"},
     STATUS_PASS,
     "2.1.5-1 is installed, not 1.5.11-1, and that is fine: Sysbox 0.7.0-0.linux needs no pin"},
    {"runtime.containerd",
     0,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status",
      "dpkg.sysbox-ce.status=install ok installed", "dpkg.sysbox-ce.version=0.7.1-0.linux",
      "kubelet.program", "kubelet.endpoint"},
     STATUS_SKIP,
     "is not installed (cvmprep provision installs 1.5.11-1 and holds it); Sysbox 0.7.1-0.linux needs no pin"},
};

RULE_CASES_TEST(test_rules, fact_cases, RULE_WANT_FIX_WARN)
/* The pin judged is provision's --containerd-version: none leaves docker-ce's Depends alone. */
static void test_provision_pin(void **state)
{
	static const char *const node[] = {
		"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok installed",
		"dpkg.containerd.io.version=1.7.27-1", "dpkg.docker-ce.status=install ok installed",
		"dpkg.docker-ce.version=5:28.5.2-1", "dpkg.docker-ce.depends=containerd.io (>= 1.7.27)",
		"kubelet.program", "kubelet.endpoint", NULL,
	};
	static const struct {
		const char *pin;
		enum status want;
		const char *message, *expected;
	} cases[] = {
		{ NULL, STATUS_FAIL, "which containerd.io 1.5.11-1 does not satisfy", "1.5.11-1, held" },
		{ "", STATUS_PASS, "1.7.27-1 is installed and not pinned (--containerd-version none)",
		  "(no pin)" },
		{ "1.7.27-1", STATUS_PASS, "1.7.27-1 is installed and held", "1.7.27-1, held" },
		{ "1.6.24-1", STATUS_FAIL, "which containerd.io 1.6.24-1 does not satisfy", "1.6.24-1" },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct config cfg = fixture_config();
		_cleanup_free_ char *what = strdup_printf("pin %s", cases[i].pin ? cases[i].pin : "(default)");
		struct facts f = { 0 };
		struct result r;

		cfg.containerd_pin = cases[i].pin;
		load_facts(&f, node, ELEMENTSOF(node));
		r = check_judge("runtime.containerd", &f, &cfg);
		result_want(&r, what, cases[i].want, cases[i].message);
		if (!r.expected || !strstr(r.expected, cases[i].expected))
			fail_msg("%s: expected '%s'", what, r.expected ? r.expected : "(null)");
		result_free(&r);
		facts_free(&f);
	}
}

/* Each status runtime.containerd returns has a rule case. */
static void test_cover(void **state)
{
	(void)state;
	RULE_CASES_COVER(fact_cases, "runtime.containerd", STATUS_PASS, STATUS_WARN, STATUS_FAIL,
			 STATUS_UNKNOWN, STATUS_SKIP);
}


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
		cmocka_unit_test(test_provision_pin),
		cmocka_unit_test(test_cover),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
