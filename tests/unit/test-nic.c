/* dmaviz: unit tests of the NIC and the peer station (docs/nic.md).
 *
 * Most tests drive DACK by hand (dv_nic_dack) so that they test the card alone; the last ones
 * run the real 8237A through its ports.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dma8237.h"
#include "nic.h"
#include "sim.h"

#define BASE 0x300u
#define IRQ_BIT (1u << 5)

static struct dv_sim *make(uint8_t channel)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	cfg.nic_base = BASE;
	cfg.nic_channel = channel;
	cfg.nic_irq = 5;
	cfg.wire_rate = 4;
	return dv_sim_create(&cfg);
}

static void out(struct dv_sim *sim, unsigned reg, uint8_t value)
{
	dv_sim_out(sim, (uint16_t)(BASE + reg), value);
}

static uint8_t in(struct dv_sim *sim, unsigned reg)
{
	return dv_sim_in(sim, (uint16_t)(BASE + reg));
}

static bool dreq(const struct dv_sim *sim)
{
	return (sim->st.bus.dreq >> sim->st.nic.channel) & 1u;
}

static bool irq_line(const struct dv_sim *sim)
{
	return (sim->st.bus.irq & IRQ_BIT) != 0;
}

static size_t count_events(const struct dv_sim *sim, unsigned kind, unsigned sub)
{
	size_t n = 0;
	for (size_t i = 0; i < sim->trace.len; i++)
		if (dv_trace_at(&sim->trace, i)->kind == kind &&
		    dv_trace_at(&sim->trace, i)->slot == sub)
			n++;
	return n;
}

static size_t count_notes(const struct dv_sim *sim, enum dv_note note)
{
	return count_events(sim, DV_EV_NOTE, note);
}

static void set_txlen(struct dv_sim *sim, uint16_t len)
{
	out(sim, DV_NIC_TXLEN_LO, (uint8_t)len);
	out(sim, DV_NIC_TXLEN_HI, (uint8_t)(len >> 8));
}

static uint8_t tx_pattern(unsigned i)
{
	return (uint8_t)(i * 7u + 3u);
}

/* Ticks; after each tick, one DMA cycle by hand when DREQ is up (what demand mode does at one
 * transfer per tick). Stops when any ISR bit in stop is set. Returns the ticks run. */
static unsigned run_tx(struct dv_sim *sim, unsigned *next, unsigned max_ticks, uint8_t stop)
{
	unsigned t = 0;
	while (t < max_ticks && !(sim->st.nic.isr & stop)) {
		dv_sim_tick(sim);
		t++;
		if (dreq(sim)) {
			dv_nic_dack(sim, DV_XFER_FROM_MEMORY, 1, tx_pattern(*next), false);
			(*next)++;
		}
	}
	return t;
}

/* Ticks, draining the RX FIFO by hand on DREQ, collecting bytes into buf. */
static void run_rx(struct dv_sim *sim, unsigned ticks, uint8_t *buf, unsigned *got, unsigned cap)
{
	for (unsigned t = 0; t < ticks; t++) {
		dv_sim_tick(sim);
		if (dreq(sim)) {
			uint8_t b = (uint8_t)dv_nic_dack(sim, DV_XFER_TO_MEMORY, 1, 0, false);
			if (buf && *got < cap)
				buf[*got] = b;
			(*got)++;
		}
	}
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_reset_state(void)
{
	struct dv_sim *sim = make(1);
	CHECK(sim != NULL);
	if (!sim)
		return;
	const struct dv_nic *n = &sim->st.nic;
	CHECK_EQ(n->base, BASE);
	CHECK_EQ(n->channel, 1);
	CHECK_EQ(n->irq, 5);
	CHECK_EQ(n->wire_rate, 4);
	CHECK_EQ(n->cmd, 0);
	CHECK_EQ(n->imr, 0);
	CHECK_EQ(n->isr, 0);
	CHECK_EQ(dv_nic_status(n), DV_NIC_ST_TXEMPTY);
	CHECK_EQ(n->txlen, 0);
	CHECK_EQ(n->tx_count, 0);
	CHECK_EQ(n->rx_count, 0);
	CHECK_EQ(n->stat_count, 0);
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_NIC_WIRE_TIMER, 0), 0);
	CHECK_EQ(n->irq_level, 0);
	CHECK_EQ(sim->st.bus.dreq, 0);
	CHECK_EQ(sim->st.peer.txq_count, 0);
	CHECK_EQ(sim->st.peer.rx_count, 0);
	CHECK_EQ(sim->st.peer.tx_seq, 0);
	CHECK_EQ(sim->trace.len, 0); /* the reset is the starting point, not history */

	CHECK_EQ(in(sim, DV_NIC_CMD), 0);
	CHECK_EQ(in(sim, DV_NIC_STATUS), DV_NIC_ST_TXEMPTY);
	CHECK_EQ(in(sim, DV_NIC_IMR), 0);
	CHECK_EQ(in(sim, DV_NIC_ISR), 0);
	CHECK_EQ(in(sim, DV_NIC_TXLEN_LO), 0);
	CHECK_EQ(in(sim, DV_NIC_TXLEN_HI), 0);
	CHECK_EQ(in(sim, DV_NIC_TXFIFO_LEVEL), 0);
	CHECK_EQ(in(sim, DV_NIC_RXFIFO_LEVEL), 0);
	CHECK_EQ(in(sim, DV_NIC_STATFIFO_LEVEL), 0);
	CHECK_EQ(in(sim, DV_NIC_MISSED), 0);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_LO), 0);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_HI), 0);

	/* An idle card on an idle wire records nothing while time passes. */
	size_t before = sim->trace.len;
	dv_sim_run(sim, 50);
	size_t nic_events = 0;
	for (size_t i = before; i < sim->trace.len; i++)
		if (dv_trace_at(&sim->trace, i)->src == DV_SRC_NIC ||
		    dv_trace_at(&sim->trace, i)->src == DV_SRC_PEER)
			nic_events++;
	CHECK_EQ(nic_events, 0);
	dv_sim_destroy(sim);
}

static void test_port_map(void)
{
	struct dv_sim *sim = make(1);
	CHECK(dv_nic_claims(&sim->st, BASE));
	CHECK(dv_nic_claims(&sim->st, BASE + 0xF));
	CHECK(!dv_nic_claims(&sim->st, BASE - 1));
	CHECK(!dv_nic_claims(&sim->st, BASE + 0x10));

	out(sim, DV_NIC_IMR, 0xFF);
	CHECK_EQ(in(sim, DV_NIC_IMR), DV_NIC_INT_ALL);
	out(sim, DV_NIC_IMR, 0);

	set_txlen(sim, 0x1234);
	CHECK_EQ(sim->st.nic.txlen, 0x1234);
	CHECK_EQ(in(sim, DV_NIC_TXLEN_LO), 0x34);
	CHECK_EQ(in(sim, DV_NIC_TXLEN_HI), 0x12);

	/* Reserved CMD bits read 0. */
	out(sim, DV_NIC_CMD, 0x70 | DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
	CHECK_EQ(in(sim, DV_NIC_CMD), DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
	out(sim, DV_NIC_CMD, 0);

	/* TXGO needs a TXLEN of 1..1536: 0x1234 is too long, 0 is empty. */
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO);
	CHECK_EQ(in(sim, DV_NIC_CMD) & DV_NIC_CMD_TXGO, 0);
	set_txlen(sim, 0);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO);
	CHECK_EQ(in(sim, DV_NIC_CMD) & DV_NIC_CMD_TXGO, 0);
	set_txlen(sim, 1536);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO);
	CHECK_EQ(in(sim, DV_NIC_CMD), DV_NIC_CMD_TXGO);
	CHECK_EQ(in(sim, DV_NIC_STATUS) & DV_NIC_ST_TXBUSY, DV_NIC_ST_TXBUSY);
	/* TXLEN is frozen while the frame is in progress; writing TXGO 0 does not stop it. */
	set_txlen(sim, 100);
	CHECK_EQ(sim->st.nic.txlen, 1536);
	out(sim, DV_NIC_CMD, 0);
	CHECK_EQ(in(sim, DV_NIC_CMD), DV_NIC_CMD_TXGO);

	/* Read-only ports ignore writes and say so. */
	size_t notes = count_notes(sim, DV_NOTE_WRITE_READ_ONLY);
	uint8_t status = in(sim, DV_NIC_STATUS);
	out(sim, DV_NIC_STATUS, 0);
	out(sim, DV_NIC_TXFIFO_LEVEL, 5);
	CHECK_EQ(in(sim, DV_NIC_STATUS), status);
	CHECK_EQ(in(sim, DV_NIC_TXFIFO_LEVEL), 0);
	CHECK_EQ(count_notes(sim, DV_NOTE_WRITE_READ_ONLY), notes + 2);

	/* 0xC-0xF: decoded, nothing behind them. */
	uint64_t h = dv_sim_state_hash(sim);
	for (unsigned r = 0xC; r <= 0xF; r++) {
		out(sim, r, 0x5A);
		CHECK_EQ(in(sim, r), 0xFF);
	}
	CHECK_EQ(dv_sim_state_hash(sim), h);
	CHECK_EQ(count_notes(sim, DV_NOTE_UNCLAIMED_PORT), 0);

	/* ISR is write-1-to-clear: a byte the card does not want sets TXOVERFLOW. */
	out(sim, DV_NIC_CMD, DV_NIC_CMD_RESET);
	dv_nic_dack(sim, DV_XFER_FROM_MEMORY, 1, 0xAA, false);
	CHECK_EQ(in(sim, DV_NIC_ISR), DV_NIC_INT_TXOVERFLOW);
	out(sim, DV_NIC_ISR, 0x00);
	CHECK_EQ(in(sim, DV_NIC_ISR), DV_NIC_INT_TXOVERFLOW);
	out(sim, DV_NIC_ISR, (uint8_t)~DV_NIC_INT_TXOVERFLOW);
	CHECK_EQ(in(sim, DV_NIC_ISR), DV_NIC_INT_TXOVERFLOW);
	out(sim, DV_NIC_ISR, DV_NIC_INT_TXOVERFLOW);
	CHECK_EQ(in(sim, DV_NIC_ISR), 0);
	dv_sim_destroy(sim);
}

static void test_tx_dreq(void)
{
	struct dv_sim *sim = make(1);
	/* Another device's DREQ (channel 3) must survive everything the NIC does. */
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, 0x08);
	set_txlen(sim, 100);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO);
	CHECK(!dreq(sim)); /* DMATX clear: the card sends nothing by DMA */
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX);
	CHECK(dreq(sim));
	CHECK_EQ(in(sim, DV_NIC_STATUS), DV_NIC_ST_TXBUSY | DV_NIC_ST_TXEMPTY | DV_NIC_ST_DREQ);
	for (unsigned i = 0; i < DV_NIC_TXFIFO; i++) {
		CHECK(dreq(sim));
		dv_nic_dack(sim, DV_XFER_FROM_MEMORY, 1, (uint16_t)i, false);
	}
	/* DREQ drops right after the DACK that filled the FIFO: demand mode pauses here. */
	CHECK(!dreq(sim));
	CHECK_EQ(in(sim, DV_NIC_STATUS), DV_NIC_ST_TXBUSY | DV_NIC_ST_TXFULL);
	CHECK_EQ(sim->st.bus.dreq & 0x08, 0x08);
	/* Once the wire takes a byte there is room again. */
	for (unsigned t = 0; t < 4; t++)
		dv_sim_tick(sim);
	CHECK_EQ(sim->st.nic.tx_sent, 1);
	CHECK(dreq(sim));
	/* Dropping DMATX drops DREQ even with room. */
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO);
	CHECK(!dreq(sim));
	CHECK_EQ(sim->st.bus.dreq, 0x08);
	dv_sim_destroy(sim);
}

static void test_tx_dack_push(void)
{
	struct dv_sim *sim = make(1);
	set_txlen(sim, 100);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX);
	for (unsigned i = 0; i < 5; i++)
		dv_nic_dack(sim, DV_XFER_FROM_MEMORY, 1, (uint16_t)(0x40 + i), false);
	CHECK_EQ(sim->st.nic.tx_fetched, 5);
	CHECK_EQ(in(sim, DV_NIC_TXFIFO_LEVEL), 5);
	for (unsigned i = 0; i < 5; i++)
		CHECK_EQ(sim->st.nic.txfifo[(sim->st.nic.tx_head + i) % DV_NIC_TXFIFO], 0x40 + i);
	/* Block mode does not look at DREQ: bytes beyond the 16-byte FIFO are lost. */
	for (unsigned i = 5; i < 20; i++)
		dv_nic_dack(sim, DV_XFER_FROM_MEMORY, 1, (uint16_t)(0x40 + i), false);
	CHECK_EQ(sim->st.nic.tx_fetched, 16);
	CHECK_EQ(in(sim, DV_NIC_TXFIFO_LEVEL), 16);
	CHECK_EQ(sim->st.nic.isr & DV_NIC_INT_TXOVERFLOW, DV_NIC_INT_TXOVERFLOW);
	CHECK_EQ(count_notes(sim, DV_NOTE_TX_OVERFLOW), 4);
	/* A verify cycle strobes nothing: the card does not see it. */
	uint64_t h = dv_sim_state_hash(sim);
	dv_nic_dack(sim, DV_XFER_VERIFY, 1, 0, true);
	CHECK_EQ(dv_sim_state_hash(sim), h);
	dv_sim_destroy(sim);
}

static void test_tx_frame_to_peer(void)
{
	struct dv_sim *sim = make(1);
	out(sim, DV_NIC_IMR, DV_NIC_INT_TXDONE);
	set_txlen(sim, 64);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX);
	size_t first_ev = sim->trace.len;
	unsigned next = 0;
	run_tx(sim, &next, 2000, DV_NIC_INT_TXDONE | DV_NIC_INT_UNDERRUN);
	const struct dv_nic *n = &sim->st.nic;
	const struct dv_peer *p = &sim->st.peer;
	CHECK_EQ(n->isr, DV_NIC_INT_TXDONE);
	CHECK_EQ(n->cmd & DV_NIC_CMD_TXGO, 0);
	CHECK_EQ(n->tx_sent, 64);
	CHECK_EQ(n->tx_fetched, 64);
	CHECK_EQ(next, 64); /* DREQ stopped at exactly TXLEN bytes */
	CHECK(!dreq(sim));
	CHECK_EQ(p->rx_count, 1);
	CHECK_EQ(p->rx_len[0], 64);
	CHECK_EQ(p->rx_cur, 0);
	for (unsigned i = 0; i < 64; i++)
		CHECK_EQ(p->rx_data[0][i], tx_pattern(i));
	CHECK_EQ(count_notes(sim, DV_NOTE_FRAME_SENT), 1);
	CHECK_EQ(count_notes(sim, DV_NOTE_TX_UNDERRUN), 0);
	CHECK(irq_line(sim));
	CHECK_EQ(n->irq_level, 1);
	CHECK(sim->st.cpu.irr & IRQ_BIT);

	/* One wire byte every wire_rate ticks, each event carrying the byte. */
	uint64_t last_cycle = 0;
	unsigned wire = 0;
	bool spaced = true;
	for (size_t i = first_ev; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		if (e->kind != DV_EV_WIRE)
			continue;
		CHECK_EQ(e->index, 0);
		CHECK_EQ(e->new_value, tx_pattern(wire));
		if (wire > 0 && e->cycle - last_cycle != 4)
			spaced = false;
		last_cycle = e->cycle;
		wire++;
	}
	CHECK_EQ(wire, 64);
	CHECK(spaced);
	/* Each sent byte's event moves the FIFO's head and count, the bytes sent and the peer's
	 * position (DV_WIRE_STEPS): a cursor before and after it sees them one apart, and seeking
	 * back over it undoes them; no state event of those slots comes between the first and
	 * the last byte. */
	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	wire = 0;
	for (size_t i = first_ev; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		if (e->kind == DV_EV_STATE && wire > 0 && wire < 64)
			CHECK(e->slot != DV_SLOT_NIC_TX_HEAD && e->slot != DV_SLOT_NIC_TX_SENT &&
			      e->slot != DV_SLOT_PEER_RX_CUR);
		if (e->kind != DV_EV_WIRE)
			continue;
		CHECK(e->old_value & DV_WIRE_STEPS);
		dv_cursor_seek(&c, i + 1);
		uint32_t h1 = dv_cursor_get(&c, DV_SLOT_NIC_TX_HEAD, 0),
		         n1 = dv_cursor_get(&c, DV_SLOT_NIC_TX_COUNT, 0),
		         s1 = dv_cursor_get(&c, DV_SLOT_NIC_TX_SENT, 0),
		         r1 = dv_cursor_get(&c, DV_SLOT_PEER_RX_CUR, 0);
		dv_cursor_seek(&c, i);
		CHECK_EQ(h1, (dv_cursor_get(&c, DV_SLOT_NIC_TX_HEAD, 0) + 1) % DV_NIC_TXFIFO);
		CHECK_EQ(n1 + 1, dv_cursor_get(&c, DV_SLOT_NIC_TX_COUNT, 0));
		CHECK_EQ(s1, wire + 1);
		CHECK_EQ(dv_cursor_get(&c, DV_SLOT_NIC_TX_SENT, 0), wire);
		CHECK_EQ(r1, wire + 1);
		CHECK_EQ(dv_cursor_get(&c, DV_SLOT_PEER_RX_CUR, 0), wire);
		wire++;
	}
	/* The wire clock is recorded twice, as it starts and as it stops, not at every byte
	 * time; a cursor reads the timer from its start: 0 at each byte time, wire_rate - 1 at
	 * the tick after one, and back again before the first. */
	dv_sim_run(sim, 8);
	unsigned starts = 0, stops = 0, at_byte = 0, after_byte = 0, byte_times = 0;
	uint64_t last_byte = 0;
	for (size_t i = first_ev; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		CHECK(e->kind != DV_EV_STATE || e->slot != DV_SLOT_NIC_WIRE_DUE);
		if (e->kind == DV_EV_STATE && e->slot == DV_SLOT_NIC_WIRE_START) {
			starts += e->new_value != 0;
			stops += e->new_value == 0;
		}
		if (e->kind != DV_EV_WIRE)
			continue;
		byte_times++;
		dv_cursor_seek(&c, i + 1);
		at_byte += dv_cursor_get(&c, DV_SLOT_NIC_WIRE_TIMER, 0) == 0;
		for (size_t j = i + 1; j < sim->trace.len; j++)
			if (dv_trace_at(&sim->trace, j)->cycle == e->cycle + 1) {
				dv_cursor_seek(&c, j + 1);
				after_byte += dv_cursor_get(&c, DV_SLOT_NIC_WIRE_TIMER, 0) == 3;
				break;
			} else if (dv_trace_at(&sim->trace, j)->cycle > e->cycle + 1) {
				after_byte++; /* nothing recorded at that tick */
				break;
			}
		last_byte = e->cycle;
	}
	CHECK_EQ(starts, 1);
	CHECK_EQ(stops, 1);
	CHECK_EQ(at_byte, 64);
	CHECK_EQ(byte_times, 64);
	CHECK(after_byte >= 63);
	CHECK(last_byte > 0);
	dv_cursor_finish(&c);
	/* The wire clock stops once the frame is out. */
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_NIC_WIRE_TIMER, 0), 0);
	CHECK_EQ(sim->st.nic.wire_start, 0);

	/* A second frame goes into the peer's next slot. */
	out(sim, DV_NIC_ISR, DV_NIC_INT_TXDONE);
	CHECK(!irq_line(sim));
	set_txlen(sim, 70);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX);
	next = 0;
	run_tx(sim, &next, 2000, DV_NIC_INT_TXDONE | DV_NIC_INT_UNDERRUN);
	CHECK_EQ(n->isr, DV_NIC_INT_TXDONE);
	CHECK_EQ(p->rx_count, 2);
	CHECK_EQ(p->rx_len[1], 70);
	CHECK_EQ(p->rx_data[1][69], tx_pattern(69));
	dv_sim_destroy(sim);
}

static void test_tx_start_threshold(void)
{
	struct dv_sim *sim = make(1);
	set_txlen(sim, 64);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX);
	for (unsigned i = 0; i < DV_NIC_TX_START - 1; i++)
		dv_nic_dack(sim, DV_XFER_FROM_MEMORY, 1, (uint16_t)i, false);
	dv_sim_run(sim, 40);
	CHECK_EQ(sim->st.nic.tx_sent, 0); /* below the threshold: waits, no underrun */
	CHECK_EQ(sim->st.nic.isr, 0);
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_NIC_WIRE_TIMER, 0), 0);
	dv_nic_dack(sim, DV_XFER_FROM_MEMORY, 1, 7, false);
	dv_sim_run(sim, 3);
	CHECK_EQ(sim->st.nic.tx_sent, 0);
	dv_sim_run(sim, 1);
	CHECK_EQ(sim->st.nic.tx_sent, 1); /* wire_rate ticks after the threshold */
	dv_sim_destroy(sim);

	/* A frame shorter than the threshold starts once it is all in the FIFO. */
	sim = make(1);
	out(sim, DV_NIC_IMR, DV_NIC_INT_ALL);
	set_txlen(sim, 5);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX);
	unsigned next = 0;
	run_tx(sim, &next, 200, DV_NIC_INT_TXDONE | DV_NIC_INT_UNDERRUN);
	CHECK_EQ(sim->st.nic.isr, DV_NIC_INT_TXDONE);
	CHECK_EQ(sim->st.peer.rx_len[0], 5);
	CHECK_EQ(sim->st.peer.rx_data[0][4], tx_pattern(4));
	dv_sim_destroy(sim);
}

static void test_tx_underrun(void)
{
	struct dv_sim *sim = make(1);
	out(sim, DV_NIC_IMR, DV_NIC_INT_ALL);
	set_txlen(sim, 64);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX);
	for (unsigned i = 0; i < 10; i++)
		dv_nic_dack(sim, DV_XFER_FROM_MEMORY, 1, (uint16_t)i, false);
	/* No more DMA (as if the channel were masked): the FIFO runs dry mid-frame. */
	dv_sim_run(sim, 200);
	const struct dv_nic *n = &sim->st.nic;
	CHECK_EQ(n->isr, DV_NIC_INT_UNDERRUN);
	CHECK_EQ(n->cmd & DV_NIC_CMD_TXGO, 0);
	CHECK_EQ(n->tx_sent, 10);
	CHECK(!dreq(sim));
	CHECK(irq_line(sim));
	CHECK_EQ(count_notes(sim, DV_NOTE_TX_UNDERRUN), 1);
	CHECK_EQ(count_notes(sim, DV_NOTE_FRAME_SENT), 0);
	CHECK_EQ(sim->st.peer.rx_count, 0);
	CHECK_EQ(sim->st.peer.rx_cur, 0);
	CHECK_EQ(sim->st.peer.rx_aborted, 1);
	CHECK_EQ(sim->st.peer.rx_len[0], 0);
	dv_sim_destroy(sim);
}

static void test_rx_wire_rate(void)
{
	struct dv_sim *sim = make(1);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_RXEN); /* receiver on, no DMA yet */
	CHECK(dv_peer_send(sim, 60));
	dv_sim_run(sim, 3);
	CHECK_EQ(sim->st.nic.rx_count, 0);
	dv_sim_run(sim, 1);
	CHECK_EQ(sim->st.nic.rx_count, 1);
	CHECK_EQ(in(sim, DV_NIC_STATUS) & (DV_NIC_ST_RXBUSY | DV_NIC_ST_RXDATA),
	         DV_NIC_ST_RXBUSY | DV_NIC_ST_RXDATA);
	dv_sim_run(sim, 4 * 9);
	CHECK_EQ(sim->st.nic.rx_count, 10);
	CHECK_EQ(sim->st.peer.tx_pos, 10);
	for (unsigned i = 0; i < 10; i++)
		CHECK_EQ(sim->st.nic.rxfifo[(sim->st.nic.rx_head + i) % DV_NIC_RXFIFO],
		         dv_peer_byte(0, i));
	CHECK(!dreq(sim));
	out(sim, DV_NIC_CMD, DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
	CHECK(dreq(sim));
	CHECK_EQ(in(sim, DV_NIC_STATUS) & DV_NIC_ST_DREQ, DV_NIC_ST_DREQ);
	dv_sim_destroy(sim);
}

static void test_rx_frame_drained(void)
{
	struct dv_sim *sim = make(1);
	out(sim, DV_NIC_IMR, DV_NIC_INT_ALL);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
	CHECK(dv_peer_send(sim, 60));
	uint8_t buf[64];
	unsigned got = 0;
	bool early_done = false, entry_before_last = false;
	for (unsigned t = 0; t < 400 && got < 60; t++) {
		dv_sim_tick(sim);
		if (got == 59 && dreq(sim))
			entry_before_last = sim->st.nic.stat_count == 1;
		if (dreq(sim))
			buf[got++] = (uint8_t)dv_nic_dack(sim, DV_XFER_TO_MEMORY, 1, 0, false);
		if (got < 60 && (sim->st.nic.isr & DV_NIC_INT_RXDONE))
			early_done = true;
	}
	CHECK_EQ(got, 60);
	CHECK(!early_done);       /* RXDONE waits for the last byte to leave the FIFO */
	CHECK(entry_before_last); /* the status entry comes when the frame ends on the wire */
	CHECK_EQ(sim->st.nic.isr, DV_NIC_INT_RXDONE);
	CHECK(irq_line(sim));
	CHECK(!dreq(sim));
	for (unsigned i = 0; i < 60; i++)
		CHECK_EQ(buf[i], dv_peer_byte(0, i));
	CHECK_EQ(count_notes(sim, DV_NOTE_FRAME_RECEIVED), 1);
	CHECK_EQ(count_notes(sim, DV_NOTE_RX_OVERRUN), 0);
	CHECK_EQ(count_notes(sim, DV_NOTE_RX_EMPTY_READ), 0);
	CHECK_EQ(in(sim, DV_NIC_STATFIFO_LEVEL), 1);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_LO), 60);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_HI), 0);
	CHECK_EQ(in(sim, DV_NIC_STATFIFO_LEVEL), 0);
	CHECK_EQ(sim->st.peer.txq_count, 0);
	CHECK_EQ(sim->st.peer.tx_seq, 1);
	/* A DMA read with nothing in the FIFO floats. */
	CHECK_EQ(dv_nic_dack(sim, DV_XFER_TO_MEMORY, 1, 0, false), 0xFF);
	CHECK_EQ(count_notes(sim, DV_NOTE_RX_EMPTY_READ), 1);
	dv_sim_destroy(sim);
}

static void test_rx_overrun(void)
{
	struct dv_sim *sim = make(1);
	out(sim, DV_NIC_IMR, DV_NIC_INT_ALL);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_RXEN); /* nobody drains */
	CHECK(dv_peer_send(sim, 60));
	dv_sim_run(sim, 60 * 4 + 8);
	const struct dv_nic *n = &sim->st.nic;
	CHECK_EQ(n->rx_count, DV_NIC_RXFIFO);
	CHECK_EQ(n->isr, DV_NIC_INT_OVERRUN);
	CHECK_EQ(count_notes(sim, DV_NOTE_RX_OVERRUN), 60 - DV_NIC_RXFIFO);
	CHECK_EQ(n->stat_count, 1);
	CHECK_EQ(n->statfifo[n->stat_head], DV_NIC_RXFIFO | DV_NIC_RXS_ERROR | DV_NIC_RXS_OVERRUN);
	CHECK_EQ(in(sim, DV_NIC_STATUS) & DV_NIC_ST_RXFULL, DV_NIC_ST_RXFULL);
	/* Draining now gives the first 16 bytes, and RXDONE with the last of them. */
	out(sim, DV_NIC_CMD, DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
	for (unsigned i = 0; i < DV_NIC_RXFIFO; i++) {
		CHECK(dreq(sim));
		CHECK_EQ(n->isr & DV_NIC_INT_RXDONE, 0);
		CHECK_EQ(dv_nic_dack(sim, DV_XFER_TO_MEMORY, 1, 0, false), dv_peer_byte(0, i));
	}
	CHECK_EQ(n->isr & DV_NIC_INT_RXDONE, DV_NIC_INT_RXDONE);
	CHECK(!dreq(sim));
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_LO), DV_NIC_RXFIFO);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_HI), (DV_NIC_RXS_ERROR | DV_NIC_RXS_OVERRUN) >> 8);
	dv_sim_destroy(sim);
}

/* Ticks (draining on DREQ) until the peer is at byte pos of its frame seq. */
static void run_to_peer_pos(struct dv_sim *sim, uint32_t seq, uint16_t pos, unsigned *got)
{
	for (unsigned t = 0; t < 10000; t++) {
		if (sim->st.peer.tx_seq == seq && sim->st.peer.tx_pos == pos)
			return;
		run_rx(sim, 1, NULL, got, 0);
	}
	CHECK(!"the peer never got there");
}

static void test_rxen_off_drops(void)
{
	struct dv_sim *sim = make(1);
	out(sim, DV_NIC_IMR, DV_NIC_INT_ALL);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_DMARX); /* receiver off */
	CHECK(dv_peer_send(sim, 60));
	CHECK(dv_peer_send(sim, 60));
	CHECK(dv_peer_send(sim, 60));
	unsigned got = 0;
	run_to_peer_pos(sim, 1, 0, &got);
	const struct dv_nic *n = &sim->st.nic;
	CHECK_EQ(n->rx_count, 0);
	CHECK_EQ(n->stat_count, 0);
	CHECK_EQ(n->isr, 0);
	CHECK_EQ(got, 0);
	CHECK_EQ(in(sim, DV_NIC_MISSED), 1);
	/* Switching on in the middle of a frame does not catch its tail. */
	run_to_peer_pos(sim, 1, 10, &got);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_DMARX | DV_NIC_CMD_RXEN);
	run_to_peer_pos(sim, 2, 0, &got);
	CHECK_EQ(n->rx_count, 0);
	CHECK_EQ(n->stat_count, 0);
	CHECK_EQ(got, 0);
	CHECK_EQ(in(sim, DV_NIC_MISSED), 2);
	/* The third frame, with the receiver on from its start, is taken; switching the
	 * receiver off half way loses the rest and marks the entry. */
	run_to_peer_pos(sim, 2, 30, &got);
	run_rx(sim, 2, NULL, &got, 0); /* let the DMA take the last byte that arrived */
	CHECK_EQ(got, 30);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_DMARX);
	run_to_peer_pos(sim, 3, 0, &got);
	CHECK_EQ(got, 30);
	CHECK_EQ(n->stat_count, 1);
	CHECK_EQ(n->statfifo[n->stat_head], 30 | DV_NIC_RXS_ERROR | DV_NIC_RXS_RXOFF);
	CHECK_EQ(n->isr, DV_NIC_INT_RXDONE); /* its last stored byte had already left */
	CHECK_EQ(in(sim, DV_NIC_MISSED), 2);
	dv_sim_destroy(sim);
}

static void test_irq_follows_isr_imr(void)
{
	struct dv_sim *sim = make(1);
	dv_nic_dack(sim, DV_XFER_FROM_MEMORY, 1, 0, false); /* unwanted byte: TXOVERFLOW */
	CHECK_EQ(sim->st.nic.isr, DV_NIC_INT_TXOVERFLOW);
	CHECK(!irq_line(sim)); /* masked */
	CHECK_EQ(sim->st.cpu.irr & IRQ_BIT, 0);
	out(sim, DV_NIC_IMR, DV_NIC_INT_TXOVERFLOW);
	CHECK(irq_line(sim));
	CHECK(sim->st.cpu.irr & IRQ_BIT); /* the rising edge reached the PIC */
	out(sim, DV_NIC_IMR, DV_NIC_INT_TXDONE);
	CHECK(!irq_line(sim));
	out(sim, DV_NIC_IMR, DV_NIC_INT_TXDONE | DV_NIC_INT_TXOVERFLOW);
	CHECK(irq_line(sim));
	out(sim, DV_NIC_ISR, DV_NIC_INT_TXOVERFLOW);
	CHECK(!irq_line(sim));
	CHECK_EQ(sim->st.nic.irq_level, 0);
	/* Only line 5 moved. */
	CHECK_EQ(sim->st.bus.irq & ~IRQ_BIT, 0);
	dv_sim_destroy(sim);
}

static void test_rxstat_latch_pop(void)
{
	struct dv_sim *sim = make(1);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
	CHECK(dv_peer_send(sim, 300));
	CHECK(dv_peer_send(sim, 511));
	unsigned got = 0;
	run_rx(sim, (300 + 12 + 511) * 4 + 8, NULL, &got, 0);
	CHECK_EQ(got, 811);
	CHECK_EQ(in(sim, DV_NIC_STATFIFO_LEVEL), 2);
	CHECK_EQ(in(sim, DV_NIC_STATUS) & DV_NIC_ST_STATDATA, DV_NIC_ST_STATDATA);
	/* LO latches and does not pop; HI pops. */
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_LO), 300 & 0xFF);
	CHECK_EQ(in(sim, DV_NIC_STATFIFO_LEVEL), 2);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_LO), 300 & 0xFF);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_HI), 300 >> 8);
	CHECK_EQ(in(sim, DV_NIC_STATFIFO_LEVEL), 1);
	/* HI alone reads the head's high byte and pops it: the low byte is gone. */
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_HI), 511 >> 8);
	CHECK_EQ(in(sim, DV_NIC_STATFIFO_LEVEL), 0);
	CHECK_EQ(in(sim, DV_NIC_STATUS) & DV_NIC_ST_STATDATA, 0);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_HI), 0); /* empty */
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_LO), 0);
	/* The latch makes LO,HI one read: a frame ending in between is not half-read. */
	CHECK(dv_peer_send(sim, 300));
	run_rx(sim, 12 * 4 + 300 * 4 + 8, NULL, &got, 0);
	CHECK_EQ(in(sim, DV_NIC_STATFIFO_LEVEL), 1);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_HI), 0); /* pairs with the LO read of the empty FIFO */
	CHECK_EQ(in(sim, DV_NIC_STATFIFO_LEVEL), 1);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_LO), 300 & 0xFF);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_HI), 300 >> 8);
	CHECK_EQ(in(sim, DV_NIC_STATFIFO_LEVEL), 0);
	dv_sim_destroy(sim);
}

static void test_status_fifo_full_misses(void)
{
	struct dv_sim *sim = make(1);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
	for (unsigned f = 0; f < DV_NIC_STATFIFO; f++)
		CHECK(dv_peer_send(sim, 60));
	unsigned got = 0;
	run_rx(sim, DV_NIC_STATFIFO * (60 + 12) * 4 + 8, NULL, &got, 0);
	CHECK_EQ(in(sim, DV_NIC_STATFIFO_LEVEL), DV_NIC_STATFIFO);
	/* One more frame: no room to describe it, so the card does not take it. */
	CHECK(dv_peer_send(sim, 60));
	run_rx(sim, (60 + 12) * 4 + 8, NULL, &got, 0);
	CHECK_EQ(got, DV_NIC_STATFIFO * 60u);
	CHECK_EQ(in(sim, DV_NIC_STATFIFO_LEVEL), DV_NIC_STATFIFO);
	CHECK_EQ(in(sim, DV_NIC_MISSED), 1);
	dv_sim_destroy(sim);
}

static void test_peer_frames(void)
{
	/* The documented pattern: header, frame number, payload hash (docs/nic.md). */
	static const uint8_t hdr[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x88, 0xB5 };
	for (unsigned i = 0; i < 14; i++) {
		CHECK_EQ(dv_peer_byte(0, i), hdr[i]);
		CHECK_EQ(dv_peer_byte(12345, i), hdr[i]);
	}
	CHECK_EQ(dv_peer_byte(0x12345678, 14), 0x12);
	CHECK_EQ(dv_peer_byte(0x12345678, 15), 0x34);
	CHECK_EQ(dv_peer_byte(0x12345678, 16), 0x56);
	CHECK_EQ(dv_peer_byte(0x12345678, 17), 0x78);
	/* Values computed from the formula in docs/nic.md, independently of this code. */
	CHECK_EQ(dv_peer_byte(0, 18), 0xDE);
	CHECK_EQ(dv_peer_byte(0, 19), 0x72);
	CHECK_EQ(dv_peer_byte(0, 59), 0x49);
	CHECK_EQ(dv_peer_byte(1, 18), 0xD8);
	CHECK_EQ(dv_peer_byte(7, 100), 0x22);
	CHECK_EQ(dv_peer_byte(0x12345678, 1513), 0x30);
	unsigned differ = 0;
	for (unsigned i = 18; i < 60; i++) {
		CHECK_EQ(dv_peer_byte(3, i), dv_peer_byte(3, i));
		differ += dv_peer_byte(3, i) != dv_peer_byte(4, i);
	}
	CHECK(differ > 30);

	struct dv_sim *sim = make(1);
	CHECK(!dv_peer_send(sim, DV_PEER_MIN_FRAME - 1));
	CHECK(!dv_peer_send(sim, DV_PEER_MAX_FRAME + 1));
	for (unsigned i = 0; i < DV_PEER_TXQ; i++)
		CHECK(dv_peer_send(sim, (uint16_t)(60 + i)));
	CHECK(!dv_peer_send(sim, 60)); /* queue full */
	CHECK_EQ(sim->st.peer.txq_count, DV_PEER_TXQ);

	/* Two frames back to back: the second is frame 1, after 12 idle byte-times. */
	out(sim, DV_NIC_CMD, DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
	size_t first = sim->trace.len;
	unsigned got = 0;
	uint8_t buf[200];
	run_rx(sim, (60 + 12 + 61) * 4 + 4, buf, &got, sizeof buf);
	CHECK_EQ(got, 121);
	for (unsigned i = 0; i < 61; i++)
		CHECK_EQ(buf[60 + i], dv_peer_byte(1, i));
	uint64_t prev = 0;
	unsigned k = 0, bad_gap = 0;
	for (size_t i = first; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		if (e->kind != DV_EV_WIRE)
			continue;
		CHECK_EQ(e->index, 1);
		uint64_t want = k == 60 ? (DV_PEER_GAP + 1) * 4u : 4u;
		if (k > 0 && e->cycle - prev != want)
			bad_gap++;
		prev = e->cycle;
		k++;
	}
	CHECK_EQ(k, 121);
	CHECK_EQ(bad_gap, 0);
	dv_sim_destroy(sim);
}

static void test_soft_reset(void)
{
	struct dv_sim *sim = make(1);
	out(sim, DV_NIC_IMR, DV_NIC_INT_ALL);
	set_txlen(sim, 200);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX | DV_NIC_CMD_RXEN);
	unsigned next = 0;
	run_tx(sim, &next, 100, DV_NIC_INT_ALL);
	CHECK(sim->st.nic.tx_sent > 0);
	CHECK(sim->st.peer.rx_cur > 0);
	dv_nic_dack(sim, DV_XFER_FROM_MEMORY, 1, 0, false);
	dv_nic_dack(sim, DV_XFER_FROM_MEMORY, 1, 0, false); /* overflows: ISR and IRQ up */
	CHECK(irq_line(sim));
	out(sim, DV_NIC_CMD, DV_NIC_CMD_RESET | DV_NIC_CMD_RXEN);
	const struct dv_nic *n = &sim->st.nic;
	CHECK_EQ(in(sim, DV_NIC_CMD), 0);
	CHECK_EQ(n->isr, 0);
	CHECK_EQ(n->imr, DV_NIC_INT_ALL);
	CHECK_EQ(n->txlen, 200);
	CHECK_EQ(n->tx_count, 0);
	CHECK_EQ(n->tx_sent, 0);
	CHECK_EQ(in(sim, DV_NIC_STATUS), DV_NIC_ST_TXEMPTY);
	CHECK(!irq_line(sim));
	CHECK(!dreq(sim));
	CHECK_EQ(sim->st.peer.rx_cur, 0);
	CHECK_EQ(sim->st.peer.rx_aborted, 1);
	CHECK_EQ(sim->st.peer.rx_count, 0);
	dv_sim_destroy(sim);
}

static void test_word_channel(void)
{
	/* Channel 5 moves words: an odd frame's last word carries one pad byte. */
	struct dv_sim *sim = make(5);
	out(sim, DV_NIC_IMR, DV_NIC_INT_ALL);
	set_txlen(sim, 61);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX);
	unsigned words = 0;
	for (unsigned t = 0; t < 1000 && !(sim->st.nic.isr & DV_NIC_INT_ALL); t++) {
		dv_sim_tick(sim);
		if (dreq(sim)) {
			uint16_t w =
			        (uint16_t)(tx_pattern(2 * words) | tx_pattern(2 * words + 1) << 8);
			dv_nic_dack(sim, DV_XFER_FROM_MEMORY, 2, w, false);
			words++;
		}
	}
	CHECK_EQ(words, 31);
	CHECK_EQ(sim->st.nic.isr, DV_NIC_INT_TXDONE); /* the pad byte is no overflow */
	CHECK_EQ(sim->st.peer.rx_len[0], 61);
	for (unsigned i = 0; i < 61; i++)
		CHECK_EQ(sim->st.peer.rx_data[0][i], tx_pattern(i));
	CHECK_EQ(sim->st.bus.dreq, 0);

	out(sim, DV_NIC_ISR, DV_NIC_INT_ALL);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
	CHECK(dv_peer_send(sim, 61));
	uint8_t buf[64];
	unsigned got = 0;
	for (unsigned t = 0; t < 400; t++) {
		dv_sim_tick(sim);
		if (dreq(sim)) {
			uint16_t w = dv_nic_dack(sim, DV_XFER_TO_MEMORY, 2, 0, false);
			buf[got++] = (uint8_t)w;
			buf[got++] = (uint8_t)(w >> 8);
		}
	}
	CHECK_EQ(got, 62);
	for (unsigned i = 0; i < 61; i++)
		CHECK_EQ(buf[i], dv_peer_byte(0, i));
	CHECK_EQ(buf[61], 0);
	CHECK_EQ(sim->st.nic.isr, DV_NIC_INT_RXDONE);
	CHECK_EQ(count_notes(sim, DV_NOTE_RX_EMPTY_READ), 0);
	dv_sim_destroy(sim);
}

/* ---- with the real 8237A ---------------------------------------------------------------- */

/* Programs DMA1 channel 1 the way the HAL does: mask, clear flip-flop, mode, address,
 * page, count N-1, unmask. */
static void program_ch1(struct dv_sim *sim, uint8_t mode, uint32_t phys, uint16_t len)
{
	dv_sim_out(sim, 0x0A, 0x04 | 1);
	dv_sim_out(sim, 0x0C, 0);
	dv_sim_out(sim, 0x0B, mode);
	dv_sim_out(sim, 0x02, (uint8_t)phys);
	dv_sim_out(sim, 0x02, (uint8_t)(phys >> 8));
	dv_sim_out(sim, 0x83, (uint8_t)(phys >> 16));
	dv_sim_out(sim, 0x03, (uint8_t)(len - 1));
	dv_sim_out(sim, 0x03, (uint8_t)((len - 1) >> 8));
	dv_sim_out(sim, 0x0A, 1);
}

static void send_with_8237(struct dv_sim *sim, uint8_t mode, uint16_t len)
{
	for (unsigned i = 0; i < len; i++)
		dv_sim_mem_write(sim, 0x12000 + i, tx_pattern(i));
	program_ch1(sim, mode, 0x12000, len);
	out(sim, DV_NIC_IMR, DV_NIC_INT_ALL);
	set_txlen(sim, len);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX);
	for (unsigned t = 0;
	     t < 20000 && !(sim->st.nic.isr & (DV_NIC_INT_TXDONE | DV_NIC_INT_UNDERRUN)); t++)
		dv_sim_tick(sim);
}

/* Transfers on the card's channel since event from whose event carries the card's FIFO
 * answer (DV_XFER_CARD): each one, a cursor before and after it, sees the FIFO move by one
 * (into the TX FIFO: its count and the bytes fetched up; out of the RX FIFO: its head on, its
 * count down); returns how many. */
static unsigned card_steps_checked(struct dv_sim *sim, size_t from, bool tx)
{
	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	unsigned n = 0;
	for (size_t i = from; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		if (e->kind != DV_EV_XFER || !(e->old_value & DV_XFER_CARD))
			continue;
		CHECK_EQ(dv_xfer_dir(e), tx ? DV_XFER_FROM_MEMORY : DV_XFER_TO_MEMORY);
		enum dv_slot a = tx ? DV_SLOT_NIC_TX_COUNT : DV_SLOT_NIC_RX_HEAD,
		             b = tx ? DV_SLOT_NIC_TX_FETCHED : DV_SLOT_NIC_RX_COUNT;
		dv_cursor_seek(&c, i);
		uint32_t a0 = dv_cursor_get(&c, a, 0), b0 = dv_cursor_get(&c, b, 0);
		dv_cursor_seek(&c, i + 1);
		uint32_t a1 = dv_cursor_get(&c, a, 0), b1 = dv_cursor_get(&c, b, 0);
		if (tx) {
			CHECK_EQ(a1, a0 + 1);
			CHECK_EQ(b1, b0 + 1);
		} else {
			CHECK_EQ(a1, (a0 + 1) % DV_NIC_RXFIFO);
			CHECK_EQ(b1 + 1, b0);
		}
		dv_cursor_seek(&c, i); /* and back */
		CHECK_EQ(dv_cursor_get(&c, a, 0), a0);
		CHECK_EQ(dv_cursor_get(&c, b, 0), b0);
		n++;
	}
	dv_cursor_finish(&c);
	return n;
}

static void test_8237_demand_send(void)
{
	struct dv_sim *sim = make(1);
	size_t from = sim->trace.len;
	send_with_8237(sim, 0x09, 100); /* demand mode, read transfer (memory -> NIC), ch 1 */
	CHECK_EQ(card_steps_checked(sim, from, true), 100); /* every byte the card kept */
	CHECK_EQ(sim->st.nic.isr, DV_NIC_INT_TXDONE);
	CHECK_EQ(sim->st.peer.rx_len[0], 100);
	for (unsigned i = 0; i < 100; i++)
		CHECK_EQ(sim->st.peer.rx_data[0][i], tx_pattern(i));
	CHECK_EQ(sim->st.dma[0].ch[1].cur_count, 0xFFFF); /* ran to terminal count */
	CHECK_EQ(count_notes(sim, DV_NOTE_TX_OVERFLOW), 0);
	/* Demand mode paused whenever the FIFO was full: the CPU got cycles in between. */
	CHECK(dv_sim_get(sim, DV_SLOT_BUS_CPU_CYCLES, 0) > 100);
	dv_sim_destroy(sim);
}

static void test_8237_block_send_overflows(void)
{
	struct dv_sim *sim = make(1);
	send_with_8237(sim, 0x89, 100); /* block mode: runs to TC whatever DREQ says */
	CHECK(sim->st.nic.isr & DV_NIC_INT_TXOVERFLOW);
	CHECK(sim->st.nic.isr & DV_NIC_INT_UNDERRUN);
	/* The burst outruns the wire (one byte a tick against one in four): what the FIFO
	 * could not hold is lost, and the frame then runs dry. */
	CHECK(sim->st.nic.tx_fetched < 50);
	CHECK_EQ(count_notes(sim, DV_NOTE_TX_OVERFLOW), 100u - sim->st.nic.tx_fetched);
	CHECK_EQ(sim->st.dma[0].ch[1].cur_count, 0xFFFF);
	CHECK_EQ(sim->st.peer.rx_count, 0);
	CHECK_EQ(sim->st.peer.rx_aborted, 1);
	dv_sim_destroy(sim);
}

static void test_8237_demand_receive(void)
{
	struct dv_sim *sim = make(1);
	program_ch1(sim, 0x05, 0x20000, 200); /* demand mode, write transfer (NIC -> memory) */
	out(sim, DV_NIC_IMR, DV_NIC_INT_ALL);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
	CHECK(dv_peer_send(sim, 60));
	CHECK(dv_peer_send(sim, 70));
	size_t from = sim->trace.len;
	dv_sim_run(sim, (60 + 12 + 70) * 4 + 20);
	CHECK_EQ(card_steps_checked(sim, from, false), 130);
	CHECK_EQ(sim->st.nic.isr, DV_NIC_INT_RXDONE);
	for (unsigned i = 0; i < 60; i++)
		CHECK_EQ(dv_sim_mem_read(sim, 0x20000 + i), dv_peer_byte(0, i));
	for (unsigned i = 0; i < 70; i++)
		CHECK_EQ(dv_sim_mem_read(sim, 0x20000 + 60 + i), dv_peer_byte(1, i));
	/* 130 of 200 moved: the residue a driver reads back is 70 - 1 in the count register. */
	CHECK_EQ(sim->st.dma[0].ch[1].cur_count, 200 - 130 - 1);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_LO), 60);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_HI), 0);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_LO), 70);
	CHECK_EQ(in(sim, DV_NIC_RXSTAT_HI), 0);
	dv_sim_destroy(sim);
}

/* ---- the rules of the core: traced, undoable, deterministic ----------------------------- */

static void scenario(struct dv_sim *sim)
{
	out(sim, DV_NIC_IMR, DV_NIC_INT_ALL);
	program_ch1(sim, 0x49, 0x12000, 80); /* single mode */
	for (unsigned i = 0; i < 80; i++)
		dv_sim_mem_write(sim, 0x12000 + i, tx_pattern(i));
	set_txlen(sim, 80);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX | DV_NIC_CMD_RXEN);
	dv_peer_send(sim, 64); /* not drained: overruns */
	dv_sim_run(sim, 600);
	in(sim, DV_NIC_RXSTAT_LO);
	in(sim, DV_NIC_RXSTAT_HI);
	out(sim, DV_NIC_CMD, DV_NIC_CMD_RESET);
}

static void test_undo_and_determinism(void)
{
	struct dv_sim *a = make(1), *b = make(1);
	struct dv_nic nic0 = a->st.nic;
	struct dv_peer *peer0 = malloc(sizeof *peer0);
	CHECK(peer0 != NULL);
	if (!peer0)
		return;
	*peer0 = a->st.peer;
	scenario(a);
	scenario(b);
	CHECK(a->st.peer.rx_count == 1);
	CHECK(a->st.nic.missed == 0);
	CHECK_EQ(dv_sim_state_hash(a), dv_sim_state_hash(b));
	CHECK_EQ(dv_trace_hash(&a->trace, a->trace.len), dv_trace_hash(&b->trace, b->trace.len));

	/* Every change went through dv_sim_set: undoing the whole trace gives the reset. */
	struct dv_cursor c;
	dv_cursor_init(&c, a);
	dv_cursor_seek(&c, a->trace.len);
	CHECK(memcmp(&c.st.nic, &a->st.nic, sizeof nic0) == 0);
	CHECK(memcmp(&c.st.peer, &a->st.peer, sizeof *peer0) == 0);
	dv_cursor_seek(&c, 0);
	CHECK(memcmp(&c.st.nic, &nic0, sizeof nic0) == 0);
	CHECK(memcmp(&c.st.peer, peer0, sizeof *peer0) == 0);
	dv_cursor_finish(&c);
	free(peer0);
	dv_sim_destroy(a);
	dv_sim_destroy(b);
}

CHECK_MAIN(CHECK_CASE(test_reset_state), CHECK_CASE(test_port_map), CHECK_CASE(test_tx_dreq),
           CHECK_CASE(test_tx_dack_push), CHECK_CASE(test_tx_frame_to_peer),
           CHECK_CASE(test_tx_start_threshold), CHECK_CASE(test_tx_underrun),
           CHECK_CASE(test_rx_wire_rate), CHECK_CASE(test_rx_frame_drained),
           CHECK_CASE(test_rx_overrun), CHECK_CASE(test_rxen_off_drops),
           CHECK_CASE(test_irq_follows_isr_imr), CHECK_CASE(test_rxstat_latch_pop),
           CHECK_CASE(test_status_fifo_full_misses), CHECK_CASE(test_peer_frames),
           CHECK_CASE(test_soft_reset), CHECK_CASE(test_word_channel),
           CHECK_CASE(test_8237_demand_send), CHECK_CASE(test_8237_block_send_overflows),
           CHECK_CASE(test_8237_demand_receive), CHECK_CASE(test_undo_and_determinism))
