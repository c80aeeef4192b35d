/* SPDX-License-Identifier: MIT */
/* An interrupted dpkg (a killed apt-get, dpkg or maintainer script) is finished before any
 * other change: apt refuses to install while packages are half-configured. The recovery that
 * always worked here: wait for dpkg's lock, `dpkg --configure -a`, `apt-get -f install -y`
 * (https://manpages.debian.org/bookworm/dpkg/dpkg.1.en.html, "--configure";
 * https://manpages.debian.org/bookworm/apt/apt-get.8.en.html, "--fix-broken"). */
#include <fcntl.h>
#include <time.h>

#include "apt.h"
#include "core/util.h"
#include "pkgdb.h"
#include "steps.h"

int recover_satisfied(struct prov_ctx *c)
{
	_cleanup_free_ char *why = NULL;
	int r = prov_dpkg_interrupted(c->h, &why);

	if (r == -ENOENT) {
		prov_note(c, "no dpkg database at %s", DPKG_STATUS);
		return PROV_NOT_APPLICABLE;
	}
	if (r < 0)
		return r;
	if (r == 0)
		return prov_note(c, "no package is half-installed or half-configured, no dpkg run "
				 "left unfinished") < 0 ? -ENOMEM : PROV_SATISFIED;
	return prov_note(c, "%s", why) < 0 ? -ENOMEM : PROV_TODO;
}

/* Whether someone holds dpkg's lock (a write lock on /var/lib/dpkg/lock-frontend or lock). */
static bool dpkg_locked(const struct prov_ctx *c)
{
	static const char *const locks[] = { "/var/lib/dpkg/lock-frontend", "/var/lib/dpkg/lock" };

	for (size_t i = 0; i < ELEMENTSOF(locks); i++) {
		_cleanup_close_ int fd = host_openat(c->h, locks[i], O_RDONLY);
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

		if (fd >= 0 && fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
			return true;
	}
	return false;
}

int recover_apply(struct prov_ctx *c)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	time_t until = time(NULL) + (time_t)c->o->lock_timeout_s;

	/* dpkg itself does not wait for its lock; apt-get is told to below. */
	while (!c->o->dry_run && dpkg_locked(c)) {
		if (time(NULL) >= until)
			return prov_fail(c, "dpkg's lock is held by another process (waited %u s)",
					 c->o->lock_timeout_s);
		nanosleep(&pause, NULL);
	}
	return apt_recover(c);
}
