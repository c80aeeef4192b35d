/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_ENVFILE_H
#define CVMPREP_ENVFILE_H

#include <stddef.h>

/* Called for each assignment; a negative return stops the parse and is returned. */
typedef int (*envfile_cb)(const char *key, const char *value, void *userdata);

/*
 * Parses environment-like files (os-release(5), /etc/selinux/config): newline-separated
 * shell-style assignments KEY=VALUE, values
 * unquoted, in double quotes (where \" \\ \$ \` are escapes) or in single quotes; '#' comment
 * lines and blank lines are skipped, and so are lines that are not a valid assignment. Only
 * the first len bytes are read; NUL bytes end a line. Returns the number of assignments, or
 * the callback's negative return, or -ENOMEM.
 */
int envfile_parse(const char *buf, size_t len, envfile_cb cb, void *userdata);

#endif
