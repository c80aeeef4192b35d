/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_STRBUF_H
#define CVMPREP_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util.h"

/*
 * A growing string, as git's strbuf: appends are amortized O(1) per byte, nothing is ever cut,
 * and an allocation failure is sticky (err = -ENOMEM; later appends do nothing), so a builder
 * checks once at the end. buf is NULL until something is added; strbuf_str() is never NULL.
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	int err;
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		.buf = NULL                                                                        \
	}

/* Each returns 0 or sb->err (-ENOMEM). */
int strbuf_add(struct strbuf *sb, const char *data, size_t len);
int strbuf_adds(struct strbuf *sb, const char *s);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) _printf_(2, 3);
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) _printf_(2, 0);
/* Adds an item to a list: sep unless sb is empty, then the item made by printf. */
int strbuf_add_sep(struct strbuf *sb, const char *sep, const char *fmt, ...) _printf_(3, 4);

/* The string so far: "" when empty (or after an error). Valid until the next change. */
const char *strbuf_str(const struct strbuf *sb);
/* Hands the string on (caller frees) and empties sb: NULL when it is empty or an allocation
 * failed (sb->err says which; strbuf_release() clears it). */
char *strbuf_detach(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);

static inline void strbuf_releasep(struct strbuf *sb)
{
	strbuf_release(sb);
}
#define _cleanup_strbuf_ _cleanup_(strbuf_releasep)

#endif
