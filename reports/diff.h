/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_DIFF_H
#define CVMPREP_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct cJSON;

#define DIFF_SCHEMA "cvmprep.diff/v1"

/*
 * A JSON report (cvmprep.report/v1) read back for comparison: its checks in report order, each
 * with an id (unique in the report) and a status. Fields point into json.
 */
struct report_doc {
	struct cJSON *json; /* owned */
	const char *path;   /* as named, or NULL for the run in hand (check --baseline) */
	const char *hostname, *generated_at, *verdict;
	const struct cJSON **checks;
	size_t n_checks;
};

/* Reads the report at path (doc_load, then report_doc_from_json). Returns 0; -EINVAL with
 * *ret_why (caller frees) when it is not a usable report; another -errno when it cannot be
 * read; -ENOMEM. */
int report_doc_load(const char *path, struct report_doc *ret, char **ret_why);
/* Takes json (a report, owned from now on, also on error) into *ret, checking what a
 * comparison relies on. Returns 0, -EINVAL with *ret_why, or -ENOMEM. */
int report_doc_from_json(struct cJSON *json, const char *path, struct report_doc *ret,
			 char **ret_why);
void report_doc_free(struct report_doc *d);

/* The groups of a comparison, in the order they are shown. */
enum diff_kind {
	DIFF_REGRESSION, /* the status got worse: pass = skip < warn < unknown < fail */
	DIFF_FIX,        /* it got better */
	DIFF_CHANGE,     /* the same rank, and another status (pass, skip) or other observations */
	DIFF_ADDED,      /* only in the new report */
	DIFF_REMOVED,    /* only in the old one */
	_DIFF_MAX,
};

/* What differs in a check present in both: a DIFF_FIELD_* bit per field. */
enum {
	DIFF_FIELD_STATUS = 1 << 0,
	DIFF_FIELD_OBSERVED = 1 << 1,
	DIFF_FIELD_EXPECTED = 1 << 2,
	DIFF_FIELD_MESSAGE = 1 << 3,
	DIFF_FIELD_REMEDIATION = 1 << 4,
	DIFF_FIELD_EVIDENCE = 1 << 5,
	_DIFF_FIELD_COUNT = 6,
};

struct diff_entry {
	enum diff_kind kind;
	const struct cJSON *old, *new; /* the check objects; NULL for added, removed */
	unsigned fields;               /* DIFF_FIELD_* */
};

struct report_diff {
	const struct report_doc *old, *new;
	/* Grouped by kind, each group in report order (the new report's; removed: the old's). */
	struct diff_entry *v;
	size_t n;
	size_t count[_DIFF_MAX];
	bool verdict_worse; /* compatible < undecided < incompatible */
	bool regressed;     /* a regression, or a worse verdict: exit 1 */
};

/* Compares old with new. Returns 0 and *ret (report_diff_free), or -ENOMEM. */
int report_diff(const struct report_doc *old, const struct report_doc *new,
		struct report_diff *ret);
void report_diff_free(struct report_diff *d);

const char *diff_kind_to_string(enum diff_kind k);
const char *diff_field_to_string(unsigned bit_index);

/* The comparison as JSON: old, new, regressed, summary and the groups (what the diff schema
 * calls a comparison). Returns NULL on allocation failure. */
struct cJSON *report_diff_json(const struct report_diff *d);
/* `cvmprep diff --format json`: the comparison under the head of every document. */
int report_diff_write_json(const struct report_diff *d, time_t when, char **ret, size_t *ret_len);
/* The text form: head line (with_head: `cvmprep diff`, else the baseline section of a report),
 * the groups, the counts. Returns 0 or -ENOMEM. */
int report_diff_write_text(const struct report_diff *d, bool with_head, char **ret,
			   size_t *ret_len);

#endif
