/* dmaviz: a lesson run headless, or a recording read back (headless.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_grade.h"
#include "files.h"
#include "headless.h"
#include "lesson.h"
#include "recording.h"
#include "report.h"

static bool open_recording(struct dv_headless *h, const char *cmd, const char *driver_path)
{
	if (driver_path) {
		fprintf(stderr, "dmaviz %s: %s is a recording: it needs no --driver\n", cmd,
		        h->path);
		return false;
	}
	char err[800];
	h->rec = dv_recording_load(h->path, err, sizeof err);
	if (!h->rec) {
		fprintf(stderr, "dmaviz %s: %s\n", cmd, err);
		return false;
	}
	h->L = h->rec->lesson;
	h->run = h->rec->run;
	return true;
}

/* The lesson's bytes (the recording keeps them) and the lesson parsed from them. */
static bool load_lesson(struct dv_headless *h)
{
	size_t len = 0;
	h->lesson_text = dv_file_read(h->path, DV_LESSON_MAX_BYTES + 1, &len);
	h->lesson_len = len;
	struct dv_msgs msgs;
	dv_msgs_init(&msgs);
	h->L = dv_lesson_load(h->path, &msgs);
	if (!h->L || !h->lesson_text)
		dv_report_fprint(stderr, &msgs, true);
	dv_msgs_finish(&msgs);
	return h->L && h->lesson_text;
}

static bool run_lesson(struct dv_headless *h, const char *cmd, const char *driver_path)
{
	char err[1500];
	/* A learner's driver runs in its driver host (driver.h): a crash or a loop there ends its
	 * run with a message in the recording, never this process. */
	if (driver_path && !dv_driver_open(&h->drv, driver_path, err, sizeof err)) {
		fprintf(stderr, "dmaviz %s: %s\n", cmd, err);
		return false;
	}
	if (!load_lesson(h))
		return false;
	if (driver_path && !dv_driver_fits(h->L, h->path, driver_path, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return false;
	}
	struct dv_run_options ro;
	memset(&ro, 0, sizeof ro);
	ro.load = dv_file_load_relative;
	ro.driver_entry = driver_path ? h->drv.entry : NULL;
	ro.learner = driver_path != NULL;
	h->run = dv_run_create(h->L, &ro);
	if (!h->run) {
		fprintf(stderr, "dmaviz %s: %s: out of memory\n", cmd, h->path);
		return false;
	}
	dv_run_all(h->run);
	return true;
}

bool dv_headless_open(struct dv_headless *h, const char *cmd, const char *lesson,
                      const char *driver_path, bool recordings)
{
	memset(h, 0, sizeof *h);
	h->status = 2;
	h->path = dv_lesson_find(lesson);
	if (!h->path) {
		fprintf(stderr, "dmaviz %s: no lesson '%s' (try `dmaviz list`, or give a path)\n",
		        cmd, lesson);
		return false;
	}
	bool is_rec = dv_file_is_recording(h->path);
	if (is_rec && !recordings) {
		fprintf(stderr, "dmaviz %s: %s is a recording already, not a lesson\n", cmd,
		        h->path);
		return false;
	}
	if (!(is_rec ? open_recording(h, cmd, driver_path) : run_lesson(h, cmd, driver_path)))
		return false;
	const struct dv_msgs *m = dv_run_msgs(h->run);
	if (dv_msgs_count(m, DV_MSG_ERROR))
		h->status = 2;
	else if (dv_msgs_count(m, DV_MSG_FAIL) || m->dropped)
		h->status = 1;
	else
		h->status = 0;
	/* For looking: a verifier rule is told even when the lesson passes. */
	dv_report_fprint(stderr, m, true);
	return true;
}

void dv_headless_close(struct dv_headless *h)
{
	if (h->rec) {
		dv_rec_free(h->rec);
	} else {
		dv_run_destroy(h->run);
		dv_lesson_free(h->L);
	}
	free(h->lesson_text);
	free(h->path);
	dv_driver_close(&h->drv); /* stops its host, if it has one */
	memset(h, 0, sizeof *h);
}
