/* dmaviz benchmarks: the wall clock, the thread's CPU time and seek statistics that more
 * than one benchmark prints. The core never reads a clock; only tests/bench does. */
#ifndef DV_BENCH_H
#define DV_BENCH_H

#include <stdio.h>
#include <time.h>

#include "sim.h"

static inline double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct seek_stats {
	unsigned n;
	double sum, worst, cpu_sum, cpu_worst; /* microseconds */
};

static inline void timed_seek(struct dv_cursor *c, size_t to, struct seek_stats *s)
{
	double w0 = now_seconds(), c0 = cpu_seconds();
	dv_cursor_seek(c, to);
	double dw = (now_seconds() - w0) * 1e6, dc = (cpu_seconds() - c0) * 1e6;
	s->n++;
	s->sum += dw;
	s->cpu_sum += dc;
	s->worst = dw > s->worst ? dw : s->worst;
	s->cpu_worst = dc > s->cpu_worst ? dc : s->cpu_worst;
}

static inline void print_seeks(const char *name, const struct seek_stats *s)
{
	unsigned n = s->n ? s->n : 1;
	printf("%ss: %u\n", name, s->n);
	printf("%s-mean-us: %.1f\n", name, s->sum / n);
	printf("%s-max-us: %.1f\n", name, s->worst);
	printf("%s-cpu-mean-us: %.1f\n", name, s->cpu_sum / n);
	printf("%s-cpu-max-us: %.1f\n", name, s->cpu_worst);
}

#endif
