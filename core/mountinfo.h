/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_MOUNTINFO_H
#define CVMPREP_MOUNTINFO_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* One line of /proc/<pid>/mountinfo (proc(5)); strings point into the parser's buffer and
 * are valid during the callback only. Octal escapes (\040) are decoded. */
struct mount_entry {
	const char *root;	 /* field 4: the root of the mount within its filesystem */
	const char *mount_point; /* field 5 */
	const char *mount_opts;	 /* field 6: per-mount options ("ro,nosuid,...") */
	const char *fstype;	 /* after " - " */
	const char *source;
	const char *super_opts; /* per-superblock options */
};

/* Returns 0 to go on, 1 to stop (the parse returns 1), < 0 to stop with that error. */
typedef int (*mountinfo_cb)(const struct mount_entry *m, void *userdata);

/* Parses len bytes of mountinfo text; malformed lines are skipped. Returns 0, 1 (stopped by the
 * callback), the callback's negative return, or -ENOMEM. */
int mountinfo_parse(const char *buf, size_t len, mountinfo_cb cb, void *userdata);

/*
 * The mount table, parsed once: of each well-formed line, in order, decoded, the four fields
 * the probes read (mount point, mount options, filesystem type, source); root and super_opts
 * are "" in its entries, and the rest of the text (IDs, device numbers, optional fields, an
 * overlay's long lowerdir lists) is not kept. A node with 10^5 mounts (kubelet nodes with
 * thousands of pods) is read without a bound on the file: the table grows with what it keeps.
 */
struct mount_table {
	uint32_t (*v)[4]; /* each entry's fields, as offsets into strings */
	size_t n, alloc;
	struct strbuf strings;
};

/* Reads mountinfo text from fd to its end through a bounded window (read_lines()). Returns 0
 * and *ret (mount_table_free() it), -ENOMEM, -EFBIG for a table past 4 GiB, or -errno. */
int mount_table_read(int fd, struct mount_table *ret);
void mount_table_free(struct mount_table *t);
/* Calls cb for each entry of t, as mountinfo_parse() does for the lines of the text. */
int mount_table_foreach(const struct mount_table *t, mountinfo_cb cb, void *userdata);

#endif
