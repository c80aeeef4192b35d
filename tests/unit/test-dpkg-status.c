/* SPDX-License-Identifier: MIT */
/*
 * core/dpkg-status: the status scanner gives what a reader built on deb822_parse gives (the
 * reference below, the reader it replaced), paragraph for paragraph, error for error and line
 * for line: on this machine's own /var/lib/dpkg/status and the test bed's, on every line of
 * them cut, doubled, emptied or garbled, and on random text. The database of a host is
 * streamed through a window: a status larger than it, a line longer than it.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <strings.h>
#include <cmocka.h>

#include "core/dpkg.h"
#include "core/fileio.h"
#include "core/host.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "tmptree.h"

/* The reference: Package, Status, Version and Architecture collected from deb822_parse's
 * fields, each once, on one line, not empty. */
static const char *const ref_fields[] = {"Package", "Status", "Version", "Architecture"};

struct ref {
	dpkg_pkg_cb cb;
	void *userdata;
	bool stopped;
	char *v[4];
};

static void ref_clear(struct ref *rp)
{
	for (size_t i = 0; i < 4; i++) {
		free(rp->v[i]);
		rp->v[i] = NULL;
	}
}

static int ref_field(const char *name, const char *value, void *userdata)
{
	struct ref *rp = userdata;
	struct dpkg_pkg p;
	int r;

	if (name) {
		for (size_t i = 0; i < 4; i++) {
			if (strcasecmp(name, ref_fields[i]) != 0)
				continue;
			if (rp->v[i] || strchr(value, '\n') || !*value)
				return -EBADMSG;
			rp->v[i] = strdup(value);
			return rp->v[i] ? 0 : -ENOMEM;
		}
		return 0;
	}
	p = (struct dpkg_pkg){
	    .package = rp->v[0], .status = rp->v[1], .version = rp->v[2], .architecture = rp->v[3]};
	if (!p.package || !p.status || dpkg_status_parse(p.status, &p.st) < 0)
		r = -EBADMSG;
	else
		r = rp->cb(&p, rp->userdata);
	ref_clear(rp);
	if (r > 0) {
		rp->stopped = true;
		return -ECANCELED;
	}
	return r;
}

static int ref_status_read(const char *buf, size_t len, dpkg_pkg_cb cb, void *userdata,
			   unsigned *ret_line)
{
	struct ref rp = {.cb = cb, .userdata = userdata};
	int r = deb822_parse(buf, len, ref_field, &rp, ret_line);

	ref_clear(&rp);
	return rp.stopped ? 1 : r;
}

/* Every paragraph as "package/status/version/arch/want.eflag.state;", stopping at stop_at. */
struct trace {
	struct strbuf sb;
	int n, stop_at;
};

static int trace_cb(const struct dpkg_pkg *p, void *userdata)
{
	struct trace *t = userdata;

	strbuf_addf(&t->sb, "%s/%s/%s/%s/%d.%d.%d;", p->package, p->status,
		    p->version ? p->version : "-", p->architecture ? p->architecture : "-",
		    p->st.want, p->st.eflag, p->st.state);
	return ++t->n == t->stop_at ? 1 : 0;
}

/* Both readers on len bytes of text (an exact-size copy: a read past it is caught by ASan). */
static void same(const char *text, size_t len, int stop_at)
{
	char *buf = malloc(len ? len : 1);
	struct trace a = {.sb = STRBUF_INIT, .stop_at = stop_at};
	struct trace b = {.sb = STRBUF_INIT, .stop_at = stop_at};
	unsigned la = 0, lb = 0;
	int ra, rb;

	assert_non_null(buf);
	memcpy(buf, text, len);
	ra = dpkg_status_read(buf, len, trace_cb, &a, &la);
	rb = ref_status_read(buf, len, trace_cb, &b, &lb);
	if (ra != rb || la != lb || !streq(strbuf_str(&a.sb), strbuf_str(&b.sb)))
		fail_msg("scanner %d (line %u), reference %d (line %u) on %zu bytes:\n%.300s", ra,
			 la, rb, lb, len, text);
	strbuf_release(&a.sb);
	strbuf_release(&b.sb);
	free(buf);
}

/* The real status files of this machine and of the test bed's base root, when present. */
static char *real_status(size_t i, size_t *ret_len)
{
	static const char *const paths[] = {
	    "/var/lib/dpkg/status",
	    "/var/cache/cvmprep-testbed/base/var/lib/dpkg/status",
	};
	char *buf;

	for (; i < ELEMENTSOF(paths); i++)
		if (read_file(paths[i], DPKG_STATUS_MAX, &buf, ret_len) == 0)
			return buf;
	return NULL;
}

static void test_real_files(void **state)
{
	size_t len, n_files = 0;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *buf = real_status(i, &len);

		if (!buf)
			continue;
		n_files++;
		same(buf, len, 0);
		same(buf, len, 7);
		/* every line, in turn: cut there, emptied, doubled, its first byte garbled */
		for (size_t off = 0, k = 0; off < len && k < 120; k++) {
			const char *eol = memchr(buf + off, '\n', len - off);
			size_t end = eol ? (size_t)(eol - buf) + 1 : len;
			_cleanup_free_ char *t = malloc(len + (end - off) + 1);
			const char garble[] = {' ', ':', '#', '\0', '\t', 'x'};

			assert_non_null(t);
			same(buf, end, 0);
			memcpy(t, buf, off);
			memcpy(t + off, buf + end, len - end);
			same(t, len - (end - off), 0);
			memcpy(t, buf, end);
			memcpy(t + end, buf + off, len - off);
			same(t, len + (end - off), 0);
			memcpy(t, buf, len);
			t[off] = garble[k % ELEMENTSOF(garble)];
			same(t, len, 0);
			/* a sample of the lines of a big file, all of a small one */
			off = end + (len > 65536 ? (size_t)(k * 7919 % 16384) : 0);
			while (off < len && off > 0 && buf[off - 1] != '\n')
				off++;
		}
	}
	if (!n_files)
		skip();
}

static void test_random(void **state)
{
	static const char alphabet[] = "Package:Status:Version:hold ok installed\n \t#-~:.+1a\r";
	static const char *const words[] = {
	    "Package: a\n",
	    "Status: install ok installed\n",
	    "status: hold ok installed\n",
	    "Version: 1.0\n",
	    "Version:\n",
	    " cont\n",
	    "\t.\n",
	    "\n",
	    " \t\n",
	    "# c\n",
	    "Architecture: amd64\n",
	    "Package:\n",
	    "X-Other: y\n",
	    "bad line\n",
	    "-x: y\n",
	};
	unsigned seed = 13;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		char buf[512];
		size_t len = 0;
		int n = rand_r(&seed) % 12;

		for (int i = 0; i < n; i++) {
			const char *w = words[rand_r(&seed) % ELEMENTSOF(words)];
			size_t wl = strlen(w);

			if (len + wl >= sizeof(buf))
				break;
			memcpy(buf + len, w, wl);
			len += wl;
		}
		for (int k = round % 3; k > 0 && len; k--)
			buf[rand_r(&seed) % len] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		if (round % 7 == 0 && len)
			len -= (size_t)rand_r(&seed) % len;
		same(buf, len, round % 5);
	}
}

/* trace_cb without the architecture, which the database's index does not keep. */
static int trace_noarch_cb(const struct dpkg_pkg *p, void *userdata)
{
	struct dpkg_pkg q = *p;

	q.architecture = NULL;
	return trace_cb(&q, userdata);
}

/* The database of a tree holding text: dpkg_db_read()'s index against dpkg_status_read(). */
static void db_same(const char *tree, const char *text, size_t len)
{
	struct trace a = {.sb = STRBUF_INIT}, b = {.sb = STRBUF_INIT};
	struct dpkg_db db;
	struct host h;
	unsigned line = 0;
	int ra, rb;

	tree_put_len(tree, "var/lib/dpkg/status", text, len, 0644);
	assert_int_equal(host_open(&h, tree, NULL, NULL), 0);
	ra = dpkg_db_read(&h, &db);
	rb = dpkg_status_read(text, len, trace_noarch_cb, &b, &line);
	if (rb < 0) {
		assert_int_equal(ra, rb);
		if (rb == -EBADMSG)
			assert_int_equal(db.line, line);
	} else {
		assert_int_equal(ra, 1);
		assert_int_equal(db.n_packages, rb);
		assert_int_equal(dpkg_db_foreach(&db, trace_cb, &a), rb);
		assert_string_equal(strbuf_str(&a.sb), strbuf_str(&b.sb));
	}
	dpkg_db_free(&db);
	host_close(&h);
	strbuf_release(&a.sb);
	strbuf_release(&b.sb);
}

static void test_db_streamed(void **state)
{
	_cleanup_free_ char *t = tree_new();
	struct strbuf sb = STRBUF_INIT;
	struct dpkg_package pkg;
	struct dpkg_db db;
	struct host h;
	size_t len;

	(void)state;
	tree_mkdirs(t, "var/lib/dpkg", true);
	/* this machine's status (900 KB here): many windows, lines across their edges */
	{
		_cleanup_free_ char *buf = real_status(0, &len);

		if (buf) {
			db_same(t, buf, len);
			/* corrupt far past the first window: the line is the file's */
			if (len > 200000) {
				char *nl = memchr(buf + 150000, '\n', len - 150000);

				assert_non_null(nl);
				nl[1] = '!';
				db_same(t, buf, len);
			}
		}
	}
	/* 3000 packages, one of them with a Description line of 300 KB (longer than the window),
	 * another the last paragraph without a final newline */
	for (int i = 0; i < 3000; i++) {
		strbuf_addf(&sb, "Package: p%d\nStatus: %s\nArchitecture: amd64\nVersion: 1.%d-1\n",
			    i, i % 3 ? "install ok installed" : "hold ok installed", i);
		if (i == 1500) {
			strbuf_adds(&sb, "Description: long\n ");
			for (int k = 0; k < 30000; k++)
				strbuf_adds(&sb, "0123456789");
			strbuf_adds(&sb, "\n");
		}
		strbuf_adds(&sb, i == 2999 ? "Description: last" : "Description: x\n .\n y\n\n");
	}
	assert_int_equal(sb.err, 0);
	db_same(t, sb.buf, sb.len);
	assert_int_equal(host_open(&h, t, NULL, NULL), 0);
	assert_int_equal(dpkg_db_read(&h, &db), 1);
	assert_int_equal(db.n_packages, 3000);
	assert_int_equal(dpkg_db_find(&db, "p2999", &pkg), 1);
	assert_string_equal(pkg.version, "1.2999-1");
	assert_string_equal(pkg.status, "install ok installed");
	dpkg_package_free(&pkg);
	assert_int_equal(dpkg_db_find(&db, "p1500", &pkg), 1);
	assert_string_equal(pkg.status, "hold ok installed");
	dpkg_package_free(&pkg);
	dpkg_db_free(&db);
	host_close(&h);
	/* a NUL in the second window */
	sb.buf[100000] = '\0';
	db_same(t, sb.buf, sb.len);
	strbuf_release(&sb);
	tree_remove(t);
}

/* dpkg_db_read_for() keeps the Depends of the packages it names only; dpkg_db_read() all. */
static void test_db_depends_of(void **state)
{
	static const char *const only_b[] = { "b", NULL };
	_cleanup_free_ char *t = tree_new();
	struct dpkg_package pkg;
	struct dpkg_db db;
	struct host h;

	(void)state;
	tree_mkdirs(t, "var/lib/dpkg", true);
	tree_put(t, "var/lib/dpkg/status",
		 "Package: a\nStatus: install ok installed\nVersion: 1\nDepends: x, y\n\n"
		 "Package: b\nStatus: install ok installed\nVersion: 2\nDepends: z (>= 1),\n w\n");
	assert_int_equal(host_open(&h, t, NULL, NULL), 0);
	for (int all = 0; all < 2; all++) {
		assert_int_equal(all ? dpkg_db_read(&h, &db) : dpkg_db_read_for(&h, only_b, &db), 1);
		assert_int_equal(db.n_packages, 2);
		assert_int_equal(dpkg_db_find(&db, "b", &pkg), 1);
		assert_string_equal(pkg.depends, "z (>= 1),\nw");
		dpkg_package_free(&pkg);
		assert_int_equal(dpkg_db_find(&db, "a", &pkg), 1);
		if (all)
			assert_string_equal(pkg.depends, "x, y");
		else
			assert_null(pkg.depends);
		assert_string_equal(pkg.version, "1");
		dpkg_package_free(&pkg);
		dpkg_db_free(&db);
	}
	host_close(&h);
	tree_remove(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_files),
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_db_streamed),
	    cmocka_unit_test(test_db_depends_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
