/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_HOSTPATHS_H
#define CVMPREP_HOSTPATHS_H

#include <stdbool.h>
#include <stdio.h>

/*
 * `cvmprep hostpaths`: the row of Coder's hostPath table for these settings and the pod spec's
 * volumes and volumeMounts, as format "table" (the row, then the YAML), "yaml" or "json".
 * Returns 0, -EINVAL for an unknown format, or -ENOMEM.
 */
int hostpaths_write(FILE *out, bool caching, bool shiftfs_autoload, const char *format);

#endif
