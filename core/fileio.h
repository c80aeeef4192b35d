/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_FILEIO_H
#define CVMPREP_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Replaces path with len bytes of data, atomically: a temporary file in the same directory,
 * written, fsync'ed, renamed over path, then the directory fsync'ed. Readers see the old file or
 * the new one, never a part. On error nothing is left behind. What is not a regular file (a
 * device or a pipe: /dev/null, /dev/stdout) is written to in place, never replaced; a symlink
 * to a regular file is followed and its target replaced. Returns 0 or -errno.
 */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* Reads fd to its end into a NUL-terminated buffer of at most max bytes (caller frees;
 * *ret_len when not NULL). Returns 0, -EFBIG when there is more, or another -errno. */
int read_fd(int fd, size_t max, char **ret_buf, size_t *ret_len);
/* The same for a file the user named, opened as given. */
int read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len);

#endif
