/* SPDX-License-Identifier: MIT */
/* The command table: one descriptor per command file, in the order 'cvmprep --help' lists them. */
#include "cli.h"
#include "core/util.h"

const struct cli_cmd *const cli_commands[] = {
	&cli_cmd_check,
	&cli_cmd_provision,
	&cli_cmd_image,
	&cli_cmd_facts,
	&cli_cmd_list,
	&cli_cmd_explain,
	&cli_cmd_hostpaths,
	&cli_cmd_diff,
	&cli_cmd_summarize,
};

const size_t n_cli_commands = ELEMENTSOF(cli_commands);

const struct cli_cmd *cli_command_find(const char *name)
{
	for (size_t i = 0; i < n_cli_commands; i++)
		if (streq(name, cli_commands[i]->name))
			return cli_commands[i];
	return NULL;
}
