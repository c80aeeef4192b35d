/* SPDX-License-Identifier: MIT */
/* The human report: a header, an aligned table, the details of what did not pass, the summary
 * and the verdict. What comes from the host is escaped: it reaches a terminal. */
#include <stdio.h>

#include "core/util.h"
#include "diff.h"
#include "escape.h"
#include "report.h"

static const char *const status_colors[] = {
	[STATUS_PASS] = "\033[32m",    [STATUS_WARN] = "\033[33m", [STATUS_FAIL] = "\033[1;31m",
	[STATUS_UNKNOWN] = "\033[35m", [STATUS_SKIP] = "\033[2m",
};
_Static_assert(ELEMENTSOF(status_colors) == _STATUS_MAX, "status_colors");

static const char *const verdict_colors[] = {
	[VERDICT_COMPATIBLE] = "\033[1;32m",
	[VERDICT_INCOMPATIBLE] = "\033[1;31m",
	[VERDICT_UNDECIDED] = "\033[1;35m",
};
_Static_assert(ELEMENTSOF(verdict_colors) == _VERDICT_MAX, "verdict_colors");

#define RESET "\033[0m"
/* Wider observed values are cut in the table; the JSON has them whole. */
#define OBSERVED_WIDTH_MAX 32

/* A what-if run says so under the header: "assumed (what-if): kernel.release=6.8.0, ...". */
static void write_assumed(FILE *out, const struct facts *f)
{
	bool any = false;

	for (size_t i = 0; f && i < f->n; i++) {
		if (!fact_assumed_key(f->v[i].source))
			continue;
		fputs(any ? ", " : "assumed (what-if): ", out);
		text_escape_fputs(out, f->v[i].key);
		fputc('=', out);
		text_escape_fputs(out, f->v[i].value ? f->v[i].value : "");
		any = true;
	}
	if (any)
		fputc('\n', out);
}

/* Under a row whose evidence holds assumed facts: "assumed: kernel.release". */
static void write_row_assumed(FILE *out, int indent, const struct result *r)
{
	bool any = false;

	for (size_t i = 0; i < r->n_evidence; i++) {
		const char *key = result_assumed_key(r, i);

		if (!key)
			continue;
		if (!any)
			fprintf(out, "%*s  assumed: ", indent, "");
		else
			fputs(", ", out);
		text_escape_fputs(out, key);
		any = true;
	}
	if (any)
		fputc('\n', out);
}

/* Writes each of the NULL-ended strings, those from the host escaped (escape.h). */
static void write_header(FILE *out, const struct report *rep)
{
	const struct report_header *h = &rep->header;
	const char *os = h->os_pretty_name ? h->os_pretty_name : h->os_id;
	const char *parts[][2] = {
		{ "cvmprep " CVMPREP_VERSION ": node ", h->hostname ? h->hostname : "?" },
		{ ", ", os ? os : "unknown OS" },
		{ ", kernel ", h->kernel ? h->kernel : "?" },
		{ ", ", h->arch ? h->arch : "?" },
		{ ", mode ", h->mode },
		{ " (", h->mode_source ? h->mode_source : "not recorded" },
		{ "), profile ", rep->cfg->profile->name },
		{ rep->cfg->caching ? " +caching" : "", "" },
		{ rep->cfg->shiftfs_autoload ? " +shiftfs-autoload" : "", "" },
		{ ", root ", h->root },
	};

	for (size_t i = 0; i < ELEMENTSOF(parts); i++) {
		fputs(parts[i][0], out);
		text_escape_fputs(out, parts[i][1]);
	}
	fputs("\n", out);
	write_assumed(out, rep->facts);
	if (rep->image) {
		const struct image *img = rep->image;

		fputs("image ", out);
		text_escape_fputs(out, img->source);
		fprintf(out, " (%s, %u layer%s", image_format_to_string(img->format), img->n_layers,
			img->n_layers == 1 ? "" : "s");
		if (img->meta.arch) {
			fputs(", ", out);
			text_escape_fputs(out, img->meta.os ? img->meta.os : "?");
			fputc('/', out);
			text_escape_fputs(out, img->meta.arch);
		}
		fputs("), user ", out);
		text_escape_fputs(out, img->meta.user ? img->meta.user : "root (default)");
		for (size_t i = 0; img->meta.entrypoint && img->meta.entrypoint[i]; i++) {
			fputs(i ? " " : ", entrypoint ", out);
			text_escape_fputs(out, img->meta.entrypoint[i]);
		}
		fputc('\n', out);
	}
	fputc('\n', out);
}

/* A continuation line under the row: "expected: ...", "fix: ...". */
static void write_detail(FILE *out, int indent, const char *label, const char *s)
{
	if (!s)
		return;
	fprintf(out, "%*s  %s: ", indent, "", label);
	text_escape_fputs(out, s);
	fputc('\n', out);
}

static void write_row(FILE *out, const struct result *r, int id_w, int obs_w, bool color)
{
	const char *obs = r->observed ? r->observed : "-";
	int obs_len = (int)text_escape(NULL, 0, obs);

	fprintf(out, "%s%-7s%s  %-*s  ", color ? status_colors[r->status] : "",
		status_to_string(r->status), color ? RESET : "", id_w, r->check->id);
	if (obs_len > obs_w) {
		char cut[OBSERVED_WIDTH_MAX];

		text_escape(cut, (size_t)obs_w, obs);
		fprintf(out, "%s…  ", cut);
	} else {
		text_escape_fputs(out, obs);
		fprintf(out, "%*s  ", obs_w - obs_len, "");
	}
	text_escape_fputs(out, r->message ? r->message : "");
	fputc('\n', out);
	if (r->status != STATUS_PASS && r->status != STATUS_SKIP) {
		write_detail(out, 7 + 2 + id_w + 2 + obs_w, "expected", r->expected);
		write_detail(out, 7 + 2 + id_w + 2 + obs_w, "fix", r->remediation);
	}
	write_row_assumed(out, 7 + 2 + id_w + 2 + obs_w, r);
}

/* `check --baseline`: the comparison with the earlier report, after the verdict. */
static int write_baseline(FILE *out, const struct report_diff *d)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = report_diff_write_text(d, false, &text, &len);

	if (r >= 0)
		fwrite(text, 1, len, out);
	return r;
}

int report_write_text(const struct report *rep, bool color, char **ret, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	int id_w = (int)strlen("CHECK"), obs_w = (int)strlen("OBSERVED");
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < rep->n_results; i++) {
		const struct result *r = &rep->results[i];
		int w = r->observed ? (int)text_escape(NULL, 0, r->observed) : 1;

		if ((int)strlen(r->check->id) > id_w)
			id_w = (int)strlen(r->check->id);
		if (w > obs_w)
			obs_w = w < OBSERVED_WIDTH_MAX ? w : OBSERVED_WIDTH_MAX;
	}
	write_header(out, rep);
	fprintf(out, "%-7s  %-*s  %-*s  %s\n", "STATUS", id_w, "CHECK", obs_w, "OBSERVED", "DETAIL");
	for (size_t i = 0; i < rep->n_results; i++)
		write_row(out, &rep->results[i], id_w, obs_w, color);
	fprintf(out, "\n%zu checks: ", rep->n_results);
	for (enum status s = 0; s < _STATUS_MAX; s++)
		fprintf(out, "%u %s%s", rep->summary[s], status_to_string(s),
			s + 1 < _STATUS_MAX ? ", " : "\n");
	fprintf(out, "verdict: %s%s%s (exit %d)\n", color ? verdict_colors[rep->verdict] : "",
		verdict_to_string(rep->verdict), color ? RESET : "", verdict_exit_code(rep->verdict));
	if (rep->baseline && write_baseline(out, rep->baseline) < 0) {
		fclose(out);
		free(buf);
		return -ENOMEM;
	}
	if (fclose(out) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}
