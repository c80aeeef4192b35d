/* SPDX-License-Identifier: MIT */
/* `cvmprep image --dockerfile`: the recipe's lines that fix what the image run found, in the
 * recipe's order (checks/image.h), each step once, ready to paste into a Dockerfile. */
#include <stdio.h>

#include "checks/image.h"
#include "core/util.h"
#include "report.h"

/* Whether check id failed or warned in the report. */
static bool needs_fix(const struct report *rep, const char *id)
{
	for (size_t i = 0; i < rep->n_results; i++)
		if (streq(rep->results[i].check->id, id))
			return rep->results[i].status == STATUS_FAIL ||
			       rep->results[i].status == STATUS_WARN;
	return false;
}

int report_write_dockerfile(const struct report *rep, char **ret, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	const char *done[32];
	size_t n_done = 0, n_lines = 0;

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < n_image_recipe; i++) {
		const struct image_fix *fx = &image_recipe[i];
		bool dup = false;

		if (!needs_fix(rep, fx->id))
			continue;
		for (size_t k = 0; k < n_done; k++)
			dup |= streq(done[k], fx->dockerfile);
		if (dup)
			continue;
		if (n_done < ELEMENTSOF(done))
			done[n_done++] = fx->dockerfile;
		fprintf(out, "# %s\n%s\n", fx->id, fx->dockerfile);
		n_lines++;
	}
	if (!n_lines)
		fputs("# nothing to fix: no image check failed or warned\n", out);
	if (fclose(out) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}
