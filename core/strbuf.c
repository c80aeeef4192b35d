/* SPDX-License-Identifier: MIT */
#include "strbuf.h"

#include <stdint.h>
#include <stdio.h>

/* Room for extra more bytes and the NUL, doubling. Returns 0 or sb->err. */
static int grow(struct strbuf *sb, size_t extra)
{
	size_t want, alloc;
	char *buf;

	if (sb->err)
		return sb->err;
	if (extra > SIZE_MAX - sb->len - 1)
		goto fail;
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return 0;
	alloc = sb->alloc ? sb->alloc : 64;
	while (alloc < want)
		alloc = alloc > SIZE_MAX / 2 ? want : alloc * 2;
	buf = realloc(sb->buf, alloc);
	if (!buf)
		goto fail;
	sb->buf = buf;
	sb->alloc = alloc;
	return 0;
fail:
	sb->err = -ENOMEM;
	return sb->err;
}

int strbuf_add(struct strbuf *sb, const char *data, size_t len)
{
	int r = grow(sb, len);

	if (r < 0)
		return r;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_adds(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	if (sb->err)
		return sb->err;
	/* write into the room there is; when it does not fit, grow once to the size needed */
	va_copy(again, ap);
	n = vsnprintf(sb->buf ? sb->buf + sb->len : NULL, sb->buf ? sb->alloc - sb->len : 0, fmt,
		      ap);
	if (n >= 0 && sb->buf && (size_t)n < sb->alloc - sb->len) {
		sb->len += (size_t)n;
		va_end(again);
		return 0;
	}
	if (n < 0 || grow(sb, (size_t)n) < 0) {
		va_end(again);
		sb->err = -ENOMEM;
		if (sb->buf)
			sb->buf[sb->len] = '\0';
		return sb->err;
	}
	vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, again);
	va_end(again);
	sb->len += (size_t)n;
	return 0;
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return r;
}

int strbuf_add_sep(struct strbuf *sb, const char *sep, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (sb->len && (r = strbuf_adds(sb, sep)) < 0)
		return r;
	va_start(ap, fmt);
	r = strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return r;
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf && !sb->err ? sb->buf : "";
}

char *strbuf_detach(struct strbuf *sb)
{
	char *s = sb->len && !sb->err ? sb->buf : NULL;
	int err = sb->err;

	if (!s)
		free(sb->buf);
	*sb = (struct strbuf){.err = err};
	return s;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	*sb = (struct strbuf){0};
}
