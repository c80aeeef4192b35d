/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_PREFLIGHT_H
#define CVMPREP_PROV_PREFLIGHT_H

#include <stdbool.h>

#include "plan.h"

/* Whether check id is one that provisioning itself fixes, and so does not gate it. */
bool prov_gate_exempt(const char *id);

/*
 * Runs the check suite with the options of `check` (c->o->cfg, sel, assume) into c->res, and
 * judges the gate: every check but the exempt runtime.* ones. A fail refuses (returns 1), an
 * unknown refuses (returns 3), unless --force, which is recorded (res->forced). Returns 0 to go
 * on, 1 or 3, or -ENOMEM.
 */
int prov_preflight(struct prov_ctx *c);

#endif
