/* dmaviz: a child process under limits, and how it ended (isolate.h). */
#define _GNU_SOURCE
#include "isolate.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

static void child_setup(const struct dv_iso_limits *lim)
{
	/* A crash must end the child with its signal, whatever handlers the sanitizers put in. */
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGXCPU, SIGPIPE };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
	/* No core files from learners' crashes. */
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);
	rl.rlim_cur = lim->cpu_seconds;
	rl.rlim_max = lim->cpu_seconds + 1; /* SIGXCPU at the soft limit, SIGKILL one second on */
	setrlimit(RLIMIT_CPU, &rl);
	if (!DV_ASAN) { /* AddressSanitizer reserves terabytes of address space for its shadow */
		rl.rlim_cur = rl.rlim_max = lim->as_bytes;
		setrlimit(RLIMIT_AS, &rl);
	}
	/* Whatever the driver prints goes to stderr, not into a report on stdout. */
	dup2(2, 1);
}

bool dv_isolate(int (*fn)(void *ctx, int fd), void *ctx, const struct dv_iso_limits *limits,
                struct dv_iso_outcome *out)
{
	struct dv_iso_limits lim = *limits;
	if (!lim.cpu_seconds)
		lim.cpu_seconds = 2;
	if (!lim.as_bytes)
		lim.as_bytes = (size_t)512 << 20;
	if (!lim.wall_seconds)
		lim.wall_seconds = 5 * lim.cpu_seconds + 5;
	memset(out, 0, sizeof *out);
	out->limits = lim;
	int fds[2];
	if (pipe(fds) != 0)
		return false;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		errno = e;
		return false;
	}
	if (pid == 0) {
		close(fds[0]);
		child_setup(&lim);
		int rc = fn(ctx, fds[1]);
		close(fds[1]);
		_exit(rc & 0xFF);
	}
	close(fds[1]);
	size_t cap = 4096;
	out->output = malloc(cap);
	double deadline = now_seconds() + lim.wall_seconds;
	for (;;) {
		double left = deadline - now_seconds();
		if (left <= 0) {
			out->wall_exceeded = true;
			kill(pid, SIGKILL);
			break;
		}
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		int n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			continue;
		char buf[4096];
		ssize_t r = read(fds[0], buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break; /* EOF: the child exited (or closed its end) */
		if (out->output && out->len + (size_t)r + 1 > cap) {
			while (out->len + (size_t)r + 1 > cap)
				cap *= 2;
			char *o = realloc(out->output, cap);
			if (!o) {
				free(out->output);
				out->output = NULL;
			}
			out->output = o;
		}
		if (out->output && out->len < (16u << 20)) {
			memcpy(out->output + out->len, buf, (size_t)r);
			out->len += (size_t)r;
		}
	}
	close(fds[0]);
	if (out->output)
		out->output[out->len] = 0;
	int status = 0;
	for (;;) {
		/* The child closed its end but may still be running: the wall clock still holds. */
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
		if (!out->wall_exceeded && now_seconds() > deadline) {
			out->wall_exceeded = true;
			kill(pid, SIGKILL);
		}
		struct timespec ts = { 0, 2 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (WIFEXITED(status)) {
		out->exited = true;
		out->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		out->signal = WTERMSIG(status);
		if (out->signal == SIGXCPU || (out->signal == SIGKILL && !out->wall_exceeded))
			out->cpu_exceeded = true;
	}
	return true;
}

void dv_iso_outcome_free(struct dv_iso_outcome *out)
{
	free(out->output);
	out->output = NULL;
}

enum dv_iso_end dv_iso_classify(const struct dv_iso_outcome *out, int max_verdict)
{
	if (out->exited)
		return out->exit_code <= max_verdict ? DV_ISO_VERDICT : DV_ISO_EXIT;
	if (out->cpu_exceeded)
		return DV_ISO_CPU;
	if (out->wall_exceeded)
		return DV_ISO_WALL;
	return DV_ISO_CRASH;
}

void dv_iso_why(const struct dv_iso_outcome *out, int max_verdict, const char *where, char *buf,
                size_t size)
{
	char sb[32];
	switch (dv_iso_classify(out, max_verdict)) {
	case DV_ISO_VERDICT: snprintf(buf, size, "%s", ""); break;
	case DV_ISO_EXIT:
		snprintf(buf, size, "ended the process with exit(%d)%s", out->exit_code, where);
		break;
	case DV_ISO_CPU:
		snprintf(buf, size, "exceeded %u s of CPU time%s (an endless loop?)",
		         out->limits.cpu_seconds, where);
		break;
	case DV_ISO_WALL:
		snprintf(buf, size, "did not finish within the wall-clock limit%s", where);
		break;
	case DV_ISO_CRASH:
		snprintf(buf, size, "crashed with %s%s", dv_signal_name(out->signal, sb, sizeof sb),
		         where);
		break;
	}
}
