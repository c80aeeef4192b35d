/* SPDX-License-Identifier: MIT */
/* core/child.c: a function in a child process, its answer, its time limit, its namespaces. */
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "core/child.h"
#include "core/util.h"

static void answer(void *userdata, struct child_result *ret)
{
	ret->step = 3;
	ret->r = -*(int *)userdata;
}

static void sleeper(void *userdata _unused_, struct child_result *ret _unused_)
{
	for (;;)
		pause();
}

static void crasher(void *userdata _unused_, struct child_result *ret _unused_)
{
	_exit(7);
}

static void whoami(void *userdata _unused_, struct child_result *ret)
{
	ret->r = (int)getpid();
}

/* No child is left behind: neither running nor a zombie. */
static void assert_no_children(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_answer(void **state)
{
	struct child_result res = { 99, 99 };
	int err = EPERM;

	(void)state;
	assert_int_equal(child_run(0, 2000, answer, &err, &res), 0);
	assert_int_equal(res.r, -EPERM);
	assert_int_equal(res.step, 3);
	assert_no_children();
}

static void test_timeout(void **state)
{
	struct child_result res = { 99, 99 };
	unsigned long long start = now_us();

	(void)state;
	assert_int_equal(child_run(0, 200, sleeper, NULL, &res), -ETIMEDOUT);
	assert_true(now_us() - start < 2000000);
	assert_int_equal(res.r, 99); /* written only on an answer */
	assert_no_children();
}

static void test_died(void **state)
{
	struct child_result res = { 99, 99 };

	(void)state;
	assert_int_equal(child_run(0, 2000, crasher, NULL, &res), -ECHILD);
	assert_no_children();
}

static void test_clone_fails(void **state)
{
	struct child_result res = { 99, 99 };

	(void)state;
	/* clone(2): CLONE_NEWUSER cannot share the filesystem information */
	assert_int_equal(child_run(CLONE_NEWUSER | CLONE_FS, 2000, whoami, NULL, &res), 0);
	assert_int_equal(res.r, -EINVAL);
	assert_int_equal(res.step, CHILD_STEP_CLONE);
}

static void test_pid_namespace(void **state)
{
	struct child_result res = { 99, 99 };
	int r;

	(void)state;
	r = child_run(CLONE_NEWUSER | CLONE_NEWPID, 2000, whoami, NULL, &res);
	assert_int_equal(r, 0);
	if (res.step == CHILD_STEP_CLONE && res.r < 0)
		skip(); /* user namespaces not allowed here */
	assert_int_equal(res.r, 1); /* PID 1 of its namespace */
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer),	    cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_died),	    cmocka_unit_test(test_clone_fails),
		cmocka_unit_test(test_pid_namespace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
