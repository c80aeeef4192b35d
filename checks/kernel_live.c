/* SPDX-License-Identifier: MIT */
/* kernel.idmap, kernel.seccomp-notify: what Sysbox needs of the running kernel, tried out in a
 * child process (checks/live.h) when functional probes are allowed. */
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "checks.h"
#include "core/util.h"
#include "core/version.h"
#include "idmap_dirs.h"
#include "live.h"

/* Older C libraries and kernel headers lack these (linux/mount.h of 5.12). */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
/* Since 5.1 new system calls have one number on every architecture (asm-generic/unistd.h). */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SECCOMP_GET_NOTIF_SIZES
#define SECCOMP_GET_NOTIF_SIZES 3
#endif

/* struct mount_attr (linux/mount.h), under our own name: glibc 2.36 declares it too. */
struct idmap_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

#define KEY_IDMAP "kernel.idmap_mount"
#define KEY_IDMAP_OVERLAY "kernel.idmap_overlay"
#define KEY_SECCOMP "kernel.seccomp_notify"

/* sysbox-libs idMap/idMapMount.go: ID-mapped mounts need 5.12 (IDMapMountSupported), and 5.19
 * on overlayfs lower layers (IDMapMountSupportedOnOverlayfs). */
static const struct kver idmap_min = { 5, 12, 0 };
static const struct kver idmap_overlay_min = { 5, 19, 0 };

/* The steps of the ID-mapped mount probe, as sysbox-mgr's runIDMapMountCheckOnHost() takes them,
 * in a mount namespace of its own so that nothing it mounts is seen outside. */
enum idmap_step {
	IDMAP_CLONE = CHILD_STEP_CLONE,
	IDMAP_PRIVATE,
	IDMAP_USERNS,
	IDMAP_MAPS,
	IDMAP_NSFD,
	IDMAP_OPEN_TREE,
	IDMAP_SETATTR,
	IDMAP_MOVE,
	IDMAP_OVERLAY,
	_IDMAP_STEP_MAX,
};

static const char *const idmap_steps[] = {
	[IDMAP_CLONE] = "clone(2) CLONE_NEWNS",
	[IDMAP_PRIVATE] = "mount(2) MS_REC|MS_PRIVATE on /",
	[IDMAP_USERNS] = "clone(2) CLONE_NEWUSER",
	[IDMAP_MAPS] = "writing the user namespace's uid_map and gid_map",
	[IDMAP_NSFD] = "open(2) of the user namespace",
	[IDMAP_OPEN_TREE] = "open_tree(2) OPEN_TREE_CLONE",
	[IDMAP_SETATTR] = "mount_setattr(2) MOUNT_ATTR_IDMAP",
	[IDMAP_MOVE] = "move_mount(2)",
	[IDMAP_OVERLAY] = "mount(2) of overlayfs on an ID-mapped lower directory",
};
_Static_assert(ELEMENTSOF(idmap_steps) == _IDMAP_STEP_MAX, "idmap_steps");

static int write_map(pid_t pid, const char *file)
{
	char path[64];
	int fd, ok, err;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* sysbox-libs: root in the namespace is root outside, one ID */
	ok = write(fd, "0 0 1\n", 6) == 6;
	err = errno;
	close(fd);
	errno = err;
	return ok ? 0 : -1;
}

/*
 * A process in a new user namespace, with its ID maps written, kept until the namespace is open
 * (sysbox-libs linuxUtils.CreateUsernsProcess). Returns the namespace's fd, or -1 with errno and
 * *step saying which step failed.
 */
static int userns_open(unsigned *step)
{
	int hold[2], fd = -1, err;
	char path[64];
	pid_t pid;

	*step = IDMAP_USERNS;
	if (pipe2(hold, O_CLOEXEC) < 0)
		return -1;
	pid = raw_clone(CLONE_NEWUSER);
	if (pid == 0) {
		char c;

		/* Waits for the parent to close its end, or to die. */
		close(hold[1]);
		_exit(read(hold[0], &c, 1) < 0);
	}
	err = errno;
	close(hold[0]);
	if (pid > 0) {
		*step = IDMAP_MAPS;
		if (write_map(pid, "uid_map") == 0 && write_map(pid, "gid_map") == 0) {
			*step = IDMAP_NSFD;
			snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
			fd = open(path, O_RDONLY | O_CLOEXEC);
		}
		err = errno;
	}
	close(hold[1]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	errno = err;
	return fd;
}

/* In the child: ID-map the lower directory onto itself, then mount overlayfs with it as the
 * lower layer. The mounts end with the child's mount namespace; they are undone first all the
 * same. */
static void idmap_child(void *userdata, struct child_result *ret)
{
	const struct idmap_dirs *d = userdata;
	struct idmap_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
	_cleanup_close_ int ns = -1, tree = -1;

	ret->step = IDMAP_PRIVATE;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		goto fail;
	ns = userns_open(&ret->step);
	if (ns < 0)
		goto fail;
	ret->step = IDMAP_OPEN_TREE;
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, d->lower,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		goto fail;
	ret->step = IDMAP_SETATTR;
	attr.userns_fd = (uint64_t)ns;
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
		    sizeof(attr)) < 0)
		goto fail;
	ret->step = IDMAP_MOVE;
	if (syscall(SYS_move_mount, tree, "", AT_FDCWD, d->lower, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		goto fail;
	ret->step = IDMAP_OVERLAY;
	if (mount("overlay", d->merged, "overlay", 0, d->overlay_opts) < 0) {
		ret->r = -errno;
		umount2(d->lower, MNT_DETACH);
		return;
	}
	umount2(d->merged, MNT_DETACH);
	umount2(d->lower, MNT_DETACH);
	return;
fail:
	ret->r = -errno;
}

/* The nearest existing directory at or above path on the host (the data root may not exist
 * yet). Returns 0 and *ret_dir (caller frees), or -errno. */
static int nearest_dir(const struct host *h, const char *path, char **ret_dir)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return -ENOMEM;
	for (;;) {
		int fd = host_openat(h, p, O_PATH | O_DIRECTORY);
		char *slash;

		if (fd >= 0) {
			close(fd);
			*ret_dir = host_path(h, p);
			return *ret_dir ? 0 : -ENOMEM;
		}
		slash = strrchr(p, '/');
		if (fd != -ENOENT || !slash || slash == p)
			return fd;
		*slash = '\0';
	}
}

/*
 * kernel.idmap_mount and kernel.idmap_overlay: the probe sysbox-mgr runs at start-up, in a
 * temporary directory under the data root (or its nearest existing parent), which is removed
 * afterwards. Runs only when functional probes are allowed.
 */
static int probe_idmap(const struct host *h, const struct config *cfg, struct facts *f)
{
	const char *data_root = cfg->data_root ? cfg->data_root : DATA_ROOT_DEFAULT;
	_cleanup_(idmap_dirs_free) struct idmap_dirs d = IDMAP_DIRS_INIT;
	_cleanup_free_ char *parent = NULL, *source = NULL, *ovl_source = NULL;
	struct child_result res = { 0 }, mount_res;
	const char *failed = NULL;
	int r, rm;

	if (!cfg->probes)
		return 0;
	r = nearest_dir(h, data_root, &parent);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return facts_set_err(f, KEY_IDMAP, data_root, -r);
	r = idmap_dirs_make(&d, parent, &failed);
	if (r == 0) {
		source = strdup_printf("ID-mapped mount probe in '%s'", parent);
		ovl_source = strdup_printf("overlayfs on an ID-mapped lower directory in '%s'", parent);
		if (!source || !ovl_source)
			r = -ENOMEM;
		else
			r = child_run(CLONE_NEWNS, CHILD_TIMEOUT_MS, idmap_child, &d, &res);
	} else if (r != -ENOMEM) {
		source = strdup_printf("%s '%s'", failed == parent ? "list" : "mkdir", failed);
	}
	rm = idmap_dirs_remove(&d);
	if (rm < 0 && source) {
		/* The verdict stands; what is left behind is said where it is shown. */
		char *with = strdup_printf("%s (could not remove '%s': %s)", source, d.top,
					   strerror(-rm));

		free(source);
		source = with;
	}
	if (r == -ENOMEM || !source)
		return -ENOMEM;

	/* A failed overlay leaves the ID-mapped mount itself proven. */
	mount_res = res;
	if (res.step == IDMAP_OVERLAY)
		mount_res.r = 0;
	r = live_record(f, KEY_IDMAP, source, r, &mount_res, idmap_steps, ELEMENTSOF(idmap_steps));
	if (r < 0 || facts_get(f, KEY_IDMAP)->err || !streq(facts_get(f, KEY_IDMAP)->value, "ok"))
		return r;
	return live_record(f, KEY_IDMAP_OVERLAY, ovl_source, 0, &res, idmap_steps,
			   ELEMENTSOF(idmap_steps));
}

static int rule_idmap(const struct check *c _unused_, const struct facts *f,
		      const struct config *cfg, struct result *r)
{
	const struct fact *rel, *mnt = facts_get(f, KEY_IDMAP), *ovl = facts_get(f, KEY_IDMAP_OVERLAY);
	_cleanup_free_ char *how = NULL;
	bool ran, overlay_era;
	struct kver v;
	int ret, shiftfs;

	ret = result_need(r, f, "kernel.release", &rel);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, rel);
	result_evidence_fact(r, mnt);
	result_evidence_fact(r, ovl);
	result_observed(r, "%s", rel->value);
	result_expected(r, ">= 5.19 and a working ID-mapped mount, or shiftfs");
	shiftfs = module_presence(f, "shiftfs", r);
	if (shiftfs < 0)
		return shiftfs;
	if (kver_parse(rel->value, &v) < 0)
		return result_set(r, STATUS_UNKNOWN, "cannot parse kernel release '%s'", rel->value);

	if (kver_cmp(&v, &idmap_min) < 0) {
		if (shiftfs >= PRESENCE_AVAILABLE)
			return result_set(r, STATUS_PASS,
					  "kernel %s predates ID-mapped mounts (5.12); Sysbox uses "
					  "shiftfs, which is present", rel->value);
		if (shiftfs == PRESENCE_UNKNOWN)
			return result_set(r, STATUS_UNKNOWN,
					  "kernel %s predates ID-mapped mounts (5.12) and whether "
					  "shiftfs is present cannot be told", rel->value);
		result_remediation(r, "boot a 5.19 or newer kernel, or install shiftfs "
				      "(cvmprep provision --shiftfs-autoload)");
		return result_set(r, STATUS_FAIL,
				  "kernel %s predates ID-mapped mounts (5.12) and shiftfs is absent",
				  rel->value);
	}

	if (mnt && mnt->err)
		return result_set(r, STATUS_UNKNOWN, "the ID-mapped mount probe could not answer: %s",
				  strerror(mnt->err));
	ran = mnt && mnt->value;
	overlay_era = kver_cmp(&v, &idmap_overlay_min) >= 0;
	if (ran && !streq(mnt->value, "ok")) {
		result_remediation(r, "put the data root on a filesystem that supports "
				   "ID-mapped mounts (ext4, xfs, btrfs; tmpfs only from 6.3) and "
				   "check that no security module denies mount_setattr");
		return result_set(r, STATUS_FAIL, "the ID-mapped mount probe failed: %s", mnt->value);
	}
	if (ran && overlay_era && !(ovl && streq_ptr(ovl->value, "ok"))) {
		result_remediation(r, "boot a kernel whose overlayfs accepts ID-mapped "
				   "lower layers (5.19 or newer)");
		return result_set(r, STATUS_FAIL, "the ID-mapped mount probe failed: %s",
				  ovl && ovl->value ? ovl->value : "no overlayfs result");
	}
	how = ran ? strdup_printf("the probe mounted one (%s)", mnt->source)
		  : strdup_printf("judged by version alone: the functional probe did not run (%s)",
				  live_off_reason(cfg));
	if (!how)
		return -ENOMEM;
	if (overlay_era)
		return result_set(r, STATUS_PASS,
				  "kernel %s supports ID-mapped mounts, also on overlayfs lower "
				  "layers; %s", rel->value, how);
	if (shiftfs >= PRESENCE_AVAILABLE)
		return result_set(r, STATUS_PASS,
				  "kernel %s supports ID-mapped mounts, and shiftfs covers overlayfs "
				  "lower layers (5.19 needed without it); %s", rel->value, how);
	result_remediation(r, "boot a 5.19 or newer kernel, or install shiftfs "
			      "(cvmprep provision --shiftfs-autoload)");
	return result_set(r, STATUS_WARN,
			  "kernel %s supports ID-mapped mounts but not on overlayfs lower layers "
			  "(5.19), and shiftfs is %s: Sysbox copies and chowns image layers instead "
			  "(slower, more disk); %s", rel->value,
			  shiftfs == PRESENCE_ABSENT ? "absent" : "of unknown state", how);
}

enum seccomp_step {
	SECCOMP_STEP_CLONE = CHILD_STEP_CLONE,
	SECCOMP_STEP_SIZES,
	_SECCOMP_STEP_MAX,
};

static const char *const seccomp_steps[] = {
	[SECCOMP_STEP_CLONE] = "clone(2)",
	[SECCOMP_STEP_SIZES] = "seccomp(2) SECCOMP_GET_NOTIF_SIZES",
};
_Static_assert(ELEMENTSOF(seccomp_steps) == _SECCOMP_STEP_MAX, "seccomp_steps");

static void seccomp_child(void *userdata _unused_, struct child_result *ret)
{
	uint16_t sizes[3]; /* struct seccomp_notif_sizes */

	ret->step = SECCOMP_STEP_SIZES;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, sizes) < 0)
		ret->r = -errno;
}

/* kernel.seccomp_notify: whether the kernel offers seccomp user notification (5.0). */
static int probe_seccomp_notify(const struct host *h _unused_, const struct config *cfg,
				struct facts *f)
{
	struct child_result res = { 0 };
	int r;

	if (!cfg->probes)
		return 0;
	r = child_run(0, CHILD_TIMEOUT_MS, seccomp_child, NULL, &res);
	return live_record(f, KEY_SECCOMP, "seccomp(2) in a child process", r, &res,
			   seccomp_steps, ELEMENTSOF(seccomp_steps));
}

static int rule_seccomp_notify(const struct check *c _unused_, const struct facts *f,
			       const struct config *cfg, struct result *r)
{
	const struct fact *fa;
	int ret;

	result_expected(r, "seccomp user notification available");
	ret = live_need(r, f, cfg, KEY_SECCOMP, &fa);
	if (ret <= 0)
		return ret;
	result_observed(r, "%s", fa->value);
	if (streq(fa->value, "ok"))
		return result_set(r, STATUS_PASS, "seccomp user notification is available");
	result_remediation(r, "boot a 5.0 or newer kernel built with CONFIG_SECCOMP_FILTER");
	return result_set(r, STATUS_FAIL,
			  "seccomp user notification is not available (%s): sysbox-fs cannot "
			  "trap system calls", fa->value);
}

const struct check checks_kernel_live[] = {
	{
		.id = "kernel.idmap",
		.title = "ID-mapped mounts",
		.probes = { probe_uname, probe_modules, probe_idmap },
		.rule = rule_idmap,
		.evidence = "the kernel release; shiftfs (module.shiftfs, filesystem.shiftfs); live, "
			    "as root, the probe sysbox-mgr runs: in a temporary directory under the "
			    "data root (or its nearest existing parent), in a private mount "
			    "namespace, a user namespace mapping 0 to 0, open_tree(OPEN_TREE_CLONE), "
			    "mount_setattr(MOUNT_ATTR_IDMAP), move_mount, then overlayfs with the "
			    "ID-mapped directory as its lower layer; the directory is removed after",
		.rule_text = "5.19 or newer with the probe working passes; 5.12 to 5.18 warns "
			     "unless shiftfs is present (then passes); older than 5.12 fails "
			     "without shiftfs; a failed probe step fails, naming the step and the "
			     "error; overlayfs on an ID-mapped lower layer must work from 5.19; "
			     "without the probe (--no-probe, --root) the release alone is judged",
		.why = "Sysbox maps each container's root to an unprivileged host ID range; it "
		       "needs ID-mapped mounts (or shiftfs) to share host files and image layers "
		       "with the right ownership, else it copies and chowns every image layer",
		.fix = "boot a 5.19 or newer kernel (Ubuntu HWE), or install shiftfs",
		.source = "sysbox docs/user-guide/design.md; sysbox-libs idMap/idMapMount.go; "
			  "sysbox issues 586, 796",
		.docs = "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/design.md",
	},
	{
		.id = "kernel.seccomp-notify",
		.title = "Seccomp user notification",
		.probes = { probe_seccomp_notify },
		.rule = rule_seccomp_notify,
		.evidence = "live, in a child process: seccomp(SECCOMP_GET_NOTIF_SIZES, 0, &sizes)",
		.rule_text = "the call succeeding passes; failing fails, with the error; without "
			     "the probe (--no-probe, --root) skip",
		.why = "sysbox-fs traps mount and other system calls of the containers through "
		       "seccomp user notification (Linux 5.0)",
		.fix = "boot a 5.0 or newer kernel built with CONFIG_SECCOMP_FILTER",
		.source = "sysbox-fs seccomp/tracer.go; coder/envbox",
		.docs = "https://github.com/nestybox/sysbox-fs/blob/master/seccomp/tracer.go",
	},
	CHECKS_END,
};
