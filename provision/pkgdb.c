/* SPDX-License-Identifier: MIT */
#include "pkgdb.h"

#include "core/cleanup.h"
#include "core/util.h"

bool prov_pkg_installed(const struct prov_pkg *p)
{
	return p->known && p->st.state == DPKG_STATE_INSTALLED && p->st.eflag == DPKG_EFLAG_OK &&
	       p->version;
}

bool prov_pkg_installed_at(const struct prov_pkg *p, const char *version)
{
	return prov_pkg_installed(p) && streq(p->version, version);
}

bool prov_pkg_pinned(const struct prov_pkg *p, const char *version)
{
	return prov_pkg_installed_at(p, version) && p->st.want == DPKG_WANT_HOLD;
}

void prov_pkg_free(struct prov_pkg *p)
{
	free(p->version);
	*p = (struct prov_pkg){ 0 };
}

int prov_pkg_read(const struct host *h, const char *const *names, size_t n, struct prov_pkg *ret)
{
	struct dpkg_db db;
	int r;

	for (size_t i = 0; i < n; i++)
		ret[i] = (struct prov_pkg){ 0 };
	r = dpkg_db_read(h, &db);
	for (size_t i = 0; r > 0 && i < n; i++) {
		struct dpkg_package p;

		r = dpkg_db_find(&db, names[i], &p);
		if (r < 0)
			break;
		r = 1;
		if (!p.status)
			continue;
		ret[i] = (struct prov_pkg){ .known = true, .st = p.st, .version = TAKE_PTR(p.version) };
		dpkg_package_free(&p);
	}
	dpkg_db_free(&db);
	if (r < 0)
		for (size_t i = 0; i < n; i++)
			prov_pkg_free(&ret[i]);
	return r < 0 ? r : 0;
}

static int broken_cb(const struct dpkg_pkg *p, void *userdata)
{
	char **first = userdata;

	if (!dpkg_status_broken(&p->st))
		return 0;
	*first = strdup_printf("%s is %s (%s)", p->package, p->status,
			       dpkg_state_to_string(p->st.state));
	return *first ? 1 : -ENOMEM;
}

int prov_dpkg_interrupted(const struct host *h, char **ret_why)
{
	struct dpkg_db db;
	char *first = NULL;
	unsigned pending = 0;
	int r;

	r = dpkg_db_read(h, &db);
	if (r == 0)
		r = -ENOENT; /* not a dpkg system */
	else if (r > 0)
		r = dpkg_db_foreach(&db, broken_cb, &first);
	dpkg_db_free(&db);
	if (r < 0)
		return r;
	if (first) {
		*ret_why = first;
		return 1;
	}
	r = dpkg_updates_pending(h, &pending);
	if (r < 0)
		return r;
	if (!pending)
		return 0;
	*ret_why = strdup_printf("%u file(s) in %s: a dpkg run did not finish", pending,
				 DPKG_UPDATES);
	return *ret_why ? 1 : -ENOMEM;
}

struct broken_list {
	char **v;
	size_t n;
};

static int broken_list_cb(const struct dpkg_pkg *p, void *userdata)
{
	struct broken_list *b = userdata;
	char **v;

	if (!dpkg_status_broken(&p->st))
		return 0;
	v = realloc(b->v, (b->n + 2) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	b->v = v;
	b->v[b->n] = strdup(p->package);
	if (!b->v[b->n])
		return -ENOMEM;
	b->v[++b->n] = NULL;
	return 0;
}

int prov_dpkg_broken(const struct host *h, char ***ret)
{
	struct broken_list b = { .v = calloc(1, sizeof(char *)) };
	struct dpkg_db db;
	int r;

	if (!b.v)
		return -ENOMEM;
	r = dpkg_db_read(h, &db);
	if (r > 0)
		r = dpkg_db_foreach(&db, broken_list_cb, &b);
	dpkg_db_free(&db);
	if (r < 0) {
		strv_free(b.v);
		return r;
	}
	*ret = b.v;
	return 0;
}

char *prov_pkg_depends(const struct host *h, const char *name)
{
	struct dpkg_package p;
	unsigned updates;
	char *depends = NULL;

	if (dpkg_lookup(h, name, &p, &updates) > 0) {
		depends = TAKE_PTR(p.depends);
		dpkg_package_free(&p);
	}
	return depends;
}

char *prov_depends_on(const char *depends, const char *dep)
{
	size_t dl = strlen(dep);

	if (!depends)
		return NULL;
	/* Alternatives ("a | b") and entries (", ") both separate package names. */
	for (const char *p = depends; *p;) {
		const char *e = p + strcspn(p, ",|");

		while (p < e && (*p == ' ' || *p == '\n' || *p == '\t'))
			p++;
		if ((size_t)(e - p) >= dl && strncmp(p, dep, dl) == 0 &&
		    (p[dl] == ' ' || p[dl] == '(' || p[dl] == ':' || p + dl == e)) {
			while (e > p && (e[-1] == ' ' || e[-1] == '\n'))
				e--;
			return strndup(p, (size_t)(e - p));
		}
		p = *e ? e + 1 : e;
	}
	return NULL;
}
