/* dmaviz: physical memory as the DMA sees it, and the CPU's way to it through the cache. */
#include "cache.h"
#include "sim.h"

uint8_t dv_sim_mem_read(const struct dv_sim *sim, uint32_t addr)
{
	if (addr >= sim->st.mem_size)
		return 0xFF;
	return dv_mem_peek(&sim->st, &sim->pool, addr);
}

void dv_sim_mem_write(struct dv_sim *sim, uint32_t addr, uint8_t value)
{
	if (addr >= sim->st.mem_size) {
		dv_sim_note(sim, DV_NOTE_MEM_ABSENT, addr, value, DV_NO_CHANNEL);
		return;
	}
	dv_sim_set(sim, DV_SLOT_MEM, addr, value);
}

/* ---- the cache ------------------------------------------------------------------------ */

static unsigned line_of(uint32_t addr)
{
	return (addr / DV_CACHE_LINE) % DV_CACHE_LINES;
}

static bool line_holds(const struct dv_state *st, unsigned line, uint32_t addr)
{
	return (st->cache.flags[line] & DV_CACHE_VALID) &&
	       st->cache.tag[line] == addr / DV_CACHE_LINE;
}

static void line_writeback(struct dv_sim *sim, unsigned line)
{
	const struct dv_cache *c = &sim->st.cache;
	if ((c->flags[line] & (DV_CACHE_VALID | DV_CACHE_DIRTY)) !=
	    (DV_CACHE_VALID | DV_CACHE_DIRTY))
		return;
	uint32_t base = c->tag[line] * DV_CACHE_LINE;
	for (unsigned i = 0; i < DV_CACHE_LINE; i++)
		dv_sim_mem_write(sim, base + i, c->data[line][i]);
	dv_sim_set(sim, DV_SLOT_CACHE_FLAGS, line, DV_CACHE_VALID);
}

static unsigned line_fill(struct dv_sim *sim, uint32_t addr)
{
	unsigned line = line_of(addr);
	if (line_holds(&sim->st, line, addr))
		return line;
	line_writeback(sim, line); /* write-back cache: a dirty victim goes to memory first */
	uint32_t base = addr / DV_CACHE_LINE * DV_CACHE_LINE;
	dv_sim_set(sim, DV_SLOT_CACHE_TAG, line, addr / DV_CACHE_LINE);
	for (unsigned i = 0; i < DV_CACHE_LINE; i++)
		dv_sim_set(sim, DV_SLOT_CACHE_DATA, line * DV_CACHE_LINE + i,
		           dv_sim_mem_read(sim, base + i));
	dv_sim_set(sim, DV_SLOT_CACHE_FLAGS, line, DV_CACHE_VALID);
	return line;
}

uint8_t dv_sim_cpu_peek(const struct dv_sim *sim, uint32_t addr)
{
	if (addr >= sim->st.mem_size)
		return 0xFF;
	unsigned line = line_of(addr);
	if (sim->st.cache_on && line_holds(&sim->st, line, addr))
		return sim->st.cache.data[line][addr % DV_CACHE_LINE];
	return dv_sim_mem_read(sim, addr);
}

uint8_t dv_sim_cpu_read(struct dv_sim *sim, uint32_t addr)
{
	if (addr >= sim->st.mem_size) {
		dv_sim_note(sim, DV_NOTE_MEM_ABSENT, addr, 0xFF, DV_NO_CHANNEL);
		return 0xFF;
	}
	if (!sim->st.cache_on)
		return dv_sim_mem_read(sim, addr);
	unsigned line = line_fill(sim, addr);
	return sim->st.cache.data[line][addr % DV_CACHE_LINE];
}

void dv_sim_cpu_write(struct dv_sim *sim, uint32_t addr, uint8_t value)
{
	if (addr >= sim->st.mem_size || !sim->st.cache_on) {
		dv_sim_mem_write(sim, addr, value);
		return;
	}
	unsigned line = line_fill(sim, addr);
	dv_sim_set(sim, DV_SLOT_CACHE_DATA, line * DV_CACHE_LINE + addr % DV_CACHE_LINE, value);
	dv_sim_set(sim, DV_SLOT_CACHE_FLAGS, line, DV_CACHE_VALID | DV_CACHE_DIRTY);
}

void dv_sim_cache_flush(struct dv_sim *sim, uint32_t addr, uint32_t len, bool invalidate)
{
	if (!sim->st.cache_on || len == 0)
		return;
	uint32_t first = addr / DV_CACHE_LINE;
	uint32_t last = (uint32_t)(((uint64_t)addr + len - 1) / DV_CACHE_LINE);
	/* Every line of the range, in address order: a slot may hold any line that maps to it,
	 * so stopping after DV_CACHE_LINES lines would miss dirty lines further on. Nothing at
	 * or above DV_MEM_MAX is ever cached. */
	for (uint32_t l = first; l <= last && l < DV_MEM_MAX / DV_CACHE_LINE; l++) {
		unsigned line = l % DV_CACHE_LINES;
		if (!line_holds(&sim->st, line, l * DV_CACHE_LINE))
			continue;
		line_writeback(sim, line);
		if (invalidate)
			dv_sim_set(sim, DV_SLOT_CACHE_FLAGS, line, 0);
	}
}
