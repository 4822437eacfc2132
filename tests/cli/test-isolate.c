/* dmaviz: the isolation primitive (ui/cli/isolate.c). A child that succeeds, returns a verdict,
 * calls exit() (0 too), crashes, kills itself, loops, sleeps, prints 2 MB, leaves processes
 * behind and tries what its cage forbids: each ends as it should and is classified and
 * described as the grader reports it. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isolate.h"
#include "../unit/check.h"

#define MAX_VERDICT 2 /* as DV_GRADE_ERROR: exit codes 0..2 are verdicts */

static int succeed(void *ctx, int fd)
{
	(void)ctx;
	static const char msg[] = "M all good\n";
	return write(fd, msg, sizeof msg - 1) == (ssize_t)(sizeof msg - 1) ? 0 : 3;
}

static int verdict(void *ctx, int fd)
{
	(void)fd;
	return *(int *)ctx;
}

static int call_exit(void *ctx, int fd)
{
	(void)ctx, (void)fd;
	exit(7);
}

static int crash(void *ctx, int fd)
{
	(void)ctx, (void)fd;
	raise(SIGSEGV);
	return 0;
}

static int spin(void *ctx, int fd)
{
	(void)ctx, (void)fd;
	for (volatile unsigned long i = 0;; i++)
		;
	return 0;
}

static int doze(void *ctx, int fd)
{
	(void)ctx, (void)fd;
	for (;;)
		pause();
	return 0;
}

/* exit(0) in the code under test: not a verdict of 0, the process ended. */
static int call_exit0(void *ctx, int fd)
{
	(void)ctx, (void)fd;
	exit(0);
}

static int self_kill(void *ctx, int fd)
{
	(void)ctx, (void)fd;
	raise(SIGKILL);
	return 0;
}

/* 1 MB on stdout and 1 MB on stderr, then a report line. */
static int chatter(void *ctx, int fd)
{
	(void)ctx;
	static char buf[65536];
	memset(buf, 'x', sizeof buf);
	for (int i = 0; i < 32; i++)
		if (write(i % 2 ? 2 : 1, buf, sizeof buf) < 0)
			return 3;
	return write(fd, "M done\n", 7) == 7 ? 0 : 3;
}

/* Three processes that leave the child's session and sleep (each ends itself after 30 s). */
static int leave_three(void *ctx, int fd)
{
	(void)ctx;
	for (int i = 0; i < 3; i++)
		if (fork() == 0) {
			setsid();
			alarm(30);
			for (;;)
				pause();
		}
	return write(fd, "M forked\n", 9) == 9 ? 0 : 3;
}

/* What the cage refuses: the result as report lines "M w=0 r=0 fd=0" (0: refused, or closed). */
static int probe_cage(void *ctx, int fd)
{
	int parent_fd = *(int *)ctx;
	char line[200];
	int w = open("/tmp/dv-isolate-cage-probe", O_WRONLY | O_CREAT, 0600);
	int r = open("/proc/self/cmdline", O_RDONLY);
	int f = fcntl(parent_fd, F_GETFD);
	int n = snprintf(line, sizeof line, "M w=%d r=%d fd=%d\n", w >= 0, r >= 0, f >= 0);
	if (w >= 0)
		unlink("/tmp/dv-isolate-cage-probe");
	return write(fd, line, (size_t)n) == n ? 0 : 3;
}

static void run(int (*fn)(void *, int), void *ctx, struct dv_iso_limits lim,
                struct dv_iso_outcome *out)
{
	CHECK(dv_isolate(fn, ctx, &lim, out));
}

static void test_success(void)
{
	struct dv_iso_outcome o;
	run(succeed, NULL, (struct dv_iso_limits){ 0 }, &o);
	CHECK(o.exited && o.returned);
	CHECK_EQ(o.exit_code, 0);
	CHECK_EQ(o.signal, 0);
	CHECK(o.output && !strcmp(o.output, "M all good\n"));
	CHECK(o.printed && o.printed_len == 0 && o.dropped == 0 && o.leftovers == 0);
	CHECK_EQ(o.len, 11);
	CHECK_EQ(dv_iso_classify(&o, MAX_VERDICT), DV_ISO_VERDICT);
	/* The defaults are filled in: 2 s of CPU, 512 MiB, 5 * cpu + 5 s of wall clock. */
	CHECK_EQ(o.limits.cpu_seconds, 2);
	CHECK_EQ(o.limits.as_bytes, (size_t)512 << 20);
	CHECK_EQ(o.limits.wall_seconds, 15);
	char why[200] = "x";
	dv_iso_why(&o, MAX_VERDICT, " 1", why, sizeof why);
	CHECK(!strcmp(why, ""));
	dv_iso_outcome_free(&o);
	CHECK(o.output == NULL);
}

static void test_verdict(void)
{
	int code = MAX_VERDICT;
	struct dv_iso_outcome o;
	run(verdict, &code, (struct dv_iso_limits){ 0 }, &o);
	CHECK(o.exited);
	CHECK_EQ(o.exit_code, MAX_VERDICT);
	CHECK_EQ(dv_iso_classify(&o, MAX_VERDICT), DV_ISO_VERDICT);
	dv_iso_outcome_free(&o);
}

static void test_exit(void)
{
	struct dv_iso_outcome o;
	run(call_exit, NULL, (struct dv_iso_limits){ 0 }, &o);
	CHECK(o.exited);
	CHECK_EQ(o.exit_code, 7);
	CHECK_EQ(dv_iso_classify(&o, MAX_VERDICT), DV_ISO_EXIT);
	char why[200];
	dv_iso_why(&o, MAX_VERDICT, " 2 \"Send\"", why, sizeof why);
	CHECK(!strcmp(why, "exited with status 7 during step 2 \"Send\""));
	dv_iso_outcome_free(&o);
}

static void test_crash(void)
{
	struct dv_iso_outcome o;
	run(crash, NULL, (struct dv_iso_limits){ 0 }, &o);
	CHECK(!o.exited);
	CHECK_EQ(o.signal, SIGSEGV);
	CHECK(!o.cpu_exceeded && !o.wall_exceeded);
	CHECK_EQ(dv_iso_classify(&o, MAX_VERDICT), DV_ISO_CRASH);
	char why[200];
	dv_iso_why(&o, MAX_VERDICT, "", why, sizeof why);
	CHECK(!strcmp(why, "crashed with SIGSEGV"));
	dv_iso_outcome_free(&o);
}

static void test_loop(void)
{
	struct dv_iso_outcome o;
	run(spin, NULL, (struct dv_iso_limits){ .cpu_seconds = 1 }, &o);
	CHECK(!o.exited);
	CHECK(o.cpu_exceeded);
	CHECK(!o.wall_exceeded);
	CHECK_EQ(dv_iso_classify(&o, MAX_VERDICT), DV_ISO_CPU);
	char why[200];
	dv_iso_why(&o, MAX_VERDICT, " 3", why, sizeof why);
	CHECK(!strcmp(why, "exceeded 1 s of CPU time at step 3 (an endless loop?)"));
	dv_iso_outcome_free(&o);
}

static void test_wall(void)
{
	struct dv_iso_outcome o;
	run(doze, NULL, (struct dv_iso_limits){ .cpu_seconds = 1, .wall_seconds = 1 }, &o);
	CHECK(!o.exited);
	CHECK(o.wall_exceeded);
	CHECK_EQ(o.signal, SIGKILL);
	CHECK(!o.cpu_exceeded);
	CHECK_EQ(dv_iso_classify(&o, MAX_VERDICT), DV_ISO_WALL);
	char why[200];
	dv_iso_why(&o, MAX_VERDICT, "", why, sizeof why);
	CHECK(!strcmp(why, "did not finish within the wall-clock limit"));
	dv_iso_outcome_free(&o);
}

static void test_exit0(void)
{
	struct dv_iso_outcome o;
	run(call_exit0, NULL, (struct dv_iso_limits){ 0 }, &o);
	CHECK(o.exited && !o.returned);
	CHECK_EQ(dv_iso_classify(&o, MAX_VERDICT), DV_ISO_EXIT);
	char why[200];
	dv_iso_why(&o, MAX_VERDICT, " 1 \"Init\"", why, sizeof why);
	CHECK(!strcmp(why, "exited with status 0 during step 1 \"Init\""));
	dv_iso_outcome_free(&o);
}

static void test_self_kill(void)
{
	struct dv_iso_outcome o;
	run(self_kill, NULL, (struct dv_iso_limits){ 0 }, &o);
	CHECK_EQ(o.signal, SIGKILL);
	CHECK(!o.cpu_exceeded && !o.wall_exceeded);
	CHECK_EQ(dv_iso_classify(&o, MAX_VERDICT), DV_ISO_KILLED);
	char why[200];
	dv_iso_why(&o, MAX_VERDICT, "", why, sizeof why);
	CHECK(!strcmp(why, "was killed by SIGKILL"));
	dv_iso_outcome_free(&o);
}

static void test_output_cap(void)
{
	struct dv_iso_outcome o;
	run(chatter, NULL, (struct dv_iso_limits){ .output_cap = 1000 }, &o);
	CHECK_EQ(dv_iso_classify(&o, MAX_VERDICT), DV_ISO_VERDICT);
	CHECK(o.output && !strcmp(o.output, "M done\n"));
	CHECK_EQ(o.printed_len, 1000);
	CHECK_EQ(o.dropped, (size_t)(2u << 20) - 1000);
	CHECK(o.printed && o.printed[0] == 'x' && o.printed[1000] == 0);
	dv_iso_outcome_free(&o);
}

static void test_leftovers(void)
{
	struct dv_iso_outcome o;
	run(leave_three, NULL, (struct dv_iso_limits){ 0 }, &o);
	CHECK_EQ(dv_iso_classify(&o, MAX_VERDICT), DV_ISO_VERDICT);
	CHECK_EQ(o.leftovers, 3);
	dv_iso_outcome_free(&o);
	CHECK_EQ(dv_iso_kill_children(), 0); /* none left to kill */
}

static void test_cage(void)
{
	/* A descriptor above the child's own (0-2, the report on 3) */
	int null = open("/dev/null", O_RDONLY), fd = fcntl(null, F_DUPFD, 50);
	close(null);
	struct dv_iso_outcome o;
	run(probe_cage, &fd, (struct dv_iso_limits){ 0 }, &o);
	close(fd);
	CHECK_EQ(dv_iso_classify(&o, MAX_VERDICT), DV_ISO_VERDICT);
	/* The parent's descriptors are closed whatever the kernel; Landlock where it has it. */
	if (o.caged)
		CHECK(o.output && !strcmp(o.output, "M w=0 r=0 fd=0\n"));
	else
		CHECK(o.output && strstr(o.output, " fd=0\n"));
	dv_iso_outcome_free(&o);
}

static void test_signal_names(void)
{
	char b[32];
	CHECK(!strcmp(dv_signal_name(SIGXCPU, b, sizeof b), "SIGXCPU"));
	CHECK(!strcmp(dv_signal_name(SIGABRT, b, sizeof b), "SIGABRT"));
	CHECK(!strcmp(dv_signal_name(SIGUSR1, b, sizeof b), b) && !strncmp(b, "signal ", 7));
}

CHECK_MAIN(CHECK_CASE(test_success), CHECK_CASE(test_verdict), CHECK_CASE(test_exit),
           CHECK_CASE(test_crash), CHECK_CASE(test_loop), CHECK_CASE(test_wall),
           CHECK_CASE(test_exit0), CHECK_CASE(test_self_kill), CHECK_CASE(test_output_cap),
           CHECK_CASE(test_leftovers), CHECK_CASE(test_cage), CHECK_CASE(test_signal_names))
