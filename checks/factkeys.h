/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_FACTKEYS_H
#define CVMPREP_FACTKEYS_H

#include <stdbool.h>

/*
 * The keys of every fact a probe can record, whatever the host holds: what --assume may
 * replace. Some are recorded only on some hosts (selinux.enforce where selinuxfs is mounted,
 * net.* in a pod, the functional probes' live and as root), so a run's own facts cannot say.
 * tests/unit/test-factkeys.c keeps the table and the probes in step: every key a probe records
 * on every fixture and on this machine is known, and every key known is recorded somewhere.
 */
bool fact_key_known(const char *key);

/* For a fact whose values are a fixed set: NULL when value is one of them, else the set as
 * text for a message ("host, pod"). */
const char *fact_value_invalid(const char *key, const char *value);

/* The table, NULL-terminated, for the test. kconfig.<OPTION> is known for every
 * kernel.config.<OPTION> check of the registry, besides the ones listed. */
extern const char *const fact_keys[];

#endif
