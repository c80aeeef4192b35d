/* SPDX-License-Identifier: MIT */
/* checks/net.c: net.istio, every status of the rule on facts made here (the CNI configuration
 * the probe reads, how much of it, and where it could not). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

static const struct rule_case cases[] = {
	{ "net.istio", 0, { "host.mode=host", "net.cni_dir=10-calico.conflist", "net.istio", "net.cni_invalid", "net.cni_unreadable", "net.cni_unread" }, STATUS_PASS, "no CNI configuration names" },
	{ "net.istio", 0, { "host.mode=host", "net.cni_dir=", "net.istio", "net.cni_invalid", "net.cni_unreadable", "net.cni_unread" }, STATUS_PASS, "" },
	{ "net.istio", 0, { "host.mode=host", "net.cni_dir" }, STATUS_PASS, "does not exist" },
	{ "net.istio", 0, { "host.mode=pod", "net.cni_dir" }, STATUS_SKIP, "not visible from this pod" },
	{ "net.istio", 0, { "host.mode=host", "net.cni_dir!13" }, STATUS_UNKNOWN, "cannot read" },
	{ "net.istio", 0, { "host.mode=host", "net.cni_dir=10-calico.conflist", "net.istio=10-calico.conflist: istio-cni (no plugin version recorded; cniVersion 0.3.1)", "net.cni_invalid", "net.cni_unreadable", "net.cni_unread" }, STATUS_WARN, "10-calico.conflist: istio-cni" },
	{ "net.istio", 0, { "host.mode=pod", "net.cni_dir=a.conf", "net.istio=a.conf: istio-cni version 1.5.0", "net.cni_invalid", "net.cni_unreadable!13", "net.cni_unread" }, STATUS_WARN, "version 1.5.0" },
	{ "net.istio", 0, { "host.mode=host", "net.cni_dir=a.conf b.conf", "net.istio", "net.cni_invalid", "net.cni_unreadable!13", "net.cni_unread" }, STATUS_UNKNOWN, "cannot read" },
	{ "net.istio", 0, { "host.mode=host", "net.cni_dir=a.conf b.conf", "net.istio", "net.cni_invalid=b.conf: not JSON", "net.cni_unreadable", "net.cni_unread" }, STATUS_WARN, "b.conf: not JSON" },
	/* more files than are read: istio-cni in those read warns, else unknown */
	{ "net.istio", 0, { "host.mode=host", "net.cni_dir=a.conf b.conf; 3 more not read", "net.istio", "net.cni_invalid", "net.cni_unreadable", "net.cni_unread=3" }, STATUS_UNKNOWN, "but 3 more in /etc/cni/net.d were not read" },
	{ "net.istio", 0, { "host.mode=host", "net.cni_dir=a.conf b.conf; 3 more not read", "net.istio=a.conf: istio-cni version 1.5.0", "net.cni_invalid", "net.cni_unreadable", "net.cni_unread=3" }, STATUS_WARN, "version 1.5.0" },
	/* a facts file without net.cni_unread */
	{ "net.istio", 0, { "host.mode=host", "net.cni_dir=a.conf", "net.istio", "net.cni_invalid", "net.cni_unreadable" }, STATUS_UNKNOWN, "was not recorded" },
};

RULE_CASES_MAIN(RULE_WANT_FIX_WARN)
