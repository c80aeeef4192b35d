/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_IMAGE_SOURCE_H
#define CVMPREP_IMAGE_SOURCE_H

#include "index.h"
#include "manifest.h"

/* What SOURCE of `cvmprep image` is. */
enum image_format {
	IMAGE_FORMAT_ROOT,           /* an unpacked root directory: read through struct host */
	IMAGE_FORMAT_DOCKER_ARCHIVE, /* docker save: manifest.json and layer tars, in a tar */
	IMAGE_FORMAT_OCI_LAYOUT,     /* an OCI image layout directory: oci-layout, index.json */
	IMAGE_FORMAT_OCI_ARCHIVE,    /* the same in a tar */
	_IMAGE_FORMAT_MAX,
};

const char *image_format_to_string(enum image_format f);

/* An image read from SOURCE: its format, and for the archives, the layers' index and what the
 * configuration says. */
struct image {
	enum image_format format;
	char *source;
	struct image_index index; /* archives only */
	struct image_meta meta;
	char *manifest_digest; /* OCI: the manifest read; NULL otherwise */
	unsigned n_layers;
};

/*
 * Tells what source is and, for an archive or a layout, reads it: the manifest (for the
 * platform want, in an index), the configuration, then each layer once, bottom first, into
 * ret->index. Returns 0 and *ret (image_free() it); -EBADMSG, -E2BIG, -EFBIG or -errno of a
 * file, with *ret_why saying what (caller frees), when the image cannot be read; -ENOMEM.
 * ret is always filled.
 */
int image_read(const char *source, const struct image_platform *want, struct image *ret,
	       char **ret_why);
void image_free(struct image *img);

#endif
