/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_SHA256_H
#define CVMPREP_PROV_SHA256_H

#include <stdbool.h>
#include <stddef.h>

#define SHA256_HEX_LEN 64

/* Whether s is 64 hex digits (either case). */
bool sha256_hex_valid(const char *s);

/* The SHA-256 of the file at path (opened as given), with OpenSSL's EVP, as lowercase hex into
 * out[SHA256_HEX_LEN + 1]. Returns 0 or -errno (-EIO when the digest fails). */
int sha256_file(const char *path, char *out);

/* Whether two hex digests are the same, ignoring case. */
bool sha256_equal(const char *a, const char *b);

#endif
