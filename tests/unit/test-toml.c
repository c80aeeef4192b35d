/* SPDX-License-Identifier: MIT */
/*
 * core/toml: the paths and raw values the scanner reports for containerd's config shapes
 * (version 2 and 3 tables, dotted and quoted keys, imports over several lines), what it skips
 * inside values (strings, multi-line strings and arrays that hold '[' or '='), and the input
 * it refuses, with the line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/strbuf.h"
#include "core/toml.h"
#include "core/util.h"

/* Collects "a.b.c" for a table, "a.b=value" for a key, each followed by '|'. */
static int collect(const char *const *path, size_t n, const char *value, size_t value_len,
		   void *userdata)
{
	struct strbuf *sb = userdata;

	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_add(sb, ".", 1);
		strbuf_adds(sb, path[i]);
	}
	if (value)
		strbuf_addf(sb, "=%.*s", (int)value_len, value);
	return strbuf_add(sb, "|", 1);
}

static const struct {
	const char *text, *want;
} scan_cases[] = {
	{ "version = 3\nroot = '/var/lib/containerd'\n", "version=3|root='/var/lib/containerd'|" },
	/* the two plugin paths, quoted either way */
	{ "[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.sysbox-runc]\n"
	  "  runtime_type = \"io.containerd.runc.v2\"\n",
	  "plugins.io.containerd.cri.v1.runtime.containerd.runtimes.sysbox-runc|"
	  "plugins.io.containerd.cri.v1.runtime.containerd.runtimes.sysbox-runc.runtime_type="
	  "\"io.containerd.runc.v2\"|" },
	{ "[plugins.'io.containerd.grpc.v1.cri' . containerd]\nruntimes.sysbox-runc.runtime_type = 'x'\n",
	  "plugins.io.containerd.grpc.v1.cri.containerd|"
	  "plugins.io.containerd.grpc.v1.cri.containerd.runtimes.sysbox-runc.runtime_type='x'|" },
	/* comments, blank lines, CRLF, an array of tables */
	{ "# top\r\n\r\n  [a] # here\r\nb = 1 # one\r\n[[c.d]]\ne=\"#\"\n", "a|a.b=1|c.d|c.d.e=\"#\"|" },
	/* an array over lines, with comments and brackets in strings */
	{ "imports = [\n  \"/etc/containerd/conf.d/*.toml\", # drop-ins\n  '[x]',\n]\n[t]\n",
	  "imports=[\n  \"/etc/containerd/conf.d/*.toml\", # drop-ins\n  '[x]',\n]|t|" },
	/* multi-line strings that look like headers and keys inside */
	{ "a = \"\"\"\n[not.a.table]\nb = 1\n\"\"\"\nc = '''\n[x]\n'''\n",
	  "a=\"\"\"\n[not.a.table]\nb = 1\n\"\"\"|c='''\n[x]\n'''|" },
	{ "a = \"\"\"quote \\\"\"\" inside\"\"\"\nb = \"\"\"ends with quotes\"\"\"\"\"\nc = 1\n",
	  "a=\"\"\"quote \\\"\"\" inside\"\"\"|b=\"\"\"ends with quotes\"\"\"\"\"|c=1|" },
	/* inline tables: the key is reported, not what is inside */
	{ "[p]\nrt = { sysbox-runc = { path = \"/x\" } }\n", "p|p.rt={ sysbox-runc = { path = \"/x\" } }|" },
	/* escapes in quoted keys */
	{ "[\"a\\\"b\".'c\\d']\n", "a\"b.c\\d|" },
	{ "", "" },
	{ "\n\n# only comments\n", "" },
	{ "k = 1", "k=1|" },
};

static void test_scan(void **state)
{
	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(scan_cases); i++) {
		struct strbuf sb = STRBUF_INIT;
		const char *t = scan_cases[i].text;
		int r = toml_scan(t, strlen(t), collect, &sb, NULL);

		if (r != 0 || !streq(strbuf_str(&sb), scan_cases[i].want))
			fail_msg("case %zu: %d '%s', want '%s'", i, r, strbuf_str(&sb),
				 scan_cases[i].want);
		strbuf_release(&sb);
	}
}

static const struct {
	const char *text;
	unsigned line;
} bad_cases[] = {
	{ "[a\n", 1 },
	{ "[a]]\n", 1 },
	{ "[[a]\n", 1 },
	{ "[a] b\n", 1 },
	{ "a\n", 1 },
	{ "a =\n", 1 },
	{ "a = # nothing\n", 1 },
	{ ". = 1\n", 1 },
	{ "a. = 1\n", 1 },
	{ "a = \"open\nb = 2\n", 1 },
	{ "x = 1\na = \"\"\"\nnever closed\n", 4 },
	{ "x = 1\na = [1,\n 2\n", 4 }, /* where the text ends */
	{ "[\"key\nb\"]\n", 1 },
	/* deeper than TOML_PATH_MAX, a component longer than TOML_NAME_MAX */
	{ "[a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q]\n", 1 },
	{ "[t.u.v.w.x.y.z.a.b.c]\nk.l.m.n.o.p.q = 1\n", 2 },
};

static void test_bad(void **state)
{
	char longname[TOML_NAME_MAX + 8];

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(bad_cases); i++) {
		struct strbuf sb = STRBUF_INIT;
		const char *t = bad_cases[i].text;
		unsigned line = 0;
		int r = toml_scan(t, strlen(t), collect, &sb, &line);
		if (r != -EBADMSG || line != bad_cases[i].line)
			fail_msg("case %zu '%s': %d at line %u, want -EBADMSG at %u", i, t, r, line,
				 bad_cases[i].line);
		strbuf_release(&sb);
	}
	{
		static const char nul[] = "ok = 1\nbad = \"a\0b\"\n";
		unsigned line = 0;

		assert_int_equal(toml_scan(nul, sizeof(nul) - 1, collect, NULL, &line), -EBADMSG);
		assert_int_equal(line, 2);
	}
	memset(longname, 'n', sizeof(longname) - 3);
	memcpy(longname + sizeof(longname) - 3, "=1", 3);
	assert_int_equal(toml_scan(longname, strlen(longname), collect, NULL, NULL), -EBADMSG);
}

/* A negative return of the callback stops the scan and is returned. */
static int stop(const char *const *path _unused_, size_t n _unused_, const char *v _unused_,
		size_t vl _unused_, void *userdata)
{
	(*(int *)userdata)++;
	return -ECANCELED;
}

static void test_callback_stops(void **state)
{
	int calls = 0;

	(void)state;
	assert_int_equal(toml_scan("a = 1\nb = 2\n", 12, stop, &calls, NULL), -ECANCELED);
	assert_int_equal(calls, 1);
}

/* Not past len: the text is a prefix of a longer buffer. */
static void test_bounded(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	static const char text[] = "a = 1\nb = 2\n";

	(void)state;
	assert_int_equal(toml_scan(text, 6, collect, &sb, NULL), 0);
	assert_string_equal(strbuf_str(&sb), "a=1|");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
