/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_RELEASES_H
#define CVMPREP_PROV_RELEASES_H

#include "core/sysbox.h"

/* The Sysbox releases cvmprep knows: where each .deb is published and its SHA-256. */
struct sysbox_release {
	const char *version; /* "0.7.1" */
	const char *arch;    /* dpkg's: amd64, arm64 */
	const char *url;
	const char *sha256;
};

/* The newest release (design.md "Provisioning targets"), as the checks know it. */
#define SYSBOX_VERSION_DEFAULT SYSBOX_VERSION_NEWEST

/* The release of version for the dpkg architecture arch, or NULL. */
const struct sysbox_release *sysbox_release_find(const char *version, const char *arch);

/* dpkg's architecture name for a kernel machine name (uname -m: x86_64, aarch64), or NULL. */
const char *dpkg_arch_of_machine(const char *machine);

#endif
