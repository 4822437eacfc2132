/* dmaviz: our own ISA network card for subordinate (system) DMA; its wire to the peer station.
 *
 * docs/nic.md is the card's manual; this file implements it. The card is modelled loosely
 * on the NSC IrDA FIR controller that the DDK's subordinate-DMA sample drives (facts §4): one
 * DMA channel for both directions, a DREQ that follows FIFO room or data, and a status FIFO
 * of received frame lengths. Every change goes through dv_sim_set so that it can be undone.
 */
#include "nic.h"
#include "peer.h"
#include "sim.h"

/* The RX end markers are one bit per FIFO slot in a uint16_t; counts and heads are bytes. */
_Static_assert(DV_NIC_RXFIFO <= 16, "nic.rx_ends has one bit per RX FIFO slot");
_Static_assert(DV_NIC_TXFIFO <= 255 && DV_NIC_STATFIFO <= 255, "FIFO counts are uint8_t");

#define CMD_BITS (DV_NIC_CMD_TXGO | DV_NIC_CMD_RXEN | DV_NIC_CMD_DMATX | DV_NIC_CMD_DMARX)
#define NO_CHAN 0xFFu

enum { RX_IDLE = 0, RX_TAKING = 1, RX_IGNORING = 2 };
enum { LATCH_NONE = 0, LATCH_ENTRY = 1, LATCH_EMPTY = 2 };
enum { LOST_OVERRUN = 1, LOST_RXOFF = 2 };

/* ---- small helpers ---------------------------------------------------------------------- */

static void set(struct dv_sim *sim, enum dv_slot slot, uint32_t value)
{
	dv_sim_set(sim, slot, 0, value);
}

static void raise_int(struct dv_sim *sim, unsigned bits)
{
	set(sim, DV_SLOT_NIC_ISR, sim->st.nic.isr | bits);
}

/* Bytes per DACK cycle: channels 4-7 are the AT's 16-bit channels and move words. */
static unsigned unit(const struct dv_nic *n)
{
	return n->channel >= 4 ? 2u : 1u;
}

static uint8_t nic_chan(const struct dv_nic *n)
{
	return n->channel < 8 ? n->channel : NO_CHAN;
}

static bool rx_is_end(const struct dv_nic *n, unsigned slot)
{
	return (n->rx_ends >> slot) & 1u;
}

/* Send side of DREQ: the frame still has bytes to fetch and the FIFO has room for the next
 * DMA cycle (a word on a 16-bit channel, unless only one byte of the frame is left). */
static bool tx_wants(const struct dv_nic *n)
{
	if ((n->cmd & (DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX)) != (DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX))
		return false;
	if (n->tx_fetched >= n->txlen)
		return false;
	unsigned need = n->txlen - n->tx_fetched;
	if (need > unit(n))
		need = unit(n);
	return DV_NIC_TXFIFO - n->tx_count >= need;
}

/* Receive side of DREQ: data waits in the RX FIFO. On a 16-bit channel a lone byte waits
 * for its partner unless it ends a frame (then the word is padded, docs/nic.md). */
static bool rx_offers(const struct dv_nic *n)
{
	if (!(n->cmd & DV_NIC_CMD_DMARX) || n->rx_count == 0)
		return false;
	return unit(n) == 1 || n->rx_count >= 2 || rx_is_end(n, n->rx_head);
}

static bool dreq_level(const struct dv_nic *n)
{
	return tx_wants(n) || rx_offers(n);
}

/* The card is ready to put the first byte of its frame on the wire. */
static bool tx_can_start(const struct dv_nic *n)
{
	return n->tx_count >= DV_NIC_TX_START || (n->tx_fetched == n->txlen && n->tx_count > 0);
}

static bool tx_on_wire(const struct dv_nic *n)
{
	return (n->cmd & DV_NIC_CMD_TXGO) && (n->tx_sent > 0 || tx_can_start(n));
}

/* ---- lines and status ------------------------------------------------------------------- */

/* Whether the card drives its DREQ: only its own line, and channel 4 is the cascade (no card
 * can sit there). */
static bool drives_dreq(const struct dv_nic *n)
{
	return n->channel < 8 && n->channel != 4 && dreq_level(n);
}

/* Ticks per byte on the wire (0 configured reads as 1). */
static uint32_t wire_rate(const struct dv_nic *n)
{
	return n->wire_rate ? n->wire_rate : 1u;
}

/* Ticks since the wire clock started, modulo wire_rate: wire_rate - 1 at a byte time, 0 at
 * the tick after one (and at the start). */
static uint32_t wire_phase(const struct dv_nic *n, uint32_t cycle)
{
	uint32_t rate = wire_rate(n), since = cycle - (n->wire_start - 1u);
	return (rate & (rate - 1u)) ? since % rate : since & (rate - 1u); /* 4 by default */
}

uint32_t dv_nic_wire_timer(const struct dv_nic *n, uint32_t cycle)
{
	if (!n->wire_start) /* stopped; a recording before format 5 kept the next byte time */
		return n->wire_due > cycle ? n->wire_due - cycle : 0;
	if (cycle + 1u < n->wire_start)
		return 0;
	return wire_rate(n) - 1u - wire_phase(n, cycle);
}

uint8_t dv_nic_status(const struct dv_nic *n)
{
	uint8_t st = 0;
	if (n->cmd & DV_NIC_CMD_TXGO)
		st |= DV_NIC_ST_TXBUSY;
	if (n->tx_count == 0)
		st |= DV_NIC_ST_TXEMPTY;
	if (n->tx_count >= DV_NIC_TXFIFO)
		st |= DV_NIC_ST_TXFULL;
	if (n->rx_count > 0)
		st |= DV_NIC_ST_RXDATA;
	if (n->rx_count >= DV_NIC_RXFIFO)
		st |= DV_NIC_ST_RXFULL;
	if (n->stat_count > 0)
		st |= DV_NIC_ST_STATDATA;
	if (drives_dreq(n))
		st |= DV_NIC_ST_DREQ;
	if (n->rx_state == RX_TAKING)
		st |= DV_NIC_ST_RXBUSY;
	return st;
}

/* The DREQ lines (bus.dreq) as the card's state wants its own, and its IRQ level. */
static uint32_t dreq_wanted(const struct dv_sim *sim)
{
	const struct dv_nic *n = &sim->st.nic;
	uint32_t lines = sim->st.bus.dreq;
	if (n->channel >= 8 || n->channel == 4)
		return lines; /* no line of its own */
	uint32_t bit = 1u << n->channel;
	return dreq_level(n) ? (lines | bit) : (lines & ~bit);
}

static bool irq_wanted(const struct dv_nic *n)
{
	return (n->isr & n->imr) != 0;
}

void dv_nic_update_lines(struct dv_sim *sim)
{
	const struct dv_nic *n = &sim->st.nic;
	uint32_t want = dreq_wanted(sim);
	/* recorded with the transfer or byte time that moved the FIFO, where it can be */
	if (want != sim->st.bus.dreq && !dv_sim_dreq_with_event(sim, n->channel))
		set(sim, DV_SLOT_BUS_DREQ, want);

	/* The IRQ line is a level; the PIC sees the rising edge (ISA is edge-triggered). */
	bool irq = irq_wanted(n);
	if (irq != (n->irq_level != 0)) {
		set(sim, DV_SLOT_NIC_IRQ_LEVEL, irq);
		dv_sim_irq_line(sim, n->irq, irq);
	}
}

/* ---- transmit --------------------------------------------------------------------------- */

/* One byte from a DACK write cycle (IOW). Returns true when the card kept it. With whole, the
 * byte is the transfer's (a byte-wide one): its event records the FIFO's count and the bytes
 * fetched (dv_sim_xfer_card). */
static bool tx_take(struct dv_sim *sim, uint8_t byte, bool whole)
{
	const struct dv_nic *n = &sim->st.nic;
	bool wanted = (n->cmd & DV_NIC_CMD_TXGO) && n->tx_fetched < n->txlen;
	if (!wanted || n->tx_count >= DV_NIC_TXFIFO) {
		/* A FIFO cannot push back on the bus: a byte that comes anyway (block mode
		 * ignores DREQ, or the DMA count was larger than TXLEN) is lost. */
		raise_int(sim, DV_NIC_INT_TXOVERFLOW);
		dv_sim_note(sim, DV_NOTE_TX_OVERFLOW, wanted ? 0u : 1u, byte, nic_chan(n));
		return false;
	}
	unsigned at = (n->tx_head + n->tx_count) % DV_NIC_TXFIFO;
	bool moved = whole && dv_sim_xfer_card(sim); /* count and fetched moved with the transfer */
	dv_sim_set(sim, DV_SLOT_NIC_TXFIFO, at, byte);
	if (!moved) {
		set(sim, DV_SLOT_NIC_TX_COUNT, n->tx_count + 1u);
		set(sim, DV_SLOT_NIC_TX_FETCHED, n->tx_fetched + 1u);
	}
	return true;
}

static void tx_start(struct dv_sim *sim)
{
	set(sim, DV_SLOT_NIC_TX_FETCHED, 0);
	set(sim, DV_SLOT_NIC_TX_SENT, 0);
	set(sim, DV_SLOT_NIC_CMD, sim->st.nic.cmd | DV_NIC_CMD_TXGO);
}

/* One byte time of the NIC -> peer direction. */
static void wire_tx(struct dv_sim *sim)
{
	const struct dv_nic *n = &sim->st.nic;
	if (!(n->cmd & DV_NIC_CMD_TXGO))
		return;
	if (n->tx_sent == 0 && !tx_can_start(n))
		return; /* still filling up to the start threshold */
	if (n->tx_count == 0) {
		/* The wire cannot wait: a frame is a continuous stream of bytes. */
		raise_int(sim, DV_NIC_INT_UNDERRUN);
		dv_sim_note(sim, DV_NOTE_TX_UNDERRUN, n->tx_sent, n->txlen, NO_CHAN);
		set(sim, DV_SLOT_NIC_CMD, n->cmd & ~DV_NIC_CMD_TXGO);
		uint32_t saved = dv_sim_cause(sim, DV_SRC_PEER, 0);
		dv_peer_frame_abort(sim);
		dv_sim_cause_restore(sim, saved);
		return;
	}
	/* The byte leaves the FIFO's head and reaches the peer: the event moves the head, the
	 * count, the bytes sent and the peer's position (dv_sim_wire_out). */
	uint8_t byte = n->txfifo[n->tx_head];
	dv_sim_wire_out(sim, byte);
	uint32_t saved = dv_sim_cause(sim, DV_SRC_PEER, 0);
	dv_peer_take(sim, byte);
	bool done = n->tx_sent == n->txlen;
	if (done)
		dv_peer_frame_done(sim);
	dv_sim_cause_restore(sim, saved);
	if (done) {
		raise_int(sim, DV_NIC_INT_TXDONE);
		set(sim, DV_SLOT_NIC_CMD, n->cmd & ~DV_NIC_CMD_TXGO);
		dv_sim_note(sim, DV_NOTE_FRAME_SENT, sim->st.peer.rx_count - 1u, n->txlen, NO_CHAN);
	}
}

/* ---- receive ---------------------------------------------------------------------------- */

/* One byte from the wire reaches the card. first/last delimit the frame (the wire's idle
 * gap is what a real receiver sees). */
static void nic_receive(struct dv_sim *sim, uint8_t byte, bool first, bool last, uint32_t seq)
{
	const struct dv_nic *n = &sim->st.nic;
	if (first) {
		/* A receiver locks on at the start of a frame or not at all. A frame it cannot
		 * describe in the status FIFO would put bytes in memory nobody accounts for. */
		if ((n->cmd & DV_NIC_CMD_RXEN) && n->stat_count < DV_NIC_STATFIFO) {
			set(sim, DV_SLOT_NIC_RX_STATE, RX_TAKING);
			set(sim, DV_SLOT_NIC_RX_FRAME_IN, 0);
			set(sim, DV_SLOT_NIC_RX_LOST, 0);
		} else {
			set(sim, DV_SLOT_NIC_RX_STATE, RX_IGNORING);
			if (n->missed < 0xFF)
				set(sim, DV_SLOT_NIC_MISSED, n->missed + 1u);
		}
	}
	if (n->rx_state == RX_TAKING) {
		if (!(n->cmd & DV_NIC_CMD_RXEN)) {
			set(sim, DV_SLOT_NIC_RX_LOST, n->rx_lost | LOST_RXOFF);
		} else if (n->rx_count >= DV_NIC_RXFIFO) {
			set(sim, DV_SLOT_NIC_RX_LOST, n->rx_lost | LOST_OVERRUN);
			raise_int(sim, DV_NIC_INT_OVERRUN);
			dv_sim_note(sim, DV_NOTE_RX_OVERRUN, n->rx_frame_in, byte, NO_CHAN);
		} else {
			unsigned at = (n->rx_head + n->rx_count) % DV_NIC_RXFIFO;
			/* They move with the byte time's event, except at a frame's first byte:
			 * its reset of rx_frame_in, recorded after that event, would undo the
			 * step (an event's steps must commute with what follows it). */
			if (first || !dv_sim_wire_stored(sim)) {
				set(sim, DV_SLOT_NIC_RX_COUNT, n->rx_count + 1u);
				set(sim, DV_SLOT_NIC_RX_FRAME_IN, n->rx_frame_in + 1u);
			}
			dv_sim_set(sim, DV_SLOT_NIC_RXFIFO, at, byte);
		}
	}
	if (!last)
		return;
	if (n->rx_state == RX_TAKING) {
		uint32_t entry = n->rx_frame_in & DV_NIC_RXS_LEN;
		if (n->rx_lost)
			entry |= DV_NIC_RXS_ERROR;
		if (n->rx_lost & LOST_OVERRUN)
			entry |= DV_NIC_RXS_OVERRUN;
		if (n->rx_lost & LOST_RXOFF)
			entry |= DV_NIC_RXS_RXOFF;
		dv_sim_set(sim, DV_SLOT_NIC_STATFIFO,
		           (n->stat_head + n->stat_count) % DV_NIC_STATFIFO, entry);
		set(sim, DV_SLOT_NIC_STAT_COUNT, n->stat_count + 1u);
		/* RXDONE waits until the frame's last stored byte has left through DACK. The
		 * newest byte in a non-empty FIFO is the last one pushed, which is this
		 * frame's when it stored any. */
		if (n->rx_frame_in > 0 && n->rx_count > 0) {
			unsigned slot = (n->rx_head + n->rx_count - 1u) % DV_NIC_RXFIFO;
			set(sim, DV_SLOT_NIC_RX_ENDS, n->rx_ends | 1u << slot);
		} else {
			raise_int(sim, DV_NIC_INT_RXDONE); /* nothing of it left to drain */
		}
		dv_sim_note(sim, DV_NOTE_FRAME_RECEIVED, seq, entry, NO_CHAN);
	}
	set(sim, DV_SLOT_NIC_RX_STATE, RX_IDLE);
}

/* One byte from a DACK read cycle (IOR). *end tells whether it ended a frame. With whole, the
 * byte is the transfer's (a byte-wide one): its event records the FIFO's head and count
 * (dv_sim_xfer_card). */
static uint8_t rx_give(struct dv_sim *sim, bool *end, bool whole)
{
	const struct dv_nic *n = &sim->st.nic;
	*end = false;
	if (n->rx_count == 0) {
		/* Nobody drives the data bus: it floats high. */
		dv_sim_note(sim, DV_NOTE_RX_EMPTY_READ, 0, 0xFF, nic_chan(n));
		return 0xFF;
	}
	unsigned slot = n->rx_head;
	uint8_t byte = n->rxfifo[slot];
	bool moved = whole && dv_sim_xfer_card(sim); /* head and count moved with the transfer */
	if (rx_is_end(n, slot)) {
		*end = true;
		set(sim, DV_SLOT_NIC_RX_ENDS, n->rx_ends & ~(1u << slot));
		raise_int(sim, DV_NIC_INT_RXDONE);
	}
	if (!moved) {
		set(sim, DV_SLOT_NIC_RX_HEAD, (slot + 1u) % DV_NIC_RXFIFO);
		set(sim, DV_SLOT_NIC_RX_COUNT, n->rx_count - 1u);
	}
	return byte;
}

/* One byte time of the peer -> NIC direction. */
static void wire_rx(struct dv_sim *sim)
{
	uint32_t saved = dv_sim_cause(sim, DV_SRC_PEER, 0);
	struct dv_wire_byte b;
	if (dv_peer_transmit(sim, &b)) {
		dv_sim_cause(sim, DV_SRC_NIC, 0);
		nic_receive(sim, b.byte, b.first, b.last, b.seq);
	}
	dv_sim_cause_restore(sim, saved);
}

/* ---- reset ------------------------------------------------------------------------------ */

/* What CMD.RESET clears: the FIFOs, the frame in progress in both directions, the ISR and
 * CMD. IMR and TXLEN survive, as does the wire clock (it belongs to the link, not the card). */
static void soft_reset(struct dv_sim *sim)
{
	const struct dv_nic *n = &sim->st.nic;
	if ((n->cmd & DV_NIC_CMD_TXGO) && n->tx_sent > 0) {
		uint32_t saved = dv_sim_cause(sim, DV_SRC_PEER, sim->cause_loc);
		dv_peer_frame_abort(sim); /* the frame on the wire just stops */
		dv_sim_cause_restore(sim, saved);
	}
	set(sim, DV_SLOT_NIC_CMD, 0);
	set(sim, DV_SLOT_NIC_ISR, 0);
	set(sim, DV_SLOT_NIC_MISSED, 0);
	set(sim, DV_SLOT_NIC_TX_FETCHED, 0);
	set(sim, DV_SLOT_NIC_TX_SENT, 0);
	set(sim, DV_SLOT_NIC_TX_HEAD, 0);
	set(sim, DV_SLOT_NIC_TX_COUNT, 0);
	set(sim, DV_SLOT_NIC_RX_HEAD, 0);
	set(sim, DV_SLOT_NIC_RX_COUNT, 0);
	set(sim, DV_SLOT_NIC_RX_ENDS, 0);
	set(sim, DV_SLOT_NIC_STAT_HEAD, 0);
	set(sim, DV_SLOT_NIC_STAT_COUNT, 0);
	set(sim, DV_SLOT_NIC_STAT_LATCH, 0);
	set(sim, DV_SLOT_NIC_STAT_LATCHED, LATCH_NONE);
	set(sim, DV_SLOT_NIC_RX_FRAME_IN, 0);
	set(sim, DV_SLOT_NIC_RX_LOST, 0);
	/* The rest of a frame already arriving is ignored: the receiver lost its start. */
	set(sim, DV_SLOT_NIC_RX_STATE, n->rx_state != RX_IDLE ? RX_IGNORING : RX_IDLE);
}

void dv_nic_reset(struct dv_sim *sim)
{
	soft_reset(sim);
	set(sim, DV_SLOT_NIC_RX_STATE, RX_IDLE);
	set(sim, DV_SLOT_NIC_IMR, 0);
	set(sim, DV_SLOT_NIC_TXLEN, 0);
	dv_sim_set(sim, DV_SLOT_NIC_WIRE_START, 0, 0); /* the wire clock stopped */
	for (uint32_t i = 0; i < DV_NIC_TXFIFO; i++)
		dv_sim_set(sim, DV_SLOT_NIC_TXFIFO, i, 0);
	for (uint32_t i = 0; i < DV_NIC_RXFIFO; i++)
		dv_sim_set(sim, DV_SLOT_NIC_RXFIFO, i, 0);
	for (uint32_t i = 0; i < DV_NIC_STATFIFO; i++)
		dv_sim_set(sim, DV_SLOT_NIC_STATFIFO, i, 0);
	dv_peer_reset(sim);
	dv_nic_update_lines(sim);
}

/* ---- ports ------------------------------------------------------------------------------ */

bool dv_nic_claims(const struct dv_state *st, uint16_t port)
{
	/* The card decodes a block of 16 ports; unsigned wrap-around rejects ports below it. */
	return (uint32_t)port - st->nic.base < DV_NIC_PORTS;
}

uint16_t dv_nic_base(const struct dv_state *st)
{
	return st->nic.base;
}

static void write_cmd(struct dv_sim *sim, uint8_t value)
{
	const struct dv_nic *n = &sim->st.nic;
	if (value & DV_NIC_CMD_RESET) {
		soft_reset(sim);
		return;
	}
	/* TXGO is a go bit, as the 8390's TXP: writing 1 starts a frame, writing 0 does
	 * nothing, the card clears it when the frame ends. A frame needs a valid TXLEN. */
	bool start = (value & DV_NIC_CMD_TXGO) && !(n->cmd & DV_NIC_CMD_TXGO) && n->txlen >= 1 &&
	             n->txlen <= DV_FRAME_MAX;
	uint32_t keep = n->cmd & DV_NIC_CMD_TXGO;
	set(sim, DV_SLOT_NIC_CMD, keep | (value & (CMD_BITS & ~DV_NIC_CMD_TXGO)));
	if (start)
		tx_start(sim);
}

void dv_nic_write(struct dv_sim *sim, unsigned unit, unsigned reg, uint8_t value)
{
	(void)unit;
	const struct dv_nic *n = &sim->st.nic;
	switch (reg & 0xFu) {
	case DV_NIC_CMD: write_cmd(sim, value); break;
	case DV_NIC_IMR: set(sim, DV_SLOT_NIC_IMR, value & DV_NIC_INT_ALL); break;
	case DV_NIC_ISR:
		set(sim, DV_SLOT_NIC_ISR, n->isr & ~value); /* write 1 to clear */
		break;
	case DV_NIC_TXLEN_LO:
	case DV_NIC_TXLEN_HI:
		/* The length of the frame being sent is fixed until it ends. */
		if (n->cmd & DV_NIC_CMD_TXGO)
			break;
		if ((reg & 0xFu) == DV_NIC_TXLEN_LO)
			set(sim, DV_SLOT_NIC_TXLEN, (n->txlen & 0xFF00u) | value);
		else
			set(sim, DV_SLOT_NIC_TXLEN, (n->txlen & 0x00FFu) | (uint32_t)value << 8);
		break;
	case DV_NIC_STATUS:
	case DV_NIC_RXSTAT_LO:
	case DV_NIC_RXSTAT_HI:
	case DV_NIC_TXFIFO_LEVEL:
	case DV_NIC_RXFIFO_LEVEL:
	case DV_NIC_STATFIFO_LEVEL:
	case DV_NIC_MISSED:
		dv_sim_note(sim, DV_NOTE_WRITE_READ_ONLY, (uint32_t)n->base + (reg & 0xFu), value,
		            NO_CHAN);
		break;
	default: break; /* 0xC-0xF: decoded, nothing behind them */
	}
	dv_nic_update_lines(sim);
}

/* RXSTAT_LO latches the oldest entry so that the pair LO, HI reads one entry even if a frame
 * ends between the two reads; RXSTAT_HI then pops it. */
static uint8_t read_rxstat(struct dv_sim *sim, bool hi)
{
	const struct dv_nic *n = &sim->st.nic;
	if (!hi) {
		if (n->stat_count == 0) {
			set(sim, DV_SLOT_NIC_STAT_LATCH, 0);
			set(sim, DV_SLOT_NIC_STAT_LATCHED, LATCH_EMPTY);
			return 0;
		}
		set(sim, DV_SLOT_NIC_STAT_LATCH, n->statfifo[n->stat_head]);
		set(sim, DV_SLOT_NIC_STAT_LATCHED, LATCH_ENTRY);
		return (uint8_t)n->stat_latch;
	}
	unsigned latched = n->stat_latched;
	set(sim, DV_SLOT_NIC_STAT_LATCHED, LATCH_NONE);
	if (latched == LATCH_EMPTY || (latched == LATCH_NONE && n->stat_count == 0))
		return 0;
	/* Without a LO read first, HI reads the head entry directly. */
	uint32_t entry = latched == LATCH_ENTRY ? n->stat_latch : n->statfifo[n->stat_head];
	set(sim, DV_SLOT_NIC_STAT_HEAD, (n->stat_head + 1u) % DV_NIC_STATFIFO);
	set(sim, DV_SLOT_NIC_STAT_COUNT, n->stat_count - 1u);
	dv_nic_update_lines(sim);
	return (uint8_t)(entry >> 8);
}

uint8_t dv_nic_read(struct dv_sim *sim, unsigned unit, unsigned reg)
{
	(void)unit;
	const struct dv_nic *n = &sim->st.nic;
	switch (reg & 0xFu) {
	case DV_NIC_CMD: return n->cmd;
	case DV_NIC_STATUS: return dv_nic_status(n);
	case DV_NIC_IMR: return n->imr;
	case DV_NIC_ISR: return n->isr;
	case DV_NIC_TXLEN_LO: return (uint8_t)n->txlen;
	case DV_NIC_TXLEN_HI: return (uint8_t)(n->txlen >> 8);
	case DV_NIC_RXSTAT_LO: return read_rxstat(sim, false);
	case DV_NIC_RXSTAT_HI: return read_rxstat(sim, true);
	case DV_NIC_TXFIFO_LEVEL: return n->tx_count;
	case DV_NIC_RXFIFO_LEVEL: return n->rx_count;
	case DV_NIC_STATFIFO_LEVEL: return n->stat_count;
	case DV_NIC_MISSED: return n->missed;
	default: return 0xFF; /* decoded but nothing drives the bus: it floats high */
	}
}

/* ---- the bus and the clock -------------------------------------------------------------- */

int dv_nic_dack_channel(const struct dv_state *st)
{
	return st->nic.channel;
}

uint16_t dv_nic_dack(struct dv_sim *sim, unsigned dir, unsigned width, uint16_t data, bool tc)
{
	/* TC is not used: the card knows its frame length and ends DMA by dropping DREQ (an
	 * ISA card cannot end a transfer any other way, facts §2.1). */
	(void)tc;
	uint16_t out = width == 2 ? 0xFFFFu : 0xFFu;
	const struct dv_nic *n = &sim->st.nic;
	if (dir == DV_XFER_FROM_MEMORY) {
		bool kept = tx_take(sim, (uint8_t)data, width == 1);
		/* On a 16-bit channel the high byte of the word that holds an odd frame's last
		 * byte is padding: the card drops it quietly. */
		bool pad = kept && n->tx_fetched == n->txlen;
		if (width == 2 && !pad)
			tx_take(sim, (uint8_t)(data >> 8), false);
		out = 0;
	} else if (dir == DV_XFER_TO_MEMORY) {
		bool end;
		out = rx_give(sim, &end, width == 1);
		/* A frame never shares a word with the next one: its odd last byte is padded
		 * with 0, so every frame starts at an even address. */
		if (width == 2)
			out |= (uint16_t)((end ? 0u : rx_give(sim, &end, false)) << 8);
	}
	/* Verify cycles strobe neither IOR nor IOW: the card does not see them. */
	dv_nic_update_lines(sim);
	return out;
}

/* Whether the card's DREQ and IRQ lines are as its state says (dv_nic_update_lines would
 * change nothing). */
static bool lines_settled(const struct dv_sim *sim)
{
	const struct dv_nic *n = &sim->st.nic;
	return dreq_wanted(sim) == sim->st.bus.dreq && irq_wanted(n) == (n->irq_level != 0);
}

/* A card with nothing on the wire, its clock stopped and its lines as they should be has
 * nothing to do this tick (most ticks of a machine whose DMA serves another device). That
 * reads the card, the peer and the DREQ and IRQ lines only (bus.h: quiet). */
bool dv_nic_quiet(const struct dv_sim *sim)
{
	const struct dv_nic *n = &sim->st.nic;
	return !n->wire_start && !tx_on_wire(n) && !dv_peer_on_wire(&sim->st.peer) &&
	       lines_settled(sim);
}

bool dv_nic_tick(struct dv_sim *sim)
{
	const struct dv_nic *n = &sim->st.nic;
	if (dv_nic_quiet(sim))
		return false;
	uint32_t saved = dv_sim_cause(sim, DV_SRC_NIC, 0);
	/* The wire clock runs while either direction has something to do and stops when the
	 * link is idle, so an idle machine records no wire events. A byte time comes every
	 * wire_rate ticks from its start; at the tick after one the clock runs on if the link
	 * still has work, else it stops. Only the start and the stop are recorded. */
	uint32_t now = sim->st.cycle, rate = wire_rate(n);
	bool byte_time = false;
	if (n->wire_start) {
		uint32_t phase = wire_phase(n, now);
		if (phase == 0 && !tx_on_wire(n) && !dv_peer_on_wire(&sim->st.peer))
			dv_sim_set(sim, DV_SLOT_NIC_WIRE_START, 0, 0);
		else
			byte_time = phase == rate - 1u;
	} else if (tx_on_wire(n) || dv_peer_on_wire(&sim->st.peer)) {
		/* the clock starts: the byte time is wire_rate ticks on (this one at rate 1) */
		dv_sim_set(sim, DV_SLOT_NIC_WIRE_START, 0, now + 1u);
		byte_time = rate == 1u;
	}
	if (byte_time) {
		wire_tx(sim);
		wire_rx(sim);
	}
	dv_nic_update_lines(sim);
	dv_sim_close(sim); /* the byte time's event: what follows is recorded on its own */
	dv_sim_cause_restore(sim, saved);
	return false; /* the card never masters the bus */
}
