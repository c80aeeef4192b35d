/* SPDX-License-Identifier: MIT */
/*
 * kernel.config.<OPTION>: the kernel's build configuration, read once (zlib reads the gzip'ed
 * /proc/config.gz and a plain config file alike) for the options Sysbox needs and those Docker's
 * own kernel check lists (moby contrib/check-config.sh), since CVMs run Docker.
 */
#include <dirent.h>
#include <fcntl.h>
#include <zlib.h>

#include "checks.h"
#include "core/cleanup.h"
#include "core/fileio.h"
#include "core/util.h"
#include "core/version.h"
#include "sources.h"

/* Where a kernel config is looked for, in this order (kubernetes system-validators). */
#define KCONFIG_PATHS                                                                              \
	"/proc/config.gz, /boot/config-<release>, /lib/modules/<release>/build/.config, "          \
	"/usr/lib/modules/<release>/config, /usr/src/linux-headers-<release>/.config"

/* Larger than any kernel config (6.x allyesconfig is ~300 KiB); more is refused with EFBIG. */
#define KCONFIG_MAX (8 * 1024 * 1024)

/* Kernels an option applies to: [since, before); a zero bound is open. */
enum kconfig_range {
	RANGE_ANY,
	RANGE_BEFORE_3_14,
	RANGE_SINCE_3_14,
	RANGE_BEFORE_3_19,
	RANGE_BEFORE_4_6,
	RANGE_BEFORE_4_8,
	RANGE_SINCE_4_15,
	RANGE_BEFORE_5_0,
	RANGE_BEFORE_5_2,
	RANGE_BEFORE_5_3,
	RANGE_BEFORE_5_4,
	RANGE_BEFORE_5_8,
	_RANGE_MAX,
};

static const struct {
	struct kver since, before;
} ranges[] = {
	[RANGE_ANY] = { { 0, 0, 0 }, { 0, 0, 0 } },
	[RANGE_BEFORE_3_14] = { { 0, 0, 0 }, { 3, 14, 0 } },
	[RANGE_SINCE_3_14] = { { 3, 14, 0 }, { 0, 0, 0 } },
	[RANGE_BEFORE_3_19] = { { 0, 0, 0 }, { 3, 19, 0 } },
	[RANGE_BEFORE_4_6] = { { 0, 0, 0 }, { 4, 6, 0 } },
	[RANGE_BEFORE_4_8] = { { 0, 0, 0 }, { 4, 8, 0 } },
	[RANGE_SINCE_4_15] = { { 4, 15, 0 }, { 0, 0, 0 } },
	[RANGE_BEFORE_5_0] = { { 0, 0, 0 }, { 5, 0, 0 } },
	[RANGE_BEFORE_5_2] = { { 0, 0, 0 }, { 5, 2, 0 } },
	[RANGE_BEFORE_5_3] = { { 0, 0, 0 }, { 5, 3, 0 } },
	[RANGE_BEFORE_5_4] = { { 0, 0, 0 }, { 5, 4, 0 } },
	[RANGE_BEFORE_5_8] = { { 0, 0, 0 }, { 5, 8, 0 } },
};
_Static_assert(ELEMENTSOF(ranges) == _RANGE_MAX, "ranges");

#define RANGE_TEXT_ANY ""
#define RANGE_TEXT_BEFORE_3_14 "; only kernels before 3.14 have it (else SKIP)"
#define RANGE_TEXT_SINCE_3_14 "; kernels 3.14 and later (else SKIP)"
#define RANGE_TEXT_BEFORE_3_19 "; only kernels before 3.19 have it (else SKIP)"
#define RANGE_TEXT_BEFORE_4_6 "; only kernels before 4.6 have it (else SKIP)"
#define RANGE_TEXT_BEFORE_4_8 "; only kernels before 4.8 need it (else SKIP)"
#define RANGE_TEXT_SINCE_4_15 "; kernels 4.15 and later (else SKIP)"
#define RANGE_TEXT_BEFORE_5_0 "; only kernels before 5.0 have it (else SKIP)"
#define RANGE_TEXT_BEFORE_5_2 "; only kernels before 5.2 have it (else SKIP)"
#define RANGE_TEXT_BEFORE_5_3 "; only kernels before 5.3 have it (else SKIP)"
#define RANGE_TEXT_BEFORE_5_4 "; only kernels before 5.4 have it (else SKIP)"
#define RANGE_TEXT_BEFORE_5_8 "; only kernels before 5.8 have it (else SKIP)"

/* Another option that makes one unnecessary (moby's script asks for ext3 only when ext4 does
 * not serve it, and for one storage driver of btrfs and overlay). */
#define UNLESS_NONE NULL
#define UNLESS_EXT4_USE_FOR_EXT2 "EXT4_USE_FOR_EXT2"
#define UNLESS_OVERLAY_FS "OVERLAY_FS"
#define UNLESS_TEXT_NONE ""
#define UNLESS_TEXT_EXT4_USE_FOR_EXT2 "; PASS when CONFIG_EXT4_USE_FOR_EXT2 is set"
#define UNLESS_TEXT_OVERLAY_FS "; PASS when CONFIG_OVERLAY_FS is set (another storage driver)"

/* Who needs an option: why (explain text), source and docs. */
#define WHY_SYSBOX                                                                                 \
	"Sysbox builds CVMs from user, PID, network, UTS and IPC namespaces, cgroups, seccomp "    \
	"filters, overlayfs and FUSE (sysbox-fs)"
#define WHY_DOCKER "Docker inside a CVM needs it (moby check-config.sh: generally necessary)"
#define WHY_DOCKER_CGV1 "Docker inside a CVM needs it on cgroup v1 hosts (moby check-config.sh)"
#define WHY_DOCKER_OPT "an optional Docker feature inside CVMs (moby check-config.sh)"
#define WHY_DOCKER_NET "a Docker network driver inside CVMs (moby check-config.sh)"
#define WHY_DOCKER_STORAGE "a Docker storage backend inside CVMs (moby check-config.sh)"
#define WHY_DOCKER_NFT                                                                             \
	"Docker's nftables firewall backend inside CVMs (moby check-config.sh, optional since "    \
	"2025)"
#define WHY_DOCKER_SCTP                                                                            \
	"SCTP in containers and published SCTP ports inside CVMs (moby check-config.sh, optional " \
	"since 2025)"
#define SOURCE_SYSBOX "sysbox docs/user-guide/design.md; kubernetes system-validators (search order)"
#define SOURCE_DOCKER "moby contrib/check-config.sh; kubernetes system-validators (search order)"
#define DOCS_SYSBOX "https://github.com/nestybox/sysbox/blob/master/docs/user-guide/design.md"
#define DOCS_DOCKER "https://github.com/moby/moby/blob/master/contrib/check-config.sh"
#define SOURCE_DOCKER_CGV1 SOURCE_DOCKER
#define SOURCE_DOCKER_OPT SOURCE_DOCKER
#define SOURCE_DOCKER_NET SOURCE_DOCKER
#define SOURCE_DOCKER_STORAGE SOURCE_DOCKER
#define SOURCE_DOCKER_NFT "moby contrib/check-config.sh (moby PR 50585: nftables modules)"
#define SOURCE_DOCKER_SCTP "moby contrib/check-config.sh (moby PR 50906: the SCTP protocol)"
#define DOCS_DOCKER_CGV1 DOCS_DOCKER
#define DOCS_DOCKER_OPT DOCS_DOCKER
#define DOCS_DOCKER_NET DOCS_DOCKER
#define DOCS_DOCKER_STORAGE DOCS_DOCKER
#define DOCS_DOCKER_NFT MOBY_PR_NFTABLES
#define DOCS_DOCKER_SCTP MOBY_PR_SCTP

/*
 * X(option, status when missing, who needs it, kernels it applies to, unless) in report order:
 * Sysbox's set first, then moby contrib/check-config.sh in its order (options already listed are
 * not repeated; version conditions as the script has them, MEMCG_SWAP as moby PR 50555 fixed it,
 * the nftables modules and SCTP optional, as moby PRs 50585 and 50906 added them).
 */
#define KCONFIG_OPTIONS(X)                                                                         \
	X(NAMESPACES, FAIL, SYSBOX, ANY, NONE)                                                     \
	X(USER_NS, FAIL, SYSBOX, ANY, NONE)                                                        \
	X(PID_NS, FAIL, SYSBOX, ANY, NONE)                                                         \
	X(NET_NS, FAIL, SYSBOX, ANY, NONE)                                                         \
	X(UTS_NS, FAIL, SYSBOX, ANY, NONE)                                                         \
	X(IPC_NS, FAIL, SYSBOX, ANY, NONE)                                                         \
	X(CGROUPS, FAIL, SYSBOX, ANY, NONE)                                                        \
	X(SECCOMP, FAIL, SYSBOX, ANY, NONE)                                                        \
	X(SECCOMP_FILTER, FAIL, SYSBOX, ANY, NONE)                                                 \
	X(OVERLAY_FS, FAIL, SYSBOX, ANY, NONE)                                                     \
	X(FUSE_FS, FAIL, SYSBOX, ANY, NONE)                                                        \
	X(CGROUP_SCHED, WARN, DOCKER, ANY, NONE)                                                   \
	X(KEYS, WARN, DOCKER, ANY, NONE)                                                           \
	X(VETH, WARN, DOCKER, ANY, NONE)                                                           \
	X(BRIDGE, WARN, DOCKER, ANY, NONE)                                                         \
	X(BRIDGE_NETFILTER, WARN, DOCKER, ANY, NONE)                                               \
	X(IP_NF_FILTER, WARN, DOCKER, ANY, NONE)                                                   \
	X(IP_NF_MANGLE, WARN, DOCKER, ANY, NONE)                                                   \
	X(IP_NF_TARGET_MASQUERADE, WARN, DOCKER, ANY, NONE)                                        \
	X(IP6_NF_FILTER, WARN, DOCKER, ANY, NONE)                                                  \
	X(IP6_NF_MANGLE, WARN, DOCKER, ANY, NONE)                                                  \
	X(IP6_NF_TARGET_MASQUERADE, WARN, DOCKER, ANY, NONE)                                       \
	X(NETFILTER_XT_MATCH_ADDRTYPE, WARN, DOCKER, ANY, NONE)                                    \
	X(NETFILTER_XT_MATCH_CONNTRACK, WARN, DOCKER, ANY, NONE)                                   \
	X(NETFILTER_XT_MATCH_IPVS, WARN, DOCKER, ANY, NONE)                                        \
	X(NETFILTER_XT_MARK, WARN, DOCKER, ANY, NONE)                                              \
	X(IP_NF_RAW, WARN, DOCKER, ANY, NONE)                                                      \
	X(IP_NF_NAT, WARN, DOCKER, ANY, NONE)                                                      \
	X(NF_NAT, WARN, DOCKER, ANY, NONE)                                                         \
	X(IP6_NF_RAW, WARN, DOCKER, ANY, NONE)                                                     \
	X(IP6_NF_NAT, WARN, DOCKER, ANY, NONE)                                                     \
	X(POSIX_MQUEUE, WARN, DOCKER, ANY, NONE)                                                   \
	X(CGROUP_FREEZER, WARN, DOCKER_CGV1, ANY, NONE)                                            \
	X(CGROUP_DEVICE, WARN, DOCKER_CGV1, ANY, NONE)                                             \
	X(CPUSETS, WARN, DOCKER_CGV1, ANY, NONE)                                                   \
	X(CGROUP_CPUACCT, WARN, DOCKER_CGV1, ANY, NONE)                                            \
	X(MEMCG, WARN, DOCKER_CGV1, ANY, NONE)                                                     \
	X(DEVPTS_MULTIPLE_INSTANCES, WARN, DOCKER, BEFORE_4_8, NONE)                               \
	X(NF_NAT_IPV4, WARN, DOCKER, BEFORE_5_2, NONE)                                             \
	X(NF_NAT_NEEDED, WARN, DOCKER, BEFORE_5_3, NONE)                                           \
	X(CGROUP_BPF, WARN, DOCKER, SINCE_4_15, NONE)                                              \
	X(CGROUP_PIDS, WARN, DOCKER_OPT, ANY, NONE)                                                \
	X(CGROUP_HUGETLB, WARN, DOCKER_OPT, ANY, NONE)                                             \
	X(MEMCG_SWAP, WARN, DOCKER_OPT, BEFORE_5_8, NONE)                                          \
	X(MEMCG_SWAP_ENABLED, WARN, DOCKER_OPT, BEFORE_5_8, NONE)                                  \
	X(MEMCG_KMEM, WARN, DOCKER_OPT, BEFORE_4_6, NONE)                                          \
	X(RESOURCE_COUNTERS, WARN, DOCKER_OPT, BEFORE_3_19, NONE)                                  \
	X(NETPRIO_CGROUP, WARN, DOCKER_OPT, BEFORE_3_14, NONE)                                     \
	X(IOSCHED_CFQ, WARN, DOCKER_OPT, BEFORE_5_0, NONE)                                         \
	X(CFQ_GROUP_IOSCHED, WARN, DOCKER_OPT, BEFORE_5_0, NONE)                                   \
	X(BLK_CGROUP, WARN, DOCKER_OPT, ANY, NONE)                                                 \
	X(BLK_DEV_THROTTLING, WARN, DOCKER_OPT, ANY, NONE)                                         \
	X(CGROUP_PERF, WARN, DOCKER_OPT, ANY, NONE)                                                \
	X(NET_CLS_CGROUP, WARN, DOCKER_OPT, ANY, NONE)                                             \
	X(CGROUP_NET_PRIO, WARN, DOCKER_OPT, SINCE_3_14, NONE)                                     \
	X(CFS_BANDWIDTH, WARN, DOCKER_OPT, ANY, NONE)                                              \
	X(FAIR_GROUP_SCHED, WARN, DOCKER_OPT, ANY, NONE)                                           \
	X(IP_NF_TARGET_REDIRECT, WARN, DOCKER_OPT, ANY, NONE)                                      \
	X(IP_SCTP, WARN, DOCKER_SCTP, ANY, NONE)                                                   \
	X(IP_VS, WARN, DOCKER_OPT, ANY, NONE)                                                      \
	X(IP_VS_NFCT, WARN, DOCKER_OPT, ANY, NONE)                                                 \
	X(IP_VS_PROTO_TCP, WARN, DOCKER_OPT, ANY, NONE)                                            \
	X(IP_VS_PROTO_UDP, WARN, DOCKER_OPT, ANY, NONE)                                            \
	X(IP_VS_RR, WARN, DOCKER_OPT, ANY, NONE)                                                   \
	X(SECURITY_SELINUX, WARN, DOCKER_OPT, ANY, NONE)                                           \
	X(SECURITY_APPARMOR, WARN, DOCKER_OPT, ANY, NONE)                                          \
	X(NFT_CT, WARN, DOCKER_NFT, ANY, NONE)                                                     \
	X(NFT_FIB_IPV4, WARN, DOCKER_NFT, ANY, NONE)                                               \
	X(NFT_FIB_IPV6, WARN, DOCKER_NFT, ANY, NONE)                                               \
	X(NFT_FIB, WARN, DOCKER_NFT, ANY, NONE)                                                    \
	X(NFT_MASQ, WARN, DOCKER_NFT, ANY, NONE)                                                   \
	X(NFT_NAT, WARN, DOCKER_NFT, ANY, NONE)                                                    \
	X(NF_TABLES, WARN, DOCKER_NFT, ANY, NONE)                                                  \
	X(EXT3_FS, WARN, DOCKER_STORAGE, ANY, EXT4_USE_FOR_EXT2)                                   \
	X(EXT3_FS_XATTR, WARN, DOCKER_STORAGE, ANY, EXT4_USE_FOR_EXT2)                             \
	X(EXT3_FS_POSIX_ACL, WARN, DOCKER_STORAGE, ANY, EXT4_USE_FOR_EXT2)                         \
	X(EXT3_FS_SECURITY, WARN, DOCKER_STORAGE, ANY, EXT4_USE_FOR_EXT2)                          \
	X(EXT4_FS, WARN, DOCKER_STORAGE, ANY, NONE)                                                \
	X(EXT4_FS_POSIX_ACL, WARN, DOCKER_STORAGE, ANY, NONE)                                      \
	X(EXT4_FS_SECURITY, WARN, DOCKER_STORAGE, ANY, NONE)                                       \
	X(VXLAN, WARN, DOCKER_NET, ANY, NONE)                                                      \
	X(BRIDGE_VLAN_FILTERING, WARN, DOCKER_NET, ANY, NONE)                                      \
	X(CRYPTO, WARN, DOCKER_NET, ANY, NONE)                                                     \
	X(CRYPTO_AEAD, WARN, DOCKER_NET, ANY, NONE)                                                \
	X(CRYPTO_GCM, WARN, DOCKER_NET, ANY, NONE)                                                 \
	X(CRYPTO_SEQIV, WARN, DOCKER_NET, ANY, NONE)                                               \
	X(CRYPTO_GHASH, WARN, DOCKER_NET, ANY, NONE)                                               \
	X(XFRM, WARN, DOCKER_NET, ANY, NONE)                                                       \
	X(XFRM_USER, WARN, DOCKER_NET, ANY, NONE)                                                  \
	X(XFRM_ALGO, WARN, DOCKER_NET, ANY, NONE)                                                  \
	X(INET_ESP, WARN, DOCKER_NET, ANY, NONE)                                                   \
	X(NETFILTER_XT_MATCH_BPF, WARN, DOCKER_NET, ANY, NONE)                                     \
	X(INET_XFRM_MODE_TRANSPORT, WARN, DOCKER_NET, BEFORE_5_4, NONE)                            \
	X(IPVLAN, WARN, DOCKER_NET, ANY, NONE)                                                     \
	X(MACVLAN, WARN, DOCKER_NET, ANY, NONE)                                                    \
	X(DUMMY, WARN, DOCKER_NET, ANY, NONE)                                                      \
	X(NF_NAT_FTP, WARN, DOCKER_NET, ANY, NONE)                                                 \
	X(NF_CONNTRACK_FTP, WARN, DOCKER_NET, ANY, NONE)                                           \
	X(NF_NAT_TFTP, WARN, DOCKER_NET, ANY, NONE)                                                \
	X(NF_CONNTRACK_TFTP, WARN, DOCKER_NET, ANY, NONE)                                          \
	X(BTRFS_FS, WARN, DOCKER_STORAGE, ANY, OVERLAY_FS)                                         \
	X(BTRFS_FS_POSIX_ACL, WARN, DOCKER_STORAGE, ANY, OVERLAY_FS)

struct kconfig_option {
	const char *name; /* without CONFIG_ */
	enum status missing;
	enum kconfig_range range;
	const char *unless; /* NULL, or an option that makes this one unnecessary */
};

#define KCONFIG_INDEX(opt, lvl, who, range, unless) KC_##opt,
enum { KCONFIG_OPTIONS(KCONFIG_INDEX) _KC_MAX };

#define KCONFIG_OPTION(opt, lvl, who, range, unless)                                              \
	[KC_##opt] = { #opt, STATUS_##lvl, RANGE_##range, UNLESS_##unless },
static const struct kconfig_option kconfig_options[] = { KCONFIG_OPTIONS(KCONFIG_OPTION) };

/* Options recorded only because another one's rule reads them. */
static const char *const kconfig_extra[] = { UNLESS_EXT4_USE_FOR_EXT2 };

#define N_RECORDED (_KC_MAX + ELEMENTSOF(kconfig_extra))

static const char *recorded_name(size_t i)
{
	return i < _KC_MAX ? kconfig_options[i].name : kconfig_extra[i - _KC_MAX];
}

/* The recorded options' indexes sorted by name, for bsearch while parsing. */
struct kconfig_index {
	unsigned short by_name[N_RECORDED];
};

static int cmp_index(const void *a, const void *b)
{
	return strcmp(recorded_name(*(const unsigned short *)a),
		      recorded_name(*(const unsigned short *)b));
}

struct name_key {
	const char *s;
	size_t len;
};

static int cmp_key(const void *k, const void *e)
{
	const struct name_key *key = k;
	const char *name = recorded_name(*(const unsigned short *)e);
	int c = strncmp(key->s, name, key->len);

	return c ? c : name[key->len] ? -1 : 0;
}

/* The recorded option the name of length len is, or -1. */
static int lookup(const struct kconfig_index *idx, const char *s, size_t len)
{
	const struct name_key key = { s, len };
	const unsigned short *e =
		bsearch(&key, idx->by_name, N_RECORDED, sizeof(idx->by_name[0]), cmp_key);

	return e ? *e : -1;
}

/* What one pass over a config file found: each recorded option's value, and the version the
 * header comment names ("# Linux/x86 6.1.0 Kernel Configuration"). */
struct kconfig_parse {
	char value[N_RECORDED]; /* 'y', 'm', or 'n' (not set, absent, or not a tristate) */
	char version[64];
	size_t n_options; /* "CONFIG_X=..." and "# CONFIG_X is not set" lines, recorded or not */
};

/* Only blanks up to the end of the line: a CRLF file, or a trailing space, ends a value too. */
static bool blank_rest(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

static void parse_line(const struct kconfig_index *idx, const char *line, struct kconfig_parse *p)
{
	const char *name, *rest;
	size_t len;
	int i;

	/* the first byte tells the three kinds of line apart: most are "CONFIG_" ones */
	if (line[0] != '#' && line[0] != 'C')
		return;
	if (line[0] == '#' && (rest = startswith(line, "# Linux/")) && !p->version[0]) {
		rest = strchr(rest, ' ');
		if (rest && strstr(rest, " Kernel Configuration")) {
			len = strcspn(++rest, " \n");
			if (len < sizeof(p->version))
				memcpy(p->version, rest, len);
		}
		return;
	}
	/* "CONFIG_X=y" or "# CONFIG_X is not set" (which stays 'n') */
	if (line[0] == '#') {
		if ((rest = startswith(line, "# CONFIG_")) && strstr(rest, " is not set"))
			p->n_options++;
		return;
	}
	name = startswith(line, "CONFIG_");
	if (!name)
		return;
	len = strcspn(name, "=");
	if (!name[len])
		return;
	p->n_options++;
	/* most lines set options of no rule: only a y or m is looked up */
	if ((name[len + 1] == 'y' || name[len + 1] == 'm') && blank_rest(name + len + 2) &&
	    (i = lookup(idx, name, len)) >= 0)
		p->value[i] = name[len + 1];
}

/* zlib's error as -errno: Z_BUF_ERROR is its "unexpected end of file", a truncated stream. */
static int gz_errno(gzFile gz)
{
	int zerr;

	gzerror(gz, &zerr);
	return zerr == Z_OK ? 0 : zerr == Z_ERRNO ? -errno : zerr == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
}

static ssize_t gz_source_read(void *src, void *buf, size_t n)
{
	int r = gzread(src, buf, (unsigned)n);

	if (r < 0) {
		r = gz_errno(src);
		return r < 0 ? r : -EBADMSG;
	}
	return r;
}

struct config_pass {
	const struct kconfig_index *idx;
	struct kconfig_parse *p;
};

static int config_line(char *line, size_t len _unused_, void *userdata)
{
	struct config_pass *cp = userdata;

	parse_line(cp->idx, line, cp->p);
	return 0;
}

/* Reads the config file at fd (gzip or plain; takes the fd) in one pass: inflated straight into
 * a window of READ_LINES_WINDOW bytes (zlib reads /proc/config.gz, some 60 KB, at once), split
 * there; a longer line is skipped whole. Memory is the window's, whatever the file's size.
 * Returns 0 or -errno: -EBADMSG for a corrupt gzip stream, -EFBIG past KCONFIG_MAX, -ENODATA for
 * a file without a single CONFIG_ line (empty, truncated to its header, or not a config). */
static int parse_config(const struct kconfig_index *idx, int fd, struct kconfig_parse *p)
{
	gzFile gz = gzdopen(fd, "rb");
	struct config_pass cp = { idx, p };
	struct line_source src = { .read = gz_source_read, .src = gz, .max = KCONFIG_MAX,
				   .max_line = READ_LINES_WINDOW };
	int r;

	if (!gz) {
		close(fd);
		return -ENOMEM;
	}
	gzbuffer(gz, READ_LINES_WINDOW);
	memset(p->value, 'n', sizeof(p->value));
	r = read_lines_from(&src, config_line, &cp);
	if (!r)
		r = gz_errno(gz);
	if (!r && !p->n_options)
		r = -ENODATA;
	gzclose(gz);
	return r;
}

/* /boot/config-<release> of the newest release under /boot, for a tree whose running kernel is
 * not known (an image). Returns 0 and *ret_path, or -errno. */
static int newest_boot_config(const struct host *h, char **ret_path)
{
	_cleanup_free_ char *best = NULL;
	struct kver best_v = { 0 };
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;
	int r = host_opendir(h, "/boot", &d);

	if (r < 0)
		return r;
	while ((r = host_readdir(d, &de)) > 0) {
		const char *rel = startswith(de->d_name, "config-");
		struct kver v;

		if (!rel || kver_parse(rel, &v) < 0 || (best && kver_cmp(&v, &best_v) <= 0))
			continue;
		free(best);
		best = strdup_printf("/boot/%s", de->d_name);
		if (!best)
			return -ENOMEM;
		best_v = v;
	}
	/* A listing that failed part-way may have missed the newest. */
	if (r < 0)
		return r;
	if (!best)
		return -ENOENT;
	*ret_path = TAKE_PTR(best);
	return 0;
}

/* Opens the first config found (kubernetes system-validators' order). Returns the fd and
 * *ret_path, or -errno: the first error other than ENOENT (*ret_path the file it is about),
 * else -ENOENT. */
static int open_config(const struct host *h, const char *release, char **ret_path)
{
	static const struct {
		const char *head, *tail; /* around the release; NULL head: no release */
	} paths[] = {
		{ "/proc/config.gz", NULL },
		{ "/boot/config-", "" },
		{ "/lib/modules/", "/build/.config" },
		{ "/usr/lib/modules/", "/config" },
		{ "/usr/src/linux-headers-", "/.config" },
	};
	_cleanup_free_ char *err_path = NULL;
	int err = -ENOENT, fd;

	for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
		_cleanup_free_ char *p = NULL;

		if (paths[i].tail && !release)
			continue;
		p = paths[i].tail ? strdup_printf("%s%s%s", paths[i].head, release, paths[i].tail)
				  : strdup(paths[i].head);
		if (!p)
			return -ENOMEM;
		fd = host_openat(h, p, O_RDONLY);
		if (fd >= 0) {
			*ret_path = TAKE_PTR(p);
			return fd;
		}
		if (err == -ENOENT && fd != -ENOENT) {
			err = fd;
			err_path = TAKE_PTR(p);
		}
	}
	if (err == -ENOENT && !release) {
		err = newest_boot_config(h, &err_path);
		if (err < 0 && err != -ENOENT)
			err_path = strdup("/boot");
		else if (err == 0 && (err = host_openat(h, err_path, O_RDONLY)) >= 0) {
			*ret_path = TAKE_PTR(err_path);
			return err;
		}
	}
	*ret_path = TAKE_PTR(err_path);
	return err;
}

/*
 * kconfig.source: the config file read (or why none could be); kconfig.version: the version its
 * header names (null without one); kconfig.<OPTION>: y, m or n for each option of the table.
 */
int kconfig_record(int fd, const char *path, struct facts *f)
{
	struct kconfig_index idx;
	struct kconfig_parse p = { 0 };
	int r;

	for (size_t i = 0; i < N_RECORDED; i++)
		idx.by_name[i] = (unsigned short)i;
	qsort(idx.by_name, N_RECORDED, sizeof(idx.by_name[0]), cmp_index);
	r = parse_config(&idx, fd, &p);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return facts_set_err(f, "kconfig.source", path, -r);
	if (facts_set(f, "kconfig.source", path, path) < 0 ||
	    facts_set(f, "kconfig.version", path, p.version[0] ? p.version : NULL) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < N_RECORDED; i++) {
		const char v[2] = { p.value[i], '\0' };

		if (facts_setf(f, path, v, "kconfig.%s", recorded_name(i)) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int probe_kconfig(const struct host *h, const struct config *cfg _unused_, struct facts *f)
{
	const struct fact *rel = facts_get(f, "kernel.release");
	_cleanup_free_ char *path = NULL;
	int fd;

	fd = open_config(h, rel && rel->value ? rel->value : NULL, &path);
	if (fd == -ENOMEM)
		return fd;
	if (fd < 0)
		return facts_set_err(f, "kconfig.source", path ? path : KCONFIG_PATHS, -fd);
	return kconfig_record(fd, path, f);
}

static bool is_set(const struct fact *fa)
{
	return fa && fa->value && (streq(fa->value, "y") || streq(fa->value, "m"));
}

/*
 * The kernel the config is for: the version its header names, else the release. Adds a line of
 * evidence when the two differ (a --root audit reading another kernel's config). Returns 1 and
 * *ret when known, 0 when not, -ENOMEM.
 */
static int config_kernel(const struct facts *f, struct result *r, struct kver *ret)
{
	const struct fact *ver = facts_get(f, "kconfig.version");
	const struct fact *rel = facts_get(f, "kernel.release");
	struct kver cv, rv;
	bool have_cv = ver && ver->value && kver_parse(ver->value, &cv) == 0;
	bool have_rv = rel && rel->value && kver_parse(rel->value, &rv) == 0;

	if (have_cv && (!have_rv || cv.major != rv.major || cv.minor != rv.minor)) {
		_cleanup_free_ char *s = strdup_printf(
			"config is for Linux %s (its header), not the running kernel %s", ver->value,
			have_rv ? rel->value : "(unknown)");

		if (!s || result_evidence(r, ver->source, s, 0) < 0)
			return -ENOMEM;
	}
	if (have_cv || have_rv)
		*ret = have_cv ? cv : rv;
	return have_cv || have_rv;
}

static bool in_range(enum kconfig_range range, const struct kver *v)
{
	const struct kver *since = &ranges[range].since, *before = &ranges[range].before;
	const struct kver zero = { 0 };

	return kver_cmp(v, since) >= 0 && (kver_cmp(before, &zero) == 0 || kver_cmp(v, before) < 0);
}

static int rule_kconfig(const struct check *c, const struct facts *f,
			const struct config *cfg _unused_, struct result *r)
{
	const struct kconfig_option *o = c->data;
	const struct fact *src, *val;
	struct kver v;
	int ret;

	ret = result_need(r, f, "kconfig.source", &src);
	if (ret <= 0)
		return ret;
	ret = result_needf(r, f, &val, "kconfig.%s", o->name);
	if (ret <= 0)
		return ret;
	result_evidence_fact(r, val);
	result_observed(r, "%s", val->value);
	ret = config_kernel(f, r, &v);
	if (ret < 0)
		return ret;
	if (ret > 0 && !in_range(o->range, &v)) {
		result_expected(r, "not applicable");
		return result_set(r, STATUS_SKIP, "CONFIG_%s does not apply to kernel %u.%u", o->name,
				  v.major, v.minor);
	}
	result_expected(r, "y or m");
	if (is_set(val))
		return result_set(r, STATUS_PASS, "CONFIG_%s=%s", o->name, val->value);
	if (o->unless) {
		const struct fact *alt = facts_getf(f, "kconfig.%s", o->unless);

		if (is_set(alt)) {
			result_evidence_fact(r, alt);
			return result_set(r, STATUS_PASS, "CONFIG_%s is not set, and not needed: "
							  "CONFIG_%s=%s",
					  o->name, o->unless, alt->value);
		}
	}
	result_remediation(r, "use a kernel built with CONFIG_%s=y (or =m)", o->name);
	return result_set(r, o->missing, "CONFIG_%s is not set in %s", o->name, src->value);
}

#define KCONFIG_EVIDENCE                                                                           \
	"the first of " KCONFIG_PATHS " (without a release: the newest /boot/config-*); its "     \
	"header names the kernel it is for"
#define RULE_TEXT_FAIL "FAIL"
#define RULE_TEXT_WARN "WARN"

#define KCONFIG_CHECK(opt, lvl, who, range, unless)                                               \
	{                                                                                          \
		.id = "kernel.config." #opt,                                                       \
		.title = "Kernel option CONFIG_" #opt,                                             \
		.probes = { probe_uname, probe_kconfig },                                          \
		.rule = rule_kconfig,                                                              \
		.data = &kconfig_options[KC_##opt],                                                \
		.evidence = KCONFIG_EVIDENCE,                                                      \
		.rule_text = "CONFIG_" #opt "=y or =m PASS; not set or absent " RULE_TEXT_##lvl    \
			RANGE_TEXT_##range UNLESS_TEXT_##unless "; no config found, or one without "    \
			"CONFIG_ lines, UNKNOWN",                                                  \
		.why = WHY_##who,                                                                  \
		.fix = "use a kernel built with CONFIG_" #opt "=y (or =m)",                        \
		.source = SOURCE_##who,                                                            \
		.docs = DOCS_##who,                                                                \
	},

const struct check checks_kconfig[] = {
	KCONFIG_OPTIONS(KCONFIG_CHECK) CHECKS_END,
};
