/* SPDX-License-Identifier: MIT */
/*
 * For the libFuzzer targets that judge a tree: the input goes into files of a root directory
 * made once per fuzzing process (under $TMPDIR), then the checks that read those files run on it
 * as `cvmprep check --root` runs them (probes, rules, both writers). The parsers are reached the
 * way the tool reaches them, through the host layer's bounds.
 */
#ifndef CVMPREP_FUZZ_TREE_H
#define CVMPREP_FUZZ_TREE_H

#include <cJSON.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checks/check.h"
#include "checks/runner.h"
#include "core/util.h"
#include "reports/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_root[PATH_MAX];

static int fuzz_rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void fuzz_rm_root(void)
{
	if (fuzz_root[0])
		nftw(fuzz_root, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Empties the tree (made on first use, removed at exit). */
static void fuzz_tree_reset(void)
{
	if (!fuzz_root[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(fuzz_root, sizeof(fuzz_root), "%s/cvmprep-fuzz.XXXXXX", tmp ? tmp : "/tmp");
		if (!mkdtemp(fuzz_root))
			abort();
		atexit(fuzz_rm_root);
		return;
	}
	fuzz_rm_root();
	if (mkdir(fuzz_root, 0700) < 0)
		abort();
}

/* Writes len bytes at rel (relative to the root), making the directories above it. */
static void fuzz_put(const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fuzz_root, rel);
	for (char *p = path + strlen(fuzz_root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		(void)mkdir(path, 0755);
		*p = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		abort();
	if (len && write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

static void fuzz_put_str(const char *rel, const char *text)
{
	fuzz_put(rel, text, strlen(text));
}

/* Splits data at NUL bytes into at most n parts (the last takes the rest, NULs and all); parts
 * that are not there are empty. */
struct fuzz_part {
	const uint8_t *p;
	size_t len;
};

static void fuzz_split(const uint8_t *data, size_t size, struct fuzz_part *parts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const uint8_t *nul = i + 1 < n && size ? memchr(data, '\0', size) : NULL;
		size_t len = nul ? (size_t)(nul - data) : size;

		parts[i] = (struct fuzz_part){ data, len };
		data += len + (nul != NULL);
		size -= len + (nul != NULL);
	}
}

/* The facts as `cvmprep facts` writes them read back as `check --facts` reads them: the same
 * number of facts. */
static void fuzz_facts_round_trip(const struct facts *f)
{
	cJSON *json = facts_to_json(f), *back = NULL;
	char *text = json ? cJSON_PrintUnformatted(json) : NULL;
	struct facts g = { 0 };
	const char *bad;

	if (!text || !(back = cJSON_Parse(text)) || facts_from_json(back, &g, &bad) < 0 ||
	    g.n != f->n)
		abort();
	facts_free(&g);
	cJSON_Delete(back);
	cJSON_Delete(json);
	free(text);
}

/* Runs the checks matching the patterns (NULL-terminated; NULL for every check) on the tree in
 * mode ("auto", "host", "pod"), then renders both reports. Aborts on allocation failure. */
static void fuzz_tree_check(const char *const *only, const char *mode)
{
	size_t n_only = 0, n = 0;
	struct config cfg = {
		.profile = profile_find("coder"),
		.mode = mode_from_string(mode),
		.data_root = DATA_ROOT_DEFAULT,
	};
	enum selection *sel = calloc(checks_count() + 1, sizeof(*sel));
	struct facts f = { 0 };
	struct result *results = NULL;
	struct host h;
	const char *bad;

	while (only && only[n_only])
		n_only++;
	if (!sel || checks_select(NULL, 0, (char *const *)only, n_only, sel, &bad) < 0)
		abort();
	if (host_open(&h, fuzz_root, NULL, NULL) < 0)
		abort();
	if (checks_run(&h, &cfg, sel, NULL, &f, &results, &n) < 0)
		abort();
	fuzz_facts_round_trip(&f);
	for (size_t i = 0; i < n_report_formats; i++) {
		struct report rep = {
			.cfg = &cfg,
			.facts = &f,
			.root = fuzz_root,
			.mode = "host",
			.results = results,
			.n_results = n,
			.generated_at = 0,
		};
		char *text = NULL;
		size_t len;

		report_tally(&rep);
		if (report_formats[i].write(&rep, i % 2 == 0, &text, &len) < 0)
			abort();
		free(text);
	}
	results_free(results, n);
	facts_free(&f);
	host_close(&h);
	free(sel);
}

#endif
