/* SPDX-License-Identifier: MIT */
/* os.distro: the distribution, from os-release(5). */
#include "checks.h"
#include "core/envfile.h"
#include "core/util.h"
#include "core/version.h"

/* os-release fields recorded as facts, by key. */
static const struct {
	const char *field;
	const char *key;
} os_fields[] = {
	{ "ID", "os.id" },
	{ "ID_LIKE", "os.id_like" },
	{ "VERSION_ID", "os.version_id" },
	{ "VERSION_CODENAME", "os.version_codename" },
	{ "PRETTY_NAME", "os.pretty_name" },
};

struct os_parse {
	char *values[ELEMENTSOF(os_fields)];
};

static int os_field(const char *key, const char *value, void *userdata)
{
	struct os_parse *p = userdata;

	for (size_t i = 0; i < ELEMENTSOF(os_fields); i++)
		if (streq(key, os_fields[i].field)) {
			char *v = strdup(value);

			if (!v)
				return -ENOMEM;
			/* A later assignment wins, as in a shell. */
			free(p->values[i]);
			p->values[i] = v;
		}
	return 0;
}

int probe_os_release(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	/* os-release(5): use /etc/os-release if it exists, only then /usr/lib/os-release. */
	static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };
	_cleanup_free_ char *buf = NULL;
	struct os_parse p = { 0 };
	const char *path = NULL;
	size_t len = 0;
	int r = -ENOENT;

	for (size_t i = 0; i < ELEMENTSOF(paths) && r == -ENOENT; i++) {
		path = paths[i];
		r = host_read(h, path, 64 * 1024, &buf, &len);
	}
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		for (size_t i = 0; i < ELEMENTSOF(os_fields); i++)
			if (facts_set_err(f, os_fields[i].key, paths[0], -r) < 0)
				return -ENOMEM;
		return 0;
	}
	r = envfile_parse(buf, len, os_field, &p);
	for (size_t i = 0; i < ELEMENTSOF(os_fields); i++) {
		if (r >= 0)
			r = facts_set(f, os_fields[i].key, path, p.values[i]);
		free(p.values[i]);
	}
	return r < 0 ? r : 0;
}

/* Whether ID name at VERSION_ID version is a release of one of names ("ID:VERSION") or later. */
static bool release_from(const char *name, const char *version, const char *names)
{
	size_t name_len = strlen(name);
	struct kver have, want;

	if (!version || kver_parse(version, &have) < 0)
		return false;
	for (const char *p = names; *p;) {
		size_t n = strcspn(p, " ");

		if (n > name_len && !strncmp(p, name, name_len) && p[name_len] == ':') {
			_cleanup_free_ char *v = strndup(p + name_len + 1, n - name_len - 1);

			if (v && kver_parse(v, &want) == 0 && kver_cmp(&have, &want) >= 0)
				return true;
		}
		p += n;
		p += strspn(p, " ");
	}
	return false;
}

bool os_match(const struct facts *f, enum os_match how, const char *names)
{
	const struct fact *id = facts_get(f, "os.id");
	const struct fact *version = facts_get(f, "os.version_id");
	const struct fact *like = facts_get(f, "os.id_like");
	/* os-release(5): ID defaults to "linux"; VERSION_ID is optional. */
	const char *name = id && id->value ? id->value : "linux";
	_cleanup_free_ char *release = NULL;

	switch (how) {
	case OS_RELEASE:
		release = strdup_printf("%s:%s", name, version && version->value ? version->value : "");
		return release && words_intersect(release, names);
	case OS_RELEASE_FROM:
		return release_from(name, version ? version->value : NULL, names);
	case OS_LIKE:
		if (like && like->value && words_intersect(like->value, names))
			return true;
		/* fall through */
	case OS_ID:
		return words_intersect(name, names);
	}
	return false;
}

struct distro_rule {
	enum os_match match;
	const char *names;
	enum status status;
	const char *message; /* follows the distribution's name */
};

/* sysbox docs/distro-compat.md and sysbox-pkgr deb/sysbox-ce/sysbox-ce.preinst; first match. */
static const struct distro_rule distro_rules[] = {
	{ OS_RELEASE, "ubuntu:18.04 ubuntu:20.04 ubuntu:22.04 ubuntu:24.04 debian:10 debian:11",
	  STATUS_PASS, "is supported by Sysbox" },
	/* sysbox issues 947, 1005: the AppArmor profile Ubuntu ships for fusermount3 from 25.04. */
	{ OS_RELEASE_FROM, "ubuntu:25.04", STATUS_WARN,
	  "is not a release Sysbox lists, and its AppArmor profile for fusermount3 can keep "
	  "sysbox-fs from mounting: see security.apparmor-fusermount3" },
	{ OS_RELEASE, "debian:12 debian:13", STATUS_WARN,
	  "is not a release Sysbox or Coder lists, though nodes run it in practice: its package "
	  "installs, untested upstream" },
	{ OS_ID, "ubuntu debian", STATUS_WARN,
	  "is not a release Sysbox lists; its package may install but is untested there" },
	{ OS_LIKE, "ubuntu debian", STATUS_WARN,
	  "derives from Ubuntu or Debian; Sysbox's package may install but is untested there" },
	{ OS_LIKE, OS_RHEL_FAMILY, STATUS_WARN,
	  "has no Sysbox package: Sysbox must be built from source, and provisioning refuses" },
	{ OS_ID, "flatcar", STATUS_WARN, "is supported by Sysbox-EE only" },
};

/* CODER_DOCS_ADMIN_V1: "The Kubernetes Nodes must be running an Ubuntu OS". */
static const struct distro_rule distro_rules_v1[] = {
	{ OS_ID, "ubuntu", STATUS_PASS, "is Ubuntu" },
};

static int rule_distro(const struct check *c _unused_, const struct facts *f,
		       const struct config *cfg, struct result *r)
{
	const struct distro_rule *rules = cfg->profile->ubuntu_only ? distro_rules_v1 : distro_rules;
	size_t n = cfg->profile->ubuntu_only ? ELEMENTSOF(distro_rules_v1) : ELEMENTSOF(distro_rules);
	const struct fact *id, *version, *like;
	int ret;

	ret = result_need(r, f, "os.id", &id);
	if (ret <= 0)
		return ret;
	version = facts_get(f, "os.version_id");
	like = facts_get(f, "os.id_like");
	result_evidence_fact(r, id);
	result_evidence_fact(r, version);
	result_evidence_fact(r, like);
	result_observed(r, "%s %s", id->value ? id->value : "linux",
			version && version->value ? version->value : "");
	ret = cfg->profile->ubuntu_only
		      ? result_expected(r, "ubuntu")
		      : result_expected(r, "ubuntu 18.04/20.04/22.04/24.04 or debian 10/11");
	if (ret < 0)
		return ret;

	for (size_t i = 0; i < n; i++)
		if (os_match(f, rules[i].match, rules[i].names))
			return result_set(r, rules[i].status, "%s %s", r->observed, rules[i].message);
	if (cfg->profile->ubuntu_only) {
		result_remediation(r, "use Ubuntu nodes, or judge against Sysbox's own "
				      "matrix with --profile coder");
		return result_set(r, STATUS_FAIL, "%s is not Ubuntu; profile %s allows Ubuntu nodes only",
				  r->observed, cfg->profile->name);
	}
	result_remediation(r, "use a node image on Ubuntu 22.04 or 24.04, or Debian 11");
	return result_set(r, STATUS_FAIL, "%s is not a distribution Sysbox supports", r->observed);
}

const struct check checks_distro[] = {
	{
		.id = "os.distro",
		.title = "Linux distribution",
		.probes = { probe_os_release },
		.rule = rule_distro,
		.evidence = "ID, ID_LIKE and VERSION_ID of /etc/os-release, or of "
			    "/usr/lib/os-release when the former does not exist",
		.rule_text = "profile coder-v1: ID=ubuntu passes, anything else fails. Profiles coder "
			     "and sysbox: Ubuntu 18.04, 20.04, 22.04, 24.04 and Debian 10, 11 pass; "
			     "Ubuntu 25.04 and later warn, pointing at security.apparmor-fusermount3; "
			     "Debian 12 and 13 warn (run in practice, listed nowhere); other Ubuntu "
			     "or Debian releases warn; a derivative of either warns; "
			     "Fedora, Rocky, AlmaLinux, CentOS, RHEL, Amazon Linux and their "
			     "derivatives warn (no package, provisioning refuses); Flatcar warns "
			     "(Sysbox-EE only); anything else fails",
		.why = "Sysbox ships packages for, and is tested on, a short list of distributions; "
		       "Coder's older documentation required Ubuntu nodes",
		.fix = "run CVM nodes on a distribution Sysbox supports (Ubuntu 22.04 or 24.04 are "
		       "the common choice)",
		.source = "Coder docs (" CODER_DOCS_ADMIN_V1 ", " CODER_DOCS_ADMIN "); sysbox docs/distro-compat.md; sysbox-pkgr "
			  "deb/sysbox-ce/sysbox-ce.preinst; sysbox issues 947, 1005 (Ubuntu 25.04 "
			  "and later)",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/distro-compat.md",
	},
	CHECKS_END,
};
