/* dmaviz: grading a class's submissions in worker processes, up to N at once (`grade -j`),
 * with the results handed back in the order of the submissions, and a progress line on a
 * terminal. */
#ifndef DV_UI_GRADE_JOBS_H
#define DV_UI_GRADE_JOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd_grade.h"

/* One submission: its results, one per test, filled by the grade function in a worker. */
struct dv_grade_job {
	struct dv_grade_result *res;
	size_t ntests;
};

struct dv_grade_jobs {
	struct dv_grade_job *jobs;
	size_t n;
	unsigned parallel;                  /* workers at most at once (>= 1) */
	void (*grade)(void *ctx, size_t i); /* in a worker: fills jobs[i].res */
	void (*done)(void *ctx, size_t i);  /* in the caller, for i = 0, 1, ... in order */
	void *ctx;
	bool progress; /* "12/50 submissions, 0:42 elapsed, ~1:10 left" on stderr if a tty */
};

/* Grades every job, each in a forked worker process (a subreaper: what its tests leave is
 * killed there; the caller becomes one too, and kills whatever is left of a worker that died)
 * and calls done for each in order as soon as it and all before it are graded: the same calls
 * with the same results whatever `parallel` is. A worker that dies fails its submission's
 * tests with an error saying so. Returns when every worker and every process they started
 * is gone. */
void dv_grade_jobs_run(const struct dv_grade_jobs *g);

/* The online CPUs: -j's default. */
unsigned dv_grade_jobs_cpus(void);

#endif
