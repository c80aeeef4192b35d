/* SPDX-License-Identifier: MIT */
#include "envfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool key_valid(const char *k, size_t n)
{
	if (n == 0 || isdigit((unsigned char)k[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)k[i]) && k[i] != '_')
			return false;
	return true;
}

/* Unquotes the shell word in [p, end) into out (room for end - p + 1 bytes).
 * Returns 0, or -EINVAL for an unterminated quote or text after the word. */
static int unquote(const char *p, const char *end, char *out)
{
	char quote = 0;

	for (; p < end; p++) {
		char c = *p;

		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				*out++ = c;
		} else if (quote == '"') {
			if (c == '"')
				quote = 0;
			else if (c == '\\' && p + 1 < end && strchr("\"\\$`", p[1]))
				*out++ = *++p;
			else
				*out++ = c;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '\\' && p + 1 < end) {
			*out++ = *++p;
		} else if (isspace((unsigned char)c)) {
			/* Only a comment may follow an unquoted blank. */
			while (p < end && isspace((unsigned char)*p))
				p++;
			if (p < end && *p != '#')
				return -EINVAL;
			break;
		} else {
			*out++ = c;
		}
	}
	*out = '\0';
	return quote ? -EINVAL : 0;
}

int envfile_parse(const char *buf, size_t len, envfile_cb cb, void *userdata)
{
	const char *p = buf, *end = buf + len;
	int count = 0;

	while (p < end) {
		const char *eol = p, *eq, *k;
		char *line;
		size_t klen;
		int r;

		while (eol < end && *eol != '\n' && *eol != '\0')
			eol++;
		k = p;
		p = eol < end ? eol + 1 : end;

		while (k < eol && isspace((unsigned char)*k))
			k++;
		if (k == eol || *k == '#')
			continue;
		eq = memchr(k, '=', (size_t)(eol - k));
		if (!eq)
			continue;
		klen = (size_t)(eq - k);
		if (!key_valid(k, klen))
			continue;

		line = malloc((size_t)(eol - k) + 2);
		if (!line)
			return -ENOMEM;
		memcpy(line, k, klen);
		line[klen] = '\0';
		if (unquote(eq + 1, eol, line + klen + 1) < 0) {
			free(line);
			continue;
		}
		r = cb(line, line + klen + 1, userdata);
		free(line);
		if (r < 0)
			return r;
		count++;
	}
	return count;
}
