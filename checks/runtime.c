/* SPDX-License-Identifier: MIT */
/* runtime.*: what is installed and configured for Sysbox: containerd.io at Coder's pin, Docker
 * and its daemon.json, the Sysbox package and daemons, the programs sysbox-mgr runs, and the
 * subordinate id ranges of the sysbox user. */
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include "checks.h"
#include "core/apt.h"
#include "core/daemon-json.h"
#include "core/dpkg.h"
#include "core/path.h"
#include "core/util.h"
#include "runtime.h"

#define JSON_FACT_VALID "valid JSON object"
#define JSON_FACT_EMPTY "empty"

#define SYSMGR_SOCK "/run/sysbox/sysmgr.sock"
#define SUBUID "/etc/subuid"
#define SUBGID "/etc/subgid"

#define CONTAINERD "containerd.io"

/* The packages whose dpkg status is recorded, as dpkg.<name>.status and dpkg.<name>.version. */
static const char *const dpkg_packages[] = { CONTAINERD, "sysbox-ce", "sysbox-ee" };
/* The Sysbox packages (sysbox-pkgr deb/): Community and Enterprise editions. */
static const char *const sysbox_packages[] = { "sysbox-ce", "sysbox-ee" };

/* sysbox-mgr and dockerd run as systemd services. */
#define BIN_PATH PATH_SYSTEMD

/* The key of a dpkg fact of a package, in buf. */
static const char *dpkg_key(char *buf, size_t size, const char *pkg, const char *field)
{
	snprintf(buf, size, "dpkg.%s.%s", pkg, field);
	return buf;
}

/*
 * dpkg.database: the number of paragraphs in the status file; null when there is no
 * /var/lib/dpkg (not a dpkg system); the errno when it cannot be read or is corrupt (EBADMSG,
 * with the line in the source). Then dpkg.<pkg>.status and .version for dpkg_packages (null:
 * no paragraph), and dpkg.updates: the journal files an interrupted dpkg run left (null: none).
 */
static int probe_dpkg(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	struct dpkg_db db;
	unsigned updates;
	char key[128];
	int r;

	r = dpkg_db_read(h, &db);
	if (r == 0) {
		r = facts_set(f, "dpkg.database", DPKG_ADMINDIR, NULL);
		goto out;
	}
	if (r == -ENOMEM)
		goto out;
	if (r == -EBADMSG) {
		_cleanup_free_ char *where = strdup_printf("%s:%u", DPKG_STATUS, db.line);

		r = where ? facts_set_err(f, "dpkg.database", where, EBADMSG) : -ENOMEM;
		goto out;
	}
	if (r < 0) {
		r = facts_set_err(f, "dpkg.database", db.failed, -r);
		goto out;
	}
	snprintf(key, sizeof(key), "%d packages", db.n_packages);
	r = facts_set(f, "dpkg.database", DPKG_STATUS, key);
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(dpkg_packages); i++) {
		struct dpkg_package pkg;
		char vkey[128];

		r = dpkg_db_find(&db, dpkg_packages[i], &pkg);
		if (r < 0)
			break;
		r = facts_set(f, dpkg_key(key, sizeof(key), dpkg_packages[i], "status"),
			      DPKG_STATUS, pkg.status);
		if (r >= 0)
			r = facts_set(f, dpkg_key(vkey, sizeof(vkey), dpkg_packages[i], "version"),
				      DPKG_STATUS, pkg.version);
		dpkg_package_free(&pkg);
	}
	if (r < 0)
		goto out;
	r = dpkg_updates_pending(h, &updates);
	if (r == -ENOMEM)
		goto out;
	if (r < 0) {
		r = facts_set_err(f, "dpkg.updates", DPKG_UPDATES, -r);
		goto out;
	}
	snprintf(key, sizeof(key), "%u journal file%s", updates, updates == 1 ? "" : "s");
	r = facts_set(f, "dpkg.updates", DPKG_UPDATES, updates ? key : NULL);
out:
	dpkg_db_free(&db);
	return r < 0 ? r : 0;
}

/*
 * apt.pin.containerd.io: the version pattern of the strongest version pin for containerd.io
 * (source: its file), with apt.pin.containerd.io.priority; null when there is none; the errno
 * when a preference file cannot be read or is malformed (apt refuses those too).
 */
static int probe_apt_pin(const struct host *h, const struct config *cfg _unused_,
			 struct facts *f)
{
	static const char *key = "apt.pin." CONTAINERD;
	struct apt_pin_lookup l;
	char prio[32];
	int r;

	r = apt_pin_strongest(h, CONTAINERD, &l);
	if (r == -ENOMEM)
		goto out;
	if (r < 0) {
		r = facts_set_err(f, key, l.source, -r);
		goto out;
	}
	if (r == 0) {
		r = facts_set(f, key, APT_PREFERENCES_D, NULL);
		goto out;
	}
	snprintf(prio, sizeof(prio), "%ld", l.pin.priority);
	r = facts_set(f, key, l.source, l.pin.version);
	if (r >= 0)
		r = facts_set(f, "apt.pin." CONTAINERD ".priority", l.source, prio);
out:
	apt_pin_lookup_free(&l);
	return r < 0 ? r : 0;
}

static bool is_absent(int r)
{
	return r == -ENOENT || r == -ENOTDIR;
}

/* Appends word to the space-separated list in buf (truncating at size). */
static void list_add(char *buf, size_t size, const char *word)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s%s", n ? " " : "", word);
}

/* Records key: the path of program name, null when not found, or the errno. */
static int probe_program(const struct host *h, struct facts *f, const char *key, const char *name)
{
	_cleanup_free_ char *path = NULL;
	int r = path_find_program(h, BIN_PATH, name, &path);

	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return facts_set_err(f, key, BIN_PATH, -r);
	return facts_set(f, key, r ? path : BIN_PATH, path);
}

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

/* The systemd units the Sysbox package installs (sysbox-pkgr deb/common/), and where. */
static const char *const sysbox_units[] = { "sysbox.service", "sysbox-mgr.service",
					    "sysbox-fs.service" };
static const char *const unit_dirs[] = { "/etc/systemd/system", "/lib/systemd/system",
					 "/usr/lib/systemd/system" };

/* sysbox.unit.<unit>: where it is, or null; sysbox.sysmgr-sock: "socket", "not a socket", or
 * null when absent. */
static int probe_sysbox(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	struct stat st;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(sysbox_units); i++) {
		_cleanup_free_ char *key = strdup_printf("sysbox.unit.%s", sysbox_units[i]);

		if (!key)
			return -ENOMEM;
		r = facts_set(f, key, "/lib/systemd/system", NULL);
		for (size_t j = 0; r >= 0 && j < ELEMENTSOF(unit_dirs); j++) {
			_cleanup_free_ char *path = strdup_printf("%s/%s", unit_dirs[j],
								  sysbox_units[i]);

			if (!path)
				return -ENOMEM;
			/* Followed: a masked unit is a symlink to /dev/null, not a unit file. */
			r = host_stat(h, path, 0, &st);
			if (r < 0 && !is_absent(r)) {
				r = facts_set_err(f, key, path, -r);
				break;
			}
			if (r == 0 && S_ISREG(st.st_mode)) {
				r = facts_set(f, key, path, path);
				break;
			}
			r = 0;
		}
		if (r < 0)
			return r;
	}
	r = host_stat(h, SYSMGR_SOCK, O_NOFOLLOW, &st);
	if (is_absent(r))
		return facts_set(f, "sysbox.sysmgr-sock", SYSMGR_SOCK, NULL);
	if (r < 0)
		return facts_set_err(f, "sysbox.sysmgr-sock", SYSMGR_SOCK, -r);
	return facts_set(f, "sysbox.sysmgr-sock", SYSMGR_SOCK,
			 S_ISSOCK(st.st_mode) ? "socket" : "not a socket");
}

/* The programs sysbox-mgr needs (sysbox-mgr utils.go progDeps) and the package with each. */
static const struct {
	const char *name;
	const char *package;
} tools[] = {
	{ "rsync", "rsync" },
	{ "modprobe", "kmod" },
	{ "iptables", "iptables" },
};

/* tools.bindirs: which directories of BIN_PATH exist (null: none); tools.<name>: as probe_program. */
static int probe_tools(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	_cleanup_free_ char *dirs = NULL;
	int r;

	r = path_dirs_present(h, BIN_PATH, &dirs);
	if (r >= 0)
		r = facts_set(f, "tools.bindirs", BIN_PATH, dirs);
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(tools); i++) {
		_cleanup_free_ char *key = strdup_printf("tools.%s", tools[i].name);

		r = key ? probe_program(h, f, key, tools[i].name) : -ENOMEM;
	}
	return r;
}

/* The sysbox entries ("sysbox:START:COUNT") of a subid file (subuid(5)), space-separated, or
 * NULL when there are none. Returns 0 or -ENOMEM. */
static int subid_sysbox(const char *buf, size_t len, char **ret)
{
	_cleanup_free_ char *out = NULL;
	const char *p = buf, *end = buf + len;
	size_t n = 0;

	out = malloc(len + 1);
	if (!out)
		return -ENOMEM;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *s = p, *e;

		if (!eol)
			eol = end;
		p = eol < end ? eol + 1 : end;
		while (s < eol && (*s == ' ' || *s == '\t'))
			s++;
		e = eol;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (e - s <= 7 || strncmp(s, "sysbox:", 7) != 0 || memchr(s, ' ', (size_t)(e - s)))
			continue;
		if (n)
			out[n++] = ' ';
		memcpy(out + n, s, (size_t)(e - s));
		n += (size_t)(e - s);
	}
	out[n] = '\0';
	*ret = n ? TAKE_PTR(out) : NULL;
	return 0;
}

/* subid.subuid, subid.subgid: the sysbox entries; null when none or no file; or the errno. */
static int probe_subid(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	static const struct {
		const char *key, *path;
	} files[] = {
		{ "subid.subuid", SUBUID },
		{ "subid.subgid", SUBGID },
	};

	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *buf = NULL, *entries = NULL;
		size_t len;
		int r;

		r = host_read(h, files[i].path, HOST_READ_MAX, &buf, &len);
		if (r == -ENOMEM)
			return r;
		if (r == -ENOENT)
			r = facts_set(f, files[i].key, files[i].path, NULL);
		else if (r < 0)
			r = facts_set_err(f, files[i].key, files[i].path, -r);
		else
			r = subid_sysbox(buf, len, &entries) ?:
			    facts_set(f, files[i].key, files[i].path, entries);
		if (r < 0)
			return r;
	}
	return 0;
}

/* rule_dpkg_pkg() found the evidence unreadable and set the result to unknown. */
#define PKG_UNKNOWN 2

/*
 * The dpkg status of pkg, for a rule. Returns 1 with *ret_st, *ret_status and *ret_version
 * (NULL when it has none) when the package is present (more than remembered: not
 * not-installed or config-files); 0 when it is absent or there is no dpkg database;
 * PKG_UNKNOWN when r was set to unknown; -ENOMEM.
 */
static int rule_dpkg_pkg(struct result *r, const struct facts *f, const char *pkg,
			 struct dpkg_status *ret_st, const struct fact **ret_status,
			 const struct fact **ret_version)
{
	const struct fact *db, *status, *version;
	char key[128];
	int ret;

	ret = result_need(r, f, "dpkg.database", &db);
	if (ret <= 0)
		return ret ?: PKG_UNKNOWN;
	if (!db->value)
		return 0;
	ret = result_need(r, f, dpkg_key(key, sizeof(key), pkg, "status"), &status);
	if (ret <= 0)
		return ret ?: PKG_UNKNOWN;
	if (!status->value)
		return 0;
	version = facts_get(f, dpkg_key(key, sizeof(key), pkg, "version"));
	if (result_evidence_fact(r, status) < 0 || result_evidence_fact(r, version) < 0)
		return -ENOMEM;
	if (dpkg_status_parse(status->value, ret_st) < 0)
		return result_set(r, STATUS_UNKNOWN, "unexpected dpkg status of %s: '%s'", pkg,
				  status->value) ?: PKG_UNKNOWN;
	if (!dpkg_status_present(ret_st))
		return 0;
	*ret_status = status;
	*ret_version = version && !version->err && version->value ? version : NULL;
	return 1;
}

/* The FAIL for a package dpkg left mid-operation (dpkg --audit lists it; apt refuses to
 * install anything until it is repaired). */
static int rule_broken(struct result *r, const char *pkg, const char *status)
{
	if (result_remediation(r, "dpkg --configure -a && apt-get -f install -y, then "
				  "cvmprep provision (or reinstall %s)", pkg) < 0)
		return -ENOMEM;
	return result_set(r, STATUS_FAIL,
			  "%s is left mid-operation by an interrupted dpkg run (status '%s'): its "
			  "files may be incomplete and apt refuses further installs until dpkg is "
			  "repaired", pkg, status);
}

/*
 * Whether dpkg.updates says that a dpkg run was interrupted (or is running now): returns 1 and
 * adds it as evidence, 0 when it does not (or could not be read: evidence too), -ENOMEM.
 */
static int dpkg_interrupted(struct result *r, const struct facts *f)
{
	const struct fact *u = facts_get(f, "dpkg.updates");

	if (!u || (!u->err && !u->value))
		return 0;
	if (result_evidence_fact(r, u) < 0)
		return -ENOMEM;
	return u->value ? 1 : 0;
}

/* The FAIL for a dpkg run left unfinished: apt refuses to work until it is completed. */
static int rule_interrupted(struct result *r, const struct facts *f, const char *pkg)
{
	if (result_remediation(r, "dpkg --configure -a && apt-get -f install -y, then cvmprep "
				  "provision (or reinstall %s)", pkg) < 0)
		return -ENOMEM;
	return result_set(r, STATUS_FAIL,
			  "dpkg was interrupted (%s in %s) or is running now: apt refuses to "
			  "install anything until dpkg --configure -a finishes the run",
			  facts_get(f, "dpkg.updates")->value, DPKG_UPDATES);
}

/* Whether a version pin's pattern names version: the same Debian version, or a glob that
 * matches it (apt_preferences(5): "Pin: version 5.8*"). */
static bool pin_matches(const char *pattern, const char *version)
{
	int cmp;

	if (dpkg_version_compare(pattern, version, &cmp) == 0 && cmp == 0)
		return true;
	return fnmatch(pattern, version, 0) == 0;
}

static int rule_containerd(const struct check *c _unused_, const struct facts *f,
			   const struct config *cfg _unused_, struct result *r)
{
	const struct fact *status = NULL, *version = NULL, *pin, *prio;
	struct dpkg_status st;
	bool held, pinned = false;
	long priority = 0;
	int ret, cmp;

	if (result_expected(r, "%s, held (apt-mark hold) or pinned at priority >= %d",
			    CONTAINERD_PIN_DEFAULT, APT_PIN_PRIORITY_HOLD) < 0)
		return -ENOMEM;
	ret = rule_dpkg_pkg(r, f, CONTAINERD, &st, &status, &version);
	if (ret < 0 || ret == PKG_UNKNOWN)
		return ret < 0 ? ret : 0;
	if (ret == 0) {
		if (result_evidence_fact(r, facts_get(f, "dpkg.database")) < 0 ||
		    result_observed(r, "not installed") < 0)
			return -ENOMEM;
		return result_set(r, STATUS_SKIP, "%s is not installed (cvmprep provision installs "
				  "%s and holds it)", CONTAINERD, CONTAINERD_PIN_DEFAULT);
	}
	if (result_observed(r, "%s (%s)", version ? version->value : "no version",
			    status->value) < 0)
		return -ENOMEM;
	if (dpkg_status_broken(&st))
		return rule_broken(r, CONTAINERD, status->value);
	ret = dpkg_interrupted(r, f);
	if (ret != 0)
		return ret < 0 ? ret : rule_interrupted(r, f, CONTAINERD);
	if (!version || dpkg_version_compare(version->value, CONTAINERD_PIN_DEFAULT, &cmp) < 0)
		return result_set(r, STATUS_UNKNOWN,
				  "cannot parse the installed version of %s: '%s'", CONTAINERD,
				  version ? version->value : "");
	held = st.want == DPKG_WANT_HOLD;
	if (cmp != 0) {
		if (result_remediation(r, "cvmprep provision, or: apt-get install -y "
					  "--allow-downgrades %s=%s && apt-mark hold %s",
				       CONTAINERD, CONTAINERD_PIN_DEFAULT, CONTAINERD) < 0)
			return -ENOMEM;
		return result_set(r, STATUS_WARN,
				  "%s %s is installed%s, not %s: Coder pins %s because the runc in "
				  "newer containerd.io (>= 1.1) breaks inside Sysbox before 0.5.2",
				  CONTAINERD, version->value, held ? " and held" : "",
				  CONTAINERD_PIN_DEFAULT, CONTAINERD_PIN_DEFAULT);
	}

	/* At the pinned version: an apt hold or a >= 1000 pin keeps it there. The pins matter
	 * only without a hold. */
	pin = facts_get(f, "apt.pin." CONTAINERD);
	prio = facts_get(f, "apt.pin." CONTAINERD ".priority");
	if (result_evidence_fact(r, pin) < 0 || result_evidence_fact(r, prio) < 0)
		return -ENOMEM;
	if (pin && !pin->err && pin->value && prio && !prio->err && prio->value) {
		priority = strtol(prio->value, NULL, 10);
		pinned = priority >= APT_PIN_PRIORITY_HOLD &&
			 pin_matches(pin->value, version->value);
	}
	if (held || pinned)
		return result_set(r, STATUS_PASS, "%s %s is installed and %s", CONTAINERD,
				  version->value,
				  held && pinned ? "held and pinned"
				  : held	 ? "held (apt-mark hold)"
						 : "pinned (apt preferences)");
	if (!pin || pin->err)
		return result_set(r, STATUS_UNKNOWN,
				  "%s %s is installed and not held; its apt pins "
				  "cannot be read: %s",
				  CONTAINERD, version->value,
				  pin ? strerror(pin->err) : "not recorded");
	if (result_remediation(r, "apt-mark hold %s, and pin it: Package: %s / Pin: version %s / "
				  "Pin-Priority: 1001 in %s/containerd.pref (apt ignores names "
				  "with another extension; cvmprep provision does both)",
			       CONTAINERD, CONTAINERD, CONTAINERD_PIN_DEFAULT, APT_PREFERENCES_D) < 0)
		return -ENOMEM;
	if (!pin->value)
		return result_set(r, STATUS_WARN, "%s %s is installed but neither held nor pinned: "
				  "the next apt upgrade replaces it", CONTAINERD, version->value);
	if (priority < APT_PIN_PRIORITY_HOLD)
		return result_set(r, STATUS_WARN, "%s %s is installed and not held; its pin in %s "
				  "has priority %ld, below %d, which does not stop an upgrade",
				  CONTAINERD, version->value, pin->source, priority,
				  APT_PIN_PRIORITY_HOLD);
	return result_set(r, STATUS_WARN, "%s %s is installed and not held; the pin in %s is "
			  "for version %s", CONTAINERD, version->value, pin->source, pin->value);
}

/* Which Sysbox package is present: returns as rule_dpkg_pkg(), with *ret_i its index in
 * sysbox_packages. */
static int sysbox_package(struct result *r, const struct facts *f, size_t *ret_i,
			  struct dpkg_status *ret_st, const struct fact **ret_status,
			  const struct fact **ret_version)
{
	for (size_t i = 0; i < ELEMENTSOF(sysbox_packages); i++) {
		int ret = rule_dpkg_pkg(r, f, sysbox_packages[i], ret_st, ret_status, ret_version);

		if (ret != 0) {
			*ret_i = i;
			return ret;
		}
	}
	return 0;
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

	if (result_expected(r, "Docker from a package (not a snap), a valid %s registering "
			    "sysbox-runc once Sysbox is installed", DAEMON_JSON) < 0)
		return -ENOMEM;
	ret = result_need(r, f, "docker.snap", &snap);
	if (ret <= 0)
		return ret;
	if (result_evidence_fact(r, snap) < 0)
		return -ENOMEM;
	if (snap->value) {
		if (result_observed(r, "snap Docker (%s)", snap->value) < 0 ||
		    result_remediation(r,
				       "snap remove docker, then install docker-ce from Docker's "
				       "apt repository") < 0)
			return -ENOMEM;
		return result_set(r, STATUS_FAIL, "Docker is installed as a snap (%s): Sysbox does "
				  "not work with the snap package of Docker", snap->value);
	}
	ret = result_need(r, f, "docker.dockerd", &dockerd);
	if (ret <= 0)
		return ret;
	if (result_evidence_fact(r, dockerd) < 0)
		return -ENOMEM;
	if (!dockerd->value) {
		if (result_observed(r, "no dockerd") < 0)
			return -ENOMEM;
		return result_set(r, STATUS_SKIP, "Docker is not installed (no dockerd in %s)",
				  BIN_PATH);
	}
	ret = result_need(r, f, "docker.daemon-json", &json);
	if (ret <= 0)
		return ret;
	if (result_evidence_fact(r, json) < 0)
		return -ENOMEM;
	settings = json->value && streq(json->value, JSON_FACT_VALID);
	if (json->value && !settings && !streq(json->value, JSON_FACT_EMPTY)) {
		if (result_observed(r, "%s", json->value) < 0 ||
		    result_remediation(r, "fix %s by hand (cvmprep never rewrites a file it cannot "
					  "parse); python3 -m json.tool %s shows the error",
				       DAEMON_JSON, DAEMON_JSON) < 0)
			return -ENOMEM;
		return result_set(r, STATUS_FAIL, "%s is %s: dockerd refuses to start with it",
				  DAEMON_JSON, json->value);
	}
	runtime = settings ? facts_get(f, "docker.runtime.sysbox-runc") : NULL;
	dup = settings ? facts_get(f, "docker.daemon-json.duplicate") : NULL;
	if (dup && (dup->err || !dup->value))
		dup = NULL;
	if (result_evidence_fact(r, runtime) < 0 || result_evidence_fact(r, dup) < 0)
		return -ENOMEM;
	if (dup && !(dup_note = strdup_printf("; %s gives \"%s\" twice, judged as dockerd "
					      "reads it (the last value wins, repeated \"runtimes\" "
					      "add up)", DAEMON_JSON, dup->value)))
		return -ENOMEM;
	if (runtime && runtime->value) {
		if (result_observed(r, "sysbox-runc registered: %s", runtime->value) < 0)
			return -ENOMEM;
		return result_set(r, STATUS_PASS, "Docker (%s) has sysbox-runc registered at %s%s",
				  dockerd->value, runtime->value, dup_note ? dup_note : "");
	}
	if (result_observed(r, "sysbox-runc not registered%s",
			    !json->value ? " (no daemon.json)"
			    : settings	 ? ""
					 : " (daemon.json is empty: dockerd starts with its defaults)") < 0)
		return -ENOMEM;
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
	if (result_remediation(r, "add \"runtimes\": {\"sysbox-runc\": {\"path\": "
				  "\"/usr/bin/sysbox-runc\"}} to %s and restart docker "
				  "(or reinstall %s, whose postinst does it)",
			       DAEMON_JSON, sysbox_packages[i]) < 0)
		return -ENOMEM;
	return result_set(r, STATUS_FAIL, "%s is installed but sysbox-runc is not registered in "
			  "%s: docker run --runtime=sysbox-runc fails%s", sysbox_packages[i],
			  DAEMON_JSON, dup_note ? dup_note : "");
}

static int rule_sysbox(const struct check *c _unused_, const struct facts *f,
		       const struct config *cfg, struct result *r)
{
	const struct fact *status = NULL, *version = NULL, *unit, *sock;
	char missing[128] = "", present[256] = "";
	struct dpkg_status st;
	size_t i = 0;
	int ret;

	if (result_expected(r, "sysbox-ce or sysbox-ee installed, its units present, sysbox-mgr "
			    "running") < 0)
		return -ENOMEM;
	ret = sysbox_package(r, f, &i, &st, &status, &version);
	if (ret < 0 || ret == PKG_UNKNOWN)
		return ret < 0 ? ret : 0;
	for (size_t u = 0; u < ELEMENTSOF(sysbox_units); u++) {
		char key[64];
		int need;

		snprintf(key, sizeof(key), "sysbox.unit.%s", sysbox_units[u]);
		need = result_need(r, f, key, &unit);
		if (need <= 0)
			return need;
		if (result_evidence_fact(r, unit) < 0)
			return -ENOMEM;
		if (unit->value)
			list_add(present, sizeof(present), unit->value);
		else
			list_add(missing, sizeof(missing), sysbox_units[u]);
	}
	if (ret == 0) {
		if (!*present) {
			if (result_observed(r, "not installed") < 0)
				return -ENOMEM;
			return result_set(r, STATUS_SKIP,
					  "Sysbox is not installed (cvmprep provision "
					  "installs sysbox-ce)");
		}
		if (result_observed(r, "units without a package: %s", present) < 0 ||
		    result_remediation(r, "install Sysbox from its package (cvmprep provision) so "
					  "that its version can be checked and upgraded") < 0)
			return -ENOMEM;
		return result_set(r, STATUS_WARN, "Sysbox units are present (%s) but neither "
				  "sysbox-ce nor sysbox-ee is installed: built from source?",
				  present);
	}
	if (result_observed(r, "%s %s (%s)", sysbox_packages[i],
			    version ? version->value : "no version", status->value) < 0)
		return -ENOMEM;
	if (dpkg_status_broken(&st))
		return rule_broken(r, sysbox_packages[i], status->value);
	ret = dpkg_interrupted(r, f);
	if (ret != 0)
		return ret < 0 ? ret : rule_interrupted(r, f, sysbox_packages[i]);
	if (*missing) {
		if (result_remediation(r, "apt-get install --reinstall %s", sysbox_packages[i]) < 0)
			return -ENOMEM;
		return result_set(r, STATUS_FAIL, "%s is installed but its units are missing: %s",
				  sysbox_packages[i], missing);
	}
	ret = result_need(r, f, "sysbox.sysmgr-sock", &sock);
	if (ret <= 0)
		return ret;
	if (result_evidence_fact(r, sock) < 0)
		return -ENOMEM;
	if (sock->value && streq(sock->value, "socket"))
		return result_set(r, STATUS_PASS, "%s %s is installed and sysbox-mgr is listening "
				  "on %s", sysbox_packages[i], version ? version->value : "",
				  SYSMGR_SOCK);
	if (!cfg->live)
		return result_set(r, STATUS_PASS, "%s %s is installed with its units (whether "
				  "sysbox-mgr runs is not judged off the running system)",
				  sysbox_packages[i], version ? version->value : "");
	if (result_remediation(r, "systemctl enable --now sysbox; journalctl -u sysbox-mgr "
				  "says why it stopped") < 0)
		return -ENOMEM;
	return result_set(r, STATUS_WARN, "%s %s is installed but sysbox-mgr is not running (%s "
			  "is %s)", sysbox_packages[i], version ? version->value : "", SYSMGR_SOCK,
			  sock->value ? sock->value : "absent");
}

static int rule_tools(const struct check *c _unused_, const struct facts *f,
		      const struct config *cfg _unused_, struct result *r)
{
	char missing[64] = "", packages[64] = "", unreadable[64] = "";
	const struct fact *dirs;
	int ret;

	if (result_expected(r, "rsync, modprobe and iptables in %s", BIN_PATH) < 0)
		return -ENOMEM;
	ret = result_need(r, f, "tools.bindirs", &dirs);
	if (ret <= 0)
		return ret;
	if (!dirs->value) {
		if (result_evidence_fact(r, dirs) < 0 ||
		    result_observed(r, "no program directories") < 0)
			return -ENOMEM;
		return result_set(r, STATUS_SKIP, "the tree has none of %s: no installed system to "
				  "look for programs in", BIN_PATH);
	}
	for (size_t i = 0; i < ELEMENTSOF(tools); i++) {
		char key[64];
		const struct fact *t;

		snprintf(key, sizeof(key), "tools.%s", tools[i].name);
		t = facts_get(f, key);
		if (result_evidence_fact(r, t) < 0)
			return -ENOMEM;
		if (!t || t->err) {
			list_add(unreadable, sizeof(unreadable), tools[i].name);
		} else if (!t->value) {
			list_add(missing, sizeof(missing), tools[i].name);
			list_add(packages, sizeof(packages), tools[i].package);
		}
	}
	if (*missing) {
		if (result_observed(r, "missing: %s", missing) < 0 ||
		    result_remediation(r, "apt-get install -y %s", packages) < 0)
			return -ENOMEM;
		return result_set(r, STATUS_FAIL,
				  "not found in %s: %s; sysbox-mgr refuses to start "
				  "without them",
				  BIN_PATH, missing);
	}
	if (*unreadable) {
		if (result_observed(r, "cannot tell: %s", unreadable) < 0)
			return -ENOMEM;
		return result_set(r, STATUS_UNKNOWN, "cannot search %s for: %s", BIN_PATH,
				  unreadable);
	}
	if (result_observed(r, "rsync modprobe iptables") < 0)
		return -ENOMEM;
	return result_set(r, STATUS_PASS, "rsync, modprobe and iptables are installed");
}

/* The number of space-separated entries of a subid fact's value. */
static size_t count_words(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += (s[0] != ' ' && (s[1] == ' ' || s[1] == '\0'));
	return n;
}

static int rule_subid(const struct check *c _unused_, const struct facts *f,
		      const struct config *cfg _unused_, struct result *r)
{
	const struct fact *uid, *gid;
	size_t nu, ng;
	int ret;

	if (result_expected(r, "at most one sysbox entry in %s and in %s", SUBUID, SUBGID) < 0)
		return -ENOMEM;
	if ((ret = result_need(r, f, "subid.subuid", &uid)) <= 0 ||
	    (ret = result_need(r, f, "subid.subgid", &gid)) <= 0)
		return ret;
	if (result_evidence_fact(r, uid) < 0 || result_evidence_fact(r, gid) < 0)
		return -ENOMEM;
	nu = count_words(uid->value);
	ng = count_words(gid->value);
	if (result_observed(r, "%zu in %s, %zu in %s", nu, SUBUID, ng, SUBGID) < 0)
		return -ENOMEM;
	if (nu > 1 || ng > 1) {
		if (result_remediation(r, "keep one sysbox line in each of %s and %s", SUBUID,
				       SUBGID) < 0)
			return -ENOMEM;
		return result_set(r, STATUS_WARN, "several sysbox ranges (%zu in %s, %zu in %s): "
				  "sysbox-mgr supports one and, when it starts, rewrites the file "
				  "with a single new range", nu, SUBUID, ng, SUBGID);
	}
	if (nu == 0 && ng == 0)
		return result_set(r, STATUS_PASS, "no sysbox range yet: sysbox-mgr creates one "
				  "when it first starts");
	return result_set(r, STATUS_PASS, "one sysbox range at most in each file");
}

const struct check checks_runtime[] = {
	{
		.id = "runtime.containerd",
		.title = "containerd.io pinned",
		.probes = { probe_dpkg, probe_apt_pin },
		.rule = rule_containerd,
		.evidence = "the containerd.io paragraph of /var/lib/dpkg/status (Status: want, "
			    "flag and state; Version); version pins for containerd.io in "
			    "/etc/apt/preferences and /etc/apt/preferences.d",
		.rule_text = "installed at " CONTAINERD_PIN_DEFAULT " (compared as Debian "
			     "versions) and held (status want 'hold') or pinned (a 'Pin: version' "
			     "matching it at Pin-Priority >= 1000) passes; another version warns; "
			     "the pinned version neither held nor pinned warns, saying why "
			     "(no pin, a pin below 1000, a pin for another version); "
			     "half-installed, unpacked, half-configured or reinstreq fails; not "
			     "installed, or no dpkg database, is skipped; an unreadable or corrupt "
			     "status file is unknown",
		.why = "Coder pins containerd.io " CONTAINERD_PIN_DEFAULT ": the runc of newer "
		       "containerd.io (>= 1.1) breaks inside Sysbox before 0.5.2 (sysbox issue "
		       "544). A package left mid-operation by an interrupted dpkg may be "
		       "incomplete, and apt refuses to install anything until it is repaired, so "
		       "that fails",
		.fix = "cvmprep provision, or: apt-get install -y --allow-downgrades "
		       "containerd.io=" CONTAINERD_PIN_DEFAULT " && apt-mark hold containerd.io, "
		       "and a Pin-Priority 1001 pin in /etc/apt/preferences.d; after an "
		       "interrupted dpkg: dpkg --configure -a && apt-get -f install -y",
		.source = "Coder docs (seed 004: containerd.io=1.5.11-1); coder/enterprise-images "
			  "history (pin from May 2022); sysbox issue 544",
		.docs = "https://github.com/nestybox/sysbox/issues/544",
	},
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
	{
		.id = "runtime.sysbox",
		.title = "Sysbox installed and running",
		.probes = { probe_dpkg, probe_sysbox },
		.rule = rule_sysbox,
		.evidence = "the dpkg status of sysbox-ce and sysbox-ee; sysbox.service, "
			    "sysbox-mgr.service and sysbox-fs.service in /etc/systemd/system, "
			    "/lib/systemd/system or /usr/lib/systemd/system; the socket "
			    "/run/sysbox/sysmgr.sock",
		.rule_text = "installed with its three units and sysbox-mgr's socket present "
			     "passes, reporting version and state; off the running system "
			     "(--root) the socket is not judged; socket absent on the running "
			     "system warns; units missing fails; half-installed, unpacked, "
			     "half-configured or reinstreq fails; units without a package warns "
			     "(source install); nothing installed is skipped (before provisioning)",
		.why = "CVMs need the Sysbox runtime: sysbox-runc, with the sysbox-mgr and "
		       "sysbox-fs daemons the units start",
		.fix = "cvmprep provision; or apt-get install --reinstall sysbox-ce; systemctl "
		       "enable --now sysbox",
		.source = "sysbox-pkgr deb/ (sysbox-ce package, units); sysbox "
			  "docs/user-guide/install-package.md",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/"
			"install-package.md",
	},
	{
		.id = "runtime.tools",
		.title = "Programs sysbox-mgr needs",
		.probes = { probe_tools },
		.rule = rule_tools,
		.evidence = "executable regular files rsync, modprobe and iptables in " BIN_PATH
			    " (a systemd service's PATH) under the root, symlinks followed "
			    "inside it",
		.rule_text = "all three found passes; any missing fails, naming it; a directory "
			     "that cannot be searched is unknown; a tree with none of those "
			     "directories is skipped",
		.why = "sysbox-mgr checks for rsync, modprobe and iptables when it starts and "
		       "refuses to run without them",
		.fix = "apt-get install -y rsync kmod iptables",
		.source = "sysbox-mgr utils.go (progDeps)",
		.docs = "https://github.com/nestybox/sysbox-mgr/blob/master/utils.go",
	},
	{
		.id = "runtime.subid",
		.title = "Subordinate ids of user sysbox",
		.probes = { probe_subid },
		.rule = rule_subid,
		.evidence = "lines of user sysbox in /etc/subuid and /etc/subgid",
		.rule_text = "more than one sysbox entry in either file warns; one passes; none "
			     "(or no file) passes, as sysbox-mgr creates it; an unreadable file is "
			     "unknown",
		.why = "sysbox-mgr uses a single subordinate id range for user sysbox; finding "
		       "several, it replaces them with one new range, rewriting the file",
		.fix = "keep one sysbox line in each of /etc/subuid and /etc/subgid",
		.source = "sysbox-mgr utils.go (configSubidRange); sysbox "
			  "docs/user-guide/troubleshoot.md",
		.docs = "https://github.com/nestybox/sysbox-mgr/blob/master/utils.go",
	},
	{ 0 },
};
