/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_PKGDB_H
#define CVMPREP_PROV_PKGDB_H

#include <stdbool.h>
#include <stddef.h>

#include "core/dpkg.h"
#include "core/host.h"

/* dpkg's database under the root, read directly (core/dpkg.h dpkg_db): a satisfied step starts
 * no package manager. */

/* What dpkg records of one package. */
struct prov_pkg {
	bool known;     /* it has a paragraph in the status file */
	struct dpkg_status st;
	char *version;  /* NULL when none */
};

/* Whether p is fully installed (state installed, no error flag). */
bool prov_pkg_installed(const struct prov_pkg *p);
/* Whether p is fully installed at exactly version. */
bool prov_pkg_installed_at(const struct prov_pkg *p, const char *version);
/* Whether p is installed at exactly version and held. */
bool prov_pkg_pinned(const struct prov_pkg *p, const char *version);
void prov_pkg_free(struct prov_pkg *p);

/*
 * Looks up the n packages names[] in the status file under h and fills ret[n] (zeroed first;
 * all unknown on a system without dpkg). Returns 0, -EBADMSG for a corrupt database, or
 * another -errno when it cannot be read.
 */
int prov_pkg_read(const struct host *h, const char *const *names, size_t n, struct prov_pkg *ret);

/*
 * Whether dpkg was interrupted: a package left half-installed, unpacked, half-configured or
 * reinstreq, or files left in DPKG_UPDATES (a journal dpkg has not yet folded into the status
 * file). Returns 1 and *ret_why (what shows it; caller frees), 0, -ENOENT on a system without
 * dpkg, or -errno.
 */
int prov_dpkg_interrupted(const struct host *h, char **ret_why);

/* The packages dpkg left broken (reinstreq, half-installed, unpacked, half-configured): a new
 * NULL-terminated vector (strv_free it; may be empty). Returns 0 and *ret, or -errno. */
int prov_dpkg_broken(const struct host *h, char ***ret);

/* The Depends field of package name under h, in a new string; NULL when there is none, it
 * cannot be read, or on allocation failure (it only makes a message more precise). */
char *prov_pkg_depends(const struct host *h, const char *name);

/* The first dependency on dep in a Depends field ("containerd.io (>= 1.6.24)"), as written, in
 * a new string; NULL when there is none or on allocation failure. */
char *prov_depends_on(const char *depends, const char *dep);

#endif
