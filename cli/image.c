/* SPDX-License-Identifier: MIT */
/* cvmprep image: judge a workspace image (an unpacked root, a docker-save archive, an OCI
 * layout or archive) with the image.* checks, and write the report or the Dockerfile lines. */
#include <sys/stat.h>
#include <sys/utsname.h>

#include "checks/checks.h"
#include "checks/image.h"
#include "checks/runner.h"
#include "cli.h"
#include "core/util.h"
#include "image/probe.h"
#include "image/source.h"
#include "options.h"
#include "reports/report.h"

enum {
	OPT_FORMAT = _CLI_OPT_MAX,
	OPT_DOCKERFILE,
	OPT_PLATFORM,
};

static const char *const image_help =
	"usage: cvmprep image SOURCE [OPTIONS]\n"
	"\n"
	"Judges a CVM workspace image against Coder's image requirements (systemd as\n"
	"/sbin/init, Docker installed and enabled, the containerd.io pin, nothing in /tmp, the\n"
	"node's architecture). SOURCE is an unpacked root directory, a 'docker save' archive,\n"
	"or an OCI image layout (a directory or a tar). Nothing is extracted or run.\n"
	"\n"
	"  --platform OS/ARCH     the node's platform (default: this machine's); picks the image\n"
	"                         of an index\n"
	"  --dockerfile           print the Dockerfile lines that fix what failed or warned\n"
	"  --format FMT           text (default) or json (schema cvmprep.report/v1)\n"
	"  -o, --output FILE      write to FILE, atomically, instead of stdout\n"
	"  --profile NAME         coder (default), coder-v1 or sysbox\n"
	"  --skip IDS, --only IDS image checks to skip or to run (ids or globs)\n"
	"  --strict               a warning makes the image incompatible\n"
	"  --assume KEY=VALUE     replace one fact (dpkg.sysbox-ce.version=0.6.4: the node's Sysbox)\n"
	"  -h, --help             show this help\n"
	"\n"
	"exit status: 0 compatible, 1 incompatible, 2 usage error, 3 undecided (the image or\n"
	"some of it could not be read), 70 internal error\n";

struct image_args {
	struct cli_host_opts host;
	const char *format, *output, *platform, *source;
	bool dockerfile;
};

static int parse_image(int argc, char **argv, struct image_args *a)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, CLI_OPT_PROFILE },
		{ "skip", required_argument, NULL, CLI_OPT_SKIP },
		{ "only", required_argument, NULL, CLI_OPT_ONLY },
		{ "assume", required_argument, NULL, CLI_OPT_ASSUME },
		{ "strict", no_argument, NULL, CLI_OPT_STRICT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "dockerfile", no_argument, NULL, OPT_DOCKERFILE },
		{ "platform", required_argument, NULL, OPT_PLATFORM },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	while ((c = cli_getopt(argc, argv, ":ho:", longopts, &a->host)) != -1)
		switch (c) {
		case OPT_FORMAT: a->format = optarg; break;
		case 'o': a->output = optarg; break;
		case OPT_DOCKERFILE: a->dockerfile = true; break;
		case OPT_PLATFORM: a->platform = optarg; break;
		case 'h': fputs(image_help, stdout); return EXIT_SUCCESS;
		case CLI_OPT_FAILED: return cli_exit_code(a->host.err);
		default: return cli_getopt_error(c, argv);
		}
	if (optind >= argc)
		return cli_usage("SOURCE is missing (an image root, archive or layout)");
	a->source = argv[optind++];
	if (optind < argc)
		return cli_usage("unexpected argument '%s'", argv[optind]);
	if (a->dockerfile && a->format)
		return cli_usage("--dockerfile prints Dockerfile lines: --format does not apply");
	return -1;
}

/* The node's platform: --platform OS/ARCH[/VARIANT], or this machine's. */
static int node_platform(const char *given, char *buf, size_t size, struct image_platform *ret,
			 struct facts *f)
{
	struct utsname u;
	char *arch, *variant;

	if (given) {
		snprintf(buf, size, "%s", given);
		arch = strchr(buf, '/');
		if (!arch || arch == buf || !arch[1])
			return cli_usage("--platform wants OS/ARCH (linux/amd64), not '%s'", given),
			       -EINVAL;
	} else {
		if (uname(&u) < 0 || !image_goarch(u.machine))
			return cli_usage("this machine's architecture is unknown: use --platform"),
			       -EINVAL;
		snprintf(buf, size, "linux/%s", image_goarch(u.machine));
		arch = strchr(buf, '/');
	}
	if (facts_set(f, IMAGE_NODE_PLATFORM, given ? "--platform" : "uname(2)", buf) < 0)
		return cli_oom();
	*arch++ = '\0';
	variant = strchr(arch, '/');
	if (variant)
		*variant++ = '\0';
	*ret = (struct image_platform){ .os = buf, .arch = arch, .variant = variant };
	return 0;
}

/* Reads SOURCE into img and its facts into f; an image that cannot be read is recorded as
 * such (its checks are unknown), a SOURCE that is not there is a usage error. */
static int read_source(const char *source, const struct image_platform *want,
		       struct image *img, struct facts *f)
{
	struct host root = { .root_fd = -1, .proc_fd = -1, .sys_fd = -1 };
	_cleanup_free_ char *why = NULL;
	struct stat st;
	int r;

	if (stat(source, &st) < 0)
		return cli_fail(-errno, "cannot read '%s'", source);
	r = image_read(source, want, img, &why);
	if (r == -ENOMEM)
		return cli_oom();
	if (r < 0)
		return image_probe_failed(source, -r, why, f) < 0 ? cli_oom() : 0;
	if (img->format == IMAGE_FORMAT_ROOT) {
		r = host_open(&root, source, NULL, NULL);
		if (r < 0)
			return cli_fail(r, "cannot open the image root '%s'", source);
	}
	r = image_probe(img, &root, f);
	host_close(&root);
	return r < 0 ? cli_oom() : 0;
}

static int run_image(struct image_args *a)
{
	_cleanup_free_ enum selection *sel = NULL;
	_cleanup_free_ char *text = NULL;
	struct facts f = { 0 }, assume = { 0 };
	struct host h = { .root_fd = -1, .proc_fd = -1, .sys_fd = -1 };
	struct image img = { 0 };
	struct image_platform want;
	char platform[256];
	struct config cfg;
	const struct report_format *fmt;
	struct result *results = NULL;
	struct report rep = { 0 };
	size_t n = 0, len;
	int r;

	r = cli_host_config(&a->host, &cfg);
	if (r < 0)
		return cli_exit_code(r);
	r = cli_report_format(a->format, REPORT_FOR_IMAGE, &fmt);
	if (r < 0)
		return cli_exit_code(r);
	r = cli_host_select_target(&a->host, CHECK_TARGET_IMAGE, &sel) ?:
	    cli_host_assume(&a->host, &assume) ?:
	    node_platform(a->platform, platform, sizeof(platform), &want, &f) ?:
	    read_source(a->source, &want, &img, &f) ?: cli_host_open(&a->host, &h);
	if (r < 0)
		goto out;
	r = checks_run(&h, &cfg, sel, &assume, &f, &results, &n);
	if (r < 0) {
		r = cli_oom();
		goto out;
	}
	rep = (struct report){
		.cfg = &cfg,
		.facts = &f,
		.root = h.root,
		.mode = facts_mode_name(&f),
		.results = results,
		.n_results = n,
		.generated_at = time(NULL),
		.image = &img,
	};
	report_tally(&rep);
	r = a->dockerfile ? report_write_dockerfile(&rep, &text, &len)
			  : fmt->write(&rep, cli_want_color(a->output), &text, &len);
	r = cli_emit_report(r, a->dockerfile ? "Dockerfile" : fmt->name, a->output, text, len,
			    verdict_exit_code(rep.verdict));
out:
	results_free(results, n);
	facts_free(&f);
	facts_free(&assume);
	host_close(&h);
	image_free(&img);
	return cli_exit_code(r);
}

static int cmd_image(int argc, char **argv)
{
	struct image_args a = { 0 };
	int r = parse_image(argc, argv, &a);

	if (r < 0)
		r = run_image(&a);
	cli_host_opts_free(&a.host);
	return r;
}

const struct cli_cmd cli_cmd_image = {
	.name = "image",
	.fn = cmd_image,
	.help = "judge a CVM workspace image (root, docker-save or OCI) and print its fixes",
};
