/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PATH_H
#define CVMPREP_PATH_H

#include "host.h"

/* The PATH of a systemd service (systemd.exec(5)), where sysbox-mgr and dockerd look for the
 * programs they run. */
#define PATH_SYSTEMD "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * Looks for program name as execvp(3) would along path (':'-separated directories, as seen on
 * the host), but inside h's root: the first executable regular file called name, symlinks
 * followed inside the root (iptables is one, through /etc/alternatives). Empty and relative
 * entries of path are skipped: they name the caller's working directory, not the host's.
 * name must be a file name (no '/'). Returns 1 and *ret_path (the host path where it is,
 * caller frees); 0 when no directory has it; -errno of the first directory that could not be
 * searched when none had it; -EINVAL for a name that is not a file name; -ENOMEM.
 */
int path_find_program(const struct host *h, const char *path, const char *name, char **ret_path);

/*
 * The directories of path that exist under h's root, space-separated in path's order, in
 * *ret (caller frees; NULL when none exists). Returns 0 or -ENOMEM.
 */
int path_dirs_present(const struct host *h, const char *path, char **ret);

#endif
