/* SPDX-License-Identifier: MIT */
/* The JSON documents of docker-save archives and OCI layouts (manifest.h). */
#include "manifest.h"

#include <cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "index.h"

void image_desc_free(struct image_desc *d)
{
	free(d->name);
	free(d->digest);
	free(d->media_type);
	*d = (struct image_desc){ .size = -1 };
}

void image_plan_free(struct image_plan *p)
{
	image_desc_free(&p->config);
	for (size_t i = 0; i < p->n_layers; i++)
		image_desc_free(&p->layers[i]);
	free(p->layers);
	*p = (struct image_plan){ 0 };
}

void image_meta_free(struct image_meta *m)
{
	free(m->os);
	free(m->arch);
	free(m->variant);
	free(m->user);
	free(m->workdir);
	strv_free(m->entrypoint);
	strv_free(m->cmd);
	strv_free(m->env);
	*m = (struct image_meta){ 0 };
}

int image_why(char **ret_why, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(ret_why, fmt, ap) < 0) {
		*ret_why = NULL;
		r = -ENOMEM;
	}
	va_end(ap);
	return r;
}

/* A document that cannot be used: -EBADMSG and why. */
#define bad(why, ...) image_why(why, -EBADMSG, __VA_ARGS__)

static int parse(const char *json, size_t len, const char *what, cJSON **ret, char **why)
{
	if (len > MANIFEST_JSON_MAX)
		return bad(why, "%s is larger than %u bytes", what, MANIFEST_JSON_MAX);
	*ret = cJSON_ParseWithLength(json, len);
	if (!*ret)
		return bad(why, "%s is not JSON", what);
	return 0;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool is_hex64(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == 64;
}

/* A descriptor ({mediaType, digest, size}) into *d, named by its digest. */
static int desc_from_json(const cJSON *o, const char *what, struct image_desc *d, char **why)
{
	const char *digest = str(o, "digest"), *type = str(o, "mediaType"), *hex;
	const cJSON *size = cJSON_GetObjectItemCaseSensitive(o, "size");

	*d = (struct image_desc){ .size = -1 };
	if (!digest)
		return bad(why, "%s has no digest", what);
	hex = startswith(digest, "sha256:");
	if (!hex || !is_hex64(hex))
		return bad(why, "%s has digest '%.80s': only sha256 with 64 lowercase hex digits is "
			   "read", what, digest);
	if (!cJSON_IsNumber(size) || size->valuedouble < 0 || size->valuedouble > 1e15 ||
	    size->valuedouble != (double)(long long)size->valuedouble)
		return bad(why, "%s has no valid size", what);
	d->size = (long long)size->valuedouble;
	d->digest = strdup(digest);
	d->name = strdup_printf("blobs/sha256/%s", hex);
	d->media_type = type ? strdup(type) : NULL;
	if (!d->digest || !d->name || (type && !d->media_type)) {
		image_desc_free(d);
		return -ENOMEM;
	}
	return 0;
}

/* A member name of docker save's manifest: a clean relative path; blobs/sha256/HEX gives its
 * digest too. */
static int desc_from_name(const char *name, const char *what, struct image_desc *d, char **why)
{
	char clean[4096];
	const char *hex;

	*d = (struct image_desc){ .size = -1 };
	if (image_path_clean(name, clean, sizeof(clean)) < 0 || streq(clean, "/"))
		return bad(why, "%s names '%.200s', which is not a path inside the archive", what,
			   name);
	d->name = strdup(clean + 1);
	if (!d->name)
		return -ENOMEM;
	hex = startswith(d->name, "blobs/sha256/");
	if (hex && is_hex64(hex) && !(d->digest = strdup_printf("sha256:%s", hex))) {
		image_desc_free(d);
		return -ENOMEM;
	}
	return 0;
}

static int layers_alloc(struct image_plan *p, int n, char **why)
{
	if (n > IMAGE_LAYERS_MAX)
		return bad(why, "the image has %d layers: more than %d (Docker stacks at most 125)",
			   n, IMAGE_LAYERS_MAX);
	p->layers = calloc((size_t)n + 1, sizeof(*p->layers));
	return p->layers ? 0 : -ENOMEM;
}

/* A descriptor read by name, as docker-save's manifest.json gives the config and each layer. */
static int desc_from_name_json(const cJSON *o, const char *what, struct image_desc *d, char **why)
{
	if (!cJSON_IsString(o))
		return bad(why, "%s of manifest.json is not a string", what);
	return desc_from_name(o->valuestring, what, d, why);
}

/* The plan of a manifest: its config and each of its layers read by desc(). Returns 0 and *ret,
 * or -errno (and *why for a bad document). */
static int plan_read(const cJSON *config, const char *config_what, const cJSON *layers,
		     const char *layer_what,
		     int (*desc)(const cJSON *, const char *, struct image_desc *, char **),
		     struct image_plan *ret, char **why)
{
	struct image_plan p = { 0 };
	const cJSON *l;
	int r;

	r = desc(config, config_what, &p.config, why) ?:
	    layers_alloc(&p, cJSON_GetArraySize(layers), why);
	cJSON_ArrayForEach(l, layers) {
		if (r < 0)
			break;
		r = desc(l, layer_what, &p.layers[p.n_layers], why);
		if (r == 0)
			p.n_layers++;
	}
	if (r < 0) {
		image_plan_free(&p);
		return r;
	}
	*ret = p;
	return 0;
}

int manifest_docker(const char *json, size_t len, struct image_plan *ret, char **ret_why)
{
	_cleanup_(cJSON_Deletep) cJSON *doc = NULL;
	const cJSON *img, *config, *layers;
	int r;

	*ret_why = NULL;
	r = parse(json, len, "manifest.json", &doc, ret_why);
	if (r < 0)
		return r;
	img = cJSON_IsArray(doc) ? cJSON_GetArrayItem(doc, 0) : NULL;
	if (!cJSON_IsObject(img))
		return bad(ret_why, "manifest.json is not an array of images");
	config = cJSON_GetObjectItemCaseSensitive(img, "Config");
	layers = cJSON_GetObjectItemCaseSensitive(img, "Layers");
	if (!str(img, "Config") || !cJSON_IsArray(layers))
		return bad(ret_why, "manifest.json names no Config or no Layers");
	return plan_read(config, "Config", layers, "a layer", desc_from_name_json, ret, ret_why);
}

bool manifest_type_is_index(const char *media_type)
{
	return media_type &&
	       (streq(media_type, "application/vnd.oci.image.index.v1+json") ||
		streq(media_type, "application/vnd.docker.distribution.manifest.list.v2+json"));
}

static bool platform_matches(const cJSON *pf, const struct image_platform *want)
{
	const char *os = str(pf, "os"), *arch = str(pf, "architecture"), *variant = str(pf, "variant");

	return os && arch && streq(os, want->os) && streq(arch, want->arch) &&
	       (!want->variant || !variant || streq(variant, want->variant));
}

int manifest_index_pick(const char *json, size_t len, const struct image_platform *want,
			struct image_desc *ret, bool *ret_nested, char **ret_why)
{
	_cleanup_(cJSON_Deletep) cJSON *doc = NULL;
	_cleanup_free_ char *seen = NULL;
	const cJSON *manifests, *m, *any = NULL, *pick = NULL;
	size_t seen_len = 0;
	int r;

	*ret_why = NULL;
	r = parse(json, len, "the image index", &doc, ret_why);
	if (r < 0)
		return r;
	manifests = cJSON_GetObjectItemCaseSensitive(doc, "manifests");
	if (!cJSON_IsArray(manifests))
		return bad(ret_why, "the image index has no manifests array");
	cJSON_ArrayForEach(m, manifests) {
		const cJSON *pf = cJSON_GetObjectItemCaseSensitive(m, "platform");

		if (!cJSON_IsObject(m))
			return bad(ret_why, "a manifest of the image index is not an object");
		if (cJSON_IsObject(pf) && streq_ptr(str(pf, "os"), "unknown"))
			continue; /* an attestation (buildx), not an image */
		if (!pf) {
			if (!any)
				any = m; /* no platform said: for any (umoci, skopeo) */
		} else if (!pick && platform_matches(pf, want))
			pick = m;
		else if (cJSON_IsObject(pf) && str(pf, "os") && str(pf, "architecture")) {
			char *s = strdup_printf("%s%s%s/%s", seen ? seen : "", seen ? ", " : "",
						str(pf, "os"), str(pf, "architecture"));

			if (!s)
				return -ENOMEM;
			free(seen);
			seen = s;
			seen_len = strlen(s);
		}
	}
	if (!pick)
		pick = any;
	if (!pick)
		return bad(ret_why, "the image index has no manifest for %s/%s%s%s (it has: %.*s)",
			   want->os, want->arch, want->variant ? "/" : "",
			   want->variant ? want->variant : "", (int)(seen_len > 400 ? 400 : seen_len),
			   seen ? seen : "none");
	r = desc_from_json(pick, "the manifest descriptor", ret, ret_why);
	if (r < 0)
		return r;
	*ret_nested = manifest_type_is_index(ret->media_type);
	return 0;
}

int manifest_image(const char *json, size_t len, struct image_plan *ret, char **ret_why)
{
	_cleanup_(cJSON_Deletep) cJSON *doc = NULL;
	const cJSON *config, *layers;
	int r;

	*ret_why = NULL;
	r = parse(json, len, "the image manifest", &doc, ret_why);
	if (r < 0)
		return r;
	config = cJSON_GetObjectItemCaseSensitive(doc, "config");
	layers = cJSON_GetObjectItemCaseSensitive(doc, "layers");
	if (!cJSON_IsObject(config) || !cJSON_IsArray(layers))
		return bad(ret_why, "the image manifest has no config or no layers");
	return plan_read(config, "the config descriptor", layers, "a layer descriptor",
			 desc_from_json, ret, ret_why);
}

/* A string array of the config (Entrypoint, Cmd, Env) as a NULL-terminated vector; NULL when
 * absent or null. */
static int strv_from_json(const cJSON *a, const char *what, char ***ret, char **why)
{
	_cleanup_(strv_freep) char **v = NULL;
	const cJSON *s;
	size_t n = 0;

	*ret = NULL;
	if (!a || cJSON_IsNull(a))
		return 0;
	if (!cJSON_IsArray(a))
		return bad(why, "the image config's %s is not an array", what);
	v = calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	cJSON_ArrayForEach(s, a) {
		if (!cJSON_IsString(s))
			return bad(why, "the image config's %s holds a non-string", what);
		v[n] = strdup(s->valuestring);
		if (!v[n++])
			return -ENOMEM;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

static int dup_str(const cJSON *o, const char *key, char **ret)
{
	const char *s = str(o, key);

	*ret = s && s[0] ? strdup(s) : NULL;
	return s && s[0] && !*ret ? -ENOMEM : 0;
}

int manifest_config(const char *json, size_t len, struct image_meta *ret, char **ret_why)
{
	_cleanup_(cJSON_Deletep) cJSON *doc = NULL;
	struct image_meta m = { 0 };
	const cJSON *c;
	int r;

	*ret_why = NULL;
	r = parse(json, len, "the image config", &doc, ret_why);
	if (r < 0)
		return r;
	if (!cJSON_IsObject(doc))
		return bad(ret_why, "the image config is not an object");
	c = cJSON_GetObjectItemCaseSensitive(doc, "config");
	r = dup_str(doc, "os", &m.os) ?: dup_str(doc, "architecture", &m.arch)
		?: dup_str(doc, "variant", &m.variant);
	if (r >= 0 && cJSON_IsObject(c))
		r = dup_str(c, "User", &m.user) ?: dup_str(c, "WorkingDir", &m.workdir)
			?: strv_from_json(cJSON_GetObjectItemCaseSensitive(c, "Entrypoint"),
					  "Entrypoint", &m.entrypoint, ret_why)
			?: strv_from_json(cJSON_GetObjectItemCaseSensitive(c, "Cmd"), "Cmd", &m.cmd,
					  ret_why)
			?: strv_from_json(cJSON_GetObjectItemCaseSensitive(c, "Env"), "Env", &m.env,
					  ret_why);
	if (r < 0) {
		image_meta_free(&m);
		return r;
	}
	*ret = m;
	return 0;
}
