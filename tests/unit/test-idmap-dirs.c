/* SPDX-License-Identifier: MIT */
/* checks/idmap_dirs.c: the ID-mapped mount probe's tree made and removed, and the sweep of what
 * killed runs left: stale trees removed, live ones kept, a listing that fails part-way said. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "checks/idmap_dirs.h"
#include "core/util.h"
#include "tmptree.h"

/* A pid no process has: above the kernel's PID_MAX_LIMIT (4194304). */
#define DEAD ".cvmprep-idmap-999999999-aaaaaa"

static bool exists(const char *t, const char *rel)
{
	_cleanup_free_ char *p = strdup_printf("%s/%s", t, rel);
	struct stat st;

	return lstat(p, &st) == 0;
}

static void open_dir(const char *t, int *ret_fd, DIR **ret_dir)
{
	*ret_fd = open(t, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(*ret_fd >= 0);
	*ret_dir = opendir(t);
	assert_non_null(*ret_dir);
}

static void test_make_and_remove(void **state)
{
	_cleanup_free_ char *t = tree_new();
	struct idmap_dirs d = IDMAP_DIRS_INIT;
	const char *failed = NULL;
	struct stat st;

	(void)state;
	assert_int_equal(idmap_dirs_make(&d, t, &failed), 0);
	assert_true(d.made);
	assert_int_equal(stat(d.merged, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(idmap_dirs_remove(&d), 0);
	assert_int_equal(stat(d.top, &st), -1);
	idmap_dirs_free(&d);
	tree_remove(t);
}

static void test_sweep(void **state)
{
	_cleanup_free_ char *t = tree_new();
	_cleanup_free_ char *live = strdup_printf(".cvmprep-idmap-%d-bbbbbb", (int)getpid());
	DIR *dir;
	int fd;

	(void)state;
	tree_mkdirs(t, DEAD "/work/work", true);
	tree_mkdirs(t, DEAD "/merged", true);
	tree_mkdirs(t, live, true);
	tree_put(t, "other", "");
	open_dir(t, &fd, &dir);
	assert_int_equal(idmap_sweep(fd, dir), 0);
	closedir(dir);
	close(fd);
	assert_false(exists(t, DEAD));
	assert_true(exists(t, live));
	assert_true(exists(t, "other"));
	tree_remove(t);
}

/*
 * A listing that fails part-way is said, not taken for the whole (as test-host.c makes one: the
 * descriptor under the DIR replaced by a file's between two getdents(2) batches of 32 KiB).
 */
#define MANY 2000

static void test_sweep_listing_fails(void **state)
{
	_cleanup_free_ char *t = tree_new(), *file = NULL;
	struct dirent *de;
	char name[PATH_MAX];
	DIR *dir;
	int fd, ffd;

	(void)state;
	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "%0200d", i);
		tree_put(t, name, "");
	}
	file = strdup_printf("%s/%0200d", t, 0);
	open_dir(t, &fd, &dir);
	errno = 0;
	assert_non_null((de = readdir(dir)));
	ffd = open(file, O_RDONLY | O_CLOEXEC);
	assert_true(ffd >= 0);
	assert_int_equal(dup2(ffd, dirfd(dir)), dirfd(dir));
	close(ffd);
	assert_int_equal(idmap_sweep(fd, dir), -ENOTDIR);
	closedir(dir);
	close(fd);
	tree_remove(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_and_remove),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_sweep_listing_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
