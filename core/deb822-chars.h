/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_DEB822_CHARS_H
#define CVMPREP_DEB822_CHARS_H

/* The character rules of deb822(5) the paragraph readers share (core/dpkg.c, the status
 * scanner in core/dpkg-status.c): ASCII classes, whatever the locale. */
#include <stdbool.h>

static inline bool c_isblank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Narrows [*p, *e) to its non-blank middle. */
static inline void strip_range(const char **p, const char **e)
{
	while (*p < *e && c_isblank(**p))
		(*p)++;
	while (*e > *p && c_isblank((*e)[-1]))
		(*e)--;
}

/* A field name is printable US-ASCII other than ':' and space, not starting with '-' or '#'. */
static inline bool field_name_valid(const char *p, const char *e)
{
	if (p == e || *p == '-' || *p == '#')
		return false;
	for (; p < e; p++)
		if (*p <= ' ' || *p > '~' || *p == ':')
			return false;
	return true;
}

#endif
