/* SPDX-License-Identifier: MIT */
/* The image.* rules on facts made here: every status each can return. Rules are pure: no
 * image is read (tests/integration/test-image.sh reads real ones). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

#include "checks/check.h"
#include "checks/image.h"
#include "core/util.h"
#include "reports/report.h"

#define IMG "image.source=oci-layout"
#define DPKG "image.dpkg.database=4 packages"
#define INSTALLED(pkg, v) "image.dpkg." pkg ".status=install ok installed", \
			  "image.dpkg." pkg ".version=" v
#define DOCKER INSTALLED("docker-ce", "5:24.0.7-1")

static const struct rule_case cases[] = {
	/* Any image check of an image that could not be read. */
	{ "image.init", 0, { "image.source!74" }, STATUS_UNKNOWN, "cannot read the image" },
	{ "image.arch", 0, { NULL }, STATUS_UNKNOWN, "no image was read" },

	{ "image.init", 0, { IMG, "image.init=/usr/lib/systemd/systemd", "image.init.type=file" },
	  STATUS_PASS, "is systemd" },
	{ "image.init", 0, { IMG, "image.init!2" }, STATUS_FAIL, "is missing" },
	{ "image.init", 0, { IMG, "image.init!2", "image.init.link=/lib/systemd/systemd" },
	  STATUS_FAIL, "not in the image" },
	{ "image.init", 0, { IMG, "image.init=/bin/systemd", "image.init.type=file",
			  "image.init.escape=yes" }, STATUS_FAIL, "climbs above the image root" },
	{ "image.init", 0, { IMG, "image.init=/bin/busybox", "image.init.type=not recorded" },
	  STATUS_FAIL, "not systemd" },
	{ "image.init", 0, { IMG, "image.init=/lib/systemd", "image.init.type=directory" },
	  STATUS_FAIL, "not systemd" },
	{ "image.init", 0, { IMG, "image.init!40" }, STATUS_FAIL, "does not resolve" },
	{ "image.init", 0, { IMG, "image.init!13" }, STATUS_UNKNOWN, "cannot resolve" },

	{ "image.systemd", 0, { IMG, DPKG, INSTALLED("systemd", "252.22-1") }, STATUS_PASS, "252.22-1" },
	{ "image.systemd", 0, { IMG, DPKG }, STATUS_FAIL, "not installed" },
	{ "image.systemd", 0, { IMG, DPKG, "image.dpkg.systemd.status=deinstall ok config-files" },
	  STATUS_FAIL, "not installed" },
	{ "image.systemd", 0, { IMG, "image.dpkg.database", "image.systemd.binary=/usr/lib/systemd/systemd" },
	  STATUS_PASS, "no dpkg database" },
	{ "image.systemd", 0, { IMG, "image.dpkg.database", "image.systemd.binary" }, STATUS_FAIL,
	  "not installed" },
	{ "image.systemd", 0, { IMG, "image.dpkg.database!74" }, STATUS_UNKNOWN, "cannot read" },
	{ "image.systemd", 0, { IMG, DPKG, "image.dpkg.systemd.status=bogus" }, STATUS_UNKNOWN,
	  "unexpected dpkg status" },

	{ "image.docker", 0, { IMG, DPKG, DOCKER }, STATUS_PASS, "docker-ce" },
	{ "image.docker", 0, { IMG, DPKG, INSTALLED("docker.io", "20.10.24") }, STATUS_PASS, "docker.io" },
	{ "image.docker", 0, { IMG, DPKG, "image.docker.binary=/usr/bin/dockerd" }, STATUS_PASS,
	  "dockerd at" },
	{ "image.docker", 0, { IMG, DPKG, "image.docker.binary" }, STATUS_WARN, "not installed" },
	{ "image.docker", 0, { IMG, "image.dpkg.database!13" }, STATUS_UNKNOWN, "cannot read" },

	{ "image.docker-enabled", 0, { IMG, DPKG, DOCKER, "image.docker.wants=/etc/x -> /lib/y",
				    "image.docker.unit=/usr/lib/y" }, STATUS_PASS, "enabled" },
	{ "image.docker-enabled", 0, { IMG, DPKG, DOCKER, "image.docker.wants" }, STATUS_WARN,
	  "not enabled" },
	{ "image.docker-enabled", 0, { IMG, DPKG, DOCKER, "image.docker.wants=/etc/x -> /nowhere",
				    "image.docker.unit" }, STATUS_WARN, "leads nowhere" },
	{ "image.docker-enabled", 0, { IMG, DPKG, "image.docker.binary" }, STATUS_SKIP, "not installed" },
	{ "image.docker-enabled", 0, { IMG, DPKG, DOCKER, "image.docker.wants!5" }, STATUS_UNKNOWN,
	  "cannot read" },

	{ "image.containerd-pin", 0, { IMG, DPKG, "image.dpkg.containerd.io.status=hold ok installed",
				    "image.dpkg.containerd.io.version=1.5.11-1" }, STATUS_PASS, "held" },
	{ "image.containerd-pin", 0, { IMG, DPKG, INSTALLED("containerd.io", "1.5.11-1"),
				    "image.apt.pin.containerd.io=1.5.11-1",
				    "image.apt.pin.containerd.io.priority=1001" }, STATUS_PASS, "pinned" },
	{ "image.containerd-pin", 0, { IMG, DPKG, INSTALLED("containerd.io", "1.5.11-1") }, STATUS_WARN,
	  "neither held nor pinned" },
	{ "image.containerd-pin", 0, { IMG, DPKG, INSTALLED("containerd.io", "1.6.21-1") }, STATUS_WARN,
	  "Sysbox before 0.5.2" },
	{ "image.containerd-pin", 0, { IMG, DPKG }, STATUS_WARN, "not installed" },
	{ "image.containerd-pin", 0, { IMG, DPKG, INSTALLED("containerd.io", "1.6.21-1"),
				    "dpkg.sysbox-ce.version=0.7.1-0.linux" }, STATUS_PASS, "not needed" },
	{ "image.containerd-pin", 0, { IMG, "image.dpkg.database" }, STATUS_SKIP, "no dpkg database" },
	{ "image.containerd-pin", 0, { IMG, "image.dpkg.database!74" }, STATUS_UNKNOWN, "cannot read" },
	{ "image.containerd-pin", 0, { IMG, DPKG, INSTALLED("containerd.io", "not a version!") },
	  STATUS_UNKNOWN, "cannot parse" },

	{ "image.inner-runc", 0, { IMG, DPKG, INSTALLED("containerd.io", "1.5.11-1"),
				"dpkg.sysbox-ce.version=0.4.1-0.linux" }, STATUS_PASS, "predates 1.1" },
	{ "image.inner-runc", 0, { IMG, DPKG, INSTALLED("containerd.io", "1.6.21-1"),
				"dpkg.sysbox-ce.version=0.5.0-0.linux" }, STATUS_FAIL, "needs Sysbox >= 0.5.2" },
	{ "image.inner-runc", 0, { IMG, DPKG, INSTALLED("containerd.io", "1.7.24-1"),
				"dpkg.sysbox-ce.version=0.6.4-0.linux" }, STATUS_FAIL, "needs Sysbox >= 0.6.6" },
	{ "image.inner-runc", 0, { IMG, DPKG, INSTALLED("runc", "1.3.0+ds1-1"),
				"dpkg.sysbox-ce.version=0.6.7-0.linux" }, STATUS_FAIL, "needs Sysbox >= 0.7.0" },
	{ "image.inner-runc", 0, { IMG, DPKG, INSTALLED("runc", "1.1.5+ds1-1"),
				"dpkg.sysbox-ee.version=0.6.2-0.linux" }, STATUS_PASS, "runs inside Sysbox" },
	{ "image.inner-runc", 0, { IMG, DPKG, INSTALLED("containerd.io", "1.6.21-1") }, STATUS_SKIP,
	  "node's Sysbox version is not known" },
	{ "image.inner-runc", 0, { IMG, DPKG }, STATUS_SKIP, "runc version is not known" },
	{ "image.inner-runc", 0, { IMG, DPKG, "image.dpkg.runc.status=what ever" }, STATUS_UNKNOWN,
	  "unexpected dpkg status" },

	{ "image.tmp-config", 0, { IMG, "image.tmp", "image.tmp.count=0" }, STATUS_PASS, "nothing" },
	{ "image.tmp-config", 0, { IMG, "image.tmp=/tmp/setup.sh", "image.tmp.count=1" }, STATUS_WARN,
	  "/tmp/setup.sh" },
	{ "image.tmp-config", 0, { IMG, "image.tmp!13" }, STATUS_UNKNOWN, "cannot read" },

	{ "image.arch", 0, { IMG, "node.platform=linux/amd64", "image.arch=amd64" }, STATUS_PASS, "amd64" },
	{ "image.arch", 0, { IMG, "node.platform=linux/arm64/v8", "image.arch=arm64" }, STATUS_PASS,
	  "arm64" },
	{ "image.arch", 0, { IMG, "node.platform=linux/amd64", "image.dpkg.arch=amd64" }, STATUS_PASS,
	  "amd64" },
	{ "image.arch", 0, { IMG, "node.platform=linux/arm64", "image.arch=amd64" }, STATUS_FAIL,
	  "will not run" },
	{ "image.arch", 0, { IMG, "node.platform=linux/amd64" }, STATUS_UNKNOWN, "names no architecture" },
	{ "image.arch", 0, { IMG, "image.arch=amd64" }, STATUS_UNKNOWN, "node" },
};

static void test_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		assert_int_equal(checks_find(cases[i].id)->target, CHECK_TARGET_IMAGE);
	rule_cases_run(cases, ELEMENTSOF(cases), RULE_WANT_FIX_WARN);
}

/* Every image check is in the catalogue with its source, and in the recipe. */
static void test_catalogue(void **state)
{
	static const char *const ids[] = { "image.init", "image.systemd", "image.docker",
					   "image.docker-enabled", "image.containerd-pin",
					   "image.inner-runc", "image.tmp-config", "image.arch" };

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
		const struct check *c = checks_find(ids[i]);
		bool in_recipe = false;

		assert_non_null(c);
		assert_non_null(c->source);
		assert_true(startswith(c->docs, "https://") != NULL);
		assert_non_null(c->why);
		for (size_t k = 0; k < n_image_recipe; k++)
			in_recipe |= streq(image_recipe[k].id, ids[i]);
		assert_true(in_recipe);
	}
}

/* --dockerfile: the steps of what failed or warned, in the recipe's order, each once. */
static void test_dockerfile(void **state)
{
	struct result v[] = {
		{ .check = checks_find("image.init"), .status = STATUS_FAIL },
		{ .check = checks_find("image.docker-enabled"), .status = STATUS_WARN },
		{ .check = checks_find("image.containerd-pin"), .status = STATUS_WARN },
		{ .check = checks_find("image.inner-runc"), .status = STATUS_FAIL },
		{ .check = checks_find("image.systemd"), .status = STATUS_PASS },
		{ .check = checks_find("image.tmp-config"), .status = STATUS_UNKNOWN },
	};
	struct config cfg = { .profile = profile_find("coder") };
	struct report rep = { .cfg = &cfg, .results = v, .n_results = ELEMENTSOF(v) };
	_cleanup_free_ char *text = NULL;
	const char *pin, *enable, *init;
	size_t len;

	(void)state;
	assert_int_equal(report_write_dockerfile(&rep, &text, &len), 0);
	pin = strstr(text, "containerd.io=1.5.11-1");
	enable = strstr(text, "RUN systemctl enable docker");
	init = strstr(text, "RUN ln -sf /lib/systemd/systemd /sbin/init");
	assert_non_null(pin);
	assert_non_null(enable);
	assert_non_null(init);
	assert_true(pin < enable && enable < init);
	assert_null(strstr(pin + 1, "containerd.io=1.5.11-1 &&")); /* once */
	assert_null(strstr(text, "apt-get install -y systemd"));
	assert_null(strstr(text, "/tmp"));
	rep.n_results = 0;
	free(text);
	text = NULL;
	assert_int_equal(report_write_dockerfile(&rep, &text, &len), 0);
	assert_non_null(strstr(text, "nothing to fix"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_dockerfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
