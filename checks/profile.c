/* SPDX-License-Identifier: MIT */
#include "check.h"
#include "core/util.h"

const struct profile profiles[] = {
	{
		.name = "coder",
		.description = "Coder's current CVM documentation: a Sysbox-compatible distribution, "
			       "kernel 5.4 or newer (seeds 002/003)",
		.kernel_floor = { 5, 4 },
	},
	{
		.name = "coder-v1",
		.description = "Coder's older CVM documentation: Ubuntu nodes only, kernel 5.4 or "
			       "newer (seed 002)",
		.ubuntu_only = true,
		.kernel_floor = { 5, 4 },
	},
	{
		.name = "sysbox",
		.description = "the Sysbox package's own requirements: its distribution and kernel "
			       "matrix, systemd as init (sysbox docs/distro-compat.md, sysbox-pkgr)",
		.init_required = true,
	},
};
const size_t n_profiles = ELEMENTSOF(profiles);

const struct profile *profile_find(const char *name)
{
	for (size_t i = 0; i < n_profiles; i++)
		if (streq(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}
