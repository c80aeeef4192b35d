/* SPDX-License-Identifier: MIT */
/* cvmprep facts: every piece of evidence the checks read, as JSON. */
#include <cJSON.h>

#include "checks/runner.h"
#include "cli.h"
#include "core/cleanup.h"
#include "core/util.h"
#include "options.h"
#include "reports/report.h"

static const char *const facts_help =
	"usage: cvmprep facts [--root DIR] [--proc DIR] [--sys DIR] [-o FILE]\n"
	"\n"
	"Reads every piece of evidence the checks use and prints it as JSON (schema\n"
	"cvmprep.facts/v1): each fact with its source and, when it could not be read, the errno.\n"
	"'cvmprep check --facts FILE' judges such a file on any machine.\n";

static int cmd_facts(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS_TREE,
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_(cJSON_Deletep) cJSON *root = NULL;
	_cleanup_free_ char *text = NULL;
	struct cli_host_opts o = { 0 };
	const char *output = NULL;
	struct facts f = { 0 };
	struct config cfg = { .profile = &profiles[0], .data_root = DATA_ROOT_DEFAULT };
	struct host h;
	cJSON *facts = NULL;
	size_t len;
	bool ok;
	int c, r;

	while ((c = cli_getopt(argc, argv, ":ho:", longopts, &o)) != -1)
		switch (c) {
		case 'o': output = optarg; break;
		case 'h': fputs(facts_help, stdout); return EXIT_SUCCESS;
		case CLI_OPT_FAILED: return cli_exit_code(o.err);
		default: return cli_getopt_error(c, argv);
		}
	if (optind < argc)
		return cli_usage("unexpected argument '%s'", argv[optind]);
	r = cli_host_open(&o, &h);
	if (r < 0)
		return cli_exit_code(r);
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
		r = cli_oom();
	else
		r = cli_emit(output, text, len);
	facts_free(&f);
	host_close(&h);
	return cli_exit_code(r);
}

const struct cli_cmd cli_cmd_facts = {
	.name = "facts",
	.fn = cmd_facts,
	.help = "print the evidence the checks read, as JSON",
};
