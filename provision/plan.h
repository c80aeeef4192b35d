/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_PLAN_H
#define CVMPREP_PROV_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "checks/check.h"
#include "checks/runner.h"
#include "exec.h"

/*
 * `cvmprep provision`: lock, preflight, then a plan of steps (design.md "Provisioning
 * targets"). Each step has satisfied() (reads only: no process, no write), apply(), and is
 * re-verified with satisfied() after apply. A satisfied step is "already"; under --dry-run an
 * unsatisfied one is "planned" and its apply() records the argv it would run and the files it
 * would write, and runs only read-only queries.
 */

enum prov_outcome {
	PROV_DONE,
	PROV_ALREADY,
	PROV_PLANNED,
	PROV_SKIPPED,
	PROV_FAILED,
	_PROV_OUTCOME_MAX,
};

const char *prov_outcome_to_string(enum prov_outcome o);

/* The exit codes of design.md that provisioning adds. */
#define PROV_EXIT_FAILED 4
#define PROV_EXIT_LOCKED 5

/* How long one package command may run. */
#define PROV_CMD_TIMEOUT_S 900
#define PROV_QUERY_TIMEOUT_S 120

/* What is provisioned (design.md "Provisioning targets"): the node that runs Sysbox, or a CVM
 * workspace image's root (--target image --root DIR), which gets Coder's image recipe. */
enum prov_target {
	PROV_TARGET_NODE,
	PROV_TARGET_IMAGE,
	_PROV_TARGET_MAX,
};

const char *prov_target_to_string(enum prov_target t);
/* Returns the target named s, or -EINVAL. */
int prov_target_from_string(const char *s);

struct prov_opts {
	enum prov_target target;
	const char *containerd_version; /* NULL: --containerd-version none */
	const char *sysbox_version;     /* NULL: --sysbox-version none */
	const char *sysbox_deb;         /* a path or a URL, or NULL */
	const char *sysbox_sha256;
	const char *apt_repo;
	const char *apt_key;
	bool shiftfs_autoload;
	bool force;
	bool dry_run;
	unsigned lock_timeout_s;
	/* The preflight, with the options of `check`. */
	const struct config *cfg;
	const enum selection *sel;
	const struct facts *assume;
};

/* What one step did. */
struct prov_step_rec {
	const char *name;
	const char *title;
	enum prov_outcome outcome;
	char *message;
	struct prov_cmd *cmds;
	size_t n_cmds;
	char **writes; /* files written (or, under --dry-run, that would be) */
	size_t n_writes;
	unsigned long long duration_ms;
};

struct prov_result {
	struct prov_step_rec *steps;
	size_t n_steps;
	struct result *checks; /* the preflight's results */
	size_t n_checks;
	struct facts facts;
	bool forced;        /* --force let a failing or undecided preflight through */
	char *refused;      /* why preflight refused, or NULL */
	int exit_code;
};

void prov_result_free(struct prov_result *res);

/* How the command line shows progress; every member may be NULL. */
struct prov_ui {
	void (*step_begin)(void *ud, size_t i, size_t n, const struct prov_step_rec *s);
	void (*step_line)(void *ud, const struct prov_step_rec *s, const char *line);
	void (*step_end)(void *ud, size_t i, size_t n, const struct prov_step_rec *s);
	void *ud;
};

/* What a step's functions see. */
struct prov_ctx {
	const struct host *h;
	const struct prov_opts *o;
	struct prov_result *res;
	struct prov_step_rec *cur;
	const char *chroot_dir; /* the root when it is not "/" */
	const struct prov_ui *ui;
	bool apt_updated; /* `apt-get update` ran (or, dry, was planned) in this run */
};

enum {
	PROV_TODO = 0,
	PROV_SATISFIED = 1,
	PROV_NOT_APPLICABLE = 2, /* e.g. `none`, or no Docker: the step is skipped */
};

struct prov_step {
	const char *name;
	const char *title;
	/* PROV_TODO, PROV_SATISFIED, PROV_NOT_APPLICABLE (with a message), or -errno when the
	 * state cannot be read (the step fails). Reads only. NULL: apply always runs and is not
	 * re-verified (the verify step); it may record itself skipped. */
	int (*satisfied)(struct prov_ctx *c);
	/* 0 when done (or planned), < 0 when it failed or refused (prov_fail sets the message). */
	int (*apply)(struct prov_ctx *c);
};

/*
 * Runs the whole of `cvmprep provision` on h: the lock (not under --dry-run), the preflight,
 * then every step in order; stops at the first that fails (the rest are recorded as skipped).
 * Fills *res (prov_result_free it); res->exit_code is the command's exit status.
 * Returns 0, or -ENOMEM.
 */
int prov_provision(const struct host *h, const struct prov_opts *o, const struct prov_ui *ui,
		   struct prov_result *res);

/* For steps. */

/* Sets the current step's message. Returns 0 or -ENOMEM. */
int prov_note(struct prov_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends to the current step's message ("; " between). Returns 0 or -ENOMEM. */
int prov_note_more(struct prov_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the message and returns -ECANCELED: the step failed or refused. */
int prov_fail(struct prov_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

enum prov_run_kind {
	PROV_QUERY,  /* reads only: runs under --dry-run too */
	PROV_CHANGE, /* changes the node: under --dry-run only recorded */
};

/*
 * Runs argv (argv[0] absolute, as seen under the root; chrooted there when the root is not
 * "/"), records it in the current step and returns 0 when it exited 0 (or was only recorded),
 * 1 when it ran and failed (exit status, signal or time limit: see *ret), or -errno when it could
 * not be started. *ret, when not NULL, points at the record (valid until the next run).
 */
int prov_run(struct prov_ctx *c, enum prov_run_kind kind, unsigned timeout_s,
	     const char *const *argv, const struct prov_cmd **ret);

/* Writes a file under the root (rootfs.h root_write_file), recorded in the step; under
 * --dry-run only recorded. Returns 0 or -errno. */
int prov_write(struct prov_ctx *c, const char *path, const void *data, size_t len, mode_t mode,
	       const char *backup_suffix);

/* Makes path a symlink to target under the root (rootfs.h root_symlink), recorded in the step;
 * under --dry-run only recorded. Returns 0 or -errno. */
int prov_symlink(struct prov_ctx *c, const char *path, const char *target);

/* The steps of each target, in order (steps.c). */
struct prov_plan {
	const struct prov_step *steps;
	size_t n;
};

extern const struct prov_plan prov_plans[_PROV_TARGET_MAX];

#endif
