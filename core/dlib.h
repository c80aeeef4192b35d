/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_DLIB_H
#define CVMPREP_DLIB_H

/*
 * Libraries loaded when their first caller needs them (dlopen), as systemd loads libkmod and
 * its other optional libraries: a run that reads no module index, downloads nothing and opens
 * no image does not pay for libkmod, libcurl, libarchive or libcrypto, and the dozens of
 * libraries they pull in, at start-up. Each library is a table of the symbols used, resolved
 * all at once on the first dlib_load(); its callers call them through the sym_ pointers
 * (core/dlibs.h).
 */
#include <stddef.h>

/* Declares the pointer a symbol is called through: sym_NAME, of NAME's own type. */
#define DLSYM_PROTOTYPE(name) __typeof__(name) *sym_##name
/* An entry of a library's symbol table. */
/* clang-format off */
#define DLSYM_ARG(name) { #name, (void **)&sym_##name }
/* clang-format on */

struct dlib_sym {
	const char *name;
	void **ptr;
};

struct dlib {
	const char *soname;
	const struct dlib_sym *syms;
	size_t n_syms;
	/* filled by dlib_load() */
	void *handle;
	int err;	  /* 0 before the first try or when loaded; -ELIBACC when it failed */
	char reason[200]; /* then: dlerror()'s text ("libkmod.so.2: cannot open shared object ...")
			   */
};

/*
 * Loads l once: opens its soname and resolves every symbol of its table, or none (a library
 * without one of them is not the one we were built against). Returns 0, or -ELIBACC with
 * l->reason saying why; a later call returns the same without trying again.
 */
int dlib_load(struct dlib *l);

#endif
