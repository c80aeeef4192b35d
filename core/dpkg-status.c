/* SPDX-License-Identifier: MIT */
/*
 * The dpkg status database: a scanner of its paragraphs that reads each line once and copies
 * only the fields it reads (Package, Status, Version, Architecture, and Depends, which may
 * span lines), and the database of a host, streamed through a bounded window into an index of
 * its packages.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "deb822-chars.h"
#include "dpkg.h"
#include "host.h"
#include "strbuf.h"
#include "util.h"

/* The simple fields a status paragraph is read for, by index into status_scan.v. */
enum { F_PACKAGE, F_STATUS, F_VERSION, F_ARCHITECTURE, _F_MAX };
static const struct {
	const char *name;
	size_t len;
} status_fields[] = {
    [F_PACKAGE] = {"Package", 7},
    [F_STATUS] = {"Status", 6},
    [F_VERSION] = {"Version", 7},
    [F_ARCHITECTURE] = {"Architecture", 12},
};
_Static_assert(ELEMENTSOF(status_fields) == _F_MAX, "status_fields");

#define F_NONE	(-2) /* no field yet in this paragraph: a continuation line is malformed */
#define F_OTHER (-1) /* a field the scanner skips */
#define F_DEPENDS (-3) /* Depends: kept with its continuation lines, the first one given */

/*
 * The scanner's state between lines, so that the database can feed it a window at a time.
 * deb822_parse's rules, without its copies: a field is judged when the next field or the
 * paragraph's end is reached, at that line, as deb822_parse hands it on.
 */
struct status_scan {
	dpkg_pkg_cb cb;
	void *userdata;
	struct strbuf v[_F_MAX];
	bool set[_F_MAX]; /* given (and judged) in this paragraph */
	int cur;	  /* the field being read: an index, F_OTHER or F_NONE */
	unsigned parts;	  /* its non-blank parts: a simple field has exactly one */
	bool dup;	  /* it was given before in this paragraph */
	struct strbuf depends;
	bool depends_set;
	bool in_paragraph, stopped;
	unsigned line;
	int n;
	struct strbuf last_status; /* the last valid Status, and what it parsed to */
	struct dpkg_status last_st;
};

static void value_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

/* Judges the field being read: a simple field once, on one line, not empty. */
static int field_end(struct status_scan *s)
{
	if (s->cur < 0)
		return 0;
	if (s->dup || s->parts != 1)
		return -EBADMSG;
	s->set[s->cur] = true;
	return s->v[s->cur].err;
}

static int paragraph_end(struct status_scan *s)
{
	struct dpkg_pkg p;
	int r = field_end(s);

	if (r < 0)
		return r;
	s->cur = F_NONE;
	s->in_paragraph = false;
	p = (struct dpkg_pkg){
	    .package = s->set[F_PACKAGE] ? strbuf_str(&s->v[F_PACKAGE]) : NULL,
	    .status = s->set[F_STATUS] ? strbuf_str(&s->v[F_STATUS]) : NULL,
	    .version = s->set[F_VERSION] ? strbuf_str(&s->v[F_VERSION]) : NULL,
	    .architecture = s->set[F_ARCHITECTURE] ? strbuf_str(&s->v[F_ARCHITECTURE]) : NULL,
	    .depends = s->depends_set ? strbuf_str(&s->depends) : NULL,
	};
	memset(s->set, 0, sizeof(s->set));
	s->depends_set = false;
	if (s->depends.err)
		return s->depends.err;
	if (!p.package || !p.status)
		return -EBADMSG;
	/* Nearly every paragraph says "install ok installed": parsed once */
	if (streq(p.status, strbuf_str(&s->last_status)))
		p.st = s->last_st;
	else if (dpkg_status_parse(p.status, &p.st) < 0)
		return -EBADMSG;
	else {
		value_reset(&s->last_status);
		strbuf_adds(&s->last_status, p.status);
		s->last_st = p.st;
	}
	s->n++;
	r = s->cb(&p, s->userdata);
	if (r > 0) {
		s->stopped = true;
		return -ECANCELED;
	}
	return r;
}

/* A field line whose name, [l, colon), is valid. */
static int field_start(struct status_scan *s, const char *l, const char *colon, const char *eol)
{
	const char *v = colon + 1, *ve = eol;
	size_t n = (size_t)(colon - l);
	int r;

	r = field_end(s);
	if (r < 0)
		return r;
	s->in_paragraph = true;
	s->cur = F_OTHER;
	if (n == 7 && (l[0] | 0x20) == 'd' &&
	    (memcmp(l, "Depends", n) == 0 || strncasecmp(l, "Depends", n) == 0)) {
		strip_range(&v, &ve);
		s->cur = F_DEPENDS;
		s->dup = s->depends_set;
		if (!s->dup) {
			value_reset(&s->depends);
			strbuf_add(&s->depends, v, (size_t)(ve - v));
			s->depends_set = true;
		}
		return 0;
	}
	for (int i = 0; i < _F_MAX; i++) {
		const char *name = status_fields[i].name;

		/* Field names are case-insensitive (deb822(5)); most fields differ at once, and
		 * dpkg writes these as spelled here. */
		if (n != status_fields[i].len || (l[0] | 0x20) != (name[0] | 0x20) ||
		    (memcmp(l, name, n) != 0 && strncasecmp(l, name, n) != 0))
			continue;
		s->cur = i;
		s->dup = s->set[i];
		strip_range(&v, &ve);
		s->parts = v < ve;
		if (!s->dup) {
			value_reset(&s->v[i]);
			strbuf_add(&s->v[i], v, (size_t)(ve - v));
		}
		break;
	}
	return 0;
}

/* The bytes of a field name: '!' to '~' but ':' (deb822(5)); none above 0x7f. */
static const unsigned char name_char[256] = {
    /* 0x00 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x10 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x20 */ 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x30 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1,
    /* 0x40 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x50 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x60 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x70 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
};

/* One line, without its '\n'. */
static int scan_line(struct status_scan *s, const char *l, const char *eol)
{
	const char *p = l, *colon;

	while (p < eol && c_isblank(*p))
		p++;
	if (p == eol) /* a blank line ends the paragraph */
		return s->in_paragraph ? paragraph_end(s) : 0;
	if (*l == '#')
		return 0;
	if (p != l) {
		/* a continuation line: part of the value of the field before it */
		const char *e = eol;

		if (s->cur == F_NONE)
			return -EBADMSG;
		if (s->cur == F_DEPENDS && !s->dup) {
			strip_range(&p, &e);
			if (s->depends.len)
				strbuf_add(&s->depends, "\n", 1);
			strbuf_add(&s->depends, p, (size_t)(e - p));
			return 0;
		}
		if (s->cur >= 0 && !s->dup && s->parts++ == 0) {
			strip_range(&p, &e);
			strbuf_add(&s->v[s->cur], p, (size_t)(e - p));
		}
		return 0;
	}
	/* "Name: value": the name is printable US-ASCII other than space, up to the first ':',
	 * and does not start with '-' (deb822(5): field_name_valid() in the same pass) */
	for (colon = l; colon < eol && name_char[(unsigned char)*colon]; colon++)
		;
	if (colon == eol || *colon != ':' || colon == l || *l == '-')
		return -EBADMSG;
	return field_start(s, l, colon, eol);
}

/* Scans the whole lines of [buf, buf + len), and at eof the rest as the last line. Returns
 * the bytes scanned, or < 0. */
static ssize_t scan_lines(struct status_scan *s, const char *buf, size_t len, bool eof)
{
	const char *p = buf, *end = buf + len, *nul = memchr(buf, '\0', len);
	int r;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol) {
			if (!eof)
				break;
			eol = end;
		}
		s->line++;
		if (nul && nul < eol)
			return -EBADMSG;
		/* The most common line by far: one more line of a long field the scanner skips
		 * (Description, Conffiles), neither blank nor a comment. */
		if (s->cur == F_OTHER && (*p == ' ' || *p == '\t') && eol - p > 1 && p[1] != ' ' &&
		    p[1] != '\t' && p[1] != '\r') {
			p = eol < end ? eol + 1 : end;
			continue;
		}
		r = scan_line(s, p, eol);
		if (r < 0)
			return r;
		p = eol < end ? eol + 1 : end;
	}
	return p - buf;
}

/* The end of the input: the last paragraph, then the number of paragraphs, or 1 when the
 * callback stopped, or < 0. */
static int scan_finish(struct status_scan *s, int r)
{
	if (r >= 0 && s->in_paragraph)
		r = paragraph_end(s);
	for (size_t i = 0; i < _F_MAX; i++)
		strbuf_release(&s->v[i]);
	strbuf_release(&s->depends);
	strbuf_release(&s->last_status);
	if (s->stopped)
		return 1;
	return r < 0 ? r : s->n;
}

int dpkg_status_read(const char *buf, size_t len, dpkg_pkg_cb cb, void *userdata,
		     unsigned *ret_line)
{
	struct status_scan s = {.cb = cb, .userdata = userdata, .cur = F_NONE};
	ssize_t n = scan_lines(&s, buf, len, true);
	int r = scan_finish(&s, n < 0 ? (int)n : 0);

	if (r == -EBADMSG && ret_line)
		*ret_line = s.line;
	return r;
}

void dpkg_package_free(struct dpkg_package *p)
{
	free(p->status);
	free(p->version);
	free(p->depends);
	*p = (struct dpkg_package){0};
}

bool dpkg_package_present(const struct dpkg_package *p)
{
	return p->status && dpkg_status_present(&p->st);
}

bool dpkg_package_held(const struct dpkg_package *p)
{
	return p->status && p->st.want == DPKG_WANT_HOLD;
}

#define NO_STRING UINT32_MAX /* an offset for a field not given */

/* A paragraph in the index: its Package, Version and Depends as offsets into db->strings. */
struct dpkg_db_entry {
	uint32_t package, version, depends;
	struct dpkg_status st;
};

/* Whether name is in the NULL-terminated v (NULL: every name is). */
static bool named(const char *const *v, const char *name)
{
	if (!v)
		return true;
	for (; *v; v++)
		if (streq(*v, name))
			return true;
	return false;
}

static int index_cb(const struct dpkg_pkg *p, void *userdata)
{
	struct dpkg_db *db = userdata;
	struct dpkg_db_entry *e;
	struct strbuf *sb = &db->strings;
	const char *depends = p->depends && named(db->depends_of, p->package) ? p->depends : NULL;

	if (db->n_entries == db->alloc) {
		size_t alloc = db->alloc ? db->alloc * 2 : 256;

		e = reallocarray(db->entries, alloc, sizeof(*e));
		if (!e)
			return -ENOMEM;
		db->entries = e;
		db->alloc = alloc;
	}
	if (sb->len + strlen(p->package) + (p->version ? strlen(p->version) : 0) +
		    (depends ? strlen(depends) : 0) + 3 > UINT32_MAX)
		return -EFBIG;
	e = &db->entries[db->n_entries];
	e->st = p->st;
	e->package = (uint32_t)sb->len;
	strbuf_add(sb, p->package, strlen(p->package) + 1);
	e->version = NO_STRING;
	if (p->version) {
		e->version = (uint32_t)sb->len;
		strbuf_add(sb, p->version, strlen(p->version) + 1);
	}
	e->depends = NO_STRING;
	if (depends) {
		e->depends = (uint32_t)sb->len;
		strbuf_add(sb, depends, strlen(depends) + 1);
	}
	db->n_entries++;
	return sb->err;
}

/* Scans fd through a window of STATUS_WINDOW bytes, grown only for a longer line: the text is
 * never held whole. Returns as dpkg_status_read(), or -EFBIG past max bytes, or -errno. */
#define STATUS_WINDOW (64 * 1024)
static int status_stream(int fd, size_t max, struct status_scan *s)
{
	size_t cap = STATUS_WINDOW, have = 0, total = 0;
	_cleanup_free_ char *buf = malloc(cap);
	ssize_t n = 0;

	if (!buf)
		return scan_finish(s, -ENOMEM);
	for (;;) {
		if (have == cap) {
			char *nbuf = cap > max ? NULL : realloc(buf, cap * 2);

			if (!nbuf)
				return scan_finish(s, cap > max ? -EFBIG : -ENOMEM);
			buf = nbuf;
			cap *= 2;
		}
		n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return scan_finish(s, -errno);
		if (n == 0)
			break;
		total += (size_t)n;
		if (total > max)
			return scan_finish(s, -EFBIG);
		have += (size_t)n;
		n = scan_lines(s, buf, have, false);
		if (n < 0)
			return scan_finish(s, (int)n);
		memmove(buf, buf + n, have - (size_t)n);
		have -= (size_t)n;
	}
	n = scan_lines(s, buf, have, true);
	return scan_finish(s, n < 0 ? (int)n : 0);
}

int dpkg_db_read(const struct host *h, struct dpkg_db *db)
{
	return dpkg_db_read_for(h, NULL, db);
}

int dpkg_db_read_for(const struct host *h, const char *const *depends_of, struct dpkg_db *db)
{
	_cleanup_close_ int dir = -1, fd = -1;
	struct status_scan s = {.cb = index_cb, .userdata = db, .cur = F_NONE};
	int r;

	*db = (struct dpkg_db){.failed = DPKG_ADMINDIR, .depends_of = depends_of};
	dir = host_openat(h, DPKG_ADMINDIR, O_PATH | O_DIRECTORY);
	if (dir == -ENOENT || dir == -ENOTDIR)
		return 0;
	if (dir < 0)
		return dir;
	db->failed = DPKG_STATUS;
	fd = host_openat(h, DPKG_STATUS, O_RDONLY);
	if (fd < 0)
		return fd;
	r = status_stream(fd, DPKG_STATUS_MAX, &s);
	if (r == -EBADMSG)
		db->line = s.line;
	if (r < 0)
		return r;
	db->n_packages = r;
	db->failed = NULL;
	return 1;
}

void dpkg_db_free(struct dpkg_db *db)
{
	free(db->entries);
	strbuf_release(&db->strings);
	*db = (struct dpkg_db){0};
}

/* The Status field of st as written: dpkg_status_parse() takes no other spelling. */
static void status_text(const struct dpkg_status *st, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s %s", dpkg_want_to_string(st->want),
		 dpkg_eflag_to_string(st->eflag), dpkg_state_to_string(st->state));
}

int dpkg_db_foreach(const struct dpkg_db *db, dpkg_pkg_cb cb, void *userdata)
{
	const char *strings = strbuf_str(&db->strings);

	for (size_t i = 0; i < db->n_entries; i++) {
		const struct dpkg_db_entry *e = &db->entries[i];
		char status[64];
		struct dpkg_pkg p = {
		    .package = strings + e->package,
		    .status = status,
		    .version = e->version == NO_STRING ? NULL : strings + e->version,
		    .depends = e->depends == NO_STRING ? NULL : strings + e->depends,
		    .st = e->st,
		};
		int r;

		status_text(&e->st, status, sizeof(status));
		r = cb(&p, userdata);
		if (r != 0)
			return r > 0 ? 1 : r;
	}
	return (int)db->n_entries;
}

int dpkg_db_find(const struct dpkg_db *db, const char *name, struct dpkg_package *ret)
{
	const char *strings = strbuf_str(&db->strings);
	const struct dpkg_db_entry *found = NULL;
	char status[64];

	*ret = (struct dpkg_package){0};
	for (size_t i = 0; i < db->n_entries; i++) {
		const struct dpkg_db_entry *e = &db->entries[i];

		if (!streq(strings + e->package, name))
			continue;
		if (!found || (!dpkg_status_present(&found->st) && dpkg_status_present(&e->st)))
			found = e;
		/* a present paragraph is the one */
		if (dpkg_status_present(&found->st))
			break;
	}
	if (!found)
		return 0;
	status_text(&found->st, status, sizeof(status));
	ret->st = found->st;
	ret->status = strdup(status);
	ret->version = found->version == NO_STRING ? NULL : strdup(strings + found->version);
	ret->depends = found->depends == NO_STRING ? NULL : strdup(strings + found->depends);
	if (!ret->status || (found->version != NO_STRING && !ret->version) ||
	    (found->depends != NO_STRING && !ret->depends)) {
		dpkg_package_free(ret);
		return -ENOMEM;
	}
	return 1;
}

int dpkg_updates_pending(const struct host *h, unsigned *ret_n)
{
	_cleanup_(closedirp) DIR *d = NULL;
	unsigned n = 0;
	int r;

	r = host_opendir(h, DPKG_UPDATES, &d);
	if (r == -ENOENT || r == -ENOTDIR) {
		*ret_n = 0;
		return 0;
	}
	if (r < 0)
		return r;
	for (;;) {
		struct dirent *de;

		r = host_readdir(d, &de);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		/* dpkg's journal entries are numbered (lib/dpkg/dbmodify.c); "tmp.i" is the one
		 * being written, and apt counts only the numbered ones too. */
		if (de->d_name[0] && strspn(de->d_name, "0123456789") == strlen(de->d_name))
			n++;
	}
	*ret_n = n;
	return 0;
}

int dpkg_lookup(const struct host *h, const char *name, struct dpkg_package *ret,
		unsigned *ret_updates)
{
	struct dpkg_db db;
	struct dpkg_package pkg;
	unsigned updates;
	int r;

	r = dpkg_db_read(h, &db);
	if (r <= 0)
		goto out;
	r = dpkg_db_find(&db, name, &pkg);
	if (r < 0)
		goto out;
	r = dpkg_updates_pending(h, &updates);
	if (r < 0) {
		dpkg_package_free(&pkg);
		goto out;
	}
	*ret = pkg;
	*ret_updates = updates;
	r = 1;
out:
	dpkg_db_free(&db);
	return r;
}
