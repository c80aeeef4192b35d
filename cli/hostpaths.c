/* SPDX-License-Identifier: MIT */
/* cvmprep hostpaths: the host paths Coder's CVM pod mounts, as the pod spec. */
#include "cli.h"
#include "core/util.h"
#include "options.h"
#include "reports/hostpaths.h"

enum {
	OPT_FORMAT = _CLI_OPT_MAX,
};

static const char *const hostpaths_help =
	"usage: cvmprep hostpaths [--caching] [--shiftfs-autoload] [--format table|json|yaml]\n"
	"\n"
	"Prints the host paths Coder's CVM pod mounts for these settings (Coder docs,\n"
	"\"HostPath mounts\"): the row of the table, and the pod spec's volumes and\n"
	"volumeMounts as YAML. 'cvmprep check' judges them from inside the pod (pod.hostpaths).\n"
	"\n"
	"  --caching              CVMs use image caching\n"
	"  --shiftfs-autoload     Coder loads (and builds) shiftfs; only with --caching\n"
	"  --format FMT           table (default: the row, then the YAML), yaml or json\n"
	"  -h, --help             show this help\n";

static int cmd_hostpaths(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "caching", no_argument, NULL, CLI_OPT_CACHING },
		{ "shiftfs-autoload", no_argument, NULL, CLI_OPT_AUTOLOAD },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct cli_host_opts o = { 0 };
	const char *format = "table";
	struct cli_stream out;
	int c, r;

	while ((c = cli_getopt(argc, argv, ":h", longopts, &o)) != -1)
		switch (c) {
		case OPT_FORMAT: format = optarg; break;
		case 'h': fputs(hostpaths_help, stdout); return EXIT_SUCCESS;
		case CLI_OPT_FAILED: return cli_exit_code(o.err);
		default: return cli_getopt_error(c, argv);
		}
	if (optind < argc)
		return cli_usage("unexpected argument '%s'", argv[optind]);
	/* Coder's table has no row for it: with caching off, shiftfs autoload is "N/A". */
	if (o.shiftfs_autoload && !o.caching)
		return cli_usage("--shiftfs-autoload applies only with --caching (with caching off "
				 "Coder's table says N/A)");
	r = cli_stream_open(&out);
	if (r < 0)
		return cli_exit_code(r);
	r = hostpaths_write(out.f, o.caching, o.shiftfs_autoload, format);
	if (r == -EINVAL) {
		cli_stream_free(&out);
		return cli_usage("unknown format '%s' (table, json, yaml)", format);
	}
	r = r < 0 ? cli_oom() : cli_stream_emit(&out);
	cli_stream_free(&out);
	return cli_exit_code(r);
}

const struct cli_cmd cli_cmd_hostpaths = {
	.name = "hostpaths",
	.fn = cmd_hostpaths,
	.help = "print the host paths Coder's CVM pod mounts, as YAML",
};
