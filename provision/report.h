/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_REPORT_H
#define CVMPREP_PROV_REPORT_H

#include "plan.h"

struct cJSON;

/* The report's "provision" section (reports/schema/cvmprep.report.v1.json): the options, each
 * step with its outcome, message, files and commands (argv, exit status, duration, and the
 * tail of the output of a command that failed). Returns a new object, or NULL on allocation
 * failure. */
struct cJSON *prov_report_json(const struct prov_result *res, const struct prov_opts *o);

#endif
