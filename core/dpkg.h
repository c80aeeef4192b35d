/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_DPKG_H
#define CVMPREP_DPKG_H

#include <stdbool.h>
#include <stddef.h>

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

/* One paragraph of the dpkg status file; strings valid during the callback only. */
struct dpkg_pkg {
	const char *package;
	const char *status;       /* the field as written */
	const char *version;      /* NULL: none (a package that is not installed) */
	const char *architecture; /* NULL: none */
	struct dpkg_status st;
};

/* Returns 0 to go on, 1 to stop (dpkg_status_read returns 1), < 0 to stop with that error. */
typedef int (*dpkg_pkg_cb)(const struct dpkg_pkg *p, void *userdata);

/*
 * Reads the dpkg status database (/var/lib/dpkg/status) from len bytes of buf and calls cb
 * for each package paragraph. Returns the number of paragraphs, 1 when cb stopped it, the
 * callback's negative return, -ENOMEM, or -EBADMSG (with *ret_line as for deb822_parse) for
 * a corrupt database: malformed text, a paragraph without Package or Status, an invalid
 * Status, a field given twice, or a simple field (Package, Status, Version, Architecture)
 * spread over several lines.
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

/* The strongest version pin apt_preferences(5) gives a package in one preferences file. */
struct apt_pin {
	char *version; /* the pattern after "Pin: version " (apt allows globs: "1.5.*") */
	long priority;
};

/*
 * Finds the version pins ("Pin: version V") whose Package field names name, exactly or by a
 * glob, in len bytes of a preferences file, and returns the one with the highest Pin-Priority.
 * Regular-expression package patterns ("/.../") and pins other than "version" (release,
 * origin) are not version pins and are ignored. Returns 1 and *ret (free ret->version), 0 when
 * there is none, -EBADMSG for malformed text or a paragraph with a Pin but no valid
 * Pin-Priority, or -ENOMEM.
 */
int apt_pin_find(const char *buf, size_t len, const char *name, struct apt_pin *ret,
		 unsigned *ret_line);

#endif
