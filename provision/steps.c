/* SPDX-License-Identifier: MIT */
/* The plan after the lock and the preflight, in the order it runs (design.md "Provisioning
 * targets"). daemon.json comes before sysbox-ce so that its postinst finds bip,
 * default-address-pools and sysbox-runc already there, and neither restarts nor reloads
 * Docker. */
#include "steps.h"

#include "core/util.h"

const struct prov_step prov_steps[] = {
	{ "dpkg-recover", "recover an interrupted dpkg", recover_satisfied, recover_apply },
	{ "apt-source", "Docker's apt source", source_satisfied, source_apply },
	{ "containerd", "containerd.io pinned and held", containerd_satisfied, containerd_apply },
	{ "daemon-json", "Docker's daemon.json for Sysbox", daemon_json_satisfied,
	  daemon_json_apply },
	{ "sysbox", "sysbox-ce installed", sysbox_satisfied, sysbox_apply },
	{ "shiftfs", "shiftfs loaded and persisted", shiftfs_satisfied, shiftfs_apply },
	{ "verify", "verify the result", NULL, verify_apply },
};
const size_t n_prov_steps = ELEMENTSOF(prov_steps);
