/* SPDX-License-Identifier: MIT */
/* provision/: the parsers and pure transformations: apt-get -s and apt-cache madison output,
 * daemon.json (the merge keeping keys and order, the 4-space form sysbox-ce's postinst reads), Depends lookup, SHA-256. */
#include <cJSON.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/daemon-json.h"
#include "core/util.h"
#include "provision/aptparse.h"
#include "provision/daemonjson.h"
#include "provision/download.h"
#include "provision/pkgdb.h"
#include "provision/releases.h"
#include "provision/sha256.h"

/* An exact-size heap copy, so that a read past len is a heap overflow under ASan. */
static char *exact(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, s, len);
	return p;
}

static int collect_change(const struct apt_change *c, void *userdata)
{
	char *out = userdata;
	size_t n = strlen(out);

	snprintf(out + n, 1024 - n, "%s %s [%s] (%s)|", apt_op_to_string(c->op), c->name,
		 c->old_ver, c->new_ver);
	return 0;
}

static int sim(const char *text, char *out, unsigned *line)
{
	char *buf = exact(text, strlen(text));
	int r;

	out[0] = '\0';
	r = apt_sim_parse(buf, strlen(text), collect_change, out, line);
	free(buf);
	return r;
}

/* What apt 2.6 prints for a downgrade that removes docker-ce (LC_ALL=C). */
static void test_sim_downgrade(void **state _unused_)
{
	char out[1024];
	const char *text =
	    "NOTE: This is only a simulation!\n"
	    "      apt-get needs root privileges for real execution.\n"
	    "Reading package lists...\n"
	    "The following packages will be REMOVED:\n"
	    "  docker-ce\n"
	    "Remv docker-ce [5:24.0.7-1~debian.12~bookworm]\n"
	    "Inst containerd.io [1.6.9-1] (1.5.11-1 local:stable [amd64])\n"
	    "Conf containerd.io (1.5.11-1 local:stable [amd64])\n"
	    "Inst rsync (3.2.7-1 Debian:12.5/stable [amd64]) []\n"
	    "Inst libfoo:i386 (1.0 x [i386]) [containerd.io ]";

	assert_int_equal(sim(text, out, NULL), 5);
	assert_string_equal(out, "Remv docker-ce [5:24.0.7-1~debian.12~bookworm] ()|"
				 "Inst containerd.io [1.6.9-1] (1.5.11-1)|"
				 "Conf containerd.io [] (1.5.11-1)|"
				 "Inst rsync [] (3.2.7-1)|"
				 "Inst libfoo:i386 [] (1.0)|");
}

static void test_sim_bad(void **state _unused_)
{
	static const char *const bad[] = {
		"Inst \n",
		"Inst x [1.0\n",
		"Inst x (1.0\n",
		"Inst x\n",      /* no new version */
		"Conf x [1]\n", /* no new version */
		"Remv x [\n",
	};
	char out[1024], longname[APT_FIELD_MAX + 16];
	unsigned line = 0;

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		line = 0;
		assert_int_equal(sim(bad[i], out, &line), -EBADMSG);
		assert_int_equal(line, 1);
	}
	memset(longname, 'a', sizeof(longname));
	memcpy(longname, "Remv ", 5);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(sim(longname, out, &line), -EBADMSG);
	/* Lines that are not actions are skipped, whatever they hold. */
	assert_int_equal(sim("Instx\nInstall\n\n\nRemove x\n", out, &line), 0);
	assert_int_equal(sim("ok\nRemv y [2]\nInst (", out, &line), -EBADMSG);
	assert_int_equal(line, 3);
}

static int collect_offer(const char *name, const char *version, const char *source,
			 void *userdata)
{
	char *out = userdata;
	size_t n = strlen(out);

	snprintf(out + n, 1024 - n, "%s=%s@%s|", name, version, source);
	return 0;
}

static void test_madison(void **state _unused_)
{
	const char *text = "containerd.io |   1.6.9-1 | file:/srv/repo ./ Packages\n"
			   "containerd.io |  1.5.11-1 | https://download.docker.com/linux/debian "
			   "bookworm/stable amd64 Packages\n"
			   "garbage line\n"
			   " a | | c\n"
			   "x|y|z";
	char out[1024] = "", *buf = exact(text, strlen(text));

	assert_int_equal(apt_madison_parse(buf, strlen(text), collect_offer, out), 3);
	free(buf);
	assert_string_equal(out, "containerd.io=1.6.9-1@file:/srv/repo ./ Packages|"
				 "containerd.io=1.5.11-1@https://download.docker.com/linux/debian "
				 "bookworm/stable amd64 Packages|x=y@z|");
}

static cJSON *parse_ok(const char *text)
{
	struct daemon_json dj = { 0 };
	char *buf = exact(text, strlen(text));
	cJSON *json;

	assert_int_equal(daemon_json_parse(buf, strlen(text), &dj), 0);
	free(buf);
	assert_int_equal(dj.state, DAEMON_JSON_OBJECT);
	json = TAKE_PTR(dj.root);
	daemon_json_free(&dj);
	return json;
}

static char *print(const cJSON *json)
{
	char *text = NULL;
	size_t len = 0;

	assert_int_equal(dj_print(json, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	return text;
}

static void test_dj_merge(void **state _unused_)
{
	cJSON *json = parse_ok("{\"log-driver\":\"json-file\",\"runtimes\":{\"kata\":{\"path\":"
			       "\"/usr/bin/kata\"}},\"debug\":true,\"mtu\":1450,\"x\":[],\"e\":{}}");
	char *text;

	assert_int_equal(dj_set_runtime(json, SYSBOX_RUNC_NAME, SYSBOX_RUNC_PATH), 1);
	assert_int_equal(dj_set_runtime(json, SYSBOX_RUNC_NAME, SYSBOX_RUNC_PATH), 0);
	assert_int_equal(dj_set_network(json), 1);
	assert_int_equal(dj_set_network(json), 0);
	text = print(json);
	assert_string_equal(text, "{\n"
				  "    \"log-driver\": \"json-file\",\n"
				  "    \"runtimes\": {\n"
				  "        \"kata\": {\n"
				  "            \"path\": \"/usr/bin/kata\"\n"
				  "        },\n"
				  "        \"sysbox-runc\": {\n"
				  "            \"path\": \"/usr/bin/sysbox-runc\"\n"
				  "        }\n"
				  "    },\n"
				  "    \"debug\": true,\n"
				  "    \"mtu\": 1450,\n"
				  "    \"x\": [],\n"
				  "    \"e\": {},\n"
				  "    \"bip\": \"172.20.0.1/16\",\n"
				  "    \"default-address-pools\": [\n"
				  "        {\n"
				  "            \"base\": \"172.25.0.0/16\",\n"
				  "            \"size\": 24\n"
				  "        }\n"
				  "    ]\n"
				  "}\n");
	free(text);
	cJSON_Delete(json);

	/* An existing bip is the operator's: kept; an empty one is filled, in its place. */
	json = parse_ok("{\"bip\":\"\",\"default-address-pools\":[{\"base\":\"10.9.0.0/16\","
			"\"size\":24}],\"runtimes\":{\"sysbox-runc\":{\"path\":\"/usr/local/sbin/"
			"sysbox-runc\",\"runtimeArgs\":[\"--x\"]}}}");
	assert_int_equal(dj_set_network(json), 1);
	assert_int_equal(dj_set_runtime(json, SYSBOX_RUNC_NAME, SYSBOX_RUNC_PATH), 1);
	text = print(json);
	assert_non_null(strstr(text, "\"bip\": \"172.20.0.1/16\",\n    \"default-address-pools\""));
	assert_non_null(strstr(text, "10.9.0.0/16"));
	assert_non_null(strstr(text, "\"path\": \"/usr/bin/sysbox-runc\",\n            "
				     "\"runtimeArgs\": [\n                \"--x\"\n"));
	free(text);
	cJSON_Delete(json);

	json = parse_ok("{\"runtimes\": [1]}");
	assert_int_equal(dj_set_runtime(json, SYSBOX_RUNC_NAME, SYSBOX_RUNC_PATH), -EINVAL);
	cJSON_Delete(json);
	json = parse_ok("{\"runtimes\": {\"sysbox-runc\": \"x\"}}");
	assert_int_equal(dj_set_runtime(json, SYSBOX_RUNC_NAME, SYSBOX_RUNC_PATH), -EINVAL);
	cJSON_Delete(json);
}

/* Strings are escaped as JSON wants, and a round trip gives the same text. */
static void test_dj_roundtrip(void **state _unused_)
{
	const char *text = "{\n    \"a\\\"b\": \"tab\\there \\u00e9\",\n    \"n\": null,\n"
			   "    \"f\": 1.5,\n    \"l\": [\n        1,\n        [],\n        \"s\"\n"
			   "    ]\n}\n";
	cJSON *json = parse_ok(text);
	char *out = print(json), *again;

	cJSON_Delete(json);
	json = parse_ok(out);
	again = print(json);
	assert_string_equal(out, again);
	assert_non_null(strstr(out, "\"a\\\"b\": \"tab\\there"));
	free(out);
	free(again);
	cJSON_Delete(json);
}

static void test_depends_on(void **state _unused_)
{
	char *d;

	d = prov_depends_on("containerd.io (>= 1.6.24), docker-ce-cli, iptables", "containerd.io");
	assert_string_equal(d, "containerd.io (>= 1.6.24)");
	free(d);
	d = prov_depends_on("libc6 (>= 2.34), containerd.io:amd64 (>= 1.4.1) | runc",
			    "containerd.io");
	assert_string_equal(d, "containerd.io:amd64 (>= 1.4.1)");
	free(d);
	d = prov_depends_on("a,\n b | containerd.io", "containerd.io");
	assert_string_equal(d, "containerd.io");
	free(d);
	assert_null(prov_depends_on("containerd.iox (>= 1), xcontainerd.io", "containerd.io"));
	assert_null(prov_depends_on(NULL, "containerd.io"));
}

static void test_sha256(void **state _unused_)
{
	char path[] = "/tmp/cvmprep-sha-XXXXXX", out[SHA256_HEX_LEN + 1];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(sha256_file(path, out), 0);
	/* FIPS 180-2, appendix B.1 */
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_true(sha256_equal(out, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
	assert_false(sha256_equal(out, "ba78"));
	assert_false(sha256_hex_valid("zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	unlink(path);
	assert_int_equal(sha256_file(path, out), -ENOENT);
}

static void test_releases(void **state _unused_)
{
	const struct sysbox_release *r = sysbox_release_find(SYSBOX_VERSION_DEFAULT, "amd64");
	char out[SHA256_HEX_LEN + 1];
	const char *why = NULL;
	char *buf = NULL;
	size_t len = 0;

	assert_non_null(r);
	assert_true(sha256_hex_valid(r->sha256));
	assert_true(startswith(r->url, "https://downloads.nestybox.com/sysbox/releases/v0.7.1/"));
	assert_non_null(sysbox_release_find("0.7.1", "arm64"));
	assert_null(sysbox_release_find("0.7.1", "ppc64el"));
	assert_null(sysbox_release_find("0.6.9", "amd64"));
	assert_null(sysbox_release_find(NULL, "amd64"));
	assert_string_equal(dpkg_arch_of_machine("x86_64"), "amd64");
	assert_string_equal(dpkg_arch_of_machine("aarch64"), "arm64");
	assert_null(dpkg_arch_of_machine("m68k"));

	assert_true(download_is_url("https://x/y.deb") && download_is_url("http://x/y.deb"));
	assert_false(download_is_url("file:///etc/passwd") || download_is_url("/srv/x.deb"));
	assert_int_equal(download_verified("file:///etc/passwd", r->sha256, &buf, &len, NULL, &why),
			 -EIO);
	assert_null(buf);
	assert_int_equal(sha256_buf("abc", 3, out), 0);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_downgrade),
		cmocka_unit_test(test_sim_bad),
		cmocka_unit_test(test_madison),
		cmocka_unit_test(test_dj_merge),
		cmocka_unit_test(test_dj_roundtrip),
		cmocka_unit_test(test_depends_on),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_releases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
