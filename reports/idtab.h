/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_IDTAB_H
#define CVMPREP_IDTAB_H

#include <stddef.h>

/*
 * A set of strings (check ids) numbered in the order they were first added, with an
 * open-addressing index, so that looking up or adding n ids is linear in n: diff matches the
 * checks of two reports by id, summarize counts across reports by it. Its memory grows with the
 * number of distinct ids, never with how often they are looked up.
 */
struct idtab {
	char **ids;   /* by number */
	size_t n;     /* ids held */
	size_t cap;   /* of ids */
	size_t *slot; /* 0 free, else 1 + the number of the id there */
	size_t n_slot; /* a power of two, at least twice n; 0 before the first id */
};

/* The number of the len bytes at id, or -1 when it is not held. */
long idtab_find(const struct idtab *t, const char *id, size_t len);
/* The same, adding the id (copied) when it is not held. Returns the number or -ENOMEM. */
long idtab_add(struct idtab *t, const char *id, size_t len);
void idtab_free(struct idtab *t);

#endif
