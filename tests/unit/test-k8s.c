/* SPDX-License-Identifier: MIT */
/*
 * checks/k8s.c and checks/kubelet.c: the k8s.* checks probed and judged on the fixture roots
 * tests/fixtures/k8s-*, the facts the kubelet and containerd config probes record (where the
 * endpoint came from, the plugins that register sysbox-runc, imports), and the rules alone on
 * facts for the states no fixture holds: every status each check returns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks/runtime.h"

#include "check-harness.h"
#include "tmptree.h"

static const struct fixture_case fixture_cases[] = {
    /* kubelet 1.33 (config.yaml), containerd.io 2.0.3, sysbox-runc under the CRI v1 path */
    {"k8s-containerd203", "k8s.kubelet-version", STATUS_PASS, "1.33 is among the releases Sysbox 0.7.1-0.linux"},
    {"k8s-containerd203", "k8s.containerd-version", STATUS_FAIL, "containerd.io 2.0.3-1 is in 2.0.1 to 2.0.4"},
    {"k8s-containerd203", "k8s.containerd-runtime", STATUS_PASS, "under io.containerd.cri.v1.runtime, which"},
    /* sysbox-runc where sysbox-deploy-k8s of 0.7.0 wrote it, in a version 3 config */
    {"k8s-oldpath", "k8s.containerd-runtime", STATUS_FAIL,
     "under io.containerd.grpc.v1.cri only, which containerd 2.2.1-1 ignores with a version 3"},
    {"k8s-oldpath", "k8s.containerd-version", STATUS_PASS, "2.2.1-1 is outside 2.0.1 to 2.0.4"},
    /* the distribution's containerd; sysbox-runc in an imported drop-in; kubelet 1.36 */
    {"k8s-dropin", "k8s.kubelet-version", STATUS_FAIL, "1.36 is newer than Sysbox 0.7.1 supports"},
    {"k8s-dropin", "k8s.containerd-runtime", STATUS_PASS, "which containerd 2.2.1~ds1-1 reads"},
    {"k8s-dropin", "k8s.containerd-version", STATUS_PASS, "containerd 2.2.1~ds1-1 is outside"},
    /* the kubelet on CRI-O, older than Sysbox 0.7.1 supports */
    {"k8s-crio", "k8s.kubelet-version", STATUS_WARN, "1.30 is older than Sysbox 0.7.1-0.linux"},
    {"k8s-crio", "k8s.containerd-version", STATUS_SKIP, "runs on CRI-O (unix:///var/run/crio"},
    {"k8s-crio", "k8s.containerd-runtime", STATUS_SKIP, "runs on CRI-O"},
    /* a kubelet of no package; config.toml a directory */
    {"k8s-unreadable", "k8s.kubelet-version", STATUS_WARN, "comes from no package"},
    {"k8s-unreadable", "k8s.containerd-runtime", STATUS_UNKNOWN,
     "cannot read '/etc/containerd/config.toml': Is a directory"},
    /* no config.toml, no Sysbox yet */
    {"k8s-fresh", "k8s.containerd-runtime", STATUS_WARN, "not registered with containerd yet"},
    /* no kubelet */
    {"runtime-ready", "k8s.kubelet-version", STATUS_SKIP, "no kubelet on this node"},
    {"runtime-ready", "k8s.containerd-version", STATUS_SKIP, "no kubelet on this node"},
    {"runtime-ready", "k8s.containerd-runtime", STATUS_SKIP, "no kubelet on this node"},
};

FIXTURE_CASES_TEST(test_fixtures, fixture_cases)

/* What the probes record, and from where. */
static void test_probe_facts(void **state)
{
	static const struct {
		const char *fixture, *key, *value, *source;
	} want[] = {
		{ "k8s-containerd203", "kubelet.endpoint", "unix:///run/containerd/containerd.sock",
		  "/var/lib/kubelet/config.yaml" },
		{ "k8s-oldpath", "kubelet.endpoint", "unix:///var/run/containerd/containerd.sock",
		  "/var/lib/kubelet/kubeadm-flags.env" },
		{ "k8s-fresh", "kubelet.endpoint", "unix:///run/containerd/containerd.sock",
		  "/etc/default/kubelet" },
		{ "k8s-fresh", "kubelet.program", "/usr/bin/kubelet", "/usr/bin/kubelet" },
		{ "k8s-fresh", "containerd.config", NULL, "/etc/containerd/config.toml" },
		{ "k8s-oldpath", "containerd.config", "3", "/etc/containerd/config.toml" },
		{ "k8s-oldpath", "containerd.config.sysbox-runc", "io.containerd.grpc.v1.cri", NULL },
		{ "k8s-dropin", "containerd.config.sysbox-runc", "io.containerd.cri.v1.runtime", NULL },
		{ "k8s-dropin", "containerd.config.imports", "1 file", NULL },
		{ "runtime-ready", "kubelet.endpoint", NULL, NULL },
	};
	const struct config cfg = fixture_config();

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(want); i++) {
		_cleanup_free_ char *root = strdup_printf(FIXTURES_DIR "/%s", want[i].fixture);
		struct facts f = { 0 };
		const struct fact *fa;

		check_probe(root, "k8s.containerd-runtime", &cfg, &f);
		fa = facts_get(&f, want[i].key);
		if (!fa || fa->err || !streq_ptr(fa->value, want[i].value) ||
		    (want[i].source && !streq(fa->source, want[i].source)))
			fail_msg("%s %s: '%s' from '%s', want '%s' from '%s'", want[i].fixture,
				 want[i].key, fa && fa->value ? fa->value : "(null)",
				 fa ? fa->source : "-", want[i].value ? want[i].value : "(null)",
				 want[i].source ? want[i].source : "-");
		facts_free(&f);
	}
}

/* containerd's config as the probe reads it, on trees made here: imports relative, globbed,
 * missing; a malformed import; the two CRI plugins together; dotted keys. */
static void test_config_probe(void **state)
{
	static const struct {
		const char *config, *import_name, *import;
		const char *plugins; /* containerd.config.sysbox-runc, NULL: none */
		int err;             /* of containerd.config */
	} cases[] = {
		{ "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.sysbox-runc]\n",
		  NULL, NULL, "io.containerd.grpc.v1.cri", 0 },
		{ "version = 3\n[plugins]\n\"io.containerd.cri.v1.runtime\".containerd.runtimes."
		  "sysbox-runc.runtime_type = \"io.containerd.runc.v2\"\n"
		  "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.sysbox-runc]\n",
		  NULL, NULL, "io.containerd.cri.v1.runtime io.containerd.grpc.v1.cri", 0 },
		{ "version = 3\nimports = ['conf.d/sysbox.toml']\n", "etc/containerd/conf.d/sysbox.toml",
		  "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.sysbox-runc]\n",
		  "io.containerd.cri.v1.runtime", 0 },
		{ "version = 3\nimports = [\"/etc/containerd/d/*.toml\"]\n", "etc/containerd/d/x.toml",
		  "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.sysbox-runc]\n",
		  "io.containerd.cri.v1.runtime", 0 },
		{ "version = 3\nimports = [\"/nowhere/*.toml\", \"none.toml\"]\n", NULL, NULL, NULL, 0 },
		{ "version = 3\nimports = [\"d/*.toml\"]\n", "etc/containerd/d/bad.toml", "[broken\n",
		  NULL, EBADMSG },
		/* runtimes of another name, and sysbox-runc as another table's key */
		{ "[plugins.cri.containerd.runtimes.runc]\n[plugins.x.sysbox-runc]\n", NULL, NULL, NULL,
		  0 },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *t = tree_new();
		const struct config cfg = fixture_config();
		struct facts f = { 0 };
		const struct fact *conf, *reg;

		tree_put(t, "etc/containerd/config.toml", cases[i].config);
		if (cases[i].import_name)
			tree_put(t, cases[i].import_name, cases[i].import);
		check_probe(t, "k8s.containerd-runtime", &cfg, &f);
		conf = facts_get(&f, "containerd.config");
		reg = facts_get(&f, "containerd.config.sysbox-runc");
		assert_non_null(conf);
		if (conf->err != cases[i].err ||
		    (!cases[i].err && !streq_ptr(reg ? reg->value : NULL, cases[i].plugins)))
			fail_msg("case %zu: err %d, plugins '%s'; want %d, '%s'", i, conf->err,
				 reg && reg->value ? reg->value : "(null)", cases[i].err,
				 cases[i].plugins ? cases[i].plugins : "(null)");
		facts_free(&f);
		tree_remove(t);
	}
}

#define KUBELET_133 "dpkg.kubelet.status=install ok installed", "dpkg.kubelet.version=1.33.4-1.1"
#define ON_CONTAINERD "kubelet.program=/usr/bin/kubelet", "kubelet.endpoint"

static const struct rule_case cases[] = {
    /* k8s.kubelet-version */
    {"k8s.kubelet-version", 0, {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD},
     STATUS_PASS, "1.33 is among the releases Sysbox 0.7.1 supports (1.32 to 1.35)"},
    {"k8s.kubelet-version", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD,
      "dpkg.sysbox-ce.status=install ok installed", "dpkg.sysbox-ce.version=0.6.7-0.linux"},
     STATUS_FAIL, "1.33 is newer than Sysbox 0.6.7-0.linux supports (up to 1.32)"},
    {"k8s.kubelet-version", 0,
     {"dpkg.database=3 packages", "dpkg.kubelet.status=install ok installed",
      "dpkg.kubelet.version=1.26.15-1.1", ON_CONTAINERD,
      "dpkg.sysbox-ee.status=install ok installed", "dpkg.sysbox-ee.version=0.6.3"},
     STATUS_PASS, "1.26 is among the releases Sysbox 0.6.3 supports (1.26 to 1.28)"},
    {"k8s.kubelet-version", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD,
      "dpkg.sysbox-ce.status=install ok installed", "dpkg.sysbox-ce.version=0.5.2-0.linux"},
     STATUS_WARN, "Sysbox 0.5.2-0.linux predates 0.6.1"},
    {"k8s.kubelet-version", 0,
     {"dpkg.database=3 packages", "dpkg.kubelet.status=install ok installed",
      "dpkg.kubelet.version=v1", ON_CONTAINERD},
     STATUS_UNKNOWN, "cannot parse the kubelet's version 'v1'"},
    {"k8s.kubelet-version", 0, {"dpkg.database!13", "kubelet.program"}, STATUS_UNKNOWN,
     "Permission denied"},
    {"k8s.kubelet-version", 0, {"dpkg.database=3 packages", "kubelet.program!13"},
     STATUS_UNKNOWN, "cannot tell whether a kubelet is installed"},
    {"k8s.kubelet-version", 0, {"dpkg.database=3 packages", KUBELET_133, "kubelet.program",
     "kubelet.endpoint!13"}, STATUS_UNKNOWN, "Permission denied"},
    {"k8s.kubelet-version", 0, {"dpkg.database", "kubelet.program"}, STATUS_SKIP,
     "no kubelet on this node"},
    /* a kubelet of no package, the database of none (not a dpkg system) */
    {"k8s.kubelet-version", 0, {"dpkg.database", "kubelet.program=/usr/local/bin/kubelet",
     "kubelet.endpoint"}, STATUS_WARN, "the kubelet (/usr/local/bin/kubelet) comes from no package"},

    /* k8s.containerd-version */
    {"k8s.containerd-version", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD,
      "dpkg.containerd.status=install ok installed", "dpkg.containerd.version=2.0.4~ds1-2"},
     STATUS_FAIL, "containerd 2.0.4~ds1-2 is in 2.0.1 to 2.0.4"},
    {"k8s.containerd-version", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD,
      "dpkg.containerd.io.status=install ok installed", "dpkg.containerd.io.version=2.0.0-1"},
     STATUS_PASS, "2.0.0-1 is outside"},
    {"k8s.containerd-version", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD,
      "dpkg.containerd.io.status=install ok installed", "dpkg.containerd.io.version=1:2.0.5-1"},
     STATUS_PASS, "1:2.0.5-1 is outside"},
    {"k8s.containerd-version", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD,
      "dpkg.containerd.io.status=install ok installed", "dpkg.containerd.io.version=2.0.2.1-1"},
     STATUS_FAIL, "is in 2.0.1 to 2.0.4"},
    {"k8s.containerd-version", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD,
      "dpkg.containerd.io.status=install ok installed", "dpkg.containerd.io.version=x2-1"},
     STATUS_UNKNOWN, "cannot parse containerd.io's version 'x2-1'"},
    {"k8s.containerd-version", 0, {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD},
     STATUS_SKIP, "containerd comes from no package"},
    {"k8s.containerd-version", 0,
     {"dpkg.database=3 packages", KUBELET_133, "kubelet.program",
      "kubelet.endpoint=unix:///run/cri-dockerd.sock"},
     STATUS_SKIP, "runs on cri-dockerd"},
    {"k8s.containerd-version", 0,
     {"dpkg.database=3 packages", KUBELET_133, "kubelet.program",
      "kubelet.endpoint=tcp://10.0.0.1:1234"},
     STATUS_SKIP, "runs on another runtime"},
    {"k8s.containerd-version", 0, {"dpkg.database!5", "kubelet.program"}, STATUS_UNKNOWN,
     "Input/output error"},

    /* k8s.containerd-runtime */
    {"k8s.containerd-runtime", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD,
      "dpkg.containerd.io.status=install ok installed", "dpkg.containerd.io.version=1.7.27-1",
      "containerd.config=2", "containerd.config.sysbox-runc=io.containerd.grpc.v1.cri"},
     STATUS_PASS, "registered under io.containerd.grpc.v1.cri, which containerd 1.7.27-1 reads"},
    {"k8s.containerd-runtime", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD,
      "dpkg.containerd.io.status=install ok installed", "dpkg.containerd.io.version=1.7.27-1",
      "containerd.config=2", "containerd.config.sysbox-runc=io.containerd.cri.v1.runtime"},
     STATUS_FAIL, "under io.containerd.cri.v1.runtime only, which containerd 1.7.27-1 ignores"},
    /* a version 2 config: containerd 2.x migrates the old path */
    {"k8s.containerd-runtime", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD,
      "dpkg.containerd.io.status=install ok installed", "dpkg.containerd.io.version=2.1.5-1",
      "containerd.config=2", "containerd.config.sysbox-runc=io.containerd.grpc.v1.cri"},
     STATUS_PASS, "which containerd 2.1.5-1 reads"},
    /* a version 3 config, containerd of no package: 2.x */
    {"k8s.containerd-runtime", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD, "containerd.config=3",
      "containerd.config.sysbox-runc=io.containerd.grpc.v1.cri"},
     STATUS_FAIL, "which containerd 2.x ignores with a version 3 config"},
    {"k8s.containerd-runtime", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD, "containerd.config=2",
      "containerd.config.sysbox-runc=io.containerd.grpc.v1.cri"},
     STATUS_SKIP, "which plugin path it reads is not known"},
    {"k8s.containerd-runtime", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD,
      "dpkg.containerd.io.status=install ok installed", "dpkg.containerd.io.version=2.1.5-1",
      "dpkg.sysbox-ce.status=install ok installed", "dpkg.sysbox-ce.version=0.7.1-0.linux",
      "containerd.config=3", "containerd.config.sysbox-runc"},
     STATUS_FAIL, "sysbox-ce 0.7.1-0.linux is installed but sysbox-runc is not registered"},
    {"k8s.containerd-runtime", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD,
      "dpkg.containerd.io.status=install ok installed", "dpkg.containerd.io.version=2.1.5-1",
      "containerd.config=3", "containerd.config.sysbox-runc"},
     STATUS_WARN, "not registered with containerd yet (in /etc/containerd/config.toml)"},
    {"k8s.containerd-runtime", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD, "containerd.config!74"},
     STATUS_FAIL, "is not valid TOML (/fixture): containerd does not start"},
    {"k8s.containerd-runtime", 0,
     {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD, "containerd.config!13"},
     STATUS_UNKNOWN, "Permission denied"},
    {"k8s.containerd-runtime", 0, {"dpkg.database=3 packages", KUBELET_133, ON_CONTAINERD},
     STATUS_UNKNOWN, "no fact 'containerd.config'"},
    {"k8s.containerd-runtime", 0, {"dpkg.database=3 packages", "kubelet.program"},
     STATUS_SKIP, "no kubelet"},
};

RULE_CASES_TEST(test_rules, cases, 0)

/* Each k8s.* id has a case for every status it can return. */
static void test_cover(void **state)
{
	(void)state;
	RULE_CASES_COVER(cases, "k8s.kubelet-version", STATUS_PASS, STATUS_WARN, STATUS_FAIL,
			 STATUS_UNKNOWN, STATUS_SKIP);
	RULE_CASES_COVER(cases, "k8s.containerd-version", STATUS_PASS, STATUS_FAIL, STATUS_UNKNOWN,
			 STATUS_SKIP);
	RULE_CASES_COVER(cases, "k8s.containerd-runtime", STATUS_PASS, STATUS_WARN, STATUS_FAIL,
			 STATUS_UNKNOWN, STATUS_SKIP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_probe_facts),
		cmocka_unit_test(test_config_probe),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_cover),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
