/* dmaviz: `dmaviz check` (lessons and test scripts headless, JUnit and TAP reports) and
 * `dmaviz list` (the course). */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd_check.h"
#include "cmd_grade.h"
#include "driver.h"
#include "files.h"
#include "lesson.h"
#include "opts.h"
#include "report.h"
#include "sim.h"

/* ---- files ---------------------------------------------------------------------------------- */

struct paths {
	char **v;
	size_t n, cap;
};

static bool paths_add(struct paths *p, const char *dir, const char *name)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		char **v = realloc(p->v, cap * sizeof *v);
		if (!v)
			return false;
		p->v = v;
		p->cap = cap;
	}
	size_t dl = dir ? strlen(dir) : 0;
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	size_t len = dl + 1 + strlen(name) + 1;
	char *s = malloc(len);
	if (!s)
		return false;
	if (dir)
		snprintf(s, len, "%.*s/%s", (int)dl, dir, name);
	else
		snprintf(s, len, "%s", name);
	p->v[p->n++] = s;
	return true;
}

static void paths_free(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
}

/* Adds dir's files ending in one of the suffixes, in name order. */
static bool add_dir(struct paths *p, const char *dir, bool tst_too)
{
	size_t n;
	char **v = dv_files_list(dir, tst_too, &n);
	if (!v)
		return false;
	for (size_t i = 0; i < n; i++)
		paths_add(p, NULL, v[i]);
	dv_lessons_list_free(v, n);
	return true;
}

/* ---- answers -------------------------------------------------------------------------------------- */

/* ---- check ------------------------------------------------------------------------------------ */

enum verdict { V_PASS = DV_GRADE_PASS, V_FAIL = DV_GRADE_FAIL, V_ERROR = DV_GRADE_ERROR };

struct result {
	const char *path;
	enum verdict verdict;
	char **lines; /* messages, and their hints as "hint: ..." or "Fix: ..." */
	size_t nlines;
	char **rows; /* its output table, with --output */
	size_t nrows;
	double seconds;
};

static void result_add(struct result *r, const char *text)
{
	char **v = realloc(r->lines, (r->nlines + 1) * sizeof *v);
	if (!v)
		return;
	r->lines = v;
	r->lines[r->nlines] = dv_dup_trimmed(text, strlen(text));
	if (r->lines[r->nlines])
		r->nlines++;
}

static void add_line(void *ctx, const char *line, bool hint)
{
	(void)hint;
	result_add(ctx, line);
}

static void result_msgs(struct result *r, const struct dv_msgs *m)
{
	dv_report_msgs(m, r->verdict != V_PASS, add_line, r);
}

struct check_opts {
	bool strict, tap, output;
	const char *junit;
	struct dv_answers *answers;
};

/* Every id of a learner's answers names a question of the files checked: a typo is an error
 * before anything runs, not a question left unanswered. */
static bool answers_known(const struct dv_answers *a, const struct paths *files)
{
	struct dv_lesson **L = calloc(files->n ? files->n : 1, sizeof *L);
	if (!L)
		return false;
	for (size_t i = 0; i < files->n; i++) {
		struct dv_msgs msgs;
		dv_msgs_init(&msgs);
		L[i] = dv_lesson_load(files->v[i], &msgs);
		dv_msgs_finish(&msgs);
	}
	char err[1200];
	bool ok = dv_answers_check_ids(a, (const struct dv_lesson *const *)L, files->n, err,
	                               sizeof err);
	if (!ok)
		fprintf(stderr, "%s\n", err);
	for (size_t i = 0; i < files->n; i++)
		dv_lesson_free(L[i]);
	free(L);
	return ok;
}

/* With --driver: the file must run a learner's driver. A file that does not parse is left to
 * the run, which reports it. */
static bool driver_fits(const char *path, const char *driver_path, struct result *r)
{
	char err[1200];
	bool fits = dv_driver_fits_file(path, driver_path, err, sizeof err);
	if (!fits) {
		r->path = path;
		r->verdict = V_ERROR;
		result_add(r, err);
	}
	return fits;
}

/* Under --strict, for the file's author: a step whose narration ends while the lesson still
 * acts leaves the learner a picture no paragraph describes (the front ends list the statements
 * as "Then: ..."). Static: the actions after the last paragraph or question of a step that has
 * narration (tests/app/test-session.c checks the shipped lessons on the recording). */
static bool ends_unnarrated(const struct dv_lesson *L, struct result *r)
{
	bool found = false;
	for (unsigned k = 0; k < L->nsteps; k++) {
		const struct dv_step *st = &L->steps[k];
		if (!st->nparas || !st->para_stmt)
			continue;
		size_t from = st->para_stmt[st->nparas - 1], end = st->first + st->count;
		for (size_t i = from; i < end; i++)
			if (L->stmts[i].kind == DV_ST_ASK)
				from = i + 1;
		uint32_t first = 0, last = 0;
		for (size_t i = from; i < end; i++) {
			enum dv_stmt_kind kd = L->stmts[i].kind;
			if (kd == DV_ST_EXPECT || kd == DV_ST_GOAL || kd == DV_ST_ASK ||
			    kd == DV_ST_BREAK || kd == DV_ST_OUTPUT || kd == DV_ST_OUTPUT_LIST)
				continue;
			if (!first)
				first = L->stmts[i].line;
			last = L->stmts[i].line;
		}
		if (!first)
			continue;
		char buf[600], lines[40] = "";
		if (last > first)
			snprintf(lines, sizeof lines, " (lines %u-%u)", first, last);
		snprintf(buf, sizeof buf,
		         "%s:%u: step %u acts after its last paragraph%s, so the narration shows "
		         "only 'Then: ...': add a paragraph after line %u that says what it did",
		         L->file, first, st->number, lines, last);
		result_add(r, buf);
		found = true;
	}
	return found;
}

static void check_one(const char *path, const struct check_opts *o, struct result *r)
{
	r->path = path;
	r->verdict = V_PASS;
	struct dv_msgs msgs;
	dv_msgs_init(&msgs);
	struct dv_lesson *L = dv_lesson_load(path, &msgs);
	if (!L) {
		result_msgs(r, &msgs);
		r->verdict = V_ERROR;
		dv_msgs_finish(&msgs);
		return;
	}
	dv_msgs_finish(&msgs);
	struct dv_run_options ro;
	memset(&ro, 0, sizeof ro);
	ro.strict = o->strict;
	ro.load = dv_file_load_relative;
	ro.learner = o->answers != NULL; /* a learner's answers: the messages are theirs */
	if (o->answers) {
		ro.answer = dv_answers_lookup;
		ro.ctx = o->answers;
	}
	struct dv_run *run = dv_run_create(L, &ro);
	if (!run) {
		char buf[600];
		snprintf(buf, sizeof buf, "%s: error: out of memory", path);
		result_add(r, buf);
		r->verdict = V_ERROR;
		dv_lesson_free(L);
		return;
	}
	dv_run_all(run);
	const struct dv_msgs *m = dv_run_msgs(run);
	if (dv_msgs_count(m, DV_MSG_ERROR))
		r->verdict = V_ERROR;
	else if (dv_msgs_count(m, DV_MSG_FAIL) || m->dropped)
		r->verdict = V_FAIL;
	result_msgs(r, m);
	/* The author's check (not with a learner's answers: they cannot change the file). */
	if (o->strict && !o->answers && ends_unnarrated(L, r) && r->verdict == V_PASS)
		r->verdict = V_FAIL;
	for (size_t i = 0; o->output && i < dv_run_rows(run); i++)
		dv_strv_add(&r->rows, &r->nrows, dv_run_row(run, i));
	dv_run_destroy(run);
	dv_lesson_free(L);
}

static bool write_junit(const char *path, const struct result *res, size_t n, long long started)
{
	struct dv_junit_case *cases = calloc(n ? n : 1, sizeof *cases);
	if (!cases)
		return false;
	double seconds = 0;
	for (size_t i = 0; i < n; i++) {
		cases[i] = (struct dv_junit_case){ "dmaviz.check",
			                           res[i].path,
			                           (int)res[i].verdict,
			                           res[i].lines,
			                           res[i].nlines,
			                           res[i].seconds,
			                           NULL };
		seconds += res[i].seconds;
	}
	struct dv_junit_suite suite = { "dmaviz check", cases, n, seconds, started };
	bool ok = dv_junit_write(path, &suite, 1);
	free(cases);
	return ok;
}

/* ---- the options ---------------------------------------------------------------------------- */

struct check_args {
	bool strict, tap, output;
	const char *junit, *answers, *driver;
	unsigned cpu_limit;
};

static bool cpu_limit(const char *val, void *dst, char *why, size_t whylen)
{
	if (dv_opts_seconds(val, dst))
		return true;
	snprintf(why, whylen, "--cpu-limit wants whole seconds (1-3600)");
	return false;
}

static const struct dv_opt check_opts[] = {
	{ "--answers", NULL, "FILE",
	  "a learner's answers, one 'ID: VALUE' or 'LESSON/ID: VALUE' per\n"
	  "line (without it each question takes the lesson's own answer)",
	  offsetof(struct check_args, answers), NULL, "needs a file name" },
	{ "--strict", NULL, NULL,
	  "fail a file at the first verifier rule it does not expect, or a step that acts "
	  "after its last paragraph",
	  offsetof(struct check_args, strict), NULL, NULL },
	{ "--output", NULL, NULL,
	  "print each file's output table (its output-list rows) under its\n"
	  "result, as its compare-to file must hold them",
	  offsetof(struct check_args, output), NULL, NULL },
	{ "--driver", NULL, "FILE.so",
	  "a learner's driver module for lessons with 'driver file'\n"
	  "(docs/driver-sdk.md); each file then runs in a child process",
	  offsetof(struct check_args, driver), NULL, NULL },
	{ "--cpu-limit", NULL, "S", "CPU seconds each file may use with --driver (default 2)",
	  offsetof(struct check_args, cpu_limit), cpu_limit, NULL },
	{ "--tap", NULL, NULL, "print TAP (Test Anything Protocol) instead",
	  offsetof(struct check_args, tap), NULL, NULL },
	{ "--junit", NULL, "FILE", "also write a JUnit XML report to FILE",
	  offsetof(struct check_args, junit), NULL, "needs a file name" },
};

const struct dv_cmd_spec dv_check_spec = {
	.name = "check",
	.synopsis = "[--junit FILE] [--tap] [--answers FILE] [--strict]\n"
	            "[--driver FILE.so [--cpu-limit S]] PATH...",
	.what = "run lessons and test scripts headless (a directory means every *.lesson and *.tst "
	        "file in it) and report what failed",
	.about = "Runs each lesson or test script headless and prints PASS or FAIL for each, with\n"
	         "the messages of failed ones, then 'N passed, N failed'. A directory means every\n"
	         "*.lesson and *.tst file in it, in name order.\n",
	.status = "Exit status: 0 all passed, 1 a check failed, 2 bad usage, a file that does not\n"
	          "parse, or a lesson that cannot run.\n",
	.opts = check_opts,
	.nopts = DV_OPTS_COUNT(check_opts),
	.column = 18,
	.max_args = -1,
};

int dv_cmd_check(int argc, char **argv)
{
	struct check_args args = { .cpu_limit = 2 };
	struct check_opts o;
	struct paths files = { 0 };
	struct dv_answers answers = { 0 };
	int status = 0, nargs;
	memset(&o, 0, sizeof o);
	int rc = dv_opts_parse(&dv_check_spec, argc, argv, &args, &nargs);
	if (rc != DV_OPTS_GO)
		return rc;
	if (!nargs) {
		fprintf(stderr, "dmaviz check: no lesson or test script given\n");
		dv_opts_help(&dv_check_spec, stderr);
		return 2;
	}
	o.strict = args.strict;
	o.tap = args.tap;
	o.output = args.output;
	o.junit = args.junit;
	const char *answers_path = args.answers, *driver_path = args.driver;
	unsigned cpu_limit = args.cpu_limit;
	if (answers_path) {
		char err[1200];
		enum dv_answers_status ast =
		        dv_answers_load(&answers, answers_path, err, sizeof err);
		if (ast != DV_ANSWERS_OK) {
			/* An unreadable file is the command's problem; a bad line is the file's. */
			fprintf(stderr,
			        ast == DV_ANSWERS_UNREADABLE ? "dmaviz check: %s\n" : "%s\n", err);
			dv_answers_free(&answers);
			return 2;
		}
		o.answers = &answers;
	}
	struct dv_driver driver = { 0 };
	if (driver_path) {
		char err[1200];
		if (!dv_driver_open(&driver, driver_path, err, sizeof err)) {
			fprintf(stderr, "dmaviz check: %s\n", err);
			dv_answers_free(&answers);
			return 2;
		}
	}
	for (int i = 1; i <= nargs; i++) {
		struct stat sb;
		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "dmaviz check: %s: %s\n", argv[i], strerror(errno));
			status = 2;
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			size_t before = files.n;
			if (!add_dir(&files, argv[i], true)) {
				fprintf(stderr, "dmaviz check: %s: %s\n", argv[i], strerror(errno));
				status = 2;
			} else if (files.n == before) {
				fprintf(stderr, "dmaviz check: %s: no *.lesson or *.tst files\n",
				        argv[i]);
				status = 2;
			}
		} else {
			paths_add(&files, NULL, argv[i]);
		}
	}
	if (o.answers && !answers_known(&answers, &files)) {
		paths_free(&files);
		dv_answers_free(&answers);
		dv_driver_close(&driver);
		return 2;
	}
	struct result *res = calloc(files.n ? files.n : 1, sizeof *res);
	if (!res) {
		paths_free(&files);
		dv_answers_free(&answers);
		return 2;
	}
	size_t passed = 0, failed = 0;
	long long started = (long long)time(NULL);
	if (o.tap)
		printf("TAP version 13\n");
	for (size_t k = 0; k < files.n; k++) {
		struct result *r = &res[k];
		double t0 = dv_report_now();
		if (driver.entry && !driver_fits(files.v[k], driver_path, r)) {
			/* a lesson that would ignore the driver: an error, not a silent pass */
		} else if (driver.entry) { /* a learner's driver: each file in its own child process */
			struct dv_grade_opts go = {
				driver.entry, driver_path,
				o.strict,     o.answers ? dv_answers_lookup : NULL,
				o.answers,    cpu_limit,
				o.output
			};
			struct dv_grade_result gr;
			dv_grade_file(files.v[k], &go, &gr);
			/* What the learner's driver printed (captured, capped at 64 KiB, escaped):
			 * theirs to see, on stderr as before. */
			if (gr.printed)
				fputs(gr.printed, stderr);
			r->path = files.v[k];
			r->verdict = gr.verdict == DV_GRADE_PASS ? V_PASS :
			             gr.verdict == DV_GRADE_FAIL ? V_FAIL :
			                                           V_ERROR;
			for (size_t l = 0; l < gr.nlines; l++)
				result_add(r, gr.lines[l]);
			for (size_t l = 0; l < gr.nrows; l++)
				dv_strv_add(&r->rows, &r->nrows, gr.rows[l]);
			dv_grade_result_free(&gr);
		} else {
			check_one(files.v[k], &o, r);
		}
		r->seconds = dv_report_now() - t0;
		if (r->verdict == V_PASS)
			passed++;
		else
			failed++;
		if (r->verdict == V_ERROR)
			status = 2;
		else if (r->verdict == V_FAIL && status == 0)
			status = 1;
		/* Names and messages as report.h shows them: bytes that are not UTF-8 and
		 * control characters escaped. */
		if (o.tap)
			printf("%s %zu - ", r->verdict == V_PASS ? "ok" : "not ok", k + 1);
		else
			printf("%s ", r->verdict == V_PASS ? "PASS" : "FAIL");
		dv_report_puts(stdout, r->path, 0);
		fputc('\n', stdout);
		for (size_t l = 0; l < r->nlines; l++) {
			fputs(o.tap ? "# " : "  ", stdout);
			dv_report_puts(stdout, r->lines[l], 0);
			fputc('\n', stdout);
		}
		/* The table as the file wrote it (nand2tetris prints its .out): a teacher copies
		 * it into the compare file. In TAP, as comments. */
		for (size_t l = 0; l < r->nrows; l++) {
			fputs(o.tap ? "# " : "", stdout);
			dv_report_puts(stdout, r->rows[l], 0);
			fputc('\n', stdout);
		}
		fflush(stdout);
	}
	if (o.tap) {
		printf("1..%zu\n", files.n);
		printf("# %zu passed, %zu failed\n", passed, failed);
	} else {
		printf("%zu passed, %zu failed\n", passed, failed);
	}
	if (o.junit && !write_junit(o.junit, res, files.n, started)) {
		fprintf(stderr, "dmaviz check: cannot write %s: %s\n", o.junit, strerror(errno));
		status = 2;
	}
	for (size_t k = 0; k < files.n; k++) {
		dv_strv_free(&res[k].lines, &res[k].nlines);
		dv_strv_free(&res[k].rows, &res[k].nrows);
	}
	free(res);
	paths_free(&files);
	dv_answers_free(&answers);
	dv_driver_close(&driver);
	return status;
}

/* ---- list -------------------------------------------------------------------------------------- */

const struct dv_cmd_spec dv_list_spec = {
	.name = "list",
	.synopsis = "",
	.what = "the id, level and title of every lesson",
	.about = "Prints the id, level and title of every lesson.\n",
};

int dv_cmd_list(int argc, char **argv)
{
	int nargs, rc = dv_opts_parse(&dv_list_spec, argc, argv, NULL, &nargs);
	if (rc != DV_OPTS_GO)
		return rc;
	/* Installed lessons first; a build tree that was never installed uses the source's. */
	const char *dir = DV_LESSONS_DIR;
	struct stat sb;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		dir = DV_SOURCE_LESSONS_DIR;
	struct paths files = { 0 };
	if (!add_dir(&files, dir, false)) {
		fprintf(stderr, "dmaviz list: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	int status = 0;
	printf("%-20s %-5s %s\n", "ID", "LEVEL", "TITLE");
	for (size_t i = 0; i < files.n; i++) {
		struct dv_msgs msgs;
		dv_msgs_init(&msgs);
		struct dv_lesson *L = dv_lesson_load(files.v[i], &msgs);
		if (!L) {
			for (size_t k = 0; k < msgs.n; k++)
				fprintf(stderr, "dmaviz list: %s\n", msgs.v[k].text);
			status = 2;
		} else {
			printf("%-20s %-5u %s\n", L->id, L->level, L->title);
		}
		dv_lesson_free(L);
		dv_msgs_finish(&msgs);
	}
	paths_free(&files);
	return status;
}
