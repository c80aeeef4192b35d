/* SPDX-License-Identifier: MIT */
/* reports/jscan.c: what is JSON and what is not, a file cut short told from a wrong one, and
 * the pull interface that summarize reads reports with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "core/util.h"
#include "reports/jscan.h"

static void test_validate(void **state)
{
	static const struct {
		const char *s;
		enum jscan_error want;
	} cases[] = {
		{ "{}", JSCAN_OK },
		{ " [1, -0.5e+3, 0, 2E7, true, false, null, \"x\"] ", JSCAN_OK },
		{ "{\"a\": {\"b\": [[], {}]}, \"c\": \"\\u00e9\\n\\\"\"}", JSCAN_OK },
		{ "\"\xc3\xa9\xf0\x9f\x90\xa7\"", JSCAN_OK },
		{ "42", JSCAN_OK },
		{ "", JSCAN_TRUNCATED },
		{ "   ", JSCAN_TRUNCATED },
		{ "{\"a\": ", JSCAN_TRUNCATED },
		{ "{\"a\": \"b", JSCAN_TRUNCATED },
		{ "{\"a\": tr", JSCAN_TRUNCATED },
		{ "[1, 2", JSCAN_TRUNCATED },
		{ "[1, 2.", JSCAN_TRUNCATED },
		{ "\"\\u00", JSCAN_TRUNCATED },
		{ "\"\xe2\x80", JSCAN_TRUNCATED },
		{ "{\"a\": 1,}", JSCAN_SYNTAX },
		{ "[1,]", JSCAN_SYNTAX },
		{ "[1 2]", JSCAN_SYNTAX },
		{ "{\"a\" 1}", JSCAN_SYNTAX },
		{ "{a: 1}", JSCAN_SYNTAX },
		{ "[01]", JSCAN_SYNTAX },
		{ "[-]", JSCAN_SYNTAX },
		{ "[1.e3]", JSCAN_SYNTAX },
		{ "[tru]", JSCAN_SYNTAX },
		{ "[nul1]", JSCAN_SYNTAX },
		{ "\"\\x\"", JSCAN_SYNTAX },
		{ "\"\\u12g4\"", JSCAN_SYNTAX },
		{ "\"a\tb\"", JSCAN_SYNTAX },
		{ "\"\xff\"", JSCAN_SYNTAX },
		{ "\"\xc0\xaf\"", JSCAN_SYNTAX },
		{ "{} {}", JSCAN_SYNTAX },
		{ "[}", JSCAN_SYNTAX },
		{ "{]", JSCAN_SYNTAX },
	};
	struct jscan s;

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		int r = jscan_validate(&s, cases[i].s, strlen(cases[i].s));

		if (s.err != cases[i].want || (r == 0) != (cases[i].want == JSCAN_OK))
			fail_msg("case %zu '%s': error %d, want %d", i, cases[i].s, s.err,
				 cases[i].want);
	}
}

/* Strings are read eight bytes at a time while nothing in them is special: each special byte
 * is found at every offset of such a word. */
static void test_string_words(void **state)
{
	static const struct {
		const char *ins;
		bool valid;
	} specials[] = {
		{ "\x01", false }, { "\x1f", false }, { "\"", false }, { "\\", false },
		{ "\\n", true },  { "\xc3\xa9", true }, { "\xff", false }, { "\x7f", true },
	};
	char doc[64];
	struct jscan s;

	(void)state;
	for (size_t k = 0; k < ELEMENTSOF(specials); k++)
		for (size_t at = 0; at < 24; at++) {
			int n = snprintf(doc, sizeof(doc), "\"%.*s%s%.*s\"", (int)at,
					 "abcdefghijklmnopqrstuvwxyz", specials[k].ins, (int)(24 - at),
					 "ABCDEFGHIJKLMNOPQRSTUVWXYZ");

			if ((jscan_validate(&s, doc, (size_t)n) == 0) != specials[k].valid)
				fail_msg("special %zu at %zu: error %d", k, at, s.err);
		}
}

static void test_depth(void **state)
{
	char buf[2 * (JSCAN_DEPTH_MAX + 1) + 1];
	struct jscan s;

	(void)state;
	for (size_t n = JSCAN_DEPTH_MAX; n <= JSCAN_DEPTH_MAX + 1; n++) {
		memset(buf, '[', n);
		memset(buf + n, ']', n);
		assert_int_equal(jscan_validate(&s, buf, 2 * n), n <= JSCAN_DEPTH_MAX ? 0 : -1);
	}
	assert_int_equal(s.err, JSCAN_TOO_DEEP);
}

static void test_messages(void **state)
{
	struct jscan s;
	char buf[160];
	const char *doc = "{\n  \"a\": 1\n  \"b\": 2\n}";

	(void)state;
	assert_int_equal(jscan_validate(&s, doc, strlen(doc)), -1);
	assert_string_equal(jscan_error(&s, buf, sizeof(buf)),
			    "not JSON at line 3, column 3: expected ',' or '}'");
	assert_int_equal(jscan_validate(&s, "{\n\"a\": [", 8), -1);
	assert_string_equal(jscan_error(&s, buf, sizeof(buf)),
			    "truncated: the JSON ends at line 2 before the document does");
}

/* The pull interface: members by name, strings decoded, the rest skipped. */
static void test_pull(void **state)
{
	const char *doc = "{\"skip\": {\"x\": [1, {\"y\": null}]}, \"name\": \"caf\\u00e9 \\ud83d\\udc27\","
			  " \"list\": [\"a\", \"b\\/c\"], \"n\": 5}";
	struct jscan s;
	struct jscan_str key, str;
	char buf[32];
	int r, elements = 0;

	(void)state;
	jscan_init(&s, doc, strlen(doc));
	assert_int_equal(jscan_enter(&s, JSCAN_OBJECT), 0);
	while ((r = jscan_member(&s, &key)) > 0) {
		if (jscan_str_is(&key, "name")) {
			assert_int_equal(jscan_string(&s, &str), 0);
			assert_true(str.escaped);
			jscan_str_copy(&str, buf, sizeof(buf));
			assert_string_equal(buf, "caf\xc3\xa9 \xf0\x9f\x90\xa7");
			assert_int_equal(jscan_str_copy(&str, buf, 5), 3); /* "caf": never half an é */
		} else if (jscan_str_is(&key, "list")) {
			assert_int_equal(jscan_enter(&s, JSCAN_ARRAY), 0);
			while ((r = jscan_element(&s)) > 0) {
				assert_int_equal(jscan_string(&s, &str), 0);
				elements++;
			}
			assert_int_equal(r, 0);
			assert_true(jscan_str_is(&str, "b/c"));
		} else if (jscan_str_is(&key, "n")) {
			assert_int_equal(jscan_peek(&s), JSCAN_NUMBER);
			assert_int_equal(jscan_string(&s, &str), -1); /* not a string */
			assert_int_equal(s.err, JSCAN_TYPE);
			break;
		} else
			assert_int_equal(jscan_skip(&s), 0);
	}
	assert_int_equal(elements, 2);
	assert_int_equal(jscan_member(&s, &key), -1); /* the error is sticky */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_string_words),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_pull),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
