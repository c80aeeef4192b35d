/* SPDX-License-Identifier: MIT */
#include "deadline.h"

#include <signal.h>
#include <time.h>

#include "util.h"

/* After the message, how long a wait that ignores it may last before SIGKILL ends it. */
#define DEADLINE_KILL_AFTER_S 2

static timer_t kill_timer;
static bool kill_armed;

static void on_deadline(int sig _unused_)
{
	static const char msg[] = "cvmprep: no verdict: probing the host took longer than the "
				  "run's time limit (a file system that does not answer?)\n";

	/* Only async-signal-safe calls here. */
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(3);
}

int deadline_arm(unsigned seconds)
{
	struct sigaction sa = { .sa_handler = on_deadline };
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGKILL };
	struct itimerspec at = { .it_value = { .tv_sec = seconds + DEADLINE_KILL_AFTER_S } };

	deadline_disarm();
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		return -errno;
	if (timer_create(CLOCK_MONOTONIC, &ev, &kill_timer) < 0)
		return -errno;
	kill_armed = true;
	if (timer_settime(kill_timer, 0, &at, NULL) < 0) {
		int r = -errno;

		deadline_disarm();
		return r;
	}
	alarm(seconds);
	return 0;
}

void deadline_disarm(void)
{
	alarm(0);
	if (kill_armed)
		timer_delete(kill_timer);
	kill_armed = false;
}
