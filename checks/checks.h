/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_CHECKS_H
#define CVMPREP_CHECKS_H

#include "check.h"

/* Each module's checks, terminated by an entry whose id is NULL. */
extern const struct check checks_platform[];
extern const struct check checks_distro[];
extern const struct check checks_kernel[];
extern const struct check checks_selinux[];

/*
 * Probes shared by several modules.
 * probe_uname: kernel.release, platform.arch, host.hostname — uname(2) live, else
 *   /proc/sys/kernel/{osrelease,arch,hostname} of the tree.
 * probe_os_release: os.id, os.id_like, os.version_id, os.pretty_name, os.version_codename from
 *   /etc/os-release, else /usr/lib/os-release.
 */
int probe_uname(const struct host *h, const struct config *cfg, struct facts *f);
int probe_os_release(const struct host *h, const struct config *cfg, struct facts *f);

/* The probes every report runs, whatever is selected: they fill its "host" header. */
extern const probe_fn identity_probes[];

/* How os_match() compares the os.* facts with a list of names (space-separated). */
enum os_match {
	OS_RELEASE, /* "ID:VERSION_ID" is one of names ("ubuntu:22.04") */
	OS_ID,      /* ID is one of names (ID defaults to "linux", os-release(5)) */
	OS_LIKE,    /* ID or a word of ID_LIKE is one of names */
};

bool os_match(const struct facts *f, enum os_match how, const char *names);

/* The RHEL family, by ID and by ID_LIKE (requirements.md: os.distro, kernel.version). */
#define OS_RHEL_FAMILY "fedora rocky almalinux centos rhel amzn"

#endif
