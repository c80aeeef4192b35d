/* SPDX-License-Identifier: MIT */
#include "facts.h"

#include <cJSON.h>
#include <stdarg.h>
#include <stdint.h>

#include "util.h"

/* FNV-1a: a hash of the key for the index. */
static size_t key_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return (size_t)h;
}

/* The index slot holding key, or the free slot where it would go. */
static size_t *index_find(const struct facts *f, const char *key)
{
	size_t mask = f->index_cap - 1, i = key_hash(key) & mask;

	while (f->index[i] && !streq(f->v[f->index[i] - 1].key, key))
		i = (i + 1) & mask;
	return &f->index[i];
}

/* Makes room in the index for one more fact. Returns 0 or -ENOMEM. */
static int index_grow(struct facts *f)
{
	size_t cap = f->index_cap ? f->index_cap : 128, *old = f->index, old_cap = f->index_cap;

	if (f->n + 1 <= f->index_cap / 2)
		return 0;
	while (f->n + 1 > cap / 2)
		cap *= 2;
	f->index = calloc(cap, sizeof(*f->index));
	if (!f->index) {
		f->index = old;
		return -ENOMEM;
	}
	f->index_cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i])
			*index_find(f, f->v[old[i] - 1].key) = old[i];
	free(old);
	return 0;
}

static struct fact *facts_slot(struct facts *f, const char *key)
{
	struct fact *slot;
	size_t *at;

	if (index_grow(f) < 0)
		return NULL;
	at = index_find(f, key);
	if (*at) {
		slot = &f->v[*at - 1];
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
	*at = ++f->n;
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
	size_t *at;

	if (!f->index_cap)
		return NULL;
	at = index_find(f, key);
	return *at ? &f->v[*at - 1] : NULL;
}

void facts_free(struct facts *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].key);
		free(f->v[i].value);
		free(f->v[i].source);
	}
	free(f->v);
	free(f->index);
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

int facts_setf(struct facts *f, const char *source, const char *value, const char *fmt, ...)
{
	_cleanup_free_ char *key = NULL;
	va_list ap;

	va_start(ap, fmt);
	key = strdup_vprintf(fmt, ap);
	va_end(ap);
	return key ? facts_set(f, key, source, value) : -ENOMEM;
}

const struct fact *facts_getf(const struct facts *f, const char *fmt, ...)
{
	_cleanup_free_ char *key = NULL;
	va_list ap;

	va_start(ap, fmt);
	key = strdup_vprintf(fmt, ap);
	va_end(ap);
	return key ? facts_get(f, key) : NULL;
}

const char *fact_assumed_key(const char *source)
{
	const char *key = source ? startswith(source, FACT_SOURCE_ASSUME) : NULL;

	return key && *key ? key : NULL;
}
