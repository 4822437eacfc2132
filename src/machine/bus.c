/* dmaviz: the ISA bus: port decoding, the bus cycle in table order, DACK routing (bus.h). */
#include "bus.h"
#include "dma8237.h"
#include "sim.h"

static bool in_range(const struct dv_port_range *r, uint32_t off, unsigned *reg)
{
	if (off < r->first || off > r->last || (off - r->first) % r->stride)
		return false;
	*reg = (off - r->first) / r->stride;
	return true;
}

const struct dv_device *dv_bus_decode(const struct dv_state *st, uint16_t port, unsigned *unit,
                                      unsigned *reg)
{
	const struct dv_device *card = NULL;
	unsigned card_unit = 0, card_reg = 0;
	for (unsigned i = 0; i < dv_device_count; i++) {
		const struct dv_device *d = &dv_devices[i];
		uint16_t base = d->base ? d->base(st) : 0;
		/* Unsigned wrap-around rejects ports below a card's base. */
		uint32_t off = (uint32_t)port - base;
		for (unsigned u = 0; u < d->nranges; u++) {
			unsigned r;
			if (!in_range(&d->ranges[u], off, &r))
				continue;
			if (!d->base) {
				*unit = u;
				*reg = r;
				return d;
			}
			if (!card) {
				card = d;
				card_unit = u;
				card_reg = r;
			}
		}
	}
	*unit = card_unit;
	*reg = card_reg;
	return card;
}

const struct dv_device *dv_bus_dack_device(const struct dv_state *st, unsigned ch)
{
	/* DACK4 is DMA1's HLDA (the cascade): no card sits on channel 4. */
	if (ch == 4)
		return NULL;
	for (unsigned i = 0; i < dv_device_count; i++) {
		const struct dv_device *d = &dv_devices[i];
		if (d->dack && d->dack_channel(st) == (int)ch)
			return d;
	}
	return NULL;
}

uint16_t dv_bus_dack(struct dv_sim *sim, unsigned ch, unsigned dir, unsigned width, uint16_t data,
                     bool tc)
{
	const struct dv_device *d = dv_bus_dack_device(&sim->st, ch);
	if (d)
		return d->dack(sim, dir, width, data, tc);
	return width == 2 ? 0xFFFF : 0xFF; /* nothing drives the data bus: it floats high */
}

void dv_bus_strobes_of(struct dv_bus *bus, const struct dv_event *xfer)
{
	bus->dack = bus->aen = bus->memr = bus->memw = bus->ior = bus->iow = 0;
	if (!xfer || xfer->kind != DV_EV_XFER)
		return;
	unsigned ch = xfer->chan, dir = dv_xfer_dir(xfer);
	/* AEN tells every I/O card to ignore the address bus: it now carries a memory address,
	 * and only the card with DACK answers (facts §2.1). */
	bus->aen = 1;
	if (dir == DV_XFER_MEM_TO_MEM) { /* channel 0 reads, channel 1 writes: no card */
		bus->memr = bus->memw = 1;
		return;
	}
	/* DMA2's DACK0 is DMA1's HLDA: a channel of DMA1 is served through the cascade. */
	bus->dack = (uint8_t)(1u << (ch & 7) | (ch < 4 ? 1u << 4 : 0));
	if (dir == DV_XFER_TO_MEMORY) /* Intel's "write": IOR + MEMW */
		bus->ior = bus->memw = 1;
	else if (dir == DV_XFER_FROM_MEMORY) /* "read", a send: MEMR + IOW */
		bus->memr = bus->iow = 1;
	/* verify: address and count run, DACK and AEN, no strobes, no data (facts §2.4) */
}

void dv_bus_strobes(struct dv_bus *bus, const struct dv_trace *t, size_t pos)
{
	/* Back from the last event over the transfer's own events (the DMA's, in its cycle). */
	const struct dv_event *last = pos ? dv_trace_at(t, pos - 1) : NULL;
	for (size_t i = pos; last && i > 0; i--) {
		const struct dv_event *e = dv_trace_at(t, i - 1);
		if (e->cycle != last->cycle || (e->src != DV_SRC_DMA && e->kind != DV_EV_XFER))
			break;
		if (e->kind == DV_EV_XFER) {
			dv_bus_strobes_of(bus, e);
			return;
		}
	}
	dv_bus_strobes_of(bus, NULL);
}

void dv_bus_reset(struct dv_sim *sim)
{
	for (unsigned i = 0; i < dv_device_count; i++)
		if (dv_devices[i].reset)
			dv_devices[i].reset(sim);
}

/* ---- CPU port I/O ---------------------------------------------------------------------- */

void dv_sim_out(struct dv_sim *sim, uint16_t port, uint8_t value)
{
	unsigned unit, reg;
	dv_sim_emit(sim, DV_EV_PORT_OUT, 0, port, 0, value, DV_NO_CHANNEL);
	const struct dv_device *d = dv_bus_decode(&sim->st, port, &unit, &reg);
	if (d)
		d->out(sim, unit, reg, value);
	else
		dv_sim_note(sim, DV_NOTE_UNCLAIMED_PORT, port, value, DV_NO_CHANNEL);
}

uint8_t dv_sim_in(struct dv_sim *sim, uint16_t port)
{
	unsigned unit, reg;
	uint8_t value;
	size_t at = sim->trace.len;
	/* The read is recorded first so that its side effects (a flip-flop toggle, TC bits
	 * cleared) follow it in the trace; its value is filled in below. */
	dv_sim_emit(sim, DV_EV_PORT_IN, 0, port, 0, 0, DV_NO_CHANNEL);
	dv_trace_pin(&sim->trace, at);
	const struct dv_device *d = dv_bus_decode(&sim->st, port, &unit, &reg);
	if (d) {
		value = d->in(sim, unit, reg);
	} else {
		value = 0xFF; /* nobody drives the data bus: it floats high */
		dv_sim_note(sim, DV_NOTE_UNCLAIMED_PORT, port, value, DV_NO_CHANNEL);
	}
	dv_trace_patch(&sim->trace, at, value);
	dv_trace_unpin(&sim->trace);
	return value;
}

/* ---- ticks ----------------------------------------------------------------------------- */

void dv_sim_tick(struct dv_sim *sim)
{
	if (sim->in_tick)
		return; /* a driver callback must not tick the machine it runs inside */
	if (sim->st.cycle == UINT32_MAX) {
		dv_sim_note(sim, DV_NOTE_CYCLE_LIMIT, 0, 0, DV_NO_CHANNEL);
		return;
	}
	/* The cycle moves with no event of its own: every event is stamped with it, and a
	 * cursor takes it from the last event it applied (sim.c, replay). A tick in which
	 * nothing changes records nothing. The 8237A books a DMA tick (dma.cycles) as its
	 * transfer starts; the CPU's ticks are the rest (cpu.cycles, derived). A tick in which
	 * the 8237A repeats its period while the other devices are quiet is its alone (its
	 * events are the machine's, whatever the cause of now). */
	if (!dv_dma_repeat_tick(sim)) {
		sim->in_tick = true;
		uint32_t saved = dv_sim_cause(sim, DV_SRC_MACHINE, 0);
		sim->st.cycle++;
		dv_sim_strobes_down(sim); /* the last cycle's transfer is over */
		/* (the table is constant: unrolled, each row's hooks are known) */
#pragma GCC unroll 8
		for (unsigned i = 0; i < DV_DEVICE_COUNT; i++)
			if (dv_devices[i].tick)
				(void)dv_devices[i].tick(sim);
		dv_sim_flush_signals(sim); /* the arbitration word of this tick */
		dv_sim_cause_restore(sim, saved);
		sim->in_tick = false;
	}
#pragma GCC unroll 8
	for (unsigned i = 0; i < DV_DEVICE_COUNT; i++)
		if (dv_devices[i].between)
			dv_devices[i].between(sim);
}

void dv_sim_run(struct dv_sim *sim, uint32_t ticks)
{
	for (uint32_t i = 0; i < ticks; i++)
		dv_sim_tick(sim);
}
