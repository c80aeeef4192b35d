/* SPDX-License-Identifier: MIT */
/* Facts: set, replace, look up, and the JSON round trip `cvmprep facts` / `check --facts` use. */
#include <cJSON.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "core/facts.h"
#include "core/util.h"

static void test_set_get_replace(void **state)
{
	struct facts f = { 0 };
	const struct fact *fa;

	(void)state;
	assert_null(facts_get(&f, "kernel.release"));
	assert_int_equal(facts_set(&f, "kernel.release", "uname(2)", "6.1.0"), 0);
	assert_int_equal(facts_set_err(&f, "os.id", "/etc/os-release", EACCES), 0);
	assert_int_equal(facts_set(&f, "os.version_id", "/etc/os-release", NULL), 0);
	fa = facts_get(&f, "kernel.release");
	assert_string_equal(fa->value, "6.1.0");
	assert_string_equal(fa->source, "uname(2)");
	assert_int_equal(fa->err, 0);
	/* Replacing keeps the order and clears the error. */
	assert_int_equal(facts_set(&f, "os.id", "--assume", "ubuntu"), 0);
	assert_int_equal(f.n, 3);
	fa = facts_get(&f, "os.id");
	assert_int_equal(fa->err, 0);
	assert_string_equal(fa->value, "ubuntu");
	assert_string_equal(f.v[1].key, "os.id");
	assert_null(facts_get(&f, "os.version_id")->value);
	facts_free(&f);
}

static void test_json_round_trip(void **state)
{
	struct facts f = { 0 }, g = { 0 };
	const char *bad = NULL;
	cJSON *json;

	(void)state;
	for (int i = 0; i < 200; i++) {
		char key[32];

		snprintf(key, sizeof(key), "area.k%d", i);
		assert_int_equal(i % 3 == 0   ? facts_set_err(&f, key, "/src", ENOENT)
				 : i % 3 == 1 ? facts_set(&f, key, "/src", "va\"lue\n")
					      : facts_set(&f, key, "/src", NULL),
				 0);
	}
	json = facts_to_json(&f);
	assert_non_null(json);
	assert_int_equal(facts_from_json(json, &g, &bad), 0);
	assert_int_equal(g.n, f.n);
	for (size_t i = 0; i < f.n; i++) {
		assert_string_equal(g.v[i].key, f.v[i].key);
		assert_string_equal(g.v[i].source, f.v[i].source);
		assert_int_equal(g.v[i].err, f.v[i].err);
		assert_true(streq_ptr(g.v[i].value, f.v[i].value));
	}
	cJSON_Delete(json);
	facts_free(&f);
	facts_free(&g);
}

static void test_json_hostile(void **state)
{
	static const char *const bad_docs[] = {
		"[]",
		"{\"k\": 1}",
		"{\"k\": {}}",
		"{\"k\": {\"source\": 5, \"value\": \"x\"}}",
		"{\"k\": {\"source\": \"s\"}}",
		"{\"k\": {\"source\": \"s\", \"value\": 3}}",
		"{\"k\": {\"source\": \"s\", \"errno\": 0}}",
		"{\"k\": {\"source\": \"s\", \"errno\": 99999}}",
		"{\"k\": {\"source\": \"s\", \"errno\": \"2\"}}",
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(bad_docs); i++) {
		cJSON *json = cJSON_Parse(bad_docs[i]);
		struct facts f = { 0 };
		const char *bad = NULL;

		assert_non_null(json);
		assert_int_equal(facts_from_json(json, &f, &bad), -EINVAL);
		assert_non_null(bad);
		cJSON_Delete(json);
		facts_free(&f);
	}
	assert_int_equal(facts_from_json(NULL, &(struct facts){ 0 }, &(const char *){ NULL }),
			 -EINVAL);
}

/* Setting and looking up n keys is linear: 100,000 keys (a --facts file of a busy node, or a
 * hostile one) take well under a second, where a scan per key took minutes. */
/* Keys made by printf: the same facts as with the key written out. */
static void test_printf_keys(void **state)
{
	struct facts f = {0};
	const struct fact *fa;

	(void)state;
	assert_int_equal(
	    facts_setf(&f, "/var/lib/dpkg/status", "1.5.11-1", "dpkg.%s.version", "containerd.io"),
	    0);
	fa = facts_get(&f, "dpkg.containerd.io.version");
	assert_non_null(fa);
	assert_string_equal(fa->value, "1.5.11-1");
	assert_ptr_equal(facts_getf(&f, "dpkg.%s.%s", "containerd.io", "version"), fa);
	assert_null(facts_getf(&f, "dpkg.%s.version", "runc"));
	/* a key longer than any fixed buffer a caller used to build it in */
	{
		char name[300];

		memset(name, 'n', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		assert_int_equal(facts_setf(&f, "/x", NULL, "tools.%s", name), 0);
		fa = facts_getf(&f, "tools.%s", name);
		assert_non_null(fa);
		assert_int_equal(strlen(fa->key), 6 + sizeof(name) - 1);
		assert_null(fa->value);
	}
	facts_free(&f);
}

static void test_many_keys(void **state)
{
	enum { N = 100000 };
	struct facts f = { 0 };
	struct timespec t0, t1;
	char key[32], value[32];
	double secs;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "k.%u", i);
		snprintf(value, sizeof(value), "%u", i);
		assert_int_equal(facts_set(&f, key, "test", value), 0);
	}
	for (unsigned i = 0; i < N; i += 2) { /* replacing keeps the place */
		snprintf(key, sizeof(key), "k.%u", i);
		assert_int_equal(facts_set_err(&f, key, "test", EIO), 0);
	}
	assert_int_equal(f.n, N);
	for (unsigned i = 0; i < N; i++) {
		const struct fact *fa;

		snprintf(key, sizeof(key), "k.%u", i);
		fa = facts_get(&f, key);
		assert_non_null(fa);
		assert_ptr_equal(fa, &f.v[i]);
		assert_int_equal(fa->err, i % 2 ? 0 : EIO);
	}
	assert_null(facts_get(&f, "k.100000"));
	assert_null(facts_get(&f, ""));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (secs > 5)
		fail_msg("%d keys took %.1f s", N, secs);
	facts_free(&f);
	assert_null(facts_get(&f, "k.1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_set_get_replace), cmocka_unit_test(test_json_round_trip),
	    cmocka_unit_test(test_json_hostile),    cmocka_unit_test(test_many_keys),
	    cmocka_unit_test(test_printf_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
