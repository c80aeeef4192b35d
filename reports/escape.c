/* SPDX-License-Identifier: MIT */
#include "escape.h"

#include "core/util.h"

size_t utf8_char_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return 0; /* a continuation byte, 0xc0/0xc1 (overlong), or past 0xf4 */
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* the NUL included */
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool utf8_valid(const char *s)
{
	for (size_t n; *s; s += n) {
		n = utf8_char_len(s);
		if (n == 0)
			return false;
	}
	return true;
}

/*
 * The next unit of s for the text report: *ret_text and *ret_len are what to write for it
 * (s itself, or an escape formatted in tmp); returns how many bytes of s it stands for.
 */
static size_t next_unit(const char *s, char tmp[8], const char **ret_text, size_t *ret_len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = utf8_char_len(s);

	if (n == 0 || p[0] < 0x20 || p[0] == 0x7f) {
		*ret_len = (size_t)snprintf(tmp, 8, "\\x%02x", p[0]);
		*ret_text = tmp;
		return 1;
	}
	if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) { /* U+0080..U+009F */
		*ret_len = (size_t)snprintf(tmp, 8, "\\u%04x", p[1]);
		*ret_text = tmp;
		return 2;
	}
	*ret_text = s;
	*ret_len = n;
	return n;
}

size_t text_escape(char *buf, size_t size, const char *s)
{
	size_t total = 0, used = 0;
	bool full = size == 0;

	while (*s) {
		char tmp[8];
		const char *text;
		size_t len;

		s += next_unit(s, tmp, &text, &len);
		if (!full && used + len < size) {
			memcpy(buf + used, text, len);
			used += len;
		} else
			full = true;
		total += len;
	}
	if (size)
		buf[used] = '\0';
	return total;
}

void text_escape_fputs(FILE *out, const char *s)
{
	const char *run = s; /* units written as they are, one fwrite for the lot */

	while (*s) {
		char tmp[8];
		const char *text;
		size_t len, n = next_unit(s, tmp, &text, &len);

		if (text != s || len != n) {
			fwrite(run, 1, (size_t)(s - run), out);
			fwrite(text, 1, len, out);
			run = s + n;
		}
		s += n;
	}
	fwrite(run, 1, (size_t)(s - run), out);
}

char *utf8_escape_invalid(const char *s)
{
	size_t len = 0;
	char *out, *o;

	for (const char *p = s; *p;) {
		size_t n = utf8_char_len(p);

		len += n ? n : 4;
		p += n ? n : 1;
	}
	out = malloc(len + 1);
	if (!out)
		return NULL;
	o = out;
	while (*s) {
		size_t n = utf8_char_len(s);

		if (n == 0) {
			o += sprintf(o, "\\x%02x", (unsigned char)*s);
			s++;
			continue;
		}
		memcpy(o, s, n);
		o += n;
		s += n;
	}
	*o = '\0';
	return out;
}

/* The entity or character reference that stands for c, or NULL when c is written as it is. */
static const char *xml_ref(unsigned char c, bool attr)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\r': return "&#13;";
	case '\t': return attr ? "&#9;" : NULL;
	case '\n': return attr ? "&#10;" : NULL;
	default: return NULL;
	}
}

void xml_escape_fputs(FILE *out, const char *s, bool attr)
{
	for (size_t n; *s; s += n) {
		const unsigned char *p = (const unsigned char *)s;
		const char *ref = xml_ref(p[0], attr);

		n = utf8_char_len(s);
		if (ref) {
			fputs(ref, out);
		} else if (n == 0 || (p[0] < 0x20 && p[0] != '\t' && p[0] != '\n')) {
			/* XML 1.0 section 2.2, Char: no reference can carry these */
			fprintf(out, "\\x%02x", p[0]);
			n = 1;
		} else if (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe) {
			fprintf(out, "\\u%s", p[2] == 0xbe ? "fffe" : "ffff");
		} else
			fwrite(s, 1, n, out);
	}
}
