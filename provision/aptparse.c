/* SPDX-License-Identifier: MIT */
#include "aptparse.h"

#include "core/util.h"

static const char *const apt_op_names[_APT_OP_MAX] = {
	[APT_OP_INST] = "Inst",
	[APT_OP_REMV] = "Remv",
	[APT_OP_PURG] = "Purg",
	[APT_OP_CONF] = "Conf",
};
_Static_assert(ELEMENTSOF(apt_op_names) == _APT_OP_MAX, "apt_op_names");

const char *apt_op_to_string(enum apt_op op)
{
	return op < _APT_OP_MAX ? apt_op_names[op] : NULL;
}

/* A cursor over one line. */
struct cur {
	const char *p, *end;
};

/* Copies the next run of characters up to one of stops (or the end) into out[APT_FIELD_MAX]. */
static int take(struct cur *c, const char *stops, char *out)
{
	size_t n = 0;

	while (c->p < c->end && !strchr(stops, *c->p)) {
		if (*c->p == '\0' || n + 1 >= APT_FIELD_MAX)
			return -EBADMSG;
		out[n++] = *c->p++;
	}
	out[n] = '\0';
	return n ? 0 : -EBADMSG;
}

static bool eat(struct cur *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

/* Parses what follows "Op ": name, then " [old]", then " (new ...)". */
static int parse_change(struct cur *c, struct apt_change *ch)
{
	if (take(c, " ", ch->name) < 0)
		return -EBADMSG;
	if (c->p + 1 < c->end && c->p[0] == ' ' && c->p[1] == '[') {
		c->p += 2;
		if (take(c, "]", ch->old_ver) < 0 || !eat(c, ']'))
			return -EBADMSG;
	}
	if (c->p + 1 < c->end && c->p[0] == ' ' && c->p[1] == '(') {
		c->p += 2;
		if (take(c, " )", ch->new_ver) < 0)
			return -EBADMSG;
		while (c->p < c->end && *c->p != ')')
			c->p++;
		if (!eat(c, ')'))
			return -EBADMSG;
	}
	/* Remv and Purg have no new version; Inst and Conf must. */
	if ((ch->op == APT_OP_INST || ch->op == APT_OP_CONF) && !ch->new_ver[0])
		return -EBADMSG;
	return 0;
}

int apt_sim_parse(const char *buf, size_t len, apt_change_cb cb, void *userdata,
		  unsigned *ret_line)
{
	const char *end = buf + len;
	unsigned line = 0;
	int n = 0;

	for (const char *p = buf; p < end; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		struct cur c = { p, eol ? eol : end };
		struct apt_change ch = { 0 };
		enum apt_op op;
		int r;

		p = eol ? eol + 1 : end;
		if (c.end - c.p < 5 || c.p[4] != ' ')
			continue;
		for (op = 0; op < _APT_OP_MAX; op++)
			if (memcmp(c.p, apt_op_names[op], 4) == 0)
				break;
		if (op == _APT_OP_MAX)
			continue;
		c.p += 5;
		ch.op = op;
		if (parse_change(&c, &ch) < 0) {
			if (ret_line)
				*ret_line = line + 1;
			return -EBADMSG;
		}
		r = cb(&ch, userdata);
		if (r < 0)
			return r;
		n++;
	}
	return n;
}

/* Trims the field [s, e) of spaces into out; returns false when empty or too long. */
static bool field(const char *s, const char *e, char *out)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (s == e || (size_t)(e - s) >= APT_FIELD_MAX || memchr(s, '\0', (size_t)(e - s)))
		return false;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return true;
}

int apt_madison_parse(const char *buf, size_t len, apt_offer_cb cb, void *userdata)
{
	const char *end = buf + len;
	int n = 0;

	for (const char *p = buf; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *e = eol ? eol : end;
		const char *b1 = memchr(p, '|', (size_t)(e - p)), *b2;
		char name[APT_FIELD_MAX], ver[APT_FIELD_MAX], src[APT_FIELD_MAX];
		int r;

		b2 = b1 ? memchr(b1 + 1, '|', (size_t)(e - b1 - 1)) : NULL;
		if (b2 && field(p, b1, name) && field(b1 + 1, b2, ver) && field(b2 + 1, e, src)) {
			r = cb(name, ver, src, userdata);
			if (r < 0)
				return r;
			n++;
		}
		p = eol ? eol + 1 : end;
	}
	return n;
}
