/* SPDX-License-Identifier: MIT */
/*
 * The report as node_exporter textfile-collector metrics (the Prometheus text exposition format,
 * version 0.0.4): each family's # HELP and # TYPE once, before its samples; help text that does
 * not change from run to run; no sample timestamps (the collector refuses them); label values
 * with "\", '"' and newlines escaped. `-o` writes it under a temporary name that does not end
 * in ".prom" (core/fileio.c), so the collector never reads half a file.
 *
 * A provision run's report (`cvmprep provision --format prom` or `--metrics FILE`) is written
 * as the cvmprep_provision_* families alone: the textfile collector merges every file of its
 * directory, and the same series in two files fails the scrape, so the checks stay with the
 * file `cvmprep check` writes, and its preflight is left out.
 */
#include <cJSON.h>
#include <stdio.h>

#include "core/util.h"
#include "provision/plan.h"
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

static void write_checks(FILE *out, const struct report *rep)
{
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
}

static const char *json_string(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The report's "provision" section (provision/report.c): each step one-hot over the outcomes
 * a step can have, in the order the steps ran. */
static void write_provision(FILE *out, const struct report *rep)
{
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(rep->provision, "steps");
	const cJSON *exit_code = cJSON_GetObjectItemCaseSensitive(rep->provision, "exit_code");
	const cJSON *step;

	write_family(out, "cvmprep_provision_step",
		     "Outcome of each step of the last cvmprep provision run: 1 for the outcome it "
		     "had, 0 for the others.");
	cJSON_ArrayForEach(step, steps) {
		const char *name = json_string(step, "name");
		const char *outcome = json_string(step, "outcome");

		if (!name || !outcome)
			continue;
		for (enum prov_outcome o = 0; o < _PROV_OUTCOME_MAX; o++) {
			fputs("cvmprep_provision_step{step=", out);
			write_label_value(out, name);
			fprintf(out, ",outcome=\"%s\"} %d\n", prov_outcome_to_string(o),
				streq(outcome, prov_outcome_to_string(o)));
		}
	}
	if (cJSON_IsNumber(exit_code)) {
		write_family(out, "cvmprep_provision_exit_code",
			     "Exit status of the last cvmprep provision run (0 provisioned, 1 and "
			     "3 preflight refused, 4 a step failed, 5 locked).");
		fprintf(out, "cvmprep_provision_exit_code %d\n", exit_code->valueint);
	}
	write_family(out, "cvmprep_provision_last_run_timestamp_seconds",
		     "Unix time of the cvmprep provision run that wrote these metrics.");
	fprintf(out, "cvmprep_provision_last_run_timestamp_seconds %lld\n",
		(long long)rep->generated_at);
}

int report_write_prom(const struct report *rep, bool color _unused_, char **ret, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		return -ENOMEM;
	if (rep->provision)
		write_provision(out, rep);
	else
		write_checks(out, rep);
	if (fclose(out) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}
