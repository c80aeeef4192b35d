/* SPDX-License-Identifier: MIT */
/* core/child.c: a function in a child process, its answer, its time limit, its namespaces; a
 * program run by execve, its exit, its deadline, its output, its environment. */
#include <fcntl.h>
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

/* Runs argv (NULL-ended) with envp and the given limits; asserts that it started. */
static void run(const char *const *argv, const char *const *envp, unsigned timeout_ms,
		size_t output_max, struct child_exec_result *res)
{
	struct child_exec_opts o = {
		.argv = argv, .envp = envp, .timeout_ms = timeout_ms, .output_max = output_max,
		.kill_grace_ms = 200,
	};
	const char *step = NULL;

	assert_int_equal(child_exec(&o, res, &step), 0);
	assert_null(step);
}

static void test_exec_exit_code(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	struct child_exec_result res;

	(void)state;
	run(argv, NULL, 5000, 0, &res);
	assert_int_equal(res.exit_code, 3);
	assert_int_equal(res.signal, 0);
	assert_false(res.timed_out);
	assert_string_equal(res.out, "out\n");
	assert_int_equal(res.out_len, 4);
	assert_string_equal(res.err, "err\n");
	assert_false(res.out_truncated);
	assert_false(res.err_truncated);
	assert_true(res.duration_us > 0 && res.duration_us < 5000000);
	child_exec_result_free(&res);
	assert_no_children();
}

static void test_exec_signal(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c", "kill -USR1 $$", NULL };
	struct child_exec_result res;

	(void)state;
	run(argv, NULL, 5000, 0, &res);
	assert_int_equal(res.exit_code, -1);
	assert_int_equal(res.signal, SIGUSR1);
	assert_false(res.timed_out);
	child_exec_result_free(&res);
	assert_no_children();
}

/* A process is gone, or a zombie waiting for init. */
static bool process_gone(pid_t pid)
{
	for (int i = 0; i < 200; i++) {
		_cleanup_free_ char *path = strdup_printf("/proc/%d/stat", (int)pid);
		char buf[512], *p;
		FILE *f;

		assert_non_null(path);
		f = fopen(path, "re");
		if (!f)
			return true;
		p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		if (p && p[1] == ' ' && p[2] == 'Z')
			return true;
		usleep(10000);
	}
	return false;
}

/* The child and its grandchild ignore SIGTERM: both die by SIGKILL after the grace. */
static void test_exec_timeout_kills_group(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c", "trap '' TERM; sleep 30 & echo $!; wait",
				     NULL };
	struct child_exec_result res;
	unsigned long long start = now_us();
	int grandchild;

	(void)state;
	run(argv, NULL, 300, 0, &res);
	assert_true(now_us() - start < 3000000);
	assert_true(res.timed_out);
	assert_int_equal(res.signal, SIGKILL);
	assert_int_equal(sscanf(res.out, "%d", &grandchild), 1);
	assert_true(process_gone(grandchild));
	child_exec_result_free(&res);
	assert_no_children();
}

/* A child that exits on SIGTERM is not killed harder. */
static void test_exec_timeout_term(void **state)
{
	const char *const argv[] = { "/bin/sleep", "30", NULL };
	struct child_exec_result res;

	(void)state;
	run(argv, NULL, 200, 0, &res);
	assert_true(res.timed_out);
	assert_int_equal(res.signal, SIGTERM);
	child_exec_result_free(&res);
	assert_no_children();
}

static size_t seen[3];

static void count_output(int stream, const char *buf _unused_, size_t len, void *userdata)
{
	assert_ptr_equal(userdata, seen);
	assert_true(stream == 1 || stream == 2);
	seen[stream] += len;
}

/* Output past the bound is counted, dropped, and never blocks the child. */
static void test_exec_output_bound(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c",
				     "head -c 300000 /dev/zero; echo done >&2", NULL };
	struct child_exec_opts o = { .argv = argv, .timeout_ms = 10000, .output_max = 1000,
				     .on_output = count_output, .userdata = seen };
	struct child_exec_result res;

	(void)state;
	memset(seen, 0, sizeof(seen));
	assert_int_equal(child_exec(&o, &res, NULL), 0);
	assert_int_equal(res.exit_code, 0);
	assert_false(res.timed_out);
	assert_int_equal(res.out_len, 1000);
	assert_true(res.out_truncated);
	assert_int_equal(res.out[1000], '\0');
	assert_string_equal(res.err, "done\n");
	assert_false(res.err_truncated);
	assert_int_equal(seen[1], 300000);
	assert_int_equal(seen[2], 5);
	child_exec_result_free(&res);
}

/* Under err_tail, stderr keeps its last output_max bytes, however much came before (several
 * times the bound, so the buffer is cut back more than once); stdout still keeps its first. */
static void test_exec_output_tail(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c",
				     "head -c 5000 /dev/zero; head -c 300000 /dev/zero | tr '\\0' x >&2; "
				     "echo 'E: the closing error' >&2", NULL };
	const char *const small[] = { "/bin/sh", "-c", "echo one >&2; echo two >&2", NULL };
	struct child_exec_opts o = { .argv = argv, .timeout_ms = 10000, .output_max = 1000,
				     .err_tail = true };
	struct child_exec_result res;
	const char *end = "E: the closing error\n";

	(void)state;
	assert_int_equal(child_exec(&o, &res, NULL), 0);
	assert_int_equal(res.exit_code, 0);
	assert_int_equal(res.out_len, 1000);
	assert_true(res.out_truncated);
	assert_int_equal(res.err_len, 1000);
	assert_true(res.err_truncated);
	assert_int_equal(strlen(res.err), 1000);
	assert_string_equal(res.err + 1000 - strlen(end), end);
	assert_int_equal(strspn(res.err, "x"), 1000 - strlen(end));
	child_exec_result_free(&res);

	/* Within the bound: all of it, not truncated. */
	o.argv = small;
	assert_int_equal(child_exec(&o, &res, NULL), 0);
	assert_string_equal(res.err, "one\ntwo\n");
	assert_false(res.err_truncated);
	child_exec_result_free(&res);
}

/* execve's own errno, not exit 127. */
static void test_exec_missing(void **state)
{
	const char *const argv[] = { "/nonexistent/program", NULL };
	struct child_exec_opts o = { .argv = argv, .timeout_ms = 1000 };
	struct child_exec_result res = { .exit_code = 99 };
	const char *step = NULL;

	(void)state;
	assert_int_equal(child_exec(&o, &res, &step), -ENOENT);
	assert_string_equal(step, "execve");
	assert_int_equal(res.exit_code, 99); /* untouched */
	assert_no_children();
}

static void test_exec_invalid(void **state)
{
	const char *const rel[] = { "sh", NULL };
	const char *const abs[] = { "/bin/true", NULL };
	struct child_exec_opts o = { .argv = rel, .timeout_ms = 1000 };
	struct child_exec_result res;

	(void)state;
	assert_int_equal(child_exec(&o, &res, NULL), -EINVAL); /* no PATH search */
	o.argv = abs;
	o.timeout_ms = 0;
	assert_int_equal(child_exec(&o, &res, NULL), -EINVAL); /* a deadline is required */
}

/* The environment is exactly the one given; none is none. */
static void test_exec_env(void **state)
{
	const char *const argv[] = { "/usr/bin/env", NULL };
	const char *const envp[] = { "LC_ALL=C", "A=two words", NULL };
	struct child_exec_result res;

	(void)state;
	assert_int_equal(setenv("CVMPREP_TEST_LEAK", "1", 1), 0);
	run(argv, envp, 5000, 0, &res);
	assert_string_equal(res.out, "LC_ALL=C\nA=two words\n");
	child_exec_result_free(&res);
	run(argv, NULL, 5000, 0, &res);
	assert_string_equal(res.out, "");
	assert_int_equal(res.exit_code, 0);
	child_exec_result_free(&res);
}

/* Standard input is /dev/null, or the file given; a descriptor the parent left without
 * O_CLOEXEC does not reach the program. */
static void test_exec_stdin_and_fds(void **state)
{
	const char *const cat[] = { "/bin/cat", NULL };
	const char *const ls[] = { "/bin/ls", "/proc/self/fd", NULL };
	struct child_exec_opts o = { .argv = cat, .timeout_ms = 5000 };
	struct child_exec_result res;
	int leak;

	(void)state;
	assert_int_equal(child_exec(&o, &res, NULL), 0);
	assert_string_equal(res.out, "");
	child_exec_result_free(&res);
	o.stdin_path = "/proc/sys/kernel/ostype";
	assert_int_equal(child_exec(&o, &res, NULL), 0);
	assert_string_equal(res.out, "Linux\n");
	child_exec_result_free(&res);
	o.stdin_path = "/nonexistent";
	assert_int_equal(child_exec(&o, &res, NULL), -ENOENT);

	leak = open("/dev/null", O_RDONLY); /* deliberately without O_CLOEXEC */
	assert_true(leak >= 0);
	run(ls, NULL, 5000, 0, &res);
	/* 0, 1, 2 and ls's own directory descriptor */
	assert_string_equal(res.out, "0\n1\n2\n3\n");
	child_exec_result_free(&res);
	close(leak);
}

/* A process the child leaves behind holding its output does not hold the run. */
static void test_exec_daemon(void **state)
{
	const char *const argv[] = { "/bin/sh", "-c", "sleep 30 & echo $!", NULL };
	struct child_exec_result res;
	unsigned long long start = now_us();
	int daemon;

	(void)state;
	run(argv, NULL, 20000, 0, &res);
	assert_true(now_us() - start < 5000000);
	assert_false(res.timed_out);
	assert_int_equal(res.exit_code, 0);
	assert_int_equal(sscanf(res.out, "%d", &daemon), 1);
	assert_int_equal(kill(daemon, SIGKILL), 0); /* left alone by child_exec */
	child_exec_result_free(&res);
}

static void test_exec_chroot(void **state)
{
	const char *const argv[] = { "/bin/pwd", NULL };
	struct child_exec_opts o = { .argv = argv, .timeout_ms = 5000, .chroot_dir = "/" };
	struct child_exec_result res;
	const char *step = NULL;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(chdir("/proc"), 0);
	assert_int_equal(child_exec(&o, &res, NULL), 0);
	assert_string_equal(res.out, "/\n"); /* chdir("/") after chroot */
	child_exec_result_free(&res);
	o.chroot_dir = "/nonexistent";
	assert_int_equal(child_exec(&o, &res, &step), -ENOENT);
	assert_string_equal(step, "chroot");
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_died),
		cmocka_unit_test(test_clone_fails),
		cmocka_unit_test(test_pid_namespace),
		cmocka_unit_test(test_exec_exit_code),
		cmocka_unit_test(test_exec_signal),
		cmocka_unit_test(test_exec_timeout_kills_group),
		cmocka_unit_test(test_exec_timeout_term),
		cmocka_unit_test(test_exec_output_bound),
		cmocka_unit_test(test_exec_output_tail),
		cmocka_unit_test(test_exec_missing),
		cmocka_unit_test(test_exec_invalid),
		cmocka_unit_test(test_exec_env),
		cmocka_unit_test(test_exec_stdin_and_fds),
		cmocka_unit_test(test_exec_daemon),
		cmocka_unit_test(test_exec_chroot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
