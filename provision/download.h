/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_DOWNLOAD_H
#define CVMPREP_PROV_DOWNLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "sha256.h"

/* What a download may be: a sysbox-ce .deb is ~40 MB. */
#define DOWNLOAD_MAX (256u * 1024 * 1024)
#define DOWNLOAD_TIMEOUT_S 600
#define DOWNLOAD_CONNECT_TIMEOUT_S 30

/* Whether s is a URL the downloader takes (http:// or https://). */
bool download_is_url(const char *s);

/*
 * Fetches url with libcurl into memory: http or https only (a redirect from https stays https),
 * the server's certificate and name verified for https, at most DOWNLOAD_MAX bytes and
 * DOWNLOAD_TIMEOUT_S seconds, an HTTP error (404) or a body shorter than announced (truncated)
 * an error. Then checks that its SHA-256 is want_sha256. Returns 0 and *ret, *ret_len (caller
 * frees); -EBADMSG when the hash differs (*ret_got, when not NULL, is the hash it has); -EIO
 * with *ret_why (a static or libcurl's string) for a failed transfer; -ENOMEM.
 */
int download_verified(const char *url, const char *want_sha256, char **ret, size_t *ret_len,
		      char *ret_got, const char **ret_why);

/* download_verified without the hash, at most max bytes: for what has no published hash (an apt
 * key, over https). Returns 0 and *ret, *ret_len; -EIO with *ret_why; -ENOMEM. */
int download_fetch(const char *url, size_t max, char **ret, size_t *ret_len, const char **ret_why);

/* The SHA-256 of len bytes of buf as hex into out[SHA256_HEX_LEN + 1]. Returns 0 or -EIO. */
int sha256_buf(const void *buf, size_t len, char *out);

#endif
