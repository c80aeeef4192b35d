/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_FACTS_H
#define CVMPREP_FACTS_H

#include <stddef.h>

struct cJSON;

/*
 * One piece of evidence read from the host, by key ("kernel.release", "os.id",
 * "selinux.enforce"). value is the text as read (NULL: the source does not set it); err is 0, or
 * the errno that kept it from being read; source names the file or call it came from, as seen on
 * the host ("/etc/os-release", "uname(2)"). Facts are plain text so that they serialize to JSON
 * and back, and so that --assume can override any of them.
 */
struct fact {
	char *key;
	char *value;
	char *source;
	int err;
};

struct facts {
	struct fact *v;
	size_t n;
	size_t cap;
	/* An open-addressing index of v by key (slot = 1 + the fact's position, 0 free), so that
	 * setting and looking up n facts is linear: --facts files hold any number of keys. */
	size_t *index;
	size_t index_cap; /* a power of two, at least twice n; 0 before the first fact */
};

/* Records key with a value (copied, may be NULL) from source, replacing an earlier one.
 * Returns 0 or -ENOMEM. */
int facts_set(struct facts *f, const char *key, const char *source, const char *value);
/* Records that key could not be read from source: err is a positive errno. */
int facts_set_err(struct facts *f, const char *key, const char *source, int err);
/* The fact recorded under key, or NULL when no probe recorded it. */
const struct fact *facts_get(const struct facts *f, const char *key);
void facts_free(struct facts *f);

/* The same with the key made by printf ("tools.%s", name): facts_setf() returns -ENOMEM when the
 * key cannot be made, facts_getf() NULL. */
int facts_setf(struct facts *f, const char *source, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const struct fact *facts_getf(const struct facts *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* {"key": {"source": ..., "value": ...} | {"source": ..., "errno": N, "error": "..."}} in
 * recording order. Returns NULL on allocation failure. */
struct cJSON *facts_to_json(const struct facts *f);
/* Reads what facts_to_json wrote. Returns 0, -EINVAL when the JSON is not of that form
 * (*ret_bad names the offending key, static or owned by json), or -ENOMEM. */
int facts_from_json(const struct cJSON *json, struct facts *f, const char **ret_bad);

/* The source of a fact that --assume KEY=VALUE gave: "--assume KEY", so that each piece of
 * evidence taken from it says which assumption it is (reports mark them). */
#define FACT_SOURCE_ASSUME "--assume "
/* The KEY of such a source, or NULL when source is of a fact read. */
const char *fact_assumed_key(const char *source);

#endif
