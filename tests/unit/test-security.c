/* SPDX-License-Identifier: MIT */
/*
 * checks/security.c: security.apparmor-userns and security.secureboot, every status of each
 * rule on facts made here.
 * The probes are exercised on fixture roots and live by tests/integration/test-kernel-ns.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

#define SHIFT_NO "module.shiftfs=absent", "filesystem.shiftfs=no"
#define SHIFT_MOD "module.shiftfs=available", "filesystem.shiftfs=no"
#define SHIFT_UNK "module.shiftfs!13", "filesystem.shiftfs=no"

static const struct rule_case cases[] = {
	/* security.apparmor-userns */
	{ "security.apparmor-userns", 0, { "security.apparmor_restrict_unprivileged_userns=1" }, STATUS_WARN, "restricts" },
	{ "security.apparmor-userns", 0, { "security.apparmor_restrict_unprivileged_userns=0" }, STATUS_PASS, "does not restrict unprivileged" },
	{ "security.apparmor-userns", 0, { "security.apparmor_restrict_unprivileged_userns" }, STATUS_PASS, "no such sysctl" },
	{ "security.apparmor-userns", 0, { "security.apparmor_restrict_unprivileged_userns=2" }, STATUS_UNKNOWN, "unexpected" },
	{ "security.apparmor-userns", 0, { "security.apparmor_restrict_unprivileged_userns!13" }, STATUS_UNKNOWN, "cannot read" },

	/* security.secureboot */
	{ "security.secureboot", RULE_AUTOLOAD, { "security.secureboot=on", SHIFT_NO }, STATUS_FAIL, "unsigned module" },
	{ "security.secureboot", RULE_AUTOLOAD, { "security.secureboot=on", SHIFT_MOD }, STATUS_PASS, "nothing has to be built" },
	{ "security.secureboot", RULE_AUTOLOAD, { "security.secureboot=on", SHIFT_UNK }, STATUS_UNKNOWN, "cannot be told" },
	{ "security.secureboot", 0, { "security.secureboot=on", SHIFT_NO }, STATUS_PASS, "no --shiftfs-autoload" },
	{ "security.secureboot", RULE_AUTOLOAD, { "security.secureboot=off", SHIFT_NO }, STATUS_PASS, "Secure Boot is off" },
	{ "security.secureboot", RULE_AUTOLOAD, { "security.secureboot", SHIFT_NO }, STATUS_PASS, "not an EFI boot" },
	{ "security.secureboot", 0, { "security.secureboot!2" }, STATUS_UNKNOWN, "cannot read" },
};

RULE_CASES_MAIN(RULE_WANT_FIX_WARN)
