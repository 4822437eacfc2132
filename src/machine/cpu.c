/* dmaviz: IRQL, interrupts and DPCs (cpu.h). Every change goes through dv_sim_set. */
#include "cpu.h"
#include "sim.h"

static void run_dpcs(struct dv_sim *sim)
{
	if (sim->in_dpc_drain)
		return;
	sim->in_dpc_drain = true;
	while (sim->st.cpu.dpc_count) {
		uint8_t id = sim->st.cpu.dpc[0];
		unsigned n = sim->st.cpu.dpc_count;
		for (unsigned i = 1; i < n; i++)
			dv_sim_set(sim, DV_SLOT_CPU_DPC, i - 1, sim->st.cpu.dpc[i]);
		dv_sim_set(sim, DV_SLOT_CPU_DPC, n - 1, 0);
		dv_sim_set(sim, DV_SLOT_CPU_DPC_COUNT, 0, n - 1);
		dv_sim_note(sim, DV_NOTE_DPC_RUN, id, id, DV_NO_CHANNEL);
		dv_sim_set(sim, DV_SLOT_CPU_IRQL, 0, DV_DISPATCH_LEVEL);
		if (sim->hooks.dpc)
			sim->hooks.dpc(sim->hooks.ctx, sim, id);
	}
	sim->in_dpc_drain = false;
}

void dv_sim_raise_irql(struct dv_sim *sim, uint8_t irql)
{
	if (irql > sim->st.cpu.irql)
		dv_sim_set(sim, DV_SLOT_CPU_IRQL, 0, irql);
}

void dv_sim_lower_irql(struct dv_sim *sim, uint8_t irql)
{
	if (irql >= sim->st.cpu.irql)
		return;
	/* Dropping below DISPATCH_LEVEL drains the DPC queue first, at DISPATCH_LEVEL. */
	if (irql < DV_DISPATCH_LEVEL && sim->st.cpu.dpc_count && !sim->in_dpc_drain)
		run_dpcs(sim);
	dv_sim_set(sim, DV_SLOT_CPU_IRQL, 0, irql);
}

void dv_sim_connect_irq(struct dv_sim *sim, unsigned irq, bool connected)
{
	uint32_t bit = 1u << (irq & 15);
	uint32_t v = sim->st.cpu.connected;
	dv_sim_set(sim, DV_SLOT_CPU_CONNECTED, 0, connected ? (v | bit) : (v & ~bit));
}

bool dv_sim_queue_dpc(struct dv_sim *sim, uint8_t id)
{
	unsigned n = sim->st.cpu.dpc_count;
	/* A DPC object already queued is not queued twice (KeInsertQueueDpc returns FALSE). */
	for (unsigned i = 0; i < n; i++)
		if (sim->st.cpu.dpc[i] == id)
			return false;
	if (n >= DV_DPC_QUEUE) {
		dv_sim_note(sim, DV_NOTE_DPC_OVERFLOW, id, id, DV_NO_CHANNEL);
		return false;
	}
	dv_sim_set(sim, DV_SLOT_CPU_DPC, n, id);
	dv_sim_set(sim, DV_SLOT_CPU_DPC_COUNT, 0, n + 1);
	return true;
}

void dv_sim_irq_line(struct dv_sim *sim, unsigned irq, bool level)
{
	uint32_t bit = 1u << (irq & 15);
	uint32_t lines = sim->st.bus.irq;
	bool was = (lines & bit) != 0;
	if (was == level)
		return;
	dv_sim_set(sim, DV_SLOT_BUS_IRQ, 0, level ? (lines | bit) : (lines & ~bit));
	/* ISA interrupts are edge-triggered: the 8259 latches a rising edge in its IRR. */
	if (level)
		dv_sim_set(sim, DV_SLOT_CPU_IRR, 0, sim->st.cpu.irr | bit);
}

/* The interrupts the CPU would take now (none at DIRQL and above). */
static uint32_t interrupts_ready(const struct dv_sim *sim)
{
	if (sim->st.cpu.irql >= DV_DIRQL)
		return 0;
	return sim->st.cpu.irr & sim->st.cpu.connected & ~sim->st.cpu.in_service;
}

/* Out of line: most bus cycles have none ready, and the CPU's check between them stays a few
 * tests. */
__attribute__((noinline)) static void take_interrupt(struct dv_sim *sim, uint32_t ready)
{
	unsigned irq = 0;
	while (!(ready & (1u << irq)))
		irq++; /* the 8259's fixed priority: lowest number first */
	uint32_t bit = 1u << irq;
	dv_sim_set(sim, DV_SLOT_CPU_IRR, 0, sim->st.cpu.irr & ~bit);
	dv_sim_set(sim, DV_SLOT_CPU_IN_SERVICE, 0, sim->st.cpu.in_service | bit);
	dv_sim_note(sim, DV_NOTE_IRQ_DELIVERED, irq, irq, DV_NO_CHANNEL);
	uint8_t saved = sim->st.cpu.irql;
	dv_sim_set(sim, DV_SLOT_CPU_IRQL, 0, DV_DIRQL);
	if (sim->hooks.interrupt)
		sim->hooks.interrupt(sim->hooks.ctx, sim, irq);
	dv_sim_set(sim, DV_SLOT_CPU_IN_SERVICE, 0, sim->st.cpu.in_service & ~bit);
	dv_sim_lower_irql(sim, saved);
}

void dv_cpu_between_cycles(struct dv_sim *sim)
{
	/* The CPU takes interrupts only between its own bus cycles, below DIRQL; the clock's
	 * work (a timer's DPC) comes after a device's interrupt. */
	if (sim->st.bus.hlda)
		return;
	uint32_t ready = interrupts_ready(sim);
	if (ready)
		take_interrupt(sim, ready);
	if (sim->hooks.clock && sim->st.cycle >= sim->hooks.clock_due)
		sim->hooks.clock(sim->hooks.ctx, sim);
}

void dv_sim_dispatch_soon(struct dv_sim *sim)
{
	uint8_t old = sim->st.cpu.irql;
	if (old >= DV_DISPATCH_LEVEL || !sim->st.cpu.dpc_count)
		return;
	/* The DISPATCH_LEVEL software interrupt: the queue drains when the IRQL drops back. */
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
	dv_sim_lower_irql(sim, old);
}
