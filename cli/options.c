/* SPDX-License-Identifier: MIT */
/* The host and judging options, shared by the commands that read or judge a host. */
#include "options.h"

#include "checks/factkeys.h"
#include "cli.h"
#include "core/util.h"

static int strv_push(struct cli_strv *s, char *str)
{
	char **v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v)
		return cli_oom();
	s->v = v;
	s->v[s->n++] = str;
	return 0;
}

/* Splits the comma-separated argument of option name (modified in place) onto s. An empty
 * list or an empty element ('', ',', 'a,,b') is refused: --only '' would otherwise select every
 * check. */
static int strv_push_list(struct cli_strv *s, const char *name, char *arg)
{
	size_t len = strlen(arg);
	char *save = NULL;

	if (len == 0 || arg[0] == ',' || arg[len - 1] == ',' || strstr(arg, ",,"))
		return cli_usage("%s wants check ids or globs, comma-separated, not '%s'", name, arg),
		       -EINVAL;
	for (char *w = strtok_r(arg, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (strv_push(s, w) < 0)
			return -ENOMEM;
	return 0;
}

int cli_host_option(struct cli_host_opts *o, int c, char *arg)
{
	int r = 0;

	switch (c) {
	case CLI_OPT_ROOT: o->root = arg; break;
	case CLI_OPT_PROC: o->proc = arg; break;
	case CLI_OPT_SYS: o->sys = arg; break;
	case CLI_OPT_PROFILE: o->profile = arg; break;
	case CLI_OPT_MODE: o->mode = arg; break;
	case CLI_OPT_DATA_ROOT: o->data_root = arg; break;
	case CLI_OPT_SKIP: r = strv_push_list(&o->skip, "--skip", arg); break;
	case CLI_OPT_ONLY: r = strv_push_list(&o->only, "--only", arg); break;
	case CLI_OPT_ASSUME: r = strv_push(&o->assume, arg); break;
	case CLI_OPT_CACHING: o->caching = true; break;
	case CLI_OPT_AUTOLOAD: o->shiftfs_autoload = true; break;
	case CLI_OPT_NO_PROBE: o->no_probe = true; break;
	case CLI_OPT_STRICT: o->strict = true; break;
	default: return 0;
	}
	return r < 0 ? r : 1;
}

int cli_getopt(int argc, char **argv, const char *optstring, const struct option *longopts,
	       struct cli_host_opts *o)
{
	int c, r;

	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		r = cli_host_option(o, c, optarg);
		if (r == 0)
			return c;
		if (r < 0) {
			o->err = r;
			return CLI_OPT_FAILED;
		}
	}
	return -1;
}

int cli_host_config(const struct cli_host_opts *o, struct config *cfg)
{
	*cfg = (struct config){ 0 };
	cfg->profile = profile_find(o->profile ? o->profile : "coder");
	if (!cfg->profile)
		return cli_usage("unknown profile '%s' (coder, coder-v1, sysbox)", o->profile),
		       -EINVAL;
	cfg->mode = mode_from_string(o->mode ? o->mode : "auto");
	if (cfg->mode == _MODE_MAX)
		return cli_usage("unknown mode '%s' (auto, host, pod)", o->mode), -EINVAL;
	if (o->data_root && o->data_root[0] != '/')
		return cli_usage("--data-root wants an absolute path, not '%s'", o->data_root),
		       -EINVAL;
	cfg->data_root = o->data_root ? o->data_root : DATA_ROOT_DEFAULT;
	cfg->caching = o->caching;
	cfg->shiftfs_autoload = o->shiftfs_autoload;
	cfg->strict = o->strict;
	cfg->live = !o->root && !o->proc;
	cfg->as_root = geteuid() == 0;
	cfg->probes = cfg->live && cfg->as_root && !o->no_probe;
	return 0;
}

int cli_host_select(const struct cli_host_opts *o, enum selection **ret)
{
	return cli_host_select_target(o, CHECK_TARGET_NODE, ret);
}

int cli_host_select_target(const struct cli_host_opts *o, enum check_target t,
			   enum selection **ret)
{
	_cleanup_free_ enum selection *sel = calloc(checks_count() + 1, sizeof(*sel));
	const char *bad = NULL;
	int r;

	if (!sel)
		return cli_oom();
	r = checks_select_target(t, o->skip.v, o->skip.n, o->only.v, o->only.n, sel, &bad);
	if (r == -EINVAL)
		return cli_usage("no check matches '%s' (see 'cvmprep list')", bad), -EINVAL;
	if (r < 0)
		return cli_oom();
	*ret = TAKE_PTR(sel);
	return 0;
}

int cli_host_assume(const struct cli_host_opts *o, struct facts *assume)
{
	for (size_t i = 0; i < o->assume.n; i++) {
		_cleanup_free_ char *key = strdup(o->assume.v[i]);
		_cleanup_free_ char *source = NULL;
		char *eq = key ? strchr(key, '=') : NULL;
		const char *bad;

		if (!key)
			return cli_oom();
		if (!eq || eq == key)
			return cli_usage("--assume wants KEY=VALUE, not '%s'", o->assume.v[i]),
			       -EINVAL;
		*eq = '\0';
		if (!fact_key_known(key))
			return cli_usage("--assume '%s': no probe records such a fact (see "
					 "'cvmprep facts')",
					 key),
			       -EINVAL;
		bad = fact_value_invalid(key, eq + 1);
		if (bad)
			return cli_usage("--assume '%s': '%s' is not one of its values (%s)", key,
					 eq + 1, bad),
			       -EINVAL;
		source = strdup_printf(FACT_SOURCE_ASSUME "%s", key);
		if (!source || facts_set(assume, key, source, eq + 1) < 0)
			return cli_oom();
	}
	return 0;
}

int cli_host_open(const struct cli_host_opts *o, struct host *h)
{
	int r = host_open(h, o->root, o->proc, o->sys);

	if (r < 0)
		return cli_fail(r, "cannot open the host tree '%s'",
				o->root ? o->root : o->proc ? o->proc : o->sys ? o->sys : "/");
	return 0;
}

void cli_host_opts_free(struct cli_host_opts *o)
{
	free(o->skip.v);
	free(o->only.v);
	free(o->assume.v);
	*o = (struct cli_host_opts){ 0 };
}
