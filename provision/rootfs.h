/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_ROOTFS_H
#define CVMPREP_PROV_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Writes under the provisioned root. Paths are absolute as seen on the node ("/etc/docker/
 * daemon.json") and resolved under root_fd with openat2(RESOLVE_IN_ROOT): neither ".." nor a
 * symlink in a directory component leaves the root, and the last component is never followed.
 */

/* Opens the directory path (O_PATH | O_DIRECTORY), creating missing components with mode 0755
 * when create is set. Returns the fd or -errno. */
int root_open_dir(int root_fd, const char *path, bool create);

/*
 * write_file_atomic_at() (core/fileio.h) after creating missing directories and, with
 * backup_suffix, keeping the original once as path + backup_suffix (backup_file_once_at: a
 * later write never replaces that backup). Returns 0 or -errno; on error path is as it was.
 */
int root_write_file(int root_fd, const char *path, const void *data, size_t len, mode_t mode,
		    const char *backup_suffix);

/* Removes path (never following a symlink). Missing is success. Returns 0 or -errno. */
int root_unlink(int root_fd, const char *path);

/* Makes path a symlink to target, atomically: a link made beside it under a temporary name,
 * then renamed over it (whatever path was, but a directory, it is replaced, not followed).
 * Missing directories are created. Returns 0 or -errno; on error path is as it was. */
int root_symlink(int root_fd, const char *path, const char *target);

/* The largest file root_copy_in copies (a sysbox-ce .deb is ~40 MB). */
#define ROOT_COPY_MAX (512 * 1024 * 1024)

/* Copies the file src (outside the root, opened as given) to path under the root, atomically.
 * Returns 0 or -errno. */
int root_copy_in(int root_fd, const char *src, const char *path, mode_t mode);

#endif
