/* SPDX-License-Identifier: MIT */
/* runtime.containerd: containerd.io at Coder's pin, held or pinned. Also the dpkg status probe
 * and the package helpers runtime.docker and runtime.sysbox share (runtime.h). */
#include <fnmatch.h>

#include "checks.h"
#include "core/apt.h"
#include "core/dpkg.h"
#include "core/util.h"
#include "runtime.h"

/* The packages whose dpkg status is recorded, as dpkg.<name>.status and dpkg.<name>.version. */
static const char *const dpkg_packages[] = { CONTAINERD, "sysbox-ce", "sysbox-ee" };

/*
 * dpkg.database: the number of paragraphs in the status file; null when there is no
 * /var/lib/dpkg (not a dpkg system); the errno when it cannot be read or is corrupt (EBADMSG,
 * with the line in the source). Then dpkg.<pkg>.status and .version for dpkg_packages (null:
 * no paragraph), and dpkg.updates: the journal files an interrupted dpkg run left (null: none).
 */
int probe_dpkg(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	struct dpkg_db db;
	unsigned updates;
	char n[64];
	int r;

	r = dpkg_db_read(h, &db);
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
		struct dpkg_package pkg;

		r = dpkg_db_find(&db, dpkg_packages[i], &pkg);
		if (r < 0)
			break;
		r = facts_setf(f, DPKG_STATUS, pkg.status, "dpkg.%s.status", dpkg_packages[i]);
		if (r >= 0)
			r = facts_setf(f, DPKG_STATUS, pkg.version, "dpkg.%s.version",
				       dpkg_packages[i]);
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

/* Whether a version pin's pattern names version: the same Debian version, or a glob that
 * matches it (apt_preferences(5): "Pin: version 5.8*"). */
static bool pin_matches(const char *pattern, const char *version)
{
	int cmp;

	if (dpkg_version_compare(pattern, version, &cmp) == 0 && cmp == 0)
		return true;
	return fnmatch(pattern, version, 0) == 0;
}

static int rule_containerd(const struct check *c _unused_, const struct facts *f,
			   const struct config *cfg _unused_, struct result *r)
{
	const struct fact *status = NULL, *version = NULL, *pin, *prio;
	struct dpkg_status st;
	bool held, pinned = false;
	long priority = 0;
	int ret, cmp;

	result_expected(r, "%s, held (apt-mark hold) or pinned at priority >= %d",
			CONTAINERD_PIN_DEFAULT, APT_PIN_PRIORITY_HOLD);
	ret = rule_dpkg_pkg(r, f, CONTAINERD, &st, &status, &version);
	if (ret < 0 || ret == PKG_UNKNOWN)
		return ret < 0 ? ret : 0;
	if (ret == 0) {
		result_evidence_fact(r, facts_get(f, "dpkg.database"));
		result_observed(r, "not installed");
		return result_set(r, STATUS_SKIP, "%s is not installed (cvmprep provision installs "
				  "%s and holds it)", CONTAINERD, CONTAINERD_PIN_DEFAULT);
	}
	result_observed(r, "%s (%s)", version ? version->value : "no version",
			status->value);
	if (dpkg_status_broken(&st))
		return rule_broken(r, CONTAINERD, status->value);
	ret = dpkg_interrupted(r, f);
	if (ret != 0)
		return ret < 0 ? ret : rule_interrupted(r, f, CONTAINERD);
	if (!version || dpkg_version_compare(version->value, CONTAINERD_PIN_DEFAULT, &cmp) < 0)
		return result_set(r, STATUS_UNKNOWN,
				  "cannot parse the installed version of %s: '%s'", CONTAINERD,
				  version ? version->value : "");
	held = st.want == DPKG_WANT_HOLD;
	if (cmp != 0) {
		result_remediation(r, "cvmprep provision, or: apt-get install -y "
				      "--allow-downgrades %s=%s && apt-mark hold %s",
				   CONTAINERD, CONTAINERD_PIN_DEFAULT, CONTAINERD);
		return result_set(r, STATUS_WARN,
				  "%s %s is installed%s, not %s: Coder pins %s because the runc in "
				  "newer containerd.io (>= 1.1) breaks inside Sysbox before 0.5.2",
				  CONTAINERD, version->value, held ? " and held" : "",
				  CONTAINERD_PIN_DEFAULT, CONTAINERD_PIN_DEFAULT);
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
		return result_set(r, STATUS_PASS, "%s %s is installed and %s", CONTAINERD,
				  version->value,
				  held && pinned ? "held and pinned"
				  : held	 ? "held (apt-mark hold)"
						 : "pinned (apt preferences)");
	if (!pin || pin->err)
		return result_set(r, STATUS_UNKNOWN,
				  "%s %s is installed and not held; its apt pins "
				  "cannot be read: %s",
				  CONTAINERD, version->value,
				  pin ? strerror(pin->err) : "not recorded");
	result_remediation(r, "apt-mark hold %s, and pin it: Package: %s / Pin: version %s / "
			      "Pin-Priority: 1001 in %s/containerd.pref (apt ignores names "
			      "with another extension; cvmprep provision does both)",
			   CONTAINERD, CONTAINERD, CONTAINERD_PIN_DEFAULT, APT_PREFERENCES_D);
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
		.title = "containerd.io pinned",
		.probes = { probe_dpkg, probe_apt_pin },
		.rule = rule_containerd,
		.evidence = "the containerd.io paragraph of /var/lib/dpkg/status (Status: want, "
			    "flag and state; Version); version pins for containerd.io in "
			    "/etc/apt/preferences and /etc/apt/preferences.d",
		.rule_text = "installed at " CONTAINERD_PIN_DEFAULT " (compared as Debian "
			     "versions) and held (status want 'hold') or pinned (a 'Pin: version' "
			     "matching it at Pin-Priority >= 1000) passes; another version warns; "
			     "the pinned version neither held nor pinned warns, saying why "
			     "(no pin, a pin below 1000, a pin for another version); "
			     "half-installed, unpacked, half-configured or reinstreq fails; not "
			     "installed, or no dpkg database, is skipped; an unreadable or corrupt "
			     "status file is unknown",
		.why = "Coder pins containerd.io " CONTAINERD_PIN_DEFAULT ": the runc of newer "
		       "containerd.io (>= 1.1) breaks inside Sysbox before 0.5.2 (sysbox issue "
		       "544). A package left mid-operation by an interrupted dpkg may be "
		       "incomplete, and apt refuses to install anything until it is repaired, so "
		       "that fails",
		.fix = "cvmprep provision, or: apt-get install -y --allow-downgrades "
		       "containerd.io=" CONTAINERD_PIN_DEFAULT " && apt-mark hold containerd.io, "
		       "and a Pin-Priority 1001 pin in /etc/apt/preferences.d; after an "
		       "interrupted dpkg: dpkg --configure -a && apt-get -f install -y",
		.source = "Coder docs (" CODER_DOCS_ADMIN ": containerd.io=1.5.11-1); coder/enterprise-images "
			  "history (pin from May 2022); sysbox issue 544",
		.docs = "https://github.com/nestybox/sysbox/issues/544",
	},
	CHECKS_END,
};
