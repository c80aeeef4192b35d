/* SPDX-License-Identifier: MIT */
/* What every command shares: the dispatcher, messages, exit codes, output. */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>

#include "core/fileio.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "reports/report.h"

static const char *arg_cmd = "";

static void vmessage(const char *fmt, va_list ap)
{
	fprintf(stderr, "cvmprep%s%s: ", *arg_cmd ? " " : "", arg_cmd);
	vfprintf(stderr, fmt, ap);
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int cli_oom(void)
{
	cli_usage("out of memory");
	return -ENOMEM;
}

int cli_fail(int r, const char *fmt, ...)
{
	va_list ap;

	if (r == -ENOMEM)
		return cli_oom();
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(-r));
	return -EINVAL;
}

int cli_exit_code(int r)
{
	if (r >= 0)
		return r;
	return r == -EINVAL ? EXIT_USAGE : EXIT_INTERNAL;
}

int cli_getopt_error(int c, char **argv)
{
	const char *given = argv[optind - 1];
	char opt[3] = { '-', (char)optopt, '\0' };
	bool is_short;

	/*
	 * getopt steps over a long option, so argv[optind - 1] is the one it refused; but within a
	 * cluster of short options (-xyz) it steps only after the last, so argv[optind - 1] is the
	 * argument before and the refused option is the character optopt. optopt is 0 for an
	 * unknown long option and the option's value for a long one given a value it takes not
	 * (--help=x).
	 */
	if (c == ':')
		/* A missing value: the option was the last argument, long or short. */
		is_short = !startswith(given, "--");
	else
		is_short = optopt > 0 && optopt <= 0xff &&
			   !(startswith(given, "--") && given[2] == optopt && strchr(given, '='));
	if (is_short)
		given = opt;
	if (c == ':')
		return cli_usage("option '%s' needs a value", given);
	if (optopt != 0 && !is_short)
		return cli_usage("option '%.*s' takes no value", (int)strcspn(given, "="), given);
	return cli_usage("unknown option '%s' (see 'cvmprep %s --help')", given, arg_cmd);
}

int cli_emit(const char *path, const char *data, size_t len)
{
	int r;

	if (!path) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
			return cli_fail(-errno, "cannot write to standard output");
		return 0;
	}
	r = write_file_atomic(path, data, len, 0644);
	return r < 0 ? cli_fail(r, "cannot write '%s'", path) : 0;
}

bool cli_want_color(const char *output)
{
	const char *term = getenv("TERM");

	return !output && isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
	       !(term && streq(term, "dumb"));
}

int cli_stream_open(struct cli_stream *s)
{
	*s = (struct cli_stream){ 0 };
	s->f = open_memstream(&s->buf, &s->len);
	return s->f ? 0 : cli_oom();
}

int cli_stream_emit(struct cli_stream *s)
{
	int r = 0;

	/* Writes into memory fail only for want of it. */
	if (ferror(s->f) | (fclose(s->f) != 0))
		r = cli_oom();
	s->f = NULL;
	if (r == 0)
		r = cli_emit(NULL, s->buf, s->len);
	cli_stream_free(s);
	return r;
}

void cli_stream_free(struct cli_stream *s)
{
	if (s->f)
		fclose(s->f);
	free(s->buf);
	*s = (struct cli_stream){ 0 };
}

int cli_stdout_done(int r)
{
	if (fflush(stdout) != 0)
		return cli_exit_code(cli_fail(-errno, "cannot write to standard output"));
	/* An earlier write failed and took what was buffered with it: its errno is gone. */
	if (ferror(stdout))
		return cli_usage("cannot write to standard output");
	return r;
}

int cli_run(const struct cli_cmd *cmd, int argc, char **argv)
{
	int r;

	arg_cmd = cmd->name;
	/* Messages are ours (cli_getopt_error); 0 makes glibc start afresh on this argv. */
	opterr = 0;
	optind = 0;
	r = cmd->fn(argc, argv);
	return r == EXIT_SUCCESS ? cli_stdout_done(r) : r;
}

int cli_report_format(const char *name, unsigned command, const struct report_format **ret)
{
	_cleanup_strbuf_ struct strbuf names = STRBUF_INIT;
	const struct report_format *fmt = report_format_find(name ? name : "text");

	if (fmt && (fmt->commands & command)) {
		*ret = fmt;
		return 0;
	}
	for (size_t i = 0; i < n_report_formats; i++)
		if (report_formats[i].commands & command)
			strbuf_add_sep(&names, ", ", "%s", report_formats[i].name);
	if (names.err)
		return cli_oom();
	return cli_usage("unknown format '%s' (%s)", name, strbuf_str(&names)), -EINVAL;
}

int cli_emit_report(int r, const char *what, const char *path, const char *data, size_t len,
		    int exit_code)
{
	if (r == -ENOMEM)
		return cli_oom();
	if (r < 0)
		return cli_fail(r, "cannot write the %s report", what);
	return cli_emit(path, data, len) ?: exit_code;
}
