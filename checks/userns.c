/* SPDX-License-Identifier: MIT */
/* userns.*: Sysbox puts every container in a user namespace of its own. */
#include <sched.h>
#include <sys/mount.h>

#include "checks.h"
#include "core/util.h"
#include "live.h"
#include "probe.h"

#define MAX_USERNS "/proc/sys/user/max_user_namespaces"
#define USERNS_CLONE "/proc/sys/kernel/unprivileged_userns_clone"
#define KEY_PROCFS "userns.procfs"

static int probe_userns_sysctls(const struct host *h, const struct config *cfg _unused_,
				struct facts *f)
{
	return probe_line(h, f, "userns.max_user_namespaces", MAX_USERNS) ?:
	       probe_line_opt(h, f, "userns.unprivileged_userns_clone", USERNS_CLONE,
			      "/proc/sys/kernel");
}

/* sysbox-runc libsysbox/sysbox/utils.go: a limit of 0 forbids every user namespace. */
static int rule_userns_max(const struct check *c _unused_, const struct facts *f,
			   const struct config *cfg _unused_, struct result *r)
{
	const struct fact *fa;
	unsigned long long n;
	int ret;

	ret = result_need(r, f, "userns.max_user_namespaces", &fa);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, fa);
	result_observed(r, "%s", fa->value);
	result_expected(r, "> 0");
	if (parse_count(fa->value, &n) < 0)
		return result_set(r, STATUS_UNKNOWN, "unexpected content in '%s': '%s'", fa->source,
				  fa->value);
	if (n > 0)
		return result_set(r, STATUS_PASS, "up to %llu user namespaces per user", n);
	result_remediation(r, "sysctl -w user.max_user_namespaces=65536, and persist it in "
			      "/etc/sysctl.d");
	return result_set(r, STATUS_FAIL, "user namespaces are disabled (max_user_namespaces is 0)");
}

/* Debian's and Ubuntu's kernel patch: 0 lets only privileged processes create user namespaces.
 * sysbox-runc utils.go wants 1; mainline kernels have no such file. */
static int rule_userns_clone(const struct check *c _unused_, const struct facts *f,
			     const struct config *cfg _unused_, struct result *r)
{
	const struct fact *fa;
	int ret;

	ret = result_need(r, f, "userns.unprivileged_userns_clone", &fa);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, fa);
	result_expected(r, "1, or no such sysctl");
	if (!fa->value) {
		result_observed(r, "absent");
		return result_set(r, STATUS_PASS, "the kernel has no %s: user namespaces are not "
				  "restricted by it", USERNS_CLONE);
	}
	result_observed(r, "%s", fa->value);
	if (streq(fa->value, "1"))
		return result_set(r, STATUS_PASS, "unprivileged user namespaces are allowed");
	result_remediation(r, "sysctl -w kernel.unprivileged_userns_clone=1, and persist it in "
			      "/etc/sysctl.d");
	return result_set(r, STATUS_FAIL, "kernel.unprivileged_userns_clone: want 1, have %s",
			  fa->value);
}

/* The steps of the procfs probe: sysbox-pkgr k8s/scripts/sysbox-installer-helper.sh checks that
 * a process in new user and PID namespaces can mount procfs (as Sysbox does for each
 * container). */
enum procfs_step {
	PROCFS_CLONE = CHILD_STEP_CLONE,
	PROCFS_PRIVATE,
	PROCFS_MOUNT,
	PROCFS_SELF,
	_PROCFS_STEP_MAX,
};

static const char *const procfs_steps[] = {
	[PROCFS_CLONE] = "clone(2) CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNS",
	[PROCFS_PRIVATE] = "mount(2) MS_REC|MS_PRIVATE on /",
	[PROCFS_MOUNT] = "mount(2) of procfs on /proc",
	[PROCFS_SELF] = "reading /proc/self of the new procfs",
};
_Static_assert(ELEMENTSOF(procfs_steps) == _PROCFS_STEP_MAX, "procfs_steps");

/* In the child, PID 1 of its namespace: mounts procfs over /proc in its own mount namespace
 * (gone when it exits) and checks that procfs shows the new PID namespace. */
static void procfs_child(void *userdata _unused_, struct child_result *ret)
{
	char self[16];
	ssize_t n;

	ret->step = PROCFS_PRIVATE;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		goto fail;
	ret->step = PROCFS_MOUNT;
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		goto fail;
	ret->step = PROCFS_SELF;
	n = readlink("/proc/self", self, sizeof(self) - 1);
	if (n < 0)
		goto fail;
	self[n] = '\0';
	if (!streq(self, "1"))
		ret->r = -ESRCH;
	return;
fail:
	ret->r = -errno;
}

static int probe_userns_procfs(const struct host *h _unused_, const struct config *cfg,
			       struct facts *f)
{
	struct child_result res = { 0 };
	int r;

	if (!cfg->probes)
		return 0;
	r = child_run(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS, CHILD_TIMEOUT_MS, procfs_child,
		      NULL, &res);
	return live_record(f, KEY_PROCFS, "procfs in new user and PID namespaces", r, &res,
			   procfs_steps, ELEMENTSOF(procfs_steps));
}

static int rule_userns_procfs(const struct check *c _unused_, const struct facts *f,
			      const struct config *cfg, struct result *r)
{
	const struct fact *fa;
	int ret;

	result_expected(r, "procfs mounts in new user and PID namespaces");
	ret = live_need(r, f, cfg, KEY_PROCFS, &fa);
	if (ret <= 0)
		return ret;
	result_observed(r, "%s", fa->value);
	if (streq(fa->value, "ok"))
		return result_set(r, STATUS_PASS, "a process in new user and PID namespaces mounts "
				  "procfs");
	result_remediation(r, "allow user namespaces (user.max_user_namespaces > 0), and "
			      "leave a fully visible procfs mounted at /proc (no masked "
			      "paths over it)");
	return result_set(r, STATUS_FAIL, "procfs cannot be mounted in new user and PID "
			  "namespaces: %s", fa->value);
}

const struct check checks_userns[] = {
	{
		.id = "userns.max",
		.title = "User namespaces allowed",
		.probes = { probe_userns_sysctls },
		.rule = rule_userns_max,
		.evidence = MAX_USERNS,
		.rule_text = "0 fails; any other number passes; unreadable or not a number is "
			     "unknown",
		.why = "every Sysbox container runs in a user namespace of its own",
		.fix = "sysctl -w user.max_user_namespaces=65536 and persist it in /etc/sysctl.d",
		.source = "sysbox-runc libsysbox/sysbox/utils.go",
		.docs = "https://github.com/nestybox/sysbox-runc/blob/master/libsysbox/sysbox/utils.go",
	},
	{
		.id = "userns.clone",
		.title = "Unprivileged user namespaces (Debian/Ubuntu)",
		.probes = { probe_userns_sysctls },
		.rule = rule_userns_clone,
		.evidence = USERNS_CLONE " (a Debian and Ubuntu kernel patch)",
		.rule_text = "absent passes (mainline kernel); 1 passes; any other value fails "
			     "(\"want 1, have 0\")",
		.why = "sysbox-runc refuses to start containers when the kernel restricts user "
		       "namespaces to privileged processes",
		.fix = "sysctl -w kernel.unprivileged_userns_clone=1 and persist it in /etc/sysctl.d",
		.source = "sysbox-runc libsysbox/sysbox/utils.go; sysbox docs/user-guide/troubleshoot.md",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/troubleshoot.md",
	},
	{
		.id = "userns.procfs",
		.title = "procfs in a user namespace",
		.probes = { probe_userns_procfs },
		.rule = rule_userns_procfs,
		.evidence = "live, as root: a child process in new user, PID and mount namespaces "
			    "mounts procfs on /proc (in its own mount namespace) and reads "
			    "/proc/self, which must be 1",
		.rule_text = "works passes; a failing step fails, naming it and the error; "
			     "without the probe (--no-probe, --root) skip",
		.why = "Sysbox mounts procfs inside each container's user and PID namespaces; "
		       "the kernel refuses when /proc is not fully visible (masked paths) or "
		       "user namespaces are restricted",
		.fix = "allow user namespaces and do not mask /proc (run the node, or the "
		       "installer pod, without masked /proc paths)",
		.source = "sysbox-pkgr k8s/scripts/sysbox-installer-helper.sh",
		.docs = "https://github.com/nestybox/sysbox-pkgr/blob/master/k8s/scripts/"
			"sysbox-installer-helper.sh",
	},
	CHECKS_END,
};
