/* SPDX-License-Identifier: MIT */
/*
 * checks/kernel_live.c: kernel.idmap and kernel.seccomp-notify, every status of each rule on
 * facts made here.
 * The probes are exercised on fixture roots and live by tests/integration/test-kernel-ns.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

#define K54 "kernel.release=5.4.0-169-generic"
#define K515 "kernel.release=5.15.0-91-generic"
#define K519 "kernel.release=5.19.0-1-generic"
#define K68 "kernel.release=6.8.0-1008-aws"
#define SHIFT_NO "module.shiftfs=absent", "filesystem.shiftfs=no"
#define SHIFT_MOD "module.shiftfs=available", "filesystem.shiftfs=no"
#define SHIFT_UNK "module.shiftfs!13", "filesystem.shiftfs=no"
#define IDMAP_OK "kernel.idmap_mount=ok", "kernel.idmap_overlay=ok"

static const struct rule_case cases[] = {
	/* kernel.idmap: >= 5.19 */
	{ "kernel.idmap", RULE_LIVE, { K68, SHIFT_NO, IDMAP_OK }, STATUS_PASS, "the probe mounted one" },
	{ "kernel.idmap", RULE_LIVE | RULE_NOPROBE, { K68, SHIFT_NO }, STATUS_PASS, "version alone: the functional probe did not run (--no-probe)" },
	{ "kernel.idmap", 0, { K519, SHIFT_UNK }, STATUS_PASS, "not the running host" },
	{ "kernel.idmap", RULE_LIVE, { K68, SHIFT_NO, "kernel.idmap_mount=mount_setattr(2) MOUNT_ATTR_IDMAP: Invalid argument" }, STATUS_FAIL, "probe failed: mount_setattr(2)" },
	{ "kernel.idmap", RULE_LIVE, { K68, SHIFT_NO, "kernel.idmap_mount=ok", "kernel.idmap_overlay=mount(2) of overlayfs: Invalid argument" }, STATUS_FAIL, "overlayfs: Invalid" },
	{ "kernel.idmap", RULE_LIVE, { K68, SHIFT_NO, "kernel.idmap_mount!110" }, STATUS_UNKNOWN, "could not answer: Connection timed out" },

	/* 5.12 - 5.18 */
	{ "kernel.idmap", RULE_LIVE, { K515, SHIFT_NO, "kernel.idmap_mount=ok", "kernel.idmap_overlay=mount(2) of overlayfs: Invalid argument" }, STATUS_WARN, "shiftfs is absent" },
	{ "kernel.idmap", 0, { K515, SHIFT_UNK }, STATUS_WARN, "unknown state" },
	{ "kernel.idmap", 0, { K515, SHIFT_MOD }, STATUS_PASS, "shiftfs covers" },
	{ "kernel.idmap", RULE_LIVE, { K515, SHIFT_MOD, "kernel.idmap_mount=open_tree(2) OPEN_TREE_CLONE: Function not implemented" }, STATUS_FAIL, "open_tree" },

	/* < 5.12: shiftfs or nothing; the probe cannot help */
	{ "kernel.idmap", 0, { K54, SHIFT_NO }, STATUS_FAIL, "shiftfs is absent" },
	{ "kernel.idmap", 0, { K54, "module.shiftfs=loaded" }, STATUS_PASS, "shiftfs, which is present" },
	{ "kernel.idmap", 0, { K54, "filesystem.shiftfs=yes" }, STATUS_PASS, "shiftfs, which is present" },
	{ "kernel.idmap", 0, { K54, SHIFT_UNK }, STATUS_UNKNOWN, "cannot be told" },
	{ "kernel.idmap", 0, { "kernel.release!2" }, STATUS_UNKNOWN, "cannot read" },
	{ "kernel.idmap", 0, { "kernel.release=linux", SHIFT_NO }, STATUS_UNKNOWN, "cannot parse" },

	/* kernel.seccomp-notify */
	{ "kernel.seccomp-notify", RULE_LIVE, { "kernel.seccomp_notify=ok" }, STATUS_PASS, "available" },
	{ "kernel.seccomp-notify", RULE_LIVE, { "kernel.seccomp_notify=seccomp(2) SECCOMP_GET_NOTIF_SIZES: Invalid argument" }, STATUS_FAIL, "Invalid argument" },
	{ "kernel.seccomp-notify", RULE_LIVE, { "kernel.seccomp_notify!62" }, STATUS_UNKNOWN, "could not answer" },
	{ "kernel.seccomp-notify", RULE_LIVE, { "kernel.seccomp_notify" }, STATUS_UNKNOWN, "no answer" },
	{ "kernel.seccomp-notify", RULE_LIVE | RULE_NOPROBE, { 0 }, STATUS_SKIP, "--no-probe" },
	{ "kernel.seccomp-notify", 0, { 0 }, STATUS_SKIP, "not the running host" },
};

RULE_CASES_MAIN(RULE_WANT_FIX_WARN)
