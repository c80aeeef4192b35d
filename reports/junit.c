/* SPDX-License-Identifier: MIT */
/*
 * The report as JUnit XML, in the shape Ant's JUnit task writes and Jenkins, GitLab and the
 * other CI servers read: <testsuites>, a <testsuite> per area (the check id up to its first
 * '.', in report order) with the <properties> of the run and its counts, a <testcase> per check
 * (classname "cvmprep.AREA", name the check id, time its duration). fail is a <failure>, unknown
 * an <error> (the evidence could not be read: not the node's fault), skip <skipped>; a warning
 * passes, its message in the testcase's <system-out>. What comes from the host is escaped for
 * XML 1.0 (escape.h: xml_escape_fputs), and the whole document is UTF-8.
 */
#include <stdio.h>

#include "core/util.h"
#include "escape.h"
#include "report.h"

#define JUNIT_PACKAGE "cvmprep"

/* The element a status becomes inside its <testcase>; NULL: none (pass, warn). */
static const char *const status_element[] = {
	[STATUS_PASS] = NULL,	    [STATUS_WARN] = NULL,     [STATUS_FAIL] = "failure",
	[STATUS_UNKNOWN] = "error", [STATUS_SKIP] = "skipped",
};
_Static_assert(ELEMENTSOF(status_element) == _STATUS_MAX, "status_element");

struct junit_counts {
	unsigned tests, failures, errors, skipped;
	unsigned long long time_us;
};

static void count(struct junit_counts *c, const struct result *r)
{
	c->tests++;
	c->failures += r->status == STATUS_FAIL;
	c->errors += r->status == STATUS_UNKNOWN;
	c->skipped += r->status == STATUS_SKIP;
	c->time_us += r->duration_us;
}

/* Seconds with microseconds, summed in microseconds so that a suite's time is exactly the sum
 * of its testcases'. */
static void write_time(FILE *out, unsigned long long us)
{
	fprintf(out, " time=\"%llu.%06llu\"", us / 1000000, us % 1000000);
}

static void write_attr(FILE *out, const char *name, const char *value)
{
	fprintf(out, " %s=\"", name);
	xml_escape_fputs(out, value, true);
	fputc('"', out);
}

static bool same_area(const char *a, const char *b)
{
	size_t n = report_area_len(a);

	return report_area_len(b) == n && strncmp(a, b, n) == 0;
}

/* A hostname attribute must hold something but blanks (Ant's schema: a token of length 1 or
 * more); the host's may be missing or empty. */
static const char *hostname_of(const struct report *rep)
{
	const char *h = rep->header.hostname;

	for (const char *p = h; p && *p; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return h;
	return "unknown";
}

static void write_properties(FILE *out, const struct report *rep)
{
	const struct report_header *h = &rep->header;
	const char *props[][2] = {
		{ "cvmprep.version", CVMPREP_VERSION },
		{ "cvmprep.verdict", verdict_to_string(rep->verdict) },
		{ "cvmprep.profile", rep->cfg->profile->name },
		{ "cvmprep.caching", rep->cfg->caching ? "true" : "false" },
		{ "cvmprep.shiftfs_autoload", rep->cfg->shiftfs_autoload ? "true" : "false" },
		{ "cvmprep.strict", rep->cfg->strict ? "true" : "false" },
		{ "cvmprep.mode", h->mode },
		{ "cvmprep.root", h->root },
		{ "cvmprep.kernel", h->kernel },
		{ "cvmprep.arch", h->arch },
		{ "cvmprep.os", h->os_pretty_name ? h->os_pretty_name : h->os_id },
	};

	fputs("    <properties>\n", out);
	for (size_t i = 0; i < ELEMENTSOF(props); i++) {
		if (!props[i][1])
			continue;
		fputs("      <property", out);
		write_attr(out, "name", props[i][0]);
		write_attr(out, "value", props[i][1]);
		fputs("/>\n", out);
	}
	fputs("    </properties>\n", out);
}

/* The text of a <failure>, an <error> or a warning's <system-out>: what was seen, what was
 * wanted and how to fix it, a line each. */
static void write_details(FILE *out, const struct result *r, const char *first)
{
	const char *lines[][2] = {
		{ first, first ? r->message : NULL },
		{ "observed: ", r->observed },
		{ "expected: ", r->expected },
		{ "fix: ", r->remediation },
	};
	bool any = false;

	for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
		if (!lines[i][1])
			continue;
		if (any)
			fputc('\n', out);
		fputs(lines[i][0], out);
		xml_escape_fputs(out, lines[i][1], false);
		any = true;
	}
}

static void write_testcase(FILE *out, const struct result *r, size_t area)
{
	const char *elem = status_element[r->status];
	const char *message = r->message ? r->message : status_to_string(r->status);

	fprintf(out, "    <testcase name=\"");
	xml_escape_fputs(out, r->check->id, true);
	fprintf(out, "\" classname=\"" JUNIT_PACKAGE ".%.*s\"", (int)area, r->check->id);
	write_time(out, r->duration_us);
	if (r->status == STATUS_PASS) {
		fputs("/>\n", out);
		return;
	}
	fputs(">\n", out);
	if (r->status == STATUS_WARN) {
		fputs("      <system-out>", out);
		write_details(out, r, "warn: ");
		fputs("</system-out>\n", out);
	} else if (r->status == STATUS_SKIP) {
		fprintf(out, "      <%s", elem);
		write_attr(out, "message", message);
		fputs("/>\n", out);
	} else {
		fprintf(out, "      <%s type=\"%s\"", elem, status_to_string(r->status));
		write_attr(out, "message", message);
		fputc('>', out);
		write_details(out, r, NULL);
		fprintf(out, "</%s>\n", elem);
	}
	fputs("    </testcase>\n", out);
}

/* The suite of the area of results[first], its first check: every check of that area. */
static void write_suite(FILE *out, const struct report *rep, size_t first, unsigned id,
			const char *stamp)
{
	const char *area_id = rep->results[first].check->id;
	size_t area = report_area_len(area_id);
	struct junit_counts c = { 0 };

	for (size_t j = first; j < rep->n_results; j++)
		if (same_area(area_id, rep->results[j].check->id))
			count(&c, &rep->results[j]);
	fprintf(out,
		"  <testsuite name=\"" JUNIT_PACKAGE ".%.*s\" tests=\"%u\" failures=\"%u\" "
		"errors=\"%u\" skipped=\"%u\"",
		(int)area, area_id, c.tests, c.failures, c.errors, c.skipped);
	write_time(out, c.time_us);
	fprintf(out, " timestamp=\"%s\"", stamp);
	write_attr(out, "hostname", hostname_of(rep));
	fprintf(out, " id=\"%u\" package=\"" JUNIT_PACKAGE "\">\n", id);
	write_properties(out, rep);
	for (size_t j = first; j < rep->n_results; j++)
		if (same_area(area_id, rep->results[j].check->id))
			write_testcase(out, &rep->results[j], area);
	fputs("    <system-out/>\n    <system-err/>\n  </testsuite>\n", out);
}

int report_write_junit(const struct report *rep, bool color _unused_, char **ret, size_t *ret_len)
{
	char stamp[sizeof("2026-11-22T10:00:00")];
	struct junit_counts all = { 0 };
	char *buf = NULL;
	size_t len = 0;
	unsigned suites = 0;
	struct tm tm;
	FILE *out;

	/* Ant's timestamp: ISO 8601 without a zone; it is UTC. */
	if (!gmtime_r(&rep->generated_at, &tm) ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return -EINVAL;
	out = open_memstream(&buf, &len);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < rep->n_results; i++)
		count(&all, &rep->results[i]);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out,
		"<testsuites name=\"" JUNIT_PACKAGE "\" tests=\"%u\" failures=\"%u\" errors=\"%u\"",
		all.tests, all.failures, all.errors);
	write_time(out, all.time_us);
	fputs(">\n", out);
	for (size_t i = 0; i < rep->n_results; i++) {
		bool first = true;

		for (size_t j = 0; j < i && first; j++)
			first = !same_area(rep->results[i].check->id, rep->results[j].check->id);
		if (first)
			write_suite(out, rep, i, suites++, stamp);
	}
	fputs("</testsuites>\n", out);
	if (fclose(out) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}
