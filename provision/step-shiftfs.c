/* SPDX-License-Identifier: MIT */
/* shiftfs (--shiftfs-autoload), on kernels that need it: loaded with libkmod from the node's
 * /lib/modules and persisted in /etc/modules-load.d. Kernels from 5.19 on have ID-mapped mounts
 * on overlayfs and need it only for caching (sysbox docs/distro-compat.md). */
#include <fcntl.h>

#include "core/dlibs.h"
#include "core/util.h"
#include "core/version.h"
#include "steps.h"

#define SHIFTFS "shiftfs"
#define SHIFTFS_CONF "/etc/modules-load.d/cvmprep-shiftfs.conf"
#define SHIFTFS_CONF_TEXT                                                                          \
	"# Written by cvmprep provision --shiftfs-autoload: Sysbox's UID shifting on this kernel.\n" \
	SHIFTFS "\n"

static const struct kver idmap_overlay_min = { 5, 19, 0 };

/* Whether /proc/modules under the host lists shiftfs. Returns 1, 0, or -errno. */
static int shiftfs_loaded(const struct prov_ctx *c)
{
	_cleanup_free_ char *buf = NULL;
	int r = host_read(c->h, "/proc/modules", HOST_READ_MAX, &buf, NULL);

	if (r < 0)
		return r;
	return startswith(buf, SHIFTFS " ") || strstr(buf, "\n" SHIFTFS " ");
}

/* The kernel release, or NULL (noted) when it cannot be told. */
static const char *release(struct prov_ctx *c)
{
	const struct fact *rel = facts_get(&c->res->facts, "kernel.release");

	return rel && !rel->err ? rel->value : NULL;
}

int shiftfs_satisfied(struct prov_ctx *c)
{
	const char *rel = release(c);
	_cleanup_free_ char *conf = NULL;
	struct kver v;
	int r;

	if (!c->o->cfg->shiftfs_autoload)
		return prov_note(c, "not asked (--shiftfs-autoload)") < 0 ? -ENOMEM
									  : PROV_NOT_APPLICABLE;
	if (!rel || kver_parse(rel, &v) < 0)
		return prov_fail(c, "cannot tell the kernel release");
	if (kver_cmp(&v, &idmap_overlay_min) >= 0 && !c->o->cfg->caching)
		return prov_note(c, "not needed: kernel %s has ID-mapped mounts on overlayfs", rel) < 0
			   ? -ENOMEM
			   : PROV_NOT_APPLICABLE;
	r = shiftfs_loaded(c);
	if (r < 0)
		return r;
	if (!r)
		return PROV_TODO;
	r = host_read(c->h, SHIFTFS_CONF, HOST_READ_MAX, &conf, NULL);
	if (r == -ENOENT)
		return PROV_TODO;
	return r < 0 ? r : streq(conf, SHIFTFS_CONF_TEXT) ? PROV_SATISFIED : PROV_TODO;
}

static void kmod_quiet(void *data _unused_, int priority _unused_, const char *file _unused_,
		       int line _unused_, const char *fn _unused_, const char *format _unused_,
		       va_list args _unused_)
{
}

/* Loads shiftfs into the running kernel with libkmod, from the host's /lib/modules/<release>
 * (the node's own, also under --root /host) and no modprobe.d configuration. */
static int load(struct prov_ctx *c, const char *rel)
{
	static const char *const no_config[] = { NULL };
	_cleanup_free_ char *moddir = strdup_printf("/lib/modules/%s", rel);
	_cleanup_close_ int dfd = -1;
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *ctx;
	char dir[sizeof("/proc/self/fd/") + 12];
	int r = -ENOENT;

	if (!moddir)
		return -ENOMEM;
	if (dlib_load(&dlib_kmod) < 0)
		return prov_fail(c, "cannot load shiftfs: %s", dlib_kmod.reason);
	dfd = host_openat(c->h, moddir, O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return prov_fail(c, "cannot open '%s': %s", moddir, strerror(-dfd));
	snprintf(dir, sizeof(dir), "/proc/self/fd/%d", dfd);
	ctx = sym_kmod_new(dir, (const char *const *)no_config);
	if (!ctx)
		return -ENOMEM;
	sym_kmod_set_log_fn(ctx, kmod_quiet, NULL);
	if (sym_kmod_module_new_from_lookup(ctx, SHIFTFS, &list) == 0)
		for (l = list; l; l = sym_kmod_list_next(list, l)) {
			struct kmod_module *m = sym_kmod_module_get_module(l);

			r = sym_kmod_module_probe_insert_module(m, 0, NULL, NULL, NULL, NULL);
			sym_kmod_module_unref(m);
			if (r >= 0)
				break;
		}
	sym_kmod_module_unref_list(list);
	sym_kmod_unref(ctx);
	if (r == -ENOENT)
		return prov_fail(c, "no shiftfs module for kernel %s in %s: install it (Ubuntu's "
				 "kernels ship it; elsewhere shiftfs-dkms)", rel, moddir);
	if (r < 0)
		return prov_fail(c, "cannot load shiftfs: %s", strerror(-r));
	return 0;
}

int shiftfs_apply(struct prov_ctx *c)
{
	const char *rel = release(c);
	int r;

	if (c->o->dry_run)
		r = prov_note(c, "would load %s with libkmod", SHIFTFS);
	else {
		r = shiftfs_loaded(c);
		if (r == 0)
			r = load(c, rel);
		else if (r > 0)
			r = 0;
	}
	if (r < 0)
		return r;
	r = prov_write(c, SHIFTFS_CONF, SHIFTFS_CONF_TEXT, strlen(SHIFTFS_CONF_TEXT), 0644, NULL);
	if (r < 0)
		return prov_fail(c, "cannot write '%s': %s", SHIFTFS_CONF, strerror(-r));
	return c->o->dry_run ? 0 : prov_note(c, "%s loaded, and listed in %s", SHIFTFS, SHIFTFS_CONF);
}
