/* SPDX-License-Identifier: MIT */
#include "apt.h"

#include "aptparse.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "pkgdb.h"

#define ARGV_MAX 48

/* An argument vector under construction; strings it made itself are freed with it. */
struct argvb {
	const char *v[ARGV_MAX + 1];
	size_t n;
	char *owned[4];
	size_t n_owned;
	bool oom;
};

static void add(struct argvb *a, const char *s)
{
	if (a->n < ARGV_MAX)
		a->v[a->n++] = s;
	else
		a->oom = true;
}

static void addf_lock(struct argvb *a, unsigned timeout_s)
{
	char *s = strdup_printf("DPkg::Lock::Timeout=%u", timeout_s);

	if (!s || a->n_owned == ELEMENTSOF(a->owned)) {
		free(s);
		a->oom = true;
		return;
	}
	a->owned[a->n_owned++] = s;
	add(a, "-o");
	add(a, s);
}

static void argvb_done(struct argvb *a)
{
	for (size_t i = 0; i < a->n_owned; i++)
		free(a->owned[i]);
}

/* What keeps a query from writing: apt's binary caches, and the planner's log that even
 * `apt-get -s` writes (/var/log/apt/eipp.log.xz). */
static const char *const query_opts[] = {
	"-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=",
	"-o", "Dir::Log::Planner=/dev/null", NULL,
};

static void add_all(struct argvb *a, const char *const *v)
{
	for (; *v; v++)
		add(a, *v);
}

bool strv_has(char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (streq(*v, s))
			return true;
	return false;
}

struct offers {
	const char *pkg;
	char **v;
	size_t n;
};

static int offer_cb(const char *name, const char *version, const char *source _unused_,
		    void *userdata)
{
	struct offers *o = userdata;
	char **v;

	if (!streq(name, o->pkg) || strv_has(o->v, version))
		return 0;
	v = realloc(o->v, (o->n + 2) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	o->v = v;
	o->v[o->n] = strdup(version);
	if (!o->v[o->n])
		return -ENOMEM;
	o->v[++o->n] = NULL;
	return 0;
}

int apt_offered(struct prov_ctx *c, const char *pkg, char ***ret)
{
	struct argvb a = { 0 };
	struct offers o = { .pkg = pkg };
	const struct prov_cmd *cmd;
	int r;

	add(&a, APT_CACHE);
	add_all(&a, query_opts);
	add(&a, "madison");
	add(&a, pkg);
	r = a.oom ? -ENOMEM : prov_run(c, PROV_QUERY, PROV_QUERY_TIMEOUT_S, a.v, &cmd);
	argvb_done(&a);
	if (r != 0)
		return r;
	o.v = calloc(1, sizeof(*o.v));
	if (!o.v)
		return -ENOMEM;
	r = apt_madison_parse(cmd->out, cmd->out_len, offer_cb, &o);
	if (r < 0) {
		strv_free(o.v);
		return r;
	}
	*ret = o.v;
	return 0;
}

int apt_show(struct prov_ctx *c, const char *pkg, const struct prov_cmd **ret)
{
	struct argvb a = { 0 };
	int r;

	add(&a, APT_CACHE);
	add_all(&a, query_opts);
	add(&a, "show");
	add(&a, pkg);
	r = a.oom ? -ENOMEM : prov_run(c, PROV_QUERY, PROV_QUERY_TIMEOUT_S, a.v, ret);
	argvb_done(&a);
	return r;
}

int apt_update(struct prov_ctx *c)
{
	struct argvb a = { 0 };
	int r;

	if (c->apt_updated)
		return 0;
	add(&a, APT_GET);
	add(&a, "-q");
	addf_lock(&a, c->o->lock_timeout_s);
	add(&a, "update");
	r = a.oom ? -ENOMEM : prov_run(c, PROV_CHANGE, PROV_CMD_TIMEOUT_S, a.v, NULL);
	argvb_done(&a);
	if (r == 0)
		c->apt_updated = true;
	return r;
}

/* Options of every install, simulated or real. */
static const char *const install_opts[] = {
	"--allow-downgrades",
	"--allow-change-held-packages",
	"-o",
	"Dpkg::Options::=--force-confold",
	NULL,
};

/* What the simulation would do beyond what was asked. */
struct txn {
	const char *const *names;
	char *problems;
	size_t n_problems;
	const struct host *h;
	bool oom;
};

static bool asked(const struct txn *t, const char *name)
{
	size_t len = strcspn(name, ":"); /* "containerd.io:amd64" */

	for (const char *const *n = t->names; *n; n++)
		if (strlen(*n) == len && strncmp(*n, name, len) == 0)
			return true;
	return false;
}

/* "docker-ce (5:24.0.7-1, Depends: containerd.io (>= 1.6.24))": what dpkg says of pkg. */
static char *describe(const struct txn *t, const char *name, const char *old)
{
	_cleanup_free_ char *plain = strndup(name, strcspn(name, ":")), *dep = NULL, *all = NULL;

	if (!plain)
		return NULL;
	all = prov_pkg_depends(t->h, plain);
	for (const char *const *n = t->names; *n && !dep; n++)
		dep = prov_depends_on(all, *n);
	return dep ? strdup_printf("%s %s (it Depends: %s)", name, old, dep)
		   : strdup_printf("%s %s", name, old);
}

static int txn_cb(const struct apt_change *ch, void *userdata)
{
	struct txn *t = userdata;
	_cleanup_free_ char *what = NULL;
	const char *verb;
	char *all;

	if (ch->op == APT_OP_CONF || asked(t, ch->name))
		return 0;
	if (ch->op == APT_OP_INST && !ch->old_ver[0])
		return 0; /* a new dependency: nothing installed is touched */
	verb = ch->op == APT_OP_INST ? "change" : "remove";
	what = describe(t, ch->name, ch->old_ver);
	if (!what)
		return -ENOMEM;
	all = strdup_printf("%s%s%s %s%s%s", t->problems ? t->problems : "",
			    t->problems ? "; " : "", verb, what, ch->new_ver[0] ? " to " : "",
			    ch->new_ver);
	if (!all)
		return -ENOMEM;
	free(t->problems);
	t->problems = all;
	t->n_problems++;
	return 0;
}

static void add_specs(struct argvb *a, const char *const *specs)
{
	for (; *specs; specs++)
		add(a, *specs);
}

int apt_check_transaction(struct prov_ctx *c, const char *const *specs,
			  const char *const *names, const char *way_out)
{
	_cleanup_strbuf_ struct strbuf what = STRBUF_INIT;
	struct txn t = { .names = names, .h = c->h };
	struct argvb a = { 0 };
	const struct prov_cmd *cmd;
	unsigned line = 0;
	int r;

	add(&a, APT_GET);
	add(&a, "-s");
	add(&a, "-q");
	add_all(&a, query_opts);
	add(&a, "install");
	add_all(&a, install_opts);
	add_specs(&a, specs);
	r = a.oom ? -ENOMEM : prov_run(c, PROV_QUERY, PROV_QUERY_TIMEOUT_S, a.v, &cmd);
	argvb_done(&a);
	if (r < 0 && r != -ENOMEM)
		return prov_fail(c, "cannot run %s: %s", APT_GET, strerror(-r));
	for (size_t i = 0; specs[i]; i++)
		strbuf_add_sep(&what, " and ", "%s", specs[i]);
	if (what.err)
		return what.err;
	if (r == 1)
		return prov_fail(c, "apt-get cannot resolve installing %s: %s; nothing was changed",
				 strbuf_str(&what), cmd->tail);
	if (r < 0)
		return r;
	r = apt_sim_parse(cmd->out, cmd->out_len, txn_cb, &t, &line);
	if (r == -EBADMSG)
		return prov_fail(c, "cannot read apt-get's simulation (line %u); nothing was changed",
				 line);
	if (r < 0) {
		free(t.problems);
		return r;
	}
	if (t.n_problems) {
		r = prov_fail(c, "refused, nothing was changed: installing %s would %s; %s",
			      strbuf_str(&what), t.problems, way_out);
		free(t.problems);
		return r;
	}
	return 0;
}

int apt_install(struct prov_ctx *c, const char *const *specs)
{
	struct argvb a = { 0 };
	const struct prov_cmd *cmd = NULL;
	int r;

	add(&a, APT_GET);
	add(&a, "install");
	add(&a, "-y");
	add(&a, "-q");
	add(&a, "--no-remove");
	add_all(&a, install_opts);
	addf_lock(&a, c->o->lock_timeout_s);
	add_specs(&a, specs);
	r = a.oom ? -ENOMEM : prov_run(c, PROV_CHANGE, PROV_CMD_TIMEOUT_S, a.v, &cmd);
	argvb_done(&a);
	if (r == 1)
		return prov_fail(c, "apt-get install %s failed (exit %d%s): %s", specs[0],
				 cmd->status, cmd->timed_out ? ", timed out" : "", cmd->tail);
	if (r < 0 && r != -ENOMEM)
		return prov_fail(c, "cannot run %s: %s", APT_GET, strerror(-r));
	return r;
}

int apt_hold(struct prov_ctx *c, const char *pkg)
{
	const char *argv[] = { APT_MARK, "hold", pkg, NULL };
	const struct prov_cmd *cmd = NULL;
	int r = prov_run(c, PROV_CHANGE, PROV_QUERY_TIMEOUT_S, argv, &cmd);

	if (r == 1)
		return prov_fail(c, "apt-mark hold %s failed (exit %d): %s", pkg, cmd->status,
				 cmd->tail);
	if (r < 0 && r != -ENOMEM)
		return prov_fail(c, "cannot run %s: %s", APT_MARK, strerror(-r));
	return r;
}

/* A package dpkg left half-installed (killed in its preinst, or while unpacking) stays so after
 * `dpkg --configure -a` and `apt-get -f install`: unpacking it again repairs it. */
static int reinstall_broken(struct prov_ctx *c)
{
	_cleanup_(strv_freep) char **broken = NULL;
	struct argvb a = { 0 };
	const struct prov_cmd *cmd = NULL;
	int r = prov_dpkg_broken(c->h, &broken);

	if (r < 0)
		return r == -ENOMEM ? r : prov_fail(c, "cannot read dpkg's status: %s", strerror(-r));
	if (!broken[0])
		return 0;
	add(&a, APT_GET);
	add(&a, "install");
	add(&a, "-y");
	add(&a, "-q");
	add(&a, "--reinstall");
	add(&a, "--no-remove");
	add_all(&a, install_opts);
	addf_lock(&a, c->o->lock_timeout_s);
	for (char **p = broken; *p; p++)
		add(&a, *p);
	r = a.oom ? -ENOMEM : prov_run(c, PROV_CHANGE, PROV_CMD_TIMEOUT_S, a.v, &cmd);
	argvb_done(&a);
	if (r == 1)
		return prov_fail(c, "apt-get install --reinstall %s failed (exit %d): %s", broken[0],
				 cmd->status, cmd->tail);
	if (r < 0 && r != -ENOMEM)
		return prov_fail(c, "cannot run %s: %s", APT_GET, strerror(-r));
	return r;
}

int apt_recover(struct prov_ctx *c)
{
	const char *configure[] = { DPKG, "--force-confold", "--configure", "-a", NULL };
	const struct prov_cmd *cmd = NULL;
	struct argvb a = { 0 };
	int r;

	r = prov_run(c, PROV_CHANGE, PROV_CMD_TIMEOUT_S, configure, &cmd);
	if (r == 1)
		return prov_fail(c, "dpkg --configure -a failed (exit %d): %s", cmd->status,
				 cmd->tail);
	if (r < 0)
		return r == -ENOMEM ? r : prov_fail(c, "cannot run %s: %s", DPKG, strerror(-r));
	add(&a, APT_GET);
	add(&a, "-f");
	add(&a, "install");
	add(&a, "-y");
	add(&a, "-q");
	add(&a, "--no-remove");
	add(&a, "-o");
	add(&a, "Dpkg::Options::=--force-confold");
	addf_lock(&a, c->o->lock_timeout_s);
	r = a.oom ? -ENOMEM : prov_run(c, PROV_CHANGE, PROV_CMD_TIMEOUT_S, a.v, &cmd);
	argvb_done(&a);
	if (r == 1)
		return prov_fail(c, "apt-get -f install failed (exit %d): %s", cmd->status,
				 cmd->tail);
	if (r < 0 && r != -ENOMEM)
		return prov_fail(c, "cannot run %s: %s", APT_GET, strerror(-r));
	return r < 0 || c->o->dry_run ? r : reinstall_broken(c);
}
