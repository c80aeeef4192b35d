/* SPDX-License-Identifier: MIT */
/* dockerd's flags as its flag parser reads them, and the daemon.json directives they set: see
 * docker_flags.h (the units they come from: checks/docker_units.c). */
#include "docker_flags.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "core/util.h"

/* dockerd's one-letter flags (moby daemon/command: options.go, config.go, config_unix.go). */
static const struct {
	char c;
	const char *name;
} shorthands[] = {
    {'D', "debug"}, {'H', "host"},	     {'l', "log-level"}, {'p', "pidfile"},
    {'G', "group"}, {'s', "storage-driver"}, {'b', "bridge"},	 {'r', "restart"},
    {'g', "graph"}, {'v', "version"},	     {'h', "help"},
};

/* Its boolean flags: they take no next word ("--debug --bip x" sets debug, then bip). */
static const char *const bool_flags[] = {
    "allow-direct-routing",
    "cri-containerd",
    "debug",
    "experimental",
    "help",
    "icc",
    "init",
    "ip-forward",
    "ip-forward-no-drop",
    "ip-masq",
    "ip6tables",
    "iptables",
    "ipv6",
    "live-restore",
    "no-new-privileges",
    "raw-logs",
    "restart",
    "rootless",
    "selinux-enabled",
    "tls",
    "tlsverify",
    "userland-proxy",
    "validate",
    "version",
    "disable-legacy-registry", /* before Docker 19.03 */
};

/* Flags whose directive has another name (their values are moby's NamedOption: the
 * directive is its Name()); every other flag's directive is its own name. */
static const struct {
	const char *flag, *directive, *legacy;
} named[] = {
    {"add-runtime", NULL, NULL}, /* skipDuplicates: "runtimes" are merged */
    {"authorization-plugin", "authorization-plugins", NULL},
    {"cdi-spec-dir", "cdi-spec-dirs", NULL},
    {"cluster-store-opt", "cluster-store-opts", NULL},
    {"default-address-pool", "default-address-pools", NULL},
    {"default-network-opt", "default-network-opts", NULL},
    {"default-ulimit", "default-ulimits", NULL},
    {"dns-opt", "dns-opts", NULL},
    {"exec-opt", "exec-opts", NULL},
    {"feature", "features", NULL},
    {"host", "hosts", NULL},
    {"host-gateway-ip", "host-gateway-ips", "host-gateway-ip"}, /* migratedNamedConfig */
    {"insecure-registry", "insecure-registries", NULL},
    {"label", "labels", NULL},
    {"log-opt", "log-opts", NULL},
    {"node-generic-resource", "node-generic-resources", NULL},
    {"registry-mirror", "registry-mirrors", NULL},
    {"storage-opt", "storage-opts", NULL},
};

/* Objects dockerd reads as one directive (flatOptions); the members of any other object are
 * directives of their own (configValuesSet). */
static const char *const flat_directives[] = {
    "builder",	       "cluster-store-opts", "default-network-opts",
    "default-ulimits", "features",	     "log-opts",
    "nri-opts",	       "runtimes",
};

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (streq(list[i], s))
			return true;
	return false;
}

bool dockerd_flat_directive(const char *key)
{
	return in_list(flat_directives, ELEMENTSOF(flat_directives), key);
}

const char *dockerd_flag_directive(const char *name, const char **ret_legacy)
{
	if (ret_legacy)
		*ret_legacy = NULL;
	for (size_t i = 0; i < ELEMENTSOF(named); i++)
		if (streq(named[i].flag, name)) {
			if (ret_legacy)
				*ret_legacy = named[i].legacy;
			return named[i].directive;
		}
	return name;
}

static const char *shorthand(char c)
{
	for (size_t i = 0; i < ELEMENTSOF(shorthands); i++)
		if (shorthands[i].c == c)
			return shorthands[i].name;
	return NULL;
}

static bool is_bool(const char *name)
{
	return in_list(bool_flags, ELEMENTSOF(bool_flags), name);
}

int dockerd_flags_scan(const char *const *argv, size_t n, dockerd_flag_cb cb, void *userdata)
{
	for (size_t i = 0; i < n; i++) {
		const char *a = argv[i], *eq, *name;
		_cleanup_free_ char *text = NULL, *long_name = NULL;
		bool takes_next;
		int r;

		if (streq(a, "--"))
			break;
		if (a[0] != '-' || !a[1])
			continue; /* not a flag: dockerd takes no arguments */
		if (a[1] == '-') {
			eq = strchr(a + 2, '=');
			long_name = eq ? strndup(a + 2, (size_t)(eq - a - 2)) : strdup(a + 2);
			if (!long_name)
				return -ENOMEM;
			name = long_name;
			takes_next = !eq && !is_bool(name);
		} else {
			/* "-X", "-Xvalue", "-X=value"; booleans may be grouped ("-Dl debug"): the
			 * letters are read up to the first that takes a value. */
			const char *p = a + 1;

			for (;;) {
				name = shorthand(*p);
				if (!name)
					break;
				if (!is_bool(name) || !p[1] || p[1] == '=')
					break;
				r = cb(name, a, i, userdata);
				if (r < 0)
					return r;
				p++;
			}
			if (!name)
				continue; /* unknown to us: pflag refuses it, dockerd does not start
					   */
			takes_next = !is_bool(name) && !p[1];
		}
		text = takes_next && i + 1 < n ? strdup_printf("%s %s", a, argv[i + 1]) : strdup(a);
		if (!text)
			return -ENOMEM;
		r = cb(name, text, i, userdata);
		if (r < 0)
			return r;
		if (takes_next)
			i++;
	}
	return 0;
}

/* --- daemon.json: where a member is written --------------------------------------------- */

unsigned daemon_json_key_line(const char *buf, size_t len, const char *key)
{
	size_t klen = strlen(key);
	unsigned line = 1, depth = 0, found_deep = 0;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\n')
			line++;
		else if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && depth)
			depth--;
		else if (c == '"') {
			size_t s = ++i, j;

			while (i < len && buf[i] != '"') {
				if (buf[i] == '\\')
					i++;
				else if (buf[i] == '\n')
					line++;
				i++;
			}
			if (i >= len)
				break;
			/* a member name: followed by a colon */
			for (j = i + 1; j < len && strchr(" \t\r\n", buf[j]); j++)
				;
			if (j >= len || buf[j] != ':' || depth < 1 || depth > 2 || i - s != klen ||
			    memcmp(buf + s, key, klen) != 0)
				continue;
			if (depth == 1)
				return line;
			if (!found_deep)
				found_deep = line;
		}
	}
	return found_deep;
}
