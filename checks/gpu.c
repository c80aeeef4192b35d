/* SPDX-License-Identifier: MIT */
/* gpu.devices: GPUs a CVM could be given (Coder: NVIDIA in beta, bare metal only; no AMD). */
#include <dirent.h>
#include <fcntl.h>
#include <libudev.h>

#include "checks.h"
#include "core/cleanup.h"
#include "core/util.h"

#define PCI_DEVICES	  "/sys/bus/pci/devices"
#define PCI_CLASS_DISPLAY 0x03 /* PCI base class: display controller (VGA, 3D, ...) */
#define GPU_MAX		  64   /* display controllers listed; a node has a handful */

DEFINE_CLEANUP(struct udev *, udev_unref)
DEFINE_CLEANUP(struct udev_enumerate *, udev_enumerate_unref)

/*
 * The fact gpu.pci lists the display controllers found, space-separated, each as
 * "VENDOR:DEVICE@SLOT" in hex ("10de:2204@0000:01:00.0"); empty when there are none.
 */
struct gpu_list {
	char *text;
	size_t n;
};

/* Adds a PCI device to the list when its class is a display controller. The sysfs attributes
 * read "0x030000", "0x10de". Returns 0 or -ENOMEM. */
static int gpu_add(struct gpu_list *l, const char *slot, const char *class, const char *vendor,
		   const char *device)
{
	char *text;

	if (!class || !vendor || !device || strtoul(class, NULL, 16) >> 16 != PCI_CLASS_DISPLAY ||
	    l->n >= GPU_MAX)
		return 0;
	text = strdup_printf("%s%s%04lx:%04lx@%s", l->text ? l->text : "", l->text ? " " : "",
			     strtoul(vendor, NULL, 16), strtoul(device, NULL, 16), slot);
	if (!text)
		return -ENOMEM;
	free(l->text);
	l->text = text;
	l->n++;
	return 0;
}

/* The running system's PCI devices, through libudev (which reads /sys itself). */
static int gpus_udev(struct gpu_list *l)
{
	_cleanup_(udev_unrefp) struct udev *u = udev_new();
	_cleanup_(udev_enumerate_unrefp) struct udev_enumerate *e = NULL;
	struct udev_list_entry *le;
	int r;

	if (!u)
		return -ENOMEM;
	e = udev_enumerate_new(u);
	if (!e)
		return -ENOMEM;
	r = udev_enumerate_add_match_subsystem(e, "pci");
	/* Only display controllers are listed: libudev reads each device's class while it scans,
	 * and loads none of the others (a node's dozens of bridges and NICs). */
	if (r >= 0)
		r = udev_enumerate_add_match_sysattr(e, "class", "0x03*");
	if (r >= 0)
		r = udev_enumerate_scan_devices(e);
	if (r < 0)
		return r;
	udev_list_entry_foreach(le, udev_enumerate_get_list_entry(e))
	{
		struct udev_device *d =
		    udev_device_new_from_syspath(u, udev_list_entry_get_name(le));

		if (!d)
			continue; /* gone since the scan */
		r = gpu_add(l, udev_device_get_sysname(d),
			    udev_device_get_sysattr_value(d, "class"),
			    udev_device_get_sysattr_value(d, "vendor"),
			    udev_device_get_sysattr_value(d, "device"));
		udev_device_unref(d);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Reads one attribute of a PCI device under the root. */
static int pci_attr(const struct host *h, const char *slot, const char *attr, char **ret)
{
	_cleanup_free_ char *path = strdup_printf("%s/%s/%s", PCI_DEVICES, slot, attr);

	return path ? host_read_line(h, path, ret) : -ENOMEM;
}

/* Another tree's PCI devices: <sys>/bus/pci/devices/<slot>/{class,vendor,device}, read under
 * the root (libudev only knows /sys). */
static int gpus_sysfs(const struct host *h, struct gpu_list *l)
{
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;
	int r = host_opendir(h, PCI_DEVICES, &d);

	if (r < 0)
		return r;
	while ((errno = 0, de = readdir(d))) {
		_cleanup_free_ char *class = NULL, *vendor = NULL, *device = NULL;

		if (de->d_name[0] == '.')
			continue;
		r = pci_attr(h, de->d_name, "class", &class) ?:
		    pci_attr(h, de->d_name, "vendor", &vendor) ?:
		    pci_attr(h, de->d_name, "device", &device) ?:
		    gpu_add(l, de->d_name, class, vendor, device);
		/* A dangling entry (a device removed since the listing, as libudev's scan passes
		 * over) is that device gone, not the bus: the others are still read. */
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
	}
	return errno ? -errno : 0;
}

static int probe_gpu(const struct host *h, const struct config *cfg, struct facts *f)
{
	/* libudev reads the running system's /sys; a tree, or --sys, is read here. */
	bool udev = cfg->live && streq_ptr(h->sys, "/sys");
	const char *source = udev ? "libudev(pci)" : PCI_DEVICES;
	struct gpu_list l = {NULL, 0};
	int r = udev ? gpus_udev(&l) : gpus_sysfs(h, &l);

	/* A sysfs without a PCI bus (some arm64 boards, microVMs) has no PCI GPU. */
	if (r == -ENOENT && !udev) {
		int bus = host_openat(h, "/sys/bus", O_PATH | O_DIRECTORY);

		if (bus >= 0) {
			close(bus);
			r = 0;
			source = "/sys/bus (no pci)";
		}
	}
	if (r == -ENOMEM)
		goto out;
	r = r < 0 ? facts_set_err(f, "gpu.pci", source, -r)
		  : facts_set(f, "gpu.pci", source, l.text ? l.text : "");
out:
	free(l.text);
	return r;
}

/* PCI vendor ids (pci.ids). */
#define PCI_VENDOR_NVIDIA "10de:"
#define PCI_VENDOR_AMD	  "1002:"

/* How many words of list start with prefix. */
static size_t count_prefix(const char *list, const char *prefix)
{
	size_t n = 0;

	for (const char *w = list; *w; w += strcspn(w, " "), w += strspn(w, " "))
		n += startswith(w, prefix) != NULL;
	return n;
}

static int rule_gpu(const struct check *c _unused_, const struct facts *f,
		    const struct config *cfg _unused_, struct result *r)
{
	const struct fact *pci;
	const char *virt;
	size_t nvidia, amd;
	int ret;

	ret = result_need(r, f, "gpu.pci", &pci);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, pci);
	result_observed(r, "%s", *pci->value ? pci->value : "no display controller");
	result_expected(r, "NVIDIA on bare metal, or no GPU");
	nvidia = count_prefix(pci->value, PCI_VENDOR_NVIDIA);
	amd = count_prefix(pci->value, PCI_VENDOR_AMD);
	if (amd) {
		result_remediation(r, "use NVIDIA GPUs for CVMs; AMD GPUs are not supported");
		return result_set(r, STATUS_WARN,
				  "%zu AMD GPU(s): Coder does not support AMD GPUs "
				  "in CVMs%s",
				  amd, nvidia ? " (NVIDIA GPUs present as well)" : "");
	}
	if (!nvidia)
		return result_set(r, STATUS_SKIP, "no NVIDIA or AMD GPU");
	ret = result_need_virt(r, f, &virt);
	if (ret <= 0)
		return ret;
	if (streq(virt, "none"))
		return result_set(r, STATUS_PASS,
				  "%zu NVIDIA GPU(s) on bare metal (support is in "
				  "beta)",
				  nvidia);
	result_remediation(r, "run GPU CVMs on bare-metal nodes");
	return result_set(r, STATUS_WARN,
			  "%zu NVIDIA GPU(s) in a virtual machine or cloud "
			  "instance (%s): Coder supports GPUs in CVMs on bare "
			  "metal only",
			  nvidia, virt);
}

const struct check checks_gpu[] = {
    {
	.id = "gpu.devices",
	.title = "GPUs for CVMs",
	.probes = {probe_virt, probe_gpu},
	.rule = rule_gpu,
	.evidence = "PCI devices of class 0x03 (display controllers) with their vendor: "
		    "libudev on the running system, <sys>/bus/pci/devices/*/{class,vendor,"
		    "device} under --root or --sys; the platform as platform.virt tells it",
	.rule_text = "NVIDIA (0x10de) on bare metal passes (beta); NVIDIA in a virtual "
		     "machine or cloud instance warns; AMD (0x1002) warns; no NVIDIA or "
		     "AMD GPU is skip; unreadable PCI devices, or NVIDIA with an unknown "
		     "platform, are unknown",
	.why = "Coder supports NVIDIA GPUs in CVMs in beta, on bare-metal clusters only (not "
	       "GKE or other clouds), and does not support AMD GPUs",
	.fix = "for GPU workspaces use NVIDIA GPUs on bare-metal nodes",
	.source = "Coder docs (" CODER_DOCS_ADMIN ")",
	.docs = "https://coder.com/docs/v1/latest/admin/workspace-management/cvms",
    },
    CHECKS_END,
};
