/* SPDX-License-Identifier: MIT */
/* The whiteout-applying index of the paths an image's rules need (index.h). */
#include "index.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/apt.h"
#include "core/dpkg.h"
#include "core/util.h"

static const char *const type_names[] = {
	[IMAGE_NONE] = "not recorded", [IMAGE_REG] = "file",	     [IMAGE_DIR] = "directory",
	[IMAGE_LNK] = "symlink",       [IMAGE_OTHER] = "special file",
};
_Static_assert(ELEMENTSOF(type_names) == _IMAGE_TYPE_MAX, "type_names");

const char *image_type_to_string(enum image_type t)
{
	return t < _IMAGE_TYPE_MAX ? type_names[t] : NULL;
}

/* The files whose bytes the rules parse, and how many of them they read. */
static const struct {
	const char *path;
	size_t max;
} content_files[] = {
	{ DPKG_STATUS, DPKG_STATUS_MAX },
	{ APT_PREFERENCES, APT_PREFERENCES_MAX },
};

/* The directories whose entries (at any depth) the rules look at; those of preferences.d are
 * read too. */
static const char *const listed_dirs[] = {
	"/tmp",
	"/etc/systemd/system/multi-user.target.wants",
	DPKG_UPDATES,
	APT_PREFERENCES_D,
};

/* The names of the programs and units the rules look for, wherever a link leads. */
static const char *const tracked_names[] = { "systemd", "init", "dockerd", "runc",
					     "docker.service" };

static const char *below(const char *path, const char *dir)
{
	const char *rest = startswith(path, dir);

	return rest && rest[0] == '/' && rest[1] ? rest + 1 : NULL;
}

enum image_track image_track(const char *path, enum image_type type)
{
	const char *base = strrchr(path, '/');

	for (size_t i = 0; type == IMAGE_REG && i < ELEMENTSOF(content_files); i++)
		if (streq(path, content_files[i].path))
			return TRACK_CONTENT;
	if (type == IMAGE_REG && below(path, APT_PREFERENCES_D) &&
	    !strchr(below(path, APT_PREFERENCES_D), '/'))
		return TRACK_CONTENT;
	if (type == IMAGE_LNK)
		return TRACK_ENTRY;
	for (size_t i = 0; i < ELEMENTSOF(listed_dirs); i++)
		if (below(path, listed_dirs[i]))
			return TRACK_ENTRY;
	for (size_t i = 0; base && type != IMAGE_DIR && i < ELEMENTSOF(tracked_names); i++)
		if (streq(base + 1, tracked_names[i]))
			return TRACK_ENTRY;
	return TRACK_NONE;
}

size_t image_track_max(const char *path)
{
	for (size_t i = 0; i < ELEMENTSOF(content_files); i++)
		if (streq(path, content_files[i].path))
			return content_files[i].max;
	return APT_PREFERENCES_MAX;
}

int image_path_clean(const char *name, char *out, size_t size)
{
	size_t n = 0;
	const char *p = name;

	if (!name[0] || name[0] == '/')
		return -EINVAL;
	if (size < 2)
		return -ENAMETOOLONG;
	while (*p) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return -EINVAL;
		if (len && !(len == 1 && p[0] == '.')) {
			if (n + 1 + len + 1 > size)
				return -ENAMETOOLONG;
			out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p = *end ? end + 1 : end;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return 0;
}

#define WH_PREFIX ".wh."
#define WH_OPQ ".wh..wh..opq"

enum image_wh image_whiteout(const char *path, char *out, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t dir_len;

	if (!base || !startswith(base + 1, WH_PREFIX))
		return WH_NONE;
	dir_len = (size_t)(base - path);
	if (streq(base + 1, WH_OPQ)) {
		if (dir_len + 2 > size)
			return WH_META;
		if (dir_len == 0)
			strcpy(out, "/");
		else {
			memcpy(out, path, dir_len);
			out[dir_len] = '\0';
		}
		return WH_OPAQUE;
	}
	if (startswith(base + 1, WH_PREFIX WH_PREFIX) || !base[1 + strlen(WH_PREFIX)])
		return WH_META;
	if (dir_len + 1 + strlen(base + 1 + strlen(WH_PREFIX)) + 1 > size)
		return WH_META;
	memcpy(out, path, dir_len);
	out[dir_len] = '/';
	strcpy(out + dir_len + 1, base + 1 + strlen(WH_PREFIX));
	return WH_FILE;
}

void index_init(struct image_index *ix)
{
	*ix = (struct image_index){ 0 };
}

static void entry_free(struct image_entry *e)
{
	free(e->path);
	free(e->target);
	free(e->content);
}

void index_free(struct image_index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		entry_free(&ix->v[i]);
	for (size_t i = 0; i < ix->n_wh; i++)
		free(ix->wh[i].path);
	free(ix->v);
	free(ix->slots);
	free(ix->wh);
	index_init(ix);
}

/* FNV-1a. */
static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The slot of path: its entry's, or the free one where it would go. */
static size_t *slot_of(const struct image_index *ix, const char *path)
{
	size_t mask = ix->n_slots - 1;

	for (size_t i = (size_t)hash(path) & mask;; i = (i + 1) & mask)
		if (!ix->slots[i] || streq(ix->v[ix->slots[i] - 1].path, path))
			return &ix->slots[i];
}

static int rehash(struct image_index *ix, size_t n_slots)
{
	size_t *slots = calloc(n_slots, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	free(ix->slots);
	ix->slots = slots;
	ix->n_slots = n_slots;
	for (size_t i = 0; i < ix->n; i++)
		*slot_of(ix, ix->v[i].path) = i + 1;
	return 0;
}

const struct image_entry *index_get(const struct image_index *ix, const char *path)
{
	size_t *s;

	if (!ix->n_slots)
		return NULL;
	s = slot_of(ix, path);
	return *s ? &ix->v[*s - 1] : NULL;
}

void index_begin_layer(struct image_index *ix, unsigned layer)
{
	ix->layer = layer;
}

static int wh_push(struct image_index *ix, const char *path, bool self)
{
	if (ix->bytes + strlen(path) + sizeof(*ix->wh) > INDEX_BYTES_MAX)
		return -E2BIG;
	if (ix->n_wh == ix->cap_wh) {
		size_t cap = ix->cap_wh ? ix->cap_wh * 2 : 16;
		struct index_wh *v = realloc(ix->wh, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ix->wh = v;
		ix->cap_wh = cap;
	}
	ix->wh[ix->n_wh].path = strdup(path);
	if (!ix->wh[ix->n_wh].path)
		return -ENOMEM;
	ix->wh[ix->n_wh++].self = self;
	ix->bytes += strlen(path) + sizeof(*ix->wh);
	return 0;
}

int index_whiteout(struct image_index *ix, const char *path, bool self)
{
	return wh_push(ix, path, self);
}

static int entry_fill(struct image_entry *e, const char *path, enum image_type type,
		      const char *target, const char *content, size_t content_len, int content_err)
{
	*e = (struct image_entry){ .type = type, .content_err = content_err };
	e->path = strdup(path);
	e->target = target ? strdup(target) : NULL;
	e->content = content ? malloc(content_len + 1) : NULL;
	if (!e->path || (target && !e->target) || (content && !e->content)) {
		entry_free(e);
		return -ENOMEM;
	}
	if (content) {
		memcpy(e->content, content, content_len);
		e->content[content_len] = '\0';
		e->content_len = content_len;
	}
	return 0;
}

static size_t entry_bytes(const struct image_entry *e)
{
	return sizeof(*e) + 2 * sizeof(size_t) + strlen(e->path) +
	       (e->target ? strlen(e->target) : 0) + e->content_len;
}

int index_add(struct image_index *ix, const char *path, enum image_type type, const char *target,
	      const char *content, size_t content_len, int content_err)
{
	struct image_entry e;
	size_t *s;
	int r;

	/* What a lower layer had below a path that is no longer a directory is gone. */
	if (type != IMAGE_DIR && !streq(path, "/")) {
		r = wh_push(ix, path, false);
		if (r < 0)
			return r;
	}
	r = entry_fill(&e, path, type, target, content, content_len, content_err);
	if (r < 0)
		return r;
	e.layer = ix->layer;
	if (ix->bytes + entry_bytes(&e) > INDEX_BYTES_MAX) {
		entry_free(&e);
		return -E2BIG;
	}
	s = ix->n_slots ? slot_of(ix, path) : NULL;
	if (s && *s) {
		struct image_entry *old = &ix->v[*s - 1];

		ix->bytes -= entry_bytes(old);
		entry_free(old);
		*old = e;
		ix->bytes += entry_bytes(&e);
		return 0;
	}
	if (ix->n >= INDEX_ENTRIES_MAX) {
		entry_free(&e);
		return -E2BIG;
	}
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 64;
		struct image_entry *v = realloc(ix->v, cap * sizeof(*v));

		if (!v) {
			entry_free(&e);
			return -ENOMEM;
		}
		ix->v = v;
		ix->cap = cap;
	}
	ix->v[ix->n++] = e;
	ix->bytes += entry_bytes(&e);
	if (2 * ix->n > ix->n_slots)
		return rehash(ix, ix->n_slots ? ix->n_slots * 2 : 128);
	*slot_of(ix, path) = ix->n;
	return 0;
}

static int wh_cmp(const void *a, const void *b)
{
	return strcmp(((const struct index_wh *)a)->path, ((const struct index_wh *)b)->path);
}

/* Whether v[n] (sorted by path) holds a deletion at path; with self, a whiteout of path
 * itself (an opaque directory keeps itself). */
static bool wh_at(const struct index_wh *v, size_t n, const char *path, bool self)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(v[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && streq(v[lo].path, path); lo++)
		if (!self || v[lo].self)
			return true;
	return false;
}

/* Whether a deletion of the layer removes path: a whiteout of it, or any deletion at one of
 * its ancestors. Each ancestor is looked up, so a layer costs n log w, not n times w. */
static bool wh_any(const struct index_wh *v, size_t n, const char *path)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, path, len + 1);
	if (wh_at(v, n, buf, true))
		return true;
	while (len > 1) {
		while (len > 0 && buf[len - 1] != '/')
			len--;
		len = len > 1 ? len - 1 : 1;
		buf[len] = '\0';
		if (wh_at(v, n, buf, false))
			return true;
	}
	return false;
}

int index_end_layer(struct image_index *ix)
{
	size_t kept = 0;

	if (!ix->n_wh)
		return 0;
	qsort(ix->wh, ix->n_wh, sizeof(*ix->wh), wh_cmp);
	for (size_t i = 0; i < ix->n; i++) {
		struct image_entry *e = &ix->v[i];

		if (e->layer < ix->layer && wh_any(ix->wh, ix->n_wh, e->path)) {
			ix->bytes -= entry_bytes(e);
			entry_free(e);
			continue;
		}
		ix->v[kept++] = *e;
	}
	ix->n = kept;
	for (size_t i = 0; i < ix->n_wh; i++) {
		ix->bytes -= strlen(ix->wh[i].path) + sizeof(*ix->wh);
		free(ix->wh[i].path);
	}
	ix->n_wh = 0;
	return ix->n_slots ? rehash(ix, ix->n_slots) : 0;
}
