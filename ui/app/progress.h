/* dmaviz: the learner's progress, one file per user ($XDG_STATE_HOME/dmaviz/progress, else
 * $HOME/.local/state/dmaviz/progress). One line per lesson:
 *
 *   LESSON-ID STEP-REACHED FINISHED ANSWERED-ID...
 *
 * STEP-REACHED is the highest step number seen, FINISHED is 0 or 1 (1: the end was reached with
 * every question answered), then the ids of the questions answered, and "?ID" for a question
 * skipped. Lines starting with '#' are comments. No curses here.
 */
#ifndef DV_PROGRESS_H
#define DV_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

struct dv_progress_entry {
	char *id;
	unsigned step;
	bool finished;
	char **answered;
	size_t nanswered;
};

struct dv_progress {
	char *path; /* NULL: progress is kept in memory only (no HOME, or a test) */
	struct dv_progress_entry *v;
	size_t n;
	char status[256]; /* what went wrong loading or saving, for the menu's status line */
};

/* The default path from the environment, or false when neither XDG_STATE_HOME nor HOME is
 * set. */
bool dv_progress_default_path(char *buf, size_t size);

/* Loads path (NULL: nothing to load). A missing file is an empty progress. A file that cannot
 * be read or does not parse is renamed aside to PATH.corrupt-N, the progress starts empty,
 * and status says so: progress is never dropped silently. Something that is not a regular
 * file (a FIFO, a directory) is neither read nor replaced: path becomes NULL (progress is
 * kept in memory only) and status says so. */
void dv_progress_load(struct dv_progress *p, const char *path);
void dv_progress_finish(struct dv_progress *p);
/* Writes the file atomically: a temporary file in the same directory, fsync, rename. Creates
 * the directory when missing. First removes the temporary files (PATH.tmpPID) that processes
 * which no longer exist left behind. False (and status set) on failure. */
bool dv_progress_save(struct dv_progress *p);

/* The entry of a lesson, or NULL (get), or a new empty one (add; NULL only without memory). */
const struct dv_progress_entry *dv_progress_get(const struct dv_progress *p, const char *id);
struct dv_progress_entry *dv_progress_add(struct dv_progress *p, const char *id);
bool dv_progress_answered(const struct dv_progress_entry *e, const char *ask_id);
/* Records an answered question (it replaces a skip mark); true when it was new. */
bool dv_progress_mark_answered(struct dv_progress_entry *e, const char *ask_id);
/* Skipped questions: recorded unless answered already; true when it was new. */
bool dv_progress_skipped(const struct dv_progress_entry *e, const char *ask_id);
bool dv_progress_mark_skipped(struct dv_progress_entry *e, const char *ask_id);

#endif
