/* SPDX-License-Identifier: MIT */
/* core/path: programs looked up along a PATH inside a root, never outside it, on temporary
 * trees read through struct host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/path.h"
#include "tmptree.h"

static char *tree;
static struct host h;

static int setup(void **state)
{
	(void)state;
	tree = tree_new();
	tree_put_len(tree, "usr/sbin/modprobe", "", 0, 0755);
	tree_put_len(tree, "usr/bin/rsync", "", 0, 0755);
	/* the first in PATH order wins: /usr/local/bin before /usr/bin */
	tree_put_len(tree, "usr/local/bin/rsync", "", 0, 0755);
	/* not executable, or not a regular file: not a program */
	tree_put_len(tree, "usr/local/sbin/iptables", "", 0, 0644);
	tree_mkdirs(tree, "usr/local/bin/iptables", true);
	/* through /etc/alternatives, as Debian installs it: absolute links stay in the tree */
	tree_put_len(tree, "usr/sbin/iptables-legacy", "", 0, 0755);
	tree_link(tree, "etc/alternatives/iptables", "/usr/sbin/iptables-legacy");
	tree_link(tree, "usr/sbin/iptables", "/etc/alternatives/iptables");
	/* links that try to leave the tree resolve inside it, where there is nothing */
	tree_link(tree, "usr/bin/sh", "../../../../../../../../bin/sh");
	tree_link(tree, "usr/bin/env", "/usr/bin/../../../../usr/bin/env-outside");
	tree_link(tree, "usr/bin/loop", "loop");
	assert_int_equal(host_open(&h, tree, NULL, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	host_close(&h);
	tree_remove(tree);
	free(tree);
	return 0;
}

static void want(const char *path, const char *name, int r, const char *where)
{
	_cleanup_free_ char *got = NULL;
	int ret = path_find_program(&h, path, name, &got);

	if (ret != r || !streq_ptr(got, where))
		fail_msg("%s in '%s': got %d '%s', want %d '%s'", name, path, ret,
			 got ? got : "(null)", r, where ? where : "(null)");
}

static void test_find(void **state)
{
	(void)state;
	want(PATH_SYSTEMD, "modprobe", 1, "/usr/sbin/modprobe");
	want(PATH_SYSTEMD, "rsync", 1, "/usr/local/bin/rsync");
	want("/usr/bin", "rsync", 1, "/usr/bin/rsync");
	want(PATH_SYSTEMD, "iptables", 1, "/usr/sbin/iptables");
	want(PATH_SYSTEMD, "dockerd", 0, NULL);
	/* the host's own /bin/sh and /usr/bin/env are not the tree's */
	want(PATH_SYSTEMD, "sh", 0, NULL);
	want(PATH_SYSTEMD, "env", 0, NULL);
	/* a symlink loop cannot be searched: its errno when nothing else has the name */
	want(PATH_SYSTEMD, "loop", -ELOOP, NULL);
	/* empty and relative entries are skipped; trailing slashes and "/" are fine */
	want(":.:usr/bin::/usr/bin/", "rsync", 1, "/usr/bin/rsync");
	want("", "rsync", 0, NULL);
	/* only file names */
	want(PATH_SYSTEMD, "sbin/modprobe", -EINVAL, NULL);
	want(PATH_SYSTEMD, "", -EINVAL, NULL);
	want(PATH_SYSTEMD, "..", -EINVAL, NULL);
}

static void test_dirs_present(void **state)
{
	_cleanup_free_ char *dirs = NULL;

	(void)state;
	assert_int_equal(path_dirs_present(&h, PATH_SYSTEMD, &dirs), 0);
	assert_string_equal(dirs, "/usr/local/sbin /usr/local/bin /usr/sbin /usr/bin");
	free(dirs);
	dirs = NULL;
	assert_int_equal(path_dirs_present(&h, "/sbin:/bin:relative", &dirs), 0);
	assert_null(dirs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_dirs_present),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
