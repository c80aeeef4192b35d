/* SPDX-License-Identifier: MIT */
/* Kernel release parsing and version comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/util.h"
#include "core/version.h"

static void parse_ok(const char *s, unsigned major, unsigned minor, unsigned patch)
{
	struct kver v = { 99, 99, 99 };

	assert_int_equal(kver_parse(s, &v), 0);
	assert_int_equal(v.major, major);
	assert_int_equal(v.minor, minor);
	assert_int_equal(v.patch, patch);
}

static void test_parse_distro_releases(void **state)
{
	(void)state;
	parse_ok("5.15.0-91-generic", 5, 15, 0);
	parse_ok("6.8.0-1008-aws", 6, 8, 0);
	parse_ok("4.18.0-513.el8.x86_64", 4, 18, 0);
	parse_ok("6.1.0-13-amd64", 6, 1, 0);
	parse_ok("5.10.0-1057-oem", 5, 10, 0);
	parse_ok("6.18.44-fc-v669", 6, 18, 44);
	parse_ok("6.5.6-300.fc39.x86_64", 6, 5, 6);
	parse_ok("5.4", 5, 4, 0);
	parse_ok("5.4.", 5, 4, 0);
	parse_ok("3.10.0-1160.el7.x86_64", 3, 10, 0);
}

static void test_parse_hostile(void **state)
{
	static const char *const bad[] = {
		"", "5", "5.", ".5", "a.b", "-5.4", " 5.4", "5..4", "99999999999999999999.1",
		"5.99999999999", "linux-5.15", "\n",
	};
	struct kver v = { 7, 7, 7 };

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		assert_int_equal(kver_parse(bad[i], &v), -EINVAL);
		/* ret is written only on success */
		assert_int_equal(v.major, 7);
	}
}

static void test_compare(void **state)
{
	static const struct {
		struct kver a, b;
		int want;
	} cases[] = {
		{ { 5, 15, 0 }, { 5, 15, 0 }, 0 },  { { 5, 4, 0 }, { 5, 15, 0 }, -1 },
		{ { 5, 15, 0 }, { 5, 4, 0 }, 1 },   { { 6, 1, 0 }, { 5, 19, 9 }, 1 },
		{ { 5, 12, 1 }, { 5, 12, 0 }, 1 },  { { 4, 18, 0 }, { 5, 3, 0 }, -1 },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		assert_int_equal(kver_cmp(&cases[i].a, &cases[i].b), cases[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_distro_releases),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
