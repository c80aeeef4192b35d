/* SPDX-License-Identifier: MIT */
/* What SOURCE is, and reading an archive or a layout layer by layer (source.h). */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/host.h"
#include "core/dlibs.h"
#include "core/util.h"
#include "layer.h"

static const char *const format_names[] = {
	[IMAGE_FORMAT_ROOT] = "root directory",
	[IMAGE_FORMAT_DOCKER_ARCHIVE] = "docker-archive",
	[IMAGE_FORMAT_OCI_LAYOUT] = "oci-layout",
	[IMAGE_FORMAT_OCI_ARCHIVE] = "oci-archive",
};
_Static_assert(ELEMENTSOF(format_names) == _IMAGE_FORMAT_MAX, "format_names");

const char *image_format_to_string(enum image_format f)
{
	return f < _IMAGE_FORMAT_MAX ? format_names[f] : NULL;
}

/* More members than a 256-layer image has files in its archive. */
#define MEMBERS_MAX 65536
#define READ_BLOCK (64 * 1024)

struct member {
	char *name; /* clean, relative: "blobs/sha256/HEX" */
	la_int64_t pos;
};

/* Where the blobs are: a layout directory (through struct host), or a tar's members. */
struct src {
	const char *path;
	struct host h; /* the layout */
	bool is_tar;
	bool seekable; /* an uncompressed tar: a member is reached by its offset */
	struct member *m;
	size_t n;
	struct archive *outer; /* the member being read */
	la_int64_t member_size;
	int outer_fd;          /* its file, for an uncompressed tar */
};

static struct archive *outer_new(bool filters)
{
	struct archive *a = sym_archive_read_new();

	if (!a)
		return NULL;
	if (filters) {
		sym_archive_read_support_filter_gzip(a);
		sym_archive_read_support_filter_zstd(a);
		sym_archive_read_support_filter_xz(a);
	}
	sym_archive_read_support_format_tar(a);
	return a;
}

/* Lists the members of the tar at path, with their offsets. */
static int tar_scan(struct src *s, char **why)
{
	struct archive *a = outer_new(true);
	struct archive_entry *e;
	int ar, r = 0;

	if (!a)
		return -ENOMEM;
	if (sym_archive_read_open_filename(a, s->path, READ_BLOCK) != ARCHIVE_OK) {
		r = image_why(why, -EBADMSG, "cannot read '%s' as a tar archive: %s", s->path,
			    sym_archive_error_string(a));
		goto out;
	}
	while ((ar = sym_archive_read_next_header(a, &e)) == ARCHIVE_OK || ar == ARCHIVE_WARN) {
		char clean[4096];
		struct member *m;

		if (!sym_archive_entry_pathname(e) ||
		    image_path_clean(sym_archive_entry_pathname(e), clean, sizeof(clean)) < 0 ||
		    sym_archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (s->n >= MEMBERS_MAX) {
			r = image_why(why, -E2BIG, "'%s' has more than %d files", s->path,
				    MEMBERS_MAX);
			goto out;
		}
		m = realloc(s->m, (s->n + 1) * sizeof(*m));
		if (!m) {
			r = -ENOMEM;
			goto out;
		}
		s->m = m;
		s->m[s->n].pos = sym_archive_read_header_position(a);
		s->m[s->n].name = strdup(clean + 1);
		if (!s->m[s->n++].name) {
			r = -ENOMEM;
			goto out;
		}
	}
	if (ar != ARCHIVE_EOF) {
		r = image_why(why, -EBADMSG, "'%s' is not a whole tar archive: %s", s->path,
			    sym_archive_error_string(a));
		goto out;
	}
	s->seekable = sym_archive_filter_count(a) == 1;
out:
	sym_archive_read_free(a);
	return r;
}

static const struct member *member_find(const struct src *s, const char *name)
{
	for (size_t i = s->n; i > 0; i--) /* the last of a name is what tar leaves */
		if (streq(s->m[i - 1].name, name))
			return &s->m[i - 1];
	return NULL;
}

static void member_close(struct src *s)
{
	if (s->outer)
		sym_archive_read_free(s->outer);
	s->outer = NULL;
	if (s->outer_fd >= 0)
		close(s->outer_fd);
	s->outer_fd = -1;
}

/* Positions s->outer at the data of member m: by its offset in an uncompressed tar, else by
 * reading the archive from its start up to it. */
static int member_open(struct src *s, const struct member *m, char **why)
{
	struct archive_entry *e;
	int ar;

	s->outer = outer_new(!s->seekable);
	if (!s->outer)
		return -ENOMEM;
	if (s->seekable) {
		s->outer_fd = open(s->path, O_RDONLY | O_CLOEXEC);
		if (s->outer_fd < 0 || lseek(s->outer_fd, m->pos, SEEK_SET) < 0)
			return image_why(why, -errno, "cannot read '%s': %m", s->path);
		if (sym_archive_read_open_fd(s->outer, s->outer_fd, READ_BLOCK) != ARCHIVE_OK)
			goto bad;
	} else if (sym_archive_read_open_filename(s->outer, s->path, READ_BLOCK) != ARCHIVE_OK)
		goto bad;
	while ((ar = sym_archive_read_next_header(s->outer, &e)) == ARCHIVE_OK || ar == ARCHIVE_WARN) {
		char clean[4096];
		bool here = s->seekable || sym_archive_read_header_position(s->outer) == m->pos;

		if (here && sym_archive_entry_pathname(e) &&
		    image_path_clean(sym_archive_entry_pathname(e), clean, sizeof(clean)) == 0 &&
		    streq(clean + 1, m->name)) {
			s->member_size = sym_archive_entry_size(e);
			return 0;
		}
		if (s->seekable)
			break;
	}
bad:
	return image_why(why, -EBADMSG, "cannot read '%s' in '%s': %s", m->name, s->path,
		       sym_archive_error_string(s->outer));
}

/* Opens the blob desc names for reading into b. */
static int blob_get(struct src *s, const struct image_desc *desc, struct blob *b, char **why)
{
	_cleanup_free_ char *path = NULL;
	const struct member *m;
	int fd, r;

	member_close(s);
	if (!s->is_tar) {
		path = strdup_printf("/%s", desc->name);
		if (!path)
			return -ENOMEM;
		struct stat st;

		fd = host_openat(&s->h, path, O_RDONLY | O_NOFOLLOW);
		if (fd < 0)
			return image_why(why, fd, "cannot open '%s' in '%s': %s", desc->name, s->path,
				       strerror(-fd));
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return image_why(why, -EBADMSG, "'%s' in '%s' is not a file", desc->name,
				       s->path);
		}
		s->member_size = st.st_size;
		r = blob_open(b, desc, fd, NULL);
		goto sized;
	}
	m = member_find(s, desc->name);
	if (!m)
		return image_why(why, -ENOENT, "'%s' names '%s', which is not in it", s->path,
			       desc->name);
	r = member_open(s, m, why);
	if (r < 0)
		return r;
	r = blob_open(b, desc, -1, s->outer);
sized:
	/* A blob cut short (or grown) says so before a byte of it is parsed. */
	if (r >= 0 && desc->size >= 0 && s->member_size != desc->size)
		return image_why(why, -EBADMSG, "'%s' has %lld bytes, its descriptor says %lld",
			       desc->name, (long long)s->member_size, desc->size);
	return r;
}

/* The whole of a small blob (a manifest, an index, a config), checked against desc. */
static int blob_json(struct src *s, const struct image_desc *desc, char **ret, size_t *ret_len,
		     char **why)
{
	struct blob b = { .fd = -1 };
	int r = blob_get(s, desc, &b, why);

	if (r >= 0)
		r = blob_slurp(&b, MANIFEST_JSON_MAX, ret, ret_len, why);
	blob_close(&b);
	return r;
}

/* docker save: manifest.json names the config and the layers. */
static int plan_docker(struct src *s, struct image_plan *plan, char **why)
{
	struct image_desc d = { .name = (char *)"manifest.json", .size = -1 };
	_cleanup_free_ char *json = NULL;
	size_t len;
	int r = blob_json(s, &d, &json, &len, why);

	return r < 0 ? r : manifest_docker(json, len, plan, why);
}

/* An OCI layout: index.json, the indexes it names down to the platform's manifest. */
static int plan_oci(struct src *s, const struct image_platform *want, struct image_plan *plan,
		    char **ret_digest, char **why)
{
	struct image_desc d = { .name = (char *)"index.json", .size = -1 }, pick = { .size = -1 };
	_cleanup_free_ char *json = NULL;
	bool nested = true;
	size_t len;
	int r = blob_json(s, &d, &json, &len, why);

	for (unsigned depth = 0; r >= 0 && nested; depth++) {
		if (depth == IMAGE_INDEX_DEPTH_MAX)
			return image_why(why, -EBADMSG, "image indexes nest deeper than %d",
				       IMAGE_INDEX_DEPTH_MAX);
		image_desc_free(&pick);
		r = manifest_index_pick(json, len, want, &pick, &nested, why);
		free(json);
		json = NULL;
		if (r >= 0)
			r = blob_json(s, &pick, &json, &len, why);
	}
	if (r >= 0)
		r = manifest_image(json, len, plan, why);
	if (r >= 0 && !(*ret_digest = strdup(pick.digest)))
		r = -ENOMEM;
	image_desc_free(&pick);
	return r;
}

static int read_layers(struct src *s, const struct image_plan *plan, struct image *img,
		       char **why)
{
	for (size_t i = 0; i < plan->n_layers; i++) {
		struct blob b = { .fd = -1 };
		int r = blob_get(s, &plan->layers[i], &b, why);

		if (r >= 0)
			r = layer_read(&b, &img->index, (unsigned)i, why);
		blob_close(&b);
		if (r < 0)
			return r;
		img->n_layers++;
	}
	return 0;
}

/* What a directory is: an OCI layout has oci-layout or index.json; anything else is a root. */
static enum image_format dir_format(const struct host *h)
{
	return host_exists(h, "/oci-layout") == 1 || host_exists(h, "/index.json") == 1
		       ? IMAGE_FORMAT_OCI_LAYOUT
		       : IMAGE_FORMAT_ROOT;
}

/* libarchive and libcrypto, loaded for the archives and layouts (an unpacked root needs neither). */
static int image_libs(char **ret_why)
{
	struct dlib *libs[] = { &dlib_archive, &dlib_crypto };

	for (size_t i = 0; i < ELEMENTSOF(libs); i++)
		if (dlib_load(libs[i]) < 0)
			return image_why(ret_why, libs[i]->err, "cannot load %s", libs[i]->reason);
	return 0;
}

int image_read(const char *source, const struct image_platform *want, struct image *ret,
	       char **ret_why)
{
	struct src s = { .path = source, .h = { .root_fd = -1, .proc_fd = -1, .sys_fd = -1 },
			 .outer_fd = -1 };
	struct image_plan plan = { 0 };
	struct stat st;
	int r;

	*ret = (struct image){ 0 };
	*ret_why = NULL;
	index_init(&ret->index);
	ret->source = strdup(source);
	if (!ret->source)
		return -ENOMEM;
	if (stat(source, &st) < 0)
		return image_why(ret_why, -errno, "cannot read '%s': %m", source);
	if (S_ISDIR(st.st_mode)) {
		r = host_open(&s.h, source, NULL, NULL);
		if (r < 0)
			return image_why(ret_why, r, "cannot open '%s': %s", source, strerror(-r));
		ret->format = dir_format(&s.h);
		if (ret->format == IMAGE_FORMAT_ROOT)
			goto out;
		r = image_libs(ret_why);
		if (r < 0)
			goto out;
	} else {
		s.is_tar = true;
		r = image_libs(ret_why);
		if (r == 0)
			r = tar_scan(&s, ret_why);
		if (r < 0)
			goto out;
		ret->format = member_find(&s, "manifest.json") ? IMAGE_FORMAT_DOCKER_ARCHIVE
			      : member_find(&s, "index.json")  ? IMAGE_FORMAT_OCI_ARCHIVE
							       : _IMAGE_FORMAT_MAX;
		if (ret->format == _IMAGE_FORMAT_MAX) {
			r = image_why(ret_why, -EBADMSG, "'%s' holds neither manifest.json (docker "
				    "save) nor index.json (an OCI layout)", source);
			goto out;
		}
	}
	r = ret->format == IMAGE_FORMAT_DOCKER_ARCHIVE
		    ? plan_docker(&s, &plan, ret_why)
		    : plan_oci(&s, want, &plan, &ret->manifest_digest, ret_why);
	if (r >= 0) {
		_cleanup_free_ char *json = NULL;
		size_t len;

		r = blob_json(&s, &plan.config, &json, &len, ret_why);
		if (r >= 0)
			r = manifest_config(json, len, &ret->meta, ret_why);
	}
	if (r >= 0)
		r = read_layers(&s, &plan, ret, ret_why);
out:
	member_close(&s);
	for (size_t i = 0; i < s.n; i++)
		free(s.m[i].name);
	free(s.m);
	host_close(&s.h);
	image_plan_free(&plan);
	return r < 0 ? r : 0;
}

void image_free(struct image *img)
{
	index_free(&img->index);
	image_meta_free(&img->meta);
	free(img->source);
	free(img->manifest_digest);
	*img = (struct image){ 0 };
}
