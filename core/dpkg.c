/* SPDX-License-Identifier: MIT */
#include "dpkg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "deb822-chars.h"
#include "host.h"
#include "strbuf.h"
#include "util.h"

/* ASCII classes, whatever the locale: versions and field names are ASCII (deb-version(7)). */
static bool c_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static bool c_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

struct deb822 {
	deb822_cb cb;
	void *userdata;
	char *name; /* the field being read, NULL between fields */
	struct strbuf value;
};

/* Hands the field being read to the callback. */
static int deb822_flush(struct deb822 *d)
{
	int r;

	if (!d->name)
		return 0;
	r = d->cb(d->name, strbuf_str(&d->value), d->userdata);
	free(d->name);
	d->name = NULL;
	d->value.len = 0;
	if (d->value.buf)
		d->value.buf[0] = '\0';
	return r;
}

int deb822_parse(const char *buf, size_t len, deb822_cb cb, void *userdata, unsigned *ret_line)
{
	struct deb822 d = { .cb = cb, .userdata = userdata };
	const char *p = buf, *end = buf + len;
	bool in_paragraph = false;
	unsigned line = 0;
	int n = 0, r = 0;

	while (p < end) {
		const char *l = p, *eol = memchr(p, '\n', (size_t)(end - p)), *s, *e;

		if (!eol)
			eol = end;
		p = eol < end ? eol + 1 : end;
		line++;
		if (memchr(l, '\0', (size_t)(eol - l)))
			goto bad;
		s = l;
		e = eol;
		strip_range(&s, &e);
		if (s == e) {
			/* A blank line ends the paragraph. */
			if (in_paragraph) {
				if ((r = deb822_flush(&d)) < 0 ||
				    (r = cb(NULL, NULL, userdata)) < 0)
					goto out;
				n++;
				in_paragraph = false;
			}
			continue;
		}
		if (*l == '#')
			continue;
		if (c_isblank(*l)) {
			/* A continuation line: part of the value of the field before it. */
			if (!d.name)
				goto bad;
			if ((d.value.len && (r = strbuf_add(&d.value, "\n", 1)) < 0) ||
			    (r = strbuf_add(&d.value, s, (size_t)(e - s))) < 0)
				goto out;
			continue;
		}
		{
			const char *colon = memchr(l, ':', (size_t)(eol - l));
			const char *v, *ve = eol;

			if (!colon || !field_name_valid(l, colon))
				goto bad;
			v = colon + 1;
			if ((r = deb822_flush(&d)) < 0)
				goto out;
			d.name = strndup(l, (size_t)(colon - l));
			if (!d.name) {
				r = -ENOMEM;
				goto out;
			}
			strip_range(&v, &ve);
			if ((r = strbuf_add(&d.value, v, (size_t)(ve - v))) < 0)
				goto out;
			in_paragraph = true;
		}
	}
	if (in_paragraph) {
		if ((r = deb822_flush(&d)) < 0 || (r = cb(NULL, NULL, userdata)) < 0)
			goto out;
		n++;
	}
	r = n;
	goto out;
bad:
	r = -EBADMSG;
out:
	if (r == -EBADMSG && ret_line)
		*ret_line = line;
	free(d.name);
	strbuf_release(&d.value);
	return r;
}

static const char *const want_names[] = {
	[DPKG_WANT_UNKNOWN] = "unknown", [DPKG_WANT_INSTALL] = "install",
	[DPKG_WANT_HOLD] = "hold",	 [DPKG_WANT_DEINSTALL] = "deinstall",
	[DPKG_WANT_PURGE] = "purge",
};
_Static_assert(ELEMENTSOF(want_names) == _DPKG_WANT_MAX, "want_names");

static const char *const eflag_names[] = {
	[DPKG_EFLAG_OK] = "ok",
	[DPKG_EFLAG_REINSTREQ] = "reinstreq",
};
_Static_assert(ELEMENTSOF(eflag_names) == _DPKG_EFLAG_MAX, "eflag_names");

static const char *const state_names[] = {
	[DPKG_STATE_NOT_INSTALLED] = "not-installed",
	[DPKG_STATE_CONFIG_FILES] = "config-files",
	[DPKG_STATE_HALF_INSTALLED] = "half-installed",
	[DPKG_STATE_UNPACKED] = "unpacked",
	[DPKG_STATE_HALF_CONFIGURED] = "half-configured",
	[DPKG_STATE_TRIGGERS_AWAITED] = "triggers-awaited",
	[DPKG_STATE_TRIGGERS_PENDING] = "triggers-pending",
	[DPKG_STATE_INSTALLED] = "installed",
};
_Static_assert(ELEMENTSOF(state_names) == _DPKG_STATE_MAX, "state_names");

const char *dpkg_want_to_string(enum dpkg_want w)
{
	return w < _DPKG_WANT_MAX ? want_names[w] : NULL;
}

const char *dpkg_eflag_to_string(enum dpkg_eflag e)
{
	return e < _DPKG_EFLAG_MAX ? eflag_names[e] : NULL;
}

const char *dpkg_state_to_string(enum dpkg_state s)
{
	return s < _DPKG_STATE_MAX ? state_names[s] : NULL;
}

/* Matches the word at *s (ended by a space or the end) against names; moves *s past it. */
static int status_word(const char **s, const char *const *names, size_t n)
{
	const char *p = *s, *e = strchrnul(p, ' ');

	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == (size_t)(e - p) &&
		    strncmp(names[i], p, (size_t)(e - p)) == 0) {
			*s = e;
			return (int)i;
		}
	return -EINVAL;
}

int dpkg_status_parse(const char *s, struct dpkg_status *ret)
{
	int want, eflag, state;

	if ((want = status_word(&s, want_names, ELEMENTSOF(want_names))) < 0 || *s++ != ' ' ||
	    (eflag = status_word(&s, eflag_names, ELEMENTSOF(eflag_names))) < 0 || *s++ != ' ' ||
	    (state = status_word(&s, state_names, ELEMENTSOF(state_names))) < 0 || *s)
		return -EINVAL;
	*ret = (struct dpkg_status){ .want = want, .eflag = eflag, .state = state };
	return 0;
}

bool dpkg_status_present(const struct dpkg_status *st)
{
	return st->state != DPKG_STATE_NOT_INSTALLED && st->state != DPKG_STATE_CONFIG_FILES;
}

bool dpkg_status_broken(const struct dpkg_status *st)
{
	return st->eflag == DPKG_EFLAG_REINSTREQ || st->state == DPKG_STATE_HALF_INSTALLED ||
	       st->state == DPKG_STATE_UNPACKED || st->state == DPKG_STATE_HALF_CONFIGURED;
}

int dpkg_version_parse(const char *s, struct dpkg_version *ret)
{
	struct dpkg_version v = { 0 };
	const char *colon = strchr(s, ':'), *up = s, *hyphen;
	size_t len;

	if (colon) {
		unsigned long epoch = 0;

		if (colon == s)
			return -EINVAL;
		for (const char *p = s; p < colon; p++) {
			if (!c_isdigit(*p))
				return -EINVAL;
			epoch = epoch * 10 + (unsigned long)(*p - '0');
			if (epoch > INT_MAX)
				return -EINVAL;
		}
		v.epoch = (unsigned)epoch;
		up = colon + 1;
	}
	len = strlen(up);
	hyphen = memrchr(up, '-', len);
	v.upstream = up;
	v.upstream_len = hyphen ? (size_t)(hyphen - up) : len;
	if (hyphen) {
		v.revision = hyphen + 1;
		v.revision_len = len - v.upstream_len - 1;
		if (!v.revision_len)
			return -EINVAL;
	} else {
		v.revision = up + len;
	}
	if (!v.upstream_len || !c_isdigit(up[0]))
		return -EINVAL;
	for (size_t i = 0; i < v.upstream_len; i++)
		if (!c_isdigit(up[i]) && !c_isalpha(up[i]) && !strchr(".-+~:", up[i]))
			return -EINVAL;
	for (size_t i = 0; i < v.revision_len; i++)
		if (!c_isdigit(v.revision[i]) && !c_isalpha(v.revision[i]) &&
		    !strchr(".+~", v.revision[i]))
			return -EINVAL;
	*ret = v;
	return 0;
}

/* dpkg's lib/dpkg/version.c order(): digits 0 (never compared here), letters by their code,
 * '~' below everything including the end of the string, other characters above letters. */
static int order(int c)
{
	if (c_isdigit(c))
		return 0;
	if (c_isalpha(c))
		return c;
	if (c == '~')
		return -1;
	return c ? c + 256 : 0;
}

/* dpkg's verrevcmp() on counted strings: the end of a string reads as '\0'. */
static int verrevcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *ae = a + alen, *be = b + blen;

#define AT(p, e) ((p) < (e) ? *(p) : '\0')
	while (a < ae || b < be) {
		int first_diff = 0;

		while ((a < ae && !c_isdigit(*a)) || (b < be && !c_isdigit(*b))) {
			int ac = order(AT(a, ae)), bc = order(AT(b, be));

			if (ac != bc)
				return ac - bc;
			a += a < ae;
			b += b < be;
		}
		while (a < ae && *a == '0')
			a++;
		while (b < be && *b == '0')
			b++;
		while (a < ae && b < be && c_isdigit(*a) && c_isdigit(*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (a < ae && c_isdigit(*a))
			return 1;
		if (b < be && c_isdigit(*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
#undef AT
	return 0;
}

int dpkg_version_cmp(const struct dpkg_version *a, const struct dpkg_version *b)
{
	int r;

	if (a->epoch != b->epoch)
		return a->epoch < b->epoch ? -1 : 1;
	r = verrevcmp(a->upstream, a->upstream_len, b->upstream, b->upstream_len);
	if (r)
		return r;
	return verrevcmp(a->revision, a->revision_len, b->revision, b->revision_len);
}

int dpkg_version_compare(const char *a, const char *b, int *ret)
{
	struct dpkg_version va, vb;

	if (dpkg_version_parse(a, &va) < 0 || dpkg_version_parse(b, &vb) < 0)
		return -EINVAL;
	*ret = dpkg_version_cmp(&va, &vb);
	return 0;
}

/* The relation operators of deb-control(5), longest first: "<" and ">" are the obsolete
 * spellings dpkg reads as "<=" and ">=". want: which signs of the comparison satisfy it. */
static const struct {
	const char *op;
	bool lt, eq, gt;
} relation_ops[] = {
	{ "<<", true, false, false }, { "<=", true, true, false }, { ">=", false, true, true },
	{ ">>", false, false, true }, { "=", false, true, false },  { "<", true, true, false },
	{ ">", false, true, true },
};

/* Package names (deb-control(5)): lower-case letters, digits, '+', '-', '.'. */
static bool c_ispkgname(int c)
{
	return (c >= 'a' && c <= 'z') || c_isdigit(c) || c == '+' || c == '-' || c == '.';
}

static bool c_isspace_nl(int c)
{
	return c_isblank(c) || c == '\n';
}

/* Parses one alternative [p, e): sets *ret_named (its name is pkg) and *ret_ok (version meets
 * its relation). Returns 0 or -EINVAL. */
static int relation_judge(const char *p, const char *e, const char *pkg, const char *version,
			  bool *ret_named, bool *ret_ok)
{
	const char *n = p, *ne, *ve;
	char want[256];
	size_t i;
	int cmp;

	while (n < e && c_isspace_nl(*n))
		n++;
	for (ne = n; ne < e && c_ispkgname(*ne); ne++)
		;
	if (ne == n)
		return -EINVAL;
	*ret_named = (size_t)(ne - n) == strlen(pkg) && strncmp(n, pkg, (size_t)(ne - n)) == 0;
	*ret_ok = true;
	p = ne;
	if (p < e && *p == ':') /* an architecture qualifier: "name:any" */
		for (p++; p < e && (c_isalpha(*p) || c_isdigit(*p) || *p == '-'); p++)
			;
	while (p < e && c_isspace_nl(*p))
		p++;
	if (p == e || *p != '(')
		return 0; /* no version relation (architecture or profile lists are not judged) */
	for (p++; p < e && c_isspace_nl(*p); p++)
		;
	for (i = 0; i < ELEMENTSOF(relation_ops); i++)
		if ((size_t)(e - p) >= strlen(relation_ops[i].op) &&
		    strncmp(p, relation_ops[i].op, strlen(relation_ops[i].op)) == 0)
			break;
	if (i == ELEMENTSOF(relation_ops))
		return -EINVAL;
	for (p += strlen(relation_ops[i].op); p < e && c_isspace_nl(*p); p++)
		;
	ve = memchr(p, ')', (size_t)(e - p));
	if (!ve)
		return -EINVAL;
	while (ve > p && c_isspace_nl(ve[-1]))
		ve--;
	if (ve == p || (size_t)(ve - p) >= sizeof(want))
		return -EINVAL;
	memcpy(want, p, (size_t)(ve - p));
	want[ve - p] = '\0';
	if (!*ret_named)
		return dpkg_version_parse(want, &(struct dpkg_version){ 0 });
	if (dpkg_version_compare(version, want, &cmp) < 0)
		return -EINVAL;
	*ret_ok = cmp < 0 ? relation_ops[i].lt : cmp == 0 ? relation_ops[i].eq : relation_ops[i].gt;
	return 0;
}

int dpkg_depends_allow(const char *depends, const char *pkg, const char *version,
		       char **ret_on)
{
	struct strbuf on = { 0 };
	bool allowed = true;
	int r = 0;

	for (const char *p = depends; *p;) {
		const char *e = p + strcspn(p, ","), *alt = p, *s = p, *t = e;
		bool all_pkg = true, any_ok = false, any_pkg = false;

		/* the alternatives of one entry */
		while (alt < e) {
			const char *ae = memchr(alt, '|', (size_t)(e - alt));
			bool named, ok;

			if (!ae)
				ae = e;
			r = relation_judge(alt, ae, pkg, version, &named, &ok);
			if (r < 0)
				goto out;
			all_pkg = all_pkg && named;
			any_pkg = any_pkg || named;
			any_ok = any_ok || (named && ok);
			alt = ae < e ? ae + 1 : e;
			if (ae < e && alt == e) {
				r = -EINVAL; /* "a |" */
				goto out;
			}
		}
		if (any_pkg) {
			while (s < t && c_isspace_nl(*s))
				s++;
			while (t > s && c_isspace_nl(t[-1]))
				t--;
			if ((on.len && (r = strbuf_add(&on, ", ", 2)) < 0) ||
			    (r = strbuf_add(&on, s, (size_t)(t - s))) < 0)
				goto out;
		}
		if (all_pkg && !any_ok)
			allowed = false;
		p = *e ? e + 1 : e;
	}
	if (ret_on)
		*ret_on = strbuf_detach(&on);
	r = allowed;
out:
	strbuf_release(&on);
	return r;
}
