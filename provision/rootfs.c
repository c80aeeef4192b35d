/* SPDX-License-Identifier: MIT */
#include "rootfs.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "core/chase.h"
#include "core/fileio.h"
#include "core/util.h"

/* openat2(RESOLVE_IN_ROOT), or chase_openat where openat2 is missing or refused (before Linux
 * 5.6; seccomp profiles that answer ENOSYS or EPERM), as the host layer does. */
static int openat2_in_root(int root_fd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));

	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		return chase_openat(root_fd, path, flags | O_CLOEXEC, 0);
	return fd < 0 ? -errno : (int)fd;
}

int root_open_dir(int root_fd, const char *path, bool create)
{
	_cleanup_free_ char *copy = strdup(path);
	int fd, r;

	if (!copy)
		return -ENOMEM;
	fd = openat2_in_root(root_fd, path, O_PATH | O_DIRECTORY);
	if (fd != -ENOENT || !create)
		return fd;
	/* Create one component at a time, each resolved in the root like the whole. */
	for (char *p = copy + 1;; p++) {
		bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		fd = openat2_in_root(root_fd, copy, O_PATH | O_DIRECTORY);
		if (fd == -ENOENT) {
			_cleanup_free_ char *parent = strdup(copy);
			char *slash = parent ? strrchr(parent, '/') : NULL;
			_cleanup_close_ int pfd = -1;

			if (!slash)
				return -ENOMEM;
			slash[slash == parent ? 1 : 0] = '\0';
			pfd = openat2_in_root(root_fd, parent, O_PATH | O_DIRECTORY);
			if (pfd < 0)
				return pfd;
			r = mkdirat(pfd, strrchr(copy, '/') + 1, 0755);
			if (r < 0 && errno != EEXIST)
				return -errno;
			fd = openat2_in_root(root_fd, copy, O_PATH | O_DIRECTORY);
		}
		if (fd < 0 || last)
			return fd;
		close(fd);
		*p = '/';
	}
}

/* Splits path into its directory (opened) and its last component (into copy). */
static int open_parent(int root_fd, const char *path, bool create, char **ret_copy,
		       const char **ret_name)
{
	char *copy = strdup(path), *slash;
	int fd;

	if (!copy)
		return -ENOMEM;
	slash = strrchr(copy, '/');
	if (!slash || !slash[1]) {
		free(copy);
		return -EINVAL;
	}
	*slash = '\0';
	fd = root_open_dir(root_fd, *copy ? copy : "/", create);
	if (fd < 0) {
		free(copy);
		return fd;
	}
	*ret_copy = copy;
	*ret_name = slash + 1;
	return fd;
}

int root_write_file(int root_fd, const char *path, const void *data, size_t len, mode_t mode,
		    const char *backup_suffix)
{
	_cleanup_free_ char *copy = strdup(path);
	char *slash = copy ? strrchr(copy, '/') : NULL;
	int r;

	if (!slash)
		return copy ? -EINVAL : -ENOMEM;
	*slash = '\0';
	if (*copy) {
		r = root_open_dir(root_fd, copy, true);
		if (r < 0)
			return r;
		close(r);
	}
	if (backup_suffix) {
		r = backup_file_once_at(root_fd, path, backup_suffix);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return write_file_atomic_at(root_fd, path, data, len, mode);
}

int root_unlink(int root_fd, const char *path)
{
	_cleanup_free_ char *copy = NULL;
	_cleanup_close_ int dfd = -1;
	const char *name = NULL;

	dfd = open_parent(root_fd, path, false, &copy, &name);
	if (dfd == -ENOENT)
		return 0;
	if (dfd < 0)
		return dfd;
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int root_symlink(int root_fd, const char *path, const char *target)
{
	_cleanup_free_ char *copy = NULL, *tmp = NULL;
	_cleanup_close_ int dfd = -1;
	const char *name = NULL;

	dfd = open_parent(root_fd, path, true, &copy, &name);
	if (dfd < 0)
		return dfd;
	tmp = strdup_printf(".%s.cvmprep.%ld", name, (long)getpid());
	if (!tmp)
		return -ENOMEM;
	(void)unlinkat(dfd, tmp, 0);
	if (symlinkat(target, dfd, tmp) < 0)
		return -errno;
	/* rename(2) replaces the name itself, never what a link there points at. */
	if (renameat(dfd, tmp, dfd, name) < 0) {
		int r = -errno;

		(void)unlinkat(dfd, tmp, 0);
		return r;
	}
	return 0;
}

int root_copy_in(int root_fd, const char *src, const char *path, mode_t mode)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r = read_file(src, ROOT_COPY_MAX, &buf, &len);

	return r < 0 ? r : root_write_file(root_fd, path, buf, len, mode, NULL);
}
