/* SPDX-License-Identifier: MIT */
/* A temporary tree for tests that read files through struct host: made under $TMPDIR (or
 * /tmp) with mkdtemp, filled with tree_put()/tree_link(), removed whole by tree_remove().
 * Include after <cmocka.h>. */
#ifndef CVMPREP_TEST_TMPTREE_H
#define CVMPREP_TEST_TMPTREE_H

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "core/util.h"

/* Makes a new empty tree; returns its path (caller frees, after tree_remove()). */
static inline char *tree_new(void)
{
	const char *tmp = getenv("TMPDIR");
	char *t = strdup_printf("%s/cvmprep-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");

	assert_non_null(t);
	assert_non_null(mkdtemp(t));
	return t;
}

/* Creates the directories of rel (all of it when dir, else its parent) under tree. */
static inline void tree_mkdirs(const char *tree, const char *rel, bool dir)
{
	_cleanup_free_ char *path = strdup_printf("%s/%s", tree, rel);
	char *end = path + strlen(tree) + 1;

	assert_non_null(path);
	for (char *p = end; (p = strchr(p, '/')); p++) {
		*p = '\0';
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
	if (dir)
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
}

/* Writes len bytes to tree/rel with mode, making its directories. */
static inline void tree_put_len(const char *tree, const char *rel, const char *text, size_t len,
				mode_t mode)
{
	_cleanup_free_ char *path = strdup_printf("%s/%s", tree, rel);
	int fd;

	tree_mkdirs(tree, rel, false);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static inline void tree_put(const char *tree, const char *rel, const char *text)
{
	tree_put_len(tree, rel, text, strlen(text), 0644);
}

/* Makes tree/rel a symlink to target (taken as written). */
static inline void tree_link(const char *tree, const char *rel, const char *target)
{
	_cleanup_free_ char *path = strdup_printf("%s/%s", tree, rel);

	tree_mkdirs(tree, rel, false);
	assert_int_equal(symlink(target, path), 0);
}

static inline int tree_remove_one(const char *path, const struct stat *st, int type,
				  struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static inline void tree_remove(const char *tree)
{
	assert_int_equal(nftw(tree, tree_remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

#endif
