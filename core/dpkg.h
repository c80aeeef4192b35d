/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_DPKG_H
#define CVMPREP_DPKG_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/*
 * Debian control data: the paragraph format (deb822(5)) of /var/lib/dpkg/status and of apt's
 * preferences files, dpkg's three-word package status, and Debian version comparison
 * (deb-version(7)). Parsers take a buffer and a length, never read past it, and allocate
 * nothing that outlives the call.
 */

/* Called for each field of a paragraph ("Name: value"), then once with name NULL at the end
 * of the paragraph. value has white space stripped at both ends; a multi-line value keeps its
 * continuation lines, '\n'-separated, as written. Both are valid during the call only.
 * A negative return stops the parse and is returned. */
typedef int (*deb822_cb)(const char *name, const char *value, void *userdata);

/*
 * Parses len bytes of paragraphs separated by blank lines (or lines of only white space);
 * '#' comment lines are skipped. Returns the number of paragraphs, the callback's negative
 * return, -ENOMEM, or -EBADMSG for malformed text: a line that is neither "Name: value" nor a
 * continuation (leading space or tab), a continuation with no field before it, a NUL byte.
 * On -EBADMSG *ret_line (when not NULL) is the 1-based line number.
 */
int deb822_parse(const char *buf, size_t len, deb822_cb cb, void *userdata, unsigned *ret_line);

/* The three words of a dpkg Status field: "want eflag state" (dpkg-query(1)). */
enum dpkg_want {
	DPKG_WANT_UNKNOWN,
	DPKG_WANT_INSTALL,
	DPKG_WANT_HOLD,
	DPKG_WANT_DEINSTALL,
	DPKG_WANT_PURGE,
	_DPKG_WANT_MAX,
};

enum dpkg_eflag {
	DPKG_EFLAG_OK,
	DPKG_EFLAG_REINSTREQ, /* broken, must be reinstalled */
	_DPKG_EFLAG_MAX,
};

enum dpkg_state {
	DPKG_STATE_NOT_INSTALLED,
	DPKG_STATE_CONFIG_FILES,
	DPKG_STATE_HALF_INSTALLED,  /* an unpack or removal was interrupted */
	DPKG_STATE_UNPACKED,
	DPKG_STATE_HALF_CONFIGURED, /* a configure was interrupted */
	DPKG_STATE_TRIGGERS_AWAITED,
	DPKG_STATE_TRIGGERS_PENDING,
	DPKG_STATE_INSTALLED,
	_DPKG_STATE_MAX,
};

struct dpkg_status {
	enum dpkg_want want;
	enum dpkg_eflag eflag;
	enum dpkg_state state;
};

const char *dpkg_want_to_string(enum dpkg_want w);
const char *dpkg_eflag_to_string(enum dpkg_eflag e);
const char *dpkg_state_to_string(enum dpkg_state s);

/* Parses "hold ok installed": exactly three known words separated by single spaces.
 * Returns 0 and *ret, or -EINVAL. */
int dpkg_status_parse(const char *s, struct dpkg_status *ret);

/* Whether dpkg left the package mid-operation: reinstreq, half-installed, unpacked or
 * half-configured. `dpkg --audit` reports these; apt refuses to go on until they are fixed. */
bool dpkg_status_broken(const struct dpkg_status *st);

/* Whether the package is installed in some form: more than not-installed or config-files
 * (a removed or purged package can leave its paragraph, with its selection, behind). */
bool dpkg_status_present(const struct dpkg_status *st);

/* One paragraph of the dpkg status file; strings valid during the callback only. */
struct dpkg_pkg {
	const char *package;
	const char *status;       /* the field as written */
	const char *version;      /* NULL: none (a package that is not installed) */
	const char *architecture; /* NULL: none */
	const char *depends;      /* NULL: none; continuation lines '\n'-separated */
	struct dpkg_status st;
};

/* Returns 0 to go on, 1 to stop (dpkg_status_read returns 1), < 0 to stop with that error. */
typedef int (*dpkg_pkg_cb)(const struct dpkg_pkg *p, void *userdata);

/*
 * Reads the dpkg status database (/var/lib/dpkg/status) from len bytes of buf and calls cb
 * for each package paragraph. Returns the number of paragraphs, 1 when cb stopped it, the
 * callback's negative return, -ENOMEM, or -EBADMSG (with *ret_line as for deb822_parse) for
 * a corrupt database: malformed text, a paragraph without Package or Status, an invalid
 * Status, a simple field (Package, Status, Version, Architecture) given twice or spread over
 * several lines. Depends may span lines; when given twice, the first counts.
 */
int dpkg_status_read(const char *buf, size_t len, dpkg_pkg_cb cb, void *userdata,
		     unsigned *ret_line);

/* A Debian version "[epoch:]upstream[-revision]" (deb-version(7)); the pointers are into the
 * parsed string. revision_len is 0 when there is none. */
struct dpkg_version {
	unsigned epoch;
	const char *upstream;
	size_t upstream_len;
	const char *revision;
	size_t revision_len;
};

/*
 * Parses a version as dpkg does, rejecting what dpkg rejects or warns about: white space, an
 * empty or non-numeric epoch or one above INT_MAX, an empty upstream part or one that does
 * not start with a digit, an empty revision after '-', and characters other than
 * [A-Za-z0-9.+~-:] in upstream or [A-Za-z0-9.+~] in revision. Returns 0 and *ret, or -EINVAL.
 */
int dpkg_version_parse(const char *s, struct dpkg_version *ret);

/* <0, 0, >0 as a is older than, the same as, or newer than b, by dpkg's rules: epochs
 * numerically, then upstream and revision alternating non-digit runs (letters first, '~'
 * before everything, even the end) and digit runs compared numerically. */
int dpkg_version_cmp(const struct dpkg_version *a, const struct dpkg_version *b);

/* dpkg_version_cmp() of two strings: returns 0 and *ret (<0, 0, >0), or -EINVAL when either
 * is not a valid version. */
int dpkg_version_compare(const char *a, const char *b, int *ret);

/*
 * What a Depends field (deb-control(5) "Package relationships": entries separated by ',',
 * alternatives by '|', each "name[:arch] [(op version)] [[archs]] [<profiles>]", op one of
 * << <= = >= >> and the obsolete < and > that dpkg reads as <= and >=) asks of package pkg at
 * version. Each entry whose alternatives all name pkg must be met by version in one of them;
 * an entry that offers another package as an alternative is not judged (that one may satisfy
 * it). Returns 1 when version is allowed (also when no entry names pkg), 0 when an entry rules
 * it out, -EINVAL for a malformed field or version, -ENOMEM. When ret_on is not NULL, on 0 or 1
 * *ret_on is the entries that name pkg as written, ", "-separated (NULL: none; caller frees).
 * Linear in the length of the field.
 */
int dpkg_depends_allow(const char *depends, const char *pkg, const char *version,
		       char **ret_on);

/*
 * The dpkg database of a host (dpkg(1) admindir): /var/lib/dpkg/status and the journal in
 * /var/lib/dpkg/updates, read through the host (under its root). What `cvmprep check` judges
 * and what the provisioner's satisfied() tests.
 */
#define DPKG_ADMINDIR "/var/lib/dpkg"
#define DPKG_STATUS DPKG_ADMINDIR "/status"
#define DPKG_UPDATES DPKG_ADMINDIR "/updates"
/* A desktop's status file is a few MiB; no node comes near this. */
#define DPKG_STATUS_MAX (64u * 1024 * 1024)

struct host;

/* One package as the status database records it. */
struct dpkg_package {
	char *status;  /* the Status field as written; NULL: no paragraph for the package */
	char *version; /* NULL: none */
	char *depends; /* the Depends field; NULL: none */
	struct dpkg_status st; /* valid when status is set */
};

void dpkg_package_free(struct dpkg_package *p);
/* A paragraph whose status is dpkg_status_present(). */
bool dpkg_package_present(const struct dpkg_package *p);
/* Held: selection "hold" (what apt-mark hold sets). */
bool dpkg_package_held(const struct dpkg_package *p);

/* The status database, read once into an index of its paragraphs: each one's Package,
 * Version, Status and Depends, in the order of the file. The text itself is not kept. */
struct dpkg_db_entry;
struct dpkg_db {
	int n_packages;
	const char *failed; /* on error: which path failed (DPKG_ADMINDIR or DPKG_STATUS) */
	unsigned line;      /* on -EBADMSG: the line of DPKG_STATUS */
	struct dpkg_db_entry *entries;
	size_t n_entries, alloc;
	struct strbuf strings; /* the entries' names, versions and Depends, NUL-terminated */
	const char *const *depends_of; /* whose Depends are kept (NULL: all) */
};

/*
 * Reads and checks the status database of h, streamed through a bounded window (a 50,000-
 * package status is not held whole). Returns 1 and *db (dpkg_db_free() it); 0 when there is
 * no DPKG_ADMINDIR (not a dpkg system); -errno, with db->failed, when it cannot be read;
 * -EBADMSG, with db->line, when it is corrupt (as dpkg_status_read()); -EFBIG past
 * DPKG_STATUS_MAX; -ENOMEM. db is always filled.
 */
int dpkg_db_read(const struct host *h, struct dpkg_db *db);
/* The same, keeping Depends only for the packages named in depends_of (NULL-terminated; NULL:
 * every package's, as dpkg_db_read()): a node's other Depends fields, a good part of its status
 * text, are not copied into the index. */
int dpkg_db_read_for(const struct host *h, const char *const *depends_of, struct dpkg_db *db);
void dpkg_db_free(struct dpkg_db *db);

/* Calls cb for each paragraph of db, in order, as dpkg_status_read() does (architecture is
 * NULL: the index does not keep it). Returns the number of paragraphs, 1 when cb stopped,
 * or cb's negative return. */
int dpkg_db_foreach(const struct dpkg_db *db, dpkg_pkg_cb cb, void *userdata);

/*
 * Finds package name in db: the first paragraph of it that is present (dpkg keeps one per
 * architecture), else the first. Returns 1 and *ret (dpkg_package_free() it), 0 when no
 * paragraph names it (*ret cleared), -ENOMEM.
 */
int dpkg_db_find(const struct dpkg_db *db, const char *name, struct dpkg_package *ret);

/*
 * The journal of an unfinished dpkg run: dpkg writes each status change to a file with a
 * numeric name in DPKG_UPDATES and folds them into DPKG_STATUS when it finishes, so such files
 * mean dpkg was interrupted (or is running now); apt then refuses to work ("dpkg was
 * interrupted, you must manually run 'dpkg --configure -a'", apt-pkg/deb/debsystem.cc
 * CheckUpdates). Returns 0 and *ret_n, the number of such files (0 when the directory is
 * absent), or -errno when it cannot be listed.
 */
int dpkg_updates_pending(const struct host *h, unsigned *ret_n);

/*
 * One package of h in one call (the provisioner's satisfied()): dpkg_db_read(), then
 * dpkg_db_find() and dpkg_updates_pending(). Returns 1 with *ret (ret->status NULL when the
 * database has no paragraph for name) and *ret_updates; 0 when h is not a dpkg system; -errno
 * as those functions. *ret is filled only on 1.
 */
int dpkg_lookup(const struct host *h, const char *name, struct dpkg_package *ret,
		unsigned *ret_updates);

#endif
