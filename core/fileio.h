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

/*
 * The same under a root (--root DIR, the provisioner's target): path's directory is resolved
 * with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) below root_fd, so neither a symlink nor
 * ".." on the way leads out of it. An existing file keeps its owner and mode (mode is for a new
 * one). What is at path and is not a regular file is refused, never followed: -ELOOP for a
 * symlink (a link planted in the target tree, or one that an operator made, is not silently
 * replaced by a file either), -EISDIR for a directory, -EINVAL for anything else. Should a
 * symlink appear after that check, rename(2) replaces the link itself: the write still stays
 * in the directory resolved under the root. Where openat2 is missing or refused (before Linux
 * 5.6, some seccomp profiles) chase_openat resolves the directory instead. Returns 0 or -errno.
 */
int write_file_atomic_at(int root_fd, const char *path, const void *data, size_t len, mode_t mode);

/*
 * Copies path (a regular file, resolved as by write_file_atomic_at) to path + suffix in the
 * same directory, once: content, owner, mode and modification time. Returns 0 when it made the
 * copy, 1 when path + suffix already existed (the first backup is kept, whatever it is), or
 * -errno: -ENOENT when there is no path, -ELOOP, -EISDIR, -EINVAL as write_file_atomic_at.
 * The copy appears whole or not at all.
 */
int backup_file_once_at(int root_fd, const char *path, const char *suffix);

/* Reads fd to its end into a NUL-terminated buffer of at most max bytes (caller frees;
 * *ret_len when not NULL). Returns 0, -EFBIG when there is more, or another -errno. */
int read_fd(int fd, size_t max, char **ret_buf, size_t *ret_len);
/* The same for a file the user named, opened as given. */
int read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len);

/*
 * Reads fd to its end a line at a time, through a window of READ_LINES_WINDOW bytes grown only
 * for a longer line, so that the file is never held whole. cb gets each line without its '\n',
 * NUL-terminated there and writable, valid during the call (the last line may have had no
 * '\n'). At most max bytes in all. Returns 0, cb's non-zero return (which stops the read),
 * -EFBIG past max, -ENOMEM or another -errno.
 */
#define READ_LINES_WINDOW (64 * 1024)
typedef int (*read_lines_cb)(char *line, size_t len, void *userdata);
int read_lines(int fd, size_t max, read_lines_cb cb, void *userdata);

/* The same from another reader (a decompressor): read() returns the bytes it put in buf, 0 at
 * the end, or -errno. With max_line, a line longer than that is skipped whole (cb never sees
 * it) and the window stays that size: memory is bounded by the window, not the file. */
struct line_source {
	ssize_t (*read)(void *src, void *buf, size_t n);
	void *src;
	size_t max;	 /* bytes in all */
	size_t max_line; /* 0: lines grow the window, up to max */
};
int read_lines_from(const struct line_source *src, read_lines_cb cb, void *userdata);

#endif
