/* SPDX-License-Identifier: MIT */
/*
 * checks/sysctl.c: sysctl.limits, every status of the rule on facts made here.
 * The probes are exercised on fixture roots and live by tests/integration/test-kernel-ns.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

#define SYSCTLS_AT(pid)                                                                            \
	"sysctl.fs.inotify.max_queued_events=1048576", "sysctl.fs.inotify.max_user_watches=1048576", \
		"sysctl.fs.inotify.max_user_instances=1048576", "sysctl.kernel.keys.maxkeys=20000",  \
		"sysctl.kernel.keys.maxbytes=1400000", pid

static const struct rule_case cases[] = {
	/* sysctl.limits */
	{ "sysctl.limits", 0, { SYSCTLS_AT("sysctl.kernel.pid_max=4194304") }, STATUS_PASS, "all 6" },
	{ "sysctl.limits", 0, { SYSCTLS_AT("sysctl.kernel.pid_max=4194305") }, STATUS_PASS, "all 6" },
	{ "sysctl.limits", 0, { SYSCTLS_AT("sysctl.kernel.pid_max=32768") }, STATUS_WARN, "1 below the Sysbox package's values: kernel.pid_max=32768" },
	{ "sysctl.limits", 0, { SYSCTLS_AT("sysctl.kernel.pid_max!21") }, STATUS_UNKNOWN, "cannot read kernel.pid_max" },
	{ "sysctl.limits", 0, { SYSCTLS_AT(NULL) }, STATUS_UNKNOWN, "cannot read kernel.pid_max" },
	{ "sysctl.limits", 0, { "sysctl.kernel.keys.maxkeys=200", "sysctl.kernel.pid_max!21" }, STATUS_WARN, "unreadable:" },
};

RULE_CASES_MAIN(RULE_WANT_FIX_WARN)
