/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_VERDICT_H
#define CVMPREP_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "check.h"

/* What a run's results say as a whole (design.md, exit codes). */
enum verdict {
	VERDICT_COMPATIBLE,   /* exit 0 */
	VERDICT_INCOMPATIBLE, /* exit 1 */
	VERDICT_UNDECIDED,    /* exit 3 */
	_VERDICT_MAX,
};

struct tally {
	unsigned summary[_STATUS_MAX]; /* results per status */
	enum verdict verdict;
};

/* Counts the statuses of results[n] and decides: a fail (or, when strict, a warn) is
 * incompatible; otherwise an unknown is undecided; otherwise compatible. For the report and
 * for the provisioner's preflight gate alike. */
void verdict_tally(const struct result *results, size_t n, bool strict, struct tally *ret);
const char *verdict_to_string(enum verdict v);
int verdict_exit_code(enum verdict v);

#endif
