/* dmaviz: the simulated PC. Owns the state, the memory pool, the trace and the timeline.
 *
 * This header is the machine's interface; the functions are implemented across
 * src/machine/: events and time travel in sim.c, creation in machine.c, port I/O and the tick
 * in bus.c (which reads the device table, devices.c), memory and the cache in cache.c, IRQL,
 * interrupts and DPCs in cpu.c.
 *
 * The core never prints, exits or reads a clock. Time is a tick counter: one tick is one bus
 * cycle; every event is stamped with it, and the counters a tick only counts (the cycle,
 * cpu.cycles, the wire timer) are not recorded but derived from the stamps (sim.c, state.c).
 * Everything else that changes state goes through dv_sim_set(), which records an event.
 */
#ifndef DV_SIM_H
#define DV_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"
#include "state.h"
#include "trace.h"

struct dv_config {
	uint32_t mem_size;       /* bytes of memory, at most DV_MEM_MAX (default 16 MiB) */
	bool coherent;           /* false: the non-coherent write-back cache is on */
	uint16_t nic_base;       /* NIC I/O base (default 0x300) */
	uint8_t nic_channel;     /* NIC DMA channel (default 1) */
	uint8_t nic_irq;         /* NIC IRQ (default 5) */
	uint8_t wire_rate;       /* ticks per byte on the wire (default 4) */
	uint64_t seed;           /* PRNG seed */
	uint32_t keyframe_every; /* state events between keyframes (default 16384) */
};

void dv_config_default(struct dv_config *cfg);

struct dv_sim;

/* Calls from the machine up to whoever drives it (the NDIS layer, a test). */
struct dv_hooks {
	void *ctx;
	/* The CPU took IRQ irq at DIRQL; the handler runs the ISR. */
	void (*interrupt)(void *ctx, struct dv_sim *sim, unsigned irq);
	/* The CPU runs DPC id at DISPATCH_LEVEL. */
	void (*dpc)(void *ctx, struct dv_sim *sim, unsigned id);
	/* The machine's clock reached clock_due (a cycle; UINT64_MAX: nothing due), between bus
	 * cycles the CPU owns: the handler queues what is due (the NDIS timers' DPC). */
	void (*clock)(void *ctx, struct dv_sim *sim);
	uint64_t clock_due;
};

/* The machine's own fields (its state, memory pool, trace, keyframes, hooks) are the core's:
 * sim_int.h defines them for the core (DV_CORE_INTERNAL), and everyone else reads a machine
 * through the functions below. */
const struct dv_trace *dv_sim_trace(const struct dv_sim *sim);
const struct dv_config *dv_sim_config(const struct dv_sim *sim);
const struct dv_state *dv_sim_state(const struct dv_sim *sim);

/* Allocates a machine in its reset state (all DMA masks set, channel 4 in cascade mode and
 * unmasked as a BIOS leaves it). Returns NULL when memory runs out. */
struct dv_sim *dv_sim_create(const struct dv_config *cfg);
void dv_sim_destroy(struct dv_sim *sim);

/* Takes a keyframe of the state now (done every cfg.keyframe_every state events). */
void dv_sim_keyframe(struct dv_sim *sim);

/* The one way state changes: writes the slot and records old and new value. */
void dv_sim_set(struct dv_sim *sim, enum dv_slot slot, uint32_t index, uint32_t value);
uint32_t dv_sim_get(const struct dv_sim *sim, enum dv_slot slot, uint32_t index);
/* A tick records no event of its own, so after quiet ticks the last event's cycle lags the
 * machine's: records the cycle then (a STATE event of slot cycle), so that a cursor at the end
 * of the trace shows the cycle the machine is at. The lesson engine calls it after every
 * statement. */
void dv_sim_sync_time(struct dv_sim *sim);
/* Records the arbitration word's pending batch (dma.signals, state.h), if its fields moved:
 * every event, the end of every tick and dv_sim_sync_time do it, so the state after any
 * event is the state a cursor rebuilds there. dv_sim_settle takes the live machine's own
 * bookkeeping (the arbitration word as recorded, whether a transfer's strobes are up, no
 * transfer waiting for its card) from its state after a reset, a truncation or a load. */
void dv_sim_flush_signals(struct dv_sim *sim);
void dv_sim_settle(struct dv_sim *sim);
/* Records an event that changes no state. */
void dv_sim_emit(struct dv_sim *sim, enum dv_ev_kind kind, uint16_t sub, uint32_t index,
                 uint32_t old_value, uint32_t new_value, uint8_t chan);
void dv_sim_note(struct dv_sim *sim, enum dv_note note, uint32_t index, uint32_t value,
                 uint8_t chan);
/* Records one DMA transfer of channel ch (a DV_EV_XFER: type, physical address, how = its
 * direction | width << 8 | flags, data). With DV_XFER_STEPS (trace.h) the event also advances
 * the channel: dma.cycles, its address and its count move by one, with no events of their own. */
void dv_sim_xfer(struct dv_sim *sim, uint16_t type, uint32_t phys, uint32_t how, uint32_t data,
                 uint8_t ch);
/* The card with DACK answers the transfer just recorded (dv_sim_xfer) with its FIFO: when the
 * transfer is byte-wide, its event takes DV_XFER_CARD (trace.h) and the FIFO's count and
 * position move with it; false when it cannot (a word, no transfer pending): the card then
 * records those changes itself. dv_sim_xfer_end closes the transfer once the card answered. */
bool dv_sim_xfer_card(struct dv_sim *sim);
void dv_sim_xfer_end(struct dv_sim *sim);
/* A byte-wide transfer to memory stores its byte at addr (its own address) with its event
 * (DV_XFER_MEM, trace.h); false when it cannot (the caller writes memory itself). */
bool dv_sim_xfer_mem(struct dv_sim *sim, uint32_t addr, uint8_t byte);
/* The byte a device gave a transfer to memory, known once it answered: the event's data. */
void dv_sim_xfer_data(struct dv_sim *sim, uint32_t data);
/* Records a byte the card sends to the peer from the head of its TX FIFO (a DV_EV_WIRE with
 * DV_WIRE_STEPS, trace.h): the FIFO's head and count, nic.tx_sent and the peer's rx_cur move
 * with the event. The caller then stores the byte at the peer (dv_peer_take, at rx_cur - 1). */
void dv_sim_wire_out(struct dv_sim *sim, uint8_t byte);
/* Records a byte the peer sends to the card (a DV_EV_WIRE, index 1); with step, the peer's
 * position in its frame, peer.tx_pos, moves on with the event (DV_WIRE_PEER_STEP). */
void dv_sim_wire_in(struct dv_sim *sim, uint8_t byte, bool step);
/* The card stored the byte of the byte time just recorded (dv_sim_wire_in) in its RX FIFO: the
 * FIFO's count and nic.rx_frame_in move with that event (DV_WIRE_STORED); false when they
 * cannot (no such event open): the card then records them itself. */
bool dv_sim_wire_stored(struct dv_sim *sim);
/* The card's DREQ line (bus.dreq bit ch) changes at the moment of the open event: a transfer on
 * channel ch its card is answering, or a byte time of the card on channel ch. Flips the bit and
 * records the change with that event (DV_XFER_DREQ, DV_WIRE_DREQ); false when it cannot (the
 * caller records a state event). */
bool dv_sim_dreq_with_event(struct dv_sim *sim, unsigned ch);
/* Closes the open event (a transfer, a byte time): later changes are events of their own. The
 * card's tick ends with it. */
void dv_sim_close(struct dv_sim *sim);
/* The fields an event's own steps move (DV_XFER_STEPS, DV_XFER_CARD, DV_WIRE_STEPS; values
 * 0: a cursor before and after the event has them), into out (room for DV_STEP_FIELDS); how
 * many. Whether some event's steps move a slot (the exports read such slots with a cursor). */
#define DV_STEP_FIELDS 7u
/* The bus.dreq bits an event flips with its steps (DV_XFER_DREQ, DV_WIRE_DREQ; 0 for none). A
 * WIRE event's bit is the card's channel, nic_channel. Readers that follow a DREQ line by its
 * events (the timing diagram, a pulse) flip it there as they set it at a bus.dreq event. */
uint32_t dv_event_dreq_flip(const struct dv_event *e, unsigned nic_channel);
unsigned dv_event_steps(const struct dv_event *e, struct dv_slot_change *out);
bool dv_slot_stepped(enum dv_slot slot);

/* A DMA cycle's strobes (DACK, AEN and MEMR/MEMW/IOR/IOW) are implied by its transfer: no
 * event records them. They rise with the XFER event and stay up through the events the
 * 8237A and the card with DACK make for that transfer (caused by the DMA, in that cycle):
 * dv_bus_strobes sets them in bus as the trace implies them at position pos (the state
 * after events [0, pos)); a cursor does so after every seek. */
void dv_bus_strobes(struct dv_bus *bus, const struct dv_trace *t, size_t pos);
/* The strobes one transfer event implies (the others low; all low for NULL). */
void dv_bus_strobes_of(struct dv_bus *bus, const struct dv_event *xfer);

/* Ends a transfer's strobes on the live machine (the next cycle began; sim.c ends them at an
 * event of another cause). */
void dv_sim_strobes_down(struct dv_sim *sim);

/* Sets who is causing events; returns the previous cause so it can be restored. */
uint32_t dv_sim_cause(struct dv_sim *sim, enum dv_src src, uint16_t loc);
void dv_sim_cause_restore(struct dv_sim *sim, uint32_t saved);

/* CPU port I/O: the bus finds the device that decodes the port in the device table (bus.h). */
void dv_sim_out(struct dv_sim *sim, uint16_t port, uint8_t value);
uint8_t dv_sim_in(struct dv_sim *sim, uint16_t port);

/* CPU memory access: through the cache when it is on (cache.c; dv_sim_cpu_peek in cache.h). */
uint8_t dv_sim_cpu_read(struct dv_sim *sim, uint32_t addr);
void dv_sim_cpu_write(struct dv_sim *sim, uint32_t addr, uint8_t value);
/* KeFlushIoBuffers on a non-coherent machine: write back dirty lines of the range, and
 * invalidate them when invalidate is true. A no-op when the cache is off (x86). */
void dv_sim_cache_flush(struct dv_sim *sim, uint32_t addr, uint32_t len, bool invalidate);
/* Physical memory as the DMA sees it (no cache). Writes are traced. */
uint8_t dv_sim_mem_read(const struct dv_sim *sim, uint32_t addr);
void dv_sim_mem_write(struct dv_sim *sim, uint32_t addr, uint8_t value);

/* One bus cycle: every device's tick in table order (the NIC and its wire, then the 8237A's
 * arbitration and at most one transfer), then interrupt delivery (bus.c, devices.c). */
void dv_sim_tick(struct dv_sim *sim);
void dv_sim_run(struct dv_sim *sim, uint32_t ticks);

/* CPU context: IRQL, DPCs (cpu.c). */
void dv_sim_raise_irql(struct dv_sim *sim, uint8_t irql);
void dv_sim_lower_irql(struct dv_sim *sim, uint8_t irql);
void dv_sim_connect_irq(struct dv_sim *sim, unsigned irq, bool connected);
bool dv_sim_queue_dpc(struct dv_sim *sim, uint8_t id);
/* Below DISPATCH_LEVEL with DPCs queued: runs them now (at DISPATCH_LEVEL, then back); at or
 * above it they wait until the IRQL drops. */
void dv_sim_dispatch_soon(struct dv_sim *sim);
/* Sets an IRQ line's level; a rising edge latches a request. */
void dv_sim_irq_line(struct dv_sim *sim, unsigned irq, bool level);

/* The seeded PRNG (splitmix64), part of the state so replays agree. */
uint64_t dv_sim_random(struct dv_sim *sim);

/* Time travel. The live machine only moves forward; a cursor reconstructs the state after
 * any number of events from the nearest keyframe, or by undoing events from where it is. */
struct dv_cursor {
	struct dv_sim *sim;
	struct dv_state st;
	size_t pos; /* st is the state after events [0, pos) */
	uint32_t generation;
};

void dv_cursor_init(struct dv_cursor *c, struct dv_sim *sim);
void dv_cursor_finish(struct dv_cursor *c);
/* Moves to the state after the first n events (n is clamped to the trace length). */
void dv_cursor_seek(struct dv_cursor *c, size_t n);
uint32_t dv_cursor_get(const struct dv_cursor *c, enum dv_slot slot, uint32_t index);

/* Rewinds the live machine to the state after the first n events and drops the rest of the
 * trace, so that running forward again regenerates it. n should fall on a tick boundary. */
void dv_sim_truncate(struct dv_sim *sim, size_t n);

/* A recording's trace section (src/lang/record.c; dv_trace_load) loaded into a machine that
 * has recorded nothing: each block's events are replayed onto the state as the loader takes
 * them, and keyframes placed where the run that recorded them placed them, so every block is
 * decoded once. False (with err as dv_trace_load says it, or that sim has events already)
 * leaves the machine unusable: the caller destroys it. */
bool dv_sim_load(struct dv_sim *sim, const uint8_t *p, size_t n, uint64_t max_events, char *err,
                 size_t errsz);

/* The machine's state hash (fields and memory contents) and the trace hash. */
uint64_t dv_sim_state_hash(const struct dv_sim *sim);

#ifdef DV_CORE_INTERNAL
#include "sim_int.h"
#endif

#endif
