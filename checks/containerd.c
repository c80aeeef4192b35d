/* SPDX-License-Identifier: MIT */
/* runtime.containerd: containerd.io at Coder's pin, held or pinned, judged against what the
 * node has: docker-ce's Depends, the kubelet, and the Sysbox that decides whether the pin is
 * needed at all. Also the dpkg status probe and the package helpers runtime.docker,
 * runtime.sysbox and k8s.* share (runtime.h). */
#include <fnmatch.h>

#include "checks.h"
#include "core/apt.h"
#include "core/dpkg.h"
#include "core/util.h"
#include "runtime.h"

/* The packages whose dpkg status is recorded, as dpkg.<name>.status and dpkg.<name>.version,
 * and for some their Depends field as dpkg.<name>.depends. */
static const struct {
	const char *name;
	bool depends;
} dpkg_packages[] = {
	{ CONTAINERD, false }, { "sysbox-ce", false }, { "sysbox-ee", false },
	{ "docker-ce", true }, { "kubelet", false },   { "containerd", false },
};

/*
 * dpkg.database: the number of paragraphs in the status file; null when there is no
 * /var/lib/dpkg (not a dpkg system); the errno when it cannot be read or is corrupt (EBADMSG,
 * with the line in the source). Then dpkg.<pkg>.status and .version for dpkg_packages (null:
 * no paragraph), and dpkg.updates: the journal files an interrupted dpkg run left (null: none).
 */
int probe_dpkg(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	const char *depends_of[ELEMENTSOF(dpkg_packages) + 1] = { NULL };
	struct dpkg_db db;
	unsigned updates;
	size_t k = 0;
	char n[64];
	int r;

	/* only their Depends are copied into the index, not a node's every package's */
	for (size_t i = 0; i < ELEMENTSOF(dpkg_packages); i++)
		if (dpkg_packages[i].depends)
			depends_of[k++] = dpkg_packages[i].name;
	r = dpkg_db_read_for(h, depends_of, &db);
	if (r == 0) {
		r = facts_set(f, "dpkg.database", DPKG_ADMINDIR, NULL);
		goto out;
	}
	if (r == -ENOMEM)
		goto out;
	if (r == -EBADMSG) {
		_cleanup_free_ char *where = strdup_printf("%s:%u", DPKG_STATUS, db.line);

		r = where ? facts_set_err(f, "dpkg.database", where, EBADMSG) : -ENOMEM;
		goto out;
	}
	if (r < 0) {
		r = facts_set_err(f, "dpkg.database", db.failed, -r);
		goto out;
	}
	snprintf(n, sizeof(n), "%d packages", db.n_packages);
	r = facts_set(f, "dpkg.database", DPKG_STATUS, n);
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(dpkg_packages); i++) {
		const char *name = dpkg_packages[i].name;
		struct dpkg_package pkg;

		r = dpkg_db_find(&db, name, &pkg);
		if (r < 0)
			break;
		r = facts_setf(f, DPKG_STATUS, pkg.status, "dpkg.%s.status", name);
		if (r >= 0)
			r = facts_setf(f, DPKG_STATUS, pkg.version, "dpkg.%s.version", name);
		if (r >= 0 && dpkg_packages[i].depends)
			r = facts_setf(f, DPKG_STATUS, pkg.depends, "dpkg.%s.depends", name);
		dpkg_package_free(&pkg);
	}
	if (r < 0)
		goto out;
	r = dpkg_updates_pending(h, &updates);
	if (r == -ENOMEM)
		goto out;
	if (r < 0) {
		r = facts_set_err(f, "dpkg.updates", DPKG_UPDATES, -r);
		goto out;
	}
	snprintf(n, sizeof(n), "%u journal file%s", updates, updates == 1 ? "" : "s");
	r = facts_set(f, "dpkg.updates", DPKG_UPDATES, updates ? n : NULL);
out:
	dpkg_db_free(&db);
	return r < 0 ? r : 0;
}

/*
 * apt.pin.containerd.io: the version pattern of the strongest version pin for containerd.io
 * (source: its file), with apt.pin.containerd.io.priority; null when there is none; the errno
 * when a preference file cannot be read or is malformed (apt refuses those too).
 */
static int probe_apt_pin(const struct host *h, const struct config *cfg _unused_,
			 struct facts *f)
{
	static const char *key = "apt.pin." CONTAINERD;
	struct apt_pin_lookup l;
	char prio[32];
	int r;

	r = apt_pin_strongest(h, CONTAINERD, &l);
	if (r == -ENOMEM)
		goto out;
	if (r < 0) {
		r = facts_set_err(f, key, l.source, -r);
		goto out;
	}
	if (r == 0) {
		r = facts_set(f, key, APT_PREFERENCES_D, NULL);
		goto out;
	}
	snprintf(prio, sizeof(prio), "%ld", l.pin.priority);
	r = facts_set(f, key, l.source, l.pin.version);
	if (r >= 0)
		r = facts_set(f, "apt.pin." CONTAINERD ".priority", l.source, prio);
out:
	apt_pin_lookup_free(&l);
	return r < 0 ? r : 0;
}

int rule_dpkg_pkg(struct result *r, const struct facts *f, const char *pkg,
			 struct dpkg_status *ret_st, const struct fact **ret_status,
			 const struct fact **ret_version)
{
	const struct fact *db, *status, *version;
	int ret;

	ret = result_need(r, f, "dpkg.database", &db);
	if (ret <= 0)
		return ret ?: PKG_UNKNOWN;
	if (!db->value)
		return 0;
	ret = result_needf(r, f, &status, "dpkg.%s.status", pkg);
	if (ret <= 0)
		return ret ?: PKG_UNKNOWN;
	if (!status->value)
		return 0;
	version = facts_getf(f, "dpkg.%s.version", pkg);
	result_evidence_fact(r, status);
	result_evidence_fact(r, version);
	if (dpkg_status_parse(status->value, ret_st) < 0)
		return result_set(r, STATUS_UNKNOWN, "unexpected dpkg status of %s: '%s'", pkg,
				  status->value) ?: PKG_UNKNOWN;
	if (!dpkg_status_present(ret_st))
		return 0;
	*ret_status = status;
	*ret_version = version && !version->err && version->value ? version : NULL;
	return 1;
}

int rule_broken(struct result *r, const char *pkg, const char *status)
{
	result_remediation(r, "dpkg --configure -a && apt-get -f install -y, then "
			      "cvmprep provision (or reinstall %s)", pkg);
	return result_set(r, STATUS_FAIL,
			  "%s is left mid-operation by an interrupted dpkg run (status '%s'): its "
			  "files may be incomplete and apt refuses further installs until dpkg is "
			  "repaired", pkg, status);
}

int dpkg_interrupted(struct result *r, const struct facts *f)
{
	const struct fact *u = facts_get(f, "dpkg.updates");

	if (!u || (!u->err && !u->value))
		return 0;
	result_evidence_fact(r, u);
	return u->value ? 1 : 0;
}

int rule_interrupted(struct result *r, const struct facts *f, const char *pkg)
{
	result_remediation(r, "dpkg --configure -a && apt-get -f install -y, then cvmprep "
			      "provision (or reinstall %s)", pkg);
	return result_set(r, STATUS_FAIL,
			  "dpkg was interrupted (%s in %s) or is running now: apt refuses to "
			  "install anything until dpkg --configure -a finishes the run",
			  facts_get(f, "dpkg.updates")->value, DPKG_UPDATES);
}

const char *dpkg_present_version(struct result *r, const struct facts *f, const char *pkg)
{
	const struct fact *status = facts_getf(f, "dpkg.%s.status", pkg);
	const struct fact *version = facts_getf(f, "dpkg.%s.version", pkg);
	struct dpkg_status st;

	if (!status || status->err || !status->value || !version || version->err ||
	    !version->value || dpkg_status_parse(status->value, &st) < 0 ||
	    !dpkg_status_present(&st))
		return NULL;
	result_evidence_fact(r, status);
	result_evidence_fact(r, version);
	return version->value;
}

/* Whether a version pin's pattern names version: the same Debian version, or a glob that
 * matches it (apt_preferences(5): "Pin: version 5.8*"). */
static bool pin_matches(const char *pattern, const char *version)
{
	int cmp;

	if (dpkg_version_compare(pattern, version, &cmp) == 0 && cmp == 0)
		return true;
	return fnmatch(pattern, version, 0) == 0;
}

const struct runc_need runc_needs[RUNC_NEEDS] = {
	{ "1.3", "0.7.0", "sysbox issues 972, 973" },
	{ "1.2", "0.6.6", "sysbox issue 879" },
	{ "1.1", "0.5.2", "sysbox issue 544" },
};

static bool version_below(const char *v, const char *min)
{
	int cmp;

	return dpkg_version_compare(v, min, &cmp) == 0 && cmp < 0;
}

enum pin_need {
	PIN_NEEDED,     /* the installed Sysbox cannot run a newer runc */
	PIN_NOT_NEEDED, /* it runs every runc line */
	PIN_NO_SYSBOX,  /* no Sysbox installed: the Sysbox to come decides */
};

/* Whether the Sysbox installed, else the one provision is about to install (sysbox.target),
 * needs the pin (runc_needs), said in buf. */
static enum pin_need pin_need(struct result *r, const struct facts *f, char *buf, size_t size)
{
	const struct fact *target = facts_get(f, "sysbox.target");
	const char *sysbox = NULL, *whose = "";

	for (size_t i = 0; i < SYSBOX_PACKAGES && !sysbox; i++)
		sysbox = dpkg_present_version(r, f, sysbox_packages[i]);
	if (!sysbox && target && !target->err && target->value) {
		result_evidence_fact(r, target);
		sysbox = target->value;
		whose = ", which provision installs,";
	}
	if (!sysbox) {
		snprintf(buf, size, "no Sysbox is installed: the pin matters only under a Sysbox "
			 "older than %s (%s fixed runc %s, %s)", runc_needs[0].sysbox,
			 runc_needs[0].sysbox, runc_needs[0].runc, runc_needs[0].issue);
		return PIN_NO_SYSBOX;
	}
	/* the oldest runc line it cannot run */
	for (size_t i = RUNC_NEEDS; i-- > 0;)
		if (version_below(sysbox, runc_needs[i].sysbox)) {
			snprintf(buf, size, "Sysbox %s%s needs the pin: it cannot run runc %s and "
				 "later (that needs Sysbox >= %s, %s)", sysbox, whose,
				 runc_needs[i].runc, runc_needs[i].sysbox, runc_needs[i].issue);
			return PIN_NEEDED;
		}
	snprintf(buf, size, "Sysbox %s%s needs no pin: it runs runc %s and later (fixed in %s, %s)",
		 sysbox, whose, runc_needs[0].runc, runc_needs[0].sysbox, runc_needs[0].issue);
	return PIN_NOT_NEEDED;
}

/* The pin this run judges: --containerd-version of provision, else Coder's; NULL for none. */
static const char *containerd_pin(const struct config *cfg)
{
	if (!cfg->containerd_pin)
		return CONTAINERD_PIN_DEFAULT;
	return cfg->containerd_pin[0] ? cfg->containerd_pin : NULL;
}

/* The pin against what the node has that needs a newer containerd: docker-ce's Depends, the
 * kubelet's needs, and the containerd the kubelet runs on now. Returns 1 when r was set, 0
 * when nothing stands against the pin, -ENOMEM. */
static int rule_coexist(struct result *r, const struct facts *f, const char *pin,
			enum pin_need need, const char *need_text)
{
	/* Nothing to change when the installed Sysbox needs no pin: then say so, not fail. */
	enum status against_pin = need == PIN_NOT_NEEDED ? STATUS_WARN : STATUS_FAIL;
	const char *docker = dpkg_present_version(r, f, "docker-ce"), *installed, *from = NULL;
	const char *min, *why = NULL;
	const struct fact *dep = facts_get(f, "dpkg.docker-ce.depends");
	struct kubelet k;
	int n;

	if (docker && pin && dep && !dep->err && dep->value) {
		_cleanup_free_ char *on = NULL;

		result_evidence_fact(r, dep);
		n = dpkg_depends_allow(dep->value, CONTAINERD, pin, &on);
		if (n == -ENOMEM)
			return n;
		if (n < 0)
			return result_set(r, STATUS_UNKNOWN, "cannot parse the Depends of docker-ce "
					  "%s: '%s'", docker, dep->value) ?: 1;
		if (n == 0)
			return result_remediation(r, "cvmprep provision --containerd-version none "
						  "(with Sysbox >= %s), or install a docker-ce "
						  "whose Depends accepts %s %s", runc_needs[0].sysbox,
						  CONTAINERD, pin) ?:
			       result_set(r, against_pin, "docker-ce %s Depends: %s, which %s %s does "
					  "not satisfy: pinning it would remove or downgrade Docker; %s",
					  docker, on, CONTAINERD, pin, need_text) ?: 1;
	}
	n = kubelet_find(r, f, &k);
	if (n < 0 || n == PKG_UNKNOWN)
		return n < 0 ? n : 1;
	if (n == 0 || !streq(k.runtime, KUBELET_RUNTIME_CONTAINERD) || !k.version)
		return 0;
	installed = containerd_installed(r, f, &from);
	min = kubelet_containerd_min(k.version, &why);
	if (min && installed && version_below(installed, min))
		return result_remediation(r, "install containerd >= %s for the kubelet", min) ?:
		       result_set(r, STATUS_FAIL, "the kubelet %s runs on containerd, which must be "
				  ">= %s (%s), but %s %s is installed", k.version, min, why, from,
				  installed) ?: 1;
	if (min && pin && version_below(pin, min))
		return result_remediation(r, "cvmprep provision --containerd-version none on "
					  "Kubernetes nodes") ?:
		       result_set(r, against_pin, "the kubelet %s runs on containerd, which must be "
				  ">= %s (%s): the pin %s %s would break it; %s", k.version, min,
				  why, CONTAINERD, pin, need_text) ?: 1;
	return 0;
}

static int rule_containerd(const struct check *c _unused_, const struct facts *f,
			   const struct config *cfg, struct result *r)
{
	const struct fact *status = NULL, *version = NULL, *pin, *prio;
	const char *want = containerd_pin(cfg);
	struct dpkg_status st;
	enum pin_need need;
	char need_text[256];
	bool held, pinned = false;
	long priority = 0;
	int ret, cmp;

	if (want)
		result_expected(r, "%s, held (apt-mark hold) or pinned at priority >= %d, where "
				"docker-ce and the kubelet accept it", want, APT_PIN_PRIORITY_HOLD);
	else
		result_expected(r, "a %s that docker-ce and the kubelet accept (no pin)", CONTAINERD);
	ret = rule_dpkg_pkg(r, f, CONTAINERD, &st, &status, &version);
	if (ret < 0 || ret == PKG_UNKNOWN)
		return ret < 0 ? ret : 0;
	if (ret == 1) {
		result_observed(r, "%s (%s)", version ? version->value : "no version",
				status->value);
		if (dpkg_status_broken(&st))
			return rule_broken(r, CONTAINERD, status->value);
		ret = dpkg_interrupted(r, f);
		if (ret != 0)
			return ret < 0 ? ret : rule_interrupted(r, f, CONTAINERD);
	} else {
		result_evidence_fact(r, facts_get(f, "dpkg.database"));
		result_observed(r, "not installed");
	}
	need = pin_need(r, f, need_text, sizeof(need_text));
	ret = rule_coexist(r, f, want, need, need_text);
	if (ret != 0)
		return ret < 0 ? ret : 0;
	if (!status) {
		if (!want)
			return result_set(r, STATUS_SKIP, "%s is not installed (and not pinned: "
					  "--containerd-version none); %s", CONTAINERD, need_text);
		return result_set(r, STATUS_SKIP, "%s is not installed (cvmprep provision installs "
				  "%s and holds it); %s", CONTAINERD, want, need_text);
	}
	if (!version || dpkg_version_compare(version->value, want ? want : "0", &cmp) < 0)
		return result_set(r, STATUS_UNKNOWN,
				  "cannot parse the installed version of %s: '%s'", CONTAINERD,
				  version ? version->value : "");
	held = st.want == DPKG_WANT_HOLD;
	if (!want)
		return result_set(r, STATUS_PASS, "%s %s is installed and not pinned "
				  "(--containerd-version none); %s", CONTAINERD, version->value,
				  need_text);
	if (cmp != 0 && need == PIN_NOT_NEEDED)
		return result_set(r, STATUS_PASS, "%s %s is installed, not %s, and that is fine: %s",
				  CONTAINERD, version->value, want, need_text);
	if (cmp != 0) {
		result_remediation(r, "cvmprep provision, or: apt-get install -y "
				      "--allow-downgrades %s=%s && apt-mark hold %s",
				   CONTAINERD, want, CONTAINERD);
		return result_set(r, STATUS_WARN, "%s %s is installed%s, not %s: %s",
				  CONTAINERD, version->value, held ? " and held" : "", want,
				  need_text);
	}

	/* At the pinned version: an apt hold or a >= 1000 pin keeps it there. The pins matter
	 * only without a hold. */
	pin = facts_get(f, "apt.pin." CONTAINERD);
	prio = facts_get(f, "apt.pin." CONTAINERD ".priority");
	result_evidence_fact(r, pin);
	result_evidence_fact(r, prio);
	if (pin && !pin->err && pin->value && prio && !prio->err && prio->value) {
		priority = strtol(prio->value, NULL, 10);
		pinned = priority >= APT_PIN_PRIORITY_HOLD &&
			 pin_matches(pin->value, version->value);
	}
	if (held || pinned)
		return result_set(r, STATUS_PASS, "%s %s is installed and %s; %s", CONTAINERD,
				  version->value,
				  held && pinned ? "held and pinned"
				  : held	 ? "held (apt-mark hold)"
						 : "pinned (apt preferences)",
				  need_text);
	if (!pin || pin->err)
		return result_set(r, STATUS_UNKNOWN,
				  "%s %s is installed and not held; its apt pins "
				  "cannot be read: %s",
				  CONTAINERD, version->value,
				  pin ? strerror(pin->err) : "not recorded");
	result_remediation(r, "apt-mark hold %s, and pin it: Package: %s / Pin: version %s / "
			      "Pin-Priority: 1001 in %s/containerd.pref (apt ignores names "
			      "with another extension; cvmprep provision does both)",
			   CONTAINERD, CONTAINERD, want, APT_PREFERENCES_D);
	if (!pin->value)
		return result_set(r, STATUS_WARN, "%s %s is installed but neither held nor pinned: "
				  "the next apt upgrade replaces it", CONTAINERD, version->value);
	if (priority < APT_PIN_PRIORITY_HOLD)
		return result_set(r, STATUS_WARN, "%s %s is installed and not held; its pin in %s "
				  "has priority %ld, below %d, which does not stop an upgrade",
				  CONTAINERD, version->value, pin->source, priority,
				  APT_PIN_PRIORITY_HOLD);
	return result_set(r, STATUS_WARN, "%s %s is installed and not held; the pin in %s is "
			  "for version %s", CONTAINERD, version->value, pin->source, pin->value);
}

const struct check checks_containerd[] = {
	{
		.id = "runtime.containerd",
		.title = "containerd.io pinned, where the node allows it",
		.probes = { probe_dpkg, probe_apt_pin, probe_kubelet, probe_sysbox_target },
		.rule = rule_containerd,
		.evidence = "the containerd.io, docker-ce (its Depends), kubelet, containerd, "
			    "sysbox-ce and sysbox-ee paragraphs of /var/lib/dpkg/status; version "
			    "pins for containerd.io in /etc/apt/preferences and "
			    "/etc/apt/preferences.d; the kubelet program and its container runtime "
			    "endpoint (/var/lib/kubelet/kubeadm-flags.env, /etc/default/kubelet, "
			    "/etc/sysconfig/kubelet, /var/lib/kubelet/config.yaml)",
		.rule_text = "the pin is " CONTAINERD_PIN_DEFAULT " (provision: --containerd-version). "
			     "A docker-ce whose Depends on containerd.io the pin does not satisfy "
			     "fails, as does a kubelet on containerd that needs a newer one "
			     "(Kubernetes >= 1.26: containerd >= 1.6; >= 1.36: containerd >= 2.0), "
			     "for the pin or for the containerd installed; both only warn when the "
			     "installed Sysbox needs no pin (>= 0.7.0). Then: installed at the pin "
			     "(compared as Debian versions) and held (status want 'hold') or pinned "
			     "(a 'Pin: version' matching it at Pin-Priority >= 1000) passes; another "
			     "version warns, or passes when the installed Sysbox needs no pin; the "
			     "pinned version neither held nor pinned warns, saying why (no pin, a "
			     "pin below 1000, a pin for another version); half-installed, unpacked, "
			     "half-configured or reinstreq fails; not installed, or no dpkg "
			     "database, is skipped; an unreadable or corrupt status file is "
			     "unknown. The message says whether the Sysbox installed (else the one "
			     "provision is about to install) needs the pin "
			     "(runc 1.1 from Sysbox 0.5.2, 1.2 from 0.6.6, 1.3 from 0.7.0)",
		.why = "Coder pins containerd.io " CONTAINERD_PIN_DEFAULT ": the runc of newer "
		       "containerd.io (>= 1.1) breaks inside Sysbox before 0.5.2 (sysbox issue "
		       "544); runc 1.2 needs Sysbox 0.6.6 (879), runc 1.3 needs 0.7.0 (972), so "
		       "from Sysbox 0.7.0 the pin is not needed. But docker-ce has required newer "
		       "containerd.io since late 2023 (>= 1.6.24, then >= 1.7.27, then >= 2.1.5: "
		       "docker-ce-packaging 961, 1236, 1334), so the downgrade removes Docker, and "
		       "a kubelet >= 1.26 cannot use containerd 1.5 (CRI v1). A package left "
		       "mid-operation by an interrupted dpkg may be incomplete, and apt refuses to "
		       "install anything until it is repaired, so that fails",
		.fix = "with Sysbox >= 0.7.0, or on Kubernetes nodes: cvmprep provision "
		       "--containerd-version none; otherwise cvmprep provision, or: apt-get install "
		       "-y --allow-downgrades containerd.io=" CONTAINERD_PIN_DEFAULT " && apt-mark "
		       "hold containerd.io, and a Pin-Priority 1001 pin in /etc/apt/preferences.d "
		       "(pin docker-ce to a release that accepts it, as coder/coder 20349 does); "
		       "after an interrupted dpkg: dpkg --configure -a && apt-get -f install -y",
		.source = "Coder docs (" CODER_DOCS_ADMIN ": containerd.io=1.5.11-1); coder/enterprise-images "
			  "history (pin from May 2022); sysbox issues 544, 879, 972; coder/coder "
			  "20312, 20349; docker-ce-packaging 961, 1236, 1334 (" DOCKER_CE_PACKAGING_1334
			  "); containerd RELEASES.md (Kubernetes support)",
		.docs = "https://github.com/nestybox/sysbox/issues/544",
	},
	CHECKS_END,
};
