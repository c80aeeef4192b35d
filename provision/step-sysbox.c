/* SPDX-License-Identifier: MIT */
/* sysbox-ce: from --sysbox-deb (its SHA-256 checked), else from a configured apt source.
 * Installed with `apt-get install FILE.deb` so that its dependencies resolve, after the same
 * simulation as containerd.io. Upgrading it under running Sysbox containers is disruptive
 * (design.md "Sysbox's own package scripts"): refused without --force. */
#include "apt.h"
#include "core/util.h"
#include "pkgdb.h"
#include "rootfs.h"
#include "sha256.h"
#include "steps.h"

#define SYSBOX_PKG "sysbox-ce"
/* Where a .deb is copied inside the root, so that a chrooted apt-get can read it. */
#define SYSBOX_DEB_COPY "/var/cache/cvmprep/sysbox-ce.deb"
/* sysbox-fs mounts one FUSE file system per running Sysbox container under here. */
#define SYSBOXFS_MNT "/var/lib/sysboxfs/"

/* Whether version's upstream part is want ("0.7.1-0" for "0.7.1"). */
static bool upstream_is(const char *version, const char *want)
{
	struct dpkg_version v;

	return version && dpkg_version_parse(version, &v) == 0 &&
	       v.upstream_len == strlen(want) && strncmp(v.upstream, want, v.upstream_len) == 0;
}

int sysbox_satisfied(struct prov_ctx *c)
{
	const char *names[] = { SYSBOX_PKG };
	struct prov_pkg p;
	bool ok;
	int r;

	if (!c->o->sysbox_version)
		return prov_note(c, "--sysbox-version none") < 0 ? -ENOMEM : PROV_NOT_APPLICABLE;
	r = prov_pkg_read(c->h, names, 1, &p);
	if (r < 0)
		return r;
	ok = prov_pkg_installed(&p) && upstream_is(p.version, c->o->sysbox_version);
	prov_pkg_free(&p);
	return ok ? PROV_SATISFIED : PROV_TODO;
}

/* Running Sysbox containers, counted by cvmprep itself: sysbox-fs's mounts, one per container,
 * in this machine's mount table (only the live node's own). */
static int count_sysbox_containers(const struct prov_ctx *c, unsigned *ret)
{
	const char *buf;
	size_t len;
	unsigned n = 0;
	int r;

	*ret = 0;
	if (!c->h->live)
		return 0;
	r = host_mountinfo(c->h, &buf, &len);
	if (r < 0)
		return r;
	for (const char *p = buf; p < buf + len;) {
		const char *eol = memchr(p, '\n', (size_t)(buf + len - p)), *e = eol ? eol : buf + len;
		/* Field 5 is the mount point. */
		const char *f = p;

		for (int i = 0; i < 4 && f < e; i++) {
			f = memchr(f, ' ', (size_t)(e - f));
			f = f ? f + 1 : e;
		}
		if ((size_t)(e - f) > strlen(SYSBOXFS_MNT) &&
		    strncmp(f, SYSBOXFS_MNT, strlen(SYSBOXFS_MNT)) == 0)
			n++;
		p = eol ? eol + 1 : e;
	}
	*ret = n;
	return 0;
}

/* The guard against upgrading under running containers. */
static int check_upgrade(struct prov_ctx *c)
{
	const char *names[] = { SYSBOX_PKG };
	struct prov_pkg p;
	unsigned running = 0;
	bool upgrade;
	int r;

	r = prov_pkg_read(c->h, names, 1, &p);
	if (r < 0)
		return r;
	upgrade = p.known && p.version && p.st.state != DPKG_STATE_NOT_INSTALLED;
	r = upgrade ? count_sysbox_containers(c, &running) : 0;
	if (r >= 0 && running && !c->o->force)
		r = prov_fail(c, "refused, nothing was changed: %s %s is in use by %u running Sysbox "
			      "container(s) and changing it stops them; stop them first, or use "
			      "--force", SYSBOX_PKG, p.version, running);
	prov_pkg_free(&p);
	return r < 0 ? r : 0;
}

/* A local --sysbox-deb: its hash checked, copied under the root. *ret_spec is the path apt
 * reads (under the root). */
static int local_deb(struct prov_ctx *c, const char **ret_spec)
{
	const char *path = c->o->sysbox_deb, *want = c->o->sysbox_sha256;
	char got[SHA256_HEX_LEN + 1];
	int r;

	if (want) {
		r = sha256_file(path, got);
		if (r < 0)
			return prov_fail(c, "cannot read '%s': %s", path, strerror(-r));
		if (!sha256_equal(got, want))
			return prov_fail(c, "refused, nothing was installed: '%s' has SHA-256 %s, "
					 "not %s", path, got, want);
	}
	if (!c->o->dry_run) {
		r = root_copy_in(c->h->root_fd, path, SYSBOX_DEB_COPY, 0644);
		if (r < 0)
			return prov_fail(c, "cannot copy '%s' to '%s': %s", path, SYSBOX_DEB_COPY,
					 strerror(-r));
	}
	*ret_spec = SYSBOX_DEB_COPY;
	return 0;
}

/* From a configured source: the offered version whose upstream is the one asked for. */
static int from_source(struct prov_ctx *c, char **ret_spec)
{
	char **offers = NULL;
	int r;

	for (int pass = 0; pass < 2 && !*ret_spec; pass++) {
		r = apt_offered(c, SYSBOX_PKG, &offers);
		if (r != 0)
			return r == 1 ? prov_fail(c, "apt-cache madison failed") : r;
		for (char **p = offers; *p && !*ret_spec; p++)
			if (upstream_is(*p, c->o->sysbox_version)) {
				*ret_spec = strdup_printf("%s=%s", SYSBOX_PKG, *p);
				if (!*ret_spec) {
					strv_free(offers);
					return -ENOMEM;
				}
			}
		strv_free(offers);
		offers = NULL;
		if (!*ret_spec && pass == 0 && !c->o->dry_run) {
			r = apt_update(c);
			if (r != 0)
				return r == 1 ? prov_fail(c, "apt-get update failed") : r;
		}
	}
	if (!*ret_spec)
		return prov_fail(c, "no --sysbox-deb and no configured source offers %s %s; give "
				 "--sysbox-deb PATH with --sysbox-sha256 HEX", SYSBOX_PKG,
				 c->o->sysbox_version);
	return 0;
}

int sysbox_apply(struct prov_ctx *c)
{
	const char *names[] = { SYSBOX_PKG, NULL }, *spec = NULL;
	_cleanup_free_ char *owned = NULL;
	bool copied;
	int r;

	r = check_upgrade(c);
	if (r < 0)
		return r;
	if (c->o->sysbox_deb)
		r = local_deb(c, &spec);
	else {
		r = from_source(c, &owned);
		spec = owned;
	}
	if (r < 0)
		return r;
	copied = c->o->sysbox_deb && !c->o->dry_run;
	{
		const char *specs[] = { spec, NULL };

		/* Under --dry-run the copy a chrooted apt-get would read is not there. */
		if (!c->o->dry_run || !c->o->sysbox_deb)
			r = apt_check_transaction(c, specs, names,
						  "install or remove what it names by hand first");
		if (r >= 0)
			r = apt_install(c, specs);
	}
	if (copied)
		root_unlink(c->h->root_fd, SYSBOX_DEB_COPY);
	if (r < 0)
		return r;
	return prov_note(c, "%s %s %s", SYSBOX_PKG, c->o->sysbox_version,
			 c->o->dry_run ? "would be installed" : "installed");
}
