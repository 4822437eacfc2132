/* dmaviz: a child process under limits, and how it ended (isolate.h). */
#define _GNU_SOURCE
#include "isolate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <poll.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define DV_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DV_ASAN 1
#endif
#endif
#ifndef DV_ASAN
#define DV_ASAN 0
#endif

#if DV_ASAN
/* LeakSanitizer asks this before its check at exit. A child that ends through exit() (the
 * code under test calling it) is a copy of the grader's memory, and its cage refuses the
 * /proc/self/maps the check reads: the check would fail and abort, turning an exit into a
 * crash. The child turns it off; the grader keeps it. */
static volatile int lsan_off;
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
	return lsan_off;
}
#endif

const char *dv_signal_name(int sig, char *buf, size_t size)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = {
		{ SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" },   { SIGFPE, "SIGFPE" },
		{ SIGILL, "SIGILL" },   { SIGABRT, "SIGABRT" }, { SIGXCPU, "SIGXCPU" },
		{ SIGKILL, "SIGKILL" }, { SIGTERM, "SIGTERM" }, { SIGPIPE, "SIGPIPE" },
		{ SIGTRAP, "SIGTRAP" }, { SIGSYS, "SIGSYS" },   { SIGALRM, "SIGALRM" },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].sig == sig)
			return names[i].name;
	snprintf(buf, size, "signal %d", sig);
	return buf;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct dv_iso_limits with_defaults(const struct dv_iso_limits *limits)
{
	struct dv_iso_limits lim = *limits;
	if (!lim.cpu_seconds)
		lim.cpu_seconds = 2;
	if (!lim.as_bytes)
		lim.as_bytes = (size_t)512 << 20;
	if (!lim.wall_seconds)
		lim.wall_seconds = 5 * lim.cpu_seconds + 5;
	if (!lim.output_cap)
		lim.output_cap = 64 << 10;
	return lim;
}

void dv_iso_apply_limits(const struct dv_iso_limits *limits)
{
	struct dv_iso_limits lim = with_defaults(limits);
	/* No core files from learners' crashes. */
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);
	rl.rlim_cur = lim.cpu_seconds;
	rl.rlim_max = lim.cpu_seconds + 1; /* SIGXCPU at the soft limit, SIGKILL one second on */
	setrlimit(RLIMIT_CPU, &rl);
	if (!DV_ASAN) { /* AddressSanitizer reserves terabytes of address space for its shadow */
		rl.rlim_cur = rl.rlim_max = lim.as_bytes;
		setrlimit(RLIMIT_AS, &rl);
	}
}

/* ---- the cage (Landlock, no library: three system calls) ---------------------------------- */

/* The kernel's struct landlock_ruleset_attr as of ABI 6 (linux/landlock.h, Linux 6.12): the
 * distribution's header may predate the network and scope fields. The size passed to the
 * kernel says which fields an older kernel reads. */
struct cage_attr {
	unsigned long long handled_access_fs, handled_access_net, scoped;
};
enum {
	CAGE_FS_TRUNCATE = 1 << 14, /* ABI 3 */
	CAGE_NET_BIND_TCP = 1 << 0, /* ABI 4 */
	CAGE_NET_CONNECT_TCP = 1 << 1,
	CAGE_SCOPE_ABSTRACT_UNIX = 1 << 0, /* ABI 6 */
	CAGE_SCOPE_SIGNAL = 1 << 1,
};

static bool cage_rule(int ruleset, const char *path, unsigned long long access)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT; /* a system without /lib64 */
	struct stat sb;
	if (fstat(fd, &sb) == 0 && !S_ISDIR(sb.st_mode))
		access &= LANDLOCK_ACCESS_FS_READ_FILE |
		          LANDLOCK_ACCESS_FS_EXECUTE; /* file rights only */
	struct landlock_path_beneath_attr pb = { .allowed_access = access, .parent_fd = fd };
	bool ok = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) == 0;
	close(fd);
	return ok;
}

/* Every file-system right the kernel's Landlock ABI knows is handled (so denied unless a rule
 * grants it); reading is granted on the system's directories (the loader, libc's data) and
 * on the readable files. Nothing may be written, removed, renamed or created, and only `runnable` run. From
 * ABI 4 TCP bind and connect are denied; from ABI 6 signals and abstract Unix sockets stay
 * inside the cage (the child cannot kill the grader). */
static bool cage(const char *const *readable, const char *const *runnable)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return false;
	struct cage_attr attr;
	memset(&attr, 0, sizeof attr);
	attr.handled_access_fs = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= CAGE_FS_TRUNCATE;
	size_t size = offsetof(struct cage_attr, handled_access_net);
	if (abi >= 4) {
		attr.handled_access_net = CAGE_NET_BIND_TCP | CAGE_NET_CONNECT_TCP;
		size = offsetof(struct cage_attr, scoped);
	}
	if (abi >= 6) {
		attr.scoped = CAGE_SCOPE_ABSTRACT_UNIX | CAGE_SCOPE_SIGNAL;
		size = sizeof attr;
	}
	int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (rs < 0)
		return false;
	static const char *const system_dirs[] = { "/usr", "/lib", "/lib32", "/lib64", "/etc" };
	const unsigned long long read = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	bool ok = true;
	for (size_t i = 0; i < sizeof system_dirs / sizeof system_dirs[0]; i++)
		ok = cage_rule(rs, system_dirs[i], read) && ok;
	for (size_t i = 0; readable && readable[i]; i++)
		ok = cage_rule(rs, readable[i], read) && ok;
	/* A runnable file (the driver host) also needs its ELF interpreter, which the kernel opens
	 * for execution too: the library directories are mapped executable, nothing else is. */
	static const char *const lib_dirs[] = { "/lib", "/lib32", "/lib64", "/usr/lib" };
	const unsigned long long run = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_EXECUTE;
	for (size_t i = 0; runnable && runnable[0] && i < sizeof lib_dirs / sizeof lib_dirs[0]; i++)
		ok = cage_rule(rs, lib_dirs[i], read | run) && ok;
	for (size_t i = 0; runnable && runnable[i]; i++)
		ok = cage_rule(rs, runnable[i], run) && ok;
	ok = ok && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
	     syscall(SYS_landlock_restrict_self, rs, 0) == 0;
	close(rs);
	return ok;
}

/* ---- the child ------------------------------------------------------------------------------ */

enum { REPORT_FD = 3, CAGED_FD = 4 };

static void child_setup(const struct dv_iso_limits *lim, int report, int printed, int caged)
{
	/* A crash must end the child with its signal, whatever handlers the sanitizers put in. */
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGXCPU, SIGPIPE };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
#if DV_ASAN
	lsan_off = 1;
#endif
	setpgid(0, 0);
	/* Out of the terminal's process group, Ctrl-C reaches the grader only: the child dies
	 * with its parent instead (and at once if the parent is already gone). */
	pid_t parent = getppid();
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent)
		_exit(125);
	/* stdin empty, stdout and stderr into the capture pipe, the report on fd 3 and nothing
	 * else of the parent's (another submission's pipe, a report file). Out of the way
	 * first, so that no dup2 below overwrites one of them. */
	report = fcntl(report, F_DUPFD, 10);
	printed = fcntl(printed, F_DUPFD, 10);
	caged = fcntl(caged, F_DUPFD, 10);
	int null = open("/dev/null", O_RDONLY);
	if (null >= 0)
		dup2(null, 0);
	dup2(printed, 1);
	dup2(printed, 2);
	dup2(report, REPORT_FD);
	dup2(caged, CAGED_FD);
	syscall(SYS_close_range, CAGED_FD + 1, ~0U, 0);
	dv_iso_apply_limits(lim);
	char ok = cage(lim->readable, lim->runnable);
	ssize_t w = write(CAGED_FD, &ok, 1);
	(void)w;
	close(CAGED_FD);
}

/* The child's last line on the report channel when fn returned: "\nR <code>\n". */
static void child_main(int (*fn)(void *, int), void *ctx, const struct dv_iso_limits *lim,
                       const int fds[3])
{
	child_setup(lim, fds[0], fds[1], fds[2]);
	int rc = fn(ctx, REPORT_FD);
	char end[32];
	int n = snprintf(end, sizeof end, "\nR %d\n", rc & 0xFF);
	ssize_t w = write(REPORT_FD, end, (size_t)n);
	(void)w;
	_exit(rc & 0xFF);
}

/* ---- leftovers ------------------------------------------------------------------------------ */

/* Whether pid (a child of ours) is still running, not a zombie waiting to be reaped. */
static bool child_running(const char *pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t r = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[r > 0 ? r : 0] = 0;
	char *paren = strrchr(buf, ')'); /* the command name may hold spaces and ')' */
	char state = 0;
	return paren && sscanf(paren + 1, " %c", &state) == 1 && state != 'Z' && state != 'X';
}

/* Adds the pids of one thread's children file ("PID PID ...") to v, at most max in all; false
 * when the file cannot be read (a kernel without CONFIG_PROC_CHILDREN). */
static bool add_children(const char *tid, pid_t *v, bool *running, size_t *n, size_t max)
{
	char path[300], pid[16];
	snprintf(path, sizeof path, "/proc/self/task/%s/children", tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	while (*n < max && fscanf(f, "%15s", pid) == 1) {
		if (running)
			running[*n] = child_running(pid);
		v[(*n)++] = (pid_t)atoi(pid);
	}
	fclose(f);
	return true;
}

/* The children of this process by their ppid in every /proc/PID/stat: hundreds of opens. */
static size_t scan_proc(pid_t *v, bool *running, size_t max)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	pid_t me = getpid();
	size_t n = 0;
	struct dirent *e;
	while (n < max && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t r = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = 0;
		char *paren = strrchr(buf, ')'); /* the command name may hold spaces and ')' */
		int ppid = 0;
		char state = 0;
		if (!paren || sscanf(paren + 1, " %c %d", &state, &ppid) != 2 || ppid != me)
			continue;
		if (running)
			running[n] = state != 'Z' && state != 'X';
		v[n++] = (pid_t)atoi(e->d_name);
	}
	closedir(d);
	return n;
}

/* The children of this process, at most max of them; running[i] (when not NULL) tells whether
 * v[i] is still running (not a zombie waiting to be reaped). Read from each thread's
 * /proc/self/task/TID/children (CONFIG_PROC_CHILDREN): a few files, where scan_proc, the
 * fallback, opens every process's stat. The kernel calls that list exact only for stopped
 * children: one that forks or dies meanwhile may be missed, so kill_leftovers reads it again
 * until nothing new is left, as it does after each kill anyway. */
static size_t my_children(pid_t *v, bool *running, size_t max)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return scan_proc(v, running, max);
	size_t n = 0;
	bool ok = true;
	struct dirent *e;
	while (ok && n < max && (e = readdir(d)))
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			ok = add_children(e->d_name, v, running, &n, max);
	closedir(d);
	return ok ? n : scan_proc(v, running, max);
}

static bool in(pid_t p, const pid_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == p)
			return true;
	return false;
}

enum { MAX_KIDS = 4096 };

/* Kills the child's process group and every child of ours that was not one before the
 * child started (keep): orphans of the child come to us, the subreaper. Killing a process
 * hands its children to us too, so this goes round until no new child is left. */
static unsigned kill_leftovers(pid_t pgid, const pid_t *keep, size_t nkeep)
{
	pid_t *v = malloc(MAX_KIDS * sizeof *v);
	bool *running = malloc(MAX_KIDS * sizeof *running);
	unsigned killed = 0;
	double give_up = now_seconds() + 10;
	for (bool more = true; v && running && more && now_seconds() < give_up;) {
		/* Count before killing: what was running when the child ended. */
		size_t n = my_children(v, running, MAX_KIDS);
		if (pgid > 0) /* never 0: that would be our own group */
			kill(-pgid, SIGKILL);
		more = false;
		for (size_t i = 0; i < n; i++) {
			if (in(v[i], keep, nkeep))
				continue;
			more = true;
			kill(v[i], SIGKILL);
			int st;
			if (waitpid(v[i], &st, 0) == v[i] && running[i])
				killed++;
		}
	}
	free(running);
	free(v);
	return killed;
}

unsigned dv_iso_kill_children(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	return kill_leftovers(0, NULL, 0);
}

/* ---- the parent ----------------------------------------------------------------------------- */

struct sink {
	char *buf;
	size_t len, cap, limit, dropped;
};

static void sink_add(struct sink *s, const char *data, size_t n)
{
	size_t take = s->len + n <= s->limit ? n : s->limit - s->len;
	s->dropped += n - take;
	if (s->buf && s->len + take + 1 > s->cap) {
		while (s->len + take + 1 > s->cap)
			s->cap *= 2;
		char *b = realloc(s->buf, s->cap);
		if (!b)
			free(s->buf);
		s->buf = b;
	}
	if (s->buf) {
		memcpy(s->buf + s->len, data, take);
		s->len += take;
		s->buf[s->len] = 0;
	}
}

/* Reads what is there now; false at end of file. */
static bool drain(int fd, struct sink *s)
{
	char buf[65536];
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r > 0) {
			sink_add(s, buf, (size_t)r);
			continue;
		}
		return r < 0 && (errno == EAGAIN || errno == EINTR);
	}
}

/* Reads both pipes until the child has ended (or the wall clock runs out) and both are at
 * end of file, or the child has ended and a leftover still holds a pipe open. */
static int watch(pid_t pid, const int rd[2], struct sink sinks[2], double deadline,
                 struct dv_iso_outcome *out, struct rusage *ru)
{
	int status = 0;
	bool open[2] = { true, true }, ended = false;
	while (!ended) {
		/* A pipe at end of file is left out (-1): it would wake poll at once, forever. */
		struct pollfd p[2] = { { open[0] ? rd[0] : -1, POLLIN, 0 },
			               { open[1] ? rd[1] : -1, POLLIN, 0 } };
		double left = deadline - now_seconds();
		if (left <= 0 && !out->wall_exceeded) {
			out->wall_exceeded = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
		/* Both at end of file: the child is exiting, its zombie due in a moment. */
		int n = poll(p, 2, !open[0] && !open[1] ? 1 : left > 0.05 ? 50 : 5);
		for (int i = 0; n > 0 && i < 2; i++)
			if (open[i] && p[i].revents)
				open[i] = drain(rd[i], &sinks[i]);
		pid_t w = wait4(pid, &status, WNOHANG, ru);
		ended = w == pid || (w < 0 && errno == ECHILD);
	}
	for (int i = 0; i < 2; i++)
		if (open[i])
			drain(rd[i], &sinks[i]);
	return status;
}

/* fn's "\nR <code>\n" at the end of the report: removed, and whether it was there. */
static bool strip_return(struct dv_iso_outcome *out)
{
	if (!out->output || out->len < 4 || out->output[out->len - 1] != '\n')
		return false;
	char *r = out->output + out->len - 2;
	while (r > out->output && *r != '\n')
		r--;
	if (r[0] != '\n' || r[1] != 'R' || r[2] != ' ')
		return false;
	out->exit_code = atoi(r + 3);
	*r = 0;
	out->len = (size_t)(r - out->output);
	return true;
}

static void classify_end(struct dv_iso_outcome *out, int status, const struct rusage *ru)
{
	out->cpu_used = (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
	                (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
	bool returned = strip_return(out);
	if (WIFEXITED(status)) {
		out->exited = true;
		out->returned = returned && out->exit_code == WEXITSTATUS(status);
		out->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		out->signal = WTERMSIG(status);
		/* The limit's signals only when the CPU time was spent: a driver that raises
		 * SIGKILL or SIGXCPU itself was killed, it did not loop. The kernel's rusage
		 * samples user and system time, and reads under the limit it enforced (1.92 s
		 * at a 2 s limit, less on a loaded machine): SIGXCPU with half the limit spent
		 * is the limit's; SIGKILL, sent at the hard limit a second later, with 80%,
		 * unless the parent sent it at the wall-clock limit. */
		double limit = out->limits.cpu_seconds;
		if ((out->signal == SIGXCPU && out->cpu_used >= 0.5 * limit) ||
		    (out->signal == SIGKILL && out->cpu_used >= 0.8 * limit && !out->wall_exceeded))
			out->cpu_exceeded = true;
	}
}

static bool start_pipes(int fds[6])
{
	for (int i = 0; i < 3; i++)
		if (pipe2(fds + 2 * i, O_CLOEXEC) != 0) {
			for (int k = 0; k < 2 * i; k++)
				close(fds[k]);
			return false;
		}
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[2], F_SETFL, O_NONBLOCK);
	return true;
}

bool dv_isolate(int (*fn)(void *ctx, int fd), void *ctx, const struct dv_iso_limits *limits,
                struct dv_iso_outcome *out)
{
	struct dv_iso_limits lim = with_defaults(limits);
	memset(out, 0, sizeof *out);
	out->limits = lim;
	/* Orphans of the child come to us, not to init, so that they can be killed. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	pid_t keep[64];
	size_t nkeep = my_children(keep, NULL, 64);
	int fds[6]; /* report, printed, caged: read and write ends */
	if (!start_pipes(fds))
		return false;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		int w[3] = { fds[1], fds[3], fds[5] };
		child_main(fn, ctx, &lim, w);
	}
	int e = errno;
	close(fds[1]);
	close(fds[3]);
	close(fds[5]);
	if (pid < 0) {
		close(fds[0]);
		close(fds[2]);
		close(fds[4]);
		errno = e;
		return false;
	}
	setpgid(pid, pid); /* as the child does: whichever runs first */
	char caged = 0;
	out->caged = read(fds[4], &caged, 1) == 1 && caged;
	close(fds[4]);
	struct sink sinks[2] = { { malloc(4096), 0, 4096, (size_t)16 << 20, 0 },
		                 { malloc(4096), 0, 4096, lim.output_cap, 0 } };
	for (int i = 0; i < 2; i++)
		if (sinks[i].buf)
			sinks[i].buf[0] = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	int rd[2] = { fds[0], fds[2] };
	int status = watch(pid, rd, sinks, now_seconds() + lim.wall_seconds, out, &ru);
	out->leftovers = kill_leftovers(pid, keep, nkeep);
	close(fds[0]);
	close(fds[2]);
	out->output = sinks[0].buf;
	out->len = sinks[0].len;
	out->printed = sinks[1].buf;
	out->printed_len = sinks[1].len;
	out->dropped = sinks[1].dropped;
	classify_end(out, status, &ru);
	return true;
}

void dv_iso_outcome_free(struct dv_iso_outcome *out)
{
	free(out->output);
	free(out->printed);
	out->output = out->printed = NULL;
}

enum dv_iso_end dv_iso_classify(const struct dv_iso_outcome *out, int max_verdict)
{
	if (out->exited)
		return out->returned && out->exit_code <= max_verdict ? DV_ISO_VERDICT :
		                                                        DV_ISO_EXIT;
	if (out->cpu_exceeded)
		return DV_ISO_CPU;
	if (out->wall_exceeded)
		return DV_ISO_WALL;
	static const int faults[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS };
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
		if (out->signal == faults[i])
			return DV_ISO_CRASH;
	return DV_ISO_KILLED;
}

void dv_iso_why(const struct dv_iso_outcome *out, int max_verdict, const char *step, char *buf,
                size_t size)
{
	char sb[32];
	const char *at = step[0] ? " at step" : "";
	const char *sig = dv_signal_name(out->signal, sb, sizeof sb);
	switch (dv_iso_classify(out, max_verdict)) {
	case DV_ISO_VERDICT: snprintf(buf, size, "%s", ""); break;
	case DV_ISO_EXIT:
		snprintf(buf, size, "exited with status %d%s%s", out->exit_code,
		         step[0] ? " during step" : "", step);
		break;
	case DV_ISO_CPU:
		snprintf(buf, size, "exceeded %u s of CPU time%s%s (an endless loop?)",
		         out->limits.cpu_named ? out->limits.cpu_named : out->limits.cpu_seconds,
		         at, step);
		break;
	case DV_ISO_WALL:
		snprintf(buf, size, "did not finish within the wall-clock limit%s%s", at, step);
		break;
	case DV_ISO_CRASH: snprintf(buf, size, "crashed with %s%s%s", sig, at, step); break;
	case DV_ISO_KILLED: snprintf(buf, size, "was killed by %s%s%s", sig, at, step); break;
	}
}
