/* SPDX-License-Identifier: MIT */
#include "facts.h"

#include <cJSON.h>

#include "util.h"

static struct fact *facts_slot(struct facts *f, const char *key)
{
	struct fact *slot;

	for (size_t i = 0; i < f->n; i++)
		if (streq(f->v[i].key, key)) {
			slot = &f->v[i];
			free(slot->value);
			free(slot->source);
			slot->value = slot->source = NULL;
			slot->err = 0;
			return slot;
		}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		struct fact *v = realloc(f->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		f->v = v;
		f->cap = cap;
	}
	slot = &f->v[f->n];
	*slot = (struct fact){ .key = strdup(key) };
	if (!slot->key)
		return NULL;
	f->n++;
	return slot;
}

static int facts_put(struct facts *f, const char *key, const char *source, const char *value,
		     int err)
{
	struct fact *slot = facts_slot(f, key);

	if (!slot)
		return -ENOMEM;
	slot->err = err;
	slot->source = strdup(source);
	if (!slot->source)
		return -ENOMEM;
	if (value) {
		slot->value = strdup(value);
		if (!slot->value)
			return -ENOMEM;
	}
	return 0;
}

int facts_set(struct facts *f, const char *key, const char *source, const char *value)
{
	return facts_put(f, key, source, value, 0);
}

int facts_set_err(struct facts *f, const char *key, const char *source, int err)
{
	return facts_put(f, key, source, NULL, err);
}

const struct fact *facts_get(const struct facts *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (streq(f->v[i].key, key))
			return &f->v[i];
	return NULL;
}

void facts_free(struct facts *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].key);
		free(f->v[i].value);
		free(f->v[i].source);
	}
	free(f->v);
	*f = (struct facts){ 0 };
}

struct cJSON *facts_to_json(const struct facts *f)
{
	cJSON *root = cJSON_CreateObject();

	if (!root)
		return NULL;
	for (size_t i = 0; i < f->n; i++) {
		const struct fact *fa = &f->v[i];
		cJSON *o = cJSON_CreateObject();

		if (!o || !cJSON_AddItemToObject(root, fa->key, o))
			goto fail;
		if (!cJSON_AddStringToObject(o, "source", fa->source))
			goto fail;
		if (fa->err) {
			if (!cJSON_AddNumberToObject(o, "errno", fa->err) ||
			    !cJSON_AddStringToObject(o, "error", strerror(fa->err)))
				goto fail;
		} else if (!(fa->value ? cJSON_AddStringToObject(o, "value", fa->value)
				       : cJSON_AddNullToObject(o, "value")))
			goto fail;
	}
	return root;
fail:
	cJSON_Delete(root);
	return NULL;
}

int facts_from_json(const cJSON *json, struct facts *f, const char **ret_bad)
{
	const cJSON *o;

	if (!cJSON_IsObject(json)) {
		*ret_bad = "facts";
		return -EINVAL;
	}
	cJSON_ArrayForEach(o, json)
	{
		const cJSON *src = cJSON_GetObjectItemCaseSensitive(o, "source");
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(o, "value");
		const cJSON *err = cJSON_GetObjectItemCaseSensitive(o, "errno");
		int r;

		*ret_bad = o->string;
		if (!cJSON_IsObject(o) || !cJSON_IsString(src))
			return -EINVAL;
		if (err) {
			if (!cJSON_IsNumber(err) || err->valuedouble < 1 || err->valuedouble > 4095)
				return -EINVAL;
			r = facts_set_err(f, o->string, src->valuestring, err->valueint);
		} else if (cJSON_IsString(val) || cJSON_IsNull(val))
			r = facts_set(f, o->string, src->valuestring,
				      cJSON_IsString(val) ? val->valuestring : NULL);
		else
			return -EINVAL;
		if (r < 0)
			return r;
	}
	return 0;
}
