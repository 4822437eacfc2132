/* dmaviz: the play clock, as pure arithmetic on elapsed time: how many moves a stretch of time
 * owes, keeping the remainder, so a front end that wakes late still plays at the chosen pace.
 * The moves themselves go through the session (session.h), which stops at every unanswered
 * question and at the end.
 *
 * A step's pace (a class watches it, so its length must not be the step's): the first moves
 * go one by one at the base rate (the learner's +/-), and a step that would take longer than
 * DV_PLAY_STEP_MS at that rate then speeds up, smoothly and more and more, so that it ends in
 * DV_PLAY_STEP_MS whatever its length (the 1514-byte send is about 6,000 moves: 10 minutes at
 * 10 a second). Shorter steps play at the base rate throughout. dv_play_pos is that plan as a
 * function of time; a front end shows dv_play_cue ("▶▶ 8x") while it runs fast. */
#ifndef DV_APP_PLAY_H
#define DV_APP_PLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session.h"

/* The first moves of a step at the base rate, one by one: this many, in at most ..._MAX_MS. */
#define DV_PLAY_SLOW_MOVES 16u
#define DV_PLAY_SLOW_MAX_MS 3000u
/* A step longer than this at the base rate plays in this long. */
#define DV_PLAY_STEP_MS 12000u
/* The shortest wait dv_play_wait gives: frames a terminal can keep up with. */
#define DV_PLAY_FRAME_MS 40u

struct dv_play {
	bool on;
	unsigned rate; /* the base rate: moves a second */
	unsigned acc;  /* thousandths of the next move done (what is drawn between two moves) */
	/* The step's plan (dv_play_plan): its length in moves, the moves made and the
	 * milliseconds played. moves 0: no plan, the base rate throughout. */
	size_t moves, done;
	uint64_t ms;
	unsigned step; /* the lesson step being played (dv_play_step; UINT_MAX: to the end) */
};

/* The terminal's rates (moves a second) for + and -, and where it starts (4 a second: a bus
 * cycle is still readable); the web page, which has the terminal's keys, has them too. */
extern const unsigned dv_play_term_rates[];
extern const size_t dv_play_term_nrates;
#define DV_PLAY_TERM_DEFAULT 2u

/* The plan, as pure functions of the elapsed time ms, the step's length in moves and the base
 * rate: the moves done by then (a fraction: the next move's part done; it goes on growing past
 * the step's end, so a step longer than planned still ends), the plan's length in ms, and how
 * many times the base rate it runs at then (1 while at the base rate). */
double dv_play_pos(uint64_t ms, size_t moves, unsigned rate);
uint64_t dv_play_plan_ms(size_t moves, unsigned rate);
double dv_play_speedup(uint64_t ms, size_t moves, unsigned rate);

/* Moves owed after ms more milliseconds (0 while off); keeps the fraction in acc. */
unsigned dv_play_owed(struct dv_play *p, unsigned ms);
/* Milliseconds until the next move is owed (-1 while off), never less than DV_PLAY_FRAME_MS:
 * a front end's wait. */
int dv_play_wait(const struct dv_play *p);
/* On or off; either way the clock and the plan start again. */
void dv_play_set(struct dv_play *p, bool on);
/* Starts the plan of a step of that many moves (from the cursor to the step's end) now. */
void dv_play_plan(struct dv_play *p, size_t moves);
/* A new base rate (+/-): what is left of the step is planned again from now. */
void dv_play_rate(struct dv_play *p, unsigned rate);
/* The fast-forward cue: "▶▶ 8x" (">> 8x" with ascii) while the plan runs at least twice the
 * base rate, else "". */
void dv_play_cue(const struct dv_play *p, bool ascii, char *buf, size_t size);

/* Playing a lesson step after step, as the terminal UI and the web page do (the window plays
 * one step, its own way: sdlui.c). The moves go through the session, under its gates. */
/* Plans step k (an index; UINT_MAX: the lesson's end) from the cursor to its end, from now. */
void dv_play_step(struct dv_play *p, struct dv_session *s, unsigned k);
/* p: turns the clock on and plans the step dv_session_play_step names; false (the clock off)
 * when a question holds the cursor. */
bool dv_play_start(struct dv_play *p, struct dv_session *s);
/* Makes the moves ms more milliseconds owe (adding them to *made), planning the next step when
 * one ends. DV_MOVE_OK while playing (or off); DV_MOVE_GATE at an unanswered question or
 * DV_MOVE_END at the lesson's end, the clock then off. The session's message is cleared. */
enum dv_move dv_play_run(struct dv_play *p, struct dv_session *s, unsigned ms, size_t *made);
/* What the terminal and the page say when dv_play_run stopped with r (GATE or END). */
const char *dv_play_stopped(enum dv_move r);

/* The demo: a step's narration held for reading at its end, 3 words a second, at least
 * DV_DEMO_HOLD_MIN_MS and at most DV_DEMO_HOLD_MAX_MS; a question is a pause to think for
 * DV_DEMO_THINK_MS before its answer and explanation are shown, then a pause for them (their
 * reading time, at most DV_DEMO_REVEAL_MAX_MS). */
#define DV_DEMO_HOLD_MIN_MS 1500u
#define DV_DEMO_WORDS_PER_S 3u
#define DV_DEMO_HOLD_MAX_MS 8000u
#define DV_DEMO_THINK_MS 4000u
/* The answer's pause at most: the rest of the step keeps it on screen while it plays. */
#define DV_DEMO_REVEAL_MAX_MS 3000u
/* Milliseconds to hold text of that many words. */
unsigned dv_play_hold_ms(unsigned words);

#endif
