/* SPDX-License-Identifier: MIT */
#include "path.h"

#include <sys/stat.h>

#include "strbuf.h"
#include "util.h"

/* The next absolute entry of a PATH list at *p, into *ret (caller frees); moves *p on.
 * Returns 1, 0 at the end, -ENOMEM. */
static int next_dir(const char **p, char **ret)
{
	while (**p) {
		const char *s = *p, *e = strchrnul(s, ':');

		*p = *e ? e + 1 : e;
		if (s[0] != '/')
			continue;
		/* "/usr/bin/" and "/usr/bin" name one directory */
		while (e > s + 1 && e[-1] == '/')
			e--;
		*ret = strndup(s, (size_t)(e - s));
		return *ret ? 1 : -ENOMEM;
	}
	return 0;
}

int path_find_program(const struct host *h, const char *path, const char *name, char **ret_path)
{
	const char *p = path;
	char *dir;
	int r, err = 0;

	if (!*name || strchr(name, '/') || streq(name, ".") || streq(name, ".."))
		return -EINVAL;
	while ((r = next_dir(&p, &dir)) > 0) {
		_cleanup_free_ char *file = strdup_printf("%s%s%s", dir,
							  streq(dir, "/") ? "" : "/", name);
		struct stat st;

		free(dir);
		if (!file)
			return -ENOMEM;
		r = host_stat(h, file, 0, &st);
		if (r == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) {
			*ret_path = TAKE_PTR(file);
			return 1;
		}
		if (r < 0 && r != -ENOENT && r != -ENOTDIR && !err)
			err = r;
	}
	return r < 0 ? r : err;
}

int path_dirs_present(const struct host *h, const char *path, char **ret)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = path;
	char *dir;
	int r;

	while ((r = next_dir(&p, &dir)) > 0) {
		struct stat st;

		if (host_stat(h, dir, 0, &st) == 0 && S_ISDIR(st.st_mode))
			strbuf_add_sep(&out, " ", "%s", dir);
		free(dir);
	}
	if (r < 0) {
		strbuf_release(&out);
		return r;
	}
	*ret = strbuf_detach(&out);
	return out.err;
}
