/* SPDX-License-Identifier: MIT */
/* image.*: the workspace image of a CVM (Coder's image configuration, checks/sources.h), judged
 * on the facts of image/probe.h, and the recipe that fixes it (image.h). */
#include "image.h"

#include "checks.h"
#include "core/dpkg.h"
#include "core/util.h"
#include "runtime.h"
#include "sources.h"

/* Every image rule starts here: the image was read, or the result is unknown saying why. */
static int need_image(struct result *r, const struct facts *f)
{
	const struct fact *src = facts_get(f, "image.source");

	if (!src)
		return result_set(r, STATUS_UNKNOWN, "no image was read") ?: 0;
	if (src->err)
		return result_evidence_fact(r, src) ?:
		       result_set(r, STATUS_UNKNOWN, "cannot read the image: %s", src->source) ?: 0;
	return 1;
}

/* A fact of the image that must have been read: 1 and *ret, or 0 with r unknown. */
static int need(struct result *r, const struct facts *f, const char *key, const struct fact **ret)
{
	int n = need_image(r, f);

	return n <= 0 ? n : result_need(r, f, key, ret);
}

static const char *value(const struct facts *f, const char *key)
{
	const struct fact *fa = facts_get(f, key);

	return fa && !fa->err ? fa->value : NULL;
}

/* A package of the image's dpkg database: 1 present (*ret_version), 0 absent, PKG_UNKNOWN
 * when r was set unknown; the database itself is "image.dpkg.database". */
static int image_pkg(struct result *r, const struct facts *f, const char *pkg,
		     const char **ret_version)
{
	char key[128];
	const struct fact *st;
	struct dpkg_status s;

	snprintf(key, sizeof(key), "image.dpkg.%s.status", pkg);
	st = facts_get(f, key);
	if (!st || st->err || !st->value)
		return 0;
	if (result_evidence_fact(r, st) < 0)
		return -ENOMEM;
	if (dpkg_status_parse(st->value, &s) < 0)
		return result_set(r, STATUS_UNKNOWN, "unexpected dpkg status of %s: '%s'", pkg,
				  st->value) ?: PKG_UNKNOWN;
	if (!dpkg_status_present(&s))
		return 0;
	snprintf(key, sizeof(key), "image.dpkg.%s.version", pkg);
	*ret_version = value(f, key) ? value(f, key) : "?";
	return result_evidence_fact(r, facts_get(f, key)) < 0 ? -ENOMEM : 1;
}

static int rule_init(const struct check *c _unused_, const struct facts *f,
		     const struct config *cfg _unused_, struct result *r)
{
	const struct fact *init = facts_get(f, "image.init");
	const char *link = value(f, "image.init.link"), *type = value(f, "image.init.type");
	const char *base;
	int n = need_image(r, f);

	if (n <= 0)
		return n;
	if (!init)
		return result_set(r, STATUS_UNKNOWN, "no fact 'image.init' was recorded");
	if (result_expected(r, "/sbin/init leads, inside the image, to systemd") < 0 ||
	    result_evidence_fact(r, init) < 0 ||
	    result_evidence_fact(r, facts_get(f, "image.init.escape")) < 0 ||
	    result_remediation(r, "RUN ln -sf /lib/systemd/systemd /sbin/init") < 0)
		return -ENOMEM;
	if (value(f, "image.init.escape"))
		return result_observed(r, "escapes the image") ?:
		       result_set(r, STATUS_FAIL, "/sbin/init climbs above the image root ('..' "
				  "past /: %s): it does not lead to systemd inside the image",
				  init->source);
	if (init->err == ENOENT)
		return result_observed(r, link ? "dangling link" : "missing") ?:
		       (link ? result_set(r, STATUS_FAIL, "/sbin/init links to '%s', which is not "
					  "in the image (%s): Coder finds no init to run",
					  link, init->source)
			     : result_set(r, STATUS_FAIL, "/sbin/init is missing: Coder starts "
					  "/sbin/init as PID 1 and systemd will not run"));
	if (init->err == ELOOP || init->err == ENOTDIR || init->err == ENAMETOOLONG)
		return result_observed(r, "unresolvable") ?:
		       result_set(r, STATUS_FAIL, "/sbin/init does not resolve (%s): %s",
				  init->source, strerror(init->err));
	if (init->err)
		return result_set(r, STATUS_UNKNOWN, "cannot resolve /sbin/init: %s",
				  strerror(init->err));
	base = strrchr(init->value, '/');
	if (result_observed(r, "%s", init->value) < 0)
		return -ENOMEM;
	if (base && streq(base + 1, "systemd") && streq_ptr(type, "file"))
		return result_set(r, STATUS_PASS, "/sbin/init is systemd (%s)", init->source);
	return result_set(r, STATUS_FAIL, "/sbin/init is %s (%s), not systemd: the CVM would not "
			  "boot systemd", init->value, type ? type : "?");
}

static int rule_systemd(const struct check *c _unused_, const struct facts *f,
			const struct config *cfg _unused_, struct result *r)
{
	const struct fact *db, *bin;
	const char *version = NULL;
	int n = need(r, f, "image.dpkg.database", &db);

	if (n <= 0)
		return n;
	if (result_expected(r, "systemd installed") < 0 ||
	    result_remediation(r, "RUN apt-get update && apt-get install -y systemd") < 0 ||
	    result_evidence_fact(r, db) < 0)
		return -ENOMEM;
	if (db->value) {
		n = image_pkg(r, f, "systemd", &version);
		if (n < 0 || n == PKG_UNKNOWN)
			return n < 0 ? n : 0;
		if (n)
			return result_observed(r, "%s", version) ?:
			       result_set(r, STATUS_PASS, "systemd %s is installed (dpkg)", version);
		return result_observed(r, "not installed") ?:
		       result_set(r, STATUS_FAIL, "systemd is not installed (dpkg status): the CVM "
				  "needs it as init");
	}
	/* No dpkg database (an rpm or other image): the program itself. */
	n = result_need(r, f, "image.systemd.binary", &bin);
	if (n <= 0)
		return n;
	if (result_evidence_fact(r, bin) < 0)
		return -ENOMEM;
	if (bin->value)
		return result_observed(r, "%s", bin->value) ?:
		       result_set(r, STATUS_PASS, "systemd is at %s (no dpkg database)", bin->value);
	return result_observed(r, "not found") ?:
	       result_set(r, STATUS_FAIL, "no dpkg database and no %s: systemd is not installed",
			  bin->source);
}

/* Docker's packages: Docker's own (docker-ce), Debian's and Ubuntu's (docker.io), Moby's. */
static const char *const docker_pkgs[] = { "docker-ce", "docker.io", "moby-engine" };

/* Whether Docker is installed: 1 with *ret_what, 0 not, PKG_UNKNOWN (r unknown), -ENOMEM. */
static int docker_installed(struct result *r, const struct facts *f, char *what, size_t size)
{
	const struct fact *db, *bin;
	const char *version;
	int n = need(r, f, "image.dpkg.database", &db);

	if (n <= 0)
		return n < 0 ? n : PKG_UNKNOWN;
	for (size_t i = 0; db->value && i < ELEMENTSOF(docker_pkgs); i++) {
		n = image_pkg(r, f, docker_pkgs[i], &version);
		if (n != 0) {
			snprintf(what, size, "%s %s", docker_pkgs[i], version);
			return n;
		}
	}
	n = result_need(r, f, "image.docker.binary", &bin);
	if (n <= 0)
		return n < 0 ? n : PKG_UNKNOWN;
	if (result_evidence_fact(r, bin) < 0)
		return -ENOMEM;
	if (!bin->value)
		return 0;
	snprintf(what, size, "dockerd at %s", bin->value);
	return 1;
}

static int rule_docker(const struct check *c _unused_, const struct facts *f,
		       const struct config *cfg _unused_, struct result *r)
{
	char what[256];
	int n = docker_installed(r, f, what, sizeof(what));

	if (n < 0 || n == PKG_UNKNOWN)
		return n < 0 ? n : 0;
	if (result_expected(r, "Docker installed (docker-ce, docker.io or dockerd)") < 0)
		return -ENOMEM;
	if (n)
		return result_observed(r, "%s", what) ?:
		       result_set(r, STATUS_PASS, "Docker is installed: %s", what);
	return result_observed(r, "not installed") ?:
	       result_remediation(r, "RUN apt-get update && apt-get install -y docker-ce "
				  "docker-ce-cli (from Docker's apt repository)") ?:
	       result_set(r, STATUS_WARN, "Docker is not installed: users cannot run containers "
			  "in the CVM");
}

static int rule_docker_enabled(const struct check *c _unused_, const struct facts *f,
			       const struct config *cfg _unused_, struct result *r)
{
	const struct fact *wants;
	const char *unit = value(f, "image.docker.unit");
	char what[256];
	int n = docker_installed(r, f, what, sizeof(what));

	if (n < 0 || n == PKG_UNKNOWN)
		return n < 0 ? n : 0;
	if (n == 0)
		return result_set(r, STATUS_SKIP, "Docker is not installed (image.docker)");
	n = result_need(r, f, "image.docker.wants", &wants);
	if (n <= 0)
		return n;
	if (result_expected(r, "docker.service wanted by multi-user.target") < 0 ||
	    result_evidence_fact(r, wants) < 0 ||
	    result_remediation(r, "RUN systemctl enable docker") < 0)
		return -ENOMEM;
	if (!wants->value)
		return result_observed(r, "not enabled") ?:
		       result_set(r, STATUS_WARN, "%s is installed but docker.service is not "
				  "enabled: dockerd will not start with the CVM", what);
	if (!unit)
		return result_observed(r, "dangling link") ?:
		       result_set(r, STATUS_WARN, "docker.service is enabled by a link that leads "
				  "nowhere in the image (%s)", wants->value);
	return result_observed(r, "enabled") ?:
	       result_set(r, STATUS_PASS, "docker.service is enabled (%s)", wants->value);
}

/* The runc line each containerd.io bundles: docker/containerd-packaging builds the runc that
 * containerd's script/setup/runc-version names (1.7.22: 1.1.14; 1.7.24: 1.2.2). */
static const struct {
	const char *containerd; /* from this containerd.io version */
	const char *runc;
} bundled_runc[] = {
	{ "2.1", "1.3" },
	{ "1.7.24", "1.2" },
	{ "1.6", "1.1" },
	{ "0", "1.0" },
};

#define PIN_WHY                                                                                   \
	"the pin keeps the runc inside the CVM below 1.1, which Sysbox before 0.5.2 cannot run " \
	"(sysbox issue 544); Sysbox 0.5.2 fixed runc 1.1, 0.6.6 runc 1.2 and 0.7.0 runc 1.3, so "  \
	"with Sysbox >= 0.7.0 on the node the pin is not needed"

/* The node's Sysbox version (dpkg.sysbox-ce/-ee of the node): 1 and *ret, 0 not known. */
static int node_sysbox(const struct facts *f, const char **ret)
{
	for (size_t i = 0; i < SYSBOX_PACKAGES; i++) {
		char key[64];
		const char *v;

		snprintf(key, sizeof(key), "dpkg.%s.version", sysbox_packages[i]);
		v = value(f, key);
		if (v) {
			*ret = v;
			return 1;
		}
	}
	return 0;
}

static bool version_at_least(const char *v, const char *min)
{
	int cmp;

	return dpkg_version_compare(v, min, &cmp) == 0 && cmp >= 0;
}

static int rule_containerd_pin(const struct check *c _unused_, const struct facts *f,
			       const struct config *cfg _unused_, struct result *r)
{
	const struct fact *db;
	const char *version = NULL, *sysbox = NULL, *pin = value(f, "image.apt.pin.containerd.io");
	const char *prio = value(f, "image.apt.pin.containerd.io.priority");
	const struct fact *st = facts_get(f, "image.dpkg.containerd.io.status");
	bool held, pinned;
	int n = need(r, f, "image.dpkg.database", &db), cmp;

	if (n <= 0)
		return n;
	if (result_expected(r, "containerd.io %s, held or pinned (while the node's Sysbox is "
			    "older than 0.7.0)", CONTAINERD_PIN_DEFAULT) < 0 ||
	    result_evidence_fact(r, db) < 0 ||
	    result_remediation(r, "RUN apt-get install -y --allow-downgrades containerd.io=%s && "
			       "apt-mark hold containerd.io", CONTAINERD_PIN_DEFAULT) < 0)
		return -ENOMEM;
	if (node_sysbox(f, &sysbox) && version_at_least(sysbox, "0.7.0"))
		return result_evidence_fact(r, facts_get(f, "dpkg.sysbox-ce.version")) ?:
		       result_observed(r, "not needed") ?:
		       result_set(r, STATUS_PASS, "the node runs Sysbox %s, which runs any runc: "
				  "the containerd.io pin is not needed", sysbox);
	if (!db->value)
		return result_set(r, STATUS_SKIP, "the image has no dpkg database: containerd.io "
				  "is installed from Docker's apt repository");
	n = image_pkg(r, f, CONTAINERD, &version);
	if (n < 0 || n == PKG_UNKNOWN)
		return n < 0 ? n : 0;
	if (n == 0)
		return result_observed(r, "not installed") ?:
		       result_set(r, STATUS_WARN, "containerd.io is not installed; Coder's docs "
				  "say to install containerd.io=%s in the Dockerfile: %s",
				  CONTAINERD_PIN_DEFAULT, PIN_WHY);
	if (result_observed(r, "%s", version) < 0)
		return -ENOMEM;
	if (dpkg_version_compare(version, CONTAINERD_PIN_DEFAULT, &cmp) < 0)
		return result_set(r, STATUS_UNKNOWN, "cannot parse containerd.io's version '%s'",
				  version);
	if (cmp != 0)
		return result_set(r, STATUS_WARN, "containerd.io %s is installed, not %s: %s",
				  version, CONTAINERD_PIN_DEFAULT, PIN_WHY);
	held = st && st->value && startswith(st->value, "hold ");
	pinned = pin && prio && strtol(prio, NULL, 10) >= APT_PIN_PRIORITY_HOLD &&
		 version_at_least(version, pin) && version_at_least(pin, version);
	if (result_evidence_fact(r, facts_get(f, "image.apt.pin.containerd.io")) < 0)
		return -ENOMEM;
	if (held || pinned)
		return result_set(r, STATUS_PASS, "containerd.io %s is installed and %s", version,
				  held ? "held" : "pinned (apt preferences)");
	return result_set(r, STATUS_WARN, "containerd.io %s is installed but neither held nor "
			  "pinned: the next apt-get upgrade in a derived image replaces it", version);
}

/* The runc inside the image: Debian's runc package, else the one containerd.io bundles. */
static int image_runc(struct result *r, const struct facts *f, char *line, size_t size,
		      const char **ret_from)
{
	const char *v = NULL;
	int n = image_pkg(r, f, "runc", &v);

	if (n != 0) {
		snprintf(line, size, "%s", v);
		*ret_from = "the runc package";
		return n;
	}
	n = image_pkg(r, f, CONTAINERD, &v);
	if (n != 1)
		return n;
	for (size_t i = 0; i < ELEMENTSOF(bundled_runc); i++)
		if (version_at_least(v, bundled_runc[i].containerd)) {
			snprintf(line, size, "%s", bundled_runc[i].runc);
			*ret_from = "the runc line containerd.io bundles";
			return 1;
		}
	return 0;
}

static int rule_inner_runc(const struct check *c _unused_, const struct facts *f,
			   const struct config *cfg _unused_, struct result *r)
{
	const char *sysbox = NULL, *from = NULL;
	char runc[128];
	int n = need_image(r, f);

	if (n <= 0)
		return n;
	n = image_runc(r, f, runc, sizeof(runc), &from);
	if (n < 0 || n == PKG_UNKNOWN)
		return n < 0 ? n : 0;
	if (n == 0)
		return result_set(r, STATUS_SKIP, "the image's runc version is not known (no runc "
				  "or containerd.io package)");
	for (size_t i = 0; i < SYSBOX_PACKAGES; i++) {
		char key[64];

		snprintf(key, sizeof(key), "dpkg.%s.version", sysbox_packages[i]);
		if (result_evidence_fact(r, facts_get(f, key)) < 0)
			return -ENOMEM;
	}
	if (!node_sysbox(f, &sysbox))
		return result_set(r, STATUS_SKIP, "the node's Sysbox version is not known (no "
				  "sysbox-ce or sysbox-ee here; --assume dpkg.sysbox-ce.version=V)");
	if (result_observed(r, "runc %s, Sysbox %s", runc, sysbox) < 0 ||
	    result_expected(r, "a Sysbox that runs the image's runc") < 0)
		return -ENOMEM;
	for (size_t i = 0; i < ELEMENTSOF(runc_needs); i++) {
		if (!version_at_least(runc, runc_needs[i].runc))
			continue;
		if (version_at_least(sysbox, runc_needs[i].sysbox))
			return result_set(r, STATUS_PASS, "runc %s (%s) runs inside Sysbox %s",
					  runc, from, sysbox);
		return result_remediation(r, "upgrade Sysbox on the node to >= %s, or pin the "
					  "image: RUN apt-get install -y --allow-downgrades "
					  "containerd.io=%s && apt-mark hold containerd.io",
					  runc_needs[i].sysbox, CONTAINERD_PIN_DEFAULT) ?:
		       result_set(r, STATUS_FAIL, "runc %s (%s) fails inside Sysbox %s: runc %s "
				  "needs Sysbox >= %s (%s)", runc, from, sysbox,
				  runc_needs[i].runc, runc_needs[i].sysbox, runc_needs[i].issue);
	}
	return result_set(r, STATUS_PASS, "runc %s (%s) predates 1.1: any Sysbox runs it", runc,
			  from);
}

static int rule_tmp(const struct check *c _unused_, const struct facts *f,
		    const struct config *cfg _unused_, struct result *r)
{
	const struct fact *tmp;
	const char *count = value(f, "image.tmp.count");
	int n = need(r, f, "image.tmp", &tmp);

	if (n <= 0)
		return n;
	if (result_expected(r, "nothing in /tmp") < 0 || result_evidence_fact(r, tmp) < 0)
		return -ENOMEM;
	if (!tmp->value)
		return result_observed(r, "empty") ?:
		       result_set(r, STATUS_PASS, "the image puts nothing in /tmp");
	return result_observed(r, "%s entr%s", count ? count : "?",
			       streq_ptr(count, "1") ? "y" : "ies") ?:
	       result_remediation(r, "move them to another directory (e.g. /coder), then RUN "
				  "find /tmp -mindepth 1 -delete") ?:
	       result_set(r, STATUS_WARN, "the image puts %s in /tmp: not available once the CVM "
			  "workspace is built", tmp->value);
}

const char *image_goarch(const char *machine)
{
	static const struct {
		const char *name, *goarch;
	} map[] = {
		{ "x86_64", "amd64" },	 { "amd64", "amd64" },	   { "aarch64", "arm64" },
		{ "arm64", "arm64" },	 { "armv7l", "arm" },	   { "armhf", "arm" },
		{ "arm", "arm" },	 { "i686", "386" },	   { "i386", "386" },
		{ "386", "386" },	 { "ppc64le", "ppc64le" }, { "ppc64el", "ppc64le" },
		{ "s390x", "s390x" },	 { "riscv64", "riscv64" },
	};

	for (size_t i = 0; machine && i < ELEMENTSOF(map); i++)
		if (streq(machine, map[i].name))
			return map[i].goarch;
	return NULL;
}

static int rule_arch(const struct check *c _unused_, const struct facts *f,
		     const struct config *cfg _unused_, struct result *r)
{
	const struct fact *img = facts_get(f, "image.arch"), *node = facts_get(f, IMAGE_NODE_PLATFORM);
	const struct fact *dpkg = facts_get(f, "image.dpkg.arch");
	const char *want, *have = NULL;
	int n = need_image(r, f);

	if (n <= 0)
		return n;
	if (!node || node->err || !node->value)
		return result_need(r, f, IMAGE_NODE_PLATFORM, &node) ?:
		       result_set(r, STATUS_UNKNOWN, "the node's architecture is not known");
	want = strchr(node->value, '/') ? strchr(node->value, '/') + 1 : node->value;
	if (result_evidence_fact(r, node) < 0 || result_expected(r, "%s", want) < 0)
		return -ENOMEM;
	if (img && !img->err && img->value)
		have = image_goarch(img->value) ? image_goarch(img->value) : img->value;
	else if (dpkg && !dpkg->err && dpkg->value)
		have = image_goarch(dpkg->value) ? image_goarch(dpkg->value) : dpkg->value;
	if (result_evidence_fact(r, img) < 0 || result_evidence_fact(r, dpkg) < 0)
		return -ENOMEM;
	if (!have)
		return result_set(r, STATUS_UNKNOWN, "the image names no architecture (no config, "
				  "no dpkg architecture)");
	if (result_observed(r, "%s", have) < 0)
		return -ENOMEM;
	if (!strncmp(want, have, strlen(have)) && (want[strlen(have)] == '\0' ||
						    want[strlen(have)] == '/'))
		return result_set(r, STATUS_PASS, "the image is for %s, as the node", have);
	return result_remediation(r, "build the image for the node: docker build --platform "
				  "linux/%s", want) ?:
	       result_set(r, STATUS_FAIL, "the image is for %s, the node is %s: its programs "
			  "will not run", have, want);
}

/* The node probes the image rules use: the node's Sysbox (dpkg). */
#define NODE_DPKG { probe_dpkg }

const struct check checks_image[] = {
	{
		.id = "image.init",
		.title = "/sbin/init is systemd",
		.target = CHECK_TARGET_IMAGE,
		.rule = rule_init,
		.evidence = "/sbin/init of the image, each link followed inside the image (an "
			    "absolute link from the image root, '..' stopping there)",
		.rule_text = "leads to a file named systemd passes; missing, a dangling link, a "
			     "link that climbs above the image root, a loop, or any other program "
			     "fails; a path that cannot be read is unknown",
		.why = "Coder starts /sbin/init as PID 1 of the CVM; without systemd, Docker and "
		       "other services do not start",
		.fix = "RUN ln -sf /lib/systemd/systemd /sbin/init",
		.source = "Coder docs (" CODER_DOCS_ADMIN_V1 ": 'use systemd as the init')",
		.docs = CODER_DOCS_ADMIN_V1,
	},
	{
		.id = "image.systemd",
		.title = "systemd installed",
		.target = CHECK_TARGET_IMAGE,
		.rule = rule_systemd,
		.evidence = "the systemd paragraph of /var/lib/dpkg/status; without a dpkg "
			    "database (rpm databases are not read), /lib/systemd/systemd or "
			    "/usr/lib/systemd/systemd",
		.rule_text = "installed passes; not installed fails; an unreadable or corrupt "
			     "status file is unknown",
		.why = "systemd is the CVM's init: Coder runs /sbin/init as PID 1",
		.fix = "RUN apt-get update && apt-get install -y systemd",
		.source = "Coder docs (" CODER_DOCS_ADMIN_V1 ")",
		.docs = CODER_DOCS_ADMIN_V1,
	},
	{
		.id = "image.docker",
		.title = "Docker installed",
		.target = CHECK_TARGET_IMAGE,
		.rule = rule_docker,
		.evidence = "docker-ce, docker.io or moby-engine in /var/lib/dpkg/status; else "
			    "dockerd in /usr/bin, /usr/sbin or /usr/local/bin",
		.rule_text = "installed passes; not installed warns; unreadable is unknown",
		.why = "Coder's CVMs exist to run Docker inside the workspace ('Be sure to install "
		       "the docker packages into your Environment Image')",
		.fix = "RUN apt-get update && apt-get install -y docker-ce docker-ce-cli",
		.source = "Coder docs (" CODER_DOCS_ADMIN_V1 ")",
		.docs = CODER_DOCS_ADMIN_V1,
	},
	{
		.id = "image.docker-enabled",
		.title = "docker.service enabled",
		.target = CHECK_TARGET_IMAGE,
		.rule = rule_docker_enabled,
		.evidence = "multi-user.target.wants/docker.service in /etc/systemd/system (or "
			    "the vendor's /lib/systemd/system), resolved inside the image",
		.rule_text = "a link to the unit passes; none, or one that leads nowhere, warns; "
			     "Docker not installed is skipped",
		.why = "dockerd starts with the CVM only when systemd is told to start it",
		.fix = "RUN systemctl enable docker",
		.source = "Coder docs (" CODER_DOCS_ADMIN_V1 ": 'Enables Docker starting with "
			  "systemd')",
		.docs = CODER_DOCS_ADMIN_V1,
	},
	{
		.id = "image.containerd-pin",
		.title = "containerd.io pinned in the image",
		.target = CHECK_TARGET_IMAGE,
		.probes = NODE_DPKG,
		.rule = rule_containerd_pin,
		.evidence = "containerd.io in the image's /var/lib/dpkg/status (version, hold); "
			    "its apt preferences; the node's sysbox-ce/sysbox-ee version",
		.rule_text = "the node's Sysbox >= 0.7.0: not needed, passes; else " CONTAINERD_PIN_DEFAULT
			     " held or pinned at >= 1000 passes; another version, not held, or not "
			     "installed warns with the reason; no dpkg database is skipped",
		.why = PIN_WHY,
		.fix = "RUN apt-get install -y --allow-downgrades containerd.io=" CONTAINERD_PIN_DEFAULT
		       " && apt-mark hold containerd.io",
		.source = "Coder docs (" CODER_DOCS_ADMIN ": 'install ... containerd.io=1.5.11-1 in "
			  "your Dockerfile'); sysbox issues 544, 879, 972",
		.docs = "https://github.com/nestybox/sysbox/issues/544",
	},
	{
		.id = "image.inner-runc",
		.title = "the image's runc runs inside the node's Sysbox",
		.target = CHECK_TARGET_IMAGE,
		.probes = NODE_DPKG,
		.rule = rule_inner_runc,
		.evidence = "the image's runc package, else the runc line its containerd.io "
			    "bundles (containerd's script/setup/runc-version); the node's Sysbox "
			    "version (dpkg)",
		.rule_text = "runc < 1.1 passes; runc 1.1 needs Sysbox >= 0.5.2, 1.2 needs >= 0.6.6, "
			     ">= 1.3 needs >= 0.7.0, else fails; either version unknown is skipped",
		.why = "runc inside a CVM runs on Sysbox's emulated /proc and /sys; newer runc lines "
		       "broke older Sysbox (sysbox issues 544, 879, 972, 973)",
		.fix = "upgrade Sysbox on the node, or pin containerd.io=" CONTAINERD_PIN_DEFAULT
		       " in the image",
		.source = "sysbox issues 544, 879, 972, 973; docker/containerd-packaging",
		.docs = "https://github.com/nestybox/sysbox/issues/879",
	},
	{
		.id = "image.tmp-config",
		.title = "nothing placed in /tmp",
		.target = CHECK_TARGET_IMAGE,
		.rule = rule_tmp,
		.evidence = "the entries of the image's /tmp, after every layer's whiteouts",
		.rule_text = "empty passes; any entry warns, naming them",
		.why = "files in /tmp are not available once the CVM workspace is built (Coder's "
		       "known issues)",
		.fix = "put them in another directory (/coder, /mycompanyname), then RUN find /tmp "
		       "-mindepth 1 -delete",
		.source = "Coder docs (" CODER_DOCS_ADMIN ": known issues)",
		.docs = CODER_DOCS_ADMIN,
	},
	{
		.id = "image.arch",
		.title = "image built for the node's architecture",
		.target = CHECK_TARGET_IMAGE,
		.rule = rule_arch,
		.evidence = "architecture of the image's config (else dpkg's architecture); the "
			    "node's (--platform, else uname(2))",
		.rule_text = "the same passes; another fails; either unknown is unknown",
		.why = "a CVM runs the image's programs on the node's CPU",
		.fix = "docker build --platform linux/ARCH",
		.source = "OCI image-spec (config architecture); sysbox docs/arch-compat.md",
		.docs = "https://github.com/opencontainers/image-spec/blob/main/config.md",
	},
	CHECKS_END,
};

const struct image_fix image_recipe[] = {
	{ "image.systemd", "RUN apt-get update && apt-get install -y systemd" },
	{ "image.docker", "# Docker from Docker's apt repository (download.docker.com)\n"
			  "RUN apt-get update && apt-get install -y docker-ce docker-ce-cli" },
	{ "image.containerd-pin",
	  "# containerd.io " CONTAINERD_PIN_DEFAULT ": its runc predates 1.1 (sysbox issue 544); "
	  "not needed with Sysbox >= 0.7.0\n"
	  "RUN apt-get install -y --allow-downgrades containerd.io=" CONTAINERD_PIN_DEFAULT
	  " && apt-mark hold containerd.io" },
	{ "image.inner-runc",
	  "# containerd.io " CONTAINERD_PIN_DEFAULT ": its runc predates 1.1 (sysbox issue 544); "
	  "not needed with Sysbox >= 0.7.0\n"
	  "RUN apt-get install -y --allow-downgrades containerd.io=" CONTAINERD_PIN_DEFAULT
	  " && apt-mark hold containerd.io" },
	{ "image.docker-enabled", "# Enables Docker starting with systemd\n"
				  "RUN systemctl enable docker" },
	{ "image.init", "# use systemd as the init\nRUN ln -sf /lib/systemd/systemd /sbin/init" },
	{ "image.tmp-config", "# /tmp is not kept when the CVM is built: keep files elsewhere "
			      "(/coder)\nRUN find /tmp -mindepth 1 -delete" },
	{ "image.arch", "# build for the node's platform: docker build --platform linux/ARCH" },
};
const size_t n_image_recipe = ELEMENTSOF(image_recipe);
