/* SPDX-License-Identifier: MIT */
/* The JSON report, schema cvmprep.report/v1 (reports/schema/). */
#include <cJSON.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "diff.h"
#include "report.h"

/* Adds s, or null when s is NULL. */
static bool add_str(cJSON *o, const char *key, const char *s)
{
	return s ? cJSON_AddStringToObject(o, key, s) != NULL : cJSON_AddNullToObject(o, key) != NULL;
}

static bool add_evidence(cJSON *arr, const char *source, const char *value, int err);

/* What decided host or pod: host.mode (its source says why), then each piece of evidence. */
static bool add_mode_evidence(cJSON *host, const struct report_header *h)
{
	cJSON *arr = cJSON_AddArrayToObject(host, "mode_evidence");

	if (!arr)
		return false;
	for (size_t i = 0; i < h->n_mode_evidence; i++) {
		const struct fact *fa = h->mode_evidence[i];

		if (!add_evidence(arr, fa->source, fa->value, fa->err))
			return false;
	}
	return true;
}

static bool add_host(cJSON *root, const struct report_header *h)
{
	cJSON *host = cJSON_AddObjectToObject(root, "host"), *os;

	if (!host || !add_str(host, "hostname", h->hostname) || !add_str(host, "kernel", h->kernel) ||
	    !add_str(host, "arch", h->arch))
		return false;
	os = cJSON_AddObjectToObject(host, "os");
	return os && add_str(os, "id", h->os_id) && add_str(os, "version_id", h->os_version_id) &&
	       add_str(os, "pretty_name", h->os_pretty_name) && add_str(host, "mode", h->mode) &&
	       add_mode_evidence(host, h) && add_str(host, "root", h->root);
}

static bool add_evidence(cJSON *arr, const char *source, const char *value, int err)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return false;
	}
	if (!cJSON_AddStringToObject(o, "source", source))
		return false;
	if (err)
		return cJSON_AddNumberToObject(o, "errno", err) &&
		       cJSON_AddStringToObject(o, "error", strerror(err));
	return add_str(o, "value", value);
}

/* The facts of a what-if run that --assume gave, as {key, value}: only when there are any. */
static bool add_assumed_facts(cJSON *root, const struct facts *f)
{
	cJSON *arr = NULL;

	for (size_t i = 0; f && i < f->n; i++) {
		cJSON *o;

		if (!fact_assumed_key(f->v[i].source))
			continue;
		if (!arr && !(arr = cJSON_AddArrayToObject(root, "assumed")))
			return false;
		o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			return false;
		}
		if (!add_str(o, "key", f->v[i].key) || !add_str(o, "value", f->v[i].value))
			return false;
	}
	return true;
}

/* The assumed facts a check's evidence holds, each once: only when there are any. */
static bool add_assumed_evidence(cJSON *o, const struct result *r)
{
	cJSON *arr = NULL;

	for (size_t i = 0; i < r->n_evidence; i++) {
		const char *key = result_assumed_key(r, i);
		cJSON *s;

		if (!key)
			continue;
		if (!arr && !(arr = cJSON_AddArrayToObject(o, "assumed")))
			return false;
		s = cJSON_CreateString(key);
		if (!s || !cJSON_AddItemToArray(arr, s)) {
			cJSON_Delete(s);
			return false;
		}
	}
	return true;
}

static bool add_result(cJSON *arr, const struct result *r)
{
	cJSON *o = cJSON_CreateObject(), *ev;

	if (!o || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return false;
	}
	if (!add_str(o, "id", r->check->id) || !add_str(o, "title", r->check->title) ||
	    !add_str(o, "status", status_to_string(r->status)) ||
	    !add_str(o, "observed", r->observed) || !add_str(o, "expected", r->expected) ||
	    !add_str(o, "message", r->message) || !add_str(o, "remediation", r->remediation))
		return false;
	ev = cJSON_AddArrayToObject(o, "evidence");
	if (!ev)
		return false;
	for (size_t i = 0; i < r->n_evidence; i++)
		if (!add_evidence(ev, r->evidence[i].source, r->evidence[i].value,
				  r->evidence[i].err))
			return false;
	return add_assumed_evidence(o, r) && add_str(o, "docs", r->check->docs) &&
	       cJSON_AddNumberToObject(o, "duration_us", (double)r->duration_us);
}

/* A string array, or null. */
static bool add_strv(cJSON *o, const char *key, char *const *v)
{
	cJSON *arr;

	if (!v)
		return cJSON_AddNullToObject(o, key) != NULL;
	arr = cJSON_AddArrayToObject(o, key);
	for (size_t i = 0; arr && v[i]; i++) {
		cJSON *s = cJSON_CreateString(v[i]);

		if (!s || !cJSON_AddItemToArray(arr, s)) {
			cJSON_Delete(s);
			return false;
		}
	}
	return arr != NULL;
}

/* `cvmprep image`: what was read, and what its configuration says runs. */
static bool add_image(cJSON *root, const struct image *img)
{
	cJSON *o = cJSON_AddObjectToObject(root, "image");
	const struct image_meta *m = &img->meta;

	return o && add_str(o, "source", img->source) &&
	       add_str(o, "format", image_format_to_string(img->format)) &&
	       add_str(o, "manifest_digest", img->manifest_digest) &&
	       cJSON_AddNumberToObject(o, "layers", img->n_layers) && add_str(o, "os", m->os) &&
	       add_str(o, "architecture", m->arch) && add_str(o, "variant", m->variant) &&
	       add_str(o, "user", m->user) && add_str(o, "working_dir", m->workdir) &&
	       add_strv(o, "entrypoint", m->entrypoint) && add_strv(o, "cmd", m->cmd) &&
	       add_strv(o, "env", m->env);
}

/* `check --baseline`: the comparison with the earlier report. */
static bool add_baseline(cJSON *root, const struct report_diff *d)
{
	cJSON *o = report_diff_json(d);

	if (!o || !cJSON_AddItemToObject(root, "baseline", o)) {
		cJSON_Delete(o);
		return false;
	}
	return true;
}

static bool add_body(cJSON *root, const struct report *rep)
{
	cJSON *profile, *summary, *checks;

	if (!add_host(root, &rep->header))
		return false;
	profile = cJSON_AddObjectToObject(root, "profile");
	if (!profile || !add_str(profile, "name", rep->cfg->profile->name) ||
	    !cJSON_AddBoolToObject(profile, "caching", rep->cfg->caching) ||
	    !cJSON_AddBoolToObject(profile, "shiftfs_autoload", rep->cfg->shiftfs_autoload) ||
	    !cJSON_AddBoolToObject(profile, "strict", rep->cfg->strict) ||
	    !add_assumed_facts(root, rep->facts))
		return false;
	if (!add_str(root, "verdict", verdict_to_string(rep->verdict)))
		return false;
	summary = cJSON_AddObjectToObject(root, "summary");
	if (!summary)
		return false;
	for (enum status s = 0; s < _STATUS_MAX; s++)
		if (!cJSON_AddNumberToObject(summary, status_to_string(s), rep->summary[s]))
			return false;
	checks = cJSON_AddArrayToObject(root, "checks");
	if (!checks)
		return false;
	for (size_t i = 0; i < rep->n_results; i++)
		if (!add_result(checks, &rep->results[i]))
			return false;
	if (rep->image && !add_image(root, rep->image))
		return false;
	if (rep->baseline && !add_baseline(root, rep->baseline))
		return false;
	if (rep->provision)
		return cJSON_AddItemReferenceToObject(root, "provision", (cJSON *)rep->provision);
	return cJSON_AddNullToObject(root, "provision") != NULL;
}

cJSON *report_json(const struct report *rep)
{
	cJSON *root = report_json_head(REPORT_SCHEMA, rep->generated_at);

	if (root && !add_body(root, rep)) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

int report_write_json(const struct report *rep, bool color _unused_, char **ret, size_t *ret_len)
{
	_cleanup_(cJSON_Deletep) cJSON *root = report_json(rep);

	return root ? json_print(root, ret, ret_len) : -ENOMEM;
}
