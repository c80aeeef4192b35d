/* SPDX-License-Identifier: MIT */
/* A numbered set of check ids with a hash index: see idtab.h. */
#include "idtab.h"

#include <stdint.h>

#include "core/util.h"

/* FNV-1a: short keys, no adversary to speak of (and a probe sequence that stays linear in
 * the table's size whatever the keys). */
static size_t hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return (size_t)h;
}

/* The slot of id: where it is, or the free one where it would go. */
static size_t lookup(const struct idtab *t, const char *id, size_t len)
{
	size_t mask = t->n_slot - 1, i = hash(id, len) & mask;

	while (t->slot[i]) {
		const char *have = t->ids[t->slot[i] - 1];

		if (strncmp(have, id, len) == 0 && have[len] == '\0')
			break;
		i = (i + 1) & mask;
	}
	return i;
}

long idtab_find(const struct idtab *t, const char *id, size_t len)
{
	size_t i;

	if (t->n_slot == 0)
		return -1;
	i = lookup(t, id, len);
	return t->slot[i] ? (long)(t->slot[i] - 1) : -1;
}

static int grow(struct idtab *t)
{
	size_t n_slot = t->n_slot ? 2 * t->n_slot : 64;
	size_t *slot = calloc(n_slot, sizeof(*slot));
	struct idtab bigger = *t;

	if (!slot)
		return -ENOMEM;
	bigger.slot = slot;
	bigger.n_slot = n_slot;
	for (size_t k = 0; k < t->n; k++)
		slot[lookup(&bigger, t->ids[k], strlen(t->ids[k]))] = k + 1;
	free(t->slot);
	t->slot = slot;
	t->n_slot = n_slot;
	return 0;
}

long idtab_add(struct idtab *t, const char *id, size_t len)
{
	long have = idtab_find(t, id, len);
	char *copy;

	if (have >= 0)
		return have;
	if (2 * (t->n + 1) > t->n_slot && grow(t) < 0)
		return -ENOMEM;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;
		char **ids = realloc(t->ids, cap * sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		t->ids = ids;
		t->cap = cap;
	}
	copy = strndup(id, len);
	if (!copy)
		return -ENOMEM;
	t->ids[t->n] = copy;
	t->slot[lookup(t, id, len)] = t->n + 1;
	return (long)t->n++;
}

void idtab_free(struct idtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->ids[i]);
	free(t->ids);
	free(t->slot);
	*t = (struct idtab){ 0 };
}
