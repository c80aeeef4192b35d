/* SPDX-License-Identifier: MIT */
/* Where dockerd's flags come from: docker.service as systemd loads it (the unit, its drop-ins,
 * the variables ExecStart= expands), or DOCKER_OPTS for an init script; and the daemon.json
 * directives they clash with (docker_flags.h). */
#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "core/daemon-json.h"
#include "core/envfile.h"
#include "core/strbuf.h"
#include "core/unit.h"
#include "core/util.h"
#include "docker_flags.h"
#include "runtime.h"

#define UNIT	     "docker.service"
#define DEFAULT_FILE "/etc/default/docker"
#define DEFAULT_VAR  "DOCKER_OPTS"
/* Larger unit, drop-in or environment files than any real one; more is refused (EFBIG). */
#define UNIT_FILE_MAX (256 * 1024)
/* More drop-ins, ExecStart=/Environment= entries or variables than any real unit has; more is
 * refused (E2BIG), never cut. */
#define ENTRIES_MAX 256

/* Where systemd finds a unit and its drop-ins, first first (systemd.unit(5) "Unit File Load
 * Path"): a unit in an earlier directory hides the later ones, a drop-in of the same name too. */
static const char *const unit_dirs[] = {
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
};

struct entry {
	char *value;
	char *place; /* "FILE:LINE" */
};

struct list {
	struct entry *e;
	size_t n;
};

struct var {
	char *name, *value, *place;
};

struct scan {
	const struct host *h;
	const char *path; /* the file being read */
	struct list exec, env, envfile;
	struct var *vars;
	size_t n_vars;
	const char *exec_place; /* the ExecStart= being split */
	size_t skip;		/* argv's words before the flags */
	bool other_config;	/* --config-file names another file than daemon.json */
	char *type;		/* the service's Type=, NULL for the default */
	struct strbuf flags, conflicts;
	char **argv, **places;
	size_t argc;
	const cJSON *root;
	const char *json;
	size_t json_len;
	char **seen; /* directives already found clashing */
	size_t n_seen;
	int err; /* the errno that kept a file from being read */
	char *err_path;
};

/* Keeps the first read error (r, of path) for docker.flags. Returns 0, or -ENOMEM. */
static int keep_err(struct scan *s, const char *path, int r)
{
	if (s->err)
		return 0;
	s->err = -r;
	s->err_path = strdup(path);
	return s->err_path ? 0 : -ENOMEM;
}

static void list_clear(struct list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->e[i].value);
		free(l->e[i].place);
	}
	free(l->e);
	l->e = NULL;
	l->n = 0;
}

static int list_add(struct list *l, const char *value, const char *place)
{
	struct entry *e;

	if (l->n >= ENTRIES_MAX)
		return -E2BIG;
	e = reallocarray(l->e, l->n + 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	l->e = e;
	e[l->n].value = strdup(value);
	e[l->n].place = strdup(place);
	if (!e[l->n].value || !e[l->n].place) {
		free(e[l->n].value);
		free(e[l->n].place);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

/* A Service= assignment: ExecStart=, Environment=, EnvironmentFile= add to their lists, and
 * an empty one clears it (systemd.service(5)). */
static int on_assignment(const char *section, const char *key, const char *value, unsigned line,
			 void *userdata)
{
	static const char *const keys[] = {"ExecStart", "Environment", "EnvironmentFile"};
	struct scan *s = userdata;
	struct list *lists[] = {&s->exec, &s->env, &s->envfile};
	_cleanup_free_ char *place = NULL;

	if (!streq(section, "Service"))
		return 0;
	if (streq(key, "Type")) {
		free(s->type);
		s->type = *value ? strdup(value) : NULL;
		return !*value || s->type ? 0 : -ENOMEM;
	}
	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		if (!streq(key, keys[i]))
			continue;
		if (!*value) {
			list_clear(lists[i]);
			return 0;
		}
		place = strdup_printf("%s:%u", s->path, line);
		return place ? list_add(lists[i], value, place) : -ENOMEM;
	}
	return 0;
}

/* Reads path and parses it as a unit file. Returns 1 when read, 0 when absent, -ENOMEM, or
 * -E2BIG; another read error is kept in s->err. */
static int read_unit(struct scan *s, const char *path)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = host_read(s->h, path, UNIT_FILE_MAX, &buf, &len);

	if (is_absent(r))
		return 0;
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return keep_err(s, path, r);
	s->path = path;
	r = unit_parse(buf, len, on_assignment, s);
	return r < 0 ? r : 1;
}

/* By file name, whatever the directory (systemd applies drop-ins in that order). */
static int cmp_base(const void *a, const void *b)
{
	return strcmp(strrchr(*(char *const *)a, '/'), strrchr(*(char *const *)b, '/'));
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The drop-ins' paths in the order systemd applies them: by file name, the first directory's
 * file of a name hiding the others'. Returns 0, *ret and *ret_n, or -ENOMEM or -E2BIG; a
 * directory that cannot be listed is kept in s->err. */
static int dropins(struct scan *s, char ***ret, size_t *ret_n)
{
	char **names = NULL, **paths = NULL;
	size_t n = 0;
	int r = 0;

	for (size_t d = 0; d < ELEMENTSOF(unit_dirs) && r >= 0; d++) {
		_cleanup_free_ char *dir = strdup_printf("%s/" UNIT ".d", unit_dirs[d]);
		_cleanup_(closedirp) DIR *dh = NULL;
		struct dirent *de;

		if (!dir) {
			r = -ENOMEM;
			break;
		}
		r = host_opendir(s->h, dir, &dh);
		if (r < 0) {
			r = r == -ENOMEM ? r : is_absent(r) ? 0 : keep_err(s, dir, r);
			continue;
		}
		while ((r = host_readdir(dh, &de)) > 0) {
			const char *nm = de->d_name;
			size_t l = strlen(nm);
			char **nn, **np;
			bool dup = false;

			if (l < 6 || !streq(nm + l - 5, ".conf") || nm[0] == '.')
				continue;
			for (size_t i = 0; i < n && !dup; i++)
				dup = streq(names[i], nm);
			if (dup)
				continue;
			if (n >= ENTRIES_MAX) {
				r = -E2BIG;
				break;
			}
			nn = reallocarray(names, n + 1, sizeof(*nn));
			if (nn)
				names = nn;
			np = reallocarray(paths, n + 1, sizeof(*np));
			if (np)
				paths = np;
			if (!nn || !np) {
				r = -ENOMEM;
				break;
			}
			names[n] = strdup(nm);
			paths[n] = strdup_printf("%s/%s", dir, nm);
			if (!names[n] || !paths[n]) {
				free(names[n]);
				free(paths[n]);
				r = -ENOMEM;
				break;
			}
			n++;
		}
		if (r < 0 && r != -ENOMEM && r != -E2BIG)
			r = keep_err(s, dir, r);
	}
	free_strv(names, n);
	if (r < 0) {
		free_strv(paths, n);
		return r;
	}
	if (n)
		qsort(paths, n, sizeof(*paths), cmp_base);
	*ret = paths;
	*ret_n = n;
	return 0;
}

/* --- variables: Environment= and EnvironmentFile= ----------------------------------------- */

static struct var *var_find(struct scan *s, const char *name)
{
	for (size_t i = 0; i < s->n_vars; i++)
		if (streq(s->vars[i].name, name))
			return &s->vars[i];
	return NULL;
}

/* Sets a variable (a later assignment replaces an earlier one). */
static int var_set(struct scan *s, const char *name, size_t name_len, const char *value,
		   const char *place)
{
	_cleanup_free_ char *nm = strndup(name, name_len);
	struct var *v;

	if (!nm)
		return -ENOMEM;
	v = var_find(s, nm);
	if (!v) {
		if (s->n_vars >= ENTRIES_MAX)
			return -E2BIG;
		v = reallocarray(s->vars, s->n_vars + 1, sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->vars = v;
		v = &s->vars[s->n_vars++];
		*v = (struct var){.name = TAKE_PTR(nm)};
	}
	free(v->value);
	free(v->place);
	v->value = strdup(value);
	v->place = strdup(place);
	return v->value && v->place ? 0 : -ENOMEM;
}

static const char *no_vars(const char *name _unused_, void *userdata _unused_)
{
	return NULL;
}

struct env_word {
	struct scan *s;
	const char *place;
};

/* One "NAME=VALUE" word of Environment=. */
static int env_word(const char *word, const char *var _unused_, void *userdata)
{
	struct env_word *w = userdata;
	const char *eq = strchr(word, '=');

	if (!eq || eq == word)
		return 0; /* systemd ignores it */
	return var_set(w->s, word, (size_t)(eq - word), eq + 1, w->place);
}

/* The line of buf where key is assigned last (an environment file: "KEY=" at a line's start,
 * after blanks), 0 when not found. */
static unsigned assignment_line(const char *buf, size_t len, const char *key)
{
	size_t klen = strlen(key);
	unsigned line = 1, found = 0;
	bool start = true;

	for (size_t i = 0; i < len; i++) {
		if (start) {
			size_t j = i;

			while (j < len && (buf[j] == ' ' || buf[j] == '\t'))
				j++;
			if (len - j > klen && memcmp(buf + j, key, klen) == 0 &&
			    buf[j + klen] == '=')
				found = line;
		}
		start = buf[i] == '\n';
		if (start)
			line++;
	}
	return found;
}

struct env_file {
	struct scan *s;
	const char *path, *buf;
	size_t len;
};

static int env_file_var(const char *key, const char *value, void *userdata)
{
	struct env_file *e = userdata;
	_cleanup_free_ char *place =
	    strdup_printf("%s:%u", e->path, assignment_line(e->buf, e->len, key));

	return place ? var_set(e->s, key, strlen(key), value, place) : -ENOMEM;
}

/* Reads an environment file's variables ("-PATH": may be absent). Returns 1 when read, 0 when
 * absent, or -errno (-ENOMEM; another read error is kept in s->err). */
static int read_env_file(struct scan *s, const char *spec)
{
	const char *path = spec[0] == '-' ? spec + 1 : spec;
	_cleanup_free_ char *buf = NULL;
	struct env_file e = {s, path, NULL, 0};
	size_t len;
	int r = host_read(s->h, path, UNIT_FILE_MAX, &buf, &len);

	if (is_absent(r))
		return 0;
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return keep_err(s, path, r);
	e.buf = buf;
	e.len = len;
	r = envfile_parse(buf, len, env_file_var, &e);
	return r < 0 ? r : 1;
}

/* The variables ExecStart= sees: Environment=, then EnvironmentFile= overriding them. */
static int load_vars(struct scan *s)
{
	int r;

	for (size_t i = 0; i < s->env.n; i++) {
		struct env_word w = {s, s->env.e[i].place};

		r = unit_split(s->env.e[i].value, no_vars, env_word, &w);
		if (r < 0 && r != -EINVAL)
			return r;
	}
	for (size_t i = 0; i < s->envfile.n; i++) {
		/* whitespace-separated paths may share a line */
		_cleanup_free_ char *specs = strdup(s->envfile.e[i].value);
		char *save = NULL;

		if (!specs)
			return -ENOMEM;
		for (char *t = strtok_r(specs, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
			if ((r = read_env_file(s, t)) < 0)
				return r;
	}
	return 0;
}

static const char *lookup(const char *name, void *userdata)
{
	struct var *v = var_find(userdata, name);

	return v ? v->value : NULL;
}

/* --- the command line, its flags, and the clashes ----------------------------------------- */

static int add_word(const char *word, const char *var, void *userdata)
{
	struct scan *s = userdata;
	struct var *v = var ? var_find(s, var) : NULL;
	char **a, **p;

	if (s->argc >= 4 * ENTRIES_MAX)
		return -E2BIG;
	a = reallocarray(s->argv, s->argc + 1, sizeof(*a));
	if (a)
		s->argv = a;
	p = reallocarray(s->places, s->argc + 1, sizeof(*p));
	if (p)
		s->places = p;
	if (!a || !p)
		return -ENOMEM;
	a[s->argc] = strdup(word);
	p[s->argc] = !v	       ? strdup(s->exec_place)
		     : s->skip ? strdup_printf("%s in %s, through %s", var, v->place, s->exec_place)
			       : strdup_printf("%s in %s", var, v->place);
	if (!a[s->argc] || !p[s->argc]) {
		free(a[s->argc]);
		free(p[s->argc]);
		return -ENOMEM;
	}
	s->argc++;
	return 0;
}

static void argv_clear(struct scan *s)
{
	free_strv(s->argv, s->argc);
	free_strv(s->places, s->argc);
	s->argv = s->places = NULL;
	s->argc = 0;
}

/* Whether daemon.json holds directive (as dockerd flattens it): 1 and *ret_line, or 0. */
static int json_has(const struct scan *s, const char *directive, unsigned *ret_line)
{
	for (const cJSON *m = s->root ? s->root->child : NULL; m; m = m->next) {
		bool hit = false;

		if (!m->string)
			continue;
		if (cJSON_IsObject(m) && !dockerd_flat_directive(m->string)) {
			for (const cJSON *c = m->child; c && !hit; c = c->next)
				hit = c->string && streq(c->string, directive);
		} else {
			hit = streq(m->string, directive);
		}
		if (hit) {
			*ret_line = daemon_json_key_line(s->json, s->json_len, directive);
			return 1;
		}
	}
	return 0;
}

static int on_flag(const char *name, const char *text, size_t i, void *userdata)
{
	struct scan *s = userdata;
	const char *place = s->places[i + s->skip], *legacy, *directive;
	const char *names[2];
	unsigned line;
	char **seen;

	if (strbuf_add_sep(&s->flags, "; ", "%s (%s)", text, place) < 0)
		return -ENOMEM;
	if (streq(name, "config-file")) {
		const char *v = text + strcspn(text, "= ");

		/* dockerd reads another file than daemon.json: nothing here clashes */
		s->other_config = !*v || !streq(v + 1, DAEMON_JSON);
		return 0;
	}
	directive = dockerd_flag_directive(name, &legacy);
	names[0] = directive;
	names[1] = legacy;
	for (size_t k = 0; k < ELEMENTSOF(names) && s->root; k++) {
		if (!names[k] || !json_has(s, names[k], &line))
			continue;
		for (size_t j = 0; j < s->n_seen; j++)
			if (streq(s->seen[j], names[k]))
				return 0; /* one clash a directive, as dockerd lists them */
		seen = reallocarray(s->seen, s->n_seen + 1, sizeof(*seen));
		if (!seen)
			return -ENOMEM;
		s->seen = seen;
		if (!(seen[s->n_seen] = strdup(names[k])))
			return -ENOMEM;
		s->n_seen++;
		if ((line ? strbuf_add_sep(&s->conflicts, "; ", "\"%s\": %s at %s, and in %s:%u",
					   names[k], text, place, DAEMON_JSON, line)
			  : strbuf_add_sep(&s->conflicts, "; ", "\"%s\": %s at %s, and in %s",
					   names[k], text, place, DAEMON_JSON)) < 0)
			return -ENOMEM;
		return 0;
	}
	return 0;
}

static bool runs_dockerd(const char *path)
{
	const char *base = strrchr(path, '/');

	return streq(base ? base + 1 : path, "dockerd");
}

/* Splits one command line into argv (with places) and scans dockerd's flags in it: an
 * ExecStart= value (its program must be dockerd), or, for an init script, "$DOCKER_OPTS" alone
 * (sysv: no program). */
static int scan_exec(struct scan *s, const char *value, const char *place, bool sysv)
{
	const char *cmd = unit_exec_path(value);
	const char *at = memchr(value, '@', (size_t)(cmd - value));
	int r;

	s->exec_place = place;
	s->skip = sysv ? 0 : at ? 2 : 1; /* "@": the next word is argv[0] */
	r = unit_split(cmd, lookup, add_word, s);
	if (r == -EINVAL)
		r = 0; /* systemd refuses the line: nothing starts from it */
	if (r >= 0 && s->argc > s->skip && (sysv || runs_dockerd(s->argv[0])))
		r = dockerd_flags_scan((const char *const *)s->argv + s->skip, s->argc - s->skip,
				       on_flag, s);
	argv_clear(s);
	return r;
}

/* docker.unit-refused: more than one ExecStart= left in a service that is not Type=oneshot,
 * which systemd refuses to start ("Service has more than one ExecStart= setting"), naming
 * each; null when not. */
static int record_refused(struct scan *s, const char *source, struct facts *f)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

	if (s->exec.n > 1 && !(s->type && streq(s->type, "oneshot"))) {
		strbuf_addf(&b, "%zu ExecStart= lines in a Type=%s service:", s->exec.n,
			    s->type ? s->type : "simple");
		for (size_t i = 0; i < s->exec.n; i++)
			strbuf_addf(&b, "%s %s", i ? "," : "", s->exec.e[i].place);
		if (b.err)
			return -ENOMEM;
	}
	return facts_set(f, "docker.unit-refused", source, b.len ? strbuf_str(&b) : NULL);
}

static void scan_free(struct scan *s)
{
	list_clear(&s->exec);
	list_clear(&s->env);
	list_clear(&s->envfile);
	for (size_t i = 0; i < s->n_vars; i++) {
		free(s->vars[i].name);
		free(s->vars[i].value);
		free(s->vars[i].place);
	}
	free(s->vars);
	free_strv(s->seen, s->n_seen);
	free(s->err_path);
	free(s->type);
	argv_clear(s);
	strbuf_release(&s->flags);
	strbuf_release(&s->conflicts);
}

/* Reads the unit, its drop-ins and the variables they name. Returns 1 when a unit was found,
 * 0 when none, or -errno (-ENOMEM, -E2BIG); a file that could not be read is in s->err. */
static int read_units(struct scan *s, char **ret_unit)
{
	char **paths = NULL;
	size_t n = 0;
	int r = 0, found = 0;

	for (size_t d = 0; d < ELEMENTSOF(unit_dirs) && !found && r >= 0; d++) {
		_cleanup_free_ char *path = strdup_printf("%s/" UNIT, unit_dirs[d]);

		if (!path)
			return -ENOMEM;
		r = read_unit(s, path);
		if (r > 0) {
			*ret_unit = TAKE_PTR(path);
			found = 1;
		}
	}
	if (r < 0)
		return r;
	r = dropins(s, &paths, &n);
	for (size_t i = 0; i < n && r >= 0; i++)
		r = read_unit(s, paths[i]);
	free_strv(paths, n);
	if (r < 0)
		return r;
	r = load_vars(s);
	return r < 0 ? r : found || n;
}

int probe_dockerd_flags(const struct host *h, const cJSON *root, const char *buf, size_t len,
			struct facts *f)
{
	struct scan s = {.h = h, .root = root, .json = buf, .json_len = len};
	_cleanup_free_ char *unit = NULL;
	const char *source;
	int r = read_units(&s, &unit);

	if (r == 0 && !s.err) {
		/* no unit: an init script reads DOCKER_OPTS from /etc/default/docker */
		r = read_env_file(&s, DEFAULT_FILE);
		if (r > 0 && var_find(&s, DEFAULT_VAR))
			r = scan_exec(&s, "$" DEFAULT_VAR, DEFAULT_FILE, true);
		source = DEFAULT_FILE;
	} else {
		for (size_t i = 0; i < s.exec.n && r >= 0 && !s.err; i++)
			r = scan_exec(&s, s.exec.e[i].value, s.exec.e[i].place, false);
		source = unit ? unit : "/etc/systemd/system/" UNIT;
	}
	if (r == -ENOMEM)
		goto out;
	if (r < 0 || s.err) {
		r = facts_set_err(f, "docker.flags", r < 0 ? source : s.err_path,
				  r < 0 ? -r : s.err);
		goto out;
	}
	r = facts_set(f, "docker.flags", source, s.flags.len ? strbuf_str(&s.flags) : NULL);
	if (r >= 0)
		r = record_refused(&s, source, f);
	if (r >= 0 && root)
		r = facts_set(f, "docker.flag-conflict", source,
			      s.conflicts.len && !s.other_config ? strbuf_str(&s.conflicts) : NULL);
	if (r >= 0 && (s.flags.err || s.conflicts.err))
		r = -ENOMEM;
out:
	scan_free(&s);
	return r < 0 ? r : 0;
}
