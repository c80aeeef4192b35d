/* SPDX-License-Identifier: MIT */
/* The plan of each target after the lock and the preflight, in the order it runs (design.md
 * "Provisioning targets").
 *
 * The node: daemon.json comes before sysbox-ce so that its postinst finds bip,
 * default-address-pools and sysbox-runc already there, and neither restarts nor reloads
 * Docker.
 *
 * The image (Coder's CVM image recipe, checks/image.h image_recipe): containerd.io is pinned
 * before docker-ce is installed, so that apt, which does not backtrack, is asked for a docker-ce
 * that accepts the pin rather than the newest; systemd before the link that makes it the init. */
#include "steps.h"

#include "core/util.h"

static const struct prov_step node_steps[] = {
	{ "dpkg-recover", "recover an interrupted dpkg", recover_satisfied, recover_apply },
	{ "apt-source", "Docker's apt source", source_satisfied, source_apply },
	{ "containerd", "containerd.io pinned and held", containerd_satisfied, containerd_apply },
	{ "daemon-json", "Docker's daemon.json for Sysbox", daemon_json_satisfied,
	  daemon_json_apply },
	{ "sysbox", "sysbox-ce installed", sysbox_satisfied, sysbox_apply },
	{ "shiftfs", "shiftfs loaded and persisted", shiftfs_satisfied, shiftfs_apply },
	{ "verify", "verify the result", NULL, verify_apply },
};

static const struct prov_step image_steps[] = {
	{ "dpkg-recover", "recover an interrupted dpkg", recover_satisfied, recover_apply },
	{ "apt-source", "Docker's apt source", source_satisfied, source_apply },
	{ "containerd", "containerd.io pinned and held", containerd_satisfied,
	  image_containerd_apply },
	{ "docker", "docker-ce that accepts the pin", image_docker_satisfied, image_docker_apply },
	{ "systemd", "systemd installed", image_systemd_satisfied, image_systemd_apply },
	{ "docker-enable", "docker.service enabled", image_enable_satisfied, image_enable_apply },
	{ "init", "/sbin/init leads to systemd", image_init_satisfied, image_init_apply },
	{ "verify", "verify the image", NULL, image_verify_apply },
};

const struct prov_plan prov_plans[_PROV_TARGET_MAX] = {
	[PROV_TARGET_NODE] = { node_steps, ELEMENTSOF(node_steps) },
	[PROV_TARGET_IMAGE] = { image_steps, ELEMENTSOF(image_steps) },
};
