/* SPDX-License-Identifier: MIT */
/* platform.virt: the probe on fixture trees (DMI, cpuinfo) and the rule's statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks/checks.h"
#include "core/util.h"

static const struct config cfg = {.data_root = DATA_ROOT_DEFAULT};

static void test_probe_fixtures(void **state)
{
	static const struct {
		const char *root;
		const char *virt;
		const char *hypervisor;
	} cases[] = {
	    {"tests/fixtures/hw-nvidia-metal", "none", "no"},
	    {"tests/fixtures/hw-nvidia-kvm", "qemu", "yes"},
	    {"tests/fixtures/hw-amd-metal", "none", "no"},
	    {"tests/fixtures/hw-none", "none", "no"}, /* no DMI: the CPU flag decides */
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct host h;
		struct facts f = {0};

		assert_int_equal(host_open(&h, cases[i].root, NULL, NULL), 0);
		assert_int_equal(probe_virt(&h, &cfg, &f), 0);
		assert_string_equal(facts_get(&f, "platform.virt")->value, cases[i].virt);
		assert_string_equal(facts_get(&f, "platform.hypervisor")->value,
				    cases[i].hypervisor);
		facts_free(&f);
		host_close(&h);
	}
}

/* A tree with neither DMI nor cpuinfo: nothing can be told. */
static void test_probe_empty(void **state)
{
	struct host h;
	struct facts f = {0};

	(void)state;
	assert_int_equal(host_open(&h, "tests/fixtures/empty", NULL, NULL), 0);
	assert_int_equal(probe_virt(&h, &cfg, &f), 0);
	assert_int_equal(facts_get(&f, "platform.virt")->err, ENOENT);
	facts_free(&f);
	host_close(&h);
}

static enum status judge(struct facts *f, char *observed, size_t size)
{
	const struct check *c = checks_find("platform.virt");
	struct result r = {.check = c};
	enum status s;

	assert_int_equal(c->rule(c, f, &cfg, &r), 0);
	s = r.status;
	snprintf(observed, size, "%s", r.observed ? r.observed : "");
	result_free(&r);
	return s;
}

static void test_rule(void **state)
{
	struct facts f = {0};
	char observed[128];

	(void)state;
	facts_set(&f, "platform.dmi.sys_vendor", "test", "QEMU");
	facts_set(&f, "platform.dmi.product_name", "test", "Standard PC (i440FX + PIIX, 1996)");
	facts_set(&f, "platform.virt", "test", "qemu");
	assert_int_equal(judge(&f, observed, sizeof(observed)), STATUS_PASS);
	assert_string_equal(observed, "qemu (QEMU Standard PC (i440FX + PIIX, 1996))");

	facts_set(&f, "platform.dmi.sys_vendor", "test", "Dell Inc.");
	facts_set(&f, "platform.dmi.product_name", "test", "PowerEdge R750");
	facts_set(&f, "platform.virt", "test", "none");
	assert_int_equal(judge(&f, observed, sizeof(observed)), STATUS_PASS);
	assert_string_equal(observed, "bare metal (Dell Inc. PowerEdge R750)");

	facts_set_err(&f, "platform.virt", "/proc/cpuinfo", EACCES);
	assert_int_equal(judge(&f, observed, sizeof(observed)), STATUS_UNKNOWN);
	facts_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_probe_fixtures),
	    cmocka_unit_test(test_probe_empty),
	    cmocka_unit_test(test_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
