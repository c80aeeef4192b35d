/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_PROV_APTPARSE_H
#define CVMPREP_PROV_APTPARSE_H

#include <stddef.h>

/*
 * Parsers of apt's output (LC_ALL=C): the transaction `apt-get -s` would run, and the versions
 * `apt-cache madison` says the configured sources offer. They read len bytes of buf, never past
 * it, in one pass, and allocate nothing.
 */

#define APT_FIELD_MAX 256

enum apt_op {
	APT_OP_INST, /* unpack: a new package, an upgrade or a downgrade */
	APT_OP_REMV,
	APT_OP_PURG,
	APT_OP_CONF,
	_APT_OP_MAX,
};

const char *apt_op_to_string(enum apt_op op);

/* One line of `apt-get -s`: "Inst name [old] (new release [arch])", "Remv name [old]". */
struct apt_change {
	enum apt_op op;
	char name[APT_FIELD_MAX];    /* as printed: "containerd.io", "libc6:i386" */
	char old_ver[APT_FIELD_MAX]; /* "" when not installed before */
	char new_ver[APT_FIELD_MAX]; /* "" for Remv and Purg */
};

typedef int (*apt_change_cb)(const struct apt_change *c, void *userdata);

/*
 * Calls cb for each Inst, Remv, Purg and Conf line; other lines ("Reading package lists...",
 * notes) are skipped. Returns the number of changes, cb's negative return, or -EBADMSG (and
 * *ret_line, 1-based, when not NULL) for an action line it cannot read: a missing name, an
 * unclosed bracket, a field longer than APT_FIELD_MAX - 1.
 */
int apt_sim_parse(const char *buf, size_t len, apt_change_cb cb, void *userdata,
		  unsigned *ret_line);

/* One line of `apt-cache madison`: " name | version | source". Strings valid during the call. */
typedef int (*apt_offer_cb)(const char *name, const char *version, const char *source,
			    void *userdata);

/* Calls cb for each well-formed line (three '|'-separated fields); others are skipped.
 * Returns the number of offers or cb's negative return. */
int apt_madison_parse(const char *buf, size_t len, apt_offer_cb cb, void *userdata);

#endif
