/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the image reader's documents and its whiteout path logic on arbitrary bytes.
 * The whole input goes to each JSON parser (docker save's manifest.json, an image index, a
 * manifest, a config); then each line is one layer entry: its name cleaned, told whether it is
 * a whiteout, and applied to an index, a line of "--" starting the next layer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/index.h"
#include "image/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void documents(const char *buf, size_t size)
{
	const struct image_platform want = { "linux", "amd64", NULL };
	struct image_plan plan;
	struct image_desc d;
	struct image_meta m;
	bool nested;
	char *why = NULL;

	if (manifest_docker(buf, size, &plan, &why) == 0)
		image_plan_free(&plan);
	free(why);
	why = NULL;
	if (manifest_index_pick(buf, size, &want, &d, &nested, &why) == 0)
		image_desc_free(&d);
	free(why);
	why = NULL;
	if (manifest_image(buf, size, &plan, &why) == 0)
		image_plan_free(&plan);
	free(why);
	why = NULL;
	if (manifest_config(buf, size, &m, &why) == 0)
		image_meta_free(&m);
	free(why);
}

static void entries(char *copy)
{
	struct image_index ix;
	unsigned layer = 0;
	char *save = NULL;

	index_init(&ix);
	index_begin_layer(&ix, layer);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char path[4096], other[4096];
		/* The first byte picks the entry's type; the rest is its name, '>' its target. */
		enum image_type t = (enum image_type)((unsigned char)l[0] % _IMAGE_TYPE_MAX);
		char *target = strchr(l + 1, '>');

		if (strcmp(l, "--") == 0) {
			index_end_layer(&ix);
			index_begin_layer(&ix, ++layer);
			continue;
		}
		if (target)
			*target++ = '\0';
		if (!l[0] || image_path_clean(l + 1, path, sizeof(path)) < 0)
			continue;
		switch (image_whiteout(path, other, sizeof(other))) {
		case WH_FILE: index_whiteout(&ix, other, true); continue;
		case WH_OPAQUE: index_whiteout(&ix, other, false); continue;
		case WH_META: continue;
		case WH_NONE: break;
		}
		if (t == IMAGE_NONE || image_track(path, t) == TRACK_NONE)
			continue;
		index_add(&ix, path, t, t == IMAGE_LNK ? (target ? target : "") : NULL,
			  target, target ? strlen(target) : 0, 0);
		(void)index_get(&ix, path);
	}
	index_end_layer(&ix);
	index_free(&ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy;

	documents((const char *)data, size);
	copy = strndup((const char *)data, size);
	if (!copy)
		return 0;
	entries(copy);
	free(copy);
	return 0;
}
