/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_RUNNER_H
#define CVMPREP_RUNNER_H

#include "check.h"

/* What a run does with each check of the registry. */
enum selection {
	SELECT_RUN,
	SELECT_SKIP, /* reported as skip: --skip named it */
	SELECT_OMIT, /* left out of the report: --only did not name it */
};

/*
 * Fills sel[checks_count()] from --skip and --only patterns (check ids or fnmatch(3) globs such
 * as "kernel.config.*"). Returns 0, or -EINVAL when a pattern matches no check (*ret_bad is that
 * pattern).
 */
int checks_select(char *const *skip, size_t n_skip, char *const *only, size_t n_only,
		  enum selection *sel, const char **ret_bad);
/* The same for the checks of target t (checks_select: the node's); the others are omitted. */
int checks_select_target(enum check_target t, char *const *skip, size_t n_skip,
			 char *const *only, size_t n_only, enum selection *sel,
			 const char **ret_bad);

/*
 * Runs the selected checks in report order. With h, the checks' probes run first (each probe
 * once per run, the identity probes always) and add to f; with h NULL, f is taken as given
 * (--facts). Then the facts in assume (may be NULL) replace those read, and the rules run.
 * A probe that fails as a whole makes its checks unknown, with the errno as evidence.
 * Returns 0 and *ret, *ret_n (caller frees with results_free), or -ENOMEM.
 */
int checks_run(const struct host *h, const struct config *cfg, const enum selection *sel,
	       const struct facts *assume, struct facts *f, struct result **ret, size_t *ret_n);

/* Runs every probe once, for `cvmprep facts`. Returns 0 or -ENOMEM; what a probe could not read
 * is in f with its errno. */
int facts_gather(const struct host *h, const struct config *cfg, struct facts *f);

void results_free(struct result *v, size_t n);

#endif
