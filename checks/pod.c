/* SPDX-License-Identifier: MIT */
/*
 * pod.*: judging a node from inside Coder's CVM pod. "The cluster must allow privileged
 * containers and hostPath mounts" (CODER_DOCS_ADMIN_V1, CODER_DOCS_ADMIN); which host paths, and read-only or
 * read-write, depends on caching and shiftfs autoload (CODER_DOCS_ADMIN, "HostPath mounts").
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "checks.h"
#include "core/cleanup.h"
#include "core/mountinfo.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "live.h"
#include "pod.h"
#include "probe.h"

#define STATUS "/proc/self/status"

const struct hostpath hostpaths[HOSTPATHS_N] = {
	{ "/usr/src", "usr-src" },
	{ "/lib/modules", "lib-modules" },
	{ "/var/run", "var-run" },
	{ "/var/lib", "var-lib" },
};

/* CODER_DOCS_ADMIN: Caching | Auto Load shiftfs | /usr/src | /lib/modules | /var/run | /var/lib */
static const struct hostpath_row hostpath_rows[] = {
	{ "Off", "N/A", { HOSTPATH_RO, HOSTPATH_RO, HOSTPATH_NONE, HOSTPATH_NONE } },
	{ "On", "Off", { HOSTPATH_RO, HOSTPATH_RO, HOSTPATH_RO, HOSTPATH_RW } },
	{ "On", "On", { HOSTPATH_RW, HOSTPATH_RW, HOSTPATH_RO, HOSTPATH_RW } },
};

const struct hostpath_row *hostpath_row(bool caching, bool shiftfs_autoload)
{
	return &hostpath_rows[caching ? 1 + shiftfs_autoload : 0];
}

const char *hostpath_mode_to_string(enum hostpath_mode m)
{
	static const char *const names[] = {
		[HOSTPATH_NONE] = NULL,
		[HOSTPATH_RO] = "ro",
		[HOSTPATH_RW] = "rw",
	};

	return (size_t)m < ELEMENTSOF(names) ? names[m] : NULL;
}

/* capabilities(7), by number: linux/capability.h, CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40). */
static const char *const cap_names[] = {
	"cap_chown",           "cap_dac_override",   "cap_dac_read_search", "cap_fowner",
	"cap_fsetid",          "cap_kill",           "cap_setgid",          "cap_setuid",
	"cap_setpcap",         "cap_linux_immutable", "cap_net_bind_service", "cap_net_broadcast",
	"cap_net_admin",       "cap_net_raw",        "cap_ipc_lock",        "cap_ipc_owner",
	"cap_sys_module",      "cap_sys_rawio",      "cap_sys_chroot",      "cap_sys_ptrace",
	"cap_sys_pacct",       "cap_sys_admin",      "cap_sys_boot",        "cap_sys_nice",
	"cap_sys_resource",    "cap_sys_time",       "cap_sys_tty_config",  "cap_mknod",
	"cap_lease",           "cap_audit_write",    "cap_audit_control",   "cap_setfcap",
	"cap_mac_override",    "cap_mac_admin",      "cap_syslog",          "cap_wake_alarm",
	"cap_block_suspend",   "cap_audit_read",     "cap_perfmon",         "cap_bpf",
	"cap_checkpoint_restore",
};
_Static_assert(ELEMENTSOF(cap_names) == 41, "cap_names: 0..40");

/* Whether the comma-separated mount options opts hold word. */
static bool opts_has(const char *opts, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = opts; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

int pod_status_field(const char *buf, const char *field, char **ret_value)
{
	for (const char *line = buf; *line;) {
		const char *eol = strchrnul(line, '\n'), *v = startswith(line, field);

		if (v) {
			char *value = strndup(v, (size_t)(eol - v));

			if (!value)
				return -ENOMEM;
			*ret_value = strstrip(value);
			return 1;
		}
		line = *eol ? eol + 1 : eol;
	}
	return 0;
}

int pod_parse_capmask(const char *s, uint64_t *ret)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");
	uint64_t mask = 0;

	/* proc(5) prints 16 hex digits; strtoull's sign, "0x" and blanks are no mask. */
	if (n == 0 || n > 16 || s[n])
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		mask = mask << 4 | (uint64_t)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
	*ret = mask;
	return 0;
}

/* Records pod.cap_eff, pod.seccomp and pod.uid from the "CapEff:", "Seccomp:" and "Uid:" lines
 * of /proc/self/status (proc(5)); a line the kernel does not print is recorded as null. */
static int probe_status(const struct host *h, struct facts *f)
{
	static const struct {
		const char *field;
		const char *key;
	} fields[] = {
		{ "CapEff:", "pod.cap_eff" },
		{ "Seccomp:", "pod.seccomp" },
		{ "Uid:", "pod.uid" },
	};
	_cleanup_free_ char *buf = NULL;
	int r;

	r = host_read(h, STATUS, 64 * 1024, &buf, NULL);
	if (r == -ENOMEM)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
		_cleanup_free_ char *value = NULL;

		if (r >= 0 && pod_status_field(buf, fields[i].field, &value) < 0)
			return -ENOMEM;
		if (r < 0)
			r = facts_set_err(f, fields[i].key, STATUS, -r) ?: r;
		else if (facts_set(f, fields[i].key, STATUS, value) < 0)
			return -ENOMEM;
		if (r == -ENOMEM)
			return r;
	}
	return 0;
}

/* Records pod.apparmor: the AppArmor label of this process, or null when no AppArmor label is
 * there. Kernels since 5.8 keep it in attr/apparmor/current, which stays AppArmor's when other
 * LSMs are stacked; older ones only have attr/current. */
static int probe_apparmor(const struct host *h, struct facts *f)
{
	int fd = host_openat(h, "/proc/self/attr/apparmor", O_PATH | O_DIRECTORY);
	const char *path = fd >= 0 ? "/proc/self/attr/apparmor/current" : "/proc/self/attr/current";
	_cleanup_free_ char *label = NULL;
	int r;

	if (fd >= 0)
		close(fd);
	r = host_read_line(h, path, &label);
	if (r == -ENOMEM)
		return r;
	/* EINVAL: no LSM provides the attribute (the kernel has no AppArmor, or it is off). */
	if (r == -ENOENT || r == -EINVAL)
		return facts_set(f, "pod.apparmor", path, NULL);
	if (r < 0)
		return facts_set_err(f, "pod.apparmor", path, -r);
	return facts_set(f, "pod.apparmor", path, label);
}

/* How many block device names pod.dev_block lists before it only counts. */
#define DEV_NAMES_MAX 8

/* Records pod.dev_block: the block devices at the top of /dev ("" when none). A privileged
 * container gets the host's devices (Docker --privileged; containerd's CRI unless
 * privileged_without_host_devices); an unprivileged one only the OCI runtime-spec default set
 * (null, zero, full, random, urandom, tty, console, ptmx), which holds no block device, while
 * every node has at least one disk. */
static int probe_dev(const struct host *h, struct facts *f)
{
	_cleanup_(closedirp) DIR *d = NULL;
	_cleanup_strbuf_ struct strbuf names = STRBUF_INIT;
	struct dirent *de;
	size_t n = 0;
	int r = host_opendir(h, "/dev", &d);

	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return facts_set_err(f, "pod.dev_block", "/dev", -r);
	while ((r = host_readdir(d, &de)) > 0) {
		struct stat st;

		if (de->d_type != DT_BLK &&
		    (de->d_type != DT_UNKNOWN ||
		     fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		     !S_ISBLK(st.st_mode)))
			continue;
		if (n++ < DEV_NAMES_MAX)
			strbuf_add_sep(&names, " ", "%s", de->d_name);
	}
	if (n > DEV_NAMES_MAX)
		strbuf_addf(&names, " (%zu in all)", n);
	if (names.err)
		return names.err;
	/* The block devices may all be in the part not read. */
	if (r < 0)
		return facts_set_err(f, "pod.dev_block", "/dev", -r);
	return facts_set(f, "pod.dev_block", "/dev", strbuf_str(&names));
}

static int probe_privileged(const struct host *h, const struct config *cfg _unused_,
			    struct facts *f)
{
	int r = probe_status(h, f);

	if (r >= 0)
		r = probe_line(h, f, "pod.cap_last_cap", "/proc/sys/kernel/cap_last_cap");
	if (r >= 0)
		r = probe_apparmor(h, f);
	if (r >= 0)
		r = probe_dev(h, f);
	return r;
}

/* Each hostpath's fact key, "pod.mount.<volume>". */
static char *mount_key(const struct hostpath *hp)
{
	return strdup_printf("pod.mount.%s", hp->volume);
}

/*
 * The path as mountinfo names its mount point: symlinks resolved inside the tree (/var/run is
 * /run on current distributions; on a merged-/usr image /lib/modules is /usr/lib/modules), as
 * the container runtime resolves a mountPath inside the image. The path itself when it cannot
 * be resolved. NULL on allocation failure.
 */
static char *resolve_in_tree(const struct host *h, const char *path)
{
	_cleanup_close_ int fd = host_openat(h, path, O_PATH);
	char link[PATH_MAX], root[PATH_MAX], proc[64];
	const char *rest;
	ssize_t n, m;

	if (fd < 0)
		return strdup(path);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, link, sizeof(link) - 1);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", h->root_fd);
	m = readlink(proc, root, sizeof(root) - 1);
	if (n <= 0 || m <= 0)
		return strdup(path);
	link[n] = root[m] = '\0';
	rest = streq(root, "/") ? link : startswith(link, root);
	if (!rest || (*rest != '/'))
		return strdup(path);
	return strdup(rest);
}

struct mounts {
	char *at[HOSTPATHS_N]; /* resolved mount points */
	char *opts[HOSTPATHS_N];
	char *sys_opts;
};

static int keep(char **slot, const char *opts)
{
	free(*slot);
	*slot = strdup(opts);
	return *slot ? 0 : -ENOMEM;
}

/* A later line for the same mount point is a mount on top of the earlier: the last one wins. */
static int find_mounts(const struct mount_entry *m, void *userdata)
{
	struct mounts *ms = userdata;

	if (streq(m->mount_point, "/sys") && keep(&ms->sys_opts, m->mount_opts) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < HOSTPATHS_N; i++)
		if (streq(m->mount_point, ms->at[i]) && keep(&ms->opts[i], m->mount_opts) < 0)
			return -ENOMEM;
	return 0;
}

/* Records pod.sys_mount and pod.mount.<volume>: the per-mount options (mountinfo field 6, not
 * the superblock's) of the mount at /sys and at each host path; null when there is none. */
static int probe_mounts(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	const struct mount_table *mt = NULL;
	struct mounts ms = { 0 };
	int r, read_err;

	read_err = host_mountinfo(h, &mt);
	if (read_err == -ENOMEM)
		return read_err;
	for (size_t i = 0; i < HOSTPATHS_N; i++)
		if (!(ms.at[i] = resolve_in_tree(h, hostpaths[i].path))) {
			r = -ENOMEM;
			goto out;
		}
	r = read_err < 0 ? 0 : mount_table_foreach(mt, find_mounts, &ms);
	if (r < 0)
		goto out;
	r = read_err < 0 ? facts_set_err(f, "pod.sys_mount", HOST_MOUNTINFO, -read_err)
			 : facts_set(f, "pod.sys_mount", HOST_MOUNTINFO, ms.sys_opts);
	for (size_t i = 0; r >= 0 && i < HOSTPATHS_N; i++) {
		_cleanup_free_ char *key = mount_key(&hostpaths[i]), *source = NULL;

		source = streq(ms.at[i], hostpaths[i].path)
				 ? strdup(HOST_MOUNTINFO)
				 : strdup_printf("%s (%s is %s)", HOST_MOUNTINFO, hostpaths[i].path,
						 ms.at[i]);
		if (!key || !source)
			r = -ENOMEM;
		else if (read_err < 0)
			r = facts_set_err(f, key, source, -read_err);
		else
			r = facts_set(f, key, source, ms.opts[i]);
	}
out:
	for (size_t i = 0; i < HOSTPATHS_N; i++) {
		free(ms.at[i]);
		free(ms.opts[i]);
	}
	free(ms.sys_opts);
	return r < 0 ? r : 0;
}

/* Records pod.modules: /lib/modules/R as the pod sees it (null when it does not exist). The
 * headers are kernel.headers, from probe_kernel_headers. */
static int probe_pod_modules(const struct host *h, const struct config *cfg _unused_,
			     struct facts *f)
{
	const struct fact *rel = facts_get(f, "kernel.release");
	_cleanup_free_ char *mods = NULL;
	int fd;

	if (!rel || rel->err || !rel->value)
		return 0; /* the rule says the release is unknown */
	mods = strdup_printf("/lib/modules/%s", rel->value);
	if (!mods)
		return -ENOMEM;
	fd = host_openat(h, mods, O_PATH | O_DIRECTORY);
	if (fd >= 0)
		close(fd);
	if (fd >= 0 || fd == -ENOENT || fd == -ENOTDIR)
		return facts_set(f, "pod.modules", mods, fd >= 0 ? mods : NULL);
	return facts_set_err(f, "pod.modules", mods, -fd);
}

/* Adds fa as evidence; returns 1 when it was read, 0 when not (noted in unknown), <0 ENOMEM. */
static int use_fact(struct result *r, const struct fact *fa, const char *key,
		    struct strbuf *unknown)
{
	result_evidence_fact(r, fa);
	if (!fa)
		strbuf_add_sep(unknown, "; ", "no fact %s was recorded", key);
	else if (fa->err)
		strbuf_add_sep(unknown, "; ", "cannot read '%s': %s", fa->source,
			       strerror(fa->err));
	return fa && !fa->err;
}

/* Adds to bad the capabilities 0..last missing from the hexadecimal CapEff mask. */
static void missing_caps(struct strbuf *bad, struct strbuf *unknown, const char *eff,
			 const char *last)
{
	_cleanup_strbuf_ struct strbuf caps = STRBUF_INIT;
	unsigned long long top;
	unsigned n = 0;
	uint64_t mask;

	if (pod_parse_capmask(eff ? eff : "", &mask) < 0) {
		strbuf_add_sep(unknown, "; ", "cannot parse CapEff '%s'", eff ? eff : "");
		return;
	}
	if (parse_count(last ? last : "", &top) < 0 || top > 63) {
		strbuf_add_sep(unknown, "; ", "cannot parse cap_last_cap '%s'", last ? last : "");
		return;
	}
	for (unsigned i = 0; i <= top; i++)
		if (!(mask & (1ULL << i))) {
			n++;
			if (i < ELEMENTSOF(cap_names))
				strbuf_add_sep(&caps, ", ", "%s", cap_names[i]);
			else
				strbuf_add_sep(&caps, ", ", "cap_%u", i);
		}
	if (caps.err)
		bad->err = caps.err;
	else if (n)
		strbuf_add_sep(bad, "; ", "missing capabilit%s: %s", n > 1 ? "ies" : "y", caps.buf);
}

/* The effective uid, the second of the four ids of a "Uid:" line (proc(5)): 1 and *ret, 0 when
 * the line is not of that form. */
static int status_euid(const char *uids, unsigned long long *ret)
{
	_cleanup_free_ char *copy = strdup(uids);
	char *save = NULL, *id;

	if (!copy || !strtok_r(copy, " \t", &save) || !(id = strtok_r(NULL, " \t", &save)))
		return 0;
	return parse_count(id, ret) == 0;
}

/* Sets r: anything in bad fails; else anything in unknown is unknown; else anything in wide
 * (may be NULL) warns; else pass. */
static int judge(struct result *r, const struct strbuf *bad, const struct strbuf *unknown,
		 const struct strbuf *wide, const char *pass_msg)
{
	if (bad->err || unknown->err || (wide && wide->err))
		return -ENOMEM;
	if (bad->len)
		return result_set(r, STATUS_FAIL, "%s", bad->buf);
	if (unknown->len)
		return result_set(r, STATUS_UNKNOWN, "%s", unknown->buf);
	if (wide && wide->len)
		return result_set(r, STATUS_WARN, "%s (works, wider than needed)", wide->buf);
	return result_set(r, STATUS_PASS, "%s", pass_msg);
}

static int rule_privileged(const struct check *c _unused_, const struct facts *f,
			   const struct config *cfg _unused_, struct result *r)
{
	enum { CAP_EFF, CAP_LAST, SECCOMP, APPARMOR, SYS, DEV, _N };
	static const char *const keys[_N] = { "pod.cap_eff",  "pod.cap_last_cap", "pod.seccomp",
					      "pod.apparmor", "pod.sys_mount",    "pod.dev_block" };
	_cleanup_strbuf_ struct strbuf bad = STRBUF_INIT, unknown = STRBUF_INIT;
	const struct fact *fa[_N], *uid;
	unsigned long long euid;
	int ok[_N];
	int ret = result_need_pod(r, f);

	if (ret <= 0)
		return ret;
	for (size_t i = 0; i < _N; i++) {
		fa[i] = facts_get(f, keys[i]);
		ok[i] = use_fact(r, fa[i], keys[i], &unknown);
		if (ok[i] < 0)
			return -ENOMEM;
	}
	/* A process that is not root holds no capability of its own, privileged pod or not:
	 * its CapEff tells nothing of the container's. */
	uid = facts_get(f, "pod.uid");
	if (uid && !uid->err && uid->value && status_euid(uid->value, &euid) && euid != 0) {
		result_evidence_fact(r, uid);
		strbuf_add_sep(&unknown, "; ",
			       "not root (uid %llu): the capabilities of this process are "
			       "not the container's; run cvmprep as root in the pod",
			       euid);
	} else if (ok[CAP_EFF] && ok[CAP_LAST])
		missing_caps(&bad, &unknown, fa[CAP_EFF]->value, fa[CAP_LAST]->value);
	/* proc(5): Seccomp 0 is SECCOMP_MODE_DISABLED; a kernel without seccomp has no line. */
	if (ok[SECCOMP] && fa[SECCOMP]->value && !streq(fa[SECCOMP]->value, "0"))
		strbuf_add_sep(&bad, "; ", "seccomp mode %s (a seccomp profile applies)",
			       fa[SECCOMP]->value);
	if (ok[APPARMOR] && fa[APPARMOR]->value && !streq(fa[APPARMOR]->value, "unconfined"))
		strbuf_add_sep(&bad, "; ", "AppArmor profile '%s'", fa[APPARMOR]->value);
	if (ok[SYS] && !fa[SYS]->value)
		strbuf_add_sep(&bad, "; ", "/sys is not mounted");
	else if (ok[SYS] && opts_has(fa[SYS]->value, "ro"))
		strbuf_add_sep(&bad, "; ", "/sys is mounted read-only");
	if (ok[DEV] && !*(fa[DEV]->value ? fa[DEV]->value : ""))
		strbuf_add_sep(&bad, "; ", "no host block device in /dev");
	result_observed(r, "%s", bad.len ? strbuf_str(&bad) : unknown.len ? "?" : "privileged");
	result_expected(r, "every capability to cap_last_cap, seccomp 0, AppArmor unconfined, "
			   "/sys rw, host devices in /dev");
	result_remediation(r, "run the pod with securityContext.privileged: true and no "
			      "seccomp or AppArmor profile");
	return judge(r, &bad, &unknown, NULL, "the pod is privileged");
}

static int rule_hostpaths(const struct check *c _unused_, const struct facts *f,
			  const struct config *cfg, struct result *r)
{
	const struct hostpath_row *row = hostpath_row(cfg->caching, cfg->shiftfs_autoload);
	_cleanup_strbuf_ struct strbuf bad = STRBUF_INIT, unknown = STRBUF_INIT, wide = STRBUF_INIT;
	_cleanup_strbuf_ struct strbuf want = STRBUF_INIT, seen = STRBUF_INIT;
	int ret = result_need_pod(r, f);

	if (ret <= 0)
		return ret;
	for (size_t i = 0; i < HOSTPATHS_N; i++) {
		const char *need = hostpath_mode_to_string(row->mode[i]), *path = hostpaths[i].path;
		_cleanup_free_ char *key = mount_key(&hostpaths[i]);
		const struct fact *fa;
		bool ro;
		int ok;

		if (!need)
			continue;
		if (!key)
			return -ENOMEM;
		strbuf_add_sep(&want, ", ", "%s %s", path, need);
		fa = facts_get(f, key);
		ok = use_fact(r, fa, key, &unknown);
		if (ok < 0)
			return -ENOMEM;
		if (!ok)
			continue;
		if (!fa->value) {
			strbuf_add_sep(&seen, ", ", "%s missing", path);
			strbuf_add_sep(&bad, "; ", "%s is not mounted (want %s)", path, need);
			continue;
		}
		ro = opts_has(fa->value, "ro");
		strbuf_add_sep(&seen, ", ", "%s %s", path, ro ? "ro" : "rw");
		if (row->mode[i] == HOSTPATH_RW && ro)
			strbuf_add_sep(&bad, "; ", "%s is mounted read-only (want rw)", path);
		else if (row->mode[i] == HOSTPATH_RO && !ro)
			strbuf_add_sep(&wide, "; ", "%s is mounted rw where ro is enough", path);
	}
	if (want.err || seen.err)
		return -ENOMEM;
	result_observed(r, "%s", seen.len ? seen.buf : "?");
	result_expected(r, "caching %s, shiftfs autoload %s: %s", row->caching, row->autoload,
			strbuf_str(&want));
	result_remediation(r, "mount the host paths as 'cvmprep hostpaths%s%s' prints",
			   cfg->caching ? " --caching" : "",
			   cfg->shiftfs_autoload ? " --shiftfs-autoload" : "");
	return judge(r, &bad, &unknown, &wide, "every host path is mounted as required");
}

static int rule_modules_match(const struct check *c _unused_, const struct facts *f,
			      const struct config *cfg _unused_, struct result *r)
{
	static const struct {
		const char *key;
		const char *what;
	} dirs[] = { { "pod.modules", "modules" }, { "kernel.headers", "headers" } };
	_cleanup_strbuf_ struct strbuf bad = STRBUF_INIT, unknown = STRBUF_INIT;
	const struct fact *rel;
	int ret = result_need_pod(r, f);

	if (ret <= 0)
		return ret;
	ret = result_need(r, f, "kernel.release", &rel);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, rel);
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		const struct fact *fa = facts_get(f, dirs[i].key);
		int ok = use_fact(r, fa, dirs[i].key, &unknown);

		if (ok < 0)
			return -ENOMEM;
		if (ok && !fa->value)
			strbuf_add_sep(&bad, "; ", "no %s for the running kernel %s (%s)",
				       dirs[i].what, rel->value, fa->source);
	}
	result_observed(r, "%s", bad.len ? strbuf_str(&bad) : rel->value);
	result_expected(r, "/lib/modules/%s and /usr/src/linux-headers-%s (or "
			   "/usr/src/kernels/%s)", rel->value, rel->value, rel->value);
	result_remediation(r, "mount the node's /lib/modules and /usr/src into the pod, and "
			      "install the headers for %s on the node", rel->value);
	return judge(r, &bad, &unknown, NULL,
		     "the modules and headers of the running kernel are visible");
}

const struct check checks_pod[] = {
	{
		.id = "pod.privileged",
		.title = "Privileged pod",
		.probes = { probe_privileged, probe_mounts },
		.rule = rule_privileged,
		.evidence = "CapEff, Seccomp and Uid in /proc/self/status, "
			    "/proc/sys/kernel/cap_last_cap, the AppArmor label (/proc/self/attr/apparmor/current, else "
			    "/proc/self/attr/current), the per-mount options of /sys in "
			    "/proc/self/mountinfo, block devices in /dev",
		.rule_text = "in a pod: every capability from 0 to cap_last_cap effective, Seccomp 0, "
			     "AppArmor unconfined (or none), /sys mounted rw and a block device in "
			     "/dev (a privileged container gets the host's devices; the OCI default "
			     "set has none) pass; anything else fails, naming what is missing "
			     "(capabilities by name); unreadable evidence with nothing failing is "
			     "unknown, and so are the capabilities of a process that is not root "
			     "(Uid in /proc/self/status); on a host: skip",
		.why = "Coder's CVM pod runs Sysbox, which mounts filesystems, creates namespaces and "
		       "loads seccomp notifiers: the cluster must allow privileged containers",
		.fix = "set securityContext.privileged: true on the CVM container and allow it in "
		       "the namespace's Pod Security admission (privileged level)",
		.source = "Coder docs (" CODER_DOCS_ADMIN_V1 ": \"The cluster must allow privileged "
			  "containers\")",
		.docs = "https://coder.com/docs/v1/latest/admin/workspace-management/cvms",
	},
	{
		.id = "pod.hostpaths",
		.title = "Host paths mounted into the pod",
		.probes = { probe_mounts },
		.rule = rule_hostpaths,
		.evidence = "/proc/self/mountinfo: the per-mount options (field 6, not the superblock "
			    "options) of the mount at /usr/src, /lib/modules, /var/run and /var/lib, "
			    "each resolved through the symlinks of the pod's image (/var/run is /run)",
		.rule_text = "in a pod, for the row of --caching and --shiftfs-autoload: caching off "
			     "/usr/src ro, /lib/modules ro; caching on, autoload off adds /var/run ro "
			     "and /var/lib rw; caching on, autoload on /usr/src rw, /lib/modules rw, "
			     "/var/run ro, /var/lib rw. A missing mount or ro where rw is needed "
			     "fails; rw where ro is enough warns; unreadable mountinfo is unknown; on "
			     "a host: skip",
		.why = "Sysbox in the pod needs the node's kernel modules and headers (to load or "
		       "build shiftfs) and, with caching, the node's container state",
		.fix = "add the hostPath volumes and mounts 'cvmprep hostpaths [--caching] "
		       "[--shiftfs-autoload]' prints to the pod spec",
		.source = "Coder docs (" CODER_DOCS_ADMIN ": \"HostPath mounts\" table)",
		.docs = "https://coder.com/docs/v1/latest/admin/workspace-management/cvms",
	},
	{
		.id = "pod.modules-match",
		.title = "Kernel modules and headers of the running kernel",
		.probes = { probe_pod_modules, probe_kernel_headers },
		.rule = rule_modules_match,
		.evidence = "the running kernel release R (uname(2)); /lib/modules/R and "
			    "/usr/src/linux-headers-R or /usr/src/kernels/R as the pod sees them",
		.rule_text = "in a pod: both visible passes; either missing fails; unreadable is "
			     "unknown; on a host: skip",
		.why = "the pod's /lib/modules and /usr/src must be the node's, for the kernel that "
		       "runs, or shiftfs cannot be loaded or built in the pod",
		.fix = "mount the node's /lib/modules and /usr/src (hostPath) and install the "
		       "headers package for the running kernel on the node",
		.source = "Coder envbox template (examples/templates/envbox: usr-src and "
			  "lib-modules hostPath volumes); Coder docs (" CODER_DOCS_ADMIN ")",
		.docs = "https://github.com/coder/coder/tree/main/examples/templates/envbox",
	},
	CHECKS_END,
};
