/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_CHECKS_H
#define CVMPREP_CHECKS_H

#include "check.h"

/* Each module's checks, terminated by an entry whose id is NULL. */
extern const struct check checks_platform[];
extern const struct check checks_distro[];
extern const struct check checks_kernel[];
extern const struct check checks_modules[];    /* kernel.shiftfs, kernel.headers */
extern const struct check checks_kconfig[];    /* kernel.config.* */
extern const struct check checks_filesystems[]; /* fs.fuse, fs.overlay */
extern const struct check checks_fuse3[];       /* fs.fuse3 (checks/fusermount3.c) */
extern const struct check checks_apparmor_fusermount3[]; /* security.apparmor-fusermount3 */
extern const struct check checks_selinux[];
extern const struct check checks_virt[];    /* platform.virt */
extern const struct check checks_storage[]; /* fs.dataroot, fs.docker-dtype, fs.capacity */
extern const struct check checks_containerd[]; /* runtime.containerd */
extern const struct check checks_docker[];     /* runtime.docker */
extern const struct check checks_sysbox[]; /* runtime.sysbox, runtime.tools, runtime.subid */
extern const struct check checks_k8s[];    /* k8s.*: a kubelet's node */
/* probe_sysbox_target (checks/fusermount3.c): sysbox.target, the Sysbox version cvmprep
 * provision is about to install (--sysbox-version), null for check. */
int probe_sysbox_target(const struct host *h, const struct config *cfg, struct facts *f);
extern const struct check checks_gpu[];     /* gpu.devices */
extern const struct check checks_image[];   /* image.*: cvmprep image (checks/image.h) */
/* probe_virt: platform.dmi.sys_vendor, platform.dmi.product_name and platform.hypervisor ("yes"
 * or "no": the CPU flag). */
int probe_virt(const struct host *h, const struct config *cfg, struct facts *f);
/* The platform those facts say, computed by rules (so that --assume of any of them counts): a
 * hypervisor or cloud name from DMI (systemd's table), else "vm-other" or "none" (bare metal)
 * by the hypervisor flag; NULL when DMI names none and the flag is not known. Pure. */
const char *virt_classify(const char *vendor, const char *product, const char *hypervisor);
/* For rules: adds those facts as evidence; returns 1 and *ret_name (static), or sets r unknown
 * and returns 0 when the platform cannot be told; -ENOMEM. */
int result_need_virt(struct result *r, const struct facts *f, const char **ret_name);
extern const struct check checks_pod[]; /* pod.privileged, pod.hostpaths, pod.modules-match */
extern const struct check checks_net[]; /* net.istio */
extern const struct check checks_node[];        /* platform.init, platform.resources */
extern const struct check checks_kernel_live[]; /* kernel.idmap, kernel.seccomp-notify */
extern const struct check checks_security[];    /* security.apparmor-userns, .secureboot */
extern const struct check checks_userns[];      /* userns.max, userns.clone, userns.procfs */
extern const struct check checks_cgroup[];      /* cgroup.version */
extern const struct check checks_sysctl[];      /* sysctl.limits */

/*
 * probe_mode (checks/mode.c; an identity probe): host.mode = "host" | "pod", as --mode says or,
 * for auto, "pod" when any evidence points at a container; its source says why. The evidence:
 * mode.dockerenv, mode.containerenv ("present" or null), mode.kubernetes (live only: the value
 * of KUBERNETES_SERVICE_HOST or null), mode.cgroup (PID 1's cgroup line), mode.pid1 (its name).
 * mode_evidence_keys: host.mode then those keys, NULL-terminated, for the report header.
 */
int probe_mode(const struct host *h, const struct config *cfg, struct facts *f);
extern const char *const mode_evidence_keys[];
/* MODE_HOST or MODE_POD from the host.mode fact; _MODE_MAX when it is missing or neither. */
enum mode facts_mode(const struct facts *f);
/* The mode as the report names it: "host", "pod", or "unknown" when host.mode could not be
 * told (evidence that exists could not be read). */
const char *facts_mode_name(const struct facts *f);
/* For rules that apply in a pod only: returns 1 in a pod; otherwise sets r (skip on a host,
 * unknown when host.mode is missing) and returns 0; -ENOMEM. */
int result_need_pod(struct result *r, const struct facts *f);

/*
 * Probes shared by several modules.
 * probe_uname: kernel.release, platform.arch, host.hostname — uname(2) live, else
 *   /proc/sys/kernel/{osrelease,arch,hostname} of the tree.
 * probe_os_release: os.id, os.id_like, os.version_id, os.pretty_name, os.version_codename from
 *   /etc/os-release, else /usr/lib/os-release.
 */
int probe_uname(const struct host *h, const struct config *cfg, struct facts *f);
int probe_os_release(const struct host *h, const struct config *cfg, struct facts *f);
/*
 * probe_modules (checks/modules.c; needs probe_uname first): for each of shiftfs, fuse, overlay,
 *   module.<name> = "loaded" (/proc/modules) | "builtin" | "available" | "absent" (libkmod on
 *   /lib/modules/<release>), or the errno when neither could tell; and filesystem.<name> =
 *   "yes" | "no" from /proc/filesystems, or its errno.
 */
int probe_modules(const struct host *h, const struct config *cfg, struct facts *f);

/* The kernel config at fd (gzip or plain; takes the fd), read from path, recorded as
 * probe_kconfig records it: kconfig.source (or its errno), kconfig.version, kconfig.<OPTION>.
 * Returns 0 or -ENOMEM. */
int kconfig_record(int fd, const char *path, struct facts *f);

/* kernel.headers: the first of /usr/src/linux-headers-R, /usr/src/kernels/R, /lib/modules/R/build
 * that is a directory (null when none is), for kernel.headers and pod.modules-match. */
int probe_kernel_headers(const struct host *h, const struct config *cfg, struct facts *f);

/* Where the kernel stands on a filesystem module (shiftfs, fuse, overlay). */
enum presence {
	PRESENCE_UNKNOWN, /* neither fact could be read; r says why */
	PRESENCE_ABSENT,
	PRESENCE_AVAILABLE, /* a module file that can be loaded */
	PRESENCE_BUILTIN, /* from here on: in use */
	PRESENCE_LOADED,  /* loaded, or the filesystem registered */
};

/*
 * The presence of module name from module.<name> and filesystem.<name> (probe_modules), both
 * added as evidence. Returns it, or -ENOMEM. On PRESENCE_UNKNOWN, r is set to unknown.
 */
int module_presence(const struct facts *f, const char *name, struct result *r);

/* The probes every report runs, whatever is selected: they fill its "host" header. */
extern const probe_fn identity_probes[];

/* How os_match() compares the os.* facts with a list of names (space-separated). */
enum os_match {
	OS_RELEASE, /* "ID:VERSION_ID" is one of names ("ubuntu:22.04") */
	OS_ID,      /* ID is one of names (ID defaults to "linux", os-release(5)) */
	OS_LIKE,    /* ID or a word of ID_LIKE is one of names */
	OS_RELEASE_FROM, /* "ID:VERSION_ID" is a release of one of names or later: "ubuntu:25.04"
			  * is Ubuntu 25.04, 25.10, 26.04, ... (versions compared as numbers) */
};

bool os_match(const struct facts *f, enum os_match how, const char *names);

/*
 * The mode of the first AppArmor profile named one of names in buf, the text of
 * /sys/kernel/security/apparmor/profiles ("NAME (MODE)" lines): *ret_mode (caller frees), or
 * NULL when none is loaded. Reads at most len bytes, once. Returns 0 or -ENOMEM.
 */
int apparmor_profile_mode(const char *buf, size_t len, const char *const *names, size_t n_names,
			  char **ret_mode);

/* The RHEL family, by ID and by ID_LIKE (docs/requirements.md: os.distro, kernel.version). */
#define OS_RHEL_FAMILY "fedora rocky almalinux centos rhel amzn"

#endif
