/* SPDX-License-Identifier: MIT */
/* sysbox-ce: from --sysbox-deb (a path or a URL, its SHA-256 checked), else from a configured
 * apt source, else the release table's download.
 * Installed with `apt-get install FILE.deb` so that its dependencies resolve, after the same
 * simulation as containerd.io. Upgrading it under running Sysbox containers is disruptive
 * (design.md "Sysbox's own package scripts"): refused without --force. */
#include <sys/utsname.h>

#include "apt.h"
#include "core/dpkg.h"
#include "core/path.h"
#include "core/util.h"
#include "download.h"
#include "pkgdb.h"
#include "releases.h"
#include "rootfs.h"
#include "sha256.h"
#include "steps.h"

#define SYSBOX_PKG "sysbox-ce"
/* Where a .deb is copied inside the root, so that a chrooted apt-get can read it. */
#define SYSBOX_DEB_COPY "/var/cache/cvmprep/sysbox-ce.deb"
/* sysbox-fs mounts one FUSE file system per running Sysbox container under here. */
#define SYSBOXFS_MNT "/var/lib/sysboxfs/"

/* Sysbox 0.7.0 and later mount with fusermount3, while sysbox-ce still says `Depends: fuse`:
 * installed with it, fuse3 satisfies that (it Provides fuse) and apt does not pick fuse 2.x,
 * which has no fusermount3 (https://github.com/nestybox/sysbox-pkgr, deb/sysbox-ce/control). */
#define FUSE3_PKG "fuse3"
#define FUSE3_SINCE "0.7.0"

static bool wants_fuse3(const struct prov_ctx *c)
{
	int cmp;

	return dpkg_version_compare(c->o->sysbox_version, FUSE3_SINCE, &cmp) == 0 && cmp >= 0;
}

/* Whether fusermount3 is where sysbox-fs looks (its service's PATH): 1, 0, or -errno. */
static int has_fusermount3(const struct prov_ctx *c)
{
	_cleanup_free_ char *where = NULL;

	return path_find_program(c->h, PATH_SYSTEMD, "fusermount3", &where);
}

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
	if (ok && wants_fuse3(c)) {
		r = has_fusermount3(c);
		if (r < 0)
			return r;
		ok = r > 0;
	}
	if (!ok)
		return PROV_TODO;
	return prov_note(c, "%s %s is installed", SYSBOX_PKG, c->o->sysbox_version) < 0
		       ? -ENOMEM
		       : PROV_SATISFIED;
}

/* Running Sysbox containers, counted by cvmprep itself: sysbox-fs's mounts, one per container,
 * in this machine's mount table (only the live node's own). */
static int count_sysboxfs(const struct mount_entry *m, void *userdata)
{
	unsigned *n = userdata;

	if (startswith(m->mount_point, SYSBOXFS_MNT) && m->mount_point[strlen(SYSBOXFS_MNT)])
		(*n)++;
	return 0;
}

static int count_sysbox_containers(const struct prov_ctx *c, unsigned *ret)
{
	const struct mount_table *mt;
	unsigned n = 0;
	int r;

	*ret = 0;
	if (!c->h->live)
		return 0;
	r = host_mountinfo(c->h, &mt);
	if (r < 0)
		return r;
	mount_table_foreach(mt, count_sysboxfs, &n);
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

/* From a configured source: the offered version whose upstream is the one asked for. Returns 0
 * with *ret_spec, or 0 with it NULL when no source offers it, or -errno. */
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
		if (!*ret_spec && pass == 0 && !c->o->dry_run && !c->apt_updated) {
			r = apt_update(c);
			if (r != 0)
				return r == 1 ? prov_fail(c, "apt-get update failed") : r;
		}
	}
	return 0;
}

/* The node's dpkg architecture, from the preflight's facts (else this machine's). */
static const char *node_arch(const struct prov_ctx *c)
{
	const struct fact *fa = facts_get(&c->res->facts, "platform.arch");
	struct utsname u;
	static char machine[sizeof(u.machine)];

	if (fa && !fa->err && fa->value)
		return dpkg_arch_of_machine(fa->value);
	if (uname(&u) < 0)
		return NULL;
	snprintf(machine, sizeof(machine), "%s", u.machine);
	return dpkg_arch_of_machine(machine);
}

/* A .deb by URL, its SHA-256 checked before anything is written; then put under the root. A
 * wrong hash, an HTTP error or a cut transfer leaves nothing behind. */
static int fetched_deb(struct prov_ctx *c, const char *url, const char *sha, const char **ret_spec)
{
	_cleanup_free_ char *buf = NULL;
	char got[SHA256_HEX_LEN + 1] = "";
	const char *why = NULL;
	size_t len = 0;
	int r;

	if (c->o->dry_run) {
		*ret_spec = SYSBOX_DEB_COPY;
		return prov_note(c, "would download %s (SHA-256 %s)", url, sha);
	}
	r = download_verified(url, sha, &buf, &len, got, &why);
	if (r == -EBADMSG)
		return prov_fail(c, "refused, nothing was installed: '%s' has SHA-256 %s, not %s", url,
				 got, sha);
	if (r == -EIO)
		return prov_fail(c, "cannot download '%s': %s; nothing was installed", url, why);
	if (r < 0)
		return r;
	r = root_write_file(c->h->root_fd, SYSBOX_DEB_COPY, buf, len, 0644, NULL);
	if (r < 0)
		return prov_fail(c, "cannot write '%s': %s", SYSBOX_DEB_COPY, strerror(-r));
	*ret_spec = SYSBOX_DEB_COPY;
	return 0;
}

/* Where sysbox-ce comes from: --sysbox-deb (a path or a URL), else a configured source, else
 * the release table. *ret_file says whether a copy under the root is to be removed after. */
static int choose_source(struct prov_ctx *c, const char **ret_spec, char **ret_owned,
			 bool *ret_file)
{
	const struct sysbox_release *rel;
	const char *arch;
	int r;

	*ret_file = false;
	if (c->o->sysbox_deb) {
		*ret_file = true;
		return download_is_url(c->o->sysbox_deb)
			       ? fetched_deb(c, c->o->sysbox_deb, c->o->sysbox_sha256, ret_spec)
			       : local_deb(c, ret_spec);
	}
	r = from_source(c, ret_owned);
	if (r < 0 || *ret_owned) {
		*ret_spec = *ret_owned;
		return r;
	}
	arch = node_arch(c);
	rel = sysbox_release_find(c->o->sysbox_version, arch);
	if (!rel)
		return prov_fail(c, "no configured source offers %s %s and cvmprep knows no release "
				 "of it for %s; give --sysbox-deb PATH|URL with --sysbox-sha256 HEX",
				 SYSBOX_PKG, c->o->sysbox_version, arch ? arch : "this architecture");
	*ret_file = true;
	return fetched_deb(c, rel->url, rel->sha256, ret_spec);
}

int sysbox_apply(struct prov_ctx *c)
{
	const char *names[] = { SYSBOX_PKG, NULL, NULL }, *spec = NULL;
	_cleanup_free_ char *owned = NULL;
	bool file = false;
	int r;

	r = check_upgrade(c);
	if (r < 0)
		return r;
	r = choose_source(c, &spec, &owned, &file);
	if (r >= 0) {
		const char *specs[] = { spec, NULL, NULL };

		if (wants_fuse3(c))
			specs[1] = names[1] = FUSE3_PKG;

		/* Under --dry-run no .deb was put where a chrooted apt-get would read it. */
		if (!c->o->dry_run || !file)
			r = apt_check_transaction(c, specs, names,
						  "install or remove what it names by hand first");
		if (r >= 0)
			r = apt_install(c, specs);
	}
	if (file && !c->o->dry_run)
		root_unlink(c->h->root_fd, SYSBOX_DEB_COPY);
	if (r < 0)
		return r;
	return c->o->dry_run ? prov_note_more(c, "%s %s would be installed%s", SYSBOX_PKG,
					      c->o->sysbox_version,
					      wants_fuse3(c) ? " with " FUSE3_PKG : "")
			     : prov_note(c, "%s %s installed%s", SYSBOX_PKG, c->o->sysbox_version,
					 wants_fuse3(c) ? " with " FUSE3_PKG : "");
}
