/* SPDX-License-Identifier: MIT */
/* fs.fuse3, security.apparmor-fusermount3: fusermount3, which sysbox-fs runs from Sysbox 0.7.0
 * on to mount its FUSE filesystems, and the AppArmor profile that keeps it from doing so on
 * Ubuntu 25.04 and later. */
#include "checks.h"
#include "core/sysbox.h"
#include "core/util.h"
#include "live.h"
#include "runtime.h"

#define FUSERMOUNT3 "fusermount3"
#define KEY_FUSERMOUNT3 "tools.fusermount3"
#define KEY_TARGET "sysbox.target"

#define AA_ENABLED "/sys/module/apparmor/parameters/enabled"
#define AA_PROFILES "/sys/kernel/security/apparmor/profiles"
#define AA_PROFILE_FILE "/etc/apparmor.d/fusermount3"
#define KEY_AA_ENABLED "security.apparmor.enabled"
#define KEY_AA_FILE "security.apparmor.fusermount3"
#define KEY_AA_MODE "security.apparmor.fusermount3.mode"
/* Ubuntu ships the profile from 25.04 on (sysbox #947). */
#define AA_UBUNTU_FROM "ubuntu:25.04"

/* The names the profile is loaded under: Ubuntu's declares "profile fusermount3
 * /usr/bin/fusermount3"; a profile named by its path is the older form. */
static const char *const aa_names[] = { "fusermount3", "/usr/bin/fusermount3",
					"/bin/fusermount3" };

/* sysbox.target: the Sysbox version cvmprep provision is about to install, null for check
 * (checks.h). */
int probe_sysbox_target(const struct host *h _unused_, const struct config *cfg,
			       struct facts *f)
{
	return facts_set(f, KEY_TARGET,
			 cfg->sysbox_target ? "cvmprep provision --sysbox-version"
					    : "no provisioning target (cvmprep check)",
			 cfg->sysbox_target);
}

static int probe_fusermount3(const struct host *h, const struct config *cfg _unused_,
			     struct facts *f)
{
	return probe_program(h, f, KEY_FUSERMOUNT3, FUSERMOUNT3);
}

int apparmor_profile_mode(const char *buf, size_t len, const char *const *names, size_t n_names,
			  char **ret_mode)
{
	const char *p = buf, *end = buf + len;

	*ret_mode = NULL;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *open;

		if (!eol)
			eol = end;
		/* "NAME (MODE)": the mode is the last parenthesised word, as names may hold
		 * blanks and parentheses. */
		open = eol;
		while (open > p && open[-1] != '(')
			open--;
		if (open - p >= 3 && eol - 1 > open && eol[-1] == ')' && open[-2] == ' ') {
			size_t name_len = (size_t)(open - 2 - p);

			for (size_t i = 0; i < n_names; i++)
				if (strlen(names[i]) == name_len && !memcmp(p, names[i], name_len)) {
					*ret_mode = strndup(open, (size_t)(eol - 1 - open));
					return *ret_mode ? 0 : -ENOMEM;
				}
		}
		p = eol < end ? eol + 1 : end;
	}
	return 0;
}

/*
 * security.apparmor.enabled: the module's "enabled" parameter (Y/N), null when the kernel has no
 * AppArmor; security.apparmor.fusermount3: "present" when the profile file is there, null
 * when not; security.apparmor.fusermount3.mode: its mode among the loaded profiles (enforce,
 * complain, kill, ...), null when it is not loaded. Each may be an errno instead.
 */
static int probe_apparmor_fusermount3(const struct host *h, const struct config *cfg _unused_,
				      struct facts *f)
{
	_cleanup_free_ char *buf = NULL, *mode = NULL;
	size_t len;
	int r;

	r = probe_line_opt(h, f, KEY_AA_ENABLED, AA_ENABLED, "/sys/module");
	if (r < 0)
		return r;
	r = host_exists(h, AA_PROFILE_FILE);
	if (r == -ENOMEM)
		return r;
	r = r < 0 ? facts_set_err(f, KEY_AA_FILE, AA_PROFILE_FILE, -r)
		  : facts_set(f, KEY_AA_FILE, AA_PROFILE_FILE, r ? "present" : NULL);
	if (r < 0)
		return r;
	r = host_read(h, AA_PROFILES, HOST_READ_MAX, &buf, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return facts_set_err(f, KEY_AA_MODE, AA_PROFILES, -r);
	r = apparmor_profile_mode(buf, len, aa_names, ELEMENTSOF(aa_names), &mode);
	return r < 0 ? r : facts_set(f, KEY_AA_MODE, AA_PROFILES, mode);
}

/* Whether Sysbox version v runs fusermount3: 1, 0, or -EINVAL when v is not a version. */
static int runs_fusermount3(const char *v)
{
	int cmp, r = sysbox_version_cmp(v, SYSBOX_VERSION_FUSE3, &cmp);

	return r < 0 ? r : cmp >= 0;
}

/* sysbox_to_run(): the Sysbox that runs fusermount3 is the one provisioning installs. */
#define SYSBOX_TARGET (PKG_UNKNOWN + 1)

/*
 * Which Sysbox is to run and whether it runs fusermount3: the installed one, else the one
 * provisioning installs. Returns 1 (installed) or SYSBOX_TARGET with *ret_who (for a message;
 * caller frees) when one of them does, 0 with *ret_who saying what there is when neither does,
 * PKG_UNKNOWN when r was set to unknown, -ENOMEM.
 */
static int sysbox_to_run(struct result *r, const struct facts *f, char **ret_who)
{
	const struct fact *status = NULL, *version = NULL, *target;
	const char *installed = NULL;
	struct dpkg_status st;
	size_t i = 0;
	int ret, pkg, runs = 0;

	pkg = sysbox_package(r, f, &i, &st, &status, &version);
	if (pkg < 0 || pkg == PKG_UNKNOWN)
		return pkg;
	if (pkg == 1 && version) {
		installed = version->value;
		runs = runs_fusermount3(installed);
		if (runs < 0)
			return result_set(r, STATUS_UNKNOWN, "cannot compare the version of %s, '%s'",
					  sysbox_packages[i], installed) ?: PKG_UNKNOWN;
		if (runs) {
			*ret_who = strdup_printf("%s %s (installed)", sysbox_packages[i], installed);
			return *ret_who ? 1 : -ENOMEM;
		}
	}
	ret = result_need(r, f, KEY_TARGET, &target);
	if (ret <= 0)
		return ret ?: PKG_UNKNOWN;
	result_evidence_fact(r, target);
	if (target->value) {
		runs = runs_fusermount3(target->value);
		if (runs < 0)
			return result_set(r, STATUS_UNKNOWN, "cannot compare the Sysbox version to "
					  "install, '%s'", target->value) ?: PKG_UNKNOWN;
		if (runs) {
			*ret_who = strdup_printf("Sysbox %s (what cvmprep provision installs)",
						 target->value);
			return *ret_who ? SYSBOX_TARGET : -ENOMEM;
		}
	}
	*ret_who = installed ? strdup_printf("%s %s is installed", sysbox_packages[i], installed)
		 : pkg == 1  ? strdup_printf("%s is installed without a version", sysbox_packages[i])
			     : strdup("Sysbox is not installed");
	return *ret_who ? 0 : -ENOMEM;
}

static int rule_fuse3(const struct check *c _unused_, const struct facts *f,
		      const struct config *cfg _unused_, struct result *r)
{
	_cleanup_free_ char *who = NULL;
	const struct fact *prog;
	int ret, run;

	result_expected(r, "fusermount3 in %s wherever Sysbox %s or later is to run", BIN_PATH,
			SYSBOX_VERSION_FUSE3);
	run = sysbox_to_run(r, f, &who);
	if (run < 0 || run == PKG_UNKNOWN)
		return run < 0 ? run : 0;
	if (run == 0) {
		result_observed(r, "no Sysbox %s or later", SYSBOX_VERSION_FUSE3);
		return result_set(r, STATUS_SKIP, "%s and none is to be installed: Sysbox runs "
				  "fusermount3 from %s on", who, SYSBOX_VERSION_FUSE3);
	}
	ret = result_need(r, f, KEY_FUSERMOUNT3, &prog);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, prog);
	if (prog->value) {
		result_observed(r, "%s", prog->value);
		return result_set(r, STATUS_PASS, "%s runs fusermount3, and it is at %s", who,
				  prog->value);
	}
	result_observed(r, "no fusermount3");
	if (os_match(f, OS_RELEASE, "ubuntu:18.04")) {
		result_remediation(r, "move the node to Ubuntu 20.04 or later, or keep a Sysbox "
				      "release before %s (they run fusermount, of package fuse)",
				   SYSBOX_VERSION_FUSE3);
		return result_set(r, STATUS_FAIL, "%s runs fusermount3, which is not in %s, and "
				  "Ubuntu 18.04 has no fuse3 package to provide it", who, BIN_PATH);
	}
	/* provision/step-sysbox.c installs fuse3 in sysbox-ce's own transaction. */
	if (run == SYSBOX_TARGET)
		return result_set(r, STATUS_PASS, "%s runs fusermount3, which is not in %s yet: "
				  "provisioning installs fuse3 together with sysbox-ce, so that apt "
				  "satisfies its Depends: fuse with fuse3", who, BIN_PATH);
	result_remediation(r, "apt-get install -y fuse3 (it provides 'fuse' for sysbox-ce's "
			      "dependency; installing fuse instead removes fuse3)");
	return result_set(r, STATUS_FAIL, "%s runs fusermount3, which is not in %s: package fuse3 "
			  "provides it (sysbox-ce declares Depends: fuse, which fuse 2 satisfies "
			  "without fusermount3, and installing fuse on Ubuntu 24.04 removes fuse3)",
			  who, BIN_PATH);
}

static int rule_apparmor_fusermount3(const struct check *c _unused_, const struct facts *f,
				     const struct config *cfg, struct result *r)
{
	const struct fact *id, *enabled, *file, *mode;
	bool enforced;
	int ret;

	result_expected(r, "the fusermount3 profile not enforced (complain mode, or not loaded)");
	ret = result_need(r, f, "os.id", &id);
	if (ret <= 0)
		return ret;
	if (!os_match(f, OS_RELEASE_FROM, AA_UBUNTU_FROM)) {
		result_evidence_fact(r, id);
		result_evidence_fact(r, facts_get(f, "os.version_id"));
		result_observed(r, "not Ubuntu 25.04 or later");
		return result_set(r, STATUS_SKIP, "Ubuntu ships an AppArmor profile for fusermount3 "
				  "from 25.04 on; this is not Ubuntu 25.04 or later");
	}
	if ((ret = result_need(r, f, KEY_AA_ENABLED, &enabled)) <= 0)
		return ret;
	result_evidence_fact(r, enabled);
	if (!enabled->value || !streq(enabled->value, "Y")) {
		result_observed(r, "AppArmor off");
		return result_set(r, STATUS_SKIP, "AppArmor is %s: no profile confines fusermount3",
				  enabled->value ? "disabled" : "not in this kernel");
	}
	if ((ret = result_need(r, f, KEY_AA_FILE, &file)) <= 0 ||
	    (ret = result_need(r, f, KEY_AA_MODE, &mode)) <= 0)
		return ret;
	result_evidence_fact(r, file);
	result_evidence_fact(r, mode);
	result_observed(r, "%s, %s", file->value ? AA_PROFILE_FILE : "no " AA_PROFILE_FILE,
			mode->value ? mode->value : "not loaded");
	if (!mode->value)
		return result_set(r, STATUS_PASS, "no fusermount3 profile is loaded%s",
				  file->value ? " (" AA_PROFILE_FILE " is there: it is loaded "
						"when AppArmor's policy is next loaded, at boot, "
						"unless it is disabled)"
					      : "");
	/* AppArmor's modes that deny what the profile does not allow. */
	enforced = words_intersect(mode->value, "enforce kill");
	if (!enforced)
		return result_set(r, STATUS_PASS, "the fusermount3 profile is loaded in %s mode: "
				  "it logs what it would deny and blocks nothing", mode->value);
	result_remediation(r, "aa-complain %s (package apparmor-utils), or add mount and umount "
			      "rules for /var/lib/sysboxfs/** to the profile and reload it with "
			      "apparmor_parser -r %s; then systemctl restart sysbox",
			   AA_PROFILE_FILE, AA_PROFILE_FILE);
	return result_set(r, cfg->profile->known_breakage_fails ? STATUS_FAIL : STATUS_WARN,
			  "the fusermount3 profile is loaded in %s mode: it denies sysbox-fs's "
			  "FUSE mounts under /var/lib/sysboxfs, and Sysbox containers fail to start "
			  "('fusermount3: mount failed: Permission denied'; sysbox #947, #1005)",
			  mode->value);
}

const struct check checks_apparmor_fusermount3[] = {
	{
		.id = "security.apparmor-fusermount3",
		.title = "AppArmor profile of fusermount3",
		.probes = { probe_os_release, probe_apparmor_fusermount3 },
		.rule = rule_apparmor_fusermount3,
		.evidence = "ID and VERSION_ID of os-release; " AA_ENABLED "; " AA_PROFILE_FILE
			    "; the mode of profile fusermount3 in " AA_PROFILES,
		.rule_text = "on Ubuntu 25.04 and later with AppArmor on: the fusermount3 profile "
			     "loaded in enforce (or kill) mode warns, and fails for profile sysbox; "
			     "in complain mode, or not loaded, passes; a file that cannot be read "
			     "is unknown. Other distributions and releases, or AppArmor off, are "
			     "skipped",
		.why = "Ubuntu 25.04 added an AppArmor profile for fusermount3 that allows FUSE "
		       "mounts in a few places only; sysbox-fs mounts under /var/lib/sysboxfs "
		       "through fusermount3, is denied, and no Sysbox container starts",
		.fix = "aa-complain " AA_PROFILE_FILE " (apparmor-utils), or allow mounts under "
		       "/var/lib/sysboxfs/** in the profile and apparmor_parser -r it; then "
		       "systemctl restart sysbox",
		.source = "sysbox issues 947, 1005 (" SYSBOX_ISSUE_947 ", " SYSBOX_ISSUE_1005 ")",
		.docs = SYSBOX_ISSUE_947,
	},
	CHECKS_END,
};

const struct check checks_fuse3[] = {
	{
		.id = "fs.fuse3",
		.title = "fusermount3 for Sysbox 0.7",
		.probes = { probe_os_release, probe_dpkg, probe_sysbox_target, probe_fusermount3 },
		.rule = rule_fuse3,
		.evidence = "the dpkg status of sysbox-ce and sysbox-ee; the Sysbox version cvmprep "
			    "provision installs (sysbox.target); an executable fusermount3 in "
			    BIN_PATH " under the root",
		.rule_text = "when the Sysbox installed, or the one provisioning installs, is "
			     SYSBOX_VERSION_FUSE3 " or later: fusermount3 found passes; missing "
			     "fails for an installed one (naming package fuse3), passes for the one "
			     "provisioning installs (it installs fuse3 with it), and fails on Ubuntu "
			     "18.04, which has no fuse3 package; no such Sysbox is skipped; an "
			     "unreadable dpkg status or program directory is unknown",
		.why = "sysbox-fs mounts through libfuse 3 and runs fusermount3 from Sysbox 0.7.0 "
		       "on, but the sysbox-ce package still declares Depends: fuse, which fuse 2 "
		       "satisfies without fusermount3; and installing fuse on Ubuntu 24.04 "
		       "removes fuse3",
		.fix = "apt-get install -y fuse3",
		.source = "sysbox-pkgr deb/sysbox-ce/control (Depends: fuse); daytonaio/helm-charts "
			  "#44 (" DAYTONA_HELM_PR_44 "); sysbox #955",
		.docs = DAYTONA_HELM_PR_44,
	},
	CHECKS_END,
};
