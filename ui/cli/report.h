/* dmaviz: what the commands that run files report: a run's messages as the lines a reader
 * sees, and the one JUnit XML writer (check and grade). */
#ifndef DV_UI_REPORT_H
#define DV_UI_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lesson.h"

/* Calls add(ctx, line, hint) for each line of m a reader sees: every failure and error, each
 * followed by its hint ("hint: ..."; a verifier rule's fix stays "Fix: ..."), the notes (a
 * verifier rule that fired, with its numbers) only when failed is true, and "... and N more"
 * when messages were dropped. Information (what a `read` saw) is not a verdict's: left out. */
void dv_report_msgs(const struct dv_msgs *m, bool failed,
                    void (*add)(void *ctx, const char *line, bool hint), void *ctx);

/* The same lines written to f, hints indented by two spaces (trace's and grade's stderr). */
void dv_report_fprint(FILE *f, const struct dv_msgs *m, bool failed);

/* ---- text for a terminal ------------------------------------------------------------------ */

/* Writes s to f as the commands' PASS/FAIL lines and grade's table show a name or a message:
 * a byte that is not UTF-8 (a Latin-1 file name) and a control character (an escape sequence a
 * driver printed) as the characters \xNN, the rest as it is; then spaces up to width display
 * cells (0: none). */
void dv_report_puts(FILE *f, const char *s, size_t width);
/* The display cells dv_report_puts takes for s: a wide character (CJK) 2, a combining mark 0,
 * an escaped byte 4, other characters 1. */
size_t dv_report_cells(const char *s);

/* ---- JUnit XML ---------------------------------------------------------------------------- */

/* A test's verdict (dv_grade_file gives one; the reports write it). */
enum { DV_GRADE_PASS, DV_GRADE_FAIL, DV_GRADE_ERROR };

/* A verdict, as dv_grade_file gives it: DV_GRADE_PASS, DV_GRADE_FAIL (a <failure>), or
 * DV_GRADE_ERROR (an <error>: the file could not be run). */
struct dv_junit_case {
	const char *classname, *name;
	int verdict;
	char *const *lines; /* the messages; the first is the element's message= */
	size_t nlines;
	double seconds;
	const char *printed; /* what the test's process printed (escaped text), or NULL: the
	                      * testcase's <system-out> */
};

struct dv_junit_suite {
	const char *name;
	const struct dv_junit_case *cases;
	size_t ncases;
	double seconds;
	long long started; /* seconds since the epoch: the suite's timestamp= (UTC) */
};

/* Writes the suites to path through a temporary file renamed into place, so a reader never
 * sees half a report; false (errno set) when it cannot. Counts (tests, failures, errors) and
 * times are on every testsuite and the testsuites; names and messages are escaped so that the
 * file stays well-formed XML whatever bytes they hold (dv_xml_escaped). */
bool dv_junit_write(const char *path, const struct dv_junit_suite *suites, size_t n);

/* A file written whole or not at all: dv_report_open opens a temporary file beside path (its
 * name in tmp), dv_report_close closes it and renames it into place (false, and the temporary
 * file removed, when a write or the rename failed), so a reader never sees half of one. A path
 * that is there and not a regular file (/dev/null, a FIFO, a terminal) is written in place,
 * tmp left empty: renaming over it would replace the device with a file. */
FILE *dv_report_open(const char *path, char *tmp, size_t tmplen);
bool dv_report_close(FILE *f, const char *tmp, const char *path);
/* A dv_write_fn (export.h) onto the FILE ctx; ferror tells whether it failed. */
void dv_report_file_write(void *ctx, const char *buf, size_t len);

/* ---- Gradescope ---------------------------------------------------------------------------- */

/* One test of a submission as Gradescope shows it (its autograder specification). */
struct dv_gradescope_test {
	const char *name;
	int verdict;        /* DV_GRADE_PASS scores max_score, anything else 0 */
	char *const *lines; /* the messages: the test's "output", one a line */
	size_t nlines;
	double seconds;
	double max_score;
	bool hidden;         /* visibility "after_published", else "visible" */
	const char *printed; /* what the test's process printed (escaped text), or NULL: after
	                      * the messages in the test's output */
};

/* Writes one submission's results.json to path (through a temporary file renamed into place):
 * the total "score", "execution_time", the submission's "output", "stdout_visibility" hidden
 * (the grader's log names hidden tests), and "tests" with each one's name, number, score,
 * max_score, status ("passed"/"failed"), visibility and output. Strings are valid JSON
 * whatever bytes they hold (dv_json_string). False (errno set) when it cannot. */
bool dv_gradescope_write(const char *path, const struct dv_gradescope_test *tests, size_t n,
                         const char *output);

/* Seconds on a monotonic clock, for the times of a report. */
double dv_report_now(void);

#endif
