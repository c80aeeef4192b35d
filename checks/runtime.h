/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_RUNTIME_H
#define CVMPREP_RUNTIME_H

/* What the runtime.* checks share: checks/containerd.c (runtime.containerd, and the dpkg
 * probe and package helpers), checks/docker.c (runtime.docker), checks/sysbox.c
 * (runtime.sysbox, runtime.tools, runtime.subid). */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "check.h"
#include "core/dpkg.h"
#include "core/path.h"

#define CONTAINERD "containerd.io"

/*
 * The containerd.io version Coder pins (CODER_DOCS_ADMIN: "install ... containerd.io=1.5.11-1"): its
 * runc predates 1.1, which breaks inside Sysbox before 0.5.2 (sysbox issue 544; the pin dates
 * from May 2022 in coder/enterprise-images). `cvmprep provision` installs and holds it.
 */
#define CONTAINERD_PIN_DEFAULT "1.5.11-1"

/* An apt pin at this priority or above stops an upgrade (apt_preferences(5): P >= 1000
 * "causes a version to be installed even if this constitutes a downgrade"). */
#define APT_PIN_PRIORITY_HOLD 1000

/* sysbox-mgr and dockerd run as systemd services: the programs they run are found there. */
#define BIN_PATH PATH_SYSTEMD

/* The Sysbox packages (sysbox-pkgr deb/): Community and Enterprise editions. */
#define SYSBOX_PACKAGES 2
extern const char *const sysbox_packages[SYSBOX_PACKAGES];

static inline bool is_absent(int r)
{
	return r == -ENOENT || r == -ENOTDIR;
}

/* The probes. probe_dpkg: dpkg.database, dpkg.<pkg>.status and .version for containerd.io,
 * sysbox-ce and sysbox-ee, dpkg.updates (checks/containerd.c). probe_program: key, the path of
 * program name in BIN_PATH under the root, null when not found, or the errno
 * (checks/sysbox.c). */
int probe_dpkg(const struct host *h, const struct config *cfg, struct facts *f);
int probe_program(const struct host *h, struct facts *f, const char *key, const char *name);

/* rule_dpkg_pkg() found the evidence unreadable and set the result to unknown. */
#define PKG_UNKNOWN 2

/*
 * The dpkg status of pkg, for a rule. Returns 1 with *ret_st, *ret_status and *ret_version
 * (NULL when it has none) when the package is present (more than remembered: not
 * not-installed or config-files); 0 when it is absent or there is no dpkg database;
 * PKG_UNKNOWN when r was set to unknown; -ENOMEM.
 */
int rule_dpkg_pkg(struct result *r, const struct facts *f, const char *pkg,
		  struct dpkg_status *ret_st, const struct fact **ret_status,
		  const struct fact **ret_version);
/* Which Sysbox package is present: returns as rule_dpkg_pkg(), with *ret_i its index in
 * sysbox_packages. */
int sysbox_package(struct result *r, const struct facts *f, size_t *ret_i,
		   struct dpkg_status *ret_st, const struct fact **ret_status,
		   const struct fact **ret_version);
/* The version of pkg when its dpkg status says it is present (dpkg.<pkg>.status and
 * .version, added to r as evidence); NULL when it is not, or that is not known: for the
 * packages a rule looks at beside its own, whose database rule_dpkg_pkg() already judged. */
const char *dpkg_present_version(struct result *r, const struct facts *f, const char *pkg);
/* The FAIL for a package dpkg left mid-operation (dpkg --audit lists it; apt refuses to
 * install anything until it is repaired). */
int rule_broken(struct result *r, const char *pkg, const char *status);
/* Whether dpkg.updates says that a dpkg run was interrupted (or is running now): returns 1 and
 * adds it as evidence, 0 when it does not (or could not be read: evidence too), -ENOMEM. */
int dpkg_interrupted(struct result *r, const struct facts *f);
/* The FAIL for a dpkg run left unfinished: apt refuses to work until it is completed. */
int rule_interrupted(struct result *r, const struct facts *f, const char *pkg);

/* Sysbox releases that run each runc line inside a CVM, newest line first (sysbox #544, #879,
 * #972/#973): with a Sysbox at or above every row's, containerd.io's runc needs no pin. */
struct runc_need {
	const char *runc;   /* from this runc version */
	const char *sysbox; /* Sysbox needs to be at least this */
	const char *issue;
};
#define RUNC_NEEDS 3
extern const struct runc_need runc_needs[RUNC_NEEDS];

/* The kubelet of a node (checks/kubelet.c). probe_kubelet records kubelet.program and
 * kubelet.endpoint. */
int probe_kubelet(const struct host *h, const struct config *cfg, struct facts *f);

#define KUBELET_RUNTIME_CONTAINERD "containerd"

struct kubelet {
	const char *version;  /* the kubelet package's, NULL when not known */
	const char *program;  /* its path in BIN_PATH, NULL when not found */
	const char *endpoint; /* the container runtime endpoint it is given, NULL: its default */
	const char *runtime;  /* KUBELET_RUNTIME_CONTAINERD, or another runtime's name */
};

/*
 * Whether a kubelet is installed (the kubelet package, or a kubelet program), for a rule.
 * Returns 1 and *ret (strings in f), 0 when there is none, PKG_UNKNOWN when r was set to
 * unknown, -ENOMEM. Adds its facts as evidence.
 */
int kubelet_find(struct result *r, const struct facts *f, struct kubelet *ret);

/* The runtime a kubelet's container runtime endpoint names: KUBELET_RUNTIME_CONTAINERD for
 * NULL (none given: the kubelet's default is containerd's socket), else by the socket. */
const char *kubelet_endpoint_runtime(const char *endpoint);
/* The containerd a kubelet of this version needs (CRI v1 from 1.26, containerd 2 from 1.36),
 * with *ret_why; NULL when it needs none in particular or the version is not one. */
const char *kubelet_containerd_min(const char *kubelet_version, const char **ret_why);

/* The version of the containerd installed from a package (containerd.io, else the
 * distribution's containerd), with *ret_pkg; NULL when none is (as dpkg_present_version). */
const char *containerd_installed(struct result *r, const struct facts *f, const char **ret_pkg);

#endif
