/* SPDX-License-Identifier: MIT */
#include "mountinfo.h"

#include "util.h"

/* Decodes \ooo escapes in place (the kernel escapes space, tab, newline and backslash). */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else
			*out++ = *s;
	}
	*out = '\0';
}

/* Splits line into space-separated fields; returns how many (at most max). */
static size_t split(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *w = strtok_r(line, " ", &save); w && n < max; w = strtok_r(NULL, " ", &save))
		fields[n++] = w;
	return n;
}

/* Fields 1-6, up to 16 optional fields, the separator, then 3 more: room to spare. */
#define MOUNTINFO_FIELDS_MAX 32

static int parse_line(char *line, mountinfo_cb cb, void *userdata)
{
	char *fields[MOUNTINFO_FIELDS_MAX];
	size_t n = split(line, fields, ELEMENTSOF(fields)), sep;
	struct mount_entry m;

	for (sep = 6; sep < n && !streq(fields[sep], "-"); sep++)
		;
	if (n < 7 || sep + 2 >= n)
		return 0;
	for (size_t i = 0; i < n; i++)
		unescape(fields[i]);
	m = (struct mount_entry){
		.root = fields[3],
		.mount_point = fields[4],
		.mount_opts = fields[5],
		.fstype = fields[sep + 1],
		.source = fields[sep + 2],
		.super_opts = sep + 3 < n ? fields[sep + 3] : "",
	};
	return cb(&m, userdata);
}

int mountinfo_parse(const char *buf, size_t len, mountinfo_cb cb, void *userdata)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		_cleanup_free_ char *line = strndup(p, n);
		int r;

		if (!line)
			return -ENOMEM;
		p += n + 1;
		r = parse_line(line, cb, userdata);
		if (r != 0)
			return r;
	}
	return 0;
}
