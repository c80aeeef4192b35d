/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_SYSBOX_H
#define CVMPREP_SYSBOX_H

#include <stddef.h>

/*
 * The Sysbox releases whose fixes matter to a CVM node, oldest first: what the checks judge an
 * installed Sysbox against (runtime.sysbox) and what the provisioner installs by default
 * (provision/releases.h). The newest entry is the newest release cvmprep knows.
 */

/* A fix of a release, and the nodes it is for. */
struct sysbox_fix {
	const char *what;   /* what was broken before the release, for a message */
	const char *issues; /* where it is tracked ("sysbox #998") */
	const char *os;     /* os-release "ID:VERSION_ID" names it is for, space-separated; NULL:
			     * any node */
	unsigned kernel_min[2]; /* {major, minor} it is for from; {0, 0}: any kernel */
};

#define SYSBOX_FIXES_MAX 2

struct sysbox_known {
	const char *version; /* upstream version, as Nestybox tags it ("0.7.1") */
	const char *date;    /* its release date, ISO 8601 */
	struct sysbox_fix fixes[SYSBOX_FIXES_MAX]; /* the unused ones have what NULL */
};

extern const struct sysbox_known sysbox_known[];
extern const size_t n_sysbox_known;

/* The newest release cvmprep knows; a unit test holds it to the table's last entry. */
#define SYSBOX_VERSION_NEWEST "0.7.1"

/* From this release on, sysbox-fs mounts through libfuse 3 and runs fusermount3 (sysbox #955),
 * while the package still declares `Depends: fuse`. */
#define SYSBOX_VERSION_FUSE3 "0.7.0"

/* The newest entry of the table. */
const struct sysbox_known *sysbox_newest(void);

/*
 * Compares the upstream part of a Debian package version of Sysbox ("0.6.4-0.linux",
 * "1:0.7.1-0") with a release version ("0.7.1") by dpkg's rules, epoch and revision left out.
 * Returns 0 and *ret (<0, 0, >0), or -EINVAL when either is not a valid version.
 */
int sysbox_version_cmp(const char *deb_version, const char *release, int *ret);

#endif
