/* SPDX-License-Identifier: MIT */
/* runtime.docker: Docker from a package, not a snap, its daemon.json as dockerd reads it, and
 * sysbox-runc registered in it once Sysbox is installed. */
#include <cJSON.h>
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "checks.h"
#include "core/daemon-json.h"
#include "core/dpkg.h"
#include "core/util.h"
#include "docker_flags.h"
#include "runtime.h"
#include "sources.h"

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

/* Sysbox's package decides from daemon.json's text whether it must restart Docker (its debconf
 * config script, docker_network_valid_config: egrep for a line '^[ ]+"bip": "[0-9.]+.*"' and
 * one '^[ ]+"default-address-pools"'); when it must and containers exist, its install stops
 * and asks for them to be removed. Whether the line starting at s matches the first or the
 * second. */
static bool sysbox_bip_line(const char *s, const char *e)
{
	static const char lead[] = "\"bip\": \"";
	const char *p = s;

	while (p < e && *p == ' ')
		p++;
	if (p == s || (size_t)(e - p) < sizeof(lead) - 1 || memcmp(p, lead, sizeof(lead) - 1) != 0)
		return false;
	p += sizeof(lead) - 1;
	if (p >= e || !(isdigit((unsigned char)*p) || *p == '.'))
		return false;
	return memchr(p + 1, '"', (size_t)(e - p - 1)) != NULL;
}

static bool sysbox_pools_line(const char *s, const char *e)
{
	static const char lead[] = "\"default-address-pools\"";
	const char *p = s;

	while (p < e && *p == ' ')
		p++;
	return p > s && (size_t)(e - p) >= sizeof(lead) - 1 &&
	       memcmp(p, lead, sizeof(lead) - 1) == 0;
}

/* docker.daemon-json.sysbox-network: with "bip" and "default-address-pools" both set (what
 * Sysbox's package and cvmprep provision set), "matches" when the package's patterns find
 * them, else "misses " and the ones they miss; null when they are not both set (provisioning
 * then writes them in the form the patterns find). */
static int probe_sysbox_network(const cJSON *root, const char *buf, size_t len, struct facts *f)
{
	const cJSON *bip = cJSON_GetObjectItemCaseSensitive(root, "bip");
	const cJSON *pools = cJSON_GetObjectItemCaseSensitive(root, "default-address-pools");
	bool have_bip = false, have_pools = false;
	const char *value;

	if (!cJSON_IsString(bip) || !bip->valuestring[0] || !cJSON_IsArray(pools) || !pools->child)
		return facts_set(f, "docker.daemon-json.sysbox-network", DAEMON_JSON, NULL);
	for (const char *p = buf, *end = buf + len; p < end;) {
		const char *e = memchr(p, '\n', (size_t)(end - p));

		if (!e)
			e = end;
		have_bip = have_bip || sysbox_bip_line(p, e);
		have_pools = have_pools || sysbox_pools_line(p, e);
		p = e + 1;
	}
	value = have_bip && have_pools ? "matches"
		: have_bip		? "misses default-address-pools"
		: have_pools		? "misses bip"
					: "misses bip, default-address-pools";
	return facts_set(f, "docker.daemon-json.sysbox-network", DAEMON_JSON, value);
}

/*
 * docker.daemon-json: JSON_FACT_VALID, JSON_FACT_EMPTY (white space or null: dockerd's
 * defaults), or "invalid ..." saying what and where, all as dockerd reads it; null when there
 * is no daemon.json; the errno when it cannot be read. When it is an object, also
 * docker.runtime.sysbox-runc: the path dockerd registers for sysbox-runc, null when none;
 * docker.daemon-json.duplicate: the first key given twice, null when none; and
 * docker.daemon-json.sysbox-network. Then docker.flags, and docker.flag-conflict against the
 * object (checks/docker_units.c).
 */
static int probe_daemon_json(const struct host *h, struct facts *f)
{
	_cleanup_free_ char *why = NULL, *buf = NULL;
	struct daemon_json dj = { 0 };
	const char *path = NULL, *bad = NULL;
	bool object = false;
	size_t len = 0;
	int r;

	r = host_read(h, DAEMON_JSON, DAEMON_JSON_MAX, &buf, &len);
	if (r == -ENOMEM)
		return r;
	if (r == -ENOENT)
		r = facts_set(f, "docker.daemon-json", DAEMON_JSON, NULL);
	else if (r < 0)
		r = facts_set_err(f, "docker.daemon-json", DAEMON_JSON, -r);
	else if ((r = daemon_json_parse(buf, len, &dj)) < 0)
		return r;
	else if (dj.state == DAEMON_JSON_INVALID) {
		why = streq(dj.error, "not a JSON object")
			  ? strdup("invalid: not a JSON object")
			  : strdup_printf("invalid JSON: %s at line %u", dj.error, dj.line);
		r = why ? facts_set(f, "docker.daemon-json", DAEMON_JSON, why) : -ENOMEM;
	} else if (dj.state == DAEMON_JSON_EMPTY) {
		r = facts_set(f, "docker.daemon-json", DAEMON_JSON, JSON_FACT_EMPTY);
	} else if (daemon_json_runtime(dj.root, "sysbox-runc", &path, &bad) == -EINVAL) {
		why = strdup_printf("invalid: %s", bad);
		r = why ? facts_set(f, "docker.daemon-json", DAEMON_JSON, why) : -ENOMEM;
	} else {
		object = true;
		r = facts_set(f, "docker.daemon-json", DAEMON_JSON, JSON_FACT_VALID);
		if (r >= 0)
			r = facts_set(f, "docker.runtime.sysbox-runc", DAEMON_JSON, path);
		if (r >= 0)
			r = facts_set(f, "docker.daemon-json.duplicate", DAEMON_JSON, dj.duplicate);
		if (r >= 0)
			r = probe_sysbox_network(dj.root, buf, len, f);
	}
	if (r >= 0)
		r = probe_dockerd_flags(h, object ? dj.root : NULL, buf, len, f);
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

/* docker.service with more ExecStart= lines than its type allows: systemd does not start it.
 * Returns 1 when it set the result, 0, or -ENOMEM. */
static int rule_refused(struct result *r, const struct facts *f)
{
	const struct fact *u = facts_get(f, "docker.unit-refused");

	if (!u || u->err || !u->value)
		return 0;
	result_evidence_fact(r, u);
	result_observed(r, "%s", u->value);
	result_remediation(r, "begin the drop-in's ExecStart= lines with an empty ExecStart=, "
			      "which resets the unit's own (systemctl edit docker), then "
			      "systemctl daemon-reload and systemctl restart docker");
	if (result_set(r, STATUS_FAIL, "systemd refuses to start docker.service: %s (only a "
			  "Type=oneshot service may have more than one)", u->value) < 0)
		return -ENOMEM;
	return 1;
}

/* A directive given both as a dockerd flag and in daemon.json: FAIL. Returns 1 when it set the
 * result, 0, or -ENOMEM. */
static int rule_conflict(struct result *r, const struct facts *f, bool settings)
{
	const struct fact *c = settings ? facts_get(f, "docker.flag-conflict") : NULL;

	if (!c || c->err || !c->value)
		return 0;
	result_evidence_fact(r, facts_get(f, "docker.flags"));
	result_evidence_fact(r, c);
	result_observed(r, "given both as a flag and in %s: %s", DAEMON_JSON, c->value);
	result_remediation(r, "give each directive once: drop the flag (systemctl edit docker; an "
			      "empty ExecStart= line before the new one resets it) or the key in "
			      "%s, then systemctl daemon-reload and systemctl restart docker",
			   DAEMON_JSON);
	if (result_set(r, STATUS_FAIL, "dockerd refuses to start, a directive is given both as a "
			  "flag and in %s: %s", DAEMON_JSON, c->value) < 0)
		return -ENOMEM;
	return 1;
}

/*
 * What keeps a Docker that would pass from passing: its flags could not be read (UNKNOWN: a
 * clash with daemon.json cannot be ruled out), or "bip" and "default-address-pools" are set in a
 * form Sysbox's package does not find (WARN). Returns 1 when it set the result, 0, or -ENOMEM.
 */
static int rule_caveat(struct result *r, const struct facts *f, bool settings)
{
	const struct fact *flags = facts_get(f, "docker.flags");
	const struct fact *net = settings ? facts_get(f, "docker.daemon-json.sysbox-network") : NULL;
	int ret;

	if (!flags || flags->err) {
		ret = result_need(r, f, "docker.flags", &flags);
		return ret < 0 ? ret : 1;
	}
	result_evidence_fact(r, flags);
	if (!net || net->err || !net->value || !startswith(net->value, "misses"))
		return 0;
	result_evidence_fact(r, net);
	result_remediation(r, "write \"bip\" and \"default-address-pools\" each on a line of its "
			      "own, indented with spaces, as \"bip\": \"172.20.0.1/16\" (or let "
			      "cvmprep provision merge %s)",
			   DAEMON_JSON);
	if (result_set(r, STATUS_WARN, "%s sets \"bip\" and \"default-address-pools\" in a form "
			  "the Sysbox package's install script does not recognize (it %s): the "
			  "install then restarts Docker, and stops and asks to remove every "
			  "container when there are any", DAEMON_JSON, net->value) < 0)
		return -ENOMEM;
	return 1;
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
	ret = rule_refused(r, f);
	if (ret == 0)
		ret = rule_conflict(r, f, settings);
	if (ret != 0)
		return ret < 0 ? ret : 0;
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
		if ((ret = rule_caveat(r, f, settings)) != 0)
			return ret < 0 ? ret : 0;
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
	if (ret == 0 && (ret = rule_caveat(r, f, settings)) != 0)
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
			    "runtimes[\"sysbox-runc\"].path; the dockerd flags of docker.service "
			    "(the first of /etc/systemd/system, /run/systemd/system, "
			    "/usr/lib/systemd/system, /lib/systemd/system), its docker.service.d/*.conf "
			    "drop-ins there and the variables its ExecStart= expands (Environment=, "
			    "EnvironmentFile= such as /etc/default/docker), or without a unit "
			    "DOCKER_OPTS in /etc/default/docker; the dpkg status of sysbox-ce and "
			    "sysbox-ee",
		.rule_text = "snap Docker fails; no dockerd is skipped; a daemon.json that dockerd "
			     "refuses fails (it is never rewritten): read as dockerd reads it, so an "
			     "empty one is its defaults, a key given twice takes the last value, "
			     "nesting up to 10000 levels is allowed, and invalid UTF-8 or text after "
			     "the object fails; docker.service left with more than one ExecStart= "
			     "(a drop-in that adds one without an empty ExecStart= first) fails, as "
			     "systemd refuses it; a directive given both as a dockerd flag (after "
			     "systemd's rules: drop-ins in file-name order, an empty ExecStart= "
			     "resets it) and in daemon.json fails, naming both places; sysbox-runc "
			     "registered passes; not registered passes before Sysbox is installed "
			     "(provisioning registers it) and fails once sysbox-ce or sysbox-ee is "
			     "installed; a unit or drop-in that cannot be read is unknown; \"bip\" "
			     "and \"default-address-pools\" set in a form the Sysbox package's "
			     "pattern misses (not each on a line of its own indented with spaces, "
			     "as \"bip\": \"172.20.0.1/16\") warn",
		.why = "Sysbox does not work with the snap package of Docker; dockerd does not "
		       "start with an invalid daemon.json, nor with a directive given both as a "
		       "flag and in it; containers run with --runtime=sysbox-runc only when "
		       "Docker knows that runtime; when the Sysbox package does not recognize "
		       "Docker's network settings it restarts Docker, and refuses to install "
		       "while containers exist",
		.fix = "install docker-ce from Docker's apt repository (snap remove docker); fix "
		       "daemon.json by hand; give each directive once, as a flag or in "
		       "daemon.json; write bip and default-address-pools as the Sysbox package "
		       "reads them; register sysbox-runc (the Sysbox package does it, so "
		       "does cvmprep provision)",
		.source = "sysbox docs/user-guide/install-package.md, "
			  "docs/user-guide/troubleshoot.md; moby daemon/config/config.go "
			  "(findConfigurationConflicts, " MOBY_CONFIG_CONFLICTS "), moby #22339, "
			  "#41725; sysbox-pkgr "
			  "deb/sysbox-ce/sysbox-ce.config (docker_network_valid_config): "
			  SYSBOX_PKGR_CONFIG,
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/"
			"install-package.md",
	},
	CHECKS_END,
};
