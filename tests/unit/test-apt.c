/* SPDX-License-Identifier: MIT */
/* core/apt: which preference files apt reads, in which order, and the strongest version pin
 * over all of them, on temporary trees read through struct host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/apt.h"
#include "tmptree.h"

#define PIN(pkg, ver, prio) "Package: " pkg "\nPin: version " ver "\nPin-Priority: " prio "\n"

static void test_name_valid(void **state)
{
	static const struct {
		const char *name;
		bool valid;
	} names[] = {
		{ "containerd", true },	     { "containerd.pref", true }, { "a_b-c.1.pref", true },
		{ "containerd.txt", false }, { ".hidden", false },	  { "x.pref~", false },
		{ "with space", false },     { "x.list", false },	  { "", false },
		{ "dpkg-dist.pref.bak", false },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (apt_pref_name_valid(names[i].name) != names[i].valid)
			fail_msg("'%s': want %s", names[i].name, names[i].valid ? "valid" : "invalid");
}

static void open_tree(struct host *h, const char *tree)
{
	assert_int_equal(host_open(h, tree, NULL, NULL), 0);
}

static void test_files_order(void **state)
{
	_cleanup_free_ char *t = tree_new();
	struct apt_pref_files files;
	struct host h;

	(void)state;
	tree_put(t, "etc/apt/preferences.d/zz", "");
	tree_put(t, "etc/apt/preferences.d/b.pref", "");
	tree_put(t, "etc/apt/preferences.d/a", "");
	tree_put(t, "etc/apt/preferences.d/ignored.txt", "");
	tree_put(t, "etc/apt/preferences.d/.hidden", "");
	open_tree(&h, t);
	assert_int_equal(apt_pref_files(&h, &files), 0);
	assert_int_equal(files.n, 4);
	/* /etc/apt/preferences first even when absent: apt skips it then */
	assert_string_equal(files.v[0], "/etc/apt/preferences");
	assert_string_equal(files.v[1], "/etc/apt/preferences.d/a");
	assert_string_equal(files.v[2], "/etc/apt/preferences.d/b.pref");
	assert_string_equal(files.v[3], "/etc/apt/preferences.d/zz");
	apt_pref_files_free(&files);
	host_close(&h);
	tree_remove(t);

	/* no preferences.d, or a file in its place */
	free(t);
	t = tree_new();
	open_tree(&h, t);
	assert_int_equal(apt_pref_files(&h, &files), 0);
	assert_int_equal(files.n, 1);
	apt_pref_files_free(&files);
	tree_put(t, "etc/apt/preferences.d", "not a directory");
	assert_int_equal(apt_pref_files(&h, &files), 0);
	assert_int_equal(files.n, 1);
	apt_pref_files_free(&files);
	host_close(&h);
	tree_remove(t);
}

static void test_strongest(void **state)
{
	_cleanup_free_ char *t = tree_new();
	struct apt_pin_lookup l;
	struct host h;

	(void)state;
	open_tree(&h, t);
	/* nothing at all */
	assert_int_equal(apt_pin_strongest(&h, "containerd.io", &l), 0);
	assert_null(l.source);
	apt_pin_lookup_free(&l);

	tree_put(t, "etc/apt/preferences", PIN("containerd.io", "1.4.*", "990"));
	tree_put(t, "etc/apt/preferences.d/b", PIN("containerd.io", "1.5.11-1", "1001"));
	/* an equal priority later in apt's order does not replace it */
	tree_put(t, "etc/apt/preferences.d/c.pref", PIN("containerd.io", "1.6.9-1", "1001"));
	/* names apt skips, and a directory apt cannot read as a file */
	tree_put(t, "etc/apt/preferences.d/a.txt", PIN("containerd.io", "9", "5000"));
	tree_mkdirs(t, "etc/apt/preferences.d/d.pref", true);
	tree_put(t, "etc/apt/preferences.d/e", PIN("runc", "1.0", "3000"));
	assert_int_equal(apt_pin_strongest(&h, "containerd.io", &l), 1);
	assert_string_equal(l.pin.version, "1.5.11-1");
	assert_int_equal(l.pin.priority, 1001);
	assert_string_equal(l.source, "/etc/apt/preferences.d/b");
	apt_pin_lookup_free(&l);
	assert_int_equal(apt_pin_strongest(&h, "runc", &l), 1);
	assert_string_equal(l.source, "/etc/apt/preferences.d/e");
	apt_pin_lookup_free(&l);

	/* a malformed file anywhere is an error, as apt says, with its line */
	tree_put(t, "etc/apt/preferences.d/f", PIN("x", "1", "5") "\nbroken line\n");
	assert_int_equal(apt_pin_strongest(&h, "containerd.io", &l), -EBADMSG);
	assert_string_equal(l.source, "/etc/apt/preferences.d/f:5");
	apt_pin_lookup_free(&l);
	tree_put(t, "etc/apt/preferences.d/f", "Package: x\nPin: version 1\n");
	assert_int_equal(apt_pin_strongest(&h, "containerd.io", &l), -EBADMSG);
	assert_string_equal(l.source, "/etc/apt/preferences.d/f:2");
	apt_pin_lookup_free(&l);
	host_close(&h);
	tree_remove(t);
}

/* More files than the old fixed bound of 256: the pin in the last one apt reads is found. */
static void test_many_files(void **state)
{
	_cleanup_free_ char *t = tree_new();
	struct apt_pin_lookup l;
	struct host h;

	(void)state;
	for (int i = 0; i < 300; i++) {
		_cleanup_free_ char *rel = strdup_printf("etc/apt/preferences.d/p%03d", i);

		tree_put(t, rel, i == 299 ? PIN("containerd.io", "1.5.11-1", "1001") : "");
	}
	open_tree(&h, t);
	assert_int_equal(apt_pin_strongest(&h, "containerd.io", &l), 1);
	assert_string_equal(l.source, "/etc/apt/preferences.d/p299");
	apt_pin_lookup_free(&l);
	host_close(&h);
	tree_remove(t);
}

/* Past APT_PREFERENCES_FILES_MAX the listing is refused, never cut short. */
static void test_too_many_files(void **state)
{
	_cleanup_free_ char *t = tree_new();
	struct apt_pref_files files;
	struct apt_pin_lookup l;
	struct host h;

	(void)state;
	for (int i = 0; i <= APT_PREFERENCES_FILES_MAX; i++) {
		_cleanup_free_ char *rel = strdup_printf("etc/apt/preferences.d/p%05d", i);

		tree_put(t, rel, "");
	}
	open_tree(&h, t);
	assert_int_equal(apt_pref_files(&h, &files), -E2BIG);
	assert_int_equal(apt_pin_strongest(&h, "containerd.io", &l), -E2BIG);
	assert_string_equal(l.source, APT_PREFERENCES_D);
	apt_pin_lookup_free(&l);
	host_close(&h);
	tree_remove(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_files_order),
		cmocka_unit_test(test_strongest),
		cmocka_unit_test(test_many_files),
		cmocka_unit_test(test_too_many_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
