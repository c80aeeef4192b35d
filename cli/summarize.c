/* SPDX-License-Identifier: MIT */
/* cvmprep summarize PATH...: JSON reports of a fleet, counted one at a time. */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>

#include "cli.h"
#include "core/cleanup.h"
#include "core/fileio.h"
#include "core/util.h"
#include "reports/docload.h"
#include "reports/summary.h"

enum {
	OPT_FORMAT = 0x100,
	OPT_NODES,
};

/* How deep directories are walked below a PATH. */
#define WALK_DEPTH_MAX 16

static const char *const summarize_help =
	"usage: cvmprep summarize [--format text|json] [-o FILE] [--nodes N] PATH...\n"
	"\n"
	"Counts JSON reports (check --format json) across nodes: each check's statuses, the\n"
	"verdicts, the most failing checks, and the incompatible and undecided nodes with the\n"
	"checks that made them so. A PATH is a report or a directory, walked for *.json files\n"
	"(hidden ones and symlinks to directories are left out). Reports are read one at a time:\n"
	"memory grows with the distinct check ids and --nodes, not with the reports. A report\n"
	"that cannot be read or is not one is counted and named, never fatal.\n"
	"\n"
	"  --format FMT           text (default) or json (schema cvmprep.summary/v1)\n"
	"  -o, --output FILE      write the summary to FILE, atomically, instead of stdout\n"
	"  --nodes N              name up to N nodes per list, the first by report path\n"
	"                         (default 20, at most 1000; the counts are always whole)\n"
	"  -h, --help             show this help\n"
	"\n"
	"exit status: 0 summary written (whatever the nodes' verdicts), 2 usage error (or a\n"
	"PATH that does not exist), 70 internal error\n";

struct walk {
	struct summary sum;
	char *buf; /* one report at a time, reused */
	size_t cap;
	char path[PATH_MAX];
};

/* Reads the report open at fd into w->buf and counts it; what cannot be read is counted as
 * unusable. Takes fd. Returns 0 or -ENOMEM. */
static int take_report(struct walk *w, int fd)
{
	_cleanup_close_ int f = fd;
	struct stat st;
	size_t len = 0;
	ssize_t n;

	if (f < 0 || fstat(f, &st) < 0)
		return summary_add_unusable(&w->sum, w->path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return summary_add_unusable(&w->sum, w->path, "not a regular file");
	if (st.st_size > DOC_SIZE_MAX)
		return summary_add_unusable(&w->sum, w->path, "larger than 16 MiB");
	for (;;) {
		if (len == w->cap) {
			size_t cap = w->cap ? 2 * w->cap : 256 * 1024;
			char *b;

			if (w->cap >= DOC_SIZE_MAX)
				return summary_add_unusable(&w->sum, w->path, "larger than 16 MiB");
			b = realloc(w->buf, cap);
			if (!b)
				return -ENOMEM;
			w->buf = b;
			w->cap = cap;
		}
		n = read(f, w->buf + len, w->cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return summary_add_unusable(&w->sum, w->path, strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return summary_add(&w->sum, w->path, w->buf, len);
}

static bool is_report_name(const char *name)
{
	size_t n = strlen(name);

	/* Hidden files are left out: an atomic write's temporary name is one. */
	return name[0] != '.' && n > 5 && streq(name + n - 5, ".json");
}

/* Walks the directory open at dfd (w->path names it). Takes dfd. Returns 0 or -ENOMEM. */
static int walk_dir(struct walk *w, int dfd, unsigned depth)
{
	_cleanup_(closedirp) DIR *d = fdopendir(dfd);
	size_t base = strlen(w->path);
	struct dirent *de;
	int r = 0;

	if (!d) {
		close(dfd);
		return summary_add_unusable(&w->sum, w->path, strerror(errno));
	}
	while (r == 0 && (errno = 0, de = readdir(d))) {
		bool dir = de->d_type == DT_DIR;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;

			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue; /* gone since readdir */
			dir = S_ISDIR(st.st_mode);
		}
		/* Whatever else is named *.json is read as a report (a FIFO, a device: unusable). */
		if (dir ? de->d_name[0] == '.' : !is_report_name(de->d_name))
			continue;
		if ((size_t)snprintf(w->path + base, sizeof(w->path) - base, "%s%s",
				     base && w->path[base - 1] == '/' ? "" : "/", de->d_name) >=
		    sizeof(w->path) - base) {
			w->path[base] = '\0';
			continue; /* a name past PATH_MAX cannot be opened either */
		}
		if (dir && depth >= WALK_DEPTH_MAX)
			r = summary_add_unusable(&w->sum, w->path, "a directory nested too deep");
		else if (dir)
			r = walk_dir(w,
				     openat(dirfd(d), de->d_name,
					    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC),
				     depth + 1);
		else
			r = take_report(w, openat(dirfd(d), de->d_name,
						  O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
		w->path[base] = '\0';
	}
	if (r == 0 && errno != 0)
		r = summary_add_unusable(&w->sum, w->path, strerror(errno));
	return r;
}

/* A PATH named on the command line: a directory is walked, anything else read as a report. */
static int walk_path(struct walk *w, const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;

	snprintf(w->path, sizeof(w->path), "%s", path);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		return walk_dir(w, fd, 0);
	return take_report(w, fd);
}

static int parse_nodes(const char *arg, size_t *ret)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || n > SUMMARY_NODES_MAX)
		return cli_usage("--nodes wants a number from 0 to %d, not '%s'", SUMMARY_NODES_MAX,
				 arg),
		       -EINVAL;
	*ret = n;
	return 0;
}

static int cmd_summarize(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "nodes", required_argument, NULL, OPT_NODES },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	_cleanup_free_ struct walk *w = NULL;
	_cleanup_free_ char *text = NULL;
	const char *format = "text", *output = NULL;
	size_t nodes = SUMMARY_NODES_DEFAULT, len = 0;
	int c, r = 0;

	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1)
		switch (c) {
		case OPT_FORMAT: format = optarg; break;
		case 'o': output = optarg; break;
		case OPT_NODES:
			if (parse_nodes(optarg, &nodes) < 0)
				return EXIT_USAGE;
			break;
		case 'h': fputs(summarize_help, stdout); return EXIT_SUCCESS;
		default: return cli_getopt_error(c, argv);
		}
	if (!streq(format, "text") && !streq(format, "json"))
		return cli_usage("unknown format '%s' (text, json)", format);
	if (optind == argc)
		return cli_usage("summarize takes reports or directories of them (see 'cvmprep summarize --help')");
	/* A PATH that is not there is the operator's mistake, said before any work. */
	for (int i = optind; i < argc; i++)
		if (access(argv[i], F_OK) < 0)
			return cli_exit_code(cli_fail(-errno, "cannot read '%s'", argv[i]));
	w = calloc(1, sizeof(*w));
	if (!w)
		return cli_exit_code(cli_oom());
	summary_init(&w->sum, nodes);
	for (int i = optind; r == 0 && i < argc; i++)
		r = walk_path(w, argv[i]);
	if (r == 0)
		r = streq(format, "json") ? summary_write_json(&w->sum, time(NULL), &text, &len)
					  : summary_write_text(&w->sum, &text, &len);
	r = cli_emit_report(r, "summary", output, text, len, EXIT_SUCCESS);
	summary_free(&w->sum);
	free(w->buf);
	return cli_exit_code(r);
}

const struct cli_cmd cli_cmd_summarize = {
	.name = "summarize",
	.fn = cmd_summarize,
	.help = "count JSON reports across nodes: statuses, failing checks, nodes",
};
