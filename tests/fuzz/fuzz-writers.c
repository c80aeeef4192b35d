/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the text, JSON and JUnit writers on a hostname, an os-release name, an
 * observed value and a piece of evidence made of arbitrary bytes. The text must hold no control
 * byte but its line ends; the JSON must be UTF-8 and parse; the XML must be UTF-8 with only the
 * characters XML 1.0 allows (a tab only where the input had one), never "]]>". */
#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "reports/escape.h"
#include "reports/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			abort();
		if (c == 0xc2 && i + 1 < len && (unsigned char)text[i + 1] >= 0x80 &&
		    (unsigned char)text[i + 1] < 0xa0)
			abort();
	}
}

static void check_xml(const char *xml, size_t len, const char *input)
{
	if (strlen(xml) != len || !utf8_valid(xml) || strstr(xml, "]]>") ||
	    strstr(xml, "\xef\xbf\xbe") || strstr(xml, "\xef\xbf\xbf"))
		abort();
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)xml[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || (c == '\t' && !strchr(input, '\t')))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *s = strndup((const char *)data, size), *text = NULL, *json = NULL,
			    *xml = NULL;
	struct evidence ev = { .source = (char *)"/etc/hostname" };
	struct result res;
	struct config cfg = { .profile = &profiles[0] };
	struct facts f = { 0 };
	struct report rep;
	size_t len;
	cJSON *parsed;

	if (!s)
		return 0;
	if (facts_set(&f, "host.hostname", "/proc/sys/kernel/hostname", s) < 0 ||
	    facts_set(&f, "os.pretty_name", "/etc/os-release", s) < 0)
		goto out;
	ev.value = s;
	/* The input's length picks the status, so that each writer's every branch is fuzzed. */
	res = (struct result){ .check = checks_get(0), .status = (enum status)(size % _STATUS_MAX),
			       .observed = s, .expected = s, .message = s, .remediation = s,
			       .evidence = &ev, .n_evidence = 1 };
	rep = (struct report){ .cfg = &cfg, .facts = &f, .root = s, .mode = "host",
			       .results = &res, .n_results = 1 };
	report_tally(&rep);
	if (report_write_text(&rep, false, &text, &len) == 0)
		check_text(text, len);
	if (report_write_json(&rep, false, &json, &len) == 0) {
		if (!utf8_valid(json))
			abort();
		parsed = cJSON_Parse(json);
		if (!parsed)
			abort();
		cJSON_Delete(parsed);
	}
	if (report_write_junit(&rep, false, &xml, &len) == 0)
		check_xml(xml, len, s);
out:
	facts_free(&f);
	return 0;
}
