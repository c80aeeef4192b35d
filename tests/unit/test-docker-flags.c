/* SPDX-License-Identifier: MIT */
/* dockerd's flags as its flag parser reads them, the daemon.json directive each sets, and
 * where a directive is written in daemon.json (checks/docker_flags.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks/docker_flags.h"
#include "core/util.h"

struct flags {
	char out[1024];
};

static int collect(const char *name, const char *text, size_t index, void *userdata)
{
	struct flags *f = userdata;
	size_t n = strlen(f->out);

	snprintf(f->out + n, sizeof(f->out) - n, "[%s|%s|%zu]", name, text, index);
	return 0;
}

#define SCAN_IS(want, ...)                                                                         \
	do {                                                                                       \
		const char *const argv[] = {__VA_ARGS__};                                          \
		struct flags f = {.out = ""};                                                      \
                                                                                                   \
		assert_int_equal(dockerd_flags_scan(argv, ELEMENTSOF(argv), collect, &f), 0);      \
		assert_string_equal(f.out, want);                                                  \
	} while (0)

static void test_long_flags(void **state)
{
	(void)state;
	SCAN_IS("[host|--host fd://|0][containerd|--containerd=/run/c.sock|2]", "--host", "fd://",
		"--containerd=/run/c.sock");
	/* a boolean takes no next word; "=false" is still the flag given */
	SCAN_IS("[debug|--debug|0][bip|--bip 10.0.0.1/24|1][iptables|--iptables=false|3]",
		"--debug", "--bip", "10.0.0.1/24", "--iptables=false");
	/* a value flag takes the next word whatever it is; the last one without a value */
	SCAN_IS("[log-level|--log-level --debug|0][data-root|--data-root|2]", "--log-level",
		"--debug", "--data-root");
	/* "--" ends the flags; words that are not flags are passed over */
	SCAN_IS("[tls|--tls|1]", "stray", "--tls", "--", "--bip=1.2.3.4/24");
}

static void test_short_flags(void **state)
{
	(void)state;
	SCAN_IS("[host|-H fd://|0][storage-driver|-soverlay2|2][bridge|-b=br0|3]", "-H", "fd://",
		"-soverlay2", "-b=br0");
	/* grouped booleans, then one that takes a value */
	SCAN_IS("[debug|-Dl|0][log-level|-Dl debug|0][group|-G docker|2]", "-Dl", "debug", "-G",
		"docker");
	/* a letter dockerd does not have: pflag refuses it (dockerd does not start) */
	SCAN_IS("[pidfile|-p /run/d.pid|1]", "-Z", "-p", "/run/d.pid");
	SCAN_IS("", "-");
}

static void test_directives(void **state)
{
	const char *legacy;

	(void)state;
	/* named options (moby's NamedOption values) */
	assert_string_equal(dockerd_flag_directive("host", &legacy), "hosts");
	assert_null(legacy);
	assert_string_equal(dockerd_flag_directive("default-address-pool", NULL),
			    "default-address-pools");
	assert_string_equal(dockerd_flag_directive("insecure-registry", NULL),
			    "insecure-registries");
	assert_string_equal(dockerd_flag_directive("log-opt", NULL), "log-opts");
	assert_string_equal(dockerd_flag_directive("host-gateway-ip", &legacy), "host-gateway-ips");
	assert_string_equal(legacy, "host-gateway-ip");
	/* runtimes are merged, never a clash */
	assert_null(dockerd_flag_directive("add-runtime", NULL));
	/* every other flag: its own name */
	assert_string_equal(dockerd_flag_directive("data-root", NULL), "data-root");
	assert_string_equal(dockerd_flag_directive("bip", NULL), "bip");
	assert_string_equal(dockerd_flag_directive("storage-driver", NULL), "storage-driver");
	assert_string_equal(dockerd_flag_directive("default-runtime", NULL), "default-runtime");

	assert_true(dockerd_flat_directive("log-opts"));
	assert_true(dockerd_flat_directive("runtimes"));
	assert_false(dockerd_flat_directive("proxies"));
}

static void test_key_line(void **state)
{
	static const char json[] = "{\n"
				   "  \"log-opts\": {\"bip\": \"not this\"},\n"
				   "  \"x\": \"\\\"bip\\\": 1\",\n"
				   "  \"proxies\": {\n"
				   "    \"http-proxy\": \"http://p:3128\"\n"
				   "  },\n"
				   "  \"bip\"\t:\n \"10.0.0.1/24\",\n"
				   "  \"hosts\": [\"unix:///run/docker.sock\"]\n"
				   "}\n";

	(void)state;
	/* at the top level first, else one level in; not inside a string */
	assert_int_equal(daemon_json_key_line(json, sizeof(json) - 1, "bip"), 7);
	assert_int_equal(daemon_json_key_line(json, sizeof(json) - 1, "http-proxy"), 5);
	assert_int_equal(daemon_json_key_line(json, sizeof(json) - 1, "hosts"), 9);
	assert_int_equal(daemon_json_key_line(json, sizeof(json) - 1, "data-root"), 0);
	/* a value, not a member name */
	assert_int_equal(daemon_json_key_line("{\"a\": \"bip\"}", 12, "bip"), 0);
	/* an unterminated string ends the scan */
	assert_int_equal(daemon_json_key_line("{\"bi", 4, "bip"), 0);
	assert_int_equal(daemon_json_key_line("", 0, "bip"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_long_flags),
	    cmocka_unit_test(test_short_flags),
	    cmocka_unit_test(test_directives),
	    cmocka_unit_test(test_key_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
