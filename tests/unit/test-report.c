/* SPDX-License-Identifier: MIT */
/* reports/report.c: the header the writers read, filled once from the facts; the JSON printer
 * keeps a document UTF-8 and says where it rewrote bytes. */
#include <cJSON.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "reports/escape.h"
#include "reports/report.h"

static void test_header(void **state)
{
	struct config cfg = { .profile = &profiles[0] };
	struct facts f = { 0 };
	struct report rep = { .cfg = &cfg, .facts = &f, .root = "/srv/node", .mode = "pod" };

	(void)state;
	assert_int_equal(facts_set(&f, "host.hostname", "uname(2)", "node-1"), 0);
	assert_int_equal(facts_set(&f, "os.id", "/etc/os-release", "ubuntu"), 0);
	assert_int_equal(facts_set(&f, "os.pretty_name", "/etc/os-release", "Ubuntu 22.04"), 0);
	assert_int_equal(facts_set_err(&f, "kernel.release", "/proc/sys/kernel/osrelease", EACCES),
			 0);
	assert_int_equal(facts_set(&f, "host.mode", "/.dockerenv present", "pod"), 0);
	assert_int_equal(facts_set(&f, "mode.dockerenv", "/.dockerenv", "present"), 0);
	report_tally(&rep);
	assert_string_equal(rep.header.hostname, "node-1");
	assert_string_equal(rep.header.os_id, "ubuntu");
	assert_string_equal(rep.header.os_pretty_name, "Ubuntu 22.04");
	assert_null(rep.header.os_version_id); /* not read */
	assert_null(rep.header.kernel);	       /* could not be read */
	assert_string_equal(rep.header.mode, "pod");
	assert_string_equal(rep.header.mode_source, "/.dockerenv present");
	assert_string_equal(rep.header.root, "/srv/node");
	assert_int_equal(rep.header.n_mode_evidence, 2);
	assert_string_equal(rep.header.mode_evidence[0]->key, "host.mode");
	assert_string_equal(rep.header.mode_evidence[1]->key, "mode.dockerenv");
	assert_int_equal(rep.verdict, VERDICT_COMPATIBLE);
	facts_free(&f);

	/* Without facts (a test, a provisioner's gate): an empty header. */
	rep = (struct report){ .cfg = &cfg, .root = "/", .mode = "host" };
	report_tally(&rep);
	assert_null(rep.header.hostname);
	assert_null(rep.header.mode_source);
	assert_int_equal(rep.header.n_mode_evidence, 0);
}

static void test_json_print_utf8(void **state)
{
	_cleanup_(cJSON_Deletep) cJSON *root = cJSON_CreateObject(), *parsed = NULL;
	_cleanup_free_ char *text = NULL;
	cJSON *fact, *good;
	size_t len;

	(void)state;
	assert_non_null(root);
	fact = cJSON_AddObjectToObject(root, "bad\xff key");
	assert_non_null(fact);
	assert_non_null(cJSON_AddStringToObject(fact, "source", "/etc/os-release"));
	assert_non_null(cJSON_AddStringToObject(fact, "value", "Ubuntu \xc3( \033[2J"));
	good = cJSON_AddObjectToObject(root, "good");
	assert_non_null(cJSON_AddStringToObject(good, "source", "/etc/hostname"));
	assert_non_null(cJSON_AddStringToObject(good, "value", "caf\xc3\xa9"));

	assert_int_equal(json_print(root, &text, &len), 0);
	assert_true(utf8_valid(text));
	assert_int_equal(strlen(text), len);
	parsed = cJSON_Parse(text);
	assert_non_null(parsed);
	fact = cJSON_GetObjectItemCaseSensitive(parsed, "bad\\xff key");
	assert_non_null(fact);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(fact, "value")->valuestring,
			    "Ubuntu \\xc3( \033[2J"); /* the ESC is JSON's \u001b */
	assert_non_null(strstr(cJSON_GetObjectItemCaseSensitive(fact, "note")->valuestring,
			       "not UTF-8"));
	good = cJSON_GetObjectItemCaseSensitive(parsed, "good");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(good, "value")->valuestring,
			    "caf\xc3\xa9");
	assert_null(cJSON_GetObjectItemCaseSensitive(good, "note"));
	assert_non_null(strstr(text, "\\u001b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_json_print_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
