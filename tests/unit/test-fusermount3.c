/* SPDX-License-Identifier: MIT */
/*
 * checks/fusermount3.c: fs.fuse3 and security.apparmor-fusermount3 probed and judged on their
 * fixture roots, the rules alone on facts for every status each returns, and the parser of
 * AppArmor's list of loaded profiles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

static const struct fixture_case fixture_cases[] = {
    /* Sysbox 0.7.0 with fuse3 on Ubuntu 24.04 */
    {"sysbox-noble-0.7.0", "fs.fuse3", STATUS_PASS, "0.7.0-0 (installed) runs fusermount3, and it is at /usr/bin/fusermount3"},
    /* Sysbox 0.7.1 with fuse 2 only */
    {"sysbox-noble-nofuse3", "fs.fuse3", STATUS_FAIL, "which is not in"},
    {"sysbox-noble-nofuse3", "fs.fuse3", STATUS_FAIL, "package fuse3 provides it"},
    {"sysbox-bionic-0.7.1", "fs.fuse3", STATUS_FAIL, "Ubuntu 18.04 has no fuse3 package"},
    /* /usr/local/sbin is a symlink loop: the PATH cannot be searched */
    {"sysbox-pathloop", "fs.fuse3", STATUS_UNKNOWN, "Too many levels of symbolic links"},
    {"runtime-ready", "fs.fuse3", STATUS_SKIP, "sysbox-ce 0.6.4-0.linux is installed and none is to be installed"},
    {"runtime-nodpkg", "fs.fuse3", STATUS_SKIP, "Sysbox is not installed"},
    {"runtime-unreadable", "fs.fuse3", STATUS_UNKNOWN, "cannot read '/var/lib/dpkg/status'"},

    {"ubuntu-25.04-fusermount3", "security.apparmor-fusermount3", STATUS_WARN, "loaded in enforce mode: it denies sysbox-fs"},
    {"ubuntu-26.04-complain", "security.apparmor-fusermount3", STATUS_PASS, "in complain mode"},
    {"ubuntu-25.10-unreadable", "security.apparmor-fusermount3", STATUS_UNKNOWN, "cannot read '/sys/kernel/security/apparmor/profiles': Is a directory"},
    {"ubuntu-25.04-apparmor-off", "security.apparmor-fusermount3", STATUS_SKIP, "AppArmor is disabled"},
    {"ubuntu-24.04-aws", "security.apparmor-fusermount3", STATUS_SKIP, "not Ubuntu 25.04 or later"},
    {"runtime-ready", "security.apparmor-fusermount3", STATUS_UNKNOWN, "cannot read '/etc/os-release'"},
};

FIXTURE_CASES_TEST(test_fixtures, fixture_cases)

/* The provisioner's target reaches the rule: the profile of the preflight (cfg.sysbox_target). */
static void test_target(void **state)
{
	struct config cfg = fixture_config();
	struct facts f = { 0 };
	struct result r;

	(void)state;
	cfg.sysbox_target = "0.7.1";
	r = check_probe_judge(FIXTURE("runtime-ready"), "fs.fuse3", &cfg, &f);
	result_want(&r, "runtime-ready, target 0.7.1", STATUS_PASS,
		    "Sysbox 0.7.1 (what cvmprep provision installs) runs fusermount3, which is not");
	assert_string_equal(facts_get(&f, "sysbox.target")->value, "0.7.1");
	result_free(&r);
	facts_free(&f);
}

/* With the profile sysbox, the enforcing profile on the Ubuntu 25.04 root fails. */
static void test_sysbox_profile(void **state)
{
	struct config cfg = fixture_config();
	struct facts f = { 0 };
	struct result r;

	(void)state;
	cfg.profile = profile_find("sysbox");
	r = check_probe_judge(FIXTURE("ubuntu-25.04-fusermount3"), "security.apparmor-fusermount3",
			      &cfg, &f);
	result_want(&r, "ubuntu-25.04-fusermount3, profile sysbox", STATUS_FAIL, "enforce mode");
	assert_non_null(strstr(r.remediation, "aa-complain /etc/apparmor.d/fusermount3"));
	result_free(&r);
	facts_free(&f);
}

#define DB "dpkg.database=3 packages"
#define CE_071 "dpkg.sysbox-ce.status=install ok installed", "dpkg.sysbox-ce.version=0.7.1-0"
#define NO_EE "dpkg.sysbox-ee.status"
#define NO_CE "dpkg.sysbox-ce.status"
#define NOBLE "os.id=ubuntu", "os.version_id=24.04"
#define PLUCKY "os.id=ubuntu", "os.version_id=25.04"
#define AA_ON "security.apparmor.enabled=Y", "security.apparmor.fusermount3=present"

static const struct rule_case cases[] = {
    /* fs.fuse3 */
    {"fs.fuse3", 0, {DB, CE_071, NO_EE, "sysbox.target", "tools.fusermount3=/usr/bin/fusermount3"},
     STATUS_PASS, "sysbox-ce 0.7.1-0 (installed) runs fusermount3, and it is at /usr/bin"},
    {"fs.fuse3", 0, {DB, CE_071, NO_EE, "sysbox.target", "tools.fusermount3", NOBLE},
     STATUS_FAIL, "package fuse3 provides it"},
    {"fs.fuse3", 0, {DB, CE_071, NO_EE, "sysbox.target", "tools.fusermount3", "os.id=ubuntu",
		     "os.version_id=18.04"},
     STATUS_FAIL, "Ubuntu 18.04 has no fuse3 package"},
    /* an epoch, and the Enterprise edition */
    {"fs.fuse3", 0, {DB, NO_CE, "dpkg.sysbox-ee.status=install ok installed",
		     "dpkg.sysbox-ee.version=1:0.7.0-0", "sysbox.target", "tools.fusermount3"},
     STATUS_FAIL, "sysbox-ee 1:0.7.0-0 (installed) runs fusermount3"},
    /* nothing installed, or an older Sysbox: what provisioning installs decides, and it
     * installs fuse3 with sysbox-ce; but Ubuntu 18.04 has none */
    {"fs.fuse3", 0, {DB, NO_CE, NO_EE, "sysbox.target=0.7.1", "tools.fusermount3", NOBLE},
     STATUS_PASS, "Sysbox 0.7.1 (what cvmprep provision installs) runs fusermount3, which is not"},
    {"fs.fuse3", 0, {DB, "dpkg.sysbox-ce.status=install ok installed",
		     "dpkg.sysbox-ce.version=0.6.4-0.linux", NO_EE, "sysbox.target=0.7.1",
		     "tools.fusermount3"},
     STATUS_PASS, "provisioning installs fuse3 together with sysbox-ce"},
    {"fs.fuse3", 0, {"dpkg.database", "sysbox.target=0.7.1", "tools.fusermount3", "os.id=ubuntu",
		     "os.version_id=18.04"},
     STATUS_FAIL, "(what cvmprep provision installs) runs fusermount3, which is not in"},
    {"fs.fuse3", 0, {"dpkg.database", "sysbox.target=0.7.0", "tools.fusermount3=/bin/fusermount3"},
     STATUS_PASS, "and it is at /bin/fusermount3"},
    {"fs.fuse3", 0, {DB, "dpkg.sysbox-ce.status=install ok installed",
		     "dpkg.sysbox-ce.version=0.6.7-0", NO_EE, "sysbox.target=0.6.7",
		     "tools.fusermount3"},
     STATUS_SKIP, "sysbox-ce 0.6.7-0 is installed and none is to be installed"},
    {"fs.fuse3", 0, {"dpkg.database", "sysbox.target", "tools.fusermount3"},
     STATUS_SKIP, "Sysbox is not installed"},
    /* a release candidate of 0.7.0 sorts before it */
    {"fs.fuse3", 0, {DB, NO_CE, NO_EE, "sysbox.target=0.7.0~rc1", "tools.fusermount3"},
     STATUS_SKIP, "Sysbox is not installed and none is to be installed"},
    {"fs.fuse3", 0, {"dpkg.database!13", "sysbox.target=0.7.1", "tools.fusermount3"},
     STATUS_UNKNOWN, "cannot read"},
    {"fs.fuse3", 0, {DB, CE_071, NO_EE, "sysbox.target", "tools.fusermount3!40"},
     STATUS_UNKNOWN, "Too many levels of symbolic links"},
    {"fs.fuse3", 0, {DB, NO_CE, NO_EE, "sysbox.target=latest", "tools.fusermount3"},
     STATUS_UNKNOWN, "cannot compare the Sysbox version to install, 'latest'"},
    {"fs.fuse3", 0, {DB, NO_CE, NO_EE, "sysbox.target!2", "tools.fusermount3"},
     STATUS_UNKNOWN, "cannot read"},

    /* security.apparmor-fusermount3 */
    {"security.apparmor-fusermount3", 0, {PLUCKY, AA_ON, "security.apparmor.fusermount3.mode=enforce"},
     STATUS_WARN, "loaded in enforce mode"},
    {"security.apparmor-fusermount3", RULE_SYSBOX,
     {"os.id=ubuntu", "os.version_id=26.04", AA_ON, "security.apparmor.fusermount3.mode=enforce"},
     STATUS_FAIL, "sysbox #947, #1005"},
    {"security.apparmor-fusermount3", 0,
     {"os.id=ubuntu", "os.version_id=25.10", AA_ON, "security.apparmor.fusermount3.mode=kill"},
     STATUS_WARN, "loaded in kill mode"},
    {"security.apparmor-fusermount3", RULE_SYSBOX,
     {PLUCKY, AA_ON, "security.apparmor.fusermount3.mode=complain"},
     STATUS_PASS, "in complain mode"},
    {"security.apparmor-fusermount3", 0, {PLUCKY, AA_ON, "security.apparmor.fusermount3.mode"},
     STATUS_PASS, "is there: it is loaded when AppArmor's policy is next loaded"},
    {"security.apparmor-fusermount3", 0,
     {PLUCKY, "security.apparmor.enabled=Y", "security.apparmor.fusermount3",
      "security.apparmor.fusermount3.mode"},
     STATUS_PASS, "no fusermount3 profile is loaded"},
    {"security.apparmor-fusermount3", 0, {NOBLE, AA_ON, "security.apparmor.fusermount3.mode=enforce"},
     STATUS_SKIP, "not Ubuntu 25.04 or later"},
    {"security.apparmor-fusermount3", 0, {"os.id=debian", "os.version_id=26.04", AA_ON,
					  "security.apparmor.fusermount3.mode=enforce"},
     STATUS_SKIP, "not Ubuntu 25.04 or later"},
    {"security.apparmor-fusermount3", 0, {"os.id=ubuntu", "os.version_id", AA_ON},
     STATUS_SKIP, "not Ubuntu 25.04 or later"},
    {"security.apparmor-fusermount3", 0, {PLUCKY, "security.apparmor.enabled",
					  "security.apparmor.fusermount3=present"},
     STATUS_SKIP, "AppArmor is not in this kernel"},
    {"security.apparmor-fusermount3", 0, {PLUCKY, "security.apparmor.enabled=N"},
     STATUS_SKIP, "AppArmor is disabled"},
    {"security.apparmor-fusermount3", 0, {"os.id!13"}, STATUS_UNKNOWN, "cannot read"},
    {"security.apparmor-fusermount3", 0, {PLUCKY, "security.apparmor.enabled!13"},
     STATUS_UNKNOWN, "cannot read"},
    {"security.apparmor-fusermount3", 0, {PLUCKY, AA_ON, "security.apparmor.fusermount3.mode!13"},
     STATUS_UNKNOWN, "cannot read"},
    {"security.apparmor-fusermount3", 0, {PLUCKY, "security.apparmor.enabled=Y",
					  "security.apparmor.fusermount3!40",
					  "security.apparmor.fusermount3.mode=enforce"},
     STATUS_UNKNOWN, "cannot read"},
};

RULE_CASES_TEST(test_rules, cases, RULE_WANT_FIX_WARN)

static void test_rules_cover(void **state)
{
	(void)state;
	RULE_CASES_COVER(cases, "fs.fuse3", STATUS_PASS, STATUS_FAIL, STATUS_UNKNOWN, STATUS_SKIP);
	RULE_CASES_COVER(cases, "security.apparmor-fusermount3", STATUS_PASS, STATUS_WARN,
			 STATUS_FAIL, STATUS_UNKNOWN, STATUS_SKIP);
}

/* The list of loaded profiles: "NAME (MODE)" lines; names may hold blanks and parentheses. */
static void test_profile_mode(void **state)
{
	static const char *const names[] = { "fusermount3", "/usr/bin/fusermount3" };
	static const struct {
		const char *text, *mode; /* NULL: not loaded */
	} t[] = {
		{ "docker-default (enforce)\nfusermount3 (enforce)\n", "enforce" },
		{ "fusermount3 (complain)", "complain" },
		{ "/usr/bin/fusermount3 (kill)\n", "kill" },
		{ "fusermount3//null-/usr/bin/mount (enforce)\nfusermount3x (enforce)\n", NULL },
		{ "a (b) (c) (enforce)\nfusermount3 (enforce) (complain)\n", NULL },
		{ "fusermount3 ()\nfusermount3 (enforce\n(enforce)\n (x)\n", NULL },
		{ "fusermount3(enforce)\n\n\n", NULL },
		{ "", NULL },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		_cleanup_free_ char *mode = NULL;

		assert_int_equal(apparmor_profile_mode(t[i].text, strlen(t[i].text), names,
						       ELEMENTSOF(names), &mode),
				 0);
		if (!t[i].mode != !mode || (mode && !streq(mode, t[i].mode)))
			fail_msg("'%s': got %s, want %s", t[i].text, mode ? mode : "(none)",
				 t[i].mode ? t[i].mode : "(none)");
	}
	/* Bounded by the length: a name cut short is not the name. */
	{
		_cleanup_free_ char *mode = NULL;

		assert_int_equal(apparmor_profile_mode("fusermount3 (enforce)", 20, names, 2, &mode),
				 0);
		assert_null(mode);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),      cmocka_unit_test(test_target),
		cmocka_unit_test(test_sysbox_profile), cmocka_unit_test(test_rules),
		cmocka_unit_test(test_rules_cover),   cmocka_unit_test(test_profile_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
