/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROBE_H
#define CVMPREP_PROBE_H

#include "check.h"

/* Records the one-line file at path as fact key: its text, or the errno that kept it from being
 * read. Returns 0, or -ENOMEM. */
int probe_line(const struct host *h, struct facts *f, const char *key, const char *path);

#endif
