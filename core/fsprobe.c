/* SPDX-License-Identifier: MIT */
#include "fsprobe.h"

#include <endian.h>
#include <linux/magic.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "dlibs.h"
#include "util.h"

DEFINE_CLEANUP(blkid_probe, sym_blkid_free_probe)

/* statfs(2) f_type values: linux/magic.h, and the filesystems kept out of the kernel tree. */
static const struct {
	unsigned long magic;
	const char *name;
} fs_magics[] = {
    {EXT4_SUPER_MAGIC, "ext4"}, /* also ext2 and ext3: libblkid tells them apart */
    {XFS_SUPER_MAGIC, "xfs"},
    {BTRFS_SUPER_MAGIC, "btrfs"},
    {TMPFS_MAGIC, "tmpfs"},
    {RAMFS_MAGIC, "ramfs"},
    {OVERLAYFS_SUPER_MAGIC, "overlay"},
    {0x6a656a62, "shiftfs"}, /* Ubuntu's fs/shiftfs.c SHIFTFS_MAGIC */
    {NFS_SUPER_MAGIC, "nfs"},
    {0xff534d42, "cifs"},
    {0xfe534d42, "smb2"},
    {0x00c36400, "ceph"},
    {V9FS_MAGIC, "9p"},
    {FUSE_SUPER_MAGIC, "fuse"},
    {0x2fc12fc1, "zfs"}, /* OpenZFS include/sys/fs/zfs.h ZFS_SUPER_MAGIC */
    {0xca451a4e, "bcachefs"},
    {F2FS_SUPER_MAGIC, "f2fs"},
    {SQUASHFS_MAGIC, "squashfs"},
    {REISERFS_SUPER_MAGIC, "reiserfs"},
    {0x3153464a, "jfs"},
    {0x61756673, "aufs"},
    {ECRYPTFS_SUPER_MAGIC, "ecryptfs"},
    {MSDOS_SUPER_MAGIC, "vfat"},
};

const char *fs_magic_name(unsigned long magic)
{
	for (size_t i = 0; i < ELEMENTSOF(fs_magics); i++)
		if (fs_magics[i].magic == magic)
			return fs_magics[i].name;
	return NULL;
}

int fsprobe_blkid_type(int fd, char **ret_type)
{
	_cleanup_(sym_blkid_free_probep) blkid_probe pr = NULL;
	const char *type = NULL;
	char *copy = NULL;
	int r;

	r = dlib_load(&dlib_blkid);
	if (r < 0)
		return r;
	pr = sym_blkid_new_probe();
	if (!pr)
		return -ENOMEM;
	errno = 0;
	if (sym_blkid_probe_set_device(pr, fd, 0, 0) < 0)
		return errno ? -errno : -EIO;
	sym_blkid_probe_enable_superblocks(pr, 1);
	sym_blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
	errno = 0;
	r = sym_blkid_do_safeprobe(pr);
	if (r == -1)
		return errno ? -errno : -EIO;
	/* 1: nothing found; -2: more than one filesystem signature (ambiguous) */
	if (r == 0 && sym_blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0) {
		copy = strdup(type);
		if (!copy)
			return -ENOMEM;
	}
	*ret_type = copy;
	return 0;
}

/* The fields of the XFS superblock (struct xfs_dsb, fs/xfs/libxfs/xfs_format.h) that tell
 * ftype; all big-endian. */
#define XFS_SB_MAGIC		     0x58465342 /* "XFSB" */
#define XFS_SB_OFF_VERSIONNUM	     100
#define XFS_SB_OFF_FEATURES2	     200
#define XFS_SB_OFF_FEATURES_INCOMPAT 216
#define XFS_SB_SIZE		     224
#define XFS_SB_VERSION_NUMBITS	     0x000f
#define XFS_SB_VERSION_5	     5
#define XFS_SB_VERSION_MOREBITSBIT   0x8000
#define XFS_SB_VERSION2_FTYPE	     0x00000200 /* v4: inode type in directory entries */
#define XFS_SB_FEAT_INCOMPAT_FTYPE   0x00000001 /* v5 */

static uint32_t be32_at(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

int fsprobe_xfs_ftype(int fd, bool *ret_ftype)
{
	unsigned char sb[XFS_SB_SIZE];
	ssize_t n = pread(fd, sb, sizeof(sb), 0);
	uint16_t version;

	if (n < 0)
		return -errno;
	if ((size_t)n < sizeof(sb) || be32_at(sb) != XFS_SB_MAGIC)
		return -EINVAL;
	version = (uint16_t)(sb[XFS_SB_OFF_VERSIONNUM] << 8 | sb[XFS_SB_OFF_VERSIONNUM + 1]);
	/* xfs_sb_version_hasftype(): v5 keeps it in the incompat features, v4 in features2
	 * (valid only when the versionnum "more bits" bit is set). */
	if ((version & XFS_SB_VERSION_NUMBITS) == XFS_SB_VERSION_5)
		*ret_ftype =
		    be32_at(sb + XFS_SB_OFF_FEATURES_INCOMPAT) & XFS_SB_FEAT_INCOMPAT_FTYPE;
	else
		*ret_ftype = (version & XFS_SB_VERSION_MOREBITSBIT) &&
			     (be32_at(sb + XFS_SB_OFF_FEATURES2) & XFS_SB_VERSION2_FTYPE);
	return 0;
}

/* struct xfs_fsop_geom_v1 (fs/xfs/libxfs/xfs_fs.h): every kernel answers this first version of
 * XFS_IOC_FSGEOMETRY, and its flags carry ftype. */
struct xfs_fsop_geom_v1 {
	uint32_t blocksize, rtextsize, agblocks, agcount, logblocks, sectsize, inodesize, imaxpct;
	uint64_t datablocks, rtblocks, rtextents, logstart;
	unsigned char uuid[16];
	uint32_t sunit, swidth;
	int32_t version;
	uint32_t flags, logsectsize, rtsectsize, dirblocksize;
};
_Static_assert(sizeof(struct xfs_fsop_geom_v1) == 112, "xfs_fsop_geom_v1 layout");

#define XFS_IOC_FSGEOMETRY_V1	  _IOR('X', 100, struct xfs_fsop_geom_v1)
#define XFS_FSOP_GEOM_FLAGS_FTYPE (1u << 16)

int fsprobe_xfs_geometry_ftype(int fd, bool *ret_ftype)
{
	struct xfs_fsop_geom_v1 geo;

	if (ioctl(fd, XFS_IOC_FSGEOMETRY_V1, &geo) < 0)
		return -errno;
	*ret_ftype = geo.flags & XFS_FSOP_GEOM_FLAGS_FTYPE;
	return 0;
}
