/* SPDX-License-Identifier: MIT */
/* core/deadline: a run past its time limit ends with exit 3 and a message; a wait that the
 * message's signal cannot end is ended by SIGKILL. Real children, real timers. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "core/deadline.h"
#include "core/util.h"

/* Runs a child that arms a 1 s deadline and blocks (with SIGALRM blocked too when deaf); returns
 * its wait status and, through *ret_ms, how long it lasted. */
static int run_blocked(bool deaf, char *err, size_t err_size, unsigned long long *ret_ms)
{
	unsigned long long start = now_us();
	int out[2], block[2], status;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(block), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;

		dup2(out[1], STDERR_FILENO);
		if (deaf) {
			sigset_t set;

			sigemptyset(&set);
			sigaddset(&set, SIGALRM);
			sigprocmask(SIG_BLOCK, &set, NULL);
		}
		if (deadline_arm(1) < 0)
			_exit(99);
		(void)!read(block[0], &c, 1); /* nobody writes: a read that never returns */
		_exit(0);
	}
	close(out[1]);
	n = read(out[0], err, err_size - 1);
	err[n > 0 ? n : 0] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	*ret_ms = (now_us() - start) / 1000;
	close(out[0]);
	close(block[0]);
	close(block[1]);
	return status;
}

static void test_past_the_limit_exits_3(void **state)
{
	unsigned long long ms;
	char err[512];
	int status;

	(void)state;
	status = run_blocked(false, err, sizeof(err), &ms);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	assert_non_null(strstr(err, "no verdict"));
	assert_true(ms >= 900 && ms < 4000);
}

static void test_deaf_wait_is_killed(void **state)
{
	unsigned long long ms;
	char err[512];
	int status;

	(void)state;
	status = run_blocked(true, err, sizeof(err), &ms);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	assert_true(ms >= 2900 && ms < 6000);
}

static void test_disarmed_does_nothing(void **state)
{
	(void)state;
	assert_int_equal(deadline_arm(1), 0);
	deadline_disarm();
	deadline_disarm();
	usleep(1500 * 1000); /* alive: no SIGALRM came */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_past_the_limit_exits_3),
		cmocka_unit_test(test_deaf_wait_is_killed),
		cmocka_unit_test(test_disarmed_does_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
