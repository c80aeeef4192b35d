/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_IMAGE_INDEX_H
#define CVMPREP_IMAGE_INDEX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The few paths of an image the rules need, as the layers leave them: each layer is added in
 * order, bottom first, and its whiteouts (".wh.NAME" deletes NAME, ".wh..wh..opq" empties its
 * directory; OCI image-spec layer.md) and replacements delete what lower layers put there when
 * the layer ends. Nothing is extracted: the index holds every symlink (to resolve paths inside
 * the image), the entries of the directories and the files the rules read (image_track), and
 * the contents of the few files they parse. Memory is bounded (INDEX_BYTES_MAX).
 */

enum image_type {
	IMAGE_NONE, /* not recorded: an untracked path (a directory, a file, or nothing) */
	IMAGE_REG,
	IMAGE_DIR,
	IMAGE_LNK,
	IMAGE_OTHER, /* a device, a FIFO, a socket */
	_IMAGE_TYPE_MAX,
};

const char *image_type_to_string(enum image_type t);

/* What the index keeps of a path. */
enum image_track {
	TRACK_NONE,
	TRACK_ENTRY,   /* its type (and a symlink's target) */
	TRACK_CONTENT, /* and its bytes, up to image_track_max() */
};

/* How the index treats a path of this type (clean, absolute). Pure. */
enum image_track image_track(const char *path, enum image_type type);
/* The largest content kept of a TRACK_CONTENT path; a larger file is recorded with EFBIG. */
size_t image_track_max(const char *path);

/* All the index may hold (paths, targets, contents); past it, adding fails with -E2BIG. */
#define INDEX_BYTES_MAX (160u * 1024 * 1024)
#define INDEX_ENTRIES_MAX (256u * 1024)

struct image_entry {
	char *path;   /* clean and absolute: "/usr/sbin/init" */
	char *target; /* a symlink's target as written; NULL otherwise */
	char *content;
	size_t content_len;
	int content_err; /* EFBIG when the file was larger than kept */
	unsigned layer;
	enum image_type type;
};

struct image_index {
	struct image_entry *v;
	size_t n, cap;
	size_t *slots; /* open addressing by path: 1 + position, 0 free */
	size_t n_slots;
	size_t bytes;
	unsigned layer; /* the layer being added */
	/* The deletions the layer asks of the lower ones, applied by index_end_layer. */
	struct index_wh {
		char *path;
		bool self; /* the path itself too (a whiteout), not only below it (opaque) */
	} *wh;
	size_t n_wh, cap_wh;
};

/*
 * Cleans a layer's entry name into out: "./usr/bin/x", "usr//bin/./x" and "usr/bin/x/" are
 * "/usr/bin/x"; "." and "./" are "/". A name that is empty, absolute or holds a ".." component
 * is refused (-EINVAL): it would be written outside the root. Returns 0 or -EINVAL; -ENAMETOOLONG
 * when out is too small.
 */
int image_path_clean(const char *name, char *out, size_t size);

/* What a clean path says about whiteouts. */
enum image_wh {
	WH_NONE,
	WH_FILE,   /* ".wh.NAME": *ret_path is dir/NAME */
	WH_OPAQUE, /* ".wh..wh..opq": *ret_path is its directory */
	WH_META,   /* another ".wh..wh." name (aufs metadata): ignored */
};

/* Whether path is a whiteout, and of what, into out[size]. Pure. */
enum image_wh image_whiteout(const char *path, char *out, size_t size);

void index_init(struct image_index *ix);
void index_free(struct image_index *ix);

/* Starts the next layer (the first is 0). */
void index_begin_layer(struct image_index *ix, unsigned layer);
/* Records an entry of the current layer (replacing one of a lower layer, or of the same layer:
 * the later entry of a tar wins). target is a symlink's; content (may be NULL) is copied.
 * A non-directory replaces all a lower layer had below it. Returns 0, -E2BIG or -ENOMEM. */
int index_add(struct image_index *ix, const char *path, enum image_type type, const char *target,
	      const char *content, size_t content_len, int content_err);
/* A whiteout of the current layer: deletes path (self) or what is below it from lower layers.
 * Returns 0, -E2BIG or -ENOMEM. */
int index_whiteout(struct image_index *ix, const char *path, bool self);
/* Applies the layer's whiteouts. Returns 0 or -ENOMEM. */
int index_end_layer(struct image_index *ix);

/* The entry recorded at path, or NULL. */
const struct image_entry *index_get(const struct image_index *ix, const char *path);

#endif
