/* SPDX-License-Identifier: MIT */
/* reports/escape.c: what the host wrote is shown, never obeyed, and JSON stays UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/util.h"
#include "reports/escape.h"

static void test_utf8_char_len(void **state)
{
	static const struct {
		const char *s;
		size_t want;
	} cases[] = {
		{ "a", 1 },
		{ "\xc3\xa9", 2 },		/* é */
		{ "\xe2\x80\xa6", 3 },		/* … */
		{ "\xf0\x9f\x90\xa7", 4 },	/* U+1F427 */
		{ "\xf4\x8f\xbf\xbf", 4 },	/* U+10FFFF */
		{ "\x80", 0 },			/* a continuation byte alone */
		{ "\xc0\xaf", 0 },		/* overlong "/" */
		{ "\xe0\x80\xaf", 0 },		/* overlong, three bytes */
		{ "\xf0\x80\x80\xaf", 0 },	/* overlong, four bytes */
		{ "\xed\xa0\x80", 0 },		/* a UTF-16 surrogate */
		{ "\xf4\x90\x80\x80", 0 },	/* past U+10FFFF */
		{ "\xf5\x80\x80\x80", 0 },
		{ "\xc3", 0 },			/* cut short by the end */
		{ "\xe2\x80", 0 },
		{ "\xc3(", 0 },
		{ "\xff", 0 },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		if (utf8_char_len(cases[i].s) != cases[i].want)
			fail_msg("case %zu: %zu, want %zu", i, utf8_char_len(cases[i].s),
				 cases[i].want);
	assert_true(utf8_valid("plain \xc3\xa9t\xc3\xa9 \xe2\x80\xa6"));
	assert_false(utf8_valid("ok \xff"));
	assert_true(utf8_valid(""));
}

static void assert_escaped(const char *s, const char *want)
{
	char buf[256];

	assert_int_equal(text_escape(buf, sizeof(buf), s), strlen(want));
	assert_string_equal(buf, want);
}

static void test_text_escape(void **state)
{
	(void)state;
	assert_escaped("plain text, caf\xc3\xa9 \xe2\x80\xa6", "plain text, caf\xc3\xa9 \xe2\x80\xa6");
	assert_escaped("\033[2Jnode", "\\x1b[2Jnode");
	assert_escaped("a\nverdict: compatible", "a\\x0averdict: compatible");
	assert_escaped("a\rb\tc\x7f", "a\\x0db\\x09c\\x7f");
	assert_escaped("csi \xc2\x9b" "2J", "csi \\u009b2J"); /* C1, UTF-8 encoded */
	assert_escaped("nbsp \xc2\xa0", "nbsp \xc2\xa0");	  /* U+00A0 is printable */
	assert_escaped("bad \xc3( \xff", "bad \\xc3( \\xff");
	assert_escaped("", "");
}

/* Cut to fit, never inside a character or an escape; the return measures the whole. */
static void test_text_escape_cut(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(text_escape(NULL, 0, "\033x"), 5);
	assert_int_equal(text_escape(buf, 4, "\033x"), 5);
	assert_string_equal(buf, ""); /* "\x1b" does not fit in 3 */
	assert_int_equal(text_escape(buf, 6, "\033x"), 5);
	assert_string_equal(buf, "\\x1bx");
	assert_int_equal(text_escape(buf, 3, "a\xe2\x80\xa6"), 4);
	assert_string_equal(buf, "a");
	assert_int_equal(text_escape(buf, 5, "a\xe2\x80\xa6"), 4);
	assert_string_equal(buf, "a\xe2\x80\xa6");
}

static void test_utf8_escape_invalid(void **state)
{
	static const struct {
		const char *s, *want;
	} cases[] = {
		{ "ok \xc3\xa9", "ok \xc3\xa9" },
		{ "\xff\xfe", "\\xff\\xfe" },
		{ "\xed\xa0\x80!", "\\xed\\xa0\\x80!" },
		{ "ctl \033 kept", "ctl \033 kept" }, /* the JSON writer escapes it */
		{ "", "" },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *got = utf8_escape_invalid(cases[i].s);

		assert_non_null(got);
		assert_string_equal(got, cases[i].want);
		assert_true(utf8_valid(got));
	}
}

/* XML 1.0: markup characters as entities, ">" always (no "]]>" survives), what no reference
 * can carry as a text escape, and in attributes the blanks a parser would normalise. */
static void test_xml_escape(void **state)
{
	static const struct {
		const char *s;
		bool attr;
		const char *want;
	} cases[] = {
		{ "a<b>&c\"d", false, "a&lt;b&gt;&amp;c&quot;d" },
		{ "x]]>y", false, "x]]&gt;y" },
		{ "t\tn\nr\r", false, "t\tn\nr&#13;" },
		{ "t\tn\nr\r", true, "t&#9;n&#10;r&#13;" },
		{ "\x01\x1b[2J\x7f", false, "\\x01\\x1b[2J\x7f" }, /* DEL is an XML Char */
		{ "bad \xff\xc3(", true, "bad \\xff\\xc3(" },
		{ "nc \xef\xbf\xbe \xef\xbf\xbf \xef\xbf\xbd", false,
		  "nc \\ufffe \\uffff \xef\xbf\xbd" },
		{ "csi \xc2\x9b caf\xc3\xa9", true, "csi \xc2\x9b caf\xc3\xa9" },
		{ "", true, "" },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);

		assert_non_null(out);
		xml_escape_fputs(out, cases[i].s, cases[i].attr);
		assert_int_equal(fclose(out), 0);
		if (!streq(buf, cases[i].want))
			fail_msg("case %zu: '%s', want '%s'", i, buf, cases[i].want);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_char_len),
		cmocka_unit_test(test_text_escape),
		cmocka_unit_test(test_text_escape_cut),
		cmocka_unit_test(test_utf8_escape_invalid),
		cmocka_unit_test(test_xml_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
