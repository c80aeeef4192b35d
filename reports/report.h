/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_REPORT_H
#define CVMPREP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "checks/check.h"
#include "checks/verdict.h"
#include "image/source.h"

#define CVMPREP_VERSION "0.1.0"
#define REPORT_SCHEMA "cvmprep.report/v1"
#define FACTS_SCHEMA "cvmprep.facts/v1"

/* The report's header, filled once from the facts by report_tally: what the writers say about
 * the host, so that none of them looks fact keys up. NULL where a fact was not read. */
struct report_header {
	const char *hostname;
	const char *os_id, *os_version_id, *os_pretty_name;
	const char *kernel;
	const char *arch;
	const char *mode;	 /* "host" or "pod", as the run resolved it */
	const char *mode_source; /* why: the source of host.mode, NULL when not recorded */
	const char *root;
	/* host.mode, then each piece of evidence for it (mode_evidence_keys) that was recorded */
	const struct fact *mode_evidence[8];
	size_t n_mode_evidence;
};

struct report_diff;

struct report {
	/* Given by the caller. */
	const struct config *cfg;
	const struct facts *facts;
	const char *root;
	const char *mode;
	const struct result *results;
	size_t n_results;
	time_t generated_at;
	/* The "provision" section (provision/report.h), or NULL for null: `cvmprep check`. */
	const struct cJSON *provision;
	/* `cvmprep image`: the image judged (its format and configuration), or NULL. */
	const struct image *image;
	/* `check --baseline`: this run compared with an earlier report (diff.h), or NULL. */
	const struct report_diff *baseline;
	/* Filled by report_tally. */
	unsigned summary[_STATUS_MAX];
	enum verdict verdict;
	struct report_header header;
};

/* Counts the statuses and decides the verdict (verdict_tally), and fills the header from the
 * facts (which may be NULL). */
void report_tally(struct report *rep);

/* A writer renders the report into a new buffer (*ret, *ret_len; caller frees). color asks for
 * terminal colours where the format has them. Returns 0 or -ENOMEM. */
typedef int (*report_writer_fn)(const struct report *rep, bool color, char **ret, size_t *ret_len);

/* The commands that write a format (--format): check all; the formats where fleets look for a
 * node's verdict (junit, tap, nfd) check alone; prom check and provision (its steps). */
enum {
	REPORT_FOR_CHECK = 1 << 0,
	REPORT_FOR_IMAGE = 1 << 1,
	REPORT_FOR_PROVISION = 1 << 2, /* text: provision's progress on standard output */
};

struct report_format {
	const char *name;
	report_writer_fn write;
	unsigned commands; /* REPORT_FOR_* */
};

const struct report_format *report_format_find(const char *name);
/* The length of a check id's area: the id up to its first '.' ("kernel" of "kernel.version"). */
size_t report_area_len(const char *id);
extern const struct report_format report_formats[];
extern const size_t n_report_formats;

int report_write_text(const struct report *rep, bool color, char **ret, size_t *ret_len);
int report_write_json(const struct report *rep, bool color, char **ret, size_t *ret_len);
int report_write_tap(const struct report *rep, bool color, char **ret, size_t *ret_len);
/* A JUnit XML document: a <testsuite> per area, a <testcase> per check. */
int report_write_junit(const struct report *rep, bool color, char **ret, size_t *ret_len);
int report_write_prom(const struct report *rep, bool color, char **ret, size_t *ret_len);
/* Returns 0, -ENOMEM, or -EFBIG when the file would reach NFD's 64 KiB limit. */
int report_write_nfd(const struct report *rep, bool color, char **ret, size_t *ret_len);
/* `cvmprep image --dockerfile`: the Dockerfile lines of the image recipe that fix each image
 * check that failed or warned, in the recipe's order. Returns 0 or -ENOMEM. */
int report_write_dockerfile(const struct report *rep, char **ret, size_t *ret_len);

/* The key of the assumed fact (--assume) that evidence i of r is, the first time r's evidence
 * names it; NULL for evidence read from the host, or named before. Writers mark what-if rows
 * with it. */
const char *result_assumed_key(const struct result *r, size_t i);

/* The JSON report as report_write_json writes it. Returns NULL on allocation failure. */
struct cJSON *report_json(const struct report *rep);

/* The common head of every JSON document the tool writes: schema, tool, generated_at.
 * Returns the new object or NULL. */
struct cJSON *report_json_head(const char *schema, time_t when);
/* Pretty-prints json with a final newline into a new buffer, as valid UTF-8 whatever the host
 * wrote (json_fix_utf8 in report.c rewrites the strings that are not). Returns 0 or -ENOMEM. */
int json_print(struct cJSON *json, char **ret, size_t *ret_len);

#endif
