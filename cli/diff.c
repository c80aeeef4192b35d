/* SPDX-License-Identifier: MIT */
/* cvmprep diff OLD.json NEW.json: what changed between two reports of a node. */
#include <getopt.h>

#include "cli.h"
#include "core/util.h"
#include "reports/diff.h"

enum {
	OPT_FORMAT = 0x100,
};

static const char *const diff_help =
	"usage: cvmprep diff [--format text|json] [-o FILE] OLD.json NEW.json\n"
	"\n"
	"Compares two JSON reports (check --format json) check by check, in report order:\n"
	"regressions (a status got worse: pass = skip < warn < unknown < fail), fixes, changed\n"
	"observations (the same status, another observed value, message or evidence), and the\n"
	"checks added or removed.\n"
	"\n"
	"  --format FMT           text (default) or json (schema cvmprep.diff/v1)\n"
	"  -o, --output FILE      write the comparison to FILE, atomically, instead of stdout\n"
	"  -h, --help             show this help\n"
	"\n"
	"exit status: 0 no regression, 1 a check regressed or the verdict got worse, 2 usage\n"
	"error (or a report that cannot be read or is not a cvmprep.report/v1), 70 internal error\n";

int cli_report_load(const char *path, struct report_doc *ret)
{
	_cleanup_free_ char *why = NULL;
	int r = report_doc_load(path, ret, &why);

	if (r == -EINVAL)
		return cli_usage("cannot use '%s': %s", path, why), -EINVAL;
	return r < 0 ? cli_fail(r, "cannot read '%s'", path) : 0;
}

static int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct report_doc old = { 0 }, new = { 0 };
	struct report_diff d = { 0 };
	_cleanup_free_ char *text = NULL;
	const char *format = "text", *output = NULL;
	size_t len;
	int c, r;

	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1)
		switch (c) {
		case OPT_FORMAT: format = optarg; break;
		case 'o': output = optarg; break;
		case 'h': fputs(diff_help, stdout); return EXIT_SUCCESS;
		default: return cli_getopt_error(c, argv);
		}
	if (!streq(format, "text") && !streq(format, "json"))
		return cli_usage("unknown format '%s' (text, json)", format);
	if (argc - optind != 2)
		return cli_usage("diff takes two reports, OLD.json NEW.json (see 'cvmprep diff --help')");
	r = cli_report_load(argv[optind], &old);
	if (r == 0)
		r = cli_report_load(argv[optind + 1], &new);
	if (r == 0)
		r = report_diff(&old, &new, &d) < 0 ? cli_oom() : 0;
	if (r == 0) {
		r = streq(format, "json") ? report_diff_write_json(&d, time(NULL), &text, &len)
					  : report_diff_write_text(&d, true, &text, &len);
		r = cli_emit_report(r, "diff", output, text, len, d.regressed ? 1 : EXIT_SUCCESS);
	}
	report_diff_free(&d);
	report_doc_free(&old);
	report_doc_free(&new);
	return cli_exit_code(r);
}

const struct cli_cmd cli_cmd_diff = {
	.name = "diff",
	.fn = cmd_diff,
	.help = "compare two JSON reports: regressions, fixes, changes",
};
