/* SPDX-License-Identifier: MIT */
/* A bounded, linear pull reader of JSON (RFC 8259) that allocates nothing: see jscan.h. */
#include "jscan.h"

#include <stdio.h>
#include <string.h>

#include "escape.h"

static int fail(struct jscan *s, enum jscan_error e, const char *at, const char *expected)
{
	if (s->err == JSCAN_OK) {
		s->err = e;
		s->err_at = at;
		s->expected = expected;
	}
	return -1;
}

/* An error at p: the input ended there (truncated) or it holds something else. */
static int fail_at(struct jscan *s, const char *p, const char *expected)
{
	return fail(s, p >= s->end ? JSCAN_TRUNCATED : JSCAN_SYNTAX, p, expected);
}

void jscan_init(struct jscan *s, const char *buf, size_t len)
{
	*s = (struct jscan){ .start = buf, .p = buf, .end = buf + len };
}

static void skip_ws(struct jscan *s)
{
	const char *p = s->p;

	while (p < s->end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	s->p = p;
}

enum jscan_type jscan_peek(struct jscan *s)
{
	if (s->err)
		return JSCAN_NONE;
	skip_ws(s);
	if (s->p >= s->end)
		return JSCAN_NONE;
	switch (*s->p) {
	case '{': return JSCAN_OBJECT;
	case '[': return JSCAN_ARRAY;
	case '"': return JSCAN_STRING;
	case '}':
	case ']': return JSCAN_END;
	case 't':
	case 'f':
	case 'n': return JSCAN_LITERAL;
	default: return (*s->p == '-' || (*s->p >= '0' && *s->p <= '9')) ? JSCAN_NUMBER : JSCAN_NONE;
	}
}

int jscan_type_error(struct jscan *s, const char *expected)
{
	skip_ws(s);
	return fail(s, JSCAN_TYPE, s->p, expected);
}

/* Whether what comes next (after jscan_peek) cannot start a value: the end of the input, a
 * closing bracket, a ',' or another byte JSON does not allow there. */
static bool not_value(const struct jscan *s)
{
	return s->p >= s->end || !strchr("{[\"tfn-0123456789", *s->p);
}

int jscan_enter(struct jscan *s, enum jscan_type t)
{
	uint64_t bit;

	if (s->err)
		return -1;
	if (jscan_peek(s) != t)
		return not_value(s) ? fail_at(s, s->p, "a value")
				    : jscan_type_error(s, t == JSCAN_OBJECT ? "an object" : "an array");
	if (s->depth >= JSCAN_DEPTH_MAX)
		return fail(s, JSCAN_TOO_DEEP, s->p, NULL);
	bit = UINT64_C(1) << s->depth;
	s->is_array = t == JSCAN_ARRAY ? s->is_array | bit : s->is_array & ~bit;
	s->has_item &= ~bit;
	s->depth++;
	s->p++;
	return 0;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The bytes a string holds as they are: printable ASCII but '"' and '\\'. */
static const bool plain[256] = {
	[0x20 ... 0x21] = true, /* '"' is 0x22 */
	[0x23 ... 0x5b] = true, /* '\\' is 0x5c */
	[0x5d ... 0x7f] = true,
};

/* Whether the 8 bytes at p are all plain (as the table says), tested at once on a word (the
 * bit tricks of "Bit Twiddling Hacks": a byte that is zero, or less than n <= 128, sets its top
 * bit in the result). */
static bool plain8(const char *p)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t v, quote, backslash;

	memcpy(&v, p, sizeof(v));
	quote = v ^ (ones * '"');
	backslash = v ^ (ones * '\\');
	return (((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) |
		((v - ones * 0x20) & ~v) | v) & highs ? false : true;
}

/* Takes the string at s->p (a '"'): *ret holds what is between the quotes. */
static int scan_string(struct jscan *s, struct jscan_str *ret)
{
	const char *p = s->p + 1, *end = s->end;
	bool escaped = false;

	for (;;) {
		/* The common case, plain ASCII: eight bytes at a time while none is special, then
		 * one lookup a byte. */
		while (end - p >= 8 && plain8(p))
			p += 8;
		while (p < end && plain[(unsigned char)*p])
			p++;
		if (p >= end)
			return fail_at(s, p, "the end of the string");
		if (*p == '"')
			break;
		if (*p == '\\') {
			escaped = true;
			if (p + 1 >= end)
				return fail_at(s, p + 1, "an escape");
			if (p[1] == 'u') {
				for (int i = 2; i < 6; i++)
					if (p + i >= end || !is_hex(p[i]))
						return fail_at(s, p + i, "a hex digit of \\u");
				p += 6;
			} else if (strchr("\"\\/bfnrt", p[1]) && p[1]) {
				p += 2;
			} else
				return fail_at(s, p + 1, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)");
		} else if ((unsigned char)*p < 0x20) {
			return fail_at(s, p, "a character (control characters are escaped in JSON)");
		} else {
			/* utf8_char_len reads at most 4 bytes and stops at a NUL or a bad one: give
			 * it a copy when the buffer could end within them. */
			unsigned char lead = (unsigned char)*p;
			size_t left = (size_t)(end - p), need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
			char c[5] = { 0 };
			size_t n;

			memcpy(c, p, left < 4 ? left : 4);
			n = utf8_char_len(c);
			if (n == 0)
				/* A sequence that the end of the input cuts is a truncation. */
				return fail(s, need > left && lead >= 0xc2 && lead <= 0xf4 ? JSCAN_TRUNCATED : JSCAN_SYNTAX,
					    p, "UTF-8");
			p += n;
		}
	}
	*ret = (struct jscan_str){ .raw = s->p + 1, .len = (size_t)(p - s->p - 1), .escaped = escaped };
	s->p = p + 1;
	return 0;
}

int jscan_string(struct jscan *s, struct jscan_str *ret)
{
	enum jscan_type t = jscan_peek(s);

	if (s->err)
		return -1;
	if (t != JSCAN_STRING)
		return not_value(s) ? fail_at(s, s->p, "a value") : jscan_type_error(s, "a string");
	return scan_string(s, ret);
}

static const char *digits(const char *p, const char *end)
{
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

static int scan_number(struct jscan *s)
{
	const char *p = s->p, *end = s->end, *q;

	if (*p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9')
		p = digits(p, end);
	else
		return fail_at(s, p, "a digit");
	if (p < end && *p == '.') {
		q = digits(p + 1, end);
		if (q == p + 1)
			return fail_at(s, q, "a digit after '.'");
		p = q;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		q = digits(p, end);
		if (q == p)
			return fail_at(s, q, "a digit of the exponent");
		p = q;
	}
	s->p = p;
	return 0;
}

static int scan_literal(struct jscan *s)
{
	static const char *const lits[] = { "true", "false", "null" };
	size_t left = (size_t)(s->end - s->p);

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(lits[i]);

		if (lits[i][0] != *s->p)
			continue;
		if (left >= n && memcmp(s->p, lits[i], n) == 0) {
			s->p += n;
			return 0;
		}
		if (left < n && memcmp(s->p, lits[i], left) == 0)
			return fail(s, JSCAN_TRUNCATED, s->end, lits[i]);
		return fail(s, JSCAN_SYNTAX, s->p, lits[i]);
	}
	return fail(s, JSCAN_SYNTAX, s->p, "a value");
}

/* Takes a scalar at s->p, whose type t is known. */
static int scan_scalar(struct jscan *s, enum jscan_type t)
{
	struct jscan_str str;

	switch (t) {
	case JSCAN_STRING: return scan_string(s, &str);
	case JSCAN_NUMBER: return scan_number(s);
	case JSCAN_LITERAL: return scan_literal(s);
	default: return fail_at(s, s->p, "a value");
	}
}

/* The separator before the next member or element of the innermost container: returns 1 when
 * one comes, 0 after taking the closing bracket, or -1. */
static int next_item(struct jscan *s, char close)
{
	uint64_t bit = UINT64_C(1) << (s->depth - 1);

	skip_ws(s);
	if (s->p >= s->end)
		return fail_at(s, s->p, close == '}' ? "a member or '}'" : "a value or ']'");
	if (*s->p == close) {
		s->p++;
		s->depth--;
		return 0;
	}
	if (s->has_item & bit) {
		if (*s->p != ',')
			return fail_at(s, s->p, close == '}' ? "',' or '}'" : "',' or ']'");
		s->p++;
		skip_ws(s);
	}
	s->has_item |= bit;
	return 1;
}

int jscan_member(struct jscan *s, struct jscan_str *ret)
{
	int r;

	if (s->err)
		return -1;
	if (s->depth == 0 || (s->is_array >> (s->depth - 1)) & 1)
		return fail(s, JSCAN_TYPE, s->p, "an object"); /* a caller's mistake */
	r = next_item(s, '}');
	if (r <= 0)
		return r;
	if (s->p >= s->end || *s->p != '"')
		return fail_at(s, s->p, "a member name");
	if (scan_string(s, ret) < 0)
		return -1;
	skip_ws(s);
	if (s->p >= s->end || *s->p != ':')
		return fail_at(s, s->p, "':'");
	s->p++;
	return 1;
}

int jscan_element(struct jscan *s)
{
	if (s->err)
		return -1;
	if (s->depth == 0 || !((s->is_array >> (s->depth - 1)) & 1))
		return fail(s, JSCAN_TYPE, s->p, "an array"); /* a caller's mistake */
	return next_item(s, ']');
}

int jscan_skip(struct jscan *s)
{
	unsigned base = s->depth;
	enum jscan_type t = jscan_peek(s);

	if (s->err)
		return -1;
	if (t != JSCAN_OBJECT && t != JSCAN_ARRAY)
		return scan_scalar(s, t);
	if (jscan_enter(s, t) < 0)
		return -1;
	/* Iterative, so that the depth is the bound and not the C stack. */
	while (s->depth > base) {
		struct jscan_str key;
		int r = (s->is_array >> (s->depth - 1)) & 1 ? jscan_element(s)
							    : jscan_member(s, &key);

		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		t = jscan_peek(s);
		if (t == JSCAN_OBJECT || t == JSCAN_ARRAY) {
			if (jscan_enter(s, t) < 0)
				return -1;
		} else if (scan_scalar(s, t) < 0)
			return -1;
	}
	return 0;
}

int jscan_finish(struct jscan *s)
{
	if (s->err)
		return -1;
	skip_ws(s);
	return s->p < s->end ? fail(s, JSCAN_SYNTAX, s->p, "the end of the document") : 0;
}

int jscan_validate(struct jscan *s, const char *buf, size_t len)
{
	jscan_init(s, buf, len);
	if (jscan_peek(s) == JSCAN_NONE && s->p >= s->end)
		return fail(s, JSCAN_TRUNCATED, s->p, "a value");
	return jscan_skip(s) < 0 ? -1 : jscan_finish(s);
}

static unsigned hex_value(char c)
{
	return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

/* Decodes the escape at p (a backslash) into out (up to 4 bytes); returns its length in the
 * input, and *ret_n the bytes written. A surrogate pair is one character; a lone surrogate
 * becomes U+FFFD. */
static size_t decode_escape(const char *p, const char *end, char out[4], size_t *ret_n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned cp;
	size_t used = 6;

	if (p[1] != 'u') {
		out[0] = to[strchr(from, p[1]) - from];
		*ret_n = 1;
		return 2;
	}
	cp = hex_value(p[2]) << 12 | hex_value(p[3]) << 8 | hex_value(p[4]) << 4 | hex_value(p[5]);
	if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 12 && p[6] == '\\' && p[7] == 'u') {
		unsigned lo = hex_value(p[8]) << 12 | hex_value(p[9]) << 8 | hex_value(p[10]) << 4 |
			      hex_value(p[11]);

		if (lo >= 0xdc00 && lo < 0xe000) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			used = 12;
		}
	}
	if (cp >= 0xd800 && cp < 0xe000)
		cp = 0xfffd;
	if (cp < 0x80) {
		out[0] = (char)cp;
		*ret_n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		*ret_n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		*ret_n = 3;
	} else {
		out[0] = (char)(0xf0 | cp >> 18);
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		*ret_n = 4;
	}
	return used;
}

size_t jscan_str_copy(const struct jscan_str *str, char *buf, size_t size)
{
	const char *p = str->raw, *end = str->raw + str->len;
	size_t n = 0;

	if (size == 0)
		return 0;
	if (!str->escaped) {
		/* As it is, cut (at a character's start) to what fits: no NUL can be in it. */
		n = str->len < size - 1 ? str->len : size - 1;
		while (n < str->len && n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
			n--;
		memcpy(buf, p, n);
		buf[n] = '\0';
		return n;
	}
	while (p < end) {
		char c[4];
		size_t k = 1;

		if (*p == '\\')
			p += decode_escape(p, end, c, &k);
		else
			c[0] = *p++;
		if ((k == 1 && c[0] == '\0') || n + k > size - 1)
			break;
		memcpy(buf + n, c, k);
		n += k;
	}
	buf[n] = '\0';
	return n;
}

bool jscan_str_is(const struct jscan_str *str, const char *lit)
{
	char buf[256];
	size_t n = strlen(lit);

	if (!str->escaped)
		return str->len == n && memcmp(str->raw, lit, n) == 0;
	/* An escape is at least as long as what it stands for. */
	if (str->len < n || n >= sizeof(buf))
		return false;
	return jscan_str_copy(str, buf, sizeof(buf)) == n && memcmp(buf, lit, n) == 0;
}

const char *jscan_error(const struct jscan *s, char *buf, size_t size)
{
	unsigned line = 1, col = 1;

	for (const char *p = s->start; p < s->err_at && p < s->end; p++) {
		if (*p == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)*p & 0xc0) != 0x80)
			col++;
	}
	switch (s->err) {
	case JSCAN_OK: snprintf(buf, size, "valid JSON"); break;
	case JSCAN_TRUNCATED:
		snprintf(buf, size, "truncated: the JSON ends at line %u before the document does",
			 line);
		break;
	case JSCAN_SYNTAX:
		snprintf(buf, size, "not JSON at line %u, column %u: expected %s", line, col,
			 s->expected);
		break;
	case JSCAN_TOO_DEEP:
		snprintf(buf, size, "nested deeper than %d at line %u, column %u", JSCAN_DEPTH_MAX,
			 line, col);
		break;
	case JSCAN_TYPE:
		snprintf(buf, size, "not a cvmprep document at line %u, column %u: expected %s", line,
			 col, s->expected);
		break;
	}
	return buf;
}
