/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_LIVE_H
#define CVMPREP_LIVE_H

#include "check.h"
#include "core/child.h"

/* Helpers of the kernel and namespace checks (kernel_live.c, userns.c, security.c, ...). */

/*
 * Functional probes (kernel.idmap, kernel.seccomp-notify, userns.procfs) run a child process
 * (core/child.h) on the running machine, only when cfg->probes. Each records one fact:
 *   "ok"                      every step worked;
 *   "<step>: <error>"         a step failed: steps[res->step] names it (the kernel said no);
 *   errno (source as given)   the child could not answer (timed out, died, no pipe).
 * No fact at all means the probe did not run.
 */

/* Records key from what child_run() returned (r) and the child's result. Returns 0 or -ENOMEM. */
int live_record(struct facts *f, const char *key, const char *source, int r,
		const struct child_result *res, const char *const *steps, size_t n_steps);

/*
 * For the rules: looks up key. Returns 1 and *ret when the probe answered ("ok" or a failed
 * step). Otherwise sets r and returns 0: skip when the probe did not run (saying why, from cfg),
 * unknown when it could not answer. Returns -ENOMEM on allocation failure.
 */
int live_need(struct result *r, const struct facts *f, const struct config *cfg, const char *key,
	      const struct fact **ret);

/* Why a functional probe did not run, for messages: "not the running host", "not root" or
 * "--no-probe". */
const char *live_off_reason(const struct config *cfg);

/*
 * As probe_line(), for a file only some kernels have (a sysctl of a distribution's patch): when
 * it is missing from dir, and dir exists, it is recorded as absent (value NULL). Returns 0 or
 * -ENOMEM.
 */
int probe_line_opt(const struct host *h, struct facts *f, const char *key, const char *path,
		   const char *dir);

/* Parses a whole unsigned decimal number (a sysctl value). Returns 0 and *ret, or -EINVAL. */
int parse_count(const char *s, unsigned long long *ret);

/* Whether the directory path exists on the host: 1, 0, or -errno when that cannot be told. */
int host_dir_exists(const struct host *h, const char *path);

#endif
