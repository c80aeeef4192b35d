/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_CHASE_H
#define CVMPREP_CHASE_H

#include <linux/openat2.h>
#include <sys/types.h>

/*
 * openat2(2) of path below dfd with how, tried again when it fails with EAGAIN, which
 * RESOLVE_IN_ROOT and RESOLVE_BENEATH return when a mount or rename anywhere on the machine
 * raced a ".." they resolved ("the caller may choose to retry"). Returns the fd or -errno.
 */
int openat2_retry(int dfd, const char *path, const struct open_how *how);

/*
 * Opens path below the directory root_fd as openat2(2) with RESOLVE_IN_ROOT does, for kernels
 * and seccomp profiles without openat2 (before Linux 5.6; container profiles that answer it with
 * ENOSYS or EPERM): one component at a time with O_PATH|O_NOFOLLOW, a symlink's target resolved
 * again below root_fd (an absolute one from root_fd itself), ".." never above root_fd, at most 40
 * symlinks (ELOOP past that, as the kernel). flags and mode as for openat(2); a trailing symlink
 * is followed unless flags hold O_NOFOLLOW or O_CREAT|O_EXCL. As with systemd's chase(), ".."
 * goes back to the directory the walk came from, and /proc's magic links are read as plain
 * symlinks (openat2 refuses them with ELOOP): both stay below root_fd.
 * Returns the fd (O_CLOEXEC) or -errno.
 */
int chase_openat(int root_fd, const char *path, int flags, mode_t mode);

#endif
