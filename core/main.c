/* SPDX-License-Identifier: MIT */
/* cvmprep: the command line. The only place that talks to the user. */
#include <cJSON.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "checks/checks.h"
#include "checks/runner.h"
#include "core/fileio.h"
#include "core/cleanup.h"
#include "core/util.h"
#include "reports/catalog.h"
#include "reports/hostpaths.h"
#include "reports/report.h"

#define EXIT_USAGE 2

static const char *arg_cmd = "";

/* Prints "cvmprep CMD: message" on stderr and returns EXIT_USAGE. */
static int _printf_(1, 2) usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cvmprep%s%s: ", *arg_cmd ? " " : "", arg_cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

/* A growable list of strings that point into argv or are owned elsewhere. */
struct strv {
	char **v;
	size_t n;
};

static int strv_push(struct strv *s, char *str)
{
	char **v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->v = v;
	s->v[s->n++] = str;
	return 0;
}

/* Splits a comma-separated option argument (modified in place) onto s. */
static int strv_push_list(struct strv *s, char *arg)
{
	char *save = NULL;

	for (char *w = strtok_r(arg, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (strv_push(s, w) < 0)
			return -ENOMEM;
	return 0;
}

/* Writes data to path atomically, or to stdout when path is NULL. */
static int emit(const char *path, const char *data, size_t len)
{
	int r;

	if (!path) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
			return usage_error("cannot write to standard output: %s", strerror(errno));
		return 0;
	}
	r = write_file_atomic(path, data, len, 0644);
	if (r < 0)
		return usage_error("cannot write '%s': %s", path, strerror(-r));
	return 0;
}

static bool want_color(const char *output)
{
	const char *term = getenv("TERM");

	return !output && isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
	       !(term && streq(term, "dumb"));
}

static int load_facts(const char *path, struct facts *f, char **ret_root)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_(cJSON_Deletep) cJSON *json = NULL;
	const cJSON *schema, *facts, *root;
	const char *bad = NULL;
	int r;

	r = read_file(path, 16 * 1024 * 1024, &text, NULL);
	if (r < 0)
		return usage_error("cannot read '%s': %s", path, strerror(-r));
	json = cJSON_Parse(text);
	if (!json)
		return usage_error("cannot parse '%s': not JSON", path);
	schema = cJSON_GetObjectItemCaseSensitive(json, "schema");
	if (!cJSON_IsString(schema) || !streq(schema->valuestring, FACTS_SCHEMA))
		return usage_error("cannot use '%s': schema is not %s", path, FACTS_SCHEMA);
	facts = cJSON_GetObjectItemCaseSensitive(json, "facts");
	r = facts_from_json(facts, f, &bad);
	if (r == -ENOMEM)
		return usage_error("out of memory");
	if (r < 0)
		return usage_error("cannot use '%s': fact '%s' is malformed", path, bad ? bad : "?");
	root = cJSON_GetObjectItemCaseSensitive(json, "root");
	*ret_root = strdup(cJSON_IsString(root) ? root->valuestring : "-");
	return *ret_root ? 0 : usage_error("out of memory");
}

/* Options shared by the commands that read a host. */
struct host_args {
	const char *root;
	const char *proc;
	const char *sys;
};

static int open_host(const struct host_args *a, struct host *h)
{
	int r = host_open(h, a->root, a->proc, a->sys);

	if (r < 0)
		return usage_error("cannot open the host tree '%s': %s",
				   a->root ? a->root : a->proc ? a->proc : a->sys ? a->sys : "/",
				   strerror(-r));
	return 0;
}

enum {
	OPT_ROOT = 0x100,
	OPT_PROC,
	OPT_SYS,
	OPT_PROFILE,
	OPT_CACHING,
	OPT_AUTOLOAD,
	OPT_FORMAT,
	OPT_SKIP,
	OPT_ONLY,
	OPT_STRICT,
	OPT_NO_PROBE,
	OPT_FACTS,
	OPT_ASSUME,
	OPT_MODE,
	OPT_DATA_ROOT,
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
	"  --format FMT           text (default) or json (schema cvmprep.report/v1)\n"
	"  -o, --output FILE      write the report to FILE, atomically, instead of stdout\n"
	"  --skip IDS             report these checks as skip (ids or globs, comma-separated)\n"
	"  --only IDS             run only these checks (ids or globs, comma-separated)\n"
	"  --strict               a warning makes the node incompatible\n"
	"  --no-probe             run no functional probe (no child process)\n"
	"  --facts FILE           judge the facts saved by 'cvmprep facts' instead of a host\n"
	"  --assume KEY=VALUE     replace one fact, for what-if runs (repeatable)\n"
	"  -h, --help             show this help\n"
	"\n"
	"exit status: 0 compatible, 1 incompatible (a fail; a warn with --strict), 2 usage\n"
	"error, 3 undecided (some evidence could not be read)\n";

struct check_args {
	struct host_args host;
	const char *profile;
	const char *format;
	const char *output;
	const char *facts;
	const char *mode;
	const char *data_root;
	bool caching, autoload, strict, no_probe;
	struct strv skip, only, assume;
};

static void check_args_free(struct check_args *a)
{
	free(a->skip.v);
	free(a->only.v);
	free(a->assume.v);
}

/* Parses the options of check; returns -1 to go on, else the exit code. */
static int parse_check(int argc, char **argv, struct check_args *a)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "proc", required_argument, NULL, OPT_PROC },
		{ "sys", required_argument, NULL, OPT_SYS },
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "caching", no_argument, NULL, OPT_CACHING },
		{ "shiftfs-autoload", no_argument, NULL, OPT_AUTOLOAD },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "skip", required_argument, NULL, OPT_SKIP },
		{ "only", required_argument, NULL, OPT_ONLY },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "no-probe", no_argument, NULL, OPT_NO_PROBE },
		{ "facts", required_argument, NULL, OPT_FACTS },
		{ "assume", required_argument, NULL, OPT_ASSUME },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "data-root", required_argument, NULL, OPT_DATA_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		int r = 0;

		switch (c) {
		case OPT_ROOT: a->host.root = optarg; break;
		case OPT_PROC: a->host.proc = optarg; break;
		case OPT_SYS: a->host.sys = optarg; break;
		case OPT_PROFILE: a->profile = optarg; break;
		case OPT_CACHING: a->caching = true; break;
		case OPT_AUTOLOAD: a->autoload = true; break;
		case OPT_FORMAT: a->format = optarg; break;
		case 'o': a->output = optarg; break;
		case OPT_SKIP: r = strv_push_list(&a->skip, optarg); break;
		case OPT_ONLY: r = strv_push_list(&a->only, optarg); break;
		case OPT_STRICT: a->strict = true; break;
		case OPT_NO_PROBE: a->no_probe = true; break;
		case OPT_FACTS: a->facts = optarg; break;
		case OPT_ASSUME: r = strv_push(&a->assume, optarg); break;
		case OPT_MODE: a->mode = optarg; break;
		case OPT_DATA_ROOT: a->data_root = optarg; break;
		case 'h': fputs(check_help, stdout); return EXIT_SUCCESS;
		case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return usage_error("unknown option '%s' (see 'cvmprep check --help')",
					    argv[optind - 1]);
		}
		if (r < 0)
			return usage_error("out of memory");
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (a->facts && (a->host.root || a->host.proc || a->host.sys))
		return usage_error("--facts cannot be combined with --root, --proc or --sys");
	return -1;
}

static int parse_assumes(const struct strv *in, struct facts *f)
{
	for (size_t i = 0; i < in->n; i++) {
		_cleanup_free_ char *key = strdup(in->v[i]);
		char *eq = key ? strchr(key, '=') : NULL;

		if (!key)
			return usage_error("out of memory");
		if (!eq || eq == key)
			return usage_error("--assume wants KEY=VALUE, not '%s'", in->v[i]);
		*eq = '\0';
		if (facts_set(f, key, "--assume", eq + 1) < 0)
			return usage_error("out of memory");
	}
	return -1;
}

static int run_check(struct check_args *a)
{
	_cleanup_free_ enum selection *sel = calloc(checks_count() + 1, sizeof(*sel));
	_cleanup_free_ char *facts_root = NULL, *text = NULL;
	struct facts f = { 0 }, assume = { 0 };
	struct host h = { .root_fd = -1, .proc_fd = -1, .sys_fd = -1 };
	struct config cfg = { 0 };
	const struct report_format *fmt;
	struct result *results = NULL;
	struct report rep = { 0 };
	const char *bad = NULL;
	size_t n = 0, len;
	int r;

	if (!sel)
		return usage_error("out of memory");
	cfg.profile = profile_find(a->profile ? a->profile : "coder");
	if (!cfg.profile)
		return usage_error("unknown profile '%s' (coder, coder-v1, sysbox)", a->profile);
	fmt = report_format_find(a->format ? a->format : "text");
	if (!fmt)
		return usage_error("unknown format '%s' (text, json)", a->format);
	cfg.mode = mode_from_string(a->mode ? a->mode : "auto");
	if (cfg.mode == _MODE_MAX)
		return usage_error("unknown mode '%s' (auto, host, pod)", a->mode);
	if (a->data_root && a->data_root[0] != '/')
		return usage_error("--data-root wants an absolute path, not '%s'", a->data_root);
	cfg.data_root = a->data_root ? a->data_root : DATA_ROOT_DEFAULT;
	r = checks_select(a->skip.v, a->skip.n, a->only.v, a->only.n, sel, &bad);
	if (r == -EINVAL)
		return usage_error("no check matches '%s' (see 'cvmprep list')", bad);
	if (r < 0)
		return usage_error("out of memory");
	/* Saved facts hold the mode their run resolved; an explicit --mode overrides it. */
	if (a->facts && cfg.mode != MODE_AUTO &&
	    facts_set(&assume, "host.mode", "--mode", mode_to_string(cfg.mode)) < 0) {
		r = usage_error("out of memory");
		goto out;
	}
	r = parse_assumes(&a->assume, &assume);
	if (r >= 0)
		goto out;
	cfg.caching = a->caching;
	cfg.shiftfs_autoload = a->autoload;
	cfg.strict = a->strict;
	cfg.live = !a->facts && !a->host.root && !a->host.proc;
	cfg.as_root = geteuid() == 0;
	cfg.probes = cfg.live && cfg.as_root && !a->no_probe;

	if (a->facts)
		r = load_facts(a->facts, &f, &facts_root);
	else
		r = open_host(&a->host, &h);
	if (r != 0)
		goto out;
	r = checks_run(a->facts ? NULL : &h, &cfg, sel, &assume, &f, &results, &n);
	if (r < 0) {
		r = usage_error("out of memory");
		goto out;
	}
	rep = (struct report){
		.cfg = &cfg,
		.facts = &f,
		.root = a->facts ? facts_root : h.root,
		.mode = mode_to_string(facts_mode(&f) == MODE_POD ? MODE_POD : MODE_HOST),
		.results = results,
		.n_results = n,
		.generated_at = time(NULL),
	};
	report_tally(&rep);
	r = fmt->write(&rep, want_color(a->output), &text, &len);
	if (r < 0)
		r = usage_error("out of memory");
	else
		r = emit(a->output, text, len) ?: verdict_exit_code(rep.verdict);
out:
	results_free(results, n);
	facts_free(&f);
	facts_free(&assume);
	host_close(&h);
	return r;
}

static int cmd_check(int argc, char **argv)
{
	struct check_args a = { 0 };
	int r = parse_check(argc, argv, &a);

	if (r < 0)
		r = run_check(&a);
	check_args_free(&a);
	return r;
}

static const char *const facts_help =
	"usage: cvmprep facts [--root DIR] [--proc DIR] [--sys DIR] [-o FILE]\n"
	"\n"
	"Reads every piece of evidence the checks use and prints it as JSON (schema\n"
	"cvmprep.facts/v1): each fact with its source and, when it could not be read, the errno.\n"
	"'cvmprep check --facts FILE' judges such a file on any machine.\n";

static int cmd_facts(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "proc", required_argument, NULL, OPT_PROC },
		{ "sys", required_argument, NULL, OPT_SYS },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(cJSON_Deletep) cJSON *root = NULL;
	_cleanup_free_ char *text = NULL;
	struct host_args a = { 0 };
	const char *output = NULL;
	struct facts f = { 0 };
	struct config cfg = { .profile = &profiles[0], .data_root = DATA_ROOT_DEFAULT };
	struct host h;
	cJSON *facts = NULL;
	size_t len;
	bool ok;
	int c, r;

	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1)
		switch (c) {
		case OPT_ROOT: a.root = optarg; break;
		case OPT_PROC: a.proc = optarg; break;
		case OPT_SYS: a.sys = optarg; break;
		case 'o': output = optarg; break;
		case 'h': fputs(facts_help, stdout); return EXIT_SUCCESS;
		case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return usage_error("unknown option '%s' (see 'cvmprep facts --help')",
					    argv[optind - 1]);
		}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	r = open_host(&a, &h);
	if (r != 0)
		return r;
	cfg.live = h.live;
	r = facts_gather(&h, &cfg, &f);
	root = report_json_head(FACTS_SCHEMA, time(NULL));
	ok = r >= 0 && root && cJSON_AddStringToObject(root, "root", h.root) &&
	     (facts = facts_to_json(&f));
	if (ok && !cJSON_AddItemToObject(root, "facts", facts)) {
		cJSON_Delete(facts);
		ok = false;
	}
	if (!ok || json_print(root, &text, &len) < 0)
		r = usage_error("out of memory");
	else
		r = emit(output, text, len);
	facts_free(&f);
	host_close(&h);
	return r;
}

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
	int c, r;

	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1)
		switch (c) {
		case OPT_FORMAT: format = optarg; break;
		case 'h': fputs(list_help, stdout); return EXIT_SUCCESS;
		case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return usage_error("unknown option '%s' (see 'cvmprep list --help')",
					    argv[optind - 1]);
		}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	r = catalog_list(stdout, format);
	if (r == -EINVAL)
		return usage_error("unknown format '%s' (text, json, md)", format);
	return r < 0 ? usage_error("out of memory") : EXIT_SUCCESS;
}

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
	int o;

	while ((o = getopt_long(argc, argv, ":h", longopts, NULL)) != -1)
		switch (o) {
		case 'h': fputs(explain_help, stdout); return EXIT_SUCCESS;
		default: return usage_error("unknown option '%s' (see 'cvmprep explain --help')",
					    argv[optind - 1]);
		}
	if (optind + 1 != argc)
		return usage_error("explain takes one check id (see 'cvmprep list')");
	c = checks_find(argv[optind]);
	if (!c)
		return usage_error("unknown check id '%s' (see 'cvmprep list')", argv[optind]);
	catalog_explain(stdout, c);
	return EXIT_SUCCESS;
}

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
		{ "caching", no_argument, NULL, OPT_CACHING },
		{ "shiftfs-autoload", no_argument, NULL, OPT_AUTOLOAD },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *format = "table";
	bool caching = false, autoload = false;
	int c, r;

	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1)
		switch (c) {
		case OPT_CACHING: caching = true; break;
		case OPT_AUTOLOAD: autoload = true; break;
		case OPT_FORMAT: format = optarg; break;
		case 'h': fputs(hostpaths_help, stdout); return EXIT_SUCCESS;
		case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return usage_error("unknown option '%s' (see 'cvmprep hostpaths --help')",
					    argv[optind - 1]);
		}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	r = hostpaths_write(stdout, caching, autoload, format);
	if (r == -EINVAL)
		return usage_error("unknown format '%s' (table, json, yaml)", format);
	if (r < 0)
		return usage_error("out of memory");
	if (fflush(stdout) != 0)
		return usage_error("cannot write to standard output: %s", strerror(errno));
	return EXIT_SUCCESS;
}

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "check", cmd_check, "judge this node (or a tree) and write a compatibility report" },
	{ "facts", cmd_facts, "print the evidence the checks read, as JSON" },
	{ "list", cmd_list, "list every check id and the profiles" },
	{ "explain", cmd_explain, "say what a check reads, its rule, and how to fix it" },
	{ "hostpaths", cmd_hostpaths, "print the host paths Coder's CVM pod mounts, as YAML" },
};

static void main_help(FILE *out)
{
	fputs("usage: cvmprep COMMAND [OPTIONS]\n"
	      "       cvmprep --help | --version\n"
	      "\n"
	      "Prepares Linux nodes to run Container-based Virtual Machines (Sysbox system\n"
	      "containers). Commands:\n\n",
	      out);
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'cvmprep COMMAND --help' describes a command's options.\n"
	      "exit status: 0 compatible, 1 incompatible, 2 usage error, 3 undecided\n",
	      out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	if (streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help")) {
		main_help(stdout);
		return EXIT_SUCCESS;
	}
	if (streq(argv[1], "--version")) {
		printf("cvmprep %s\n", CVMPREP_VERSION);
		return EXIT_SUCCESS;
	}
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		if (streq(argv[1], commands[i].name)) {
			arg_cmd = commands[i].name;
			opterr = 0;
			return commands[i].run(argc - 1, argv + 1);
		}
	return usage_error("unknown command '%s' (see 'cvmprep --help')", argv[1]);
}
