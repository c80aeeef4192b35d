/* SPDX-License-Identifier: MIT */
/* The image target's verify step: every step's satisfied() read again, then the image checks
 * (checks/image.c) on the root, as `cvmprep image DIR` judges it. A check of the recipe that
 * fails fails the step; those the steps themselves fix must pass. */
#include <sys/utsname.h>

#include "checks/image.h"
#include "checks/runner.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "image/probe.h"
#include "image/source.h"
#include "steps.h"

/* The image checks the steps fix: after them, each must pass. */
static const char *const fixed[] = {
	"image.containerd-pin", "image.docker", "image.systemd", "image.docker-enabled",
	"image.init",
};

static bool is_fixed(const char *id)
{
	for (size_t i = 0; i < ELEMENTSOF(fixed); i++)
		if (streq(id, fixed[i]))
			return true;
	return false;
}

static bool in_recipe(const char *id)
{
	for (size_t i = 0; i < n_image_recipe; i++)
		if (streq(id, image_recipe[i].id))
			return true;
	return false;
}

/* The image's facts and checks, as `cvmprep image` reads an unpacked root. */
static int judge(struct prov_ctx *c, struct facts *f, struct result **ret, size_t *ret_n)
{
	_cleanup_free_ enum selection *sel = calloc(checks_count() + 1, sizeof(*sel));
	struct image img = {.format = IMAGE_FORMAT_ROOT, .source = (char *)c->h->root};
	_cleanup_free_ char *platform = NULL;
	const char *arch = NULL;
	struct utsname u;
	int r;

	if (!sel)
		return -ENOMEM;
	r = checks_select_target(CHECK_TARGET_IMAGE, NULL, 0, NULL, 0, sel, NULL);
	if (r < 0)
		return r;
	/* The image is built for this machine's architecture (image.arch). */
	if (uname(&u) == 0)
		arch = image_goarch(u.machine);
	platform = strdup_printf("linux/%s", arch ? arch : "unknown");
	if (!platform)
		return -ENOMEM;
	r = facts_set(f, IMAGE_NODE_PLATFORM, "uname(2)", platform) ?: image_probe(&img, c->h, f);
	if (r < 0)
		return r;
	return checks_run(c->h, c->o->cfg, sel, c->o->assume, f, ret, ret_n);
}

int image_verify_apply(struct prov_ctx *c)
{
	const struct prov_plan *plan = &prov_plans[PROV_TARGET_IMAGE];
	_cleanup_strbuf_ struct strbuf bad = STRBUF_INIT, warned = STRBUF_INIT;
	struct facts f = { 0 };
	struct result *res = NULL;
	size_t n = 0, n_pass = 0;
	int r;

	if (c->o->dry_run)
		return prov_note(c, "after the steps: each step read again, then the image checks "
				 "on %s", c->h->root);
	for (size_t i = 0; i < plan->n; i++) {
		if (!plan->steps[i].satisfied)
			continue;
		r = plan->steps[i].satisfied(c);
		if (r < 0)
			return r == -ENOMEM ? r
					    : prov_fail(c, "cannot read what %s did: %s",
							plan->steps[i].name, strerror(-r));
		if (r != PROV_SATISFIED && r != PROV_NOT_APPLICABLE)
			return prov_fail(c, "%s does not read as done", plan->steps[i].name);
	}
	r = judge(c, &f, &res, &n);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		const struct result *x = &res[i];
		const char *id = x->check->id;

		if (!in_recipe(id))
			continue;
		if (x->status == STATUS_PASS)
			n_pass++;
		else if (x->status == STATUS_FAIL || (is_fixed(id) && x->status != STATUS_SKIP))
			strbuf_add_sep(&bad, "; ", "%s is %s: %s", id, status_to_string(x->status),
				       x->message ? x->message : "");
		else if (x->status != STATUS_SKIP)
			strbuf_add_sep(&warned, "; ", "%s is %s: %s", id,
				       status_to_string(x->status), x->message ? x->message : "");
	}
	results_free(res, n);
	facts_free(&f);
	if (r < 0)
		return r;
	if (bad.err || warned.err)
		return -ENOMEM;
	if (bad.len)
		return prov_fail(c, "after provisioning, the image checks say %s",
				 strbuf_str(&bad));
	return prov_note(c, "every step reads as done; %zu of the recipe's image checks pass%s%s",
			 n_pass, warned.len ? "; " : "", warned.len ? strbuf_str(&warned) : "");
}
