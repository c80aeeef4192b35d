/* SPDX-License-Identifier: MIT */
/*
 * checks/node.c: platform.init and platform.resources, every status of each rule on facts
 * made here.
 * The probes are exercised on fixture roots and live by tests/integration/test-kernel-ns.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

static const struct rule_case cases[] = {
	/* platform.init */
	{ "platform.init", 0, { "host.mode=host", "mode.pid1=systemd", "platform.systemd=yes" }, STATUS_PASS, "systemd is" },
	{ "platform.init", 0, { "host.mode=host", "mode.pid1=init", "platform.systemd=yes" }, STATUS_PASS, "systemd is" },
	{ "platform.init", 0, { "host.mode=host", "mode.pid1=openrc-init", "platform.systemd=no" }, STATUS_WARN, "PID 1 is openrc-init" },
	{ "platform.init", RULE_SYSBOX, { "host.mode=host", "mode.pid1=openrc-init", "platform.systemd=no" }, STATUS_FAIL, "sysbox profile" },
	{ "platform.init", 0, { "host.mode=host", "mode.pid1!13", "platform.systemd=no" }, STATUS_UNKNOWN, "'/proc/1/comm': Permission denied" },
	{ "platform.init", 0, { "host.mode=pod", "mode.pid1=sleep", "platform.systemd=no" }, STATUS_SKIP, "in a pod" },

	/* platform.resources: 4 GB is 3906250 kB */
	{ "platform.resources", 0, { "platform.cpus=4", "platform.memtotal_kb=3906250" }, STATUS_PASS, "4 CPUs" },
	{ "platform.resources", 0, { "platform.cpus=2", "platform.memtotal_kb=16000000" }, STATUS_WARN, "fewer than 4 CPUs:" },
	{ "platform.resources", 0, { "platform.cpus=8", "platform.memtotal_kb=3906249" }, STATUS_WARN, "less than 4 GB" },
	{ "platform.resources", 0, { "platform.cpus=1", "platform.memtotal_kb=1000" }, STATUS_WARN, "CPUs and less than" },
	{ "platform.resources", 0, { "platform.cpus!2", "platform.memtotal_kb=1000" }, STATUS_UNKNOWN, "cannot read" },
	{ "platform.resources", 0, { "platform.cpus=4", "platform.memtotal_kb=lots" }, STATUS_UNKNOWN, "unexpected" },
};

RULE_CASES_MAIN(RULE_WANT_FIX_WARN)
