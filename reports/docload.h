/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_DOCLOAD_H
#define CVMPREP_DOCLOAD_H

#include <stddef.h>

struct cJSON;

/* The largest document a command reads back (a facts file, a report). */
#define DOC_SIZE_MAX (16 * 1024 * 1024)

/*
 * Reads back a JSON document the tool wrote (`cvmprep facts -o`, `check --format json -o`):
 * the file at path, at most DOC_SIZE_MAX bytes, whose "schema" must be want
 * ("cvmprep.facts/v1"). Returns 0 and *ret (caller deletes); -EINVAL with *ret_why, a phrase
 * saying what is wrong ("schema 'cvmprep.facts/v2' is not supported: ...", "truncated: ...";
 * caller frees); another -errno when the file cannot be read (-EFBIG past the bound); -ENOMEM.
 */
int doc_load(const char *path, const char *want, struct cJSON **ret, char **ret_why);

/* Why a document whose "schema" member is got (NULL: none, or not a string) is not of schema
 * want: a new phrase, or NULL when it is (also NULL on allocation failure: *ret_oom is set). */
char *doc_schema_mismatch(const char *got, const char *want, int *ret_oom);

#endif
