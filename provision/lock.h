/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_LOCK_H
#define CVMPREP_PROV_LOCK_H

/* The provisioner's lock, under the provisioned root: one provisioner per node at a time. */
#define PROV_LOCK_DIR "/run/lock"
#define PROV_LOCK_PATH PROV_LOCK_DIR "/cvmprep.lock"
#define PROV_LOCK_TIMEOUT_DEFAULT 60

/*
 * Takes an exclusive flock(2) on PROV_LOCK_PATH under root_fd (creating the file and its
 * directory), waiting up to timeout_s seconds. Returns the locked fd (close it to release),
 * -EWOULDBLOCK when another holder kept it past the timeout, or another -errno.
 */
int prov_lock(int root_fd, unsigned timeout_s);

#endif
