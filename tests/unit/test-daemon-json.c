/* SPDX-License-Identifier: MIT */
/* core/daemon-json: daemon.json judged as dockerd reads it (moby daemon/config/config.go,
 * getConflictFreeConfiguration, and Go's encoding/json), and the runtime lookup dockerd's
 * rules for repeated keys give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>
#include <cmocka.h>

#include "core/daemon-json.h"
#include "core/util.h"

/* Parses an exact-size heap copy of len bytes, so a read past the end is caught by ASan. */
static struct daemon_json parse_len(const char *text, size_t len)
{
	char *buf = malloc(len ? len : 1);
	struct daemon_json dj;

	assert_non_null(buf);
	memcpy(buf, text, len);
	assert_int_equal(daemon_json_parse(buf, len, &dj), 0);
	free(buf);
	return dj;
}

static struct daemon_json parse(const char *text)
{
	return parse_len(text, strlen(text));
}

static const struct {
	const char *text;
	enum daemon_json_state state;
	const char *error; /* INVALID: the error, and its line */
	unsigned line;
} cases[] = {
	/* dockerd trims white space and starts with its defaults when nothing is left */
	{ "", DAEMON_JSON_EMPTY, NULL, 0 },
	{ " \n\t\r\n", DAEMON_JSON_EMPTY, NULL, 0 },
	/* Go's bytes.TrimSpace trims Unicode white space: U+00A0, U+3000, \v, \f */
	{ "\xc2\xa0\v\f\xe3\x80\x80", DAEMON_JSON_EMPTY, NULL, 0 },
	{ "\xc2\xa0{}\xe3\x80\x80\n", DAEMON_JSON_OBJECT, NULL, 0 },
	/* null unmarshals into the map as nothing */
	{ "null\n", DAEMON_JSON_EMPTY, NULL, 0 },
	{ "{}", DAEMON_JSON_OBJECT, NULL, 0 },
	{ "{\n  \"debug\": true,\n  \"a\": [1, -2.5e3, 0, \"x\", null, false, {}]\n}\n",
	  DAEMON_JSON_OBJECT, NULL, 0 },
	/* a UTF-8 byte order mark is dropped */
	{ "\xef\xbb\xbf{\"debug\": true}", DAEMON_JSON_OBJECT, NULL, 0 },
	{ "\xef\xbb\xbf", DAEMON_JSON_EMPTY, NULL, 0 },
	/* syntax Go's scanner refuses, each at its line */
	{ "{\n  \"debug\": true,\n}\n", DAEMON_JSON_INVALID, "syntax error", 3 },
	{ "{\"a\": [1,]}", DAEMON_JSON_INVALID, "syntax error", 1 },
	{ "{\"a\": 01}", DAEMON_JSON_INVALID, "syntax error", 1 },
	{ "{\"a\": 1.}", DAEMON_JSON_INVALID, "syntax error", 1 },
	{ "{\"a\": -}", DAEMON_JSON_INVALID, "syntax error", 1 },
	{ "{\"a\": +1}", DAEMON_JSON_INVALID, "syntax error", 1 },
	{ "{\"a\": .5}", DAEMON_JSON_INVALID, "syntax error", 1 },
	{ "{\"a\": 1e}", DAEMON_JSON_INVALID, "syntax error", 1 },
	{ "{\"a\": tru}", DAEMON_JSON_INVALID, "syntax error", 1 },
	{ "{\"a\": True}", DAEMON_JSON_INVALID, "syntax error", 1 },
	{ "{'a': 1}", DAEMON_JSON_INVALID, "syntax error", 1 },
	{ "{a: 1}", DAEMON_JSON_INVALID, "syntax error", 1 },
	{ "{\"a\" 1}", DAEMON_JSON_INVALID, "syntax error", 1 },
	{ "{\n// comment\n}", DAEMON_JSON_INVALID, "syntax error", 2 },
	{ "{\"a\": \"x\ty\"}", DAEMON_JSON_INVALID, "control character in a string", 1 },
	{ "{\"a\": \"\\x\"}", DAEMON_JSON_INVALID, "invalid escape in a string", 1 },
	{ "{\"a\": \"\\u12g4\"}", DAEMON_JSON_INVALID, "invalid escape in a string", 1 },
	{ "{\"a\": \"open}", DAEMON_JSON_INVALID, "unterminated string", 1 },
	{ "{\"a\":\n", DAEMON_JSON_INVALID, "unexpected end of the file", 1 },
	{ "{\"a\": 1", DAEMON_JSON_INVALID, "unexpected end of the file", 1 },
	/* Go's ParseFloat refuses what overflows a float64 */
	{ "{\"a\": 1e400}", DAEMON_JSON_INVALID, "number out of range", 1 },
	{ "{\"a\": -1e-400}", DAEMON_JSON_OBJECT, NULL, 0 },
	/* anything after the object, a NUL byte too */
	{ "{}\n{}\n", DAEMON_JSON_INVALID, "text after the value", 2 },
	{ "{} x", DAEMON_JSON_INVALID, "text after the value", 1 },
	/* only an object (or null) unmarshals into the map */
	{ "[]", DAEMON_JSON_INVALID, "not a JSON object", 1 },
	{ "\n\n\"x\"", DAEMON_JSON_INVALID, "not a JSON object", 3 },
	{ "1", DAEMON_JSON_INVALID, "not a JSON object", 1 },
	/* invalid UTF-8 anywhere, white space or a string, fails the decoder first */
	{ "{\"a\": \"\xff\"}", DAEMON_JSON_INVALID, "invalid UTF-8", 1 },
	{ "{}\n\n\xc3", DAEMON_JSON_INVALID, "invalid UTF-8", 3 },
	{ "\xc0\xaf", DAEMON_JSON_INVALID, "invalid UTF-8", 1 },         /* overlong '/' */
	{ "{\"a\": \"\xed\xa0\x80\"}", DAEMON_JSON_INVALID, "invalid UTF-8", 1 }, /* a surrogate */
	{ "{\"a\": \"\xf4\x90\x80\x80\"}", DAEMON_JSON_INVALID, "invalid UTF-8", 1 },
	{ "{\"a\": \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x90\xb3\"}", DAEMON_JSON_OBJECT, NULL, 0 },
	/* escapes Go accepts, unpaired surrogates too (they become U+FFFD) */
	{ "{\"a\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\udc33\\ud800x\\udc00\"}",
	  DAEMON_JSON_OBJECT, NULL, 0 },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct daemon_json dj = parse(cases[i].text);

		if (dj.state != cases[i].state)
			fail_msg("case %zu: state %d (%s at line %u), want %d", i, dj.state,
				 dj.error ? dj.error : "-", dj.line, cases[i].state);
		if (cases[i].error && (!streq(dj.error, cases[i].error) || dj.line != cases[i].line))
			fail_msg("case %zu: '%s' at line %u, want '%s' at line %u", i, dj.error,
				 dj.line, cases[i].error, cases[i].line);
		assert_true((dj.root != NULL) == (dj.state == DAEMON_JSON_OBJECT));
		daemon_json_free(&dj);
	}
}

static void test_nul_after(void **state)
{
	struct daemon_json dj = parse_len("{}\0x", 4);

	(void)state;
	assert_int_equal(dj.state, DAEMON_JSON_INVALID);
	assert_string_equal(dj.error, "text after the value");
	daemon_json_free(&dj);
	dj = parse_len("{\"a\": \"\0\"}", 10);
	assert_int_equal(dj.state, DAEMON_JSON_INVALID);
	assert_string_equal(dj.error, "control character in a string");
	daemon_json_free(&dj);
}

static void test_strings_decoded(void **state)
{
	struct daemon_json dj =
	    parse("{\"k\\u00e9y\": \"\\ud83d\\udc33 \\ud800 \\n\\\"\\/\", \"\\u0041\": 1}");
	const cJSON *v;

	(void)state;
	assert_int_equal(dj.state, DAEMON_JSON_OBJECT);
	v = cJSON_GetObjectItemCaseSensitive(dj.root, "k\xc3\xa9y");
	assert_non_null(v);
	assert_string_equal(v->valuestring, "\xf0\x9f\x90\xb3 \xef\xbf\xbd \n\"/");
	assert_non_null(cJSON_GetObjectItemCaseSensitive(dj.root, "A"));
	daemon_json_free(&dj);
}

/* A file that is \xff\xfe or \xfe\xff then text in UTF-16, as Windows PowerShell writes it. */
static void test_utf16(void **state)
{
	static const char text[] = "{\"runtimes\": {\"sysbox-runc\": {\"path\": \"/usr/bin/sysbox-runc\"}}}";
	char le[2 + 2 * sizeof(text)], be[sizeof(le)];
	const char *path = NULL, *bad = NULL;
	struct daemon_json dj;

	(void)state;
	le[0] = (char)0xff, le[1] = (char)0xfe, be[0] = (char)0xfe, be[1] = (char)0xff;
	for (size_t i = 0; i < sizeof(text) - 1; i++) {
		le[2 + 2 * i] = text[i], le[3 + 2 * i] = 0;
		be[2 + 2 * i] = 0, be[3 + 2 * i] = text[i];
	}
	dj = parse_len(le, 2 + 2 * (sizeof(text) - 1));
	assert_int_equal(dj.state, DAEMON_JSON_OBJECT);
	assert_int_equal(daemon_json_runtime(dj.root, "sysbox-runc", &path, &bad), 1);
	assert_string_equal(path, "/usr/bin/sysbox-runc");
	daemon_json_free(&dj);
	dj = parse_len(be, 2 + 2 * (sizeof(text) - 1));
	assert_int_equal(dj.state, DAEMON_JSON_OBJECT);
	daemon_json_free(&dj);
	/* an odd last byte and an unpaired surrogate become U+FFFD: inside a string that is fine */
	dj = parse_len("\xff\xfe{\0\"\0a\0\"\0:\0\"\0\x00\xd8\"\0}\0", 20);
	assert_int_equal(dj.state, DAEMON_JSON_OBJECT);
	daemon_json_free(&dj);
	dj = parse_len("\xff\xfe{\0}\0x", 7);
	assert_int_equal(dj.state, DAEMON_JSON_INVALID);
	assert_string_equal(dj.error, "text after the value");
	daemon_json_free(&dj);
}

/* Nesting: Go's encoding/json allows 10000 levels (maxNestingDepth), not one more. */
static void test_depth(void **state)
{
	for (size_t depth = DAEMON_JSON_DEPTH_MAX - 1; depth <= DAEMON_JSON_DEPTH_MAX + 1; depth++) {
		/* {"a":[[[...]]]}: one object and depth - 1 arrays */
		size_t n = 6 + 2 * (depth - 1);
		char *buf = malloc(n + 1), *p = buf;
		struct daemon_json dj;

		assert_non_null(buf);
		p = stpcpy(p, "{\"a\":");
		memset(p, '[', depth - 1);
		p += depth - 1;
		memset(p, ']', depth - 1);
		p += depth - 1;
		*p++ = '}';
		dj = parse_len(buf, (size_t)(p - buf));
		free(buf);
		(void)state;
		if (depth <= DAEMON_JSON_DEPTH_MAX) {
			assert_int_equal(dj.state, DAEMON_JSON_OBJECT);
		} else {
			assert_int_equal(dj.state, DAEMON_JSON_INVALID);
			assert_string_equal(dj.error, "nested deeper than 10000 levels");
		}
		daemon_json_free(&dj);
	}
}

static void test_duplicates(void **state)
{
	struct daemon_json dj;

	(void)state;
	dj = parse("{\"debug\": true, \"x\": {\"b\": 1, \"a\": 2, \"b\": 3}, \"debug\": false}");
	assert_int_equal(dj.state, DAEMON_JSON_OBJECT);
	/* the first object to close with a repeated key */
	assert_string_equal(dj.duplicate, "x.b");
	daemon_json_free(&dj);
	dj = parse("{\"a\": [{\"k\": 1, \"k\": 2}]}");
	assert_string_equal(dj.duplicate, "a.[].k");
	daemon_json_free(&dj);
	dj = parse("{\"a\": 1, \"b\": 1}");
	assert_null(dj.duplicate);
	daemon_json_free(&dj);
}

static const struct {
	const char *text;
	int r;
	const char *path; /* r == 1: the path; r == -EINVAL: the complaint */
} runtimes[] = {
	{ "{}", 0, NULL },
	{ "{\"runtimes\": {\"sysbox-runc\": {\"path\": \"/usr/bin/sysbox-runc\"}}}", 1,
	  "/usr/bin/sysbox-runc" },
	/* Go matches struct fields without regard to case: "Path" is the path */
	{ "{\"runtimes\": {\"sysbox-runc\": {\"Path\": \"/p\"}}}", 1, "/p" },
	/* a repeated key: the last value */
	{ "{\"runtimes\": {\"sysbox-runc\": {\"path\": \"/a\", \"path\": \"/b\"}}}", 1, "/b" },
	{ "{\"runtimes\": {\"sysbox-runc\": {\"path\": \"/a\"}, \"sysbox-runc\": {}}}", 0, NULL },
	{ "{\"runtimes\": {\"sysbox-runc\": {\"path\": \"/a\"}, \"sysbox-runc\": null}}", 0, NULL },
	/* repeated "runtimes" add to the map; null empties it */
	{ "{\"runtimes\": {\"sysbox-runc\": {\"path\": \"/a\"}}, \"runtimes\": {\"x\": {}}}", 1,
	  "/a" },
	{ "{\"runtimes\": {\"sysbox-runc\": {\"path\": \"/a\"}}, \"runtimes\": null}", 0, NULL },
	{ "{\"runtimes\": null, \"runtimes\": {\"sysbox-runc\": {\"path\": \"/c\"}}}", 1, "/c" },
	{ "{\"runtimes\": {\"sysbox-runc\": {\"path\": \"\"}}}", 0, NULL },
	{ "{\"runtimes\": {\"sysbox-runc\": {\"path\": null}}}", 0, NULL },
	/* the map key is exact; the top-level key too ("Runtimes" is an unknown directive) */
	{ "{\"runtimes\": {\"Sysbox-runc\": {\"path\": \"/a\"}}}", 0, NULL },
	/* types dockerd cannot unmarshal */
	{ "{\"runtimes\": []}", -EINVAL, "\"runtimes\" is not an object" },
	{ "{\"runtimes\": {\"sysbox-runc\": \"/usr/bin/sysbox-runc\"}}", -EINVAL,
	  "a runtime is not an object" },
	{ "{\"runtimes\": {\"sysbox-runc\": {\"path\": 1}}}", -EINVAL,
	  "a runtime's \"path\" is not a string" },
};

static void test_runtime(void **state)
{
	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(runtimes); i++) {
		struct daemon_json dj = parse(runtimes[i].text);
		const char *path = NULL, *bad = NULL;
		int r;

		assert_int_equal(dj.state, DAEMON_JSON_OBJECT);
		r = daemon_json_runtime(dj.root, "sysbox-runc", &path, &bad);
		if (r != runtimes[i].r || (r == 1 && !streq(path, runtimes[i].path)) ||
		    (r == -EINVAL && !streq(bad, runtimes[i].path)))
			fail_msg("case %zu: %d '%s', want %d '%s'", i, r,
				 r == 1 ? path : bad ? bad : "", runtimes[i].r,
				 runtimes[i].path ? runtimes[i].path : "");
		daemon_json_free(&dj);
	}
}

/* Random bytes and mutations of a real file: a state always, never a crash or a read past the
 * end (under SANITIZE=address). A fixed seed keeps runs reproducible. */
static void test_hostile(void **state)
{
	static const char real[] = "{\n    \"runtimes\": {\n        \"sysbox-runc\": {\n            "
				   "\"path\": \"/usr/bin/sysbox-runc\"\n        }\n    },\n    "
				   "\"bip\": \"172.20.0.1/16\", \"n\": [1.5e3, -0, true, null]\n}\n";
	static const char alphabet[] = "{}[]\":,\\u0e9 \n\t-+.eE1truefalsnl\xc3\xa9\xff";
	unsigned seed = 8;

	(void)state;
	for (int round = 0; round < 4000; round++) {
		size_t len = (size_t)(rand_r(&seed) % 300);
		char *buf = malloc(len ? len : 1);
		struct daemon_json dj;

		assert_non_null(buf);
		if (round % 2) {
			for (size_t i = 0; i < len; i++)
				buf[i] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		} else {
			len = len < sizeof(real) - 1 ? len : sizeof(real) - 1;
			memcpy(buf, real, len);
			for (int k = 0; k < 3 && len; k++)
				buf[rand_r(&seed) % len] = (char)(rand_r(&seed) % 256);
		}
		assert_int_equal(daemon_json_parse(buf, len, &dj), 0);
		if (dj.state == DAEMON_JSON_OBJECT) {
			const char *path, *bad;

			assert_non_null(dj.root);
			daemon_json_runtime(dj.root, "sysbox-runc", &path, &bad);
		} else if (dj.state == DAEMON_JSON_INVALID) {
			assert_non_null(dj.error);
			assert_true(dj.line >= 1);
		}
		daemon_json_free(&dj);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_nul_after),
		cmocka_unit_test(test_strings_decoded),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_runtime),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
