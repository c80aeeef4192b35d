/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_MOUNTINFO_H
#define CVMPREP_MOUNTINFO_H

#include <stddef.h>

/* One line of /proc/<pid>/mountinfo (proc(5)); strings point into the parser's buffer and
 * are valid during the callback only. Octal escapes (\040) are decoded. */
struct mount_entry {
	const char *root;       /* field 4: the root of the mount within its filesystem */
	const char *mount_point; /* field 5 */
	const char *mount_opts; /* field 6: per-mount options ("ro,nosuid,...") */
	const char *fstype;     /* after " - " */
	const char *source;
	const char *super_opts; /* per-superblock options */
};

/* Returns 0 to go on, 1 to stop (the parse returns 1), < 0 to stop with that error. */
typedef int (*mountinfo_cb)(const struct mount_entry *m, void *userdata);

/* Parses len bytes of mountinfo text; malformed lines are skipped. Returns 0, 1 (stopped by the
 * callback), the callback's negative return, or -ENOMEM. */
int mountinfo_parse(const char *buf, size_t len, mountinfo_cb cb, void *userdata);

#endif
