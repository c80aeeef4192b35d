/* SPDX-License-Identifier: MIT */
#include "sysbox.h"

#include <errno.h>

#include "dpkg.h"
#include "util.h"

/*
 * From Sysbox's CHANGELOG.md and release pull requests; dates are the release commits' (the
 * changelog heads 0.7.0 "2025-03-02", a year before its release commit of 2026-03-03, and
 * after 0.6.7 of 2025-05-09). Each entry keeps only what a CVM node is judged on: the runc
 * lines a workspace image may bring (what the containerd.io pin was for: sysbox #544) and the
 * failures of the node's own stack.
 */
const struct sysbox_known sysbox_known[] = {
	{ "0.5.2", "2022-05-18",
	  { { "runc 1.1 and later failing to start containers inside a Sysbox container (what the "
	      "containerd.io 1.5.11-1 pin works around)",
	      "sysbox #544", NULL, { 0, 0 } } } },
	{ "0.6.6", "2025-01-03",
	  { { "runc 1.2 failing inside Sysbox containers", "sysbox #879", NULL, { 0, 0 } } } },
	{ "0.7.0", "2026-03-03",
	  { { "runc 1.3.3 and later failing inside Sysbox containers (openat2 under /proc and "
	      "/sys)",
	      "sysbox #972", NULL, { 0, 0 } } } },
	{ "0.7.1", "2026-07-31",
	  { { "sysfs mounts failing ('mount through procfd: operation not permitted') when pods "
	      "start under containerd 2.x on Ubuntu 24.04 with kernel 6.8 and later",
	      "sysbox #1013", "ubuntu:24.04", { 6, 8 } },
	    { "a sysbox-fs deadlock when many containers start and stop at once inside a Sysbox "
	      "container, which hangs the node's other Sysbox containers too",
	      "sysbox #998", NULL, { 0, 0 } } } },
};
const size_t n_sysbox_known = ELEMENTSOF(sysbox_known);

const struct sysbox_known *sysbox_newest(void)
{
	return &sysbox_known[n_sysbox_known - 1];
}

int sysbox_version_cmp(const char *deb_version, const char *release, int *ret)
{
	struct dpkg_version a, b;
	int r;

	r = dpkg_version_parse(deb_version, &a);
	if (r >= 0)
		r = dpkg_version_parse(release, &b);
	if (r < 0)
		return r;
	/* The upstream parts only: Nestybox's revisions ("-0", "-0.linux") say nothing. */
	a.epoch = b.epoch = 0;
	a.revision_len = b.revision_len = 0;
	*ret = dpkg_version_cmp(&a, &b);
	return 0;
}
