/* SPDX-License-Identifier: MIT */
/* platform.virt: bare metal, a virtual machine, or a cloud instance. Informational; gpu.devices
 * judges by it (Coder: GPUs in CVMs on bare metal only). */
#include <fcntl.h>

#include "checks.h"
#include "core/util.h"
#include "probe.h"

#define DMI_VENDOR  "/sys/class/dmi/id/sys_vendor"
#define DMI_PRODUCT "/sys/class/dmi/id/product_name"
#define CPUINFO	    "/proc/cpuinfo"
/* The first processor's flags come within the first few KiB; a machine with thousands of CPUs
 * has a cpuinfo of megabytes, of which this much is read. */
#define CPUINFO_READ_MAX (64 * 1024)

/*
 * DMI strings of hypervisors and clouds: systemd src/basic/virt.c (dmi_vendor_table, matched
 * as prefixes), plus the clouds Coder names ("GKE or other cloud providers"), whose bare-metal
 * instances count as cloud. NULL matches anything; first match wins.
 */
static const struct {
	const char *vendor;  /* sys_vendor prefix */
	const char *product; /* product_name prefix */
	const char *name;
} dmi_vms[] = {
    {"QEMU", NULL, "qemu"},
    {NULL, "KVM", "kvm"},
    {"OpenStack", NULL, "kvm"},
    {NULL, "OpenStack", "kvm"},
    {"KubeVirt", NULL, "kvm"},
    {"Amazon EC2", NULL, "amazon"},
    {"Google", "Google Compute Engine", "google"},
    {"Microsoft Corporation", "Virtual Machine", "microsoft"},
    {"VMware", NULL, "vmware"},
    {NULL, "VMware", "vmware"},
    {"innotek GmbH", NULL, "oracle"},
    {NULL, "VirtualBox", "oracle"},
    {"Xen", NULL, "xen"},
    {"Bochs", NULL, "bochs"},
    {"Parallels", NULL, "parallels"},
    {"BHYVE", NULL, "bhyve"},
    {"Apple Virtualization", NULL, "apple"},
    {"Alibaba Cloud", NULL, "alibaba"},
    {"DigitalOcean", NULL, "digitalocean"},
    {"Hetzner", "vServer", "hetzner"},
};

/* Records platform.hypervisor: "yes" when the first flags line of cpuinfo names the x86
 * "hypervisor" CPUID bit, "no" otherwise (also where there is no flags line, as on arm64). */
static int probe_hypervisor_flag(const struct host *h, struct facts *f)
{
	_cleanup_close_ int fd = host_openat(h, CPUINFO, O_RDONLY);
	_cleanup_free_ char *buf = malloc(CPUINFO_READ_MAX + 1);
	size_t len = 0;
	const char *line;
	bool yes = false;

	if (!buf)
		return -ENOMEM;
	if (fd < 0)
		return facts_set_err(f, "platform.hypervisor", CPUINFO, -fd);
	while (len < CPUINFO_READ_MAX) {
		ssize_t n = read(fd, buf + len, CPUINFO_READ_MAX - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return facts_set_err(f, "platform.hypervisor", CPUINFO, errno);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	for (line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *colon = strchr(line, ':');
		const char *eol = strchrnul(line, '\n');
		_cleanup_free_ char *words = NULL;

		if (!startswith(line, "flags") || !colon || colon > eol)
			continue;
		words = strndup(colon + 1, (size_t)(eol - colon - 1));
		if (!words)
			return -ENOMEM;
		yes = words_intersect(words, "hypervisor");
		break;
	}
	return facts_set(f, "platform.hypervisor", CPUINFO, yes ? "yes" : "no");
}

/* The value of a fact that was read, or NULL. */
static const char *value_of(const struct facts *f, const char *key)
{
	const struct fact *fa = facts_get(f, key);

	return fa && !fa->err ? fa->value : NULL;
}

const char *virt_classify(const char *vendor, const char *product, const char *hypervisor)
{
	for (size_t i = 0; i < ELEMENTSOF(dmi_vms); i++) {
		if (dmi_vms[i].vendor && !(vendor && startswith(vendor, dmi_vms[i].vendor)))
			continue;
		if (dmi_vms[i].product && !(product && startswith(product, dmi_vms[i].product)))
			continue;
		return dmi_vms[i].name;
	}
	/* No hypervisor named by DMI (or no DMI, as on many arm64 and microVM guests): the CPU
	 * flag tells a guest from bare metal. */
	if (!hypervisor)
		return NULL;
	return streq(hypervisor, "yes") ? "vm-other" : "none";
}

int result_need_virt(struct result *r, const struct facts *f, const char **ret_name)
{
	static const char *const keys[] = { "platform.dmi.sys_vendor", "platform.dmi.product_name",
					    "platform.hypervisor" };
	const char *name;
	const struct fact *hv;
	int ret;

	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		result_evidence_fact(r, facts_get(f, keys[i]));
	name = virt_classify(value_of(f, keys[0]), value_of(f, keys[1]), value_of(f, keys[2]));
	if (!name) {
		ret = result_need(r, f, "platform.hypervisor", &hv);
		if (ret <= 0)
			return ret;
		return result_set(r, STATUS_UNKNOWN, "no hypervisor flag recorded");
	}
	*ret_name = name;
	return 1;
}

/* Records the DMI names and the CPU's hypervisor flag; result_need_virt judges them. */
int probe_virt(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	return probe_line(h, f, "platform.dmi.sys_vendor", DMI_VENDOR) ?:
	       probe_line(h, f, "platform.dmi.product_name", DMI_PRODUCT) ?:
	       probe_hypervisor_flag(h, f);
}

static int rule_virt(const struct check *c _unused_, const struct facts *f,
		     const struct config *cfg _unused_, struct result *r)
{
	const char *vendor = value_of(f, "platform.dmi.sys_vendor");
	const char *product = value_of(f, "platform.dmi.product_name");
	_cleanup_free_ char *dmi = NULL;
	const char *virt;
	int ret;

	ret = result_need_virt(r, f, &virt);
	if (ret <= 0)
		return ret;
	dmi = strdup_printf("%s%s%s", vendor ? vendor : "", vendor && product ? " " : "",
			    product ? product : "");
	if (!dmi || result_expected(r, "any (informational)") < 0)
		return -ENOMEM;
	if (streq(virt, "none")) {
		result_observed(r, "bare metal%s%s%s", *dmi ? " (" : "", dmi,
				*dmi ? ")" : "");
		return result_set(r, STATUS_PASS,
					 "bare metal: no hypervisor in DMI or CPU flags");
	}
	result_observed(r, "%s%s%s%s", virt, *dmi ? " (" : "", dmi, *dmi ? ")" : "");
	return result_set(r, STATUS_PASS, "a virtual machine or cloud instance (%s)", virt);
}

const struct check checks_virt[] = {
    {
	.id = "platform.virt",
	.title = "Virtualization",
	.probes = {probe_virt},
	.rule = rule_virt,
	.evidence = "DMI /sys/class/dmi/id/sys_vendor and product_name; the hypervisor flag "
		    "in the first flags line of /proc/cpuinfo (first 64 KiB)",
	.rule_text = "informational: passes with the hypervisor or cloud DMI names "
		     "(qemu, kvm, amazon, google, microsoft, vmware, xen, ...), vm-other "
		     "when only the CPU flag says so, or bare metal; unknown when neither "
		     "DMI names one nor /proc/cpuinfo can be read. Cloud bare-metal "
		     "instances count as cloud",
	.why = "Coder supports NVIDIA GPUs in CVMs on bare-metal clusters only, not on GKE "
	       "or other cloud providers; gpu.devices judges by this",
	.fix = "nothing to fix: informational",
	.source = "Coder docs (" CODER_DOCS_ADMIN ": GPUs on bare metal only); systemd "
		  "src/basic/virt.c (DMI vendor table)",
	.docs = "https://coder.com/docs/v1/latest/admin/workspace-management/cvms",
    },
    CHECKS_END,
};
