/* dmaviz: the application layer's session: one open lesson as a learner walks it. Both front
 * ends (the terminal UI and the SDL2 window) drive it; it holds everything that is not drawing
 * or input translation. No curses, no SDL here.
 *
 * - Opening: a lesson by path (dv_lesson_load: one size limit, one error path), run headless
 *   to its end, then watched through a dv_view that only moves a cursor through the recording.
 * - Beats: every narration paragraph and every question of the lesson is anchored where it
 *   stands among the statements (struct dv_step's para_stmt). A beat shows the machine at that
 *   moment: after the statements above it, before those below. The cursor is a position in
 *   the trace plus how many beats have been revealed; the narration shows the step's revealed
 *   paragraphs and nothing after them.
 * - Moving: at step granularity each move goes to the next beat, then to the step's end when
 *   the machine changes after the last beat; finer granularities move one call, port access,
 *   bus cycle or event and stop at every beat they cross. Back is the exact reverse.
 * - Gates: an unanswered question stops every forward move (steps, events, run-until, the
 *   last step, seeking, playing). The learner answers, or skips (recorded as skipped).
 * - The learner: attempts, counted hints, reveal, skip; progress (finished only when the end
 *   was reached with every question answered).
 */
#ifndef DV_APP_SESSION_H
#define DV_APP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lesson.h"
#include "view.h"

struct dv_progress;

enum dv_beat_kind { DV_BEAT_PARA, DV_BEAT_ASK };

struct dv_beat {
	enum dv_beat_kind kind;
	unsigned step;       /* lesson step index */
	unsigned index;      /* paragraph index in its step, or ask index in lesson->asks */
	size_t pos;          /* the trace position it shows */
	size_t stmt;         /* the statement it stands before (the step's end: first + count) */
	uint32_t line, last; /* its lines in the lesson file */
};

/* What the learner did with one question. */
struct dv_qstate {
	bool correct;      /* answered right */
	bool revealed;     /* the answer was shown (asked for, or attempts used up) */
	bool skipped;      /* moved on without answering */
	bool earlier;      /* answered in an earlier session (progress file) */
	unsigned attempts; /* wrong answers so far */
	unsigned hints;    /* hints shown */
	bool reveal_armed; /* h with no hints left once: the next h shows the answer */
	char given[80];    /* the last answer typed, as typed */
	char wrong[80];    /* the last wrong answer counted (a repeat of it costs no try) */
};

/* Has the learner decided about question q (answered right, seen the answer, or skipped)? */
bool dv_qstate_decided(const struct dv_qstate *q);

struct dv_session_options {
	DV_DRIVER_ENTRY driver_entry; /* for lessons with `driver file`; NULL: none */
	const char *source_root;      /* where relative driver sources are looked up too */
	/* The learner's driver module (for `driver file` lessons): its own directory is where a
	 * relative __FILE__ of the trace is looked up when the current directory lacks it. */
	const char *driver_path;
	bool ungated; /* the demo: questions do not stop moves */
};

/* What a move did. */
enum dv_move {
	DV_MOVE_OK,   /* moved */
	DV_MOVE_END,  /* nothing that way: the start or the end */
	DV_MOVE_GATE, /* held at an unanswered question (the cursor may have moved up to it) */
};

/* The result of an answer. */
enum dv_verdict {
	DV_VERDICT_NONE, /* no question here, or already decided, or an empty answer */
	DV_VERDICT_RIGHT,
	DV_VERDICT_WRONG,    /* try again */
	DV_VERDICT_REVEALED, /* wrong, and the attempts are used up: the answer is shown */
};

#define DV_DEFAULT_ATTEMPTS 3

struct dv_session {
	char *path;
	struct dv_lesson *lesson;
	struct dv_run *run;
	struct dv_recording *rec; /* opened from a recording: it owns lesson and run */
	struct dv_view view;
	struct dv_session_options opt;
	struct dv_beat *beats;
	size_t nbeats;
	size_t nb; /* beats revealed: beats [0, nb) */
	/* Step granularity's stops: (pos, beats revealed) in lesson order. */
	struct dv_stop {
		size_t pos, nb;
		unsigned step;
	} * stops;
	size_t nstops;
	struct dv_qstate *q; /* one per lesson ask */
	struct dv_progress *progress;
	uint32_t *hidden; /* line ranges (pairs) the source pane shows as "(answer hidden)" */
	char *src_root;   /* the driver module's directory, when its sources are found there */
	size_t *stmt_at;  /* where each statement ran (its mark's position; SIZE_MAX: never) */
	size_t nhidden;
	/* The run's failed checks that have a lesson line (in the run's order), and how many of
	 * them the cursor has passed and the status has told. */
	struct dv_vfail *fails;
	size_t nfails, fails_told;
	size_t failed;             /* the run's failures and errors (not the sandbox's) */
	const char *first_failure; /* the first of them */
	char msg[300]; /* what the last action has to say (a front end shows it in its status) */
};

/* Opens the lesson at path, or the recording (dmaviz record) at path without running anything.
 * NULL on failure, with every reason (each naming the file and line, or the recording's
 * offset) in err, one per line. */
struct dv_session *dv_session_open(const char *path, const struct dv_session_options *o, char *err,
                                   size_t errlen);
void dv_session_close(struct dv_session *s);

/* Progress: records steps reached, answers and finishing in p (saved on every change) and
 * takes the questions p says were answered as answered. p must outlive s; NULL stops. */
void dv_session_set_progress(struct dv_session *s, struct dv_progress *p);

/* The demo hands over to a learner: from now on questions gate, and the ones the demo already
 * passed count as skipped (their answers have been on screen). */
void dv_session_take_over(struct dv_session *s);

/* Moves by cmd (next/previous unit of the view's granularity, next/previous event, first,
 * last, or cycles the granularity). */
enum dv_move dv_session_move(struct dv_session *s, enum dv_vcmd cmd);
/* Moves to trace position pos, revealing the beats up to it (a click on the timeline or the
 * timing diagram, run-until). Forward moves stop at an unanswered question. */
enum dv_move dv_session_seek(struct dv_session *s, size_t pos);
/* Runs until the next event of a kind (the view's dv_view_find); DV_MOVE_END when there is
 * none before the end. */
enum dv_move dv_session_until(struct dv_session *s, enum dv_until what);
/* Moves to the end of bus cycle c (a click on the timing diagram); DV_MOVE_END when the
 * recording has no such cycle. */
enum dv_move dv_session_seek_cycle(struct dv_session *s, uint64_t c);
/* Is the cursor at the lesson's last stop (or past it, in the sandbox's events)? */
bool dv_session_at_end(const struct dv_session *s);
/* The sandbox prompt: runs one line of the lesson language on the live machine past the end of
 * the recording (the cursor must be at the end); the view moves to the new end. What happened
 * is in s->msg. False when the line did not run. */
bool dv_session_command(struct dv_session *s, const char *line);
/* Goes to lesson step k (an index): its first stop (its first beat, else its end), or with
 * at_end its last. */
enum dv_move dv_session_goto_step(struct dv_session *s, unsigned k, bool at_end);
/* The next unit of playing (dv_view_play_next) or the next beat, whichever comes first, under
 * the gates; DV_MOVE_END at the end of step k_end (an index; UINT_MAX: the lesson's end). */
enum dv_move dv_session_play_next(struct dv_session *s, unsigned k_end);
/* How many dv_session_play_next moves there are from the cursor to the end of step k_end (an
 * index; UINT_MAX: the lesson's end), the questions not stopping them: the length the play
 * clock (play.h) plans a step's pace by. */
size_t dv_session_play_moves(const struct dv_session *s, unsigned k_end);

/* Is the cursor at (or past) the last stop of lesson step k (an index)? */
bool dv_session_step_done(const struct dv_session *s, unsigned k);
/* The step playing goes on to after lesson step k (an index): the next shown one (every step
 * but the setup step is numbered, so the next one that ran), or UINT_MAX. */
unsigned dv_session_step_after(const struct dv_session *s, unsigned k);
/* The step p plays from the cursor: the cursor's step while the cursor is inside it, else the
 * step after it (UINT_MAX: none, play to the lesson's end). */
unsigned dv_session_play_step(const struct dv_session *s);
/* r's second key in every front end: what t, i, c and v run until (dv_session_until), and its
 * name in words ("terminal count"); false for any other key. */
bool dv_session_until_key(int key, enum dv_until *what, const char **name);
/* What a front end shows while r waits for its second key. */
#define DV_SESSION_UNTIL_PROMPT                                                                    \
	"run until: t terminal count  i interrupt  c call returns  v verifier  (Esc cancel)"
/* r's second key, as the terminal UI and the web page take it: runs until what it names and
 * says in s->msg what happened ("ran until the terminal count (12 events)", "no interrupt
 * before the end of the lesson", or the question that held it); another key only says which
 * keys r takes, and Esc (27) or 0 nothing. */
void dv_session_run_until(struct dv_session *s, int key);
/* The question the panes show now: the unanswered one the cursor stands at, else the last one
 * revealed in the current step; -1 when none. */
int dv_session_ask(const struct dv_session *s);
/* Does the cursor stand at question a's own beat? Past it (a paragraph after an answered
 * question), the narration pane scrolls to that paragraph, not to the question. */
bool dv_session_at_ask(const struct dv_session *s, int a);
/* Is the cursor held by an unanswered question? */
bool dv_session_gated(const struct dv_session *s);
/* Can the current question take an answer now (one reached, not yet decided)? When not, s->msg
 * says why. Front ends open their answer line only then. */
bool dv_session_answerable(struct dv_session *s);
/* The learner's answer to the current question. */
enum dv_verdict dv_session_answer(struct dv_session *s, const char *text);
/* One more hint; once they are used up, the first call says so and the second reveals the
 * answer. False when there is no open question. */
bool dv_session_hint(struct dv_session *s);
/* Shows the answer of the current question (counts as decided, not as right). */
bool dv_session_reveal(struct dv_session *s);
/* Leaves the current question unanswered and opens the gate (recorded as skipped). */
bool dv_session_skip(struct dv_session *s);
/* The question panel for ask a as the learner stands with it. */
void dv_session_question(struct dv_session *s, int a, struct dv_vpanel *p, size_t width);

/* Is lesson step k (an index) shown (numbered, or it has narration or questions)? */
bool dv_session_step_shown(const struct dv_session *s, unsigned k);
/* The current beat (the last revealed one, when the cursor stands at it), or NULL. */
const struct dv_beat *dv_session_beat(const struct dv_session *s);
/* Questions of the lesson: how many, how many answered right or revealed, how many skipped. */
void dv_session_score(const struct dv_session *s, unsigned *total, unsigned *answered,
                      unsigned *skipped);
/* How many checks of the lesson failed in its run (failed expectations, timed-out `run
 * until`s, errors that stopped it): a front end's exit status is 1 when this is not 0. */
size_t dv_session_failed(const struct dv_session *s);
/* The first of them as the commands print it ("FILE:LINE: expect failed: ..."), or NULL. */
const char *dv_session_first_failure(const struct dv_session *s);
/* What a front end says on leaving a failing run: "N checks failed; the first: ..." in buf.
 * False (buf empty) when no check failed. */
bool dv_session_failure_summary(const struct dv_session *s, char *buf, size_t size);

/* Has the learner reached the last stop with every question answered? */
bool dv_session_finished(const struct dv_session *s);

#endif
