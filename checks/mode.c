/* SPDX-License-Identifier: MIT */
/*
 * Host or pod: Coder runs CVMs inside a privileged pod with host paths mounted, so a node is
 * judged either from the host or from inside such a pod (design.md: --mode auto|host|pod).
 * The evidence of a container: Docker's /.dockerenv, Podman's /run/.containerenv, the
 * KUBERNETES_SERVICE_HOST variable the kubelet gives every container, a container runtime in
 * PID 1's cgroup path, and a PID 1 that is not an init system.
 */
#include <fcntl.h>

#include "checks.h"
#include "core/strbuf.h"
#include "core/util.h"

/* Words in a cgroup path that name a container runtime or the kubelet's hierarchy
 * ("/kubepods/...", "docker-<id>.scope", "cri-containerd-<id>.scope", "crio-<id>",
 * "libpod-<id>"). */
static const char *const runtime_words[] = { "kubepods", "docker", "containerd", "crio", "libpod" };

/* What PID 1 is called on a host: its init system. In a container PID 1 is the entrypoint or a
 * container init (tini, dumb-init, pause). */
static const char *const host_inits[] = { "systemd", "init", "openrc-init", "runit", "s6-svscan" };

static bool cgroup_names_runtime(const char *path)
{
	for (size_t i = 0; i < ELEMENTSOF(runtime_words); i++)
		if (strstr(path, runtime_words[i]))
			return true;
	return false;
}

/* Records key: "present", or null when path does not exist. */
static int read_marker(const struct host *h, const struct config *cfg _unused_, struct facts *f,
		       const char *key, const char *path)
{
	int fd = host_openat(h, path, O_PATH);

	if (fd >= 0) {
		close(fd);
		return facts_set(f, key, path, "present");
	}
	if (fd == -ENOENT)
		return facts_set(f, key, path, NULL);
	return facts_set_err(f, key, path, -fd);
}

/* The environment is this process's: read only live. */
static int read_env(const struct host *h _unused_, const struct config *cfg, struct facts *f,
		    const char *key, const char *name)
{
	const char *v = getenv(name);

	if (!cfg->live)
		return 0;
	return facts_set(f, key, name, v && *v ? v : NULL);
}

/* Records the cgroup path of PID 1 that names a container runtime; else the cgroup v2 path
 * ("0::/..."); else the first. */
static int read_cgroup(const struct host *h, const struct config *cfg _unused_, struct facts *f,
		       const char *key, const char *path)
{
	_cleanup_free_ char *buf = NULL;
	const char *pick = NULL, *first = NULL;
	char *save = NULL;
	int r;

	r = host_read(h, path, 64 * 1024, &buf, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return facts_set_err(f, key, path, -r);
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* hierarchy-ID:controllers:path (cgroups(7)) */
		char *p = strchr(line, ':');

		p = p ? strchr(p + 1, ':') : NULL;
		if (!p)
			continue;
		if (cgroup_names_runtime(p + 1)) {
			pick = line;
			break;
		}
		if (!first || startswith(line, "0::"))
			first = line;
	}
	return facts_set(f, key, path, pick ? pick : first);
}

static int read_line(const struct host *h, const struct config *cfg _unused_, struct facts *f,
		     const char *key, const char *path)
{
	_cleanup_free_ char *line = NULL;
	int r = host_read_line(h, path, &line);

	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return facts_set_err(f, key, path, -r);
	return facts_set(f, key, path, line);
}

static bool says_present(const char *value)
{
	return value != NULL;
}

static bool says_runtime_cgroup(const char *value)
{
	const char *p = value ? strchr(value, ':') : NULL;

	p = p ? strchr(p + 1, ':') : NULL;
	return p && cgroup_names_runtime(p + 1);
}

static bool says_not_init(const char *value)
{
	if (!value)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(host_inits); i++)
		if (streq(value, host_inits[i]))
			return false;
	return true;
}

static const struct {
	const char *key;
	const char *where; /* a host path, or the variable's name */
	int (*read)(const struct host *h, const struct config *cfg, struct facts *f, const char *key,
		    const char *where);
	bool (*says_pod)(const char *value);
} mode_sources[] = {
	{ "mode.dockerenv", "/.dockerenv", read_marker, says_present },
	{ "mode.containerenv", "/run/.containerenv", read_marker, says_present },
	{ "mode.kubernetes", "KUBERNETES_SERVICE_HOST", read_env, says_present },
	{ "mode.cgroup", "/proc/1/cgroup", read_cgroup, says_runtime_cgroup },
	{ "mode.pid1", "/proc/1/comm", read_line, says_not_init },
};

const char *const mode_evidence_keys[] = {
	"host.mode", "mode.dockerenv", "mode.containerenv", "mode.kubernetes", "mode.cgroup",
	"mode.pid1", NULL,
};
_Static_assert(ELEMENTSOF(mode_evidence_keys) == ELEMENTSOF(mode_sources) + 2, "mode keys");

/* Records each piece of evidence as mode.*, then host.mode: as --mode says, else "pod" when any
 * evidence points at a container, else "host" unless a source that exists could not be read
 * (EACCES, EIO, ENOSYS): then host.mode is that errno, since unread evidence is not evidence of
 * a host.
 * The source of host.mode says why. */
int probe_mode(const struct host *h, const struct config *cfg, struct facts *f)
{
	_cleanup_strbuf_ struct strbuf why = STRBUF_INIT;
	const struct fact *unread = NULL;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(mode_sources); i++) {
		const struct fact *fa;

		r = mode_sources[i].read(h, cfg, f, mode_sources[i].key, mode_sources[i].where);
		if (r < 0)
			return r;
		fa = facts_get(f, mode_sources[i].key);
		/* A file that does not exist (a tree without /proc) is no evidence either way. */
		if (fa && fa->err && fa->err != ENOENT && fa->err != ENOTDIR && !unread)
			unread = fa;
		if (fa && !fa->err && mode_sources[i].says_pod(fa->value))
			strbuf_add_sep(&why, ", ", "%s", mode_sources[i].where);
	}
	if (why.err)
		return why.err;
	if (cfg->mode != MODE_AUTO)
		return facts_set(f, "host.mode", "--mode", mode_to_string(cfg->mode));
	if (!why.len && unread)
		return facts_set_err(f, "host.mode", unread->source, unread->err);
	return facts_set(f, "host.mode", why.len ? why.buf : "no container evidence",
			 why.len ? "pod" : "host");
}

enum mode facts_mode(const struct facts *f)
{
	const struct fact *fa = facts_get(f, "host.mode");
	enum mode m = fa && !fa->err && fa->value ? mode_from_string(fa->value) : _MODE_MAX;

	return m == MODE_HOST || m == MODE_POD ? m : _MODE_MAX;
}

const char *facts_mode_name(const struct facts *f)
{
	enum mode m = facts_mode(f);

	return m == _MODE_MAX ? "unknown" : mode_to_string(m);
}

int result_need_pod(struct result *r, const struct facts *f)
{
	const struct fact *fa;
	int ret = result_need(r, f, "host.mode", &fa);

	if (ret <= 0)
		return ret;
	result_evidence_fact(r, fa);
	switch (facts_mode(f)) {
	case MODE_POD: return 1;
	case MODE_HOST:
		return result_set(r, STATUS_SKIP, "not in a pod (mode host: %s)", fa->source);
	default:
		return result_set(r, STATUS_UNKNOWN, "host.mode is '%s', neither host nor pod",
				  fa->value ? fa->value : "");
	}
}
