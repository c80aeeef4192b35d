/* SPDX-License-Identifier: MIT */
/* gpu.devices: the sysfs reader on fixture trees, and every status of the rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check-harness.h"

static const struct config cfg = {.data_root = DATA_ROOT_DEFAULT};

/* Runs gpu.devices's probes on a tree; returns the gpu.pci fact's value (caller frees). */
static char *probe_tree(const char *root)
{
	struct facts f = {0};
	const struct fact *pci;
	char *v;

	check_probe(root, "gpu.devices", &cfg, &f);
	pci = facts_get(&f, "gpu.pci");
	assert_non_null(pci);
	v = pci->err ? strdup_printf("errno %d", pci->err) : strdup(pci->value);
	facts_free(&f);
	return v;
}

static void test_probe_fixtures(void **state)
{
	static const struct {
		const char *root;
		const char *pci; /* display controllers, in directory order: compared as a set */
	} cases[] = {
	    {FIXTURE("hw-nvidia-metal"), "10de:20b5@0000:01:00.0 1a03:2000@0000:02:00.0"},
	    {FIXTURE("hw-nvidia-kvm"), "10de:20b5@0000:00:05.0 1234:1111@0000:00:01.0"},
	    {FIXTURE("hw-amd-metal"), "1002:73bf@0000:03:00.0"},
	    {FIXTURE("hw-none"), "1a03:2000@0000:02:00.0"},
	    {FIXTURE("ubuntu-22.04"), "errno 2"}, /* no /sys at all */
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *got = probe_tree(cases[i].root);
		_cleanup_free_ char *want = strdup(cases[i].pci);
		char *save = NULL;
		size_t n_want = 0, n_got = 0;

		for (char *w = strtok_r(want, " ", &save); w;
		     w = strtok_r(NULL, " ", &save), n_want++)
			if (!words_intersect(w, got))
				fail_msg("%s: want %s in '%s'", cases[i].root, w, got);
		for (const char *p = got; *p;
		     p += strspn(p, " "), n_got += *p != '\0', p += strcspn(p, " "))
			;
		assert_int_equal(n_got, n_want);
	}
}

static enum status judge(const char *pci, int pci_err, const char *virt, int virt_err, char *msg,
			 size_t size)
{
	const struct check *c = checks_find("gpu.devices");
	struct facts f = {0};
	struct result r = {.check = c};
	enum status s;

	if (pci_err)
		facts_set_err(&f, "gpu.pci", "test", pci_err);
	else
		facts_set(&f, "gpu.pci", "test", pci);
	/* the facts platform.virt is told from: "none" is bare metal, else a DMI vendor */
	if (virt_err)
		facts_set_err(&f, "platform.hypervisor", "test", virt_err);
	else if (virt)
		facts_set(&f, "platform.hypervisor", "test", "no");
	if (virt && !streq(virt, "none"))
		facts_set(&f, "platform.dmi.sys_vendor", "test", virt);
	assert_int_equal(c->rule(c, &f, &cfg, &r), 0);
	s = r.status;
	snprintf(msg, size, "%s", r.message ? r.message : "");
	result_free(&r);
	facts_free(&f);
	return s;
}

static void test_rule(void **state)
{
	static const struct {
		const char *pci;
		int pci_err;
		const char *virt;
		int virt_err;
		enum status want;
		const char *msg;
	} cases[] = {
	    {"10de:20b5@0000:01:00.0 1a03:2000@0000:02:00.0", 0, "none", 0, STATUS_PASS, "beta"},
	    {"10de:20b5@0000:00:05.0", 0, "QEMU", 0, STATUS_WARN, "bare metal only"},
	    {"10de:20b5@0000:00:05.0", 0, "Amazon EC2", 0, STATUS_WARN, "(amazon)"},
	    {"1002:73bf@0000:03:00.0", 0, "none", 0, STATUS_WARN, "AMD"},
	    {"1002:73bf@0000:03:00.0 10de:20b5@0000:01:00.0", 0, "none", 0, STATUS_WARN,
	     "NVIDIA GPUs present as well"},
	    {"", 0, "none", 0, STATUS_SKIP, "no NVIDIA or AMD GPU"},
	    {"1a03:2000@0000:02:00.0 8086:4680@0000:00:02.0", 0, NULL, 0, STATUS_SKIP, "no NVIDIA"},
	    {NULL, EACCES, "none", 0, STATUS_UNKNOWN, "cannot read"},
	    {"10de:20b5@0000:01:00.0", 0, NULL, ENOENT, STATUS_UNKNOWN, "cannot read"},
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char msg[256];

		if (judge(cases[i].pci, cases[i].pci_err, cases[i].virt, cases[i].virt_err, msg,
			  sizeof(msg)) != cases[i].want ||
		    !strstr(msg, cases[i].msg))
			fail_msg("case %zu: %s", i, msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_probe_fixtures),
	    cmocka_unit_test(test_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
