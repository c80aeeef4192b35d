/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_IMAGE_PROBE_H
#define CVMPREP_IMAGE_PROBE_H

#include "core/facts.h"
#include "core/host.h"
#include "source.h"

/*
 * The facts of a workspace image, for the image.* rules (checks/image.c), read from an unpacked
 * root through struct host or from an archive's index, the same way: paths resolve inside the
 * image (an absolute link from its root, '..' stopping there), never outside it.
 *
 *   image.source        the format read (source: SOURCE); its errno and why, when unreadable
 *   image.init          where /sbin/init leads (source: the links followed), or its errno
 *   image.init.link     what /sbin/init itself links to; null: not a link
 *   image.init.type     file, directory, special file, or not recorded
 *   image.init.escape   "yes" when a link climbed above the image root
 *   image.systemd.binary, image.docker.binary, image.runc.binary   the program found; null: none
 *   image.docker.wants  the docker.service link of multi-user.target.wants; null: none
 *   image.docker.unit   the unit file it leads to; null: dangling
 *   image.tmp           the names in /tmp (the first IMAGE_TMP_NAMES); null: empty
 *   image.tmp.count     how many
 *   image.dpkg.database "N packages"; null: no dpkg status; its errno
 *   image.dpkg.PKG.status, image.dpkg.PKG.version   (image_dpkg_packages)
 *   image.dpkg.updates  journal files of an interrupted dpkg run; null: none
 *   image.dpkg.arch     dpkg's architecture
 *   image.apt.pin.containerd.io, .priority   the strongest version pin; null: none
 *   image.os, image.arch, image.variant   from the image's config (archives)
 */

#define IMAGE_TMP_NAMES 10

extern const char *const image_dpkg_packages[];

/* Records the facts of img, whose root (IMAGE_FORMAT_ROOT) is h. Returns 0 or -ENOMEM. */
int image_probe(const struct image *img, const struct host *h, struct facts *f);

/* Records that source could not be read as an image: image.source with err and why. */
int image_probe_failed(const char *source, int err, const char *why, struct facts *f);

#endif
