/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_CHECK_H
#define CVMPREP_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/facts.h"
#include "core/host.h"
#include "sources.h"

enum status {
	STATUS_PASS,
	STATUS_WARN,
	STATUS_FAIL,
	STATUS_UNKNOWN,
	STATUS_SKIP,
	_STATUS_MAX,
};

const char *status_to_string(enum status s);

/* A requirement profile (docs/requirements.md, "Profiles"): which limits apply. */
struct profile {
	const char *name;
	const char *description;
	bool ubuntu_only;        /* coder-v1: "The Kubernetes Nodes must be running an Ubuntu OS" */
	unsigned kernel_floor[2]; /* {major, minor} on top of the distro minimum; {0,0}: none */
	bool init_required;      /* sysbox: systemd is a hard requirement */
	/* sysbox: a node state known to break Sysbox's daemons (the fusermount3 AppArmor
	 * profile) fails instead of warning */
	bool known_breakage_fails;
};

const struct profile *profile_find(const char *name);
extern const struct profile profiles[];
extern const size_t n_profiles;

enum mode {
	MODE_AUTO, /* decide from evidence */
	MODE_HOST,
	MODE_POD,
	_MODE_MAX,
};

const char *mode_to_string(enum mode m);
enum mode mode_from_string(const char *s); /* _MODE_MAX when s is none of them */

/* Where Sysbox keeps its data unless --data-root says otherwise. */
#define DATA_ROOT_DEFAULT "/var/lib/sysbox"

/* What a run is judged against: the profile and the deployment options that select rules. */
struct config {
	const struct profile *profile;
	enum mode mode;        /* as asked; the runner's mode probe resolves MODE_AUTO */
	const char *data_root; /* a host path, DATA_ROOT_DEFAULT unless --data-root */
	bool caching;
	bool shiftfs_autoload;
	bool strict;
	bool live;   /* the host is the running machine (no --root, no --proc) */
	bool as_root; /* effective uid 0: what functional probes need (design.md) */
	bool probes; /* functional probes allowed (live, as root, and no --no-probe) */
	/* The containerd.io version provisioning pins (provision --containerd-version): NULL
	 * for CONTAINERD_PIN_DEFAULT, "" for none. */
	const char *containerd_pin;
	/* The Sysbox version `cvmprep provision` is about to install (--sysbox-version), for its
	 * preflight; NULL for `check` and with --sysbox-version none. Recorded as the fact
	 * sysbox.target, so --assume can stand in for it. */
	const char *sysbox_target;
};

struct evidence {
	char *source;
	char *value; /* NULL when err is set */
	int err;
};

struct check;

struct result {
	const struct check *check;
	enum status status;
	char *observed;
	char *expected;
	char *message;
	char *remediation;
	struct evidence *evidence;
	size_t n_evidence;
	unsigned long long duration_us;
	int err; /* 0, or -ENOMEM once a result_*() setter failed: sticky, the runner reports it */
};

/* Reads the host and records facts. Returns 0, or -errno when the probe as a whole could not
 * run; single files it cannot read are recorded as facts with their errno. */
typedef int (*probe_fn)(const struct host *h, const struct config *cfg, struct facts *f);

/* Judges facts: sets status and the text fields of r. Pure: no I/O. Returns 0 or -ENOMEM. */
typedef int (*rule_fn)(const struct check *c, const struct facts *f, const struct config *cfg,
		       struct result *r);

#define CHECK_PROBES_MAX 4

/* What a check judges: the node (`cvmprep check`, `provision`) or a workspace image
 * (`cvmprep image`). A run selects the checks of one target only. */
enum check_target {
	CHECK_TARGET_NODE,
	CHECK_TARGET_IMAGE,
};

struct check {
	const char *id;
	const char *title;
	probe_fn probes[CHECK_PROBES_MAX]; /* run once each per report, before the rule */
	rule_fn rule;
	const void *data; /* a parameter of the rule, e.g. a kernel config option */
	/* For `cvmprep explain`: what is read, the rule, why it matters, how to fix it. */
	const char *evidence;
	const char *rule_text;
	const char *why;
	const char *fix;
	const char *source; /* where the requirement is published */
	const char *docs;   /* a URL into that source */
	const char *file;   /* set only in a table's end, CHECKS_END: the file that holds it */
	enum check_target target;
};

/* Ends a module's table of checks, recording its source file for `explain` and `list`. */
#define CHECKS_END { .file = __FILE__ }

/* The registry: every check, in report order. */
size_t checks_count(void);
const struct check *checks_get(size_t i);
const struct check *checks_find(const char *id);
/* The source file that defines c ("checks/selinux.c"), from its table's CHECKS_END. */
const char *checks_file(const struct check *c);

/*
 * Result helpers for rules. Each returns 0 or -ENOMEM, and an allocation failure is also
 * recorded in r->err, where it stays: after it the setters do nothing, and the runner turns it
 * into the run's error once (as reports/text.c does with its stream). So a rule need not check
 * them: it calls them and returns 0 (or what a setter returned).
 */
int result_set(struct result *r, enum status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int result_observed(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int result_expected(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int result_remediation(struct result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int result_evidence(struct result *r, const char *source, const char *value, int err);
/* Adds a fact as evidence (a missing fact is not added). */
int result_evidence_fact(struct result *r, const struct fact *fa);
/*
 * Looks up a fact a rule cannot do without. Returns 1 and *ret when it was read; otherwise adds
 * what is known of it as evidence, sets r to unknown ("cannot read ...") and returns 0 (an
 * allocation failure on the way is in r->err). Rules return 0 when it is not 1.
 */
int result_need(struct result *r, const struct facts *f, const char *key, const struct fact **ret);
/* result_need() of a key made by printf ("sysbox.unit.%s", unit). */
int result_needf(struct result *r, const struct facts *f, const struct fact **ret, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));
void result_free(struct result *r);

#endif
