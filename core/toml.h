/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_TOML_H
#define CVMPREP_TOML_H

#include <stddef.h>

/*
 * A scanner for the part of TOML (v1.0.0) a check needs of containerd's config.toml: which
 * tables and keys exist, by their full dotted path, and the raw text of each value. It reads
 * table headers ([a."b.c".d], [[a.b]]), keys (bare, quoted, dotted) and skips values, following
 * strings (basic, literal, multi-line) and arrays or inline tables over several lines, so that
 * nothing inside a value is taken for a header or a key. Keys inside inline tables are not
 * reported (their table's key is). It does not check values: it is no validator.
 */

#define TOML_PATH_MAX 16  /* components of a path */
#define TOML_NAME_MAX 256 /* bytes of one component */

/*
 * Called for each table header (value NULL) and each key (value: the raw text of its value,
 * value_len bytes, over several lines for a multi-line array or string, up to its last
 * character that is neither blank nor in a comment) with the full path,
 * n components (a key's includes its table's). Strings are valid during the call only. A
 * negative return stops the scan and is returned.
 */
typedef int (*toml_cb)(const char *const *path, size_t n, const char *value, size_t value_len,
		       void *userdata);

/*
 * Scans len bytes of buf. Returns 0, the callback's negative return, or -EBADMSG (with
 * *ret_line, 1-based, when not NULL) for what no TOML reader accepts: a malformed header or
 * key, a key without '=', an unterminated string or array, a NUL byte, a path deeper than
 * TOML_PATH_MAX or a component longer than TOML_NAME_MAX. Linear in len, no allocation.
 */
int toml_scan(const char *buf, size_t len, toml_cb cb, void *userdata, unsigned *ret_line);

#endif
