/* dmaviz: running lessons against a learner's driver in an isolated child process, and the
 * `dmaviz grade` command. */
#ifndef DV_UI_CMD_GRADE_H
#define DV_UI_CMD_GRADE_H

#include <stdbool.h>
#include <stddef.h>

#include "driver.h"
#include "ndis.h"
#include "opts.h"
#include "report.h" /* the verdicts, DV_GRADE_* */

struct dv_grade_opts {
	DV_DRIVER_ENTRY entry;   /* an already loaded driver, or NULL */
	const char *driver_path; /* or a driver the child loads itself, or NULL */
	bool strict;
	const char *(*answer)(void *ctx, const char *lesson_id, const char *ask_id);
	void *answer_ctx;
	unsigned cpu_seconds; /* 0 = 2 */
	bool rows;            /* bring back the test's output table (check --output) */
};

struct dv_grade_result {
	int verdict;  /* DV_GRADE_* */
	char **lines; /* messages, hints as "hint: ..." */
	size_t nlines;
	/* Not empty when the child ended without a verdict: why, without the file's name
	 * ("crashed with SIGSEGV at step 2 \"Send\"", "exceeded 2 s of CPU time at step 1 ...").
	 * The verdict is then DV_GRADE_FAIL and lines ends with "PATH: driver " and this. */
	char aborted[400];
	double seconds; /* how long the file took, child included (JUnit's time=) */
	/* What the child printed on stdout and stderr, escaped as dv_report_puts shows text
	 * (\xNN for control bytes and bytes that are not UTF-8; newlines kept), at most
	 * DV_GRADE_PRINTED_CAP bytes read, and how many more were read and dropped. */
	char *printed;
	size_t dropped;
	unsigned leftovers; /* processes it left running, killed when it ended */
	char **rows;        /* its output table, with dv_grade_opts.rows */
	size_t nrows;
	bool ran_driver; /* the test runs the learner's driver (its lesson says `driver file`) */
	bool unloadable; /* the learner's driver could not be loaded: lines[0] says why */
};

/* What is kept of a test's stdout and stderr. */
#define DV_GRADE_PRINTED_CAP (64u << 10)

/* The limits for a child that runs the lesson L and a learner's driver in one process: the
 * driver's CPU seconds plus what the simulator may need for the work L asks for (its cycles,
 * fill bytes and output rows, at most the documented limits of lesson-format.md §12), and a
 * memory limit that grows the same way; the simulator's time never fails a test. A driver
 * host that runs only the driver applies dv_grade_limits(NULL, seconds): no allowance. */
struct dv_iso_limits;
void dv_grade_limits(const struct dv_lesson *L, unsigned driver_seconds, struct dv_iso_limits *lim);

/* Runs the lesson or test script at path in a child process (fork) under CPU, memory and
 * wall-clock limits. A crash or a runaway driver is that file's failure. */
void dv_grade_file(const char *path, const struct dv_grade_opts *o, struct dv_grade_result *r);
/* Appends a copy of text to the string vector *v of *n (nothing when memory runs out). */
void dv_strv_add(char ***v, size_t *n, const char *text);
void dv_strv_free(char ***v, size_t *n);
void dv_grade_result_free(struct dv_grade_result *r);

/* `dmaviz grade --tests DIR [--junit FILE] [--cpu-limit S] [--strict] SUBMISSION...` */
int dv_cmd_grade(int argc, char **argv);
extern const struct dv_cmd_spec dv_grade_spec;

#endif
