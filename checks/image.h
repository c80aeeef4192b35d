/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_CHECKS_IMAGE_H
#define CVMPREP_CHECKS_IMAGE_H

#include <stddef.h>

#include "check.h"

/*
 * The workspace image rules (checks/image.c), judged on the facts image/probe.h records, and the
 * Coder CVM image recipe that fixes them: what `cvmprep image --dockerfile` prints, and what
 * `provision --target image` is to apply. One place for both.
 */

/* One step of the recipe: the Dockerfile lines (comments and RUN lines, '\n'-separated) that
 * fix the checks naming it, in recipe order. */
struct image_fix {
	const char *id; /* the check */
	const char *dockerfile;
};

/* The recipe, in the order its steps must run (packages, then enabling, then the init link). */
extern const struct image_fix image_recipe[];
extern const size_t n_image_recipe;

/* The GOARCH name (OCI platform.architecture) of a uname(2) machine or a Debian architecture:
 * "x86_64" and "amd64" are "amd64"; NULL when it is none known. Pure. */
const char *image_goarch(const char *machine);

/* The node's platform for picking an image of an index: "linux/ARCH[/VARIANT]" from --platform
 * (given) or this machine's. */
#define IMAGE_NODE_PLATFORM "node.platform"

#endif
