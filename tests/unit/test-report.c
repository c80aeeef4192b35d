/* SPDX-License-Identifier: MIT */
/* reports/report.c: the header the writers read, filled once from the facts; the JSON printer
 * keeps a document UTF-8 and says where it rewrote bytes. reports/junit.c and reports/prom.c on
 * reports no run of the binary makes: an area's checks apart in the report, none at all, a
 * hostname of blanks, a provision section. */
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

static size_t count_of(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void test_junit(void **state)
{
	struct config cfg = { .profile = &profiles[0] };
	struct facts f = { 0 };
	struct result res[] = {
		{ .check = checks_find("kernel.version"), .status = STATUS_FAIL,
		  .duration_us = 1500000 },
		{ .check = checks_find("os.distro"), .status = STATUS_PASS, .duration_us = 1 },
		{ .check = checks_find("kernel.headers"), .status = STATUS_UNKNOWN,
		  .duration_us = 2 },
	};
	struct report rep = { .cfg = &cfg, .facts = &f, .root = "/", .mode = "host",
			      .results = res, .n_results = ELEMENTSOF(res) };
	char *xml = NULL;
	size_t len;

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(res); i++)
		assert_non_null(res[i].check);
	assert_int_equal(facts_set(&f, "host.hostname", "uname(2)", " \t\n"), 0);
	report_tally(&rep);
	assert_int_equal(report_write_junit(&rep, false, &xml, &len), 0);
	assert_int_equal(strlen(xml), len);
	/* kernel's two checks in one suite, the first, though os.distro is between them */
	assert_int_equal(count_of(xml, "<testsuite "), 2);
	assert_non_null(strstr(xml, "<testsuite name=\"cvmprep.kernel\" tests=\"2\" failures=\"1\" "
				    "errors=\"1\" skipped=\"0\" time=\"1.500002\""));
	assert_true(strstr(xml, "cvmprep.kernel") < strstr(xml, "cvmprep.os"));
	assert_non_null(strstr(xml, "tests=\"3\" failures=\"1\" errors=\"1\" time=\"1.500003\">"));
	assert_int_equal(count_of(xml, "hostname=\"unknown\""), 2); /* blanks are no name */
	assert_int_equal(count_of(xml, "message=\"fail\""), 1); /* no message: the status */
	free(xml);

	rep.n_results = 0;
	report_tally(&rep);
	assert_int_equal(report_write_junit(&rep, false, &xml, &len), 0);
	assert_string_equal(strchr(xml, '\n') + 1, "<testsuites name=\"cvmprep\" tests=\"0\" "
						  "failures=\"0\" errors=\"0\" time=\"0.000000\">\n"
						  "</testsuites>\n");
	free(xml);
	facts_free(&f);
}

/* A provision run's metrics: its steps alone, none of the preflight's checks. */
static void test_prom_provision(void **state)
{
	_cleanup_(cJSON_Deletep) cJSON *prov = cJSON_Parse(
		"{\"exit_code\": 4, \"steps\": [{\"name\": \"lock\", \"outcome\": \"done\"},"
		" {\"name\": \"containerd\", \"outcome\": \"failed\"}]}");
	struct config cfg = { .profile = &profiles[0] };
	struct result res = { .check = checks_find("kernel.version"), .status = STATUS_PASS };
	struct report rep = { .cfg = &cfg, .root = "/", .mode = "host", .results = &res,
			      .n_results = 1, .generated_at = 1700000000, .provision = prov };
	static const char *const want[] = {
		"cvmprep_provision_step{step=\"lock\",outcome=\"done\"} 1\n",
		"cvmprep_provision_step{step=\"lock\",outcome=\"failed\"} 0\n",
		"cvmprep_provision_step{step=\"containerd\",outcome=\"failed\"} 1\n",
		"\ncvmprep_provision_exit_code 4\n",
		"\ncvmprep_provision_last_run_timestamp_seconds 1700000000\n",
	};
	_cleanup_free_ char *text = NULL;
	size_t len;

	(void)state;
	assert_non_null(prov);
	report_tally(&rep);
	assert_int_equal(report_write_prom(&rep, false, &text, &len), 0);
	assert_null(strstr(text, "cvmprep_check_status"));
	assert_int_equal(count_of(text, "# HELP cvmprep_provision_step "), 1);
	assert_int_equal(count_of(text, "cvmprep_provision_step{"), 10);
	for (size_t i = 0; i < ELEMENTSOF(want); i++)
		if (!strstr(text, want[i]))
			fail_msg("no '%s' in:\n%s", want[i], text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_json_print_utf8),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_prom_provision),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
