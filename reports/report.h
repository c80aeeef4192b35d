/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_REPORT_H
#define CVMPREP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "checks/check.h"

#define CVMPREP_VERSION "0.1.0"
#define REPORT_SCHEMA "cvmprep.report/v1"
#define FACTS_SCHEMA "cvmprep.facts/v1"

enum verdict {
	VERDICT_COMPATIBLE,   /* exit 0 */
	VERDICT_INCOMPATIBLE, /* exit 1 */
	VERDICT_UNDECIDED,    /* exit 3 */
	_VERDICT_MAX,
};

struct report {
	const struct config *cfg;
	const struct facts *facts; /* for the host header */
	const char *root;
	const char *mode;
	const struct result *results;
	size_t n_results;
	unsigned summary[_STATUS_MAX];
	enum verdict verdict;
	time_t generated_at;
};

/* Counts the statuses and decides the verdict: a fail (or, with --strict, a warn) is
 * incompatible; otherwise an unknown is undecided; otherwise compatible. */
void report_tally(struct report *rep);
const char *verdict_to_string(enum verdict v);
int verdict_exit_code(enum verdict v);

/* A writer renders the report into a new buffer (*ret, *ret_len; caller frees). color asks for
 * terminal colours where the format has them. Returns 0 or -ENOMEM. */
typedef int (*report_writer_fn)(const struct report *rep, bool color, char **ret, size_t *ret_len);

struct report_format {
	const char *name;
	report_writer_fn write;
};

const struct report_format *report_format_find(const char *name);
extern const struct report_format report_formats[];
extern const size_t n_report_formats;

int report_write_text(const struct report *rep, bool color, char **ret, size_t *ret_len);
int report_write_json(const struct report *rep, bool color, char **ret, size_t *ret_len);

/* The common head of every JSON document the tool writes: schema, tool, generated_at.
 * Returns the new object or NULL. */
struct cJSON *report_json_head(const char *schema, time_t when);
/* Pretty-prints json with a final newline into a new buffer. Returns 0 or -ENOMEM. */
int json_print(const struct cJSON *json, char **ret, size_t *ret_len);

#endif
