/* SPDX-License-Identifier: MIT */
/*
 * The report as TAP version 14 (testanything.org/tap-version-14-specification.html): one test
 * point per check in report order. fail and unknown are "not ok", skip is "ok ... # SKIP reason",
 * warn is "ok" with severity: warn in its YAML diagnostic (never # TODO: a warning is not work
 * expected to fail). A description escapes "#" and "\" (the specification's escapes), so no
 * text from the host reads as a directive; every string is one line, control characters
 * escaped (escape.h); YAML values are double-quoted scalars.
 */
#include <stdio.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "escape.h"
#include "report.h"

/* One line of s: control characters and bytes that are not UTF-8 written as escapes. */
static char *one_line(const char *s)
{
	size_t n = text_escape(NULL, 0, s);
	char *buf = malloc(n + 1);

	if (buf)
		text_escape(buf, n + 1, s);
	return buf;
}

/* A description or a reason: one line, "#" and "\" escaped with a backslash (TAP 14). */
static int write_escaped(FILE *out, const char *s)
{
	_cleanup_free_ char *line = one_line(s);

	if (!line)
		return -ENOMEM;
	for (const char *p = line; *p; p++) {
		if (*p == '#' || *p == '\\')
			fputc('\\', out);
		fputc(*p, out);
	}
	return 0;
}

/* A YAML 1.2 double-quoted scalar: what is not printable is escaped, the rest is as is. */
static int write_yaml_string(FILE *out, const char *s)
{
	_cleanup_free_ char *u = utf8_escape_invalid(s);

	if (!u)
		return -ENOMEM;
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)u; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) /* C1: not printable */
			fprintf(out, "\\x%02x", *++p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
	return 0;
}

static int write_yaml(FILE *out, const struct result *r)
{
	const char *fields[][2] = {
	    {"id", r->check->id},      {"severity", status_to_string(r->status)},
	    {"message", r->message},   {"observed", r->observed},
	    {"expected", r->expected}, {"remediation", r->remediation},
	};

	fputs("  ---\n", out);
	for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
		if (!fields[i][1])
			continue;
		fprintf(out, "  %s: ", fields[i][0]);
		if (write_yaml_string(out, fields[i][1]) < 0)
			return -ENOMEM;
		fputc('\n', out);
	}
	fputs("  ...\n", out);
	return 0;
}

static int write_point(FILE *out, size_t n, const struct result *r)
{
	bool ok = r->status == STATUS_PASS || r->status == STATUS_WARN || r->status == STATUS_SKIP;

	fprintf(out, "%s %zu - ", ok ? "ok" : "not ok", n);
	if (write_escaped(out, r->check->id) < 0)
		return -ENOMEM;
	if (r->status == STATUS_SKIP) {
		fputs(" # SKIP ", out);
		if (write_escaped(out, r->message ? r->message : "skipped") < 0)
			return -ENOMEM;
		fputc('\n', out);
		return 0;
	}
	if (r->message) {
		fputs(": ", out);
		if (write_escaped(out, r->message) < 0)
			return -ENOMEM;
	}
	fputc('\n', out);
	return r->status == STATUS_PASS ? 0 : write_yaml(out, r);
}

int report_write_tap(const struct report *rep, bool color _unused_, char **ret, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int r = 0;

	if (!out)
		return -ENOMEM;
	fprintf(out, "TAP version 14\n1..%zu\n", rep->n_results);
	for (size_t i = 0; i < rep->n_results && r == 0; i++)
		r = write_point(out, i + 1, &rep->results[i]);
	fprintf(out, "# cvmprep %s: verdict %s (exit %d)\n", CVMPREP_VERSION,
		verdict_to_string(rep->verdict), verdict_exit_code(rep->verdict));
	if (fclose(out) != 0 || r < 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}
