/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_DAEMON_JSON_H
#define CVMPREP_DAEMON_JSON_H

#include <stddef.h>

#include "host.h"

struct cJSON;

/*
 * Docker's /etc/docker/daemon.json read as dockerd reads it, so that cvmprep never calls a file
 * broken that dockerd starts with, nor one good that dockerd refuses (moby
 * daemon/config/config.go, getConflictFreeConfiguration:
 * https://github.com/moby/moby/blob/master/daemon/config/config.go):
 *  - a byte order mark selects the encoding (UTF-8, UTF-16LE, UTF-16BE); otherwise the file
 *    must be valid UTF-8 or dockerd refuses it ("failed to decode configuration JSON");
 *  - white space (Unicode's, as Go's bytes.TrimSpace) is trimmed, and an empty file means
 *    dockerd's defaults;
 *  - the rest is Go's encoding/json: RFC 8259 and nothing more (no comments, no trailing
 *    commas, no leading zeros, no control characters in strings), nesting up to 10000 (its
 *    maxNestingDepth), nothing after the value, numbers within float64; the value is an object
 *    or null (null, like empty, means the defaults);
 *  - a key given twice is not an error: a value replaces the earlier one, and an object read
 *    into a map field adds to it (daemon_json_runtime() applies this to "runtimes").
 */

#define DAEMON_JSON "/etc/docker/daemon.json"
/* Largest daemon.json read; bigger is refused (-EFBIG), never cut. */
#define DAEMON_JSON_MAX (1024 * 1024)
/* Go encoding/json's maxNestingDepth. */
#define DAEMON_JSON_DEPTH_MAX 10000

enum daemon_json_state {
	DAEMON_JSON_OBJECT,  /* settings, in root */
	DAEMON_JSON_EMPTY,   /* empty, white space or null: dockerd starts with its defaults */
	DAEMON_JSON_INVALID, /* dockerd refuses to start: error and line say why */
};

struct daemon_json {
	enum daemon_json_state state;
	/* OBJECT: the members in the file's order, duplicates kept (cJSON_Delete() it) */
	struct cJSON *root;
	/* INVALID: what is wrong ("syntax error", "invalid UTF-8", ...; static) and where */
	const char *error;
	unsigned line;
	/* OBJECT: the first key given twice in one object ("runtimes", or "runtimes.x.path" for
	 * a nested one; caller frees), NULL when none is */
	char *duplicate;
};

/*
 * Parses len bytes of daemon.json (need not be NUL-terminated). Returns 0 and *ret
 * (daemon_json_free() it), or -ENOMEM. Linear in len (with n log n per object to find
 * duplicate keys); recursion-free, so DAEMON_JSON_DEPTH_MAX levels are safe to parse (but
 * cJSON's own recursive printer and the like should not be given such trees).
 */
int daemon_json_parse(const char *buf, size_t len, struct daemon_json *ret);
void daemon_json_free(struct daemon_json *dj);

/* Reads DAEMON_JSON of h and parses it. Returns 0 and *ret, or -errno of the read (-ENOENT:
 * no daemon.json, which dockerd takes as its defaults). */
int daemon_json_read(const struct host *h, struct daemon_json *ret);

/*
 * The path of runtime name as dockerd registers it from root (an OBJECT's): every "runtimes"
 * object in order adds to the map (null clears it), the last entry named name wins, and in it
 * the last "path" (matched without regard to case, as Go does for struct fields). Returns 1 and
 * *ret_path (owned by root) when the path is set and not empty; 0 when it is not registered;
 * -EINVAL, with *ret_bad (static) saying which value has the wrong type, when dockerd refuses
 * the file for it.
 */
int daemon_json_runtime(const struct cJSON *root, const char *name, const char **ret_path,
			const char **ret_bad);

#endif
