/* SPDX-License-Identifier: MIT */
/* core/dlib: a library loaded on first use, all its symbols or none, and why not. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/dlibs.h"
#include "core/util.h"

static void *sym_a, *sym_b;

static void test_absent_library(void **state _unused_)
{
	const struct dlib_sym syms[] = {{"zlibVersion", &sym_a}};
	struct dlib l = {.soname = "libcvmprep-absent.so.0", .syms = syms, .n_syms = 1};

	assert_int_equal(dlib_load(&l), -ELIBACC);
	assert_non_null(strstr(l.reason, "libcvmprep-absent.so.0"));
	assert_null(l.handle);
	assert_null(sym_a);
	/* tried once: the same answer, not a second dlopen */
	l.reason[0] = '\0';
	assert_int_equal(dlib_load(&l), -ELIBACC);
	assert_string_equal(l.reason, "");
}

static void test_missing_symbol(void **state _unused_)
{
	const struct dlib_sym syms[] = {{"zlibVersion", &sym_a},
					{"cvmprep_no_such_symbol", &sym_b}};
	struct dlib l = {.soname = "libz.so.1", .syms = syms, .n_syms = 2};

	assert_int_equal(dlib_load(&l), -ELIBACC);
	assert_non_null(strstr(l.reason, "cvmprep_no_such_symbol"));
	/* none or all: the symbol resolved before the missing one is not left set */
	assert_null(sym_a);
	assert_null(sym_b);
	assert_null(l.handle);
}

static void test_loaded(void **state _unused_)
{
	const struct dlib_sym syms[] = {{"zlibVersion", &sym_a}};
	struct dlib l = {.soname = "libz.so.1", .syms = syms, .n_syms = 1};

	assert_int_equal(dlib_load(&l), 0);
	assert_non_null(sym_a);
	assert_non_null(l.handle);
	assert_int_equal(dlib_load(&l), 0);
}

/* The tables of core/dlibs.c match the libraries of this system. */
static void test_tables(void **state _unused_)
{
	struct dlib *libs[] = { &dlib_kmod, &dlib_curl, &dlib_archive, &dlib_crypto, &dlib_blkid };

	for (size_t i = 0; i < ELEMENTSOF(libs); i++) {
		assert_int_equal(dlib_load(libs[i]), 0);
		for (size_t j = 0; j < libs[i]->n_syms; j++)
			assert_non_null(*libs[i]->syms[j].ptr);
	}
	assert_non_null(sym_kmod_new);
	assert_non_null(sym_curl_easy_init);
	assert_non_null(sym_archive_read_new);
	assert_non_null(sym_EVP_sha256);
	assert_non_null(sym_blkid_new_probe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_absent_library),
	    cmocka_unit_test(test_missing_symbol),
	    cmocka_unit_test(test_loaded),
	    cmocka_unit_test(test_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
