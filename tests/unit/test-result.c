/* SPDX-License-Identifier: MIT */
/*
 * checks/result.c: an allocation failure in a result_*() setter is sticky in the result, and
 * the runner reports it as the run's error, so rules need not check each setter. Allocations
 * fail for real: the test binary replaces malloc, calloc and realloc (glibc supports that,
 * "Replacing malloc" in its manual) with versions that fail from a chosen call on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks/checks.h"
#include "checks/runner.h"
#include "core/util.h"
#include "check-harness.h"

#if defined(__SANITIZE_ADDRESS__)
#define REPLACE_MALLOC 0 /* the sanitizer owns malloc */
#else
#define REPLACE_MALLOC 1
#endif

/* -1: allocations succeed; n >= 0: the next n succeed, then every one fails. */
static long fail_after = -1;

#if REPLACE_MALLOC
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

static bool allocation_fails(void)
{
	if (fail_after < 0)
		return false;
	if (fail_after == 0) {
		errno = ENOMEM;
		return true;
	}
	fail_after--;
	return false;
}

void *malloc(size_t n)
{
	return allocation_fails() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	return allocation_fails() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	return allocation_fails() ? NULL : __libc_realloc(p, n);
}

void free(void *p)
{
	__libc_free(p);
}
#endif

static void test_sticky(void **state)
{
	struct result r = { 0 };
	const struct fact *fa = NULL;
	struct facts f = { 0 };

	(void)state;
	if (!REPLACE_MALLOC)
		skip();
	assert_int_equal(facts_set(&f, "a.b", "/x", "1"), 0);
	fail_after = 0;
	assert_int_equal(result_observed(&r, "%s", "one"), -ENOMEM);
	fail_after = -1;
	assert_int_equal(r.err, -ENOMEM);
	/* memory is back, the error stays and nothing more is recorded */
	assert_int_equal(result_expected(&r, "two"), -ENOMEM);
	assert_int_equal(result_evidence(&r, "/x", "v", 0), -ENOMEM);
	assert_int_equal(result_set(&r, STATUS_PASS, "three"), -ENOMEM);
	assert_int_equal(result_need(&r, &f, "no.such", &fa), 0);
	assert_null(r.observed);
	assert_null(r.expected);
	assert_null(r.message);
	assert_int_equal(r.n_evidence, 0);
	result_free(&r);
	/* the evidence allocations too */
	for (long n = 0; n < 3; n++) {
		fail_after = n;
		result_evidence(&r, "/source", "value", 0);
		fail_after = -1;
		assert_int_equal(r.err, -ENOMEM);
		assert_int_equal(r.n_evidence, 0);
		result_free(&r);
	}
	facts_free(&f);
}

/* result_needf() is result_need() of the key printf makes. */
static void test_needf(void **state)
{
	struct result r = {0};
	const struct fact *fa = NULL;
	struct facts f = {0};

	(void)state;
	assert_int_equal(facts_set(&f, "tools.rsync", "/usr/bin", "/usr/bin/rsync"), 0);
	assert_int_equal(facts_set_err(&f, "tools.iptables", "/usr/sbin", EACCES), 0);
	assert_int_equal(result_needf(&r, &f, &fa, "tools.%s", "rsync"), 1);
	assert_string_equal(fa->value, "/usr/bin/rsync");
	assert_int_equal(result_needf(&r, &f, &fa, "tools.%s", "iptables"), 0);
	assert_int_equal(r.status, STATUS_UNKNOWN);
	assert_string_equal(r.message, "cannot read '/usr/sbin': Permission denied");
	assert_int_equal(result_needf(&r, &f, &fa, "tools.%s", "modprobe"), 0);
	assert_string_equal(r.message, "no fact 'tools.modprobe' was recorded");
	result_free(&r);
	facts_free(&f);
}

/* Facts for the runtime.* rules, so that they run without probes. */
static const char *const runtime_facts[] = {
	"dpkg.database=9 packages",
	"dpkg.containerd.io.status=install ok installed",
	"dpkg.containerd.io.version=1.5.11-1",
	"apt.pin.containerd.io=1.5.*",
	"apt.pin.containerd.io.priority=500",
	"dpkg.sysbox-ce.status=install ok installed",
	"dpkg.sysbox-ce.version=0.6.4-0",
	"dpkg.sysbox-ee.status",
	"docker.snap",
	"docker.dockerd=/usr/bin/dockerd",
	"docker.daemon-json=valid JSON object",
	"docker.runtime.sysbox-runc",
	"docker.daemon-json.duplicate=runtimes",
	"sysbox.unit.sysbox.service=/lib/systemd/system/sysbox.service",
	"sysbox.unit.sysbox-mgr.service",
	"sysbox.unit.sysbox-fs.service!13",
	"tools.bindirs=/usr/bin",
	"tools.rsync",
	"tools.modprobe=/usr/sbin/modprobe",
	"tools.iptables!13",
	"subid.subuid=sysbox:1:65536 sysbox:70000:65536",
	"subid.subgid!2",
	NULL,
};

static bool same_str(const char *a, const char *b)
{
	return streq_ptr(a, b);
}

static bool same_result(const struct result *a, const struct result *b)
{
	if (a->check != b->check || a->status != b->status || !same_str(a->message, b->message) ||
	    !same_str(a->observed, b->observed) || !same_str(a->expected, b->expected) ||
	    !same_str(a->remediation, b->remediation) || a->n_evidence != b->n_evidence)
		return false;
	for (size_t i = 0; i < a->n_evidence; i++)
		if (!same_str(a->evidence[i].source, b->evidence[i].source) ||
		    !same_str(a->evidence[i].value, b->evidence[i].value) ||
		    a->evidence[i].err != b->evidence[i].err)
			return false;
	return true;
}

/*
 * The runtime.* rules call the setters without checking them. With every allocation of the run
 * failing in turn, the runner returns either -ENOMEM or results equal to those of a run with
 * enough memory: an allocation failure is never lost in a half-written result.
 */
static void test_runner_reports_once(void **state)
{
	const struct config cfg = { .profile = profile_find("coder") };
	size_t n_checks = checks_count(), n_ref, n, errors = 0;
	struct result *ref, *v;
	enum selection *sel;
	struct facts f = { 0 };
	long k;

	(void)state;
	if (!REPLACE_MALLOC)
		skip(); /* before the calloc: skip() does not return */
	sel = calloc(n_checks, sizeof(*sel));
	assert_non_null(sel);
	for (size_t i = 0; i < n_checks; i++)
		sel[i] = startswith(checks_get(i)->id, "runtime.") ? SELECT_RUN : SELECT_OMIT;
	load_facts(&f, runtime_facts, ELEMENTSOF(runtime_facts));
	assert_int_equal(checks_run(NULL, &cfg, sel, NULL, &f, &ref, &n_ref), 0);
	assert_int_equal(n_ref, 5);
	for (k = 0;; k++) {
		int r;

		fail_after = k;
		r = checks_run(NULL, &cfg, sel, NULL, &f, &v, &n);
		fail_after = -1;
		if (r == -ENOMEM) {
			errors++;
			continue;
		}
		assert_int_equal(r, 0);
		assert_int_equal(n, n_ref);
		for (size_t i = 0; i < n; i++)
			if (!same_result(&v[i], &ref[i]))
				fail_msg("allocation %ld failed: %s is not what it is with memory, "
					 "and the run did not say -ENOMEM", k, ref[i].check->id);
		results_free(v, n);
		break;
	}
	/* every allocation before the first complete run failed it */
	assert_int_equal(errors, (size_t)k);
	assert_true(k > 20);
	results_free(ref, n_ref);
	facts_free(&f);
	free(sel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sticky),
	    cmocka_unit_test(test_needf),
	    cmocka_unit_test(test_runner_reports_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
