/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_FILEIO_H
#define CVMPREP_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Replaces path with len bytes of data, atomically: a temporary file in the same directory
 * (created O_EXCL|O_NOFOLLOW through the directory's fd), written, given mode, fsync'ed,
 * renamed over the name, then the directory fsync'ed. Readers see the old file or the new one,
 * never a part. On error nothing is left behind. For -o, the operator's path:
 * - a device or a pipe (/dev/null, /dev/stdout) is written to in place, never replaced;
 * - a symlink is followed, one step at a time, only where the kernel's fs.protected_symlinks
 *   rule allows it whatever the sysctl says: in a sticky world-writable directory (/tmp) only a
 *   link owned by the caller or by the directory's owner. Another user's link planted there is
 *   refused with -EACCES, as open(2) refuses it, and its target is untouched. The file finally
 *   replaced is the link's target; the link stays.
 * Returns 0 or -errno (-EISDIR for a directory).
 */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* Reads fd to its end into a NUL-terminated buffer of at most max bytes (caller frees;
 * *ret_len when not NULL). Returns 0, -EFBIG when there is more, or another -errno. */
int read_fd(int fd, size_t max, char **ret_buf, size_t *ret_len);
/* The same for a file the user named, opened as given. */
int read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len);

#endif
