/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_FSPROBE_H
#define CVMPREP_FSPROBE_H

#include <stdbool.h>

/* Naming a filesystem: by its statfs(2) magic, by libblkid on its device, and the one XFS
 * feature Docker's overlay2 needs (ftype, which libblkid does not report). */

/* The name of a statfs f_type ("ext4", "xfs", "tmpfs"), or NULL when it is not in the table.
 * ext2, ext3 and ext4 share one magic and are all named "ext4". */
const char *fs_magic_name(unsigned long magic);

/* Probes the device or image open at fd (O_RDONLY) with libblkid. Returns 0 and *ret_type
 * (caller frees; NULL when libblkid finds no filesystem or an ambiguous one), or -errno:
 * -ELIBACC when libblkid cannot be loaded (dlib_blkid.reason). */
int fsprobe_blkid_type(int fd, char **ret_type);

/* Reads the XFS superblock at the start of the device or image open at fd: whether directory
 * entries record the file type (ftype=1, d_type). Returns 0 and *ret_ftype, -EINVAL when there is
 * no XFS superblock, or another -errno. */
int fsprobe_xfs_ftype(int fd, bool *ret_ftype);

/* The same asked of a mounted XFS filesystem: fd is any file or directory on it (not O_PATH).
 * Returns 0 and *ret_ftype, or -errno (-ENOTTY when it is not XFS). */
int fsprobe_xfs_geometry_ftype(int fd, bool *ret_ftype);

#endif
