/* SPDX-License-Identifier: MIT */
/* The steps of `provision --target image`: Coder's CVM workspace-image recipe (checks/image.h
 * image_recipe) applied to the image root at --root DIR, every package command chrooted there.
 * docker-ce is the newest one whose Depends accepts the pinned containerd.io: apt does not
 * backtrack, and a plain `docker-ce` is the newest, which since late 2023 needs containerd.io
 * >= 1.6.24 (design.md "Why the pin is dangerous"). */
#include <fcntl.h>
#include <sys/stat.h>

#include "apt.h"
#include "core/cleanup.h"
#include "core/dpkg.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "pkgdb.h"
#include "steps.h"

#define DOCKER_PKG  "docker-ce"
#define SYSTEMD_PKG "systemd"
#define SYSTEMD_BIN "/lib/systemd/systemd"
#define SBIN_INIT   "/sbin/init"
#define SYSTEMCTL   "/usr/bin/systemctl"
#define DOCKER_UNIT "docker.service"
/* Where `systemctl enable docker.service` links the unit (its [Install] WantedBy). */
#define DOCKER_WANTS "/etc/systemd/system/multi-user.target.wants/" DOCKER_UNIT

/* Whether package name is fully installed under the root: 1 and *ret_version (caller frees),
 * 0, or -errno. */
static int pkg_installed(const struct prov_ctx *c, const char *name, char **ret_version)
{
	const char *names[] = { name };
	struct prov_pkg p;
	int r = prov_pkg_read(c->h, names, 1, &p);

	if (r < 0)
		return r;
	r = prov_pkg_installed(&p);
	if (r && ret_version) {
		*ret_version = TAKE_PTR(p.version);
		if (!*ret_version)
			r = -ENOMEM;
	}
	prov_pkg_free(&p);
	return r;
}

/* The versions of docker-ce `apt-cache show` lists, each with its Depends. */
struct candidate {
	char *version;
	char *depends; /* NULL: none */
};

struct candidates {
	struct candidate *v;
	size_t n;
	bool in;       /* in a docker-ce paragraph */
	char *version; /* of the paragraph being read */
	char *depends;
};

static void candidates_free(struct candidates *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].version);
		free(s->v[i].depends);
	}
	free(s->v);
	free(s->version);
	free(s->depends);
}

static int end_paragraph(struct candidates *s)
{
	struct candidate *v;
	bool seen = false;

	for (size_t i = 0; s->version && i < s->n && !seen; i++)
		seen = streq(s->v[i].version, s->version); /* offered by two sources */
	if (s->in && s->version && !seen) {
		v = realloc(s->v, (s->n + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->v[s->n++] = (struct candidate){TAKE_PTR(s->version), TAKE_PTR(s->depends)};
	}
	free(s->version);
	free(s->depends);
	s->version = s->depends = NULL;
	s->in = false;
	return 0;
}

static int show_cb(const char *name, const char *value, void *userdata)
{
	struct candidates *s = userdata;
	char **slot = NULL;

	if (!name)
		return end_paragraph(s);
	if (streq(name, "Package"))
		s->in = streq(value, DOCKER_PKG);
	else if (streq(name, "Version"))
		slot = &s->version;
	else if (streq(name, "Depends"))
		slot = &s->depends;
	if (!slot || *slot)
		return 0;
	*slot = strdup(value);
	return *slot ? 0 : -ENOMEM;
}

static bool version_valid(const char *v)
{
	struct dpkg_version dv;

	return dpkg_version_parse(v, &dv) == 0;
}

/* Newest first, by dpkg's rules; versions dpkg cannot read go last. */
static int newest_first(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	bool xv = version_valid(x->version), yv = version_valid(y->version);
	int cmp = 0;

	if (!xv || !yv)
		return (int)yv - (int)xv;
	dpkg_version_compare(x->version, y->version, &cmp);
	return -cmp;
}

/* Reads what the sources offer of docker-ce. Returns 0 and *s (may be empty: none offered),
 * or -errno. */
static int read_candidates(struct prov_ctx *c, struct candidates *s)
{
	const struct prov_cmd *cmd = NULL;
	unsigned line = 0;
	int r = apt_show(c, DOCKER_PKG, &cmd);

	if (r < 0)
		return r == -ENOMEM ? r
				    : prov_fail(c, "cannot run %s: %s", APT_CACHE, strerror(-r));
	if (r == 1)
		return 0; /* "E: No packages found" */
	r = deb822_parse(cmd->out, cmd->out_len, show_cb, s, &line);
	if (r >= 0)
		r = end_paragraph(s);
	if (r == -EBADMSG)
		return prov_fail(c, "cannot read apt-cache show %s (line %u)", DOCKER_PKG, line);
	if (r < 0)
		return r;
	qsort(s->v, s->n, sizeof(*s->v), newest_first);
	return 0;
}

/*
 * Picks the newest docker-ce whose Depends accepts the pinned containerd.io (any, with
 * --containerd-version none). Returns 0 and *ret (caller frees; NULL under --dry-run when the
 * lists are known only after apt-get update), or -ECANCELED with the refusal noted (none
 * accepts it: each version offered and what it needs; unchanged says that nothing was changed
 * yet), or -ENOMEM. *ret_newer lists the newer ones passed over (caller frees; may be NULL).
 */
static int pick_docker(struct prov_ctx *c, bool unchanged, char **ret, char **ret_newer)
{
	const char *pin = c->o->containerd_version;
	_cleanup_strbuf_ struct strbuf why = STRBUF_INIT;
	struct candidates s = { 0 };
	int r;

	*ret = *ret_newer = NULL;
	r = read_candidates(c, &s);
	if (r == 0 && s.n == 0 && !c->apt_updated) {
		r = apt_update(c);
		if (r == 1)
			r = prov_fail(c, "apt-get update failed");
		else if (r == 0 && !c->o->dry_run)
			r = read_candidates(c, &s);
	}
	/* Under --dry-run, an `apt-get update` only planned leaves the lists as they were. */
	if (r == 0 && s.n == 0 && c->o->dry_run && c->apt_updated)
		r = prov_note(c, "which %s accepts %s %s is known only after apt-get update",
			      DOCKER_PKG, CONTAINERD_PKG, pin ? pin : "(any)");
	if (r < 0 || (s.n == 0 && c->o->dry_run && c->apt_updated)) {
		candidates_free(&s);
		return r;
	}
	for (size_t i = 0; r == 0 && i < s.n && !*ret; i++) {
		_cleanup_free_ char *on = NULL;
		const char *v = s.v[i].version;
		int ok = pin ? dpkg_depends_allow(s.v[i].depends ? s.v[i].depends : "",
						  CONTAINERD_PKG, pin, &on)
			     : 1;

		if (ok == -EINVAL)
			strbuf_add_sep(&why, ", ", "%s has a Depends that cannot be read", v);
		else if (ok == 0)
			strbuf_add_sep(&why, ", ", "%s needs %s", v, on ? on : CONTAINERD_PKG);
		else if (ok == 1 && !(*ret = strdup(v)))
			r = -ENOMEM;
		if (ok == -ENOMEM)
			r = ok;
	}
	if (r == 0 && why.err)
		r = why.err;
	/* Nothing was changed yet: not even apt's lists. */
	unchanged = unchanged && !c->apt_updated;
	if (r == 0 && !*ret && s.n == 0)
		r = prov_fail(c, "no configured source offers %s%s; add Docker's repository "
			      "(--apt-repo)", DOCKER_PKG, unchanged ? "; nothing was changed" : "");
	else if (r == 0 && !*ret)
		r = prov_fail(c, "refused%s: no %s the sources offer accepts %s %s (%s); add a "
			      "source that offers an older %s, or choose another "
			      "--containerd-version", unchanged ? ", nothing was changed" : "",
			      DOCKER_PKG, CONTAINERD_PKG, pin, strbuf_str(&why), DOCKER_PKG);
	if (r == 0 && why.len && !(*ret_newer = strdup(strbuf_str(&why))))
		r = -ENOMEM;
	if (r < 0) {
		free(*ret);
		*ret = NULL;
	}
	candidates_free(&s);
	return r;
}

int image_containerd_apply(struct prov_ctx *c)
{
	_cleanup_free_ char *ver = NULL, *newer = NULL;
	int r = pkg_installed(c, DOCKER_PKG, NULL);

	if (r < 0)
		return r;
	/* Before the pin changes anything: a docker-ce must exist that accepts it. An installed
	 * one is for the transaction check to judge. */
	if (r == 0) {
		r = pick_docker(c, true, &ver, &newer);
		if (r < 0)
			return r;
		if (ver) {
			free(c->cur->message);
			c->cur->message = NULL;
		}
	}
	return containerd_apply(c);
}

/* satisfied() of a step that installs package name: it is installed (any version). */
static int pkg_satisfied(struct prov_ctx *c, const char *name)
{
	_cleanup_free_ char *ver = NULL;
	int r = pkg_installed(c, name, &ver);

	if (r <= 0)
		return r < 0 ? r : PROV_TODO;
	return prov_note(c, "%s %s is installed", name, ver) < 0 ? -ENOMEM : PROV_SATISFIED;
}

int image_docker_satisfied(struct prov_ctx *c)
{
	return pkg_satisfied(c, DOCKER_PKG);
}

/* What a refused install of the image's packages leaves the operator. */
#define WAY_OUT "ways out: remove the package it names, or build the image from a clean base"

/* Installs pkg (a "name" or "name=version" spec) after the transaction check, which refuses
 * removing or changing any installed package. */
static int install_checked(struct prov_ctx *c, const char *spec, const char *name,
			   const char *way_out)
{
	const char *specs[] = { spec, NULL }, *names[] = { name, NULL };
	int r = 0;

	/* Under --dry-run without an index, what the transaction does is not known. */
	if (!(c->o->dry_run && c->apt_updated))
		r = apt_check_transaction(c, specs, names, way_out);
	return r < 0 ? r : apt_install(c, specs);
}

int image_docker_apply(struct prov_ctx *c)
{
	_cleanup_free_ char *ver = NULL, *newer = NULL, *spec = NULL;
	const char *pin = c->o->containerd_version;
	int r = pick_docker(c, false, &ver, &newer);

	if (r < 0)
		return r;
	spec = ver ? strdup_printf("%s=%s", DOCKER_PKG, ver) : strdup(DOCKER_PKG);
	if (!spec)
		return -ENOMEM;
	r = install_checked(c, spec, DOCKER_PKG, WAY_OUT);
	if (r < 0)
		return r;
	if (!ver)
		return prov_note_more(c, "%s would be installed", DOCKER_PKG);
	return prov_note(c, "%s %s %s: the newest that accepts %s %s%s%s", DOCKER_PKG, ver,
			 c->o->dry_run ? "would be installed" : "installed", CONTAINERD_PKG,
			 pin ? pin : "(any)", newer ? "; passed over: " : "", newer ? newer : "");
}

int image_systemd_satisfied(struct prov_ctx *c)
{
	return pkg_satisfied(c, SYSTEMD_PKG);
}

int image_systemd_apply(struct prov_ctx *c)
{
	int r = install_checked(c, SYSTEMD_PKG, SYSTEMD_PKG, WAY_OUT);

	if (r < 0)
		return r;
	return prov_note_more(c, "%s %s", SYSTEMD_PKG,
			      c->o->dry_run ? "would be installed" : "installed");
}

/* Whether path, resolved inside the root, is a regular file: 1 and *ret (its stat), 0 when it
 * is missing or leads nowhere, -errno. */
static int resolve_file(const struct prov_ctx *c, const char *path, struct stat *ret)
{
	_cleanup_close_ int fd = host_openat(c->h, path, O_PATH);

	if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP)
		return 0;
	if (fd < 0)
		return fd;
	if (fstat(fd, ret) < 0)
		return -errno;
	return S_ISREG(ret->st_mode);
}

int image_enable_satisfied(struct prov_ctx *c)
{
	struct stat st;
	int r = resolve_file(c, DOCKER_WANTS, &st);

	if (r <= 0)
		return r < 0 ? r : PROV_TODO;
	return prov_note(c, "%s is enabled (%s)", DOCKER_UNIT, DOCKER_WANTS) < 0 ? -ENOMEM
										 : PROV_SATISFIED;
}

int image_enable_apply(struct prov_ctx *c)
{
	/* systemctl in a chroot enables offline: it makes the [Install] links and reloads
	 * nothing ("Running in chroot, ignoring command 'daemon-reload'"). */
	const char *argv[] = {SYSTEMCTL, "enable", DOCKER_UNIT, NULL};
	const struct prov_cmd *cmd = NULL;
	int r = prov_run(c, PROV_CHANGE, PROV_QUERY_TIMEOUT_S, argv, &cmd);

	if (r == 1)
		return prov_fail(c, "systemctl enable %s failed (exit %d): %s", DOCKER_UNIT,
				 cmd->status, cmd->tail);
	if (r < 0)
		return r == -ENOMEM ? r
				    : prov_fail(c, "cannot run %s: %s", SYSTEMCTL, strerror(-r));
	return prov_note(c, "%s %s", DOCKER_UNIT, c->o->dry_run ? "would be enabled" : "enabled");
}

int image_init_satisfied(struct prov_ctx *c)
{
	struct stat init, systemd;
	int r = resolve_file(c, SYSTEMD_BIN, &systemd);

	if (r <= 0)
		return r < 0 ? r : PROV_TODO;
	r = resolve_file(c, SBIN_INIT, &init);
	if (r <= 0)
		return r < 0 ? r : PROV_TODO;
	if (init.st_dev != systemd.st_dev || init.st_ino != systemd.st_ino)
		return PROV_TODO;
	return prov_note(c, "%s leads to %s", SBIN_INIT, SYSTEMD_BIN) < 0 ? -ENOMEM
									  : PROV_SATISFIED;
}

int image_init_apply(struct prov_ctx *c)
{
	/* `ln -sf /lib/systemd/systemd /sbin/init` (Coder's recipe), atomically, under the
	 * root: /sbin resolves inside it (a link there to /usr/sbin stays in the image). */
	int r = prov_symlink(c, SBIN_INIT, SYSTEMD_BIN);

	if (r < 0)
		return r == -ENOMEM ? r
				    : prov_fail(c, "cannot link '%s' to %s: %s", SBIN_INIT,
						SYSTEMD_BIN, strerror(-r));
	return prov_note(c, "%s %s %s", SBIN_INIT, c->o->dry_run ? "would link to" : "links to",
			 SYSTEMD_BIN);
}
