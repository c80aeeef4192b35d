/* SPDX-License-Identifier: MIT */
/* cgroup.version: which cgroup hierarchy the node mounts (Sysbox supports v1 and v2). */
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>

#include "checks.h"
#include "core/util.h"
#include "probe.h"

#define CGROUP_DIR "/sys/fs/cgroup"
#define CGROUP_UNIFIED CGROUP_DIR "/unified"

/* The filesystem type of a directory by its statfs magic: a name, or the magic in hex. */
static int probe_fstype(const struct host *h, struct facts *f, const char *key, const char *path,
			bool optional)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} magics[] = {
		{ CGROUP2_SUPER_MAGIC, "cgroup2" },
		{ CGROUP_SUPER_MAGIC, "cgroup" },
		{ TMPFS_MAGIC, "tmpfs" },
	};
	_cleanup_close_ int fd = host_openat(h, path, O_PATH | O_DIRECTORY);
	_cleanup_free_ char *hex = NULL;
	struct statfs st;

	if (fd == -ENOENT && optional)
		return facts_set(f, key, path, NULL);
	if (fd < 0)
		return facts_set_err(f, key, path, -fd);
	if (fstatfs(fd, &st) < 0)
		return facts_set_err(f, key, path, errno);
	for (size_t i = 0; i < ELEMENTSOF(magics); i++)
		if ((unsigned long)st.f_type == magics[i].magic)
			return facts_set(f, key, path, magics[i].name);
	hex = strdup_printf("0x%lx", (unsigned long)st.f_type);
	return hex ? facts_set(f, key, path, hex) : -ENOMEM;
}

/* cgroup.fstype; for cgroup2 cgroup.controllers; for tmpfs (v1) cgroup.unified_fstype, the
 * cgroup2 mount of a hybrid layout (absent: NULL). */
static int probe_cgroup(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	const struct fact *fs;
	int r;

	r = probe_fstype(h, f, "cgroup.fstype", CGROUP_DIR, false);
	if (r < 0)
		return r;
	fs = facts_get(f, "cgroup.fstype");
	if (streq_ptr(fs->value, "cgroup2"))
		return probe_line(h, f, "cgroup.controllers", CGROUP_DIR "/cgroup.controllers");
	if (streq_ptr(fs->value, "tmpfs"))
		return probe_fstype(h, f, "cgroup.unified_fstype", CGROUP_UNIFIED, true);
	return 0;
}

static int rule_cgroup(const struct check *c _unused_, const struct facts *f,
		       const struct config *cfg, struct result *r)
{
	/* systemd's names for the layouts (cgroup-v1 with a cgroup2 "unified" mount: hybrid). */
	static const struct {
		const char *fstype;
		const char *unified; /* NULL: any */
		const char *version;
	} layouts[] = {
		{ "cgroup2", NULL, "v2" },
		{ "tmpfs", "cgroup2", "hybrid" },
		{ "tmpfs", NULL, "v1" },
	};
	const struct fact *fs, *ctl = facts_get(f, "cgroup.controllers");
	const struct fact *uni = facts_get(f, "cgroup.unified_fstype");
	int ret;

	ret = result_need(r, f, "cgroup.fstype", &fs);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, fs);
	result_evidence_fact(r, uni);
	result_evidence_fact(r, ctl);
	result_expected(r, "a cgroup v1, hybrid or v2 hierarchy at %s", CGROUP_DIR);
	for (size_t i = 0; fs->value && i < ELEMENTSOF(layouts); i++) {
		if (!streq(fs->value, layouts[i].fstype) ||
		    (layouts[i].unified && !(uni && streq_ptr(uni->value, layouts[i].unified))))
			continue;
		if (ctl && ctl->value)
			ret = result_observed(r, "%s (%s)", layouts[i].version, ctl->value);
		else
			ret = result_observed(r, "%s", layouts[i].version);
		return ret ?: result_set(r, STATUS_PASS, "cgroup %s: Sysbox supports it",
					 layouts[i].version);
	}
	result_observed(r, "%s", fs->value ? fs->value : "none");
	/* A directory in a tree (--root) says nothing of the cgroups its system mounts. */
	if (!cfg->live)
		return result_set(r, STATUS_UNKNOWN, "%s of this tree is not a mounted cgroup "
				  "filesystem (%s)", CGROUP_DIR, fs->value ? fs->value : "none");
	result_remediation(r, "mount the cgroup hierarchy at %s (systemd does at boot)",
			   CGROUP_DIR);
	return result_set(r, STATUS_FAIL, "no cgroup filesystem is mounted at %s (%s)", CGROUP_DIR,
			  fs->value ? fs->value : "none");
}

const struct check checks_cgroup[] = {
	{
		.id = "cgroup.version",
		.title = "cgroup hierarchy",
		.probes = { probe_cgroup },
		.rule = rule_cgroup,
		.evidence = "statfs(2) of " CGROUP_DIR " (cgroup2 magic: v2; tmpfs: v1, hybrid "
			    "when " CGROUP_UNIFIED " is cgroup2); the controllers in "
			    "cgroup.controllers (v2)",
		.rule_text = "v1, hybrid and v2 pass, with the value; no cgroup filesystem there "
			     "fails on the running host and is unknown in a tree (--root); "
			     "unreadable is unknown",
		.why = "Sysbox and Docker inside the CVMs need a cgroup hierarchy; Sysbox supports "
		       "both versions, and the report says which one the node uses",
		.fix = "boot with systemd, which mounts " CGROUP_DIR,
		.source = "sysbox docs/user-guide/security.md (Resource Limiting & Cgroups)",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/security.md",
	},
	CHECKS_END,
};
