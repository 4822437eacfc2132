/* dmaviz: a lesson run headless for a command that looks at its run (trace, record): the lesson
 * found by path or id, a learner's driver loaded and tried in a child first, the run, and its
 * messages printed; or, for trace, a recording read back instead (recording.h). */
#ifndef DV_UI_HEADLESS_H
#define DV_UI_HEADLESS_H

#include <stdbool.h>

#include "driver.h"

struct dv_headless {
	struct dv_driver drv;
	char *path; /* the lesson or recording file */
	struct dv_lesson *L;
	struct dv_run *run;       /* the run, or the recording's */
	struct dv_recording *rec; /* when path is a recording */
	char *lesson_text;        /* the lesson file's bytes (not for a recording) */
	unsigned long lesson_len;
	int status; /* 0 the run passed, 1 a check failed, 2 an error */
};

/* Runs LESSON (a path or an id) with the driver module at driver_path (NULL: none), or reads
 * the recording at LESSON when recordings is true, and prints the messages (prefixed "dmaviz
 * CMD: " where they are the command's own). Returns false, having said why, when there is
 * nothing to look at (h->status is then 2). */
bool dv_headless_open(struct dv_headless *h, const char *cmd, const char *lesson,
                      const char *driver_path, bool recordings);
void dv_headless_close(struct dv_headless *h);

#endif
