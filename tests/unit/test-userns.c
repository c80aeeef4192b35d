/* SPDX-License-Identifier: MIT */
/*
 * checks/userns.c: userns.max, userns.clone and userns.procfs, every status of each rule on
 * facts made here.
 * The probes are exercised on fixture roots and live by tests/integration/test-kernel-ns.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

static const struct rule_case cases[] = {
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
	{ "userns.procfs", RULE_LIVE, { "userns.procfs=ok" }, STATUS_PASS, "mounts procfs" },
	{ "userns.procfs", RULE_LIVE, { "userns.procfs=mount(2) of procfs on /proc: Operation not permitted" }, STATUS_FAIL, "Operation not permitted" },
	{ "userns.procfs", RULE_LIVE, { "userns.procfs!110" }, STATUS_UNKNOWN, "could not answer" },
	{ "userns.procfs", RULE_LIVE | RULE_NOPROBE, { 0 }, STATUS_SKIP, "--no-probe" },
	{ "userns.procfs", 0, { 0 }, STATUS_SKIP, "not the running host" },
};

RULE_CASES_MAIN(RULE_WANT_FIX_WARN)
