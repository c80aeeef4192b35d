/* SPDX-License-Identifier: MIT */
/* sysctl.limits: the kernel limits the Sysbox package raises for many containers. */
#include "checks.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "live.h"
#include "probe.h"

/* sysbox-pkgr systemd/99-sysbox-sysctl.conf. */
static const struct sysctl_min {
	const char *name; /* as sysctl(8) names it; the fact is "sysctl.<name>" */
	const char *path;
	unsigned long long min;
} sysctl_mins[] = {
	{ "fs.inotify.max_queued_events", "/proc/sys/fs/inotify/max_queued_events", 1048576 },
	{ "fs.inotify.max_user_watches", "/proc/sys/fs/inotify/max_user_watches", 1048576 },
	{ "fs.inotify.max_user_instances", "/proc/sys/fs/inotify/max_user_instances", 1048576 },
	{ "kernel.keys.maxkeys", "/proc/sys/kernel/keys/maxkeys", 20000 },
	{ "kernel.keys.maxbytes", "/proc/sys/kernel/keys/maxbytes", 1400000 },
	{ "kernel.pid_max", "/proc/sys/kernel/pid_max", 4194304 },
};

static int probe_sysctls(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	for (size_t i = 0; i < ELEMENTSOF(sysctl_mins); i++) {
		_cleanup_free_ char *key = strdup_printf("sysctl.%s", sysctl_mins[i].name);
		int r;

		if (!key)
			return -ENOMEM;
		r = probe_line(h, f, key, sysctl_mins[i].path);
		if (r < 0)
			return r;
	}
	return 0;
}

static int rule_sysctls(const struct check *c _unused_, const struct facts *f,
			const struct config *cfg _unused_, struct result *r)
{
	_cleanup_strbuf_ struct strbuf low = STRBUF_INIT, fix = STRBUF_INIT, bad = STRBUF_INIT;
	size_t n_low = 0, n_bad = 0;

	result_expected(r, "fs.inotify.* >= 1048576, kernel.keys.maxkeys >= 20000, "
			   "kernel.keys.maxbytes >= 1400000, kernel.pid_max >= 4194304");
	for (size_t i = 0; i < ELEMENTSOF(sysctl_mins); i++) {
		const struct sysctl_min *m = &sysctl_mins[i];
		const struct fact *fa = facts_getf(f, "sysctl.%s", m->name);
		unsigned long long v;

		result_evidence_fact(r, fa);
		if (!fa || fa->err || !fa->value || parse_count(fa->value, &v) < 0) {
			n_bad++;
			strbuf_add_sep(&bad, ", ", "%s", m->name);
			continue;
		}
		if (v >= m->min)
			continue;
		n_low++;
		strbuf_add_sep(&low, ", ", "%s=%s", m->name, fa->value);
		strbuf_add_sep(&fix, "; ", "sysctl -w %s=%llu", m->name, m->min);
	}
	if (low.err || fix.err || bad.err)
		return -ENOMEM;
	if (n_low) {
		result_observed(r, "%s", low.buf);
		result_remediation(r, "%s; persist them in /etc/sysctl.d/99-sysbox-sysctl.conf",
				   fix.buf);
		return result_set(r, STATUS_WARN, "%zu below the Sysbox package's values: %s%s%s",
				  n_low, low.buf, n_bad ? "; unreadable: " : "", strbuf_str(&bad));
	}
	if (n_bad)
		return result_set(r, STATUS_UNKNOWN, "cannot read %s", bad.buf);
	result_observed(r, "all at or above");
	return result_set(r, STATUS_PASS, "all %zu limits are at least the Sysbox package's values",
			  ELEMENTSOF(sysctl_mins));
}

const struct check checks_sysctl[] = {
	{
		.id = "sysctl.limits",
		.title = "Kernel limits for many containers",
		.probes = { probe_sysctls },
		.rule = rule_sysctls,
		.evidence = "fs.inotify.max_queued_events, fs.inotify.max_user_watches, "
			    "fs.inotify.max_user_instances, kernel.keys.maxkeys, "
			    "kernel.keys.maxbytes, kernel.pid_max under /proc/sys",
		.rule_text = "each at least the value the Sysbox package sets (inotify 1048576, "
			     "keys.maxkeys 20000, keys.maxbytes 1400000, pid_max 4194304) passes; "
			     "any below warns, naming it with the sysctl command; an unreadable one "
			     "with none below is unknown",
		.why = "every CVM runs systemd, Docker and many processes; the kernel's default "
		       "limits on inotify watches, keys and PIDs run out with a few CVMs",
		.fix = "sysctl -w each named limit and persist it in /etc/sysctl.d (the Sysbox "
		       "package installs 99-sysbox-sysctl.conf)",
		.source = "sysbox-pkgr systemd/99-sysbox-sysctl.conf",
		.docs = "https://github.com/nestybox/sysbox-pkgr/blob/master/systemd/"
			"99-sysbox-sysctl.conf",
	},
	CHECKS_END,
};
