/* SPDX-License-Identifier: MIT */
/*
 * platform.init, platform.resources, kernel.idmap, kernel.seccomp-notify,
 * security.apparmor-userns, security.secureboot, userns.*, cgroup.version, sysctl.limits: every
 * status of each rule, on facts made here. The probes are exercised on fixture roots and live by
 * tests/integration/test-kernel-ns.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts-spec.h"

#include "checks/checks.h"
#include "core/util.h"

#define MAX_FACTS 8

/* Run options that change a verdict. */
enum {
	LIVE = 1 << 0,     /* the running host */
	NOPROBE = 1 << 1,  /* with LIVE: --no-probe */
	SYSBOX = 1 << 2,   /* --profile sysbox */
	AUTOLOAD = 1 << 3, /* --shiftfs-autoload */
};

struct rule_case {
	const char *id;
	unsigned opts;
	const char *facts[MAX_FACTS]; /* "key=value", "key" for null, "key!errno" */
	enum status want;
	const char *message;
};


#define K54 "kernel.release=5.4.0-169-generic"
#define K515 "kernel.release=5.15.0-91-generic"
#define K519 "kernel.release=5.19.0-1-generic"
#define K68 "kernel.release=6.8.0-1008-aws"
#define SHIFT_NO "module.shiftfs=absent", "filesystem.shiftfs=no"
#define SHIFT_MOD "module.shiftfs=available", "filesystem.shiftfs=no"
#define SHIFT_UNK "module.shiftfs!13", "filesystem.shiftfs=no"
#define IDMAP_OK "kernel.idmap_mount=ok", "kernel.idmap_overlay=ok"
#define SYSCTLS_AT(pid)                                                                            \
	"sysctl.fs.inotify.max_queued_events=1048576", "sysctl.fs.inotify.max_user_watches=1048576", \
		"sysctl.fs.inotify.max_user_instances=1048576", "sysctl.kernel.keys.maxkeys=20000",  \
		"sysctl.kernel.keys.maxbytes=1400000", pid

static const struct rule_case cases[] = {
	/* platform.init */
	{ "platform.init", 0, { "host.mode=host", "mode.pid1=systemd", "platform.systemd=yes" }, STATUS_PASS, "systemd is" },
	{ "platform.init", 0, { "host.mode=host", "mode.pid1=init", "platform.systemd=yes" }, STATUS_PASS, "systemd is" },
	{ "platform.init", 0, { "host.mode=host", "mode.pid1=openrc-init", "platform.systemd=no" }, STATUS_WARN, "PID 1 is openrc-init" },
	{ "platform.init", SYSBOX, { "host.mode=host", "mode.pid1=openrc-init", "platform.systemd=no" }, STATUS_FAIL, "sysbox profile" },
	{ "platform.init", 0, { "host.mode=host", "mode.pid1!13", "platform.systemd=no" }, STATUS_UNKNOWN, "'/proc/1/comm': Permission denied" },
	{ "platform.init", 0, { "host.mode=pod", "mode.pid1=sleep", "platform.systemd=no" }, STATUS_SKIP, "in a pod" },

	/* platform.resources: 4 GB is 3906250 kB */
	{ "platform.resources", 0, { "platform.cpus=4", "platform.memtotal_kb=3906250" }, STATUS_PASS, "4 CPUs" },
	{ "platform.resources", 0, { "platform.cpus=2", "platform.memtotal_kb=16000000" }, STATUS_WARN, "fewer than 4 CPUs:" },
	{ "platform.resources", 0, { "platform.cpus=8", "platform.memtotal_kb=3906249" }, STATUS_WARN, "less than 4 GB" },
	{ "platform.resources", 0, { "platform.cpus=1", "platform.memtotal_kb=1000" }, STATUS_WARN, "CPUs and less than" },
	{ "platform.resources", 0, { "platform.cpus!2", "platform.memtotal_kb=1000" }, STATUS_UNKNOWN, "cannot read" },
	{ "platform.resources", 0, { "platform.cpus=4", "platform.memtotal_kb=lots" }, STATUS_UNKNOWN, "unexpected" },

	/* kernel.idmap: >= 5.19 */
	{ "kernel.idmap", LIVE, { K68, SHIFT_NO, IDMAP_OK }, STATUS_PASS, "the probe mounted one" },
	{ "kernel.idmap", LIVE | NOPROBE, { K68, SHIFT_NO }, STATUS_PASS, "version alone: the functional probe did not run (--no-probe)" },
	{ "kernel.idmap", 0, { K519, SHIFT_UNK }, STATUS_PASS, "not the running host" },
	{ "kernel.idmap", LIVE, { K68, SHIFT_NO, "kernel.idmap_mount=mount_setattr(2) MOUNT_ATTR_IDMAP: Invalid argument" }, STATUS_FAIL, "probe failed: mount_setattr(2)" },
	{ "kernel.idmap", LIVE, { K68, SHIFT_NO, "kernel.idmap_mount=ok", "kernel.idmap_overlay=mount(2) of overlayfs: Invalid argument" }, STATUS_FAIL, "overlayfs: Invalid" },
	{ "kernel.idmap", LIVE, { K68, SHIFT_NO, "kernel.idmap_mount!110" }, STATUS_UNKNOWN, "could not answer: Connection timed out" },
	/* 5.12 - 5.18 */
	{ "kernel.idmap", LIVE, { K515, SHIFT_NO, "kernel.idmap_mount=ok", "kernel.idmap_overlay=mount(2) of overlayfs: Invalid argument" }, STATUS_WARN, "shiftfs is absent" },
	{ "kernel.idmap", 0, { K515, SHIFT_UNK }, STATUS_WARN, "unknown state" },
	{ "kernel.idmap", 0, { K515, SHIFT_MOD }, STATUS_PASS, "shiftfs covers" },
	{ "kernel.idmap", LIVE, { K515, SHIFT_MOD, "kernel.idmap_mount=open_tree(2) OPEN_TREE_CLONE: Function not implemented" }, STATUS_FAIL, "open_tree" },
	/* < 5.12: shiftfs or nothing; the probe cannot help */
	{ "kernel.idmap", 0, { K54, SHIFT_NO }, STATUS_FAIL, "shiftfs is absent" },
	{ "kernel.idmap", 0, { K54, "module.shiftfs=loaded" }, STATUS_PASS, "shiftfs, which is present" },
	{ "kernel.idmap", 0, { K54, "filesystem.shiftfs=yes" }, STATUS_PASS, "shiftfs, which is present" },
	{ "kernel.idmap", 0, { K54, SHIFT_UNK }, STATUS_UNKNOWN, "cannot be told" },
	{ "kernel.idmap", 0, { "kernel.release!2" }, STATUS_UNKNOWN, "cannot read" },
	{ "kernel.idmap", 0, { "kernel.release=linux", SHIFT_NO }, STATUS_UNKNOWN, "cannot parse" },

	/* kernel.seccomp-notify */
	{ "kernel.seccomp-notify", LIVE, { "kernel.seccomp_notify=ok" }, STATUS_PASS, "available" },
	{ "kernel.seccomp-notify", LIVE, { "kernel.seccomp_notify=seccomp(2) SECCOMP_GET_NOTIF_SIZES: Invalid argument" }, STATUS_FAIL, "Invalid argument" },
	{ "kernel.seccomp-notify", LIVE, { "kernel.seccomp_notify!62" }, STATUS_UNKNOWN, "could not answer" },
	{ "kernel.seccomp-notify", LIVE, { "kernel.seccomp_notify" }, STATUS_UNKNOWN, "no answer" },
	{ "kernel.seccomp-notify", LIVE | NOPROBE, { 0 }, STATUS_SKIP, "--no-probe" },
	{ "kernel.seccomp-notify", 0, { 0 }, STATUS_SKIP, "not the running host" },

	/* security.apparmor-userns */
	{ "security.apparmor-userns", 0, { "security.apparmor_restrict_unprivileged_userns=1" }, STATUS_WARN, "restricts" },
	{ "security.apparmor-userns", 0, { "security.apparmor_restrict_unprivileged_userns=0" }, STATUS_PASS, "does not restrict unprivileged" },
	{ "security.apparmor-userns", 0, { "security.apparmor_restrict_unprivileged_userns" }, STATUS_PASS, "no such sysctl" },
	{ "security.apparmor-userns", 0, { "security.apparmor_restrict_unprivileged_userns=2" }, STATUS_UNKNOWN, "unexpected" },
	{ "security.apparmor-userns", 0, { "security.apparmor_restrict_unprivileged_userns!13" }, STATUS_UNKNOWN, "cannot read" },

	/* security.secureboot */
	{ "security.secureboot", AUTOLOAD, { "security.secureboot=on", SHIFT_NO }, STATUS_FAIL, "unsigned module" },
	{ "security.secureboot", AUTOLOAD, { "security.secureboot=on", SHIFT_MOD }, STATUS_PASS, "nothing has to be built" },
	{ "security.secureboot", AUTOLOAD, { "security.secureboot=on", SHIFT_UNK }, STATUS_UNKNOWN, "cannot be told" },
	{ "security.secureboot", 0, { "security.secureboot=on", SHIFT_NO }, STATUS_PASS, "no --shiftfs-autoload" },
	{ "security.secureboot", AUTOLOAD, { "security.secureboot=off", SHIFT_NO }, STATUS_PASS, "Secure Boot is off" },
	{ "security.secureboot", AUTOLOAD, { "security.secureboot", SHIFT_NO }, STATUS_PASS, "not an EFI boot" },
	{ "security.secureboot", 0, { "security.secureboot!2" }, STATUS_UNKNOWN, "cannot read" },

	/* userns.max */
	{ "userns.max", 0, { "userns.max_user_namespaces=0" }, STATUS_FAIL, "disabled" },
	{ "userns.max", 0, { "userns.max_user_namespaces=15000" }, STATUS_PASS, "15000" },
	{ "userns.max", 0, { "userns.max_user_namespaces=-1" }, STATUS_UNKNOWN, "unexpected" },
	{ "userns.max", 0, { "userns.max_user_namespaces!2" }, STATUS_UNKNOWN, "cannot read" },

	/* userns.clone */
	{ "userns.clone", 0, { "userns.unprivileged_userns_clone=0" }, STATUS_FAIL, "want 1, have 0" },
	{ "userns.clone", 0, { "userns.unprivileged_userns_clone=1" }, STATUS_PASS, "allowed" },
	{ "userns.clone", 0, { "userns.unprivileged_userns_clone" }, STATUS_PASS, "has no" },
	{ "userns.clone", 0, { "userns.unprivileged_userns_clone!13" }, STATUS_UNKNOWN, "cannot read" },

	/* userns.procfs */
	{ "userns.procfs", LIVE, { "userns.procfs=ok" }, STATUS_PASS, "mounts procfs" },
	{ "userns.procfs", LIVE, { "userns.procfs=mount(2) of procfs on /proc: Operation not permitted" }, STATUS_FAIL, "Operation not permitted" },
	{ "userns.procfs", LIVE, { "userns.procfs!110" }, STATUS_UNKNOWN, "could not answer" },
	{ "userns.procfs", LIVE | NOPROBE, { 0 }, STATUS_SKIP, "--no-probe" },
	{ "userns.procfs", 0, { 0 }, STATUS_SKIP, "not the running host" },

	/* cgroup.version */
	{ "cgroup.version", LIVE, { "cgroup.fstype=cgroup2", "cgroup.controllers=cpu memory pids" }, STATUS_PASS, "cgroup v2" },
	{ "cgroup.version", LIVE, { "cgroup.fstype=tmpfs", "cgroup.unified_fstype=cgroup2" }, STATUS_PASS, "cgroup hybrid" },
	{ "cgroup.version", LIVE, { "cgroup.fstype=tmpfs", "cgroup.unified_fstype" }, STATUS_PASS, "cgroup v1" },
	{ "cgroup.version", LIVE, { "cgroup.fstype=0xef53" }, STATUS_FAIL, "no cgroup filesystem" },
	{ "cgroup.version", 0, { "cgroup.fstype=0xef53" }, STATUS_UNKNOWN, "not a mounted cgroup" },
	{ "cgroup.version", 0, { "cgroup.fstype!13" }, STATUS_UNKNOWN, "cannot read" },

	/* sysctl.limits */
	{ "sysctl.limits", 0, { SYSCTLS_AT("sysctl.kernel.pid_max=4194304") }, STATUS_PASS, "all 6" },
	{ "sysctl.limits", 0, { SYSCTLS_AT("sysctl.kernel.pid_max=4194305") }, STATUS_PASS, "all 6" },
	{ "sysctl.limits", 0, { SYSCTLS_AT("sysctl.kernel.pid_max=32768") }, STATUS_WARN, "1 below the Sysbox package's values: kernel.pid_max=32768" },
	{ "sysctl.limits", 0, { SYSCTLS_AT("sysctl.kernel.pid_max!21") }, STATUS_UNKNOWN, "cannot read kernel.pid_max" },
	{ "sysctl.limits", 0, { SYSCTLS_AT(NULL) }, STATUS_UNKNOWN, "cannot read kernel.pid_max" },
	{ "sysctl.limits", 0, { "sysctl.kernel.keys.maxkeys=200", "sysctl.kernel.pid_max!21" }, STATUS_WARN, "unreadable:" },
};

static void test_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const struct rule_case *t = &cases[i];
		const struct check *c = checks_find(t->id);
		const struct config cfg = {
			.profile = profile_find(t->opts & SYSBOX ? "sysbox" : "coder"),
			.data_root = DATA_ROOT_DEFAULT,
			.shiftfs_autoload = t->opts & AUTOLOAD,
			.live = t->opts & LIVE,
			.as_root = true,
			.probes = (t->opts & LIVE) && !(t->opts & NOPROBE),
		};
		struct result r = { .check = c };
		struct facts f = { 0 };

		assert_non_null(c);
		load_facts(&f, t->facts, MAX_FACTS);
		assert_int_equal(c->rule(c, &f, &cfg, &r), 0);
		if (r.status != t->want || !r.message || !strstr(r.message, t->message))
			fail_msg("case %zu %s: got %s '%s', want %s '%s'", i, t->id,
				 status_to_string(r.status), r.message ? r.message : "(null)",
				 status_to_string(t->want), t->message);
		if (t->want == STATUS_FAIL || t->want == STATUS_WARN)
			assert_non_null(r.remediation);
		result_free(&r);
		facts_free(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
