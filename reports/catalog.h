/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_CATALOG_H
#define CVMPREP_CATALOG_H

#include <stdio.h>

#include "checks/check.h"

/* Writes every check id and title, and the profiles, as "text", "json" or "md".
 * Returns 0, -EINVAL for another format, or -ENOMEM. */
int catalog_list(FILE *out, const char *format);

/* Writes what c reads, its rule, why, the fix and the source. */
void catalog_explain(FILE *out, const struct check *c);

#endif
