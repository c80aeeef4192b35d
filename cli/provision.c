/* SPDX-License-Identifier: MIT */
/* cvmprep provision: make this node (or the root given) run Sysbox CVMs, and report it. */
#include <cJSON.h>
#include <time.h>

#include "checks/checks.h"
#include "cli.h"
#include "core/cleanup.h"
#include "core/util.h"
#include "options.h"
#include "provision/download.h"
#include "provision/lock.h"
#include "provision/plan.h"
#include "provision/releases.h"
#include "provision/report.h"
#include "provision/sha256.h"
#include "reports/report.h"
#include "checks/runtime.h"

enum {
	OPT_DRY_RUN = _CLI_OPT_MAX,
	OPT_TARGET,
	OPT_REPORT,
	OPT_FORMAT,
	OPT_METRICS,
	OPT_CONTAINERD,
	OPT_SYSBOX,
	OPT_SYSBOX_DEB,
	OPT_SYSBOX_SHA,
	OPT_APT_REPO,
	OPT_APT_KEY,
	OPT_LOCK_TIMEOUT,
	OPT_FORCE,
};

static const char *const provision_help =
	"usage: cvmprep provision [OPTIONS]\n"
	"\n"
	"Installs Sysbox and the pinned containerd.io on this node (or the system mounted at\n"
	"--root), registers sysbox-runc with Docker, verifies the result and reports it. Runs\n"
	"the checks first and refuses a node that fails them. Safe to re-run: what is done\n"
	"already is left alone, and no package manager starts.\n"
	"With --target image --root DIR, applies Coder's CVM image recipe to the image root\n"
	"DIR instead: containerd.io pinned, the docker-ce that accepts it, systemd, Docker\n"
	"enabled, /sbin/init leading to systemd; then the image checks.\n"
	"\n"
	"  --dry-run                print the plan and the commands it would run; change nothing\n"
	"  --target node|image      the node (default), or a workspace image's root (--root)\n"
	"  --root DIR               provision the system mounted at DIR (chrooted commands)\n"
	"  --report FILE            write the JSON report (schema cvmprep.report/v1) to FILE\n"
	"  --format FMT             text (default), json, or prom (node_exporter textfile\n"
	"                           metrics: each step's outcome), on standard output\n"
	"  --metrics FILE           write the prom metrics to FILE, atomically\n"
	"  --containerd-version V   containerd.io to pin (default " CONTAINERD_PIN_DEFAULT "), or none\n"
	"  --sysbox-version V       sysbox-ce to install (default " SYSBOX_VERSION_DEFAULT "), or none\n"
	"  --sysbox-deb PATH|URL    install sysbox-ce from this .deb (a URL is downloaded)\n"
	"  --sysbox-sha256 HEX      the .deb's SHA-256; installing is refused if it differs\n"
	"  --apt-repo URL           Docker's repository, when no source offers containerd.io\n"
	"                           (default https://download.docker.com/linux/<ubuntu|debian>)\n"
	"  --apt-key FILE|URL       its signing key, armored or binary (default: its gpg key)\n"
	"  --lock-timeout SECONDS   wait this long for another provisioner (default 60)\n"
	"  --force                  go on despite failed or undecided checks (recorded)\n"
	"  --profile, --mode, --data-root, --skip IDS, --only IDS, --assume KEY=VALUE,\n"
	"  --shiftfs-autoload, --caching   as for 'cvmprep check'\n"
	"  -h, --help               show this help\n"
	"\n"
	"exit status: 0 provisioned (or nothing to do), 1 preflight refused, 2 usage error,\n"
	"3 preflight undecided, 4 a step failed or was refused, 5 another provisioner holds the lock\n";

struct provision_args {
	struct cli_host_opts host;
	struct prov_opts o;
	const char *report;
	const char *metrics;
	const char *format;
	const struct report_format *fmt; /* --format: text is the progress on standard output */
};

/* "none" turns a version off. */
static const char *version_arg(const char *arg)
{
	return streq(arg, "none") ? NULL : arg;
}

static int parse_lock_timeout(const char *arg, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v > 86400 || arg[0] == '-')
		return cli_usage("--lock-timeout wants seconds (0 to 86400), not '%s'", arg);
	*ret = (unsigned)v;
	return 0;
}

/* Parses the options; returns -1 to go on, else the exit code. */
static int parse_provision(int argc, char **argv, struct provision_args *a)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS_TREE,
		CLI_LONGOPTS_SELECT,
		CLI_LONGOPTS_JUDGE,
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "target", required_argument, NULL, OPT_TARGET },
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "containerd-version", required_argument, NULL, OPT_CONTAINERD },
		{ "sysbox-version", required_argument, NULL, OPT_SYSBOX },
		{ "sysbox-deb", required_argument, NULL, OPT_SYSBOX_DEB },
		{ "sysbox-sha256", required_argument, NULL, OPT_SYSBOX_SHA },
		{ "apt-repo", required_argument, NULL, OPT_APT_REPO },
		{ "apt-key", required_argument, NULL, OPT_APT_KEY },
		{ "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, r;

	while ((c = cli_getopt(argc, argv, ":h", longopts, &a->host)) != -1) {
		r = 0;
		switch (c) {
		case OPT_DRY_RUN: a->o.dry_run = true; break;
		case OPT_TARGET:
			r = prov_target_from_string(optarg);
			if (r < 0)
				return cli_usage("unknown target '%s' (node, image)", optarg);
			a->o.target = (enum prov_target)r;
			r = 0;
			break;
		case OPT_REPORT: a->report = optarg; break;
		case OPT_FORMAT: a->format = optarg; break;
		case OPT_METRICS: a->metrics = optarg; break;
		case OPT_CONTAINERD: a->o.containerd_version = version_arg(optarg); break;
		case OPT_SYSBOX: a->o.sysbox_version = version_arg(optarg); break;
		case OPT_SYSBOX_DEB: a->o.sysbox_deb = optarg; break;
		case OPT_SYSBOX_SHA: a->o.sysbox_sha256 = optarg; break;
		case OPT_APT_REPO: a->o.apt_repo = optarg; break;
		case OPT_APT_KEY: a->o.apt_key = optarg; break;
		case OPT_LOCK_TIMEOUT: r = parse_lock_timeout(optarg, &a->o.lock_timeout_s); break;
		case OPT_FORCE: a->o.force = true; break;
		case 'h': fputs(provision_help, stdout); return EXIT_SUCCESS;
		case CLI_OPT_FAILED: return cli_exit_code(a->host.err);
		default: return cli_getopt_error(c, argv);
		}
		if (r)
			return r;
	}
	if (optind < argc)
		return cli_usage("unexpected argument '%s'", argv[optind]);
	r = cli_report_format(a->format, REPORT_FOR_PROVISION, &a->fmt);
	if (r < 0)
		return cli_exit_code(r);
	if (a->o.sysbox_sha256 && !sha256_hex_valid(a->o.sysbox_sha256))
		return cli_usage("--sysbox-sha256 wants 64 hex digits, not '%s'", a->o.sysbox_sha256);
	if (a->o.sysbox_deb && strstr(a->o.sysbox_deb, "://") && !download_is_url(a->o.sysbox_deb))
		return cli_usage("--sysbox-deb takes a path, or an http:// or https:// URL, not '%s'",
				 a->o.sysbox_deb);
	if (a->o.sysbox_deb && download_is_url(a->o.sysbox_deb) && !a->o.sysbox_sha256)
		return cli_usage("--sysbox-deb URL needs --sysbox-sha256 HEX: a download is never "
				 "installed unchecked");
	if (a->o.target == PROV_TARGET_IMAGE) {
		/* The image's root, never this node's: there is no default. */
		if (!a->host.root)
			return cli_usage("--target image needs --root DIR (the image's root)");
		if (a->o.sysbox_deb || a->o.sysbox_sha256 || a->host.shiftfs_autoload)
			return cli_usage("--sysbox-deb, --sysbox-sha256 and --shiftfs-autoload are "
					 "for --target node: an image gets no Sysbox");
		a->o.sysbox_version = NULL;
	}
	if (!a->o.dry_run && geteuid() != 0)
		return cli_usage("provisioning needs root (--dry-run does not)");
	return -1;
}

/* Progress: on a terminal, the step being run with its last output line, rewritten in place;
 * otherwise one line per step when it ends. */
struct ui_state {
	FILE *out;
	bool tty;
	unsigned long long start_ms;
};

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

static void ui_begin(void *ud, size_t i, size_t n, const struct prov_step_rec *s)
{
	struct ui_state *u = ud;

	u->start_ms = now_ms();
	if (u->tty) {
		fprintf(u->out, "\r\033[K[%zu/%zu] %s ...", i + 1, n, s->title);
		fflush(u->out);
	}
}

static void ui_line(void *ud, const struct prov_step_rec *s, const char *line)
{
	struct ui_state *u = ud;

	if (!u->tty || !*line)
		return;
	fprintf(u->out, "\r\033[K  %s (%.1fs): %.60s", s->name, (double)(now_ms() - u->start_ms) / 1000,
		line);
	fflush(u->out);
}

static void ui_end(void *ud, size_t i, size_t n, const struct prov_step_rec *s)
{
	struct ui_state *u = ud;

	if (u->tty)
		fprintf(u->out, "\r\033[K[%zu/%zu] ", i + 1, n);
	fprintf(u->out, "%-12s %-8s %s\n", s->name, prov_outcome_to_string(s->outcome),
		s->message ? s->message : "");
	/* Under --dry-run, what would run. */
	for (size_t k = 0; k < s->n_cmds; k++)
		if (!s->cmds[k].ran) {
			fputs("             would run:", u->out);
			for (char **p = s->cmds[k].argv; *p; p++)
				fprintf(u->out, " %s", *p);
			fputc('\n', u->out);
		}
	for (size_t k = 0; s->outcome == PROV_PLANNED && k < s->n_writes; k++)
		fprintf(u->out, "             would write: %s\n", s->writes[k]);
	fflush(u->out);
}

/* The report goes as JSON to --report FILE, as metrics to --metrics FILE, and in the --format
 * writer to standard output (text: the progress was it). */
static int emit_report(const struct provision_args *a, const struct host *h,
		       const struct config *cfg, const struct prov_result *res)
{
	_cleanup_(cJSON_Deletep) cJSON *section = prov_report_json(res, &a->o);
	struct report rep = {
		.cfg = cfg,
		.facts = &res->facts,
		.root = h->root,
		.mode = facts_mode_name(&res->facts),
		.results = res->checks,
		.n_results = res->n_checks,
		.generated_at = time(NULL),
		.provision = section,
	};
	const struct {
		report_writer_fn write;
		const char *path;
	} files[] = {
		{ report_write_json, a->report },
		{ report_write_prom, a->metrics },
	};
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	if (!section)
		return cli_oom();
	report_tally(&rep);
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		if (!files[i].path)
			continue;
		if (files[i].write(&rep, false, &text, &len) < 0)
			return cli_oom();
		r = cli_emit(files[i].path, text, len);
		if (r < 0)
			return r;
		free(TAKE_PTR(text));
	}
	if (a->fmt->write == report_write_text) /* the progress was it */
		return 0;
	if (a->fmt->write(&rep, false, &text, &len) < 0)
		return cli_oom();
	return cli_emit(NULL, text, len);
}

static int run_provision(struct provision_args *a)
{
	_cleanup_free_ enum selection *sel = NULL;
	struct host h = { .root_fd = -1, .proc_fd = -1, .sys_fd = -1 };
	struct facts assume = { 0 };
	struct prov_result res = { 0 };
	/* A report on standard output sends the progress to standard error. */
	bool report_out = a->fmt->write != report_write_text;
	struct ui_state u = { .out = report_out ? stderr : stdout };
	struct prov_ui ui = { ui_begin, ui_line, ui_end, &u };
	struct config cfg;
	int r;

	u.tty = isatty(fileno(u.out));
	r = cli_host_config(&a->host, &cfg) ?: cli_host_select(&a->host, &sel)
						?: cli_host_assume(&a->host, &assume)
						?: cli_host_open(&a->host, &h);
	if (r < 0)
		goto out;
	cfg.containerd_pin = a->o.containerd_version ? a->o.containerd_version : "";
	a->o.cfg = &cfg;
	a->o.sel = sel;
	a->o.assume = &assume;
	r = prov_provision(&h, &a->o, &ui, &res);
	if (r < 0) {
		r = cli_oom();
		goto out;
	}
	r = emit_report(a, &h, &cfg, &res);
	if (r >= 0)
		r = res.exit_code;
out:
	prov_result_free(&res);
	facts_free(&assume);
	host_close(&h);
	return cli_exit_code(r);
}

static int cmd_provision(int argc, char **argv)
{
	struct provision_args a = {
		.o = {
			.containerd_version = CONTAINERD_PIN_DEFAULT,
			.sysbox_version = SYSBOX_VERSION_DEFAULT,
			.lock_timeout_s = PROV_LOCK_TIMEOUT_DEFAULT,
		},
	};
	int r = parse_provision(argc, argv, &a);

	if (r < 0)
		r = run_provision(&a);
	cli_host_opts_free(&a.host);
	return r;
}

const struct cli_cmd cli_cmd_provision = {
	.name = "provision",
	.fn = cmd_provision,
	.help = "install Sysbox and the pinned containerd.io, verified, and report it",
};
