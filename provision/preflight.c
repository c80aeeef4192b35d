/* SPDX-License-Identifier: MIT */
#include "preflight.h"

#include "core/cleanup.h"
#include "core/util.h"

/* What `cvmprep provision` installs or registers: these fail before it has run. */
static const char *const exempt[] = {
	"runtime.containerd", /* the pin it installs */
	"runtime.docker",     /* sysbox-runc in daemon.json; an invalid file is its step's refusal */
	"runtime.sysbox",     /* sysbox-ce itself */
	"runtime.subid",      /* the sysbox user and its subordinate ids, made by sysbox-ce */
	"runtime.tools",      /* rsync, iptables, fuse: sysbox-ce's dependencies bring them */
};

bool prov_gate_exempt(const char *id)
{
	for (size_t i = 0; i < ELEMENTSOF(exempt); i++)
		if (streq(id, exempt[i]))
			return true;
	return false;
}

/* The exit status a gating status asks for. */
static const int gate_exit[_STATUS_MAX] = {
	[STATUS_FAIL] = 1,
	[STATUS_UNKNOWN] = 3,
};

int prov_preflight(struct prov_ctx *c)
{
	struct prov_result *res = c->res;
	const struct result *worst = NULL;
	/* The checks judge the Sysbox to run: the one this run installs (fs.fuse3). */
	struct config cfg = *c->o->cfg;
	size_t n_fail = 0, n_unknown = 0;
	int r;

	/* The checks judge the node that runs Sysbox; an image's root is not one. Only what
	 * identifies it is read (its distribution, codename and architecture, for the apt source
	 * step), and no check runs. */
	if (c->o->target == PROV_TARGET_IMAGE) {
		_cleanup_free_ enum selection *none = calloc(checks_count() + 1, sizeof(*none));

		if (!none)
			return -ENOMEM;
		for (size_t i = 0; i < checks_count(); i++)
			none[i] = SELECT_OMIT;
		r = checks_run(c->h, c->o->cfg, none, c->o->assume, &res->facts, &res->checks,
			       &res->n_checks);
		if (r < 0)
			return r;
		c->cur->outcome = PROV_SKIPPED;
		return prov_note(c, "the image is not the node: its checks run in the verify step "
				 "(what 'cvmprep image DIR' judges)");
	}
	cfg.sysbox_target = c->o->sysbox_version;
	r = checks_run(c->h, &cfg, c->o->sel, c->o->assume, &res->facts, &res->checks,
		       &res->n_checks);
	if (r < 0)
		return r;
	for (size_t i = 0; i < res->n_checks; i++) {
		const struct result *x = &res->checks[i];

		if (prov_gate_exempt(x->check->id) || !gate_exit[x->status])
			continue;
		n_fail += x->status == STATUS_FAIL;
		n_unknown += x->status == STATUS_UNKNOWN;
		if (!worst || (x->status == STATUS_FAIL && worst->status != STATUS_FAIL))
			worst = x;
	}
	if (!worst) {
		c->cur->outcome = PROV_DONE;
		return prov_note(c, "%zu checks, none refuses", res->n_checks);
	}
	res->refused = strdup_printf("%s is %s: %s", worst->check->id,
				     status_to_string(worst->status),
				     worst->message ? worst->message : "");
	if (!res->refused)
		return -ENOMEM;
	if (c->o->force) {
		res->forced = true;
		c->cur->outcome = PROV_DONE;
		return prov_note(c, "--force: going on despite %zu failed and %zu undecided checks "
				 "(first: %s)", n_fail, n_unknown, res->refused);
	}
	c->cur->outcome = PROV_FAILED;
	r = prov_note(c, "refused, nothing changed: %zu failed and %zu undecided checks "
		      "(first: %s); fix them, waive one with --skip ID, or use --force",
		      n_fail, n_unknown, res->refused);
	return r < 0 ? r : gate_exit[worst->status];
}
