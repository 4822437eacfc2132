/* dmaviz: the play clock, as pure arithmetic on elapsed time: how many moves a stretch of time
 * owes at a rate, keeping the remainder, so a front end that wakes late still plays at the
 * chosen pace. The moves themselves go through the session (session.h), which stops at every
 * unanswered question and at the end. */
#ifndef DV_APP_PLAY_H
#define DV_APP_PLAY_H

#include <stdbool.h>
#include <stddef.h>

struct dv_play {
	bool on;
	unsigned rate; /* moves a second */
	unsigned acc;  /* thousandths of a move owed */
};

/* Moves owed after ms milliseconds at p->rate (0 while off); keeps the fraction. */
unsigned dv_play_owed(struct dv_play *p, unsigned ms);
/* Milliseconds until the next move is owed (-1 while off): a front end's wait. */
int dv_play_wait(const struct dv_play *p);
void dv_play_set(struct dv_play *p, bool on);

/* The demo's pace: a step's moves are played within DV_DEMO_PLAY_MS (never slower than the
 * chosen rate), then its narration is held for reading: 2.5 s and 250 ms a word, at most 20 s. */
#define DV_DEMO_PLAY_MS 6000u
#define DV_DEMO_HOLD_MIN_MS 2500u
#define DV_DEMO_HOLD_PER_WORD_MS 250u
#define DV_DEMO_HOLD_MAX_MS 20000u
/* Moves a second for a step of that many moves at the demo's pace. */
unsigned dv_play_demo_rate(size_t moves, unsigned rate);
/* Milliseconds to hold narration of that many words. */
unsigned dv_play_hold_ms(unsigned words);

#endif
