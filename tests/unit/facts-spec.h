/* SPDX-License-Identifier: MIT */
/* Facts written as strings, for rule tests: "key=value" (value may be empty), "key" alone for a
 * null value, "key!errno" for a fact that could not be read. Include after <cmocka.h>. */
#ifndef CVMPREP_TEST_FACTS_SPEC_H
#define CVMPREP_TEST_FACTS_SPEC_H

#include "core/facts.h"
#include "core/util.h"

/* Records specs[0..n) up to the first NULL into f, with the source "/fixture". */
static inline void load_facts(struct facts *f, const char *const *specs, size_t n)
{
	for (size_t i = 0; i < n && specs[i]; i++) {
		_cleanup_free_ char *key = strdup(specs[i]);
		char *eq = strchr(key, '='), *bang = strchr(key, '!');

		if (eq) {
			*eq = '\0';
			assert_int_equal(facts_set(f, key, "/fixture", eq + 1), 0);
		} else if (bang) {
			*bang = '\0';
			assert_int_equal(facts_set_err(f, key, "/fixture", atoi(bang + 1)), 0);
		} else
			assert_int_equal(facts_set(f, key, "/fixture", NULL), 0);
	}
}

#endif
