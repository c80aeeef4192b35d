/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_DAEMONJSON_H
#define CVMPREP_PROV_DAEMONJSON_H

#include <stddef.h>

struct cJSON;

/*
 * Docker's /etc/docker/daemon.json (read as dockerd reads it: core/daemon-json.h), merged rather
 * than rewritten: every key the operator put
 * there stays, in its order; only the entries Sysbox needs are added. It is written with
 * 4-space indentation and '": "' separators, the form sysbox-ce's postinst reads (it decides
 * with jq and greps whether bip, default-address-pools and sysbox-runc are there;
 * sysbox-pkgr deb/sysbox-ce/sysbox-ce.postinst).
 */
#define DAEMON_JSON_BACKUP ".cvmprep.bak"

#define SYSBOX_RUNC_NAME "sysbox-runc"
#define SYSBOX_RUNC_PATH "/usr/bin/sysbox-runc"
/* The subnets sysbox-ce's postinst would write itself (bip_subnet, pool_subnet there). */
#define SYSBOX_BIP "172.20.0.1/16"
#define SYSBOX_POOL_BASE "172.25.0.0/16"
#define SYSBOX_POOL_SIZE 24

/* Sets runtimes.<name>.path = path, keeping the other runtimes and the entry's other keys.
 * Returns 1 when it changed json, 0 when it was so already, -EINVAL when "runtimes" or the
 * entry is not an object, -ENOMEM. */
int dj_set_runtime(struct cJSON *json, const char *name, const char *path);

/* Adds bip and default-address-pools when absent or empty, as sysbox-ce's postinst would.
 * Returns 1 when it changed json, 0 when both were there, -ENOMEM. */
int dj_set_network(struct cJSON *json);

/* Renders json with 4-space indentation and a final newline. Returns 0 and *ret (caller frees),
 * *ret_len, or -ENOMEM. */
int dj_print(const struct cJSON *json, char **ret, size_t *ret_len);

#endif
