/* SPDX-License-Identifier: MIT */
/* platform.*: the machine itself. */
#include <sys/utsname.h>

#include "checks.h"
#include "core/util.h"
#include "probe.h"

int probe_uname(const struct host *h, const struct config *cfg, struct facts *f)
{
	static const struct {
		const char *key;
		const char *path; /* where a tree that is not the running system keeps it */
		size_t off;       /* where uname(2) has it */
	} fields[] = {
		{ "kernel.release", "/proc/sys/kernel/osrelease", offsetof(struct utsname, release) },
		{ "platform.arch", "/proc/sys/kernel/arch", offsetof(struct utsname, machine) },
		{ "host.hostname", "/proc/sys/kernel/hostname", offsetof(struct utsname, nodename) },
	};
	struct utsname u;
	int r;

	if (cfg->live && uname(&u) < 0)
		return -errno;
	for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
		if (cfg->live)
			r = facts_set(f, fields[i].key, "uname(2)", (const char *)&u + fields[i].off);
		else
			r = probe_line(h, f, fields[i].key, fields[i].path);
		if (r < 0)
			return r;
	}
	return 0;
}

/* sysbox docs/arch-compat.md: Sysbox is built and tested for these. */
static const char *const supported_arch[] = { "x86_64", "aarch64" };

static int rule_arch(const struct check *c _unused_, const struct facts *f,
		     const struct config *cfg _unused_, struct result *r)
{
	const struct fact *arch;
	int ret;

	ret = result_need(r, f, "platform.arch", &arch);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, arch);
	result_observed(r, "%s", arch->value);
	result_expected(r, "x86_64 or aarch64");
	for (size_t i = 0; i < ELEMENTSOF(supported_arch); i++)
		if (streq(arch->value, supported_arch[i]))
			return result_set(r, STATUS_PASS, "Sysbox supports %s", arch->value);
	result_remediation(r, "run CVMs on x86_64 or aarch64 nodes");
	return result_set(r, STATUS_FAIL, "Sysbox is built for x86_64 and aarch64 only, not %s",
			  arch->value);
}

const struct check checks_platform[] = {
	{
		.id = "platform.arch",
		.title = "CPU architecture",
		.probes = { probe_uname },
		.rule = rule_arch,
		.evidence = "the machine field of uname(2); under --root, /proc/sys/kernel/arch of "
			    "the tree",
		.rule_text = "x86_64 or aarch64 passes; any other architecture fails",
		.why = "Sysbox publishes packages and tests only for amd64 and arm64",
		.fix = "run CVMs on x86_64 or aarch64 nodes",
		.source = "sysbox docs/arch-compat.md",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/arch-compat.md",
	},
	CHECKS_END,
};
