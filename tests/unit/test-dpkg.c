/* SPDX-License-Identifier: MIT */
/*
 * core/dpkg: the deb822 paragraph parser, the dpkg status database, Status words, apt version
 * pins and Debian version comparison, on good and hostile input; the comparison is checked
 * against the real `dpkg --compare-versions` when dpkg is installed. The database of a host
 * (package lookup, the journal of an interrupted run) on temporary trees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "core/apt.h"
#include "core/dpkg.h"
#include "core/util.h"
#include "tmptree.h"

/* An exact-size heap copy, so that a read past len is a heap overflow under ASan. */
static char *exact(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, s, len);
	return p;
}

/* Collects "name=value|" for each field and "--|" at each paragraph's end. */
static int collect(const char *name, const char *value, void *userdata)
{
	char *out = userdata;
	size_t n = strlen(out);

	if (name)
		snprintf(out + n, 1024 - n, "%s=%s|", name, value);
	else
		snprintf(out + n, 1024 - n, "--|");
	return 0;
}

static int parse822(const char *text, char *out, unsigned *line)
{
	char *buf = exact(text, strlen(text));
	int r;

	out[0] = '\0';
	r = deb822_parse(buf, strlen(text), collect, out, line);
	free(buf);
	return r;
}

static void test_deb822_paragraphs(void **state)
{
	char out[1024];
	unsigned line = 0;

	(void)state;
	assert_int_equal(parse822("A: 1\nB:2\n\n\n \t\nC:   3  \n", out, &line), 2);
	assert_string_equal(out, "A=1|B=2|--|C=3|--|");
	/* continuation lines, '#' comments, CRLF, a last line without '\n' */
	assert_int_equal(parse822("# comment\r\nDescription: short\r\n long one\r\n .\r\n"
				  "Empty:\r\nX: y", out, &line), 1);
	assert_string_equal(out, "Description=short\nlong one\n.|Empty=|X=y|--|");
	/* nothing at all, or only blank lines and comments */
	assert_int_equal(parse822("", out, &line), 0);
	assert_int_equal(parse822("\n\n# x\n  \n", out, &line), 0);
	assert_string_equal(out, "");
}

static void test_deb822_malformed(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
	} bad[] = {
		{ "A: 1\nno colon here\n", 2 },
		{ " continuation first\n", 1 },
		{ "A: 1\n\n continuation after a blank line\n", 3 },
		{ ": empty name\n", 1 },
		{ "-Dash: x\n", 1 },
		{ "Sp ace: x\n", 1 },
		{ "A: 1\nB: \x01\n\nC: 2\0\n", 4 },
	};
	char out[1024];

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		unsigned line = 0;
		size_t len = strlen(bad[i].text) + (i == ELEMENTSOF(bad) - 1 ? 2 : 0);
		char *buf = exact(bad[i].text, len);

		out[0] = '\0';
		assert_int_equal(deb822_parse(buf, len, collect, out, &line), -EBADMSG);
		assert_int_equal(line, bad[i].line);
		free(buf);
	}
}

static int stop_at_b(const char *name, const char *value, void *userdata)
{
	(void)value;
	(void)userdata;
	return name && streq(name, "B") ? -ECANCELED : 0;
}

static void test_deb822_callback_error(void **state)
{
	(void)state;
	assert_int_equal(deb822_parse("A: 1\nB: 2\n", 10, stop_at_b, NULL, NULL), -ECANCELED);
}

static void test_status_words(void **state)
{
	static const struct {
		const char *s;
		struct dpkg_status st;
	} good[] = {
	    {"install ok installed", {DPKG_WANT_INSTALL, DPKG_EFLAG_OK, DPKG_STATE_INSTALLED}},
	    {"hold ok installed", {DPKG_WANT_HOLD, DPKG_EFLAG_OK, DPKG_STATE_INSTALLED}},
	    {"install ok half-installed",
	     {DPKG_WANT_INSTALL, DPKG_EFLAG_OK, DPKG_STATE_HALF_INSTALLED}},
	    {"install reinstreq half-installed",
	     {DPKG_WANT_INSTALL, DPKG_EFLAG_REINSTREQ, DPKG_STATE_HALF_INSTALLED}},
	    {"install ok half-configured",
	     {DPKG_WANT_INSTALL, DPKG_EFLAG_OK, DPKG_STATE_HALF_CONFIGURED}},
	    {"deinstall ok config-files",
	     {DPKG_WANT_DEINSTALL, DPKG_EFLAG_OK, DPKG_STATE_CONFIG_FILES}},
	    {"purge ok not-installed", {DPKG_WANT_PURGE, DPKG_EFLAG_OK, DPKG_STATE_NOT_INSTALLED}},
	    {"unknown ok triggers-pending",
	     {DPKG_WANT_UNKNOWN, DPKG_EFLAG_OK, DPKG_STATE_TRIGGERS_PENDING}},
	    {"install ok unpacked", {DPKG_WANT_INSTALL, DPKG_EFLAG_OK, DPKG_STATE_UNPACKED}},
	};
	static const char *const bad[] = {
		"", "install", "install ok", "install ok installed extra", "install  ok installed",
		" install ok installed", "install ok installed ", "Install ok installed",
		"install ok install", "install ok installedx", "hold hold installed",
		"install ok half", "install\tok\tinstalled",
	};
	struct dpkg_status st;

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(good); i++) {
		assert_int_equal(dpkg_status_parse(good[i].s, &st), 0);
		assert_int_equal(st.want, good[i].st.want);
		assert_int_equal(st.eflag, good[i].st.eflag);
		assert_int_equal(st.state, good[i].st.state);
		/* the names round-trip */
		{
			_cleanup_free_ char *again = strdup_printf(
				"%s %s %s", dpkg_want_to_string(st.want),
				dpkg_eflag_to_string(st.eflag), dpkg_state_to_string(st.state));
			assert_string_equal(again, good[i].s);
		}
	}
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		assert_int_equal(dpkg_status_parse(bad[i], &st), -EINVAL);
	assert_null(dpkg_state_to_string(_DPKG_STATE_MAX));

	assert_int_equal(dpkg_status_parse("install ok installed", &st), 0);
	assert_false(dpkg_status_broken(&st));
	assert_int_equal(dpkg_status_parse("install ok half-configured", &st), 0);
	assert_true(dpkg_status_broken(&st));
	assert_int_equal(dpkg_status_parse("install reinstreq installed", &st), 0);
	assert_true(dpkg_status_broken(&st));
	assert_int_equal(dpkg_status_parse("install ok triggers-pending", &st), 0);
	assert_false(dpkg_status_broken(&st));
}

/* A status database as dpkg writes it: multi-line fields, other packages around, a package
 * paragraph for two architectures, a purged package remembered without a version. */
static const char status_db[] =
	"Package: adduser\n"
	"Status: install ok installed\n"
	"Priority: important\n"
	"Architecture: all\n"
	"Version: 3.118ubuntu5\n"
	"Conffiles:\n"
	" /etc/deluser.conf 773fb95e98a27947de4a95abb3d3f2a2\n"
	"Description: add and remove users and groups\n"
	" This package includes the 'adduser' and 'deluser' commands.\n"
	" .\n"
	" More.\n"
	"\n"
	"Package: containerd.io\n"
	"Status: deinstall ok config-files\n"
	"Architecture: arm64\n"
	"Version: 1.6.9-1\n"
	"\n"
	"Package: containerd.io\n"
	"status: hold ok installed\n"
	"Architecture: amd64\n"
	"Version: 1.5.11-1\n"
	"Provides: containerd, runc\n"
	"\n"
	"Package: oldpkg\n"
	"Status: purge ok not-installed\n"
	"Architecture: amd64\n";

struct seen {
	char text[1024];
	int stop_after; /* stop (return 1) at this paragraph, 0: never */
	int n;
};

static int seen_pkg(const struct dpkg_pkg *p, void *userdata)
{
	struct seen *s = userdata;
	size_t n = strlen(s->text);

	snprintf(s->text + n, sizeof(s->text) - n, "%s/%s/%s/%s;", p->package, p->status,
		 p->version ? p->version : "-", p->architecture ? p->architecture : "-");
	return ++s->n == s->stop_after ? 1 : 0;
}

static void test_status_read(void **state)
{
	struct seen s = { .text = "" };
	char *buf = exact(status_db, sizeof(status_db) - 1);

	(void)state;
	assert_int_equal(dpkg_status_read(buf, sizeof(status_db) - 1, seen_pkg, &s, NULL), 4);
	assert_string_equal(s.text, "adduser/install ok installed/3.118ubuntu5/all;"
				    "containerd.io/deinstall ok config-files/1.6.9-1/arm64;"
				    "containerd.io/hold ok installed/1.5.11-1/amd64;"
				    "oldpkg/purge ok not-installed/-/amd64;");
	s = (struct seen){ .text = "", .stop_after = 2 };
	assert_int_equal(dpkg_status_read(buf, sizeof(status_db) - 1, seen_pkg, &s, NULL), 1);
	assert_int_equal(s.n, 2);
	/* every prefix parses or is refused, and never reads past its length */
	for (size_t len = 0; len < sizeof(status_db) - 1; len++) {
		char *prefix = exact(status_db, len);
		int r;

		s = (struct seen){ .text = "" };
		r = dpkg_status_read(prefix, len, seen_pkg, &s, NULL);
		assert_true(r >= 0 || r == -EBADMSG);
		free(prefix);
	}
	free(buf);
}

static void test_status_corrupt(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
	} bad[] = {
	    {"Status: install ok installed\nVersion: 1\n\n", 3},	       /* no Package */
	    {"Package: a\nVersion: 1\n", 2},				       /* no Status */
	    {"Package: a\nStatus: install ok\n", 2},			       /* two words */
	    {"Package: a\nStatus: please ok installed\n", 2},		       /* unknown want */
	    {"Package: a\nPackage: b\nStatus: install ok installed\n", 3},     /* twice */
	    {"Package: a\nStatus: install ok installed\nVersion: 1\n 2\n", 4}, /* multi-line */
	    {"Package: a\nStatus: install ok installed\nVersion:\n", 3},       /* empty */
	    {"Package: a\nStatus: install ok installed\ngarbage\n", 3},
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct seen s = { .text = "" };
		unsigned line = 0;
		char *buf = exact(bad[i].text, strlen(bad[i].text));

		assert_int_equal(dpkg_status_read(buf, strlen(bad[i].text), seen_pkg, &s, &line),
				 -EBADMSG);
		if (line != bad[i].line)
			fail_msg("case %zu: line %u, want %u", i, line, bad[i].line);
		free(buf);
	}
}

static void test_version_parse(void **state)
{
	static const char *const good[] = {
		"1.5.11-1", "0", "1:1.2.11.dfsg-2ubuntu9.2", "5:24.0.7-1~ubuntu.22.04~jammy",
		"1.0~rc1", "2.30-1ubuntu1+b1", "1:2:3", "1.0-1-2", "0.6.4-0.linux", "2147483647:1",
		"1a", "9+dfsg",
	};
	static const char *const bad[] = {
		"", ":1", "a1", "1:", "1-", "-1", "x:1", "1 2", " 1", "1 ", "2147483648:1",
		"99999999999999999999:1", "1.0-a_b", "1_0", "1.0-1:2", "-", "1:-1", "1.0\n",
		"1\xc3\xa9",
	};
	struct dpkg_version v;

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(good); i++)
		if (dpkg_version_parse(good[i], &v) < 0)
			fail_msg("'%s' refused", good[i]);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		if (dpkg_version_parse(bad[i], &v) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);

	assert_int_equal(dpkg_version_parse("7:1.2-3ubuntu4", &v), 0);
	assert_int_equal(v.epoch, 7);
	assert_int_equal(v.upstream_len, 3);
	assert_memory_equal(v.upstream, "1.2", 3);
	assert_int_equal(v.revision_len, 8);
	assert_memory_equal(v.revision, "3ubuntu4", 8);
}

/* Pairs with the sign of their comparison; checked here and against dpkg itself. */
static const struct {
	const char *a, *b;
	int want;
} pairs[] = {
	{ "1.5.11-1", "1.5.11-1", 0 },
	{ "1.5.11-1", "1.6.9-1", -1 },
	{ "1.5.11-1", "1.5.2-1", 1 },		/* digit runs are numbers */
	{ "1.5.11-1", "0:1.5.11-1", 0 },	/* epoch 0 is no epoch */
	{ "1:1.0", "2.0", 1 },			/* the epoch wins */
	{ "1.0~rc1", "1.0", -1 },		/* '~' before the end */
	{ "1.0~rc1", "1.0~rc1~", 1 },
	{ "1.0~~", "1.0~~a", -1 },
	{ "1.0~", "1.0", -1 },
	{ "1.0a", "1.0", 1 },
	{ "1.0a", "1.0.", -1 },			/* letters before non-letters */
	{ "1.0+", "1.0.", -1 },			/* '+' before '.' */
	{ "1.0", "1.0-0", 0 },			/* no revision is revision 0 */
	{ "1.0-1", "1.0-1ubuntu1", -1 },
	{ "5:24.0.7-1~ubuntu.22.04~jammy", "5:24.0.7-1", -1 },
	{ "1.2.11.dfsg-2ubuntu9", "1.2.11.dfsg-2ubuntu9.2", -1 },
	{ "0.6.4-0.linux", "0.6.4-0", 1 },
	{ "00010", "10", 0 },			/* leading zeros */
	{ "1.00", "1.0", 0 },
	{ "1.001", "1.1", 0 },
	{ "2.30-1ubuntu1+b1", "2.30-1ubuntu1", 1 },
	{ "1.0-1-2", "1.0-1-10", -1 },		/* the last '-' splits */
	{ "1:2:3", "1:2:10", -1 },
	{ "9", "10", -1 },
	{ "1a", "1b", -1 },
	{ "1Z", "1a", -1 },			/* uppercase before lowercase */
	{ "1.5.11-1", "1.5.11-1+b1", -1 },
	{ "1.5.11-1", "1.5.11-1~deb11u1", 1 },
	{ "1.5.11", "1.5.11-1", -1 },
	{ "18446744073709551616", "18446744073709551615", 1 }, /* digit runs of any length */
};

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void test_version_compare(void **state)
{
	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(pairs); i++) {
		int c = 99, back = 99;

		assert_int_equal(dpkg_version_compare(pairs[i].a, pairs[i].b, &c), 0);
		assert_int_equal(dpkg_version_compare(pairs[i].b, pairs[i].a, &back), 0);
		if (sign(c) != pairs[i].want || sign(back) != -pairs[i].want)
			fail_msg("%s vs %s: %d, want %d", pairs[i].a, pairs[i].b, c, pairs[i].want);
	}
	/* ret is written only on success */
	{
		int c = 42;

		assert_int_equal(dpkg_version_compare("1.0", "x", &c), -EINVAL);
		assert_int_equal(dpkg_version_compare("", "1.0", &c), -EINVAL);
		assert_int_equal(c, 42);
	}
}

/* `dpkg --compare-versions A OP B`, run directly: 1 when it holds, 0 when not, -1 on error. */
static int dpkg_says(const char *a, const char *op, const char *b)
{
	char *const argv[] = { (char *)"dpkg", (char *)"--compare-versions", (char *)a, (char *)op,
			       (char *)b, NULL };
	char *const envp[] = { (char *)"PATH=/usr/bin:/bin", (char *)"LC_ALL=C", NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execve("/usr/bin/dpkg", argv, envp);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
		return -1;
	return WEXITSTATUS(status) == 0;
}

static void test_version_against_dpkg(void **state)
{
	(void)state;
	if (access("/usr/bin/dpkg", X_OK) < 0)
		skip(); /* no dpkg on this machine: the table above still holds */
	for (size_t i = 0; i < ELEMENTSOF(pairs); i++) {
		int c;

		assert_int_equal(dpkg_version_compare(pairs[i].a, pairs[i].b, &c), 0);
		if (dpkg_says(pairs[i].a, "lt", pairs[i].b) != (c < 0) ||
		    dpkg_says(pairs[i].a, "eq", pairs[i].b) != (c == 0) ||
		    dpkg_says(pairs[i].a, "gt", pairs[i].b) != (c > 0))
			fail_msg("%s vs %s: we say %d, dpkg disagrees", pairs[i].a, pairs[i].b, c);
	}
}

static int pin(const char *text, const char *name, struct apt_pin *ret, unsigned *line)
{
	char *buf = exact(text, strlen(text));
	int r = apt_pin_find(buf, strlen(text), name, ret, line);

	free(buf);
	return r;
}

static void test_apt_pin(void **state)
{
	struct apt_pin p;
	unsigned line = 0;

	(void)state;
	assert_int_equal(pin("Explanation: Coder\nPackage: containerd.io\nPin: version 1.5.11-1\n"
			     "Pin-Priority: 1001\n", "containerd.io", &p, &line), 1);
	assert_string_equal(p.version, "1.5.11-1");
	assert_int_equal(p.priority, 1001);
	free(p.version);
	/* the strongest of several; globs and lists of names; release pins and regular
	 * expressions are not version pins; other packages do not count */
	assert_int_equal(pin("Package: containerd.io\nPin: version 1.6.*\nPin-Priority: 500\n\n"
			     "Package: docker-ce containerd*\nPin: version 1.5.11-1\n"
			     "Pin-Priority: 990\n\n"
			     "Package: *\nPin: release o=Docker\nPin-Priority: 2000\n\n"
			     "Package: /^containerd/\nPin: version 9\nPin-Priority: 3000\n\n"
			     "Package: runc\nPin: version 1.0\nPin-Priority: 4000\n",
			     "containerd.io", &p, &line), 1);
	assert_string_equal(p.version, "1.5.11-1");
	assert_int_equal(p.priority, 990);
	free(p.version);
	assert_int_equal(pin("Package: containerd.io\nPin: version 1.0\nPin-Priority: -10\n",
			     "containerd.io", &p, &line), 1);
	assert_int_equal(p.priority, -10);
	free(p.version);
	/* none */
	assert_int_equal(pin("", "containerd.io", &p, &line), 0);
	assert_int_equal(pin("Package: runc\nPin: version 1\nPin-Priority: 1001\n", "containerd.io",
			     &p, &line), 0);
	/* what apt refuses too */
	assert_int_equal(pin("Package: containerd.io\nPin: version 1\n\nPackage: x\n",
			     "containerd.io", &p, &line), -EBADMSG);
	assert_int_equal(line, 3);
	assert_int_equal(pin("Package: containerd.io\nPin: version 1\nPin-Priority: 0\n",
			     "containerd.io", &p, &line), -EBADMSG);
	assert_int_equal(pin("Package: containerd.io\nPin: version 1\nPin-Priority: high\n",
			     "containerd.io", &p, &line), -EBADMSG);
	assert_int_equal(pin("Pin: version 1\nPin-Priority: 1001\n", "containerd.io", &p, &line),
			 -EBADMSG);
	assert_int_equal(pin("Package: containerd.io\nPin: version\nPin-Priority: 1001\n",
			     "containerd.io", &p, &line), -EBADMSG);
	assert_int_equal(pin("Package: containerd.io\nPin: version 1\nPin: version 2\n"
			     "Pin-Priority: 1001\n", "containerd.io", &p, &line), -EBADMSG);
	assert_int_equal(pin("Package containerd.io\n", "containerd.io", &p, &line), -EBADMSG);
}

static int count_pkg(const struct dpkg_pkg *p, void *userdata)
{
	(void)p;
	++*(int *)userdata;
	return 0;
}

static int count_field(const char *name, const char *value, void *userdata)
{
	(void)name;
	(void)value;
	++*(int *)userdata;
	return 0;
}

/* Random bytes and random mutations of a real database through every parser: each returns
 * a result or -EBADMSG/-EINVAL, never crashes or reads past the buffer (run under
 * SANITIZE=address to see the latter). A fixed seed keeps runs reproducible. */
static void test_hostile(void **state)
{
	static const char alphabet[] = "Package:Status hold ok installed\n \t#-~:.+1a\0\r";
	unsigned seed = 4;

	(void)state;
	for (int round = 0; round < 3000; round++) {
		size_t len = (size_t)(rand_r(&seed) % 600);
		char *buf = malloc(len ? len : 1);
		struct apt_pin p;
		int n = 0, r;

		assert_non_null(buf);
		if (round % 2) {
			for (size_t i = 0; i < len; i++)
				buf[i] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		} else {
			len = len < sizeof(status_db) - 1 ? len : sizeof(status_db) - 1;
			memcpy(buf, status_db, len);
			for (int k = 0; k < 4 && len; k++)
				buf[rand_r(&seed) % len] = (char)(rand_r(&seed) % 256);
		}
		r = deb822_parse(buf, len, count_field, &n, NULL);
		assert_true(r >= 0 || r == -EBADMSG);
		r = dpkg_status_read(buf, len, count_pkg, &n, NULL);
		assert_true(r >= 0 || r == -EBADMSG);
		r = apt_pin_find(buf, len, "containerd.io", &p, NULL);
		assert_true(r == 0 || r == 1 || r == -EBADMSG);
		if (r == 1)
			free(p.version);
		{
			_cleanup_free_ char *s = strndup(buf, len);
			struct dpkg_version v;
			int c;

			assert_non_null(s);
			r = dpkg_version_parse(s, &v);
			assert_true(r == 0 || r == -EINVAL);
			if (r == 0) {
				assert_int_equal(dpkg_version_compare(s, s, &c), 0);
				assert_int_equal(c, 0);
			}
		}
		free(buf);
	}
}

/* What a Depends field asks of containerd.io at a version (deb-control(5) relations). */
static const struct {
	const char *depends, *version;
	int want;        /* dpkg_depends_allow()'s return */
	const char *on;  /* *ret_on, NULL: none */
} depends_cases[] = {
	{ "containerd.io (>= 1.7.27), docker-ce-cli, libc6 (>= 2.34)", "1.5.11-1", 0,
	  "containerd.io (>= 1.7.27)" },
	{ "containerd.io (>= 1.7.27), docker-ce-cli", "1.7.27-1", 1, "containerd.io (>= 1.7.27)" },
	{ "containerd.io (>= 1.6.24)", "1.6.24", 1, "containerd.io (>= 1.6.24)" },
	{ "containerd.io (>= 1.6.24)", "1.6.24~rc1-1", 0, "containerd.io (>= 1.6.24)" },
	{ "containerd.io (>= 2.1.5), libc6", "2.1.5-1", 1, "containerd.io (>= 2.1.5)" },
	/* every relation on it counts: a range written as two entries */
	{ "containerd.io (>= 1.4), containerd.io (<< 1.5)", "1.5.11-1", 0,
	  "containerd.io (>= 1.4), containerd.io (<< 1.5)" },
	{ "containerd.io (>> 1.5.11-1)", "1.5.11-1", 0, "containerd.io (>> 1.5.11-1)" },
	{ "containerd.io (<= 1.5.11-1)", "1.5.11-1", 1, "containerd.io (<= 1.5.11-1)" },
	{ "containerd.io (= 1.5.11-1)", "1.5.11-1", 1, "containerd.io (= 1.5.11-1)" },
	{ "containerd.io (= 1.5.11-2)", "1.5.11-1", 0, "containerd.io (= 1.5.11-2)" },
	/* the obsolete '<' and '>' mean <= and >= (dpkg) */
	{ "containerd.io (< 1.5.11-1)", "1.5.11-1", 1, "containerd.io (< 1.5.11-1)" },
	{ "containerd.io (> 1.5.11-1)", "1.5.11-1", 1, "containerd.io (> 1.5.11-1)" },
	/* no relation on it, or none with a version */
	{ "docker-ce-cli, libc6 (>= 2.34)", "1.5.11-1", 1, NULL },
	{ "containerd.io, libc6", "1.5.11-1", 1, "containerd.io" },
	{ "containerd.io:amd64 (>= 1.7)", "1.5.11-1", 0, "containerd.io:amd64 (>= 1.7)" },
	{ "containerd.io (>= 1.7) [amd64]", "1.5.11-1", 0, "containerd.io (>= 1.7) [amd64]" },
	/* an alternative another package may meet is not judged; one it meets allows */
	{ "containerd.io (>= 1.7) | runc", "1.5.11-1", 1, "containerd.io (>= 1.7) | runc" },
	{ "containerd.io (>= 1.7) | containerd.io (<< 1.6)", "1.5.11-1", 1,
	  "containerd.io (>= 1.7) | containerd.io (<< 1.6)" },
	/* a longer name is another package; continuation lines and blanks */
	{ "containerd.io-shim (>= 9)", "1.5.11-1", 1, NULL },
	{ "libc6,\n containerd.io\t( >=  1.7.27 ) ,\n iptables", "1.5.11-1", 0,
	  "containerd.io\t( >=  1.7.27 )" },
	{ "", "1.5.11-1", 1, NULL },
	/* malformed: dpkg refuses these */
	{ "containerd.io (>= )", "1.5.11-1", -EINVAL, NULL },
	{ "containerd.io (~ 1.7)", "1.5.11-1", -EINVAL, NULL },
	{ "containerd.io (>= 1.7", "1.5.11-1", -EINVAL, NULL },
	{ "libc6, , containerd.io", "1.5.11-1", -EINVAL, NULL },
	{ "containerd.io |", "1.5.11-1", -EINVAL, NULL },
	{ "libc6 (>= x)", "1.5.11-1", -EINVAL, NULL },
	{ "containerd.io (>= 1.7)", "not a version", -EINVAL, NULL },
};

static void test_depends_allow(void **state)
{
	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(depends_cases); i++) {
		char *on = (char *)"unset";
		int r = dpkg_depends_allow(depends_cases[i].depends, "containerd.io",
					   depends_cases[i].version, &on);

		if (r != depends_cases[i].want)
			fail_msg("case %zu '%s': %d, want %d", i, depends_cases[i].depends, r,
				 depends_cases[i].want);
		if (r < 0)
			continue;
		if (!streq_ptr(on, depends_cases[i].on))
			fail_msg("case %zu: on '%s', want '%s'", i, on ? on : "(null)",
				 depends_cases[i].on ? depends_cases[i].on : "(null)");
		free(on);
	}
	assert_int_equal(dpkg_depends_allow("containerd.io (>= 1.7)", "containerd.io", "1.7", NULL),
			 1);
}

/* The status database keeps Depends (over several lines too; the first, when given twice). */
static int first_depends(const struct dpkg_pkg *p, void *userdata)
{
	(void)userdata;
	assert_string_equal(p->depends, "a");
	return 0;
}

static void test_status_depends(void **state)
{
	static const char db[] = "Package: docker-ce\nStatus: install ok installed\n"
				 "Version: 5:28.5.2-1\nDepends: containerd.io (>= 1.7.27),\n"
				 " docker-ce-cli\n\n";
	static const char twice[] = "Package: docker-ce\nStatus: install ok installed\n"
				    "Depends: a\nDepends: b\n";
	_cleanup_free_ char *t = tree_new();
	struct dpkg_db d;
	struct dpkg_package p;

	(void)state;
	tree_put(t, "var/lib/dpkg/status", db);
	{
		struct host h;

		assert_int_equal(host_open(&h, t, NULL, NULL), 0);
		assert_int_equal(dpkg_db_read(&h, &d), 1);
		assert_int_equal(dpkg_db_find(&d, "docker-ce", &p), 1);
		assert_string_equal(p.depends, "containerd.io (>= 1.7.27),\ndocker-ce-cli");
		dpkg_package_free(&p);
		dpkg_db_free(&d);
		host_close(&h);
	}
	tree_remove(t);
	assert_int_equal(dpkg_status_read(twice, strlen(twice), first_depends, NULL, NULL), 1);
}

static void test_db_lookup(void **state)
{
	_cleanup_free_ char *t = tree_new();
	struct dpkg_package pkg;
	struct dpkg_db db;
	struct host h;
	unsigned n = 99;

	(void)state;
	assert_int_equal(host_open(&h, t, NULL, NULL), 0);
	/* no /var/lib/dpkg: not a dpkg system */
	assert_int_equal(dpkg_db_read(&h, &db), 0);
	dpkg_db_free(&db);
	assert_int_equal(dpkg_lookup(&h, "containerd.io", &pkg, &n), 0);
	assert_int_equal(dpkg_updates_pending(&h, &n), 0);
	assert_int_equal(n, 0);
	/* an admin dir without a status file cannot be judged */
	tree_mkdirs(t, "var/lib/dpkg", true);
	assert_int_equal(dpkg_db_read(&h, &db), -ENOENT);
	assert_string_equal(db.failed, DPKG_STATUS);
	dpkg_db_free(&db);

	tree_put(t, "var/lib/dpkg/status", status_db);
	assert_int_equal(dpkg_db_read(&h, &db), 1);
	assert_int_equal(db.n_packages, 4);
	/* the present paragraph, though the config-files one of another architecture is first */
	assert_int_equal(dpkg_db_find(&db, "containerd.io", &pkg), 1);
	assert_string_equal(pkg.status, "hold ok installed");
	assert_string_equal(pkg.version, "1.5.11-1");
	assert_true(dpkg_package_present(&pkg));
	assert_true(dpkg_package_held(&pkg));
	dpkg_package_free(&pkg);
	/* purged: its paragraph stays, present no more */
	assert_int_equal(dpkg_db_find(&db, "oldpkg", &pkg), 1);
	assert_false(dpkg_package_present(&pkg));
	assert_false(dpkg_package_held(&pkg));
	assert_null(pkg.version);
	dpkg_package_free(&pkg);
	assert_int_equal(dpkg_db_find(&db, "sysbox-ce", &pkg), 0);
	assert_null(pkg.status);
	assert_false(dpkg_package_present(&pkg));
	dpkg_db_free(&db);

	/* the journal: numbered files only (tmp.i is the one dpkg is writing) */
	tree_mkdirs(t, "var/lib/dpkg/updates", true);
	tree_put(t, "var/lib/dpkg/updates/tmp.i", "");
	assert_int_equal(dpkg_lookup(&h, "containerd.io", &pkg, &n), 1);
	assert_int_equal(n, 0);
	assert_string_equal(pkg.version, "1.5.11-1");
	dpkg_package_free(&pkg);
	tree_put(t, "var/lib/dpkg/updates/0000", "Package: containerd.io\n");
	tree_put(t, "var/lib/dpkg/updates/0001", "Package: containerd.io\n");
	assert_int_equal(dpkg_lookup(&h, "containerd.io", &pkg, &n), 1);
	assert_int_equal(n, 2);
	dpkg_package_free(&pkg);
	assert_int_equal(dpkg_lookup(&h, "nothing", &pkg, &n), 1);
	assert_null(pkg.status);
	dpkg_package_free(&pkg);

	/* a corrupt database says where */
	tree_put(t, "var/lib/dpkg/status", "Package: a\nStatus: install ok installed\n\nPackage: b\n"
					    "Status: bogus\n");
	assert_int_equal(dpkg_db_read(&h, &db), -EBADMSG);
	assert_int_equal(db.line, 5);
	dpkg_db_free(&db);
	assert_int_equal(dpkg_lookup(&h, "a", &pkg, &n), -EBADMSG);
	host_close(&h);
	tree_remove(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deb822_paragraphs),
		cmocka_unit_test(test_deb822_malformed),
		cmocka_unit_test(test_deb822_callback_error),
		cmocka_unit_test(test_status_words),
		cmocka_unit_test(test_status_read),
		cmocka_unit_test(test_status_corrupt),
		cmocka_unit_test(test_version_parse),
		cmocka_unit_test(test_version_compare),
		cmocka_unit_test(test_version_against_dpkg),
		cmocka_unit_test(test_apt_pin),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_db_lookup),
		cmocka_unit_test(test_depends_allow),
		cmocka_unit_test(test_status_depends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
