/* SPDX-License-Identifier: MIT */
/*
 * kernel.shiftfs, kernel.headers, fs.fuse, fs.overlay: every status of each rule, on facts made
 * here; and the probes on small trees (/proc/modules, /proc/filesystems, headers, /dev/fuse).
 * libkmod on real depmod indexes is exercised by tests/integration/test-kernel-modules.sh.
 */
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <cmocka.h>

#include "check-harness.h"

#include "checks/checks.h"
#include "core/fileio.h"
#include "core/util.h"

#define UB "os.id=ubuntu"
#define DEB "os.id=debian"
#define K54 "kernel.release=5.4.0-169-generic"
#define K510 "kernel.release=5.10.0-26-amd64"
#define K515 "kernel.release=5.15.0-91-generic"
#define K61 "kernel.release=6.1.0-13-amd64"
#define NOFS "filesystem.shiftfs=no"

static const struct rule_case cases[] = {
	/* kernel.shiftfs: < 5.12 needed */
	{ "kernel.shiftfs", 0, { K54, UB, NOFS, "module.shiftfs=absent" }, STATUS_FAIL, "no ID-mapped mounts" },
	{ "kernel.shiftfs", 0, { K54, UB, NOFS, "module.shiftfs=available" }, STATUS_PASS, "available as a module" },
	{ "kernel.shiftfs", 0, { K54, UB, NOFS, "module.shiftfs=builtin" }, STATUS_PASS, "built into" },
	{ "kernel.shiftfs", 0, { K54, UB, "filesystem.shiftfs=yes", "module.shiftfs=loaded" }, STATUS_PASS, "loaded" },
	{ "kernel.shiftfs", RULE_AUTOLOAD, { K54, UB, NOFS, "module.shiftfs=absent" }, STATUS_WARN, "DKMS" },
	/* 5.12-5.18 recommended; Ubuntu 5.15 with shiftfs in use: the EOVERFLOW bug */
	{ "kernel.shiftfs", 0, { K515, UB, NOFS, "module.shiftfs=absent" }, STATUS_WARN, "not on overlayfs" },
	{ "kernel.shiftfs", 0, { K515, UB, "filesystem.shiftfs=yes", "module.shiftfs=loaded" }, STATUS_WARN, "value too large" },
	{ "kernel.shiftfs", 0, { K515, "os.id=pop", "os.id_like=ubuntu debian", NOFS, "module.shiftfs=loaded" }, STATUS_WARN, "value too large" },
	{ "kernel.shiftfs", 0, { K515, DEB, "filesystem.shiftfs=yes", "module.shiftfs=loaded" }, STATUS_PASS, "loaded" },
	{ "kernel.shiftfs", 0, { K515, UB, NOFS, "module.shiftfs=available" }, STATUS_PASS, "available" },
	/* >= 5.19 not required, unless caching */
	{ "kernel.shiftfs", 0, { K61, DEB, NOFS, "module.shiftfs=absent" }, STATUS_PASS, "not required" },
	{ "kernel.shiftfs", 0, { K61, DEB, "filesystem.shiftfs!2", "module.shiftfs!2" }, STATUS_PASS, "not required" },
	{ "kernel.shiftfs", 0, { K61, DEB, NOFS, "module.shiftfs=available" }, STATUS_PASS, "(not required on this kernel)" },
	{ "kernel.shiftfs", RULE_CACHING, { K61, DEB, NOFS, "module.shiftfs=absent" }, STATUS_FAIL, "caching CVMs need it" },
	{ "kernel.shiftfs", RULE_CACHING | RULE_AUTOLOAD, { K61, DEB, NOFS, "module.shiftfs=absent" }, STATUS_WARN, "DKMS" },
	{ "kernel.shiftfs", RULE_CACHING, { K61, DEB, NOFS, "module.shiftfs=available" }, STATUS_PASS, "available" },
	/* what cannot be read */
	{ "kernel.shiftfs", 0, { K510, DEB, "filesystem.shiftfs!2", "module.shiftfs!13" }, STATUS_UNKNOWN, "No such file" },
	{ "kernel.shiftfs", 0, { K510, DEB, NOFS, "module.shiftfs!13" }, STATUS_UNKNOWN, "Permission denied" },
	{ "kernel.shiftfs", 0, { K510, DEB, "filesystem.shiftfs!2", "module.shiftfs=absent" }, STATUS_FAIL, "absent" },
	{ "kernel.shiftfs", 0, { K510, DEB, "filesystem.shiftfs=yes", "module.shiftfs!13" }, STATUS_PASS, "loaded" },
	{ "kernel.shiftfs", RULE_CACHING, { K61, DEB, "filesystem.shiftfs!2", "module.shiftfs!2" }, STATUS_UNKNOWN, "cannot read" },
	{ "kernel.shiftfs", 0, { "kernel.release!2", "module.shiftfs=absent" }, STATUS_UNKNOWN, "cannot read" },
	{ "kernel.shiftfs", 0, { "kernel.release=garbage", "module.shiftfs=absent" }, STATUS_UNKNOWN, "cannot parse" },
	{ "kernel.shiftfs", 0, { K510, NOFS }, STATUS_UNKNOWN, "no fact 'module.shiftfs'" },

	/* kernel.headers */
	{ "kernel.headers", 0, { "kernel.headers=/usr/src/linux-headers-6.1.0-13-amd64" }, STATUS_PASS, "kernel headers at" },
	{ "kernel.headers", 0, { "kernel.headers" }, STATUS_WARN, "no kernel headers" },
	{ "kernel.headers", RULE_AUTOLOAD, { "kernel.headers" }, STATUS_FAIL, "cannot build shiftfs" },
	{ "kernel.headers", RULE_AUTOLOAD, { "kernel.headers!13" }, STATUS_UNKNOWN, "Permission denied" },

	/* fs.fuse */
	{ "fs.fuse", 0, { "filesystem.fuse=yes", "module.fuse=loaded", "fuse.device=yes" }, STATUS_PASS, "fuse loaded, /dev/fuse present" },
	{ "fs.fuse", 0, { "filesystem.fuse=yes", "module.fuse=builtin", "fuse.device=yes" }, STATUS_PASS, "built into" },
	{ "fs.fuse", 0, { "filesystem.fuse=no", "module.fuse=available", "fuse.device=yes" }, STATUS_PASS, "available" },
	{ "fs.fuse", 0, { "filesystem.fuse=no", "module.fuse=available", "fuse.device=no" }, STATUS_WARN, "/dev/fuse is missing" },
	{ "fs.fuse", 0, { "filesystem.fuse=no", "module.fuse=absent", "fuse.device=yes" }, STATUS_FAIL, "no FUSE" },
	{ "fs.fuse", 0, { "filesystem.fuse!2", "module.fuse!2", "fuse.device=yes" }, STATUS_UNKNOWN, "cannot read" },
	{ "fs.fuse", 0, { "filesystem.fuse=yes", "module.fuse!2", "fuse.device!13" }, STATUS_UNKNOWN, "Permission denied" },

	/* fs.overlay */
	{ "fs.overlay", 0, { "filesystem.overlay=yes", "module.overlay!2" }, STATUS_PASS, "overlay loaded" },
	{ "fs.overlay", 0, { "filesystem.overlay=no", "module.overlay=available" }, STATUS_PASS, "available" },
	{ "fs.overlay", 0, { "filesystem.overlay=no", "module.overlay=builtin" }, STATUS_PASS, "built into" },
	{ "fs.overlay", 0, { "filesystem.overlay=no", "module.overlay=absent" }, STATUS_FAIL, "no overlay" },
	{ "fs.overlay", 0, { "filesystem.overlay=no", "module.overlay!13" }, STATUS_UNKNOWN, "Permission denied" },
};

RULE_CASES_TEST(test_rules, cases, RULE_WANT_FIX_WARN)

/* Probes on trees made here. */

static char tree[64];

static void put(const char *rel, const char *text)
{
	_cleanup_free_ char *path = strdup_printf("%s/%s", tree, rel);

	for (char *p = path + strlen(tree) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		(void)mkdir(path, 0755);
		*p = '/';
	}
	if (text)
		assert_int_equal(write_file_atomic(path, text, strlen(text), 0644), 0);
	else
		assert_int_equal(mkdir(path, 0755), 0);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void fresh(void)
{
	if (tree[0])
		nftw(tree, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	strcpy(tree, "/tmp/cvmprep-test-modules.XXXXXX");
	assert_non_null(mkdtemp(tree));
	put("proc/sys/kernel/osrelease", "5.15.0-91-generic\n");
}

static int teardown(void **state)
{
	(void)state;
	if (tree[0])
		nftw(tree, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* Runs the probes of check id on the tree. */
static void probe(const char *id, struct facts *f)
{
	const struct config cfg = { .profile = profile_find("coder") };

	check_probe(tree, id, &cfg, f);
}

static void want(const struct facts *f, const char *key, const char *value, int err)
{
	const struct fact *fa = facts_get(f, key);

	assert_non_null(fa);
	if (fa->err != err || !streq_ptr(fa->value, value))
		fail_msg("%s: got '%s' errno %d, want '%s' errno %d", key,
			 fa->value ? fa->value : "(null)", fa->err, value ? value : "(null)", err);
}

#define FILESYSTEMS "nodev\tsysfs\nnodev\tproc\n\text4\nnodev\tfuse\nnodev\tfusectl\nnodev\toverlay\n"

static void test_probe_loaded(void **state)
{
	struct facts f = { 0 };

	(void)state;
	fresh();
	put("proc/filesystems", FILESYSTEMS);
	put("proc/modules", "shiftfs 32768 0 - Live 0x0000000000000000\n"
			    "overlay_x 151552 0 - Live 0x0000000000000000\n");
	/* no module index under /lib/modules: what is not loaded cannot be told */
	probe("kernel.shiftfs", &f);
	want(&f, "module.shiftfs", "loaded", 0);
	want(&f, "module.fuse", NULL, ENOENT);
	want(&f, "module.overlay", NULL, ENOENT); /* overlay_x is not overlay */
	want(&f, "filesystem.shiftfs", "no", 0);
	want(&f, "filesystem.fuse", "yes", 0); /* fusectl is not fuse, but fuse is there */
	want(&f, "filesystem.overlay", "yes", 0);
	assert_string_equal(facts_get(&f, "module.fuse")->source, "/lib/modules/5.15.0-91-generic");
	facts_free(&f);
}

/* A procfs without /proc/modules: a kernel without loadable modules, all built in. */
static void test_probe_no_module_support(void **state)
{
	struct facts f = { 0 };

	(void)state;
	fresh();
	put("proc/filesystems", FILESYSTEMS);
	probe("fs.overlay", &f);
	want(&f, "module.fuse", "builtin", 0);
	want(&f, "module.overlay", "builtin", 0);
	want(&f, "module.shiftfs", "absent", 0);
	facts_free(&f);
}

static void test_probe_unreadable(void **state)
{
	_cleanup_free_ char *rel = NULL;
	struct facts f = { 0 };

	(void)state;
	fresh();
	put("proc/filesystems", NULL); /* a directory: EISDIR */
	put("proc/modules", NULL);
	probe("fs.overlay", &f);
	want(&f, "filesystem.overlay", NULL, EISDIR);
	want(&f, "module.overlay", NULL, EISDIR);
	facts_free(&f);

	/* no procfs at all (an image) and no index */
	fresh();
	probe("fs.overlay", &f);
	want(&f, "filesystem.overlay", NULL, ENOENT);
	want(&f, "module.overlay", NULL, ENOENT);
	facts_free(&f);

	/* no release: no index to read */
	fresh();
	rel = strdup_printf("%s/proc/sys/kernel/osrelease", tree);
	assert_int_equal(unlink(rel), 0);
	put("proc/modules", "");
	probe("fs.overlay", &f);
	want(&f, "module.overlay", NULL, ENOENT);
	facts_free(&f);
}

static void test_probe_headers(void **state)
{
	static const char *const dirs[] = {
		"usr/src/linux-headers-5.15.0-91-generic",
		"usr/src/kernels/5.15.0-91-generic",
		"lib/modules/5.15.0-91-generic/build",
	};
	struct facts f = { 0 };

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		_cleanup_free_ char *abs = strdup_printf("/%s", dirs[i]);

		fresh();
		put(dirs[i], NULL);
		probe("kernel.headers", &f);
		want(&f, "kernel.headers", abs, 0);
		facts_free(&f);
	}
	/* a dangling build link (headers package removed) is no headers */
	fresh();
	put("lib/modules/5.15.0-91-generic/kernel", NULL);
	{
		_cleanup_free_ char *link = strdup_printf("%s/lib/modules/5.15.0-91-generic/build", tree);

		assert_int_equal(symlink("/usr/src/linux-headers-5.15.0-91-generic", link), 0);
	}
	probe("kernel.headers", &f);
	want(&f, "kernel.headers", NULL, 0);
	facts_free(&f);
}

static void test_probe_fuse_device(void **state)
{
	_cleanup_free_ char *dev = NULL;
	struct facts f = { 0 };

	(void)state;
	fresh();
	probe("fs.fuse", &f);
	want(&f, "fuse.device", "no", 0);
	facts_free(&f);

	put("dev/fuse", ""); /* a regular file is not the device */
	probe("fs.fuse", &f);
	want(&f, "fuse.device", "no", 0);
	facts_free(&f);

	dev = strdup_printf("%s/dev/fuse", tree);
	assert_int_equal(unlink(dev), 0);
	if (mknod(dev, S_IFCHR | 0600, makedev(10, 229)) < 0)
		skip(); /* not root: the rule tests cover "yes" */
	probe("fs.fuse", &f);
	want(&f, "fuse.device", "yes", 0);
	facts_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_probe_loaded),
		cmocka_unit_test(test_probe_no_module_support),
		cmocka_unit_test(test_probe_unreadable),
		cmocka_unit_test(test_probe_headers),
		cmocka_unit_test(test_probe_fuse_device),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
