/* SPDX-License-Identifier: MIT */
#include "apt.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "dpkg.h"
#include "util.h"

struct pin_search {
	const char *name;
	/* the paragraph being read */
	char *package, *pin, *priority;
	/* the best version pin so far */
	struct apt_pin best;
	bool found;
};

static void pin_para_clear(struct pin_search *ps)
{
	free(ps->package);
	free(ps->pin);
	free(ps->priority);
	ps->package = ps->pin = ps->priority = NULL;
}

/* Whether a word of the Package field (a name or a glob) names name. Returns 1, 0 or
 * -ENOMEM. */
static int pin_names(const char *packages, const char *name)
{
	_cleanup_free_ char *copy = strdup(packages);
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		if (w[0] != '/' && fnmatch(w, name, 0) == 0)
			return 1;
	return 0;
}

static int pin_paragraph_end(struct pin_search *ps)
{
	const char *ver;
	char *end;
	long prio;
	int r;

	if (!ps->pin)
		return 0;
	if (!ps->package || !ps->priority)
		return -EBADMSG;
	errno = 0;
	prio = strtol(ps->priority, &end, 10);
	/* apt refuses a missing or zero priority */
	if (errno || end == ps->priority || *end || prio == 0)
		return -EBADMSG;
	/* "Pin: version V"; other pin types (release, origin) do not pin a version */
	ver = startswith(ps->pin, "version");
	if (!ver || (*ver && !strchr(" \t\r", *ver)))
		return 0;
	ver += strspn(ver, " \t");
	if (!*ver)
		return -EBADMSG;
	r = pin_names(ps->package, ps->name);
	if (r <= 0)
		return r;
	if (ps->found && prio <= ps->best.priority)
		return 0;
	free(ps->best.version);
	ps->best.version = strdup(ver);
	if (!ps->best.version)
		return -ENOMEM;
	ps->best.priority = prio;
	ps->found = true;
	return 0;
}

static int pin_field(const char *name, const char *value, void *userdata)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{ "Package", offsetof(struct pin_search, package) },
		{ "Pin", offsetof(struct pin_search, pin) },
		{ "Pin-Priority", offsetof(struct pin_search, priority) },
	};
	struct pin_search *ps = userdata;
	int r;

	if (!name) {
		r = pin_paragraph_end(ps);
		pin_para_clear(ps);
		return r;
	}
	for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
		char **v = (char **)((char *)ps + fields[i].off);

		if (strcasecmp(name, fields[i].name) != 0)
			continue;
		if (*v)
			return -EBADMSG;
		*v = strdup(value);
		return *v ? 0 : -ENOMEM;
	}
	return 0;
}

int apt_pin_find(const char *buf, size_t len, const char *name, struct apt_pin *ret,
		 unsigned *ret_line)
{
	struct pin_search ps = { .name = name };
	int r = deb822_parse(buf, len, pin_field, &ps, ret_line);

	pin_para_clear(&ps);
	if (r < 0 || !ps.found) {
		free(ps.best.version);
		return r < 0 ? r : 0;
	}
	*ret = ps.best;
	return 1;
}

bool apt_pref_name_valid(const char *name)
{
	static const char allowed[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789_-.";
	const char *dot = strrchr(name, '.');

	if (name[0] == '.' || name[0] == '\0' || strspn(name, allowed) != strlen(name))
		return false;
	return !dot || streq(dot, ".pref");
}

void apt_pref_files_free(struct apt_pref_files *files)
{
	for (size_t i = 0; i < files->n; i++)
		free(files->v[i]);
	free(files->v);
	*files = (struct apt_pref_files){ 0 };
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int files_add(struct apt_pref_files *files, size_t *cap, char *path)
{
	if (!path)
		return -ENOMEM;
	if (files->n == *cap) {
		size_t n = *cap ? *cap * 2 : 16;
		char **v = reallocarray(files->v, n, sizeof(*v));

		if (!v) {
			free(path);
			return -ENOMEM;
		}
		files->v = v;
		*cap = n;
	}
	files->v[files->n++] = path;
	return 0;
}

int apt_pref_files(const struct host *h, struct apt_pref_files *ret)
{
	_cleanup_(closedirp) DIR *d = NULL;
	struct apt_pref_files files = { 0 };
	size_t cap = 0;
	int r;

	r = files_add(&files, &cap, strdup(APT_PREFERENCES));
	if (r < 0)
		goto fail;
	r = host_opendir(h, APT_PREFERENCES_D, &d);
	if (r == -ENOENT || r == -ENOTDIR)
		goto done;
	if (r < 0)
		goto fail;
	for (;;) {
		struct dirent *de;

		r = host_readdir(d, &de);
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		if (!apt_pref_name_valid(de->d_name))
			continue;
		if (files.n > APT_PREFERENCES_FILES_MAX) {
			r = -E2BIG;
			goto fail;
		}
		r = files_add(&files, &cap, strdup_printf("%s/%s", APT_PREFERENCES_D, de->d_name));
		if (r < 0)
			goto fail;
	}
	/* apt reads preferences.d in the order of the names (apt-pkg GetListOfFilesInDir) */
	qsort(files.v + 1, files.n - 1, sizeof(*files.v), cmp_str);
done:
	*ret = files;
	return 0;
fail:
	apt_pref_files_free(&files);
	return r;
}

void apt_pin_lookup_free(struct apt_pin_lookup *l)
{
	free(l->pin.version);
	free(l->source);
	*l = (struct apt_pin_lookup){ 0 };
}

int apt_pin_strongest(const struct host *h, const char *name, struct apt_pin_lookup *ret)
{
	struct apt_pref_files files = { 0 };
	struct apt_pin best = { 0 };
	size_t best_i = 0;
	int r;

	*ret = (struct apt_pin_lookup){ 0 };
	r = apt_pref_files(h, &files);
	if (r < 0) {
		if (r != -ENOMEM && !(ret->source = strdup(APT_PREFERENCES_D)))
			r = -ENOMEM;
		return r;
	}
	for (size_t i = 0; i < files.n; i++) {
		_cleanup_free_ char *buf = NULL;
		struct apt_pin pin;
		unsigned line = 0;
		size_t len;

		r = host_read(h, files.v[i], APT_PREFERENCES_MAX, &buf, &len);
		if (r == -ENOENT || r == -EISDIR)
			continue;
		if (r >= 0)
			r = apt_pin_find(buf, len, name, &pin, &line);
		if (r == -ENOMEM)
			goto out;
		if (r < 0) {
			ret->source = line ? strdup_printf("%s:%u", files.v[i], line)
					   : strdup(files.v[i]);
			if (!ret->source)
				r = -ENOMEM;
			goto out;
		}
		if (r == 0)
			continue;
		if (best.version && pin.priority <= best.priority) {
			free(pin.version);
			continue;
		}
		free(best.version);
		best = pin;
		best_i = i;
	}
	r = 0;
	if (best.version) {
		ret->source = strdup(files.v[best_i]);
		if (!ret->source) {
			r = -ENOMEM;
			goto out;
		}
		ret->pin = best;
		best.version = NULL;
		r = 1;
	}
out:
	free(best.version);
	apt_pref_files_free(&files);
	return r;
}
