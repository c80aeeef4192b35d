/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_STEPS_H
#define CVMPREP_PROV_STEPS_H

#include <dirent.h>

#include "pkgdb.h"
#include "plan.h"

/* One pair per step of prov_plans[] (steps.c), in their files. */
int recover_satisfied(struct prov_ctx *c);
int recover_apply(struct prov_ctx *c);
int source_satisfied(struct prov_ctx *c);
int source_apply(struct prov_ctx *c);
int containerd_satisfied(struct prov_ctx *c);
int containerd_apply(struct prov_ctx *c);
int daemon_json_satisfied(struct prov_ctx *c);
int daemon_json_apply(struct prov_ctx *c);
int sysbox_satisfied(struct prov_ctx *c);
int sysbox_apply(struct prov_ctx *c);
int shiftfs_satisfied(struct prov_ctx *c);
int shiftfs_apply(struct prov_ctx *c);
int verify_apply(struct prov_ctx *c);

/* The image target's own (step-image.c, step-imgverify.c). */
int image_containerd_apply(struct prov_ctx *c);
int image_docker_satisfied(struct prov_ctx *c);
int image_docker_apply(struct prov_ctx *c);
int image_systemd_satisfied(struct prov_ctx *c);
int image_systemd_apply(struct prov_ctx *c);
int image_enable_satisfied(struct prov_ctx *c);
int image_enable_apply(struct prov_ctx *c);
int image_init_satisfied(struct prov_ctx *c);
int image_init_apply(struct prov_ctx *c);
int image_verify_apply(struct prov_ctx *c);

/* The containerd.io pin file and the package it holds. */
#define CONTAINERD_PKG "containerd.io"
#define CONTAINERD_PIN_FILE "/etc/apt/preferences.d/cvmprep-containerd"
#define CONTAINERD_PIN_PRIORITY 1001

/* For the steps about containerd.io: reads its package under the root into *ret and returns 0
 * (caller frees it with prov_pkg_free()); under --containerd-version none, notes it and returns
 * PROV_NOT_APPLICABLE; or -errno. */
int containerd_read(struct prov_ctx *c, struct prov_pkg *ret);

/* The pin file's text for version; caller frees. NULL on allocation failure. */
char *containerd_pin_text(const char *version);

/* Sends sig to each process of the /proc directory proc (opened under h) whose comm is name.
 * Returns how many, -ENOMEM, or the -errno of a listing that failed part-way (those listed
 * before it were sent it). */
int proc_signal_named(const struct host *h, DIR *proc, const char *name, int sig);

/* Whether Docker is installed under the root (dockerd on the package path). */
bool docker_installed(const struct host *h);

#endif
