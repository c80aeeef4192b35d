/* SPDX-License-Identifier: MIT */
/*
 * checks/sysbox.c: runtime.sysbox, runtime.tools and runtime.subid probed and judged on the
 * fixture roots tests/fixtures/runtime-*, and the rules alone on facts for the states no fixture
 * can hold (a running sysbox-mgr, unreadable program directories): every status each returns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"
#include "core/sysbox.h"
#include "provision/releases.h"

/* A unit directory of about 100 characters. */
#define LONG_DIR "/usr/lib/systemd/system/x-very-long-directory-name-to-make-the-list-long/" \
		 "0123456789012345678901234"

/* The three units of the Sysbox package, where it puts them. */
#define UNITS                                                                                      \
	"sysbox.unit.sysbox.service=/lib/systemd/system/sysbox.service",                           \
	    "sysbox.unit.sysbox-mgr.service=/lib/systemd/system/sysbox-mgr.service",               \
	    "sysbox.unit.sysbox-fs.service=/lib/systemd/system/sysbox-fs.service"

static const struct fixture_case fixture_cases[] = {
    /* everything in place; a leftover arm64 paragraph of containerd.io 1.6.9-1 comes first */
    {"runtime-ready", "runtime.sysbox", STATUS_WARN, "sysbox-ce 0.6.4-0.linux is older than 0.7.1, the newest release (2026-07-31)"},
    /* Sysbox 0.7.0 on Ubuntu 24.04 with kernel 6.8: the node sysbox #1013 is about */
    {"sysbox-noble-0.7.0", "runtime.sysbox", STATUS_WARN, "fix for this node: sysfs mounts failing"},
    {"sysbox-noble-0.7.0", "runtime.sysbox", STATUS_WARN, "(0.7.1, sysbox #1013); a sysbox-fs deadlock"},
    /* at the newest release */
    {"provisioned", "runtime.sysbox", STATUS_PASS, "sysbox-ce 0.7.1-0 is installed with its"},
    {"runtime-ready", "runtime.tools", STATUS_PASS, "rsync, modprobe and iptables"},
    {"runtime-ready", "runtime.subid", STATUS_PASS, "one sysbox range"},

    /* pinned at 1001 in preferences.d (ignored.txt, a name apt skips, pins 1.6.9-1 at 2000) */
    {"runtime-pinfile", "runtime.sysbox", STATUS_SKIP, "Sysbox is not installed"},
    {"runtime-pinfile", "runtime.tools", STATUS_FAIL, ": rsync; sysbox-mgr refuses"},
    {"runtime-pinfile", "runtime.subid", STATUS_WARN, "several sysbox ranges (2 in /etc/subuid, 1"},

    /* a newer containerd.io, a weak pin; daemon.json with a trailing comma */
    {"runtime-newer", "runtime.sysbox", STATUS_FAIL, "units are missing: sysbox.service sysbox-mgr"},
    {"runtime-newer", "runtime.tools", STATUS_FAIL, ": rsync modprobe iptables;"},
    {"runtime-newer", "runtime.subid", STATUS_PASS, "no sysbox range yet"},

    /* at the version but loose; snap Docker; units without a package */
    {"runtime-unpinned", "runtime.sysbox", STATUS_WARN, "neither sysbox-ce nor sysbox-ee"},

    /* an interrupted dpkg run */
    {"runtime-half", "runtime.sysbox", STATUS_FAIL, "(status 'install ok half-configured')"},

    /* not a dpkg system, no programs, no subid files */
    {"runtime-nodpkg", "runtime.sysbox", STATUS_SKIP, "not installed"},
    {"runtime-nodpkg", "runtime.tools", STATUS_SKIP, "no installed system"},
    {"runtime-nodpkg", "runtime.subid", STATUS_PASS, "sysbox-mgr creates one"},

    /* status file, daemon.json and /etc/subuid unreadable (directories) */
    {"runtime-unreadable", "runtime.sysbox", STATUS_UNKNOWN, "cannot read '/var/lib/dpkg/status'"},
    {"runtime-unreadable", "runtime.subid", STATUS_UNKNOWN, "cannot read '/etc/subuid'"},

    /* purged: a paragraph without a version remains */
    {"runtime-absent", "runtime.sysbox", STATUS_SKIP, "not installed"},
};

FIXTURE_CASES_TEST(test_fixtures, fixture_cases)

static void test_probe_facts(void **state)
{
	const struct config cfg = fixture_config();
	struct facts f = { 0 };
	struct result r;

	(void)state;
	/* iptables through two symlinks (/etc/alternatives) */
	r = check_probe_judge(FIXTURE("runtime-ready"), "runtime.tools", &cfg, &f);
	result_free(&r);
	assert_string_equal(facts_get(&f, "tools.iptables")->value, "/usr/sbin/iptables");
	assert_string_equal(facts_get(&f, "tools.bindirs")->value, "/usr/sbin /usr/bin");
	facts_free(&f);
}

static const struct rule_case fact_cases[] = {
    {"runtime.sysbox",
     RULE_LIVE,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.6.4-0", "dpkg.updates=1 journal file",
      UNITS,
      "sysbox.sysmgr-sock=socket"},
     STATUS_FAIL,
     "dpkg was interrupted (1 journal file in"},
    {"runtime.sysbox",
     RULE_LIVE,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status",
      "dpkg.sysbox-ee.status=install ok installed", "dpkg.sysbox-ee.version=0.6.2",
      UNITS,
      "sysbox.sysmgr-sock=socket"},
     STATUS_WARN,
     "sysbox-ee 0.6.2 is older than 0.7.1"},
    {"runtime.sysbox",
     RULE_LIVE,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status",
      "dpkg.sysbox-ee.status=install ok installed", "dpkg.sysbox-ee.version=0.7.1",
      UNITS,
      "sysbox.sysmgr-sock=socket"},
     STATUS_PASS,
     "sysbox-ee 0.7.1 is installed and sysbox-mgr is listening"},
    /* newer than the newest release known; an epoch */
    {"runtime.sysbox",
     0,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=1:0.7.2-0", UNITS, "sysbox.sysmgr-sock"},
     STATUS_PASS,
     "sysbox-ce 1:0.7.2-0 is installed with its units"},
    /* what the releases since fix, for this node: #1013 on Ubuntu 24.04 with kernel 6.8 only */
    {"runtime.sysbox",
     0,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.7.0-0", UNITS, "sysbox.sysmgr-sock", "os.id=ubuntu",
      "os.version_id=24.04", "kernel.release=6.8.0-111-generic"},
     STATUS_WARN,
     "for this node: sysfs mounts failing"},
    {"runtime.sysbox",
     0,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.7.0-0", UNITS, "sysbox.sysmgr-sock", "os.id=ubuntu",
      "os.version_id=24.04", "kernel.release=6.5.0-1-generic"},
     STATUS_WARN,
     "for this node: a sysbox-fs deadlock when many containers start and stop at once"},
    {"runtime.sysbox",
     0,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.7.0-0", UNITS, "sysbox.sysmgr-sock", "os.id=debian",
      "os.version_id=12", "kernel.release=6.12.0-1-amd64"},
     STATUS_WARN,
     "for this node: a sysbox-fs deadlock"},
    {"runtime.sysbox",
     0,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.5.0-0", UNITS, "sysbox.sysmgr-sock"},
     STATUS_WARN,
     "runc 1.1 and later failing to start containers inside a Sysbox container (what the "
     "containerd.io 1.5.11-1 pin works around) (0.5.2, sysbox #544); runc 1.2"},
    /* not running, and old: both said */
    {"runtime.sysbox",
     RULE_LIVE,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.7.0-0", UNITS, "sysbox.sysmgr-sock"},
     STATUS_WARN,
     "sysbox-mgr is not running (/run/sysbox/sysmgr.sock is absent); sysbox-ce 0.7.0-0 is older"},
    {"runtime.sysbox",
     RULE_LIVE,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.6.4-0",
      UNITS, "sysbox.sysmgr-sock"},
     STATUS_WARN,
     "sysbox-mgr is not running (/run/sysbox/sysmgr.sock is absent)"},
    {"runtime.sysbox",
     RULE_LIVE,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.6.4-0",
      UNITS,
      "sysbox.sysmgr-sock=not a socket"},
     STATUS_WARN,
     "is not a socket"},
    {"runtime.sysbox",
     RULE_LIVE,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.6.4-0", "sysbox.unit.sysbox.service!13"},
     STATUS_UNKNOWN,
     "Permission denied"},
    /* three long unit paths: more than the 256 bytes the list was cut at */
    {"runtime.sysbox",
     0,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status", "dpkg.sysbox-ee.status",
      "sysbox.unit.sysbox.service=" LONG_DIR "/sysbox.service",
      "sysbox.unit.sysbox-mgr.service=" LONG_DIR "/sysbox-mgr.service",
      "sysbox.unit.sysbox-fs.service=" LONG_DIR "/sysbox-fs.service"},
     STATUS_WARN,
     LONG_DIR "/sysbox-mgr.service " LONG_DIR "/sysbox-fs.service) but neither"},
    {"runtime.tools",
     0,
     {"tools.bindirs=/usr/bin", "tools.rsync=/usr/bin/rsync", "tools.modprobe!13",
      "tools.iptables=/usr/sbin/iptables"},
     STATUS_UNKNOWN,
     "for: modprobe"},
    {"runtime.tools",
     0,
     {"tools.bindirs=/usr/bin", "tools.rsync", "tools.modprobe!13",
      "tools.iptables=/usr/sbin/iptables"},
     STATUS_FAIL,
     ": rsync;"},
    {"runtime.subid",
     0,
     {"subid.subuid=sysbox:165536:65536", "subid.subgid=sysbox:1:65536 sysbox:70000:65536"},
     STATUS_WARN,
     "(1 in /etc/subuid, 2 in /etc/subgid)"},
    {"runtime.subid",
     0,
     {"subid.subuid=sysbox:165536:65536", "subid.subgid!13"},
     STATUS_UNKNOWN,
     "Permission denied"},
};

RULE_CASES_TEST(test_rules, fact_cases, RULE_WANT_FIX_WARN)

/* The table of releases: ascending versions and dates, its last entry the newest known, which
 * provisioning installs by default and can download. */
static void test_releases(void **state)
{
	const struct sysbox_known *newest = sysbox_newest();
	int cmp;

	(void)state;
	assert_string_equal(newest->version, SYSBOX_VERSION_NEWEST);
	assert_string_equal(SYSBOX_VERSION_DEFAULT, SYSBOX_VERSION_NEWEST);
	assert_non_null(sysbox_release_find(SYSBOX_VERSION_DEFAULT, "amd64"));
	assert_non_null(sysbox_release_find(SYSBOX_VERSION_DEFAULT, "arm64"));
	for (size_t i = 0; i < n_sysbox_known; i++) {
		const struct sysbox_known *k = &sysbox_known[i];

		assert_int_equal(strlen(k->date), 10);
		assert_non_null(k->fixes[0].what);
		if (i == 0)
			continue;
		assert_int_equal(sysbox_version_cmp(k->version, sysbox_known[i - 1].version, &cmp), 0);
		assert_true(cmp > 0);
		assert_true(strcmp(k->date, sysbox_known[i - 1].date) > 0);
	}
	assert_int_equal(sysbox_version_cmp("0.6.4-0.linux", "0.6.4", &cmp), 0);
	assert_int_equal(cmp, 0);
	assert_int_equal(sysbox_version_cmp("1:0.6.4-9", "0.7.1", &cmp), 0);
	assert_true(cmp < 0);
	assert_int_equal(sysbox_version_cmp("0.7.1~rc1-0", "0.7.1", &cmp), 0);
	assert_true(cmp < 0);
	assert_int_equal(sysbox_version_cmp("0.10.0", "0.7.1", &cmp), 0);
	assert_true(cmp > 0);
	assert_int_equal(sysbox_version_cmp("v0.7.1", "0.7.1", &cmp), -EINVAL);
	assert_int_equal(sysbox_version_cmp("0.7.1", "", &cmp), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_probe_facts),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_releases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
