/* dmaviz: lessons against a learner's driver, each in its own child process, and `dmaviz
 * grade` (cmd_grade.h). */
#include "cmd_grade.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "trusted.h"
#include "isolate.h"
#include "report.h"
#include "opts.h"
#include "lesson.h"
#include "files.h"
#include "grade_jobs.h"
#include "script.h"

void dv_strv_add(char ***v, size_t *n, const char *text)
{
	char **nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv)
		return;
	*v = nv;
	nv[*n] = strdup(text);
	if (nv[*n])
		(*n)++;
}

void dv_strv_free(char ***v, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

static void result_add(struct dv_grade_result *r, const char *text)
{
	dv_strv_add(&r->lines, &r->nlines, text);
}

void dv_grade_result_free(struct dv_grade_result *r)
{
	free(r->printed);
	r->printed = NULL;
	dv_strv_free(&r->lines, &r->nlines);
	dv_strv_free(&r->rows, &r->nrows);
}

/* ---- the child ------------------------------------------------------------------------------ */

struct child_ctx {
	const char *path;
	struct dv_lesson *L; /* parsed by the parent: the child reads no test file */
	const struct dv_grade_opts *o;
};

/* One report line: a kind letter, a space, the text with newlines flattened. */
static void put_line(int fd, char kind, const char *text)
{
	size_t n = strlen(text);
	char *buf = malloc(n + 3);
	if (!buf)
		return;
	buf[0] = kind;
	buf[1] = ' ';
	for (size_t i = 0; i < n; i++)
		buf[2 + i] = text[i] == '\n' ? ' ' : text[i];
	buf[n + 2] = '\n';
	size_t off = 0;
	while (off < n + 3) {
		ssize_t w = write(fd, buf + off, n + 3 - off);
		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	free(buf);
}

static void put_result_line(void *ctx, const char *line, bool hint)
{
	(void)hint;
	result_add(ctx, line);
}

static void put_report_line(void *ctx, const char *line, bool hint)
{
	(void)hint;
	put_line(*(int *)ctx, 'M', line);
}

static void put_msgs(int fd, const struct dv_msgs *m, bool failed)
{
	dv_report_msgs(m, failed, put_report_line, &fd);
}

static int child_run(void *ctx, int fd)
{
	const struct child_ctx *c = ctx;
	const struct dv_grade_opts *o = c->o;
	char buf[1200];
	struct dv_lesson *L = c->L;
	struct dv_run_options ro;
	memset(&ro, 0, sizeof ro);
	ro.strict = o->strict;
	ro.load = dv_file_load_relative;
	ro.answer = o->answer;
	ro.ctx = o->answer_ctx;
	ro.driver_entry = o->entry;
	/* A learner's driver or answers run against the file: the messages are the learner's
	 * (no "raise the bound", no "add 'allow ...'": report.h, lesson.h). */
	ro.learner = true;
	dv_host_set_cpu_limit(o->cpu_seconds ? o->cpu_seconds : 2);
	struct dv_driver drv = { 0 };
	if (!ro.driver_entry && o->driver_path && L->driver == DV_DRIVER_FILE) {
		char err[1024];
		if (!dv_driver_open(&drv, o->driver_path, err, sizeof err)) {
			put_line(fd, 'L', err); /* a message that stands for every test */
			return DV_GRADE_ERROR;
		}
		ro.driver_entry = drv.entry;
	}
	struct dv_run *run = dv_run_create(L, &ro);
	if (!run) {
		snprintf(buf, sizeof buf, "%s: error: out of memory", c->path);
		put_line(fd, 'M', buf);
		return DV_GRADE_ERROR;
	}
	/* Step by step, telling the parent where we are, so a crash can name the step. */
	while (dv_run_state(run) == DV_RUN_READY) {
		unsigned k = dv_run_current_step(run);
		if (k < L->nsteps) {
			const struct dv_step *st = &L->steps[k];
			snprintf(buf, sizeof buf, "%u%s%s%s", st->number, st->title[0] ? " \"" : "",
			         st->title, st->title[0] ? "\"" : "");
			put_line(fd, 'S', buf);
		}
		if (!dv_run_step(run))
			break;
	}
	const struct dv_msgs *m = dv_run_msgs(run);
	int verdict = DV_GRADE_PASS;
	if (dv_msgs_count(m, DV_MSG_ERROR))
		verdict = DV_GRADE_ERROR;
	else if (dv_msgs_count(m, DV_MSG_FAIL) || m->dropped)
		verdict = DV_GRADE_FAIL;
	put_msgs(fd, m, verdict != DV_GRADE_PASS);
	for (size_t i = 0; o->rows && i < dv_run_rows(run); i++)
		put_line(fd, 'O', dv_run_row(run, i));
	/* No dv_run_destroy: the process ends here. Its driver host is ended and reaped now, so
	 * that the grader finds no process of the test left (isolate.c). */
	dv_host_stop();
	return verdict;
}

/* ---- the parent ----------------------------------------------------------------------------- */

/* Seconds of CPU the simulator may need for L's work, from what lesson-format.md §12 allows
 * (2,000,000 cycles, 16 MiB of fill; the output rows a 1 MiB file can write), measured with
 * the reference solution of exercise 01 at those limits (tests/classroom/limits.lesson: about
 * 6.5 s and 900 MB on the shared test machine) and doubled; three times more under the
 * sanitizers. */
struct sim_work {
	double cycles, fill, rows;
};

static struct sim_work lesson_work(const struct dv_lesson *L)
{
	struct sim_work w = { 0, 0, 0 };
	for (size_t i = 0; L && i < L->nstmts; i++) {
		const struct dv_stmt *st = &L->stmts[i];
		switch (st->kind) {
		case DV_ST_TICK: w.cycles += st->cycles; break;
		case DV_ST_RUN_UNTIL:
		case DV_ST_RUN_QUIET:
			w.cycles += st->run.max ? st->run.max : DV_SCRIPT_DEFAULT_RUN_MAX;
			break;
		case DV_ST_FILL: w.fill += st->fill.len; break;
		case DV_ST_OUTPUT:
		case DV_ST_OUTPUT_LIST: w.rows += 1; break;
		default: break;
		}
	}
	if (w.cycles > DV_SCRIPT_DEFAULT_BUDGET)
		w.cycles = DV_SCRIPT_DEFAULT_BUDGET;
	if (w.fill > DV_SCRIPT_MAX_FILL)
		w.fill = DV_SCRIPT_MAX_FILL;
	return w;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define SIM_SLOWDOWN 3
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_SLOWDOWN 3
#endif
#endif
#ifndef SIM_SLOWDOWN
#define SIM_SLOWDOWN 1
#endif

void dv_grade_limits(const struct dv_lesson *L, unsigned driver_seconds, struct dv_iso_limits *lim)
{
	memset(lim, 0, sizeof *lim);
	struct sim_work w = lesson_work(L);
	/* Per unit, doubled from the measurement: 0.75 us a cycle, 0.1 us a filled byte, 23 us an
	 * output row (each row is formatted and compared as it is written). */
	double sim = L ? 0.5 + 2 * (w.cycles * 0.75e-6 + w.fill * 0.1e-6 + w.rows * 23e-6) : 0;
	lim->cpu_named = driver_seconds ? driver_seconds : 2;
	lim->cpu_seconds = lim->cpu_named + (unsigned)(sim * SIM_SLOWDOWN);
	/* The recording keeps about 200 bytes a cycle, 32 a filled byte, 2 KiB a row. */
	double mem = L ? w.cycles * 200 + w.fill * 32 + w.rows * 2048 : 0;
	lim->as_bytes = ((size_t)512 << 20) + (size_t)mem;
	lim->output_cap = DV_GRADE_PRINTED_CAP;
	/* The child starts the learner's driver in its driver host (ui/host/trusted.h): the one
	 * program its cage lets it run. */
	static char host[4096];
	static const char *runnable[2];
	runnable[0] = dv_host_exe(host, sizeof host) ? host : NULL;
	lim->runnable = runnable;
}

/* The child's stdout and stderr as text a report can hold: dv_report_puts's escapes line by
 * line (a NUL byte too), newlines kept, and a last line telling what was dropped. */
static char *printed_text(const struct dv_iso_outcome *out)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	if (!f)
		return NULL;
	const char *p = out->printed ? out->printed : "", *end = p + out->printed_len;
	while (p < end) {
		size_t n = strnlen(p, (size_t)(end - p));
		char *line = strndup(p, n);
		for (char *q = line, *nl; q && *q; q = nl + 1) {
			nl = strchr(q, '\n');
			if (nl)
				*nl = 0;
			dv_report_puts(f, q, 0);
			if (!nl)
				break;
			fputc('\n', f);
		}
		free(line);
		p += n;
		if (p < end) {
			fputs("\\x00", f);
			p++;
		}
	}
	if (out->dropped)
		fprintf(f, "%s[%zu more bytes of output dropped]\n",
		        size && text[size - 1] != '\n' ? "\n" : "", out->dropped);
	fclose(f);
	return text;
}

/* The file the lesson's compare-to names, for the child's cage (buf, or NULL). */
static const char *compare_path(const struct dv_lesson *L, char *buf, size_t size)
{
	if (!L->compare_to)
		return NULL;
	const char *slash = strrchr(L->file, '/');
	int dir = slash ? (int)(slash - L->file) : 1;
	snprintf(buf, size, "%.*s/%s", dir, slash ? L->file : ".", L->compare_to);
	return buf;
}

/* Why the child ended without a verdict, as the grade line says it: "the driver's process
 * exited with status 1 during step 2 ...", "driver crashed with SIGSEGV at step 2 ...". */
static const char *why_subject(const struct dv_iso_outcome *out)
{
	return dv_iso_classify(out, DV_GRADE_ERROR) == DV_ISO_EXIT ? "the driver's process " :
	                                                             "driver ";
}

static void read_report(struct dv_grade_result *r, char *output, char *step, size_t size)
{
	for (char *p = output; p && *p;) {
		char *nl = strchr(p, '\n');
		if (!nl)
			break; /* a line the child did not finish */
		*nl = 0;
		if (p[0] == 'S' && p[1] == ' ')
			snprintf(step, size, " %s", p + 2);
		else if ((p[0] == 'M' || p[0] == 'L') && p[1] == ' ')
			result_add(r, p + 2);
		else if (p[0] == 'O' && p[1] == ' ')
			dv_strv_add(&r->rows, &r->nrows, p + 2);
		if (p[0] == 'L' && p[1] == ' ')
			r->unloadable = true;
		p = nl + 1;
	}
}

static struct dv_lesson *parse_test(const char *path, struct dv_grade_result *r)
{
	struct dv_msgs msgs;
	dv_msgs_init(&msgs);
	struct dv_lesson *L = dv_lesson_load(path, &msgs);
	if (!L) {
		dv_report_msgs(&msgs, true, put_result_line, r);
		r->verdict = DV_GRADE_ERROR;
	}
	dv_msgs_finish(&msgs);
	return L;
}

void dv_grade_file(const char *path, const struct dv_grade_opts *o, struct dv_grade_result *r)
{
	memset(r, 0, sizeof *r);
	double t0 = dv_report_now();
	struct child_ctx c = { path, parse_test(path, r), o };
	if (!c.L)
		return;
	r->ran_driver = !o->entry && o->driver_path && c.L->driver == DV_DRIVER_FILE;
	struct dv_iso_limits lim;
	dv_grade_limits(c.L, o->cpu_seconds, &lim);
	char cmp[4096];
	const char *readable[] = { compare_path(c.L, cmp, sizeof cmp), NULL, NULL };
	readable[readable[0] ? 1 : 0] = o->driver_path;
	lim.readable = readable;
	struct dv_iso_outcome out;
	char buf[1200];
	bool started = dv_isolate(child_run, &c, &lim, &out);
	dv_lesson_free(c.L);
	if (!started) {
		snprintf(buf, sizeof buf, "%s: error: cannot start a child process: %s", path,
		         strerror(errno));
		result_add(r, buf);
		r->verdict = DV_GRADE_ERROR;
		return;
	}
	char step[200] = "";
	read_report(r, out.output, step, sizeof step);
	/* Why the child did not come back with a verdict, in the words a learner sees: a learner's
	 * driver runs in its driver host and ends only its run (a message above), so what ends the
	 * child is the simulator's own limits or an attack the host's cage did not stop. */
	if (dv_iso_classify(&out, DV_GRADE_ERROR) == DV_ISO_VERDICT)
		r->verdict = out.exit_code;
	else
		dv_iso_why(&out, DV_GRADE_ERROR, step, r->aborted, sizeof r->aborted);
	r->seconds = dv_report_now() - t0;
	r->printed = printed_text(&out);
	r->dropped = out.dropped;
	r->leftovers = out.leftovers;
	if (r->aborted[0]) {
		snprintf(buf, sizeof buf, "%s: %s%s", path, why_subject(&out), r->aborted);
		result_add(r, buf);
		r->verdict = DV_GRADE_FAIL;
	}
	dv_iso_outcome_free(&out);
}

/* ---- answers files (".txt" submissions) ------------------------------------------------------ */

/* ---- grade ---------------------------------------------------------------------------------- */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && !strcmp(s + n - m, suffix);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* A test's column in the table: its file name without the extension. */
static const char *test_column(const char *path)
{
	static char name[256];
	snprintf(name, sizeof name, "%s", base_name(path));
	char *dot = strrchr(name, '.');
	if (dot)
		*dot = 0;
	return name;
}

struct submission {
	const char *path;
	struct dv_grade_result *res; /* one per test */
	size_t passed;
	char classname[300]; /* "dmaviz.grade.NAME" for JUnit */
	long long started;   /* when its grading began (seconds since the epoch) */
};

/* One testsuite per submission, one testcase per test (report.h writes them). */
static bool write_junit(const char *path, const struct submission *subs, size_t nsubs, char **tests,
                        size_t ntests)
{
	struct dv_junit_suite *suites = calloc(nsubs ? nsubs : 1, sizeof *suites);
	size_t ncases = nsubs * ntests;
	struct dv_junit_case *cases = calloc(ncases ? ncases : 1, sizeof *cases);
	bool ok = suites && cases;
	for (size_t s = 0; ok && s < nsubs; s++) {
		struct dv_junit_case *c = &cases[s * ntests];
		double seconds = 0;
		for (size_t t = 0; t < ntests; t++) {
			const struct dv_grade_result *r = &subs[s].res[t];
			c[t] = (struct dv_junit_case){ subs[s].classname, tests[t],  r->verdict,
				                       r->lines,          r->nlines, r->seconds,
				                       r->printed };
			seconds += r->seconds;
		}
		suites[s] = (struct dv_junit_suite){ subs[s].path, c, ntests, seconds,
			                             subs[s].started };
	}
	ok = ok && dv_junit_write(path, suites, nsubs);
	free(cases);
	free(suites);
	return ok;
}

/* Gradescope's results.json for one submission: a point a test, named by its file and the
 * lesson's title; the tests from nvisible on are the hidden ones. */
static bool write_gradescope(const char *path, const struct submission *sub, char **tests,
                             struct dv_lesson *const *parsed, size_t ntests, size_t nvisible)
{
	struct dv_gradescope_test *gt = calloc(ntests ? ntests : 1, sizeof *gt);
	char(*names)[300] = calloc(ntests ? ntests : 1, sizeof *names);
	bool ok = gt && names;
	for (size_t t = 0; ok && t < ntests; t++) {
		const struct dv_grade_result *r = &sub->res[t];
		const char *title = parsed[t] ? parsed[t]->title : NULL;
		snprintf(names[t], sizeof names[t], "%s%s%s", base_name(tests[t]),
		         title ? ": " : "", title ? title : "");
		gt[t] = (struct dv_gradescope_test){ .name = names[t],
			                             .verdict = r->verdict,
			                             .lines = r->lines,
			                             .nlines = r->nlines,
			                             .seconds = r->seconds,
			                             .max_score = 1,
			                             .hidden = t >= nvisible,
			                             .printed = r->printed };
	}
	char output[200];
	snprintf(output, sizeof output, "%zu of %zu tests passed%s", sub->passed, ntests,
	         nvisible < ntests ? " (hidden tests included; their results show once grades are "
	                             "published)" :
	                             "");
	ok = ok && dv_gradescope_write(path, gt, ntests, output);
	free(names);
	free(gt);
	return ok;
}

/* A submission that cannot be loaded fails every test with the same message. */
static void fail_all(struct submission *s, size_t ntests, const char *msg)
{
	for (size_t t = 0; t < ntests; t++) {
		memset(&s->res[t], 0, sizeof s->res[t]);
		s->res[t].verdict = DV_GRADE_ERROR;
		result_add(&s->res[t], msg);
	}
}

/* Loads the driver in a child first: a driver whose constructors crash must not take the
 * grader with it. */
static int probe_driver(void *ctx, int fd)
{
	struct dv_driver d;
	char err[1024];
	if (!dv_driver_open(&d, ctx, err, sizeof err)) {
		put_line(fd, 'M', err);
		return 1;
	}
	return 0;
}

/* The driver cannot be loaded: the results of the ndone tests graded so far are dropped, and
 * every test fails with msg, as if nothing had run. */
static void fail_unloadable(struct submission *s, size_t ndone, size_t ntests, const char *msg)
{
	char *keep = strdup(msg);
	for (size_t t = 0; t < ndone; t++)
		dv_grade_result_free(&s->res[t]);
	fail_all(s, ntests, keep ? keep : "driver cannot be loaded");
	free(keep);
}

struct grade_class {
	char **tests;
	size_t ntests;
	struct submission *subs;
	bool strict;
	unsigned cpu;
	bool show_output;
};

/* Loads the driver in a child of its own: one whose constructors crash, loop or exit fails
 * every test with one message. Only for a class none of whose tests runs the driver: a test
 * that does loads it anyway, and says so (unloadable). */
static bool probe_submission(const struct grade_class *g, struct submission *sub, char *err,
                             size_t size)
{
	struct dv_iso_limits lim;
	dv_grade_limits(NULL, g->cpu, &lim);
	const char *readable[] = { sub->path, NULL };
	lim.readable = readable;
	struct dv_iso_outcome out;
	if (!dv_isolate(probe_driver, (void *)sub->path, &lim, &out)) {
		snprintf(err, size, "%s: cannot start a child process: %s", sub->path,
		         strerror(errno));
		return false;
	}
	bool ok = dv_iso_classify(&out, 1) == DV_ISO_VERDICT && out.exit_code == 0;
	if (!ok && dv_iso_classify(&out, 1) == DV_ISO_VERDICT && out.output && out.len > 2) {
		snprintf(err, size, "%s", out.output + 2);
		err[strcspn(err, "\n")] = 0;
	} else if (!ok) {
		char why[300];
		dv_iso_why(&out, 1, "", why, sizeof why);
		snprintf(err, size, "%s: loading the driver: %s%s", sub->path,
		         dv_iso_classify(&out, 1) == DV_ISO_EXIT ? "its process " : "it ", why);
	}
	dv_iso_outcome_free(&out);
	return ok;
}

/* In a grade worker: every test against submission i. */
static void grade_submission(void *ctx, size_t i)
{
	const struct grade_class *g = ctx;
	struct submission *sub = &g->subs[i];
	struct dv_grade_opts o;
	memset(&o, 0, sizeof o);
	o.strict = g->strict;
	o.cpu_seconds = g->cpu;
	struct dv_answers ans = { 0 };
	char err[1200];
	if (has_suffix(sub->path, ".txt")) {
		/* Its ids were checked before grading began. */
		if (dv_answers_load(&ans, sub->path, err, sizeof err) != DV_ANSWERS_OK) {
			fail_all(sub, g->ntests, err);
			dv_answers_free(&ans);
			return;
		}
		o.answer = dv_answers_lookup;
		o.answer_ctx = &ans;
	} else {
		o.driver_path = sub->path;
	}
	bool ran_driver = false;
	for (size_t t = 0; t < g->ntests; t++) {
		struct dv_grade_result *r = &sub->res[t];
		dv_grade_file(g->tests[t], &o, r);
		ran_driver |= r->ran_driver;
		if (r->unloadable && r->nlines) {
			/* No probe beforehand (a driver host of its own for each submission): the
			 * first test that loads the driver finds out, and its message stands for
			 * every test. */
			fail_unloadable(sub, t + 1, g->ntests, r->lines[0]);
			return;
		}
		if (r->leftovers) {
			/* A process still running after the test is the driver's misuse. */
			snprintf(err, sizeof err,
			         "%s: driver left %u process%s running after the test (killed)",
			         g->tests[t], r->leftovers, r->leftovers == 1 ? "" : "es");
			result_add(r, err);
			if (r->verdict == DV_GRADE_PASS)
				r->verdict = DV_GRADE_FAIL;
		}
	}
	if (o.driver_path && !ran_driver && !probe_submission(g, sub, err, sizeof err))
		fail_unloadable(sub, g->ntests, g->ntests, err);
	dv_answers_free(&ans);
}

/* What a test printed, for --show-output: each line after "  | " (escaped already). */
static void show_printed(const struct dv_grade_result *r)
{
	const char *p = r->printed;
	if (!p || !*p)
		return;
	printf("  output of the test's process%s:\n", r->dropped ? " (cut)" : "");
	while (*p) {
		size_t n = strcspn(p, "\n");
		printf("  | %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

/* In the grader, in the submissions' order: the submission's block of PASS/FAIL lines. */
static void print_submission(void *ctx, size_t i)
{
	const struct grade_class *g = ctx;
	struct submission *sub = &g->subs[i];
	fputs("== ", stdout);
	dv_report_puts(stdout, sub->path, 0);
	fputc('\n', stdout);
	for (size_t t = 0; t < g->ntests; t++) {
		const struct dv_grade_result *r = &sub->res[t];
		sub->passed += r->verdict == DV_GRADE_PASS;
		printf("%s ", r->verdict == DV_GRADE_PASS ? "PASS" : "FAIL");
		dv_report_puts(stdout, g->tests[t], 0);
		fputc('\n', stdout);
		for (size_t l = 0; l < r->nlines; l++) {
			fputs("  ", stdout);
			dv_report_puts(stdout, r->lines[l], 0);
			fputc('\n', stdout);
		}
		if (g->show_output)
			show_printed(r);
		else if (r->printed && r->printed[0])
			printf("  (the test's process printed %zu bytes: --show-output shows them)\n",
			       strlen(r->printed) + r->dropped);
	}
	fflush(stdout);
}

struct grade_args {
	const char *tests, *hidden, *junit, *gradescope;
	unsigned cpu, jobs;
	bool strict, show_output;
};

static bool jobs_count(const char *val, void *dst, char *why, size_t whylen)
{
	char *end;
	long n = strtol(val, &end, 10);
	if (!*end && n >= 1 && n <= 256) {
		*(unsigned *)dst = (unsigned)n;
		return true;
	}
	snprintf(why, whylen, "-j wants a number of submissions at once (1-256), not '%s'", val);
	return false;
}

static bool cpu_limit(const char *val, void *dst, char *why, size_t whylen)
{
	if (dv_opts_seconds(val, dst))
		return true;
	snprintf(why, whylen, "--cpu-limit wants whole seconds (1-3600), not '%s'", val);
	return false;
}

static const struct dv_opt grade_opts[] = {
	{ "--tests", NULL, "DIR", "the lessons and test scripts to grade with",
	  offsetof(struct grade_args, tests), NULL, NULL },
	{ "--hidden", NULL, "DIR",
	  "hidden tests, graded after DIR of --tests (Gradescope shows\n"
	  "them once grades are published)",
	  offsetof(struct grade_args, hidden), NULL, NULL },
	{ "--junit", NULL, "FILE", "also write a JUnit XML report (one testsuite per submission)",
	  offsetof(struct grade_args, junit), NULL, NULL },
	{ "--gradescope", NULL, "FILE", "also write Gradescope's results.json (one submission)",
	  offsetof(struct grade_args, gradescope), NULL, NULL },
	{ "--cpu-limit", NULL, "S", "CPU seconds each file may use (default 2)",
	  offsetof(struct grade_args, cpu), cpu_limit, NULL },
	{ "--strict", NULL, NULL, "fail a file at the first verifier rule it does not expect",
	  offsetof(struct grade_args, strict), NULL, NULL },
	{ "-j", "--jobs", "N",
	  "grade N submissions at once, each in its own worker process\n"
	  "(default: the online CPUs); the output is the same for any N",
	  offsetof(struct grade_args, jobs), jobs_count, NULL },
	{ "--show-output", NULL, NULL,
	  "show what each test's process printed (escaped; at most\n"
	  "64 KiB a test), under its PASS/FAIL line",
	  offsetof(struct grade_args, show_output), NULL, NULL },
};

const struct dv_cmd_spec dv_grade_spec = {
	.name = "grade",
	.synopsis = "--tests DIR [--hidden DIR] [--junit FILE] [--gradescope FILE]\n"
	            "[--cpu-limit SECONDS] [--strict] [-j N] [--show-output] SUBMISSION...",
	.what = "grade learners' drivers (.so) or answers files, each test in its own process with "
	        "CPU and memory limits",
	.about =
	        "Runs every *.lesson and *.tst file in DIR (in name order) against each submission:\n"
	        "a learner's driver module (FILE.so, built against the dmaviz-driver SDK) or, for\n"
	        "lessons that ask questions, an answers file (FILE.txt, 'ID: VALUE' per line). Each\n"
	        "file runs in its own child process, in its own process group and a Landlock cage\n"
	        "(no writing or deleting files, no TCP, no exec): a crash, an exit, a process left\n"
	        "running, or more than the CPU limit (2 s by default, plus what the simulator needs\n"
	        "for the test) fails that file, and grading goes on. What a test's process prints\n"
	        "is kept apart (64 KiB a test) for --show-output and the reports. Prints a table of\n"
	        "PASS/FAIL per submission and file, with the messages of the failures; on a\n"
	        "terminal, a progress line on stderr while it grades.\n",
	.status = "Exit status: 0 grading ran (whatever the grades), 2 bad usage or bad input.\n",
	.opts = grade_opts,
	.nopts = DV_OPTS_COUNT(grade_opts),
	.column = 21,
	.max_args = -1,
};

int dv_cmd_grade(int argc, char **argv)
{
	struct grade_args args = { .cpu = 2 };
	int nargs, rc = dv_opts_parse(&dv_grade_spec, argc, argv, &args, &nargs);
	if (rc != DV_OPTS_GO)
		return rc;
	const char *tests_dir = args.tests, *junit = args.junit, *gradescope = args.gradescope;
	unsigned cpu = args.cpu;
	bool strict = args.strict;
	if (!tests_dir) {
		fprintf(stderr, "dmaviz grade: --tests DIR is required\n");
		dv_opts_help(&dv_grade_spec, stderr);
		return 2;
	}
	if (!nargs) {
		fprintf(stderr, "dmaviz grade: no submission given\n");
		dv_opts_help(&dv_grade_spec, stderr);
		return 2;
	}
	/* The tests. */
	size_t ntests = 0;
	char **tests = dv_files_list(tests_dir, true, &ntests);
	if (!tests) {
		fprintf(stderr, "dmaviz grade: %s: %s\n", tests_dir, strerror(errno));
		return 2;
	}
	if (!ntests) {
		fprintf(stderr, "dmaviz grade: %s: no *.lesson or *.tst files\n", tests_dir);
		free(tests);
		return 2;
	}
	/* Gradescope runs the autograder once per submission: one results.json, one learner. */
	if (gradescope && nargs != 1) {
		fprintf(stderr,
		        "dmaviz grade: --gradescope writes one submission's results; %d given\n",
		        nargs);
		for (size_t t = 0; t < ntests; t++)
			free(tests[t]);
		free(tests);
		return 2;
	}
	/* The hidden tests follow the visible ones; only Gradescope's report tells them apart. */
	size_t nvisible = ntests;
	if (args.hidden) {
		size_t nh = 0;
		char **h = dv_files_list(args.hidden, true, &nh);
		char **all = h ? realloc(tests, (ntests + nh) * sizeof *tests) : NULL;
		if (!h || !all || !nh) {
			fprintf(stderr, "dmaviz grade: %s: %s\n", args.hidden,
			        !h  ? strerror(errno) :
			        !nh ? "no *.lesson or *.tst files" :
			              "out of memory");
			for (size_t t = 0; t < nh; t++)
				free(h[t]);
			free(h);
			for (size_t t = 0; t < ntests; t++)
				free((all ? all : tests)[t]);
			free(all ? all : tests);
			return 2;
		}
		tests = all;
		memcpy(tests + ntests, h, nh * sizeof *h);
		ntests += nh;
		free(h);
	}
	/* Every test parses before any submission runs: a teacher's typo is one error naming
	 * the test, not a FAIL for every learner. */
	struct dv_lesson **parsed = calloc(ntests, sizeof *parsed);
	int status = parsed ? 0 : 2;
	for (size_t t = 0; parsed && t < ntests; t++) {
		struct dv_msgs msgs;
		dv_msgs_init(&msgs);
		parsed[t] = dv_lesson_load(tests[t], &msgs);
		if (!parsed[t]) {
			dv_report_fprint(stderr, &msgs, true);
			fprintf(stderr,
			        "dmaviz grade: %s: the test does not parse; nothing was graded\n",
			        tests[t]);
			status = 2;
		}
		dv_msgs_finish(&msgs);
	}
	/* The submissions must at least exist: a typo is the teacher's, not the learner's. */
	for (int k = 1; k <= nargs; k++) {
		struct stat sb;
		if (stat(argv[k], &sb) != 0 || !S_ISREG(sb.st_mode)) {
			fprintf(stderr, "dmaviz grade: %s: %s\n", argv[k],
			        stat(argv[k], &sb) != 0 ? strerror(errno) : "not a regular file");
			status = 2;
			continue;
		}
		/* An answers file that names a question no test asks (a typo in an id) is an
		 * error at its line before anything is graded, as in `check --answers`. */
		if (has_suffix(argv[k], ".txt") && parsed && !status) {
			struct dv_answers ans = { 0 };
			char err[1200];
			if (dv_answers_load(&ans, argv[k], err, sizeof err) != DV_ANSWERS_OK ||
			    !dv_answers_check_ids(&ans, (const struct dv_lesson *const *)parsed,
			                          ntests, err, sizeof err)) {
				fprintf(stderr, "%s\ndmaviz grade: %s: nothing was graded\n", err,
				        argv[k]);
				status = 2;
			}
			dv_answers_free(&ans);
		}
	}
	size_t nsubs = (size_t)nargs;
	struct submission *subs = status ? NULL : calloc(nsubs, sizeof *subs);
	if (!subs) {
		for (size_t t = 0; t < ntests; t++) {
			free(tests[t]);
			if (parsed)
				dv_lesson_free(parsed[t]);
		}
		free(parsed);
		free(tests);
		return 2;
	}
	struct dv_grade_job *jobs = calloc(nsubs, sizeof *jobs);
	for (size_t s = 0; s < nsubs && jobs; s++) {
		struct submission *sub = &subs[s];
		sub->path = argv[1 + (int)s];
		sub->started = (long long)time(NULL);
		snprintf(sub->classname, sizeof sub->classname, "dmaviz.grade.%s",
		         base_name(sub->path));
		sub->res = calloc(ntests, sizeof *sub->res);
		if (!sub->res)
			break;
		jobs[s] = (struct dv_grade_job){ sub->res, ntests };
	}
	if (!jobs || !subs[nsubs - 1].res) {
		status = 2;
	} else {
		struct grade_class g = { tests, ntests, subs, strict, cpu, args.show_output };
		struct dv_grade_jobs run = { jobs,
			                     nsubs,
			                     args.jobs ? args.jobs : dv_grade_jobs_cpus(),
			                     grade_submission,
			                     print_submission,
			                     &g,
			                     true };
		dv_grade_jobs_run(&run);
	}
	free(jobs);
	if (status == 0) {
		/* The table: one row per submission, one column per test, each column as wide as
		 * its widest cell in display cells (names escaped as in the lines above). */
		size_t w = strlen("SUBMISSION");
		for (size_t s = 0; s < nsubs; s++)
			if (dv_report_cells(base_name(subs[s].path)) > w)
				w = dv_report_cells(base_name(subs[s].path));
		fputc('\n', stdout);
		dv_report_puts(stdout, "SUBMISSION", w);
		for (size_t t = 0; t < ntests; t++) {
			fputs("  ", stdout);
			dv_report_puts(stdout, test_column(tests[t]), 4);
		}
		printf("  TOTAL\n");
		for (size_t s = 0; s < nsubs; s++) {
			dv_report_puts(stdout, base_name(subs[s].path), w);
			for (size_t t = 0; t < ntests; t++) {
				size_t cw = dv_report_cells(test_column(tests[t]));
				fputs("  ", stdout);
				dv_report_puts(stdout,
				               subs[s].res[t].verdict == DV_GRADE_PASS ? "PASS" :
				                                                         "FAIL",
				               cw > 4 ? cw : 4);
			}
			printf("  %zu/%zu\n", subs[s].passed, ntests);
		}
		if (junit && !write_junit(junit, subs, nsubs, tests, ntests)) {
			fprintf(stderr, "dmaviz grade: cannot write %s: %s\n", junit,
			        strerror(errno));
			status = 2;
		}
		if (gradescope &&
		    !write_gradescope(gradescope, &subs[0], tests, parsed, ntests, nvisible)) {
			fprintf(stderr, "dmaviz grade: cannot write %s: %s\n", gradescope,
			        strerror(errno));
			status = 2;
		}
	}
	for (size_t s = 0; s < nsubs; s++) {
		if (subs[s].res)
			for (size_t t = 0; t < ntests; t++)
				dv_grade_result_free(&subs[s].res[t]);
		free(subs[s].res);
	}
	free(subs);
	for (size_t t = 0; t < ntests; t++) {
		free(tests[t]);
		dv_lesson_free(parsed[t]);
	}
	free(parsed);
	free(tests);
	return status;
}
