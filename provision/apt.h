/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_APT_H
#define CVMPREP_PROV_APT_H

#include <stddef.h>

#include "core/cleanup.h"
#include "plan.h"

/*
 * The apt/dpkg backend: every call is an argv run through prov_run (no shell), as seen under
 * the root. Queries keep apt's caches unwritten (Dir::Cache::pkgcache and srcpkgcache empty),
 * so that they may run under --dry-run.
 */
#define APT_GET "/usr/bin/apt-get"
#define APT_CACHE "/usr/bin/apt-cache"
#define APT_MARK "/usr/bin/apt-mark"
#define DPKG "/usr/bin/dpkg"

/* The versions of pkg the configured sources offer, newest first as apt lists them.
 * Returns 0 and *ret (a NULL-terminated vector; strv_free it; may be empty), 1 when the query
 * failed (recorded in the step), or -ENOMEM. */
int apt_offered(struct prov_ctx *c, const char *pkg, char ***ret);
/* Whether v holds s. */
bool strv_has(char *const *v, const char *s);

/* `apt-cache show pkg`: every version the configured sources offer, as deb822 paragraphs
 * (Package, Version, Depends, ...) in (*ret)->out. Returns 0, 1 when it failed (apt-cache
 * exits 100 when no source offers pkg), or -errno; *ret valid as for prov_run. */
int apt_show(struct prov_ctx *c, const char *pkg, const struct prov_cmd **ret);

/* `apt-get update`, once per run. Returns 0, 1 when it failed, or -errno. */
int apt_update(struct prov_ctx *c);

/*
 * Simulates `apt-get install specs` (each "name=version", "name" or an absolute .deb path) and
 * refuses (prov_fail, -ECANCELED) when it would remove or purge any package, or change an
 * installed package that is not one of names[] (installing new dependencies is allowed). The
 * message names each package, what it depends on (from dpkg's status) and the ways out.
 * Returns 0 when the transaction is safe, -ECANCELED, or -ENOMEM.
 */
int apt_check_transaction(struct prov_ctx *c, const char *const *specs,
			  const char *const *names, const char *way_out);

/* `apt-get install -y --no-remove --allow-downgrades --allow-change-held-packages`, keeping
 * existing conffiles. Returns 0, -ECANCELED (the step failed, with the output tail), -ENOMEM. */
int apt_install(struct prov_ctx *c, const char *const *specs);

/* `apt-mark hold pkg`. Returns 0, -ECANCELED, -ENOMEM. */
int apt_hold(struct prov_ctx *c, const char *pkg);

/* Recovery from an interrupted dpkg: `dpkg --configure -a`, then `apt-get -f install -y`, then,
 * for what is still broken (a half-installed package: neither command unpacks it again),
 * `apt-get install --reinstall` of those packages. Returns 0, -ECANCELED, -ENOMEM. */
int apt_recover(struct prov_ctx *c);

#endif
