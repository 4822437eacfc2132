/* dmaviz: putting the machine together: the configuration, the power-on state of every
 * device (the device table, in its order) and the first keyframe. */
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "sim.h"

void dv_config_default(struct dv_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->mem_size = 16u << 20;
	cfg->coherent = true;
	cfg->nic_base = 0x300;
	cfg->nic_channel = 1;
	cfg->nic_irq = 5;
	cfg->wire_rate = 4;
	cfg->seed = 0x8237a;
	cfg->keyframe_every = 16384;
}

struct dv_sim *dv_sim_create(const struct dv_config *cfg)
{
	struct dv_sim *sim = calloc(1, sizeof *sim);
	if (!sim)
		return NULL;
	if (cfg)
		sim->cfg = *cfg;
	else
		dv_config_default(&sim->cfg);
	if (sim->cfg.mem_size == 0 || sim->cfg.mem_size > DV_MEM_MAX)
		sim->cfg.mem_size = sim->cfg.mem_size ? DV_MEM_MAX : 16u << 20;
	if (sim->cfg.keyframe_every == 0)
		sim->cfg.keyframe_every = 16384;
	if (sim->cfg.wire_rate == 0)
		sim->cfg.wire_rate = 1;
	sim->unpacked = calloc(1, sizeof *sim->unpacked);
	sim->kf_last = malloc(sizeof *sim->kf_last); /* without it keyframes share nothing */
	sim->kf_last_of = SIZE_MAX;
	sim->open_at = SIZE_MAX;
	if (!sim->unpacked) {
		free(sim->kf_last);
		free(sim);
		return NULL;
	}
	dv_mempool_init(&sim->pool);
	dv_trace_init(&sim->trace);

	/* The reset state is built without events; keyframe 0 holds it. */
	struct dv_state *st = &sim->st;
	st->mem_size = sim->cfg.mem_size;
	st->cache_on = !sim->cfg.coherent;
	st->rng_lo = (uint32_t)sim->cfg.seed;
	st->rng_hi = (uint32_t)(sim->cfg.seed >> 32);
	st->nic.base = sim->cfg.nic_base;
	st->nic.channel = sim->cfg.nic_channel & 7;
	st->nic.irq = sim->cfg.nic_irq & 15;
	st->nic.wire_rate = sim->cfg.wire_rate;
	st->cpu.irql = DV_PASSIVE_LEVEL;
	uint32_t every = sim->cfg.keyframe_every;
	sim->cfg.keyframe_every = UINT32_MAX; /* no keyframes inside the reset */
	/* Every device's power-on state, in table order. */
	dv_bus_reset(sim);
	sim->cfg.keyframe_every = every;
	dv_trace_truncate(&sim->trace, 0); /* the reset is the starting point, not history */
	dv_sim_settle(sim);
	sim->cause_src = DV_SRC_CPU;
	dv_sim_keyframe(sim);
	if (sim->nkf == 0) {
		dv_sim_destroy(sim);
		return NULL;
	}
	return sim;
}

void dv_sim_destroy(struct dv_sim *sim)
{
	if (!sim)
		return;
	for (size_t i = 0; i < sim->nkf; i++)
		dv_keyframe_release(&sim->kf[i]); /* the pool goes too: no references to drop */
	free(sim->kf);
	free(sim->unpacked);
	free(sim->kf_last);
	dv_trace_finish(&sim->trace);
	dv_mempool_finish(&sim->pool);
	free(sim);
}
