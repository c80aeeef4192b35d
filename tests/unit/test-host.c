/* SPDX-License-Identifier: MIT */
/* struct host: paths resolve under the root and cannot leave it; reads are bounded. The atomic
 * writer is test-fileio.c's. */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/openat2.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <cmocka.h>

#include "core/chase.h"
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

static void test_stat_exists(void **state)
{
	_cleanup_free_ char *loop = strdup_printf("%s/etc/loop", tree);
	struct stat st;
	struct host h;

	(void)state;
	assert_int_equal(symlink("loop", loop), 0);
	assert_int_equal(host_open(&h, tree, NULL, NULL), 0);
	/* The absolute symlink is followed inside the root, or not at all. */
	assert_int_equal(host_stat(&h, "/etc/abs", 0, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, strlen("ID=inside\n"));
	assert_int_equal(host_stat(&h, "/etc/abs", O_NOFOLLOW, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(host_stat(&h, "/etc", 0, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(host_stat(&h, "/nope", 0, &st), -ENOENT);
	assert_int_equal(host_stat(&h, "/etc", O_RDWR, &st), -EINVAL);

	assert_int_equal(host_exists(&h, "/etc/os-release"), 1);
	assert_int_equal(host_exists(&h, "/etc/abs"), 1);
	assert_int_equal(host_exists(&h, "/proc"), 1);
	assert_int_equal(host_exists(&h, "/nope"), 0);
	assert_int_equal(host_exists(&h, "/etc/os-release/below-a-file"), 0);
	/* <root>/etc/hostname does not exist; this machine's is not looked at. */
	assert_int_equal(host_exists(&h, "/etc/dotdot"), 0);
	assert_int_equal(host_exists(&h, "/etc/loop"), -ELOOP);
	host_close(&h);
	unlink(loop);
}

/* O_CREAT under the root: through an absolute symlink the file lands inside the tree, with the
 * mode asked for. */
static void test_openat_create(void **state)
{
	_cleanup_free_ char *link = strdup_printf("%s/etc/planted", tree);
	_cleanup_free_ char *inside = strdup_printf("%s/created", tree);
	mode_t old = umask(0);
	struct stat st;
	struct host h;
	int fd;

	(void)state;
	/* Where the link points on this machine: nothing must appear there. */
	assert_int_equal(symlink("/created", link), 0);
	assert_int_equal(host_open(&h, tree, NULL, NULL), 0);
	fd = host_openat(&h, "/etc/new.conf", O_WRONLY | O_CREAT | O_EXCL, 0640);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	close(fd);
	assert_int_equal(host_openat(&h, "/etc/new.conf", O_WRONLY | O_CREAT | O_EXCL, 0640),
			 -EEXIST);
	fd = host_openat(&h, "/etc/planted", O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(stat(inside, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* O_DIRECTORY alone shares a bit with O_TMPFILE: no mode is read for it. */
	fd = host_openat(&h, "/etc", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	close(fd);
	host_close(&h);
	umask(old);
	unlink(inside);
	unlink(link);
	{
		_cleanup_free_ char *conf = strdup_printf("%s/etc/new.conf", tree);

		unlink(conf);
	}
}

static void test_readdir(void **state)
{
	_cleanup_free_ char *dir = strdup_printf("%s/listed", tree);
	bool seen[3] = { false };
	struct dirent *de;
	struct host h;
	DIR *d;
	int r, n = 0;

	(void)state;
	mkdirs("listed");
	put("listed/0", "");
	put("listed/1", "");
	put("listed/2", "");
	assert_int_equal(host_open(&h, tree, NULL, NULL), 0);
	assert_int_equal(host_opendir(&h, "/listed", &d), 0);
	while ((r = host_readdir(d, &de)) > 0) {
		assert_true(de->d_name[0] >= '0' && de->d_name[0] <= '2' && !de->d_name[1]);
		seen[de->d_name[0] - '0'] = true;
		n++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, 3);
	assert_true(seen[0] && seen[1] && seen[2]);
	/* At the end it stays at the end. */
	assert_int_equal(host_readdir(d, &de), 0);
	closedir(d);
	assert_int_equal(host_opendir(&h, "/etc/os-release", &d), -ENOTDIR);
	assert_int_equal(host_opendir(&h, "/nope", &d), -ENOENT);
	host_close(&h);
	for (int i = 0; i < 3; i++) {
		_cleanup_free_ char *p = strdup_printf("%s/%d", dir, i);

		unlink(p);
	}
	rmdir(dir);
}

/*
 * A listing that fails part-way. readdir(3) reads a directory in batches of 32 KiB, so a
 * directory with more entries than a batch holds is read by several getdents(2) calls; between
 * two of them the descriptor under the DIR is replaced by a regular file's, and the next call
 * fails with ENOTDIR, as a disk returning EIO would fail it. (A directory removed while it is
 * read does not do: getdents(2) then fails with ENOENT, which glibc, as POSIX asks, reports as
 * the end of the directory.)
 */
#define MANY 2000

static void test_readdir_fails_part_way(void **state)
{
	_cleanup_free_ char *dir = strdup_printf("%s/many", tree);
	_cleanup_free_ char *file = strdup_printf("%s/etc/os-release", tree);
	char name[PATH_MAX];
	struct dirent *de;
	struct host h;
	DIR *d;
	int fd, r, n = 1;

	(void)state;
	mkdirs("many");
	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "%s/%0200d", dir, i);
		assert_int_equal(mknod(name, S_IFREG | 0644, 0), 0);
	}
	assert_int_equal(host_open(&h, tree, NULL, NULL), 0);
	assert_int_equal(host_opendir(&h, "/many", &d), 0);
	assert_int_equal(host_readdir(d, &de), 1);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, dirfd(d)), dirfd(d));
	close(fd);
	while ((r = host_readdir(d, &de)) > 0)
		n++;
	assert_int_equal(r, -ENOTDIR);
	/* What was read before the failure is less than the whole. */
	assert_true(n > 1 && n < MANY);
	closedir(d);
	host_close(&h);
	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "%s/%0200d", dir, i);
		unlink(name);
	}
	rmdir(dir);
}

/*
 * chase_openat against openat2(RESOLVE_IN_ROOT) on the same tree: each path opens the same inode
 * (want, a path in the tree; lstat'ed with O_NOFOLLOW) or fails with the same errno. Where
 * openat2 is refused (the suite's run under tests/tools/no-openat2) only chase_openat is asked,
 * and host_openat uses it for every other test here.
 */
static void test_chase_like_openat2(void **state)
{
	static const struct {
		const char *path;
		int flags;
		const char *want; /* NULL: fails with err */
		int err;
	} cases[] = {
		{ "/c/rel", O_RDONLY, "c/dir/file", 0 },
		{ "/c/abs", O_RDONLY, "c/dir/file", 0 },
		{ "/c/up/file", O_RDONLY, "c/dir/file", 0 },
		{ "/c/up/../dir/file", O_RDONLY, "c/dir/file", 0 },
		{ "/../../c/dir/./file", O_RDONLY, "c/dir/file", 0 },
		{ "/c/dirlink/..", O_PATH, "c", 0 },
		{ "/c/dirlink/", O_RDONLY | O_DIRECTORY, "c/dir", 0 },
		{ "/", O_PATH, ".", 0 },
		{ "//c//dir//", O_PATH, "c/dir", 0 },
		{ "/c/n1", O_RDONLY, "c/dir/file", 0 }, /* 40 symlinks */
		{ "/c/n0", O_RDONLY, NULL, ELOOP },	/* 41 */
		{ "/c/loop", O_PATH, NULL, ELOOP },
		{ "/c/loop/x", O_PATH, NULL, ELOOP },
		{ "/c/dangling", O_RDONLY, NULL, ENOENT },
		{ "/c/rel/", O_PATH, NULL, ENOTDIR },
		{ "/c/dir/file/x", O_PATH, NULL, ENOTDIR },
		{ "/c/rel", O_PATH | O_NOFOLLOW, "c/rel", 0 },
		{ "/c/rel", O_RDONLY | O_NOFOLLOW, NULL, ELOOP },
		{ "/c/dirlink", O_RDONLY | O_DIRECTORY, "c/dir", 0 },
		{ "/c/rel", O_RDONLY | O_DIRECTORY, NULL, ENOTDIR },
		{ "/c/dir", O_WRONLY | O_CREAT, NULL, EISDIR },
		{ "/c/abs", O_WRONLY | O_CREAT | O_EXCL, NULL, EEXIST },
	};
	static const char *const dirs[] = { "c", "c/dir" };
	static const char *const links[][2] = {
		{ "c/rel", "dir/file" },	   { "c/abs", "/c/dir/file" },
		{ "c/up", "../../../../c/dir" }, { "c/loop", "loop" },
		{ "c/dangling", "/c/nothing" },  { "c/dirlink", "dir" },
	};
	struct open_how probe = { .flags = O_PATH, .resolve = RESOLVE_IN_ROOT };
	_cleanup_close_ int root = open(tree, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd = (int)syscall(SYS_openat2, root, "/", &probe, sizeof(probe));
	bool have_openat2 = fd >= 0;
	char long_name[NAME_MAX + 8];

	(void)state;
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		mkdirs(dirs[i]);
	put("c/dir/file", "f");
	for (size_t i = 0; i < ELEMENTSOF(links); i++) {
		_cleanup_free_ char *l = strdup_printf("%s/%s", tree, links[i][0]);

		assert_int_equal(symlink(links[i][1], l), 0);
	}
	for (int i = 0; i <= 40; i++) {
		_cleanup_free_ char *l = strdup_printf("%s/c/n%d", tree, i);
		_cleanup_free_ char *t = i < 40 ? strdup_printf("n%d", i + 1) : strdup("dir/file");

		assert_int_equal(symlink(t, l), 0);
	}
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct open_how how = { .flags = (unsigned)cases[i].flags | O_CLOEXEC,
					.mode = cases[i].flags & O_CREAT ? 0644 : 0,
					.resolve = RESOLVE_IN_ROOT };
		int got[2];

		got[0] = chase_openat(root, cases[i].path, cases[i].flags | O_CLOEXEC, how.mode);
		got[1] = have_openat2 ? (int)syscall(SYS_openat2, root, cases[i].path, &how, sizeof(how))
				      : got[0];
		if (have_openat2 && got[1] < 0)
			got[1] = -errno;
		for (int k = 0; k < 2; k++) {
			struct stat st, want;

			if (!cases[i].want) {
				if (got[k] != -cases[i].err)
					fail_msg("%s: %s gives %d, want -%d", cases[i].path,
						 k ? "openat2" : "chase_openat", got[k], cases[i].err);
				continue;
			}
			if (got[k] < 0)
				fail_msg("%s: %s fails with %d", cases[i].path,
					 k ? "openat2" : "chase_openat", got[k]);
			assert_int_equal(fstat(got[k], &st), 0);
			assert_int_equal(fstatat(root, cases[i].want, &want, AT_SYMLINK_NOFOLLOW), 0);
			assert_true(st.st_ino == want.st_ino && st.st_dev == want.st_dev);
		}
		if (got[0] >= 0)
			close(got[0]);
		if (have_openat2 && got[1] >= 0)
			close(got[1]);
	}
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[0] = '/';
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(chase_openat(root, long_name, O_PATH, 0), -ENAMETOOLONG);
}

/*
 * What is not a regular file is never opened for reading: a FIFO would block the open until a
 * writer comes (the test would hang: alarm() ends it), a character device would run its driver.
 * The device is a copy of /dev/null's numbers (c 1 3), made with mknod where that is allowed.
 */
static void test_fifo_and_device_refused(void **state)
{
	_cleanup_free_ char *fifo = strdup_printf("%s/etc/fifo", tree);
	_cleanup_free_ char *dev = strdup_printf("%s/etc/null", tree);
	_cleanup_free_ char *s = NULL;
	bool have_dev;
	struct host h;
	int fd;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0644), 0);
	have_dev = mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0;
	assert_int_equal(host_open(&h, tree, NULL, NULL), 0);
	alarm(10);
	assert_int_equal(host_read(&h, "/etc/fifo", 100, &s, NULL), -EMEDIUMTYPE);
	assert_int_equal(host_openat(&h, "/etc/fifo", O_WRONLY), -EMEDIUMTYPE);
	assert_int_equal(host_open_block(&h, "/etc/fifo", O_RDONLY), -EMEDIUMTYPE);
	if (have_dev) {
		assert_int_equal(host_read(&h, "/etc/null", 100, &s, NULL), -EMEDIUMTYPE);
		assert_int_equal(host_open_block(&h, "/etc/null", O_RDONLY), -EMEDIUMTYPE);
	}
	alarm(0);
	/* O_PATH opens nothing: a FIFO may be looked at. */
	fd = host_openat(&h, "/etc/fifo", O_PATH);
	assert_true(fd >= 0);
	close(fd);
	/* A regular file through a symlink inside the root, and O_NOFOLLOW on that symlink. */
	fd = host_open_block(&h, "/etc/abs", O_RDONLY);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(host_openat(&h, "/etc/abs", O_RDONLY | O_NOFOLLOW), -ELOOP);
	fd = host_openat(&h, "/etc/os-release", O_RDONLY | O_NOFOLLOW);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFD), FD_CLOEXEC);
	close(fd);
	host_close(&h);
	unlink(fifo);
	unlink(dev);
	if (!have_dev)
		skip();
}

/* A tree's own proc and sys resolve under its root: "proc -> /proc" planted in a tree is a loop
 * there (ELOOP), never this machine's /proc. */
static void test_proc_sys_symlinks_stay_inside(void **state)
{
	_cleanup_free_ char *t = strdup_printf("%s/planted", tree);
	_cleanup_free_ char *proc = strdup_printf("%s/planted/proc", tree);
	_cleanup_free_ char *sys = strdup_printf("%s/planted/sys", tree);
	_cleanup_free_ char *s = NULL;
	struct host h;

	(void)state;
	mkdirs("planted");
	assert_int_equal(symlink("/proc", proc), 0);
	assert_int_equal(symlink("../../../../sys", sys), 0);
	assert_int_equal(host_open(&h, t, NULL, NULL), 0);
	assert_int_equal(host_read(&h, "/proc/sys/kernel/ostype", 100, &s, NULL), -ELOOP);
	assert_int_equal(host_read(&h, "/proc", 100, &s, NULL), -ELOOP);
	/* sys -> <root>/sys is itself: a loop too. */
	assert_int_equal(host_exists(&h, "/sys/kernel"), -ELOOP);
	host_close(&h);
	unlink(proc);
	unlink(sys);
	rmdir(t);
}

/*
 * openat2(2) with RESOLVE_IN_ROOT fails with EAGAIN when a mount or a rename anywhere on the
 * machine races a ".." it resolves ("the caller may choose to retry"): a busy node (pods
 * starting) must not turn that into "cannot read". A child in a mount namespace of its own
 * mounts and unmounts a tmpfs meanwhile (mount_lock is the whole machine's).
 */
static void test_open_races_mounts(void **state)
{
	_cleanup_free_ char *mnt = strdup_printf("%s/mnt", tree);
	int failed = 0, status;
	struct host h;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	mkdirs("mnt");
	mkdirs("usr");
	mkdirs("usr/lib");
	put("usr/lib/race-release", "ID=raced\n");
	{
		_cleanup_free_ char *l = strdup_printf("%s/etc/race-release", tree);

		assert_int_equal(symlink("../usr/lib/race-release", l), 0);
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(77);
		alarm(60);
		for (;;)
			if (mount("race", mnt, "tmpfs", 0, NULL) == 0)
				umount(mnt);
	}
	assert_int_equal(host_open(&h, tree, NULL, NULL), 0);
	for (int i = 0; i < 20000; i++) {
		int fd = host_openat(&h, "/etc/race-release", O_RDONLY);

		if (fd < 0)
			failed++;
		else
			close(fd);
	}
	host_close(&h);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_under_root), cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_proc_override),	 cmocka_unit_test(test_live),
		cmocka_unit_test(test_stat_exists),	 cmocka_unit_test(test_openat_create),
		cmocka_unit_test(test_readdir),		 cmocka_unit_test(test_readdir_fails_part_way),
		cmocka_unit_test(test_chase_like_openat2),
		cmocka_unit_test(test_fifo_and_device_refused),
		cmocka_unit_test(test_proc_sys_symlinks_stay_inside),
		cmocka_unit_test(test_open_races_mounts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
