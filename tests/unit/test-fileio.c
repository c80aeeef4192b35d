/* SPDX-License-Identifier: MIT */
/* core/fileio.c: atomic writes for -o that never follow a planted symlink; atomic writes and
 * one-time backups under a root that never leave it. */
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/fileio.h"
#include "core/util.h"

#define NOBODY 65534

static char dir[] = "/tmp/cvmprep-test-fileio.XXXXXX";

static int remove_one(const char *path, const struct stat *st _unused_, int flag _unused_,
		      struct FTW *ftw _unused_)
{
	return remove(path);
}

static int setup(void **state)
{
	(void)state;
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *at(const char *rel)
{
	char *p = strdup_printf("%s/%s", dir, rel);

	assert_non_null(p);
	return p;
}

static void put(const char *rel, const char *text, mode_t mode)
{
	_cleanup_free_ char *p = at(rel);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
}

static void assert_file(const char *rel, const char *text, mode_t mode)
{
	_cleanup_free_ char *p = at(rel), *got = NULL;
	struct stat st;

	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, mode);
	assert_int_equal(read_file(p, 4096, &got, NULL), 0);
	assert_string_equal(got, text);
}

static void mkdir_at(const char *rel, mode_t mode)
{
	_cleanup_free_ char *p = at(rel);

	assert_int_equal(mkdir(p, mode), 0);
	assert_int_equal(chmod(p, mode), 0);
}

static void link_at(const char *target, const char *rel)
{
	_cleanup_free_ char *p = at(rel);

	assert_int_equal(symlink(target, p), 0);
}

/* Entries of a directory: no temporary file is left behind. */
static unsigned entries(const char *rel)
{
	_cleanup_free_ char *p = at(rel);
	unsigned n = 0;
	struct dirent *de;
	DIR *d = opendir(p);

	assert_non_null(d);
	while ((de = readdir(d)))
		n += !streq(de->d_name, ".") && !streq(de->d_name, "..");
	closedir(d);
	return n;
}

static void test_write_new_and_replace(void **state)
{
	_cleanup_free_ char *p = at("report.json");

	(void)state;
	assert_int_equal(write_file_atomic(p, "one", 3, 0600), 0);
	assert_file("report.json", "one", 0600);
	assert_int_equal(write_file_atomic(p, "two!", 4, 0644), 0);
	assert_file("report.json", "two!", 0644);
	assert_int_equal(entries("."), 1);
}

static void test_write_refuses(void **state)
{
	_cleanup_free_ char *nodir = at("nodir/r.json"), *sub = at("sub"), *loop = at("loop");

	(void)state;
	assert_int_equal(write_file_atomic(nodir, "x", 1, 0644), -ENOENT);
	mkdir_at("sub", 0755);
	assert_int_equal(write_file_atomic(sub, "x", 1, 0644), -EISDIR);
	assert_int_equal(write_file_atomic("", "x", 1, 0644), -EINVAL);
	link_at("loop", "loop");
	assert_int_equal(write_file_atomic(loop, "x", 1, 0644), -ELOOP);
}

/* A link of one's own is followed: the target is replaced, the link stays. */
static void test_write_follows_own_link(void **state)
{
	_cleanup_free_ char *p = at("out/link");
	struct stat st;

	(void)state;
	mkdir_at("out", 0755);
	mkdir_at("real", 0755);
	put("real/report.json", "old", 0644);
	link_at("../real/report.json", "out/link");
	assert_int_equal(write_file_atomic(p, "new", 3, 0644), 0);
	assert_file("real/report.json", "new", 0644);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(entries("out"), 1);
	assert_int_equal(entries("real"), 1);
}

/* Devices and pipes are written in place: /dev/null stays a device; a pipe behind
 * /proc/self/fd (what /dev/stdout leads to) gets the bytes. */
static void test_write_devices_and_pipes(void **state)
{
	_cleanup_free_ char *fdpath = NULL;
	struct stat st;
	char buf[8] = { 0 };
	int p[2];

	(void)state;
	assert_int_equal(write_file_atomic("/dev/null", "x", 1, 0644), 0);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fdpath = strdup_printf("/proc/self/fd/%d", p[1]);
	assert_int_equal(write_file_atomic(fdpath, "hi", 2, 0644), 0);
	assert_int_equal(read(p[0], buf, sizeof(buf)), 2);
	assert_string_equal(buf, "hi");
	close(p[0]);
	close(p[1]);
}

/*
 * Issue: `ln -s /victim /tmp/cvmprep.json` as nobody, then root's `check -o /tmp/cvmprep.json`
 * replaced the 0600 victim (realpath() and rename(2) sidestep fs.protected_symlinks). Now the
 * write fails with EACCES, as open(2) fails there, and the victim is untouched.
 */
static void test_write_planted_symlink(void **state)
{
	_cleanup_free_ char *p = at("tmp/cvmprep.json"), *victim = at("secret/victim");

	(void)state;
	if (geteuid() != 0)
		skip(); /* a link owned by someone else needs lchown as root */
	mkdir_at("tmp", 01777);
	mkdir_at("secret", 0700);
	put("secret/victim", "root:secret", 0600);
	link_at(victim, "tmp/cvmprep.json");
	assert_int_equal(lchown(p, NOBODY, NOBODY), 0);

	assert_int_equal(write_file_atomic(p, "report", 6, 0644), -EACCES);
	assert_file("secret/victim", "root:secret", 0600);
	assert_int_equal(entries("tmp"), 1);
	assert_int_equal(entries("secret"), 1);

	/* The same link, one hop further: a link of root's own that leads to nobody's. */
	link_at(p, "mine");
	free(p);
	p = at("mine");
	assert_int_equal(write_file_atomic(p, "report", 6, 0644), -EACCES);
	assert_file("secret/victim", "root:secret", 0600);
}

/* What the kernel allows in a sticky directory is followed: the caller's own link, and a link
 * of the directory's owner. */
static void test_write_sticky_allowed(void **state)
{
	_cleanup_free_ char *p = at("tmp/own"), *q = at("shared/theirs"), *t = at("target");
	_cleanup_free_ char *shared = at("shared");

	(void)state;
	if (geteuid() != 0)
		skip();
	mkdir_at("tmp", 01777);
	mkdir_at("shared", 01777);
	assert_int_equal(chown(shared, NOBODY, NOBODY), 0);
	put("target", "old", 0644);
	link_at(t, "tmp/own");
	assert_int_equal(write_file_atomic(p, "mine", 4, 0644), 0);
	assert_file("target", "mine", 0644);
	link_at(t, "shared/theirs");
	assert_int_equal(lchown(q, NOBODY, NOBODY), 0);
	assert_int_equal(write_file_atomic(q, "owner", 5, 0644), 0);
	assert_file("target", "owner", 0644);
}

static int open_root(void)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

static void test_at_new_and_replace(void **state)
{
	_cleanup_close_ int root = open_root();
	struct stat st;
	_cleanup_free_ char *p = at("etc/app.conf");

	(void)state;
	mkdir_at("etc", 0755);
	assert_int_equal(write_file_atomic_at(root, "/etc/app.conf", "a=1\n", 4, 0640), 0);
	assert_file("etc/app.conf", "a=1\n", 0640);
	/* An existing file keeps its owner and mode. */
	assert_int_equal(chmod(p, 0604), 0);
	if (geteuid() == 0)
		assert_int_equal(chown(p, NOBODY, NOBODY), 0);
	assert_int_equal(write_file_atomic_at(root, "etc/app.conf", "a=2\n", 4, 0644), 0);
	assert_file("etc/app.conf", "a=2\n", 0604);
	assert_int_equal(stat(p, &st), 0);
	if (geteuid() == 0)
		assert_int_equal(st.st_uid, NOBODY);
	assert_int_equal(entries("etc"), 1);
}

/* Nothing under the root leads a write out of it. */
static void test_at_stays_in_root(void **state)
{
	char outside[] = "/tmp/cvmprep-test-outside.XXXXXX";
	_cleanup_close_ int root = -1;
	_cleanup_free_ char *victim = NULL, *escape = NULL;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(outside));
	victim = strdup_printf("%s/victim", outside);
	escape = strdup_printf("%s/new", outside);
	mkdir_at("root", 0755);
	mkdir_at("root/etc", 0755);
	put("root/etc/real", "real", 0644);
	assert_int_equal(write_file_atomic(victim, "victim", 6, 0600), 0);
	{
		_cleanup_free_ char *p = at("root");

		root = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		assert_true(root >= 0);
	}

	/* A symlink at the name is refused, not followed and not replaced. */
	link_at(victim, "root/etc/link");
	assert_int_equal(write_file_atomic_at(root, "/etc/link", "x", 1, 0644), -ELOOP);
	/* A directory on the way that is an absolute link, or "..", resolves inside the root. */
	link_at(outside, "root/etc/out");
	assert_int_equal(write_file_atomic_at(root, "/etc/out/new", "x", 1, 0644), -ENOENT);
	assert_int_equal(write_file_atomic_at(root, "../../etc/real", "y", 1, 0644), 0);
	assert_file("root/etc/real", "y", 0644);
	link_at("/etc", "root/etc2");
	assert_int_equal(write_file_atomic_at(root, "etc2/real", "z", 1, 0644), 0);
	assert_file("root/etc/real", "z", 0644);
	/* Magic links are not followed. */
	assert_int_equal(write_file_atomic_at(root, "/proc/self/cwd/x", "x", 1, 0644), -ENOENT);

	assert_int_equal(write_file_atomic_at(root, "/etc", "x", 1, 0644), -EISDIR);
	assert_int_equal(write_file_atomic_at(root, "/etc/", "x", 1, 0644), -EINVAL);

	{
		_cleanup_free_ char *got = NULL;

		assert_int_equal(read_file(victim, 64, &got, NULL), 0);
		assert_string_equal(got, "victim");
	}
	assert_int_equal(lstat(escape, &st), -1);
	assert_int_equal(unlink(victim), 0);
	assert_int_equal(rmdir(outside), 0);
}

static void test_backup_once(void **state)
{
	_cleanup_close_ int root = open_root();
	_cleanup_free_ char *p = at("daemon.json"), *b = at("daemon.json.cvmprep-orig");
	struct timespec old[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };
	struct stat st;

	(void)state;
	put("daemon.json", "{\"a\": 1}", 0640);
	assert_int_equal(utimensat(AT_FDCWD, p, old, 0), 0);
	if (geteuid() == 0)
		assert_int_equal(chown(p, NOBODY, 0), 0);
	assert_int_equal(backup_file_once_at(root, "/daemon.json", ".cvmprep-orig"), 0);
	assert_file("daemon.json.cvmprep-orig", "{\"a\": 1}", 0640);
	assert_int_equal(stat(b, &st), 0);
	assert_int_equal(st.st_mtim.tv_sec, 1000000000);
	if (geteuid() == 0)
		assert_int_equal(st.st_uid, NOBODY);

	/* A second backup keeps the first. */
	assert_int_equal(write_file_atomic_at(root, "/daemon.json", "{}", 2, 0644), 0);
	assert_int_equal(backup_file_once_at(root, "/daemon.json", ".cvmprep-orig"), 1);
	assert_file("daemon.json.cvmprep-orig", "{\"a\": 1}", 0640);
	assert_int_equal(entries("."), 2);

	assert_int_equal(backup_file_once_at(root, "/none", ".orig"), -ENOENT);
	link_at("daemon.json", "link");
	assert_int_equal(backup_file_once_at(root, "/link", ".orig"), -ELOOP);
	assert_int_equal(entries("."), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_new_and_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_follows_own_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_devices_and_pipes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_planted_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_sticky_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_at_new_and_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_at_stays_in_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup_once, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
