/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_APT_H
#define CVMPREP_APT_H

#include <stdbool.h>
#include <stddef.h>

#include "host.h"

/*
 * apt's preferences (apt_preferences(5)): which files apt reads, in which order, and the
 * version pins they give a package. What `cvmprep check` judges and what the provisioner's
 * satisfied() tests before it writes a pin.
 */

#define APT_PREFERENCES "/etc/apt/preferences"
#define APT_PREFERENCES_D "/etc/apt/preferences.d"
/* Largest preferences file read; a real one is a few hundred bytes. */
#define APT_PREFERENCES_MAX (256 * 1024)
/* Most files of preferences.d read; more is refused (-E2BIG), never silently cut. */
#define APT_PREFERENCES_FILES_MAX 4096

/* The strongest version pin apt_preferences(5) gives a package. */
struct apt_pin {
	char *version; /* the pattern after "Pin: version " (apt allows globs: "1.5.*") */
	long priority;
};

/*
 * Finds the version pins ("Pin: version V") whose Package field names name, exactly or by a
 * glob, in len bytes of a preferences file, and returns the one with the highest Pin-Priority
 * (the first of equals). Regular-expression package patterns ("/.../") and pins other than
 * "version" (release, origin) are not version pins and are ignored. Returns 1 and *ret (free
 * ret->version), 0 when there is none, -EBADMSG for malformed text or a paragraph with a Pin
 * but no valid Pin-Priority (*ret_line, when not NULL, is the line), or -ENOMEM.
 */
int apt_pin_find(const char *buf, size_t len, const char *name, struct apt_pin *ret,
		 unsigned *ret_line);

/* Whether apt reads a file of preferences.d with this name: no extension or ".pref", and only
 * letters, digits, '_', '-' and '.' (apt_preferences(5); apt ignores the others silently). */
bool apt_pref_name_valid(const char *name);

/* The preference files apt reads, as host paths. */
struct apt_pref_files {
	char **v;
	size_t n;
};

void apt_pref_files_free(struct apt_pref_files *files);

/*
 * Lists the preference files apt reads, in its order: /etc/apt/preferences, then the files of
 * preferences.d with valid names, sorted. Entries are listed, not opened: a listed file may be
 * absent (apt skips a missing /etc/apt/preferences) or a directory. Returns 0 and *ret
 * (apt_pref_files_free() it); -errno when preferences.d exists but cannot be listed, or a
 * readdir of it fails; -E2BIG past APT_PREFERENCES_FILES_MAX.
 */
int apt_pref_files(const struct host *h, struct apt_pref_files *ret);

/* The strongest version pin of a package over every file apt reads. */
struct apt_pin_lookup {
	struct apt_pin pin; /* pin.version NULL: no version pin */
	char *source;       /* the file that gives it; on error the file, or "file:line" */
};

void apt_pin_lookup_free(struct apt_pin_lookup *l);

/*
 * Looks up the strongest version pin of package name in the files apt_pref_files() lists
 * (between files, as within one, the first of equal priorities is kept). Missing files and
 * directories are skipped, as apt does. Returns 1 with ret->pin and ret->source; 0 when no
 * file pins a version of name (ret->source NULL); -errno when a file cannot be read or
 * preferences.d cannot be listed, -EBADMSG when a file is malformed (apt refuses those too),
 * with ret->source saying where ("file:line" for malformed text); -ENOMEM (ret->source NULL).
 * ret is always filled: apt_pin_lookup_free() it.
 */
int apt_pin_strongest(const struct host *h, const char *name, struct apt_pin_lookup *ret);

#endif
