/* SPDX-License-Identifier: MIT */
/* The image reader's pure parts: entry names, whiteouts across layers, and the manifest, index
 * and config documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/util.h"
#include "image/index.h"
#include "image/manifest.h"

static void test_path_clean(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "usr/bin/x", "/usr/bin/x" }, { "./usr//bin/./x/", "/usr/bin/x" },
		{ ".", "/" },		       { "./", "/" },
		{ "tmp/..x", "/tmp/..x" },     { "a/.wh..wh..opq", "/a/.wh..wh..opq" },
	};
	static const char *const bad[] = { "", "/etc/passwd", "../x", "a/../../b", "a/..", ".." };
	char out[64];

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
		assert_int_equal(image_path_clean(ok[i].in, out, sizeof(out)), 0);
		assert_string_equal(out, ok[i].out);
	}
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		assert_int_equal(image_path_clean(bad[i], out, sizeof(out)), -EINVAL);
	assert_int_equal(image_path_clean("aaaaaaaaaa/bbbbbbbbbb", out, 8), -ENAMETOOLONG);
}

static void test_whiteout_names(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(image_whiteout("/sbin/.wh.init", out, sizeof(out)), WH_FILE);
	assert_string_equal(out, "/sbin/init");
	assert_int_equal(image_whiteout("/tmp/.wh..wh..opq", out, sizeof(out)), WH_OPAQUE);
	assert_string_equal(out, "/tmp");
	assert_int_equal(image_whiteout("/.wh..wh..opq", out, sizeof(out)), WH_OPAQUE);
	assert_string_equal(out, "/");
	assert_int_equal(image_whiteout("/.wh.tmp", out, sizeof(out)), WH_FILE);
	assert_string_equal(out, "/tmp");
	assert_int_equal(image_whiteout("/a/.wh..wh.plnk", out, sizeof(out)), WH_META);
	assert_int_equal(image_whiteout("/a/.wh.", out, sizeof(out)), WH_META);
	assert_int_equal(image_whiteout("/a/wh.x", out, sizeof(out)), WH_NONE);
	assert_int_equal(image_whiteout("/sbin/init", out, sizeof(out)), WH_NONE);
}

static void test_track(void **state)
{
	(void)state;
	assert_int_equal(image_track("/var/lib/dpkg/status", IMAGE_REG), TRACK_CONTENT);
	assert_int_equal(image_track("/etc/apt/preferences.d/containerd", IMAGE_REG), TRACK_CONTENT);
	assert_int_equal(image_track("/etc/apt/preferences.d/a/b", IMAGE_REG), TRACK_ENTRY);
	assert_int_equal(image_track("/usr/lib/x", IMAGE_LNK), TRACK_ENTRY);
	assert_int_equal(image_track("/tmp/a/b", IMAGE_DIR), TRACK_ENTRY);
	assert_int_equal(image_track("/tmp", IMAGE_DIR), TRACK_NONE);
	assert_int_equal(image_track("/usr/lib/systemd/systemd", IMAGE_REG), TRACK_ENTRY);
	assert_int_equal(image_track("/usr/lib/systemd", IMAGE_DIR), TRACK_NONE);
	assert_int_equal(image_track("/usr/bin/ls", IMAGE_REG), TRACK_NONE);
}

static void add(struct image_index *ix, const char *path, enum image_type t, const char *target)
{
	assert_int_equal(index_add(ix, path, t, target, NULL, 0, 0), 0);
}

/* Whiteouts delete what lower layers put there, never what their own layer does, whatever the
 * order of the tar; opaque directories keep themselves; a non-directory replaces a tree. */
static void test_layers(void **state)
{
	struct image_index ix;

	(void)state;
	index_init(&ix);
	index_begin_layer(&ix, 0);
	add(&ix, "/usr/sbin/init", IMAGE_LNK, "/lib/systemd/systemd");
	add(&ix, "/tmp/a", IMAGE_REG, NULL);
	add(&ix, "/tmp/d/b", IMAGE_REG, NULL);
	add(&ix, "/opt/systemd", IMAGE_REG, NULL);
	assert_int_equal(index_end_layer(&ix), 0);

	/* Layer 1 deletes /usr/sbin/init and re-adds it (the re-add first, as tar may order it). */
	index_begin_layer(&ix, 1);
	add(&ix, "/usr/sbin/init", IMAGE_LNK, "/bin/busybox");
	assert_int_equal(index_whiteout(&ix, "/usr/sbin/init", true), 0);
	assert_int_equal(index_whiteout(&ix, "/tmp", false), 0);
	add(&ix, "/tmp/new", IMAGE_REG, NULL);
	assert_int_equal(index_end_layer(&ix), 0);
	assert_string_equal(index_get(&ix, "/usr/sbin/init")->target, "/bin/busybox");
	assert_null(index_get(&ix, "/tmp/a"));
	assert_null(index_get(&ix, "/tmp/d/b"));
	assert_non_null(index_get(&ix, "/tmp/new"));
	assert_non_null(index_get(&ix, "/opt/systemd"));

	/* Layer 2 deletes it and layer 3 adds it back as systemd's link. */
	index_begin_layer(&ix, 2);
	assert_int_equal(index_whiteout(&ix, "/usr/sbin/init", true), 0);
	assert_int_equal(index_whiteout(&ix, "/opt", true), 0);
	assert_int_equal(index_end_layer(&ix), 0);
	assert_null(index_get(&ix, "/usr/sbin/init"));
	assert_null(index_get(&ix, "/opt/systemd"));
	index_begin_layer(&ix, 3);
	add(&ix, "/usr/sbin/init", IMAGE_LNK, "/lib/systemd/systemd");
	/* A symlink where a directory was replaces everything below it. */
	add(&ix, "/tmp", IMAGE_LNK, "/var/tmp");
	assert_int_equal(index_end_layer(&ix), 0);
	assert_string_equal(index_get(&ix, "/usr/sbin/init")->target, "/lib/systemd/systemd");
	assert_null(index_get(&ix, "/tmp/new"));
	assert_int_equal(index_get(&ix, "/tmp")->type, IMAGE_LNK);
	index_free(&ix);
}

/* The index is bounded: past its entries it refuses, it does not grow. */
static void test_bounded(void **state)
{
	struct image_index ix;
	char path[64];
	int r = 0;

	(void)state;
	index_init(&ix);
	index_begin_layer(&ix, 0);
	for (unsigned i = 0; i <= INDEX_ENTRIES_MAX && r == 0; i++) {
		snprintf(path, sizeof(path), "/l/%u", i);
		r = index_add(&ix, path, IMAGE_LNK, "x", NULL, 0, 0);
	}
	assert_int_equal(r, -E2BIG);
	assert_true(ix.n <= INDEX_ENTRIES_MAX);
	index_free(&ix);
}

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_manifests(void **state)
{
	static const char docker[] = "[{\"Config\":\"" D64 ".json\",\"Layers\":[\"a/layer.tar\","
				     "\"blobs/sha256/" D64 "\"]}]";
	static const char index[] =
		"{\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		"\"digest\":\"sha256:" D64 "\",\"size\":10,\"platform\":{\"os\":\"linux\","
		"\"architecture\":\"arm64\"}},{\"digest\":\"sha256:" D64 "\",\"size\":3,"
		"\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}}]}";
	static const char config[] = "{\"architecture\":\"arm64\",\"os\":\"linux\",\"config\":{"
				     "\"User\":\"coder\",\"Entrypoint\":[\"/sbin/init\"],"
				     "\"Env\":[\"PATH=/usr/bin\"]}}";
	struct image_platform amd = { "linux", "amd64", NULL }, arm = { "linux", "arm64", NULL };
	struct image_plan p;
	struct image_desc d;
	struct image_meta m;
	bool nested;
	char *why = NULL;

	(void)state;
	assert_int_equal(manifest_docker(docker, strlen(docker), &p, &why), 0);
	assert_int_equal(p.n_layers, 2);
	assert_string_equal(p.layers[0].name, "a/layer.tar");
	assert_null(p.layers[0].digest);
	assert_string_equal(p.layers[1].digest, "sha256:" D64);
	image_plan_free(&p);

	assert_int_equal(manifest_index_pick(index, strlen(index), &arm, &d, &nested, &why), 0);
	assert_false(nested);
	assert_string_equal(d.name, "blobs/sha256/" D64);
	assert_int_equal(d.size, 10);
	image_desc_free(&d);
	assert_int_equal(manifest_index_pick(index, strlen(index), &amd, &d, &nested, &why),
			 -EBADMSG);
	assert_non_null(strstr(why, "linux/arm64"));
	free(why);

	assert_int_equal(manifest_config(config, strlen(config), &m, &why), 0);
	assert_string_equal(m.user, "coder");
	assert_string_equal(m.entrypoint[0], "/sbin/init");
	assert_null(m.entrypoint[1]);
	assert_null(m.cmd);
	image_meta_free(&m);
}

/* What the documents may not say: a member outside the archive, a digest that is not sha256,
 * too many layers (refused before any is read), not JSON. */
static void test_manifests_hostile(void **state)
{
	static const char *const docker[] = {
		"[{\"Config\":\"../x.json\",\"Layers\":[]}]",
		"[{\"Config\":\"/etc/passwd\",\"Layers\":[]}]",
		"[{\"Config\":\"c.json\",\"Layers\":[\"../../l.tar\"]}]",
		"[{\"Config\":\"c.json\",\"Layers\":[7]}]",
		"{}",
		"[",
	};
	static const char *const images[] = {
		"{\"config\":{\"digest\":\"md5:abc\",\"size\":1},\"layers\":[]}",
		"{\"config\":{\"digest\":\"sha256:" D64 "\",\"size\":-1},\"layers\":[]}",
		"{\"config\":{\"digest\":\"sha256:../../etc\",\"size\":1},\"layers\":[]}",
		"{\"config\":{\"digest\":\"sha256:" D64 "\",\"size\":1}}",
	};
	_cleanup_free_ char *many = NULL;
	struct image_plan p;
	char *why = NULL;
	size_t len = 0;

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(docker); i++) {
		assert_int_equal(manifest_docker(docker[i], strlen(docker[i]), &p, &why), -EBADMSG);
		assert_non_null(why);
		free(why);
	}
	for (size_t i = 0; i < ELEMENTSOF(images); i++) {
		assert_int_equal(manifest_image(images[i], strlen(images[i]), &p, &why), -EBADMSG);
		free(why);
	}
	/* 10,000 layers. */
	many = malloc(64 + 10000 * 16);
	assert_non_null(many);
	len = (size_t)sprintf(many, "[{\"Config\":\"c.json\",\"Layers\":[");
	for (int i = 0; i < 10000; i++)
		len += (size_t)sprintf(many + len, "%s\"%d/l.tar\"", i ? "," : "", i);
	len += (size_t)sprintf(many + len, "]}]");
	assert_int_equal(manifest_docker(many, len, &p, &why), -EBADMSG);
	assert_non_null(strstr(why, "10000 layers"));
	free(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_clean),
		cmocka_unit_test(test_whiteout_names),
		cmocka_unit_test(test_track),
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_manifests),
		cmocka_unit_test(test_manifests_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
