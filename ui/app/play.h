/* dmaviz: the play clock, as pure arithmetic on elapsed time: how many moves a stretch of time
 * owes at a rate, keeping the remainder, so a front end that wakes late still plays at the
 * chosen pace. The moves themselves go through the session (session.h), which stops at every
 * unanswered question and at the end. */
#ifndef DV_APP_PLAY_H
#define DV_APP_PLAY_H

#include <stdbool.h>

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

#endif
