/* SPDX-License-Identifier: MIT */
#include "child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

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

/* child_exec: what the child tells the parent when a step before or at execve fails. */
struct exec_failure {
	int err;
	unsigned step;
};

enum {
	EXEC_STEP_SETSID,
	EXEC_STEP_DUP,
	EXEC_STEP_CHROOT,
	EXEC_STEP_CHDIR,
	EXEC_STEP_EXECVE,
	_EXEC_STEP_MAX,
};

static const char *const exec_step_names[] = {
	[EXEC_STEP_SETSID] = "setsid", [EXEC_STEP_DUP] = "dup2",     [EXEC_STEP_CHROOT] = "chroot",
	[EXEC_STEP_CHDIR] = "chdir",   [EXEC_STEP_EXECVE] = "execve",
};
_Static_assert(ELEMENTSOF(exec_step_names) == _EXEC_STEP_MAX, "exec_step_names");

static _Noreturn void exec_fail(int fd, unsigned step)
{
	struct exec_failure f = { .err = errno, .step = step };

	/* One small write: atomic on a pipe. */
	(void)!write(fd, &f, sizeof(f));
	_exit(127);
}

/* In the child, between fork and execve: only async-signal-safe calls. */
static _Noreturn void exec_child(const struct child_exec_opts *o, int in_fd, int out_fd,
				 int err_fd, int fail_fd)
{
	static const char *const empty_env[] = { NULL };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (setsid() < 0)
		exec_fail(fail_fd, EXEC_STEP_SETSID);
	if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
	    dup2(err_fd, STDERR_FILENO) < 0)
		exec_fail(fail_fd, EXEC_STEP_DUP);
	/* What the parent holds without O_CLOEXEC (a lock file, an inherited descriptor) does not
	 * reach the program. Before Linux 5.11 there is no flag: the parent's own are O_CLOEXEC. */
	(void)syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
	if (o->chroot_dir && chroot(o->chroot_dir) < 0)
		exec_fail(fail_fd, EXEC_STEP_CHROOT);
	if (o->chroot_dir && chdir("/") < 0)
		exec_fail(fail_fd, EXEC_STEP_CHDIR);
	execve(o->argv[0], (char *const *)o->argv, (char *const *)(o->envp ? o->envp : empty_env));
	exec_fail(fail_fd, EXEC_STEP_EXECVE);
}

/* One captured stream: what is kept of it and whether it is still open. */
struct exec_stream {
	int fd;
	char *buf;
	size_t len, cap, max;
	bool tail; /* the last max bytes are kept, not the first */
	bool truncated;
};

/* Appends n bytes, the buffer growing to at most limit bytes and a NUL; false when it cannot. */
static bool stream_append(struct exec_stream *s, const char *p, size_t n, size_t limit)
{
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *nbuf;

		while (cap < s->len + n + 1)
			cap *= 2;
		if (cap > limit + 1)
			cap = limit + 1;
		nbuf = realloc(s->buf, cap);
		if (!nbuf)
			return false;
		s->buf = nbuf;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return true;
}

/* The last max bytes: the buffer holds up to twice that and is cut back to max when it would
 * overflow, so each byte is moved at most once (stream_take makes it max). */
static void stream_keep_tail(struct exec_stream *s, const char *p, size_t n)
{
	if (n >= s->max) {
		s->truncated = s->truncated || s->len > 0 || n > s->max;
		p += n - s->max;
		n = s->max;
		s->len = 0;
	} else if (s->len + n > 2 * s->max) {
		size_t drop = s->len + n - s->max;

		memmove(s->buf, s->buf + drop, s->len - drop);
		s->len -= drop;
		s->truncated = true;
	}
	if (n && !stream_append(s, p, n, 2 * s->max))
		s->truncated = true; /* this chunk is lost; what came before stays */
}

static void stream_keep(struct exec_stream *s, const char *p, size_t n)
{
	if (s->tail) {
		stream_keep_tail(s, p, n);
		return;
	}
	if (s->len + n > s->max) {
		s->truncated = true;
		n = s->max - s->len;
	}
	if (n == 0)
		return;
	if (!stream_append(s, p, n, s->max)) {
		/* Out of memory is not a reason to abandon a running package manager: the output
		 * is cut here and says so. */
		s->truncated = true;
		s->max = s->len;
	}
}

/* Reads what fd has; closes it at end of file (or on an error other than EINTR/EAGAIN). */
static void stream_read(struct exec_stream *s, int stream, const struct child_exec_opts *o)
{
	char chunk[4096];
	ssize_t n = read(s->fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(s->fd);
		s->fd = -1;
		return;
	}
	if (o->on_output)
		o->on_output(stream, chunk, (size_t)n, o->userdata);
	stream_keep(s, chunk, (size_t)n);
}

/* Whether the child has exited, without reaping it: its zombie keeps the pid and so the
 * process group id, which stays safe to signal until waitpid. */
static bool child_exited(pid_t pid)
{
	siginfo_t si = { 0 };

	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno != EINTR;
	return si.si_pid == pid;
}

static int ms_until(unsigned long long deadline)
{
	unsigned long long now = now_us();

	return now >= deadline ? 0 : (int)((deadline - now + 999) / 1000);
}

/* Reads both streams until the child exits, killing its group at the deadline; then drains
 * for at most CHILD_DRAIN_MS. Returns whether the deadline passed. */
static bool exec_wait(pid_t pid, int pidfd, struct exec_stream s[2],
		      const struct child_exec_opts *o, unsigned long long start)
{
	unsigned grace = o->kill_grace_ms ? o->kill_grace_ms : CHILD_KILL_GRACE_MS;
	unsigned long long deadline = start + o->timeout_ms * 1000ULL, drain_end = 0;
	bool exited = false, timed_out = false, killed = false;

	for (;;) {
		struct pollfd pfd[3];
		nfds_t n = 0;
		int wait_ms;

		if (!exited && child_exited(pid)) {
			exited = true;
			drain_end = now_us() + CHILD_DRAIN_MS * 1000ULL;
		}
		if (exited && (timed_out || (s[0].fd < 0 && s[1].fd < 0) || now_us() >= drain_end))
			break;
		if (!exited && !timed_out && now_us() >= deadline) {
			timed_out = true;
			(void)kill(-pid, SIGTERM);
			deadline = now_us() + grace * 1000ULL;
		} else if (!exited && timed_out && !killed && now_us() >= deadline) {
			killed = true;
			(void)kill(-pid, SIGKILL);
		}
		for (int i = 0; i < 2; i++)
			if (s[i].fd >= 0)
				pfd[n++] = (struct pollfd){ .fd = s[i].fd, .events = POLLIN };
		if (!exited && pidfd >= 0)
			pfd[n++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		if (exited)
			wait_ms = ms_until(drain_end);
		else if (killed)
			wait_ms = 10;
		else
			wait_ms = ms_until(deadline);
		/* Without a pidfd (before Linux 5.3) the exit is seen on a tick. */
		if (!exited && pidfd < 0 && wait_ms > 20)
			wait_ms = 20;
		if (poll(pfd, n, wait_ms) < 0 && errno != EINTR)
			wait_ms = 10; /* cannot wait: keep checking */
		for (nfds_t i = 0; i < n; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) || pfd[i].fd == pidfd)
				continue;
			if (pfd[i].fd == s[0].fd)
				stream_read(&s[0], 1, o);
			else if (pfd[i].fd == s[1].fd)
				stream_read(&s[1], 2, o);
		}
	}
	/* At the deadline nothing of the group may outlive the run; the zombie still holds the
	 * group id here. */
	if (timed_out)
		(void)kill(-pid, SIGKILL);
	return timed_out;
}

static void stream_take(struct exec_stream *s, char **ret_buf, size_t *ret_len, bool *ret_trunc)
{
	if (s->tail && s->len > s->max) {
		memmove(s->buf, s->buf + s->len - s->max, s->max);
		s->len = s->max;
		s->truncated = true;
	}
	if (!s->buf)
		s->buf = calloc(1, 1);
	else
		s->buf[s->len] = '\0';
	*ret_buf = TAKE_PTR(s->buf);
	*ret_len = *ret_buf ? s->len : 0;
	*ret_trunc = s->truncated || !*ret_buf;
}

int child_exec(const struct child_exec_opts *o, struct child_exec_result *ret,
	       const char **ret_step)
{
	struct exec_stream s[2] = { { .fd = -1 }, { .fd = -1 } };
	struct exec_failure failure;
	struct child_exec_result res = { 0 };
	size_t max = o->output_max ? o->output_max : CHILD_OUTPUT_MAX;
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, fail[2] = { -1, -1 };
	int in_fd = -1, pidfd = -1, status = 0, r = 0;
	unsigned long long start;
	const char *step = "pipe";
	ssize_t n;
	pid_t pid;

	if (!o->argv || !o->argv[0] || o->argv[0][0] != '/' || o->timeout_ms == 0)
		return -EINVAL;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || pipe2(fail, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	step = "open";
	in_fd = open(o->stdin_path ? o->stdin_path : "/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (in_fd < 0) {
		r = -errno;
		goto out;
	}
	step = "fork";
	start = now_us();
	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto out;
	}
	if (pid == 0)
		exec_child(o, in_fd, out[1], err[1], fail[1]);
	close(out[1]);
	close(err[1]);
	close(fail[1]);
	out[1] = err[1] = fail[1] = -1;

	/* End of file here means execve succeeded (the pipe is O_CLOEXEC); by then the child has
	 * its own process group. */
	do
		n = read(fail[0], &failure, sizeof(failure));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(failure)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		step = failure.step < _EXEC_STEP_MAX ? exec_step_names[failure.step] : "exec";
		r = failure.err > 0 ? -failure.err : -EIO;
		goto out;
	}

	s[0] = (struct exec_stream){ .fd = out[0], .max = max };
	s[1] = (struct exec_stream){ .fd = err[0], .max = max, .tail = o->err_tail };
	out[0] = err[0] = -1;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	res.timed_out = exec_wait(pid, pidfd, s, o, start);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	res.duration_us = now_us() - start;
	res.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	res.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	stream_take(&s[0], &res.out, &res.out_len, &res.out_truncated);
	stream_take(&s[1], &res.err, &res.err_len, &res.err_truncated);
	*ret = res;
out:
	for (int i = 0; i < 2; i++) {
		if (s[i].fd >= 0)
			close(s[i].fd);
		free(s[i].buf);
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
		if (fail[i] >= 0)
			close(fail[i]);
	}
	if (in_fd >= 0)
		close(in_fd);
	if (pidfd >= 0)
		close(pidfd);
	if (r < 0 && ret_step)
		*ret_step = step;
	return r;
}

void child_exec_result_free(struct child_exec_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
