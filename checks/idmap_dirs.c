/* SPDX-License-Identifier: MIT */
/* The ID-mapped mount probe's temporary tree: made, guarded against signals, removed, and the
 * trees of runs that were killed before they could remove theirs found and removed. */
#include "idmap_dirs.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/host.h"
#include "core/util.h"

#define IDMAP_PREFIX ".cvmprep-idmap-"
/* A tree without a pid in its name older than this is stale (a probe takes seconds at most). */
#define IDMAP_STALE_SECONDS 600

/* Removes name in parent and what is below it, depth levels deep: what the probe made (the
 * overlay adds work/work). Returns 0 or the first -errno (then something is left behind). */
static int remove_tree(int parent, const char *name, unsigned depth)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	int r = 0, k;
	DIR *dir;

	if (fd < 0)
		return unlinkat(parent, name, 0) < 0 ? -errno : 0;
	dir = depth ? fdopendir(fd) : NULL;
	if (!dir) {
		close(fd);
	} else {
		while ((k = host_readdir(dir, &de)) > 0)
			r = remove_tree(dirfd(dir), de->d_name, depth - 1) ?: r;
		closedir(dir);
		r = k ?: r;
	}
	return unlinkat(parent, name, AT_REMOVEDIR) < 0 ? r ?: -errno : r;
}

void idmap_dirs_free(struct idmap_dirs *d)
{
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	free(d->top);
	free(d->lower);
	free(d->upper);
	free(d->work);
	free(d->merged);
	free(d->overlay_opts);
}

static int dirs_make(struct idmap_dirs *d, const char *parent, const char **ret_failed)
{
	char **sub[] = { &d->lower, &d->upper, &d->work, &d->merged };
	static const char *const names[] = { "lower", "upper", "work", "merged" };

	d->top = strdup_printf("%s/" IDMAP_PREFIX "%d-XXXXXX", streq(parent, "/") ? "" : parent,
			       (int)getpid());
	if (!d->top)
		return -ENOMEM;
	*ret_failed = d->top;
	if (!mkdtemp(d->top))
		return -errno;
	d->made = true;
	/* The lock says "in use" to another run, in this PID namespace or not, until this
	 * process and its probe child are gone, however they end. */
	d->lock_fd = open(d->top, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d->lock_fd < 0 || flock(d->lock_fd, LOCK_EX | LOCK_NB) < 0)
		return -errno;
	for (size_t i = 0; i < ELEMENTSOF(sub); i++) {
		*sub[i] = strdup_printf("%s/%s", d->top, names[i]);
		if (!*sub[i])
			return -ENOMEM;
		*ret_failed = *sub[i];
		if (mkdir(*sub[i], 0700) < 0)
			return -errno;
	}
	d->overlay_opts = strdup_printf("lowerdir=%s,upperdir=%s,workdir=%s", d->lower, d->upper,
					d->work);
	return d->overlay_opts ? 0 : -ENOMEM;
}

/* Whether the probe directory name (IDMAP_PREFIX "<pid>-XXXXXX") is of a process that may still
 * run: its pid is alive here, or the name has no pid (an older run's) and is recent. */
static bool idmap_owner_alive(int dfd, const char *name)
{
	const char *rest = startswith(name, IDMAP_PREFIX);
	size_t digits = rest ? strspn(rest, "0123456789") : 0;
	struct stat st;
	long pid;

	if (rest && digits > 0 && digits < 10 && rest[digits] == '-') {
		pid = strtol(rest, NULL, 10);
		return pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH;
	}
	/* No pid: left by a run before pids were recorded; one that still runs is seconds old. */
	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	       st.st_mtime > time(NULL) - IDMAP_STALE_SECONDS;
}

int idmap_sweep(int pfd, DIR *dir)
{
	struct dirent *de;
	int r;

	while ((r = host_readdir(dir, &de)) > 0) {
		_cleanup_close_ int fd = -1;

		if (!startswith(de->d_name, IDMAP_PREFIX) || idmap_owner_alive(pfd, de->d_name))
			continue;
		fd = openat(pfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
			continue;
		(void)remove_tree(pfd, de->d_name, 2);
	}
	return r;
}

/* idmap_sweep() of parent. A parent that cannot be opened is left to the mkdir that follows to
 * report. */
static int idmap_remove_stale(const char *parent)
{
	_cleanup_close_ int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_(closedirp) DIR *dir = NULL;
	int dup_fd;

	if (pfd < 0 || (dup_fd = fcntl(pfd, F_DUPFD_CLOEXEC, 3)) < 0)
		return 0;
	dir = fdopendir(dup_fd);
	if (!dir) {
		close(dup_fd);
		return 0;
	}
	return idmap_sweep(pfd, dir);
}

/*
 * SIGINT, SIGTERM and SIGHUP while the probe directory exists: the handler removes it (rmdir(2)
 * of the paths set beforehand: async-signal-safe), then the signal ends the process as it
 * would have. Only in the process that made it, not in the probe child that shares the handler.
 */
static const int idmap_signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct {
	pid_t owner;
	char path[7][PATH_MAX]; /* children first, top last */
	size_t n;
	struct sigaction old[ELEMENTSOF(idmap_signals)];
} idmap_guard;

static void idmap_on_signal(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int err = errno;

	if (getpid() == idmap_guard.owner)
		for (size_t i = 0; i < idmap_guard.n; i++)
			(void)rmdir(idmap_guard.path[i]);
	(void)sigaction(sig, &dfl, NULL);
	(void)kill(getpid(), sig); /* delivered when the handler returns */
	errno = err;
}

static void idmap_block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ELEMENTSOF(idmap_signals); i++)
		sigaddset(&set, idmap_signals[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* Sets the handlers up for d (signals blocked by the caller). */
static void idmap_guard_arm(const struct idmap_dirs *d)
{
	static const char *const sub[] = { "merged", "lower", "upper", "work/work", "work/index",
					   "work" };
	struct sigaction sa = { .sa_handler = idmap_on_signal };

	idmap_guard.n = 0;
	for (size_t i = 0; i < ELEMENTSOF(sub); i++)
		if ((size_t)snprintf(idmap_guard.path[idmap_guard.n], PATH_MAX, "%s/%s", d->top,
				     sub[i]) < PATH_MAX)
			idmap_guard.n++;
	if (strlen(d->top) < PATH_MAX)
		strcpy(idmap_guard.path[idmap_guard.n++], d->top);
	idmap_guard.owner = getpid();
	sigemptyset(&sa.sa_mask);
	/* A signal the process was started ignoring (nohup, a background job) stays ignored. */
	for (size_t i = 0; i < ELEMENTSOF(idmap_signals); i++)
		if (sigaction(idmap_signals[i], NULL, &idmap_guard.old[i]) == 0 &&
		    idmap_guard.old[i].sa_handler != SIG_IGN)
			sigaction(idmap_signals[i], &sa, NULL);
}

static void idmap_guard_disarm(void)
{
	for (size_t i = 0; i < ELEMENTSOF(idmap_signals); i++)
		sigaction(idmap_signals[i], &idmap_guard.old[i], NULL);
	idmap_guard.n = 0;
}

int idmap_dirs_make(struct idmap_dirs *d, const char *parent, const char **ret_failed)
{
	sigset_t mask;
	int r;

	*ret_failed = parent;
	r = idmap_remove_stale(parent);
	if (r < 0)
		return r;
	/* Signals wait until the handlers know what to remove. */
	idmap_block(&mask);
	r = dirs_make(d, parent, ret_failed);
	if (d->made)
		idmap_guard_arm(d);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	return r;
}

int idmap_dirs_remove(struct idmap_dirs *d)
{
	sigset_t mask;
	int r;

	if (!d->made)
		return 0;
	idmap_block(&mask);
	r = remove_tree(AT_FDCWD, d->top, 2);
	idmap_guard_disarm();
	sigprocmask(SIG_SETMASK, &mask, NULL);
	return r;
}
