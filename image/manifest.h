/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_IMAGE_MANIFEST_H
#define CVMPREP_IMAGE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The JSON documents of an image: docker save's manifest.json, an OCI layout's index.json,
 * image indexes and manifests (OCI image-spec, and Docker's distribution manifests v2), and the
 * image configuration. Parsers take a buffer and its length (at most MANIFEST_JSON_MAX), refuse
 * what they cannot use with -EBADMSG and a reason (*ret_why, caller frees), and return -ENOMEM.
 */

/* Sets *ret_why (caller frees) to the message and returns r, or -ENOMEM when it cannot be made:
 * how the image reader says what it cannot read. */
int image_why(char **ret_why, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define MANIFEST_JSON_MAX (4u * 1024 * 1024)
/* Docker refuses to stack more than 125 layers ("max depth exceeded"); more is no image a
 * runtime can start, and is refused before any is read. */
#define IMAGE_LAYERS_MAX 256
/* Image indexes nest (an index naming an index); deeper than this is refused. */
#define IMAGE_INDEX_DEPTH_MAX 4

/* A blob: where it is in the layout or archive, and what it must be. */
struct image_desc {
	char *name;   /* "blobs/sha256/HEX", or docker save's "ID/layer.tar" */
	char *digest; /* "sha256:HEX" (64 lowercase hex digits), or NULL: not known */
	long long size; /* -1: not known */
	char *media_type; /* NULL: not given */
};

void image_desc_free(struct image_desc *d);

/* What to read: the configuration, then the layers bottom first. */
struct image_plan {
	struct image_desc config;
	struct image_desc *layers;
	size_t n_layers;
};

void image_plan_free(struct image_plan *p);

/* docker save's manifest.json: the first image of the array. */
int manifest_docker(const char *json, size_t len, struct image_plan *ret, char **ret_why);

/* A wanted platform: "linux", "arm64", "v8" (variant may be NULL). */
struct image_platform {
	const char *os;
	const char *arch;
	const char *variant;
};

/* An image index (index.json, or one it names): the descriptor of the manifest for the
 * platform, *ret_nested when it names another index; else the first that names no platform
 * (umoci and skopeo write none: its config says which). Attestation manifests (platform
 * unknown/unknown) are passed over. */
int manifest_index_pick(const char *json, size_t len, const struct image_platform *want,
			struct image_desc *ret, bool *ret_nested, char **ret_why);

/* An image manifest: its config and layers. */
int manifest_image(const char *json, size_t len, struct image_plan *ret, char **ret_why);

/* The configuration of an image: what runs, as whom, for which platform. */
struct image_meta {
	char *os, *arch, *variant;
	char *user, *workdir;
	char **entrypoint, **cmd, **env; /* NULL-terminated; NULL when not set */
};

void image_meta_free(struct image_meta *m);

int manifest_config(const char *json, size_t len, struct image_meta *ret, char **ret_why);

/* Whether a media type names an image index (OCI or Docker's manifest list). */
bool manifest_type_is_index(const char *media_type);

#endif
