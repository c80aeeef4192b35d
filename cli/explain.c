/* SPDX-License-Identifier: MIT */
/* cvmprep explain ID: what a check reads, its rule, why, the fix, the source. */
#include <getopt.h>

#include "checks/check.h"
#include "cli.h"
#include "core/util.h"
#include "reports/catalog.h"

static const char *const explain_help =
	"usage: cvmprep explain ID\n"
	"\n"
	"Says what a check reads, its rule, why it matters, how to fix a failure, and where the\n"
	"requirement is published. 'cvmprep list' gives the ids.\n";

static int cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const struct check *c;
	struct cli_stream out;
	int o, r;

	while ((o = getopt_long(argc, argv, ":h", longopts, NULL)) != -1)
		switch (o) {
		case 'h': fputs(explain_help, stdout); return EXIT_SUCCESS;
		default: return cli_getopt_error(o, argv);
		}
	if (optind + 1 != argc)
		return cli_usage("explain takes one check id (see 'cvmprep list')");
	c = checks_find(argv[optind]);
	if (!c)
		return cli_usage("unknown check id '%s' (see 'cvmprep list')", argv[optind]);
	r = cli_stream_open(&out);
	if (r < 0)
		return cli_exit_code(r);
	catalog_explain(out.f, c);
	return cli_exit_code(cli_stream_emit(&out));
}

const struct cli_cmd cli_cmd_explain = {
	.name = "explain",
	.fn = cmd_explain,
	.help = "say what a check reads, its rule, and how to fix it",
};
