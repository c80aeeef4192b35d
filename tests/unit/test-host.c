/* SPDX-License-Identifier: MIT */
/* struct host: paths resolve under the root and cannot leave it; reads are bounded. Also the
 * atomic writer, which the host model's callers use for every file they write. */
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/fileio.h"
#include "core/host.h"
#include "core/util.h"

static char tree[] = "/tmp/cvmprep-test-host.XXXXXX";

static void put(const char *rel, const char *text)
{
	_cleanup_free_ char *path = strdup_printf("%s/%s", tree, rel);

	assert_int_equal(write_file_atomic(path, text, strlen(text), 0644), 0);
}

static void mkdirs(const char *rel)
{
	_cleanup_free_ char *path = strdup_printf("%s/%s", tree, rel);

	assert_int_equal(mkdir(path, 0755), 0);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tree))
		return -1;
	mkdirs("etc");
	mkdirs("proc");
	mkdirs("altproc");
	put("etc/os-release", "ID=inside\n");
	put("proc/cpuinfo", "root proc\n");
	put("altproc/cpuinfo", "alternative proc\n");
	put("secret", "outside the etc\n");
	{
		_cleanup_free_ char *l1 = strdup_printf("%s/etc/abs", tree);
		_cleanup_free_ char *l2 = strdup_printf("%s/etc/dotdot", tree);

		assert_int_equal(symlink("/etc/os-release", l1), 0);
		assert_int_equal(symlink("../../../../../../etc/hostname", l2), 0);
	}
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	(void)state;
	return nftw(tree, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_reads_under_root(void **state)
{
	_cleanup_free_ char *s = NULL;
	struct host h;

	(void)state;
	assert_int_equal(host_open(&h, tree, NULL, NULL), 0);
	assert_false(h.live);
	assert_int_equal(host_read(&h, "/etc/os-release", 100, &s, NULL), 0);
	assert_string_equal(s, "ID=inside\n");
	free(s);
	s = NULL;
	/* An absolute symlink resolves inside the root, not on this machine. */
	assert_int_equal(host_read(&h, "/etc/abs", 100, &s, NULL), 0);
	assert_string_equal(s, "ID=inside\n");
	free(s);
	s = NULL;
	/* ".." stops at the root: <root>/etc/hostname does not exist. */
	assert_int_equal(host_read(&h, "/etc/dotdot", 100, &s, NULL), -ENOENT);
	assert_int_equal(host_read(&h, "/../../../etc/os-release", 100, &s, NULL), 0);
	assert_string_equal(s, "ID=inside\n");
	free(s);
	s = NULL;
	assert_int_equal(host_read(&h, "relative/path", 100, &s, NULL), -EINVAL);
	assert_int_equal(host_read(&h, "/nope", 100, &s, NULL), -ENOENT);
	assert_int_equal(host_read(&h, "/etc", 100, &s, NULL), -EISDIR);
	host_close(&h);
}

static void test_bounded(void **state)
{
	_cleanup_free_ char *s = NULL;
	size_t len = 0;
	struct host h;

	(void)state;
	assert_int_equal(host_open(&h, tree, NULL, NULL), 0);
	assert_int_equal(host_read(&h, "/etc/os-release", 10, &s, &len), 0);
	assert_int_equal(len, 10);
	assert_int_equal(host_read(&h, "/etc/os-release", 9, &s, &len), -EFBIG);
	host_close(&h);
}

static void test_proc_override(void **state)
{
	_cleanup_free_ char *alt = strdup_printf("%s/altproc", tree), *s = NULL, *p = NULL;
	struct host h;

	(void)state;
	assert_int_equal(host_open(&h, tree, NULL, NULL), 0);
	assert_int_equal(host_read(&h, "/proc/cpuinfo", 100, &s, NULL), 0);
	assert_string_equal(s, "root proc\n");
	free(s);
	s = NULL;
	/* No sys tree: reads there are ENOENT like any missing file. */
	assert_int_equal(host_read(&h, "/sys/kernel/x", 100, &s, NULL), -ENOENT);
	host_close(&h);

	assert_int_equal(host_open(&h, tree, alt, NULL), 0);
	assert_int_equal(host_read(&h, "/proc/cpuinfo", 100, &s, NULL), 0);
	assert_string_equal(s, "alternative proc\n");
	/* "/procx" is not under /proc. */
	p = host_path(&h, "/procx/y");
	assert_string_equal(p + strlen(tree), "/procx/y");
	free(p);
	p = host_path(&h, "/proc/cpuinfo");
	assert_string_equal(p + strlen(tree), "/altproc/cpuinfo");
	host_close(&h);

	/* A --proc that does not exist is an error; a missing <root>/proc is not. */
	assert_int_equal(host_open(&h, tree, "/nonexistent/proc", NULL), -ENOENT);
	assert_int_equal(host_open(&h, "/nonexistent/root", NULL, NULL), -ENOENT);
}

static void test_live(void **state)
{
	_cleanup_free_ char *s = NULL, *p = NULL;
	struct host h;

	(void)state;
	assert_int_equal(host_open(&h, NULL, NULL, NULL), 0);
	assert_true(h.live);
	assert_int_equal(host_read_line(&h, "/proc/sys/kernel/ostype", &s), 0);
	assert_string_equal(s, "Linux");
	p = host_path(&h, "/lib/modules");
	assert_string_equal(p, "/lib/modules");
	host_close(&h);
}

static void test_atomic_write(void **state)
{
	_cleanup_free_ char *path = strdup_printf("%s/report.json", tree), *s = NULL;
	_cleanup_free_ char *bad = strdup_printf("%s/missing/report.json", tree);
	struct stat st;

	(void)state;
	assert_int_equal(write_file_atomic(path, "one", 3, 0600), 0);
	assert_int_equal(write_file_atomic(path, "two!", 4, 0644), 0);
	assert_int_equal(read_file(path, 100, &s, NULL), 0);
	assert_string_equal(s, "two!");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(write_file_atomic(bad, "x", 1, 0644), -ENOENT);
	/* A device is written to, not replaced. */
	assert_int_equal(write_file_atomic("/dev/null", "x", 1, 0644), 0);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	/* A symlink stays a symlink; its target gets the new content. */
	{
		_cleanup_free_ char *link = strdup_printf("%s/link.json", tree), *t = NULL;

		assert_int_equal(symlink("report.json", link), 0);
		assert_int_equal(write_file_atomic(link, "three", 5, 0644), 0);
		assert_int_equal(lstat(link, &st), 0);
		assert_true(S_ISLNK(st.st_mode));
		assert_int_equal(read_file(path, 100, &t, NULL), 0);
		assert_string_equal(t, "three");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_under_root), cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_proc_override),	 cmocka_unit_test(test_live),
		cmocka_unit_test(test_atomic_write),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
