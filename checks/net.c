/* SPDX-License-Identifier: MIT */
/*
 * net.istio: "Legacy versions of cluster-wide proxy services such as Istio are not supported"
 * (CODER_DOCS_ADMIN_V1). The docs do not define "legacy", so a node whose CNI configuration chains the
 * istio-cni plugin is a warning for the operator to confirm, not a failure.
 */
#include <cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>

#include "checks.h"
#include "core/cleanup.h"
#include "core/strbuf.h"
#include "core/util.h"

#define CNI_DIR "/etc/cni/net.d"
/* At most this many config files are read, of at most this size: a node has a handful. */
#define CNI_FILES_MAX 64
#define CNI_FILE_MAX (256 * 1024)

/* The suffixes containerd's go-cni loads (loadFromConfDir: .conf, .conflist, .json). */
static const char *const cni_suffixes[] = { ".conf", ".conflist", ".json" };

static bool is_cni_config(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return false;
	for (size_t i = 0; i < ELEMENTSOF(cni_suffixes); i++) {
		size_t s = strlen(cni_suffixes[i]);

		if (n > s && streq(name + n - s, cni_suffixes[i]))
			return true;
	}
	return false;
}

/* The config files in the directory: the CNI_FILES_MAX first in go-cni's order (sorted by
 * name: containerd loads the first), whatever order readdir gives them in. */
struct cni_files {
	char *name[CNI_FILES_MAX];
	size_t n;
	size_t left_out; /* beyond CNI_FILES_MAX: the ones that sort last */
};

static void cni_files_free(struct cni_files *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->name[i]);
}

/* Inserts name in sorted place, dropping the last when full. Returns 0 or -ENOMEM. */
static int cni_files_add(struct cni_files *c, const char *name)
{
	size_t at = c->n;
	char *copy;

	while (at > 0 && strcmp(name, c->name[at - 1]) < 0)
		at--;
	c->left_out += c->n == CNI_FILES_MAX;
	if (at == CNI_FILES_MAX)
		return 0;
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	if (c->n == CNI_FILES_MAX)
		free(c->name[--c->n]);
	memmove(&c->name[at + 1], &c->name[at], (c->n - at) * sizeof(c->name[0]));
	c->name[at] = copy;
	c->n++;
	return 0;
}

/* Returns 0, -ENOENT when the directory does not exist, or another -errno. */
static int list_cni(const struct host *h, struct cni_files *c)
{
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;
	int r = host_opendir(h, CNI_DIR, &d);

	if (r < 0)
		return r;
	while ((r = host_readdir(d, &de)) > 0) {
		if (!is_cni_config(de->d_name))
			continue;
		r = cni_files_add(c, de->d_name);
		if (r < 0)
			return r;
	}
	/* Part of a listing is not the directory: the file loaded may be in the rest. */
	return r < 0 ? r : 0;
}

/* A string member of o, or NULL. */
static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* How many istio-cni plugins of one file are named before they are only counted. */
#define ISTIO_NAMED_MAX 4

/* Notes the istio-cni plugins of a parsed config: a .conflist holds "plugins", a .conf is
 * one plugin (CNI spec, "Network configuration"). */
static void find_istio(const cJSON *conf, const char *name, struct strbuf *found)
{
	const cJSON *plugins = cJSON_GetObjectItemCaseSensitive(conf, "plugins");
	const cJSON *p;
	size_t n = 0;

	if (!cJSON_IsArray(plugins))
		plugins = NULL;
	for (p = plugins ? plugins->child : conf; p; p = plugins ? p->next : NULL) {
		const char *type = json_str(p, "type");
		const char *version = json_str(p, "version");
		const char *cni = json_str(p, "cniVersion") ?: json_str(conf, "cniVersion");

		if (!type || !streq(type, "istio-cni") || ++n > ISTIO_NAMED_MAX)
			continue;
		if (version)
			strbuf_add_sep(found, "; ", "%s: istio-cni version %s", name, version);
		else if (cni)
			strbuf_add_sep(found, "; ",
				       "%s: istio-cni (no plugin version recorded; cniVersion %s)",
				       name, cni);
		else
			strbuf_add_sep(found, "; ", "%s: istio-cni (no version recorded)", name);
	}
	if (n > ISTIO_NAMED_MAX)
		strbuf_add_sep(found, "; ", "%s: %zu more istio-cni plugins", name,
			       n - ISTIO_NAMED_MAX);
}

/*
 * Records net.cni_dir (the config files read; null when there is no /etc/cni/net.d),
 * net.istio (each istio-cni plugin: file and version; null when none), net.cni_invalid (files
 * that are not JSON objects; null when none), net.cni_unreadable (the first file that could
 * not be read, as an errno; null when none) and net.cni_unread (how many config files sort
 * after the CNI_FILES_MAX read; null when none).
 */
static int probe_cni(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	_cleanup_free_ char *names = NULL, *found = NULL, *invalid = NULL, *bad_path = NULL;
	_cleanup_free_ char *unread = NULL;
	_cleanup_strbuf_ struct strbuf jn = STRBUF_INIT, jf = STRBUF_INIT, ji = STRBUF_INIT;
	struct cni_files c = { .n = 0 };
	int r, bad_err = 0;

	r = list_cni(h, &c);
	if (r == -ENOENT) {
		r = facts_set(f, "net.cni_dir", CNI_DIR, NULL);
		goto out;
	}
	if (r < 0) {
		r = r == -ENOMEM ? r : facts_set_err(f, "net.cni_dir", CNI_DIR, -r);
		goto out;
	}
	for (size_t i = 0; i < c.n; i++) {
		_cleanup_free_ char *path = strdup_printf("%s/%s", CNI_DIR, c.name[i]), *buf = NULL;
		_cleanup_(cJSON_Deletep) cJSON *conf = NULL;
		size_t len;

		strbuf_add_sep(&jn, " ", "%s", c.name[i]);
		if (!path) {
			r = -ENOMEM;
			goto out;
		}
		r = host_read(h, path, CNI_FILE_MAX, &buf, &len);
		if (r == -ENOMEM)
			goto out;
		if (r < 0) {
			if (!bad_err) {
				bad_err = -r;
				bad_path = TAKE_PTR(path);
			}
			continue;
		}
		conf = cJSON_ParseWithLength(buf, len);
		if (!cJSON_IsObject(conf))
			strbuf_add_sep(&ji, "; ", "%s: %s", c.name[i],
				       conf ? "not a JSON object" : "not JSON");
		else
			find_istio(conf, c.name[i], &jf);
	}
	if (c.left_out)
		strbuf_add_sep(&jn, "; ", "%zu more not read", c.left_out);
	names = strbuf_detach(&jn);
	found = strbuf_detach(&jf);
	invalid = strbuf_detach(&ji);
	if ((c.left_out && !(unread = strdup_printf("%zu", c.left_out))) || jn.err || jf.err ||
	    ji.err) {
		r = -ENOMEM;
		goto out;
	}
	r = facts_set(f, "net.cni_dir", CNI_DIR, names ?: "") ?:
	    facts_set(f, "net.istio", CNI_DIR, found) ?:
	    facts_set(f, "net.cni_invalid", CNI_DIR, invalid) ?:
	    facts_set(f, "net.cni_unread", CNI_DIR, unread) ?:
	    (bad_err ? facts_set_err(f, "net.cni_unreadable", bad_path, bad_err)
		     : facts_set(f, "net.cni_unreadable", CNI_DIR, NULL));
out:
	cni_files_free(&c);
	return r < 0 ? r : 0;
}

static int rule_istio(const struct check *c _unused_, const struct facts *f,
		      const struct config *cfg _unused_, struct result *r)
{
	static const char *const keys[] = { "net.istio", "net.cni_invalid", "net.cni_unreadable",
					    "net.cni_unread" };
	const struct fact *dir, *istio, *invalid, *unreadable, *unread;
	int ret = result_need(r, f, "net.cni_dir", &dir);

	if (ret <= 0)
		return ret;
	result_evidence_fact(r, dir);
	result_expected(r, "no istio-cni plugin");
	if (!dir->value) {
		result_observed(r, "no %s", CNI_DIR);
		/* In a pod, the node's CNI configuration is not visible unless mounted: absence
		 * says nothing about the node. */
		if (facts_mode(f) == MODE_POD)
			return result_set(r, STATUS_SKIP, "the node's %s is not visible from this pod",
					  CNI_DIR);
		return result_set(r, STATUS_PASS, "no CNI configuration (%s does not exist)", CNI_DIR);
	}
	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		result_evidence_fact(r, facts_get(f, keys[i]));
	istio = facts_get(f, "net.istio");
	invalid = facts_get(f, "net.cni_invalid");
	unreadable = facts_get(f, "net.cni_unreadable");
	unread = facts_get(f, "net.cni_unread");
	if (istio && !istio->err && istio->value) {
		result_observed(r, "%s", istio->value);
		result_remediation(r, "confirm with Coder that this Istio version is supported "
				      "for CVMs, or keep CVM nodes out of the mesh");
		return result_set(r, STATUS_WARN,
				  "Istio's CNI plugin is configured (%s); Coder does not support "
				  "\"legacy\" cluster-wide proxies such as Istio and does not say "
				  "which versions",
				  istio->value);
	}
	if (!istio || !invalid || !unreadable || !unread || unread->err)
		return result_set(r, STATUS_UNKNOWN, "the CNI configuration was not recorded");
	if (unreadable->err)
		return result_set(r, STATUS_UNKNOWN, "cannot read '%s': %s", unreadable->source,
				  strerror(unreadable->err));
	/* A malformed file was read but says nothing; containerd's go-cni refuses to load the
	 * directory at that file (ErrInvalidConfig), so the node has a problem either way. */
	if (invalid->value) {
		result_observed(r, "invalid: %s", invalid->value);
		result_remediation(r, "fix or remove the malformed files in %s", CNI_DIR);
		return result_set(r, STATUS_WARN,
				  "cannot tell whether these CNI configs name istio-cni: %s",
				  invalid->value);
	}
	result_observed(r, "%s", *dir->value ? dir->value : "no CNI config files");
	/* The first file, the one containerd loads, was read; the others may still be chained. */
	if (unread->value)
		return result_set(r, STATUS_UNKNOWN,
				  "no istio-cni plugin in the %d config files read, but %s more in "
				  "%s were not read",
				  CNI_FILES_MAX, unread->value, CNI_DIR);
	return result_set(r, STATUS_PASS, "no CNI configuration names the istio-cni plugin");
}

const struct check checks_net[] = {
	{
		.id = "net.istio",
		.title = "No Istio CNI plugin",
		.probes = { probe_cni },
		.rule = rule_istio,
		.evidence = "the CNI configuration files in /etc/cni/net.d (*.conf, *.conflist, "
			    "*.json, as containerd loads them; at most 64 of 256 KiB each), parsed "
			    "as JSON: plugins of type \"istio-cni\" and their version",
		.rule_text = "no istio-cni plugin passes; an istio-cni plugin warns, naming the file "
			     "and its version; a file that is not JSON warns (it cannot be judged, "
			     "and containerd will not load the directory either); an unreadable file "
			     "or directory is unknown, and so is a directory of more than 64 config "
			     "files without istio-cni in the 64 read (the first by name, which "
			     "containerd loads, among them); no /etc/cni/net.d passes on a host and is "
			     "skip in a pod (the node's directory is not visible there)",
		.why = "Coder's docs say legacy versions of cluster-wide proxies such as Istio are "
		       "not supported with CVMs, without saying which versions are legacy",
		.fix = "confirm the Istio version with Coder, or keep CVM nodes out of the mesh "
		       "(exclude their namespace from istio-cni)",
		.source = "Coder docs (" CODER_DOCS_ADMIN_V1 ": \"Legacy versions of cluster-wide proxy services "
			  "such as Istio are not supported\")",
		.docs = "https://coder.com/docs/v1/latest/admin/workspace-management/cvms",
	},
	CHECKS_END,
};
