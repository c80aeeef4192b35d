/* SPDX-License-Identifier: MIT */
/* runtime.docker: Docker from a package, not a snap, its daemon.json as dockerd reads it, and
 * sysbox-runc registered in it once Sysbox is installed. */
#include <fcntl.h>
#include <sys/stat.h>

#include "checks.h"
#include "core/daemon-json.h"
#include "core/dpkg.h"
#include "core/util.h"
#include "runtime.h"

#define JSON_FACT_VALID "valid JSON object"
#define JSON_FACT_EMPTY "empty"

/* docker.snap: /snap/bin/dockerd or /snap/docker when either exists, else null. */
static int probe_docker_snap(const struct host *h, struct facts *f)
{
	static const char *const snap_paths[] = { "/snap/bin/dockerd", "/snap/docker" };

	for (size_t i = 0; i < ELEMENTSOF(snap_paths); i++) {
		struct stat st;
		int r = host_stat(h, snap_paths[i], O_NOFOLLOW, &st);

		if (r == 0)
			return facts_set(f, "docker.snap", snap_paths[i], snap_paths[i]);
		if (!is_absent(r))
			return facts_set_err(f, "docker.snap", snap_paths[i], -r);
	}
	return facts_set(f, "docker.snap", "/snap", NULL);
}

/*
 * docker.daemon-json: JSON_FACT_VALID, JSON_FACT_EMPTY (white space or null: dockerd's
 * defaults), or "invalid ..." saying what and where, all as dockerd reads it; null when there
 * is no daemon.json; the errno when it cannot be read. When it is an object, also
 * docker.runtime.sysbox-runc: the path dockerd registers for sysbox-runc, null when none; and
 * docker.daemon-json.duplicate: the first key given twice, null when none.
 */
static int probe_daemon_json(const struct host *h, struct facts *f)
{
	_cleanup_free_ char *why = NULL;
	struct daemon_json dj;
	const char *path = NULL, *bad = NULL;
	int r;

	r = daemon_json_read(h, &dj);
	if (r == -ENOMEM)
		return r;
	if (r == -ENOENT)
		return facts_set(f, "docker.daemon-json", DAEMON_JSON, NULL);
	if (r < 0)
		return facts_set_err(f, "docker.daemon-json", DAEMON_JSON, -r);
	if (dj.state == DAEMON_JSON_INVALID) {
		why = streq(dj.error, "not a JSON object")
			  ? strdup("invalid: not a JSON object")
			  : strdup_printf("invalid JSON: %s at line %u", dj.error, dj.line);
		r = why ? facts_set(f, "docker.daemon-json", DAEMON_JSON, why) : -ENOMEM;
		goto out;
	}
	if (dj.state == DAEMON_JSON_EMPTY) {
		r = facts_set(f, "docker.daemon-json", DAEMON_JSON, JSON_FACT_EMPTY);
		goto out;
	}
	r = daemon_json_runtime(dj.root, "sysbox-runc", &path, &bad);
	if (r == -EINVAL) {
		why = strdup_printf("invalid: %s", bad);
		r = why ? facts_set(f, "docker.daemon-json", DAEMON_JSON, why) : -ENOMEM;
		goto out;
	}
	r = facts_set(f, "docker.daemon-json", DAEMON_JSON, JSON_FACT_VALID);
	if (r >= 0)
		r = facts_set(f, "docker.runtime.sysbox-runc", DAEMON_JSON, path);
	if (r >= 0)
		r = facts_set(f, "docker.daemon-json.duplicate", DAEMON_JSON, dj.duplicate);
out:
	daemon_json_free(&dj);
	return r;
}

static int probe_docker(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	int r;

	if ((r = probe_docker_snap(h, f)) < 0 ||
	    (r = probe_program(h, f, "docker.dockerd", "dockerd")) < 0)
		return r;
	return probe_daemon_json(h, f);
}

static int rule_docker(const struct check *c _unused_, const struct facts *f,
		       const struct config *cfg _unused_, struct result *r)
{
	const struct fact *snap, *dockerd, *json, *runtime, *dup, *status, *version;
	_cleanup_free_ char *dup_note = NULL;
	struct dpkg_status st;
	bool settings;
	size_t i;
	int ret;

	result_expected(r, "Docker from a package (not a snap), a valid %s registering "
			"sysbox-runc once Sysbox is installed", DAEMON_JSON);
	ret = result_need(r, f, "docker.snap", &snap);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, snap);
	if (snap->value) {
		result_observed(r, "snap Docker (%s)", snap->value);
		result_remediation(r,
				   "snap remove docker, then install docker-ce from Docker's "
				   "apt repository");
		return result_set(r, STATUS_FAIL, "Docker is installed as a snap (%s): Sysbox does "
				  "not work with the snap package of Docker", snap->value);
	}
	ret = result_need(r, f, "docker.dockerd", &dockerd);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, dockerd);
	if (!dockerd->value) {
		result_observed(r, "no dockerd");
		return result_set(r, STATUS_SKIP, "Docker is not installed (no dockerd in %s)",
				  BIN_PATH);
	}
	ret = result_need(r, f, "docker.daemon-json", &json);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, json);
	settings = json->value && streq(json->value, JSON_FACT_VALID);
	if (json->value && !settings && !streq(json->value, JSON_FACT_EMPTY)) {
		result_observed(r, "%s", json->value);
		result_remediation(r, "fix %s by hand (cvmprep never rewrites a file it cannot "
				      "parse); python3 -m json.tool %s shows the error",
				   DAEMON_JSON, DAEMON_JSON);
		return result_set(r, STATUS_FAIL, "%s is %s: dockerd refuses to start with it",
				  DAEMON_JSON, json->value);
	}
	runtime = settings ? facts_get(f, "docker.runtime.sysbox-runc") : NULL;
	dup = settings ? facts_get(f, "docker.daemon-json.duplicate") : NULL;
	if (dup && (dup->err || !dup->value))
		dup = NULL;
	result_evidence_fact(r, runtime);
	result_evidence_fact(r, dup);
	if (dup && !(dup_note = strdup_printf("; %s gives \"%s\" twice, judged as dockerd "
					      "reads it (the last value wins, repeated \"runtimes\" "
					      "add up)", DAEMON_JSON, dup->value)))
		return -ENOMEM;
	if (runtime && runtime->value) {
		result_observed(r, "sysbox-runc registered: %s", runtime->value);
		return result_set(r, STATUS_PASS, "Docker (%s) has sysbox-runc registered at %s%s",
				  dockerd->value, runtime->value, dup_note ? dup_note : "");
	}
	result_observed(r, "sysbox-runc not registered%s",
			!json->value ? " (no daemon.json)"
			: settings	 ? ""
				     : " (daemon.json is empty: dockerd starts with its defaults)");
	/* Registered by the Sysbox package's postinst: missing once Sysbox is installed is a
	 * broken install; before, it is what provisioning does. */
	ret = sysbox_package(r, f, &i, &st, &status, &version);
	if (ret < 0 || ret == PKG_UNKNOWN)
		return ret < 0 ? ret : 0;
	if (ret == 0)
		return result_set(
		    r, STATUS_PASS,
		    "Docker (%s) is installed; sysbox-runc is not "
		    "registered yet (Sysbox is not installed; provisioning registers it)",
		    dockerd->value);
	result_remediation(r, "add \"runtimes\": {\"sysbox-runc\": {\"path\": "
			      "\"/usr/bin/sysbox-runc\"}} to %s and restart docker "
			      "(or reinstall %s, whose postinst does it)",
			   DAEMON_JSON, sysbox_packages[i]);
	return result_set(r, STATUS_FAIL, "%s is installed but sysbox-runc is not registered in "
			  "%s: docker run --runtime=sysbox-runc fails%s", sysbox_packages[i],
			  DAEMON_JSON, dup_note ? dup_note : "");
}

const struct check checks_docker[] = {
	{
		.id = "runtime.docker",
		.title = "Docker and sysbox-runc",
		.probes = { probe_docker, probe_dpkg },
		.rule = rule_docker,
		.evidence = "/snap/bin/dockerd or /snap/docker (snap Docker); dockerd in " BIN_PATH
			    "; /etc/docker/daemon.json parsed with cJSON, and its "
			    "runtimes[\"sysbox-runc\"].path; the dpkg status of sysbox-ce and "
			    "sysbox-ee",
		.rule_text = "snap Docker fails; no dockerd is skipped; a daemon.json that dockerd "
			     "refuses fails (it is never rewritten): read as dockerd reads it, so an "
			     "empty one is its defaults, a key given twice takes the last value, "
			     "nesting up to 10000 levels is allowed, and invalid UTF-8 or text after "
			     "the object fails; sysbox-runc registered "
			     "passes; not registered passes before Sysbox is installed "
			     "(provisioning registers it) and fails once sysbox-ce or sysbox-ee is "
			     "installed",
		.why = "Sysbox does not work with the snap package of Docker; dockerd does not "
		       "start with an invalid daemon.json; containers run with "
		       "--runtime=sysbox-runc only when Docker knows that runtime",
		.fix = "install docker-ce from Docker's apt repository (snap remove docker); fix "
		       "daemon.json by hand; register sysbox-runc (the Sysbox package does it, so "
		       "does cvmprep provision)",
		.source = "sysbox docs/user-guide/install-package.md, "
			  "docs/user-guide/troubleshoot.md",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/"
			"install-package.md",
	},
	CHECKS_END,
};
