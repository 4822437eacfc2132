/* dmaviz: `dmaviz trace`: runs a lesson headless with its own answers, or reads a recording,
 * and exports its whole trace as text, JSON Lines or VCD (docs/trace-formats.md), written as
 * it is made: memory is the run's, not the output's. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_trace.h"
#include "export.h"
#include "headless.h"
#include "lesson.h"
#include "opts.h"
#include "report.h"
#include "sim.h"

struct trace_args {
	const char *format, *out, *driver;
	bool wires;
};

static const struct dv_opt trace_opts[] = {
	{ "--format", "-f", "FMT", "text, jsonl or vcd", offsetof(struct trace_args, format), NULL,
	  NULL },
	{ "-o", "--output", "FILE", "write to FILE instead of standard output",
	  offsetof(struct trace_args, out), NULL, NULL },
	{ "--driver", NULL, "FILE.so", "a learner's driver module, run in this process",
	  offsetof(struct trace_args, driver), NULL, "needs a driver module (FILE.so)" },
	{ "--wires", NULL, NULL,
	  "vcd: the 1-bit wires alone (for sigrok and other tools that\nstop at multi-bit values)",
	  offsetof(struct trace_args, wires), NULL, NULL },
};

const struct dv_cmd_spec dv_trace_spec = {
	.name = "trace",
	.synopsis =
	        "LESSON|RUN.dvr [--format text|jsonl|vcd] [--wires] [-o FILE] [--driver FILE.so]",
	.what = "run a lesson headless, or read a recording, and write its trace in words, as JSON "
	        "Lines, or as a VCD of the bus signals for GTKWave",
	.about =
	        "Runs a lesson headless (each question takes the lesson's own answer), or reads a\n"
	        "recording made by `dmaviz record` without running anything, and writes its whole\n"
	        "trace as it reads it: the event log in words (text, the default), one JSON object\n"
	        "per event (jsonl), or the bus signals and registers as a VCD waveform for GTKWave\n"
	        "(vcd; --wires for the 1-bit wires alone). LESSON is a path or a lesson id such as\n"
	        "'tour' or '01-tour'. The formats are described in docs/trace-formats.md.\n",
	.status = "Exit status: 0 success, 1 a check of the lesson failed (the trace is still "
	          "written),\n2 bad usage, a lesson that does not parse or cannot run, a recording "
	          "that cannot be\nread, or a file that cannot be written.\n",
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

/* The trace of h in format, written as it is made, onto f. */
static bool export(const struct dv_headless *h, const struct trace_args *args, FILE *f)
{
	struct dv_sim *sim = dv_run_sim(h->run);
	if (!strcmp(args->format, "jsonl"))
		return dv_export_jsonl(sim, dv_run_ndis(h->run), dv_report_file_write, f);
	if (!strcmp(args->format, "vcd"))
		return dv_export_vcd(sim, args->wires, dv_report_file_write, f);
	return dv_export_text(sim, dv_run_ndis(h->run), dv_report_file_write, f);
}

/* To -o FILE through a temporary file renamed into place (a reader never sees half a trace),
 * or to standard output. 2 when it cannot be written. */
static int write_trace(const struct dv_headless *h, const struct trace_args *args)
{
	char tmp[4096];
	FILE *f = args->out ? dv_report_open(args->out, tmp, sizeof tmp) : stdout;
	bool ok = f && export(h, args, f);
	if (args->out)
		ok = f && dv_report_close(f, tmp, args->out) && ok;
	else
		ok = fflush(stdout) == 0 && !ferror(stdout) && ok;
	if (ok)
		return 0;
	fprintf(stderr, "dmaviz trace: cannot write %s: %s\n", args->out ? args->out : "the trace",
	        strerror(errno ? errno : EIO));
	return 2;
}

int dv_cmd_trace(int argc, char **argv)
{
	struct trace_args args = { .format = "text" };
	int nargs, rc = dv_opts_parse(&dv_trace_spec, argc, argv, &args, &nargs);
	if (rc != DV_OPTS_GO)
		return rc;
	const char *lesson = nargs ? argv[1] : NULL;
	if (strcmp(args.format, "text") && strcmp(args.format, "jsonl") &&
	    strcmp(args.format, "vcd"))
		return bad_usage("unknown format '", args.format, "' (text, jsonl or vcd)");
	if (args.wires && strcmp(args.format, "vcd"))
		return bad_usage("--wires is for --format vcd", "", "");
	if (!lesson)
		return bad_usage("no lesson given", "", "");
	struct dv_headless h;
	bool ok = dv_headless_open(&h, "trace", lesson, args.driver, true);
	int status = h.status;
	if (ok) {
		int w = write_trace(&h, &args);
		status = w ? w : status;
	}
	dv_headless_close(&h);
	return status;
}
