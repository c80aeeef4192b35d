/* SPDX-License-Identifier: MIT */
#include "toml.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

struct scan {
	const char *p, *end;
	unsigned line; /* of p, 1-based */
	char table[TOML_PATH_MAX][TOML_NAME_MAX];
	size_t n_table;
	char key[TOML_PATH_MAX][TOML_NAME_MAX];
	size_t n_key;
};

static bool is_bare(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static void skip_blank(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r'))
		s->p++;
}

static bool at(const struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(s->end - s->p) >= n && memcmp(s->p, lit, n) == 0;
}

/* One component of a key: bare, "basic" or 'literal', into out. */
static int key_part(struct scan *s, char *out)
{
	size_t n = 0;
	char q = *s->p;

	if (q != '"' && q != '\'') {
		while (s->p < s->end && is_bare(*s->p) && n + 1 < TOML_NAME_MAX)
			out[n++] = *s->p++;
		out[n] = '\0';
		return n && (s->p == s->end || !is_bare(*s->p)) ? 0 : -EBADMSG;
	}
	for (s->p++; s->p < s->end && *s->p != q && *s->p != '\n'; s->p++) {
		if (q == '"' && *s->p == '\\' && s->p + 1 < s->end && s->p[1] != '\n') {
			/* \" and \\ stand for themselves; other escapes are kept as written */
			if (s->p[1] != '"' && s->p[1] != '\\') {
				if (n + 1 >= TOML_NAME_MAX)
					return -EBADMSG;
				out[n++] = '\\';
			}
			s->p++;
		}
		if (n + 1 >= TOML_NAME_MAX)
			return -EBADMSG;
		out[n++] = *s->p;
	}
	if (s->p == s->end || *s->p != q)
		return -EBADMSG;
	s->p++;
	out[n] = '\0';
	return 0;
}

/* A dotted key ("a.'b.c'.d") into names, *ret_n components. */
static int key_path(struct scan *s, char names[][TOML_NAME_MAX], size_t *ret_n)
{
	size_t n = 0;

	for (;;) {
		int r;

		skip_blank(s);
		if (s->p == s->end || n == TOML_PATH_MAX)
			return -EBADMSG;
		r = key_part(s, names[n++]);
		if (r < 0)
			return r;
		skip_blank(s);
		if (s->p == s->end || *s->p != '.')
			break;
		s->p++;
	}
	*ret_n = n;
	return 0;
}

/* Skips a string that starts at s->p ('"' or '\''), multi-line ones over lines too. */
static int skip_string(struct scan *s)
{
	char q = *s->p;
	const char *triple = q == '"' ? "\"\"\"" : "'''";
	bool multi = at(s, triple);

	s->p += multi ? 3 : 1;
	while (s->p < s->end) {
		if (q == '"' && *s->p == '\\' && s->p + 1 < s->end) {
			if (s->p[1] == '\n')
				s->line++;
			s->p += 2;
			continue;
		}
		if (multi && at(s, triple)) {
			s->p += 3;
			/* up to two quotes may end the content: """a"""" */
			for (int i = 0; i < 2 && s->p < s->end && *s->p == q; i++)
				s->p++;
			return 0;
		}
		if (!multi && *s->p == q) {
			s->p++;
			return 0;
		}
		if (*s->p == '\n') {
			if (!multi)
				return -EBADMSG;
			s->line++;
		}
		s->p++;
	}
	return -EBADMSG;
}

/* Skips a value, arrays and inline tables over lines too, and stops at the newline that ends
 * it; *ret_vlen: the length of its text up to its last character that is neither blank nor
 * in a comment. */
static int skip_value(struct scan *s, size_t *ret_vlen)
{
	const char *v = s->p, *last = s->p;
	unsigned depth = 0;

	while (s->p < s->end) {
		char c = *s->p;

		if (c == '"' || c == '\'') {
			int r = skip_string(s);

			if (r < 0)
				return r;
			last = s->p;
			continue;
		}
		if (c == '#')
			while (s->p < s->end && *s->p != '\n')
				s->p++;
		if (s->p == s->end)
			break;
		if (*s->p == '\n') {
			if (depth == 0)
				break;
			s->line++;
			s->p++;
			continue;
		}
		if (c == '[' || c == '{')
			depth++;
		else if ((c == ']' || c == '}') && depth > 0)
			depth--;
		s->p++;
		if (c != ' ' && c != '\t' && c != '\r')
			last = s->p;
	}
	if (depth > 0)
		return -EBADMSG;
	*ret_vlen = (size_t)(last - v);
	return 0;
}

/* What may follow a header or a value on its line: blanks and a comment. */
static int line_end(struct scan *s)
{
	skip_blank(s);
	if (s->p < s->end && *s->p == '#')
		while (s->p < s->end && *s->p != '\n')
			s->p++;
	if (s->p < s->end && *s->p != '\n')
		return -EBADMSG;
	return 0;
}

static int header(struct scan *s, toml_cb cb, void *userdata)
{
	const char *path[TOML_PATH_MAX];
	bool array = at(s, "[[");
	int r;

	s->p += array ? 2 : 1;
	r = key_path(s, s->table, &s->n_table);
	if (r < 0)
		return r;
	if (!at(s, array ? "]]" : "]"))
		return -EBADMSG;
	s->p += array ? 2 : 1;
	r = line_end(s);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n_table; i++)
		path[i] = s->table[i];
	return cb(path, s->n_table, NULL, 0, userdata);
}

static int key_value(struct scan *s, toml_cb cb, void *userdata)
{
	const char *path[TOML_PATH_MAX];
	const char *v;
	size_t vlen = 0, n = 0;
	int r;

	r = key_path(s, s->key, &s->n_key);
	if (r < 0)
		return r;
	if (s->p == s->end || *s->p != '=' || s->n_table + s->n_key > TOML_PATH_MAX)
		return -EBADMSG;
	s->p++;
	skip_blank(s);
	v = s->p;
	if (v == s->end || *v == '\n' || *v == '#')
		return -EBADMSG; /* "key =" with no value */
	r = skip_value(s, &vlen);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n_table; i++)
		path[n++] = s->table[i];
	for (size_t i = 0; i < s->n_key; i++)
		path[n++] = s->key[i];
	return cb(path, n, v, vlen, userdata);
}

int toml_scan(const char *buf, size_t len, toml_cb cb, void *userdata, unsigned *ret_line)
{
	struct scan s = { .p = buf, .end = buf + len, .line = 1 };
	int r = 0;

	if (memchr(buf, '\0', len)) {
		const char *nul = memchr(buf, '\0', len);

		for (const char *q = buf; q < nul; q++)
			s.line += *q == '\n';
		r = -EBADMSG;
		goto out;
	}
	while (s.p < s.end) {
		skip_blank(&s);
		if (s.p < s.end && *s.p == '#')
			while (s.p < s.end && *s.p != '\n')
				s.p++;
		if (s.p < s.end && *s.p != '\n') {
			r = *s.p == '[' ? header(&s, cb, userdata) : key_value(&s, cb, userdata);
			if (r < 0)
				goto out;
		}
		if (s.p < s.end) {
			s.p++; /* the newline */
			s.line++;
		}
	}
out:
	if (r == -EBADMSG && ret_line)
		*ret_line = s.line;
	return r;
}
