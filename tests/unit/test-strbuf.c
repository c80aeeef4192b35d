/* SPDX-License-Identifier: MIT */
/* core/strbuf: appends of any length, lists with separators, and a sticky error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/strbuf.h"

static void test_add(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_string_equal(strbuf_str(&sb), "");
	assert_int_equal(strbuf_adds(&sb, "ab"), 0);
	assert_int_equal(strbuf_add(&sb, "cdef", 2), 0);
	assert_int_equal(strbuf_addf(&sb, "-%d-%s", 42, "x"), 0);
	assert_string_equal(sb.buf, "abcd-42-x");
	assert_int_equal(sb.len, 9);
	/* an empty format and an empty string add nothing */
	assert_int_equal(strbuf_addf(&sb, "%s", ""), 0);
	assert_int_equal(strbuf_add(&sb, "", 0), 0);
	assert_int_equal(sb.len, 9);
}

/* Far past any first allocation, in one addf and in many small ones: nothing is cut. */
static void test_long(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ char *big = malloc(100001);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', 100000);
	big[100000] = '\0';
	assert_int_equal(strbuf_addf(&sb, "<%s>", big), 0);
	assert_int_equal(sb.len, 100002);
	assert_int_equal(strlen(sb.buf), 100002);
	assert_int_equal(sb.buf[100001], '>');
	for (int i = 0; i < 50000; i++)
		assert_int_equal(strbuf_add_sep(&sb, ",", "%d", i % 10), 0);
	assert_int_equal(sb.len, 100002 + 50000 * 2);
	assert_int_equal(strlen(sb.buf), sb.len);
}

static void test_sep(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_add_sep(&sb, ", ", "%s", "rsync");
	strbuf_add_sep(&sb, ", ", "%s", "modprobe");
	strbuf_add_sep(&sb, "; ", "%u more", 3u);
	assert_string_equal(sb.buf, "rsync, modprobe; 3 more");
}

static void test_detach(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;

	(void)state;
	assert_null(strbuf_detach(&sb));
	strbuf_adds(&sb, "kept");
	s = strbuf_detach(&sb);
	assert_string_equal(s, "kept");
	free(s);
	assert_int_equal(sb.len, 0);
	assert_null(sb.buf);
	assert_string_equal(strbuf_str(&sb), "");
	strbuf_release(&sb);
}

/* A failure (here a length no allocation can hold) stays: later appends do nothing, the
 * string reads as empty and detach gives NULL with the error still in sb. */
static void test_sticky(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_adds(&sb, "before");
	assert_int_equal(strbuf_add(&sb, "x", SIZE_MAX), -ENOMEM);
	assert_int_equal(sb.err, -ENOMEM);
	assert_int_equal(strbuf_adds(&sb, "after"), -ENOMEM);
	assert_int_equal(strbuf_addf(&sb, "%s", "after"), -ENOMEM);
	assert_int_equal(strbuf_add_sep(&sb, ", ", "%s", "after"), -ENOMEM);
	assert_string_equal(strbuf_str(&sb), "");
	assert_null(strbuf_detach(&sb));
	assert_int_equal(sb.err, -ENOMEM);
	strbuf_release(&sb);
	assert_int_equal(sb.err, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add),	   cmocka_unit_test(test_long),
	    cmocka_unit_test(test_sep),	   cmocka_unit_test(test_detach),
	    cmocka_unit_test(test_sticky),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
