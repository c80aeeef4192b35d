/* SPDX-License-Identifier: MIT */
#include "fileio.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "chase.h"
#include "util.h"

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* "dir/base" split into an opened directory's path and the last component; refuses a path
 * without one ("", "/", "dir/", ".", ".."). */
static int split_path(const char *path, char **ret_dir, const char **ret_base)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir;

	if (!*base || streq(base, ".") || streq(base, ".."))
		return -EINVAL;
	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return -ENOMEM;
	*ret_dir = dir;
	*ret_base = base;
	return 0;
}

/* Creates a new file next to base in dfd, O_EXCL and O_NOFOLLOW, mode 0600 until it is
 * complete; *ret_name is its name. */
static int create_temp_at(int dfd, const char *base, char **ret_name)
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned char rnd[6];
		char suffix[sizeof(rnd) + 1];
		_cleanup_free_ char *name = NULL;
		int fd;

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return errno ? -errno : -EIO;
		for (size_t i = 0; i < sizeof(rnd); i++)
			suffix[i] = chars[rnd[i] % (sizeof(chars) - 1)];
		suffix[sizeof(rnd)] = '\0';
		/* NAME_MAX leaves room for the suffix after 200 bytes of the name. Hidden: a
		 * directory watcher (NFD's features.d) skips dotfiles, and the name never ends
		 * as the final one does (node_exporter reads only *.prom). */
		name = strdup_printf(".%.200s.%s", base, suffix);
		if (!name)
			return -ENOMEM;
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
			    0600);
		if (fd >= 0) {
			*ret_name = TAKE_PTR(name);
			return fd;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* Gives fd the owner and permission bits of old (chown first: it clears set-id bits). */
static int copy_owner_mode(int fd, const struct stat *old)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if ((st.st_uid != old->st_uid || st.st_gid != old->st_gid) &&
	    fchown(fd, old->st_uid, old->st_gid) < 0)
		return -errno;
	return fchmod(fd, old->st_mode & 07777) < 0 ? -errno : 0;
}

/*
 * The temporary file in dfd, written, given old's owner and mode (or mode when old is NULL),
 * fsync'ed, then renamed over base: rename(2) replaces whatever name base is, a symlink
 * included, and never follows it. Then dfd is fsync'ed. Nothing is left behind on error.
 */
static int replace_at(int dfd, const char *base, const void *data, size_t len, mode_t mode,
		      const struct stat *old)
{
	_cleanup_free_ char *tmp = NULL;
	int fd, r;

	fd = create_temp_at(dfd, base, &tmp);
	if (fd < 0)
		return fd;
	r = write_all(fd, data, len);
	if (r == 0)
		r = old ? copy_owner_mode(fd, old) : (fchmod(fd, mode) < 0 ? -errno : 0);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dfd, tmp, dfd, base) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlinkat(dfd, tmp, 0);
		return r;
	}
	return fsync(dfd) < 0 ? -errno : 0;
}

/* A device or a pipe (-o /dev/stdout, -o /dev/null) cannot be replaced: it is written to. */
static int write_in_place_at(int dfd, const char *base, int flags, const void *data, size_t len)
{
	_cleanup_close_ int fd = openat(dfd, base, O_WRONLY | O_CLOEXEC | O_NOCTTY | flags);

	if (fd < 0)
		return -errno;
	return write_all(fd, data, len);
}

/*
 * The kernel's rule for fs.protected_symlinks (may_follow_link() in fs/namei.c), applied
 * whatever the sysctl says: a symlink in a sticky world-writable directory is followed only
 * when it belongs to the follower or to the directory's owner.
 */
static bool may_follow(const struct stat *dir, const struct stat *link)
{
	if (link->st_uid == geteuid())
		return true;
	if ((dir->st_mode & (S_ISVTX | S_IWOTH)) != (S_ISVTX | S_IWOTH))
		return true;
	return link->st_uid == dir->st_uid;
}

/* /proc/<pid>/fd/N of a pipe or a socket reads as "pipe:[N]": only the kernel can follow it. */
static bool is_magic_link(int dfd, const char *target)
{
	struct statfs sfs;

	return target[0] != '/' && fstatfs(dfd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

#define SYMLINK_HOPS_MAX 40 /* the kernel's MAXSYMLINKS */

int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	_cleanup_free_ char *cur = strdup(path);

	if (!cur)
		return -ENOMEM;
	for (unsigned hops = 0;; hops++) {
		_cleanup_free_ char *dir = NULL, *target = NULL;
		_cleanup_close_ int dfd = -1;
		struct stat st, dst;
		const char *base;
		int r;

		r = split_path(cur, &dir, &base);
		if (r < 0)
			return r;
		/* The directories on the way are walked by the kernel, under its own rules. */
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return -errno;
		if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT)
				return -errno;
			return replace_at(dfd, base, data, len, mode, NULL);
		}
		if (S_ISREG(st.st_mode))
			return replace_at(dfd, base, data, len, mode, NULL);
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if (!S_ISLNK(st.st_mode))
			return write_in_place_at(dfd, base, O_NOFOLLOW, data, len);

		/* A symlink is followed one step at a time, each step judged as the kernel
		 * would, so that the file finally replaced is its target (the link stays). */
		if (hops >= SYMLINK_HOPS_MAX)
			return -ELOOP;
		if (fstat(dfd, &dst) < 0)
			return -errno;
		if (!may_follow(&dst, &st))
			return -EACCES;
		target = malloc(PATH_MAX);
		if (!target)
			return -ENOMEM;
		r = (int)readlinkat(dfd, base, target, PATH_MAX);
		if (r < 0)
			return -errno;
		if (r >= PATH_MAX)
			return -ENAMETOOLONG;
		target[r] = '\0';
		if (is_magic_link(dfd, target))
			return write_in_place_at(dfd, base, 0, data, len);
		free(cur);
		cur = target[0] == '/' ? TAKE_PTR(target) : strdup_printf("%s/%s", dir, target);
		if (!cur)
			return -ENOMEM;
	}
}

/* The directory that holds path, resolved under root_fd as under --root: symlinks and ".."
 * stay inside it, /proc magic links are refused (by chase_openat, where openat2 is missing or
 * refused, read as plain links below the root). */
static int open_parent_at(int root_fd, const char *path, const char **ret_base)
{
	_cleanup_free_ char *dir = NULL;
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int r, fd;

	r = split_path(path, &dir, ret_base);
	if (r < 0)
		return r;
	fd = openat2_retry(root_fd, dir, &how);
	if (fd == -ENOSYS || fd == -EPERM)
		return chase_openat(root_fd, dir, (int)how.flags, 0);
	return fd;
}

/* What may be replaced under a root: a regular file, or nothing. */
static int check_replaceable(const struct stat *st)
{
	if (S_ISREG(st->st_mode))
		return 0;
	if (S_ISLNK(st->st_mode))
		return -ELOOP;
	return S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
}

int write_file_atomic_at(int root_fd, const char *path, const void *data, size_t len, mode_t mode)
{
	_cleanup_close_ int dfd = -1;
	const char *base;
	struct stat st;
	int r;

	dfd = open_parent_at(root_fd, path, &base);
	if (dfd < 0)
		return dfd;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return -errno;
		return replace_at(dfd, base, data, len, mode, NULL);
	}
	r = check_replaceable(&st);
	if (r < 0)
		return r;
	return replace_at(dfd, base, data, len, mode, &st);
}

/* Copies src to dst, both open, to the end. */
static int copy_fd(int src, int dst)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(src, buf, sizeof(buf));
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		r = write_all(dst, buf, (size_t)n);
		if (r < 0)
			return r;
	}
}

int backup_file_once_at(int root_fd, const char *path, const char *suffix)
{
	_cleanup_free_ char *backup = NULL, *tmp = NULL;
	_cleanup_close_ int dfd = -1, src = -1;
	struct timespec times[2] = { { .tv_nsec = UTIME_OMIT } };
	const char *base;
	struct stat st;
	int fd, r;

	dfd = open_parent_at(root_fd, path, &base);
	if (dfd < 0)
		return dfd;
	backup = strdup_printf("%s%s", base, suffix);
	if (!backup)
		return -ENOMEM;
	if (fstatat(dfd, backup, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 1;
	if (errno != ENOENT)
		return -errno;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	r = check_replaceable(&st);
	if (r < 0)
		return r;
	src = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (src < 0)
		return -errno;
	if (fstat(src, &st) < 0)
		return -errno;
	r = check_replaceable(&st);
	if (r < 0)
		return r;
	fd = create_temp_at(dfd, backup, &tmp);
	if (fd < 0)
		return fd;
	times[1] = st.st_mtim;
	r = copy_fd(src, fd);
	if (r == 0)
		r = copy_owner_mode(fd, &st);
	if (r == 0 && futimens(fd, times) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	/* link(2), unlike rename(2), never replaces: a backup made meanwhile is kept. */
	if (r == 0 && linkat(dfd, tmp, dfd, backup, 0) < 0)
		r = errno == EEXIST ? 1 : -errno;
	(void)unlinkat(dfd, tmp, 0);
	if (r != 0)
		return r;
	return fsync(dfd) < 0 ? -errno : 0;
}

int read_fd(int fd, size_t max, char **ret_buf, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 4096;

	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	/* /proc and /sys report a size of 0 or 4096 whatever they hold: read to EOF, bounded. */
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nbuf;

			if (cap > max)
				return -EFBIG;
			cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				return -ENOMEM;
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	*ret_buf = TAKE_PTR(buf);
	return 0;
}

int read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	return read_fd(fd, max, ret_buf, ret_len);
}

int read_lines_from(const struct line_source *src, read_lines_cb cb, void *userdata)
{
	size_t cap = READ_LINES_WINDOW, have = 0, scanned = 0, total = 0;
	_cleanup_free_ char *buf = malloc(cap + 1);
	bool skipping = false; /* in a line longer than src->max_line */
	int r;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		char *p, *end, *eol;
		ssize_t n;

		if (have == cap && src->max_line && cap >= src->max_line) {
			skipping = true;
			have = scanned = 0;
		} else if (have == cap) {
			char *nbuf;

			if (cap > src->max)
				return -EFBIG;
			nbuf = realloc(buf, cap * 2 + 1);
			if (!nbuf)
				return -ENOMEM;
			buf = nbuf;
			cap *= 2;
		}
		n = src->read(src->src, buf + have, cap - have);
		if (n < 0 && n == -EINTR)
			continue;
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		total += (size_t)n;
		if (total > src->max)
			return -EFBIG;
		have += (size_t)n;
		p = buf;
		end = buf + have;
		/* the rest of the last call's part-line holds no '\n': look after it */
		for (const char *from = buf + scanned;
		     (eol = memchr(from, '\n', (size_t)(end - from))); from = p) {
			*eol = '\0';
			r = skipping ? 0 : cb(p, (size_t)(eol - p), userdata);
			if (r != 0)
				return r;
			skipping = false;
			p = eol + 1;
		}
		have = (size_t)(end - p);
		memmove(buf, p, have);
		scanned = have;
	}
	if (!have || skipping)
		return 0;
	buf[have] = '\0';
	return cb(buf, have, userdata);
}

static ssize_t fd_read(void *src, void *buf, size_t n)
{
	ssize_t r = read(*(int *)src, buf, n);

	return r < 0 ? -errno : r;
}

int read_lines(int fd, size_t max, read_lines_cb cb, void *userdata)
{
	const struct line_source src = { .read = fd_read, .src = &fd, .max = max };

	return read_lines_from(&src, cb, userdata);
}
