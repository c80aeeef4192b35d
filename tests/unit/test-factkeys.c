/* SPDX-License-Identifier: MIT */
/* checks/factkeys.c: the table of fact keys against what the probes record, on every fixture
 * root and on this machine (functional probes too, as root), both ways. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

#include "checks/factkeys.h"
#include "checks/runner.h"
#include "core/util.h"

static size_t n_keys(void)
{
	size_t n = 0;

	while (fact_keys[n])
		n++;
	return n;
}

/* Gathers every fact of the host at root (NULL: this machine); each key must be known, and
 * marks in seen[] the table entries recorded. */
static void gather(const char *root, bool *seen)
{
	struct config cfg = { .profile = &profiles[0], .data_root = DATA_ROOT_DEFAULT };
	struct facts f = { 0 };
	struct host h;

	assert_int_equal(host_open(&h, root, NULL, NULL), 0);
	cfg.live = h.live;
	cfg.as_root = cfg.probes = h.live && geteuid() == 0;
	assert_int_equal(facts_gather(&h, &cfg, &f), 0);
	for (size_t i = 0; i < f.n; i++) {
		if (!fact_key_known(f.v[i].key))
			fail_msg("%s records '%s', which checks/factkeys.c does not know",
				 root ? root : "this machine", f.v[i].key);
		for (size_t k = 0; fact_keys[k]; k++)
			if (streq(f.v[i].key, fact_keys[k]))
				seen[k] = true;
	}
	facts_free(&f);
	host_close(&h);
}

static void test_table_matches_probes(void **state)
{
	_cleanup_free_ bool *seen = calloc(n_keys() + 1, sizeof(bool));
	DIR *d = opendir(FIXTURES_DIR);
	struct dirent *de;

	(void)state;
	assert_non_null(seen);
	assert_non_null(d);
	while ((de = readdir(d))) {
		_cleanup_free_ char *root = NULL;

		if (de->d_name[0] == '.')
			continue;
		root = strdup_printf(FIXTURES_DIR "/%s", de->d_name);
		gather(root, seen);
	}
	closedir(d);
	gather(NULL, seen);
	/* The functional probes record their keys only live and as root. */
	if (geteuid() != 0)
		skip();
	for (size_t k = 0; fact_keys[k]; k++)
		if (!seen[k])
			fail_msg("'%s' is recorded on no fixture and not on this machine", fact_keys[k]);
}

static void test_known(void **state)
{
	(void)state;
	assert_true(fact_key_known("kernel.release"));
	assert_true(fact_key_known("selinux.enforce")); /* only where selinuxfs is mounted */
	assert_true(fact_key_known("kconfig.OVERLAY_FS"));
	assert_true(fact_key_known("kconfig.EXT4_USE_FOR_EXT2"));
	assert_false(fact_key_known("kconfig.OVERLAY_FSS"));
	assert_false(fact_key_known("kconfig."));
	assert_false(fact_key_known("kernel.relase"));
	assert_false(fact_key_known("kernel.version")); /* a check id, not a fact */
	assert_false(fact_key_known(""));

	assert_null(fact_value_invalid("host.mode", "pod"));
	assert_null(fact_value_invalid("host.mode", "host"));
	assert_string_equal(fact_value_invalid("host.mode", "auto"), "host, pod");
	assert_non_null(fact_value_invalid("host.mode", ""));
	assert_null(fact_value_invalid("os.id", "anything"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_table_matches_probes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
