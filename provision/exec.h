/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_EXEC_H
#define CVMPREP_PROV_EXEC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The provisioner's children, run by child_exec() (core/child.h): execve of an absolute path
 * with an argument vector and a fixed environment (never a shell), chrooted into the provisioned
 * root when it is not "/", in their own process group, with a time limit (SIGTERM to the group,
 * then SIGKILL), stdin from /dev/null and stdout/stderr captured (bounded). This layer keeps
 * the record the report shows.
 */

/* What the children see: nothing of cvmprep's own environment. */
#define PROV_EXEC_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

/* Bytes of stdout kept for parsers, and of the output tail kept for the report. */
#define PROV_OUT_MAX (8 * 1024 * 1024)
#define PROV_TAIL_MAX 2048
/* Between SIGTERM at the deadline and SIGKILL: dpkg may be writing its database. */
#define PROV_KILL_GRACE_MS 5000

/* One command, run or planned. */
struct prov_cmd {
	char **argv; /* owned, NULL-terminated */
	bool ran;    /* false: planned only (--dry-run), or it could not start (err) */
	int err;     /* -errno when it could not start */
	int status;  /* exit status, -1 when killed by a signal */
	int signal;
	bool timed_out;
	unsigned long long duration_ms;
	char *out; /* stdout, NUL-terminated, at most PROV_OUT_MAX bytes */
	size_t out_len;
	char *tail; /* the last PROV_TAIL_MAX bytes of stderr, else of stdout */
};

/* Called with each complete line of stdout (without '\n'), for progress display. */
typedef void (*prov_line_fn)(const char *line, void *userdata);

struct prov_exec_opts {
	const char *chroot_dir; /* NULL: no chroot */
	unsigned timeout_s;
	prov_line_fn on_line;
	void *userdata;
};

/* Whether the command ran and exited 0. */
bool prov_cmd_ok(const struct prov_cmd *c);

/* Copies argv into a new cmd (zeroed, not run). Returns 0 or -ENOMEM. */
int prov_cmd_init(struct prov_cmd *c, const char *const *argv);
void prov_cmd_free(struct prov_cmd *c);

/*
 * Runs c->argv and fills the rest of c. Returns 0 when the child ran (whatever its exit
 * status: see prov_cmd_ok), -ENOMEM, or another -errno when it could not be started (then
 * c->err is that errno too).
 */
int prov_exec(struct prov_cmd *c, const struct prov_exec_opts *o);

#endif
