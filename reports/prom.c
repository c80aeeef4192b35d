/* SPDX-License-Identifier: MIT */
/*
 * The report as node_exporter textfile-collector metrics (the Prometheus text exposition format,
 * version 0.0.4): each family's # HELP and # TYPE once, before its samples; help text that does
 * not change from run to run; no sample timestamps (the collector refuses them); label values
 * with "\", '"' and newlines escaped. `-o` writes it under a temporary name that does not end
 * in ".prom" (core/fileio.c), so the collector never reads half a file.
 */
#include <stdio.h>

#include "core/util.h"
#include "report.h"

/* A label value: "\", '"' and a newline escaped, as the exposition format asks. */
static void write_label_value(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void write_family(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

int report_write_prom(const struct report *rep, bool color _unused_, char **ret, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		return -ENOMEM;
	write_family(out, "cvmprep_check_status",
		     "Status of each cvmprep check: 1 for the status it has, 0 for the others.");
	for (size_t i = 0; i < rep->n_results; i++)
		for (enum status s = 0; s < _STATUS_MAX; s++) {
			fputs("cvmprep_check_status{id=", out);
			write_label_value(out, rep->results[i].check->id);
			fprintf(out, ",status=\"%s\"} %d\n", status_to_string(s),
				rep->results[i].status == s);
		}
	write_family(out, "cvmprep_checks", "Number of cvmprep checks with each status.");
	for (enum status s = 0; s < _STATUS_MAX; s++)
		fprintf(out, "cvmprep_checks{status=\"%s\"} %u\n", status_to_string(s),
			rep->summary[s]);
	write_family(out, "cvmprep_compatible",
		     "1 when cvmprep judged the node compatible, 0 when incompatible or undecided.");
	fprintf(out, "cvmprep_compatible %d\n", rep->verdict == VERDICT_COMPATIBLE);
	write_family(out, "cvmprep_last_run_timestamp_seconds",
		     "Unix time of the cvmprep run that wrote these metrics.");
	fprintf(out, "cvmprep_last_run_timestamp_seconds %lld\n", (long long)rep->generated_at);
	if (fclose(out) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}
