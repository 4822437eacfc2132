/* dmaviz: the isolation primitive (ui/cli/isolate.c). A child that succeeds, returns a verdict,
 * calls exit() with another code, crashes, loops and sleeps: each ends as it should and is
 * classified and described as the grader reports it. */
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

static void run(int (*fn)(void *, int), void *ctx, struct dv_iso_limits lim,
                struct dv_iso_outcome *out)
{
	CHECK(dv_isolate(fn, ctx, &lim, out));
}

static void test_success(void)
{
	struct dv_iso_outcome o;
	run(succeed, NULL, (struct dv_iso_limits){ 0 }, &o);
	CHECK(o.exited);
	CHECK_EQ(o.exit_code, 0);
	CHECK_EQ(o.signal, 0);
	CHECK(o.output && !strcmp(o.output, "M all good\n"));
	CHECK_EQ(o.len, 11);
	CHECK_EQ(dv_iso_classify(&o, MAX_VERDICT), DV_ISO_VERDICT);
	/* The defaults are filled in: 2 s of CPU, 512 MiB, 5 * cpu + 5 s of wall clock. */
	CHECK_EQ(o.limits.cpu_seconds, 2);
	CHECK_EQ(o.limits.as_bytes, (size_t)512 << 20);
	CHECK_EQ(o.limits.wall_seconds, 15);
	char why[200] = "x";
	dv_iso_why(&o, MAX_VERDICT, " at step 1", why, sizeof why);
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
	dv_iso_why(&o, MAX_VERDICT, " at step 2 \"Send\"", why, sizeof why);
	CHECK(!strcmp(why, "ended the process with exit(7) at step 2 \"Send\""));
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
	dv_iso_why(&o, MAX_VERDICT, " at step 3", why, sizeof why);
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

static void test_signal_names(void)
{
	char b[32];
	CHECK(!strcmp(dv_signal_name(SIGXCPU, b, sizeof b), "SIGXCPU"));
	CHECK(!strcmp(dv_signal_name(SIGABRT, b, sizeof b), "SIGABRT"));
	CHECK(!strcmp(dv_signal_name(SIGUSR1, b, sizeof b), b) && !strncmp(b, "signal ", 7));
}

CHECK_MAIN(CHECK_CASE(test_success), CHECK_CASE(test_verdict), CHECK_CASE(test_exit),
           CHECK_CASE(test_crash), CHECK_CASE(test_loop), CHECK_CASE(test_wall),
           CHECK_CASE(test_signal_names))
