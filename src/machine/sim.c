/* dmaviz: the simulated PC's record: state changes and events, keyframes, time travel. The
 * machine is put together in machine.c; the devices, the bus and the tick are in bus.c and
 * devices.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* The cycle of the state after events [0, n): the tick does not record the cycle (bus.c), every
 * event is stamped with it, so it is the last event's. A machine starts at cycle 0. */
static uint32_t cycle_after(const struct dv_trace *t, size_t n)
{
	return n ? (uint32_t)dv_trace_at(t, n - 1)->cycle : 0;
}

/* The state of the newest keyframe, for the next one to share its chunks with; NULL when
 * there is none or memory ran out (then nothing is shared). */
static const struct dv_state *last_keyframe_state(struct dv_sim *sim)
{
	if (sim->nkf == 0 || !sim->kf_last)
		return NULL;
	if (sim->kf_last_of != sim->nkf - 1) { /* a truncate dropped the keyframe it held */
		if (!dv_keyframe_unpack(&sim->kf[sim->nkf - 1], sim->kf_last))
			return NULL;
		sim->kf_last_of = sim->nkf - 1;
	}
	return sim->kf_last;
}

/* A keyframe of the state now, as the state after events [0, event). */
static void keyframe_at(struct dv_sim *sim, size_t event)
{
	struct dv_keyframe *kf;
	if (sim->nkf == sim->kf_cap) {
		size_t cap = sim->kf_cap ? sim->kf_cap * 2 : 16;
		kf = realloc(sim->kf, cap * sizeof *kf);
		if (!kf)
			return; /* seeking gets slower, never wrong */
		sim->kf = kf;
		sim->kf_cap = cap;
	}
	const struct dv_state *prev_st = last_keyframe_state(sim);
	kf = &sim->kf[sim->nkf];
	if (!dv_keyframe_pack(kf, &sim->st, prev_st ? &sim->kf[sim->nkf - 1] : NULL, prev_st))
		return;
	dv_mem_ref_all(&sim->st, &sim->pool);
	kf->event = event;
	sim->nkf++;
	if (sim->kf_last) {
		memcpy(sim->kf_last, &sim->st, sizeof sim->st);
		sim->kf_last_of = sim->nkf - 1;
	}
	sim->state_events_since_kf = 0;
}

void dv_sim_keyframe(struct dv_sim *sim)
{
	dv_sim_flush_signals(sim);
	keyframe_at(sim, sim->trace.len);
}

/* Copies keyframe k's state into st (which holds its own page references). */
static void keyframe_restore(struct dv_sim *sim, size_t k, struct dv_state *st)
{
	/* Our own packing of a state we made: it always unpacks. */
	(void)dv_keyframe_unpack(&sim->kf[k], sim->unpacked);
	dv_state_copy(st, sim->unpacked, &sim->pool); /* the keyframe keeps its references */
}

void dv_sim_keyframe_drop(struct dv_sim *sim, size_t k)
{
	(void)dv_keyframe_unpack(&sim->kf[k], sim->unpacked);
	dv_mem_unref_all(sim->unpacked, &sim->pool);
	dv_keyframe_release(&sim->kf[k]);
	if (sim->kf_last_of == k)
		sim->kf_last_of = SIZE_MAX;
}

void dv_sim_strobes_down(struct dv_sim *sim)
{
	if (!sim->strobes_up)
		return;
	dv_bus_strobes_of(&sim->st.bus, NULL);
	sim->strobes_up = false;
}

static void push(struct dv_sim *sim, uint16_t kind, uint16_t sub, uint32_t index,
                 uint32_t old_value, uint32_t new_value, uint8_t chan)
{
	if (sim->sig_dirty) /* the signals moved before this event: they come first */
		dv_sim_flush_signals(sim);
	/* A transfer's strobes stay up through its own events (dv_bus_strobes): an event of
	 * another cause ends them, as a cursor sees it. */
	if (sim->strobes_up && sim->cause_src != DV_SRC_DMA)
		dv_sim_strobes_down(sim);
	struct dv_event ev = {
		.cycle = sim->st.cycle,
		.index = index,
		.old_value = old_value,
		.new_value = new_value,
		.kind = kind,
		.slot = sub,
		.loc = sim->cause_loc,
		.src = sim->cause_src,
		.chan = chan,
	};
	dv_trace_push(&sim->trace, &ev);
}

/* ---- what an event implies (trace.h: DV_XFER_STEPS, DV_XFER_CARD, DV_WIRE_STEPS) ----------
 * Each moves registers by one, forward (d = 1) or back (d = UINT32_MAX, - 1 modulo 2^32, cut
 * to the field's width). dv_event_steps lists the fields each moves, for the readers. */

/* A position in a ring of size entries, one on (d = 1) or back. */
static uint8_t ring_step(uint8_t at, uint32_t d, unsigned size)
{
	return (uint8_t)((at + (d == 1 ? 1u : size - 1u)) % size);
}

/* A transfer steps its channel: the 8237A's address and count move by one at every transfer. */
static inline void xfer_steps(struct dv_state *st, const struct dv_event *e, uint32_t d)
{
	struct dv_dma_channel *c = &st->dma[(e->chan >> 2) & 1].ch[e->chan & 3];
	c->cur_addr = (uint16_t)((e->old_value & DV_XFER_DOWN) ? c->cur_addr - d : c->cur_addr + d);
	c->cur_count = (uint16_t)(c->cur_count - d);
	st->bus.dma_cycles += d;
}

/* The card answered the transfer with its FIFO: into the TX FIFO or out of the RX FIFO. */
static void card_steps(struct dv_state *st, const struct dv_event *e, uint32_t d)
{
	struct dv_nic *n = &st->nic;
	if (dv_xfer_dir(e) == DV_XFER_FROM_MEMORY) {
		n->tx_count = (uint8_t)(n->tx_count + d);
		n->tx_fetched += d;
	} else {
		n->rx_head = ring_step(n->rx_head, d, DV_NIC_RXFIFO);
		n->rx_count = (uint8_t)(n->rx_count - d);
	}
}

/* A byte time: the byte the card sends (DV_WIRE_STEPS: the FIFO's head and count, the bytes
 * sent, where the peer puts the next byte), the peer's position in the frame it sends
 * (DV_WIRE_PEER_STEP), the byte the card stored (DV_WIRE_STORED: the RX FIFO's count and the
 * bytes of the arriving frame). */
static void wire_steps(struct dv_state *st, uint32_t flags, uint32_t d)
{
	struct dv_nic *n = &st->nic;
	if (flags & DV_WIRE_STEPS) {
		n->tx_head = ring_step(n->tx_head, d, DV_NIC_TXFIFO);
		n->tx_count = (uint8_t)(n->tx_count - d);
		n->tx_sent += d;
		st->peer.rx_cur += d;
	}
	if (flags & DV_WIRE_PEER_STEP)
		st->peer.tx_pos += d;
	if (flags & DV_WIRE_STORED) {
		n->rx_count = (uint8_t)(n->rx_count + d);
		n->rx_frame_in += d;
	}
}

#define WIRE_FLAGS (DV_WIRE_STEPS | DV_WIRE_DREQ | DV_WIRE_PEER_STEP | DV_WIRE_STORED)

/* Whether an event moves registers of its own besides a state event's one change. */
static bool has_steps(const struct dv_event *e)
{
	return (e->kind == DV_EV_XFER &&
	        (e->old_value & (DV_XFER_STEPS | DV_XFER_CARD | DV_XFER_DREQ | DV_XFER_MEM))) ||
	       (e->kind == DV_EV_WIRE && (e->old_value & WIRE_FLAGS));
}

static void steps_of(struct dv_state *st, struct dv_mempool *pool, const struct dv_event *e,
                     bool forward)
{
	uint32_t d = forward ? 1u : UINT32_MAX;
	if (e->kind == DV_EV_XFER) {
		if (e->old_value & DV_XFER_STEPS)
			xfer_steps(st, e, d);
		if (e->old_value & DV_XFER_CARD)
			card_steps(st, e, d);
		if (e->old_value & DV_XFER_MEM) /* the byte stored, or the one it replaced */
			dv_state_put(st, pool, DV_SLOT_MEM, e->index,
			             forward ? (e->new_value & 0xFFu) : DV_XFER_OLD_BYTE(e));
	} else if (e->kind == DV_EV_WIRE) {
		wire_steps(st, e->old_value, d);
	}
	st->bus.dreq ^= (uint8_t)dv_event_dreq_flip(e, st->nic.channel); /* the same both ways */
}

unsigned dv_event_steps(const struct dv_event *e, struct dv_slot_change *out)
{
	unsigned n = 0;
	if (e->kind == DV_EV_XFER && (e->old_value & DV_XFER_STEPS)) {
		out[n++] = (struct dv_slot_change){ DV_SLOT_DMA_ADDR, e->chan, 0, 0 };
		out[n++] = (struct dv_slot_change){ DV_SLOT_DMA_COUNT, e->chan, 0, 0 };
		out[n++] = (struct dv_slot_change){ DV_SLOT_BUS_DMA_CYCLES, 0, 0, 0 };
	}
	if (e->kind == DV_EV_XFER && (e->old_value & DV_XFER_CARD)) {
		bool tx = dv_xfer_dir(e) == DV_XFER_FROM_MEMORY;
		out[n++] = (struct dv_slot_change){ tx ? DV_SLOT_NIC_TX_COUNT : DV_SLOT_NIC_RX_HEAD,
			                            0, 0, 0 };
		out[n++] =
		        (struct dv_slot_change){ tx ? DV_SLOT_NIC_TX_FETCHED : DV_SLOT_NIC_RX_COUNT,
			                         0, 0, 0 };
	}
	if (e->kind == DV_EV_WIRE && (e->old_value & DV_WIRE_STEPS)) {
		out[n++] = (struct dv_slot_change){ DV_SLOT_NIC_TX_HEAD, 0, 0, 0 };
		out[n++] = (struct dv_slot_change){ DV_SLOT_NIC_TX_COUNT, 0, 0, 0 };
		out[n++] = (struct dv_slot_change){ DV_SLOT_NIC_TX_SENT, 0, 0, 0 };
		out[n++] = (struct dv_slot_change){ DV_SLOT_PEER_RX_CUR, 0, 0, 0 };
	}
	if (e->kind == DV_EV_WIRE && (e->old_value & DV_WIRE_PEER_STEP))
		out[n++] = (struct dv_slot_change){ DV_SLOT_PEER_TX_POS, 0, 0, 0 };
	if (e->kind == DV_EV_WIRE && (e->old_value & DV_WIRE_STORED)) {
		out[n++] = (struct dv_slot_change){ DV_SLOT_NIC_RX_COUNT, 0, 0, 0 };
		out[n++] = (struct dv_slot_change){ DV_SLOT_NIC_RX_FRAME_IN, 0, 0, 0 };
	}
	if (e->kind == DV_EV_XFER && (e->old_value & DV_XFER_MEM))
		out[n++] = (struct dv_slot_change){ DV_SLOT_MEM, e->index, 0, 0 };
	if ((e->kind == DV_EV_XFER && (e->old_value & DV_XFER_DREQ)) ||
	    (e->kind == DV_EV_WIRE && (e->old_value & DV_WIRE_DREQ)))
		out[n++] = (struct dv_slot_change){ DV_SLOT_BUS_DREQ, 0, 0, 0 };
	return n;
}

uint32_t dv_event_dreq_flip(const struct dv_event *e, unsigned nic_channel)
{
	if (e->kind == DV_EV_XFER && (e->old_value & DV_XFER_DREQ))
		return 1u << (e->chan & 7u);
	if (e->kind == DV_EV_WIRE && (e->old_value & DV_WIRE_DREQ))
		return 1u << (nic_channel & 7u);
	return 0;
}

bool dv_slot_stepped(enum dv_slot slot)
{
	/* Every kind of step once: the list is dv_event_steps'. */
	static const struct dv_event every[] = {
		{ .kind = DV_EV_XFER,
		  .old_value = DV_XFER_FROM_MEMORY | DV_XFER_STEPS | DV_XFER_CARD | DV_XFER_DREQ },
		{ .kind = DV_EV_XFER, .old_value = DV_XFER_TO_MEMORY | DV_XFER_CARD | DV_XFER_MEM },
		{ .kind = DV_EV_WIRE, .old_value = DV_WIRE_STEPS },
		{ .kind = DV_EV_WIRE, .old_value = DV_WIRE_PEER_STEP | DV_WIRE_STORED },
	};
	struct dv_slot_change f[DV_STEP_FIELDS];
	for (size_t k = 0; k < sizeof every / sizeof every[0]; k++)
		for (unsigned j = 0, n = dv_event_steps(&every[k], f); j < n; j++)
			if (f[j].slot == slot)
				return true;
	return false;
}

/* An event that changes the state: a state event, or one with steps of its own. */
static bool changes_state(const struct dv_event *e)
{
	return e->kind == DV_EV_STATE || has_steps(e);
}

/* A state event was recorded (or loaded) as event at - 1: a keyframe after every
 * keyframe_every-th, so that seeking costs the same in a run and in its recording. */
static void state_event_counted(struct dv_sim *sim, size_t at)
{
	if (++sim->state_events_since_kf >= sim->cfg.keyframe_every && sim->open_at == SIZE_MAX)
		keyframe_at(sim, at); /* (an open event's changes are not all recorded yet) */
}

/* Event at (just pushed) is open: later changes of its moment may be recorded with it. It
 * takes over from an event still open (the peer's byte after the card's, in one byte time):
 * a keyframe held back waits until it closes too, for at would be before it. */
static void open_event(struct dv_sim *sim, size_t at)
{
	dv_trace_pin(&sim->trace, at);
	sim->open_at = at;
}

void dv_sim_close(struct dv_sim *sim)
{
	if (sim->open_at == SIZE_MAX)
		return;
	dv_trace_unpin(&sim->trace);
	sim->open_at = SIZE_MAX;
	if (sim->state_events_since_kf >= sim->cfg.keyframe_every) /* the one held back */
		keyframe_at(sim, sim->trace.len);
}

/* The open event when it is of kind and still patchable (NULL otherwise). */
static const struct dv_event *open_of(struct dv_sim *sim, enum dv_ev_kind kind)
{
	if (sim->open_at == SIZE_MAX)
		return NULL;
	const struct dv_event *e = dv_trace_at(&sim->trace, sim->open_at);
	return e && e->kind == kind ? e : NULL;
}

/* Adds flag to the open event's old value (false when it has it already or cannot). */
static bool open_flag(struct dv_sim *sim, const struct dv_event *e, uint32_t flag)
{
	return !(e->old_value & flag) &&
	       dv_trace_patch_old(&sim->trace, sim->open_at, e->old_value | flag);
}

bool dv_sim_dreq_with_event(struct dv_sim *sim, unsigned ch)
{
	const struct dv_event *x = open_of(sim, DV_EV_XFER), *w = open_of(sim, DV_EV_WIRE);
	if (x ? (x->chan != ch || !open_flag(sim, x, DV_XFER_DREQ)) :
	        (!w || ch != sim->st.nic.channel || !open_flag(sim, w, DV_WIRE_DREQ)))
		return false;
	sim->st.bus.dreq ^= (uint8_t)(1u << ch);
	return true;
}

bool dv_sim_wire_stored(struct dv_sim *sim)
{
	const struct dv_event *w = open_of(sim, DV_EV_WIRE);
	if (!w || w->index != 1 || !open_flag(sim, w, DV_WIRE_STORED))
		return false;
	wire_steps(&sim->st, DV_WIRE_STORED, 1);
	return true;
}

void dv_sim_flush_signals(struct dv_sim *sim)
{
	if (!sim->sig_dirty)
		return;
	sim->sig_dirty = false;
	uint32_t word = dv_signals_pack(&sim->st);
	if (word == sim->sig_word)
		return; /* they moved and came back: nothing to record */
	uint32_t saved = dv_sim_cause(sim, (enum dv_src)sim->sig_src, sim->sig_loc);
	push(sim, DV_EV_STATE, DV_SLOT_DMA_SIGNALS, 0, sim->sig_word, word, DV_NO_CHANNEL);
	dv_sim_cause_restore(sim, saved);
	sim->sig_word = word;
	state_event_counted(sim, sim->trace.len);
}

void dv_sim_settle(struct dv_sim *sim)
{
	sim->sig_dirty = false;
	sim->sig_word = dv_signals_pack(&sim->st);
	/* A transfer's strobes may be up where the trace now ends (dv_bus_strobes set them): the
	 * next event of another cause must lower them, as a cursor sees it. */
	sim->strobes_up = sim->st.bus.aen != 0;
	sim->open_at = SIZE_MAX;
	sim->streak.next = DV_STREAK_NONE; /* a period is learned again from here */
}

void dv_sim_signal_batch(struct dv_sim *sim)
{
	if (sim->sig_dirty && (sim->sig_src != sim->cause_src || sim->sig_loc != sim->cause_loc))
		dv_sim_flush_signals(sim);
	if (!sim->sig_dirty) {
		sim->sig_src = sim->cause_src;
		sim->sig_loc = sim->cause_loc;
	}
	sim->sig_dirty = true;
}

static void set_signal(struct dv_sim *sim, enum dv_slot slot, uint32_t index, uint32_t value)
{
	if (index > 1 || (slot == DV_SLOT_BUS_HLDA && index != 0))
		return;
	uint8_t *field; /* the fields are bytes */
	switch (slot) {
	case DV_SLOT_DMA_STATUS: field = &sim->st.dma[index].status; break;
	case DV_SLOT_DMA_HRQ: field = &sim->st.dma[index].hrq; break;
	case DV_SLOT_DMA_ACTIVE: field = &sim->st.dma[index].active; break;
	default: field = &sim->st.bus.hlda; break;
	}
	dv_sim_signal(sim, field, value);
}

/* Any other slot: its own state event. Kept out of line so that dv_sim_set, which the devices
 * call several times a tick (most often with a signal's unchanged value), stays a test and a
 * jump. */
__attribute__((noinline)) static void set_field(struct dv_sim *sim, enum dv_slot slot,
                                                uint32_t index, uint32_t value)
{
	uint32_t old;
	if (sim->sig_dirty) /* before the swap: a keyframe may follow the signals' event */
		dv_sim_flush_signals(sim);
	uint32_t now = dv_state_swap(&sim->st, &sim->pool, slot, index, value, &old);
	if (now == old)
		return; /* no change, nothing to undo (port writes are their own events) */
	push(sim, DV_EV_STATE, (uint16_t)slot, index, old, now, DV_NO_CHANNEL);
	state_event_counted(sim, sim->trace.len);
}

void dv_sim_set(struct dv_sim *sim, enum dv_slot slot, uint32_t index, uint32_t value)
{
	if (dv_slot_signal(slot))
		set_signal(sim, slot, index, value);
	else
		set_field(sim, slot, index, value);
}

void dv_sim_sync_time(struct dv_sim *sim)
{
	dv_sim_flush_signals(sim);
	uint32_t last = cycle_after(&sim->trace, sim->trace.len);
	if (last == sim->st.cycle)
		return;
	uint32_t saved = dv_sim_cause(sim, DV_SRC_MACHINE, 0);
	push(sim, DV_EV_STATE, DV_SLOT_CYCLE, 0, last, sim->st.cycle, DV_NO_CHANNEL);
	dv_sim_cause_restore(sim, saved);
	state_event_counted(sim, sim->trace.len);
}

uint32_t dv_sim_get(const struct dv_sim *sim, enum dv_slot slot, uint32_t index)
{
	return dv_state_get(&sim->st, &sim->pool, slot, index);
}

void dv_sim_emit(struct dv_sim *sim, enum dv_ev_kind kind, uint16_t sub, uint32_t index,
                 uint32_t old_value, uint32_t new_value, uint8_t chan)
{
	push(sim, (uint16_t)kind, sub, index, old_value, new_value, chan);
	if (kind == DV_EV_XFER) { /* its strobes rise with it */
		const struct dv_event x = { .kind = DV_EV_XFER,
			                    .old_value = old_value,
			                    .chan = chan };
		dv_bus_strobes_of(&sim->st.bus, &x);
		sim->strobes_up = true;
	}
}

void dv_sim_xfer(struct dv_sim *sim, uint16_t type, uint32_t phys, uint32_t how, uint32_t data,
                 uint8_t ch)
{
	dv_sim_flush_signals(sim); /* so that the transfer is the event pushed now */
	size_t before = sim->trace.len;
	dv_sim_emit(sim, DV_EV_XFER, type, phys, how, data, ch);
	if (sim->trace.len == before + 1) /* kept decoded until the card answered */
		open_event(sim, before);
	if (!(how & DV_XFER_STEPS))
		return;
	const struct dv_event x = { .kind = DV_EV_XFER, .old_value = how, .chan = ch };
	xfer_steps(&sim->st, &x, 1);
}

bool dv_sim_xfer_card(struct dv_sim *sim)
{
	const struct dv_event *e = open_of(sim, DV_EV_XFER);
	if (!e)
		return false;
	struct dv_event x = *e;
	if (dv_xfer_width(&x) != 1 ||
	    (dv_xfer_dir(&x) != DV_XFER_FROM_MEMORY && dv_xfer_dir(&x) != DV_XFER_TO_MEMORY) ||
	    !open_flag(sim, &x, DV_XFER_CARD))
		return false;
	card_steps(&sim->st, &x, 1);
	return true;
}

bool dv_sim_xfer_mem(struct dv_sim *sim, uint32_t addr, uint8_t byte)
{
	const struct dv_event *e = open_of(sim, DV_EV_XFER);
	if (!e || addr >= sim->st.mem_size || e->index != addr || dv_xfer_width(e) != 1)
		return false;
	uint8_t old = dv_mem_peek(&sim->st, &sim->pool, addr);
	if (old == byte)
		return true; /* nothing changes, nothing to undo */
	uint32_t flags = DV_XFER_MEM | (uint32_t)old << 24;
	if (!open_flag(sim, e, flags))
		return false;
	dv_state_put(&sim->st, &sim->pool, DV_SLOT_MEM, addr, byte);
	return true;
}

/* What dv_sim_signal of each field and the flush of the batch record: the arbitration fields
 * take word, recorded now as one event of the current cause. */
static void signals_to(struct dv_sim *sim, uint32_t word)
{
	dv_signals_unpack(&sim->st, word);
	push(sim, DV_EV_STATE, DV_SLOT_DMA_SIGNALS, 0, sim->sig_word, word, DV_NO_CHANNEL);
	sim->sig_word = word;
	state_event_counted(sim, sim->trace.len);
}

/* What dv_sim_xfer, dv_sim_xfer_mem and dv_sim_xfer_end record, in one push. */
static void xfer_whole(struct dv_sim *sim, const struct dv_event *x)
{
	struct dv_event ev = *x;
	ev.cycle = sim->st.cycle;
	dv_trace_push(&sim->trace, &ev);
	dv_bus_strobes_of(&sim->st.bus, x);
	sim->strobes_up = true;
	steps_of(&sim->st, &sim->pool, x, true);
	state_event_counted(sim, sim->trace.len);
}

/* The arbitration word's event from `from` to `to` at the cycle of now, put in place, as
 * push() records it in a tick (the machine's cause). */
static inline void put_signals(struct dv_sim *sim, uint32_t from, uint32_t to)
{
	dv_trace_put(&sim->trace, sim->st.cycle, 0, from, to, DV_EV_STATE, DV_SLOT_DMA_SIGNALS, 0,
	             DV_SRC_MACHINE, DV_NO_CHANNEL);
}

/* Whether n state events of the period can be put in place (dv_trace_room): no keyframe falls
 * among them and they fit the tail's block. The room left is kept with the period: between
 * two of its ticks nothing else is recorded (dma8237.c, repeats), so it only shrinks by what
 * the period puts, and is worked out again (out of line) only when it runs out. */
__attribute__((noinline)) static bool period_room_now(struct dv_sim *sim, unsigned n)
{
	struct dv_streak *s = &sim->streak;
	size_t since = sim->state_events_since_kf, every = sim->cfg.keyframe_every;
	size_t room = since < every ? every - 1 - since : 0; /* the keyframe's event last */
	size_t trace = dv_trace_room(&sim->trace);
	room = room < trace ? room : trace;
	if (sim->strobes_up)
		room = 0; /* (never: the tick lowered them; push() would lower them first) */
	bool fits = room >= n;
	s->room = fits ? (uint32_t)(room - n) : 0; /* (pushed events move the tail on) */
	return fits;
}

static inline bool period_room(struct dv_sim *sim, unsigned n)
{
	struct dv_streak *s = &sim->streak;
	if (s->room < n)
		return period_room_now(sim, n);
	s->room -= n;
	return true;
}

/* The period's events pushed one by one (no room in place), as the machine's. */
__attribute__((noinline)) static void period_pushed(struct dv_sim *sim, uint32_t word,
                                                    const struct dv_event *x, uint32_t idle)
{
	uint32_t saved = dv_sim_cause(sim, DV_SRC_MACHINE, 0);
	signals_to(sim, word);
	if (x) {
		xfer_whole(sim, x);
		signals_to(sim, idle);
	}
	dv_sim_cause_restore(sim, saved);
}

void dv_sim_period_request(struct dv_sim *sim, uint32_t req)
{
	if (!period_room(sim, 1)) {
		period_pushed(sim, req, NULL, 0);
		return;
	}
	put_signals(sim, sim->sig_word, req);
	dv_signals_unpack(&sim->st, req);
	sim->sig_word = req;
	sim->state_events_since_kf++;
}

void dv_sim_period_transfer(struct dv_sim *sim, uint32_t grant, const struct dv_event *x,
                            uint32_t idle)
{
	if (!period_room(sim, 3)) {
		period_pushed(sim, grant, x, idle);
		return;
	}
	put_signals(sim, sim->sig_word, grant);
	dv_trace_put(&sim->trace, sim->st.cycle, x->index, x->old_value, x->new_value, x->kind,
	             x->slot, x->loc, x->src, x->chan);
	put_signals(sim, grant, idle);
	/* The release's word replaces every field the grant's set; the transfer's strobes, up
	 * with it, come down with the release (an event of the machine's, push()). */
	dv_signals_unpack(&sim->st, idle);
	sim->sig_word = idle;
	/* steps_of for the period's transfer, which has no flags but these (dma8237.c, learn) */
	xfer_steps(&sim->st, x, 1);
	if (x->old_value & DV_XFER_MEM)
		dv_mem_poke(&sim->st, &sim->pool, x->index, (uint8_t)x->new_value);
	sim->state_events_since_kf += 3;
}

void dv_sim_xfer_data(struct dv_sim *sim, uint32_t data)
{
	if (open_of(sim, DV_EV_XFER))
		dv_trace_patch(&sim->trace, sim->open_at, data);
}

void dv_sim_xfer_end(struct dv_sim *sim)
{
	if (!open_of(sim, DV_EV_XFER))
		return;
	/* Counted once closed, not at the push: a keyframe must hold the card's answer too. */
	dv_sim_close(sim);
	state_event_counted(sim, sim->trace.len);
}

/* A byte time's WIRE event, open until the card's tick ends (dv_sim_close). */
static void wire_event(struct dv_sim *sim, uint32_t index, uint32_t flags, uint8_t byte)
{
	size_t before = sim->trace.len;
	dv_sim_emit(sim, DV_EV_WIRE, 0, index, flags, byte, DV_NO_CHANNEL);
	wire_steps(&sim->st, flags, 1);
	if (sim->trace.len == before + 1)
		open_event(sim, before);
	state_event_counted(sim, sim->trace.len);
}

void dv_sim_wire_out(struct dv_sim *sim, uint8_t byte)
{
	wire_event(sim, 0, DV_WIRE_STEPS, byte);
}

void dv_sim_wire_in(struct dv_sim *sim, uint8_t byte, bool step)
{
	wire_event(sim, 1, step ? DV_WIRE_PEER_STEP : 0, byte);
}

void dv_sim_note(struct dv_sim *sim, enum dv_note note, uint32_t index, uint32_t value,
                 uint8_t chan)
{
	push(sim, DV_EV_NOTE, (uint16_t)note, index, 0, value, chan);
}

uint32_t dv_sim_cause(struct dv_sim *sim, enum dv_src src, uint16_t loc)
{
	uint32_t saved = (uint32_t)sim->cause_src << 16 | sim->cause_loc;
	sim->cause_src = (uint8_t)src;
	sim->cause_loc = loc;
	return saved;
}

void dv_sim_cause_restore(struct dv_sim *sim, uint32_t saved)
{
	sim->cause_src = (uint8_t)(saved >> 16);
	sim->cause_loc = (uint16_t)saved;
}

uint64_t dv_sim_random(struct dv_sim *sim)
{
	/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast and the same everywhere. */
	uint64_t x = ((uint64_t)sim->st.rng_hi << 32 | sim->st.rng_lo) + 0x9e3779b97f4a7c15ull;
	dv_sim_set(sim, DV_SLOT_RNG_LO, 0, (uint32_t)x);
	dv_sim_set(sim, DV_SLOT_RNG_HI, 0, (uint32_t)(x >> 32));
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* ---- time travel ----------------------------------------------------------------------- */

static void replay_events(struct dv_state *st, struct dv_mempool *pool, const struct dv_trace *t,
                          size_t from, size_t to);

void dv_cursor_init(struct dv_cursor *c, struct dv_sim *sim)
{
	memset(c, 0, sizeof *c);
	c->sim = sim;
	keyframe_restore(sim, 0, &c->st);
	c->pos = sim->kf[0].event;
	c->generation = sim->generation;
}

void dv_cursor_finish(struct dv_cursor *c)
{
	if (!c || !c->sim)
		return;
	dv_mem_unref_all(&c->st, &c->sim->pool);
	c->sim = NULL;
}

static size_t keyframe_at_or_before(const struct dv_sim *sim, size_t n)
{
	size_t lo = 0, hi = sim->nkf; /* kf[0].event == 0 <= n always */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (sim->kf[mid].event <= n)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Applies events [from, to) forward, or undoes [to, from) backward, onto st. */
static void replay(struct dv_state *st, struct dv_mempool *pool, const struct dv_trace *t,
                   size_t from, size_t to)
{
	replay_events(st, pool, t, from, to);
	st->cycle = cycle_after(t, to);
	dv_bus_strobes(&st->bus, t, to);
}

/* Redoes or undoes one event on st (a state event, or one with steps of its own). */
static void redo(struct dv_state *st, struct dv_mempool *pool, const struct dv_event *e)
{
	if (e->kind == DV_EV_STATE)
		dv_state_put(st, pool, (enum dv_slot)e->slot, e->index, e->new_value);
	else
		steps_of(st, pool, e, true);
}

static void undo(struct dv_state *st, struct dv_mempool *pool, const struct dv_event *e)
{
	if (e->kind == DV_EV_STATE)
		dv_state_put(st, pool, (enum dv_slot)e->slot, e->index, e->old_value);
	else
		steps_of(st, pool, e, false);
}

static void replay_events(struct dv_state *st, struct dv_mempool *pool, const struct dv_trace *t,
                          size_t from, size_t to)
{
	if (to >= from) {
		for (size_t i = from; i < to; i++)
			redo(st, pool, dv_trace_at(t, i));
	} else {
		for (size_t i = from; i-- > to;)
			undo(st, pool, dv_trace_at(t, i));
	}
}

/* What restoring a keyframe costs, in events replayed (the copy touches the page table). */
#define RESTORE_COST 2048u

void dv_cursor_seek(struct dv_cursor *c, size_t n)
{
	struct dv_sim *sim = c->sim;
	if (n > sim->trace.len)
		n = sim->trace.len;
	if (c->generation != sim->generation || c->pos > sim->trace.len) {
		/* The live trace was truncated under us: start from a keyframe. */
		c->pos = SIZE_MAX;
		c->generation = sim->generation;
	}
	/* The nearest of: where the cursor is, the keyframe at or before n (replay forward), the
	 * one after it (undo backward: events keep their old values). */
	size_t k = keyframe_at_or_before(sim, n);
	size_t from_here = c->pos == SIZE_MAX ? SIZE_MAX : (n >= c->pos ? n - c->pos : c->pos - n);
	size_t best = from_here, pick = SIZE_MAX;
	if (n - sim->kf[k].event + RESTORE_COST < best) {
		best = n - sim->kf[k].event + RESTORE_COST;
		pick = k;
	}
	if (k + 1 < sim->nkf && sim->kf[k + 1].event - n + RESTORE_COST < best)
		pick = k + 1;
	if (pick != SIZE_MAX) {
		keyframe_restore(sim, pick, &c->st);
		c->pos = sim->kf[pick].event;
	}
	replay(&c->st, &sim->pool, &sim->trace, c->pos, n);
	c->pos = n;
}

uint32_t dv_cursor_get(const struct dv_cursor *c, enum dv_slot slot, uint32_t index)
{
	return dv_state_get(&c->st, &c->sim->pool, slot, index);
}

void dv_sim_truncate(struct dv_sim *sim, size_t n)
{
	if (n >= sim->trace.len)
		return;
	size_t k = keyframe_at_or_before(sim, n);
	/* Walk back from the live state when that is shorter; otherwise restore a keyframe. */
	if (sim->trace.len - n <= n - sim->kf[k].event + RESTORE_COST) {
		replay(&sim->st, &sim->pool, &sim->trace, sim->trace.len, n);
	} else {
		keyframe_restore(sim, k, &sim->st);
		replay(&sim->st, &sim->pool, &sim->trace, sim->kf[k].event, n);
	}
	/* Keyframes after n describe a future that no longer exists. */
	while (sim->nkf > 1 && sim->kf[sim->nkf - 1].event > n)
		dv_sim_keyframe_drop(sim, --sim->nkf);
	dv_trace_truncate(&sim->trace, n);
	dv_sim_settle(sim);
	sim->generation++;
	sim->state_events_since_kf = 0;
	for (size_t i = sim->kf[sim->nkf - 1].event; i < n; i++)
		if (changes_state(dv_trace_at(&sim->trace, i)))
			sim->state_events_since_kf++;
}

/* A block of a recording being loaded: its state events onto the machine, a keyframe after
 * every keyframe_every-th (where the live run took them, so seeking costs what it cost
 * there). at: the events before the block. */
struct loading {
	struct dv_sim *sim;
	size_t at;
};

static void load_each(void *ctx, const struct dv_event *ev, size_t n)
{
	struct loading *l = ctx;
	struct dv_sim *sim = l->sim;
	for (size_t i = 0; i < n; i++) {
		redo(&sim->st, &sim->pool, &ev[i]);
		sim->st.cycle = (uint32_t)ev[i].cycle; /* the last event's, as replay() has it */
		if (changes_state(&ev[i]))
			state_event_counted(sim, l->at + i + 1);
	}
	l->at += n;
}

bool dv_sim_load(struct dv_sim *sim, const uint8_t *p, size_t n, uint64_t max_events, char *err,
                 size_t errsz)
{
	if (dv_trace_len(&sim->trace) != 0 || sim->nkf != 1) {
		snprintf(err, errsz, "offset 0: the machine has recorded events already");
		return false;
	}
	dv_trace_finish(&sim->trace);
	struct loading l = { sim, 0 };
	bool ok = dv_trace_load_each(&sim->trace, p, n, max_events, err, errsz, load_each, &l);
	dv_bus_strobes(&sim->st.bus, &sim->trace, dv_trace_len(&sim->trace));
	dv_sim_settle(sim);
	sim->generation++;
	return ok;
}

uint64_t dv_sim_state_hash(const struct dv_sim *sim)
{
	return dv_state_hash(&sim->st, &sim->pool);
}

const struct dv_trace *dv_sim_trace(const struct dv_sim *sim)
{
	return &sim->trace;
}

const struct dv_config *dv_sim_config(const struct dv_sim *sim)
{
	return &sim->cfg;
}

const struct dv_state *dv_sim_state(const struct dv_sim *sim)
{
	return &sim->st;
}
