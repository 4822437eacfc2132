/* dmaviz: the play clock (play.h). */
#include "play.h"

#include <stdint.h>

unsigned dv_play_owed(struct dv_play *p, unsigned ms)
{
	if (!p->on || !p->rate)
		return 0;
	uint64_t owed = p->acc + (uint64_t)ms * p->rate;
	p->acc = (unsigned)(owed % 1000);
	owed /= 1000;
	return owed > 1000000u ? 1000000u : (unsigned)owed;
}

int dv_play_wait(const struct dv_play *p)
{
	if (!p->on || !p->rate)
		return -1;
	uint64_t left = 1000 - p->acc;
	return (int)((left + p->rate - 1) / p->rate);
}

void dv_play_set(struct dv_play *p, bool on)
{
	p->on = on;
	p->acc = 0;
}

unsigned dv_play_demo_rate(size_t moves, unsigned rate)
{
	uint64_t need = (uint64_t)moves * 1000 / DV_DEMO_PLAY_MS + 1;
	if (need > 1000000u)
		need = 1000000u;
	return need > rate ? (unsigned)need : rate;
}

unsigned dv_play_hold_ms(unsigned words)
{
	uint64_t hold = DV_DEMO_HOLD_MIN_MS + (uint64_t)DV_DEMO_HOLD_PER_WORD_MS * words;
	return hold < DV_DEMO_HOLD_MAX_MS ? (unsigned)hold : DV_DEMO_HOLD_MAX_MS;
}
