/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_POD_H
#define CVMPREP_POD_H

#include <stdbool.h>
#include <stdint.h>

/* How a host path is to be mounted into Coder's CVM pod. */
enum hostpath_mode {
	HOSTPATH_NONE, /* not mounted */
	HOSTPATH_RO,
	HOSTPATH_RW,
};

/* The host paths of Coder's table, in its column order. */
#define HOSTPATHS_N 4

struct hostpath {
	const char *path;   /* on the host, and where the pod mounts it */
	const char *volume; /* the pod spec's volume name */
};

extern const struct hostpath hostpaths[HOSTPATHS_N];

/* One row of the table (CODER_DOCS_ADMIN, "HostPath mounts"): caching × shiftfs autoload. */
struct hostpath_row {
	const char *caching;  /* as the table says: "Off", "On" */
	const char *autoload; /* "N/A", "Off", "On" */
	enum hostpath_mode mode[HOSTPATHS_N];
};

/* The row for these settings; autoload does not matter when caching is off. Never NULL. */
const struct hostpath_row *hostpath_row(bool caching, bool shiftfs_autoload);

const char *hostpath_mode_to_string(enum hostpath_mode m); /* "ro", "rw", NULL for none */

/* The value after field ("CapEff:") on its line of a /proc/PID/status text, blanks stripped:
 * 1 and *ret_value (to free), 0 when no line starts with field, -ENOMEM. */
int pod_status_field(const char *buf, const char *field, char **ret_value);

/* A capability mask as proc(5) prints it: 1 to 16 hex digits and nothing else. Returns 0 and
 * *ret, or -EINVAL. */
int pod_parse_capmask(const char *s, uint64_t *ret);

#endif
