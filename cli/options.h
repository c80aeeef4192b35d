/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_CLI_OPTIONS_H
#define CVMPREP_CLI_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>

#include "checks/check.h"
#include "checks/runner.h"

/*
 * The options every command that reads or judges a host shares, parsed in one place. A command
 * splices the fragments it takes into its own getopt_long table and lets cli_getopt() take those
 * options; what it returns is the command's own. Then cli_host_config() and the others turn
 * what was given into what the library takes:
 *
 *	static const struct option longopts[] = {
 *		CLI_LONGOPTS_TREE, CLI_LONGOPTS_SELECT, CLI_LONGOPTS_JUDGE,
 *		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },     (its own, from _CLI_OPT_MAX on)
 *		{ "help", no_argument, NULL, 'h' },
 *		{},
 *	};
 *	struct cli_host_opts o = { 0 };
 *	while ((c = cli_getopt(argc, argv, ":h", longopts, &o)) != -1)
 *		switch (c) {
 *		case OPT_DRY_RUN: ...
 *		case CLI_OPT_FAILED: r = o.err; goto out;     (the message is printed)
 *		default: r = cli_getopt_error(c, argv); goto out;
 *		}
 *	r = cli_host_config(&o, &cfg) ?: cli_host_select(&o, &sel) ?: cli_host_assume(&o, &assume)
 *	    ?: cli_host_open(&o, &h);
 *	...
 *	cli_host_opts_free(&o);
 *	return cli_exit_code(r);
 *
 * A command with its own getopt loop calls cli_host_option() for each option instead.
 * Every function here prints its own message and returns 0 or a negative errno: -EINVAL for a
 * usage error, -ENOMEM. cli_exit_code() gives the exit code.
 */

/* getopt_long values: above every short option. A command's own start at _CLI_OPT_MAX. */
enum {
	CLI_OPT_ROOT = 0x100,
	CLI_OPT_PROC,
	CLI_OPT_SYS,
	CLI_OPT_PROFILE,
	CLI_OPT_MODE,
	CLI_OPT_DATA_ROOT,
	CLI_OPT_SKIP,
	CLI_OPT_ONLY,
	CLI_OPT_ASSUME,
	CLI_OPT_CACHING,
	CLI_OPT_AUTOLOAD,
	CLI_OPT_NO_PROBE,
	CLI_OPT_STRICT,
	_CLI_OPT_MAX,
};

/* clang-format off */
/* Where the host is: --root, --proc, --sys. */
#define CLI_LONGOPTS_TREE							\
	{ "root", required_argument, NULL, CLI_OPT_ROOT },			\
	{ "proc", required_argument, NULL, CLI_OPT_PROC },			\
	{ "sys", required_argument, NULL, CLI_OPT_SYS }

/* What it is judged against, and which checks: --profile, --mode, --data-root, --skip, --only,
 * --assume. */
#define CLI_LONGOPTS_SELECT							\
	{ "profile", required_argument, NULL, CLI_OPT_PROFILE },		\
	{ "mode", required_argument, NULL, CLI_OPT_MODE },			\
	{ "data-root", required_argument, NULL, CLI_OPT_DATA_ROOT },		\
	{ "skip", required_argument, NULL, CLI_OPT_SKIP },			\
	{ "only", required_argument, NULL, CLI_OPT_ONLY },			\
	{ "assume", required_argument, NULL, CLI_OPT_ASSUME }

/* How it is judged: --caching, --shiftfs-autoload, --no-probe, --strict. A command may splice
 * single entries instead: { "shiftfs-autoload", no_argument, NULL, CLI_OPT_AUTOLOAD }. */
#define CLI_LONGOPTS_JUDGE							\
	{ "caching", no_argument, NULL, CLI_OPT_CACHING },			\
	{ "shiftfs-autoload", no_argument, NULL, CLI_OPT_AUTOLOAD },		\
	{ "no-probe", no_argument, NULL, CLI_OPT_NO_PROBE },			\
	{ "strict", no_argument, NULL, CLI_OPT_STRICT }
/* clang-format on */

/* A list of option arguments; the strings point into argv. */
struct cli_strv {
	char **v;
	size_t n;
};

/* What was given; NULL or false unless it was. */
struct cli_host_opts {
	const char *root, *proc, *sys;
	const char *profile; /* a name, as given */
	const char *mode;    /* auto, host or pod, as given */
	const char *data_root;
	struct cli_strv skip, only; /* check ids and globs, one per element */
	struct cli_strv assume;     /* KEY=VALUE, one per --assume */
	bool caching, shiftfs_autoload, no_probe, strict;
	int err; /* after CLI_OPT_FAILED: -EINVAL or -ENOMEM */
};

/* Takes option c of getopt_long with its argument (modified in place: lists are split).
 * Returns 1 when c is one of the CLI_OPT_* above, 0 when it is not (the caller's own), or, after
 * the message, -EINVAL or -ENOMEM. */
int cli_host_option(struct cli_host_opts *o, int c, char *arg);

/* What cli_getopt returns when a host option was given wrong: o->err says how. */
#define CLI_OPT_FAILED (-2)

/* getopt_long(argc, argv, optstring, longopts) that takes the host options itself (by
 * cli_host_option) and returns the next option that is not one, -1 at the end of the options, or
 * CLI_OPT_FAILED. */
int cli_getopt(int argc, char **argv, const char *optstring, const struct option *longopts,
	       struct cli_host_opts *o);

/*
 * Fills cfg from o: the profile (default coder), the mode (default auto), the data root (an
 * absolute path, default DATA_ROOT_DEFAULT), the judging flags; and, for reading a host, live
 * (no --root, no --proc), as_root and probes (live, as root, no --no-probe). A command that
 * judges saved facts clears live and probes afterwards. Returns 0, -EINVAL or -ENOMEM.
 */
int cli_host_config(const struct cli_host_opts *o, struct config *cfg);

/* The selection of --skip and --only: *ret has checks_count() entries (caller frees).
 * Returns 0, -EINVAL (a pattern matches no check) or -ENOMEM. */
int cli_host_select(const struct cli_host_opts *o, enum selection **ret);
/* The same among the checks of target t. */
int cli_host_select_target(const struct cli_host_opts *o, enum check_target t,
			   enum selection **ret);

/* Records each --assume KEY=VALUE into assume, with the source "--assume KEY". KEY must be a fact a
 * probe can record (checks/factkeys.h) and VALUE, for a fact of fixed values (host.mode), one of
 * them. Returns 0, -EINVAL or -ENOMEM. */
int cli_host_assume(const struct cli_host_opts *o, struct facts *assume);

/* Opens the host of --root, --proc, --sys. Returns 0, -EINVAL (it cannot be opened) or -ENOMEM;
 * on error *h is closed. */
int cli_host_open(const struct cli_host_opts *o, struct host *h);

void cli_host_opts_free(struct cli_host_opts *o);

#endif
