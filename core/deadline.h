/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_DEADLINE_H
#define CVMPREP_DEADLINE_H

/*
 * The time limit of a whole run's probing (checks_run, facts_gather): nothing in the tree can
 * block an open any more (host_openat never opens a FIFO or a device, child probes have
 * CHILD_TIMEOUT_MS), but a read from a network or FUSE file system that never answers can.
 * Past the limit the run ends with exit 3 (undecided) and a message naming the limit; a wait
 * that only a fatal signal ends (FUSE's, once interrupted) is ended by SIGKILL a few seconds
 * later. One deadline at a time, for the process that armed it (not inherited by children).
 */
#define RUN_DEADLINE_S 300

/* Arms the deadline seconds from now. Returns 0 or -errno (no timer: nothing is armed). */
int deadline_arm(unsigned seconds);
/* Disarms it; nothing when none is armed. */
void deadline_disarm(void);

#endif
