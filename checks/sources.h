/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_SOURCES_H
#define CVMPREP_SOURCES_H

/*
 * Where the requirements are published: Coder's documentation of CVMs, at the version each rule
 * cites (github.com/coder/docs, pinned to the commit that holds that text where it changed since).
 * The checks' .source strings and comments name these, and so docs/requirements.md.
 */

/* Users' doc: "disk sizes in the range of 50-100 GB are reasonable". */
#define CODER_DOCS_USER                                                                            \
	"https://github.com/coder/docs/blob/90ebd16c8feab8577774d7c79f176fadc521de6c/workspaces/cvms.md"
/* Admin doc, 2021 (the coder-v1 profile): kernel 5.4, Ubuntu nodes, no legacy cluster-wide
 * proxies such as Istio, privileged containers and hostPath mounts. */
#define CODER_DOCS_ADMIN_V1                                                                        \
	"https://github.com/coder/docs/blob/c83e5a20f49caf5d8ac0c0911c1dc97cff0b3d63/admin/"       \
	"environment-management/cvms.md"
/* Admin doc, current: Sysbox-compatible distributions, the hostPath table (caching x shiftfs
 * autoload), SELinux unsupported, GPUs on bare metal, the containerd.io=1.5.11-1 pin. */
#define CODER_DOCS_ADMIN "https://coder.com/docs/v1/latest/admin/workspace-management/cvms"

/* moby contrib/check-config.sh gained optional options in 2025, kept by the kernel.config.* table:
 * the nftables modules of Docker's nftables firewall backend, and SCTP. */
#define MOBY_PR_NFTABLES "https://github.com/moby/moby/pull/50585"
#define MOBY_PR_SCTP "https://github.com/moby/moby/pull/50906"

/* docker-ce's Depends on containerd.io raised to >= 2.1.5 (after >= 1.6.24 in #961 and
 * >= 1.7.27 in #1236): what rules Coder's containerd.io pin out beside Docker. */
#define DOCKER_CE_PACKAGING_1334 "https://github.com/docker/docker-ce-packaging/pull/1334"
/* Sysbox 0.7.0 (2026-03): sysbox-deploy-k8s supports Kubernetes 1.32 to 1.35, and containerd
 * 2.0.5 and later (K8s user namespaces). */
#define SYSBOX_RELEASE_0_7_0 "https://github.com/nestybox/sysbox/pull/992"
/* containerd 2.x reads runtimes under its CRI v1 runtime plugin; a version 3 config with
 * sysbox-runc under the old io.containerd.grpc.v1.cri path is ignored. */
#define SYSBOX_ISSUE_1013 "https://github.com/nestybox/sysbox/issues/1013"
/* dockerd refuses a directive given both as a flag and in daemon.json: moby's conflict check,
 * at the commit read for its flag-to-directive names. */
#define MOBY_CONFIG_CONFLICTS                                                                      \
	"https://github.com/moby/moby/blob/b985e2313a8676e18072b442911fc8f64f17d440/daemon/"       \
	"config/config.go"
/* The Sysbox package's test of daemon.json's network settings (an egrep per line). */
#define SYSBOX_PKGR_CONFIG                                                                         \
	"https://github.com/nestybox/sysbox-pkgr/blob/47ab416e6cbe629563ddc991baf7e9538943ae96/"   \
	"deb/sysbox-ce/sysbox-ce.config"

/* Sysbox's own tracker and release notes, and a deployment that met the fuse3 gap. */
/* v0.7.1's release: containerd 2.x on Ubuntu 24.04 with kernel 6.8 (#1013), the sysbox-fs
 * deadlock (#998). */
#define SYSBOX_PR_1024 "https://github.com/nestybox/sysbox/pull/1024"
/* Ubuntu 25.04's AppArmor profile for fusermount3 denies sysbox-fs's mounts. */
#define SYSBOX_ISSUE_947 "https://github.com/nestybox/sysbox/issues/947"
/* The same on Ubuntu 26.04 with Sysbox 0.7.0; aa-complain as the way out. */
#define SYSBOX_ISSUE_1005 "https://github.com/nestybox/sysbox/issues/1005"
/* Sysbox 0.7.1 runs fusermount3; installing fuse on Ubuntu 24.04 removes fuse3. */
#define DAYTONA_HELM_PR_44 "https://github.com/daytonaio/helm-charts/pull/44"

#endif
