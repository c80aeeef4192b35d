/* SPDX-License-Identifier: MIT */
/* cvmprep check: judge this node, a tree, or saved facts, and write the report. */
#include <cJSON.h>

#include "checks/checks.h"
#include "checks/runner.h"
#include "cli.h"
#include "core/cleanup.h"
#include "core/util.h"
#include "options.h"
#include "reports/diff.h"
#include "reports/docload.h"
#include "reports/report.h"

enum {
	OPT_FORMAT = _CLI_OPT_MAX,
	OPT_FACTS,
	OPT_BASELINE,
};

static const char *const check_help =
	"usage: cvmprep check [OPTIONS]\n"
	"\n"
	"Reads this node (or the tree given by --root), judges it against the requirements of\n"
	"the profile, and writes a compatibility report.\n"
	"\n"
	"  --root DIR             read every host file under DIR (an image, a mounted disk)\n"
	"  --proc DIR, --sys DIR  take /proc or /sys from DIR instead\n"
	"  --profile NAME         coder (default), coder-v1 or sysbox; see 'cvmprep list'\n"
	"  --caching              CVMs use image caching (selects rules and host paths)\n"
	"  --shiftfs-autoload     shiftfs is to be loaded (and built) by Coder\n"
	"  --mode MODE            auto (default), host, or pod: judge from inside a pod\n"
	"  --data-root DIR        Sysbox's data root (default /var/lib/sysbox)\n"
	"  --format FMT           text (default), json (schema cvmprep.report/v1), junit\n"
	"                         (JUnit XML, a testsuite per area), tap (TAP version 14),\n"
	"                         prom (node_exporter textfile metrics), nfd (Node Feature\n"
	"                         Discovery features.d labels)\n"
	"  -o, --output FILE      write the report to FILE, atomically, instead of stdout\n"
	"  --skip IDS             report these checks as skip (ids or globs, comma-separated)\n"
	"  --only IDS             run only these checks (ids or globs, comma-separated)\n"
	"  --strict               a warning makes the node incompatible\n"
	"  --no-probe             run no functional probe (no child process)\n"
	"  --facts FILE           judge the facts saved by 'cvmprep facts' instead of a host\n"
	"  --assume KEY=VALUE     replace one fact, for what-if runs (repeatable; the\n"
	"                         report marks each)\n"
	"  --baseline FILE        compare with an earlier JSON report: regressions, fixes\n"
	"                         and changes follow the report; a regression exits 1\n"
	"  -h, --help             show this help\n"
	"\n"
	"exit status: 0 compatible, 1 incompatible (a fail; a warn with --strict; a regression\n"
	"from --baseline), 2 usage\n"
	"error, 3 undecided (some evidence could not be read), 70 internal error\n";

struct check_args {
	struct cli_host_opts host;
	const char *format;
	const char *output;
	const char *facts;
	const char *baseline;
};

/* Parses the options of check; returns -1 to go on, else the exit code. */
static int parse_check(int argc, char **argv, struct check_args *a)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS_TREE,
		CLI_LONGOPTS_SELECT,
		CLI_LONGOPTS_JUDGE,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "facts", required_argument, NULL, OPT_FACTS },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	while ((c = cli_getopt(argc, argv, ":ho:", longopts, &a->host)) != -1)
		switch (c) {
		case OPT_FORMAT: a->format = optarg; break;
		case 'o': a->output = optarg; break;
		case OPT_FACTS: a->facts = optarg; break;
		case OPT_BASELINE: a->baseline = optarg; break;
		case 'h': fputs(check_help, stdout); return EXIT_SUCCESS;
		case CLI_OPT_FAILED: return cli_exit_code(a->host.err);
		default: return cli_getopt_error(c, argv);
		}
	if (optind < argc)
		return cli_usage("unexpected argument '%s'", argv[optind]);
	if (a->facts && (a->host.root || a->host.proc || a->host.sys))
		return cli_usage("--facts cannot be combined with --root, --proc or --sys");
	return -1;
}

/* Reads the facts file of 'cvmprep facts' into f and the root it was read from. A file that is
 * not one (not JSON, cut short, another schema or version, no facts) is a usage error naming
 * the file and what is wrong with it. */
static int load_facts(const char *path, struct facts *f, char **ret_root)
{
	_cleanup_(cJSON_Deletep) cJSON *json = NULL;
	_cleanup_free_ char *why = NULL;
	const cJSON *facts, *root;
	const char *bad = NULL;
	int r;

	r = doc_load(path, FACTS_SCHEMA, &json, &why);
	if (r == -EINVAL)
		return cli_usage("cannot use '%s': %s", path, why), -EINVAL;
	if (r < 0)
		return cli_fail(r, "cannot read '%s'", path);
	facts = cJSON_GetObjectItemCaseSensitive(json, "facts");
	if (!cJSON_IsObject(facts))
		return cli_usage("cannot use '%s': %s", path,
				 facts ? "\"facts\" is not an object" : "no \"facts\" object"),
		       -EINVAL;
	r = facts_from_json(facts, f, &bad);
	if (r == -ENOMEM)
		return cli_oom();
	if (r < 0)
		return cli_usage("cannot use '%s': fact '%s' is malformed", path, bad ? bad : "?"),
		       -EINVAL;
	root = cJSON_GetObjectItemCaseSensitive(json, "root");
	*ret_root = strdup(cJSON_IsString(root) ? root->valuestring : "-");
	return *ret_root ? 0 : cli_oom();
}

/* --baseline: this run, as its JSON report, compared with the earlier one. */
static int compare_baseline(const struct report *rep, const struct report_doc *old,
			    struct report_doc *now, struct report_diff *ret)
{
	_cleanup_free_ char *why = NULL;
	cJSON *json = report_json(rep);
	int r;

	if (!json)
		return cli_oom();
	r = report_doc_from_json(json, NULL, now, &why);
	if (r == -EINVAL) /* our own report: a bug */
		return cli_usage("cannot compare this run: %s", why), -EFAULT;
	if (r < 0 || report_diff(old, now, ret) < 0)
		return cli_oom();
	return 0;
}

static int run_check(struct check_args *a)
{
	_cleanup_free_ enum selection *sel = NULL;
	_cleanup_free_ char *facts_root = NULL, *text = NULL;
	struct facts f = { 0 }, assume = { 0 };
	struct host h = { .root_fd = -1, .proc_fd = -1, .sys_fd = -1 };
	struct config cfg;
	const struct report_format *fmt;
	struct result *results = NULL;
	struct report rep = { 0 };
	struct report_doc base = { 0 }, now = { 0 };
	struct report_diff diff = { 0 };
	size_t n = 0, len;
	int r, code;

	r = cli_host_config(&a->host, &cfg);
	if (r < 0)
		return cli_exit_code(r);
	r = cli_report_format(a->format, REPORT_FOR_CHECK, &fmt);
	if (r < 0)
		return cli_exit_code(r);
	if (a->facts)
		cfg.live = cfg.probes = false;
	r = cli_host_select(&a->host, &sel);
	if (r < 0)
		return cli_exit_code(r);
	/* Saved facts hold the mode their run resolved; an explicit --mode overrides it. */
	if (a->facts && cfg.mode != MODE_AUTO &&
	    facts_set(&assume, "host.mode", "--mode", mode_to_string(cfg.mode)) < 0) {
		r = cli_oom();
		goto out;
	}
	r = cli_host_assume(&a->host, &assume);
	if (r < 0)
		goto out;
	/* Before any work: a baseline that cannot be used is a usage error. */
	if (a->baseline && (r = cli_report_load(a->baseline, &base)) < 0)
		goto out;
	if (a->facts)
		r = load_facts(a->facts, &f, &facts_root);
	else
		r = cli_host_open(&a->host, &h);
	if (r < 0)
		goto out;
	r = checks_run(a->facts ? NULL : &h, &cfg, sel, &assume, &f, &results, &n);
	if (r < 0) {
		r = cli_oom();
		goto out;
	}
	rep = (struct report){
		.cfg = &cfg,
		.facts = &f,
		.root = a->facts ? facts_root : h.root,
		.mode = facts_mode_name(&f),
		.results = results,
		.n_results = n,
		.generated_at = time(NULL),
	};
	report_tally(&rep);
	code = verdict_exit_code(rep.verdict);
	if (a->baseline) {
		r = compare_baseline(&rep, &base, &now, &diff);
		if (r < 0)
			goto out;
		rep.baseline = &diff;
		if (diff.regressed)
			code = 1;
	}
	r = fmt->write(&rep, cli_want_color(a->output), &text, &len);
	r = cli_emit_report(r, fmt->name, a->output, text, len, code);
out:
	report_diff_free(&diff);
	report_doc_free(&now);
	report_doc_free(&base);
	results_free(results, n);
	facts_free(&f);
	facts_free(&assume);
	host_close(&h);
	return cli_exit_code(r);
}

static int cmd_check(int argc, char **argv)
{
	struct check_args a = { 0 };
	int r = parse_check(argc, argv, &a);

	if (r < 0)
		r = run_check(&a);
	cli_host_opts_free(&a.host);
	return r;
}

const struct cli_cmd cli_cmd_check = {
	.name = "check",
	.fn = cmd_check,
	.help = "judge this node (or a tree) and write a compatibility report",
};
