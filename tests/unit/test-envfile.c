/* SPDX-License-Identifier: MIT */
/* The os-release(5) / environment-file parser, on good and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/envfile.h"
#include "core/util.h"

/* Collects "KEY=VALUE\n" lines. */
struct collect {
	char out[4096];
};

static int collect(const char *key, const char *value, void *userdata)
{
	struct collect *c = userdata;
	size_t n = strlen(c->out);

	snprintf(c->out + n, sizeof(c->out) - n, "%s=%s\n", key, value);
	return 0;
}

static void parse_is(const char *in, int count, const char *want)
{
	struct collect c = { .out = "" };

	assert_int_equal(envfile_parse(in, strlen(in), collect, &c), count);
	assert_string_equal(c.out, want);
}

static void test_os_release_real(void **state)
{
	(void)state;
	parse_is("PRETTY_NAME=\"Ubuntu 22.04.3 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\n"
		 "VERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n",
		 6,
		 "PRETTY_NAME=Ubuntu 22.04.3 LTS\nNAME=Ubuntu\nVERSION_ID=22.04\n"
		 "VERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n");
}

static void test_quotes_and_escapes(void **state)
{
	(void)state;
	parse_is("A='single $x \"q\"'\n", 1, "A=single $x \"q\"\n");
	parse_is("B=\"a \\\"b\\\" \\\\ \\$c \\`d\\` \\n\"\n", 1, "B=a \"b\" \\ $c `d` \\n\n");
	parse_is("C=un\\ quoted\n", 1, "C=un quoted\n");
	parse_is("D=\"con\"'cat'enated\n", 1, "D=concatenated\n");
	parse_is("E=\n", 1, "E=\n");
	parse_is("F=\"\"\n", 1, "F=\n");
	parse_is("G=value # trailing comment\n", 1, "G=value\n");
}

static void test_comments_blanks(void **state)
{
	(void)state;
	parse_is("# comment\n\n   \n\t# indented comment\nID=debian\n\n", 1, "ID=debian\n");
	parse_is("  ID=indented\n", 1, "ID=indented\n");
	parse_is("ID=no-newline-at-end", 1, "ID=no-newline-at-end\n");
	/* A carriage return is white space: CRLF files read as LF files. */
	parse_is("ID=crlf\r\n", 1, "ID=crlf\n");
}

static void test_hostile(void **state)
{
	(void)state;
	/* Not assignments, bad keys, unterminated quotes, junk after a value: skipped. */
	parse_is("no equals sign\n=novalue\n1X=digit\nA-B=dash\nK=\"open\nL='open\n"
		 "M=two words\nOK=yes\n",
		 1, "OK=yes\n");
	/* A NUL ends the line; what follows the NUL on that line is not read as a new line. */
	parse_is("ID=a\0evil=1\nX=b\n", 1, "ID=a\n");
	/* Only len bytes are read. */
	{
		struct collect c = { .out = "" };

		assert_int_equal(envfile_parse("ID=abcdef\n", 5, collect, &c), 1);
		assert_string_equal(c.out, "ID=ab\n");
	}
	parse_is("", 0, "");
	parse_is("\n\n\n", 0, "");
}

static void test_long_line(void **state)
{
	static char buf[100000];
	struct collect c = { .out = "" };

	(void)state;
	memset(buf, 'x', sizeof(buf) - 1);
	memcpy(buf, "K=", 2);
	assert_int_equal(envfile_parse(buf, sizeof(buf) - 1, collect, &c), 1);
	assert_int_equal(strlen(c.out), sizeof(c.out) - 1);
}

static int stop_at_second(const char *key, const char *value, void *userdata)
{
	int *n = userdata;

	(void)key;
	(void)value;
	return ++*n == 2 ? -ECANCELED : 0;
}

static void test_callback_stops(void **state)
{
	int n = 0;

	(void)state;
	assert_int_equal(envfile_parse("A=1\nB=2\nC=3\n", 12, stop_at_second, &n), -ECANCELED);
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_os_release_real), cmocka_unit_test(test_quotes_and_escapes),
		cmocka_unit_test(test_comments_blanks), cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_long_line),	cmocka_unit_test(test_callback_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
