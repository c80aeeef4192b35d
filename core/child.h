/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_CHILD_H
#define CVMPREP_CHILD_H

#include <sys/types.h>

/*
 * Functional probes: a function run in a child process (optionally in new namespaces), with a
 * time limit, whose answer comes back through a pipe. No exec, no shell.
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

#endif
