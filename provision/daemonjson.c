/* SPDX-License-Identifier: MIT */
#include "daemonjson.h"

#include <cJSON.h>

#include "core/util.h"

int dj_set_runtime(cJSON *json, const char *name, const char *path)
{
	cJSON *runtimes = cJSON_GetObjectItemCaseSensitive(json, "runtimes"), *entry, *p;

	if (!runtimes) {
		runtimes = cJSON_AddObjectToObject(json, "runtimes");
		if (!runtimes)
			return -ENOMEM;
	}
	if (!cJSON_IsObject(runtimes))
		return -EINVAL;
	entry = cJSON_GetObjectItemCaseSensitive(runtimes, name);
	if (!entry) {
		entry = cJSON_AddObjectToObject(runtimes, name);
		if (!entry)
			return -ENOMEM;
	}
	if (!cJSON_IsObject(entry))
		return -EINVAL;
	p = cJSON_GetObjectItemCaseSensitive(entry, "path");
	if (cJSON_IsString(p) && streq(p->valuestring, path))
		return 0;
	if (p) {
		cJSON *s = cJSON_CreateString(path);

		if (!s || !cJSON_ReplaceItemInObjectCaseSensitive(entry, "path", s)) {
			cJSON_Delete(s);
			return -ENOMEM;
		}
		return 1;
	}
	return cJSON_AddStringToObject(entry, "path", path) ? 1 : -ENOMEM;
}

/* Whether key is absent, an empty string or an empty array: what the postinst would fill. */
static bool unset(const cJSON *json, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(json, key);

	return !v || (cJSON_IsString(v) && !*v->valuestring) ||
	       (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 0);
}

static int replace(cJSON *json, const char *key, cJSON *v)
{
	if (!v)
		return -ENOMEM;
	if (cJSON_GetObjectItemCaseSensitive(json, key)) {
		if (!cJSON_ReplaceItemInObjectCaseSensitive(json, key, v)) {
			cJSON_Delete(v);
			return -ENOMEM;
		}
	} else if (!cJSON_AddItemToObject(json, key, v)) {
		cJSON_Delete(v);
		return -ENOMEM;
	}
	return 0;
}

int dj_set_network(cJSON *json)
{
	bool changed = false;

	if (unset(json, "bip")) {
		if (replace(json, "bip", cJSON_CreateString(SYSBOX_BIP)) < 0)
			return -ENOMEM;
		changed = true;
	}
	if (unset(json, "default-address-pools")) {
		cJSON *pools = cJSON_CreateArray(), *pool = cJSON_CreateObject();

		if (!pools || !pool || !cJSON_AddItemToArray(pools, pool)) {
			cJSON_Delete(pools);
			cJSON_Delete(pool);
			return -ENOMEM;
		}
		if (!cJSON_AddStringToObject(pool, "base", SYSBOX_POOL_BASE) ||
		    !cJSON_AddNumberToObject(pool, "size", SYSBOX_POOL_SIZE)) {
			cJSON_Delete(pools);
			return -ENOMEM;
		}
		if (replace(json, "default-address-pools", pools) < 0)
			return -ENOMEM;
		changed = true;
	}
	return changed;
}

/* A growing output buffer. */
struct out {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = (o->len + n + 1) * 2;
		char *p = realloc(o->buf, cap);

		if (!p) {
			o->oom = true;
			return;
		}
		o->buf = p;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void indent(struct out *o, unsigned depth)
{
	for (unsigned i = 0; i < depth; i++)
		put(o, "    ", 4);
}

/* A leaf (string, number, bool, null) as cJSON renders it: its escaping and number format. */
static void leaf(struct out *o, const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);

	if (!s) {
		o->oom = true;
		return;
	}
	puts_(o, s);
	free(s);
}

static void value(struct out *o, const cJSON *v, unsigned depth)
{
	bool obj = cJSON_IsObject(v);

	if (!obj && !cJSON_IsArray(v)) {
		leaf(o, v);
		return;
	}
	if (!v->child) {
		puts_(o, obj ? "{}" : "[]");
		return;
	}
	puts_(o, obj ? "{\n" : "[\n");
	for (const cJSON *c = v->child; c; c = c->next) {
		indent(o, depth + 1);
		if (obj) {
			cJSON key = { .type = cJSON_String, .valuestring = c->string };

			leaf(o, &key);
			puts_(o, ": ");
		}
		value(o, c, depth + 1);
		puts_(o, c->next ? ",\n" : "\n");
	}
	indent(o, depth);
	puts_(o, obj ? "}" : "]");
}

int dj_print(const cJSON *json, char **ret, size_t *ret_len)
{
	struct out o = { 0 };

	value(&o, json, 0);
	puts_(&o, "\n");
	if (o.oom) {
		free(o.buf);
		return -ENOMEM;
	}
	*ret = o.buf;
	*ret_len = o.len;
	return 0;
}
