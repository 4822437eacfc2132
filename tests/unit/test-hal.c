/* dmaviz: the HAL on its own (src/ndis/hal.h): adapter objects and their refusals, map registers,
 * the map-register (bounce) buffers, IoMapTransfer, IoFlushAdapterBuffers, HalReadDmaCounter
 * and KeFlushIoBuffers. The test builds MDLs by hand and calls the HAL directly, without NDIS. */
#include <string.h>

#include "check.h"
#include "dma8237.h"
#include "hal.h"
#include "sim.h"
#include "port-events.h"

static struct dv_sim *sim;
static struct dv_hal hal;

static void setup(bool coherent)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	cfg.coherent = coherent;
	cfg.mem_size = 32u << 20; /* memory above the 8237's 16 MiB reach exists */
	sim = dv_sim_create(&cfg);
	dv_hal_init(&hal);
}

static void teardown(void)
{
	dv_sim_destroy(sim);
	sim = NULL;
}

static struct dv_adapter *adapter(unsigned ch, uint32_t max_length)
{
	struct dv_adapter *ad = NULL;
	enum dv_hal_refusal why =
	        dv_hal_get_adapter(&hal, ch, ch >= 4, true, false, max_length, 0, &ad);
	CHECK_EQ(why, DV_HAL_OK);
	return ad;
}

/* An MDL over physical [phys, phys + len): consecutive pages, or every other page. */
static MDL mdl_at(uint32_t phys, uint32_t len, bool scattered)
{
	MDL m;
	memset(&m, 0, sizeof m);
	m.ByteOffset = phys % DV_PAGE_SIZE;
	m.ByteCount = len;
	m.PfnCount = (m.ByteOffset + len + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE;
	for (uint32_t i = 0; i < m.PfnCount && i < DV_MDL_MAX_PAGES; i++)
		m.Pfn[i] = phys / DV_PAGE_SIZE + (scattered ? 2 * i : i);
	return m;
}

/* Holds channel ch's DREQ until its current count reads `until` (or TC), then drops it. */
static void run_until_count(unsigned ch, uint16_t until)
{
	const struct dv_dma_channel *c = &sim->st.dma[ch / 4].ch[ch % 4];
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, sim->st.bus.dreq | 1u << ch);
	for (int i = 0; i < 200000 && c->cur_count != until; i++)
		dv_sim_tick(sim);
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, sim->st.bus.dreq & ~(1u << ch));
	dv_sim_run(sim, 3);
}

/* ---- adapter objects ------------------------------------------------------------------------ */

static void test_get_adapter_refusals(void)
{
	setup(true);
	struct dv_adapter *ad = &hal.adapter[0]; /* anything but NULL */
	/* Channel 4 is the cascade: HalGetAdapter refuses it (facts §1.1, §3.3). */
	CHECK_EQ(dv_hal_get_adapter(&hal, 4, true, true, false, 4096, 0, &ad), DV_HAL_CASCADE);
	CHECK(ad == NULL);
	CHECK_EQ(dv_hal_get_adapter(&hal, 4, false, true, false, 4096, 0, &ad), DV_HAL_CASCADE);
	/* There are eight channels, 0-7. */
	CHECK_EQ(dv_hal_get_adapter(&hal, 8, true, true, false, 4096, 0, &ad), DV_HAL_NO_CHANNEL);
	CHECK_EQ(dv_hal_get_adapter(&hal, 255, false, true, false, 4096, 0, &ad),
	         DV_HAL_NO_CHANNEL);
	CHECK(ad == NULL);
	/* On a non-EISA PC the width is the chip's: 8-bit on 0-3, 16-bit on 5-7 (facts §3.3,
	 * teaching point 17). */
	for (unsigned ch = 0; ch < 8; ch++) {
		if (ch == 4)
			continue;
		bool wide = ch >= 4;
		CHECK_EQ(dv_hal_get_adapter(&hal, ch, !wide, true, false, 4096, 0, &ad),
		         DV_HAL_WIDTH);
		CHECK(ad == NULL);
		CHECK(!hal.adapter[ch].in_use); /* a refusal claims nothing */
	}
	/* DmaPort is an MCA field and must be 0 (facts §3.2, MS-REG). */
	CHECK_EQ(dv_hal_get_adapter(&hal, 2, false, true, false, 4096, 1, &ad), DV_HAL_PORT);
	CHECK(ad == NULL);
	CHECK(!hal.adapter[2].in_use);
	/* Every usable channel with its own width is granted; a second request for a held
	 * channel is refused until the first adapter is put back. */
	for (unsigned ch = 0; ch < 8; ch++) {
		if (ch == 4)
			continue;
		CHECK_EQ(dv_hal_get_adapter(&hal, ch, ch >= 4, true, false, 4096, 0, &ad),
		         DV_HAL_OK);
		CHECK(ad == &hal.adapter[ch]);
		CHECK(ad && ad->in_use && ad->channel == ch && ad->width16 == (ch >= 4));
		struct dv_adapter *again = NULL;
		CHECK_EQ(dv_hal_get_adapter(&hal, ch, ch >= 4, true, false, 4096, 0, &again),
		         DV_HAL_IN_USE);
		CHECK(again == NULL);
	}
	dv_hal_put_adapter(&hal.adapter[6]);
	CHECK(!hal.adapter[6].in_use);
	CHECK_EQ(dv_hal_get_adapter(&hal, 6, true, true, false, 4096, 0, &ad), DV_HAL_OK);
	dv_hal_put_adapter(NULL); /* harmless */
	teardown();
}

static void test_map_registers_and_mode(void)
{
	setup(true);
	/* pages(MaximumLength) + 1, capped at 16 for an adapter without scatter/gather
	 * (facts §3.3, ReactOS HalGetAdapter). */
	static const struct {
		uint32_t max_length, map_registers;
	} cases[] = {
		{ 1, 2 },
		{ 4096, 2 },
		{ 4097, 3 },
		{ 8192, 3 },
		{ 24864, 8 },
		{ 15 * 4096, 16 },
		{ 15 * 4096 + 1, 16 },
		{ 65536, 16 },
		{ 0xFFFFFFFFu, 16 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dv_adapter *ad = adapter(1, cases[i].max_length);
		CHECK_EQ(ad ? ad->map_registers : 0, cases[i].map_registers);
		CHECK(!ad || ad->map_registers <= DV_HAL_MAX_MAP_REGISTERS);
		dv_hal_put_adapter(ad);
	}
	/* The precomputed mode byte: channel bits 1-0, auto-init bit 4, demand 00 or single 01
	 * in bits 7-6; the transfer type (bits 3-2) is left for IoMapTransfer (facts §1.5). */
	struct dv_adapter *ad = NULL;
	CHECK_EQ(dv_hal_get_adapter(&hal, 6, true, false, true, 4096, 0, &ad), DV_HAL_OK);
	CHECK_EQ(ad ? ad->mode : 0, 0x52); /* single | auto-init | channel 6 & 3 */
	CHECK_EQ(dv_hal_get_adapter(&hal, 3, false, true, false, 4096, 0, &ad), DV_HAL_OK);
	CHECK_EQ(ad ? ad->mode : 0xFF, 0x03); /* demand, no auto-init, channel 3 */
	CHECK(!ad || !ad->mapped);
	teardown();
}

static void test_bounce_buffer_placement(void)
{
	setup(true);
	/* Each channel's map-register buffers: 0xE00000 + channel * 128 KiB, below 16 MiB and
	 * never across a 64 KiB (8-bit) or 128 KiB (16-bit) block (facts §3.4 5b). */
	for (unsigned ch = 0; ch < 8; ch++) {
		uint32_t start = hal.adapter[ch].bounce_phys;
		uint32_t last = start + DV_HAL_MAX_MAP_REGISTERS * DV_PAGE_SIZE - 1;
		CHECK_EQ(start, 0xE00000u + ch * 0x20000u);
		CHECK_EQ(start % DV_PAGE_SIZE, 0);
		CHECK(last <= 0x00FFFFFFu);
		CHECK_EQ(start / 0x10000, last / 0x10000);
		CHECK_EQ(start / 0x20000, last / 0x20000);
		/* No two channels share their buffers. */
		if (ch > 0)
			CHECK(start >= hal.adapter[ch - 1].bounce_phys +
			                       DV_HAL_MAX_MAP_REGISTERS * DV_PAGE_SIZE);
	}
	/* Getting an adapter keeps its channel's buffers where they are. */
	struct dv_adapter *ad = adapter(7, 0xFFFFFFFFu);
	CHECK_EQ(ad ? ad->bounce_phys : 0, 0xEE0000u);
	teardown();
}

/* ---- MDL helpers ------------------------------------------------------------------------------ */

static void test_mdl_helpers(void)
{
	setup(true);
	/* An NDIS_BUFFER is an MDL: a virtual range and the physical page of each of its 4 KiB
	 * pages (facts §3.2). */
	MDL m = mdl_at(0x40FF0, 40, true); /* pages 0x40 and 0x42 */
	CHECK_EQ(m.PfnCount, 2);
	CHECK_EQ(dv_mdl_phys(&m, 0), 0x40FF0);
	CHECK_EQ(dv_mdl_phys(&m, 15), 0x40FFF);
	CHECK_EQ(dv_mdl_phys(&m, 16), 0x42000);
	CHECK_EQ(dv_mdl_phys(&m, 39), 0x42017);
	CHECK_EQ(dv_mdl_phys(&m, 40), 0xFFFFFFFFu); /* past the end */
	CHECK_EQ(dv_mdl_phys(NULL, 0), 0xFFFFFFFFu);
	CHECK_EQ(dv_mdl_pages(&m, 0, 40), 2);
	CHECK_EQ(dv_mdl_pages(&m, 0, 16), 1);
	CHECK_EQ(dv_mdl_pages(&m, 16, 24), 1);
	CHECK_EQ(dv_mdl_pages(&m, 15, 2), 2);
	CHECK_EQ(dv_mdl_pages(&m, 3, 0), 0);
	teardown();
}

/* ---- IoMapTransfer ---------------------------------------------------------------------------- */

static void test_map_in_place(void)
{
	setup(true);
	struct dv_adapter *ad = adapter(1, 4096);
	MDL m = mdl_at(0x123400, 1514, false);
	size_t from = sim->trace.len;
	dv_hal_map_transfer(sim, ad, &m, 0, 1514, true);
	/* Below 16 MiB, contiguous, inside one 64 KiB block: no bounce, the buffer's own
	 * address is programmed (facts §3.4 5a-5c). */
	CHECK(ad->mapped);
	CHECK(!ad->bounced);
	CHECK_EQ(ad->phys, 0x123400);
	CHECK_EQ(ad->would_be, 0x123400);
	CHECK_EQ(dv_dma_phys(&sim->st, 1), 0x123400);
	CHECK_EQ(sim->st.page[1], 0x12);
	CHECK_EQ(sim->st.dma[0].ch[1].cur_addr, 0x3400);
	CHECK_EQ(sim->st.dma[0].ch[1].cur_count, 1513); /* the 8237 counts N-1 (facts §5.3) */
	CHECK_EQ(sim->st.dma[0].ch[1].mode, 0x09);      /* demand, read (memory -> I/O), ch 1 */
	CHECK(!dv_dma_masked(&sim->st, 1));
	/* Nothing was copied into the map-register buffers. */
	for (uint32_t a = ad->bounce_phys; a < ad->bounce_phys + 64; a++)
		CHECK_EQ(dv_sim_mem_read(sim, a), 0);
	/* The canonical sequence: mask, clear flip-flop, mode, address low/high, page, count
	 * low/high, unmask (facts §3.4 5d). */
	uint16_t port[16];
	uint8_t val[16];
	static const uint16_t want_port[9] = {
		0x0A, 0x0C, 0x0B, 0x02, 0x02, 0x83, 0x03, 0x03, 0x0A
	};
	static const uint8_t want_val[9] = { 0x05, 0x00, 0x09, 0x00, 0x34, 0x12, 0xE9, 0x05, 0x01 };
	CHECK_EQ(port_events(&sim->trace, from, DV_EV_PORT_OUT, port, val, 16), 9);
	for (unsigned i = 0; i < 9; i++) {
		CHECK_EQ(port[i], want_port[i]);
		CHECK_EQ(val[i], want_val[i]);
	}
	/* A receive writes memory: transfer type 01 (facts §1.9). */
	dv_hal_map_transfer(sim, ad, &m, 0, 1514, false);
	CHECK_EQ(sim->st.dma[0].ch[1].mode, 0x05);
	/* A range ending on the last byte of a 64 KiB block is still in one block. */
	MDL edge = mdl_at(0x1FFE0, 32, false);
	CHECK(dv_hal_reachable(&edge, 0, 32, false));
	dv_hal_map_transfer(sim, ad, &edge, 0, 32, true);
	CHECK(!ad->bounced);
	CHECK_EQ(dv_dma_phys(&sim->st, 1), 0x1FFE0);
	teardown();
}

static void test_map_16bit_in_place(void)
{
	setup(true);
	struct dv_adapter *ad = adapter(5, 8192);
	/* Crossing a 64 KiB boundary is fine for a 16-bit channel: its block is 128 KiB
	 * (facts teaching point 16). */
	MDL m = mdl_at(0x2FF00, 512, false);
	CHECK(dv_hal_reachable(&m, 0, 512, true));
	size_t from = sim->trace.len;
	dv_hal_map_transfer(sim, ad, &m, 0, 512, true);
	CHECK(!ad->bounced);
	/* Word address = phys >> 1, page = (phys >> 16) & 0xFE, count in words - 1
	 * (facts §3.4 note). */
	CHECK_EQ(sim->st.dma[1].ch[1].cur_addr, 0x7F80);
	CHECK_EQ(sim->st.page[5], 0x02);
	CHECK_EQ(sim->st.dma[1].ch[1].cur_count, 255);
	CHECK_EQ(dv_dma_phys(&sim->st, 5), 0x2FF00);
	/* DMA2's registers sit at even ports 0xC0 + 2 * r; channel 5's page port is 0x8B
	 * (facts §1.2, §1.3). */
	uint16_t port[16];
	uint8_t val[16];
	static const uint16_t want_port[9] = {
		0xD4, 0xD8, 0xD6, 0xC4, 0xC4, 0x8B, 0xC6, 0xC6, 0xD4
	};
	static const uint8_t want_val[9] = { 0x05, 0x00, 0x09, 0x80, 0x7F, 0x02, 0xFF, 0x00, 0x01 };
	CHECK_EQ(port_events(&sim->trace, from, DV_EV_PORT_OUT, port, val, 16), 9);
	for (unsigned i = 0; i < 9; i++) {
		CHECK_EQ(port[i], want_port[i]);
		CHECK_EQ(val[i], want_val[i]);
	}
	/* A buffer with A16 set: the word address carries it (the ReactOS slip loses it). */
	MDL a16 = mdl_at(0x31000, 256, false);
	dv_hal_map_transfer(sim, ad, &a16, 0, 256, true);
	CHECK_EQ(sim->st.dma[1].ch[1].cur_addr, 0x8800);
	CHECK_EQ(dv_dma_phys(&sim->st, 5), 0x31000);
	teardown();
}

static void test_bounce_when_out_of_reach(void)
{
	setup(true);
	struct dv_adapter *ad = adapter(2, 0xFFFFFFFFu);
	uint32_t bounce = 0xE00000u + 2 * 0x20000u;

	/* 8-bit: 0x1FFF0 + 32 crosses into the next 64 KiB block (facts §5.7, §5.8). */
	MDL cross = mdl_at(0x1FFF0, 32, false);
	CHECK(!dv_hal_reachable(&cross, 0, 32, false));
	dv_hal_map_transfer(sim, ad, &cross, 0, 32, true);
	CHECK(ad->bounced);
	CHECK_EQ(ad->would_be, 0x1FFF0);
	CHECK_EQ(ad->phys, bounce + 0xFF0); /* the page offset is kept */
	CHECK_EQ(dv_dma_phys(&sim->st, 2), bounce + 0xFF0);
	CHECK_EQ(sim->st.page[2], bounce >> 16);

	/* Above 16 MiB: always bounced; in place the 24-bit address would alias low memory
	 * (facts §1.3, §5.9). */
	MDL high = mdl_at(0x01000100, 64, false);
	CHECK(!dv_hal_reachable(&high, 0, 64, false));
	dv_hal_map_transfer(sim, ad, &high, 0, 64, true);
	CHECK(ad->bounced);
	CHECK_EQ(ad->would_be, 0x01000100);
	CHECK_EQ(ad->phys, bounce + 0x100);
	CHECK(ad->phys <= 0x00FFFFFFu);

	/* Physically scattered pages, inside one 64 KiB block: the run is not contiguous. */
	MDL sc = mdl_at(0x70F00, 600, true);
	CHECK(!dv_hal_reachable(&sc, 0, 600, false));
	CHECK(dv_hal_reachable(&sc, 0, 256, false)); /* the part in the first page is fine */
	dv_hal_map_transfer(sim, ad, &sc, 0, 600, true);
	CHECK(ad->bounced);
	/* A subrange that fits in place is not bounced. */
	dv_hal_map_transfer(sim, ad, &sc, 0x100, 0x100, true);
	CHECK(!ad->bounced);
	CHECK_EQ(ad->phys, 0x72000);
	teardown();

	/* 16-bit: 0x3FF00 + 512 crosses a 128 KiB boundary. */
	setup(true);
	struct dv_adapter *w = adapter(5, 0xFFFFFFFFu);
	MDL cross16 = mdl_at(0x3FF00, 512, false);
	CHECK(!dv_hal_reachable(&cross16, 0, 512, true));
	dv_hal_map_transfer(sim, w, &cross16, 0, 512, true);
	CHECK(w->bounced);
	CHECK_EQ(w->phys, 0xEA0F00u);
	CHECK_EQ(sim->st.page[5], 0xEA);
	CHECK_EQ(sim->st.dma[1].ch[1].cur_addr, 0x0780); /* (0xEA0F00 >> 1) & 0xFFFF */
	CHECK_EQ(dv_dma_phys(&sim->st, 5), 0xEA0F00u);
	/* Above 16 MiB on a 16-bit channel too. */
	MDL high16 = mdl_at(0x01200000, 256, false);
	CHECK(!dv_hal_reachable(&high16, 0, 256, true));
	teardown();
}

static void test_send_copies_in_at_map(void)
{
	setup(true);
	struct dv_adapter *ad = adapter(2, 4096);
	MDL m = mdl_at(0x01234560, 64, false);
	for (uint32_t i = 0; i < 64; i++)
		dv_sim_mem_write(sim, 0x01234560 + i, (uint8_t)(0xA0 + i));
	/* WriteToDevice TRUE through a bounce buffer: the HAL copies the data in at map time,
	 * before the device asks for a byte (facts §3.4 5b). */
	dv_hal_map_transfer(sim, ad, &m, 0, 64, true);
	CHECK(ad->bounced);
	for (uint32_t i = 0; i < 64; i++)
		CHECK_EQ(dv_sim_mem_read(sim, ad->phys + i), 0xA0 + i);
	CHECK_EQ(dv_sim_mem_read(sim, ad->phys + 64), 0); /* no more than Length */
	/* A subrange: Offset selects where the copy starts. */
	dv_hal_map_transfer(sim, ad, &m, 16, 8, true);
	CHECK(ad->bounced);
	CHECK_EQ(ad->phys, ad->bounce_phys + 0x570);
	for (uint32_t i = 0; i < 8; i++)
		CHECK_EQ(dv_sim_mem_read(sim, ad->phys + i), 0xB0 + i);
	/* The flush of a send copies nothing back. */
	dv_sim_mem_write(sim, ad->phys, 0x55);
	CHECK(dv_hal_flush_adapter_buffers(sim, ad, &m, 16, 8, true));
	CHECK_EQ(dv_sim_mem_read(sim, 0x01234570), 0xB0);
	/* A receive copies nothing in at map time: the bounce buffer keeps what it held. */
	MDL r = mdl_at(0x01300570, 8, false);
	for (uint32_t i = 0; i < 8; i++)
		dv_sim_mem_write(sim, 0x01300570 + i, 0x11);
	dv_hal_map_transfer(sim, ad, &r, 0, 8, false);
	CHECK(ad->bounced);
	CHECK_EQ(ad->phys, ad->bounce_phys + 0x570);
	CHECK_EQ(dv_sim_mem_read(sim, ad->phys), 0x55);
	CHECK_EQ(dv_sim_mem_read(sim, ad->phys + 1), 0xB1);
	teardown();

	/* On a non-coherent machine the copy reads the caller's data through the cache:
	 * the bounce buffer gets what the CPU wrote even though memory is still stale. */
	setup(false);
	ad = adapter(2, 4096);
	MDL c = mdl_at(0x1FFF0, 32, false);
	for (uint32_t i = 0; i < 32; i++)
		dv_sim_cpu_write(sim, 0x1FFF0 + i, (uint8_t)(0x40 + i));
	CHECK_EQ(dv_sim_mem_read(sim, 0x1FFF0), 0); /* dirty line, not yet in memory */
	dv_hal_map_transfer(sim, ad, &c, 0, 32, true);
	CHECK(ad->bounced);
	CHECK_EQ(dv_sim_mem_read(sim, ad->phys), 0x40);
	CHECK_EQ(dv_sim_mem_read(sim, ad->phys + 31), 0x5F);
	teardown();
}

/* ---- IoFlushAdapterBuffers -------------------------------------------------------------------- */

static void test_receive_copies_back_only_moved(void)
{
	setup(true);
	struct dv_adapter *ad = adapter(2, 4096);
	uint32_t user = 0x0100F000 - 0x10; /* above 16 MiB */
	MDL m = mdl_at(user, 64, false);
	for (uint32_t i = 0; i < 64; i++)
		dv_sim_mem_write(sim, user + i, 0x11);
	dv_hal_map_transfer(sim, ad, &m, 0, 64, false);
	CHECK(ad->bounced);
	/* 40 bytes arrive (no card on channel 2: the bus floats to 0xFF). */
	run_until_count(2, 63 - 40);
	CHECK_EQ(dv_hal_read_dma_counter(sim, ad), 24);
	CHECK_EQ(dv_sim_mem_read(sim, ad->phys), 0xFF);
	/* Until the flush the caller's buffer holds the old bytes (facts §5.10). */
	CHECK_EQ(dv_sim_mem_read(sim, user), 0x11);
	CHECK(dv_hal_flush_adapter_buffers(sim, ad, &m, 0, 64, false));
	CHECK(dv_dma_masked(&sim->st, 2)); /* the flush masks the channel (facts §3.5 1a) */
	CHECK(!ad->mapped);
	/* Only Length - residue bytes are copied back (facts §3.5 1b, §5.11). */
	unsigned fresh = 0, old = 0;
	for (uint32_t i = 0; i < 64; i++) {
		uint8_t v = dv_sim_mem_read(sim, user + i);
		fresh += i < 40 && v == 0xFF;
		old += i >= 40 && v == 0x11;
	}
	CHECK_EQ(fresh, 40);
	CHECK_EQ(old, 24);

	/* Run to TC: the whole range is copied back. */
	dv_sim_in(sim, 0x08); /* reading status clears the earlier TC bit */
	dv_hal_map_transfer(sim, ad, &m, 0, 64, false);
	run_until_count(2, 0xFFFF);
	CHECK_EQ(dv_hal_read_dma_counter(sim, ad), 0);
	CHECK(dv_hal_flush_adapter_buffers(sim, ad, &m, 0, 64, false));
	CHECK_EQ(dv_sim_mem_read(sim, user + 63), 0xFF);

	/* Nothing moved: nothing copied back. */
	for (uint32_t i = 0; i < 64; i++)
		dv_sim_mem_write(sim, user + i, 0x22);
	dv_hal_map_transfer(sim, ad, &m, 0, 64, false);
	CHECK(dv_hal_flush_adapter_buffers(sim, ad, &m, 0, 64, false));
	CHECK_EQ(dv_sim_mem_read(sim, user), 0x22);
	teardown();
}

static void test_receive_16bit_copies_back_words(void)
{
	setup(true);
	struct dv_adapter *ad = adapter(5, 4096);
	MDL m = mdl_at(0x3FF00, 512, false); /* crosses 128 KiB: bounced */
	dv_hal_map_transfer(sim, ad, &m, 0, 512, false);
	CHECK(ad->bounced);
	CHECK_EQ(dv_hal_read_dma_counter(sim, ad), 512);
	/* 10 words arrive: 20 bytes; the residue is doubled to bytes (facts §3.6). */
	run_until_count(5, 255 - 10);
	CHECK_EQ(dv_hal_read_dma_counter(sim, ad), 492);
	CHECK(dv_hal_flush_adapter_buffers(sim, ad, &m, 0, 512, false));
	unsigned fresh = 0;
	for (uint32_t i = 0; i < 512; i++)
		fresh += dv_sim_mem_read(sim, 0x3FF00 + i) == 0xFF;
	CHECK_EQ(fresh, 20);
	CHECK_EQ(dv_sim_mem_read(sim, 0x3FF00 + 19), 0xFF);
	CHECK_EQ(dv_sim_mem_read(sim, 0x3FF00 + 20), 0x00);
	teardown();
}

static void test_flush_reports_misuse(void)
{
	setup(true);
	struct dv_adapter *ad = adapter(2, 4096);
	MDL m = mdl_at(0x50000, 64, false);
	/* Nothing mapped: the flush only masks the channel. */
	dv_sim_out(sim, 0x0A, 0x02); /* unmask channel 2 */
	CHECK(dv_hal_flush_adapter_buffers(sim, ad, &m, 0, 64, true));
	CHECK(dv_dma_masked(&sim->st, 2));
	/* Other parameters than the mapping: the wrong range is flushed; the model reports the
	 * data as possibly incoherent (facts §5.23). */
	dv_hal_map_transfer(sim, ad, &m, 0, 64, true);
	CHECK(!dv_hal_flush_adapter_buffers(sim, ad, &m, 0, 32, true));
	CHECK(!ad->mapped);
	dv_hal_map_transfer(sim, ad, &m, 0, 64, true);
	CHECK(!dv_hal_flush_adapter_buffers(sim, ad, &m, 0, 64, false));
	dv_hal_map_transfer(sim, ad, &m, 0, 64, true);
	CHECK(!dv_hal_flush_adapter_buffers(sim, ad, &m, 8, 56, true));
	MDL other = mdl_at(0x50000, 64, false);
	dv_hal_map_transfer(sim, ad, &m, 0, 64, true);
	CHECK(!dv_hal_flush_adapter_buffers(sim, ad, &other, 0, 64, true));
	/* The same parameters: coherent. */
	dv_hal_map_transfer(sim, ad, &m, 0, 64, true);
	CHECK(dv_hal_flush_adapter_buffers(sim, ad, &m, 0, 64, true));
	teardown();
}

/* ---- HalReadDmaCounter ------------------------------------------------------------------------ */

static void test_read_dma_counter(void)
{
	setup(true);
	struct dv_adapter *ad = adapter(2, 0xFFFFFFFFu);
	struct dv_adapter *w = adapter(6, 0xFFFFFFFFu);
	/* Bytes remaining = ((raw + 1) & 0xFFFF), doubled for 16-bit channels (facts §3.6). */
	static const struct {
		uint16_t raw;
		uint32_t bytes8, bytes16;
	} cases[] = {
		{ 0x0000, 1, 2 },
		{ 0x0001, 2, 4 },
		{ 0x1234, 0x1235, 0x246A },
		{ 0x7FFF, 0x8000, 0x10000 },
		{ 0xFFFE, 0xFFFF, 0x1FFFE },
		{ 0xFFFF, 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		dv_sim_set(sim, DV_SLOT_DMA_COUNT, 2, cases[i].raw);
		dv_sim_set(sim, DV_SLOT_DMA_COUNT, 6, cases[i].raw);
		CHECK_EQ(dv_hal_read_dma_counter(sim, ad), cases[i].bytes8);
		CHECK_EQ(dv_hal_read_dma_counter(sim, w), cases[i].bytes16);
		/* Reading changes no count and leaves the flip-flops cleared. */
		CHECK_EQ(sim->st.dma[0].ch[2].cur_count, cases[i].raw);
		CHECK_EQ(sim->st.dma[0].flipflop, 0);
		CHECK_EQ(sim->st.dma[1].flipflop, 0);
	}
	/* Just after the mapping it returns Length; it counts down as bytes move. */
	MDL m = mdl_at(0x60000, 100, false);
	dv_hal_map_transfer(sim, ad, &m, 0, 100, false);
	CHECK_EQ(dv_hal_read_dma_counter(sim, ad), 100);
	run_until_count(2, 99 - 30);
	CHECK_EQ(dv_hal_read_dma_counter(sim, ad), 70);
	/* A full 64 KiB transfer reads 0 before it starts and after it ends (facts §5.15). */
	MDL big = mdl_at(0x100000, 0x10000, false);
	dv_hal_map_transfer(sim, ad, &big, 0, 0x10000, false);
	CHECK(!ad->bounced);
	CHECK_EQ(sim->st.dma[0].ch[2].cur_count, 0xFFFF);
	CHECK_EQ(dv_hal_read_dma_counter(sim, ad), 0);
	/* 128 KiB on a 16-bit channel likewise. */
	MDL big16 = mdl_at(0x100000, 0x20000, false);
	dv_hal_map_transfer(sim, w, &big16, 0, 0x20000, false);
	CHECK(!w->bounced);
	CHECK_EQ(sim->st.dma[1].ch[2].cur_count, 0xFFFF);
	CHECK_EQ(dv_hal_read_dma_counter(sim, w), 0);
	teardown();
}

/* ---- KeFlushIoBuffers and the non-coherent cache ---------------------------------------------- */

static bool line_dirty(uint32_t addr)
{
	unsigned line = (addr / DV_CACHE_LINE) % DV_CACHE_LINES;
	return sim->st.cache.tag[line] == addr / DV_CACHE_LINE && sim->st.cache.flags[line] == 3;
}

static bool line_valid(uint32_t addr)
{
	unsigned line = (addr / DV_CACHE_LINE) % DV_CACHE_LINES;
	return sim->st.cache.tag[line] == addr / DV_CACHE_LINE && (sim->st.cache.flags[line] & 1);
}

static void test_ke_flush_io_buffers(void)
{
	/* On a non-coherent machine KeFlushIoBuffers writes dirty lines back before a send and
	 * invalidates them before a receive (facts §3.4 step 4). */
	setup(false);
	/* Pages 0x80 and 0x82 (scattered); the range is the last 16 bytes of the first page and
	 * the first 32 of the second. */
	MDL m = mdl_at(0x80FF0, 48, true);
	uint32_t in_a = 0x80FF0, in_b = 0x82000, in_c = 0x82010;
	uint32_t out_page = 0x81020;  /* the page between: not the buffer's */
	uint32_t out_range = 0x80030; /* the buffer's page, outside the range */
	uint32_t addrs[5] = { in_a, in_b, in_c, out_page, out_range };
	for (unsigned i = 0; i < 5; i++)
		dv_sim_cpu_write(sim, addrs[i], (uint8_t)(0xC0 + i));
	for (unsigned i = 0; i < 5; i++) {
		CHECK(line_dirty(addrs[i]));
		CHECK_EQ(dv_sim_mem_read(sim, addrs[i]), 0);
	}
	/* ReadOperation FALSE (a send): write back, keep the lines. */
	dv_hal_flush_io_buffers(sim, &m, 0, 48, false);
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(dv_sim_mem_read(sim, addrs[i]), 0xC0 + i);
		CHECK(line_valid(addrs[i]) && !line_dirty(addrs[i]));
	}
	CHECK(line_dirty(out_page) && dv_sim_mem_read(sim, out_page) == 0);
	CHECK(line_dirty(out_range) && dv_sim_mem_read(sim, out_range) == 0);
	/* ReadOperation TRUE (a receive): invalidate, so a device's write is seen. */
	dv_hal_flush_io_buffers(sim, &m, 0, 48, true);
	for (unsigned i = 0; i < 3; i++)
		CHECK(!line_valid(addrs[i]));
	dv_sim_mem_write(sim, in_b, 0x99); /* what a device would do */
	CHECK_EQ(dv_sim_cpu_read(sim, in_b), 0x99);
	/* Without the invalidate, a cached line hides the device's write: stale data. */
	dv_sim_mem_write(sim, in_b, 0x98);
	CHECK_EQ(dv_sim_cpu_read(sim, in_b), 0x99);
	/* Offset and Length select the range: a flush of the first 16 bytes leaves the second
	 * page's line alone. */
	dv_sim_cpu_write(sim, in_a, 0x01);
	dv_sim_cpu_write(sim, in_c, 0x02);
	dv_hal_flush_io_buffers(sim, &m, 0, 16, true);
	CHECK(!line_valid(in_a));
	CHECK(line_dirty(in_c));
	teardown();

	/* On x86 (coherent) it is a no-op: no state changes. */
	setup(true);
	MDL c = mdl_at(0x80FF0, 48, false);
	dv_sim_cpu_write(sim, 0x80FF0, 0x12);
	size_t len = sim->trace.len;
	dv_hal_flush_io_buffers(sim, &c, 0, 48, true);
	dv_hal_flush_io_buffers(sim, &c, 0, 48, false);
	CHECK_EQ(sim->trace.len, len);
	CHECK_EQ(dv_sim_mem_read(sim, 0x80FF0), 0x12);
	teardown();
}

static void test_flush_adapter_buffers_cache(void)
{
	/* A receive in place on a non-coherent machine. A clean line cached before the transfer
	 * is invalidated by the flush: the CPU then sees the device's bytes. */
	setup(false);
	struct dv_adapter *ad = adapter(2, 4096);
	MDL m = mdl_at(0x90000, 32, false);
	CHECK_EQ(dv_sim_cpu_read(sim, 0x90000), 0);
	dv_hal_map_transfer(sim, ad, &m, 0, 32, false);
	CHECK(!ad->bounced);
	run_until_count(2, 0xFFFF);
	CHECK_EQ(dv_sim_mem_read(sim, 0x90000), 0xFF);
	CHECK_EQ(dv_sim_cpu_read(sim, 0x90000), 0); /* stale until the flush */
	CHECK(dv_hal_flush_adapter_buffers(sim, ad, &m, 0, 32, false));
	CHECK_EQ(dv_sim_cpu_read(sim, 0x90000), 0xFF);
	/* A line the CPU dirtied during the transfer cannot be reconciled: the flush reports
	 * incoherence and the device's data wins (inferred, hal.c). */
	dv_sim_in(sim, 0x08);
	MDL d = mdl_at(0xA0000, 32, false);
	dv_hal_map_transfer(sim, ad, &d, 0, 32, false);
	dv_sim_cpu_write(sim, 0xA0000, 0x77);
	run_until_count(2, 0xFFFF);
	CHECK(!dv_hal_flush_adapter_buffers(sim, ad, &d, 0, 32, false));
	CHECK_EQ(dv_sim_cpu_read(sim, 0xA0000), 0xFF);
	CHECK(!line_dirty(0xA0000));
	teardown();
}

CHECK_MAIN(CHECK_CASE(test_get_adapter_refusals), CHECK_CASE(test_map_registers_and_mode),
           CHECK_CASE(test_bounce_buffer_placement), CHECK_CASE(test_mdl_helpers),
           CHECK_CASE(test_map_in_place), CHECK_CASE(test_map_16bit_in_place),
           CHECK_CASE(test_bounce_when_out_of_reach), CHECK_CASE(test_send_copies_in_at_map),
           CHECK_CASE(test_receive_copies_back_only_moved),
           CHECK_CASE(test_receive_16bit_copies_back_words), CHECK_CASE(test_flush_reports_misuse),
           CHECK_CASE(test_read_dma_counter), CHECK_CASE(test_ke_flush_io_buffers),
           CHECK_CASE(test_flush_adapter_buffers_cache))
