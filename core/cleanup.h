/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_CLEANUP_H
#define CVMPREP_CLEANUP_H

/* The cleanups of the types several modules hold in _cleanup_() variables. */
#include <cJSON.h>
#include <dirent.h>

#include "util.h"

DEFINE_CLEANUP(cJSON *, cJSON_Delete)
DEFINE_CLEANUP(DIR *, closedir)

/* Frees a NULL-terminated vector of strings and the vector; NULL is allowed. */
static inline void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}
DEFINE_CLEANUP(char **, strv_free)

#endif
