/* SPDX-License-Identifier: MIT */
/* k8s.*: a Kubernetes node's kubelet and containerd against what Sysbox's Kubernetes
 * installer (sysbox-deploy-k8s) supports, and where containerd's config registers sysbox-runc
 * (the kubelet: checks/kubelet.c). */
#include <fnmatch.h>
#include <limits.h>

#include "checks.h"
#include "core/cleanup.h"
#include "core/strbuf.h"
#include "core/sysbox.h"
#include "core/toml.h"
#include "core/util.h"
#include "core/version.h"
#include "runtime.h"

/* containerd's config (containerd(8) --config default) and how deep its imports are read. */
#define CONTAINERD_CONFIG "/etc/containerd/config.toml"
#define CONTAINERD_CONFIG_DIR "/etc/containerd"
#define IMPORTS_MAX 32
/* The CRI plugin that reads runtimes in containerd 2.x (config version 3), and the one before
 * (containerd 1.x, config version 2; "cri" in version 1). */
#define CRI_V1_RUNTIME "io.containerd.cri.v1.runtime"
#define CRI_GRPC "io.containerd.grpc.v1.cri"

struct config_scan {
	struct strbuf plugins; /* where sysbox-runc is registered, space-separated */
	struct strbuf imports; /* the raw value of imports */
	char version[16];      /* the version key, "" when not given */
	bool top;              /* config.toml itself, not an import */
};

static bool path_is(const char *const *path, size_t n, size_t i, const char *name)
{
	return i < n && streq(path[i], name);
}

/* plugins.<plugin>.containerd.runtimes.sysbox-runc[...] registers the runtime. */
static int config_cb(const char *const *path, size_t n, const char *value, size_t value_len,
		     void *userdata)
{
	struct config_scan *cs = userdata;

	if (cs->top && n == 1 && value && streq(path[0], "version"))
		snprintf(cs->version, sizeof(cs->version), "%.*s", (int)value_len, value);
	if (cs->top && n == 1 && value && streq(path[0], "imports")) {
		cs->imports.len = 0;
		return strbuf_add(&cs->imports, value, value_len);
	}
	if (path_is(path, n, 0, "plugins") && path_is(path, n, 2, "containerd") &&
	    path_is(path, n, 3, "runtimes") && path_is(path, n, 4, "sysbox-runc") &&
	    !words_intersect(strbuf_str(&cs->plugins), path[1]))
		return strbuf_add_sep(&cs->plugins, " ", "%s", path[1]);
	return 0;
}

/* Scans one file into cs: 0, -errno, or -EBADMSG with *ret_where "path:line". */
static int config_read(const struct host *h, const char *path, struct config_scan *cs,
		       char *where, size_t size)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	unsigned line = 0;
	int r = host_read(h, path, HOST_READ_MAX, &buf, &len);

	snprintf(where, size, "%s", path);
	if (r < 0)
		return r;
	r = toml_scan(buf, len, config_cb, cs, &line);
	if (r == -EBADMSG)
		snprintf(where, size, "%s:%u", path, line);
	return r < 0 ? r : (cs->plugins.err ?: cs->imports.err);
}

/* One import (containerd resolves a relative one against the config's directory, and globs
 * it): the files it names, read into cs; *count adds them. Only the last component may be a
 * glob. */
static int import_read(const struct host *h, const char *spec, struct config_scan *cs,
		       unsigned *count, char *where, size_t size)
{
	_cleanup_free_ char *path = spec[0] == '/' ? strdup(spec)
						   : strdup_printf("%s/%s", CONTAINERD_CONFIG_DIR,
								   spec);
	_cleanup_(closedirp) DIR *d = NULL;
	char *slash = path ? strrchr(path, '/') : NULL;
	struct dirent *de;
	int r;

	if (!path)
		return -ENOMEM;
	if (!strpbrk(slash + 1, "*?[")) {
		r = config_read(h, path, cs, where, size);
		*count += r == 0;
		return is_absent(r) ? 0 : r;
	}
	*slash = '\0';
	r = host_opendir(h, path[0] ? path : "/", &d);
	if (is_absent(r))
		return 0;
	if (r < 0) {
		snprintf(where, size, "%s", path);
		return r;
	}
	while ((r = host_readdir(d, &de)) > 0) {
		_cleanup_free_ char *file = NULL;

		if (fnmatch(slash + 1, de->d_name, FNM_PERIOD) != 0)
			continue;
		if (*count >= IMPORTS_MAX)
			return -E2BIG;
		file = strdup_printf("%s/%s", path, de->d_name);
		if (!file)
			return -ENOMEM;
		r = config_read(h, file, cs, where, size);
		if (r < 0 && !is_absent(r))
			return r;
		*count += r == 0;
	}
	return r;
}

/* The quoted strings of imports' raw value ("['a', \"b\"]"), each imported. */
static int imports_read(const struct host *h, struct config_scan *cs, unsigned *count,
			char *where, size_t size)
{
	_cleanup_free_ char *list = strdup(strbuf_str(&cs->imports));
	char *p = list;

	if (!list)
		return -ENOMEM;
	cs->top = false;
	while (p && (p = strpbrk(p, "\"'"))) {
		char *e = strchr(p + 1, *p);
		int r;

		if (!e)
			break;
		*e = '\0';
		r = import_read(h, p + 1, cs, count, where, size);
		if (r < 0)
			return r;
		p = e + 1;
	}
	return 0;
}

/*
 * containerd.config: the version of /etc/containerd/config.toml ("1" when it gives none),
 * null when there is no such file, the errno when it (or a file it imports) cannot be read
 * or is malformed (EBADMSG, "path:line" as source); containerd.config.sysbox-runc: the CRI
 * plugins under which config.toml and the files it imports register sysbox-runc
 * (space-separated), null when none does; containerd.config.imports: how many files it
 * imports (null: none).
 */
static int probe_containerd_config(const struct host *h, const struct config *cfg _unused_,
				   struct facts *f)
{
	struct config_scan cs = { .top = true };
	char where[PATH_MAX + 16], n[32];
	unsigned count = 0;
	int r;

	r = config_read(h, CONTAINERD_CONFIG, &cs, where, sizeof(where));
	if (r == 0 && cs.imports.len)
		r = imports_read(h, &cs, &count, where, sizeof(where));
	if (r == -ENOMEM)
		goto out;
	if (is_absent(r) && streq(where, CONTAINERD_CONFIG)) {
		r = facts_set(f, "containerd.config", CONTAINERD_CONFIG, NULL);
		goto out;
	}
	if (r < 0) {
		r = facts_set_err(f, "containerd.config", where, -r);
		goto out;
	}
	snprintf(n, sizeof(n), "%u file%s", count, count == 1 ? "" : "s");
	r = facts_set(f, "containerd.config", CONTAINERD_CONFIG, cs.version[0] ? cs.version : "1") ?:
	    facts_set(f, "containerd.config.sysbox-runc", CONTAINERD_CONFIG,
		      cs.plugins.len ? strbuf_str(&cs.plugins) : NULL) ?:
	    facts_set(f, "containerd.config.imports", CONTAINERD_CONFIG, count ? n : NULL);
out:
	strbuf_release(&cs.plugins);
	strbuf_release(&cs.imports);
	return r < 0 ? r : 0;
}

/* Every k8s.* rule starts here: 1 and *ret with a kubelet found, else r set (skip: none). */
static int need_kubelet(struct result *r, const struct facts *f, struct kubelet *ret)
{
	int n = kubelet_find(r, f, ret);

	if (n < 0 || n == PKG_UNKNOWN)
		return n < 0 ? n : 0;
	if (n == 0)
		return result_observed(r, "no kubelet") ?:
		       result_set(r, STATUS_SKIP, "no kubelet on this node (no kubelet package, "
				  "no kubelet in %s)", BIN_PATH) ?: 0;
	return 1;
}

/* And the k8s.containerd* rules here: the kubelet runs on containerd. */
static int need_kubelet_containerd(struct result *r, const struct facts *f, struct kubelet *k)
{
	int n = need_kubelet(r, f, k);

	if (n <= 0)
		return n;
	if (!streq(k->runtime, KUBELET_RUNTIME_CONTAINERD))
		return result_observed(r, "kubelet on %s", k->runtime) ?:
		       result_set(r, STATUS_SKIP, "the kubelet runs on %s (%s), not containerd",
				  k->runtime, k->endpoint) ?: 0;
	return 1;
}


/* The Kubernetes releases each Sysbox line's sysbox-deploy-k8s installs on (its
 * is_supported_k8s_version; the release notes), newest line first. */
static const struct {
	const char *sysbox;   /* from this Sysbox release */
	unsigned k8s_min[2];  /* {major, minor} */
	unsigned k8s_max[2];
} deploy_k8s[] = {
	{ "0.7.0", { 1, 32 }, { 1, 35 } }, { "0.6.7", { 1, 29 }, { 1, 32 } },
	{ "0.6.6", { 1, 28 }, { 1, 31 } }, { "0.6.5", { 1, 27 }, { 1, 30 } },
	{ "0.6.3", { 1, 26 }, { 1, 28 } }, { "0.6.1", { 1, 24 }, { 1, 26 } },
};

static int minor_cmp(const struct kver *v, const unsigned mm[2])
{
	if (v->major != mm[0])
		return v->major < mm[0] ? -1 : 1;
	return v->minor == mm[1] ? 0 : v->minor < mm[1] ? -1 : 1;
}

static int rule_kubelet_version(const struct check *c _unused_, const struct facts *f,
				const struct config *cfg _unused_, struct result *r)
{
	const char *sysbox = NULL, *line = SYSBOX_VERSION_NEWEST;
	struct kubelet k;
	struct kver v;
	int n = need_kubelet(r, f, &k), cmp;

	if (n <= 0)
		return n;
	for (size_t i = 0; i < SYSBOX_PACKAGES && !sysbox; i++)
		sysbox = dpkg_present_version(r, f, sysbox_packages[i]);
	if (sysbox)
		line = sysbox;
	result_expected(r, "a Kubernetes release sysbox-deploy-k8s of Sysbox %s supports", line);
	if (!k.version)
		return result_observed(r, "kubelet %s, version not known", k.program) ?:
		       result_remediation(r, "install the kubelet from its package, or give its "
					  "version: --assume dpkg.kubelet.status='install ok "
					  "installed' --assume dpkg.kubelet.version=V") ?:
		       result_set(r, STATUS_WARN, "the kubelet (%s) comes from no package: its "
				  "version is not known from files, so whether sysbox-deploy-k8s "
				  "supports it is not known", k.program);
	if (kver_parse(k.version, &v) < 0)
		return result_set(r, STATUS_UNKNOWN, "cannot parse the kubelet's version '%s'",
				  k.version);
	result_observed(r, "kubelet %s, Sysbox %s%s", k.version, line,
			sysbox ? "" : " (none installed: the newest)");
	for (size_t i = 0; i < ELEMENTSOF(deploy_k8s); i++) {
		if (dpkg_version_compare(line, deploy_k8s[i].sysbox, &cmp) < 0)
			return result_set(r, STATUS_UNKNOWN, "cannot parse Sysbox's version '%s'",
					  line);
		if (cmp < 0)
			continue;
		result_expected(r, "Kubernetes %u.%u to %u.%u (sysbox-deploy-k8s of Sysbox %s)",
				deploy_k8s[i].k8s_min[0], deploy_k8s[i].k8s_min[1],
				deploy_k8s[i].k8s_max[0], deploy_k8s[i].k8s_max[1], line);
		if (minor_cmp(&v, deploy_k8s[i].k8s_max) > 0)
			return result_remediation(r, "keep the kubelet at %u.%u or older until a "
						  "Sysbox release supports %u.%u",
						  deploy_k8s[i].k8s_max[0], deploy_k8s[i].k8s_max[1],
						  v.major, v.minor) ?:
			       result_set(r, STATUS_FAIL, "Kubernetes %u.%u is newer than Sysbox %s "
					  "supports (up to %u.%u): sysbox-deploy-k8s refuses to "
					  "install on it", v.major, v.minor, line,
					  deploy_k8s[i].k8s_max[0], deploy_k8s[i].k8s_max[1]);
		if (minor_cmp(&v, deploy_k8s[i].k8s_min) < 0)
			return result_remediation(r, "upgrade the cluster to Kubernetes %u.%u or "
						  "later", deploy_k8s[i].k8s_min[0],
						  deploy_k8s[i].k8s_min[1]) ?:
			       result_set(r, STATUS_WARN, "Kubernetes %u.%u is older than Sysbox %s "
					  "supports (from %u.%u): its sysbox-deploy-k8s dropped it as "
					  "end of life", v.major, v.minor, line,
					  deploy_k8s[i].k8s_min[0], deploy_k8s[i].k8s_min[1]);
		return result_set(r, STATUS_PASS, "Kubernetes %u.%u is among the releases Sysbox %s "
				  "supports (%u.%u to %u.%u)", v.major, v.minor, line,
				  deploy_k8s[i].k8s_min[0], deploy_k8s[i].k8s_min[1],
				  deploy_k8s[i].k8s_max[0], deploy_k8s[i].k8s_max[1]);
	}
	return result_remediation(r, "upgrade Sysbox to %s", SYSBOX_VERSION_NEWEST) ?:
	       result_set(r, STATUS_WARN, "Sysbox %s predates %s, the oldest line whose "
			  "Kubernetes support cvmprep knows", line,
			  deploy_k8s[ELEMENTSOF(deploy_k8s) - 1].sysbox);
}

/* containerd releases Sysbox's Kubernetes support cannot use (requirements: sysbox-deploy-k8s
 * of Sysbox 0.7.0 takes containerd 2.0.5 and later). */
static const struct {
	const char *from, *to; /* inclusive, compared as Debian versions of the upstream */
	const char *why;
} containerd_bad[] = {
	{ "2.0.1", "2.0.4", "Sysbox's Kubernetes support (sysbox-deploy-k8s of 0.7.0) needs "
			    "containerd 2.0.5 or later on the 2.0 line" },
};

/* The upstream part of a package version: "1.7.27-1" -> "1.7.27", "2.0.3~ds1-1" -> "2.0.3". */
static void upstream_of(const char *v, char *buf, size_t size)
{
	const char *colon = strchr(v, ':');

	snprintf(buf, size, "%s", colon ? colon + 1 : v);
	buf[strcspn(buf, "-~+")] = '\0';
}

static int rule_containerd_version(const struct check *c _unused_, const struct facts *f,
				   const struct config *cfg _unused_, struct result *r)
{
	const char *pkg = NULL, *v;
	char up[64];
	struct kubelet k;
	int n = need_kubelet_containerd(r, f, &k), lo, hi;

	if (n <= 0)
		return n;
	v = containerd_installed(r, f, &pkg);
	if (!v)
		return result_observed(r, "no containerd package") ?:
		       result_set(r, STATUS_SKIP, "containerd comes from no package (neither %s "
				  "nor containerd): its version is not known from files",
				  CONTAINERD);
	upstream_of(v, up, sizeof(up));
	result_observed(r, "%s %s", pkg, v);
	result_expected(r, "containerd not in 2.0.1 to 2.0.4");
	for (size_t i = 0; i < ELEMENTSOF(containerd_bad); i++) {
		if (dpkg_version_compare(up, containerd_bad[i].from, &lo) < 0 ||
		    dpkg_version_compare(up, containerd_bad[i].to, &hi) < 0)
			return result_set(r, STATUS_UNKNOWN, "cannot parse %s's version '%s'", pkg, v);
		if (lo >= 0 && hi <= 0)
			return result_remediation(r, "upgrade containerd to 2.0.5 or later") ?:
			       result_set(r, STATUS_FAIL, "%s %s is in %s to %s: %s", pkg, v,
					  containerd_bad[i].from, containerd_bad[i].to,
					  containerd_bad[i].why);
	}
	return result_set(r, STATUS_PASS, "%s %s is outside 2.0.1 to 2.0.4", pkg, v);
}

static int rule_containerd_runtime(const struct check *c _unused_, const struct facts *f,
				   const struct config *cfg _unused_, struct result *r)
{
	const struct fact *conf, *reg;
	const char *pkg = NULL, *v, *want, *sysbox = NULL;
	struct kubelet k;
	bool v2, v3;
	int n = need_kubelet_containerd(r, f, &k), cmp;

	if (n <= 0)
		return n;
	conf = facts_get(f, "containerd.config");
	if (conf && conf->err == EBADMSG) {
		result_evidence_fact(r, conf);
		result_observed(r, "not valid TOML");
		result_expected(r, "a config containerd reads, sysbox-runc registered in it");
		return result_remediation(r, "fix %s (containerd config dump shows what it reads)",
					  CONTAINERD_CONFIG) ?:
		       result_set(r, STATUS_FAIL, "%s is not valid TOML (%s): containerd does not "
				  "start with it", CONTAINERD_CONFIG, conf->source);
	}
	n = result_need(r, f, "containerd.config", &conf);
	if (n <= 0)
		return n;
	reg = facts_get(f, "containerd.config.sysbox-runc");
	result_evidence_fact(r, conf);
	result_evidence_fact(r, reg);
	result_evidence_fact(r, facts_get(f, "containerd.config.imports"));
	v = containerd_installed(r, f, &pkg);
	v3 = conf->value && streq(conf->value, "3");
	v2 = v3 || (v && dpkg_version_compare(v, "2", &cmp) == 0 && cmp >= 0);
	if (!v && !v3)
		return result_observed(r, "containerd version not known") ?:
		       result_set(r, STATUS_SKIP, "containerd comes from no package and its config "
				  "is not version 3: which plugin path it reads is not known");
	want = v2 ? CRI_V1_RUNTIME : CRI_GRPC;
	result_expected(r, "sysbox-runc under plugins.\"%s\".containerd.runtimes", want);
	result_observed(r, "%s; config version %s; sysbox-runc under %s",
			v ? v : "containerd 2.x (config version 3)", conf->value ? conf->value : "-",
			reg && reg->value ? reg->value : "no plugin");
	if (reg && reg->value && (words_intersect(reg->value, want) ||
				  /* a version 1 or 2 config is migrated to 3 when 2.x loads it */
				  (v2 && !v3 && words_intersect(reg->value, CRI_GRPC " cri"))))
		return result_set(r, STATUS_PASS, "sysbox-runc is registered under %s, which "
				  "containerd %s reads", reg->value, v ? v : "2.x");
	result_remediation(r, "register it under [plugins.\"%s\".containerd.runtimes.sysbox-runc] "
			      "(runtime_type = \"io.containerd.runc.v2\", options BinaryName = "
			      "\"/usr/bin/sysbox-runc\"), or use sysbox-deploy-k8s of Sysbox 0.7.1",
			   want);
	if (reg && reg->value)
		return result_set(r, STATUS_FAIL, "sysbox-runc is registered under %s only, which "
				  "containerd %s ignores with a version %s config: it reads %s "
				  "(sysbox issue 1013)", reg->value, v ? v : "2.x",
				  conf->value ? conf->value : "1", want);
	for (size_t i = 0; i < SYSBOX_PACKAGES && !sysbox; i++)
		if ((sysbox = dpkg_present_version(r, f, sysbox_packages[i])))
			pkg = sysbox_packages[i];
	if (sysbox)
		return result_set(r, STATUS_FAIL, "%s %s is installed but sysbox-runc is not "
				  "registered with containerd (%s%s): pods with the sysbox-runc "
				  "runtime class do not start", pkg, sysbox,
				  conf->value ? CONTAINERD_CONFIG : "no ",
				  conf->value ? "" : CONTAINERD_CONFIG);
	return result_set(r, STATUS_WARN, "sysbox-runc is not registered with containerd yet (%s "
			  "%s): sysbox-deploy-k8s registers it, under %s from Sysbox 0.7.1 on",
			  conf->value ? "in" : "no", CONTAINERD_CONFIG, want);
}

#define K8S_SKIP " Skipped where no kubelet is found (no kubelet package, no kubelet program)."

const struct check checks_k8s[] = {
	{
		.id = "k8s.kubelet-version",
		.title = "kubelet within Sysbox's Kubernetes support",
		.probes = { probe_dpkg, probe_kubelet },
		.rule = rule_kubelet_version,
		.evidence = "the kubelet and sysbox-ce/sysbox-ee paragraphs of /var/lib/dpkg/status; "
			    "the kubelet program in " BIN_PATH,
		.rule_text = "the kubelet's Kubernetes release within what sysbox-deploy-k8s of the "
			     "installed Sysbox line supports (else of the newest, " SYSBOX_VERSION_NEWEST
			     "): 0.7.0 and later 1.32 to 1.35, 0.6.7 1.29 to 1.32, 0.6.6 1.28 to "
			     "1.31, 0.6.5 1.27 to 1.30, 0.6.3 1.26 to 1.28, 0.6.1 1.24 to 1.26, "
			     "passes; newer fails, older warns; a kubelet of no package (version "
			     "not known) warns." K8S_SKIP,
		.why = "sysbox-deploy-k8s installs only on the Kubernetes releases it lists, and "
		       "refuses the rest ('Sysbox is not supported on this Kubernetes version'); "
		       "newer releases than a Sysbox line knows have broken it (sysbox issues 961, "
		       "1036)",
		.fix = "keep the kubelet within the range, or upgrade Sysbox to a line that "
		       "supports it",
		.source = "nestybox/sysbox-pkgr k8s/scripts/sysbox-deploy-k8s.sh "
			  "(is_supported_k8s_version); Sysbox release notes 0.6.1 to 0.7.0 ("
			  SYSBOX_RELEASE_0_7_0 ")",
		.docs = SYSBOX_RELEASE_0_7_0,
	},
	{
		.id = "k8s.containerd-version",
		.title = "containerd release usable by Sysbox on Kubernetes",
		.probes = { probe_dpkg, probe_kubelet },
		.rule = rule_containerd_version,
		.evidence = "the containerd.io and containerd paragraphs of /var/lib/dpkg/status; the "
			    "kubelet's container runtime endpoint",
		.rule_text = "with the kubelet on containerd: containerd (containerd.io, else "
			     "the distribution's containerd) 2.0.1 to 2.0.4 fails, any other passes; "
			     "a containerd of no package is skipped (its version is not known from "
			     "files), as is a kubelet on another runtime." K8S_SKIP,
		.why = "Sysbox 0.7.0's Kubernetes support (user namespaces for sysbox pods) needs "
		       "containerd 2.0.5 or later on the 2.0 line",
		.fix = "upgrade containerd to 2.0.5 or later",
		.source = "Sysbox 0.7.0 release notes (" SYSBOX_RELEASE_0_7_0 "); sysbox-deploy-k8s",
		.docs = SYSBOX_RELEASE_0_7_0,
	},
	{
		.id = "k8s.containerd-runtime",
		.title = "sysbox-runc registered where containerd reads it",
		.probes = { probe_dpkg, probe_kubelet, probe_containerd_config },
		.rule = rule_containerd_runtime,
		.evidence = CONTAINERD_CONFIG " (its version key, the tables and keys under "
			    "plugins.<plugin>.containerd.runtimes.sysbox-runc, and the files it "
			    "imports, one level deep); the containerd.io and containerd packages",
		.rule_text = "with the kubelet on containerd: containerd 2.x (or a version 3 "
			     "config) reads runtimes under plugins.\"" CRI_V1_RUNTIME "\", 1.x under "
			     "plugins.\"" CRI_GRPC "\"; sysbox-runc registered there passes (an old "
			     "path in a version 1 or 2 config passes with 2.x, which migrates it); "
			     "registered only under the other path fails; not registered fails when "
			     "Sysbox is installed, else warns; a config that is not valid TOML fails; "
			     "one that cannot be read is unknown." K8S_SKIP,
		.why = "containerd 2.x ignores the old io.containerd.grpc.v1.cri path in a version "
		       "3 config, so pods with the sysbox-runc runtime class fail, as "
		       "sysbox-deploy-k8s of Sysbox 0.7.0 left nodes (sysbox issue 1013)",
		.fix = "register sysbox-runc under [plugins.\"" CRI_V1_RUNTIME
		       "\".containerd.runtimes.sysbox-runc] (runtime_type = "
		       "\"io.containerd.runc.v2\", BinaryName = \"/usr/bin/sysbox-runc\"), then "
		       "systemctl restart containerd; or deploy Sysbox 0.7.1",
		.source = "sysbox issue 1013 (" SYSBOX_ISSUE_1013 "); containerd docs/cri/config.md; "
			  "sysbox-pkgr k8s/config/containerd-sysbox-dropin.toml",
		.docs = SYSBOX_ISSUE_1013,
	},
	CHECKS_END,
};
