/* SPDX-License-Identifier: MIT */
/* The /proc/<pid>/mountinfo parser: fields, octal escapes, optional fields, hostile lines; the
 * mount table streamed from a file through read_lines()' window: the same entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/fileio.h"
#include "core/mountinfo.h"
#include "core/strbuf.h"
#include "core/util.h"

struct seen {
	char text[2048];
	int stop_after;
	int n;
};

static int record(const struct mount_entry *m, void *userdata)
{
	struct seen *s = userdata;
	size_t len = strlen(s->text);

	snprintf(s->text + len, sizeof(s->text) - len, "[%s|%s|%s|%s|%s|%s]", m->root, m->mount_point,
		 m->mount_opts, m->fstype, m->source, m->super_opts);
	return ++s->n == s->stop_after ? 1 : 0;
}

static void parse_is(const char *in, int want_r, const char *want)
{
	struct seen s = { .text = "" };

	assert_int_equal(mountinfo_parse(in, strlen(in), record, &s), want_r);
	assert_string_equal(s.text, want);
}

static void test_fields(void **state)
{
	(void)state;
	parse_is("22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n", 0,
		 "[/|/|rw,relatime|ext4|/dev/vda|rw]");
	/* No optional fields; several optional fields. */
	parse_is("30 22 0:40 / /mnt ro,nosuid - tmpfs tmpfs rw,size=10k\n"
		 "31 22 0:41 /sub /usr/src ro shared:5 master:2 propagate_from:1 - ext4 /dev/sda1 rw\n",
		 0, "[/|/mnt|ro,nosuid|tmpfs|tmpfs|rw,size=10k][/sub|/usr/src|ro|ext4|/dev/sda1|rw]");
}

static void test_escapes(void **state)
{
	(void)state;
	parse_is("40 22 0:50 / /mnt/with\\040space\\011tab rw - tmpfs my\\134src rw\n", 0,
		 "[/|/mnt/with space\ttab|rw|tmpfs|my\\src|rw]");
	/* Not an octal escape: left as it is. */
	parse_is("41 22 0:50 / /a\\9b rw - tmpfs t rw\n", 0, "[/|/a\\9b|rw|tmpfs|t|rw]");
}

static void test_hostile(void **state)
{
	(void)state;
	/* Too few fields, no separator, nothing after the separator: skipped. */
	parse_is("1 2 3\n"
		 "22 1 254:0 / / rw shared:1 ext4 /dev/vda rw\n"
		 "22 1 254:0 / / rw -\n"
		 "22 1 254:0 / / rw - ext4\n"
		 "\n\n"
		 "50 1 0:1 / /ok rw - proc proc\n",
		 0, "[/|/ok|rw|proc|proc|]");
	parse_is("", 0, "");
	/* A line with more optional fields than fit is skipped, not overflowed. */
	parse_is("1 2 3:4 / /x rw a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D - t s o\n",
		 0, "");
}

static void test_stop(void **state)
{
	struct seen s = { .text = "", .stop_after = 1 };
	const char *in = "1 0 0:1 / /a rw - t s o\n2 0 0:1 / /b rw - t s o\n";

	(void)state;
	assert_int_equal(mountinfo_parse(in, strlen(in), record, &s), 1);
	assert_int_equal(s.n, 1);
}

/* Each entry's four fields the table keeps, "|"-separated, ";" after each. */
static int fields4(const struct mount_entry *m, void *userdata)
{
	struct strbuf *sb = userdata;

	return strbuf_addf(sb, "%s|%s|%s|%s;", m->mount_point, m->mount_opts, m->fstype, m->source);
}

/* text read back through a file as a mount table: what mountinfo_parse() gives */
static void table_is_parse(const char *text, size_t len, size_t want_n)
{
	char path[] = "/tmp/test-mountinfo.XXXXXX";
	int fd = mkstemp(path);
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct mount_table t;

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(mount_table_read(fd, &t), 0);
	close(fd);
	assert_int_equal(mount_table_foreach(&t, fields4, &a), 0);
	assert_int_equal(mountinfo_parse(text, len, fields4, &b), 0);
	assert_int_equal(a.err, 0);
	if (!streq(strbuf_str(&a), strbuf_str(&b)))
		fail_msg("the table differs from the parse");
	if (t.n != want_n)
		fail_msg("%zu entries, want %zu", t.n, want_n);
	mount_table_free(&t);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void test_table(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	table_is_parse("", 0, 0);
	table_is_parse("22 1 254:0 / / rw - ext4 /dev/vda rw", 36, 1); /* no final newline */
	/* 5,000 mounts over many windows, lines across their edges; a malformed line, an escape,
	 * a NUL that ends its line, and a mount point longer than the window */
	for (int i = 0; i < 5000; i++) {
		strbuf_addf(&sb, "%d 22 0:%d / /var/lib/kubelet/pods/%08x/volumes\\040x rw,relatime "
			    "shared:%d - tmpfs tmpfs rw,size=4194304k\n", 100 + i, i, i, i);
		if (i == 2000)
			strbuf_adds(&sb, "not a mount line\n");
		if (i == 3000)
			strbuf_add(&sb, "1 2 3:4 / /nul\0 rw - ext4 /dev/x rw\n", 36);
		if (i == 4000) {
			strbuf_adds(&sb, "9 1 0:1 / /");
			for (int k = 0; k < 8000; k++)
				strbuf_adds(&sb, "long/dir/");
			strbuf_adds(&sb, " rw - ext4 /dev/vdb rw\n");
		}
	}
	assert_int_equal(sb.err, 0);
	table_is_parse(sb.buf, sb.len, 5001);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
