/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_SUMMARY_H
#define CVMPREP_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "checks/check.h"
#include "checks/verdict.h"
#include "idtab.h"

#define SUMMARY_SCHEMA "cvmprep.summary/v1"
/* The nodes (and unusable reports) a summary names in each list, by default and at most. */
#define SUMMARY_NODES_DEFAULT 20
#define SUMMARY_NODES_MAX 1000
/* The most failing checks it names. */
#define SUMMARY_TOP 10

/* A node a summary names: its report, its hostname, and why (the ids of the checks that made
 * it incompatible or undecided, as numbers of summary.ids), or why the report is unusable. */
struct summary_node {
	char *report;
	char *hostname; /* NULL when the report has none */
	size_t *ids;
	size_t n_ids;
	char *error; /* unusable reports only */
};

/* The first `limit` by report path of what a list counts: the sample is the same whatever
 * order the reports come in, and its size is bounded by the limit, not by the fleet. */
struct summary_list {
	struct summary_node *v; /* sorted by report */
	size_t n;
	size_t count; /* all that belong in the list, named or not */
};

/*
 * Counts across reports, which come one at a time: each is read, counted, and forgotten. What is
 * kept grows with the number of distinct check ids (the counts, per id) and with the limit (the
 * named nodes), never with the number of reports.
 */
struct summary {
	size_t limit; /* nodes named per list, at most SUMMARY_NODES_MAX */
	struct idtab ids;
	struct summary_id {
		unsigned long count[_STATUS_MAX];
		size_t order;     /* the registry's report order; ids it lacks after, as met */
		size_t seen_in;   /* the report (1-based) that last had it: an id twice is an error */
	} *per_id;
	size_t cap_per_id;
	unsigned long reports; /* usable ones */
	unsigned long verdicts[_VERDICT_MAX];
	struct summary_list nodes[_VERDICT_MAX]; /* incompatible and undecided ones */
	struct summary_list unusable;
	/* The report being read: its checks, (id, status), at most one per distinct id. */
	struct summary_check {
		size_t id;
		enum status status;
	} *cur;
	size_t cap_cur;
};

void summary_init(struct summary *s, size_t limit);
void summary_free(struct summary *s);

/* Reads one JSON report (len bytes at buf, from path) and counts it; one that is not a usable
 * report (not JSON, another schema, no verdict or checks, a check without id or status, an id
 * twice) is counted as unusable with the reason. Returns 0 or -ENOMEM. */
int summary_add(struct summary *s, const char *path, const char *buf, size_t len);
/* Counts a report that could not be read at all, with why. Returns 0 or -ENOMEM. */
int summary_add_unusable(struct summary *s, const char *path, const char *why);

/* The writers: text (a table and the lists) and JSON (schema cvmprep.summary/v1). Each returns
 * 0 or -ENOMEM. */
int summary_write_text(const struct summary *s, char **ret, size_t *ret_len);
int summary_write_json(const struct summary *s, time_t when, char **ret, size_t *ret_len);

#endif
