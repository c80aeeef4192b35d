/* SPDX-License-Identifier: MIT */
/* The fact keys the probes record (see factkeys.h), by the module that records them. */
#include "factkeys.h"

#include "check.h"
#include "core/util.h"

/* clang-format off */
const char *const fact_keys[] = {
	/* identity probes: probe_uname, probe_os_release, probe_mode (checks/mode.c) */
	"kernel.release", "platform.arch", "host.hostname",
	"os.id", "os.id_like", "os.version_id", "os.pretty_name", "os.version_codename",
	"host.mode", "mode.dockerenv", "mode.containerenv", "mode.kubernetes", "mode.cgroup",
	"mode.pid1",
	/* checks/node.c, checks/virt.c */
	"platform.systemd", "platform.cpus", "platform.memtotal_kb",
	"platform.dmi.sys_vendor", "platform.dmi.product_name", "platform.hypervisor",
	/* checks/kernel_live.c, checks/userns.c: functional probes, live and as root */
	"kernel.idmap_mount", "kernel.idmap_overlay", "kernel.seccomp_notify", "userns.procfs",
	"userns.max_user_namespaces", "userns.unprivileged_userns_clone",
	/* checks/modules.c */
	"module.shiftfs", "module.fuse", "module.overlay",
	"filesystem.shiftfs", "filesystem.fuse", "filesystem.overlay",
	"kernel.headers", "fuse.device",
	/* checks/kconfig.c: the config read, and one option that stands in for another */
	"kconfig.source", "kconfig.version", "kconfig.EXT4_USE_FOR_EXT2",
	/* checks/selinux.c, checks/security.c, checks/cgroup.c, checks/sysctl.c */
	"selinux.mount", "selinux.enforce", "selinux.config",
	"security.apparmor_restrict_unprivileged_userns", "security.secureboot",
	/* checks/fusermount3.c */
	"security.apparmor.enabled", "security.apparmor.fusermount3",
	"security.apparmor.fusermount3.mode", "tools.fusermount3", "sysbox.target",
	"cgroup.fstype", "cgroup.unified_fstype",
	"sysctl.fs.inotify.max_queued_events", "sysctl.fs.inotify.max_user_instances",
	"sysctl.fs.inotify.max_user_watches", "sysctl.kernel.keys.maxbytes",
	"sysctl.kernel.keys.maxkeys", "sysctl.kernel.pid_max",
	/* checks/storage.c: the data root and Docker's */
	"fs.dataroot.path", "fs.dataroot.dev", "fs.dataroot.mount.fstype",
	"fs.dataroot.mount.source", "fs.dataroot.statfs", "fs.dataroot.size",
	"fs.dataroot.avail", "fs.dataroot.blkid",
	"fs.docker.path", "fs.docker.dev", "fs.docker.mount.fstype", "fs.docker.mount.source",
	"fs.docker.statfs", "fs.docker.size", "fs.docker.avail", "fs.docker.blkid",
	/* checks/pod.c, checks/net.c: in a pod */
	"pod.uid", "pod.cap_eff", "pod.cap_last_cap", "pod.seccomp", "pod.apparmor",
	"pod.sys_mount", "pod.dev_block", "pod.modules",
	"pod.mount.usr-src", "pod.mount.lib-modules", "pod.mount.var-run", "pod.mount.var-lib",
	"net.istio", "net.cni_dir", "net.cni_invalid", "net.cni_unread", "net.cni_unreadable",
	/* checks/containerd.c, checks/docker.c, checks/sysbox.c, checks/k8s.c */
	"dpkg.database", "dpkg.updates",
	"dpkg.containerd.io.status", "dpkg.containerd.io.version",
	"dpkg.sysbox-ce.status", "dpkg.sysbox-ce.version",
	"dpkg.sysbox-ee.status", "dpkg.sysbox-ee.version",
	"dpkg.docker-ce.status", "dpkg.docker-ce.version", "dpkg.docker-ce.depends",
	"dpkg.kubelet.status", "dpkg.kubelet.version",
	"dpkg.containerd.status", "dpkg.containerd.version",
	"kubelet.program", "kubelet.endpoint",
	"containerd.config", "containerd.config.sysbox-runc", "containerd.config.imports",
	"apt.pin.containerd.io", "apt.pin.containerd.io.priority",
	"docker.dockerd", "docker.snap", "docker.daemon-json", "docker.daemon-json.duplicate",
	"docker.runtime.sysbox-runc", "docker.daemon-json.sysbox-network", "docker.flags",
	"docker.flag-conflict", "docker.unit-refused",
	"sysbox.unit.sysbox.service", "sysbox.unit.sysbox-mgr.service",
	"sysbox.unit.sysbox-fs.service", "sysbox.sysmgr-sock",
	"tools.bindirs", "tools.rsync", "tools.modprobe", "tools.iptables",
	"subid.subuid", "subid.subgid",
	/* checks/gpu.c */
	"gpu.pci",
	NULL,
};
/* clang-format on */

/* Facts whose values are a fixed set. host.mode is the resolved mode the rules take: "auto" is
 * a choice of --mode, not a mode (checks/mode.c). */
static const struct {
	const char *key;
	const char *values[3]; /* NULL-terminated */
	const char *text;
} fact_values[] = {
	{ "host.mode", { "host", "pod", NULL }, "host, pod" },
};

bool fact_key_known(const char *key)
{
	const char *opt = startswith(key, "kconfig.");

	for (size_t i = 0; fact_keys[i]; i++)
		if (streq(key, fact_keys[i]))
			return true;
	/* checks/kconfig.c records kconfig.<OPTION> for each kernel.config.<OPTION> check. */
	for (size_t i = 0; opt && i < checks_count(); i++) {
		const char *id_opt = startswith(checks_get(i)->id, "kernel.config.");

		if (id_opt && streq(id_opt, opt))
			return true;
	}
	return false;
}

const char *fact_value_invalid(const char *key, const char *value)
{
	for (size_t i = 0; i < ELEMENTSOF(fact_values); i++) {
		if (!streq(key, fact_values[i].key))
			continue;
		for (size_t v = 0; fact_values[i].values[v]; v++)
			if (streq(value, fact_values[i].values[v]))
				return NULL;
		return fact_values[i].text;
	}
	return NULL;
}
