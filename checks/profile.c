/* SPDX-License-Identifier: MIT */
#include "check.h"
#include "core/util.h"

const struct profile profiles[] = {
	{
		.name = "coder",
		.description = "Coder's current CVM documentation: a Sysbox-compatible distribution, "
			       "kernel 5.4 or newer",
		.kernel_floor = { 5, 4 },
	},
	{
		.name = "coder-v1",
		.description = "Coder's older CVM documentation: Ubuntu nodes only, kernel 5.4 or "
			       "newer",
		.ubuntu_only = true,
		.kernel_floor = { 5, 4 },
	},
	{
		.name = "sysbox",
		.description = "the Sysbox package's own requirements: its distribution and kernel "
			       "matrix, systemd as init (sysbox docs/distro-compat.md, sysbox-pkgr)",
		.init_required = true,
		.known_breakage_fails = true,
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

static const char *const mode_names[] = {
	[MODE_AUTO] = "auto",
	[MODE_HOST] = "host",
	[MODE_POD] = "pod",
};
_Static_assert(ELEMENTSOF(mode_names) == _MODE_MAX, "mode_names");

const char *mode_to_string(enum mode m)
{
	return m < _MODE_MAX ? mode_names[m] : NULL;
}

enum mode mode_from_string(const char *s)
{
	for (enum mode m = 0; m < _MODE_MAX; m++)
		if (streq(mode_names[m], s))
			return m;
	return _MODE_MAX;
}
