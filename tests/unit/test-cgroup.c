/* SPDX-License-Identifier: MIT */
/*
 * checks/cgroup.c: cgroup.version, every status of the rule on facts made here.
 * The probes are exercised on fixture roots and live by tests/integration/test-kernel-ns.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

static const struct rule_case cases[] = {
	/* cgroup.version */
	{ "cgroup.version", RULE_LIVE, { "cgroup.fstype=cgroup2", "cgroup.controllers=cpu memory pids" }, STATUS_PASS, "cgroup v2" },
	{ "cgroup.version", RULE_LIVE, { "cgroup.fstype=tmpfs", "cgroup.unified_fstype=cgroup2" }, STATUS_PASS, "cgroup hybrid" },
	{ "cgroup.version", RULE_LIVE, { "cgroup.fstype=tmpfs", "cgroup.unified_fstype" }, STATUS_PASS, "cgroup v1" },
	{ "cgroup.version", RULE_LIVE, { "cgroup.fstype=0xef53" }, STATUS_FAIL, "no cgroup filesystem" },
	{ "cgroup.version", 0, { "cgroup.fstype=0xef53" }, STATUS_UNKNOWN, "not a mounted cgroup" },
	{ "cgroup.version", 0, { "cgroup.fstype!13" }, STATUS_UNKNOWN, "cannot read" },
};

RULE_CASES_MAIN(RULE_WANT_FIX_WARN)
