/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_CHASE_H
#define CVMPREP_CHASE_H

#include <sys/types.h>

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
