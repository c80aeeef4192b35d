/* SPDX-License-Identifier: MIT */
/* cli/: the command table, exit codes, the shared host options, and provision's own root gate. */
#include <fcntl.h>
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "reports/report.h"

#define NOBODY 65534
/*
 * Runs cmd with args in a child, as uid (and gid) NOBODY when as_nobody (real setresuid: the
 * test runs as root), its stderr in err (at most size bytes), its stdout dropped. Returns its
 * exit status.
 */
static int run_child(const struct cli_cmd *cmd, char **args, bool as_nobody, char *err,
		     size_t size)
{
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int argc = 0;

		dup2(pipefd[1], STDERR_FILENO);
		dup2(open("/dev/null", O_WRONLY | O_CLOEXEC), STDOUT_FILENO);
		if (as_nobody && (setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
				  setresuid(NOBODY, NOBODY, NOBODY) < 0))
			_exit(99);
		while (args[argc])
			argc++;
		_exit(cli_run(cmd, argc, args));
	}
	close(pipefd[1]);
	for (size_t len = 0;; len += (size_t)n) {
		n = read(pipefd[0], err + len, size - 1 - len);
		if (n <= 0) {
			err[len] = '\0';
			break;
		}
	}
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_table(void **state)
{
	(void)state;
	assert_true(n_cli_commands >= 5);
	for (size_t i = 0; i < n_cli_commands; i++) {
		const struct cli_cmd *c = cli_commands[i];

		assert_non_null(c->fn);
		assert_non_null(c->help);
		assert_ptr_equal(cli_command_find(c->name), c);
	}
	assert_ptr_equal(cli_command_find("check"), &cli_cmd_check);
	assert_null(cli_command_find("frobnicate"));
}

/* design.md, "Exit codes": out of memory is an internal error, never a usage error. */
static void test_exit_code(void **state)
{
	(void)state;
	assert_int_equal(cli_exit_code(0), 0);
	assert_int_equal(cli_exit_code(3), 3);
	assert_int_equal(cli_exit_code(-EINVAL), EXIT_USAGE);
	assert_int_equal(cli_exit_code(-ENOMEM), EXIT_INTERNAL);
	assert_int_equal(EXIT_INTERNAL, 70);
	/* An errno no helper returns is a bug. */
	assert_int_equal(cli_exit_code(-EIO), EXIT_INTERNAL);
	assert_int_equal(cli_exit_code(cli_fail(-ENOENT, "cannot read '%s'", "x")), EXIT_USAGE);
	assert_int_equal(cli_exit_code(cli_fail(-ENOMEM, "cannot read '%s'", "x")), EXIT_INTERNAL);
	assert_int_equal(cli_exit_code(cli_oom()), EXIT_INTERNAL);
}

/* No command needs root whatever its options; provision does unless --dry-run, and says so
 * after parsing them, so anyone may read its help or have a bad option named. */
static void test_provision_needs_root(void **state)
{
	char *args[] = { (char *)"provision", NULL };
	char *help[] = { (char *)"provision", (char *)"--help", NULL };
	char *bad[] = { (char *)"provision", (char *)"--frobnicate", NULL };
	char err[512];

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(run_child(&cli_cmd_provision, args, true, err, sizeof(err)), EXIT_USAGE);
	assert_string_equal(err, "cvmprep provision: provisioning needs root (--dry-run does not)\n");
	assert_int_equal(run_child(&cli_cmd_provision, help, true, err, sizeof(err)), EXIT_SUCCESS);
	assert_int_equal(run_child(&cli_cmd_provision, bad, true, err, sizeof(err)), EXIT_USAGE);
	assert_non_null(strstr(err, "--frobnicate"));
}

/* --format is looked up in the writers' table by check, image and provision alike, each taking
 * the writers marked for it and naming those when refusing another. */
static void test_report_format(void **state)
{
	static const unsigned commands[] = { REPORT_FOR_CHECK, REPORT_FOR_IMAGE,
					     REPORT_FOR_PROVISION };
	_cleanup_strbuf_ struct strbuf want = STRBUF_INIT;
	const struct report_format *fmt = NULL;
	char *args[] = { (char *)"provision", (char *)"--format", NULL, NULL };
	char err[512];

	(void)state;
	for (size_t c = 0; c < ELEMENTSOF(commands); c++) {
		assert_int_equal(cli_report_format(NULL, commands[c], &fmt), 0);
		assert_string_equal(fmt->name, "text");
		assert_int_equal(cli_report_format("yaml", commands[c], &fmt), -EINVAL);
	}
	for (size_t i = 0; i < n_report_formats; i++) {
		const struct report_format *f = &report_formats[i];

		/* check writes every format */
		assert_true(f->commands & REPORT_FOR_CHECK);
		for (size_t c = 0; c < ELEMENTSOF(commands); c++) {
			fmt = NULL;
			assert_int_equal(cli_report_format(f->name, commands[c], &fmt),
					 f->commands & commands[c] ? 0 : -EINVAL);
			if (f->commands & commands[c])
				assert_ptr_equal(fmt, f);
		}
		if (f->commands & REPORT_FOR_PROVISION)
			strbuf_add_sep(&want, ", ", "%s", f->name);
	}
	/* provision names the table's list, and refuses what is not for it before any step */
	args[2] = (char *)"yaml";
	assert_int_equal(run_child(&cli_cmd_provision, args, false, err, sizeof(err)), EXIT_USAGE);
	assert_non_null(strstr(err, "unknown format 'yaml' ("));
	assert_non_null(strstr(err, strbuf_str(&want)));
	for (size_t i = 0; i < n_report_formats; i++) {
		args[2] = (char *)report_formats[i].name;
		if (!(report_formats[i].commands & REPORT_FOR_PROVISION))
			assert_int_equal(run_child(&cli_cmd_provision, args, false, err, sizeof(err)),
					 EXIT_USAGE);
	}
}

/* Feeds argv to cli_getopt as a command would; counts the options that are the command's. */
static int parse(struct cli_host_opts *o, int argc, char **argv, int *ret_other)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS_TREE,
		CLI_LONGOPTS_SELECT,
		CLI_LONGOPTS_JUDGE,
		{ "own", no_argument, NULL, _CLI_OPT_MAX },
		{},
	};
	int c;

	optind = 0;
	opterr = 0;
	*ret_other = 0;
	while ((c = cli_getopt(argc, argv, ":", longopts, o)) != -1) {
		if (c == CLI_OPT_FAILED)
			return o->err;
		assert_int_equal(c, _CLI_OPT_MAX);
		(*ret_other)++;
	}
	return 0;
}

static void test_host_options(void **state)
{
	char skip[] = "kernel.config.*,fs.fuse", only[] = "kernel.version";
	char *argv[] = { (char *)"test",   (char *)"--root", (char *)"/srv/img", (char *)"--own",
			 (char *)"--skip", skip,             (char *)"--only",   only,
			 (char *)"--assume", (char *)"os.id=ubuntu", (char *)"--caching",
			 (char *)"--strict", (char *)"--profile", (char *)"sysbox", NULL };
	struct cli_host_opts o = { 0 };
	struct config cfg;
	int other;

	(void)state;
	assert_int_equal(parse(&o, (int)ELEMENTSOF(argv) - 1, argv, &other), 0);
	assert_int_equal(other, 1); /* --own is the command's */
	assert_string_equal(o.root, "/srv/img");
	assert_int_equal(o.skip.n, 2);
	assert_string_equal(o.skip.v[1], "fs.fuse");
	assert_int_equal(o.only.n, 1);
	assert_int_equal(o.assume.n, 1);
	assert_int_equal(cli_host_config(&o, &cfg), 0);
	assert_string_equal(cfg.profile->name, "sysbox");
	assert_int_equal(cfg.mode, MODE_AUTO);
	assert_string_equal(cfg.data_root, DATA_ROOT_DEFAULT);
	assert_true(cfg.caching && cfg.strict && !cfg.shiftfs_autoload);
	assert_false(cfg.live); /* --root */
	assert_false(cfg.probes);

	o.data_root = "relative";
	assert_int_equal(cli_host_config(&o, &cfg), -EINVAL);
	o.data_root = NULL;
	o.profile = "nope";
	assert_int_equal(cli_host_config(&o, &cfg), -EINVAL);
	o.profile = NULL;
	o.mode = "nope";
	assert_int_equal(cli_host_config(&o, &cfg), -EINVAL);
	/* An empty list or element would select every check (--only) or none (--skip). */
	for (size_t i = 0; i < 4; i++) {
		char bad[4][16] = { "", ",", "a,", "a,,b" };

		assert_int_equal(cli_host_option(&o, CLI_OPT_ONLY, bad[i]), -EINVAL);
		assert_int_equal(cli_host_option(&o, CLI_OPT_SKIP, bad[i]), -EINVAL);
	}
	assert_int_equal(o.only.n, 1);
	/* What is not a host option is left to the command. */
	assert_int_equal(cli_host_option(&o, 'o', NULL), 0);
	assert_int_equal(cli_host_option(&o, _CLI_OPT_MAX, NULL), 0);
	assert_int_equal(cli_host_option(&o, CLI_OPT_NO_PROBE, NULL), 1);
	assert_true(o.no_probe);
	cli_host_opts_free(&o);
	assert_null(o.skip.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_exit_code),
		cmocka_unit_test(test_provision_needs_root),
		cmocka_unit_test(test_host_options),
		cmocka_unit_test(test_report_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
