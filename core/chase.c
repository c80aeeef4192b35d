/* SPDX-License-Identifier: MIT */
#include "chase.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* The kernel's MAXSYMLINKS. */
#define CHASE_SYMLINKS_MAX 40
/* Directories below the root a walk may be in at once: a PATH_MAX path of one-letter names. */
#define CHASE_DEPTH_MAX (PATH_MAX / 2)

/* The directories walked through, root first: ".." goes back one. */
struct walk {
	int fd[CHASE_DEPTH_MAX + 1];
	size_t depth; /* fd[0] is the root, not owned */
	unsigned links;
	char *todo; /* what is left to resolve */
};

static int walk_cur(const struct walk *w)
{
	return w->fd[w->depth];
}

static void walk_up(struct walk *w, size_t to)
{
	while (w->depth > to)
		close(w->fd[w->depth--]);
}

static int walk_push(struct walk *w, int fd)
{
	if (w->depth == CHASE_DEPTH_MAX) {
		close(fd);
		return -ENAMETOOLONG;
	}
	w->fd[++w->depth] = fd;
	return 0;
}

/* Replaces the component name (in the current directory) by the symlink's target, followed by
 * rest: todo becomes "<target><rest>". Returns 1 (the walk goes on at todo) or -errno. */
static int walk_follow(struct walk *w, const char *name, const char *rest)
{
	char target[PATH_MAX];
	ssize_t n;
	char *todo;

	if (++w->links > CHASE_SYMLINKS_MAX)
		return -ELOOP;
	n = readlinkat(walk_cur(w), name, target, sizeof(target));
	if (n < 0)
		return -errno;
	if ((size_t)n == sizeof(target))
		return -ENAMETOOLONG;
	target[n] = '\0';
	if (target[0] == '/')
		walk_up(w, 0);
	todo = strdup_printf("%s%s", target, rest);
	if (!todo)
		return -ENOMEM;
	free(w->todo);
	w->todo = todo;
	return 1;
}

/* Whether name in the current directory is a symlink to follow. */
static int is_symlink(const struct walk *w, const char *name)
{
	struct stat st;

	if (fstatat(walk_cur(w), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	return S_ISLNK(st.st_mode);
}

/* Walks into the directory name, or follows the symlink name. Returns 0, 1 when todo was
 * replaced, or -errno. */
static int walk_step(struct walk *w, const char *name, const char *rest)
{
	int fd, r;
	struct stat st;

	if (streq(name, "."))
		return 0;
	if (streq(name, "..")) {
		walk_up(w, w->depth ? w->depth - 1 : 0);
		return 0;
	}
	fd = openat(walk_cur(w), name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (S_ISLNK(st.st_mode)) {
		close(fd);
		return walk_follow(w, name, rest);
	}
	if (!S_ISDIR(st.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	return walk_push(w, fd);
}

/* Opens the last component: returns 0 and *ret_fd, 1 when it was a symlink now followed (todo
 * replaced), or -errno. */
static int walk_last(struct walk *w, const char *name, int flags, mode_t mode, int *ret_fd)
{
	bool follow = !(flags & O_NOFOLLOW) && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
	int fd, r;

	if (streq(name, ".."))
		walk_up(w, w->depth ? w->depth - 1 : 0);
	if (streq(name, ".") || streq(name, ".."))
		name = ".";
	else if (follow) {
		r = is_symlink(w, name);
		if (r < 0)
			return r;
		if (r > 0)
			return walk_follow(w, name, "");
	}
	/* O_NOFOLLOW: a symlink planted between the check and here is refused, not followed. */
	fd = openat(walk_cur(w), name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

int chase_openat(int root_fd, const char *path, int flags, mode_t mode)
{
	struct walk w = { .fd = { root_fd }, .todo = strdup(path) };
	const char *p = w.todo;
	int r, fd = -1;

	if (!w.todo)
		return -ENOMEM;
	do {
		char name[NAME_MAX + 1];
		const char *end;
		size_t len;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len > NAME_MAX) {
			r = -ENAMETOOLONG;
			break;
		}
		/* Nothing left, or only slashes: the directory reached is the one opened. */
		memcpy(name, len ? p : ".", len ? len : 1);
		name[len ? len : 1] = '\0';
		r = *end ? walk_step(&w, name, end) : walk_last(&w, name, flags, mode, &fd);
		p = r == 1 ? w.todo : end;
	} while (r > 0 || (r == 0 && fd < 0));
	walk_up(&w, 0);
	free(w.todo);
	return r < 0 ? r : fd;
}

/* How often openat2 is tried again after EAGAIN: a race needs a mount or rename in the few
 * instructions around a "..", so a second try nearly always succeeds. */
#define OPENAT2_TRIES 32

int openat2_retry(int dfd, const char *path, const struct open_how *how)
{
	int fd = -1;

	for (unsigned i = 0; i < OPENAT2_TRIES; i++) {
		fd = (int)syscall(SYS_openat2, dfd, path, how, sizeof(*how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd < 0 ? -errno : fd;
}
