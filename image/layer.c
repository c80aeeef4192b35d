/* SPDX-License-Identifier: MIT */
/* Blobs read once with their digest checked, and layers streamed into the index (layer.h). */
#include "layer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/dlibs.h"
#include "core/util.h"

int blob_open(struct blob *b, const struct image_desc *desc, int fd, struct archive *outer)
{
	b->fd = fd;
	b->outer = outer;
	b->desc = desc;
	b->n = 0;
	b->eof = false;
	b->md = sym_EVP_MD_CTX_new();
	if (!b->md || sym_EVP_DigestInit_ex(b->md, sym_EVP_sha256(), NULL) != 1) {
		blob_close(b);
		return -ENOMEM;
	}
	return 0;
}

void blob_close(struct blob *b)
{
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	sym_EVP_MD_CTX_free(b->md);
	b->md = NULL;
}

/* Reads the next bytes of the blob into b->buf: their count, 0 at the end, or -EIO. */
static ssize_t blob_next(struct blob *b)
{
	ssize_t n;

	if (b->eof)
		return 0;
	if (b->outer)
		n = sym_archive_read_data(b->outer, b->buf, sizeof(b->buf));
	else
		do
			n = read(b->fd, b->buf, sizeof(b->buf));
		while (n < 0 && errno == EINTR);
	if (n < 0)
		return -EIO;
	if (n == 0)
		b->eof = true;
	if (n > 0 && sym_EVP_DigestUpdate(b->md, b->buf, (size_t)n) != 1)
		return -EIO;
	b->n += (unsigned long long)n;
	return n;
}

int blob_verify(struct blob *b, char **ret_why)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned md_len = 0;
	ssize_t n;

	while ((n = blob_next(b)) > 0)
		;
	if (n < 0)
		return image_why(ret_why, -EIO, "cannot read '%s'%s%s", b->desc->name,
			       b->outer ? ": " : "", b->outer ? sym_archive_error_string(b->outer) : "");
	if (b->desc->size >= 0 && b->n != (unsigned long long)b->desc->size)
		return image_why(ret_why, -EBADMSG, "'%s' has %llu bytes, its descriptor says %lld",
			       b->desc->name, b->n, b->desc->size);
	if (!b->desc->digest)
		return 0;
	if (sym_EVP_DigestFinal_ex(b->md, md, &md_len) != 1)
		return -EIO;
	for (unsigned i = 0; i < md_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (!streq(b->desc->digest + strlen("sha256:"), hex))
		return image_why(ret_why, -EBADMSG, "'%s' has digest sha256:%s, not %s",
			       b->desc->name, hex, b->desc->digest);
	return 0;
}

int blob_slurp(struct blob *b, size_t max, char **ret, size_t *ret_len, char **ret_why)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int r;

	while ((n = blob_next(b)) > 0) {
		char *nb;

		if (len + (size_t)n > max)
			return image_why(ret_why, -EFBIG, "'%s' is larger than %zu bytes",
				       b->desc->name, max);
		nb = realloc(buf, len + (size_t)n + 1);
		if (!nb)
			return -ENOMEM;
		buf = nb;
		memcpy(buf + len, b->buf, (size_t)n);
		len += (size_t)n;
	}
	r = blob_verify(b, ret_why);
	if (r < 0)
		return r;
	if (!buf && !(buf = strdup("")))
		return -ENOMEM;
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

/* libarchive's read callback: the blob's next bytes. */
static la_ssize_t layer_read_cb(struct archive *a, void *userdata, const void **ret_buf)
{
	struct blob *b = userdata;
	ssize_t n = blob_next(b);

	if (n < 0) {
		sym_archive_set_error(a, EIO, "cannot read the layer");
		return -1;
	}
	*ret_buf = b->buf;
	return n;
}

static enum image_type entry_type(struct archive_entry *e)
{
	switch (sym_archive_entry_filetype(e)) {
	case AE_IFREG: return IMAGE_REG;
	case AE_IFDIR: return IMAGE_DIR;
	case AE_IFLNK: return IMAGE_LNK;
	default: return IMAGE_OTHER;
	}
}

/* The bytes of a tracked file: read up to its limit, the rest skipped (EFBIG). */
static int entry_content(struct archive *a, const char *path, char **ret, size_t *ret_len,
			 int *ret_err)
{
	size_t max = image_track_max(path), len = 0;
	_cleanup_free_ char *buf = malloc(max + 1);
	la_ssize_t n;

	if (!buf)
		return -ENOMEM;
	while ((n = sym_archive_read_data(a, buf + len, max + 1 - len)) > 0) {
		len += (size_t)n;
		if (len > max) {
			*ret_err = EFBIG;
			return 0;
		}
	}
	if (n < 0)
		return -EIO;
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

/* One entry of the layer into the index. */
static int layer_entry(struct archive *a, struct archive_entry *e, struct image_index *ix,
		       unsigned n, char **ret_why)
{
	char path[4096], other[4096];
	const char *name = sym_archive_entry_pathname(e), *hard = sym_archive_entry_hardlink(e);
	enum image_type type = entry_type(e);
	_cleanup_free_ char *content = NULL;
	size_t content_len = 0;
	int content_err = 0, r;

	if (!name || image_path_clean(name, path, sizeof(path)) < 0)
		return image_why(ret_why, -EBADMSG, "layer %u: entry '%.200s' is %s", n + 1,
			       name ? name : "", !name || !name[0] ? "unnamed"
					     : name[0] == '/'  ? "an absolute path"
								: "outside the root ('..')");
	if (hard) {
		const struct image_entry *to;

		if (image_path_clean(hard, other, sizeof(other)) < 0)
			return image_why(ret_why, -EBADMSG,
				       "layer %u: '%.200s' is a hard link out of the layer, to "
				       "'%.200s'", n + 1, name, hard);
		/* A hard link is the file it names: its type, and its bytes when kept. */
		to = index_get(ix, other);
		type = to ? to->type : IMAGE_REG;
		if (to && to->content && image_track(path, type) == TRACK_CONTENT &&
		    !(content = strdup(to->content)))
			return -ENOMEM;
		content_len = content ? to->content_len : 0;
	}
	switch (image_whiteout(path, other, sizeof(other))) {
	case WH_FILE: return index_whiteout(ix, other, true);
	case WH_OPAQUE: return index_whiteout(ix, other, false);
	case WH_META: return 0;
	case WH_NONE: break;
	}
	switch (image_track(path, type)) {
	case TRACK_NONE: return 0;
	case TRACK_CONTENT:
		if (!hard) {
			r = entry_content(a, path, &content, &content_len, &content_err);
			if (r < 0)
				return r;
		}
		break;
	case TRACK_ENTRY: break;
	}
	return index_add(ix, path, type, type == IMAGE_LNK ? sym_archive_entry_symlink(e) : NULL,
			 content, content_len, content_err);
}

int layer_read(struct blob *b, struct image_index *ix, unsigned n, char **ret_why)
{
	struct archive *a = sym_archive_read_new();
	struct archive_entry *e;
	int r = 0, ar;

	*ret_why = NULL;
	if (!a)
		return -ENOMEM;
	sym_archive_read_support_filter_gzip(a);
	sym_archive_read_support_filter_zstd(a);
	sym_archive_read_support_format_tar(a);
	if (sym_archive_read_open(a, b, NULL, layer_read_cb, NULL) != ARCHIVE_OK) {
		r = image_why(ret_why, -EBADMSG, "layer %u ('%s') cannot be read as a tar stream: %s",
			    n + 1, b->desc->name, sym_archive_error_string(a));
		goto out;
	}
	index_begin_layer(ix, n);
	while ((ar = sym_archive_read_next_header(a, &e)) == ARCHIVE_OK || ar == ARCHIVE_WARN) {
		r = layer_entry(a, e, ix, n, ret_why);
		if (r == -EIO)
			r = image_why(ret_why, -EBADMSG, "layer %u ('%s') is cut short: %s", n + 1,
				    b->desc->name, sym_archive_error_string(a));
		if (r == -E2BIG)
			r = image_why(ret_why, -E2BIG, "layer %u: the image holds more links and "
				    "tracked files than %u (or %u MiB)", n + 1, INDEX_ENTRIES_MAX,
				    INDEX_BYTES_MAX >> 20);
		if (r < 0)
			goto out;
	}
	if (ar != ARCHIVE_EOF) {
		r = image_why(ret_why, -EBADMSG, "layer %u ('%s') is not a whole tar stream: %s",
			    n + 1, b->desc->name, sym_archive_error_string(a));
		goto out;
	}
	r = index_end_layer(ix);
	if (r >= 0)
		r = blob_verify(b, ret_why);
out:
	sym_archive_read_free(a);
	return r;
}
