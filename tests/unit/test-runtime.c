/* SPDX-License-Identifier: MIT */
/*
 * runtime.*: probes and rules together on the fixture roots tests/fixtures/runtime-*, and the
 * rules alone on facts for the states no fixture can hold (a running sysbox-mgr, unreadable
 * program directories): every status each check returns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks/checks.h"
#include "checks/runtime.h"
#include "core/util.h"
#include "tmptree.h"

/* Runs check id's probes on root (NULL: none, judge f as it is) and its rule; returns the
 * result (caller frees). */
static struct result judge(const char *root, const char *id, bool live, struct facts *f)
{
	const struct check *c = checks_find(id);
	const struct config cfg = { .profile = profile_find("coder"), .live = live };
	struct result r = { .check = c };

	assert_non_null(c);
	if (root) {
		struct host h;

		assert_int_equal(host_open(&h, root, NULL, NULL), 0);
		for (size_t i = 0; i < CHECK_PROBES_MAX && c->probes[i]; i++)
			assert_int_equal(c->probes[i](&h, &cfg, f), 0);
		host_close(&h);
	}
	assert_int_equal(c->rule(c, f, &cfg, &r), 0);
	assert_non_null(r.message);
	return r;
}

static void want(struct result *r, const char *what, enum status status, const char *text)
{
	if (r->status != status || !strstr(r->message, text))
		fail_msg("%s: %s '%s', want %s with '%s'", what, status_to_string(r->status),
			 r->message, status_to_string(status), text);
}

static const struct {
	const char *fixture, *id;
	enum status status;
	const char *text; /* in the message */
} fixture_cases[] = {
    /* everything in place; a leftover arm64 paragraph of containerd.io 1.6.9-1 comes first */
    {"ready", "runtime.containerd", STATUS_PASS, "1.5.11-1 is installed and held (apt-mark"},
    {"ready", "runtime.docker", STATUS_PASS, "registered at /usr/bin/sysbox-runc"},
    {"ready", "runtime.sysbox", STATUS_PASS, "sysbox-ce 0.6.4-0.linux is installed with its"},
    {"ready", "runtime.tools", STATUS_PASS, "rsync, modprobe and iptables"},
    {"ready", "runtime.subid", STATUS_PASS, "one sysbox range"},
    /* pinned at 1001 in preferences.d (ignored.txt, a name apt skips, pins 1.6.9-1 at 2000) */
    {"pinfile", "runtime.containerd", STATUS_PASS, "installed and pinned (apt preferences)"},
    {"pinfile", "runtime.docker", STATUS_PASS, "not registered yet"},
    {"pinfile", "runtime.sysbox", STATUS_SKIP, "Sysbox is not installed"},
    {"pinfile", "runtime.tools", STATUS_FAIL, ": rsync; sysbox-mgr refuses"},
    {"pinfile", "runtime.subid", STATUS_WARN, "several sysbox ranges (2 in /etc/subuid, 1"},
    /* a newer containerd.io, a weak pin; daemon.json with a trailing comma */
    {"newer", "runtime.containerd", STATUS_WARN,
     "containerd.io 1.6.9-1 is installed, not 1.5.11-1"},
    {"newer", "runtime.docker", STATUS_FAIL, "invalid JSON: syntax error at line 5"},
    {"newer", "runtime.sysbox", STATUS_FAIL, "units are missing: sysbox.service sysbox-mgr"},
    {"newer", "runtime.tools", STATUS_FAIL, ": rsync modprobe iptables;"},
    {"newer", "runtime.subid", STATUS_PASS, "no sysbox range yet"},
    /* at the version but loose; snap Docker; units without a package */
    {"unpinned", "runtime.containerd", STATUS_WARN, "neither held nor pinned"},
    {"unpinned", "runtime.docker", STATUS_FAIL, "as a snap (/snap/bin/dockerd)"},
    {"unpinned", "runtime.sysbox", STATUS_WARN, "neither sysbox-ce nor sysbox-ee"},
    /* an interrupted dpkg run */
    {"half", "runtime.containerd", STATUS_FAIL, "(status 'install reinstreq half-installed')"},
    {"half", "runtime.sysbox", STATUS_FAIL, "(status 'install ok half-configured')"},
    {"half", "runtime.docker", STATUS_FAIL, "sysbox-ce is installed but sysbox-runc is not"},
    /* not a dpkg system, no programs, no subid files */
    {"nodpkg", "runtime.containerd", STATUS_SKIP, "not installed"},
    {"nodpkg", "runtime.docker", STATUS_SKIP, "Docker is not installed"},
    {"nodpkg", "runtime.sysbox", STATUS_SKIP, "not installed"},
    {"nodpkg", "runtime.tools", STATUS_SKIP, "no installed system"},
    {"nodpkg", "runtime.subid", STATUS_PASS, "sysbox-mgr creates one"},
    /* status file, daemon.json and /etc/subuid unreadable (directories) */
    {"unreadable", "runtime.containerd", STATUS_UNKNOWN,
     "cannot read '/var/lib/dpkg/status': Is a"},
    {"unreadable", "runtime.sysbox", STATUS_UNKNOWN, "cannot read '/var/lib/dpkg/status'"},
    {"unreadable", "runtime.docker", STATUS_UNKNOWN, "cannot read '/etc/docker/daemon.json'"},
    {"unreadable", "runtime.subid", STATUS_UNKNOWN, "cannot read '/etc/subuid'"},
    {"nostatus", "runtime.containerd", STATUS_UNKNOWN, "No such file"},
    {"corrupt", "runtime.containerd", STATUS_UNKNOWN, "'/var/lib/dpkg/status:5': Bad message"},
    /* purged: a paragraph without a version remains */
    {"absent", "runtime.containerd", STATUS_SKIP, "containerd.io is not installed"},
    {"absent", "runtime.sysbox", STATUS_SKIP, "not installed"},
};

static void test_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(fixture_cases); i++) {
		_cleanup_free_ char *root = strdup_printf("tests/fixtures/runtime-%s",
							  fixture_cases[i].fixture);
		_cleanup_free_ char *what = strdup_printf("%s %s", fixture_cases[i].fixture,
							  fixture_cases[i].id);
		struct facts f = { 0 };
		struct result r = judge(root, fixture_cases[i].id, false, &f);

		want(&r, what, fixture_cases[i].status, fixture_cases[i].text);
		result_free(&r);
		facts_free(&f);
	}
}

static void test_probe_facts(void **state)
{
	struct facts f = { 0 };
	struct result r = judge("tests/fixtures/runtime-ready", "runtime.containerd", false, &f);
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
	r = judge("tests/fixtures/runtime-pinfile", "runtime.containerd", false, &f);
	result_free(&r);
	fa = facts_get(&f, "apt.pin.containerd.io");
	assert_string_equal(fa->value, "1.5.11-1");
	assert_string_equal(fa->source, "/etc/apt/preferences.d/containerd");
	assert_string_equal(facts_get(&f, "apt.pin.containerd.io.priority")->value, "1001");
	facts_free(&f);

	/* iptables through two symlinks (/etc/alternatives) */
	f = (struct facts){ 0 };
	r = judge("tests/fixtures/runtime-ready", "runtime.tools", false, &f);
	result_free(&r);
	assert_string_equal(facts_get(&f, "tools.iptables")->value, "/usr/sbin/iptables");
	assert_string_equal(facts_get(&f, "tools.bindirs")->value, "/usr/sbin /usr/bin");
	facts_free(&f);
}

/* Facts for a rule: key=value, key (a null value) or key!errno. */
static void set_facts(struct facts *f, const char *const *kv)
{
	for (; *kv; kv++) {
		_cleanup_free_ char *key = strdup(*kv);
		char *eq = strchr(key, '='), *bang = strchr(key, '!');

		if (bang) {
			*bang = '\0';
			assert_int_equal(facts_set_err(f, key, "test", atoi(bang + 1)), 0);
			continue;
		}
		if (eq)
			*eq = '\0';
		assert_int_equal(facts_set(f, key, "test", eq ? eq + 1 : NULL), 0);
	}
}

/* A unit directory of about 100 characters. */
#define LONG_DIR "/usr/lib/systemd/system/x-very-long-directory-name-to-make-the-list-long/" \
		 "0123456789012345678901234"

static const struct {
	const char *id;
	bool live;
	const char *facts[16];
	enum status status;
	const char *text;
} fact_cases[] = {
    {"runtime.containerd",
     false,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "apt.pin.containerd.io=1.5.11-1",
      "apt.pin.containerd.io.priority=500"},
     STATUS_WARN,
     "has priority 500, below 1000"},
    {"runtime.containerd",
     false,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "apt.pin.containerd.io=1.6.*",
      "apt.pin.containerd.io.priority=1001"},
     STATUS_WARN,
     "is for version 1.6.*"},
    {"runtime.containerd",
     false,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "apt.pin.containerd.io=1.5.*",
      "apt.pin.containerd.io.priority=1001"},
     STATUS_PASS,
     "installed and pinned"},
    {"runtime.containerd",
     false,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok triggers-pending",
      "dpkg.containerd.io.version=0:1.5.11-1", "apt.pin.containerd.io=1.5.11-1",
      "apt.pin.containerd.io.priority=1001"},
     STATUS_PASS,
     "held and pinned"},
    {"runtime.containerd",
     false,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok installed",
      "dpkg.containerd.io.version=1.6.9-1"},
     STATUS_WARN,
     "1.6.9-1 is installed and held, not 1.5.11-1"},
    {"runtime.containerd",
     false,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok unpacked",
      "dpkg.containerd.io.version=1.5.11-1"},
     STATUS_FAIL,
     "interrupted dpkg"},
    {"runtime.containerd",
     false,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=v1.5"},
     STATUS_UNKNOWN,
     "cannot parse the installed version"},
    {"runtime.containerd",
     false,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=install ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "apt.pin.containerd.io!13"},
     STATUS_UNKNOWN,
     "apt pins cannot be read: Permission denied"},
    {"runtime.containerd",
     false,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=installed"},
     STATUS_UNKNOWN,
     "unexpected dpkg status"},
    {"runtime.containerd", false, {"dpkg.database!13"}, STATUS_UNKNOWN, "Permission denied"},
    /* an interrupted dpkg run left its journal: apt refuses to work */
    {"runtime.containerd",
     false,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "dpkg.updates=2 journal files"},
     STATUS_FAIL,
     "dpkg was interrupted (2 journal files in /var/lib/dpkg/updates)"},
    {"runtime.containerd",
     false,
     {"dpkg.database=9 packages", "dpkg.containerd.io.status=hold ok installed",
      "dpkg.containerd.io.version=1.5.11-1", "dpkg.updates!13"},
     STATUS_PASS,
     "held (apt-mark hold)"},
    {"runtime.sysbox",
     true,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.6.4-0", "dpkg.updates=1 journal file",
      "sysbox.unit.sysbox.service=/lib/systemd/system/sysbox.service",
      "sysbox.unit.sysbox-mgr.service=/lib/systemd/system/sysbox-mgr.service",
      "sysbox.unit.sysbox-fs.service=/lib/systemd/system/sysbox-fs.service",
      "sysbox.sysmgr-sock=socket"},
     STATUS_FAIL,
     "dpkg was interrupted (1 journal file in"},
    {"runtime.docker",
     false,
     {"docker.snap", "docker.dockerd=/usr/bin/dockerd", "docker.daemon-json", "dpkg.database!13"},
     STATUS_UNKNOWN,
     "cannot read"},
    {"runtime.docker", false, {"docker.snap!13"}, STATUS_UNKNOWN, "Permission denied"},
    {"runtime.docker",
     false,
     {"docker.snap", "docker.dockerd=/usr/bin/dockerd",
      "docker.daemon-json=invalid: not a JSON object"},
     STATUS_FAIL,
     "not a JSON object"},
    {"runtime.sysbox",
     true,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status",
      "dpkg.sysbox-ee.status=install ok installed", "dpkg.sysbox-ee.version=0.6.2",
      "sysbox.unit.sysbox.service=/lib/systemd/system/sysbox.service",
      "sysbox.unit.sysbox-mgr.service=/lib/systemd/system/sysbox-mgr.service",
      "sysbox.unit.sysbox-fs.service=/lib/systemd/system/sysbox-fs.service",
      "sysbox.sysmgr-sock=socket"},
     STATUS_PASS,
     "sysbox-ee 0.6.2 is installed and sysbox-mgr is listening"},
    {"runtime.sysbox",
     true,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.6.4-0",
      "sysbox.unit.sysbox.service=/lib/systemd/system/sysbox.service",
      "sysbox.unit.sysbox-mgr.service=/lib/systemd/system/sysbox-mgr.service",
      "sysbox.unit.sysbox-fs.service=/lib/systemd/system/sysbox-fs.service", "sysbox.sysmgr-sock"},
     STATUS_WARN,
     "sysbox-mgr is not running (/run/sysbox/sysmgr.sock is absent)"},
    {"runtime.sysbox",
     true,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.6.4-0",
      "sysbox.unit.sysbox.service=/lib/systemd/system/sysbox.service",
      "sysbox.unit.sysbox-mgr.service=/lib/systemd/system/sysbox-mgr.service",
      "sysbox.unit.sysbox-fs.service=/lib/systemd/system/sysbox-fs.service",
      "sysbox.sysmgr-sock=not a socket"},
     STATUS_WARN,
     "is not a socket"},
    {"runtime.sysbox",
     true,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status=install ok installed",
      "dpkg.sysbox-ce.version=0.6.4-0", "sysbox.unit.sysbox.service!13"},
     STATUS_UNKNOWN,
     "Permission denied"},
    /* three long unit paths: more than the 256 bytes the list was cut at */
    {"runtime.sysbox",
     false,
     {"dpkg.database=9 packages", "dpkg.sysbox-ce.status", "dpkg.sysbox-ee.status",
      "sysbox.unit.sysbox.service=" LONG_DIR "/sysbox.service",
      "sysbox.unit.sysbox-mgr.service=" LONG_DIR "/sysbox-mgr.service",
      "sysbox.unit.sysbox-fs.service=" LONG_DIR "/sysbox-fs.service"},
     STATUS_WARN,
     LONG_DIR "/sysbox-mgr.service " LONG_DIR "/sysbox-fs.service) but neither"},
    {"runtime.tools",
     false,
     {"tools.bindirs=/usr/bin", "tools.rsync=/usr/bin/rsync", "tools.modprobe!13",
      "tools.iptables=/usr/sbin/iptables"},
     STATUS_UNKNOWN,
     "for: modprobe"},
    {"runtime.tools",
     false,
     {"tools.bindirs=/usr/bin", "tools.rsync", "tools.modprobe!13",
      "tools.iptables=/usr/sbin/iptables"},
     STATUS_FAIL,
     ": rsync;"},
    {"runtime.subid",
     false,
     {"subid.subuid=sysbox:165536:65536", "subid.subgid=sysbox:1:65536 sysbox:70000:65536"},
     STATUS_WARN,
     "(1 in /etc/subuid, 2 in /etc/subgid)"},
    {"runtime.subid",
     false,
     {"subid.subuid=sysbox:165536:65536", "subid.subgid!13"},
     STATUS_UNKNOWN,
     "Permission denied"},
};

static void test_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(fact_cases); i++) {
		_cleanup_free_ char *what = strdup_printf("case %zu (%s)", i, fact_cases[i].id);
		struct facts f = { 0 };
		struct result r;

		set_facts(&f, fact_cases[i].facts);
		r = judge(NULL, fact_cases[i].id, fact_cases[i].live, &f);
		want(&r, what, fact_cases[i].status, fact_cases[i].text);
		result_free(&r);
		facts_free(&f);
	}
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
			r = judge(t, "runtime.docker", false, &f);
			want(&r, what, daemon_json_cases[i].status, daemon_json_cases[i].message);
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
			r = judge(t, "runtime.docker", false, &f);
			want(&r, what, STATUS_PASS, "not registered yet");
		}
		result_free(&r);
		facts_free(&f);
		tree_remove(t);
	}
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
		cmocka_unit_test(test_daemon_json_as_dockerd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
