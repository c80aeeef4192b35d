/* SPDX-License-Identifier: MIT */
#include <assert.h>

#include "check.h"
#include "checks.h"
#include "core/util.h"

/* Report order: each module's checks in the order its table gives. */
static const struct check *const modules[] = {
	checks_platform,
	checks_node,
	checks_virt,
	checks_distro,
	checks_kernel,
	checks_kernel_live,
	checks_modules,
	checks_kconfig,
	checks_selinux,
	checks_security,
	checks_apparmor_fusermount3,
	checks_userns,
	checks_cgroup,
	checks_filesystems,
	checks_fuse3,
	checks_storage,
	checks_sysctl,
	checks_pod,
	checks_net,
	checks_containerd,
	checks_docker,
	checks_sysbox,
	checks_k8s,
	checks_gpu,
	checks_image,
};

/* More than the catalogue will ever hold; registry_init() stops the program if it is not. */
#define CHECKS_MAX 512

static const struct check *flat[CHECKS_MAX];
static const char *flat_file[CHECKS_MAX];
static size_t n_flat;

static void registry_init(void)
{
	if (n_flat)
		return;
	for (size_t m = 0; m < ELEMENTSOF(modules); m++) {
		size_t first = n_flat;
		const struct check *c;

		for (c = modules[m]; c->id; c++) {
			assert(n_flat < CHECKS_MAX);
			flat[n_flat++] = c;
		}
		assert(c->file); /* each table ends with CHECKS_END */
		for (size_t i = first; i < n_flat; i++)
			flat_file[i] = c->file;
	}
}

size_t checks_count(void)
{
	registry_init();
	return n_flat;
}

const struct check *checks_get(size_t i)
{
	registry_init();
	return i < n_flat ? flat[i] : NULL;
}

const struct check *checks_find(const char *id)
{
	registry_init();
	for (size_t i = 0; i < n_flat; i++)
		if (streq(flat[i]->id, id))
			return flat[i];
	return NULL;
}

const char *checks_file(const struct check *c)
{
	registry_init();
	for (size_t i = 0; i < n_flat; i++)
		if (flat[i] == c)
			return flat_file[i];
	return NULL;
}

const probe_fn identity_probes[] = { probe_uname, probe_os_release, probe_mode, NULL };
