/* SPDX-License-Identifier: MIT */
/* security.apparmor-userns, security.secureboot: what keeps Sysbox's user namespaces or its
 * kernel module from working. (security.selinux is in selinux.c.) */
#include "checks.h"
#include "core/util.h"
#include "live.h"

#define APPARMOR_USERNS "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
#define KEY_APPARMOR "security.apparmor_restrict_unprivileged_userns"
#define EFI_DIR "/sys/firmware/efi"
/* The UEFI global variable GUID (UEFI spec, "Globally Defined Variables"). */
#define EFIVAR_SECUREBOOT EFI_DIR "/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define KEY_SECUREBOOT "security.secureboot"

static int probe_apparmor_userns(const struct host *h, const struct config *cfg _unused_,
				 struct facts *f)
{
	return probe_line_opt(h, f, KEY_APPARMOR, APPARMOR_USERNS, "/proc/sys/kernel");
}

/* sysbox issues 1025, 1035: Ubuntu 23.10 and later set it to 1 by default. */
static int rule_apparmor_userns(const struct check *c _unused_, const struct facts *f,
				const struct config *cfg _unused_, struct result *r)
{
	const struct fact *fa;
	int ret;

	ret = result_need(r, f, KEY_APPARMOR, &fa);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, fa);
	result_expected(r, "0, or no such sysctl");
	result_observed(r, "%s", fa->value ? fa->value : "absent");
	if (!fa->value)
		return result_set(r, STATUS_PASS, "AppArmor does not restrict user namespaces on "
				  "this kernel (no such sysctl)");
	if (streq(fa->value, "0"))
		return result_set(r, STATUS_PASS, "AppArmor does not restrict unprivileged user "
				  "namespaces");
	if (!streq(fa->value, "1"))
		return result_set(r, STATUS_UNKNOWN, "unexpected content in '%s': '%s'", fa->source,
				  fa->value);
	result_remediation(r, "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, and "
			      "persist it in /etc/sysctl.d");
	return result_set(r, STATUS_WARN,
			  "AppArmor restricts unprivileged user namespaces: linked to open Sysbox "
			  "failures (sysbox issues 1025, 1035)");
}

/*
 * security.secureboot: "on" or "off" from the efivarfs variable (4 bytes of attributes, then
 * the one-byte value); absent (NULL) when the kernel shows no EFI firmware at all. An EFI boot
 * without the variable (efivarfs not mounted) cannot be told: ENOENT.
 */
static int probe_secureboot(const struct host *h, const struct config *cfg _unused_,
			    struct facts *f)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	r = host_read(h, EFIVAR_SECUREBOOT, 64, &buf, &len);
	if (r == -ENOMEM)
		return r;
	if (r == 0)
		return len < 5 ? facts_set_err(f, KEY_SECUREBOOT, EFIVAR_SECUREBOOT, EINVAL)
			       : facts_set(f, KEY_SECUREBOOT, EFIVAR_SECUREBOOT,
					   buf[4] == 1 ? "on" : "off");
	if (r != -ENOENT)
		return facts_set_err(f, KEY_SECUREBOOT, EFIVAR_SECUREBOOT, -r);
	r = host_dir_exists(h, EFI_DIR);
	if (r != 0)
		return r < 0 ? facts_set_err(f, KEY_SECUREBOOT, EFI_DIR, -r)
			     : facts_set_err(f, KEY_SECUREBOOT, EFIVAR_SECUREBOOT, ENOENT);
	/* No EFI directory says "not an EFI boot" only where sysfs is there to say it. */
	r = host_dir_exists(h, "/sys/firmware");
	if (r <= 0)
		return facts_set_err(f, KEY_SECUREBOOT, "/sys/firmware", r < 0 ? -r : ENOENT);
	return facts_set(f, KEY_SECUREBOOT, EFI_DIR, NULL);
}

/* Coder's CVM docs, sysbox issue 367: with Secure Boot on, the kernel loads only signed
 * modules, so a shiftfs built on the node (DKMS, --shiftfs-autoload) is refused. */
static int rule_secureboot(const struct check *c _unused_, const struct facts *f,
			   const struct config *cfg, struct result *r)
{
	const struct fact *fa;
	int ret, shiftfs;

	ret = result_need(r, f, KEY_SECUREBOOT, &fa);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, fa);
	result_observed(r, "%s", fa->value ? fa->value : "not an EFI boot");
	result_expected(r, "off, unless no module must be built");
	if (!fa->value)
		return result_set(r, STATUS_PASS, "not an EFI boot (no %s): Secure Boot does not "
				  "apply", EFI_DIR);
	if (!streq(fa->value, "on"))
		return result_set(r, STATUS_PASS, "Secure Boot is %s", fa->value);
	if (!cfg->shiftfs_autoload)
		return result_set(r, STATUS_PASS, "Secure Boot is on; no kernel module has to be "
				  "built (no --shiftfs-autoload)");
	shiftfs = module_presence(f, "shiftfs", r);
	if (shiftfs < 0)
		return shiftfs;
	if (shiftfs >= PRESENCE_AVAILABLE)
		return result_set(r, STATUS_PASS, "Secure Boot is on; shiftfs is already there, "
				  "nothing has to be built");
	if (shiftfs == PRESENCE_UNKNOWN)
		return result_set(r, STATUS_UNKNOWN, "Secure Boot is on and whether shiftfs has to "
				  "be built cannot be told");
	result_remediation(r, "sign the shiftfs module with a key enrolled with mokutil "
			      "--import, turn Secure Boot off, or use a 5.19 or newer kernel "
			      "(ID-mapped mounts) without --shiftfs-autoload");
	return result_set(r, STATUS_FAIL, "Secure Boot is on and shiftfs must be built "
			  "(--shiftfs-autoload): the kernel refuses an unsigned module");
}

const struct check checks_security[] = {
	{
		.id = "security.apparmor-userns",
		.title = "AppArmor user-namespace restriction",
		.probes = { probe_apparmor_userns },
		.rule = rule_apparmor_userns,
		.evidence = APPARMOR_USERNS,
		.rule_text = "1 warns; 0 or no such sysctl passes; another value is unknown",
		.why = "Ubuntu 23.10 and later restrict unprivileged user namespaces through "
		       "AppArmor by default, which open Sysbox issues link to container failures",
		.fix = "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 and persist it in "
		       "/etc/sysctl.d",
		.source = "sysbox issues 1025, 1035",
		.docs = "https://github.com/nestybox/sysbox/issues/1025",
	},
	{
		.id = "security.secureboot",
		.title = "Secure Boot and kernel modules",
		.probes = { probe_uname, probe_modules, probe_secureboot },
		.rule = rule_secureboot,
		.evidence = "the fifth byte of " EFIVAR_SECUREBOOT " (1 = on); no " EFI_DIR
			    " means not an EFI boot; shiftfs (module.shiftfs, filesystem.shiftfs)",
		.rule_text = "on while shiftfs must be built (--shiftfs-autoload and shiftfs "
			     "absent) fails; otherwise passes with the value; not an EFI boot "
			     "passes (Secure Boot cannot be on); EFI without the variable is "
			     "unknown",
		.why = "with Secure Boot on the kernel loads only signed modules: a shiftfs built "
		       "on the node with DKMS is refused",
		.fix = "enroll a signing key (mokutil --import) and sign shiftfs, turn Secure Boot "
		       "off, or use ID-mapped mounts (5.19+) instead of shiftfs",
		.source = "Coder CVM management docs; sysbox issue 367",
		.docs = "https://github.com/nestybox/sysbox/issues/367",
	},
	CHECKS_END,
};
