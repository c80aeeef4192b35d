/* SPDX-License-Identifier: MIT */
/* fs.dataroot, fs.docker-dtype, fs.capacity: filesystem naming, the XFS superblock reader (on
 * synthetic superblocks and on images made by mkfs when it is installed), and every status of
 * each rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <endian.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/wait.h>

#include "checks/checks.h"
#include "core/fsprobe.h"
#include "core/util.h"

/* Records facts from "key=value" (value "-" records NULL) and "key!errno" strings. */
static void facts_load(struct facts *f, const char *const *kv)
{
	for (; *kv; kv++) {
		const char *sep = strpbrk(*kv, "=!");
		_cleanup_free_ char *key = strndup(*kv, (size_t)(sep - *kv));

		if (*sep == '!')
			assert_int_equal(facts_set_err(f, key, "test", atoi(sep + 1)), 0);
		else
			assert_int_equal(
			    facts_set(f, key, "test", streq(sep + 1, "-") ? NULL : sep + 1), 0);
	}
}

/* Runs check id on the facts kv; returns its status, and its message in *ret_msg (static copy). */
static enum status judge(const char *id, const char *const *kv, char *msg, size_t size)
{
	const struct check *c = checks_find(id);
	struct config cfg = {.profile = profile_find("coder"), .data_root = DATA_ROOT_DEFAULT};
	struct facts f = {0};
	struct result r = {.check = c};
	enum status s;

	assert_non_null(c);
	facts_load(&f, kv);
	assert_int_equal(c->rule(c, &f, &cfg, &r), 0);
	s = r.status;
	if (msg)
		snprintf(msg, size, "%s | %s", r.message ? r.message : "",
			 r.observed ? r.observed : "");
	result_free(&r);
	facts_free(&f);
	return s;
}

static void test_magic_names(void **state)
{
	(void)state;
	assert_string_equal(fs_magic_name(EXT4_SUPER_MAGIC), "ext4");
	assert_string_equal(fs_magic_name(XFS_SUPER_MAGIC), "xfs");
	assert_string_equal(fs_magic_name(BTRFS_SUPER_MAGIC), "btrfs");
	assert_string_equal(fs_magic_name(TMPFS_MAGIC), "tmpfs");
	assert_string_equal(fs_magic_name(OVERLAYFS_SUPER_MAGIC), "overlay");
	assert_string_equal(fs_magic_name(NFS_SUPER_MAGIC), "nfs");
	assert_string_equal(fs_magic_name(0x6a656a62), "shiftfs");
	assert_string_equal(fs_magic_name(0x2fc12fc1), "zfs");
	assert_null(fs_magic_name(0x12345678));
}

/* A file holding a 512-byte XFS superblock with the given fields. */
static int sb_file(uint32_t magic, uint16_t version, uint32_t features2, uint32_t incompat)
{
	unsigned char sb[512] = {0};
	uint32_t be;
	uint16_t be16 = htobe16(version);
	int fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	be = htobe32(magic);
	memcpy(sb, &be, 4);
	memcpy(sb + 100, &be16, 2);
	be = htobe32(features2);
	memcpy(sb + 200, &be, 4);
	be = htobe32(incompat);
	memcpy(sb + 216, &be, 4);
	assert_int_equal(pwrite(fd, sb, sizeof(sb), 0), (ssize_t)sizeof(sb));
	return fd;
}

static void test_xfs_superblock(void **state)
{
	static const struct {
		uint32_t magic;
		uint16_t version;
		uint32_t features2, incompat;
		int want_r;
		bool want;
	} cases[] = {
	    {0x58465342, 0xb4a5, 0x18a, 0x1, 0, true},	    /* v5 (crc=1), incompat FTYPE */
	    {0x58465342, 0xb4a5, 0x18a, 0x0, 0, false},	    /* v5 without it */
	    {0x58465342, 0xb4a4, 0x20a, 0x0, 0, true},	    /* v4, MOREBITS, features2 FTYPE */
	    {0x58465342, 0xb4a4, 0x00a, 0x0, 0, false},	    /* v4 -n ftype=0 */
	    {0x58465342, 0x34a4, 0x20a, 0x0, 0, false},	    /* features2 void without MOREBITS */
	    {0xef53ef53, 0xb4a5, 0x0, 0x1, -EINVAL, false}, /* not XFS */
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_close_ int fd = sb_file(cases[i].magic, cases[i].version,
						 cases[i].features2, cases[i].incompat);
		bool ftype = !cases[i].want;

		assert_int_equal(fsprobe_xfs_ftype(fd, &ftype), cases[i].want_r);
		if (cases[i].want_r == 0)
			assert_int_equal(ftype, cases[i].want);
	}
	/* a file shorter than a superblock */
	{
		_cleanup_close_ int fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		bool ftype;

		assert_int_equal(write(fd, "XFSB", 4), 4);
		assert_int_equal(fsprobe_xfs_ftype(fd, &ftype), -EINVAL);
	}
}

/* Runs argv (absolute path) with a fixed environment; returns its exit status, or -1. */
static int run(const char *const argv[])
{
	static const char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		dup2(null, 1);
		dup2(null, 2);
		execve(argv[0], (char *const *)argv, (char *const *)env);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* mkfs on a sparse image; returns an fd on it, or -1 when mkfs is not installed (the test is
 * then skipped). mkfs.xfs wants 300 MiB at least. */
static int make_image(const char *dir, const char *name, const char *const mkfs[])
{
	_cleanup_free_ char *path = strdup_printf("%s/%s", dir, name);
	const char *argv[16];
	size_t n = 0;
	int fd;

	if (access(mkfs[0], X_OK) < 0)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 512LL << 20), 0);
	for (; mkfs[n]; n++)
		argv[n] = mkfs[n];
	argv[n++] = path;
	argv[n] = NULL;
	assert_int_equal(run(argv), 0);
	unlink(path);
	return fd;
}

static void test_images(void **state)
{
	static const struct {
		const char *name;
		const char *const mkfs[8];
		const char *type;
		int ftype; /* -1: not xfs */
	} images[] = {
	    {"xfs-v4-ftype0",
	     {"/usr/sbin/mkfs.xfs", "-q", "-f", "-m", "crc=0", "-n", "ftype=0"},
	     "xfs",
	     0},
	    {"xfs-v5", {"/usr/sbin/mkfs.xfs", "-q", "-f"}, "xfs", 1},
	    {"ext4", {"/usr/sbin/mkfs.ext4", "-q", "-F"}, "ext4", -1},
	    {"ext3", {"/usr/sbin/mkfs.ext3", "-q", "-F"}, "ext3", -1},
	    {"btrfs", {"/usr/sbin/mkfs.btrfs", "-q", "-f"}, "btrfs", -1},
	};
	char dir[] = "/tmp/test-storage.XXXXXX";
	size_t made = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < ELEMENTSOF(images); i++) {
		_cleanup_close_ int fd = make_image(dir, images[i].name, images[i].mkfs);
		_cleanup_free_ char *type = NULL;
		bool ftype;

		if (fd < 0)
			continue;
		made++;
		assert_int_equal(fsprobe_blkid_type(fd, &type), 0);
		assert_string_equal(type, images[i].type);
		if (images[i].ftype < 0)
			assert_int_equal(fsprobe_xfs_ftype(fd, &ftype), -EINVAL);
		else {
			assert_int_equal(fsprobe_xfs_ftype(fd, &ftype), 0);
			assert_int_equal(ftype, images[i].ftype);
		}
	}
	rmdir(dir);
	/* an empty image: no filesystem */
	{
		_cleanup_close_ int fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		_cleanup_free_ char *type = NULL;

		assert_int_equal(ftruncate(fd, 1 << 20), 0);
		assert_int_equal(fsprobe_blkid_type(fd, &type), 0);
		assert_null(type);
	}
	if (made < ELEMENTSOF(images))
		skip(); /* mkfs.xfs, mkfs.ext4 or mkfs.btrfs missing (ci/deps.sh installs them) */
}

#define PLACE(p, fs) p ".path=/var/lib", p ".statfs=" fs, p ".dev=254:0"

static void test_dataroot(void **state)
{
	static const struct {
		const char *facts[8];
		enum status want;
	} cases[] = {
	    {{PLACE("fs.dataroot", "ext4"), "fs.dataroot.blkid=ext4", NULL}, STATUS_PASS},
	    {{PLACE("fs.dataroot", "xfs"), NULL}, STATUS_PASS},
	    {{PLACE("fs.dataroot", "btrfs"), "fs.dataroot.mount.fstype=btrfs", NULL}, STATUS_PASS},
	    {{PLACE("fs.dataroot", "tmpfs"), "fs.dataroot.mount.fstype=tmpfs", NULL}, STATUS_FAIL},
	    {{PLACE("fs.dataroot", "overlay"), NULL}, STATUS_FAIL},
	    {{PLACE("fs.dataroot", "shiftfs"), NULL}, STATUS_FAIL},
	    {{PLACE("fs.dataroot", "nfs"), "fs.dataroot.mount.fstype=nfs4", NULL}, STATUS_FAIL},
	    /* libblkid tells ext3 from ext4, which share statfs's magic */
	    {{PLACE("fs.dataroot", "ext4"), "fs.dataroot.blkid=ext3", NULL}, STATUS_WARN},
	    {{PLACE("fs.dataroot", "zfs"), NULL}, STATUS_WARN},
	    {{PLACE("fs.dataroot", "0x12345678"), NULL}, STATUS_WARN},
	    /* an unreadable device falls back on the mount, then statfs */
	    {{PLACE("fs.dataroot", "ext4"), "fs.dataroot.blkid!13", NULL}, STATUS_PASS},
	    {{"fs.dataroot.path!13", NULL}, STATUS_UNKNOWN},
	    {{"fs.dataroot.path=/", "fs.dataroot.statfs!38", "fs.dataroot.mount.fstype!2", NULL},
	     STATUS_UNKNOWN},
	    {{NULL}, STATUS_UNKNOWN},
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char msg[256];

		if (judge("fs.dataroot", cases[i].facts, msg, sizeof(msg)) != cases[i].want)
			fail_msg("case %zu: %s", i, msg);
	}
}

static void test_docker_dtype(void **state)
{
	static const struct {
		const char *facts[8];
		enum status want;
	} cases[] = {
	    {{PLACE("fs.docker", "ext4"), NULL}, STATUS_PASS},
	    {{PLACE("fs.docker", "xfs"), "fs.docker.xfs.ftype=1", NULL}, STATUS_PASS},
	    {{PLACE("fs.docker", "xfs"), "fs.docker.xfs.ftype=0", NULL}, STATUS_FAIL},
	    /* an image named by the tree's mountinfo and libblkid, read from its superblock */
	    {{PLACE("fs.docker", "ext4"), "fs.docker.mount.fstype=xfs", "fs.docker.blkid=xfs",
	      "fs.docker.xfs.ftype=0", NULL},
	     STATUS_FAIL},
	    {{PLACE("fs.docker", "xfs"), "fs.docker.xfs.ftype!25", NULL}, STATUS_UNKNOWN},
	    {{PLACE("fs.docker", "xfs"), NULL}, STATUS_UNKNOWN},
	    {{"fs.docker.path!13", NULL}, STATUS_UNKNOWN},
	    /* the mount's line was malformed: statfs does not stand in for it; libblkid does */
	    {{PLACE("fs.docker", "ext4"), "fs.docker.mount.fstype!74", NULL}, STATUS_UNKNOWN},
	    {{PLACE("fs.docker", "ext4"), "fs.docker.mount.fstype!74", "fs.docker.blkid=ext4", NULL},
	     STATUS_PASS},
	    /* mountinfo unreadable (not malformed): statfs as before */
	    {{PLACE("fs.docker", "ext4"), "fs.docker.mount.fstype!2", NULL}, STATUS_PASS},
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char msg[256];

		if (judge("fs.docker-dtype", cases[i].facts, msg, sizeof(msg)) != cases[i].want)
			fail_msg("case %zu: %s", i, msg);
	}
}

#define FREE(p, dev, gib) p ".path=/var/lib", p ".dev=" dev, p ".size=" gib, p ".avail=" gib

static void test_capacity(void **state)
{
	static const struct {
		const char *facts[10];
		enum status want;
		const char *observed; /* a part of the message or observed text */
	} cases[] = {
	    {{FREE("fs.dataroot", "254:0", "107374182400"),
	      FREE("fs.docker", "254:0", "107374182400"), NULL},
	     STATUS_PASS,
	     "100.0 GiB free"},
	    {{FREE("fs.dataroot", "254:0", "21474836480"),
	      FREE("fs.docker", "254:0", "21474836480"), NULL},
	     STATUS_WARN,
	     "only 20.0 GiB free"},
	    {{FREE("fs.dataroot", "254:0", "1073741824"), FREE("fs.docker", "254:0", "1073741824"),
	      NULL},
	     STATUS_FAIL,
	     "only 1.0 GiB free"},
	    /* a small separate /var/lib/docker fails though the data root has room */
	    {{FREE("fs.dataroot", "254:0", "107374182400"),
	      FREE("fs.docker", "254:1", "5368709120"), NULL},
	     STATUS_FAIL,
	     "Docker data root /var/lib: 5.0 GiB"},
	    {{FREE("fs.dataroot", "254:0", "107374182400"), "fs.docker.path=/var/lib",
	      "fs.docker.avail!5", NULL},
	     STATUS_UNKNOWN,
	     "cannot read"},
	    {{"fs.dataroot.path!2", NULL}, STATUS_UNKNOWN, "cannot read"},
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char msg[512];

		if (judge("fs.capacity", cases[i].facts, msg, sizeof(msg)) != cases[i].want ||
		    !strstr(msg, cases[i].observed))
			fail_msg("case %zu: %s", i, msg);
	}
	/* one filesystem is counted once */
	{
		static const char *const kv[] = {FREE("fs.dataroot", "254:0", "107374182400"),
						 FREE("fs.docker", "254:0", "107374182400"), NULL};
		char msg[512];

		judge("fs.capacity", kv, msg, sizeof(msg));
		assert_null(strstr(msg, "Docker data root"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_magic_names), cmocka_unit_test(test_xfs_superblock),
	    cmocka_unit_test(test_dataroot),	cmocka_unit_test(test_docker_dtype),
	    cmocka_unit_test(test_capacity),	cmocka_unit_test(test_images),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
