/* SPDX-License-Identifier: MIT */
#include "dlib.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

/* Records why l could not be loaded: dlerror()'s text, else what. */
static int dlib_fail(struct dlib *l, const char *what)
{
	const char *e = dlerror();

	snprintf(l->reason, sizeof(l->reason), "%s", e ? e : what);
	l->err = -ELIBACC;
	return l->err;
}

int dlib_load(struct dlib *l)
{
	void *h;

	if (l->handle || l->err)
		return l->err;
	/* RTLD_NOW: every symbol bound here, not at a first call deep in a probe. */
	h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!h)
		return dlib_fail(l, l->soname);
	for (size_t i = 0; i < l->n_syms; i++) {
		dlerror();
		*l->syms[i].ptr = dlsym(h, l->syms[i].name);
		if (!*l->syms[i].ptr) {
			/* none or all: a half-resolved table is never called */
			for (size_t j = 0; j <= i; j++)
				*l->syms[j].ptr = NULL;
			dlib_fail(l, l->syms[i].name);
			dlclose(h);
			return l->err;
		}
	}
	l->handle = h;
	return 0;
}
