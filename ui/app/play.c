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
