/* dmaviz: `dmaviz record LESSON [--driver FILE.so] -o RUN.dvr`: runs a lesson headless and
 * writes the run as a recording (recording.h; docs/trace-formats.md) that `dmaviz RUN.dvr`,
 * `dmaviz gui RUN.dvr` and `dmaviz trace RUN.dvr` open without running anything. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_record.h"
#include "files.h"
#include "headless.h"
#include "opts.h"
#include "recording.h"
#include "report.h"
#include "view.h"

struct record_args {
	const char *out, *driver;
};

static const struct dv_opt record_opts[] = {
	{ "-o", "--output", "RUN.dvr", "the recording to write (required)",
	  offsetof(struct record_args, out), NULL, "needs a file name (RUN.dvr)" },
	{ "--driver", NULL, "FILE.so", "a learner's driver module, run in this process",
	  offsetof(struct record_args, driver), NULL, "needs a driver module (FILE.so)" },
};

const struct dv_cmd_spec dv_record_spec = {
	.name = "record",
	.synopsis = "LESSON [--driver FILE.so] -o RUN.dvr",
	.what = "run a lesson headless and keep the run in a file that the terminal UI, the window "
	        "and trace open without running it again",
	.about = "Runs a lesson headless (each question takes the lesson's own answer) and writes\n"
	         "the run to RUN.dvr: the lesson, the driver's name and SHA-256 and the source\n"
	         "lines its trace points at, the whole trace and what the lesson's checks found.\n"
	         "`dmaviz RUN.dvr`, `dmaviz gui RUN.dvr` and `dmaviz trace RUN.dvr` open it with\n"
	         "no driver and without running anything. LESSON is a path or a lesson id. The\n"
	         "format is described in docs/trace-formats.md.\n",
	.status = "Exit status: 0 success, 1 a check of the lesson failed (the recording is\n"
	          "still written), 2 bad usage, a lesson that does not parse or cannot run, or a\n"
	          "file that cannot be written.\n",
	.opts = record_opts,
	.nopts = DV_OPTS_COUNT(record_opts),
	.column = 20,
	.max_args = 1,
	.args_anywhere = true,
	.extra_hint = " (one lesson at a time)",
};

static int bad_usage(const char *what)
{
	fprintf(stderr, "dmaviz record: %s\n", what);
	dv_opts_help(&dv_record_spec, stderr);
	return 2;
}

/* Where the trace's source files are: as the trace names them, beside the driver module (a
 * learner's __FILE__ is relative to where it was compiled), or in this source tree (the
 * reference miniport's). */
struct sources {
	char *driver_dir;
};

static char *read_source(void *ctx, const char *file, size_t *len)
{
	const struct sources *s = ctx;
	char *text = dv_view_read_source(file, s->driver_dir, len);
	return text ? text : dv_view_read_source(file, DV_SOURCE_ROOT, len);
}

static bool put_file(void *ctx, const void *p, size_t n)
{
	return fwrite(p, 1, n, ctx) == n;
}

/* The module's SHA-256; false when it cannot be read. */
static bool driver_sha(const char *path, uint8_t sha[32])
{
	size_t len = 0;
	char *bytes = dv_file_read(path, (size_t)256 << 20, &len);
	if (bytes)
		dv_sha256(bytes, len, sha);
	free(bytes);
	return bytes != NULL;
}

static int write_recording(const struct dv_headless *h, const struct record_args *a)
{
	uint8_t sha[32];
	if (a->driver && !driver_sha(a->driver, sha)) {
		fprintf(stderr, "dmaviz record: cannot read %s: %s\n", a->driver,
		        dv_file_strerror(errno));
		return 2;
	}
	const char *slash = a->driver ? strrchr(a->driver, '/') : NULL;
	struct sources src = { slash ? strndup(a->driver, (size_t)(slash - a->driver)) :
		                       strdup(".") };
	struct dv_rec_meta m = { .version = DV_VERSION,
		                 .lesson_text = h->lesson_text,
		                 .lesson_len = h->lesson_len,
		                 .driver_name = a->driver,
		                 .driver_sha = a->driver ? sha : NULL,
		                 .read_source = read_source,
		                 .ctx = &src };
	char tmp[4096];
	FILE *f = dv_report_open(a->out, tmp, sizeof tmp);
	bool ok = f && dv_rec_write(h->run, &m, put_file, f);
	ok = f && dv_report_close(f, tmp, a->out) && ok;
	free(src.driver_dir);
	if (ok)
		return 0;
	fprintf(stderr, "dmaviz record: cannot write %s: %s\n", a->out,
	        strerror(errno ? errno : EIO));
	return 2;
}

int dv_cmd_record(int argc, char **argv)
{
	struct record_args args = { 0 };
	int nargs, rc = dv_opts_parse(&dv_record_spec, argc, argv, &args, &nargs);
	if (rc != DV_OPTS_GO)
		return rc;
	if (!nargs)
		return bad_usage("no lesson given");
	if (!args.out)
		return bad_usage("no recording to write: give -o RUN.dvr");
	struct dv_headless h;
	bool ok = dv_headless_open(&h, "record", argv[1], args.driver, false);
	int status = h.status;
	if (ok) {
		int w = write_recording(&h, &args);
		status = w ? w : status;
	}
	dv_headless_close(&h);
	return status;
}
