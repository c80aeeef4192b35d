/* SPDX-License-Identifier: MIT */
/* checks/verdict.c: the verdict of a run's results and its exit code, without a report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks/verdict.h"
#include "core/util.h"

static void tally_is(const enum status *statuses, size_t n, bool strict, enum verdict want)
{
	struct result results[8] = { { 0 } };
	struct tally t;
	unsigned total = 0;

	for (size_t i = 0; i < n; i++)
		results[i].status = statuses[i];
	verdict_tally(results, n, strict, &t);
	assert_int_equal(t.verdict, want);
	for (enum status s = 0; s < _STATUS_MAX; s++)
		total += t.summary[s];
	assert_int_equal(total, n);
}

static void test_verdict(void **state)
{
	(void)state;
	tally_is((enum status[]){ STATUS_PASS, STATUS_SKIP }, 2, false, VERDICT_COMPATIBLE);
	tally_is((enum status[]){ STATUS_PASS, STATUS_WARN }, 2, false, VERDICT_COMPATIBLE);
	tally_is((enum status[]){ STATUS_PASS, STATUS_WARN }, 2, true, VERDICT_INCOMPATIBLE);
	tally_is((enum status[]){ STATUS_FAIL, STATUS_UNKNOWN }, 2, false, VERDICT_INCOMPATIBLE);
	tally_is((enum status[]){ STATUS_UNKNOWN, STATUS_WARN }, 2, false, VERDICT_UNDECIDED);
	tally_is((enum status[]){ STATUS_UNKNOWN, STATUS_WARN }, 2, true, VERDICT_INCOMPATIBLE);
	tally_is(NULL, 0, false, VERDICT_COMPATIBLE);
}

static void test_counts(void **state)
{
	const struct result results[] = {
		{ .status = STATUS_PASS }, { .status = STATUS_PASS }, { .status = STATUS_WARN },
		{ .status = STATUS_SKIP }, { .status = STATUS_UNKNOWN },
	};
	struct tally t;

	(void)state;
	verdict_tally(results, ELEMENTSOF(results), false, &t);
	assert_int_equal(t.summary[STATUS_PASS], 2);
	assert_int_equal(t.summary[STATUS_WARN], 1);
	assert_int_equal(t.summary[STATUS_FAIL], 0);
	assert_int_equal(t.summary[STATUS_UNKNOWN], 1);
	assert_int_equal(t.summary[STATUS_SKIP], 1);
}

static void test_names_and_exit_codes(void **state)
{
	(void)state;
	/* design.md: 0 compatible, 1 incompatible, 3 undecided */
	assert_int_equal(verdict_exit_code(VERDICT_COMPATIBLE), 0);
	assert_int_equal(verdict_exit_code(VERDICT_INCOMPATIBLE), 1);
	assert_int_equal(verdict_exit_code(VERDICT_UNDECIDED), 3);
	assert_string_equal(verdict_to_string(VERDICT_COMPATIBLE), "compatible");
	assert_string_equal(verdict_to_string(VERDICT_INCOMPATIBLE), "incompatible");
	assert_string_equal(verdict_to_string(VERDICT_UNDECIDED), "undecided");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_names_and_exit_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
