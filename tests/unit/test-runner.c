/* SPDX-License-Identifier: MIT */
/* Check selection (--skip/--only globs) and the registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks/runner.h"
#include "core/fileio.h"
#include "core/util.h"

static enum selection sel_of(const enum selection *sel, const char *id)
{
	for (size_t i = 0; i < checks_count(); i++)
		if (streq(checks_get(i)->id, id))
			return sel[i];
	fail_msg("no check %s", id);
	return SELECT_OMIT;
}

static void test_registry(void **state)
{
	(void)state;
	assert_true(checks_count() >= 4);
	for (size_t i = 0; i < checks_count(); i++) {
		const struct check *c = checks_get(i);

		/* ids are unique and every check can be explained */
		assert_ptr_equal(checks_find(c->id), c);
		assert_non_null(c->title);
		assert_non_null(c->rule);
		assert_non_null(c->evidence);
		assert_non_null(c->rule_text);
		assert_non_null(c->why);
		assert_non_null(c->fix);
		assert_non_null(c->source);
		assert_non_null(startswith(c->docs, "https://"));
	}
	assert_null(checks_find("no.such"));
}

/* Each check names the file that defines it, and that file holds its id (a kernel.config.*
 * check: its option, in the KCONFIG_OPTIONS table). */
static void test_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < checks_count(); i++) {
		const struct check *c = checks_get(i);
		const char *file = checks_file(c), *option = startswith(c->id, "kernel.config.");
		_cleanup_free_ char *text = NULL, *quoted = NULL;

		assert_non_null(file);
		assert_non_null(startswith(file, "checks/"));
		assert_int_equal(read_file(file, 1 << 20, &text, NULL), 0);
		quoted = option ? strdup_printf("(%s,", option) : strdup_printf("\"%s\"", c->id);
		if (!strstr(text, quoted))
			fail_msg("%s: %s is not in %s", c->id, quoted, file);
	}
	assert_null(checks_file(NULL));
}

/* The ids of the requirement catalogue are all registered (kernel.config.* has its own test). */
static void test_catalogue(void **state)
{
	static const char *const ids[] = {
		"platform.arch", "platform.init", "platform.resources", "platform.virt",
		"os.distro", "kernel.version", "kernel.idmap", "kernel.shiftfs", "kernel.headers",
		"kernel.seccomp-notify", "security.selinux", "security.apparmor-userns",
		"security.secureboot", "userns.max", "userns.clone", "userns.procfs",
		"cgroup.version", "fs.fuse", "fs.overlay", "fs.dataroot", "fs.docker-dtype",
		"fs.capacity", "sysctl.limits", "pod.privileged", "pod.hostpaths",
		"pod.modules-match", "net.istio", "runtime.containerd", "runtime.docker",
		"runtime.sysbox", "runtime.tools", "runtime.subid", "gpu.devices",
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(ids); i++)
		if (!checks_find(ids[i]))
			fail_msg("%s is not registered", ids[i]);
}

static void test_select(void **state)
{
	_cleanup_free_ enum selection *sel = calloc(checks_count(), sizeof(*sel));
	char *only[] = { (char[]){ "kernel.*" }, (char[]){ "platform.arch" } };
	char *skip[] = { (char[]){ "kernel.version" } };
	char *bogus[] = { (char[]){ "kernel.version" }, (char[]){ "nothing.*" } };
	const char *bad = NULL;

	(void)state;
	assert_int_equal(checks_select(NULL, 0, NULL, 0, sel, &bad), 0);
	for (size_t i = 0; i < checks_count(); i++)
		assert_int_equal(sel[i], checks_get(i)->target == CHECK_TARGET_NODE ? SELECT_RUN
										 : SELECT_OMIT);

	assert_int_equal(checks_select(skip, 1, only, 2, sel, &bad), 0);
	assert_int_equal(sel_of(sel, "kernel.version"), SELECT_SKIP);
	assert_int_equal(sel_of(sel, "platform.arch"), SELECT_RUN);
	assert_int_equal(sel_of(sel, "os.distro"), SELECT_OMIT);
	assert_int_equal(sel_of(sel, "security.selinux"), SELECT_OMIT);

	assert_int_equal(checks_select(bogus, 2, NULL, 0, sel, &bad), -EINVAL);
	assert_string_equal(bad, "nothing.*");
	assert_int_equal(checks_select(NULL, 0, bogus, 2, sel, &bad), -EINVAL);
	assert_string_equal(bad, "nothing.*");
}

/* A run selects the checks of one target: the image's are not the node's, nor the reverse. */
static void test_select_target(void **state)
{
	_cleanup_free_ enum selection *sel = calloc(checks_count(), sizeof(*sel));
	char *image[] = { (char[]){ "image.*" } };
	char *node[] = { (char[]){ "kernel.version" } };
	char *tmp[] = { (char[]){ "image.tmp-config" } };
	const char *bad = NULL;

	(void)state;
	assert_int_equal(checks_select_target(CHECK_TARGET_IMAGE, NULL, 0, NULL, 0, sel, &bad), 0);
	assert_int_equal(sel_of(sel, "image.init"), SELECT_RUN);
	assert_int_equal(sel_of(sel, "kernel.version"), SELECT_OMIT);
	assert_int_equal(checks_select_target(CHECK_TARGET_IMAGE, tmp, 1, image, 1, sel, &bad), 0);
	assert_int_equal(sel_of(sel, "image.tmp-config"), SELECT_SKIP);
	assert_int_equal(sel_of(sel, "image.arch"), SELECT_RUN);
	assert_int_equal(checks_select_target(CHECK_TARGET_IMAGE, NULL, 0, node, 1, sel, &bad),
			 -EINVAL);
	assert_string_equal(bad, "kernel.version");
	assert_int_equal(checks_select(NULL, 0, image, 1, sel, &bad), -EINVAL);
	assert_string_equal(bad, "image.*");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_select_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
