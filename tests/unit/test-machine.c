/* dmaviz: unit tests of the machine's wiring: the device table, bus decoding, the tick order,
 * DACK routing, the 8237A port map (DV_DMA_PORT) and the cache's peek.
 */
#include <string.h>

#include "bus.h"
#include "cache.h"
#include "check.h"
#include "dma8237.h"
#include "nic.h"
#include "sim.h"

static struct dv_sim *make(uint16_t nic_base, uint8_t channel, bool coherent)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	cfg.nic_base = nic_base;
	cfg.nic_channel = channel;
	cfg.coherent = coherent;
	return dv_sim_create(&cfg);
}

static int row_of(const char *name)
{
	for (unsigned i = 0; i < dv_device_count; i++)
		if (strcmp(dv_devices[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---- the port map ---------------------------------------------------------------------- */

/* facts §1.2, the datasheet's register table: DMA1 register r at port r, DMA2's at the even
 * ports from 0xC0; §1.3: the page registers in channel order. */
static void test_dma_port_map(void)
{
	static const uint16_t dma2[16] = { 0xC0, 0xC2, 0xC4, 0xC6, 0xC8, 0xCA, 0xCC, 0xCE,
		                           0xD0, 0xD2, 0xD4, 0xD6, 0xD8, 0xDA, 0xDC, 0xDE };
	static const uint16_t page[8] = { 0x87, 0x83, 0x81, 0x82, 0x8F, 0x8B, 0x89, 0x8A };
	for (unsigned r = 0; r < 16; r++) {
		CHECK_EQ(DV_DMA_PORT(0, r), r);
		CHECK_EQ(DV_DMA_PORT(1, r), dma2[r]);
		for (unsigned chip = 0; chip < 2; chip++) {
			unsigned c = 9, g = 99;
			CHECK(dv_dma_decode(DV_DMA_PORT(chip, r), &c, &g));
			CHECK_EQ(c, chip);
			CHECK_EQ(g, r);
		}
	}
	CHECK_EQ(DV_DMA_PORT(0, DV_DMA_REG_SINGLE_MASK), 0x0A);
	CHECK_EQ(DV_DMA_PORT(1, DV_DMA_REG_MODE), 0xD6);
	CHECK_EQ(DV_DMA_PORT(0, DV_DMA_REG_ADDR(1)), 0x02);
	CHECK_EQ(DV_DMA_PORT(0, DV_DMA_REG_COUNT(3)), 0x07);
	CHECK_EQ(DV_DMA_PORT(1, DV_DMA_REG_ADDR(1)), 0xC4);  /* channel 5 */
	CHECK_EQ(DV_DMA_PORT(1, DV_DMA_REG_COUNT(3)), 0xCE); /* channel 7 */
	for (unsigned ch = 0; ch < 8; ch++) {
		CHECK_EQ(dv_dma_page_port(ch), page[ch]);
		CHECK_EQ(dv_dma_page_channel(page[ch]), ch);
	}
	unsigned c, g;
	CHECK(!dv_dma_decode(0x10, &c, &g));
	CHECK(!dv_dma_decode(0xC1, &c, &g)); /* DMA2 does not decode A0 */
	CHECK(!dv_dma_decode(0xDF, &c, &g));
	CHECK(!dv_dma_decode(0xE0, &c, &g));
	CHECK_EQ(dv_dma_page_channel(0x80), -1);
}

/* ---- the table and decoding ------------------------------------------------------------ */

static void test_table_rows(void)
{
	CHECK(dv_device_count >= 1);
	for (unsigned i = 0; i < dv_device_count; i++) {
		const struct dv_device *d = &dv_devices[i];
		CHECK(d->name && d->name[0]);
		CHECK(row_of(d->name) == (int)i); /* names are unique */
		CHECK(d->nranges <= DV_DEVICE_RANGES);
		for (unsigned u = 0; u < d->nranges; u++) {
			CHECK(d->ranges[u].stride >= 1);
			CHECK(d->ranges[u].first <= d->ranges[u].last);
		}
		/* A device with ports answers reads and writes; DACK needs a channel. */
		CHECK(!d->nranges || (d->out && d->in));
		CHECK(!d->dack == !d->dack_channel);
	}
}

/* What the PC/AT's map says answers a port, written out independently of the table. */
static const char *expected_device(uint16_t port, uint16_t nic_base, unsigned *unit, unsigned *reg)
{
	if (port <= 0x0F) {
		*unit = 0, *reg = port;
		return "dma";
	}
	if (port >= 0xC0 && port <= 0xDE && !(port & 1)) {
		*unit = 1, *reg = (unsigned)(port - 0xC0) / 2;
		return "dma";
	}
	if (port >= 0x80 && port <= 0x8F) {
		*unit = 0, *reg = port - 0x80u;
		return "page";
	}
	if (port >= nic_base && port < nic_base + 16u) {
		*unit = 0, *reg = (unsigned)(port - nic_base);
		return "nic";
	}
	return NULL;
}

/* Every port decodes to at most one device, the one the map names, for every NIC base the
 * language allows (0x100-0x3F0 in steps of 0x10). */
static void test_every_port_one_device(void)
{
	for (uint16_t base = 0x100; base <= 0x3F0; base += 0x10) {
		struct dv_sim *sim = make(base, 1, true);
		CHECK(sim != NULL);
		if (!sim)
			return;
		unsigned bad = 0;
		for (uint32_t p = 0; p <= 0xFFFF; p++) {
			unsigned unit = 99, reg = 99, wu = 0, wr = 0, claims = 0;
			const char *want = expected_device((uint16_t)p, base, &wu, &wr);
			/* No overlaps: count every range of every row that claims the port. */
			for (unsigned i = 0; i < dv_device_count; i++) {
				const struct dv_device *d = &dv_devices[i];
				uint32_t off = p - (d->base ? d->base(&sim->st) : 0u);
				for (unsigned u = 0; u < d->nranges; u++) {
					const struct dv_port_range *r = &d->ranges[u];
					if (off >= r->first && off <= r->last &&
					    (off - r->first) % r->stride == 0)
						claims++;
				}
			}
			const struct dv_device *d =
			        dv_bus_decode(&sim->st, (uint16_t)p, &unit, &reg);
			bool ok = claims == (want ? 1u : 0u) && (d == NULL) == (want == NULL) &&
			          (!d || (strcmp(d->name, want) == 0 && unit == wu && reg == wr));
			if (!ok && bad++ < 5)
				fprintf(stderr, "base 0x%X port 0x%X: %u claims, decoded to %s\n",
				        base, (unsigned)p, claims, d ? d->name : "nobody");
		}
		CHECK_EQ(bad, 0);
		dv_sim_destroy(sim);
	}
}

/* A card jumpered onto the motherboard's ports loses to them (only the C API can do it). */
static void test_motherboard_wins(void)
{
	struct dv_sim *sim = make(0x80, 1, true);
	unsigned unit, reg;
	CHECK(strcmp(dv_bus_decode(&sim->st, 0x83, &unit, &reg)->name, "page") == 0);
	dv_sim_out(sim, 0x83, 0x12);
	CHECK_EQ(sim->st.page[1], 0x12);
	CHECK_EQ(sim->st.nic.imr, 0);
	dv_sim_destroy(sim);
}

/* ---- the tick order -------------------------------------------------------------------- */

/* The rank in the table of the device an event of a tick belongs to; -1 for the bus's own
 * bookkeeping (the cycle counter, the cycle accounting). */
static int rank_of(const struct dv_event *e)
{
	switch (e->src) {
	case DV_SRC_NIC:
	case DV_SRC_PEER: return row_of("nic");
	case DV_SRC_DMA: return row_of("dma");
	case DV_SRC_MACHINE:
		if (e->kind == DV_EV_STATE &&
		    (e->slot == DV_SLOT_CYCLE || e->slot == DV_SLOT_BUS_CPU_CYCLES ||
		     e->slot == DV_SLOT_BUS_DMA_CYCLES))
			return -1;
		return row_of("dma");  /* arbitration runs as the machine */
	default: return row_of("cpu"); /* interrupt delivery runs as whoever drives the machine */
	}
}

/* A frame from the peer drained by single-mode DMA on channel 1 with RXDONE enabled: ticks
 * in which the wire moves, the 8237A transfers and the CPU takes the interrupt. */
static void test_tick_order(void)
{
	static const char *const order[] = { "nic", "dma", "page", "cpu" };
	CHECK_EQ(dv_device_count, 4);
	for (unsigned i = 0; i < 4 && i < dv_device_count; i++)
		CHECK(strcmp(dv_devices[i].name, order[i]) == 0);

	struct dv_sim *sim = make(0x300, 1, true);
	dv_sim_connect_irq(sim, 5, true);
	dv_sim_out(sim, 0x300 + DV_NIC_IMR, DV_NIC_INT_RXDONE);
	dv_sim_out(sim, 0x300 + DV_NIC_CMD, DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
	dv_sim_out(sim, DV_DMA_PORT(0, DV_DMA_REG_SINGLE_MASK), 0x04 | 1);
	dv_sim_out(sim, DV_DMA_PORT(0, DV_DMA_REG_CLEAR_FF), 0);
	dv_sim_out(sim, DV_DMA_PORT(0, DV_DMA_REG_MODE), 0x44 | 1); /* single, I/O -> memory */
	dv_sim_out(sim, DV_DMA_PORT(0, DV_DMA_REG_ADDR(1)), 0x00);
	dv_sim_out(sim, DV_DMA_PORT(0, DV_DMA_REG_ADDR(1)), 0x40);
	dv_sim_out(sim, DV_DMA_PORT(0, DV_DMA_REG_COUNT(1)), 0xFF);
	dv_sim_out(sim, DV_DMA_PORT(0, DV_DMA_REG_COUNT(1)), 0x00);
	dv_sim_out(sim, dv_dma_page_port(1), 0x01);
	dv_sim_out(sim, DV_DMA_PORT(0, DV_DMA_REG_SINGLE_MASK), 0x00 | 1);
	CHECK(dv_peer_send(sim, 60));
	size_t from = sim->trace.len;
	dv_sim_run(sim, 400);

	unsigned pairs[3] = { 0 }, out_of_order = 0, delivered = 0;
	size_t i = from;
	while (i < sim->trace.len) {
		/* One tick: the events stamped with its cycle (a tick records no event of its
		 * own). */
		size_t end = i + 1;
		while (end < sim->trace.len &&
		       dv_trace_at(&sim->trace, end)->cycle == dv_trace_at(&sim->trace, i)->cycle)
			end++;
		int last = -1;
		unsigned seen = 0;
		for (size_t k = i; k < end; k++) {
			const struct dv_event *e = dv_trace_at(&sim->trace, k);
			if (e->kind == DV_EV_NOTE && e->slot == DV_NOTE_IRQ_DELIVERED)
				delivered++;
			int r = rank_of(e);
			if (r < 0)
				continue;
			if (r < last)
				out_of_order++;
			last = r > last ? r : last;
			seen |= 1u << r;
		}
		/* ticks in which two of them act, so that their order says something */
		unsigned nic = 1u << row_of("nic"), dma = 1u << row_of("dma"),
		         cpu = 1u << row_of("cpu");
		pairs[0] += (seen & (nic | dma)) == (nic | dma);
		pairs[1] += (seen & (dma | cpu)) == (dma | cpu);
		pairs[2] += (seen & (nic | cpu)) == (nic | cpu);
		i = end;
	}
	CHECK_EQ(out_of_order, 0);
	CHECK_EQ(delivered, 1);
	CHECK(pairs[0] >= 1);
	CHECK(pairs[1] + pairs[2] >= 1);
	printf("# ticks with nic+dma %u, dma+cpu %u, nic+cpu %u\n", pairs[0], pairs[1], pairs[2]);
	CHECK_EQ(dv_sim_mem_read(sim, 0x14000), dv_peer_byte(0, 0)); /* the frame arrived */
	dv_sim_destroy(sim);
}

/* ---- DACK routing ---------------------------------------------------------------------- */

static void start_tx(struct dv_sim *sim, uint16_t base)
{
	dv_sim_out(sim, (uint16_t)(base + DV_NIC_TXLEN_LO), 8);
	dv_sim_out(sim, (uint16_t)(base + DV_NIC_TXLEN_HI), 0);
	dv_sim_out(sim, (uint16_t)(base + DV_NIC_CMD), DV_NIC_CMD_TXGO | DV_NIC_CMD_DMATX);
}

static void test_dack_routing(void)
{
	struct dv_sim *sim = make(0x300, 1, true);
	start_tx(sim, 0x300);
	/* The card on channel 1 takes the byte; nobody sits on channels 2 and 3. */
	dv_bus_dack(sim, 1, DV_XFER_FROM_MEMORY, 1, 0x5A, false);
	CHECK_EQ(sim->st.nic.tx_count, 1);
	CHECK_EQ(sim->st.nic.txfifo[0], 0x5A);
	CHECK_EQ(dv_bus_dack(sim, 2, DV_XFER_FROM_MEMORY, 1, 0x77, false), 0xFF);
	CHECK_EQ(sim->st.nic.tx_count, 1);
	CHECK_EQ(dv_bus_dack(sim, 3, DV_XFER_TO_MEMORY, 1, 0, false), 0xFF);
	CHECK_EQ(dv_bus_dack(sim, 7, DV_XFER_TO_MEMORY, 2, 0, false), 0xFFFF);
	dv_sim_destroy(sim);

	/* A card on a 16-bit channel takes words. */
	sim = make(0x300, 5, true);
	start_tx(sim, 0x300);
	dv_bus_dack(sim, 5, DV_XFER_FROM_MEMORY, 2, 0x2211, false);
	CHECK_EQ(sim->st.nic.tx_count, 2);
	CHECK_EQ(sim->st.nic.txfifo[1], 0x22);
	dv_sim_destroy(sim);

	/* Channel 4 is the cascade: DACK4 is DMA1's HLDA and never reaches a card. */
	sim = make(0x300, 4, true);
	start_tx(sim, 0x300);
	CHECK_EQ(dv_bus_dack(sim, 4, DV_XFER_FROM_MEMORY, 2, 0x2211, false), 0xFFFF);
	CHECK_EQ(sim->st.nic.tx_count, 0);
	dv_sim_destroy(sim);
}

/* ---- the cache ------------------------------------------------------------------------- */

static void test_cpu_peek(void)
{
	struct dv_sim *sim = make(0x300, 1, false); /* the non-coherent cache on */
	dv_sim_cpu_write(sim, 0x1000, 0xAB);
	size_t len = sim->trace.len;
	CHECK_EQ(dv_sim_mem_read(sim, 0x1000), 0x00); /* still in the dirty line */
	CHECK_EQ(dv_sim_cpu_peek(sim, 0x1000), 0xAB);
	CHECK_EQ(dv_sim_cpu_peek(sim, 0x2000), 0x00); /* not cached: memory */
	CHECK_EQ(dv_sim_cpu_peek(sim, sim->st.mem_size), 0xFF);
	CHECK_EQ(sim->trace.len, len); /* a peek records nothing */
	dv_sim_cache_flush(sim, 0x1000, 1, true);
	CHECK_EQ(dv_sim_cpu_peek(sim, 0x1000), 0xAB);
	dv_sim_destroy(sim);

	sim = make(0x300, 1, true); /* coherent: no cache */
	dv_sim_cpu_write(sim, 0x1000, 0xCD);
	CHECK_EQ(dv_sim_cpu_peek(sim, 0x1000), 0xCD);
	dv_sim_destroy(sim);
}

CHECK_MAIN(CHECK_CASE(test_dma_port_map), CHECK_CASE(test_table_rows),
           CHECK_CASE(test_every_port_one_device), CHECK_CASE(test_motherboard_wins),
           CHECK_CASE(test_tick_order), CHECK_CASE(test_dack_routing), CHECK_CASE(test_cpu_peek))
