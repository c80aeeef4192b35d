/* SPDX-License-Identifier: MIT */
/* systemd unit files (core/unit.c): sections, assignments, continuations, comments, and
 * command lines split as systemd splits ExecStart=, with its variables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/unit.h"
#include "core/util.h"

/* Collects "LINE [SECTION] KEY=VALUE\n". */
struct collect {
	char out[4096];
};

static int collect(const char *section, const char *key, const char *value, unsigned line,
		   void *userdata)
{
	struct collect *c = userdata;
	size_t n = strlen(c->out);

	snprintf(c->out + n, sizeof(c->out) - n, "%u [%s] %s=%s\n", line, section, key, value);
	return 0;
}

static void parse_is(const char *in, size_t len, const char *want)
{
	struct collect c = {.out = ""};

	assert_int_equal(unit_parse(in, len, collect, &c), 0);
	assert_string_equal(c.out, want);
}

#define PARSE_IS(in, want) parse_is(in, sizeof(in) - 1, want)

static void test_sections(void **state)
{
	(void)state;
	PARSE_IS("[Unit]\nDescription=Docker\n\n[Service]\nType=notify\nExecStart=/usr/bin/dockerd "
		 "-H fd://\n",
		 "2 [Unit] Description=Docker\n5 [Service] Type=notify\n"
		 "6 [Service] ExecStart=/usr/bin/dockerd -H fd://\n");
	/* before any section; blanks around '=' and at both ends dropped; CRLF */
	PARSE_IS("A=1\r\n  [Service]  \r\n  ExecStart =  x y  \r\n",
		 "1 [] A=1\n3 [Service] ExecStart=x y\n");
	/* an empty value stays (it resets a list); a line without '=' is ignored */
	PARSE_IS("[Service]\nExecStart=\nnonsense\n=novalue\n", "2 [Service] ExecStart=\n");
}

static void test_comments_continuations(void **state)
{
	(void)state;
	PARSE_IS("# ExecStart=/a\n; ExecStart=/b\n[Service]\n  # indented\nExecStart=/c\n",
		 "5 [Service] ExecStart=/c\n");
	/* a backslash joins the next line with a space; comment lines within are skipped; the
	 * assignment has the line it starts on */
	PARSE_IS("[Service]\nExecStart=/usr/bin/dockerd \\\n\t-H fd:// \\\n# not "
		 "this\n\t--debug\nType=notify\n",
		 "2 [Service] ExecStart=/usr/bin/dockerd  \t-H fd://  \t--debug\n6 [Service] "
		 "Type=notify\n");
	/* a backslash on the last line, and a CRLF continuation */
	PARSE_IS("[Service]\r\nExecStart=/a \\\r\n  -b\r\nX=y \\",
		 "2 [Service] ExecStart=/a    -b\n4 [Service] X=y \\\n");
	/* NUL ends a line; no newline at the end */
	PARSE_IS("[Service]\nA=1\0B=2\nC=3", "2 [Service] A=1\n3 [Service] B=2\n4 [Service] C=3\n");
}

/* Records each value's length and line. */
static int lengths(const char *section, const char *key, const char *value, unsigned line,
		   void *userdata)
{
	struct collect *c = userdata;
	size_t n = strlen(c->out);

	(void)section;
	snprintf(c->out + n, sizeof(c->out) - n, "%u %s %zu\n", line, key, strlen(value));
	return 0;
}

static void test_bounded(void **state)
{
	size_t n = UNIT_LINE_MAX * 2 + 32;
	char *big = malloc(n);
	struct collect c = {.out = ""};

	(void)state;
	assert_non_null(big);
	memset(big, 'x', n);
	memcpy(big, "[Service]\nK=", 12);
	big[n - 6] = '\n';
	memcpy(big + n - 5, "Z=1\n", 4);
	assert_int_equal(unit_parse(big, n - 1, lengths, &c), 0);
	/* the long line is cut at UNIT_LINE_MAX, the next one read */
	assert_string_equal(c.out, "2 K 65534\n3 Z 1\n");
	free(big);
}

static int stop(const char *section, const char *key, const char *value, unsigned line,
		void *userdata)
{
	(void)section, (void)key, (void)value, (void)line, (void)userdata;
	return -ECANCELED;
}

static void test_callback_stops(void **state)
{
	(void)state;
	assert_int_equal(unit_parse("A=1\nB=2\n", 8, stop, NULL), -ECANCELED);
}

struct words {
	char out[1024];
};

static int word(const char *w, const char *var, void *userdata)
{
	struct words *ws = userdata;
	size_t n = strlen(ws->out);

	snprintf(ws->out + n, sizeof(ws->out) - n, "<%s%s%s>", w, var ? "@" : "", var ? var : "");
	return 0;
}

static const char *vars(const char *name, void *userdata)
{
	(void)userdata;
	if (streq(name, "DOCKER_OPTS"))
		return "  --bip=10.0.0.1/24   --debug ";
	if (streq(name, "EMPTY"))
		return "";
	return NULL;
}

static void split_is(const char *line, int ret, const char *want)
{
	struct words ws = {.out = ""};

	assert_int_equal(unit_split(line, vars, word, &ws), ret);
	assert_string_equal(ws.out, want);
}

static void test_split(void **state)
{
	(void)state;
	split_is("/usr/bin/dockerd -H fd://  --containerd=/run/c.sock", 0,
		 "</usr/bin/dockerd><-H><fd://><--containerd=/run/c.sock>");
	split_is("a \"b c\" 'd \"e\"' f\"g h\"i", 0, "<a><b c><d \"e\"><fg hi>");
	split_is("a\\ b \\\"c \"\\t\\n\" \\x", 0, "<a b><\"c><\t\n><x>");
	split_is("a \"open", -EINVAL, "<a>");
	split_is("", 0, "");
	split_is("   \t ", 0, "");
}

static void test_split_vars(void **state)
{
	(void)state;
	/* "$NAME" alone: split at blanks; unset: nothing */
	split_is(
	    "/usr/sbin/dockerd -H fd:// $DOCKER_OPTS $UNSET $EMPTY", 0,
	    "</usr/sbin/dockerd><-H><fd://><--bip=10.0.0.1/24@DOCKER_OPTS><--debug@DOCKER_OPTS>");
	/* "${NAME}" in a word: one word, as it is */
	split_is("x${DOCKER_OPTS}y ${UNSET}z", 0,
		 "<x  --bip=10.0.0.1/24   --debug y@DOCKER_OPTS><z@UNSET>");
	/* "$$" a dollar sign; "$NAME" within a word is left as it is */
	split_is("$$HOME a$DOCKER_OPTS ${unterminated", 0,
		 "<$HOME><a$DOCKER_OPTS><${unterminated>");
}

static void test_exec_path(void **state)
{
	(void)state;
	assert_string_equal(unit_exec_path("/usr/bin/dockerd"), "/usr/bin/dockerd");
	assert_string_equal(unit_exec_path("-@+!!/usr/bin/dockerd x"), "/usr/bin/dockerd x");
	assert_string_equal(unit_exec_path(":/a"), "/a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sections),  cmocka_unit_test(test_comments_continuations),
	    cmocka_unit_test(test_bounded),   cmocka_unit_test(test_callback_stops),
	    cmocka_unit_test(test_split),     cmocka_unit_test(test_split_vars),
	    cmocka_unit_test(test_exec_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
