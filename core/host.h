/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_HOST_H
#define CVMPREP_HOST_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "mountinfo.h"

/*
 * The host a probe reads: a root directory ("/" live, a fixture tree, a mounted image), with
 * /proc and /sys optionally taken from elsewhere (a pod that mounts the node's root at /host but
 * keeps its own /proc). Every path is absolute as seen on the host ("/etc/os-release") and is
 * resolved under its tree with openat2(RESOLVE_IN_ROOT), or where openat2 is missing or refused
 * with chase_openat (core/chase.h), so neither ".." nor a symlink can leave it.
 */
/* What several probes read: kept by the host once read (host_mountinfo). */
struct host_cache {
	struct mount_table mounts;
	int mountinfo_err; /* 0 until read; then 1 when read, or -errno */
};

struct host {
	int root_fd;
	int proc_fd;
	int sys_fd;
	char *root; /* as given, for messages and for libraries that need a path */
	char *proc;
	char *sys;
	bool live; /* no --root and no --proc: the running kernel is this host's */
	struct host_cache *cache;
};

#define HOST_MOUNTINFO "/proc/self/mountinfo"

/* Largest file a probe reads unless it asks for less; bigger files are refused with -EFBIG. */
#define HOST_READ_MAX (1024 * 1024)

/* Opens the trees; root NULL means "/", proc/sys NULL mean <root>/proc, <root>/sys.
 * Returns 0 or -errno; on error *h is left closed. */
int host_open(struct host *h, const char *root, const char *proc, const char *sys);
void host_close(struct host *h);

/* Opens an absolute host path under its tree, flags as for open(2) (O_CLOEXEC is added), and,
 * as for open(2), a mode_t argument read when flags hold O_CREAT or O_TMPFILE: a file is created
 * under the root, never through a symlink out of it. An existing file opened for reading or
 * writing (no O_PATH, O_DIRECTORY or O_CREAT) must be a regular file or a directory: a FIFO (whose
 * open would block), a device (whose driver would act on the open) or a socket is refused with
 * -EMEDIUMTYPE, and never opened. This reopens through /proc/self/fd, so it needs this process's
 * /proc. Returns the fd or -errno. */
int host_openat(const struct host *h, const char *path, int flags, ...);

/* The same for a device probe: a block device is also accepted (a regular file stands for an
 * image of one). */
int host_open_block(const struct host *h, const char *path, int flags);

/* fstat(2) of the path under its tree; flags 0 or O_NOFOLLOW (a symlink itself).
 * Returns 0 and *ret_st, or -errno. */
int host_stat(const struct host *h, const char *path, int flags, struct stat *ret_st);

/* Returns 1 when path exists under its tree, 0 when it does not (ENOENT, ENOTDIR), or another
 * -errno when that cannot be told (EACCES, ELOOP). */
int host_exists(const struct host *h, const char *path);

/* /proc/self/mountinfo, read and parsed once per host, streamed without a bound on its size
 * (mount_table_read()), and shared by the probes that need it (SELinux, pod mounts, storage,
 * provision's count of Sysbox containers): returns 0 and *ret (owned by the host; walk it with
 * mount_table_foreach()), or -errno, the same each time. */
int host_mountinfo(const struct host *h, const struct mount_table **ret);

/* Opens the directory at path for host_readdir. Returns 0 and *ret (closedir() it), or -errno. */
int host_opendir(const struct host *h, const char *path, DIR **ret);

/* The next entry of d other than "." and "..": returns 1 and *ret_de, 0 at the end, or -errno
 * when the listing fails part-way (readdir(3) returning NULL with errno set), so that a caller
 * never takes a part of a directory for all of it:
 *	while ((r = host_readdir(d, &de)) > 0) ...; if (r < 0) ... */
int host_readdir(DIR *d, struct dirent **ret_de);

/* Reads a whole file of at most max bytes into a NUL-terminated buffer.
 * Returns 0 and *ret_buf (caller frees), *ret_len if not NULL; -EFBIG when the file is larger
 * than max; other -errno when it cannot be opened or read. */
int host_read(const struct host *h, const char *path, size_t max, char **ret_buf, size_t *ret_len);

/* Reads a one-line file (sysctl, sysfs attribute) with trailing white space stripped. */
int host_read_line(const struct host *h, const char *path, char **ret_line);

/* The path as seen from this process (root joined with path), for libraries that take paths.
 * Returns NULL on allocation failure. */
char *host_path(const struct host *h, const char *path);

#endif
