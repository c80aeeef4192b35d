/* SPDX-License-Identifier: MIT */
/* platform.virt: the probe on fixture trees (DMI, cpuinfo) and the rule's statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

static const struct config cfg = {.data_root = DATA_ROOT_DEFAULT};

static void test_probe_fixtures(void **state)
{
	static const struct {
		const char *root;
		const char *virt;
		const char *hypervisor;
	} cases[] = {
	    {FIXTURE("hw-nvidia-metal"), "none", "no"},
	    {FIXTURE("hw-nvidia-kvm"), "qemu", "yes"},
	    {FIXTURE("hw-amd-metal"), "none", "no"},
	    {FIXTURE("hw-none"), "none", "no"}, /* no DMI: the CPU flag decides */
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct host h;
		struct facts f = {0};

		assert_int_equal(host_open(&h, cases[i].root, NULL, NULL), 0);
		assert_int_equal(probe_virt(&h, &cfg, &f), 0);
		assert_null(facts_get(&f, "platform.virt")); /* told by the rules, not recorded */
		assert_string_equal(virt_classify(facts_get(&f, "platform.dmi.sys_vendor")->value,
						  facts_get(&f, "platform.dmi.product_name")->value,
						  facts_get(&f, "platform.hypervisor")->value),
				    cases[i].virt);
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
	assert_int_equal(host_open(&h, FIXTURE("empty"), NULL, NULL), 0);
	assert_int_equal(probe_virt(&h, &cfg, &f), 0);
	assert_int_equal(facts_get(&f, "platform.hypervisor")->err, ENOENT);
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
	facts_set(&f, "platform.hypervisor", "test", "yes");
	assert_int_equal(judge(&f, observed, sizeof(observed)), STATUS_PASS);
	assert_string_equal(observed, "qemu (QEMU Standard PC (i440FX + PIIX, 1996))");

	facts_set(&f, "platform.dmi.sys_vendor", "test", "Dell Inc.");
	facts_set(&f, "platform.dmi.product_name", "test", "PowerEdge R750");
	facts_set(&f, "platform.hypervisor", "test", "no");
	assert_int_equal(judge(&f, observed, sizeof(observed)), STATUS_PASS);
	assert_string_equal(observed, "bare metal (Dell Inc. PowerEdge R750)");

	/* the facts decide, as --assume sets them: QEMU over a bare-metal CPU flag */
	facts_set(&f, "platform.dmi.sys_vendor", "--assume", "QEMU");
	assert_int_equal(judge(&f, observed, sizeof(observed)), STATUS_PASS);
	assert_string_equal(observed, "qemu (QEMU PowerEdge R750)");

	facts_set(&f, "platform.dmi.sys_vendor", "test", "Dell Inc.");
	facts_set_err(&f, "platform.hypervisor", "/proc/cpuinfo", EACCES);
	assert_int_equal(judge(&f, observed, sizeof(observed)), STATUS_UNKNOWN);
	facts_free(&f);

	/* nothing recorded at all */
	assert_int_equal(judge(&f, observed, sizeof(observed)), STATUS_UNKNOWN);
}

/* The classification alone: DMI first (systemd's table, prefixes), then the CPU flag. */
static void test_classify(void **state)
{
	static const struct {
		const char *vendor, *product, *hypervisor, *want;
	} cases[] = {
	    {"QEMU", "Standard PC (Q35 + ICH9, 2009)", "yes", "qemu"},
	    {"QEMU", NULL, "no", "qemu"}, /* DMI wins over the flag */
	    {"Red Hat", "KVM", NULL, "kvm"},
	    {"Amazon EC2", "m5.metal", "no", "amazon"}, /* cloud bare metal counts as cloud */
	    {"Google", "Google Compute Engine", "yes", "google"},
	    {"Google", "Pixel", "no", "none"},
	    {"Microsoft Corporation", "Virtual Machine", "yes", "microsoft"},
	    {"Microsoft Corporation", "Surface", "no", "none"},
	    {"Hetzner", "vServer", "yes", "hetzner"},
	    {"Supermicro", "SYS-420GP-TNR", "no", "none"},
	    {"Supermicro", "SYS-420GP-TNR", "yes", "vm-other"},
	    {NULL, NULL, "yes", "vm-other"},
	    {NULL, NULL, "no", "none"},
	    {"Supermicro", NULL, NULL, NULL}, /* nothing tells */
	    {NULL, NULL, NULL, NULL},
	    {"", "", "", "none"},
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const char *got = virt_classify(cases[i].vendor, cases[i].product, cases[i].hypervisor);

		if (!streq_ptr(got, cases[i].want))
			fail_msg("case %zu: got %s, want %s", i, got ? got : "NULL",
				 cases[i].want ? cases[i].want : "NULL");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_probe_fixtures),
	    cmocka_unit_test(test_probe_empty),
	    cmocka_unit_test(test_rule),
	    cmocka_unit_test(test_classify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
