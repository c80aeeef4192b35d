/* SPDX-License-Identifier: MIT */
#include "mountinfo.h"

#include "fileio.h"
#include "util.h"

/* Decodes \ooo escapes in place (the kernel escapes space, tab, newline and backslash). */
static void unescape(char *s)
{
	char *out;

	s = strchr(s, '\\');
	if (!s)
		return;
	for (out = s; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else
			*out++ = *s;
	}
	*out = '\0';
}

/* Fields 1-6, up to 16 optional fields, the separator, then 3 more: room to spare. */
#define MOUNTINFO_FIELDS_MAX 32

/* Splits the NUL-terminated line of len bytes in place into its space-separated words (runs of
 * spaces are one separator; a NUL ends the line); returns how many (at most max). */
static size_t split(char *line, size_t len, char **fields, size_t max)
{
	char *p = line, *e = line + strnlen(line, len);
	size_t n = 0;

	while (n < max) {
		char *sp;

		while (p < e && *p == ' ')
			p++;
		if (p == e)
			break;
		fields[n++] = p;
		sp = memchr(p, ' ', (size_t)(e - p));
		if (!sp)
			break;
		*sp = '\0';
		p = sp + 1;
	}
	return n;
}

/* Parses one line in place. Returns 1 and *ret for a well-formed line, else 0. */
static int parse_line(char *line, size_t len, struct mount_entry *ret)
{
	char *fields[MOUNTINFO_FIELDS_MAX];
	size_t n = split(line, len, fields, ELEMENTSOF(fields)), sep;
	char *used[6];

	for (sep = 6; sep < n && !streq(fields[sep], "-"); sep++)
		;
	if (n < 7 || sep + 2 >= n)
		return 0;
	used[0] = fields[3];
	used[1] = fields[4];
	used[2] = fields[5];
	used[3] = fields[sep + 1];
	used[4] = fields[sep + 2];
	used[5] = sep + 3 < n ? fields[sep + 3] : NULL;
	for (size_t i = 0; i < ELEMENTSOF(used); i++)
		if (used[i])
			unescape(used[i]);
	*ret = (struct mount_entry){
	    .root = used[0],
	    .mount_point = used[1],
	    .mount_opts = used[2],
	    .fstype = used[3],
	    .source = used[4],
	    .super_opts = used[5] ? used[5] : "",
	};
	return 1;
}

int mountinfo_parse(const char *buf, size_t len, mountinfo_cb cb, void *userdata)
{
	const char *p = buf, *end = buf + len;
	_cleanup_strbuf_ struct strbuf line = STRBUF_INIT;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		struct mount_entry m;
		int r;

		/* a copy to split in place, reused line after line */
		line.len = 0;
		if (strbuf_add(&line, p, n) < 0)
			return -ENOMEM;
		p += n + 1;
		if (!line.len || !parse_line(line.buf, line.len, &m))
			continue;
		r = cb(&m, userdata);
		if (r != 0)
			return r;
	}
	return 0;
}

static int table_line(char *line, size_t len, void *userdata)
{
	struct mount_table *t = userdata;
	struct mount_entry m;
	const char *f[4];

	if (!parse_line(line, len, &m))
		return 0;
	if (t->n == t->alloc) {
		size_t alloc = t->alloc ? t->alloc * 2 : 64;
		uint32_t(*v)[4] = reallocarray(t->v, alloc, sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->alloc = alloc;
	}
	f[0] = m.mount_point, f[1] = m.mount_opts, f[2] = m.fstype, f[3] = m.source;
	for (size_t i = 0; i < ELEMENTSOF(f); i++) {
		size_t l = strlen(f[i]) + 1;

		if (t->strings.len + l > UINT32_MAX)
			return -EFBIG;
		t->v[t->n][i] = (uint32_t)t->strings.len;
		strbuf_add(&t->strings, f[i], l);
	}
	t->n++;
	return t->strings.err;
}

int mount_table_read(int fd, struct mount_table *ret)
{
	struct mount_table t = {.strings = STRBUF_INIT};
	int r = read_lines(fd, SIZE_MAX, table_line, &t);

	if (r < 0) {
		mount_table_free(&t);
		return r;
	}
	*ret = t;
	return 0;
}

void mount_table_free(struct mount_table *t)
{
	free(t->v);
	strbuf_release(&t->strings);
	*t = (struct mount_table){0};
}

int mount_table_foreach(const struct mount_table *t, mountinfo_cb cb, void *userdata)
{
	const char *s = strbuf_str(&t->strings);

	for (size_t i = 0; i < t->n; i++) {
		const uint32_t *o = t->v[i];
		struct mount_entry m = {
		    .root = "",
		    .mount_point = s + o[0],
		    .mount_opts = s + o[1],
		    .fstype = s + o[2],
		    .source = s + o[3],
		    .super_opts = "",
		};
		int r = cb(&m, userdata);

		if (r != 0)
			return r;
	}
	return 0;
}
