/* SPDX-License-Identifier: MIT */
/*
 * fuse-eio MOUNTPOINT ENTRY... -- COMMAND [ARG...]
 *
 * A directory whose listing fails part-way, as a failing disk's would: mounts, in a new mount
 * namespace, a FUSE file system at MOUNTPOINT whose root lists the first half of the ENTRYs and
 * then fails with EIO, runs COMMAND in that namespace and exits with its status. The kernel's
 * own FUSE, spoken to directly through /dev/fuse (no libfuse).
 *
 * An ENTRY is NAME (an empty regular file), NAME=FILE (a regular file with FILE's content) or
 * b:NAME (a block device). Every entry can be looked up, opened and read: only the listing fails.
 * COMMAND is an absolute path. Needs root. Exits 77 when FUSE is not available.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#define ENTRIES_MAX 64
#define CONTENT_MAX (1024 * 1024)

struct entry {
	const char *name;
	char *data;
	size_t len;
	mode_t mode;
};

static struct entry entries[ENTRIES_MAX];
static size_t n_entries;

static void die(const char *what)
{
	fprintf(stderr, "fuse-eio: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int reply(int fd, const struct fuse_in_header *in, int error, const void *data, size_t len)
{
	struct fuse_out_header out = { .len = (uint32_t)(sizeof(out) + (error ? 0 : len)),
				       .error = error,
				       .unique = in->unique };
	char buf[sizeof(out) + 65536];

	if (error)
		len = 0;
	if (len > sizeof(buf) - sizeof(out))
		len = sizeof(buf) - sizeof(out);
	memcpy(buf, &out, sizeof(out));
	if (len) /* data may be NULL then */
		memcpy(buf + sizeof(out), data, len);
	return write(fd, buf, sizeof(out) + len) < 0 ? -errno : 0;
}

static void attr_of(uint64_t nodeid, struct fuse_attr *a)
{
	*a = (struct fuse_attr){ .ino = nodeid, .nlink = 1, .blksize = 4096 };
	if (nodeid == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
		return;
	}
	a->mode = entries[nodeid - 2].mode;
	a->size = entries[nodeid - 2].len;
	if (S_ISBLK(a->mode))
		a->rdev = (uint32_t)makedev(7, 255);
}

static const struct entry *node(uint64_t nodeid)
{
	return nodeid >= 2 && nodeid - 2 < n_entries ? &entries[nodeid - 2] : NULL;
}

/* The root's entries from offset on, but only those of the first half: past it, EIO. */
static void readdir_reply(int fd, const struct fuse_in_header *in, const struct fuse_read_in *rd)
{
	char buf[65536];
	size_t len = 0, half = (n_entries + 1) / 2;

	if (rd->offset >= half) {
		reply(fd, in, -EIO, NULL, 0);
		return;
	}
	for (size_t i = rd->offset; i < half; i++) {
		size_t namelen = strlen(entries[i].name);
		struct fuse_dirent *de = (struct fuse_dirent *)(buf + len);

		if (len + FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + namelen) > rd->size)
			break;
		de->ino = i + 2;
		de->off = i + 1;
		de->namelen = (uint32_t)namelen;
		de->type = S_ISBLK(entries[i].mode) ? DT_BLK : DT_REG;
		memcpy(de->name, entries[i].name, namelen);
		memset(de->name + namelen, 0, FUSE_DIRENT_SIZE(de) - FUSE_NAME_OFFSET - namelen);
		len += FUSE_DIRENT_SIZE(de);
	}
	reply(fd, in, 0, buf, len);
}

static void serve_one(int fd, const struct fuse_in_header *in, const void *arg)
{
	switch (in->opcode) {
	case FUSE_INIT: {
		struct fuse_init_out out = { .major = FUSE_KERNEL_VERSION,
					     .minor = FUSE_KERNEL_MINOR_VERSION,
					     .max_write = 4096,
					     .time_gran = 1 };

		reply(fd, in, 0, &out, sizeof(out));
		return;
	}
	case FUSE_LOOKUP: {
		struct fuse_entry_out out = { 0 };

		for (size_t i = 0; in->nodeid == FUSE_ROOT_ID && i < n_entries; i++)
			if (strcmp(arg, entries[i].name) == 0) {
				out.nodeid = i + 2;
				attr_of(out.nodeid, &out.attr);
				reply(fd, in, 0, &out, sizeof(out));
				return;
			}
		reply(fd, in, -ENOENT, NULL, 0);
		return;
	}
	case FUSE_GETATTR: {
		struct fuse_attr_out out = { 0 };

		if (in->nodeid != FUSE_ROOT_ID && !node(in->nodeid)) {
			reply(fd, in, -ENOENT, NULL, 0);
			return;
		}
		attr_of(in->nodeid, &out.attr);
		reply(fd, in, 0, &out, sizeof(out));
		return;
	}
	case FUSE_OPEN:
	case FUSE_OPENDIR: {
		struct fuse_open_out out = { 0 };

		reply(fd, in, 0, &out, sizeof(out));
		return;
	}
	case FUSE_READ: {
		const struct fuse_read_in *rd = arg;
		const struct entry *e = node(in->nodeid);
		size_t off = e && rd->offset < e->len ? rd->offset : 0;
		size_t len = e && rd->offset < e->len ? e->len - off : 0;

		reply(fd, in, 0, e ? e->data + off : NULL, len < rd->size ? len : rd->size);
		return;
	}
	case FUSE_READDIR:
		readdir_reply(fd, in, arg);
		return;
	case FUSE_STATFS: {
		struct fuse_statfs_out out = { .st = { .bsize = 4096, .namelen = 255 } };

		reply(fd, in, 0, &out, sizeof(out));
		return;
	}
	case FUSE_RELEASE:
	case FUSE_RELEASEDIR:
	case FUSE_FLUSH:
		reply(fd, in, 0, NULL, 0);
		return;
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_INTERRUPT:
		return; /* no answer expected */
	default:
		reply(fd, in, -ENOSYS, NULL, 0);
	}
}

static void serve(int fd)
{
	static char buf[FUSE_MIN_READ_BUFFER + 65536];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (size_t)n < sizeof(struct fuse_in_header))
			_exit(0); /* ENODEV: unmounted */
		serve_one(fd, (const struct fuse_in_header *)buf, buf + sizeof(struct fuse_in_header));
	}
}

static void add_entry(const char *spec)
{
	struct entry *e = &entries[n_entries++];
	char *eq = strchr(spec, '=');

	e->mode = S_IFREG | 0644;
	if (strncmp(spec, "b:", 2) == 0) {
		e->mode = S_IFBLK | 0660;
		spec += 2;
	}
	e->name = spec;
	if (!eq)
		return;
	*eq = '\0';
	{
		FILE *f = fopen(eq + 1, "re");

		if (!f)
			die(eq + 1);
		e->data = malloc(CONTENT_MAX);
		if (!e->data)
			die("malloc");
		e->len = fread(e->data, 1, CONTENT_MAX, f);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	char opts[128];
	pid_t server, child;
	int fd, i, status;

	if (argc < 4) {
		fprintf(stderr, "usage: fuse-eio MOUNTPOINT ENTRY... -- COMMAND [ARG...]\n");
		return 2;
	}
	for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (n_entries == ENTRIES_MAX) {
			fprintf(stderr, "fuse-eio: at most %d entries\n", ENTRIES_MAX);
			return 2;
		}
		add_entry(argv[i]);
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "fuse-eio: no command after --\n");
		return 2;
	}
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "fuse-eio: /dev/fuse: %s\n", strerror(errno));
		return 77;
	}
	if (unshare(CLONE_NEWNS) < 0)
		die("unshare");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private");
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", fd);
	if (mount("fuse-eio", argv[1], "fuse", MS_NOSUID | MS_NODEV, opts) < 0) {
		fprintf(stderr, "fuse-eio: mount '%s': %s\n", argv[1], strerror(errno));
		return errno == ENODEV ? 77 : 1;
	}
	server = fork();
	if (server < 0)
		die("fork");
	if (server == 0)
		serve(fd);
	close(fd);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		execv(argv[i + 1], argv + i + 1);
		fprintf(stderr, "fuse-eio: %s: %s\n", argv[i + 1], strerror(errno));
		_exit(127);
	}
	if (waitpid(child, &status, 0) < 0)
		die("waitpid");
	umount2(argv[1], MNT_DETACH);
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
