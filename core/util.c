/* SPDX-License-Identifier: MIT */
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <time.h>

char *strdup_vprintf(const char *fmt, va_list ap)
{
	char *s;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

char *strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = strdup_vprintf(fmt, ap);
	va_end(ap);
	return s;
}

char *strstrip(char *s)
{
	char *start = s, *end;

	while (isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	if (start != s)
		memmove(s, start, (size_t)(end - start) + 1);
	return s;
}

unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000;
}

/* The next word of s at or after *p: its start and length; false at the end. */
static bool next_word(const char **p, const char **ret_w, size_t *ret_n)
{
	const char *s = *p + strspn(*p, " \t\n");
	size_t n = strcspn(s, " \t\n");

	if (n == 0)
		return false;
	*ret_w = s;
	*ret_n = n;
	*p = s + n;
	return true;
}

bool words_intersect(const char *a, const char *b)
{
	const char *pa = a, *wa, *pb, *wb;
	size_t na, nb;

	while (next_word(&pa, &wa, &na))
		for (pb = b; next_word(&pb, &wb, &nb);)
			if (na == nb && memcmp(wa, wb, na) == 0)
				return true;
	return false;
}
