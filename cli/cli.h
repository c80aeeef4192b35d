/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_CLI_H
#define CVMPREP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * The command line: one file per command, each exporting a descriptor, and one table of them
 * (cli/commands.c), in the manner of kmod's struct kmod_cmd and git's commands[]. Only cli/ talks
 * to the user: the library below it returns -errno and never prints.
 */

/* Exit codes besides the verdicts (0, 1, 3) and EXIT_SUCCESS: design.md, "Exit codes". */
enum {
	EXIT_USAGE = 2,     /* a bad option or operand; a file named, or stdout, that cannot be used */
	EXIT_INTERNAL = 70, /* out of memory or a bug: never a verdict (sysexits' EX_SOFTWARE) */
};

/* No command needs root whatever its options, so the dispatcher has no such gate: a need that
 * depends on them (provision: root unless --dry-run; its lock under --root, waiting
 * --lock-timeout) is the command's own, after it has parsed them. */
struct cli_cmd {
	const char *name;
	/* argv[0] is the command's name; returns the exit code. */
	int (*fn)(int argc, char **argv);
	const char *help; /* one line for 'cvmprep --help' */
};

/* The commands, in the order 'cvmprep --help' lists them (cli/commands.c). */
extern const struct cli_cmd *const cli_commands[];
extern const size_t n_cli_commands;
const struct cli_cmd *cli_command_find(const char *name);

/* One descriptor per command file. */
extern const struct cli_cmd cli_cmd_check;
extern const struct cli_cmd cli_cmd_facts;
extern const struct cli_cmd cli_cmd_list;
extern const struct cli_cmd cli_cmd_explain;
extern const struct cli_cmd cli_cmd_hostpaths;
extern const struct cli_cmd cli_cmd_provision;
extern const struct cli_cmd cli_cmd_image;
extern const struct cli_cmd cli_cmd_diff;
extern const struct cli_cmd cli_cmd_summarize;

/*
 * Runs cmd with argv[0] its name: resets getopt for it, names it in every message, then calls
 * cmd->fn. When it succeeds, what it wrote to stdout must have got there
 * (cli_stdout_done). Returns the exit code.
 */
int cli_run(const struct cli_cmd *cmd, int argc, char **argv);

/*
 * Messages, on stderr, as "cvmprep CMD: message" (git's guidelines: lowercase, what failed
 * first, the subject quoted). Each returns what its caller returns in turn:
 * cli_usage: EXIT_USAGE.
 * cli_fail: for an operation on something the operator named (a file, a tree) that failed with
 *   -errno r: prints the message and strerror, and returns -EINVAL; for -ENOMEM prints "out of
 *   memory" instead and returns -ENOMEM. Pass the result to cli_exit_code().
 * cli_oom: prints "out of memory" and returns -ENOMEM.
 */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_fail(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_oom(void);

/* The exit code of a helper's return: r >= 0 as it is; -EINVAL (a usage error, reported)
 * EXIT_USAGE; -ENOMEM, and any other -errno (no helper returns one: a bug), EXIT_INTERNAL. */
int cli_exit_code(int r);

/*
 * The message for getopt_long's ':' (missing value) or '?' (unknown option), naming the option
 * as the operator wrote it. Returns EXIT_USAGE.
 */
int cli_getopt_error(int c, char **argv);

/* Writes data to path atomically (write_file_atomic), or to stdout when path is NULL. Returns 0
 * or, after the message, -EINVAL (the write failed) or -ENOMEM. */
int cli_emit(const char *path, const char *data, size_t len);

struct report_format;

/*
 * The writer --format names (NULL: text), from the writers' table (reports/report.c): one that
 * the command (REPORT_FOR_CHECK, _IMAGE or _PROVISION) writes. Returns 0 and *ret; or, naming
 * the formats that command takes, -EINVAL (a usage error) or -ENOMEM: pass it to cli_exit_code().
 */
int cli_report_format(const char *name, unsigned command, const struct report_format **ret);

/* What a command does with a report a writer returned r for: out of memory is cli_oom(), another
 * error "cannot write the <what> report", else the text goes out through cli_emit and the result
 * is exit_code (the verdict's). */
int cli_emit_report(int r, const char *what, const char *path, const char *data, size_t len,
		    int exit_code);

/* A stream in memory for a writer that takes a FILE *, so that stdout is written once, by
 * cli_emit, and a failure is reported with its errno. */
struct cli_stream {
	FILE *f;
	char *buf;
	size_t len;
};

/* Returns 0 or, after the message, -ENOMEM. */
int cli_stream_open(struct cli_stream *s);
/* Writes what s holds to stdout and frees s. Returns 0, -EINVAL or -ENOMEM (reported). */
int cli_stream_emit(struct cli_stream *s);
void cli_stream_free(struct cli_stream *s);

/* After a command that succeeded: whether what it wrote to stdout got there (a full disk, a
 * closed pipe). Returns r, or EXIT_USAGE after the message naming stdout and the errno, as for
 * an unwritable -o FILE. cli_run() calls it; main() does for --help and --version. */
int cli_stdout_done(int r);

/* Whether text output goes to a colour terminal: stdout, no NO_COLOR, TERM not dumb. */
bool cli_want_color(const char *output);

struct report_doc;
/* Reads the JSON report at path for a comparison (diff, check --baseline). Returns 0, or after
 * the message naming the file and what is wrong: -EINVAL or -ENOMEM. */
int cli_report_load(const char *path, struct report_doc *ret);

#endif
