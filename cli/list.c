/* SPDX-License-Identifier: MIT */
/* cvmprep list: every check id and the profiles. */
#include <getopt.h>

#include "cli.h"
#include "core/util.h"
#include "reports/catalog.h"

enum {
	OPT_FORMAT = 0x100,
};

static const char *const list_help =
	"usage: cvmprep list [--format text|json|md]\n"
	"\n"
	"Lists every check id in report order, with its title, and the profiles.\n";

static int cmd_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *format = "text";
	struct cli_stream out;
	int c, r;

	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1)
		switch (c) {
		case OPT_FORMAT: format = optarg; break;
		case 'h': fputs(list_help, stdout); return EXIT_SUCCESS;
		default: return cli_getopt_error(c, argv);
		}
	if (optind < argc)
		return cli_usage("unexpected argument '%s'", argv[optind]);
	r = cli_stream_open(&out);
	if (r < 0)
		return cli_exit_code(r);
	r = catalog_list(out.f, format);
	if (r == -EINVAL) {
		cli_stream_free(&out);
		return cli_usage("unknown format '%s' (text, json, md)", format);
	}
	r = r < 0 ? cli_oom() : cli_stream_emit(&out);
	cli_stream_free(&out);
	return cli_exit_code(r);
}

const struct cli_cmd cli_cmd_list = {
	.name = "list",
	.fn = cmd_list,
	.help = "list every check id and the profiles",
};
