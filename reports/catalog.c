/* SPDX-License-Identifier: MIT */
/* The requirement catalogue as the registry holds it: `cvmprep list` and `cvmprep explain`. */
#include <cJSON.h>

#include "catalog.h"
#include "core/cleanup.h"
#include "core/util.h"
#include "report.h"

static int list_text(FILE *out)
{
	int w = 0;

	for (size_t i = 0; i < checks_count(); i++)
		if ((int)strlen(checks_get(i)->id) > w)
			w = (int)strlen(checks_get(i)->id);
	for (size_t i = 0; i < checks_count(); i++)
		fprintf(out, "%-*s  %s\n", w, checks_get(i)->id, checks_get(i)->title);
	fputs("\nprofiles:\n", out);
	for (size_t i = 0; i < n_profiles; i++)
		fprintf(out, "  %-9s %s\n", profiles[i].name, profiles[i].description);
	return 0;
}

/* A table cell: '|' would end it, a newline the row. */
static void md_cell(FILE *out, const char *s)
{
	fputs("| ", out);
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else
			fputc(*s == '\n' ? ' ' : *s, out);
	}
	fputc(' ', out);
}

/* docs/requirements.md is this output; tests/integration/test-docs.sh keeps the two equal. */
static int list_md(FILE *out)
{
	fputs("# Requirement catalogue\n\n"
	      "What a node needs to run Sysbox CVMs, one row per check, in report order. Generated\n"
	      "from the check registry by `cvmprep list --format md`: edit the check, not this file.\n"
	      "`cvmprep explain ID` says the same of one check, with why it matters and the fix.\n\n"
	      "| id | title | reads | rule | source | file |\n"
	      "| --- | --- | --- | --- | --- | --- |\n",
	      out);
	for (size_t i = 0; i < checks_count(); i++) {
		const struct check *c = checks_get(i);

		fprintf(out, "| `%s` ", c->id);
		md_cell(out, c->title);
		md_cell(out, c->evidence);
		md_cell(out, c->rule_text);
		fprintf(out, "| [%s](%s) | `%s` |\n", c->source, c->docs, checks_file(c));
	}
	fputs("\n## Profiles\n\n| profile | description |\n| --- | --- |\n", out);
	for (size_t i = 0; i < n_profiles; i++) {
		fprintf(out, "| `%s` ", profiles[i].name);
		md_cell(out, profiles[i].description);
		fputs("|\n", out);
	}
	return 0;
}

static int list_json(FILE *out)
{
	_cleanup_(cJSON_Deletep) cJSON *root = cJSON_CreateObject();
	_cleanup_free_ char *text = NULL;
	cJSON *arr;
	size_t len;

	if (!root || !(arr = cJSON_AddArrayToObject(root, "checks")))
		return -ENOMEM;
	for (size_t i = 0; i < checks_count(); i++) {
		const struct check *c = checks_get(i);
		cJSON *o = cJSON_CreateObject();

		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			return -ENOMEM;
		}
		if (!cJSON_AddStringToObject(o, "id", c->id) ||
		    !cJSON_AddStringToObject(o, "title", c->title) ||
		    !cJSON_AddStringToObject(o, "source", c->source) ||
		    !cJSON_AddStringToObject(o, "docs", c->docs))
			return -ENOMEM;
	}
	if (!(arr = cJSON_AddArrayToObject(root, "profiles")))
		return -ENOMEM;
	for (size_t i = 0; i < n_profiles; i++) {
		cJSON *o = cJSON_CreateObject();

		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			return -ENOMEM;
		}
		if (!cJSON_AddStringToObject(o, "name", profiles[i].name) ||
		    !cJSON_AddStringToObject(o, "description", profiles[i].description))
			return -ENOMEM;
	}
	if (json_print(root, &text, &len) < 0)
		return -ENOMEM;
	fputs(text, out);
	return 0;
}

int catalog_list(FILE *out, const char *format)
{
	static const struct {
		const char *name;
		int (*fn)(FILE *out);
	} formats[] = {
		{ "text", list_text },
		{ "json", list_json },
		{ "md", list_md },
	};

	for (size_t i = 0; i < ELEMENTSOF(formats); i++)
		if (streq(format, formats[i].name))
			return formats[i].fn(out);
	return -EINVAL;
}

void catalog_explain(FILE *out, const struct check *c)
{
	fprintf(out, "%s: %s\n\n", c->id, c->title);
	fprintf(out, "reads:   %s\n", c->evidence);
	fprintf(out, "rule:    %s\n", c->rule_text);
	fprintf(out, "why:     %s\n", c->why);
	fprintf(out, "fix:     %s\n", c->fix);
	fprintf(out, "source:  %s\n", c->source);
	fprintf(out, "docs:    %s\n", c->docs);
	fprintf(out, "file:    %s\n", checks_file(c));
}
