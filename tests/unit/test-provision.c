/* SPDX-License-Identifier: MIT */
/* provision/: the lock, writes under a root, dpkg's database read directly, and the plan on a
 * tree: a satisfied node runs no process and changes no file; daemon.json merged, backed up
 * once, refused and left intact when invalid; --dry-run writes nothing; a refusing preflight
 * stops before any step. Real apt and dpkg runs are the integration tests'. */
#include <cJSON.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <cmocka.h>

#include "check-harness.h"

#include "checks/check.h"
#include "checks/runtime.h"
#include "core/util.h"
#include "provision/daemonjson.h"
#include "provision/lock.h"
#include "provision/pkgdb.h"
#include "provision/plan.h"
#include "provision/rootfs.h"
#include "provision/steps.h"

static char root[64];

static void put(const char *rel, const char *text, mode_t mode)
{
	char path[512], dir[512];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	chmod(path, mode);
}

static char *get(const char *rel)
{
	char path[512], *buf = NULL;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static int stat_rel(const char *rel, struct stat *st)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	return lstat(path, st);
}

static int setup(void **state _unused_)
{
	snprintf(root, sizeof(root), "/tmp/cvmprep-prov-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int teardown(void **state _unused_)
{
	const char *argv[] = { "/bin/rm", "-rf", root, NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	return 0;
}

static int open_root(void)
{
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

static void test_lock(void **state _unused_)
{
	int rfd = open_root(), a, b;

	a = prov_lock(rfd, 0);
	assert_true(a >= 0);
	/* flock is per open file: a second open in this process conflicts as another would. */
	assert_int_equal(prov_lock(rfd, 0), -EWOULDBLOCK);
	/* It waits the whole timeout, not to the next change of second. */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(prov_lock(rfd, 1), -EWOULDBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 1000);
	close(a);
	b = prov_lock(rfd, 0);
	assert_true(b >= 0);
	close(b);
	close(rfd);
}

static void test_write_under_root(void **state _unused_)
{
	int rfd = open_root();
	struct stat st;
	char *s;

	/* A missing directory is made; a symlinked directory resolves inside the root. */
	assert_int_equal(root_write_file(rfd, "/a/b/c.txt", "one", 3, 0640, NULL), 0);
	s = get("/a/b/c.txt");
	assert_string_equal(s, "one");
	free(s);
	assert_int_equal(stat_rel("/a/b/c.txt", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	char link[512];
	snprintf(link, sizeof(link), "%s/escape", root);
	assert_int_equal(symlink("/", link), 0);
	assert_int_equal(root_write_file(rfd, "/escape/a/b/d.txt", "in", 2, 0644, NULL), 0);
	s = get("/a/b/d.txt");
	assert_string_equal(s, "in");
	free(s);

	/* An existing file keeps its mode; the first original is kept as the backup. */
	put("/etc/x.json", "orig", 0600);
	assert_int_equal(root_write_file(rfd, "/etc/x.json", "new1", 4, 0644, ".bak"), 0);
	assert_int_equal(root_write_file(rfd, "/etc/x.json", "new2", 4, 0644, ".bak"), 0);
	s = get("/etc/x.json");
	assert_string_equal(s, "new2");
	free(s);
	s = get("/etc/x.json.bak");
	assert_string_equal(s, "orig");
	free(s);
	assert_int_equal(stat_rel("/etc/x.json", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* A planted symlink at the name is refused, never followed. */
	snprintf(link, sizeof(link), "%s/etc/planted", root);
	assert_int_equal(symlink("/etc/passwd", link), 0);
	assert_int_equal(root_write_file(rfd, "/etc/planted", "x", 1, 0644, NULL), -ELOOP);
	assert_int_equal(root_unlink(rfd, "/etc/planted"), 0);
	assert_int_equal(stat_rel("/etc/planted", &st), -1);
	assert_int_equal(root_unlink(rfd, "/no/such/file"), 0);
	close(rfd);
}

#define STATUS_PINNED                                                                              \
	"Package: containerd.io\nStatus: hold ok installed\nVersion: 1.5.11-1\n"                  \
	"Architecture: amd64\n\n"                                                                  \
	"Package: sysbox-ce\nStatus: install ok installed\nVersion: 0.7.1-0\n\n"                  \
	"Package: docker-ce\nStatus: install ok installed\nVersion: 5:24.0.7-1\n"                 \
	"Depends: containerd.io (>= 1.6.24), docker-ce-cli\n"

static void open_host(struct host *h)
{
	assert_int_equal(host_open(h, root, NULL, NULL), 0);
}

static void test_pkgdb(void **state _unused_)
{
	const char *names[] = { "containerd.io", "docker-ce", "nope" };
	struct prov_pkg p[3];
	struct host h;
	char *why = NULL;

	put("/var/lib/dpkg/status", STATUS_PINNED, 0644);
	open_host(&h);
	assert_int_equal(prov_pkg_read(&h, names, 3, p), 0);
	assert_true(prov_pkg_pinned(&p[0], "1.5.11-1"));
	assert_false(prov_pkg_pinned(&p[0], "1.6.9-1"));
	assert_true(prov_pkg_installed(&p[1]) && !prov_pkg_pinned(&p[1], "5:24.0.7-1"));
	why = prov_pkg_depends(&h, "docker-ce");
	assert_string_equal(why, "containerd.io (>= 1.6.24), docker-ce-cli");
	free(why);
	assert_null(prov_pkg_depends(&h, "containerd.io"));
	assert_false(p[2].known);
	for (int i = 0; i < 3; i++)
		prov_pkg_free(&p[i]);
	assert_int_equal(prov_dpkg_interrupted(&h, &why), 0);

	put("/var/lib/dpkg/status",
	    "Package: sysbox-ce\nStatus: install ok half-configured\nVersion: 0.7.1-0\n", 0644);
	assert_int_equal(prov_dpkg_interrupted(&h, &why), 1);
	assert_non_null(strstr(why, "sysbox-ce"));
	free(why);
	put("/var/lib/dpkg/status", STATUS_PINNED, 0644);
	put("/var/lib/dpkg/updates/0001", "Package: x\n", 0644);
	assert_int_equal(prov_dpkg_interrupted(&h, &why), 1);
	assert_non_null(strstr(why, "1 file(s) in /var/lib/dpkg/updates"));
	free(why);
	put("/var/lib/dpkg/status", "Package: docker-ce\nStatus: bogus\n", 0644);
	assert_int_equal(prov_pkg_read(&h, names, 3, p), -EBADMSG);
	/* No dpkg at all: nothing is installed, and there is nothing to recover. */
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "%s/var/lib/dpkg/status", root);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/var/lib/dpkg/updates/0001", root);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/var/lib/dpkg/updates", root);
	rmdir(cmd);
	snprintf(cmd, sizeof(cmd), "%s/var/lib/dpkg", root);
	rmdir(cmd);
	assert_int_equal(prov_pkg_read(&h, names, 3, p), 0);
	assert_false(p[0].known);
	assert_int_equal(prov_dpkg_interrupted(&h, &why), -ENOENT);
	host_close(&h);
}

/* A provisioned tree: containerd.io pinned and held, sysbox-ce installed, the pin file, and
 * (with docker) dockerd and a daemon.json with the entries. */
static void provisioned(bool docker)
{
	char *pin = containerd_pin_text("1.5.11-1");

	put("/var/lib/dpkg/status", STATUS_PINNED, 0644);
	put("/etc/apt/preferences.d/cvmprep-containerd", pin, 0644);
	free(pin);
	put("/lib/systemd/system/sysbox.service", "", 0644);
	put("/lib/systemd/system/sysbox-mgr.service", "", 0644);
	put("/lib/systemd/system/sysbox-fs.service", "", 0644);
	put("/usr/bin/fusermount3", "", 0755); /* sysbox-fs >= 0.7.0 runs it */
	if (docker) {
		put("/usr/bin/dockerd", "", 0755);
		put("/etc/docker/daemon.json",
		    "{\n    \"runtimes\": {\n        \"sysbox-runc\": {\n            \"path\": "
		    "\"/usr/bin/sysbox-runc\"\n        }\n    },\n    \"bip\": \"10.1.0.1/16\",\n"
		    "    \"default-address-pools\": [\n        {\n            \"base\": "
		    "\"10.2.0.0/16\",\n            \"size\": 24\n        }\n    ]\n}\n",
		    0644);
	}
}

struct run {
	struct host h;
	struct config cfg;
	enum selection *sel;
	struct prov_opts o;
	struct prov_result res;
};

/* --shiftfs-autoload for the next provision(). */
static bool autoload;

/* Runs the plan on the tree, every check waived unless run_checks. */
static void provision(struct run *r, bool dry_run, bool run_checks)
{
	memset(r, 0, sizeof(*r));
	open_host(&r->h);
	r->cfg = (struct config){ .profile = profile_find("coder"), .data_root = DATA_ROOT_DEFAULT,
				  .shiftfs_autoload = autoload };
	r->sel = calloc(checks_count() + 1, sizeof(*r->sel));
	for (size_t i = 0; i < checks_count(); i++)
		r->sel[i] = run_checks ? SELECT_RUN : SELECT_SKIP;
	r->o = (struct prov_opts){
		.containerd_version = CONTAINERD_PIN_DEFAULT,
		.sysbox_version = "0.7.1",
		.dry_run = dry_run,
		.lock_timeout_s = 0,
		.cfg = &r->cfg,
		.sel = r->sel,
	};
	assert_int_equal(prov_provision(&r->h, &r->o, NULL, &r->res), 0);
}

static void run_free(struct run *r)
{
	prov_result_free(&r->res);
	free(r->sel);
	host_close(&r->h);
}

static const struct prov_step_rec *step(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->res.n_steps; i++)
		if (streq(r->res.steps[i].name, name))
			return &r->res.steps[i];
	fail_msg("no step %s", name);
	return NULL;
}

static size_t commands(const struct run *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->res.n_steps; i++)
		n += r->res.steps[i].n_cmds;
	return n;
}

static void test_satisfied_runs_nothing(void **state _unused_)
{
	struct stat before, after;
	struct run r;

	provisioned(true);
	assert_int_equal(stat_rel("/etc/docker/daemon.json", &before), 0);
	provision(&r, false, false);
	assert_int_equal(r.res.exit_code, 0);
	assert_int_equal(step(&r, "lock")->outcome, PROV_DONE);
	assert_int_equal(step(&r, "preflight")->outcome, PROV_DONE);
	assert_int_equal(step(&r, "dpkg-recover")->outcome, PROV_ALREADY);
	assert_int_equal(step(&r, "apt-source")->outcome, PROV_ALREADY);
	assert_int_equal(step(&r, "containerd")->outcome, PROV_ALREADY);
	assert_int_equal(step(&r, "daemon-json")->outcome, PROV_ALREADY);
	assert_int_equal(step(&r, "sysbox")->outcome, PROV_ALREADY);
	/* No systemd as PID 1 under this root: services are not verified, and say so. */
	assert_int_equal(step(&r, "verify")->outcome, PROV_SKIPPED);
	assert_int_equal(commands(&r), 0);
	/* Each step says why it did nothing: an empty message tells an operator nothing. */
	for (size_t i = 0; i < r.res.n_steps; i++) {
		assert_non_null(r.res.steps[i].message);
		assert_true(r.res.steps[i].message[0] != '\0');
	}
	assert_int_equal(stat_rel("/etc/docker/daemon.json", &after), 0);
	assert_int_equal(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
	assert_int_equal(before.st_ino, after.st_ino);
	run_free(&r);
}

static void test_none_and_no_docker(void **state _unused_)
{
	struct run r;

	provisioned(false);
	memset(&r, 0, sizeof(r));
	provision(&r, false, false);
	assert_int_equal(r.res.exit_code, 0);
	assert_int_equal(step(&r, "daemon-json")->outcome, PROV_SKIPPED);
	assert_non_null(strstr(step(&r, "daemon-json")->message, "not installed"));
	run_free(&r);
}

static void test_daemon_json_merge(void **state _unused_)
{
	struct stat st;
	struct run r;
	char *s;

	provisioned(true);
	put("/etc/docker/daemon.json", "{\"log-driver\": \"journald\", \"debug\": true}", 0600);
	provision(&r, false, false);
	assert_int_equal(r.res.exit_code, 0);
	assert_int_equal(step(&r, "daemon-json")->outcome, PROV_DONE);
	assert_int_equal(step(&r, "daemon-json")->n_cmds, 0);
	s = get("/etc/docker/daemon.json");
	assert_non_null(strstr(s, "{\n    \"log-driver\": \"journald\",\n    \"debug\": true,\n"
				  "    \"runtimes\": {\n        \"sysbox-runc\": {\n"));
	assert_non_null(strstr(s, "\"bip\": \"172.20.0.1/16\""));
	free(s);
	s = get("/etc/docker/daemon.json" DAEMON_JSON_BACKUP);
	assert_string_equal(s, "{\"log-driver\": \"journald\", \"debug\": true}");
	free(s);
	assert_int_equal(stat_rel("/etc/docker/daemon.json", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	run_free(&r);

	/* Again: already, and the file is not touched. */
	struct stat again;
	provision(&r, false, false);
	assert_int_equal(step(&r, "daemon-json")->outcome, PROV_ALREADY);
	assert_int_equal(stat_rel("/etc/docker/daemon.json", &again), 0);
	assert_int_equal(st.st_ino, again.st_ino);
	run_free(&r);
}

static void test_daemon_json_invalid(void **state _unused_)
{
	const char *bad = "{\n  \"debug\": true,\n  \"bip\": 172.17.0.1\n}\n";
	struct run r;
	char *s;

	provisioned(true);
	put("/etc/docker/daemon.json", bad, 0644);
	provision(&r, false, false);
	assert_int_equal(r.res.exit_code, PROV_EXIT_FAILED);
	assert_int_equal(step(&r, "daemon-json")->outcome, PROV_FAILED);
	assert_non_null(strstr(step(&r, "daemon-json")->message, "'/etc/docker/daemon.json' line 3"));
	/* What follows a failure does not run. */
	assert_int_equal(step(&r, "sysbox")->outcome, PROV_SKIPPED);
	assert_non_null(strstr(step(&r, "sysbox")->message, "not run"));
	s = get("/etc/docker/daemon.json");
	assert_string_equal(s, bad);
	free(s);
	assert_null(get("/etc/docker/daemon.json" DAEMON_JSON_BACKUP));
	run_free(&r);

	/* A key given twice: which one a merge should change is not clear. */
	bad = "{\"runtimes\": {}, \"debug\": true, \"runtimes\": {\"x\": {\"path\": \"/x\"}}}";
	put("/etc/docker/daemon.json", bad, 0644);
	provision(&r, false, false);
	assert_int_equal(r.res.exit_code, PROV_EXIT_FAILED);
	assert_non_null(strstr(step(&r, "daemon-json")->message, "gives \"runtimes\" twice"));
	s = get("/etc/docker/daemon.json");
	assert_string_equal(s, bad);
	free(s);
	run_free(&r);
}

static void test_dry_run_writes_nothing(void **state _unused_)
{
	struct stat st;
	struct run r;
	char *s;

	provisioned(true);
	put("/etc/docker/daemon.json", "{\"debug\": true}", 0644);
	unlink(strcat(strcpy((char[128]){ 0 }, root), "/etc/apt/preferences.d/cvmprep-containerd"));
	provision(&r, true, false);
	assert_int_equal(step(&r, "lock")->outcome, PROV_SKIPPED);
	assert_int_equal(step(&r, "daemon-json")->outcome, PROV_PLANNED);
	assert_int_equal(step(&r, "daemon-json")->n_writes, 1);
	/* containerd.io is installed at the version: only the hold and the pin are planned. */
	assert_int_equal(step(&r, "containerd")->outcome, PROV_PLANNED);
	assert_int_equal(step(&r, "containerd")->n_cmds, 1);
	assert_false(step(&r, "containerd")->cmds[0].ran);
	assert_string_equal(step(&r, "containerd")->cmds[0].argv[0], "/usr/bin/apt-mark");
	assert_non_null(strstr(step(&r, "containerd")->message, "would be installed, held"));
	s = get("/etc/docker/daemon.json");
	assert_string_equal(s, "{\"debug\": true}");
	free(s);
	assert_int_equal(stat_rel("/etc/apt/preferences.d/cvmprep-containerd", &st), -1);
	assert_int_equal(stat_rel(PROV_LOCK_PATH, &st), -1);
	assert_int_equal(stat_rel("/etc/docker/daemon.json" DAEMON_JSON_BACKUP, &st), -1);
	run_free(&r);
}

static void test_preflight_refuses(void **state _unused_)
{
	struct stat st;
	struct run r;

	put("/var/lib/dpkg/status", "Package: containerd.io\nStatus: install ok installed\n"
				    "Version: 1.6.9-1\n", 0644);
	/* No os-release, no kernel release: the checks that gate are unknown or fail. */
	provision(&r, false, true);
	assert_true(r.res.exit_code == 1 || r.res.exit_code == 3);
	assert_int_equal(step(&r, "preflight")->outcome, PROV_FAILED);
	assert_non_null(r.res.refused);
	assert_int_equal(step(&r, "containerd")->outcome, PROV_SKIPPED);
	assert_int_equal(commands(&r), 0);
	assert_int_equal(stat_rel("/etc/apt/preferences.d/cvmprep-containerd", &st), -1);
	run_free(&r);
}

static void test_lock_held(void **state _unused_)
{
	int rfd = open_root(), fd = prov_lock(rfd, 0);
	struct run r;

	provisioned(false);
	provision(&r, false, false);
	assert_int_equal(r.res.exit_code, PROV_EXIT_LOCKED);
	assert_int_equal(step(&r, "lock")->outcome, PROV_FAILED);
	assert_int_equal(step(&r, "preflight")->outcome, PROV_SKIPPED);
	assert_int_equal(r.res.n_checks, 0);
	run_free(&r);
	close(fd);
	close(rfd);
}

/* A kubelet >= 1.26 on containerd cannot use containerd < 1.6: refused before any command. */
static void test_kubelet_refusal(void **state _unused_)
{
	struct run r;

	put("/var/lib/dpkg/status",
	    "Package: kubelet\nStatus: install ok installed\nVersion: 1.28.2-1.1\n", 0644);
	put("/var/lib/kubelet/kubeadm-flags.env",
	    "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///var/run/containerd/"
	    "containerd.sock\"\n", 0644);
	/* apt's lists offer the version: the source step has nothing to add. */
	put("/var/lib/apt/lists/deb.example_dists_x_stable_binary-amd64_Packages",
	    "Package: containerd.io\nVersion: 1.6.9-1\n\nPackage: containerd.io\n"
	    "Architecture: amd64\nVersion: 1.5.11-1\n", 0644);
	provision(&r, false, false);
	assert_int_equal(step(&r, "apt-source")->outcome, PROV_ALREADY);
	assert_int_equal(r.res.exit_code, PROV_EXIT_FAILED);
	assert_int_equal(step(&r, "containerd")->outcome, PROV_FAILED);
	assert_non_null(strstr(step(&r, "containerd")->message, "kubelet (1.28.2-1.1) runs on "
								 "containerd"));
	assert_non_null(strstr(step(&r, "containerd")->message, "--containerd-version none"));
	assert_int_equal(step(&r, "containerd")->n_cmds, 0);
	run_free(&r);

	/* On another runtime (CRI-O), the pin does not concern it. */
	put("/var/lib/kubelet/kubeadm-flags.env",
	    "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///var/run/crio/crio.sock\"\n",
	    0644);
	provision(&r, false, false);
	assert_null(strstr(step(&r, "containerd")->message ?: "", "kubelet"));
	run_free(&r);

	/* A kubelet 1.36 given no endpoint runs on containerd, its default, and needs 2.0. */
	put("/var/lib/dpkg/status",
	    "Package: kubelet\nStatus: install ok installed\nVersion: 1.36.0-1.1\n", 0644);
	unlink(strcat(strcpy((char[128]){ 0 }, root), "/var/lib/kubelet/kubeadm-flags.env"));
	provision(&r, false, false);
	assert_int_equal(step(&r, "containerd")->outcome, PROV_FAILED);
	assert_non_null(strstr(step(&r, "containerd")->message, "kubelet (1.36.0-1.1) runs on "
								 "containerd and needs containerd >= 2.0"));
	assert_int_equal(step(&r, "containerd")->n_cmds, 0);
	run_free(&r);
}

/* A docker-ce whose Depends the pin does not satisfy: refused from dpkg's status, --dry-run
 * too, before any command; one that accepts it is left to the transaction. */
static void test_docker_refusal(void **state _unused_)
{
	static const char *const status =
	    "Package: docker-ce\nStatus: install ok installed\nVersion: 5:28.5.2-1\n"
	    "Depends: containerd.io (>= 1.7.27), docker-ce-cli,\n iptables\n\n"
	    "Package: containerd.io\nStatus: install ok installed\nVersion: 1.7.27-1\n";
	struct run r;

	put("/var/lib/dpkg/status", status, 0644);
	put("/var/lib/apt/lists/deb.example_dists_x_stable_binary-amd64_Packages",
	    "Package: containerd.io\nVersion: 1.7.27-1\n\nPackage: containerd.io\n"
	    "Architecture: amd64\nVersion: 1.5.11-1\n", 0644);
	for (int dry = 0; dry < 2; dry++) {
		provision(&r, dry, false);
		assert_int_equal(r.res.exit_code, PROV_EXIT_FAILED);
		assert_int_equal(step(&r, "containerd")->outcome, PROV_FAILED);
		assert_non_null(strstr(step(&r, "containerd")->message,
				       "docker-ce 5:28.5.2-1 Depends: containerd.io (>= 1.7.27), which "
				       "containerd.io 1.5.11-1 does not satisfy"));
		assert_non_null(strstr(step(&r, "containerd")->message, "--containerd-version none"));
		assert_int_equal(step(&r, "containerd")->n_cmds, 0);
		run_free(&r);
	}
}

/* shiftfs: not asked, not needed (>= 5.19), a module missing (no load tried), loaded already
 * (only persisted), then already. No module is ever loaded into this machine's kernel. */
static void test_shiftfs(void **state _unused_)
{
	struct run r;
	char *s;

	provisioned(false);
	put("/proc/sys/kernel/osrelease", "6.8.0-45-generic\n", 0644);
	put("/proc/modules", "overlay 151552 0 - Live 0x0\n", 0644);
	provision(&r, false, false);
	assert_int_equal(step(&r, "shiftfs")->outcome, PROV_SKIPPED);
	assert_non_null(strstr(step(&r, "shiftfs")->message, "--shiftfs-autoload"));
	run_free(&r);

	autoload = true;
	provision(&r, false, false);
	assert_int_equal(step(&r, "shiftfs")->outcome, PROV_SKIPPED);
	assert_non_null(strstr(step(&r, "shiftfs")->message, "ID-mapped mounts on overlayfs"));
	run_free(&r);

	put("/proc/sys/kernel/osrelease", "5.4.0-150-generic\n", 0644);
	provision(&r, false, false);
	assert_int_equal(r.res.exit_code, PROV_EXIT_FAILED);
	assert_int_equal(step(&r, "shiftfs")->outcome, PROV_FAILED);
	assert_non_null(strstr(step(&r, "shiftfs")->message, "/lib/modules/5.4.0-150-generic"));
	run_free(&r);

	put("/proc/modules", "shiftfs 32768 0 - Live 0x0\noverlay 151552 0 - Live 0x0\n", 0644);
	provision(&r, false, false);
	assert_int_equal(r.res.exit_code, 0);
	assert_int_equal(step(&r, "shiftfs")->outcome, PROV_DONE);
	s = get("/etc/modules-load.d/cvmprep-shiftfs.conf");
	assert_non_null(s);
	assert_non_null(strstr(s, "\nshiftfs\n"));
	free(s);
	run_free(&r);
	provision(&r, false, false);
	assert_int_equal(step(&r, "shiftfs")->outcome, PROV_ALREADY);
	run_free(&r);
	autoload = false;
}

/* The provisioned fixture (make bench's no-op re-run) holds the pin file this version writes. */
static void test_fixture_pin(void **state _unused_)
{
	char *want = containerd_pin_text(CONTAINERD_PIN_DEFAULT), *got;
	FILE *f = fopen(FIXTURE("provisioned/etc/apt/preferences.d/cvmprep-containerd"), "re");
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	got = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(got, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

/* A dockerd under /proc is told to reload: by its comm, and only it. A /proc whose listing fails
 * part-way (the descriptor replaced by a file's between two getdents(2) batches, as test-host.c
 * does) is said, not taken for the whole. */
static void test_signal_named(void **state _unused_)
{
	char rel[PATH_MAX], *file;
	sigset_t hup, old;
	struct dirent *de;
	struct host h;
	int status, fd;
	pid_t pid;
	DIR *d;

	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	assert_int_equal(sigprocmask(SIG_BLOCK, &hup, &old), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int sig = 0;

		alarm(30);
		_exit(sigwait(&hup, &sig) == 0 && sig == SIGHUP ? 7 : 1);
	}
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	snprintf(rel, sizeof(rel), "/proc/%d/comm", (int)pid);
	put(rel, "dockerd\n", 0644);
	put("/proc/1/comm", "systemd\n", 0644);
	put("/proc/self/comm", "dockerd\n", 0644);
	open_host(&h);
	assert_int_equal(host_opendir(&h, "/proc", &d), 0);
	assert_int_equal(proc_signal_named(&h, d, "dockerd", SIGHUP), 1);
	closedir(d);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 7);

	for (int i = 0; i < 2000; i++) {
		snprintf(rel, sizeof(rel), "/proc/%0200dx", i);
		put(rel, "", 0644);
	}
	assert_int_equal(host_opendir(&h, "/proc", &d), 0);
	assert_int_equal(host_readdir(d, &de), 1);
	file = strdup_printf("%s/proc/1/comm", root);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	free(file);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, dirfd(d)), dirfd(d));
	close(fd);
	assert_int_equal(proc_signal_named(&h, d, "dockerd", SIGHUP), -ENOTDIR);
	closedir(d);
	host_close(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_under_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pkgdb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_satisfied_runs_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none_and_no_docker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daemon_json_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daemon_json_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preflight_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kubelet_refusal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docker_refusal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shiftfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_named, setup, teardown),
		cmocka_unit_test(test_fixture_pin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
