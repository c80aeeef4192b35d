/* SPDX-License-Identifier: MIT */
#include "host.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "chase.h"
#include "fileio.h"
#include "util.h"

static int open_dir(const char *path)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

void host_close(struct host *h)
{
	if (h->root_fd >= 0)
		close(h->root_fd);
	if (h->proc_fd >= 0)
		close(h->proc_fd);
	if (h->sys_fd >= 0)
		close(h->sys_fd);
	free(h->root);
	free(h->proc);
	free(h->sys);
	if (h->cache)
		mount_table_free(&h->cache->mounts);
	free(h->cache);
	*h = (struct host){ .root_fd = -1, .proc_fd = -1, .sys_fd = -1 };
}

/* Whether openat2(2) can be used: not before Linux 5.6, nor where a seccomp profile answers it
 * with ENOSYS or EPERM (older container runtimes' default profiles). Asked once, of "/", which
 * it cannot refuse for any other reason. */
static bool openat2_usable(void)
{
	static int usable = -1;

	if (usable < 0) {
		struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
		int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));

		usable = fd >= 0 || (errno != ENOSYS && errno != EPERM);
		if (fd >= 0)
			close(fd);
	}
	return usable;
}

/* Opens rel below dfd as openat2(RESOLVE_IN_ROOT) does, with or without openat2. */
static int open_below(int dfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how = { .flags = (unsigned)flags | O_CLOEXEC,
				.mode = mode,
				.resolve = RESOLVE_IN_ROOT };

	if (!openat2_usable())
		return chase_openat(dfd, rel, (int)how.flags, mode);
	return openat2_retry(dfd, rel, &how);
}

/*
 * A given --proc or --sys is opened as given and must exist. The tree's own proc and sys are
 * resolved under its root like any other path, so that a "proc -> /proc" planted in a tree does
 * not make the report describe this machine. When that fails (no proc in an image, a symlink
 * loop) the fd is -1: their paths then resolve under the root one by one, and fail there the
 * same way (ENOENT, ELOOP), as any file that cannot be read.
 */
static int tree_open(const char *given, const char *root, int root_fd, const char *sub,
		     char **ret_path)
{
	_cleanup_free_ char *path = NULL;
	int fd;

	if (given)
		path = strdup(given);
	else
		path = strdup_printf("%s%s", streq(root, "/") ? "" : root, sub);
	if (!path)
		return -ENOMEM;
	if (given) {
		fd = open_dir(path);
		if (fd < 0)
			return fd;
	} else {
		fd = open_below(root_fd, sub, O_PATH | O_DIRECTORY, 0);
		if (fd == -ENOMEM)
			return fd;
		fd = fd < 0 ? -1 : fd;
	}
	*ret_path = TAKE_PTR(path);
	return fd;
}

int host_open(struct host *h, const char *root, const char *proc, const char *sys)
{
	int r;

	*h = (struct host){ .root_fd = -1, .proc_fd = -1, .sys_fd = -1 };
	h->live = !root && !proc;
	h->cache = calloc(1, sizeof(*h->cache));
	if (!h->cache)
		return -ENOMEM;
	h->root = strdup(root ? root : "/");
	if (!h->root)
		return -ENOMEM;
	r = open_dir(h->root);
	if (r < 0)
		goto fail;
	h->root_fd = r;
	r = tree_open(proc, h->root, h->root_fd, "/proc", &h->proc);
	if (r < -1)
		goto fail;
	h->proc_fd = r;
	r = tree_open(sys, h->root, h->root_fd, "/sys", &h->sys);
	if (r < -1)
		goto fail;
	h->sys_fd = r;
	return 0;
fail:
	host_close(h);
	return r;
}

/* Returns the rest of path below tree ("/proc" → "", "/proc/x" → "/x"), or NULL. */
static const char *below(const char *path, const char *tree)
{
	const char *rest = startswith(path, tree);

	return rest && (*rest == '/' || *rest == '\0') ? rest : NULL;
}

/* Picks the tree a host path lives in and the path inside it. */
static int host_resolve(const struct host *h, const char *path, const char **ret_rel)
{
	static const struct {
		const char *prefix;
		size_t off;
	} trees[] = {
		{ "/proc", offsetof(struct host, proc_fd) },
		{ "/sys", offsetof(struct host, sys_fd) },
	};

	if (path[0] != '/')
		return -EINVAL;
	for (size_t i = 0; i < ELEMENTSOF(trees); i++) {
		const char *rest = below(path, trees[i].prefix);
		int fd;

		if (!rest)
			continue;
		fd = *(const int *)((const char *)h + trees[i].off);
		if (fd < 0)
			break; /* the tree's own, not opened: resolved under the root */
		*ret_rel = *rest ? rest : "/";
		return fd;
	}
	*ret_rel = path;
	return h->root_fd;
}

/* Opens path under its tree as it is: openat2(RESOLVE_IN_ROOT), or chase_openat without it. */
static int resolve_open(const struct host *h, const char *path, int flags, mode_t mode)
{
	const char *rel;
	int dfd = host_resolve(h, path, &rel);

	return dfd < 0 ? dfd : open_below(dfd, rel, flags, mode);
}

/*
 * Opens an existing file for reading or writing without ever opening anything else: an O_PATH
 * fd first, which opens nothing, then fstat, then, for a regular file or a directory (or a block
 * device when block), a reopen of that same inode through /proc/self/fd. A FIFO would block the
 * open until a writer comes, and a character device's driver acts when it is opened (a watchdog
 * starts counting down): both, and sockets, are refused with -EMEDIUMTYPE.
 */
static int open_existing(const struct host *h, const char *path, int flags, bool block)
{
	_cleanup_close_ int pfd = resolve_open(h, path, O_PATH | (flags & O_NOFOLLOW), 0);
	char self[sizeof("/proc/self/fd/") + 12];
	struct stat st;
	int fd;

	if (pfd < 0)
		return pfd;
	if (fstat(pfd, &st) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode)) /* O_NOFOLLOW and a symlink, as open(2) says */
		return -ELOOP;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !(block && S_ISBLK(st.st_mode)))
		return -EMEDIUMTYPE;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, (flags & ~O_NOFOLLOW) | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int host_openat(const struct host *h, const char *path, int flags, ...)
{
	mode_t mode = 0;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	/* O_PATH opens nothing, O_DIRECTORY only a directory, O_CREAT makes a regular file. */
	if (!(flags & (O_PATH | O_DIRECTORY | O_CREAT)))
		return open_existing(h, path, flags, false);
	return resolve_open(h, path, flags, mode);
}

int host_open_block(const struct host *h, const char *path, int flags)
{
	return open_existing(h, path, flags, true);
}

int host_stat(const struct host *h, const char *path, int flags, struct stat *ret_st)
{
	_cleanup_close_ int fd = -1;

	if (flags & ~O_NOFOLLOW)
		return -EINVAL;
	fd = host_openat(h, path, O_PATH | flags);
	if (fd < 0)
		return fd;
	return fstat(fd, ret_st) < 0 ? -errno : 0;
}

int host_exists(const struct host *h, const char *path)
{
	_cleanup_close_ int fd = host_openat(h, path, O_PATH);

	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	return fd < 0 ? fd : 1;
}

int host_mountinfo(const struct host *h, const struct mount_table **ret)
{
	struct host_cache *c = h->cache;

	if (c->mountinfo_err == 0) {
		_cleanup_close_ int fd = host_openat(h, HOST_MOUNTINFO, O_RDONLY);
		int r = fd < 0 ? fd : mount_table_read(fd, &c->mounts);

		if (r == -ENOMEM)
			return r; /* may be tried again */
		c->mountinfo_err = r < 0 ? r : 1;
	}
	if (c->mountinfo_err < 0)
		return c->mountinfo_err;
	*ret = &c->mounts;
	return 0;
}

int host_opendir(const struct host *h, const char *path, DIR **ret)
{
	int fd = host_openat(h, path, O_RDONLY | O_DIRECTORY);
	DIR *d;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int r = -errno;

		close(fd);
		return r;
	}
	*ret = d;
	return 0;
}

int host_readdir(DIR *d, struct dirent **ret_de)
{
	for (;;) {
		struct dirent *de;

		errno = 0;
		de = readdir(d);
		if (!de)
			return errno ? -errno : 0;
		if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
			*ret_de = de;
			return 1;
		}
	}
}

int host_read(const struct host *h, const char *path, size_t max, char **ret_buf, size_t *ret_len)
{
	_cleanup_close_ int fd = host_openat(h, path, O_RDONLY);

	if (fd < 0)
		return fd;
	return read_fd(fd, max, ret_buf, ret_len);
}

int host_read_line(const struct host *h, const char *path, char **ret_line)
{
	char *buf;
	int r;

	r = host_read(h, path, 4096, &buf, NULL);
	if (r < 0)
		return r;
	*ret_line = strstrip(buf);
	return 0;
}

char *host_path(const struct host *h, const char *path)
{
	const char *base = h->root, *rest = path, *r;

	if ((r = below(path, "/proc")) && h->proc)
		base = h->proc, rest = r;
	else if ((r = below(path, "/sys")) && h->sys)
		base = h->sys, rest = r;
	return strdup_printf("%s%s", streq(base, "/") ? "" : base, rest);
}
