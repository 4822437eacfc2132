/* dmaviz: `dmaviz trace`: runs a lesson headless with its own answers and exports its whole
 * trace as text, JSON Lines or VCD (docs/trace-formats.md). */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_trace.h"
#include "cmd_grade.h"
#include "driver.h"
#include "export.h"
#include "lesson.h"
#include "files.h"
#include "opts.h"
#include "report.h"
#include "sim.h"

static void print_msgs(const struct dv_msgs *m, bool failed)
{
	dv_report_fprint(stderr, m, failed);
}

struct trace_args {
	const char *format, *out, *driver;
};

static const struct dv_opt trace_opts[] = {
	{ "--format", "-f", "FMT", "text, jsonl or vcd", offsetof(struct trace_args, format), NULL,
	  NULL },
	{ "-o", "--output", "FILE", "write to FILE instead of standard output",
	  offsetof(struct trace_args, out), NULL, NULL },
	{ "--driver", NULL, "FILE.so", "a learner's driver module, run in this process",
	  offsetof(struct trace_args, driver), NULL, "needs a driver module (FILE.so)" },
};

const struct dv_cmd_spec dv_trace_spec = {
	.name = "trace",
	.synopsis = "LESSON [--format text|jsonl|vcd] [-o FILE] [--driver FILE.so]",
	.what = "run a lesson headless and write its trace in words, as JSON Lines, or as a VCD of "
	        "the bus signals for GTKWave",
	.about =
	        "Runs a lesson headless (each question takes the lesson's own answer) and writes its\n"
	        "whole trace: the event log in words (text, the default), one JSON object per event\n"
	        "(jsonl), or the bus signals and registers as a VCD waveform for GTKWave (vcd).\n"
	        "LESSON is a path or a lesson id such as 'tour' or '01-tour'. The formats are\n"
	        "described in docs/trace-formats.md.\n",
	.status =
	        "Exit status: 0 success, 1 a check of the lesson failed (the trace is still "
	        "written),\n2 bad usage, a lesson that does not parse or cannot run, or a file that "
	        "cannot be\nwritten.\n",
	.opts = trace_opts,
	.nopts = DV_OPTS_COUNT(trace_opts),
	.column = 14,
	.max_args = 1,
	.args_anywhere = true,
	.extra_hint = " (one lesson at a time)",
};

/* Prints "dmaviz trace: HEAD ARG TAIL" and the usage; returns 2. */
static int bad_usage(const char *head, const char *arg, const char *tail)
{
	fprintf(stderr, "dmaviz trace: %s%s%s\n", head, arg, tail);
	dv_opts_help(&dv_trace_spec, stderr);
	return 2;
}

int dv_cmd_trace(int argc, char **argv)
{
	struct trace_args args = { .format = "text" };
	int nargs, rc = dv_opts_parse(&dv_trace_spec, argc, argv, &args, &nargs);
	if (rc != DV_OPTS_GO)
		return rc;
	const char *format = args.format, *out = args.out, *driver_path = args.driver;
	const char *lesson = nargs ? argv[1] : NULL;
	if (strcmp(format, "text") && strcmp(format, "jsonl") && strcmp(format, "vcd"))
		return bad_usage("unknown format '", format, "' (text, jsonl or vcd)");
	if (!lesson)
		return bad_usage("no lesson given", "", "");

	/* A learner's driver runs in this process here: trace is for looking, grade isolates. */
	struct dv_driver drv = { 0 };
	if (driver_path) {
		char err[512];
		if (!dv_driver_open(&drv, driver_path, err, sizeof err)) {
			fprintf(stderr, "dmaviz trace: %s\n", err);
			return 2;
		}
	}
	char *path = dv_lesson_find(lesson);
	if (!path) {
		fprintf(stderr,
		        "dmaviz trace: no lesson '%s' (try `dmaviz list`, or give a path)\n",
		        lesson);
		return 2;
	}
	/* A crash in the learner's code would end this process with nothing to show for it:
	 * run the lesson once in a child first (driver.h). */
	char why[1500];
	if (driver_path && !dv_driver_preflight(&drv, path, why, sizeof why)) {
		fprintf(stderr, "dmaviz trace: %s\n", why);
		free(path);
		dv_driver_close(&drv);
		return 2;
	}
	struct dv_msgs msgs;
	dv_msgs_init(&msgs);
	struct dv_lesson *L = dv_lesson_load(path, &msgs);
	if (!L) {
		print_msgs(&msgs, true);
		dv_msgs_finish(&msgs);
		free(path);
		return 2;
	}
	dv_msgs_finish(&msgs);
	char err[1500];
	if (driver_path && !dv_driver_fits(L, path, driver_path, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		dv_lesson_free(L);
		free(path);
		dv_driver_close(&drv);
		return 2;
	}
	struct dv_run_options ro;
	memset(&ro, 0, sizeof ro);
	ro.load = dv_file_load_relative;
	ro.driver_entry = driver_path ? drv.entry : NULL;
	ro.learner = driver_path != NULL;
	struct dv_run *run = dv_run_create(L, &ro);
	if (!run) {
		fprintf(stderr, "dmaviz trace: %s: out of memory\n", path);
		dv_lesson_free(L);
		free(path);
		return 2;
	}
	dv_run_all(run);
	const struct dv_msgs *m = dv_run_msgs(run);
	int status = 0;
	if (dv_msgs_count(m, DV_MSG_ERROR))
		status = 2;
	else if (dv_msgs_count(m, DV_MSG_FAIL) || m->dropped)
		status = 1;
	/* trace is for looking: a verifier rule is told even when the lesson passes. */
	print_msgs(m, true);

	struct dv_outbuf buf = { 0 };
	bool ok;
	if (!strcmp(format, "jsonl"))
		ok = dv_export_jsonl(dv_run_sim(run), dv_run_ndis(run), dv_outbuf_write, &buf);
	else if (!strcmp(format, "vcd"))
		ok = dv_export_vcd(dv_run_sim(run), false, dv_outbuf_write, &buf);
	else
		ok = dv_export_text(dv_run_sim(run), dv_run_ndis(run), dv_outbuf_write, &buf);
	if (!ok || buf.failed) {
		fprintf(stderr, "dmaviz trace: %s: out of memory exporting the trace\n", path);
		status = 2;
	} else if (out) {
		/* A temporary file renamed into place, so a reader never sees half a trace. */
		char tmp[4096];
		snprintf(tmp, sizeof tmp, "%s.tmp%ld", out, (long)getpid());
		FILE *f = fopen(tmp, "wb");
		bool wok = f && fwrite(buf.data ? buf.data : "", 1, buf.len, f) == buf.len;
		if (f)
			wok = fclose(f) == 0 && wok;
		if (!wok || rename(tmp, out) != 0) {
			fprintf(stderr, "dmaviz trace: cannot write %s: %s\n", out,
			        strerror(errno));
			remove(tmp);
			status = 2;
		}
	} else if (buf.len &&
	           (fwrite(buf.data, 1, buf.len, stdout) != buf.len || fflush(stdout) != 0)) {
		fprintf(stderr, "dmaviz trace: cannot write the trace: %s\n", strerror(errno));
		status = 2;
	}
	dv_outbuf_free(&buf);
	dv_run_destroy(run);
	dv_lesson_free(L);
	free(path);
	if (driver_path)
		dv_driver_close(&drv);
	return status;
}
