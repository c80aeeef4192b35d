/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_CHILD_H
#define CVMPREP_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Child processes, two kinds. child_run(): functional probes, a function run in a child process
 * (optionally in new namespaces), with a time limit, whose answer comes back through a pipe.
 * child_exec(): a program run by execve(2) of an argument vector (the package managers), with a
 * fixed environment, a deadline and its output captured. Never a shell, never a PATH search.
 */

/* What a child run ends with: r is 0 or a -errno; step says where r came from. Step 0 is the
 * clone(2) that creates the child; the child's function numbers its own steps from 1. */
struct child_result {
	int r;
	unsigned step;
};

#define CHILD_STEP_CLONE 0

/* Runs in the child; fills *ret (zeroed beforehand). The child exits when it returns. */
typedef void (*child_fn)(void *userdata, struct child_result *ret);

/*
 * clone(2) without a new stack: a fork(2) that can also create namespaces (a PID namespace needs
 * clone: unshare(2) would only place the next child in it). Returns the child's pid in the
 * parent, 0 in the child, or -1 with errno. The child must not rely on glibc's thread state (no
 * pthreads, no raise(3)), as with systemd's raw_clone().
 */
pid_t raw_clone(unsigned long flags);

/* How long a functional probe may take before it is killed. */
#define CHILD_TIMEOUT_MS 5000

/*
 * Runs fn(userdata) in a child created by clone(2) with flags (CLONE_NEW* bits; 0 for a plain
 * fork) and waits for its answer at most timeout_ms; a child that has not answered by then is
 * killed (SIGKILL). The child is always reaped before this returns.
 * Returns 0 and *ret when the child answered, or when clone(2) itself failed (then *ret is
 * {-errno, CHILD_STEP_CLONE}); -ETIMEDOUT when it did not answer in time; -ECHILD when it died
 * without answering; another -errno when the pipe could not be made.
 */
int child_run(unsigned long flags, unsigned timeout_ms, child_fn fn, void *userdata,
	      struct child_result *ret);

/* How long a program may go on after SIGTERM before SIGKILL, and how much of each of its
 * output streams is kept, when child_exec_opts leaves them 0. */
#define CHILD_KILL_GRACE_MS 2000
#define CHILD_OUTPUT_MAX (1024 * 1024)

/* What child_exec runs, and how. Fields left 0 or NULL take the default named. */
struct child_exec_opts {
	/* argv[0] is the program's absolute path (inside chroot_dir when that is set); NULL-ended */
	const char *const *argv;
	/* the whole environment, NULL-ended; NULL for an empty one. Nothing is inherited. */
	const char *const *envp;
	/* chroot(2) there, then chdir("/"), before execve; NULL for none */
	const char *chroot_dir;
	/* a file (a host path, opened before any chroot) for standard input; NULL for /dev/null */
	const char *stdin_path;
	/* the deadline, from the start; required (0 is -EINVAL). Then SIGTERM to the process group,
	 * SIGKILL to it kill_grace_ms later (0: CHILD_KILL_GRACE_MS). */
	unsigned timeout_ms;
	unsigned kill_grace_ms;
	/* bytes kept of stdout and of stderr, each (0: CHILD_OUTPUT_MAX); the rest is read and
	 * dropped, so the child never blocks on a full pipe */
	size_t output_max;
	/* keep the last output_max bytes of stderr rather than the first: a program's closing
	 * error comes last */
	bool err_tail;
	/* called with every chunk read (stream 1 or 2), kept or not; NULL for none */
	void (*on_output)(int stream, const char *buf, size_t len, void *userdata);
	void *userdata;
};

/* How it ended. out and err are NUL-terminated (out_len, err_len exclude the NUL); a stream whose
 * output went past output_max, or whose buffer could not grow, is cut there (for stderr under
 * err_tail: its beginning is dropped) and marked truncated. Free with child_exec_result_free(). */
struct child_exec_result {
	int exit_code;	  /* exit status when it exited, -1 when a signal ended it */
	int signal;	  /* the signal that ended it, or 0 */
	bool timed_out;	  /* the deadline passed and the process group was killed */
	uint64_t duration_us; /* from fork to exit */
	char *out;
	size_t out_len;
	bool out_truncated;
	char *err;
	size_t err_len;
	bool err_truncated;
};

/*
 * Runs o->argv by execve(2) in a child in its own session and process group (so no controlling
 * terminal: a program that wants to ask gets no terminal rather than a hang), with standard
 * input from o->stdin_path or /dev/null, every other inherited descriptor closed on exec, and
 * signal dispositions and mask reset. Waits for it to exit, or kills its process group at the
 * deadline (grandchildren too). After the child has exited, output still held open by a process
 * it left behind (a daemon) is read for at most CHILD_DRAIN_MS more, and that process is left
 * alone.
 * Returns 0 and fills *ret when the program ran, whatever its exit status. Returns -errno when it
 * could not be started: the errno of the step that failed, in the parent (pipes, fork, opening
 * stdin) or in the child (chroot, chdir, execve: -ENOENT is "no such program", never a guessed
 * exit 127); then *ret_step, when not NULL, names that step ("execve", "chroot", ...).
 */
int child_exec(const struct child_exec_opts *o, struct child_exec_result *ret,
	       const char **ret_step);
void child_exec_result_free(struct child_exec_result *r);

#define CHILD_DRAIN_MS 200

#endif
