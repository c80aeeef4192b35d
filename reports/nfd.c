/* SPDX-License-Identifier: MIT */
/*
 * The report as a Node Feature Discovery features.d file (NFD's local feature source): one
 * "name=value" label a line, all under cvmprep.io/: the verdict, the worst status of each area
 * (the check id up to its first '.'), and a label for each check that did not pass. Names and
 * values are valid Kubernetes labels (a name part and a value of at most 63 characters of
 * [A-Za-z0-9._-], alphanumeric at both ends), and they come only from the check table and the
 * status names, never from the host. "# +expiry-time=" (RFC 3339) makes NFD drop the labels
 * should no later run replace the file. `-o` writes a hidden temporary file and renames it
 * (core/fileio.c): NFD watches the directory and skips dotfiles.
 */
#include <stdio.h>

#include "core/util.h"
#include "report.h"

#define NFD_NS "cvmprep.io/"
/* Twice the DaemonSet's hourly run (deploy/daemonset.yaml): one late run keeps the labels. */
#define NFD_EXPIRY_SECONDS (2 * 3600)
/* NFD reads a features file of up to 64 KiB (its local source's limit). */
#define NFD_FILE_MAX (64 * 1024)
#define LABEL_PART_MAX 63

/* Worst first: what an area's label says when its checks disagree. */
static const unsigned status_rank[] = {
	[STATUS_FAIL] = 4, [STATUS_UNKNOWN] = 3, [STATUS_WARN] = 2, [STATUS_PASS] = 1,
	[STATUS_SKIP] = 0,
};
_Static_assert(ELEMENTSOF(status_rank) == _STATUS_MAX, "status_rank");

static bool label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

static bool label_alnum(char c)
{
	return label_char(c) && c != '.' && c != '_' && c != '-';
}

/* A label name part or value: 1 to 63 characters, alphanumeric at both ends. */
static bool label_part_valid(const char *s, size_t n)
{
	if (n == 0 || n > LABEL_PART_MAX || !label_alnum(s[0]) || !label_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!label_char(s[i]))
			return false;
	return true;
}

/* A check id too long or odd for a label is left out rather than cut into another's name. */
static void write_label(FILE *out, const char *kind, const char *name, size_t n, enum status s)
{
	char part[LABEL_PART_MAX + 2];
	int len = snprintf(part, sizeof(part), "%s.%.*s", kind, (int)n, name);

	if (len < 0 || (size_t)len >= sizeof(part) || !label_part_valid(part, (size_t)len))
		return;
	fprintf(out, NFD_NS "%s=%s\n", part, status_to_string(s));
}

int report_write_nfd(const struct report *rep, bool color _unused_, char **ret, size_t *ret_len)
{
	time_t expiry = rep->generated_at + NFD_EXPIRY_SECONDS;
	char stamp[sizeof("2026-11-22T10:00:00Z")];
	char *buf = NULL;
	size_t len = 0;
	struct tm tm;
	FILE *out;

	if (!gmtime_r(&expiry, &tm) || strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -EINVAL;
	out = open_memstream(&buf, &len);
	if (!out)
		return -ENOMEM;
	fprintf(out, "# cvmprep %s: NFD features file, written by cvmprep check --format nfd\n",
		CVMPREP_VERSION);
	fprintf(out, "# +expiry-time=%s\n", stamp);
	fprintf(out, NFD_NS "verdict=%s\n", verdict_to_string(rep->verdict));
	for (size_t i = 0; i < rep->n_results; i++) {
		const char *id = rep->results[i].check->id;
		size_t n = report_area_len(id);
		enum status worst = rep->results[i].status;
		bool first = true;

		for (size_t j = 0; j < rep->n_results && first; j++) {
			const char *other = rep->results[j].check->id;

			if (report_area_len(other) != n || strncmp(other, id, n) != 0)
				continue;
			first = j >= i; /* the area's first check writes its label */
			if (status_rank[rep->results[j].status] > status_rank[worst])
				worst = rep->results[j].status;
		}
		if (first)
			write_label(out, "area", id, n, worst);
	}
	for (size_t i = 0; i < rep->n_results; i++)
		if (rep->results[i].status != STATUS_PASS)
			write_label(out, "check", rep->results[i].check->id,
				    strlen(rep->results[i].check->id), rep->results[i].status);
	if (fclose(out) != 0) {
		free(buf);
		return -ENOMEM;
	}
	if (len >= NFD_FILE_MAX) {
		free(buf);
		return -EFBIG;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}
