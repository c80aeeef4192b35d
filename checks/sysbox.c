/* SPDX-License-Identifier: MIT */
/* runtime.sysbox, runtime.tools, runtime.subid: the Sysbox package and daemons, the programs
 * sysbox-mgr runs, and the subordinate id ranges of the sysbox user. */
#include <fcntl.h>
#include <sys/stat.h>

#include "checks.h"
#include "core/dpkg.h"
#include "core/path.h"
#include "core/strbuf.h"
#include "core/sysbox.h"
#include "core/util.h"
#include "core/version.h"
#include "runtime.h"

#define SYSMGR_SOCK "/run/sysbox/sysmgr.sock"
#define SUBUID "/etc/subuid"
#define SUBGID "/etc/subgid"

const char *const sysbox_packages[SYSBOX_PACKAGES] = { "sysbox-ce", "sysbox-ee" };

int probe_program(const struct host *h, struct facts *f, const char *key, const char *name)
{
	_cleanup_free_ char *path = NULL;
	int r = path_find_program(h, BIN_PATH, name, &path);

	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return facts_set_err(f, key, BIN_PATH, -r);
	return facts_set(f, key, r ? path : BIN_PATH, path);
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
	struct strbuf out = STRBUF_INIT;
	const char *p = buf, *end = buf + len;

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
		strbuf_add_sep(&out, " ", "%.*s", (int)(e - s), s);
	}
	*ret = strbuf_detach(&out);
	return out.err;
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

int sysbox_package(struct result *r, const struct facts *f, size_t *ret_i,
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

/* Whether fix x of a release is for this node: its distribution release and kernel. */
static bool fix_applies(const struct facts *f, const struct sysbox_fix *x)
{
	const struct fact *rel = facts_get(f, "kernel.release");
	struct kver have, min = { x->kernel_min[0], x->kernel_min[1], 0 };

	if (x->os && !os_match(f, OS_RELEASE, x->os))
		return false;
	if (!min.major && !min.minor)
		return true;
	return rel && rel->value && kver_parse(rel->value, &have) == 0 && kver_cmp(&have, &min) >= 0;
}

/*
 * When the installed version is older than the newest release known: *ret (caller frees) says
 * so, with the release's date and what the releases after the installed one fix for this
 * node. NULL when it is not older, or its version is unknown or cannot be compared. Returns 0
 * or -ENOMEM.
 */
static int sysbox_upgrade(struct result *r, const struct facts *f, const char *pkg,
			  const char *version, char **ret)
{
	const struct sysbox_known *newest = sysbox_newest();
	_cleanup_strbuf_ struct strbuf fixes = STRBUF_INIT;
	int cmp;

	*ret = NULL;
	if (!version || sysbox_version_cmp(version, newest->version, &cmp) < 0 || cmp >= 0)
		return 0;
	for (size_t i = 0; i < n_sysbox_known; i++) {
		const struct sysbox_known *k = &sysbox_known[i];

		if (sysbox_version_cmp(version, k->version, &cmp) < 0 || cmp >= 0)
			continue;
		for (size_t j = 0; j < SYSBOX_FIXES_MAX && k->fixes[j].what; j++)
			if (fix_applies(f, &k->fixes[j]))
				strbuf_add_sep(&fixes, "; ", "%s (%s, %s)", k->fixes[j].what,
					       k->version, k->fixes[j].issues);
	}
	if (fixes.err)
		return -ENOMEM;
	result_evidence_fact(r, facts_get(f, "os.id"));
	result_evidence_fact(r, facts_get(f, "os.version_id"));
	result_evidence_fact(r, facts_get(f, "kernel.release"));
	*ret = strdup_printf("%s %s is older than %s, the newest release (%s), and the releases "
			     "since fix for this node: %s", pkg, version, newest->version,
			     newest->date, fixes.len ? fixes.buf : "nothing cvmprep knows of");
	return *ret ? 0 : -ENOMEM;
}

static int rule_sysbox(const struct check *c _unused_, const struct facts *f,
		       const struct config *cfg, struct result *r)
{
	const struct fact *status = NULL, *version = NULL, *unit, *sock;
	_cleanup_strbuf_ struct strbuf missing = STRBUF_INIT, present = STRBUF_INIT;
	_cleanup_free_ char *upgrade = NULL;
	const char *v;
	bool listening;
	struct dpkg_status st;
	size_t i = 0;
	int ret;

	result_expected(r, "sysbox-ce or sysbox-ee installed at %s (the newest release known) "
			"or later, its units present, sysbox-mgr running", SYSBOX_VERSION_NEWEST);
	ret = sysbox_package(r, f, &i, &st, &status, &version);
	if (ret < 0 || ret == PKG_UNKNOWN)
		return ret < 0 ? ret : 0;
	for (size_t u = 0; u < ELEMENTSOF(sysbox_units); u++) {
		if (result_needf(r, f, &unit, "sysbox.unit.%s", sysbox_units[u]) <= 0)
			return 0;
		result_evidence_fact(r, unit);
		if (unit->value)
			strbuf_add_sep(&present, " ", "%s", unit->value);
		else
			strbuf_add_sep(&missing, " ", "%s", sysbox_units[u]);
	}
	if (missing.err || present.err)
		return -ENOMEM;
	if (ret == 0) {
		if (!present.len) {
			result_observed(r, "not installed");
			return result_set(r, STATUS_SKIP,
					  "Sysbox is not installed (cvmprep provision "
					  "installs sysbox-ce)");
		}
		result_observed(r, "units without a package: %s", present.buf);
		result_remediation(r, "install Sysbox from its package (cvmprep provision) so "
				      "that its version can be checked and upgraded");
		return result_set(r, STATUS_WARN,
				  "Sysbox units are present (%s) but neither "
				  "sysbox-ce nor sysbox-ee is installed: built from source?",
				  present.buf);
	}
	result_observed(r, "%s %s (%s)", sysbox_packages[i],
			version ? version->value : "no version", status->value);
	if (dpkg_status_broken(&st))
		return rule_broken(r, sysbox_packages[i], status->value);
	ret = dpkg_interrupted(r, f);
	if (ret != 0)
		return ret < 0 ? ret : rule_interrupted(r, f, sysbox_packages[i]);
	if (missing.len) {
		result_remediation(r, "apt-get install --reinstall %s", sysbox_packages[i]);
		return result_set(r, STATUS_FAIL, "%s is installed but its units are missing: %s",
				  sysbox_packages[i], missing.buf);
	}
	ret = result_need(r, f, "sysbox.sysmgr-sock", &sock);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, sock);
	v = version ? version->value : "";
	ret = sysbox_upgrade(r, f, sysbox_packages[i], version ? version->value : NULL, &upgrade);
	if (ret < 0)
		return ret;
	listening = sock->value && streq(sock->value, "socket");
	if (cfg->live && !listening) {
		result_remediation(r, "systemctl enable --now sysbox; journalctl -u sysbox-mgr "
				      "says why it stopped%s", upgrade ? "; cvmprep provision "
				      "installs sysbox-ce " SYSBOX_VERSION_NEWEST : "");
		return result_set(r, STATUS_WARN, "%s %s is installed but sysbox-mgr is not "
				  "running (%s is %s)%s%s", sysbox_packages[i], v, SYSMGR_SOCK,
				  sock->value ? sock->value : "absent", upgrade ? "; " : "",
				  upgrade ? upgrade : "");
	}
	if (upgrade) {
		result_remediation(r, "cvmprep provision (it installs sysbox-ce %s), or install "
				   "Nestybox's %s package", SYSBOX_VERSION_NEWEST,
				   SYSBOX_VERSION_NEWEST);
		return result_set(r, STATUS_WARN, "%s", upgrade);
	}
	if (listening)
		return result_set(r, STATUS_PASS, "%s %s is installed and sysbox-mgr is listening "
				  "on %s", sysbox_packages[i], v, SYSMGR_SOCK);
	return result_set(r, STATUS_PASS, "%s %s is installed with its units (whether "
			  "sysbox-mgr runs is not judged off the running system)",
			  sysbox_packages[i], v);
}

static int rule_tools(const struct check *c _unused_, const struct facts *f,
		      const struct config *cfg _unused_, struct result *r)
{
	_cleanup_strbuf_ struct strbuf missing = STRBUF_INIT, packages = STRBUF_INIT,
				       unreadable = STRBUF_INIT;
	const struct fact *dirs;
	int ret;

	result_expected(r, "rsync, modprobe and iptables in %s", BIN_PATH);
	ret = result_need(r, f, "tools.bindirs", &dirs);
	if (ret <= 0)
		return ret;
	if (!dirs->value) {
		result_evidence_fact(r, dirs);
		result_observed(r, "no program directories");
		return result_set(r, STATUS_SKIP, "the tree has none of %s: no installed system to "
				  "look for programs in", BIN_PATH);
	}
	for (size_t i = 0; i < ELEMENTSOF(tools); i++) {
		const struct fact *t = facts_getf(f, "tools.%s", tools[i].name);

		result_evidence_fact(r, t);
		if (!t || t->err) {
			strbuf_add_sep(&unreadable, " ", "%s", tools[i].name);
		} else if (!t->value) {
			strbuf_add_sep(&missing, " ", "%s", tools[i].name);
			strbuf_add_sep(&packages, " ", "%s", tools[i].package);
		}
	}
	if (missing.err || packages.err || unreadable.err)
		return -ENOMEM;
	if (missing.len) {
		result_observed(r, "missing: %s", missing.buf);
		result_remediation(r, "apt-get install -y %s", packages.buf);
		return result_set(r, STATUS_FAIL,
				  "not found in %s: %s; sysbox-mgr refuses to start "
				  "without them",
				  BIN_PATH, missing.buf);
	}
	if (unreadable.len) {
		result_observed(r, "cannot tell: %s", unreadable.buf);
		return result_set(r, STATUS_UNKNOWN, "cannot search %s for: %s", BIN_PATH,
				  unreadable.buf);
	}
	result_observed(r, "rsync modprobe iptables");
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

	result_expected(r, "at most one sysbox entry in %s and in %s", SUBUID, SUBGID);
	if ((ret = result_need(r, f, "subid.subuid", &uid)) <= 0 ||
	    (ret = result_need(r, f, "subid.subgid", &gid)) <= 0)
		return ret;
	result_evidence_fact(r, uid);
	result_evidence_fact(r, gid);
	nu = count_words(uid->value);
	ng = count_words(gid->value);
	result_observed(r, "%zu in %s, %zu in %s", nu, SUBUID, ng, SUBGID);
	if (nu > 1 || ng > 1) {
		result_remediation(r, "keep one sysbox line in each of %s and %s", SUBUID,
				   SUBGID);
		return result_set(r, STATUS_WARN, "several sysbox ranges (%zu in %s, %zu in %s): "
				  "sysbox-mgr supports one and, when it starts, rewrites the file "
				  "with a single new range", nu, SUBUID, ng, SUBGID);
	}
	if (nu == 0 && ng == 0)
		return result_set(r, STATUS_PASS, "no sysbox range yet: sysbox-mgr creates one "
				  "when it first starts");
	return result_set(r, STATUS_PASS, "one sysbox range at most in each file");
}

const struct check checks_sysbox[] = {
	{
		.id = "runtime.sysbox",
		.title = "Sysbox installed and running",
		.probes = { probe_uname, probe_os_release, probe_dpkg, probe_sysbox },
		.rule = rule_sysbox,
		.evidence = "the dpkg status of sysbox-ce and sysbox-ee; sysbox.service, "
			    "sysbox-mgr.service and sysbox-fs.service in /etc/systemd/system, "
			    "/lib/systemd/system or /usr/lib/systemd/system; the socket "
			    "/run/sysbox/sysmgr.sock",
		.rule_text = "installed at " SYSBOX_VERSION_NEWEST " (the newest release known) or "
			     "later, with its three units and sysbox-mgr's socket present, "
			     "passes, reporting version and state; an older version warns, naming "
			     "what the releases since fix for this node and the newest one's date; "
			     "off the running system "
			     "(--root) the socket is not judged; socket absent on the running "
			     "system warns; units missing fails; half-installed, unpacked, "
			     "half-configured or reinstreq fails; units without a package warns "
			     "(source install); nothing installed is skipped (before provisioning)",
		.why = "CVMs need the Sysbox runtime: sysbox-runc, with the sysbox-mgr and "
		       "sysbox-fs daemons the units start",
		.fix = "cvmprep provision; or apt-get install --reinstall sysbox-ce; systemctl "
		       "enable --now sysbox",
		.source = "sysbox-pkgr deb/ (sysbox-ce package, units); sysbox "
			  "docs/user-guide/install-package.md; sysbox CHANGELOG.md and the v0.7.1 "
			  "release (" SYSBOX_PR_1024 ")",
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
	CHECKS_END,
};
