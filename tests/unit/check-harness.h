/* SPDX-License-Identifier: MIT */
/*
 * The harness of the check tests: fixture roots by name (their directory comes from the
 * Makefile, -DFIXTURES_DIR), facts written as strings, "probe a root, then judge", and tables of
 * rule cases run the same way in every test-<module>.c. Include after <cmocka.h>.
 */
#ifndef CVMPREP_TEST_CHECK_HARNESS_H
#define CVMPREP_TEST_CHECK_HARNESS_H

#include "checks/check.h"
#include "checks/checks.h"
#include "core/facts.h"
#include "core/host.h"
#include "core/util.h"

#ifndef FIXTURES_DIR
#error "FIXTURES_DIR is passed by the Makefile: -DFIXTURES_DIR='\"/path/to/tests/fixtures\"'"
#endif

/* The fixture root tests/fixtures/NAME, NAME a string literal. */
#define FIXTURE(name) FIXTURES_DIR "/" name

/* Facts written as strings: "key=value" (value may be empty), "key" alone for a null value,
 * "key!errno" for a fact that could not be read. Records specs[0..n) up to the first NULL into f,
 * with the source "/fixture". */
static inline void load_facts(struct facts *f, const char *const *specs, size_t n)
{
	for (size_t i = 0; i < n && specs[i]; i++) {
		_cleanup_free_ char *key = strdup(specs[i]);
		char *eq, *bang;

		assert_non_null(key);
		eq = strchr(key, '=');
		bang = strchr(key, '!');
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

/* Runs check id's probes on the tree root under cfg, recording into f. */
static inline void check_probe(const char *root, const char *id, const struct config *cfg,
			       struct facts *f)
{
	const struct check *c = checks_find(id);
	struct host h;

	assert_non_null(c);
	assert_int_equal(host_open(&h, root, NULL, NULL), 0);
	for (size_t i = 0; i < CHECK_PROBES_MAX && c->probes[i]; i++)
		assert_int_equal(c->probes[i](&h, cfg, f), 0);
	host_close(&h);
}

/* Runs check id's rule on f; returns the result, which always has a message (caller frees it
 * with result_free()). */
static inline struct result check_judge(const char *id, const struct facts *f,
					const struct config *cfg)
{
	const struct check *c = checks_find(id);
	struct result r = { .check = c };

	assert_non_null(c);
	assert_int_equal(c->rule(c, f, cfg, &r), 0);
	assert_int_equal(r.err, 0);
	assert_non_null(r.message);
	return r;
}

/* check_probe() on root, then check_judge(). */
static inline struct result check_probe_judge(const char *root, const char *id,
					      const struct config *cfg, struct facts *f)
{
	check_probe(root, id, cfg, f);
	return check_judge(id, f, cfg);
}

/* Fails the test unless r has status and its message contains text; what names the case. */
static inline void result_want(const struct result *r, const char *what, enum status status,
			       const char *text)
{
	if (r->status != status || !r->message || !strstr(r->message, text))
		fail_msg("%s: got %s '%s', want %s with '%s'", what, status_to_string(r->status),
			 r->message ? r->message : "(null)", status_to_string(status), text);
}

/* A check probed on a fixture root and judged, not live, under the profile coder. */
struct fixture_case {
	const char *fixture; /* a directory of tests/fixtures */
	const char *id;
	enum status want;
	const char *message; /* a part the message must contain */
};

/* The configuration of a check run on a fixture root. */
static inline struct config fixture_config(void)
{
	return (struct config){ .profile = profile_find("coder"), .data_root = DATA_ROOT_DEFAULT };
}

static inline void fixture_cases_run(const struct fixture_case *cases, size_t n)
{
	const struct config cfg = fixture_config();

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *root = strdup_printf(FIXTURES_DIR "/%s", cases[i].fixture);
		_cleanup_free_ char *what = strdup_printf("%s %s", cases[i].fixture, cases[i].id);
		struct facts f = { 0 };
		struct result r = check_probe_judge(root, cases[i].id, &cfg, &f);

		result_want(&r, what, cases[i].want, cases[i].message);
		result_free(&r);
		facts_free(&f);
	}
}

/* Run options of a rule case that change a verdict. */
enum {
	RULE_LIVE = 1 << 0,     /* the running host */
	RULE_NOPROBE = 1 << 1,  /* with RULE_LIVE: --no-probe */
	RULE_AUTOLOAD = 1 << 2, /* --shiftfs-autoload */
	RULE_CACHING = 1 << 3,  /* --caching */
	RULE_SYSBOX = 1 << 4,   /* --profile sysbox (else coder) */
	RULE_CODER_V1 = 1 << 5, /* --profile coder-v1 */
};

#define RULE_FACTS_MAX 16

/* One rule on facts made by hand, and the verdict it must give. */
struct rule_case {
	const char *id;
	unsigned opts;                      /* RULE_* */
	const char *facts[RULE_FACTS_MAX]; /* as load_facts() reads them */
	enum status want;
	const char *message; /* a part the message must contain */
};

/* The configuration a case's rule runs under. */
static inline struct config rule_case_config(const struct rule_case *t)
{
	struct config cfg = {
		.profile = profile_find(t->opts & RULE_SYSBOX	  ? "sysbox"
					: t->opts & RULE_CODER_V1 ? "coder-v1"
								  : "coder"),
		.data_root = DATA_ROOT_DEFAULT,
		.caching = t->opts & RULE_CACHING,
		.shiftfs_autoload = t->opts & RULE_AUTOLOAD,
		.live = t->opts & RULE_LIVE,
		.as_root = true,
		.probes = (t->opts & RULE_LIVE) && !(t->opts & RULE_NOPROBE),
	};

	assert_non_null(cfg.profile);
	return cfg;
}

/* What rule_cases_run() holds every case to, beyond its status and message. */
enum {
	RULE_WANT_FIX_WARN = 1 << 0, /* a warn says how to mend it, as a fail always does */
};

/* Judges each case: every pass, warn or fail says what was observed and what was expected, every
 * fail how to mend it (and every warn, with RULE_WANT_FIX_WARN in want). */
static inline void rule_cases_run(const struct rule_case *cases, size_t n, unsigned want)
{
	for (size_t i = 0; i < n; i++) {
		const struct rule_case *t = &cases[i];
		const struct config cfg = rule_case_config(t);
		_cleanup_free_ char *what =
		    strdup_printf("case %zu %s [%s]", i, t->id, t->facts[0] ? t->facts[0] : "");
		struct facts f = { 0 };
		struct result r;

		load_facts(&f, t->facts, RULE_FACTS_MAX);
		r = check_judge(t->id, &f, &cfg);
		result_want(&r, what, t->want, t->message);
		if ((t->want == STATUS_PASS || t->want == STATUS_WARN || t->want == STATUS_FAIL) &&
		    (!r.observed || !r.expected))
			fail_msg("%s: no observed or expected", what);
		if ((t->want == STATUS_FAIL || (t->want == STATUS_WARN && want & RULE_WANT_FIX_WARN)) &&
		    !r.remediation)
			fail_msg("%s: no remediation", what);
		result_free(&r);
		facts_free(&f);
	}
}

/* Fails unless cases hold a case of check id for each of the statuses. */
static inline void rule_cases_cover(const struct rule_case *cases, size_t n, const char *id,
				    const enum status *statuses, size_t n_statuses)
{
	for (size_t s = 0; s < n_statuses; s++) {
		bool seen = false;

		for (size_t i = 0; i < n; i++)
			seen |= streq(cases[i].id, id) && cases[i].want == statuses[s];
		if (!seen)
			fail_msg("%s: no case for %s", id, status_to_string(statuses[s]));
	}
}

/* Defines the test name, which judges each of the rule cases (rule_cases_run()). */
#define RULE_CASES_TEST(name, cases, want)                                                         \
	static void name(void **state)                                                             \
	{                                                                                          \
		(void)state;                                                                       \
		rule_cases_run(cases, ELEMENTSOF(cases), want);                                    \
	}

/* Defines the test name, which runs each of the fixture cases (fixture_cases_run()). */
#define FIXTURE_CASES_TEST(name, cases)                                                            \
	static void name(void **state)                                                             \
	{                                                                                          \
		(void)state;                                                                       \
		fixture_cases_run(cases, ELEMENTSOF(cases));                                       \
	}

/* main() of a program whose one test is the table of rule cases `cases` (kmod's testsuite
 * has TESTSUITE_MAIN()). */
#define RULE_CASES_MAIN(want)                                                                      \
	RULE_CASES_TEST(test_rules, cases, want)                                                   \
	int main(void)                                                                             \
	{                                                                                          \
		const struct CMUnitTest tests[] = { cmocka_unit_test(test_rules) };                \
                                                                                                   \
		return cmocka_run_group_tests(tests, NULL, NULL);                                  \
	}

#define RULE_CASES_COVER(cases, id, ...)                                                           \
	rule_cases_cover(cases, ELEMENTSOF(cases), id, (const enum status[]){ __VA_ARGS__ },        \
			 sizeof((const enum status[]){ __VA_ARGS__ }) / sizeof(enum status))

#endif
