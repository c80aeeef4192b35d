/* SPDX-License-Identifier: MIT */
#include "lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <time.h>

#include "core/util.h"
#include "rootfs.h"

int prov_lock(int root_fd, unsigned timeout_s)
{
	_cleanup_close_ int dfd = root_open_dir(root_fd, PROV_LOCK_DIR, true);
	struct timespec start, now, pause = { 0, 50 * 1000 * 1000 };
	int fd;

	if (dfd < 0)
		return dfd;
	fd = openat(dfd, "cvmprep.lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int r = -errno;

			close(fd);
			return r;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* The whole wait, to the millisecond: whole seconds would give up early. */
		if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >=
		    (long long)timeout_s * 1000) {
			close(fd);
			return -EWOULDBLOCK;
		}
		nanosleep(&pause, NULL);
	}
}
