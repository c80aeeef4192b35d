/* SPDX-License-Identifier: MIT */
/* kernel.version: the running kernel against the distribution's minimum. */
#include "checks.h"
#include "core/util.h"
#include "core/version.h"

struct kernel_min {
	enum os_match match;
	const char *names;
	struct kver min;
};

/*
 * sysbox docs/distro-compat.md, and the kernel gate sysbox-pkgr's preinst means to apply (its
 * variable-name bug keeps it from ever firing). First match; anything else needs 5.5.
 */
static const struct kernel_min kernel_mins[] = {
	{ OS_RELEASE, "ubuntu:18.04", { 5, 3, 0 } },
	{ OS_RELEASE, "ubuntu:20.04", { 5, 4, 0 } },
	{ OS_RELEASE, "ubuntu:22.04", { 5, 15, 0 } },
	{ OS_RELEASE, "ubuntu:24.04", { 6, 8, 0 } },
	{ OS_RELEASE, "amzn:2023", { 6, 1, 0 } },
	{ OS_ID, "debian", { 5, 5, 0 } },
	{ OS_LIKE, OS_RHEL_FAMILY, { 5, 12, 0 } }, /* RHEL family and Amazon Linux 2 */
};
static const struct kver kernel_min_other = { 5, 5, 0 };

static int rule_kernel_version(const struct check *c _unused_, const struct facts *f,
			       const struct config *cfg, struct result *r)
{
	const struct kver floor = { cfg->profile->kernel_floor[0], cfg->profile->kernel_floor[1], 0 };
	const struct kver *min = &kernel_min_other;
	const struct fact *rel, *id;
	_cleanup_free_ char *why = NULL;
	struct kver v;
	int ret;

	ret = result_need(r, f, "kernel.release", &rel);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, rel);
	result_observed(r, "%s", rel->value);
	if (kver_parse(rel->value, &v) < 0)
		return result_set(r, STATUS_UNKNOWN, "cannot parse kernel release '%s'", rel->value);

	/* The distribution picks the minimum; without it, only a kernel that meets or misses
	 * every minimum can be judged. */
	ret = result_need(r, f, "os.id", &id);
	if (ret < 0)
		return ret;
	if (ret == 0) {
		struct kver lo = kernel_min_other, hi = kernel_min_other;

		for (size_t i = 0; i < ELEMENTSOF(kernel_mins); i++) {
			if (kver_cmp(&kernel_mins[i].min, &lo) < 0)
				lo = kernel_mins[i].min;
			if (kver_cmp(&kernel_mins[i].min, &hi) > 0)
				hi = kernel_mins[i].min;
		}
		if (kver_cmp(&lo, &floor) < 0)
			lo = floor;
		if (kver_cmp(&v, &hi) >= 0) {
			result_expected(r, ">= %u.%u (any distribution)", hi.major, hi.minor);
			return result_set(r, STATUS_PASS, "kernel %s meets every distribution's minimum",
					  rel->value);
		}
		if (kver_cmp(&v, &lo) < 0) {
			result_expected(r, ">= %u.%u (any distribution)", lo.major, lo.minor);
			result_remediation(r, "boot a kernel %u.%u or newer", lo.major,
					   lo.minor);
			return result_set(r, STATUS_FAIL, "kernel %s is older than any minimum",
					  rel->value);
		}
		return ret; /* unknown, as result_need() set it */
	}
	result_evidence_fact(r, id);

	for (size_t i = 0; i < ELEMENTSOF(kernel_mins); i++)
		if (os_match(f, kernel_mins[i].match, kernel_mins[i].names)) {
			min = &kernel_mins[i].min;
			break;
		}
	if (kver_cmp(&floor, min) > 0) {
		min = &floor;
		why = strdup_printf("profile %s", cfg->profile->name);
	} else {
		const struct fact *ver = facts_get(f, "os.version_id");

		why = strdup_printf("%s%s%s", id->value ? id->value : "linux",
				    ver && ver->value ? " " : "", ver && ver->value ? ver->value : "");
	}
	if (!why || result_expected(r, ">= %u.%u (%s)", min->major, min->minor, why) < 0)
		return -ENOMEM;
	if (kver_cmp(&v, min) >= 0)
		return result_set(r, STATUS_PASS, "kernel %s is at least %u.%u", rel->value, min->major,
				  min->minor);
	result_remediation(r, "boot a kernel %u.%u or newer (on Ubuntu, the HWE kernel: "
			      "apt-get install linux-generic-hwe-<release>)",
			   min->major, min->minor);
	return result_set(r, STATUS_FAIL, "kernel %s is older than %u.%u, the minimum for %s",
			  rel->value, min->major, min->minor, why);
}

const struct check checks_kernel[] = {
	{
		.id = "kernel.version",
		.title = "Kernel version",
		.probes = { probe_uname, probe_os_release },
		.rule = rule_kernel_version,
		.evidence = "the kernel release: uname(2) live, /proc/sys/kernel/osrelease under "
			    "--root; the distribution from os-release",
		.rule_text = "the release must be at least the larger of the profile's floor (5.4 "
			     "for coder and coder-v1) and the distribution's minimum: Ubuntu "
			     "18.04 5.3, 20.04 5.4, 22.04 5.15, 24.04 6.8; Debian 5.5; RHEL family "
			     "and Amazon Linux 2 5.12; Amazon Linux 2023 6.1; any other 5.5",
		.why = "Sysbox relies on kernel features (ID-mapped mounts, seccomp notification, "
		       "user-namespace fixes) that older kernels lack; Coder requires 5.4",
		.fix = "boot a newer kernel: on Ubuntu the HWE kernel, elsewhere the distribution's "
		       "newest supported kernel",
		.source = "Coder docs (" CODER_DOCS_ADMIN_V1 ": kernel 5.4); sysbox docs/distro-compat.md; "
			  "sysbox-pkgr deb/sysbox-ce/sysbox-ce.preinst",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/distro-compat.md",
	},
	CHECKS_END,
};
