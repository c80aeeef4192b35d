/* SPDX-License-Identifier: MIT */
#include "unit.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "strbuf.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The end of the line starting at p: its newline, a NUL, or end. */
static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *nul = memchr(p, '\0', (size_t)(end - p));

	if (nul && (!nl || nul < nl))
		return nul;
	return nl ? nl : end;
}

/* Appends [p, e) to the logical line in buf, within UNIT_LINE_MAX. */
static void append(char *buf, size_t *n, const char *p, const char *e)
{
	size_t k = (size_t)(e - p);

	if (k > UNIT_LINE_MAX - *n)
		k = UNIT_LINE_MAX - *n;
	memcpy(buf + *n, p, k);
	*n += k;
}

static char *trim(char *s)
{
	char *e = s + strlen(s);

	while (*s && blank(*s))
		s++;
	while (e > s && blank(e[-1]))
		*--e = '\0';
	return s;
}

static int assignment(char *line, const char *section, unsigned lineno, unit_cb cb, void *ud)
{
	char *eq = strchr(line, '='), *key, *value;

	if (!eq)
		return 0; /* systemd ignores it, with a warning */
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (!*key)
		return 0;
	return cb(section, key, value, lineno, ud);
}

int unit_parse(const char *buf, size_t len, unit_cb cb, void *userdata)
{
	static const char space[] = " ";
	const char *p = buf, *end = buf + len;
	_cleanup_free_ char *line = malloc(UNIT_LINE_MAX + 1);
	_cleanup_free_ char *section = strdup("");
	unsigned lineno = 0;
	int r;

	if (!line || !section)
		return -ENOMEM;
	while (p < end) {
		const char *e = line_end(p, end);
		unsigned start = ++lineno;
		size_t n = 0;
		char *s;

		/* A comment line stands alone, also after a backslash. */
		while (p < e && blank(*p))
			p++;
		if (p == e || *p == '#' || *p == ';') {
			p = e < end ? e + 1 : e;
			continue;
		}
		for (;;) {
			const char *le = e;

			while (le > p && (le[-1] == '\r'))
				le--;
			if (le > p && le[-1] == '\\' && e < end) {
				append(line, &n, p, le - 1);
				append(line, &n, space, space + 1);
				p = e + 1;
				/* the continuation lines, skipping comments among them */
				while (p < end) {
					const char *q = p;

					e = line_end(p, end);
					lineno++;
					while (q < e && blank(*q))
						q++;
					if (q < e && (*q == '#' || *q == ';')) {
						p = e < end ? e + 1 : e;
						continue;
					}
					break;
				}
				if (p >= end)
					break;
				continue;
			}
			append(line, &n, p, le);
			p = e < end ? e + 1 : e;
			break;
		}
		line[n] = '\0';
		s = trim(line);
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (close) {
				*close = '\0';
				free(section);
				section = strdup(s + 1);
				if (!section)
					return -ENOMEM;
			}
			continue;
		}
		r = assignment(s, section, start, cb, userdata);
		if (r < 0)
			return r;
	}
	return 0;
}

const char *unit_exec_path(const char *value)
{
	return value + strspn(value, "-@:+!");
}

static void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

static int sb_putc(struct strbuf *sb, char c)
{
	return strbuf_add(sb, &c, 1);
}

/* One word as it is unquoted and unescaped, in w; *pp past it. Returns 1 for a word, 0 at the
 * end, -EINVAL for an unterminated quote, -ENOMEM. */
static int next_word(const char **pp, struct strbuf *w)
{
	static const char from[] = "abfnrtvs", to[] = "\a\b\f\n\r\t\v ";
	const char *p = *pp;
	char quote = 0;

	while (*p && blank(*p))
		p++;
	if (!*p) {
		*pp = p;
		return 0;
	}
	sb_reset(w);
	for (; *p; p++) {
		char c = *p;
		const char *x;

		if (!quote && blank(c))
			break;
		if (c == '\\' && p[1]) {
			c = *++p;
			x = strchr(from, c);
			sb_putc(w, x ? to[x - from] : c);
		} else if (quote && c == quote) {
			quote = 0;
		} else if (!quote && (c == '"' || c == '\'')) {
			quote = c;
		} else {
			sb_putc(w, c);
		}
	}
	*pp = p;
	if (quote)
		return -EINVAL;
	return w->err ? w->err : 1;
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Emits value split at blanks, one word each. */
static int emit_split(const char *value, const char *var, struct strbuf *tmp, unit_word_cb cb,
		      void *ud)
{
	const char *p = value;

	for (;;) {
		const char *s;
		int r;

		while (*p && blank(*p))
			p++;
		if (!*p)
			return 0;
		s = p;
		while (*p && !blank(*p))
			p++;
		sb_reset(tmp);
		if (strbuf_add(tmp, s, (size_t)(p - s)) < 0)
			return -ENOMEM;
		r = cb(tmp->buf, var, ud);
		if (r < 0)
			return r;
	}
}

/* "$NAME" alone: the variable's name, else NULL. */
static const char *whole_var(const char *s)
{
	const char *q;

	if (s[0] != '$' || !name_char(s[1]))
		return NULL;
	for (q = s + 1; *q && name_char(*q); q++)
		;
	return *q ? NULL : s + 1;
}

int unit_split(const char *line, const char *(*lookup)(const char *name, void *userdata),
	       unit_word_cb cb, void *userdata)
{
	_cleanup_strbuf_ struct strbuf w = STRBUF_INIT, out = STRBUF_INIT, name = STRBUF_INIT,
				       from = STRBUF_INIT;
	const char *p = line;
	int r;

	while ((r = next_word(&p, &w)) > 0) {
		const char *s = strbuf_str(&w), *var = whole_var(s);

		if (var) {
			const char *v = lookup(var, userdata);

			r = v ? emit_split(v, var, &out, cb, userdata) : 0;
			if (r < 0)
				return r;
			continue;
		}
		/* "${NAME}" anywhere, "$$" a dollar sign */
		sb_reset(&out);
		sb_reset(&from);
		for (const char *q = s; *q;) {
			const char *close;

			if (q[0] == '$' && q[1] == '$') {
				sb_putc(&out, '$');
				q += 2;
			} else if (q[0] == '$' && q[1] == '{' && (close = strchr(q + 2, '}'))) {
				const char *v;

				sb_reset(&name);
				if (strbuf_add(&name, q + 2, (size_t)(close - q - 2)) < 0)
					return -ENOMEM;
				v = lookup(strbuf_str(&name), userdata);
				if (v)
					strbuf_adds(&out, v);
				sb_reset(&from);
				strbuf_adds(&from, strbuf_str(&name));
				q = close + 1;
			} else {
				sb_putc(&out, *q++);
			}
		}
		if (out.err || from.err)
			return -ENOMEM;
		r = cb(strbuf_str(&out), from.len ? strbuf_str(&from) : NULL, userdata);
		if (r < 0)
			return r;
	}
	return r;
}
