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

    /* docker-ce's unit and a drop-in whose flags daemon.json does not give */
    {"runtime-units", "runtime.docker", STATUS_PASS, "registered at /usr/bin/sysbox-runc"},

    /* a drop-in resets ExecStart= and gives --data-root, which daemon.json has too */
    {"runtime-flagconflict", "runtime.docker", STATUS_FAIL,
     "\"data-root\": --data-root=/srv/docker at /etc/systemd/system/docker.service.d/override.conf:3, "
     "and in /etc/docker/daemon.json:3"},

    /* Debian's docker.io unit: --bip in DOCKER_OPTS of /etc/default/docker, bip in daemon.json */
    {"runtime-dockeropts", "runtime.docker", STATUS_FAIL,
     "--bip=10.10.0.1/24 at DOCKER_OPTS in /etc/default/docker:5, through "
     "/lib/systemd/system/docker.service:11"},

    /* bip and default-address-pools tab-indented */
    {"runtime-netform", "runtime.docker", STATUS_WARN, "(it misses bip, default-address-pools)"},

    /* a drop-in that adds an ExecStart= to the unit's, without an empty one first */
    {"runtime-execstart2", "runtime.docker", STATUS_FAIL,
     "systemd refuses to start docker.service: 2 ExecStart= lines in a Type=notify service"},

    /* a drop-in that is a link to itself */
    {"runtime-unitloop", "runtime.docker", STATUS_UNKNOWN,
     "cannot read '/etc/systemd/system/docker.service.d/20-loop.conf'"},
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
    /* a directive given both ways: dockerd refuses to start */
    {"runtime.docker",
     0,
     {"docker.snap", "docker.dockerd=/usr/bin/dockerd", "docker.daemon-json=valid JSON object",
      "docker.runtime.sysbox-runc=/usr/bin/sysbox-runc", "docker.daemon-json.duplicate",
      "docker.flags=-H fd:// (/lib/systemd/system/docker.service:3)",
      "docker.flag-conflict=\"hosts\": -H fd:// at /lib/systemd/system/docker.service:3, and in "
      "/etc/docker/daemon.json:2"},
     STATUS_FAIL,
     "dockerd refuses to start, a directive is given both as a flag and in /etc/docker/daemon.json: "
     "\"hosts\": -H fd:// at /lib/systemd/system/docker.service:3"},
    /* systemd refuses the unit before dockerd reads anything */
    {"runtime.docker",
     0,
     {"docker.snap", "docker.dockerd=/usr/bin/dockerd", "docker.daemon-json=valid JSON object",
      "docker.runtime.sysbox-runc=/usr/bin/sysbox-runc", "docker.flags=-H fd:// (u:3)",
      "docker.unit-refused=2 ExecStart= lines in a Type=notify service: u:3, d:2"},
     STATUS_FAIL,
     "systemd refuses to start docker.service: 2 ExecStart= lines"},
    /* flags unread: a clash cannot be ruled out */
    {"runtime.docker",
     0,
     {"docker.snap", "docker.dockerd=/usr/bin/dockerd", "docker.daemon-json=valid JSON object",
      "docker.runtime.sysbox-runc=/usr/bin/sysbox-runc", "docker.daemon-json.duplicate",
      "docker.flags!13"},
     STATUS_UNKNOWN,
     "Permission denied"},
    {"runtime.docker",
     0,
     {"docker.snap", "docker.dockerd=/usr/bin/dockerd", "docker.daemon-json=valid JSON object",
      "docker.runtime.sysbox-runc=/usr/bin/sysbox-runc"},
     STATUS_UNKNOWN,
     "no fact 'docker.flags'"},
    /* but a broken install still fails */
    {"runtime.docker",
     0,
     {"docker.snap", "docker.dockerd=/usr/bin/dockerd", "docker.daemon-json=valid JSON object",
      "docker.runtime.sysbox-runc", "docker.flags!13", "dpkg.database=3 packages",
      "dpkg.sysbox-ce.status=install ok installed", "dpkg.sysbox-ce.version=0.6.4-0",
      "dpkg.sysbox-ee.status"},
     STATUS_FAIL,
     "sysbox-ce is installed but sysbox-runc is not registered"},
    /* bip and pools where the Sysbox package's pattern misses them */
    {"runtime.docker",
     0,
     {"docker.snap", "docker.dockerd=/usr/bin/dockerd", "docker.daemon-json=valid JSON object",
      "docker.runtime.sysbox-runc=/usr/bin/sysbox-runc", "docker.flags",
      "docker.daemon-json.sysbox-network=misses bip"},
     STATUS_WARN,
     "does not recognize (it misses bip)"},
    {"runtime.docker",
     0,
     {"docker.snap", "docker.dockerd=/usr/bin/dockerd", "docker.daemon-json=valid JSON object",
      "docker.runtime.sysbox-runc=/usr/bin/sysbox-runc", "docker.flags",
      "docker.daemon-json.sysbox-network=matches"},
     STATUS_PASS,
     "registered at /usr/bin/sysbox-runc"},
};

RULE_CASES_TEST(test_rules, fact_cases, RULE_WANT_FIX_WARN)

/* Every status runtime.docker gives has a case on facts. */
static void test_statuses(void **state)
{
	static const enum status all[] = { STATUS_PASS, STATUS_WARN, STATUS_FAIL, STATUS_UNKNOWN };

	(void)state;
	rule_cases_cover(fact_cases, ELEMENTSOF(fact_cases), "runtime.docker", all, ELEMENTSOF(all));
}

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

/* dockerd's flags from systemd against daemon.json: the unit, drop-ins in file-name order across
 * directories (the first directory's of a name hides the others'), an empty ExecStart= resetting
 * the list, variables from Environment= and EnvironmentFile=, DOCKER_OPTS without a unit. */
#define CE_UNIT "[Service]\nType=notify\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n"
#define REGISTERED "\"runtimes\": {\"sysbox-runc\": {\"path\": \"/usr/bin/sysbox-runc\"}}"

static const struct {
	const char *files[12]; /* path, content, ... */
	enum status status;
	const char *message;
} unit_cases[] = {
    /* moby #22339: -H in the unit, "hosts" in daemon.json */
    {{"lib/systemd/system/docker.service", CE_UNIT,
      "etc/docker/daemon.json", "{\n  \"hosts\": [\"tcp://0.0.0.0:2375\"],\n  " REGISTERED "\n}\n"},
     STATUS_FAIL, "\"hosts\": -H fd:// at /lib/systemd/system/docker.service:3, and in /etc/docker/daemon.json:2"},
    /* a drop-in's reset drops the unit's -H; its own --data-root clashes */
    {{"lib/systemd/system/docker.service", CE_UNIT,
      "etc/systemd/system/docker.service.d/a.conf", "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --data-root /srv/d\n",
      "etc/docker/daemon.json", "{\"hosts\": [\"fd://\"], \"data-root\": \"/x\", " REGISTERED "}"},
     STATUS_FAIL, "\"data-root\": --data-root /srv/d at /etc/systemd/system/docker.service.d/a.conf:3, and in /etc/docker/daemon.json:1"},
    /* the same name in /etc hides /lib's drop-in; b.conf (in /usr/lib) comes after a.conf (in /etc) */
    {{"lib/systemd/system/docker.service", CE_UNIT,
      "usr/lib/systemd/system/docker.service.d/a.conf", "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --bip=10.1.0.1/24\n",
      "etc/systemd/system/docker.service.d/a.conf", "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --debug\n",
      "usr/lib/systemd/system/docker.service.d/b.conf", "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -l warn\n",
      "etc/docker/daemon.json", "{\"bip\": \"10.2.0.1/24\", \"debug\": true, " REGISTERED "}"},
     STATUS_PASS, "registered at /usr/bin/sysbox-runc"},
    /* variables: Environment= and an EnvironmentFile= that overrides it; ${} is one word */
    {{"lib/systemd/system/docker.service",
      "[Service]\nEnvironment=\"OPTS=--iptables=false\"\nEnvironmentFile=-/etc/sysconfig/docker\nExecStart=/usr/bin/dockerd $OPTS ${ONE}\n",
      "etc/sysconfig/docker", "# options\nOPTS=\"--debug --tls\"\nONE=\"--mtu=1400 --bip=1\"\n",
      "etc/docker/daemon.json", "{\"iptables\": false, \"mtu\": 1500, " REGISTERED "}"},
     STATUS_FAIL, "\"mtu\": --mtu=1400 --bip=1 at ONE in /etc/sysconfig/docker:3, through /lib/systemd/system/docker.service:4"},
    /* no unit: an init script reads DOCKER_OPTS */
    {{"etc/default/docker", "DOCKER_OPTS=\"--dns 8.8.8.8 --storage-driver=overlay2\"\n",
      "etc/docker/daemon.json", "{\n\"storage-driver\": \"vfs\", " REGISTERED "}"},
     STATUS_FAIL, "\"storage-driver\": --storage-driver=overlay2 at DOCKER_OPTS in /etc/default/docker:1, and in /etc/docker/daemon.json:2"},
    /* an object's members are directives of their own (proxies), a named option's its name */
    {{"lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd --http-proxy http://p:3128 --log-opt max-size=1m\n",
      "etc/docker/daemon.json", "{\"proxies\": {\"http-proxy\": \"http://q\"}, \"log-opts\": {\"max-file\": \"2\"}, " REGISTERED "}"},
     STATUS_FAIL, "\"http-proxy\": --http-proxy http://p:3128 at /lib/systemd/system/docker.service:2, and in /etc/docker/daemon.json:1; \"log-opts\": --log-opt max-size=1m"},
    /* --add-runtime and "runtimes" are merged; a program that is not dockerd is not read (a
     * oneshot service may have more than one ExecStart=) */
    {{"lib/systemd/system/docker.service", "[Service]\nType=oneshot\nExecStart=/usr/bin/dockerd --add-runtime x=/bin/x\nExecStart=/usr/bin/env --bip=1\n",
      "etc/docker/daemon.json", "{\"bip\": \"10.0.0.1/24\", " REGISTERED "}"},
     STATUS_PASS, "registered at /usr/bin/sysbox-runc"},
    /* --config-file: dockerd reads another file, daemon.json's bip is not its */
    {{"lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd --bip=10.1.0.1/24 --config-file=/etc/docker/other.json\n",
      "etc/docker/daemon.json", "{\"bip\": \"10.0.0.1/24\", " REGISTERED "}"},
     STATUS_PASS, "registered at /usr/bin/sysbox-runc"},
    {{"lib/systemd/system/docker.service", "[Service]\nExecStart=/usr/bin/dockerd --bip=10.1.0.1/24 --config-file /etc/docker/daemon.json\n",
      "etc/docker/daemon.json", "{\"bip\": \"10.0.0.1/24\", " REGISTERED "}"},
     STATUS_FAIL, "\"bip\": --bip=10.1.0.1/24"},
    /* bip and pools compact on one line: the Sysbox package's pattern misses them */
    {{"etc/docker/daemon.json", "{\"bip\": \"172.20.0.1/16\", \"default-address-pools\": [{\"base\": \"172.25.0.0/16\", \"size\": 24}], " REGISTERED "}"},
     STATUS_WARN, "(it misses bip, default-address-pools)"},
    /* as cvmprep provision and the package write them */
    {{"etc/docker/daemon.json", "{\n    \"bip\": \"172.20.0.1/16\",\n    \"default-address-pools\": [\n        {\"base\": \"172.25.0.0/16\", \"size\": 24}\n    ],\n    " REGISTERED "\n}\n"},
     STATUS_PASS, "registered at /usr/bin/sysbox-runc"},
    /* "bip":"..." without the space after the colon */
    {{"etc/docker/daemon.json", "{\n    \"bip\":\"172.20.0.1/16\",\n    \"default-address-pools\": [{\"base\": \"172.25.0.0/16\", \"size\": 24}],\n    " REGISTERED "\n}\n"},
     STATUS_WARN, "(it misses bip)"},
};

static void test_units(void **state)
{
	const struct config cfg = fixture_config();

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(unit_cases); i++) {
		_cleanup_free_ char *t = tree_new(), *what = strdup_printf("unit case %zu", i);
		struct facts f = { 0 };
		struct result r;

		tree_put_len(t, "usr/bin/dockerd", "", 0, 0755);
		for (size_t k = 0; k + 1 < ELEMENTSOF(unit_cases[i].files) && unit_cases[i].files[k]; k += 2)
			tree_put_len(t, unit_cases[i].files[k], unit_cases[i].files[k + 1],
				     strlen(unit_cases[i].files[k + 1]), 0644);
		r = check_probe_judge(t, "runtime.docker", &cfg, &f);
		result_want(&r, what, unit_cases[i].status, unit_cases[i].message);
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
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_statuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
