/* SPDX-License-Identifier: MIT */
/* Docker's apt source for containerd.io: a keyring under /etc/apt/keyrings and a signed-by
 * source for the node's codename and architecture (Docker's repository layout,
 * dists/<codename>/stable). Not when a configured source already offers the version, nor when
 * the repository's URL is already configured: apt refuses two entries for one URL with
 * different Signed-By. */
#include <dirent.h>

#include "apt.h"
#include "core/fileio.h"
#include "core/util.h"
#include "download.h"
#include "pkgdb.h"
#include "releases.h"
#include "rootfs.h"
#include "steps.h"

#define APT_LISTS "/var/lib/apt/lists"
#define APT_SOURCES "/etc/apt/sources.list"
#define APT_SOURCES_D "/etc/apt/sources.list.d"
#define SOURCE_FILE APT_SOURCES_D "/cvmprep-docker.list"
#define KEYRING_DIR "/etc/apt/keyrings"
#define DOCKER_URL "https://download.docker.com/linux/"
#define APT_KEY_MAX (1024 * 1024)
/* apt's index of a large archive is tens of MB. */
#define APT_LIST_MAX (256u * 1024 * 1024)

/* Whether the Packages text holds pkg at version (NULL: at any): "Package: pkg" then, in that
 * paragraph, "Version: version". One pass. */
static bool packages_offer(const char *buf, size_t len, const char *pkg, const char *version)
{
	_cleanup_free_ char *needle = strdup_printf("Package: %s\n", pkg);
	const char *end = buf + len, *p = buf;

	if (!needle)
		return false;
	while (p < end && (p = memmem(p, (size_t)(end - p), needle, strlen(needle)))) {
		bool start = p == buf || p[-1] == '\n';

		if (start && !version)
			return true;
		p += strlen(needle);
		for (const char *l = p; start && l < end && *l != '\n';) {
			const char *eol = memchr(l, '\n', (size_t)(end - l)), *v = startswith(l, "Version: ");
			size_t n = (size_t)((eol ? eol : end) - l);

			if (v && n == strlen("Version: ") + strlen(version) &&
			    strncmp(v, version, strlen(version)) == 0)
				return true;
			l = eol ? eol + 1 : end;
		}
	}
	return false;
}

static bool endswith_packages(const char *name)
{
	size_t n = strlen(name), k = strlen("_Packages");

	return n > k && streq(name + n - k, "_Packages");
}

/*
 * Whether a file of dir under the root, of a name name_ok() takes, matches: match(buf, len, arg)
 * on its text (at most max bytes; a file that cannot be read is passed over). Returns 1, 0 (none
 * does, or no such directory), or -errno. Reads only.
 */
static int dir_any_file(const struct prov_ctx *c, const char *dir, bool (*name_ok)(const char *),
			size_t max, bool (*match)(const char *, size_t, const void *),
			const void *arg)
{
	struct dirent *de;
	DIR *d = NULL;
	int r, found = 0;

	r = host_opendir(c->h, dir, &d);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	while (!found && (r = host_readdir(d, &de)) > 0) {
		_cleanup_free_ char *path = NULL, *buf = NULL;
		size_t len = 0;

		if (!name_ok(de->d_name))
			continue;
		path = strdup_printf("%s/%s", dir, de->d_name);
		if (!path) {
			closedir(d);
			return -ENOMEM;
		}
		if (host_read(c->h, path, max, &buf, &len) == 0)
			found = match(buf, len, arg);
	}
	closedir(d);
	return r < 0 ? r : found;
}

struct offer {
	const char *pkg, *version;
};

static bool offer_match(const char *buf, size_t len, const void *arg)
{
	const struct offer *o = arg;

	return packages_offer(buf, len, o->pkg, o->version);
}

/* Whether apt's lists under the root say a source offers pkg at version (version NULL: at any
 * version). Compressed lists (.lz4, .gz) are not read here. */
static int lists_offer(const struct prov_ctx *c, const char *pkg, const char *version)
{
	const struct offer o = { pkg, version };

	return dir_any_file(c, APT_LISTS, endswith_packages, APT_LIST_MAX, offer_match, &o);
}

/* The repository URL: --apt-repo, else Docker's for the distribution. Caller frees. */
static char *repo_url(const struct prov_ctx *c)
{
	const struct fact *id = facts_get(&c->res->facts, "os.id");

	if (c->o->apt_repo)
		return strdup(c->o->apt_repo);
	if (!id || id->err || !id->value)
		return NULL;
	return strdup_printf(DOCKER_URL "%s", id->value);
}

/* Whether a source file mentions url as a whole word (a one-line or a deb822 source). */
static bool text_has_url(const char *buf, const char *url)
{
	size_t n = strlen(url);

	while (n > 1 && url[n - 1] == '/')
		n--;
	for (const char *p = buf; (p = strstr(p, url)); p += n) {
		char after = p[n] == '/' ? p[n + 1] : p[n];

		if ((p == buf || strchr(" \t\n", p[-1])) && strchr(" \t\n", after))
			return true;
	}
	return false;
}

static bool is_source_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot && (streq(dot, ".list") || streq(dot, ".sources"));
}

static bool url_match(const char *buf, size_t len, const void *url)
{
	(void)len;
	return text_has_url(buf, url);
}

/* Whether any source under the root already names url. */
static int url_configured(const struct prov_ctx *c, const char *url)
{
	_cleanup_free_ char *main_list = NULL;

	if (host_read(c->h, APT_SOURCES, APT_KEY_MAX, &main_list, NULL) == 0 &&
	    text_has_url(main_list, url))
		return 1;
	return dir_any_file(c, APT_SOURCES_D, is_source_name, APT_KEY_MAX, url_match, url);
}

int source_satisfied(struct prov_ctx *c)
{
	const char *ver = c->o->containerd_version;
	_cleanup_free_ char *url = NULL;
	struct prov_pkg p;
	bool installed;
	int r;

	r = containerd_read(c, &p);
	if (r != 0)
		return r;
	installed = prov_pkg_installed_at(&p, ver);
	prov_pkg_free(&p);
	if (installed)
		return prov_note(c, "%s %s is installed: no source needed", CONTAINERD_PKG, ver) < 0
			       ? -ENOMEM
			       : PROV_SATISFIED;
	r = lists_offer(c, CONTAINERD_PKG, ver);
	if (r != 0)
		return r < 0 ? r
		       : prov_note(c, "a configured source offers %s %s", CONTAINERD_PKG, ver) < 0
			       ? -ENOMEM
			       : PROV_SATISFIED;
	/* A source the operator chose (a mirror) offers containerd.io, only not this version: that
	 * is for the containerd step to say, naming what it offers. --apt-repo adds one anyway. */
	r = c->o->apt_repo ? 0 : lists_offer(c, CONTAINERD_PKG, NULL);
	if (r != 0)
		return r < 0 ? r
		       : prov_note(c, "a configured source offers %s, not at %s; --apt-repo adds "
				   "Docker's", CONTAINERD_PKG, ver) < 0 ? -ENOMEM
								       : PROV_NOT_APPLICABLE;
	url = repo_url(c);
	if (!url)
		return prov_fail(c, "cannot tell the distribution (os.id) for Docker's repository; "
				 "give --apt-repo URL");
	r = url_configured(c, url);
	if (r < 0)
		return r;
	if (r)
		return prov_note(c, "%s is configured already", url) < 0 ? -ENOMEM : PROV_SATISFIED;
	return PROV_TODO;
}

/* The key: --apt-key FILE or URL, else Docker's published key. Returns 0 and *ret, *ret_len. */
static int load_key(struct prov_ctx *c, const char *url, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *def = NULL;
	const char *key = c->o->apt_key, *why = NULL;
	int r;

	if (!key) {
		def = strdup_printf("%s/gpg", url);
		if (!def)
			return -ENOMEM;
		key = def;
	}
	if (!download_is_url(key)) {
		r = read_file(key, APT_KEY_MAX, ret, ret_len);
		return r < 0 ? prov_fail(c, "cannot read the key '%s': %s", key, strerror(-r)) : 0;
	}
	if (c->o->dry_run) {
		*ret = strdup("");
		*ret_len = 0;
		return *ret ? prov_note(c, "would download the key %s", key) : -ENOMEM;
	}
	/* A key has no published hash to check: it comes over https, its certificate verified. */
	r = download_fetch(key, APT_KEY_MAX, ret, ret_len, &why);
	return r == -EIO ? prov_fail(c, "cannot download the key '%s': %s", key, why) : r;
}

int source_apply(struct prov_ctx *c)
{
	const struct fact *code = facts_get(&c->res->facts, "os.version_codename");
	const struct fact *machine = facts_get(&c->res->facts, "platform.arch");
	_cleanup_free_ char *url = repo_url(c), *key = NULL, *keyring = NULL, *line = NULL;
	const char *arch = machine && !machine->err ? dpkg_arch_of_machine(machine->value) : NULL;
	size_t key_len = 0;
	int r;

	if (!url)
		return -ENOMEM;
	if (!code || code->err || !code->value || !arch)
		return prov_fail(c, "cannot tell the node's codename and architecture for %s", url);
	r = load_key(c, url, &key, &key_len);
	if (r < 0)
		return r;
	keyring = strdup_printf(KEYRING_DIR "/cvmprep-docker.%s",
				key_len && !startswith(key, "-----BEGIN PGP") ? "gpg" : "asc");
	line = strdup_printf("# Written by cvmprep provision: Docker's packages, for containerd.io.\n"
			     "deb [arch=%s signed-by=%s] %s %s stable\n",
			     arch, keyring ? keyring : "", url, code->value);
	if (!keyring || !line)
		return -ENOMEM;
	r = prov_write(c, keyring, key, key_len, 0644, NULL);
	if (r >= 0)
		r = prov_write(c, SOURCE_FILE, line, strlen(line), 0644, NULL);
	if (r < 0)
		return prov_fail(c, "cannot write the source: %s", strerror(-r));
	r = apt_update(c);
	if (r == 1)
		return prov_fail(c, "apt-get update failed with %s added", SOURCE_FILE);
	if (r < 0)
		return r;
	return c->o->dry_run ? prov_note_more(c, "%s would be added (%s %s, %s)", url, code->value,
					      arch, keyring)
			     : prov_note(c, "%s added (%s %s, %s)", url, code->value, arch, keyring);
}
