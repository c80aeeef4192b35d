/* SPDX-License-Identifier: MIT */
/*
 * Kernel modules and the filesystems they provide: kernel.shiftfs, kernel.headers, fs.fuse,
 * fs.overlay. The module indexes are read with libkmod; the loaded state from /proc/modules by
 * this probe itself, since libkmod's own loaded-state calls hard-code /proc and /sys.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "checks.h"
#include "core/dlibs.h"
#include "core/util.h"
#include "core/version.h"

DEFINE_CLEANUP(struct kmod_ctx *, sym_kmod_unref)
DEFINE_CLEANUP(struct kmod_module *, sym_kmod_module_unref)
DEFINE_CLEANUP(struct kmod_list *, sym_kmod_module_unref_list)

#define PROC_MODULES "/proc/modules"
#define PROC_FILESYSTEMS "/proc/filesystems"
#define DEV_FUSE "/dev/fuse"

/* The modules whose state is recorded (checks.h: probe_modules). */
static const char *const module_names[] = { "shiftfs", "fuse", "overlay" };

/* Whether word is a line's first word (/proc/modules: "name size refs deps state addr") or, with
 * last, its last one (/proc/filesystems: "nodev\tname"). */
static bool listed(const char *buf, const char *word, bool last)
{
	size_t n = strlen(word);

	for (const char *line = buf; *line;) {
		const char *end = strchrnul(line, '\n'), *w = line;

		if (last)
			for (const char *p = line; p < end; p++)
				if (*p == ' ' || *p == '\t')
					w = p + 1;
		if ((size_t)(end - w) >= n && strncmp(w, word, n) == 0 &&
		    (w + n == end || w[n] == ' ' || w[n] == '\t'))
			return true;
		line = *end ? end + 1 : end;
	}
	return false;
}

static void kmod_quiet(void *data _unused_, int priority _unused_, const char *file _unused_,
		       int line _unused_, const char *fn _unused_, const char *format _unused_,
		       va_list args _unused_)
{
}

/*
 * Looks name up in the indexes of ctx: by module name (modules.dep, modules.builtin), then by
 * the alias the kernel asks for when it mounts that filesystem type ("fs-<name>",
 * modules.alias). Returns "available" (a .ko file), "builtin", NULL when not found, or
 * -errno through *ret_err.
 */
static const char *kmod_state(struct kmod_ctx *ctx, const char *name, int *ret_err)
{
	_cleanup_(sym_kmod_module_unrefp) struct kmod_module *mod = NULL;
	_cleanup_(sym_kmod_module_unref_listp) struct kmod_list *list = NULL;
	_cleanup_free_ char *alias = strdup_printf("fs-%s", name);
	int r;

	if (!alias) {
		*ret_err = -ENOMEM;
		return NULL;
	}
	r = sym_kmod_module_new_from_name_lookup(ctx, name, &mod);
	if (r >= 0 && !mod) {
		r = sym_kmod_module_new_from_lookup(ctx, alias, &list);
		if (r >= 0 && list)
			mod = sym_kmod_module_get_module(list);
	}
	*ret_err = r < 0 ? r : 0;
	if (!mod)
		return NULL;
	/* A module found but without a file is one modules.builtin names. */
	return sym_kmod_module_get_path(mod) ? "available" : "builtin";
}

/* The files libkmod reads in a module directory (libkmod.c's index_files[], the builtin
 * modinfo, the text files it falls back to). */
static const char *const kmod_files[] = {
	"modules.dep.bin",	   "modules.dep",	  "modules.alias.bin",
	"modules.alias",	   "modules.symbols.bin", "modules.symbols",
	"modules.builtin.bin",	   "modules.builtin",	  "modules.builtin.alias.bin",
	"modules.builtin.modinfo", "modules.softdep",	  "modules.devname",
};

/*
 * A kernel release as a path component: what uname(2) can return (at most 64 printable bytes),
 * without '/' or "..", so that /lib/modules/<release> names a directory right below
 * /lib/modules. A tree's proc/sys/kernel/osrelease is the tree's to write.
 */
static bool release_valid(const char *r)
{
	size_t n = strlen(r);

	if (n == 0 || n > 64 || strstr(r, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (r[i] <= ' ' || r[i] > '~' || r[i] == '/')
			return false;
	return true;
}

/*
 * libkmod takes a directory by name and opens its files by name, following symlinks on this
 * machine: it is given /proc/self/fd/N of the module directory opened under the root, and every
 * file it reads there must be a regular file (a symlink could lead out of the root, a FIFO
 * would block it). Returns 0 or -errno (ELOOP: a symlink; EMEDIUMTYPE: not a file).
 */
static int kmod_files_check(int dfd)
{
	for (size_t i = 0; i < ELEMENTSOF(kmod_files); i++) {
		struct stat st;

		if (fstatat(dfd, kmod_files[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;
			return -errno;
		}
		if (S_ISLNK(st.st_mode))
			return -ELOOP;
		if (!S_ISREG(st.st_mode))
			return -EMEDIUMTYPE;
	}
	return 0;
}

/* Opens libkmod on /lib/modules/<release> of the host, with no modprobe.d configuration (ours
 * would not be the host's). Returns 0, *ret_ctx and *ret_dfd (the directory libkmod reads
 * through: close it after kmod_unref), or -errno when its module index cannot be read;
 * -ELIBACC when libkmod cannot be loaded (dlib_kmod.reason). */
static int kmod_open(const struct host *h, const char *moddir, struct kmod_ctx **ret_ctx,
		     int *ret_dfd)
{
	static const char *const no_config[] = { NULL };
	static const char *const indexes[] = { "modules.dep.bin", "modules.dep" };
	_cleanup_close_ int dfd = host_openat(h, moddir, O_PATH | O_DIRECTORY);
	char dir[sizeof("/proc/self/fd/") + 12];
	struct kmod_ctx *ctx;
	int r;

	if (dfd < 0)
		return dfd;
	r = kmod_files_check(dfd);
	if (r < 0)
		return r;
	r = -ENOENT;
	snprintf(dir, sizeof(dir), "/proc/self/fd/%d", dfd);
	/* libkmod finds no module, without an error, when the index is missing: tell that apart. */
	for (size_t i = 0; i < ELEMENTSOF(indexes) && r < 0; i++) {
		_cleanup_free_ char *p = strdup_printf("%s/%s", moddir, indexes[i]);
		int fd;

		if (!p)
			return -ENOMEM;
		fd = host_openat(h, p, O_RDONLY);
		if (fd >= 0)
			close(fd);
		if (fd >= 0 || r == -ENOENT)
			r = fd >= 0 ? 0 : fd;
	}
	if (r < 0)
		return r;
	/* Loaded only now: a host without a module index does not pay for libkmod. */
	r = dlib_load(&dlib_kmod);
	if (r < 0)
		return r;
	ctx = sym_kmod_new(dir, (const char *const *)no_config);
	if (!ctx)
		return -ENOMEM;
	sym_kmod_set_log_fn(ctx, kmod_quiet, NULL);
	*ret_ctx = ctx;
	*ret_dfd = dfd;
	dfd = -1;
	return 0;
}

/* Records filesystem.<name> from /proc/filesystems; returns 0 and *ret_buf (its text, NULL when
 * unreadable), or -ENOMEM. */
static int record_filesystems(const struct host *h, struct facts *f, char **ret_buf)
{
	_cleanup_free_ char *buf = NULL;
	int r = host_read(h, PROC_FILESYSTEMS, HOST_READ_MAX, &buf, NULL);

	if (r == -ENOMEM)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(module_names); i++) {
		_cleanup_free_ char *key = strdup_printf("filesystem.%s", module_names[i]);

		if (!key)
			return -ENOMEM;
		if (r < 0 ? facts_set_err(f, key, PROC_FILESYSTEMS, -r) < 0
			  : facts_set(f, key, PROC_FILESYSTEMS,
				      listed(buf, module_names[i], true) ? "yes" : "no") < 0)
			return -ENOMEM;
	}
	*ret_buf = TAKE_PTR(buf);
	return 0;
}

int probe_modules(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	_cleanup_close_ int kmod_dfd = -1; /* declared first: closed after kmod_unref */
	_cleanup_(sym_kmod_unrefp) struct kmod_ctx *ctx = NULL;
	_cleanup_free_ char *fs = NULL, *loaded = NULL, *moddir = NULL;
	const struct fact *rel = facts_get(f, "kernel.release");
	bool no_modules;
	int r, loaded_err, index_err;

	r = record_filesystems(h, f, &fs);
	if (r < 0)
		return r;
	loaded_err = host_read(h, PROC_MODULES, HOST_READ_MAX, &loaded, NULL);
	if (loaded_err == -ENOMEM)
		return loaded_err;
	/* A procfs without /proc/modules is a kernel built without loadable modules
	 * (CONFIG_MODULES=n): what it has is built in, and its filesystems are listed. */
	no_modules = loaded_err == -ENOENT && fs;

	/* The indexes are those of the release probe_uname recorded. */
	if (!rel || rel->err || !rel->value || !release_valid(rel->value)) {
		index_err = rel && rel->err ? -rel->err : rel && rel->value ? -EINVAL : -ENOENT;
		moddir = strdup("/lib/modules");
	} else {
		moddir = strdup_printf("/lib/modules/%s", rel->value);
		index_err = moddir ? kmod_open(h, moddir, &ctx, &kmod_dfd) : -ENOMEM;
	}
	if (!moddir || index_err == -ENOMEM)
		return -ENOMEM;

	for (size_t i = 0; i < ELEMENTSOF(module_names); i++) {
		_cleanup_free_ char *key = strdup_printf("module.%s", module_names[i]);
		const char *state = NULL;
		int err = index_err;

		if (!key)
			return -ENOMEM;
		if (loaded_err >= 0 && listed(loaded, module_names[i], false))
			r = facts_set(f, key, PROC_MODULES, "loaded");
		else {
			if (ctx)
				state = kmod_state(ctx, module_names[i], &err);
			if (err == -ENOMEM)
				return err;
			if (state || (!err && loaded_err >= 0))
				r = facts_set(f, key, moddir, state ? state : "absent");
			else if (no_modules)
				r = facts_set(f, key, PROC_FILESYSTEMS " (no " PROC_MODULES ")",
					      listed(fs, module_names[i], true) ? "builtin" : "absent");
			else if (loaded_err < 0) /* not in the indexes, but it might be loaded */
				r = facts_set_err(f, key, PROC_MODULES, -loaded_err);
			else /* ELIBACC: libkmod could not be loaded, and the source says why */
				r = facts_set_err(f, key, err == -ELIBACC ? dlib_kmod.reason : moddir,
						  -err);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* The kernel headers DKMS builds modules against (sysbox-pkgr postinst; the host paths of CODER_DOCS_ADMIN).
 * kernel.headers: the first that is a directory; null when none is. */
int probe_kernel_headers(const struct host *h, const struct config *cfg _unused_,
			 struct facts *f)
{
	static const struct {
		const char *head, *tail; /* around the release */
	} dirs[] = {
		{ "/usr/src/linux-headers-", "" },
		{ "/usr/src/kernels/", "" },
		{ "/lib/modules/", "/build" },
	};
	const struct fact *rel = facts_get(f, "kernel.release");

	if (!rel || rel->err || !rel->value)
		return facts_set_err(f, "kernel.headers", rel ? rel->source : "uname(2)",
				     rel && rel->err ? rel->err : ENOENT);
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		_cleanup_free_ char *p = strdup_printf("%s%s%s", dirs[i].head, rel->value,
							 dirs[i].tail);
		int fd;

		if (!p)
			return -ENOMEM;
		fd = host_openat(h, p, O_PATH | O_DIRECTORY);
		if (fd >= 0) {
			close(fd);
			return facts_set(f, "kernel.headers", p, p);
		}
		if (fd != -ENOENT && fd != -ENOTDIR)
			return facts_set_err(f, "kernel.headers", p, -fd);
	}
	return facts_set(f, "kernel.headers", "/usr/src, /lib/modules/<release>/build", NULL);
}

/* fuse.device: "yes" when /dev/fuse is a character device, else "no". */
static int probe_fuse_device(const struct host *h, const struct config *cfg _unused_,
			     struct facts *f)
{
	_cleanup_close_ int fd = host_openat(h, DEV_FUSE, O_PATH);
	struct stat st;

	if (fd == -ENOENT)
		return facts_set(f, "fuse.device", DEV_FUSE, "no");
	if (fd < 0 || fstat(fd, &st) < 0)
		return facts_set_err(f, "fuse.device", DEV_FUSE, fd < 0 ? -fd : errno);
	return facts_set(f, "fuse.device", DEV_FUSE, S_ISCHR(st.st_mode) ? "yes" : "no");
}

int module_presence(const struct facts *f, const char *name, struct result *r)
{
	static const struct {
		const char *value;
		enum presence p;
	} states[] = {
		{ "loaded", PRESENCE_LOADED },
		{ "builtin", PRESENCE_BUILTIN },
		{ "available", PRESENCE_AVAILABLE },
		{ "absent", PRESENCE_ABSENT },
	};
	_cleanup_free_ char *mk = strdup_printf("module.%s", name);
	_cleanup_free_ char *fk = strdup_printf("filesystem.%s", name);
	const struct fact *mod, *fs;
	enum presence p = PRESENCE_UNKNOWN;

	if (!mk || !fk)
		return -ENOMEM;
	mod = facts_get(f, mk);
	fs = facts_get(f, fk);
	result_evidence_fact(r, fs);
	result_evidence_fact(r, mod);
	for (size_t i = 0; mod && mod->value && i < ELEMENTSOF(states); i++)
		if (streq(mod->value, states[i].value))
			p = states[i].p;
	if (fs && fs->value && streq(fs->value, "yes"))
		return p == PRESENCE_BUILTIN ? p : PRESENCE_LOADED; /* registered: in use */
	if (p != PRESENCE_UNKNOWN)
		return p;
	{
		const struct fact *bad = fs && fs->err ? fs : mod && mod->err ? mod : NULL;

		if (!bad)
			return result_set(r, STATUS_UNKNOWN, "no fact '%s' was recorded",
					  mod ? fk : mk) ?: PRESENCE_UNKNOWN;
		return result_set(r, STATUS_UNKNOWN, "cannot read '%s': %s", bad->source,
				  strerror(bad->err)) ?: PRESENCE_UNKNOWN;
	}
}

static const char *const presence_words[] = {
	[PRESENCE_UNKNOWN] = "unknown",
	[PRESENCE_ABSENT] = "absent",
	[PRESENCE_AVAILABLE] = "available as a module, not loaded",
	[PRESENCE_BUILTIN] = "built into the kernel",
	[PRESENCE_LOADED] = "loaded",
};
_Static_assert(ELEMENTSOF(presence_words) == PRESENCE_LOADED + 1, "presence_words");

/* sysbox docs/distro-compat.md: ID-mapped mounts (5.12) replace shiftfs for bind mounts, and
 * from 5.19 on overlayfs too. */
static const struct kver idmap_min = { 5, 12, 0 }, idmap_overlay_min = { 5, 19, 0 };
/* sysbox issues 596, 608: shiftfs on Ubuntu's 5.15 kernels fails with EOVERFLOW. */
static const struct kver shiftfs_bad = { 5, 15, 0 };

static int rule_shiftfs(const struct check *c _unused_, const struct facts *f,
			const struct config *cfg, struct result *r)
{
	const struct fact *rel;
	bool not_needed;
	struct kver v;
	int p, ret;

	ret = result_need(r, f, "kernel.release", &rel);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, rel);
	if (kver_parse(rel->value, &v) < 0)
		return result_set(r, STATUS_UNKNOWN, "cannot parse kernel release '%s'", rel->value);
	not_needed = kver_cmp(&v, &idmap_overlay_min) >= 0 && !cfg->caching;
	p = module_presence(f, "shiftfs", r);
	if (p < 0)
		return p;
	if (p == PRESENCE_UNKNOWN && !not_needed)
		return 0;
	/* Not needed, whatever could (not) be read of it. */
	if (not_needed && (p == PRESENCE_UNKNOWN || p == PRESENCE_ABSENT)) {
		result_observed(r, "shiftfs %s, kernel %s", presence_words[p], rel->value);
		result_expected(r, "not required on kernel >= 5.19");
		return result_set(r, STATUS_PASS,
				  "shiftfs not required: kernel %s has ID-mapped mounts on overlayfs",
				  rel->value);
	}
	result_observed(r, "shiftfs %s, kernel %s", presence_words[p], rel->value);

	if (p >= PRESENCE_BUILTIN && v.major == shiftfs_bad.major && v.minor == shiftfs_bad.minor &&
	    os_match(f, OS_LIKE, "ubuntu")) {
		result_expected(r, "shiftfs not in use on Ubuntu 5.15");
		result_remediation(r, "start sysbox-mgr with --disable-shiftfs (or unload "
				      "shiftfs: modprobe -r shiftfs)");
		return result_set(r, STATUS_WARN,
				  "shiftfs is loaded on Ubuntu kernel %s, where it fails with \"value "
				  "too large for defined data type\"",
				  rel->value);
	}
	if (p != PRESENCE_ABSENT) {
		const char *note = not_needed ? " (not required on this kernel)" : "";

		result_expected(r, "shiftfs present or not required");
		return result_set(r, STATUS_PASS, "shiftfs %s%s", presence_words[p], note);
	}
	result_remediation(r, "install shiftfs (Ubuntu kernels ship it; elsewhere build it "
			      "with DKMS: github.com/toby63/shiftfs-dkms), or use "
			      "--shiftfs-autoload so that provisioning does");
	if (cfg->shiftfs_autoload) {
		result_expected(r, "shiftfs present, or buildable with DKMS");
		return result_set(r, STATUS_WARN,
				  "shiftfs is absent: --shiftfs-autoload must build it with DKMS, "
				  "which needs the kernel headers (kernel.headers)");
	}
	if (cfg->caching) {
		result_expected(r, "shiftfs present (caching)");
		return result_set(r, STATUS_FAIL, "shiftfs is absent, and caching CVMs need it");
	}
	if (kver_cmp(&v, &idmap_min) < 0) {
		result_expected(r, "shiftfs present (kernel < 5.12)");
		return result_set(r, STATUS_FAIL,
				  "shiftfs is absent, and kernel %s has no ID-mapped mounts",
				  rel->value);
	}
	result_expected(r, "shiftfs present (recommended on 5.12-5.18)");
	return result_set(r, STATUS_WARN,
			  "shiftfs is absent: kernel %s has ID-mapped mounts, but not on overlayfs",
			  rel->value);
}

static int rule_headers(const struct check *c _unused_, const struct facts *f,
			const struct config *cfg, struct result *r)
{
	const struct fact *hd;
	int ret = result_need(r, f, "kernel.headers", &hd);

	if (ret <= 0)
		return ret;
	result_evidence_fact(r, hd);
	result_expected(r, "kernel headers installed");
	if (hd->value) {
		result_observed(r, "%s", hd->value);
		return result_set(r, STATUS_PASS, "kernel headers at %s", hd->value);
	}
	result_observed(r, "none");
	result_remediation(r, "apt-get install linux-headers-$(uname -r) (RHEL family: dnf "
			      "install kernel-devel-$(uname -r))");
	return result_set(r, cfg->shiftfs_autoload ? STATUS_FAIL : STATUS_WARN,
			  "no kernel headers for this kernel%s",
			  cfg->shiftfs_autoload ? ": --shiftfs-autoload cannot build shiftfs" : "");
}

static int rule_fuse(const struct check *c _unused_, const struct facts *f,
		     const struct config *cfg _unused_, struct result *r)
{
	const struct fact *dev;
	int p = module_presence(f, "fuse", r), ret;

	if (p < 0 || p == PRESENCE_UNKNOWN)
		return p < 0 ? p : 0;
	result_expected(r, "fuse in the kernel and %s", DEV_FUSE);
	if (p == PRESENCE_ABSENT) {
		result_observed(r, "fuse absent");
		result_remediation(r, "use a kernel built with CONFIG_FUSE_FS");
		return result_set(r, STATUS_FAIL, "the kernel has no FUSE: sysbox-fs cannot run");
	}
	ret = result_need(r, f, "fuse.device", &dev);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, dev);
	result_observed(r, "fuse %s, %s %s", presence_words[p], DEV_FUSE,
			streq(dev->value, "yes") ? "present" : "missing");
	if (streq(dev->value, "yes"))
		return result_set(r, STATUS_PASS, "fuse %s, %s present", presence_words[p], DEV_FUSE);
	result_remediation(r, "modprobe fuse (it creates %s)", DEV_FUSE);
	return result_set(r, STATUS_WARN, "fuse %s, but %s is missing", presence_words[p],
			  DEV_FUSE);
}

static int rule_overlay(const struct check *c _unused_, const struct facts *f,
			const struct config *cfg _unused_, struct result *r)
{
	int p = module_presence(f, "overlay", r);

	if (p < 0 || p == PRESENCE_UNKNOWN)
		return p < 0 ? p : 0;
	result_expected(r, "overlay in the kernel");
	result_observed(r, "overlay %s", presence_words[p]);
	if (p == PRESENCE_ABSENT) {
		result_remediation(r, "use a kernel built with CONFIG_OVERLAY_FS");
		return result_set(r, STATUS_FAIL, "the kernel has no overlay filesystem");
	}
	return result_set(r, STATUS_PASS, "overlay %s", presence_words[p]);
}

const struct check checks_modules[] = {
	{
		.id = "kernel.shiftfs",
		.title = "shiftfs module",
		.probes = { probe_uname, probe_os_release, probe_modules },
		.rule = rule_shiftfs,
		.evidence = "libkmod on /lib/modules/<release> (modules.dep, modules.builtin, "
			    "modules.alias); /proc/modules; shiftfs in /proc/filesystems",
		.rule_text = "kernel < 5.12: shiftfs needed (absent FAIL); 5.12-5.18: recommended "
			     "(absent WARN); >= 5.19: not required (PASS). Caching CVMs need it on "
			     "any kernel (absent FAIL); with --shiftfs-autoload an absent shiftfs "
			     "must be built with DKMS (WARN). Loaded on an Ubuntu 5.15 kernel: WARN",
		.why = "Sysbox maps container user IDs onto host files with shiftfs where the "
		       "kernel lacks ID-mapped mounts (5.12) or ID-mapped overlayfs (5.19); "
		       "shiftfs on Ubuntu 5.15 kernels fails with \"value too large for defined "
		       "data type\"",
		.fix = "install shiftfs (Ubuntu kernels ship it; elsewhere shiftfs-dkms), or boot "
		       "a kernel >= 5.19; on Ubuntu 5.15 start sysbox-mgr with --disable-shiftfs",
		.source = "Coder docs (" CODER_DOCS_ADMIN "); sysbox docs/distro-compat.md; sysbox issues "
			  "596, 608",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/distro-compat.md",
	},
	{
		.id = "kernel.headers",
		.title = "Kernel headers",
		.probes = { probe_uname, probe_kernel_headers },
		.rule = rule_headers,
		.evidence = "/usr/src/linux-headers-<release>, /usr/src/kernels/<release>, "
			    "/lib/modules/<release>/build (the first that is a directory)",
		.rule_text = "present PASS; missing WARN, FAIL with --shiftfs-autoload",
		.why = "building shiftfs with DKMS (--shiftfs-autoload) needs the headers of the "
		       "running kernel; Coder mounts /usr/src and /lib/modules for it",
		.fix = "apt-get install linux-headers-$(uname -r)",
		.source = "Coder docs (" CODER_DOCS_ADMIN ": hostPath table); sysbox-pkgr postinst",
		.docs = "https://github.com/nestybox/sysbox-pkgr",
	},
	CHECKS_END,
};

const struct check checks_filesystems[] = {
	{
		.id = "fs.fuse",
		.title = "FUSE",
		.probes = { probe_uname, probe_modules, probe_fuse_device },
		.rule = rule_fuse,
		.evidence = "fuse in /proc/filesystems; libkmod: the fuse module; /dev/fuse",
		.rule_text = "no fuse in the kernel (not registered, not builtin, no module) FAIL; "
			     "fuse present but no /dev/fuse WARN; else PASS",
		.why = "sysbox-fs, which emulates /proc and /sys inside CVMs, is a FUSE daemon",
		.fix = "modprobe fuse; or a kernel built with CONFIG_FUSE_FS",
		.source = "sysbox docs/user-guide/design.md",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/design.md",
	},
	{
		.id = "fs.overlay",
		.title = "overlay filesystem",
		.probes = { probe_uname, probe_modules },
		.rule = rule_overlay,
		.evidence = "overlay in /proc/filesystems; libkmod: the overlay module",
		.rule_text = "registered, builtin or available as a module PASS; else FAIL",
		.why = "container images inside CVMs, and Sysbox's own rootfs handling, use "
		       "overlayfs",
		.fix = "modprobe overlay; or a kernel built with CONFIG_OVERLAY_FS",
		.source = "sysbox docs/user-guide/design.md",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/design.md",
	},
	CHECKS_END,
};
