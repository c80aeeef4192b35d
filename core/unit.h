/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_UNIT_H
#define CVMPREP_UNIT_H

#include <stddef.h>

/*
 * systemd unit files as systemd reads them (systemd.syntax(7)): "[Section]" headers, "Key=Value"
 * assignments with blanks around the '=' and at both ends dropped, a line ending in a backslash
 * continued on the next (the backslash and newline become a space; a comment line within is
 * skipped), lines starting with '#' or ';' comments. Linear in the input, and bounded: a line
 * (with its continuations) longer than UNIT_LINE_MAX is cut there.
 */
#define UNIT_LINE_MAX (64 * 1024)

/* Called for each assignment: its section (without brackets; "" before the first), key and
 * value (NUL-terminated copies, valid during the call) and the line it starts on. A negative
 * return stops the parse and is returned. */
typedef int (*unit_cb)(const char *section, const char *key, const char *value, unsigned line,
		       void *userdata);

/* Parses the first len bytes of buf (NUL bytes end a line). Returns 0, the callback's negative
 * return, or -ENOMEM. */
int unit_parse(const char *buf, size_t len, unit_cb cb, void *userdata);

/* Called for each word of a command line, unquoted, with the variable it came from (NULL for a
 * word written out); a negative return stops the split. */
typedef int (*unit_word_cb)(const char *word, const char *var, void *userdata);

/*
 * Splits a command line as systemd splits ExecStart= (systemd.service(5) "Command lines"):
 * words separated by blanks, "..." and '...' quoting, C-style backslash escapes (\\ \" \' \n
 * \t \r \s, others kept as the character), and variables: a word that is exactly $NAME is
 * replaced by the variable's value split at blanks (zero or more words), ${NAME} anywhere in a
 * word by the value as it is. lookup returns a variable's value, or NULL for an unset one (which
 * expands to nothing). Returns 0, -EINVAL for an unterminated quote (systemd refuses the line),
 * the callback's negative return, or -ENOMEM. Linear in the line and the values substituted.
 */
int unit_split(const char *line, const char *(*lookup)(const char *name, void *userdata),
	       unit_word_cb cb, void *userdata);

/* ExecStart= and the like: the prefixes systemd allows before the path ("-", "@", ":", "+",
 * "!", "!!"), skipped. Returns the rest. */
const char *unit_exec_path(const char *value);

#endif
