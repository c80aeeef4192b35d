/* SPDX-License-Identifier: MIT */
/* security.selinux: SELinux must be off (CODER_DOCS_ADMIN: "Sysbox is not yet supported on systems
 * with SELinux enabled"). */
#include <fcntl.h>

#include "checks.h"
#include "core/envfile.h"
#include "core/mountinfo.h"
#include "core/util.h"
#include "probe.h"

#define SELINUX_CONFIG "/etc/selinux/config"
#define SELINUXFS "/sys/fs/selinux"

static int find_selinuxfs(const struct mount_entry *m, void *userdata)
{
	char **ret = userdata;

	if (!streq(m->fstype, "selinuxfs"))
		return 0;
	*ret = strdup(m->mount_point);
	return *ret ? 1 : -ENOMEM;
}

static int config_selinux(const char *key, const char *value, void *userdata)
{
	char **ret = userdata;

	if (!streq(key, "SELINUX"))
		return 0;
	free(*ret);
	*ret = strdup(value);
	return *ret ? 0 : -ENOMEM;
}

/* Without mountinfo (a tree with no /proc), selinuxfs is taken to be mounted where it always is
 * nowadays when that directory exists; with no /sys/fs at all, nothing can be told. */
static int guess_selinuxfs(const struct host *h, struct facts *f, int mountinfo_err)
{
	static const struct {
		const char *path;
		const char *mount; /* what its existence says */
	} guesses[] = {
		{ SELINUXFS, SELINUXFS },
		{ "/sys/fs", NULL },
	};

	for (size_t i = 0; i < ELEMENTSOF(guesses); i++) {
		int fd = host_openat(h, guesses[i].path, O_PATH | O_DIRECTORY);

		if (fd >= 0) {
			close(fd);
			return facts_set(f, "selinux.mount", guesses[i].path, guesses[i].mount);
		}
		if (fd != -ENOENT)
			return facts_set_err(f, "selinux.mount", guesses[i].path, -fd);
	}
	return facts_set_err(f, "selinux.mount", HOST_MOUNTINFO, mountinfo_err);
}

/* Records selinux.mount (the selinuxfs mount point; null when there is none) and, when there is
 * one, selinux.enforce. */
static int probe_selinuxfs(const struct host *h, struct facts *f)
{
	_cleanup_free_ char *mnt = NULL, *enforce = NULL;
	const struct mount_table *mt;
	const struct fact *m;
	int r;

	r = host_mountinfo(h, &mt);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		r = guess_selinuxfs(h, f, -r);
	else if ((r = mount_table_foreach(mt, find_selinuxfs, &mnt)) >= 0)
		r = facts_set(f, "selinux.mount", HOST_MOUNTINFO, mnt);
	if (r < 0)
		return r;
	m = facts_get(f, "selinux.mount");
	if (m->err || !m->value)
		return 0;
	enforce = strdup_printf("%s/enforce", m->value);
	if (!enforce)
		return -ENOMEM;
	return probe_line(h, f, "selinux.enforce", enforce);
}

static int probe_selinux(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	_cleanup_free_ char *buf = NULL, *mode = NULL;
	size_t len;
	int r;

	r = probe_selinuxfs(h, f);
	if (r < 0)
		return r;
	r = host_read(h, SELINUX_CONFIG, 64 * 1024, &buf, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return facts_set_err(f, "selinux.config", SELINUX_CONFIG, -r);
	r = envfile_parse(buf, len, config_selinux, &mode);
	if (r < 0)
		return r;
	return facts_set(f, "selinux.config", SELINUX_CONFIG, mode);
}

static int rule_selinux(const struct check *c _unused_, const struct facts *f,
			const struct config *cfg _unused_, struct result *r)
{
	const struct fact *mnt = facts_get(f, "selinux.mount");
	const struct fact *enforce = facts_get(f, "selinux.enforce");
	const struct fact *conf = facts_get(f, "selinux.config");
	const char *configured = conf && !conf->err && conf->value ? conf->value : NULL;

	result_evidence_fact(r, mnt);
	result_evidence_fact(r, enforce);
	result_evidence_fact(r, conf);
	result_expected(r, "disabled");

	if (!mnt)
		return result_set(r, STATUS_UNKNOWN, "no evidence of the SELinux state was recorded");
	if (mnt->err)
		return result_set(r, STATUS_UNKNOWN, "cannot tell whether selinuxfs is mounted: '%s': %s",
				  mnt->source, strerror(mnt->err));
	if (!mnt->value) {
		result_observed(r, "disabled");
		if (configured && !streq(configured, "disabled")) {
			result_remediation(r, "set SELINUX=disabled in %s", SELINUX_CONFIG);
			return result_set(r, STATUS_WARN,
					  "SELinux is off, but %s sets SELINUX=%s: it is turned on "
					  "at the next boot unless the kernel disables it",
					  SELINUX_CONFIG, configured);
		}
		return result_set(r, STATUS_PASS, "SELinux is not enabled (no selinuxfs)");
	}
	if (!enforce || enforce->err)
		return result_set(r, STATUS_UNKNOWN, "selinuxfs is mounted but its enforce file cannot be read: %s",
				  enforce ? strerror(enforce->err) : "not recorded");
	if (streq(enforce->value, "0")) {
		result_observed(r, "permissive");
		result_remediation(r, "set SELINUX=disabled in %s and reboot", SELINUX_CONFIG);
		return result_set(r, STATUS_WARN,
				  "SELinux is permissive: still enabled, which Sysbox does not support");
	}
	if (streq(enforce->value, "1")) {
		result_observed(r, "enforcing");
		result_remediation(r, "set SELINUX=disabled in %s and reboot", SELINUX_CONFIG);
		return result_set(r, STATUS_FAIL,
				  "SELinux is enforcing; Sysbox is not supported with SELinux enabled");
	}
	result_observed(r, "%s", enforce->value);
	return result_set(r, STATUS_UNKNOWN, "unexpected content in '%s': '%s'", enforce->source,
			  enforce->value);
}

const struct check checks_selinux[] = {
	{
		.id = "security.selinux",
		.title = "SELinux disabled",
		.probes = { probe_selinux },
		.rule = rule_selinux,
		.evidence = "the selinuxfs mount point from /proc/self/mountinfo (in a tree without "
			    "it, /sys/fs/selinux if that exists) and its enforce file; SELINUX= in "
			    "/etc/selinux/config",
		.rule_text = "no selinuxfs passes; enforce=1 (enforcing) fails; enforce=0 "
			     "(permissive) warns, as SELinux is still enabled; off now but "
			     "configured on in /etc/selinux/config warns; an unreadable enforce file, "
			     "or no way to tell whether selinuxfs is mounted, is unknown",
		.why = "Sysbox is not supported on systems with SELinux enabled",
		.fix = "set SELINUX=disabled in /etc/selinux/config and reboot",
		.source = "Coder docs (" CODER_DOCS_ADMIN "); sysbox docs/user-guide/security.md",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/security.md",
	},
	CHECKS_END,
};
