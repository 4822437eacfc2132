/* dmaviz: the driver host's cage (cage.h, docs/driver-sdk.md "The cage"). */
#define _GNU_SOURCE
#include "cage.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Landlock (Linux 5.13 and later, for any user): a ruleset that handles every file-system
 * right the kernel knows and grants none, so no path can be opened, made or changed. Files
 * already open stay usable: the module comes in as a memfd. */
static bool hide_files(char *why, size_t size)
{
#ifdef SYS_landlock_create_ruleset
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		snprintf(why, size, "Landlock is not available (%s)", strerror(errno));
		return false;
	}
	/* ABI 1 knows 13 rights; 2 adds REFER, 3 TRUNCATE, 5 IOCTL_DEV (4 is about networks). */
	unsigned bits = abi >= 5 ? 16 : abi >= 3 ? 15 : abi >= 2 ? 14 : 13;
	struct landlock_ruleset_attr ra = { .handled_access_fs = (1ull << bits) - 1 };
	int fd = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof ra, 0);
	if (fd < 0 || syscall(SYS_landlock_restrict_self, fd, 0) != 0) {
		snprintf(why, size, "Landlock refused the ruleset (%s)", strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	close(fd);
	return true;
#else
	snprintf(why, size, "this build has no Landlock");
	return false;
#endif
}

/* What loading a module and running a driver need; everything else traps (SIGSYS, which the
 * host reports with the call's number and the driver's line). */
static const int allowed[] = {
	SCMP_SYS(read),
	SCMP_SYS(write),
	SCMP_SYS(pread64),
	SCMP_SYS(readv),
	SCMP_SYS(writev),
	SCMP_SYS(lseek),
	SCMP_SYS(close),
	SCMP_SYS(fstat),
	SCMP_SYS(newfstatat),
	SCMP_SYS(statx),
	SCMP_SYS(mmap),
	SCMP_SYS(munmap),
	SCMP_SYS(mprotect),
	SCMP_SYS(mremap),
	SCMP_SYS(madvise),
	SCMP_SYS(brk),
	SCMP_SYS(futex),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
	SCMP_SYS(rt_sigaction),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(sigaltstack),
	SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep),
	SCMP_SYS(sendto),
	SCMP_SYS(recvfrom),
	SCMP_SYS(sendmsg),
	SCMP_SYS(recvmsg),
	SCMP_SYS(getrandom),
	SCMP_SYS(fcntl),
	SCMP_SYS(getuid),
	SCMP_SYS(geteuid),
	SCMP_SYS(getgid),
	SCMP_SYS(getegid),
	SCMP_SYS(sched_yield),
	SCMP_SYS(getcwd),
	SCMP_SYS(readlink),
	SCMP_SYS(readlinkat),
	SCMP_SYS(access),
	SCMP_SYS(faccessat),
	SCMP_SYS(faccessat2),
	SCMP_SYS(rseq),
	SCMP_SYS(set_robust_list),
	/* the second filter's loading: a filter only ever narrows what is allowed */
	SCMP_SYS(seccomp),
};

static bool load_filter(scmp_filter_ctx f, const char *what, char *why, size_t size)
{
	int rc = seccomp_load(f);
	seccomp_release(f);
	if (rc != 0)
		snprintf(why, size, "seccomp refused the %s filter (%s)", what, strerror(-rc));
	return rc == 0;
}

static bool allow_list(char *why, size_t size)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_TRAP);
	if (!f) {
		snprintf(why, size, "libseccomp could not start a filter");
		return false;
	}
	int rc = 0;
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, allowed[i], 0);
	/* Opening only for reading (Landlock hides the files anyway), signals only to itself
	 * (abort() is tgkill(getpid(), ...)). */
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
	                       SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT | O_TRUNC, 0));
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(open), 1,
	                       SCMP_A1(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT | O_TRUNC, 0));
	scmp_datum_t self = (scmp_datum_t)getpid();
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, SCMP_A0(SCMP_CMP_EQ, self));
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, SCMP_A0(SCMP_CMP_EQ, self));
	if (rc != 0) {
		seccomp_release(f);
		snprintf(why, size, "libseccomp refused a rule of the allow-list");
		return false;
	}
	return load_filter(f, "allow-list", why, size);
}

bool dv_cage_for_loading(char *why, size_t size)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(why, size, "PR_SET_NO_NEW_PRIVS failed (%s)", strerror(errno));
		return false;
	}
	return hide_files(why, size) && allow_list(why, size);
}

bool dv_cage_for_running(char *why, size_t size)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
	if (!f) {
		snprintf(why, size, "libseccomp could not start a filter");
		return false;
	}
	/* no new privileges is set already, and prctl is not on the allow-list */
	int rc = seccomp_attr_set(f, SCMP_FLTATR_CTL_NNP, 0);
	rc |= seccomp_rule_add(f, SCMP_ACT_TRAP, SCMP_SYS(mmap), 1,
	                       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
	rc |= seccomp_rule_add(f, SCMP_ACT_TRAP, SCMP_SYS(mprotect), 1,
	                       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
	rc |= seccomp_rule_add(f, SCMP_ACT_TRAP, SCMP_SYS(openat), 0);
	rc |= seccomp_rule_add(f, SCMP_ACT_TRAP, SCMP_SYS(open), 0);
	if (rc != 0) {
		seccomp_release(f);
		snprintf(why, size, "libseccomp refused a rule of the running filter");
		return false;
	}
	return load_filter(f, "running", why, size);
}
