/* SPDX-License-Identifier: MIT */
/*
 * no-openat2 ENOSYS|EPERM COMMAND [ARG...]
 *
 * Runs COMMAND (an absolute path) with openat2(2) answered by the given errno, as a kernel
 * before 5.6 (ENOSYS) or an older container runtime's seccomp profile (ENOSYS or EPERM) answers
 * it: a seccomp filter, inherited by every child, installed before the exec.
 *
 * Compiled with -DNO_OPENAT2_INIT=ENOSYS (or EPERM) it has no main(): linked into a program, it
 * installs the filter before that program's main() runs. The Makefile's build/no-openat2/
 * programs are built so: the program itself, not a wrapper that execs it, so a test that runs
 * one as another user (setpriv) needs nothing the program itself does not.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "no-openat2: unknown architecture"
#endif

static int refuse_openat2(unsigned err)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(filter) / sizeof(filter[0]), .filter = filter };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		fprintf(stderr, "no-openat2: seccomp: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

#ifdef NO_OPENAT2_INIT
__attribute__((constructor)) static void no_openat2_init(void)
{
	if (refuse_openat2(NO_OPENAT2_INIT) < 0)
		_exit(1);
}
#else
int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "ENOSYS") != 0 && strcmp(argv[1], "EPERM") != 0)) {
		fprintf(stderr, "usage: no-openat2 ENOSYS|EPERM COMMAND [ARG...]\n");
		return 2;
	}
	if (refuse_openat2(strcmp(argv[1], "ENOSYS") == 0 ? ENOSYS : EPERM) < 0)
		return 1;
	execv(argv[2], argv + 2);
	fprintf(stderr, "no-openat2: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
#endif
