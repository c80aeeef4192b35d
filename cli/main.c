/* SPDX-License-Identifier: MIT */
/* cvmprep: the dispatcher. 'cvmprep COMMAND ...' runs the command of that name (cli/commands.c). */
#include "cli.h"
#include "core/util.h"
#include "reports/report.h"

static void main_help(FILE *out)
{
	fputs("usage: cvmprep COMMAND [OPTIONS]\n"
	      "       cvmprep --help | --version\n"
	      "\n"
	      "Prepares Linux nodes to run Container-based Virtual Machines (Sysbox system\n"
	      "containers). Commands:\n\n",
	      out);
	for (size_t i = 0; i < n_cli_commands; i++)
		fprintf(out, "  %-9s %s\n", cli_commands[i]->name, cli_commands[i]->help);
	fputs("\n'cvmprep COMMAND --help' describes a command's options.\n"
	      "exit status: 0 compatible, 1 incompatible, 2 usage error (or standard output\n"
	      "cannot be written), 3 undecided, 4 provisioning failed, 5 another provisioner\n"
	      "holds the lock, 70 internal error (out of memory)\n",
	      out);
}

int main(int argc, char **argv)
{
	const struct cli_cmd *cmd;

	if (argc < 2) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	if (streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help")) {
		main_help(stdout);
		return cli_stdout_done(EXIT_SUCCESS);
	}
	if (streq(argv[1], "--version")) {
		printf("cvmprep %s\n", CVMPREP_VERSION);
		return cli_stdout_done(EXIT_SUCCESS);
	}
	cmd = cli_command_find(argv[1]);
	if (!cmd)
		return cli_usage("unknown command '%s' (see 'cvmprep --help')", argv[1]);
	return cli_run(cmd, argc - 1, argv + 1);
}
