/* SPDX-License-Identifier: MIT */
/* Docker's daemon.json: sysbox-runc registered, and (when Sysbox is to be installed) bip and
 * default-address-pools set, so that sysbox-ce's postinst finds nothing to change and neither
 * restarts Docker nor asks for its containers to be removed (design.md "Sysbox's own package
 * scripts"). Merged, never rewritten; an invalid file is refused and left as it is. */
#include <cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>

#include "checks/docker_flags.h"
#include "core/cleanup.h"
#include "core/daemon-json.h"
#include "core/util.h"
#include "daemonjson.h"
#include "steps.h"

#define DOCKERD "/usr/bin/dockerd"

bool docker_installed(const struct host *h)
{
	_cleanup_close_ int fd = host_openat(h, DOCKERD, O_PATH);

	return fd >= 0;
}

/* Reads daemon.json as dockerd does: 0 and *ret (an empty object when the file is absent or
 * empty), or -ECANCELED with the refusal noted (invalid, or a key given twice: which of the two
 * a merge should change is not clear), or -errno. */
static int load(struct prov_ctx *c, cJSON **ret, bool *ret_exists)
{
	struct daemon_json dj = { 0 };
	int r;

	r = daemon_json_read(c->h, &dj);
	*ret_exists = r != -ENOENT;
	if (r == -ENOENT || (r == 0 && dj.state == DAEMON_JSON_EMPTY)) {
		daemon_json_free(&dj);
		*ret = cJSON_CreateObject();
		return *ret ? 0 : -ENOMEM;
	}
	if (r < 0)
		return r == -ENOMEM ? r
				    : prov_fail(c, "cannot read '%s': %s", DAEMON_JSON, strerror(-r));
	if (dj.state == DAEMON_JSON_INVALID)
		r = prov_fail(c, "refused, left as it is: '%s' line %u: %s; fix it by hand",
			      DAEMON_JSON, dj.line, dj.error);
	else if (dj.duplicate)
		r = prov_fail(c, "refused, left as it is: '%s' gives \"%s\" twice; fix it by hand",
			      DAEMON_JSON, dj.duplicate);
	else
		*ret = TAKE_PTR(dj.root);
	daemon_json_free(&dj);
	return r;
}

/* Merges what Sysbox needs into json. Returns 1 when it changed, 0, or -errno (noted). */
static int merge(struct prov_ctx *c, cJSON *json)
{
	int r = dj_set_runtime(json, SYSBOX_RUNC_NAME, SYSBOX_RUNC_PATH), n;

	if (r == -EINVAL)
		return prov_fail(c, "refused, left as it is: '%s': \"runtimes\" or its \"%s\" is not "
				 "an object", DAEMON_JSON, SYSBOX_RUNC_NAME);
	if (r < 0 || !c->o->sysbox_version)
		return r;
	n = dj_set_network(json);
	return n < 0 ? n : r || n;
}

int daemon_json_satisfied(struct prov_ctx *c)
{
	_cleanup_(cJSON_Deletep) cJSON *json = NULL;
	_cleanup_free_ char *saved = NULL;
	bool exists;
	int r;

	if (!docker_installed(c->h))
		return prov_note(c, "Docker is not installed (no %s)", DOCKERD) < 0
			   ? -ENOMEM
			   : PROV_NOT_APPLICABLE;
	r = load(c, &json, &exists);
	/* A file it cannot merge is for apply to refuse, with the message load noted. */
	if (r == -ECANCELED)
		return PROV_TODO;
	if (r < 0)
		return r;
	r = merge(c, json);
	if (r == -ECANCELED)
		return PROV_TODO;
	if (r < 0)
		return r;
	if (!exists || r != 0)
		return PROV_TODO;
	return prov_note(c, "%s holds what Sysbox needs already", DAEMON_JSON) < 0 ? -ENOMEM
										 : PROV_SATISFIED;
}

int proc_signal_named(const struct host *h, DIR *proc, const char *name, int sig)
{
	struct dirent *de;
	int n = 0, r;

	while ((r = host_readdir(proc, &de)) > 0) {
		_cleanup_free_ char *path = NULL, *comm = NULL;
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid > INT_MAX)
			continue;
		path = strdup_printf("/proc/%ld/comm", pid);
		if (!path)
			return -ENOMEM;
		if (host_read_line(h, path, &comm) == 0 && streq(comm, name) &&
		    kill((pid_t)pid, sig) == 0)
			n++;
	}
	return r < 0 ? r : n;
}

/* Tells a running dockerd to reload daemon.json, as sysbox-ce's own postinst does (SIGHUP).
 * Only the host's own /proc can name it. */
static int reload_dockerd(struct prov_ctx *c)
{
	_cleanup_(closedirp) DIR *d = NULL;
	int n;

	if (host_opendir(c->h, "/proc", &d) < 0)
		return 0;
	n = proc_signal_named(c->h, d, "dockerd", SIGHUP);
	if (n == -ENOMEM)
		return n;
	if (n < 0)
		return prov_note(c, "%s merged; /proc could not be listed whole (%s): a dockerd "
			      "not told to reload (SIGHUP) takes it at its next start",
			      DAEMON_JSON, strerror(-n));
	return n ? prov_note(c, "%s merged; dockerd told to reload (SIGHUP)", DAEMON_JSON) : 0;
}

/* dockerd refuses to start when a directive is given both as one of its flags and in
 * daemon.json (checks/docker_flags.h): the merged file must not make it so. Returns 0,
 * -ECANCELED (the step refused, naming both places), or -ENOMEM. */
static int refuse_flag_conflict(struct prov_ctx *c, const cJSON *json, const char *text,
				size_t len)
{
	struct facts f = { 0 };
	const struct fact *x;
	int r = probe_dockerd_flags(c->h, json, text, len, &f);

	x = r < 0 ? NULL : facts_get(&f, "docker.flag-conflict");
	if (x && !x->err && x->value)
		r = prov_fail(c, "refused, left as it is: with what Sysbox needs merged into '%s', "
			      "dockerd would be given %s, and would not start; move the flag into "
			      "'%s' or remove it", DAEMON_JSON, x->value, DAEMON_JSON);
	facts_free(&f);
	return r;
}

int daemon_json_apply(struct prov_ctx *c)
{
	_cleanup_(cJSON_Deletep) cJSON *json = NULL;
	_cleanup_free_ char *text = NULL;
	bool exists;
	size_t len;
	int r;

	free(c->cur->message);
	c->cur->message = NULL;
	r = load(c, &json, &exists);
	if (r < 0)
		return r;
	r = merge(c, json);
	if (r < 0)
		return r;
	r = dj_print(json, &text, &len);
	if (r < 0)
		return r;
	r = refuse_flag_conflict(c, json, text, len);
	if (r < 0)
		return r;
	r = prov_write(c, DAEMON_JSON, text, len, 0644, DAEMON_JSON_BACKUP);
	if (r < 0)
		return prov_fail(c, "cannot write '%s': %s", DAEMON_JSON, strerror(-r));
	r = exists ? prov_note(c, "%s %s (the original kept once as %s%s)", DAEMON_JSON,
			       c->o->dry_run ? "would be merged" : "merged", DAEMON_JSON,
			       DAEMON_JSON_BACKUP)
		   : prov_note(c, "%s %s", DAEMON_JSON,
			       c->o->dry_run ? "would be written" : "written");
	if (r < 0 || c->o->dry_run || !c->h->live)
		return r;
	return reload_dockerd(c);
}
