/* SPDX-License-Identifier: MIT */
#include "version.h"

#include <ctype.h>
#include <errno.h>

/* Larger than any kernel version component, small enough never to overflow. */
#define KVER_PART_MAX 1000000u

static int part(const char **s, unsigned *ret)
{
	unsigned v = 0;
	const char *p = *s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v >= KVER_PART_MAX)
			return -EINVAL;
	}
	*s = p;
	*ret = v;
	return 0;
}

int kver_parse(const char *s, struct kver *ret)
{
	struct kver v = { 0 };

	if (part(&s, &v.major) < 0 || *s++ != '.' || part(&s, &v.minor) < 0)
		return -EINVAL;
	if (*s == '.' && isdigit((unsigned char)s[1])) {
		s++;
		if (part(&s, &v.patch) < 0)
			return -EINVAL;
	}
	*ret = v;
	return 0;
}

int kver_cmp(const struct kver *a, const struct kver *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return 0;
}
