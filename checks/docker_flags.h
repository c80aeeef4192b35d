/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_DOCKER_FLAGS_H
#define CVMPREP_DOCKER_FLAGS_H

/*
 * What dockerd is started with, for runtime.docker: the flags systemd gives it (docker.service,
 * its drop-ins, the variables they expand, such as DOCKER_OPTS from /etc/default/docker), and the
 * daemon.json directives they clash with. dockerd refuses to start when a directive is given both
 * ways (moby daemon/config/config.go, findConfigurationConflicts: "the following directives are
 * specified both as a flag and in the configuration file").
 */
#include <stdbool.h>
#include <stddef.h>

#include "core/facts.h"
#include "core/host.h"

struct cJSON;

/* Called for each flag of dockerd's arguments, with its long name (no dashes) and the text it
 * was given as ("-H fd://", "--bip=10.0.0.1/24"), and the index of its first word in argv. A
 * negative return stops the scan. */
typedef int (*dockerd_flag_cb)(const char *name, const char *text, size_t index, void *userdata);

/*
 * Scans dockerd's arguments (argv[1...], n of them) as its flag parser (spf13/pflag) reads
 * them: "--name=value", "--name value" (a boolean flag takes no next word), "-X value", "-Xvalue",
 * "-X=value", a "--" ending the flags. Returns 0, the callback's negative return, or -ENOMEM.
 */
int dockerd_flags_scan(const char *const *argv, size_t n, dockerd_flag_cb cb, void *userdata);

/* The daemon.json directive the flag of that long name sets (the flag's name, but for the
 * flags whose directive is named otherwise, as "host" sets "hosts"); NULL for a flag that does
 * not clash with its directive ("add-runtime": runtimes from both are merged). *ret_legacy, if
 * not NULL, is an older name of the directive that clashes too, or NULL. */
const char *dockerd_flag_directive(const char *name, const char **ret_legacy);

/* Whether dockerd reads the object member key as a directive of its own (false: its members
 * are read as directives instead, as "proxies" holds "http-proxy"). */
bool dockerd_flat_directive(const char *key);

/* The line of buf (daemon.json's text) where the member key is written, at the top level or
 * one level in: 1-based, 0 when it is not found as written (an escaped name). Linear. */
unsigned daemon_json_key_line(const char *buf, size_t len, const char *key);

/*
 * Records docker.flags: the flags dockerd is given (each "TEXT (FILE:LINE)", "; "-separated),
 * null when no unit or init default file gives it any, or the errno of a file that could not be
 * read; and, when root (daemon.json's object, its text in buf) is not NULL,
 * docker.flag-conflict: each directive given both ways with both places, null when none (or
 * when --config-file names another file: dockerd does not read daemon.json then); and
 * docker.unit-refused: more than one ExecStart= in a service not Type=oneshot (systemd refuses
 * it), naming each, null when not.
 * Returns 0 or -ENOMEM.
 */
int probe_dockerd_flags(const struct host *h, const struct cJSON *root, const char *buf, size_t len,
			struct facts *f);

#endif
