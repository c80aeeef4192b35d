/* SPDX-License-Identifier: MIT */
#include "releases.h"

#include "core/util.h"

/*
 * Nestybox publishes each release's .deb on its download site. The hashes are the ones Coder's
 * envbox build checks before it installs that .deb (coder/envbox, deploy/Dockerfile:
 * downloads.nestybox.com/sysbox/releases/v$SYSBOX_VERSION/sysbox-ce_$SYSBOX_VERSION-0.linux_$ARCH.deb
 * with SYSBOX_VERSION 0.7.1; scripts/sysbox_sha.sh: one SHA-256 per architecture; commit
 * 16d34322ef050b322331d1bcfe15b18e00e376ba). Nestybox's own release notes list no hash.
 */
static const struct sysbox_release releases[] = {
	{ "0.7.1", "amd64",
	  "https://downloads.nestybox.com/sysbox/releases/v0.7.1/sysbox-ce_0.7.1-0.linux_amd64.deb",
	  "9d6d5484f980d0a17f86c492c1262015c2afb66280bdb97215b79fde6a0261c5" },
	{ "0.7.1", "arm64",
	  "https://downloads.nestybox.com/sysbox/releases/v0.7.1/sysbox-ce_0.7.1-0.linux_arm64.deb",
	  "04ca894ae0b53f0fa54eaacc173ce40363c9a95ea5450f773716a84ef650a69b" },
};

const struct sysbox_release *sysbox_release_find(const char *version, const char *arch)
{
	for (size_t i = 0; version && arch && i < ELEMENTSOF(releases); i++)
		if (streq(releases[i].version, version) && streq(releases[i].arch, arch))
			return &releases[i];
	return NULL;
}

static const struct {
	const char *machine, *arch;
} machines[] = {
	{ "x86_64", "amd64" },
	{ "aarch64", "arm64" },
	{ "armv7l", "armhf" },
	{ "ppc64le", "ppc64el" },
	{ "s390x", "s390x" },
	{ "riscv64", "riscv64" },
};

const char *dpkg_arch_of_machine(const char *machine)
{
	for (size_t i = 0; machine && i < ELEMENTSOF(machines); i++)
		if (streq(machines[i].machine, machine))
			return machines[i].arch;
	return NULL;
}
