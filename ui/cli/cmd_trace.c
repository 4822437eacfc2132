/* dmaviz: `dmaviz trace`: runs a lesson headless with its own answers and exports its whole
 * trace as text, JSON Lines or VCD (docs/trace-formats.md). */
#include "config.h"

#include <errno.h>
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
#include "sim.h"


static void trace_usage(FILE *f)
{
	fputs("usage: dmaviz trace LESSON [--format text|jsonl|vcd] [-o FILE] [--driver FILE.so]\n"
	      "\n"
	      "Runs a lesson headless (each question takes the lesson's own answer) and writes its\n"
	      "whole trace: the event log in words (text, the default), one JSON object per event\n"
	      "(jsonl), or the bus signals and registers as a VCD waveform for GTKWave (vcd).\n"
	      "LESSON is a path or a lesson id such as 'tour' or '01-tour'. The formats are\n"
	      "described in docs/trace-formats.md.\n"
	      "\n"
	      "  --format FMT  text, jsonl or vcd\n"
	      "  -o FILE       write to FILE instead of standard output\n"
	      "\n"
	      "Exit status: 0 success, 1 a check of the lesson failed (the trace is still written),\n"
	      "2 bad usage, a lesson that does not parse or cannot run, or a file that cannot be\n"
	      "written.\n",
	      f);
}





static void print_msgs(const struct dv_msgs *m)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].kind == DV_MSG_INFO)
			continue;
		fprintf(stderr, "%s\n", m->v[i].text);
		if (m->v[i].hint)
			fprintf(stderr, "  hint: %s\n", m->v[i].hint);
	}
	if (m->dropped)
		fprintf(stderr, "... and %zu more\n", m->dropped);
}

/* Prints "dmaviz trace: HEAD ARG TAIL" and the usage; returns 2. */
static int bad_usage(const char *head, const char *arg, const char *tail)
{
	fprintf(stderr, "dmaviz trace: %s%s%s\n", head, arg, tail);
	trace_usage(stderr);
	return 2;
}

int dv_cmd_trace(int argc, char **argv)
{
	const char *format = "text", *out = NULL, *lesson = NULL, *driver_path = NULL;
	bool opts_done = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!opts_done && !strcmp(a, "--")) {
			opts_done = true;
		} else if (!opts_done && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
			trace_usage(stdout);
			return 0;
		} else if (!opts_done && (!strcmp(a, "--format") || !strcmp(a, "-f") || !strcmp(a, "-o") ||
		                          !strcmp(a, "--output"))) {
			if (i + 1 >= argc)
				return bad_usage("", a, " needs an argument");
			if (a[1] == 'o' || a[2] == 'o')
				out = argv[++i];
			else
				format = argv[++i];
		} else if (!opts_done && !strcmp(a, "--driver")) {
			if (i + 1 >= argc)
				return bad_usage("", a, " needs a driver module (FILE.so)");
			driver_path = argv[++i];
		} else if (!opts_done && !strncmp(a, "--format=", 9)) {
			format = a + 9;
		} else if (!opts_done && !strncmp(a, "--output=", 9)) {
			out = a + 9;
		} else if (!opts_done && a[0] == '-' && a[1]) {
			return bad_usage("unknown option '", a, "'");
		} else if (lesson) {
			return bad_usage("unexpected argument '", a, "' (one lesson at a time)");
		} else {
			lesson = a;
		}
	}
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
		fprintf(stderr, "dmaviz trace: no lesson '%s' (try `dmaviz list`, or give a path)\n", lesson);
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
		print_msgs(&msgs);
		dv_msgs_finish(&msgs);
		free(path);
		return 2;
	}
	dv_msgs_finish(&msgs);
	struct dv_run_options ro;
	memset(&ro, 0, sizeof ro);
	ro.load = dv_file_load_relative;
	ro.driver_entry = driver_path ? drv.entry : NULL;
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
	print_msgs(m);

	struct dv_outbuf buf = { 0 };
	bool ok;
	if (!strcmp(format, "jsonl"))
		ok = dv_export_jsonl(dv_run_sim(run), dv_run_ndis(run), dv_outbuf_write, &buf);
	else if (!strcmp(format, "vcd"))
		ok = dv_export_vcd(dv_run_sim(run), dv_outbuf_write, &buf);
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
			fprintf(stderr, "dmaviz trace: cannot write %s: %s\n", out, strerror(errno));
			remove(tmp);
			status = 2;
		}
	} else if (buf.len && (fwrite(buf.data, 1, buf.len, stdout) != buf.len || fflush(stdout) != 0)) {
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
