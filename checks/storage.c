/* SPDX-License-Identifier: MIT */
/* fs.dataroot, fs.docker-dtype, fs.capacity: the filesystems under Sysbox's data root and
 * /var/lib/docker. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include "checks.h"
#include "core/fsprobe.h"
#include "core/mountinfo.h"
#include "core/util.h"

#define DOCKER_ROOT "/var/lib/docker"
#define DATAROOT    "fs.dataroot" /* fact prefixes */
#define DOCKER	    "fs.docker"
#define GiB	    (1024.0 * 1024 * 1024)

/*
 * Facts recorded per place (prefix DATAROOT or DOCKER):
 *   .path          the place, or its nearest existing parent, as opened
 *   .statfs        fstatfs(2) f_type by name ("ext4"; "0x..." when not in the table)
 *   .dev           st_dev "major:minor", to tell whether two places share a filesystem
 *   .size .avail   statvfs(3): bytes in all, bytes free for unprivileged use
 *   .mount.fstype .mount.source   the mount holding it, from mountinfo
 *   .blkid         libblkid's TYPE for that mount's /dev device
 *   .xfs.ftype     "1" or "0", on xfs only
 */
static int set(struct facts *f, const char *prefix, const char *name, const char *source,
	       const char *value, int err)
{
	_cleanup_free_ char *key = NULL;

	if (!err)
		return facts_setf(f, source, value, "%s.%s", prefix, name);
	key = strdup_printf("%s.%s", prefix, name);
	return key ? facts_set_err(f, key, source, err) : -ENOMEM;
}

static const struct fact *get(const struct facts *f, const char *prefix, const char *name)
{
	return facts_getf(f, "%s.%s", prefix, name);
}

/* Opens path as a directory, or its nearest existing parent; *ret_path is the one opened. */
static int open_nearest(const struct host *h, const char *path, char **ret_path)
{
	_cleanup_free_ char *p = strdup(path);
	int fd;

	if (!p)
		return -ENOMEM;
	for (;;) {
		char *slash;

		fd = host_openat(h, p, O_PATH | O_DIRECTORY);
		if (fd != -ENOENT || streq(p, "/") || !(slash = strrchr(p, '/')))
			break;
		slash[slash == p] = '\0'; /* "/var/lib" → "/var" → "/" */
	}
	if (fd >= 0)
		*ret_path = TAKE_PTR(p);
	return fd;
}

/* The path of an open file as this process sees it. */
static char *fd_path(int fd)
{
	char link[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/*
 * The path mountinfo knows fd by. A tree's own proc (a fixture, a saved host) describes the
 * tree's mounts, so the tree's root is taken off; the running system's, or a --proc from
 * elsewhere (a pod that mounts the node at /host), describes this process's mounts.
 */
static char *mount_path(const struct host *h, int fd)
{
	_cleanup_free_ char *path = fd_path(fd), *root = NULL, *proc = NULL;
	const char *rest;

	if (!path || h->root_fd < 0 || h->proc_fd < 0)
		return TAKE_PTR(path);
	root = fd_path(h->root_fd);
	proc = fd_path(h->proc_fd);
	if (!root || !proc || streq(root, "/") || !startswith(proc, root))
		return TAKE_PTR(path);
	rest = startswith(path, root);
	if (!rest || (*rest && *rest != '/'))
		return TAKE_PTR(path);
	return strdup(*rest ? rest : "/");
}

struct mount_find {
	const char *path;
	size_t best; /* length of the longest mount point holding path so far */
	char *fstype;
	char *source;
	bool malformed; /* that mount's line names no filesystem type */
};

/* A filesystem type as the kernel names one ("ext4", "fuse.sshfs", "9p"): not "-", not empty. */
static bool is_fstype(const char *s)
{
	return ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')) &&
	       s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-")] ==
		       '\0';
}

static int find_mount(const struct mount_entry *m, void *userdata)
{
	struct mount_find *mf = userdata;
	size_t n = strlen(m->mount_point);
	const char *rest = startswith(mf->path, m->mount_point);

	/* "/" holds everything; "/var" holds "/var" and "/var/x", not "/variable". Of mounts on
	 * the same point, the last one is on top. */
	if (!rest || (n > 1 && *rest && *rest != '/') || n < mf->best)
		return 0;
	free(mf->fstype);
	free(mf->source);
	mf->fstype = strdup(m->fstype);
	mf->source = strdup(m->source);
	mf->best = n;
	mf->malformed = !is_fstype(m->fstype);
	return mf->fstype && mf->source ? 0 : -ENOMEM;
}

/* Records .mount.* for fd; returns 0 and *ret_dev, the mount's /dev source if any, or -ENOMEM. */
static int probe_mount(const struct host *h, struct facts *f, const char *prefix, int fd,
		       char **ret_dev)
{
	_cleanup_free_ char *path = mount_path(h, fd);
	struct mount_find mf = {.path = path};
	const struct mount_table *mt;
	int r;

	if (!path && errno == ENOMEM)
		return -ENOMEM;
	if (!path) /* no /proc in this process: the mount cannot be matched */
		return set(f, prefix, "mount.fstype", "/proc/self/fd", NULL, errno)
			   ?: set(f, prefix, "mount.source", "/proc/self/fd", NULL, errno);
	r = host_mountinfo(h, &mt);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return set(f, prefix, "mount.fstype", HOST_MOUNTINFO, NULL, -r)
			   ?: set(f, prefix, "mount.source", HOST_MOUNTINFO, NULL, -r);
	r = mount_table_foreach(mt, find_mount, &mf);
	if (r >= 0 && mf.malformed)
		r = set(f, prefix, "mount.fstype", HOST_MOUNTINFO, NULL, EBADMSG)
			?: set(f, prefix, "mount.source", HOST_MOUNTINFO, NULL, EBADMSG);
	else if (r >= 0)
		r = set(f, prefix, "mount.fstype", HOST_MOUNTINFO, mf.fstype, 0)
			?: set(f, prefix, "mount.source", HOST_MOUNTINFO, mf.source, 0);
	free(mf.fstype);
	if (r >= 0 && !mf.malformed && mf.source && startswith(mf.source, "/dev/"))
		*ret_dev = TAKE_PTR(mf.source);
	free(mf.source);
	return r < 0 ? r : 0;
}

/* Opens a device (or an image standing in for one) for reading; nothing else: a FIFO or a
 * character device could block or have side effects, and is never opened. */
static int open_device(const struct host *h, const char *dev)
{
	_cleanup_close_ int fd = host_open_block(h, dev, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	int r;

	if (fd == -EMEDIUMTYPE)
		return -ENOTBLK;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		return -ENOTBLK;
	r = fd;
	fd = -1;
	return r;
}

/* Records .blkid for the mount's device and, on xfs when not known yet, .xfs.ftype from its
 * superblock. */
static int probe_device(const struct host *h, struct facts *f, const char *prefix, const char *dev)
{
	_cleanup_free_ char *src = strdup_printf("libblkid(%s)", dev), *sb = NULL, *type = NULL;
	_cleanup_close_ int fd = open_device(h, dev);
	bool ftype;
	int r;

	if (!src)
		return -ENOMEM;
	if (fd < 0)
		return set(f, prefix, "blkid", src, NULL, -fd);
	r = fsprobe_blkid_type(fd, &type);
	if (r == -ENOMEM)
		return r;
	r = set(f, prefix, "blkid", src, type, r < 0 ? -r : 0);
	if (r < 0 || !streq_ptr(type, "xfs") || get(f, prefix, "xfs.ftype"))
		return r;
	sb = strdup_printf("xfs superblock(%s)", dev);
	if (!sb)
		return -ENOMEM;
	r = fsprobe_xfs_ftype(fd, &ftype);
	return set(f, prefix, "xfs.ftype", sb, ftype ? "1" : "0", r < 0 ? -r : 0);
}

/* Records .xfs.ftype of the mounted xfs filesystem holding fd. */
static int probe_xfs_mounted(struct facts *f, const char *prefix, int fd, const char *path)
{
	_cleanup_free_ char *src = strdup_printf("XFS_IOC_FSGEOMETRY(%s)", path);
	_cleanup_close_ int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool ftype = false;
	int r;

	if (!src)
		return -ENOMEM;
	r = dfd < 0 ? -errno : fsprobe_xfs_geometry_ftype(dfd, &ftype);
	return set(f, prefix, "xfs.ftype", src, ftype ? "1" : "0", r < 0 ? -r : 0);
}

static int probe_place(const struct host *h, struct facts *f, const char *prefix, const char *want)
{
	_cleanup_free_ char *path = NULL, *src_fs = NULL, *src_vfs = NULL, *dev = NULL;
	_cleanup_close_ int fd = open_nearest(h, want, &path);
	char buf[64], size[32], avail[32];
	const char *name = NULL;
	struct statfs sfs;
	struct statvfs vfs;
	struct stat st;
	int r;

	if (fd == -ENOMEM)
		return fd;
	if (fd < 0)
		return set(f, prefix, "path", want, NULL, -fd);
	src_fs = strdup_printf("statfs(%s)", path);
	src_vfs = strdup_printf("statvfs(%s)", path);
	if (!src_fs || !src_vfs)
		return -ENOMEM;
	r = set(f, prefix, "path", want, path, 0);
	if (r < 0)
		return r;

	if (fstatfs(fd, &sfs) < 0)
		r = set(f, prefix, "statfs", src_fs, NULL, errno);
	else {
		name = fs_magic_name((unsigned long)sfs.f_type);
		snprintf(buf, sizeof(buf), "0x%lx", (unsigned long)sfs.f_type);
		r = set(f, prefix, "statfs", src_fs, name ? name : buf, 0);
	}
	if (r < 0)
		return r;
	if (fstatvfs(fd, &vfs) < 0)
		r = set(f, prefix, "size", src_vfs, NULL, errno)
			?: set(f, prefix, "avail", src_vfs, NULL, errno);
	else {
		snprintf(size, sizeof(size), "%llu",
			 (unsigned long long)vfs.f_blocks * vfs.f_frsize);
		snprintf(avail, sizeof(avail), "%llu",
			 (unsigned long long)vfs.f_bavail * vfs.f_frsize);
		r = set(f, prefix, "size", src_vfs, size, 0)
			?: set(f, prefix, "avail", src_vfs, avail, 0);
	}
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		r = set(f, prefix, "dev", "fstat(2)", NULL, errno);
	else {
		snprintf(buf, sizeof(buf), "%u:%u", major(st.st_dev), minor(st.st_dev));
		r = set(f, prefix, "dev", "fstat(2)", buf, 0);
	}
	if (r < 0)
		return r;
	if (streq_ptr(name, "xfs") && (r = probe_xfs_mounted(f, prefix, fd, path)) < 0)
		return r;
	r = probe_mount(h, f, prefix, fd, &dev);
	if (r < 0 || !dev)
		return r;
	return probe_device(h, f, prefix, dev);
}

static int probe_dataroot(const struct host *h, const struct config *cfg, struct facts *f)
{
	return probe_place(h, f, DATAROOT, cfg->data_root);
}

static int probe_docker(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	return probe_place(h, f, DOCKER, DOCKER_ROOT);
}

/* Whether the mount's type was not read although a mountinfo exists: it could not be read
 * (EFBIG, EACCES) or its line was malformed (EBADMSG). Only a tree without one (an image, ENOENT)
 * leaves statfs to tell. */
static bool mount_unread(const struct fact *fa)
{
	return fa && fa->err && fa->err != ENOENT;
}

/* The filesystem's name: libblkid's (it tells ext2, ext3 and ext4 apart), else the mount's,
 * else statfs's. NULL when none was read, or when the mount's type could not be read from a
 * mountinfo that exists: under --root statfs is of the filesystem this machine keeps the tree
 * on, not of the tree's, so it never stands in for the mount's word. */
static const struct fact *fs_type(const struct facts *f, const char *prefix)
{
	static const char *const order[] = {"blkid", "mount.fstype", "statfs"};

	for (size_t i = 0; i < ELEMENTSOF(order); i++) {
		const struct fact *fa = get(f, prefix, order[i]);

		if (fa && !fa->err && fa->value)
			return fa;
		if (streq(order[i], "mount.fstype") && mount_unread(fa))
			return NULL;
	}
	return NULL;
}

/* Adds what was read about the place as evidence, then finds its filesystem's name. Returns 1
 * and *ret_path, *ret_type; 0 when r is now unknown; or -ENOMEM. */
static int need_fs_type(struct result *r, const struct facts *f, const char *prefix,
			const struct fact **ret_path, const struct fact **ret_type)
{
	static const char *const shown[] = {"statfs", "mount.fstype", "mount.source", "blkid",
					    "xfs.ftype"};
	int ret;

	ret = result_needf(r, f, ret_path, "%s.path", prefix);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, *ret_path);
	for (size_t i = 0; i < ELEMENTSOF(shown); i++)
		result_evidence_fact(r, get(f, prefix, shown[i]));
	*ret_type = fs_type(f, prefix);
	if (*ret_type)
		return 1;
	if (mount_unread(get(f, prefix, "mount.fstype")))
		return result_needf(r, f, ret_type, "%s.mount.fstype", prefix);
	return result_needf(r, f, ret_type, "%s.statfs", prefix);
}

/* Where Sysbox may keep its data (sysbox-mgr; Coder: no network filesystems). First match;
 * anything else warns. */
static const struct {
	const char *fs;
	enum status status;
	const char *why;
} dataroot_fs[] = {
    {"ext4", STATUS_PASS, NULL},
    {"xfs", STATUS_PASS, NULL},
    {"btrfs", STATUS_PASS, NULL},
    {"overlay", STATUS_FAIL,
     "the inner overlay mounts Sysbox and Docker-in-CVM make cannot stack on overlayfs"},
    {"shiftfs", STATUS_FAIL, "the inner overlay mounts cannot stack on shiftfs"},
    {"tmpfs", STATUS_FAIL, "tmpfs lives in memory and is lost at every reboot"},
    {"nfs", STATUS_FAIL, "network filesystems cannot hold the overlay and ID-mapped mounts"},
    {"nfs4", STATUS_FAIL, "network filesystems cannot hold the overlay and ID-mapped mounts"},
};

static int rule_dataroot(const struct check *c _unused_, const struct facts *f,
			 const struct config *cfg, struct result *r)
{
	const struct fact *path, *type;
	int ret = need_fs_type(r, f, DATAROOT, &path, &type);

	if (ret <= 0)
		return ret;
	result_observed(r, "%s (%s)", type->value, path->value);
	result_expected(r, "ext4, xfs or btrfs");
	for (size_t i = 0; i < ELEMENTSOF(dataroot_fs); i++) {
		if (!streq(type->value, dataroot_fs[i].fs))
			continue;
		if (dataroot_fs[i].status == STATUS_PASS)
			return result_set(r, STATUS_PASS, "%s is on %s", path->value, type->value);
		result_remediation(r,
				   "put %s on a local ext4, xfs or btrfs filesystem "
				   "(a disk mounted there, or --data-root in sysbox-mgr)",
				   cfg->data_root);
		return result_set(r, dataroot_fs[i].status, "%s is on %s: %s", path->value,
				  type->value, dataroot_fs[i].why);
	}
	result_remediation(r, "put %s on a local ext4, xfs or btrfs filesystem",
			   cfg->data_root);
	return result_set(r, STATUS_WARN, "%s is on %s, which Sysbox is not known to work on",
			  path->value, type->value);
}

static int rule_docker_dtype(const struct check *c _unused_, const struct facts *f,
			     const struct config *cfg _unused_, struct result *r)
{
	const struct fact *path, *type, *ftype;
	int ret = need_fs_type(r, f, DOCKER, &path, &type);

	if (ret <= 0)
		return ret;
	result_expected(r, "not xfs, or xfs with ftype=1");
	if (!streq(type->value, "xfs")) {
		result_observed(r, "%s (%s)", type->value, path->value);
		return result_set(r, STATUS_PASS, "%s is on %s, which records d_type",
					 path->value, type->value);
	}
	ret = result_need(r, f, DOCKER ".xfs.ftype", &ftype);
	if (ret <= 0)
		return ret;
	result_observed(r, "xfs ftype=%s (%s)", ftype->value, path->value);
	if (streq(ftype->value, "1"))
		return result_set(r, STATUS_PASS, "%s is on xfs with ftype=1 (d_type)",
				  path->value);
	result_remediation(r,
			   "move %s to a filesystem made with mkfs.xfs -n ftype=1 (or "
			   "ext4); ftype cannot be changed in place",
			   DOCKER_ROOT);
	return result_set(r, STATUS_FAIL,
			  "%s is on xfs with ftype=0: no d_type, which Docker's overlay2 needs",
			  path->value);
}

/* Free space (CODER_DOCS_USER: "disk sizes in the range of 50-100 GB are reasonable"). */
#define CAPACITY_FAIL_GIB 10
#define CAPACITY_WARN_GIB 50

static const struct {
	const char *prefix;
	const char *what;
} capacity_places[] = {
    {DATAROOT, "Sysbox data root"},
    {DOCKER, "Docker data root"},
};

static int rule_capacity(const struct check *c _unused_, const struct facts *f,
			 const struct config *cfg _unused_, struct result *r)
{
	_cleanup_free_ char *observed = NULL;
	const char *first_dev = NULL;
	enum status worst = STATUS_PASS;
	double worst_free = 0;
	const char *worst_path = NULL;

	for (size_t i = 0; i < ELEMENTSOF(capacity_places); i++) {
		const char *prefix = capacity_places[i].prefix;
		const struct fact *path, *size, *avail, *dev = get(f, prefix, "dev");
		double free_gib, size_gib;
		enum status s;
		char *o;
		int ret;

		ret = result_needf(r, f, &path, "%s.path", prefix);
		if (ret > 0)
			ret = result_needf(r, f, &avail, "%s.avail", prefix);
		if (ret > 0)
			ret = result_needf(r, f, &size, "%s.size", prefix);
		if (ret <= 0)
			return ret;
		/* Both on one filesystem: count it once. */
		if (dev && !dev->err && first_dev && streq_ptr(dev->value, first_dev))
			continue;
		if (dev && !dev->err)
			first_dev = dev->value;
		result_evidence_fact(r, path);
		result_evidence_fact(r, avail);
		result_evidence_fact(r, size);
		free_gib = strtod(avail->value, NULL) / GiB;
		size_gib = strtod(size->value, NULL) / GiB;
		s = free_gib < CAPACITY_FAIL_GIB   ? STATUS_FAIL
		    : free_gib < CAPACITY_WARN_GIB ? STATUS_WARN
						   : STATUS_PASS;
		o = strdup_printf("%s%s%s %s: %.1f GiB free of %.1f GiB", observed ? observed : "",
				  observed ? "; " : "", capacity_places[i].what, path->value,
				  free_gib, size_gib);
		if (!o)
			return -ENOMEM;
		free(observed);
		observed = o;
		if (!worst_path || s > worst) {
			worst = s;
			worst_free = free_gib;
			worst_path = path->value;
		}
	}
	result_observed(r, "%s", observed);
	result_expected(r, ">= %d GiB free (%d GiB or more recommended)", CAPACITY_FAIL_GIB,
			CAPACITY_WARN_GIB);
	if (worst == STATUS_PASS)
		return result_set(r, STATUS_PASS, "at least %d GiB free where CVMs keep their data",
				  CAPACITY_WARN_GIB);
	result_remediation(r,
			   "free space or grow the filesystem holding %s (Coder suggests "
			   "50-100 GB per workspace)",
			   worst_path);
	return result_set(r, worst, "only %.1f GiB free at %s; %s", worst_free, worst_path,
			  worst == STATUS_FAIL ? "CVM images and inner Docker data will not fit"
					       : "less than Coder's recommended 50 GB");
}

const struct check checks_storage[] = {
    {
	.id = "fs.dataroot",
	.title = "Sysbox data root filesystem",
	.probes = {probe_dataroot},
	.rule = rule_dataroot,
	.evidence = "the data root (--data-root, default /var/lib/sysbox) or its nearest "
		    "existing parent: fstatfs(2) f_type, the mount holding it in "
		    "/proc/self/mountinfo, and libblkid's TYPE for that mount's device",
	.rule_text = "ext4, xfs and btrfs pass; tmpfs, overlay, shiftfs and nfs fail; any "
		     "other filesystem warns; the name is libblkid's when the device can "
		     "be read, else the mount's, else statfs's; nothing readable is unknown",
	.why = "sysbox-mgr keeps each CVM's inner /var/lib/docker and other stores under its "
	       "data root and bind-mounts them in; Docker's overlay2 inside the CVM cannot "
	       "stack on overlay or shiftfs, tmpfs loses them at reboot, and Coder does "
	       "not support network filesystems",
	.fix = "mount a local ext4, xfs (ftype=1) or btrfs filesystem at /var/lib/sysbox",
	.source = "sysbox-mgr utils.go; sysbox docs/user-guide/configuration.md (data "
		  "store); Coder docs",
	.docs = "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/"
		"configuration.md",
    },
    {
	.id = "fs.docker-dtype",
	.title = "d_type under /var/lib/docker",
	.probes = {probe_docker},
	.rule = rule_docker_dtype,
	.evidence = "/var/lib/docker or its nearest existing parent: its filesystem as for "
		    "fs.dataroot; on xfs, ftype from XFS_IOC_FSGEOMETRY on the mounted "
		    "filesystem, else from the XFS superblock on its device",
	.rule_text = "xfs with ftype=0 fails; xfs with ftype=1 and any other filesystem "
		     "pass; xfs whose ftype cannot be read, or a mountinfo line for the mount "
		     "that names no filesystem type, is unknown",
	.why = "Docker's overlay2 storage driver refuses a backing filesystem without d_type "
	       "(xfs made with ftype=0, the default of old mkfs.xfs)",
	.fix = "recreate the filesystem with mkfs.xfs -n ftype=1 (ftype cannot be changed "
	       "in place) or use ext4",
	.source = "Docker docs: OverlayFS storage driver (prerequisites)",
	.docs = "https://docs.docker.com/engine/storage/drivers/overlayfs-driver/",
    },
    {
	.id = "fs.capacity",
	.title = "Free space for CVMs",
	.probes = {probe_dataroot, probe_docker},
	.rule = rule_capacity,
	.evidence = "statvfs(3) of the data root and of /var/lib/docker (or their nearest "
		    "existing parents): space free for unprivileged use, and size; once when "
		    "both are on one filesystem",
	.rule_text = "less than 10 GiB free fails; less than 50 GiB warns; otherwise pass",
	.why = "each CVM keeps its image and its inner Docker's data on the node's disk; "
	       "Coder recommends 50-100 GB per workspace",
	.fix = "grow the filesystem, or mount a larger disk at /var/lib/sysbox and "
	       "/var/lib/docker",
	.source = "Coder docs (" CODER_DOCS_USER ": disk sizes of 50-100 GB); sysbox "
		  "docs/user-guide/configuration.md",
	.docs = "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/"
		"configuration.md",
    },
    CHECKS_END,
};
