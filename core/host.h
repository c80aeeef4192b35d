/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_HOST_H
#define CVMPREP_HOST_H

#include <stdbool.h>
#include <dirent.h>
#include <stddef.h>

/*
 * The host a probe reads: a root directory ("/" live, a fixture tree, a mounted image), with
 * /proc and /sys optionally taken from elsewhere (a pod that mounts the node's root at /host but
 * keeps its own /proc). Every path is absolute as seen on the host ("/etc/os-release") and is
 * resolved under its tree with openat2(RESOLVE_IN_ROOT), so neither ".." nor a symlink can leave
 * it.
 */
/* What several probes read: kept by the host once read (host_mountinfo). */
struct host_cache {
	char *mountinfo;
	size_t mountinfo_len;
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

/* openat2 of an absolute host path, flags as for open(2); O_CLOEXEC is added. Returns fd or -errno. */
int host_openat(const struct host *h, const char *path, int flags);

/* /proc/self/mountinfo, read once per host and shared by the probes that need it (SELinux, pod
 * mounts, storage): returns 0 and *ret_buf (owned by the host), *ret_len, or -errno, the same
 * each time. */
int host_mountinfo(const struct host *h, const char **ret_buf, size_t *ret_len);

/* Opens the directory at path for readdir(3). Returns 0 and *ret (closedir() it), or -errno. */
int host_opendir(const struct host *h, const char *path, DIR **ret);

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
