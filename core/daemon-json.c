/* SPDX-License-Identifier: MIT */
#include "daemon-json.h"

#include <cJSON.h>
#include <math.h>
#include <stdint.h>
#include <strings.h>

#include "util.h"

/* The line of offset off in buf, 1-based. */
static unsigned line_of(const char *buf, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off; i++)
		line += buf[i] == '\n';
	return line;
}

/* Appends code point c as UTF-8 at out; returns the bytes written. */
static size_t put_utf8(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

#define REPLACEMENT 0xfffd

static bool is_high_surrogate(uint32_t c)
{
	return c >= 0xd800 && c < 0xdc00;
}

static bool is_low_surrogate(uint32_t c)
{
	return c >= 0xdc00 && c < 0xe000;
}

/* UTF-16 (after its byte order mark) to UTF-8, unpaired surrogates and an odd last byte
 * replaced by U+FFFD as golang.org/x/text/encoding/unicode does. Returns the buffer (caller
 * frees) and *ret_len, or NULL. */
static char *utf16_to_utf8(const unsigned char *s, size_t len, bool big_endian, size_t *ret_len)
{
	/* each 2 bytes give at most 3 (a pair of 4 gives 4), an odd byte 3 */
	char *out = malloc(len / 2 * 3 + 4), *o = out;
	size_t i = 0;

	if (!out)
		return NULL;
#define UNIT(k) (big_endian ? (uint32_t)(s[k] << 8 | s[(k) + 1]) : (uint32_t)(s[(k) + 1] << 8 | s[k]))
	while (i + 1 < len) {
		uint32_t c = UNIT(i);

		i += 2;
		if (is_high_surrogate(c) && i + 1 < len && is_low_surrogate(UNIT(i))) {
			c = 0x10000 + ((c - 0xd800) << 10) + (UNIT(i) - 0xdc00);
			i += 2;
		} else if (is_high_surrogate(c) || is_low_surrogate(c)) {
			c = REPLACEMENT;
		}
		o += put_utf8(o, c);
	}
#undef UNIT
	if (i < len)
		o += put_utf8(o, REPLACEMENT);
	*ret_len = (size_t)(o - out);
	return out;
}

/* Decodes one UTF-8 sequence at s (< end) as Go's utf8.DecodeRune: returns its length and
 * *ret, or 0 when it is invalid (overlong, a surrogate, above U+10FFFF, cut short). */
static size_t utf8_decode(const unsigned char *s, const unsigned char *end, uint32_t *ret)
{
	static const struct {
		unsigned char mask, lead;
		uint32_t min;
	} seq[] = { { 0x80, 0x00, 0 }, { 0xe0, 0xc0, 0x80 }, { 0xf0, 0xe0, 0x800 },
		    { 0xf8, 0xf0, 0x10000 } };
	uint32_t c;

	for (size_t n = 0; n < ELEMENTSOF(seq); n++) {
		if ((s[0] & seq[n].mask) != seq[n].lead)
			continue;
		if ((size_t)(end - s) < n + 1)
			return 0;
		c = s[0] & (unsigned char)~seq[n].mask;
		for (size_t k = 1; k <= n; k++) {
			if ((s[k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[k] & 0x3f);
		}
		if (c < seq[n].min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
			return 0;
		*ret = c;
		return n + 1;
	}
	return 0;
}

/* Go's unicode.IsSpace: what bytes.TrimSpace trims. */
static bool is_unicode_space(uint32_t c)
{
	switch (c) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029: case 0x202f:
	case 0x205f: case 0x3000:
		return true;
	default:
		return c >= 0x2000 && c <= 0x200a;
	}
}

/* JSON's own white space (RFC 8259), all Go's scanner skips between tokens. */
static bool is_json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct parser {
	const char *start; /* of the decoded text, for line numbers */
	const char *p, *end;
	cJSON **stack; /* the open objects and arrays */
	size_t depth;
	char *key; /* the key of the member whose value comes next */
	struct daemon_json *out;
};

/* Sets the result to INVALID at p. Returns -EBADMSG. */
static int invalid(struct parser *ps, const char *p, const char *what)
{
	ps->out->state = DAEMON_JSON_INVALID;
	ps->out->error = what;
	ps->out->line = line_of(ps->start, (size_t)(p - ps->start));
	return -EBADMSG;
}

static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end && is_json_space(*ps->p))
		ps->p++;
}

static int hex4(const char *p, const char *end, uint32_t *ret)
{
	uint32_t c = 0;

	if (end - p < 4)
		return -EBADMSG;
	for (int i = 0; i < 4; i++) {
		char h = p[i];

		c <<= 4;
		if (h >= '0' && h <= '9')
			c |= (uint32_t)(h - '0');
		else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
			c |= (uint32_t)((h | 0x20) - 'a' + 10);
		else
			return -EBADMSG;
	}
	*ret = c;
	return 0;
}

/* A string at ps->p (on its '"'), decoded as Go's unquote does (unpaired surrogate escapes
 * become U+FFFD) into *ret (caller frees). */
static int parse_string(struct parser *ps, char **ret)
{
	const char *p = ps->p + 1, *close = p;
	char *out, *o;

	/* its extent first: the decoded text is never longer */
	while (close < ps->end && *close != '"') {
		if ((unsigned char)*close < 0x20)
			return invalid(ps, close, "control character in a string");
		close += *close == '\\' && close + 1 < ps->end ? 2 : 1;
	}
	if (close >= ps->end)
		return invalid(ps, ps->end, "unterminated string");
	out = o = malloc((size_t)(close - p) + 1);
	if (!out)
		return -ENOMEM;
	while (p < close) {
		static const char esc[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
		uint32_t c, c2;
		const char *e;

		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		if (p[1] != 'u') {
			for (e = esc; *e && *e != p[1]; e += 2)
				;
			if (!*e) {
				free(out);
				return invalid(ps, p, "invalid escape in a string");
			}
			*o++ = e[1];
			p += 2;
			continue;
		}
		if (hex4(p + 2, close, &c) < 0) {
			free(out);
			return invalid(ps, p, "invalid escape in a string");
		}
		p += 6;
		if (is_high_surrogate(c) && close - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
		    hex4(p + 2, close, &c2) == 0 && is_low_surrogate(c2)) {
			c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
			p += 6;
		} else if (is_high_surrogate(c) || is_low_surrogate(c)) {
			c = REPLACEMENT;
		}
		o += put_utf8(o, c);
	}
	*o = '\0';
	ps->p = close + 1;
	*ret = out;
	return 0;
}

/* A number at ps->p, by RFC 8259's grammar (Go's scanner), within float64 (Go's ParseFloat
 * refuses what overflows). */
static int parse_number(struct parser *ps, double *ret)
{
	const char *s = ps->p, *p = s;
	char small[64], *copy = small, *endp;
	size_t n;
	double d;

#define DIGITS(p) ((p) < ps->end && *(p) >= '0' && *(p) <= '9')
	if (p < ps->end && *p == '-')
		p++;
	if (!DIGITS(p))
		return invalid(ps, p, "syntax error");
	if (*p == '0')
		p++;
	else
		while (DIGITS(p))
			p++;
	if (p < ps->end && *p == '.') {
		if (!DIGITS(p + 1))
			return invalid(ps, p + 1, "syntax error");
		for (p++; DIGITS(p); p++)
			;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (!DIGITS(p))
			return invalid(ps, p, "syntax error");
		while (DIGITS(p))
			p++;
	}
#undef DIGITS
	n = (size_t)(p - s);
	if (n >= sizeof(small) && !(copy = malloc(n + 1)))
		return -ENOMEM;
	memcpy(copy, s, n);
	copy[n] = '\0';
	d = strtod(copy, &endp);
	if (copy != small)
		free(copy);
	if (isinf(d))
		return invalid(ps, s, "number out of range");
	ps->p = p;
	*ret = d;
	return 0;
}

/* Adds item to the open object or array (with ps->key), or makes it the root. */
static int attach(struct parser *ps, cJSON *item)
{
	cJSON *parent;
	bool ok;

	if (!item)
		return -ENOMEM;
	if (!ps->depth) {
		ps->out->root = item;
		return 0;
	}
	parent = ps->stack[ps->depth - 1];
	if (cJSON_IsObject(parent)) {
		ok = cJSON_AddItemToObject(parent, ps->key, item);
		free(ps->key);
		ps->key = NULL;
	} else {
		ok = cJSON_AddItemToArray(parent, item);
	}
	if (!ok) {
		cJSON_Delete(item);
		return -ENOMEM;
	}
	return 0;
}

static int cmp_member(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;

	return strcmp(x->string, y->string);
}

/* Records the first key given twice in the object being closed, with the keys of the
 * objects around it. n log n in the members. */
static int find_duplicate(struct parser *ps, cJSON *obj)
{
	_cleanup_free_ cJSON **v = NULL;
	const char *dup = NULL;
	size_t n = 0, i = 0, size = 0;
	char *path, *o;

	if (ps->out->duplicate)
		return 0;
	for (cJSON *c = obj->child; c; c = c->next)
		n++;
	if (n < 2)
		return 0;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (cJSON *c = obj->child; c; c = c->next)
		v[i++] = c;
	qsort(v, n, sizeof(*v), cmp_member);
	for (i = 1; i < n && !dup; i++)
		if (streq(v[i - 1]->string, v[i]->string))
			dup = v[i]->string;
	if (!dup)
		return 0;
	/* ps->stack[0..depth-1] is the chain of containers down to obj */
	for (size_t k = 1; k < ps->depth; k++)
		size += (ps->stack[k]->string ? strlen(ps->stack[k]->string) : 2) + 1;
	path = o = malloc(size + strlen(dup) + 1);
	if (!path)
		return -ENOMEM;
	for (size_t k = 1; k < ps->depth; k++) {
		const char *s = ps->stack[k]->string ? ps->stack[k]->string : "[]";

		o = stpcpy(stpcpy(o, s), ".");
	}
	strcpy(o, dup);
	ps->out->duplicate = path;
	return 0;
}

/* Opens an object or array: attaches it and pushes it. */
static int open_container(struct parser *ps, cJSON *item)
{
	int r = attach(ps, item);

	if (r < 0)
		return r;
	if (ps->depth == DAEMON_JSON_DEPTH_MAX)
		return invalid(ps, ps->p, "nested deeper than 10000 levels");
	ps->stack[ps->depth++] = item;
	ps->p++;
	return 0;
}

/* An object key and its ':' at ps->p (white space skipped before it). */
static int parse_key(struct parser *ps)
{
	int r;

	skip_space(ps);
	if (ps->p >= ps->end || *ps->p != '"')
		return invalid(ps, ps->p, "syntax error");
	r = parse_string(ps, &ps->key);
	if (r < 0)
		return r;
	skip_space(ps);
	if (ps->p >= ps->end || *ps->p != ':')
		return invalid(ps, ps->p, "syntax error");
	ps->p++;
	return 0;
}

/* Parses one value; on return ps->p is past it. Objects and arrays are opened here and
 * closed by parse_after(). Returns 0, or 1 when an object or array was opened. */
static int parse_value(struct parser *ps)
{
	static const struct {
		const char *word;
		int type;
	} literals[] = { { "true", cJSON_True }, { "false", cJSON_False }, { "null", cJSON_NULL } };
	char *s;
	double d;
	int r;

	skip_space(ps);
	if (ps->p >= ps->end)
		return invalid(ps, ps->p, "unexpected end of the file");
	switch (*ps->p) {
	case '{':
		return open_container(ps, cJSON_CreateObject()) ?: 1;
	case '[':
		return open_container(ps, cJSON_CreateArray()) ?: 1;
	case '"':
		r = parse_string(ps, &s);
		if (r < 0)
			return r;
		r = attach(ps, cJSON_CreateString(s));
		free(s);
		return r;
	}
	if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
		r = parse_number(ps, &d);
		return r < 0 ? r : attach(ps, cJSON_CreateNumber(d));
	}
	for (size_t i = 0; i < ELEMENTSOF(literals); i++) {
		size_t n = strlen(literals[i].word);

		if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, literals[i].word, n) == 0) {
			ps->p += n;
			return attach(ps, literals[i].type == cJSON_NULL ? cJSON_CreateNull()
					  : cJSON_CreateBool(literals[i].type == cJSON_True));
		}
	}
	return invalid(ps, ps->p, "syntax error");
}

/* After a value, or after an empty container was opened: ',' or the close of the innermost
 * container. Returns 1 when another value follows, 0 when the outermost value is complete. */
static int parse_after(struct parser *ps)
{
	while (ps->depth) {
		cJSON *top = ps->stack[ps->depth - 1];
		bool object = cJSON_IsObject(top);
		int r;

		skip_space(ps);
		if (ps->p >= ps->end)
			return invalid(ps, ps->p, "unexpected end of the file");
		if (*ps->p == ',') {
			ps->p++;
			if (object && (r = parse_key(ps)) < 0)
				return r;
			return 1;
		}
		if (*ps->p != (object ? '}' : ']'))
			return invalid(ps, ps->p, "syntax error");
		if (object && (r = find_duplicate(ps, top)) < 0)
			return r;
		ps->p++;
		ps->depth--;
	}
	return 0;
}

static int parse_json(struct parser *ps)
{
	int r;

	for (;;) {
		r = parse_value(ps);
		if (r < 0)
			return r;
		if (r == 1) {
			/* just opened: its first member or value, unless it is empty */
			bool object = cJSON_IsObject(ps->stack[ps->depth - 1]);

			skip_space(ps);
			if (ps->p >= ps->end || *ps->p != (object ? '}' : ']')) {
				if (object && (r = parse_key(ps)) < 0)
					return r;
				continue;
			}
		}
		r = parse_after(ps);
		if (r < 0)
			return r;
		if (r == 0)
			break;
	}
	skip_space(ps);
	if (ps->p < ps->end)
		return invalid(ps, ps->p, "text after the value");
	return 0;
}

int daemon_json_parse(const char *buf, size_t len, struct daemon_json *ret)
{
	const unsigned char *u = (const unsigned char *)buf;
	_cleanup_free_ char *decoded = NULL;
	struct daemon_json out = { .state = DAEMON_JSON_OBJECT };
	struct parser ps = { .out = &out };
	const char *s = buf, *e = buf + len;
	int r;

	/* the byte order mark decides (x/text unicode.BOMOverride) */
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		s += 3;
	} else if (len >= 2 && ((u[0] == 0xfe && u[1] == 0xff) || (u[0] == 0xff && u[1] == 0xfe))) {
		decoded = utf16_to_utf8(u + 2, len - 2, u[0] == 0xfe, &len);
		if (!decoded)
			return -ENOMEM;
		s = decoded;
		e = decoded + len;
	}
	ps.start = s;
	/* all of it valid UTF-8 (x/text encoding.UTF8Validator), white space included */
	for (const char *p = s; p < e;) {
		uint32_t c;
		size_t n = utf8_decode((const unsigned char *)p, (const unsigned char *)e, &c);

		if (!n) {
			invalid(&ps, p, "invalid UTF-8");
			goto done;
		}
		p += n;
	}
	/* bytes.TrimSpace, then an empty file is dockerd's defaults */
	for (;;) {
		uint32_t c;
		size_t n = s < e ? utf8_decode((const unsigned char *)s, (const unsigned char *)e, &c) : 0;

		if (!n || !is_unicode_space(c))
			break;
		s += n;
	}
	while (e > s) {
		const char *q = e - 1;
		uint32_t c;

		while (q > s && ((unsigned char)*q & 0xc0) == 0x80)
			q--;
		if (!utf8_decode((const unsigned char *)q, (const unsigned char *)e, &c) ||
		    !is_unicode_space(c))
			break;
		e = q;
	}
	if (s == e) {
		out.state = DAEMON_JSON_EMPTY;
		goto done;
	}
	ps.stack = malloc(DAEMON_JSON_DEPTH_MAX * sizeof(*ps.stack));
	if (!ps.stack)
		return -ENOMEM;
	ps.p = s;
	ps.end = e;
	r = parse_json(&ps);
	free(ps.stack);
	free(ps.key);
	if (r == -ENOMEM) {
		daemon_json_free(&out);
		return r;
	}
	if (r == 0 && cJSON_IsNull(out.root)) {
		out.state = DAEMON_JSON_EMPTY;
	} else if (r == 0 && !cJSON_IsObject(out.root)) {
		/* json.Unmarshal into a map refuses any other type */
		out.state = DAEMON_JSON_INVALID;
		out.error = "not a JSON object";
		out.line = line_of(ps.start, (size_t)(s - ps.start));
	}
	if (out.state != DAEMON_JSON_OBJECT) {
		cJSON_Delete(out.root);
		out.root = NULL;
		free(out.duplicate);
		out.duplicate = NULL;
	}
done:
	*ret = out;
	return 0;
}

void daemon_json_free(struct daemon_json *dj)
{
	cJSON_Delete(dj->root);
	free(dj->duplicate);
	*dj = (struct daemon_json){ 0 };
}

int daemon_json_read(const struct host *h, struct daemon_json *ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	r = host_read(h, DAEMON_JSON, DAEMON_JSON_MAX, &buf, &len);
	if (r < 0)
		return r;
	return daemon_json_parse(buf, len, ret);
}

int daemon_json_runtime(const cJSON *root, const char *name, const char **ret_path,
			const char **ret_bad)
{
	const cJSON *runtime = NULL, *path = NULL;

	for (const cJSON *m = root ? root->child : NULL; m; m = m->next) {
		if (!streq(m->string, "runtimes"))
			continue;
		if (cJSON_IsNull(m)) {
			runtime = NULL; /* null sets the map to nil */
			continue;
		}
		if (!cJSON_IsObject(m)) {
			*ret_bad = "\"runtimes\" is not an object";
			return -EINVAL;
		}
		for (const cJSON *rt = m->child; rt; rt = rt->next)
			if (streq(rt->string, name))
				runtime = rt;
	}
	if (cJSON_IsNull(runtime))
		return 0;
	if (runtime && !cJSON_IsObject(runtime)) {
		*ret_bad = "a runtime is not an object";
		return -EINVAL;
	}
	for (const cJSON *m = runtime ? runtime->child : NULL; m; m = m->next)
		if (strcasecmp(m->string, "path") == 0)
			path = m;
	if (path && !cJSON_IsString(path) && !cJSON_IsNull(path)) {
		*ret_bad = "a runtime's \"path\" is not a string";
		return -EINVAL;
	}
	if (!cJSON_IsString(path) || !*path->valuestring)
		return 0;
	*ret_path = path->valuestring;
	return 1;
}
