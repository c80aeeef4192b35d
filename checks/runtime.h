/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_RUNTIME_H
#define CVMPREP_RUNTIME_H

/*
 * The containerd.io version Coder pins (seed 004: "install ... containerd.io=1.5.11-1"): its
 * runc predates 1.1, which breaks inside Sysbox before 0.5.2 (sysbox issue 544; the pin dates
 * from May 2022 in coder/enterprise-images). `cvmprep provision` installs and holds it.
 */
#define CONTAINERD_PIN_DEFAULT "1.5.11-1"

/* An apt pin at this priority or above stops an upgrade (apt_preferences(5): P >= 1000
 * "causes a version to be installed even if this constitutes a downgrade"). */
#define APT_PIN_PRIORITY_HOLD 1000

#endif
