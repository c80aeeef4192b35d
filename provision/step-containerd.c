/* SPDX-License-Identifier: MIT */
/* containerd.io at the pinned version, held by apt-mark and by a priority-1001 pin. Read
 * design.md "Why the pin is dangerous": the whole transaction is simulated first and refused
 * when it would remove or move anything not asked for. */
#include "apt.h"
#include "checks/runtime.h"
#include "core/util.h"
#include "pkgdb.h"
#include "steps.h"

char *containerd_pin_text(const char *version)
{
	return strdup_printf(
	    "# Written by cvmprep provision: keeps " CONTAINERD_PKG " at %s.\n"
	    "# Coder's CVM recipe pins containerd.io 1.5.11-1: its runc predates 1.1, which breaks\n"
	    "# inside Sysbox older than 0.5.2 (sysbox issue 544; later runc lines broke older\n"
	    "# Sysbox again: #879, #972). Sysbox 0.7.0 and later need no pin.\n"
	    "# apt-mark hold stops apt but not dpkg -i; this priority (>= 1000) keeps upgrade,\n"
	    "# dist-upgrade and a plain install at this version too. To let it move: remove this\n"
	    "# file and run `apt-mark unhold " CONTAINERD_PKG "`.\n"
	    "Package: " CONTAINERD_PKG "\n"
	    "Pin: version %s\n"
	    "Pin-Priority: %d\n",
	    version, version, CONTAINERD_PIN_PRIORITY);
}

/* Whether the pin file says exactly what this run would write. */
static int pin_file_ok(const struct prov_ctx *c, const char *version)
{
	_cleanup_free_ char *want = containerd_pin_text(version), *got = NULL;
	int r;

	if (!want)
		return -ENOMEM;
	r = host_read(c->h, CONTAINERD_PIN_FILE, 64 * 1024, &got, NULL);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	return streq(want, got);
}

int containerd_read(struct prov_ctx *c, struct prov_pkg *ret)
{
	const char *names[] = { CONTAINERD_PKG };

	if (!c->o->containerd_version)
		return prov_note(c, "--containerd-version none") < 0 ? -ENOMEM
								      : PROV_NOT_APPLICABLE;
	return prov_pkg_read(c->h, names, 1, ret);
}

int containerd_satisfied(struct prov_ctx *c)
{
	const char *ver = c->o->containerd_version;
	struct prov_pkg p;
	int r;

	r = containerd_read(c, &p);
	if (r != 0)
		return r;
	r = prov_pkg_pinned(&p, ver);
	prov_pkg_free(&p);
	if (!r)
		return PROV_TODO;
	r = pin_file_ok(c, ver);
	if (r <= 0)
		return r < 0 ? r : PROV_TODO;
	return prov_note(c, "%s %s is installed, held and pinned (%s)", CONTAINERD_PKG, ver,
			 CONTAINERD_PIN_FILE) < 0
		       ? -ENOMEM
		       : PROV_SATISFIED;
}

/* Refuses a containerd.io that the node's kubelet cannot use. */
static int check_kubelet(struct prov_ctx *c, const char *ver)
{
	const char *names[] = { "kubelet" }, *min = NULL, *why = NULL;
	const struct fact *endpoint;
	struct facts f = { 0 };
	struct prov_pkg k;
	int cmp, r;

	r = prov_pkg_read(c->h, names, 1, &k);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	/* its runtime endpoint, read as runtime.containerd reads it (checks/kubelet.c) */
	r = prov_pkg_installed(&k) ? probe_kubelet(c->h, c->o->cfg, &f) : 0;
	endpoint = facts_get(&f, "kubelet.endpoint");
	if (r >= 0 && endpoint && !endpoint->err &&
	    streq(kubelet_endpoint_runtime(endpoint->value), KUBELET_RUNTIME_CONTAINERD))
		min = kubelet_containerd_min(k.version, &why);
	if (r >= 0 && min && dpkg_version_compare(ver, min, &cmp) == 0 && cmp < 0)
		r = prov_fail(c, "refused, nothing was changed: the kubelet (%s) runs on containerd "
			      "and needs containerd >= %s (%s), but %s %s is older; use "
			      "--containerd-version none on Kubernetes nodes", k.version, min, why,
			      CONTAINERD_PKG, ver);
	facts_free(&f);
	prov_pkg_free(&k);
	return r == -ENOMEM || r == -ECANCELED ? r : 0;
}

/* Refuses a containerd.io that the installed docker-ce's Depends rules out: apt would remove
 * Docker to install it (docker-ce-packaging #961, #1236, #1334). Read from dpkg's status, so
 * --dry-run refuses too, before any index is fetched. */
static int check_docker(struct prov_ctx *c, const char *ver)
{
	_cleanup_free_ char *on = NULL;
	struct dpkg_package d;
	unsigned updates;
	int r;

	r = dpkg_lookup(c->h, "docker-ce", &d, &updates);
	if (r <= 0)
		return r == -ENOMEM ? r : 0;
	if (dpkg_package_present(&d) && d.depends &&
	    dpkg_depends_allow(d.depends, CONTAINERD_PKG, ver, &on) == 0)
		r = prov_fail(c, "refused, nothing was changed: docker-ce %s Depends: %s, which %s "
			      "%s does not satisfy (installing it would remove Docker); ways out: "
			      "--containerd-version none (Sysbox 0.7.0 and later need no pin), or "
			      "a docker-ce that accepts %s %s", d.version ? d.version : "?", on,
			      CONTAINERD_PKG, ver, CONTAINERD_PKG, ver);
	else
		r = 0;
	dpkg_package_free(&d);
	return r;
}

/* Makes sure a source offers ver, running `apt-get update` once when none does yet. */
static int check_offered(struct prov_ctx *c, const char *ver)
{
	char **offers = NULL;
	_cleanup_free_ char *list = NULL;
	int r;

	for (int pass = 0; pass < 2; pass++) {
		strv_free(offers);
		offers = NULL;
		r = apt_offered(c, CONTAINERD_PKG, &offers);
		if (r != 0)
			return r == 1 ? prov_fail(c, "apt-cache madison failed") : r;
		if (strv_has(offers, ver)) {
			strv_free(offers);
			return 0;
		}
		if (pass == 0) {
			r = apt_update(c);
			if (r == 1)
				return prov_fail(c, "apt-get update failed");
			if (r < 0)
				return r;
			if (c->o->dry_run) {
				strv_free(offers);
				return prov_note(c, "whether a source offers %s %s is known only "
						 "after apt-get update", CONTAINERD_PKG, ver);
			}
		}
	}
	for (char **p = offers; *p; p++) {
		char *l = strdup_printf("%s%s%s", list ? list : "", list ? ", " : "", *p);

		if (!l) {
			strv_free(offers);
			return -ENOMEM;
		}
		free(list);
		list = l;
	}
	strv_free(offers);
	return prov_fail(c, "no configured source offers %s %s (they offer: %s); add a source "
			 "that does (--apt-repo) or choose another with --containerd-version",
			 CONTAINERD_PKG, ver, list ? list : "none");
}

int containerd_apply(struct prov_ctx *c)
{
	const char *ver = c->o->containerd_version, *names[] = { CONTAINERD_PKG, NULL };
	_cleanup_free_ char *spec = strdup_printf("%s=%s", CONTAINERD_PKG, ver), *pin = NULL,
			    *way_out = NULL;
	const char *specs[] = { spec, NULL };
	struct prov_pkg p;
	bool installed;
	int r;

	if (!spec)
		return -ENOMEM;
	r = prov_pkg_read(c->h, names, 1, &p);
	if (r < 0)
		return r;
	installed = prov_pkg_installed_at(&p, ver);
	prov_pkg_free(&p);
	if (!installed) {
		r = check_kubelet(c, ver);
		if (r < 0)
			return r;
		r = check_docker(c, ver);
		if (r < 0)
			return r;
		r = check_offered(c, ver);
		if (r < 0)
			return r;
		/* Under --dry-run without an index, what the transaction does is not known. */
		if (!(c->o->dry_run && c->apt_updated)) {
			way_out = strdup_printf("ways out: install a docker-ce that accepts %s %s, "
						"or run with --containerd-version none",
						CONTAINERD_PKG, ver);
			if (!way_out)
				return -ENOMEM;
			r = apt_check_transaction(c, specs, names, way_out);
			if (r < 0)
				return r;
		}
		r = apt_install(c, specs);
		if (r < 0)
			return r;
	}
	r = apt_hold(c, CONTAINERD_PKG);
	if (r < 0)
		return r;
	pin = containerd_pin_text(ver);
	if (!pin)
		return -ENOMEM;
	r = prov_write(c, CONTAINERD_PIN_FILE, pin, strlen(pin), 0644, NULL);
	if (r < 0)
		return prov_fail(c, "cannot write '%s': %s", CONTAINERD_PIN_FILE, strerror(-r));
	if (c->o->dry_run)
		return prov_note_more(c, "%s %s would be installed, held and pinned at priority %d",
				      CONTAINERD_PKG, ver, CONTAINERD_PIN_PRIORITY);
	return prov_note(c, "%s %s installed, held and pinned at priority %d", CONTAINERD_PKG, ver,
			 CONTAINERD_PIN_PRIORITY);
}
