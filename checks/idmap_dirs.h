/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_IDMAP_DIRS_H
#define CVMPREP_IDMAP_DIRS_H

#include <dirent.h>
#include <stdbool.h>

/*
 * The temporary tree the ID-mapped mount probe (kernel_live.c) mounts on, made and removed by
 * the parent: PARENT/.cvmprep-idmap-<pid>-XXXXXX/{lower,upper,work,merged}, locked with
 * flock(2) by its owner while it exists. SIGINT, SIGTERM and SIGHUP meanwhile remove it before
 * they end the process; what a SIGKILL leaves is removed by the next run.
 */
struct idmap_dirs {
	char *top;
	bool made;   /* top exists: remove it */
	int lock_fd; /* top, locked; -1 */
	char *lower;
	char *upper;
	char *work;
	char *merged;
	char *overlay_opts; /* for mount(2) of overlayfs on them */
};

#define IDMAP_DIRS_INIT { .lock_fd = -1 }

/* Removes the stale trees of dead runs in parent, then makes d there. Returns 0, or -errno and
 * *ret_failed the path that could not be made (owned by d), or parent itself when its listing
 * failed part-way (a sweep that saw only part of it). d->made says whether there is something
 * to remove, even on failure. */
int idmap_dirs_make(struct idmap_dirs *d, const char *parent, const char **ret_failed);

/*
 * The sweep of idmap_dirs_make: removes from the directory listed by dir (pfd open on it too)
 * the probe trees that runs killed before they could clean up left (SIGKILL, a power cut): a
 * tree is stale when its owner's pid is not alive here and no process holds its lock (a run in
 * another PID namespace sharing the directory does). What cannot be removed stays for a later
 * run. Returns 0, or the -errno of a listing that failed part-way.
 */
int idmap_sweep(int pfd, DIR *dir);
/* Removes what idmap_dirs_make made. Returns 0 or the first -errno (then something is left). */
int idmap_dirs_remove(struct idmap_dirs *d);
void idmap_dirs_free(struct idmap_dirs *d);

#endif
