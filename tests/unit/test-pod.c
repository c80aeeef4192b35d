/* SPDX-License-Identifier: MIT */
/* pod.privileged, pod.hostpaths, pod.modules-match and the mode helpers: the rules on facts set
 * by hand, every status each can return; the hostPath table and its writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks/checks.h"
#include "checks/pod.h"
#include "core/util.h"
#include "reports/hostpaths.h"

static const struct profile *coder(void)
{
	return profile_find("coder");
}

/* key=value; a value "!ENOENT" records that errno, "~" records null. */
static void set(struct facts *f, const char *key, const char *value)
{
	if (value && value[0] == '!')
		assert_int_equal(facts_set_err(f, key, "/test", streq(value, "!EACCES") ? EACCES : ENOENT), 0);
	else
		assert_int_equal(facts_set(f, key, "/test", value && streq(value, "~") ? NULL : value), 0);
}

/* Runs check id's rule on f; returns the status and leaves the message in *msg (caller frees). */
static enum status run(const char *id, const struct facts *f, bool caching, bool autoload,
		       char **msg)
{
	const struct check *c = checks_find(id);
	struct config cfg = { .profile = coder(), .caching = caching, .shiftfs_autoload = autoload };
	struct result r = { .check = c };
	enum status s;

	assert_non_null(c);
	assert_int_equal(c->rule(c, f, &cfg, &r), 0);
	s = r.status;
	*msg = r.message ? strdup(r.message) : strdup("");
	result_free(&r);
	return s;
}

static void expect(const char *id, const struct facts *f, bool caching, bool autoload,
		   enum status want, const char *needle)
{
	_cleanup_free_ char *msg = NULL;
	enum status s = run(id, f, caching, autoload, &msg);

	if (s != want || (needle && !strstr(msg, needle)))
		fail_msg("%s: got %s '%s', want %s containing '%s'", id, status_to_string(s), msg,
			 status_to_string(want), needle ? needle : "");
}

static void privileged_facts(struct facts *f)
{
	set(f, "host.mode", "pod");
	set(f, "pod.cap_eff", "000001ffffffffff");
	set(f, "pod.cap_last_cap", "40");
	set(f, "pod.seccomp", "0");
	set(f, "pod.apparmor", "unconfined");
	set(f, "pod.sys_mount", "rw,nosuid,nodev,noexec,relatime");
	set(f, "pod.dev_block", "loop0 sda");
}

static void test_privileged(void **state)
{
	static const struct {
		const char *key, *value;
		enum status want;
		const char *needle;
	} cases[] = {
		{ NULL, NULL, STATUS_PASS, "privileged" },
		/* this sandbox: root without CAP_SYS_RESOURCE (bit 24) */
		{ "pod.cap_eff", "000001fffeffffff", STATUS_FAIL, "missing capability: cap_sys_resource" },
		{ "pod.cap_eff", "00000000a80425fb", STATUS_FAIL, "cap_dac_read_search, cap_linux_immutable" },
		{ "pod.cap_last_cap", "42", STATUS_FAIL, "missing capabilities: cap_41, cap_42" },
		{ "pod.cap_eff", "zz", STATUS_UNKNOWN, "cannot parse CapEff" },
		/* strict hex only: strtoull's sign, "0x" and blanks are no mask */
		{ "pod.cap_eff", "-1", STATUS_UNKNOWN, "cannot parse CapEff '-1'" },
		{ "pod.cap_eff", "+1ffffffffff", STATUS_UNKNOWN, "cannot parse CapEff" },
		{ "pod.cap_eff", "0x1ffffffffff", STATUS_UNKNOWN, "cannot parse CapEff" },
		{ "pod.cap_eff", " 1ffffffffff", STATUS_UNKNOWN, "cannot parse CapEff" },
		{ "pod.cap_eff", "", STATUS_UNKNOWN, "cannot parse CapEff" },
		{ "pod.cap_eff", "0001000001ffffffffff", STATUS_UNKNOWN, "cannot parse CapEff" },
		{ "pod.cap_eff", "1FFFFFFFFFF", STATUS_PASS, NULL },
		{ "pod.cap_last_cap", "+40", STATUS_UNKNOWN, "cannot parse cap_last_cap" },
		{ "pod.cap_last_cap", "-1", STATUS_UNKNOWN, "cannot parse cap_last_cap" },
		/* not root: its own CapEff 0 says nothing of the container's */
		{ "pod.uid", "65534\t65534\t65534\t65534", STATUS_UNKNOWN, "not root (uid 65534)" },
		{ "pod.uid", "0\t1000\t0\t0", STATUS_UNKNOWN, "not root (uid 1000)" },
		{ "pod.uid", "1000\t0\t1000\t1000", STATUS_PASS, NULL },
		{ "pod.uid", "0\t0\t0\t0", STATUS_PASS, NULL },
		{ "pod.uid", "~", STATUS_PASS, NULL },
		{ "pod.uid", "garbage", STATUS_PASS, NULL },
		{ "pod.cap_last_cap", "!EACCES", STATUS_UNKNOWN, "cannot read '/test'" },
		{ "pod.seccomp", "2", STATUS_FAIL, "seccomp mode 2" },
		{ "pod.seccomp", "~", STATUS_PASS, NULL }, /* kernel without seccomp */
		{ "pod.apparmor", "cri-containerd.apparmor.d (enforce)", STATUS_FAIL,
		  "AppArmor profile 'cri-containerd.apparmor.d (enforce)'" },
		{ "pod.apparmor", "~", STATUS_PASS, NULL }, /* no AppArmor */
		{ "pod.sys_mount", "ro,nosuid,nodev,noexec,relatime", STATUS_FAIL, "/sys is mounted read-only" },
		{ "pod.sys_mount", "~", STATUS_FAIL, "/sys is not mounted" },
		{ "pod.sys_mount", "rw,rootcontext=x", STATUS_PASS, NULL },
		{ "pod.dev_block", "", STATUS_FAIL, "no host block device in /dev" },
		{ "pod.dev_block", "!EACCES", STATUS_UNKNOWN, "cannot read" },
		{ "host.mode", "host", STATUS_SKIP, "not in a pod" },
		{ "host.mode", "banana", STATUS_UNKNOWN, "neither host nor pod" },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct facts f = { 0 };

		privileged_facts(&f);
		if (cases[i].key)
			set(&f, cases[i].key, cases[i].value);
		expect("pod.privileged", &f, false, false, cases[i].want, cases[i].needle);
		facts_free(&f);
	}
	{
		/* a failure wins over evidence that could not be read */
		struct facts f = { 0 };

		privileged_facts(&f);
		set(&f, "pod.seccomp", "2");
		set(&f, "pod.apparmor", "!EACCES");
		expect("pod.privileged", &f, false, false, STATUS_FAIL, "seccomp mode 2");
		facts_free(&f);
	}
	{
		struct facts f = { 0 };

		expect("pod.privileged", &f, false, false, STATUS_UNKNOWN, "host.mode");
	}
}

static void mounts(struct facts *f, const char *usr_src, const char *lib_modules,
		   const char *var_run, const char *var_lib)
{
	set(f, "host.mode", "pod");
	set(f, "pod.mount.usr-src", usr_src);
	set(f, "pod.mount.lib-modules", lib_modules);
	set(f, "pod.mount.var-run", var_run);
	set(f, "pod.mount.var-lib", var_lib);
}

static void test_hostpaths(void **state)
{
	static const char *const RO = "ro,relatime", *const RW = "rw,relatime", *const NO = "~";
	static const struct {
		const char *m[4];
		bool caching, autoload;
		enum status want;
		const char *needle;
	} cases[] = {
		/* row 1: caching off */
		{ { RO, RO, NO, NO }, false, false, STATUS_PASS, NULL },
		{ { RO, RO, NO, NO }, false, true, STATUS_PASS, NULL }, /* autoload N/A */
		{ { RW, RO, NO, NO }, false, false, STATUS_WARN, "/usr/src is mounted rw where ro is enough" },
		{ { RO, NO, NO, NO }, false, false, STATUS_FAIL, "/lib/modules is not mounted (want ro)" },
		{ { RO, "!EACCES", NO, NO }, false, false, STATUS_UNKNOWN, "cannot read" },
		/* row 2: caching on, autoload off */
		{ { RO, RO, RO, RW }, true, false, STATUS_PASS, NULL },
		{ { RO, RO, RO, RO }, true, false, STATUS_FAIL, "/var/lib is mounted read-only (want rw)" },
		{ { RO, RO, NO, RW }, true, false, STATUS_FAIL, "/var/run is not mounted (want ro)" },
		{ { RO, RO, RW, RW }, true, false, STATUS_WARN, "/var/run is mounted rw" },
		/* row 3: caching on, autoload on */
		{ { RW, RW, RO, RW }, true, true, STATUS_PASS, NULL },
		{ { RO, RW, RO, RW }, true, true, STATUS_FAIL, "/usr/src is mounted read-only (want rw)" },
		{ { RO, RO, RO, RW }, true, true, STATUS_FAIL, "/lib/modules is mounted read-only" },
		/* a fail wins over a warning and an unknown */
		{ { RW, NO, "!EACCES", RW }, true, false, STATUS_FAIL, "/lib/modules is not mounted" },
		/* an unknown wins over a warning */
		{ { RW, "!EACCES", NO, NO }, false, false, STATUS_UNKNOWN, NULL },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct facts f = { 0 };

		mounts(&f, cases[i].m[0], cases[i].m[1], cases[i].m[2], cases[i].m[3]);
		expect("pod.hostpaths", &f, cases[i].caching, cases[i].autoload, cases[i].want,
		       cases[i].needle);
		facts_free(&f);
	}
	{
		struct facts f = { 0 };

		mounts(&f, NO, NO, NO, NO);
		set(&f, "host.mode", "host");
		expect("pod.hostpaths", &f, false, false, STATUS_SKIP, "mode host");
		facts_free(&f);
	}
}

static void test_modules_match(void **state)
{
	static const struct {
		const char *modules, *headers, *release;
		enum status want;
		const char *needle;
	} cases[] = {
		{ "/lib/modules/5.15.0-91-generic", "/usr/src/linux-headers-5.15.0-91-generic",
		  "5.15.0-91-generic", STATUS_PASS, "visible" },
		{ "~", "/usr/src/linux-headers-5.15.0-91-generic", "5.15.0-91-generic", STATUS_FAIL,
		  "no modules for the running kernel 5.15.0-91-generic" },
		{ "/lib/modules/5.15.0-91-generic", "~", "5.15.0-91-generic", STATUS_FAIL,
		  "no headers" },
		{ "!EACCES", "~", "5.15.0-91-generic", STATUS_FAIL, "no headers" },
		{ "!EACCES", "/usr/src/x", "5.15.0-91-generic", STATUS_UNKNOWN, "cannot read" },
		{ "/lib/modules/x", "/usr/src/x", "!ENOENT", STATUS_UNKNOWN, "cannot read" },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct facts f = { 0 };

		set(&f, "host.mode", "pod");
		set(&f, "kernel.release", cases[i].release);
		set(&f, "pod.modules", cases[i].modules);
		set(&f, "kernel.headers", cases[i].headers);
		expect("pod.modules-match", &f, false, false, cases[i].want, cases[i].needle);
		set(&f, "host.mode", "host");
		expect("pod.modules-match", &f, false, false, STATUS_SKIP, NULL);
		facts_free(&f);
	}
}

/* A non-root process's own CapEff 0 does not fail a privileged pod; a seccomp filter still does. */
static void test_privileged_not_root(void **state)
{
	struct facts f = { 0 };

	(void)state;
	privileged_facts(&f);
	set(&f, "pod.cap_eff", "0000000000000000");
	set(&f, "pod.uid", "65534\t65534\t65534\t65534");
	expect("pod.privileged", &f, false, false, STATUS_UNKNOWN, "not root");
	set(&f, "pod.seccomp", "2");
	expect("pod.privileged", &f, false, false, STATUS_FAIL, "seccomp mode 2");
	facts_free(&f);
}

static void test_status_parsers(void **state)
{
	static const char status[] = "Name:\tcvmprep\nUid:\t0\t65534\t0\t0\nCapEff:\t000001ffffffffff\n"
				     "Seccomp:\t2";
	char *v = NULL;
	uint64_t m;

	(void)state;
	assert_int_equal(pod_status_field(status, "CapEff:", &v), 1);
	assert_string_equal(v, "000001ffffffffff");
	free(v);
	assert_int_equal(pod_status_field(status, "Seccomp:", &v), 1);
	assert_string_equal(v, "2");
	free(v);
	assert_int_equal(pod_status_field(status, "CapBnd:", &v), 0);
	assert_int_equal(pod_status_field("", "CapEff:", &v), 0);
	assert_int_equal(pod_parse_capmask("000001ffffffffff", &m), 0);
	assert_true(m == 0x1ffffffffffULL);
	assert_int_equal(pod_parse_capmask("ffffffffffffffff", &m), 0);
	assert_true(m == UINT64_MAX);
	assert_int_equal(pod_parse_capmask("1ffffffffffffffff", &m), -EINVAL);
	assert_int_equal(pod_parse_capmask("-1", &m), -EINVAL);
	assert_int_equal(pod_parse_capmask("0x1f", &m), -EINVAL);
	assert_int_equal(pod_parse_capmask("1f\n", &m), -EINVAL);
}

static void test_hostpath_table(void **state)
{
	(void)state;
	assert_string_equal(hostpath_row(false, false)->autoload, "N/A");
	assert_ptr_equal(hostpath_row(false, true), hostpath_row(false, false));
	assert_int_equal(hostpath_row(true, false)->mode[3], HOSTPATH_RW);
	assert_int_equal(hostpath_row(true, false)->mode[0], HOSTPATH_RO);
	assert_int_equal(hostpath_row(true, true)->mode[0], HOSTPATH_RW);
	assert_int_equal(hostpath_row(true, true)->mode[2], HOSTPATH_RO);
	assert_null(hostpath_mode_to_string(HOSTPATH_NONE));
}

static void test_hostpaths_write(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(out);
	assert_int_equal(hostpaths_write(out, true, false, "yaml"), 0);
	assert_int_equal(hostpaths_write(out, false, false, "xml"), -EINVAL);
	fclose(out);
	assert_non_null(strstr(buf, "volumes:\n  - name: usr-src\n    hostPath:\n      path: /usr/src\n"));
	assert_non_null(strstr(buf, "  - name: var-lib\n    mountPath: /var/lib\n    readOnly: false\n"));
	assert_non_null(strstr(buf, "  - name: var-run\n    mountPath: /var/run\n    readOnly: true\n"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_privileged),     cmocka_unit_test(test_hostpaths),
		cmocka_unit_test(test_modules_match),
		cmocka_unit_test(test_hostpath_table), cmocka_unit_test(test_hostpaths_write),
		cmocka_unit_test(test_privileged_not_root), cmocka_unit_test(test_status_parsers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
