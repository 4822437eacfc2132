/* dmaviz: the play clock (play.h). */
#include "play.h"

#include <limits.h>
#include <stdio.h>

const unsigned dv_play_term_rates[] = { 1, 2, 4, 8, 16, 32, 64 };
const size_t dv_play_term_nrates = sizeof dv_play_term_rates / sizeof dv_play_term_rates[0];

/* The plan of a step of `moves` moves at `rate` moves a second. Up to `n1` moves (in t1 ms) it
 * goes at the rate; a long step then follows
 *
 *	pos(tau) = n1 + rate * tau + c * tau^5    (tau: seconds after t1)
 *
 * which starts at the base rate with no jump, speeds up smoothly (the rate is rate + 5c tau^4)
 * and reaches `moves` at DV_PLAY_STEP_MS. A power rather than an exponential: no libm, and a
 * closed form for c. */
struct plan {
	double rate, n1, t1; /* t1 in ms */
	double c, t2;        /* t2: the seconds after t1 that the fast part takes; c 0: none */
};

static struct plan plan_of(size_t moves, unsigned rate)
{
	struct plan pl = { .rate = rate ? rate : 1 };
	double slow = (double)DV_PLAY_SLOW_MOVES, cap = pl.rate * DV_PLAY_SLOW_MAX_MS / 1000.0;
	pl.n1 = slow < cap ? slow : cap;
	if (pl.n1 > (double)moves)
		pl.n1 = (double)moves;
	pl.t1 = pl.n1 * 1000.0 / pl.rate;
	if ((double)moves * 1000.0 / pl.rate > DV_PLAY_STEP_MS) {
		/* Longer than the step's time at the base rate, so moves - n1 > rate * t2: c > 0. */
		pl.t2 = (DV_PLAY_STEP_MS - pl.t1) / 1000.0;
		double t5 = pl.t2 * pl.t2 * pl.t2 * pl.t2 * pl.t2;
		pl.c = ((double)moves - pl.n1 - pl.rate * pl.t2) / t5;
	}
	return pl;
}

static double pos_at(const struct plan *pl, double ms)
{
	if (pl->c <= 0 || ms <= pl->t1)
		return ms * pl->rate / 1000.0;
	double tau = (ms - pl->t1) / 1000.0, t4 = tau * tau * tau * tau;
	return pl->n1 + pl->rate * tau + pl->c * t4 * tau;
}

double dv_play_pos(uint64_t ms, size_t moves, unsigned rate)
{
	struct plan pl = plan_of(moves, rate);
	return pos_at(&pl, (double)ms);
}

uint64_t dv_play_plan_ms(size_t moves, unsigned rate)
{
	struct plan pl = plan_of(moves, rate);
	if (pl.c > 0)
		return DV_PLAY_STEP_MS;
	return ((uint64_t)moves * 1000 + pl.rate - 1) / (uint64_t)pl.rate;
}

double dv_play_speedup(uint64_t ms, size_t moves, unsigned rate)
{
	struct plan pl = plan_of(moves, rate);
	if (pl.c <= 0 || (double)ms <= pl.t1)
		return 1.0;
	double tau = ((double)ms - pl.t1) / 1000.0;
	return 1.0 + 5.0 * pl.c * tau * tau * tau * tau / pl.rate;
}

/* The time (ms) the plan reaches move n: pos_at's inverse, by bisection (it is increasing). */
static double time_of(const struct plan *pl, double n)
{
	if (pl->c <= 0 || n <= pl->n1)
		return n * 1000.0 / pl->rate;
	double lo = pl->t1, hi = pl->t1 + 1000.0;
	while (pos_at(pl, hi) < n && hi < 1e12)
		hi = pl->t1 + 2 * (hi - pl->t1);
	for (int i = 0; i < 60 && hi - lo > 0.01; i++) {
		double mid = (lo + hi) / 2;
		*(pos_at(pl, mid) < n ? &lo : &hi) = mid;
	}
	return hi;
}

unsigned dv_play_owed(struct dv_play *p, unsigned ms)
{
	if (!p->on || !p->rate)
		return 0;
	if (!p->moves) {
		uint64_t owed = p->acc + (uint64_t)ms * p->rate;
		p->acc = (unsigned)(owed % 1000);
		owed /= 1000;
		return owed > 1000000u ? 1000000u : (unsigned)owed;
	}
	p->ms += ms;
	double pos = dv_play_pos(p->ms, p->moves, p->rate);
	if (pos > 1e15)
		pos = 1e15;
	uint64_t whole = (uint64_t)pos, owed = whole > p->done ? whole - p->done : 0;
	p->acc = (unsigned)((pos - (double)whole) * 1000.0);
	if (owed > 1000000u)
		owed = 1000000u;
	p->done += (size_t)owed;
	return (unsigned)owed;
}

int dv_play_wait(const struct dv_play *p)
{
	if (!p->on || !p->rate)
		return -1;
	uint64_t wait;
	if (!p->moves) {
		wait = (1000 - p->acc + p->rate - 1) / p->rate;
	} else {
		struct plan pl = plan_of(p->moves, p->rate);
		double t = time_of(&pl, (double)p->done + 1) - (double)p->ms;
		wait = t <= 0 ? 0 : (uint64_t)t + ((double)(uint64_t)t < t);
	}
	if (wait < DV_PLAY_FRAME_MS)
		wait = DV_PLAY_FRAME_MS;
	return wait > 1000000u ? 1000000 : (int)wait;
}

void dv_play_set(struct dv_play *p, bool on)
{
	p->on = on;
	p->acc = 0;
	p->moves = p->done = 0;
	p->ms = 0;
}

void dv_play_plan(struct dv_play *p, size_t moves)
{
	p->acc = 0;
	p->moves = moves;
	p->done = 0;
	p->ms = 0;
}

void dv_play_rate(struct dv_play *p, unsigned rate)
{
	size_t left = p->moves > p->done ? p->moves - p->done : 0;
	bool planned = p->moves != 0;
	p->rate = rate;
	if (planned)
		dv_play_plan(p, left);
}

void dv_play_cue(const struct dv_play *p, bool ascii, char *buf, size_t size)
{
	double x = p->on && p->moves ? dv_play_speedup(p->ms, p->moves, p->rate) : 1.0;
	if (size)
		buf[0] = '\0';
	if (x < 2.0)
		return;
	/* A power of two: a number that changes now and then, not every frame. */
	unsigned long f = 2;
	while (f < 1ul << 30 && (double)(f * 2) <= x)
		f *= 2;
	snprintf(buf, size, "%s %lux", ascii ? ">>" : "\xe2\x96\xb6\xe2\x96\xb6", f);
}

void dv_play_step(struct dv_play *p, struct dv_session *s, unsigned k)
{
	p->step = k;
	dv_play_plan(p, dv_session_play_moves(s, k));
}

bool dv_play_start(struct dv_play *p, struct dv_session *s)
{
	dv_play_set(p, true);
	if (dv_session_gated(s)) {
		dv_play_set(p, false);
		return false;
	}
	dv_play_step(p, s, dv_session_play_step(s)); /* at a step's end: the next step */
	return true;
}

enum dv_move dv_play_run(struct dv_play *p, struct dv_session *s, unsigned ms, size_t *made)
{
	unsigned owed = dv_play_owed(p, ms);
	for (unsigned i = 0; i < owed; i++) {
		enum dv_move r = dv_session_play_next(s, p->step);
		if (r == DV_MOVE_OK) {
			++*made;
			continue;
		}
		s->msg[0] = '\0';
		if (r == DV_MOVE_END && p->step != UINT_MAX) {
			/* The step is over: the next one at its own pace, its first moves slow. */
			dv_play_step(p, s, dv_session_step_after(s, p->step));
			return DV_MOVE_OK;
		}
		dv_play_set(p, false);
		return r;
	}
	return DV_MOVE_OK;
}

const char *dv_play_stopped(enum dv_move r)
{
	return r == DV_MOVE_GATE ? "paused at a question: a answer  h hint  s skip" :
	                           "the end of the lesson: paused";
}

unsigned dv_play_hold_ms(unsigned words)
{
	uint64_t hold = (uint64_t)words * 1000 / DV_DEMO_WORDS_PER_S;
	if (hold < DV_DEMO_HOLD_MIN_MS)
		hold = DV_DEMO_HOLD_MIN_MS;
	return hold < DV_DEMO_HOLD_MAX_MS ? (unsigned)hold : DV_DEMO_HOLD_MAX_MS;
}
