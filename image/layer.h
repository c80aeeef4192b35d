/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_IMAGE_LAYER_H
#define CVMPREP_IMAGE_LAYER_H

#include <stdbool.h>
#include <stddef.h>

#include "index.h"
#include "manifest.h"

struct archive;

/*
 * A blob read once, front to back, from a file or from a member of an outer archive, with its
 * SHA-256 and size counted as it goes and checked against its descriptor at the end. Layers are
 * decompressed (gzip, zstd, or none: told by their first bytes) and read as tar by libarchive;
 * nothing is written to disk.
 */
struct blob {
	int fd;                /* the blob's own file, or -1 */
	struct archive *outer; /* else the outer archive, positioned at the member */
	const struct image_desc *desc;
	void *md; /* EVP_MD_CTX */
	unsigned long long n;
	bool eof;
	char buf[64 * 1024];
};

/* Starts reading desc's bytes from fd (taken: blob_close closes it) or outer (borrowed). */
int blob_open(struct blob *b, const struct image_desc *desc, int fd, struct archive *outer);
void blob_close(struct blob *b);

/* Reads the whole blob (at most max bytes, else -EFBIG) and checks it (blob_verify). Returns 0
 * and *ret (NUL-terminated, caller frees), *ret_len; -errno with *ret_why. */
int blob_slurp(struct blob *b, size_t max, char **ret, size_t *ret_len, char **ret_why);

/* Reads what is left of the blob and checks size and digest: -EBADMSG with *ret_why when either
 * is not the descriptor's, -EIO when it cannot be read. */
int blob_verify(struct blob *b, char **ret_why);

/* Reads the blob as one layer's tar stream into ix as layer n, then verifies it. A name that is
 * absolute or climbs out ('..'), a hard link to one, a stream that is not tar, or one cut short
 * is refused with -EBADMSG and *ret_why naming the entry. Returns 0, -EBADMSG, -E2BIG (the
 * index is full), -EIO or -ENOMEM. */
int layer_read(struct blob *b, struct image_index *ix, unsigned n, char **ret_why);

#endif
