/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_VERSION_H
#define CVMPREP_VERSION_H

/* A kernel version: the leading "major.minor[.patch]" of a release string. */
struct kver {
	unsigned major;
	unsigned minor;
	unsigned patch;
};

/* Parses the numeric head of a kernel release ("5.15.0-91-generic", "4.18.0-513.el8.x86_64",
 * "6.8.0-1008-aws", "6.1.0-13-amd64", "5.4"); what follows it (a flavour, a build number) is
 * ignored. Returns 0, or -EINVAL when s does not start with "N.N" or a number is absurdly large. */
int kver_parse(const char *s, struct kver *ret);

/* <0, 0, >0 as a is older than, equal to, newer than b. */
int kver_cmp(const struct kver *a, const struct kver *b);

#endif
