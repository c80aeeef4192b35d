/* SPDX-License-Identifier: MIT */
/* The facts of a workspace image, from a root directory or an archive's index (probe.h). */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/apt.h"
#include "core/cleanup.h"
#include "core/dpkg.h"
#include "core/util.h"

const char *const image_dpkg_packages[] = {
	"systemd", "docker-ce", "docker.io", "moby-engine", "containerd.io", "runc", NULL,
};

/* An image as paths: a root through struct host, or an archive's index. */
struct view {
	const struct host *h;
	const struct image_index *ix;
};

#define LINKS_MAX 40 /* as the kernel's path walk */

/* The type of a path whose parents are resolved, and a link's target (caller frees).
 * Returns 0, -ENOENT, or -errno. IMAGE_NONE: the index does not record it (a directory, an
 * untracked file, or nothing: view_resolve tells which it can). */
static int view_lstat(const struct view *v, const char *path, enum image_type *ret_type,
		      char **ret_target)
{
	*ret_target = NULL;
	if (v->ix) {
		const struct image_entry *e = index_get(v->ix, path);

		if (!e) {
			*ret_type = IMAGE_NONE;
			return 0;
		}
		*ret_type = e->type;
		if (e->type == IMAGE_LNK && !(*ret_target = strdup(e->target ? e->target : "")))
			return -ENOMEM;
		return 0;
	}

	struct stat st;
	int r = host_stat(v->h, path, O_NOFOLLOW, &st);

	if (r < 0)
		return r;
	*ret_type = S_ISREG(st.st_mode)	  ? IMAGE_REG
		    : S_ISDIR(st.st_mode) ? IMAGE_DIR
		    : S_ISLNK(st.st_mode) ? IMAGE_LNK
					  : IMAGE_OTHER;
	if (*ret_type == IMAGE_LNK) {
		_cleanup_close_ int fd = host_openat(v->h, path, O_PATH | O_NOFOLLOW);
		char buf[4096];
		ssize_t n;

		if (fd < 0)
			return fd;
		n = readlinkat(fd, "", buf, sizeof(buf) - 1);
		if (n < 0)
			return -errno;
		buf[n] = '\0';
		*ret_target = strdup(buf);
		if (!*ret_target)
			return -ENOMEM;
	}
	return 0;
}

/* Where a path leads inside the image. */
struct resolved {
	char path[4096];
	enum image_type type;
	bool escaped;      /* a '..' stopped at the root */
	char chain[2048];  /* "A -> B, B -> C": the links followed */
	int err;           /* ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, or another errno */
};

static void chain_add(struct resolved *res, const char *link, const char *target)
{
	size_t len = strlen(res->chain);

	snprintf(res->chain + len, sizeof(res->chain) - len, "%s%s -> %s", len ? ", " : "", link,
		 target);
}

/* Resolves path component by component, as the kernel does inside a root: an absolute link
 * starts again at the image root, '..' stops there. Returns 0 (res->err says how it ended) or
 * -ENOMEM. */
static int view_resolve(const struct view *v, const char *path, struct resolved *res)
{
	char rest[8192], cur[4096] = "";
	unsigned links = 0;

	*res = (struct resolved){ .type = IMAGE_NONE };
	snprintf(rest, sizeof(rest), "%s", path);
	while (rest[0]) {
		char *comp = rest, *slash;
		char cand[4096];
		_cleanup_free_ char *target = NULL;
		enum image_type t;
		size_t clen;
		int r;

		while (*comp == '/')
			comp++;
		if (!*comp)
			break;
		slash = strchrnul(comp, '/');
		clen = (size_t)(slash - comp);
		if (clen == 1 && comp[0] == '.') {
			memmove(rest, slash, strlen(slash) + 1);
			continue;
		}
		if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
			char *up = strrchr(cur, '/');

			if (up)
				*up = '\0';
			else
				res->escaped = true;
			memmove(rest, slash, strlen(slash) + 1);
			continue;
		}
		if (snprintf(cand, sizeof(cand), "%s/%.*s", cur, (int)clen, comp) >=
		    (int)sizeof(cand)) {
			res->err = ENAMETOOLONG;
			return 0;
		}
		memmove(rest, slash, strlen(slash) + 1);
		r = view_lstat(v, cand, &t, &target);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			res->err = -r;
			snprintf(res->path, sizeof(res->path), "%s", cand);
			return 0;
		}
		if (t == IMAGE_LNK) {
			char next[8192];

			if (++links > LINKS_MAX) {
				res->err = ELOOP;
				return 0;
			}
			chain_add(res, cand, target);
			if (snprintf(next, sizeof(next), "%s/%s", target, rest) >=
			    (int)sizeof(next)) {
				res->err = ENAMETOOLONG;
				return 0;
			}
			strcpy(rest, next);
			if (target[0] == '/')
				cur[0] = '\0';
			continue;
		}
		/* The index records every file of a tracked name: one it lacks is not there. */
		if (t == IMAGE_NONE && strspn(rest, "/") == strlen(rest) &&
		    image_track(cand, IMAGE_REG) != TRACK_NONE) {
			res->err = ENOENT;
			snprintf(res->path, sizeof(res->path), "%s", cand);
			return 0;
		}
		if ((t == IMAGE_REG || t == IMAGE_OTHER) && strspn(rest, "/") != strlen(rest)) {
			res->err = ENOTDIR;
			snprintf(res->path, sizeof(res->path), "%s", cand);
			return 0;
		}
		strcpy(cur, cand);
		res->type = t;
	}
	snprintf(res->path, sizeof(res->path), "%s", cur[0] ? cur : "/");
	if (!cur[0])
		res->type = IMAGE_DIR;
	return 0;
}

/* What the last component of path is, its parents resolved: *ret_type (IMAGE_NONE: not there or
 * not recorded) and a link's *ret_target. Returns 0 or -errno (a parent that does not resolve:
 * -ENOENT, -ENOTDIR, -ELOOP). */
static int view_final(const struct view *v, const char *path, enum image_type *ret_type,
		      char **ret_target)
{
	const char *base = strrchr(path, '/');
	char parent[4096], full[4096];
	struct resolved res;
	int r;

	*ret_type = IMAGE_NONE;
	*ret_target = NULL;
	if (!base || (size_t)(base - path) >= sizeof(parent))
		return -EINVAL;
	memcpy(parent, path, (size_t)(base - path));
	parent[base - path] = '\0';
	r = view_resolve(v, parent[0] ? parent : "/", &res);
	if (r < 0)
		return r;
	if (res.err)
		return -res.err;
	if (snprintf(full, sizeof(full), "%s%s", streq(res.path, "/") ? "" : res.path, base) >=
	    (int)sizeof(full))
		return -ENAMETOOLONG;
	r = view_lstat(v, full, ret_type, ret_target);
	return r == -ENOENT ? 0 : r;
}

/* The bytes of a file of the image (resolved inside it). */
static int view_read(const struct view *v, const char *path, size_t max, char **ret,
		     size_t *ret_len)
{
	const struct image_entry *e;
	struct resolved res;
	int r = view_resolve(v, path, &res);

	if (r < 0)
		return r;
	if (res.err)
		return -res.err;
	if (!v->ix)
		return host_read(v->h, res.path, max, ret, ret_len);
	e = index_get(v->ix, res.path);
	if (!e)
		return -ENOENT;
	if (e->type != IMAGE_REG)
		return e->type == IMAGE_DIR ? -EISDIR : -EINVAL;
	if (e->content_err)
		return -e->content_err;
	if (!e->content)
		return -ENODATA; /* reached by a link from a path whose bytes were not kept */
	*ret = malloc(e->content_len + 1);
	if (!*ret)
		return -ENOMEM;
	memcpy(*ret, e->content, e->content_len + 1);
	if (ret_len)
		*ret_len = e->content_len;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in directory dir (resolved), sorted: *ret (strv), *ret_n. -errno when it cannot
 * be listed; -ENOENT when it is not there. */
static int view_list(const struct view *v, const char *dir, char ***ret, size_t *ret_n)
{
	_cleanup_(strv_freep) char **names = NULL;
	struct resolved res;
	size_t n = 0, cap = 0;
	int r = view_resolve(v, dir, &res);

	if (r < 0)
		return r;
	if (res.err)
		return -res.err;
	if (!v->ix) {
		_cleanup_(closedirp) DIR *d = NULL;
		struct dirent *de;

		r = host_opendir(v->h, res.path, &d);
		if (r < 0)
			return r;
		while ((r = host_readdir(d, &de)) > 0) {
			if (n + 1 >= cap) {
				char **nv = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*nv));

				if (!nv)
					return -ENOMEM;
				names = nv;
			}
			names[n] = strdup(de->d_name);
			if (!names[n++])
				return -ENOMEM;
			names[n] = NULL;
		}
		if (r < 0)
			return r;
	} else {
		size_t dlen = strlen(res.path);

		if (res.type != IMAGE_DIR && res.type != IMAGE_NONE)
			return -ENOTDIR;
		for (size_t i = 0; i < v->ix->n; i++) {
			const char *p = v->ix->v[i].path, *rest = startswith(p, res.path);

			if (!rest || rest[0] != '/' || !rest[1] || dlen == 1)
				continue;
			if (n + 1 >= cap) {
				char **nv = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*nv));

				if (!nv)
					return -ENOMEM;
				names = nv;
			}
			names[n] = strndup(rest + 1, strchrnul(rest + 1, '/') - (rest + 1));
			if (!names[n++])
				return -ENOMEM;
			names[n] = NULL;
		}
	}
	if (names)
		qsort(names, n, sizeof(*names), name_cmp);
	/* The index lists a directory once per entry below it: keep each name once. */
	if (n > 1) {
		size_t k = 1;

		for (size_t i = 1; i < n; i++) {
			if (streq(names[i], names[k - 1]))
				free(names[i]);
			else
				names[k++] = names[i];
		}
		n = k;
		names[n] = NULL;
	}
	*ret = TAKE_PTR(names);
	*ret_n = n;
	return 0;
}

/* The first of paths that leads to a regular file: key = where it led; null: none. */
static int probe_program(const struct view *v, struct facts *f, const char *key,
			 const char *const *paths)
{
	for (size_t i = 0; paths[i]; i++) {
		struct resolved res;
		int r = view_resolve(v, paths[i], &res);

		if (r < 0)
			return r;
		if (!res.err && res.type == IMAGE_REG && !res.escaped)
			return facts_set(f, key, paths[i], res.path);
		if (res.err && res.err != ENOENT && res.err != ENOTDIR)
			return facts_set_err(f, key, paths[i], res.err);
	}
	return facts_set(f, key, paths[0], NULL);
}

static int probe_init(const struct view *v, struct facts *f)
{
	static const char *init = "/sbin/init";
	enum image_type t;
	_cleanup_free_ char *link = NULL;
	struct resolved res;
	int r;

	/* What /sbin/init itself is, its parents resolved (merged /usr: /sbin -> usr/sbin). */
	r = view_final(v, init, &t, &link);
	if (r == -ENOMEM)
		return r;
	r = facts_set(f, "image.init.link", init, link);
	if (r < 0)
		return r;
	r = view_resolve(v, init, &res);
	if (r < 0)
		return r;
	r = facts_set(f, "image.init.escape", init, res.escaped ? "yes" : NULL);
	if (r < 0)
		return r;
	if (res.err)
		return facts_set_err(f, "image.init", res.chain[0] ? res.chain : init, res.err);
	return facts_set(f, "image.init", res.chain[0] ? res.chain : init, res.path) ?:
	       facts_set(f, "image.init.type", res.path, image_type_to_string(res.type));
}

/* docker.service in multi-user.target.wants: the admin's (systemctl enable) or the vendor's. */
static int probe_wants(const struct view *v, struct facts *f)
{
	static const char *const wants[] = {
		"/etc/systemd/system/multi-user.target.wants/docker.service",
		"/lib/systemd/system/multi-user.target.wants/docker.service",
		"/usr/lib/systemd/system/multi-user.target.wants/docker.service",
	};
	int r;

	for (size_t i = 0; i < ELEMENTSOF(wants); i++) {
		_cleanup_free_ char *target = NULL;
		struct resolved res;
		enum image_type t;

		r = view_final(v, wants[i], &t, &target);
		if (r == -ENOMEM)
			return r;
		if (r == -ENOENT || r == -ENOTDIR || (r == 0 && t == IMAGE_NONE))
			continue;
		if (r < 0)
			return facts_set_err(f, "image.docker.wants", wants[i], -r);
		r = view_resolve(v, wants[i], &res);
		if (r < 0)
			return r;
		/* A link there that leads nowhere is there, and dangling. */
		if (res.err == ENOENT || res.err == ENOTDIR)
			return facts_set(f, "image.docker.wants", wants[i], res.chain) ?:
			       facts_set(f, "image.docker.unit", res.path, NULL);
		if (res.err)
			return facts_set_err(f, "image.docker.wants", wants[i], res.err);
		return facts_set(f, "image.docker.wants", wants[i],
				 res.chain[0] ? res.chain : wants[i]) ?:
		       facts_set(f, "image.docker.unit", res.path,
				 res.type == IMAGE_REG || res.type == IMAGE_NONE ? res.path : NULL);
	}
	return facts_set(f, "image.docker.wants", wants[0], NULL);
}

static int probe_tmp(const struct view *v, struct facts *f)
{
	_cleanup_(strv_freep) char **names = NULL;
	_cleanup_free_ char *list = NULL;
	char count[32];
	size_t n = 0;
	int r = view_list(v, "/tmp", &names, &n);

	if (r == -ENOENT)
		return facts_set(f, "image.tmp", "/tmp", NULL) ?:
		       facts_set(f, "image.tmp.count", "/tmp", "0");
	if (r < 0)
		return r == -ENOMEM ? r : facts_set_err(f, "image.tmp", "/tmp", -r);
	for (size_t i = 0; i < n && i < IMAGE_TMP_NAMES; i++) {
		char *l = strdup_printf("%s%s/tmp/%s", list ? list : "", list ? ", " : "",
					names[i]);

		if (!l)
			return -ENOMEM;
		free(list);
		list = l;
	}
	snprintf(count, sizeof(count), "%zu", n);
	return facts_set(f, "image.tmp", "/tmp", list) ?:
	       facts_set(f, "image.tmp.count", "/tmp", count);
}

struct dpkg_scan {
	struct facts *f;
	const char *arch;
	char arch_buf[64];
	int r;
};

static int dpkg_scan_cb(const struct dpkg_pkg *p, void *userdata)
{
	struct dpkg_scan *s = userdata;
	char key[128];

	if (!s->arch && p->architecture && !streq(p->architecture, "all") &&
	    dpkg_status_present(&p->st)) {
		snprintf(s->arch_buf, sizeof(s->arch_buf), "%s", p->architecture);
		s->arch = s->arch_buf;
	}
	for (size_t i = 0; image_dpkg_packages[i]; i++) {
		const struct fact *old;

		if (!streq(p->package, image_dpkg_packages[i]))
			continue;
		snprintf(key, sizeof(key), "image.dpkg.%s.status", p->package);
		old = facts_get(s->f, key);
		/* dpkg keeps one paragraph per architecture: the first present one counts. */
		if (old && old->value && !streq(old->value, "") && !dpkg_status_present(&p->st))
			return 0;
		if (facts_set(s->f, key, DPKG_STATUS, p->status) < 0)
			return -ENOMEM;
		snprintf(key, sizeof(key), "image.dpkg.%s.version", p->package);
		if (facts_set(s->f, key, DPKG_STATUS, p->version) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int probe_dpkg_image(const struct view *v, struct facts *f)
{
	struct dpkg_scan s = { .f = f };
	_cleanup_(strv_freep) char **journal = NULL;
	_cleanup_free_ char *buf = NULL;
	char what[64];
	size_t len, n_journal = 0, pending = 0;
	unsigned line = 0;
	int r = view_read(v, DPKG_STATUS, DPKG_STATUS_MAX, &buf, &len);

	if (r == -ENOENT)
		return facts_set(f, "image.dpkg.database", DPKG_STATUS, NULL);
	if (r < 0)
		return r == -ENOMEM ? r : facts_set_err(f, "image.dpkg.database", DPKG_STATUS, -r);
	r = dpkg_status_read(buf, len, dpkg_scan_cb, &s, &line);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		_cleanup_free_ char *where = strdup_printf("%s:%u", DPKG_STATUS, line);

		return where ? facts_set_err(f, "image.dpkg.database", where, EBADMSG) : -ENOMEM;
	}
	snprintf(what, sizeof(what), "%d packages", r);
	r = facts_set(f, "image.dpkg.database", DPKG_STATUS, what) ?:
	    facts_set(f, "image.dpkg.arch", DPKG_STATUS, s.arch);
	if (r < 0)
		return r;
	r = view_list(v, DPKG_UPDATES, &journal, &n_journal);
	if (r == -ENOMEM)
		return r;
	if (r < 0 && r != -ENOENT)
		return facts_set_err(f, "image.dpkg.updates", DPKG_UPDATES, -r);
	for (size_t i = 0; i < n_journal; i++)
		pending += strspn(journal[i], "0123456789") == strlen(journal[i]);
	snprintf(what, sizeof(what), "%zu journal file%s", pending, pending == 1 ? "" : "s");
	return facts_set(f, "image.dpkg.updates", DPKG_UPDATES, pending ? what : NULL);
}

/* The strongest containerd.io version pin of the image's apt preferences (apt's order:
 * /etc/apt/preferences, then preferences.d by name; the first of equal priorities wins). */
static int probe_pin(const struct view *v, struct facts *f)
{
	static const char *key = "image.apt.pin.containerd.io";
	_cleanup_(strv_freep) char **names = NULL;
	_cleanup_free_ char *best = NULL, *best_src = NULL;
	long best_prio = 0;
	size_t n = 0;
	int r = view_list(v, APT_PREFERENCES_D, &names, &n);

	if (r == -ENOMEM)
		return r;
	if (r < 0 && r != -ENOENT)
		return facts_set_err(f, key, APT_PREFERENCES_D, -r);
	for (size_t i = 0; i <= n; i++) {
		_cleanup_free_ char *path = NULL, *buf = NULL;
		struct apt_pin pin;
		unsigned line = 0;
		size_t len;

		if (i > 0 && !apt_pref_name_valid(names[i - 1]))
			continue;
		path = i == 0 ? strdup(APT_PREFERENCES)
			      : strdup_printf("%s/%s", APT_PREFERENCES_D, names[i - 1]);
		if (!path)
			return -ENOMEM;
		r = view_read(v, path, APT_PREFERENCES_MAX, &buf, &len);
		if (r == -ENOENT || r == -EISDIR)
			continue;
		if (r < 0)
			return r == -ENOMEM ? r : facts_set_err(f, key, path, -r);
		r = apt_pin_find(buf, len, "containerd.io", &pin, &line);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			_cleanup_free_ char *where = strdup_printf("%s:%u", path, line);

			return where ? facts_set_err(f, key, where, EBADMSG) : -ENOMEM;
		}
		if (r == 0)
			continue;
		if (!best || pin.priority > best_prio) {
			free(best);
			free(best_src);
			best = TAKE_PTR(pin.version);
			best_src = TAKE_PTR(path);
			best_prio = pin.priority;
		}
		free(pin.version);
	}
	if (!best)
		return facts_set(f, key, APT_PREFERENCES_D, NULL);
	char prio[32];

	snprintf(prio, sizeof(prio), "%ld", best_prio);
	return facts_set(f, key, best_src, best) ?:
	       facts_set(f, "image.apt.pin.containerd.io.priority", best_src, prio);
}

int image_probe(const struct image *img, const struct host *h, struct facts *f)
{
	static const char *const systemd[] = { "/lib/systemd/systemd", "/usr/lib/systemd/systemd",
					       NULL };
	static const char *const dockerd[] = { "/usr/bin/dockerd", "/usr/sbin/dockerd",
					       "/usr/local/bin/dockerd", NULL };
	static const char *const runc[] = { "/usr/bin/runc", "/usr/sbin/runc",
					    "/usr/local/sbin/runc", NULL };
	const struct view v = { .h = img->format == IMAGE_FORMAT_ROOT ? h : NULL,
				.ix = img->format == IMAGE_FORMAT_ROOT ? NULL : &img->index };
	const char *config = img->format == IMAGE_FORMAT_ROOT ? NULL : "the image config";

	return facts_set(f, "image.source", img->source, image_format_to_string(img->format)) ?:
	       probe_init(&v, f) ?: probe_program(&v, f, "image.systemd.binary", systemd) ?:
	       probe_program(&v, f, "image.docker.binary", dockerd) ?:
	       probe_program(&v, f, "image.runc.binary", runc) ?: probe_wants(&v, f) ?:
	       probe_tmp(&v, f) ?: probe_dpkg_image(&v, f) ?: probe_pin(&v, f) ?:
	       (config ? facts_set(f, "image.os", config, img->meta.os) ?:
			 facts_set(f, "image.arch", config, img->meta.arch) ?:
			 facts_set(f, "image.variant", config, img->meta.variant)
		       : 0);
}

int image_probe_failed(const char *source, int err, const char *why, struct facts *f)
{
	_cleanup_free_ char *src = strdup_printf("%s: %s", source, why ? why : strerror(err));

	return src ? facts_set_err(f, "image.source", src, err) : -ENOMEM;
}
