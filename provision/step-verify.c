/* SPDX-License-Identifier: MIT */
/* After the plan: the state re-read (dpkg status, the pin file, daemon.json), the runtime.*
 * checks run again, and, where systemd runs, Sysbox's services asked. Package state is not
 * proof that Sysbox runs (design.md "Sysbox's own package scripts"); where there is no
 * systemd (a chroot, an image build) the step says so as skipped. */
#include <fcntl.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "preflight.h"
#include "steps.h"

#define SYSTEMCTL "/usr/bin/systemctl"
#define SYSBOX_MGR_SOCK "/run/sysbox/sysmgr.sock"

/* The steps whose result verify re-reads. */
static const struct {
	const char *what;
	int (*satisfied)(struct prov_ctx *c);
} rereads[] = {
	{ "containerd.io pin", containerd_satisfied },
	{ "daemon.json", daemon_json_satisfied },
	{ "sysbox-ce", sysbox_satisfied },
};

/* The checks of what provisioning installs (runtime.*, fs.fuse3) again, on facts read now, but
 * those --skip waived. *ret_bad is the
 * first of them that provisioning should have fixed and still fails, or NULL; *ret_n counts
 * the checks. Returns 0 or -ENOMEM. */
static int rerun_checks(struct prov_ctx *c, char **ret_bad, size_t *ret_n)
{
	char *only[] = { (char *)"runtime.*", (char *)"fs.fuse3" };
	_cleanup_free_ enum selection *sel = calloc(checks_count() + 1, sizeof(*sel));
	struct facts f = { 0 };
	struct result *res = NULL;
	size_t n = 0;
	int r;

	*ret_bad = NULL;
	if (!sel)
		return -ENOMEM;
	r = checks_select(NULL, 0, only, ELEMENTSOF(only), sel, NULL);
	if (r < 0)
		return r;
	/* What the operator waived (--skip) stays waived. */
	for (size_t i = 0; c->o->sel && i < checks_count(); i++)
		if (c->o->sel[i] == SELECT_SKIP && sel[i] == SELECT_RUN)
			sel[i] = SELECT_SKIP;
	r = checks_run(c->h, c->o->cfg, sel, c->o->assume, &f, &res, &n);
	for (size_t i = 0; r >= 0 && i < n && !*ret_bad; i++)
		if (prov_gate_exempt(res[i].check->id) && res[i].status == STATUS_FAIL) {
			*ret_bad = strdup_printf("%s: %s", res[i].check->id,
						 res[i].message ? res[i].message : "fail");
			if (!*ret_bad)
				r = -ENOMEM;
		}
	*ret_n = n;
	results_free(res, n);
	facts_free(&f);
	return r < 0 ? r : 0;
}

static bool systemd_runs(const struct prov_ctx *c)
{
	_cleanup_free_ char *comm = NULL;

	return host_read_line(c->h, "/proc/1/comm", &comm) == 0 && streq(comm, "systemd");
}

/* Fails naming each unit whose line of `systemctl is-active` output is not "active" (one line
 * per unit, in argv's order; a unit with no line is "unknown"). */
static int services_down(struct prov_ctx *c, const char *const *units, const char *out)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	const char *p = out;

	for (size_t i = 0; units[i]; i++) {
		size_t n = strcspn(p, "\n");

		if (!n)
			strbuf_add_sep(&sb, ", ", "%s is unknown", units[i]);
		else if (n != strlen("active") || strncmp(p, "active", n) != 0)
			strbuf_add_sep(&sb, ", ", "%s is %.*s", units[i], (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (sb.err)
		return sb.err;
	return prov_fail(c, "Sysbox's services are not all active: %s",
			 sb.len ? strbuf_str(&sb) : "systemctl is-active failed");
}

/* systemctl is-active of Sysbox's units, and sysbox-mgr's socket. */
static int check_services(struct prov_ctx *c)
{
	const char *argv[] = { SYSTEMCTL, "is-active", "sysbox.service", "sysbox-mgr.service",
			       "sysbox-fs.service", NULL };
	_cleanup_close_ int fd = -1;
	const struct prov_cmd *cmd = NULL;
	int r;

	r = prov_run(c, PROV_QUERY, PROV_QUERY_TIMEOUT_S, argv, &cmd);
	if (r < 0 && r != -ENOMEM)
		return prov_fail(c, "cannot run %s: %s", SYSTEMCTL, strerror(-r));
	if (r < 0)
		return r;
	if (r == 1)
		return services_down(c, argv + 2, cmd->out ? cmd->out : "");
	fd = host_openat(c->h, SYSBOX_MGR_SOCK, O_PATH);
	if (fd < 0)
		return prov_fail(c, "%s is missing: sysbox-mgr is not serving", SYSBOX_MGR_SOCK);
	return 0;
}

int verify_apply(struct prov_ctx *c)
{
	_cleanup_free_ char *bad = NULL;
	size_t n = 0;
	int r;

	if (c->o->dry_run)
		return prov_note(c, "after the steps: dpkg status, %s, %s and the runtime.* and "
				 "fs.fuse3 checks re-read%s", CONTAINERD_PIN_FILE, "/etc/docker/daemon.json",
				 systemd_runs(c) ? "; systemctl is-active sysbox" : "");
	for (size_t i = 0; i < ELEMENTSOF(rereads); i++) {
		r = rereads[i].satisfied(c);
		if (r == -ENOMEM)
			return r;
		if (r != PROV_SATISFIED && r != PROV_NOT_APPLICABLE)
			return prov_fail(c, "%s does not read as provisioned", rereads[i].what);
	}
	r = rerun_checks(c, &bad, &n);
	if (r < 0)
		return r;
	if (bad)
		return prov_fail(c, "after provisioning, %s", bad);
	if (!systemd_runs(c)) {
		c->cur->outcome = PROV_SKIPPED;
		return prov_note(c, "packages, pin and daemon.json verified, and the %zu checks of "
				 "what was installed pass; services not verified: systemd is not "
				 "PID 1 here", n);
	}
	r = check_services(c);
	if (r < 0)
		return r;
	return prov_note(c, "verified: packages, pin, daemon.json, the %zu checks of what was "
			 "installed, Sysbox's services active", n);
}
