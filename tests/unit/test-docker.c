/* SPDX-License-Identifier: MIT */
/*
 * checks/docker.c: runtime.docker probed and judged on the fixture roots tests/fixtures/runtime-*
 * and on trees made here (daemon.json as dockerd reads it), and the rule alone on facts: every
 * status it returns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"
#include "tmptree.h"

static const struct fixture_case fixture_cases[] = {
    /* everything in place; a leftover arm64 paragraph of containerd.io 1.6.9-1 comes first */
    {"runtime-ready", "runtime.docker", STATUS_PASS, "registered at /usr/bin/sysbox-runc"},

    /* pinned at 1001 in preferences.d (ignored.txt, a name apt skips, pins 1.6.9-1 at 2000) */
    {"runtime-pinfile", "runtime.docker", STATUS_PASS, "not registered yet"},

    /* a newer containerd.io, a weak pin; daemon.json with a trailing comma */
    {"runtime-newer", "runtime.docker", STATUS_FAIL, "invalid JSON: syntax error at line 5"},

    /* at the version but loose; snap Docker; units without a package */
    {"runtime-unpinned", "runtime.docker", STATUS_FAIL, "as a snap (/snap/bin/dockerd)"},

    /* an interrupted dpkg run */
    {"runtime-half", "runtime.docker", STATUS_FAIL, "sysbox-ce is installed but sysbox-runc is not"},

    /* not a dpkg system, no programs, no subid files */
    {"runtime-nodpkg", "runtime.docker", STATUS_SKIP, "Docker is not installed"},

    /* status file, daemon.json and /etc/subuid unreadable (directories) */
    {"runtime-unreadable", "runtime.docker", STATUS_UNKNOWN, "cannot read '/etc/docker/daemon.json'"},
};

FIXTURE_CASES_TEST(test_fixtures, fixture_cases)

static const struct rule_case fact_cases[] = {
    {"runtime.docker",
     0,
     {"docker.snap", "docker.dockerd=/usr/bin/dockerd", "docker.daemon-json", "dpkg.database!13"},
     STATUS_UNKNOWN,
     "cannot read"},
    {"runtime.docker", 0, {"docker.snap!13"}, STATUS_UNKNOWN, "Permission denied"},
    {"runtime.docker",
     0,
     {"docker.snap", "docker.dockerd=/usr/bin/dockerd",
      "docker.daemon-json=invalid: not a JSON object"},
     STATUS_FAIL,
     "not a JSON object"},
};

RULE_CASES_TEST(test_rules, fact_cases, RULE_WANT_FIX_WARN)

/* daemon.json judged as dockerd reads it (moby daemon/config/config.go,
 * getConflictFreeConfiguration): runtime.docker on a tree with dockerd and the file. */
static const struct {
	const char *text;
	size_t len; /* 0: strlen(text) */
	enum status status;
	const char *message;
} daemon_json_cases[] = {
    /* empty or white space: dockerd starts with its defaults */
    {"", 0, STATUS_PASS, "not registered yet"},
    {" \n\t\n", 0, STATUS_PASS, "not registered yet"},
    /* a key given twice: dockerd takes the last */
    {"{\"runtimes\": {\"sysbox-runc\": {\"path\": \"/usr/bin/sysbox-runc\"}},\n"
     " \"runtimes\": {\"sysbox-runc\": {\"path\": \"/opt/sysbox-runc\"}}}",
     0, STATUS_PASS, "registered at /opt/sysbox-runc; /etc/docker/daemon.json gives \"runtimes\" twice"},
    {"{\"runtimes\": {\"sysbox-runc\": {\"path\": \"/usr/bin/sysbox-runc\"}},\n"
     " \"runtimes\": null}",
     0, STATUS_PASS, "not registered yet"},
    /* bytes after the object, a NUL too; invalid UTF-8: dockerd refuses them */
    {"{}\0garbage", 10, STATUS_FAIL, "text after the value at line 1: dockerd refuses"},
    {"{\"debug\": \"\xff\"}", 0, STATUS_FAIL, "invalid UTF-8 at line 1: dockerd refuses"},
    {"{\"runtimes\": []}", 0, STATUS_FAIL, "\"runtimes\" is not an object: dockerd refuses"},
};

static void test_daemon_json_as_dockerd(void **state)
{
	const struct config cfg = fixture_config();

	(void)state;
	for (size_t i = 0; i <= ELEMENTSOF(daemon_json_cases); i++) {
		_cleanup_free_ char *t = tree_new(), *what = strdup_printf("daemon.json case %zu", i);
		struct facts f = { 0 };
		struct result r;

		tree_put_len(t, "usr/bin/dockerd", "", 0, 0755);
		if (i < ELEMENTSOF(daemon_json_cases)) {
			const char *text = daemon_json_cases[i].text;

			tree_put_len(t, "etc/docker/daemon.json", text,
				     daemon_json_cases[i].len ? daemon_json_cases[i].len : strlen(text),
				     0644);
			r = check_probe_judge(t, "runtime.docker", &cfg, &f);
			result_want(&r, what, daemon_json_cases[i].status, daemon_json_cases[i].message);
		} else {
			/* nested 10000 deep, as Go's encoding/json allows */
			size_t depth = 10000, n = 6 + 2 * (depth - 1);
			char *buf = malloc(n);

			assert_non_null(buf);
			memcpy(buf, "{\"a\":", 5);
			memset(buf + 5, '[', depth - 1);
			memset(buf + 5 + depth - 1, ']', depth - 1);
			buf[n - 1] = '}';
			tree_put_len(t, "etc/docker/daemon.json", buf, n, 0644);
			free(buf);
			r = check_probe_judge(t, "runtime.docker", &cfg, &f);
			result_want(&r, what, STATUS_PASS, "not registered yet");
		}
		result_free(&r);
		facts_free(&f);
		tree_remove(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_daemon_json_as_dockerd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
