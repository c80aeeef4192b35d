/* SPDX-License-Identifier: MIT */
/*
 * kernel.config.*: the probe on trees made here (gzip and plain configs, the search order, no
 * config, unreadable and corrupt ones, long lines, the header's version), and the shared rule on
 * facts: every status it returns.
 */
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <zlib.h>
#include <cmocka.h>

#include "check-harness.h"

#include "checks/checks.h"
#include "core/fileio.h"
#include "core/strbuf.h"
#include "core/util.h"

#define RELEASE "6.1.0-13-amd64"
#define HEADER "#\n# Automatically generated file; DO NOT EDIT.\n# Linux/x86 6.1.0 Kernel Configuration\n#\n"
#define BODY                                                                                       \
	"CONFIG_USER_NS=y\nCONFIG_FUSE_FS=m\n# CONFIG_IP_VS is not set\n"                          \
	"CONFIG_USER_NS_UNPRIVILEGED=y\nCONFIG_CC_VERSION_TEXT=\"gcc\"\nCONFIG_OVERLAY_FS=yes\n"

static char tree[64];

static void mkdirs(const char *rel)
{
	_cleanup_free_ char *path = strdup_printf("%s/%s", tree, rel);

	for (char *p = path + strlen(tree) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		(void)mkdir(path, 0755);
		*p = '/';
	}
	(void)mkdir(path, 0755);
}

static void put(const char *rel, const char *text)
{
	_cleanup_free_ char *path = strdup_printf("%s/%s", tree, rel);
	_cleanup_free_ char *dir = strdup(rel);

	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	assert_int_equal(write_file_atomic(path, text, strlen(text), 0644), 0);
}

static void put_gz(const char *rel, const char *text)
{
	_cleanup_free_ char *path = strdup_printf("%s/%s", tree, rel);
	_cleanup_free_ char *dir = strdup(rel);
	gzFile gz;

	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	gz = gzopen(path, "wb");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, text, (unsigned)strlen(text)), (int)strlen(text));
	assert_int_equal(gzclose(gz), Z_OK);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* A fresh tree per test, with the release in proc/sys/kernel/osrelease unless release is NULL. */
static void fresh(const char *release)
{
	if (tree[0])
		nftw(tree, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	strcpy(tree, "/tmp/cvmprep-test-kconfig.XXXXXX");
	assert_non_null(mkdtemp(tree));
	if (release)
		put("proc/sys/kernel/osrelease", release);
}

static int teardown(void **state)
{
	(void)state;
	if (tree[0])
		nftw(tree, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* Runs the probes of kernel.config.USER_NS on the tree. */
static void probe(struct facts *f)
{
	const struct check *c = checks_find("kernel.config.USER_NS");
	const struct config cfg = { .profile = profile_find("coder") };
	struct host h;

	assert_non_null(c);
	assert_int_equal(host_open(&h, tree, NULL, NULL), 0);
	for (size_t i = 0; i < CHECK_PROBES_MAX && c->probes[i]; i++)
		assert_int_equal(c->probes[i](&h, &cfg, f), 0);
	host_close(&h);
}

static void want_value(const struct facts *f, const char *key, const char *value)
{
	const struct fact *fa = facts_get(f, key);

	assert_non_null(fa);
	assert_int_equal(fa->err, 0);
	if (!streq_ptr(fa->value, value))
		fail_msg("%s: got '%s', want '%s'", key, fa->value ? fa->value : "(null)",
			 value ? value : "(null)");
}

static void want_err(const struct facts *f, const char *key, int err)
{
	const struct fact *fa = facts_get(f, key);

	assert_non_null(fa);
	assert_int_equal(fa->err, err);
}

static void test_gzip(void **state)
{
	struct facts f = { 0 };

	(void)state;
	fresh(RELEASE);
	put_gz("proc/config.gz", HEADER BODY);
	put("boot/config-" RELEASE, "CONFIG_NAMESPACES=y\n"); /* not read: /proc/config.gz first */
	probe(&f);
	want_value(&f, "kconfig.source", "/proc/config.gz");
	want_value(&f, "kconfig.version", "6.1.0");
	want_value(&f, "kconfig.USER_NS", "y");
	want_value(&f, "kconfig.FUSE_FS", "m");
	want_value(&f, "kconfig.IP_VS", "n");      /* "# ... is not set" */
	want_value(&f, "kconfig.NAMESPACES", "n"); /* absent */
	want_value(&f, "kconfig.OVERLAY_FS", "n"); /* not a tristate value */
	want_value(&f, "kconfig.EXT4_USE_FOR_EXT2", "n");
	facts_free(&f);
}

static void test_search_order(void **state)
{
	static const char *const paths[] = {
		"boot/config-" RELEASE,
		"lib/modules/" RELEASE "/build/.config",
		"usr/lib/modules/" RELEASE "/config",
		"usr/src/linux-headers-" RELEASE "/.config",
	};

	(void)state;
	/* Each one is found when those before it are missing, and wins over those after it. */
	for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
		_cleanup_free_ char *want = strdup_printf("/%s", paths[i]);
		struct facts f = { 0 };

		fresh(RELEASE);
		for (size_t j = i; j < ELEMENTSOF(paths); j++)
			put(paths[j], j == i ? "CONFIG_NAMESPACES=m\n" : "CONFIG_NAMESPACES=y\n");
		probe(&f);
		want_value(&f, "kconfig.source", want);
		want_value(&f, "kconfig.NAMESPACES", "m");
		facts_free(&f);
	}
}

static void test_plain_without_header(void **state)
{
	struct facts f = { 0 };

	(void)state;
	fresh(RELEASE);
	put("boot/config-" RELEASE, BODY);
	probe(&f);
	want_value(&f, "kconfig.source", "/boot/config-" RELEASE);
	want_value(&f, "kconfig.version", NULL);
	want_value(&f, "kconfig.USER_NS", "y");
	facts_free(&f);
}

/* An image with no running kernel: the newest /boot/config-*. */
static void test_no_release(void **state)
{
	struct facts f = { 0 };

	(void)state;
	fresh(NULL);
	put("boot/config-5.10.0-26-amd64", "# Linux/x86 5.10.197 Kernel Configuration\n");
	put("boot/config-6.1.0-13-amd64", "# Linux/x86 6.1.55 Kernel Configuration\nCONFIG_KEYS=y\n");
	put("boot/config-garbage", "CONFIG_KEYS=n\n");
	probe(&f);
	want_value(&f, "kconfig.source", "/boot/config-6.1.0-13-amd64");
	want_value(&f, "kconfig.version", "6.1.55");
	want_value(&f, "kconfig.KEYS", "y");
	facts_free(&f);
}

static void test_none(void **state)
{
	struct facts f = { 0 };

	(void)state;
	fresh(RELEASE);
	probe(&f);
	want_err(&f, "kconfig.source", ENOENT);
	assert_null(facts_get(&f, "kconfig.USER_NS"));
	facts_free(&f);

	fresh(NULL); /* no release, no /boot */
	probe(&f);
	want_err(&f, "kconfig.source", ENOENT);
	facts_free(&f);
}

static void test_unreadable(void **state)
{
	struct facts f = { 0 };
	_cleanup_free_ char *loop = NULL;

	(void)state;
	/* Found but not readable (a directory): unknown, not "missing", and no fallback. */
	fresh(RELEASE);
	mkdirs("proc/config.gz");
	put("boot/config-" RELEASE, "CONFIG_USER_NS=y\n");
	probe(&f);
	want_err(&f, "kconfig.source", EISDIR);
	assert_null(facts_get(&f, "kconfig.USER_NS"));
	facts_free(&f);

	/* One that cannot be opened is passed over for the next, but said when none is found. */
	fresh(RELEASE);
	mkdirs("boot");
	loop = strdup_printf("%s/boot/config-" RELEASE, tree);
	assert_int_equal(symlink("config-" RELEASE, loop), 0);
	probe(&f);
	want_err(&f, "kconfig.source", ELOOP);
	assert_string_equal(facts_get(&f, "kconfig.source")->source, "/boot/config-" RELEASE);
	facts_free(&f);
	put("usr/lib/modules/" RELEASE "/config", "CONFIG_USER_NS=m\n");
	probe(&f);
	want_value(&f, "kconfig.USER_NS", "m");
	facts_free(&f);
}

static void test_corrupt_gzip(void **state)
{
	static const unsigned char garbage[] = { 0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3, 0xde,
						 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef };
	_cleanup_free_ char *path = NULL, *gz = NULL;
	struct facts f = { 0 };
	size_t len;

	(void)state;
	fresh(RELEASE);
	put_gz("proc/config.gz", HEADER BODY);
	path = strdup_printf("%s/proc/config.gz", tree);
	/* truncated: the first half of a good stream */
	assert_int_equal(read_file(path, 1 << 20, &gz, &len), 0);
	assert_int_equal(write_file_atomic(path, gz, len / 2, 0644), 0);
	probe(&f);
	want_err(&f, "kconfig.source", EBADMSG);
	facts_free(&f);
	/* not deflate data after a gzip header */
	assert_int_equal(write_file_atomic(path, garbage, sizeof(garbage), 0644), 0);
	probe(&f);
	want_err(&f, "kconfig.source", EBADMSG);
	facts_free(&f);
}

/* A config far larger than the reader's window (gzip'ed and plain): lines across the window's
 * edges are read whole, a line longer than the window is skipped whole, options after it are
 * read, and the last line needs no newline. */
static void test_windowed(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct facts f = { 0 };

	(void)state;
	strbuf_adds(&sb, "# Linux/x86 6.1.0 Kernel Configuration\n");
	for (int i = 0; i < 20000; i++) {
		strbuf_addf(&sb, "CONFIG_FILLER_%05d=%s\n", i, i % 2 ? "y" : "m");
		if (i == 7000)
			strbuf_adds(&sb, "CONFIG_USER_NS=y\n");
		if (i == 9000) {
			strbuf_adds(&sb, "CONFIG_CMDLINE=\"");
			for (int k = 0; k < 9000; k++)
				strbuf_adds(&sb, "x CONFIG_NAMESPACES=y ");
			strbuf_adds(&sb, "\"\n");
		}
		if (i == 15000)
			strbuf_adds(&sb, "# CONFIG_PID_NS is not set\n");
	}
	strbuf_adds(&sb, "CONFIG_UTS_NS=y");
	assert_int_equal(sb.err, 0);
	for (int gz = 0; gz < 2; gz++) {
		fresh(RELEASE);
		if (gz)
			put_gz("proc/config.gz", sb.buf);
		else
			put("boot/config-" RELEASE, sb.buf);
		probe(&f);
		want_value(&f, "kconfig.version", "6.1.0");
		want_value(&f, "kconfig.USER_NS", "y");
		want_value(&f, "kconfig.NAMESPACES", "n");
		want_value(&f, "kconfig.PID_NS", "n");
		want_value(&f, "kconfig.UTS_NS", "y");
		facts_free(&f);
	}
	strbuf_release(&sb);
}

/* A line longer than the parser's buffer is skipped whole: its tail is no line of its own. */
static void test_long_line(void **state)
{
	_cleanup_free_ char *text = NULL;
	char pad[2048];
	struct facts f = { 0 };

	(void)state;
	memset(pad, 'x', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	for (size_t cut = 490; cut < 520; cut++) {
		pad[cut] = '\0';
		free(text);
		text = strdup_printf("CONFIG_CMDLINE=\"%s CONFIG_NAMESPACES=y\n# %sCONFIG_PID_NS=y\n"
				     "CONFIG_UTS_NS=y\n",
				     pad, pad);
		pad[cut] = 'x';
		fresh(RELEASE);
		put("boot/config-" RELEASE, text);
		probe(&f);
		want_value(&f, "kconfig.NAMESPACES", "n");
		want_value(&f, "kconfig.PID_NS", "n");
		want_value(&f, "kconfig.UTS_NS", "y");
		facts_free(&f);
	}
}

/* A file without a single CONFIG_ line is no kernel config: unknown, not 11 FAIL and 72 WARN. */
static void test_not_a_config(void **state)
{
	static const char *const texts[] = {
		"",
		"\n\n",
		"#\n# Linux/x86 6.1.0 Kernel Configuration\n#\n",
		"<html><body>404 Not Found</body></html>\n",
		"\x7f" "ELF\x02\x01\x01garbage\n",
		"CONFIG_\n",
	};
	struct facts f = { 0 };

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
		fresh(RELEASE);
		put("boot/config-" RELEASE, texts[i]);
		probe(&f);
		want_err(&f, "kconfig.source", ENODATA);
		assert_null(facts_get(&f, "kconfig.USER_NS"));
		facts_free(&f);
	}
	/* One "not set" line is a config (all options off), gzip'ed too. */
	fresh(RELEASE);
	put_gz("proc/config.gz", "# CONFIG_USER_NS is not set\n");
	probe(&f);
	want_value(&f, "kconfig.source", "/proc/config.gz");
	want_value(&f, "kconfig.USER_NS", "n");
	facts_free(&f);
	fresh(RELEASE);
	put_gz("proc/config.gz", "");
	probe(&f);
	want_err(&f, "kconfig.source", ENODATA);
	facts_free(&f);
}

/* A CRLF file, and blanks after a value, as an editor or a copy through Windows leaves them. */
static void test_crlf(void **state)
{
	struct facts f = { 0 };

	(void)state;
	fresh(RELEASE);
	put("boot/config-" RELEASE, "# Linux/x86 6.1.0 Kernel Configuration\r\nCONFIG_USER_NS=y\r\n"
				     "CONFIG_FUSE_FS=m \r\nCONFIG_PID_NS=y\t\n# CONFIG_IP_VS is not set\r\n"
				     "CONFIG_OVERLAY_FS=y x\r\nCONFIG_UTS_NS=y");
	probe(&f);
	want_value(&f, "kconfig.version", "6.1.0");
	want_value(&f, "kconfig.USER_NS", "y");
	want_value(&f, "kconfig.FUSE_FS", "m");
	want_value(&f, "kconfig.PID_NS", "y");
	want_value(&f, "kconfig.IP_VS", "n");
	want_value(&f, "kconfig.OVERLAY_FS", "n"); /* "y x" is not a tristate */
	want_value(&f, "kconfig.UTS_NS", "y");     /* no newline at the end */
	facts_free(&f);
}

#define MAX_FACTS 6

struct kconfig_case {
	const char *id;
	const char *facts[MAX_FACTS]; /* "key=value", "key" for null, "key!errno" */
	enum status want;
	const char *message;
	const char *evidence; /* a part some evidence value must contain, or NULL */
};

#define SRC "kconfig.source=/proc/config.gz"

static const struct kconfig_case rule_cases[] = {
	{ "kernel.config.USER_NS", { SRC, "kernel.release=6.1.0", "kconfig.USER_NS=y" }, STATUS_PASS, "CONFIG_USER_NS=y", NULL },
	{ "kernel.config.FUSE_FS", { SRC, "kernel.release=6.1.0", "kconfig.FUSE_FS=m" }, STATUS_PASS, "CONFIG_FUSE_FS=m", NULL },
	{ "kernel.config.USER_NS", { SRC, "kernel.release=6.1.0", "kconfig.USER_NS=n" }, STATUS_FAIL, "not set in /proc/config.gz", NULL },
	{ "kernel.config.VETH", { SRC, "kernel.release=6.1.0", "kconfig.VETH=n" }, STATUS_WARN, "CONFIG_VETH is not set", NULL },
	{ "kernel.config.IP_VS", { SRC, "kernel.release=6.1.0", "kconfig.IP_VS=n" }, STATUS_WARN, "not set", NULL },
	/* version ranges: from the header when there is one, else the release */
	{ "kernel.config.MEMCG_SWAP", { SRC, "kernel.release=6.1.0", "kconfig.MEMCG_SWAP=n" }, STATUS_SKIP, "does not apply to kernel 6.1", NULL },
	{ "kernel.config.MEMCG_SWAP", { SRC, "kernel.release=5.4.0-42-generic", "kconfig.MEMCG_SWAP=n" }, STATUS_WARN, "not set", NULL },
	{ "kernel.config.MEMCG_SWAP", { SRC, "kernel.release=5.4.0-42-generic", "kconfig.MEMCG_SWAP=y" }, STATUS_PASS, "=y", NULL },
	{ "kernel.config.MEMCG_SWAP", { SRC, "kernel.release=6.1.0", "kconfig.version=4.19.0", "kconfig.MEMCG_SWAP=n" }, STATUS_WARN, "not set", "config is for Linux 4.19.0" },
	{ "kernel.config.MEMCG_SWAP", { SRC, "kernel.release!2", "kconfig.version=6.1.55", "kconfig.MEMCG_SWAP=n" }, STATUS_SKIP, "kernel 6.1", "not the running kernel (unknown)" },
	{ "kernel.config.CGROUP_BPF", { SRC, "kernel.release=4.14.0", "kconfig.CGROUP_BPF=n" }, STATUS_SKIP, "does not apply to kernel 4.14", NULL },
	{ "kernel.config.CGROUP_BPF", { SRC, "kernel.release=4.15.0", "kconfig.CGROUP_BPF=n" }, STATUS_WARN, "not set", NULL },
	{ "kernel.config.DEVPTS_MULTIPLE_INSTANCES", { SRC, "kernel.release=4.7.10", "kconfig.DEVPTS_MULTIPLE_INSTANCES=n" }, STATUS_WARN, "not set", NULL },
	/* with neither version known, the option is judged */
	{ "kernel.config.NF_NAT_IPV4", { SRC, "kernel.release=garbage", "kconfig.NF_NAT_IPV4=n" }, STATUS_WARN, "not set", NULL },
	/* another option that makes it unnecessary */
	{ "kernel.config.EXT3_FS", { SRC, "kernel.release=6.1.0", "kconfig.EXT3_FS=n", "kconfig.EXT4_USE_FOR_EXT2=y" }, STATUS_PASS, "not needed: CONFIG_EXT4_USE_FOR_EXT2=y", NULL },
	{ "kernel.config.EXT3_FS", { SRC, "kernel.release=6.1.0", "kconfig.EXT3_FS=n", "kconfig.EXT4_USE_FOR_EXT2=n" }, STATUS_WARN, "not set", NULL },
	{ "kernel.config.BTRFS_FS", { SRC, "kernel.release=6.1.0", "kconfig.BTRFS_FS=n", "kconfig.OVERLAY_FS=m" }, STATUS_PASS, "not needed", NULL },
	/* moby's 2025 additions, optional: the nftables modules and SCTP */
	{ "kernel.config.NF_TABLES", { SRC, "kernel.release=6.12.0", "kconfig.NF_TABLES=m" }, STATUS_PASS, "CONFIG_NF_TABLES=m", NULL },
	{ "kernel.config.NFT_FIB_IPV6", { SRC, "kernel.release=6.12.0", "kconfig.NFT_FIB_IPV6=y" }, STATUS_PASS, "CONFIG_NFT_FIB_IPV6=y", NULL },
	{ "kernel.config.NFT_MASQ", { SRC, "kernel.release=3.10.0", "kconfig.NFT_MASQ=n" }, STATUS_WARN, "CONFIG_NFT_MASQ is not set", NULL },
	{ "kernel.config.IP_SCTP", { SRC, "kernel.release=6.1.0", "kconfig.IP_SCTP=m" }, STATUS_PASS, "CONFIG_IP_SCTP=m", NULL },
	{ "kernel.config.IP_SCTP", { SRC, "kernel.release=6.1.0", "kconfig.IP_SCTP=n" }, STATUS_WARN, "CONFIG_IP_SCTP is not set", NULL },
	{ "kernel.config.NFT_NAT", { "kconfig.source!2", "kernel.release=6.1.0" }, STATUS_UNKNOWN, "No such file", NULL },
	/* no config: unknown, never missing */
	{ "kernel.config.USER_NS", { "kconfig.source!2", "kernel.release=6.1.0" }, STATUS_UNKNOWN, "No such file", NULL },
	{ "kernel.config.USER_NS", { "kconfig.source!74" }, STATUS_UNKNOWN, "Bad message", NULL },
	{ "kernel.config.USER_NS", { "kconfig.source!61" }, STATUS_UNKNOWN, "No data available", NULL },
	{ "kernel.config.USER_NS", { SRC }, STATUS_UNKNOWN, "no fact 'kconfig.USER_NS'", NULL },
};

static void test_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(rule_cases); i++) {
		const struct kconfig_case *t = &rule_cases[i];
		const struct check *c = checks_find(t->id);
		const struct config cfg = { .profile = profile_find("coder") };
		struct result r = { .check = c };
		struct facts f = { 0 };
		bool seen = !t->evidence;

		assert_non_null(c);
		load_facts(&f, t->facts, MAX_FACTS);
		assert_int_equal(c->rule(c, &f, &cfg, &r), 0);
		if (r.status != t->want || !r.message || !strstr(r.message, t->message))
			fail_msg("case %zu %s: got %s '%s', want %s '%s'", i, t->id,
				 status_to_string(r.status), r.message ? r.message : "(null)",
				 status_to_string(t->want), t->message);
		for (size_t e = 0; e < r.n_evidence; e++)
			if (t->evidence && r.evidence[e].value && strstr(r.evidence[e].value, t->evidence))
				seen = true;
		if (!seen)
			fail_msg("case %zu %s: no evidence '%s'", i, t->id, t->evidence);
		if (t->want == STATUS_FAIL || t->want == STATUS_WARN)
			assert_non_null(r.remediation);
		result_free(&r);
		facts_free(&f);
	}
}

/* The table: at least Sysbox's 11 and Docker's list, ids unique, each with explain text. */
static void test_table(void **state)
{
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < checks_count(); i++) {
		const struct check *c = checks_get(i);

		if (!startswith(c->id, "kernel.config."))
			continue;
		n++;
		assert_ptr_equal(checks_find(c->id), c);
		assert_non_null(c->data);
		assert_non_null(c->why);
		assert_non_null(c->rule_text);
		assert_non_null(startswith(c->docs, "https://"));
	}
	assert_true(n >= 86);
	/* moby's 2025 additions (PRs 50585, 50906), each citing its change */
	static const char *const added[] = { "NFT_CT",  "NFT_FIB_IPV4", "NFT_FIB_IPV6", "NFT_FIB",
					     "NFT_MASQ", "NFT_NAT",     "NF_TABLES",    "IP_SCTP" };
	for (size_t i = 0; i < ELEMENTSOF(added); i++) {
		char id[64];
		const struct check *c;

		snprintf(id, sizeof(id), "kernel.config.%s", added[i]);
		c = checks_find(id);
		assert_non_null(c);
		assert_non_null(strstr(c->docs, "github.com/moby/moby/pull/50"));
		assert_non_null(strstr(c->rule_text, "WARN"));
	}
}

/* The options moby's script added in 2025 are read from a config as the others are. */
static void test_moby_2025(void **state)
{
	struct facts f = { 0 };

	(void)state;
	fresh(RELEASE);
	put("boot/config-" RELEASE, "# Linux/x86 6.12.0 Kernel Configuration\nCONFIG_NF_TABLES=m\n"
				     "CONFIG_NFT_CT=m\nCONFIG_NFT_FIB=m\nCONFIG_NFT_FIB_IPV4=m\n"
				     "# CONFIG_NFT_FIB_IPV6 is not set\nCONFIG_NFT_MASQ=y\n"
				     "CONFIG_NFT_NAT=m\nCONFIG_IP_SCTP=m\n");
	probe(&f);
	want_value(&f, "kconfig.NF_TABLES", "m");
	want_value(&f, "kconfig.NFT_CT", "m");
	want_value(&f, "kconfig.NFT_FIB", "m");
	want_value(&f, "kconfig.NFT_FIB_IPV4", "m");
	want_value(&f, "kconfig.NFT_FIB_IPV6", "n");
	want_value(&f, "kconfig.NFT_MASQ", "y");
	want_value(&f, "kconfig.NFT_NAT", "m");
	want_value(&f, "kconfig.IP_SCTP", "m");
	facts_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_search_order),
		cmocka_unit_test(test_plain_without_header),
		cmocka_unit_test(test_no_release),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_corrupt_gzip),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_windowed),
		cmocka_unit_test(test_not_a_config),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_moby_2025),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
