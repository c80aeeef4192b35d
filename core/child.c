/* SPDX-License-Identifier: MIT */
#include "child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "util.h"

/* s390 takes the stack first. */
pid_t raw_clone(unsigned long flags)
{
#if defined(__s390__)
	return (pid_t)syscall(SYS_clone, 0UL, flags | SIGCHLD);
#else
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0UL, 0UL, 0UL, 0UL);
#endif
}

/* Reads the child's answer until it is whole, the pipe closes (-ECHILD) or the deadline passes
 * (-ETIMEDOUT). */
static int read_answer(int fd, unsigned long long deadline, struct child_result *ret)
{
	size_t got = 0;

	while (got < sizeof(*ret)) {
		unsigned long long now = now_us();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int k;

		if (now >= deadline)
			return -ETIMEDOUT;
		k = poll(&pfd, 1, (int)((deadline - now + 999) / 1000));
		if (k < 0 && errno != EINTR)
			return -errno;
		if (k <= 0)
			continue;
		n = read(fd, (char *)ret + got, sizeof(*ret) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -ECHILD;
		got += (size_t)n;
	}
	return 0;
}

int child_run(unsigned long flags, unsigned timeout_ms, child_fn fn, void *userdata,
	      struct child_result *ret)
{
	struct child_result res = { 0 };
	unsigned long long deadline;
	_cleanup_close_ int rfd = -1;
	int p[2], r;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = raw_clone(flags);
	if (pid < 0) {
		r = -errno;
		close(p[0]);
		close(p[1]);
		*ret = (struct child_result){ .r = r, .step = CHILD_STEP_CLONE };
		return 0;
	}
	if (pid == 0) {
		close(p[0]);
		fn(userdata, &res);
		/* One write of a few bytes: atomic on a pipe. */
		_exit(write(p[1], &res, sizeof(res)) == (ssize_t)sizeof(res) ? 0 : 1);
	}
	close(p[1]);
	rfd = p[0];
	deadline = now_us() + timeout_ms * 1000ULL;
	r = read_answer(rfd, deadline, &res);
	if (r < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (r == 0)
		*ret = res;
	return r;
}
