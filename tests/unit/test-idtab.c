/* SPDX-License-Identifier: MIT */
/* reports/idtab.c: ids numbered as first added, found again by their bytes, through growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "core/util.h"
#include "reports/idtab.h"

static void test_numbering(void **state)
{
	struct idtab t = { 0 };
	char id[32];

	(void)state;
	assert_int_equal(idtab_find(&t, "a", 1), -1); /* empty: no index yet */
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(id, sizeof(id), "kernel.config.X%d", i);

		assert_int_equal(idtab_add(&t, id, (size_t)n), i);
	}
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(id, sizeof(id), "kernel.config.X%d", i);

		assert_int_equal(idtab_find(&t, id, (size_t)n), i);
		assert_int_equal(idtab_add(&t, id, (size_t)n), i); /* held: the same number */
	}
	assert_int_equal(t.n, 5000);
	assert_true(t.n_slot >= 2 * t.n);
	/* By its bytes: a prefix of a held id is another id. */
	assert_int_equal(idtab_find(&t, "kernel.config.X1", 15), -1);
	assert_int_equal(idtab_find(&t, "kernel.config.X12xyz", 17), 12);
	assert_string_equal(t.ids[4999], "kernel.config.X4999");
	idtab_free(&t);
	assert_int_equal(t.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbering),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
