/* SPDX-License-Identifier: MIT */
/* The rules of platform.arch, os.distro, kernel.version and security.selinux, on facts made here:
 * every status each can return. Rules are pure, so no host is needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts-spec.h"

#include "checks/check.h"
#include "core/util.h"

#define MAX_FACTS 8

struct rule_case {
	const char *id;
	const char *profile;
	bool autoload;
	/* "key=value" (value may be empty), "key" alone for a null value, "key!errno" unreadable */
	const char *facts[MAX_FACTS];
	enum status want;
	const char *message; /* a part the message must contain */
};


static void run_case(const struct rule_case *t)
{
	const struct check *c = checks_find(t->id);
	struct config cfg = { .profile = profile_find(t->profile), .shiftfs_autoload = t->autoload };
	struct result r = { .check = c };
	struct facts f = { 0 };

	assert_non_null(c);
	assert_non_null(cfg.profile);
	load_facts(&f, t->facts, MAX_FACTS);
	assert_int_equal(c->rule(c, &f, &cfg, &r), 0);
	if (r.status != t->want || !r.message || !strstr(r.message, t->message))
		fail_msg("%s [%s]: got %s '%s', want %s '%s'", t->id, t->facts[0],
			 status_to_string(r.status), r.message ? r.message : "(null)",
			 status_to_string(t->want), t->message);
	/* Every verdict but unknown says what was observed and what was expected. */
	if (t->want != STATUS_UNKNOWN) {
		assert_non_null(r.observed);
		assert_non_null(r.expected);
	}
	/* A fail always says how to fix it. */
	if (t->want == STATUS_FAIL)
		assert_non_null(r.remediation);
	result_free(&r);
	facts_free(&f);
}

static const struct rule_case cases[] = {
	/* platform.arch */
	{ "platform.arch", "coder", false, { "platform.arch=x86_64" }, STATUS_PASS, "supports x86_64" },
	{ "platform.arch", "coder", false, { "platform.arch=aarch64" }, STATUS_PASS, "aarch64" },
	{ "platform.arch", "coder", false, { "platform.arch=armv7l" }, STATUS_FAIL, "not armv7l" },
	{ "platform.arch", "coder", false, { "platform.arch=s390x" }, STATUS_FAIL, "x86_64 and aarch64" },
	{ "platform.arch", "coder", false, { "platform.arch!2" }, STATUS_UNKNOWN, "No such file" },
	{ "platform.arch", "coder", false, { NULL }, STATUS_UNKNOWN, "no fact" },

	/* os.distro, profile coder (and sysbox: the same table) */
	{ "os.distro", "coder", false, { "os.id=ubuntu", "os.version_id=22.04" }, STATUS_PASS, "supported" },
	{ "os.distro", "coder", false, { "os.id=ubuntu", "os.version_id=24.04" }, STATUS_PASS, "supported" },
	{ "os.distro", "sysbox", false, { "os.id=ubuntu", "os.version_id=18.04" }, STATUS_PASS, "supported" },
	{ "os.distro", "coder", false, { "os.id=debian", "os.version_id=10" }, STATUS_PASS, "supported" },
	{ "os.distro", "coder", false, { "os.id=debian", "os.version_id=11" }, STATUS_PASS, "supported" },
	{ "os.distro", "coder", false, { "os.id=debian", "os.version_id=12" }, STATUS_WARN, "not a release" },
	{ "os.distro", "coder", false, { "os.id=ubuntu", "os.version_id=23.10" }, STATUS_WARN, "not a release" },
	{ "os.distro", "coder", false, { "os.id=debian", "os.version_id" }, STATUS_WARN, "not a release" },
	{ "os.distro", "coder", false, { "os.id=pop", "os.version_id=22.04", "os.id_like=ubuntu debian" }, STATUS_WARN, "derives" },
	{ "os.distro", "coder", false, { "os.id=rocky", "os.version_id=9.3", "os.id_like=rhel centos fedora" }, STATUS_WARN, "no Sysbox package" },
	{ "os.distro", "coder", false, { "os.id=ol", "os.version_id=8", "os.id_like=fedora" }, STATUS_WARN, "no Sysbox package" },
	{ "os.distro", "coder", false, { "os.id=amzn", "os.version_id=2" }, STATUS_WARN, "no Sysbox package" },
	{ "os.distro", "coder", false, { "os.id=flatcar", "os.version_id=3815.2.0" }, STATUS_WARN, "Sysbox-EE" },
	{ "os.distro", "coder", false, { "os.id=arch" }, STATUS_FAIL, "not a distribution" },
	{ "os.distro", "coder", false, { "os.id" }, STATUS_FAIL, "linux" },
	{ "os.distro", "coder", false, { "os.id=opensuse-leap", "os.id_like=suse opensuse" }, STATUS_FAIL, "not a distribution" },
	{ "os.distro", "coder", false, { "os.id!13" }, STATUS_UNKNOWN, "Permission denied" },
	/* os.distro, profile coder-v1: Ubuntu only */
	{ "os.distro", "coder-v1", false, { "os.id=ubuntu", "os.version_id=20.04" }, STATUS_PASS, "Ubuntu" },
	{ "os.distro", "coder-v1", false, { "os.id=ubuntu", "os.version_id=23.10" }, STATUS_PASS, "Ubuntu" },
	{ "os.distro", "coder-v1", false, { "os.id=debian", "os.version_id=11" }, STATUS_FAIL, "Ubuntu nodes only" },
	{ "os.distro", "coder-v1", false, { "os.id=linuxmint", "os.id_like=ubuntu" }, STATUS_FAIL, "Ubuntu nodes only" },
	{ "os.distro", "coder-v1", false, { "os.id!21" }, STATUS_UNKNOWN, "Is a directory" },

	/* kernel.version: per-distribution minimums, the profile floor, parsing */
	{ "kernel.version", "coder", false, { "kernel.release=5.15.0-91-generic", "os.id=ubuntu", "os.version_id=22.04" }, STATUS_PASS, "at least 5.15" },
	{ "kernel.version", "coder", false, { "kernel.release=5.10.0-1057-oem", "os.id=ubuntu", "os.version_id=22.04" }, STATUS_FAIL, "older than 5.15" },
	{ "kernel.version", "coder", false, { "kernel.release=6.8.0-1008-aws", "os.id=ubuntu", "os.version_id=24.04" }, STATUS_PASS, "at least 6.8" },
	{ "kernel.version", "coder", false, { "kernel.release=6.5.0-14-generic", "os.id=ubuntu", "os.version_id=24.04" }, STATUS_FAIL, "older than 6.8" },
	{ "kernel.version", "coder", false, { "kernel.release=5.4.0-169-generic", "os.id=ubuntu", "os.version_id=20.04" }, STATUS_PASS, "at least 5.4" },
	{ "kernel.version", "coder", false, { "kernel.release=5.3.0-76-generic", "os.id=ubuntu", "os.version_id=18.04" }, STATUS_FAIL, "profile coder" },
	{ "kernel.version", "sysbox", false, { "kernel.release=5.3.0-76-generic", "os.id=ubuntu", "os.version_id=18.04" }, STATUS_PASS, "at least 5.3" },
	{ "kernel.version", "coder", false, { "kernel.release=6.1.0-13-amd64", "os.id=debian", "os.version_id=12" }, STATUS_PASS, "at least 5.5" },
	{ "kernel.version", "coder", false, { "kernel.release=4.19.0-25-amd64", "os.id=debian", "os.version_id=10" }, STATUS_FAIL, "older than 5.5" },
	{ "kernel.version", "coder", false, { "kernel.release=4.18.0-513.el8.x86_64", "os.id=rhel", "os.version_id=8.9", "os.id_like=fedora" }, STATUS_FAIL, "older than 5.12" },
	{ "kernel.version", "coder", false, { "kernel.release=5.14.0-362.el9.x86_64", "os.id=rocky", "os.id_like=rhel centos fedora" }, STATUS_PASS, "at least 5.12" },
	{ "kernel.version", "coder", false, { "kernel.release=5.10.198-187.748.amzn2.x86_64", "os.id=amzn", "os.version_id=2" }, STATUS_FAIL, "older than 5.12" },
	{ "kernel.version", "coder", false, { "kernel.release=6.1.61-85.141.amzn2023.x86_64", "os.id=amzn", "os.version_id=2023" }, STATUS_PASS, "at least 6.1" },
	{ "kernel.version", "coder", false, { "kernel.release=5.15.0-1-amzn", "os.id=amzn", "os.version_id=2023" }, STATUS_FAIL, "older than 6.1" },
	{ "kernel.version", "coder", false, { "kernel.release=5.5.0", "os.id=gentoo" }, STATUS_PASS, "at least 5.5" },
	{ "kernel.version", "coder", false, { "kernel.release=garbage", "os.id=ubuntu", "os.version_id=22.04" }, STATUS_UNKNOWN, "cannot parse" },
	{ "kernel.version", "coder", false, { "kernel.release!13", "os.id=ubuntu" }, STATUS_UNKNOWN, "Permission denied" },
	/* without the distribution: only a kernel meeting or missing every minimum is judged */
	{ "kernel.version", "coder", false, { "kernel.release=6.18.0", "os.id!2" }, STATUS_PASS, "every distribution" },
	{ "kernel.version", "coder", false, { "kernel.release=4.19.0", "os.id!2" }, STATUS_FAIL, "older than any" },
	{ "kernel.version", "coder", false, { "kernel.release=5.15.0", "os.id!2" }, STATUS_UNKNOWN, "No such file" },

	/* security.selinux */
	{ "security.selinux", "coder", false, { "selinux.mount", "selinux.config!2" }, STATUS_PASS, "not enabled" },
	{ "security.selinux", "coder", false, { "selinux.mount", "selinux.config=disabled" }, STATUS_PASS, "not enabled" },
	{ "security.selinux", "coder", false, { "selinux.mount", "selinux.config=enforcing" }, STATUS_WARN, "next boot" },
	{ "security.selinux", "coder", false, { "selinux.mount=/sys/fs/selinux", "selinux.enforce=1" }, STATUS_FAIL, "enforcing" },
	{ "security.selinux", "coder", false, { "selinux.mount=/sys/fs/selinux", "selinux.enforce=0" }, STATUS_WARN, "permissive" },
	{ "security.selinux", "coder", false, { "selinux.mount=/sys/fs/selinux", "selinux.enforce!13" }, STATUS_UNKNOWN, "Permission denied" },
	{ "security.selinux", "coder", false, { "selinux.mount=/sys/fs/selinux", "selinux.enforce=2" }, STATUS_UNKNOWN, "unexpected" },
	{ "security.selinux", "coder", false, { "selinux.mount!2" }, STATUS_UNKNOWN, "cannot tell" },
	{ "security.selinux", "coder", false, { NULL }, STATUS_UNKNOWN, "no evidence" },
};

static void test_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		run_case(&cases[i]);
}

/* Each of these checks can return each of these statuses, and the table above shows it. */
static void test_every_status_covered(void **state)
{
	static const struct {
		const char *id;
		enum status statuses[4];
		size_t n;
	} want[] = {
		{ "platform.arch", { STATUS_PASS, STATUS_FAIL, STATUS_UNKNOWN }, 3 },
		{ "os.distro", { STATUS_PASS, STATUS_WARN, STATUS_FAIL, STATUS_UNKNOWN }, 4 },
		{ "kernel.version", { STATUS_PASS, STATUS_FAIL, STATUS_UNKNOWN }, 3 },
		{ "security.selinux", { STATUS_PASS, STATUS_WARN, STATUS_FAIL, STATUS_UNKNOWN }, 4 },
	};

	(void)state;
	for (size_t w = 0; w < ELEMENTSOF(want); w++)
		for (size_t s = 0; s < want[w].n; s++) {
			bool seen = false;

			for (size_t i = 0; i < ELEMENTSOF(cases); i++)
				seen |= streq(cases[i].id, want[w].id) &&
					cases[i].want == want[w].statuses[s];
			if (!seen)
				fail_msg("%s: no case for %s", want[w].id,
					 status_to_string(want[w].statuses[s]));
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_every_status_covered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
