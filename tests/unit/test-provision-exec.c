/* SPDX-License-Identifier: MIT */
/* provision/exec.c: what the report keeps of a command run for real: its exit, its stdout for
 * the parsers, and the tail of its output, which holds apt's closing error however much it
 * wrote before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/util.h"
#include "provision/exec.h"

static void run(const char *script, struct prov_cmd *c)
{
	const char *const argv[] = { "/bin/sh", "-c", script, NULL };
	const struct prov_exec_opts o = { .timeout_s = 60 };

	assert_int_equal(prov_cmd_init(c, argv), 0);
	assert_int_equal(prov_exec(c, &o), 0);
	assert_true(c->ran);
}

/* More than PROV_OUT_MAX on stderr, then the error: the tail is the error. */
static void test_tail_past_the_bound(void **state)
{
	_cleanup_free_ char *script = strdup_printf(
	    "echo 'Reading package lists...'; head -c %d /dev/zero | tr '\\0' x >&2; "
	    "echo 'E: Unable to locate package sysbox-ce' >&2; exit 100",
	    PROV_OUT_MAX + 4096);
	const char *end = "E: Unable to locate package sysbox-ce\n";
	struct prov_cmd c;

	(void)state;
	run(script, &c);
	assert_int_equal(c.status, 100);
	assert_false(prov_cmd_ok(&c));
	assert_string_equal(c.out, "Reading package lists...\n");
	assert_int_equal(strlen(c.tail), PROV_TAIL_MAX);
	assert_string_equal(c.tail + PROV_TAIL_MAX - strlen(end), end);
	prov_cmd_free(&c);
}

/* Nothing on stderr: the tail is stdout's. */
static void test_tail_of_stdout(void **state)
{
	struct prov_cmd c;

	(void)state;
	run("echo done", &c);
	assert_true(prov_cmd_ok(&c));
	assert_string_equal(c.tail, "done\n");
	prov_cmd_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tail_past_the_bound),
		cmocka_unit_test(test_tail_of_stdout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
