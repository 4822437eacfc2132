/* dmaviz: the NDIS DMA contract. The test plays the miniport itself and calls the NdisM*
 * functions directly, as a lesson with "driver none" does. */
#include <string.h>

#include "check.h"
#include "dma8237.h"
#include "dvndis.h"
#include "ndis.h"
#include "port-events.h"
#include "sim.h"

static struct dv_sim *sim;
static struct dv_ndis *nd;

static void setup(bool coherent)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	cfg.coherent = coherent;
	cfg.mem_size = 32u << 20;
	sim = dv_sim_create(&cfg);
	nd = dv_ndis_create(sim);
	dv_ndis_set_phase(nd, DV_PHASE_INIT);
}

static void teardown(void)
{
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);
	nd = NULL;
	sim = NULL;
}

static NDIS_HANDLE reg(unsigned ch, DMA_WIDTH width, bool demand, ULONG max, NDIS_STATUS *st)
{
	NDIS_DMA_DESCRIPTION d;
	NDIS_HANDLE h = NULL;
	NdisZeroMemory(&d, sizeof d);
	d.DemandMode = demand;
	d.DmaChannelSpecified = TRUE;
	d.DmaWidth = width;
	d.DmaSpeed = Compatible;
	d.DmaChannel = ch;
	*st = NdisMRegisterDmaChannel(&h, (NDIS_HANDLE)nd, ch, FALSE, &d, max);
	return h;
}

/* An NDIS_BUFFER over physical [phys, phys + len); scattered pages when asked. */
static PNDIS_BUFFER buf_at(uint32_t phys, uint32_t len, bool scattered)
{
	uint32_t pfn[DV_MDL_MAX_PAGES];
	uint32_t off = phys % DV_PAGE_SIZE;
	uint32_t pages = (off + len + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE;
	for (uint32_t i = 0; i < pages; i++)
		pfn[i] = phys / DV_PAGE_SIZE + (scattered ? 2 * i : i);
	PVOID va = dv_ndis_map_pages(nd, pfn, pages);
	return dv_ndis_make_buffer(nd, (PVOID)((uintptr_t)va + off), len);
}

static unsigned fired(enum dv_rule r)
{
	return nd->fired[r];
}

/* ---- registration ---------------------------------------------------------------------- */

static void test_register_ok(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, Width8Bits, true, 4096, &st);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	CHECK(h != NULL);
	struct dv_dma_handle *d = h;
	CHECK_EQ(d->adapter->mode, 0x01);       /* channel 1, demand (00), no auto-init */
	CHECK_EQ(d->adapter->map_registers, 2); /* pages(4096) + 1 */
	CHECK_EQ(((PNDIS_DMA_BLOCK)h)->InProgress, FALSE);
	CHECK_EQ(nd->violations, 0);
	/* Single mode and auto-init change the precomputed mode byte. */
	NDIS_DMA_DESCRIPTION desc;
	NdisZeroMemory(&desc, sizeof desc);
	desc.AutoInitialize = TRUE;
	desc.DmaChannel = 3;
	NDIS_HANDLE h3 = NULL;
	CHECK_EQ(NdisMRegisterDmaChannel(&h3, (NDIS_HANDLE)nd, 0, FALSE, &desc, 0xFFFFFFFFu),
	         NDIS_STATUS_SUCCESS);
	CHECK_EQ(((struct dv_dma_handle *)h3)->adapter->mode, 0x53); /* single | auto-init | ch 3 */
	CHECK_EQ(((struct dv_dma_handle *)h3)->adapter->map_registers, 16); /* capped */
	teardown();
}

static void test_register_refusals(void)
{
	setup(true);
	NDIS_STATUS st;
	CHECK(reg(4, Width16Bits, true, 4096, &st) == NULL);
	CHECK_EQ(st, NDIS_STATUS_RESOURCES); /* channel 4 is the cascade */
	CHECK(reg(1, Width16Bits, true, 4096, &st) == NULL);
	CHECK_EQ(st, NDIS_STATUS_RESOURCES); /* 16-bit width on an 8-bit channel */
	CHECK(reg(5, Width8Bits, true, 4096, &st) == NULL);
	CHECK_EQ(st, NDIS_STATUS_RESOURCES);
	CHECK(reg(9, Width8Bits, true, 4096, &st) == NULL);
	CHECK_EQ(st, NDIS_STATUS_RESOURCES);
	CHECK_EQ(fired(DV_RULE_DMA_DESCRIPTION), 4);
	NDIS_DMA_DESCRIPTION d;
	NdisZeroMemory(&d, sizeof d);
	d.DmaChannel = 2;
	d.DmaPort = 1; /* an MCA field: must be 0 */
	NDIS_HANDLE h = NULL;
	CHECK_EQ(NdisMRegisterDmaChannel(&h, (NDIS_HANDLE)nd, 2, FALSE, &d, 4096),
	         NDIS_STATUS_RESOURCES);
	CHECK_EQ(fired(DV_RULE_DMA_DESCRIPTION), 5);
	/* A channel another handle holds is a conflict. */
	CHECK(reg(2, Width8Bits, true, 4096, &st) != NULL);
	CHECK(reg(2, Width8Bits, true, 4096, &st) == NULL);
	CHECK_EQ(st, NDIS_STATUS_RESOURCE_CONFLICT);
	/* The DmaChannel parameter is ignored: the description's channel counts (MS-REG). */
	NdisZeroMemory(&d, sizeof d);
	d.DmaChannel = 3;
	CHECK_EQ(NdisMRegisterDmaChannel(&h, (NDIS_HANDLE)nd, 2, FALSE, &d, 4096),
	         NDIS_STATUS_SUCCESS);
	CHECK_EQ(((struct dv_dma_handle *)h)->channel, 3);
	teardown();
}

static void test_register_context_and_irql(void)
{
	setup(true);
	NDIS_STATUS st;
	dv_ndis_set_phase(nd, DV_PHASE_RUNNING);
	CHECK(reg(1, Width8Bits, true, 4096, &st) != NULL);
	CHECK_EQ(fired(DV_RULE_DMA_REGISTER_CONTEXT), 1);
	CHECK_EQ(fired(DV_RULE_DMA_IRQL), 0);
	dv_ndis_set_phase(nd, DV_PHASE_INIT);
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
	CHECK(reg(2, Width8Bits, true, 4096, &st) != NULL);
	CHECK_EQ(fired(DV_RULE_DMA_IRQL), 1);
	teardown();
}

/* ---- setup ------------------------------------------------------------------------------- */

static void test_setup_programs_canonical_sequence(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, Width8Bits, false, 4096, &st);
	PNDIS_BUFFER b = buf_at(0x123400, 1514, false);
	size_t from = sim->trace.len;
	NdisMSetupDmaTransfer(&st, h, b, 0, 1514, TRUE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	uint16_t port[16];
	uint8_t val[16];
	unsigned n = port_events(&sim->trace, from, DV_EV_PORT_OUT, port, val, 16);
	/* mask, clear flip-flop, mode, address low/high, page, count-1 low/high, unmask */
	static const uint16_t want_port[9] = {
		0x0A, 0x0C, 0x0B, 0x02, 0x02, 0x83, 0x03, 0x03, 0x0A
	};
	static const uint8_t want_val[9] = { 0x05, 0x00, 0x49, 0x00, 0x34, 0x12, 0xE9, 0x05, 0x01 };
	CHECK_EQ(n, 9);
	for (unsigned i = 0; i < 9 && i < n; i++) {
		CHECK_EQ(port[i], want_port[i]);
		CHECK_EQ(val[i], want_val[i]);
	}
	CHECK_EQ(sim->st.dma[0].ch[1].mode, 0x49); /* single, read (memory -> I/O), channel 1 */
	CHECK_EQ(sim->st.dma[0].ch[1].cur_count, 1513);
	CHECK_EQ(sim->st.page[1], 0x12);
	CHECK(!dv_dma_masked(&sim->st, 1));
	CHECK_EQ(((PNDIS_DMA_BLOCK)h)->InProgress, TRUE);
	CHECK_EQ(nd->hal.adapter[1].bounced, false);
	/* Every port write carries the caller's location: this file. */
	bool located = false;
	for (size_t i = from; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		if (e->kind == DV_EV_PORT_OUT) {
			const struct dv_loc *loc = dv_trace_get_loc(&sim->trace, e->loc);
			located = loc && strstr(loc->file, "test-ndis.c") != NULL;
			if (!located)
				break;
		}
	}
	CHECK(located);
	/* A receive writes memory: transfer type 01. */
	NDIS_STATUS st2;
	NdisMCompleteDmaTransfer(&st2, h, b, 0, 1514, TRUE);
	NdisMSetupDmaTransfer(&st2, h, b, 0, 1514, FALSE);
	CHECK_EQ(sim->st.dma[0].ch[1].mode, 0x45);
	teardown();
}

static void test_setup_busy_touches_no_port(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, Width8Bits, true, 4096, &st);
	PNDIS_BUFFER b = buf_at(0x20000, 600, false);
	NdisMSetupDmaTransfer(&st, h, b, 0, 600, TRUE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	size_t from = sim->trace.len;
	uint16_t port[4];
	uint8_t val[4];
	NdisMSetupDmaTransfer(&st, h, b, 0, 100, TRUE);
	CHECK_EQ(st, NDIS_STATUS_RESOURCES);
	CHECK_EQ(port_events(&sim->trace, from, DV_EV_PORT_OUT, port, val, 4), 0);
	CHECK_EQ(fired(DV_RULE_DMA_BUSY), 1);
	CHECK_EQ(nd->last_rule, DV_RULE_DMA_BUSY);
	/* After the Complete the channel is free again. */
	NdisMCompleteDmaTransfer(&st, h, b, 0, 600, TRUE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	NdisMSetupDmaTransfer(&st, h, b, 0, 100, TRUE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	teardown();
}

static void test_setup_invalid_lengths(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, Width8Bits, true, 2048, &st);
	PNDIS_BUFFER b = buf_at(0x30000, 1000, false);
	struct {
		ULONG off, len;
	} bad[] = { { 0, 0 }, { 0, 1001 }, { 999, 2 }, { 1000, 1 } };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t from = sim->trace.len;
		uint16_t port[4];
		uint8_t val[4];
		NdisMSetupDmaTransfer(&st, h, b, bad[i].off, bad[i].len, TRUE);
		CHECK_EQ(st, NDIS_STATUS_RESOURCES);
		CHECK_EQ(port_events(&sim->trace, from, DV_EV_PORT_OUT, port, val, 4), 0);
	}
	CHECK_EQ(fired(DV_RULE_DMA_SUBRANGE), 4);
	/* A proper subrange works: Offset 100, Length 500. */
	NdisMSetupDmaTransfer(&st, h, b, 100, 500, TRUE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	CHECK_EQ(sim->st.dma[0].ch[1].cur_addr, 0x0064);
	NdisMCompleteDmaTransfer(&st, h, b, 100, 500, TRUE);
	/* Over the MaximumLength given at registration. */
	PNDIS_BUFFER big = buf_at(0x40000, 4000, false);
	NdisMSetupDmaTransfer(&st, h, big, 0, 3000, TRUE);
	CHECK_EQ(st, NDIS_STATUS_RESOURCES);
	CHECK_EQ(fired(DV_RULE_DMA_SUBRANGE), 5);
	/* Odd length on a 16-bit channel. */
	NDIS_HANDLE h5 = reg(5, Width16Bits, true, 4096, &st);
	NdisMSetupDmaTransfer(&st, h5, big, 0, 101, TRUE);
	CHECK_EQ(st, NDIS_STATUS_RESOURCES);
	CHECK_EQ(fired(DV_RULE_DMA_SUBRANGE), 6);
	teardown();
}

/* ---- complete ---------------------------------------------------------------------------- */

static void test_complete_masks_and_keeps_residue(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(2, Width8Bits, true, 4096, &st);
	PNDIS_BUFFER b = buf_at(0x50000, 200, false);
	NdisMSetupDmaTransfer(&st, h, b, 0, 200, FALSE);
	CHECK_EQ(NdisMReadDmaCounter(h), 200); /* just after setup it reports Length */
	/* A device on channel 2 (no card: the bus floats) moves 50 bytes, then stops. */
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, 1u << 2);
	for (int i = 0; i < 1000 && sim->st.dma[0].ch[2].cur_count != 149; i++)
		dv_sim_tick(sim);
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, 0);
	dv_sim_run(sim, 3);
	CHECK_EQ(NdisMReadDmaCounter(h), 150);
	NdisMCompleteDmaTransfer(&st, h, b, 0, 200, FALSE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	CHECK(dv_dma_masked(&sim->st, 2)); /* Complete masks the channel */
	CHECK_EQ(((PNDIS_DMA_BLOCK)h)->InProgress, FALSE);
	/* The count is not reset: the residue of the finished transfer is still readable. */
	CHECK_EQ(NdisMReadDmaCounter(h), 150);
	/* A masked channel moves nothing more. */
	uint16_t count = sim->st.dma[0].ch[2].cur_count;
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, 1u << 2);
	dv_sim_run(sim, 50);
	CHECK_EQ(sim->st.dma[0].ch[2].cur_count, count);
	CHECK_EQ(nd->violations, 0);
	teardown();
}

static void test_complete_misuse(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, Width8Bits, true, 4096, &st);
	PNDIS_BUFFER b = buf_at(0x60000, 300, false);
	NdisMCompleteDmaTransfer(&st, h, b, 0, 300, TRUE);
	CHECK_EQ(fired(DV_RULE_DMA_COMPLETE_WITHOUT_SETUP), 1);
	CHECK(dv_dma_masked(&sim->st, 1));
	NdisMSetupDmaTransfer(&st, h, b, 0, 300, TRUE);
	NdisMCompleteDmaTransfer(&st, h, b, 0, 200, TRUE); /* another Length than the setup's */
	CHECK_EQ(fired(DV_RULE_DMA_COMPLETE_MISMATCH), 1);
	CHECK_EQ(st, NDIS_STATUS_RESOURCES); /* "the data transfer might be incoherent" */
	CHECK_EQ(((PNDIS_DMA_BLOCK)h)->InProgress, FALSE); /* the controller is released anyway */
	NdisMSetupDmaTransfer(&st, h, b, 0, 300, TRUE);
	NdisMCompleteDmaTransfer(&st, h, b, 0, 300, FALSE); /* the wrong direction */
	CHECK_EQ(fired(DV_RULE_DMA_COMPLETE_MISMATCH), 2);
	teardown();
}

/* ---- the HAL: bounce buffers ------------------------------------------------------------- */

static void run_channel(unsigned ch, uint32_t max_ticks)
{
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, 1u << ch);
	for (uint32_t i = 0; i < max_ticks && !(sim->st.dma[ch / 4].status & (1u << (ch % 4))); i++)
		dv_sim_tick(sim);
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, 0);
}

static void test_bounce_above_16m_send(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(2, Width8Bits, true, 4096, &st);
	PNDIS_BUFFER b = buf_at(0x01234560, 64, false); /* above the 24-bit reach */
	for (uint32_t i = 0; i < 64; i++)
		dv_sim_cpu_write(sim, 0x01234560 + i, (uint8_t)(0xA0 + i));
	NdisMSetupDmaTransfer(&st, h, b, 0, 64, TRUE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	const struct dv_adapter *ad = &nd->hal.adapter[2];
	CHECK(ad->bounced);
	CHECK_EQ(ad->would_be, 0x01234560);
	CHECK_EQ(ad->phys, DV_HAL_BOUNCE_BASE + 2 * DV_HAL_BOUNCE_STRIDE + 0x560);
	CHECK(dv_dma_phys(&sim->st, 2) == ad->phys);
	/* Copy-in happened at setup: the bounce buffer already holds the data. */
	for (uint32_t i = 0; i < 64; i++)
		CHECK_EQ(dv_sim_mem_read(sim, ad->phys + i), 0xA0 + i);
	teardown();
}

static void test_bounce_receive_copies_back_only_moved(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(2, Width8Bits, true, 4096, &st);
	PNDIS_BUFFER b = buf_at(0x0100F000 - 0x10, 64, false); /* above 16 MiB */
	uint32_t user = 0x0100F000 - 0x10;
	for (uint32_t i = 0; i < 64; i++)
		dv_sim_mem_write(sim, user + i, 0x11);
	NdisMSetupDmaTransfer(&st, h, b, 0, 64, FALSE);
	const struct dv_adapter *ad = &nd->hal.adapter[2];
	CHECK(ad->bounced);
	/* 40 bytes arrive (no card on channel 2: the bus floats to 0xFF). */
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, 1u << 2);
	for (int i = 0; i < 500 && sim->st.dma[0].ch[2].cur_count != 23; i++)
		dv_sim_tick(sim);
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, 0);
	dv_sim_run(sim, 3);
	/* Before Complete the caller's buffer still holds the old bytes. */
	CHECK_EQ(dv_sim_mem_read(sim, user), 0x11);
	NdisMCompleteDmaTransfer(&st, h, b, 0, 64, FALSE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	for (uint32_t i = 0; i < 40; i++)
		CHECK_EQ(dv_sim_mem_read(sim, user + i), 0xFF);
	for (uint32_t i = 40; i < 64; i++)
		CHECK_EQ(dv_sim_mem_read(sim, user + i), 0x11); /* not moved, not copied */
	teardown();
}

static void test_64k_boundary(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(2, Width8Bits, true, 4096, &st);
	/* 0x1FFF0 + 32 crosses into the next 64 KiB block: the raw chip would wrap to 0x10000. */
	PNDIS_BUFFER b = buf_at(0x1FFF0, 32, false);
	CHECK(!dv_hal_reachable(b, 0, 32, false));
	for (uint32_t i = 0; i < 32; i++)
		dv_sim_mem_write(sim, 0x1FFF0 + i, (uint8_t)i);
	NdisMSetupDmaTransfer(&st, h, b, 0, 32, TRUE);
	CHECK(nd->hal.adapter[2].bounced);
	CHECK_EQ(sim->st.page[2], (DV_HAL_BOUNCE_BASE + 2 * DV_HAL_BOUNCE_STRIDE) >> 16);
	run_channel(2, 500);
	CHECK_EQ(sim->st.dma[0].ch[2].cur_count, 0xFFFF);
	NdisMCompleteDmaTransfer(&st, h, b, 0, 32, TRUE);
	/* In one block, contiguous: no bounce. */
	PNDIS_BUFFER ok = buf_at(0x1FF00, 32, false);
	CHECK(dv_hal_reachable(ok, 0, 32, false));
	NdisMSetupDmaTransfer(&st, h, ok, 0, 32, TRUE);
	CHECK(!nd->hal.adapter[2].bounced);
	CHECK_EQ(sim->st.page[2], 0x01);
	NdisMCompleteDmaTransfer(&st, h, ok, 0, 32, TRUE);
	/* Physically scattered pages: bounced. */
	PNDIS_BUFFER sc = buf_at(0x70F00, 600, true);
	CHECK(!dv_hal_reachable(sc, 0, 600, false));
	NdisMSetupDmaTransfer(&st, h, sc, 0, 600, TRUE);
	CHECK(nd->hal.adapter[2].bounced);
	teardown();
}

static void test_16bit_channel(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(5, Width16Bits, true, 8192, &st);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	/* 0x31000: page 0x03 with bit 0 set; the word address carries A16 (0x31000 >> 1). */
	PNDIS_BUFFER b = buf_at(0x31000, 256, false);
	NdisMSetupDmaTransfer(&st, h, b, 0, 256, TRUE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	CHECK_EQ(sim->st.dma[1].ch[1].cur_addr, 0x8800); /* (0x31000 >> 1) & 0xFFFF */
	CHECK_EQ(sim->st.page[5], 0x02);                 /* page bit 0 cleared */
	CHECK_EQ(sim->st.dma[1].ch[1].cur_count, 127);   /* words - 1 */
	CHECK_EQ(dv_dma_phys(&sim->st, 5), 0x31000);
	CHECK_EQ(NdisMReadDmaCounter(h), 256); /* words doubled to bytes */
	NdisMCompleteDmaTransfer(&st, h, b, 0, 256, TRUE);
	/* A range crossing a 128 KiB block is bounced; one crossing only 64 KiB is not. */
	PNDIS_BUFFER x64 = buf_at(0x2FF00, 512, false);
	CHECK(dv_hal_reachable(x64, 0, 512, true));
	PNDIS_BUFFER x128 = buf_at(0x3FF00, 512, false);
	CHECK(!dv_hal_reachable(x128, 0, 512, true));
	teardown();
}

/* ---- the non-coherent cache -------------------------------------------------------------- */

static void test_cache_send_flush(void)
{
	setup(false);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(2, Width8Bits, true, 4096, &st);
	PNDIS_BUFFER b = buf_at(0x80000, 32, false);
	for (uint32_t i = 0; i < 32; i++)
		dv_sim_cpu_write(sim, 0x80000 + i, 0x5A);
	/* The data is in dirty cache lines: what the DMA would read is stale. */
	CHECK_EQ(dv_sim_mem_read(sim, 0x80000), 0x00);
	NdisMSetupDmaTransfer(&st, h, b, 0, 32, TRUE);
	/* KeFlushIoBuffers in the setup wrote it back. */
	CHECK_EQ(dv_sim_mem_read(sim, 0x80000), 0x5A);
	CHECK_EQ(dv_sim_mem_read(sim, 0x8001F), 0x5A);
	teardown();
}

static void test_cache_receive_stale_then_fresh(void)
{
	setup(false);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(2, Width8Bits, true, 4096, &st);
	PNDIS_BUFFER b = buf_at(0x90000, 32, false);
	PVOID va = b->MappedSystemVa;
	NdisMSetupDmaTransfer(&st, h, b, 0, 32, FALSE);
	run_channel(2, 500); /* the floating bus writes 0xFF into all 32 bytes */
	CHECK_EQ(dv_sim_mem_read(sim, 0x90000), 0xFF);
	/* The CPU reads before Complete: the verifier fires, and the line it caches is
	 * what memory holds now. */
	UCHAR early = 0;
	NdisMoveMemory(&early, va, 1);
	CHECK_EQ(fired(DV_RULE_DMA_READ_BEFORE_COMPLETE), 1);
	NdisMCompleteDmaTransfer(&st, h, b, 0, 32, FALSE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	UCHAR after = 0;
	NdisMoveMemory(&after, va, 1);
	CHECK_EQ(after, 0xFF);
	CHECK_EQ(fired(DV_RULE_DMA_READ_BEFORE_COMPLETE), 1);

	/* Without NDIS (raw 8237 programming, no flush), a line cached before the transfer
	 * hides what the device wrote: stale data. */
	dv_sim_cpu_read(sim, 0xA0000); /* caches the line: zeros */
	dv_sim_in(sim, 0x08);          /* reading status clears the earlier TC bit */
	dv_sim_out(sim, 0x0A, 0x06);
	dv_sim_out(sim, 0x0C, 0);
	dv_sim_out(sim, 0x0B, 0x46);
	dv_sim_out(sim, 0x04, 0x00);
	dv_sim_out(sim, 0x04, 0x00);
	dv_sim_out(sim, 0x81, 0x0A);
	dv_sim_out(sim, 0x05, 15);
	dv_sim_out(sim, 0x05, 0);
	dv_sim_out(sim, 0x0A, 0x02);
	run_channel(2, 500);
	CHECK_EQ(dv_sim_mem_read(sim, 0xA0000), 0xFF);
	CHECK_EQ(dv_sim_cpu_read(sim, 0xA0000), 0x00); /* stale */
	teardown();
}

static void test_cache_incoherent_complete(void)
{
	setup(false);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(2, Width8Bits, true, 4096, &st);
	PNDIS_BUFFER b = buf_at(0xB0000, 32, false);
	NdisMSetupDmaTransfer(&st, h, b, 0, 32, FALSE);
	/* The CPU writes into the receive buffer during the transfer: a dirty line that the
	 * HAL cannot reconcile with the device's data. */
	UCHAR v = 0x77;
	NdisMoveMemory(b->MappedSystemVa, &v, 1);
	run_channel(2, 500);
	NdisMCompleteDmaTransfer(&st, h, b, 0, 32, FALSE);
	CHECK_EQ(st, NDIS_STATUS_RESOURCES);
	CHECK_EQ(((PNDIS_DMA_BLOCK)h)->InProgress, FALSE);
	teardown();
}

/* ---- handles, IRQL, data rules ----------------------------------------------------------- */

static void test_bad_handles(void)
{
	setup(true);
	NDIS_STATUS st = 0;
	PNDIS_BUFFER b = buf_at(0xC0000, 64, false);
	int junk;
	NdisMSetupDmaTransfer(&st, (NDIS_HANDLE)&junk, b, 0, 64, TRUE);
	CHECK_EQ(st, NDIS_STATUS_FAILURE);
	CHECK_EQ(fired(DV_RULE_DMA_BAD_HANDLE), 1);
	NDIS_HANDLE h = reg(1, Width8Bits, true, 4096, &st);
	dv_ndis_set_phase(nd, DV_PHASE_HALT);
	NdisMDeregisterDmaChannel(h);
	NdisMSetupDmaTransfer(&st, h, b, 0, 64, TRUE);
	CHECK_EQ(st, NDIS_STATUS_FAILURE);
	CHECK_EQ(NdisMReadDmaCounter(h), 0);
	CHECK_EQ(fired(DV_RULE_DMA_BAD_HANDLE), 3);
	teardown();
}

/* Two contexts alive at once: a call that carries a handle lands on the context that handed
 * the handle out, whichever is bound; the handle-less calls land on the bound one. */
static void test_two_contexts(void)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	struct dv_sim *sa = dv_sim_create(&cfg), *sb = dv_sim_create(&cfg);
	struct dv_ndis *a = dv_ndis_create(sa), *b = dv_ndis_create(sb);
	CHECK(a && b);
	dv_ndis_set_phase(a, DV_PHASE_INIT);
	dv_ndis_set_phase(b, DV_PHASE_INIT);
	dv_ndis_bind(b);
	NDIS_DMA_DESCRIPTION d;
	memset(&d, 0, sizeof d);
	d.DmaChannelSpecified = TRUE;
	d.DmaWidth = Width8Bits;
	d.DmaSpeed = Compatible;
	d.DmaChannel = 1;
	NDIS_HANDLE ha = NULL, hb = NULL;
	size_t ra = a->nrec, rb = b->nrec;
	CHECK_EQ(NdisMRegisterDmaChannel(&ha, (NDIS_HANDLE)a, 1, FALSE, &d, 4096),
	         NDIS_STATUS_SUCCESS);
	CHECK_EQ(a->nhandles, 1);
	CHECK_EQ(b->nhandles, 0);
	CHECK(a->nrec > ra);
	CHECK_EQ(b->nrec, rb);
	d.DmaChannel = 3;
	dv_ndis_bind(a);
	CHECK_EQ(NdisMRegisterDmaChannel(&hb, (NDIS_HANDLE)b, 3, FALSE, &d, 4096),
	         NDIS_STATUS_SUCCESS);
	CHECK_EQ(b->nhandles, 1);
	CHECK_EQ(a->nhandles, 1);
	/* Setup on b's handle while a is bound programs b's machine only. */
	uint32_t pfn = 0x123;
	PVOID va = dv_ndis_map_pages(b, &pfn, 1);
	PNDIS_BUFFER buf = dv_ndis_make_buffer(b, va, 64);
	size_t ea = dv_trace_len(&sa->trace), eb = dv_trace_len(&sb->trace);
	ra = a->nrec;
	rb = b->nrec;
	NDIS_STATUS st = 0;
	NdisMSetupDmaTransfer(&st, hb, buf, 0, 64, TRUE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	CHECK_EQ(dv_trace_len(&sa->trace), ea);
	CHECK(dv_trace_len(&sb->trace) > eb);
	CHECK_EQ(a->nrec, ra);
	CHECK_EQ(dv_ndis_record(b, (uint32_t)rb)->call, DV_CALL_SETUP_DMA_TRANSFER);
	CHECK_EQ(sb->st.page[3], 0x12);
	CHECK_EQ(sa->st.page[3], 0x00);
	CHECK_EQ(sb->st.dma[0].ch[3].cur_count, 63);
	CHECK(sa->st.dma[0].ch[3].cur_count != 63);
	/* The adapter handle names its own context. */
	NdisMSetAttributes((NDIS_HANDLE)b, (NDIS_HANDLE)&pfn, FALSE, NdisInterfaceIsa);
	CHECK(b->context == (NDIS_HANDLE)&pfn);
	CHECK(a->context == NULL);
	/* A handle that is neither's: the bound context reports it. */
	int junk;
	NdisMSetupDmaTransfer(&st, (NDIS_HANDLE)&junk, buf, 0, 64, TRUE);
	CHECK_EQ(st, NDIS_STATUS_FAILURE);
	CHECK_EQ(a->fired[DV_RULE_DMA_BAD_HANDLE], 1);
	CHECK_EQ(b->fired[DV_RULE_DMA_BAD_HANDLE], 0);
	/* Handle-less calls: the bound context. */
	rb = b->nrec;
	ra = a->nrec;
	PVOID mem = NULL;
	CHECK_EQ(NdisAllocateMemoryWithTag(&mem, 32, 0), NDIS_STATUS_SUCCESS);
	CHECK_EQ(a->nrec, ra + 1);
	CHECK_EQ(b->nrec, rb);
	NdisFreeMemory(mem, 32, 0);
	/* Any number alive at once: each adapter handle still finds its own. */
	struct dv_sim *many_sim[20];
	struct dv_ndis *many[20];
	for (unsigned i = 0; i < 20; i++) {
		many_sim[i] = dv_sim_create(&cfg);
		many[i] = dv_ndis_create(many_sim[i]);
		CHECK(many[i] != NULL);
	}
	for (unsigned i = 0; i < 20; i++)
		NdisMSetAttributes((NDIS_HANDLE)many[i], (NDIS_HANDLE)&many[i], FALSE,
		                   NdisInterfaceIsa);
	for (unsigned i = 0; i < 20; i++) {
		CHECK(many[i]->context == (NDIS_HANDLE)&many[i]);
		dv_ndis_destroy(many[i]);
		dv_sim_destroy(many_sim[i]);
	}
	dv_ndis_bind(a);
	/* A destroyed context's handles are no longer anyone's. */
	dv_ndis_destroy(b);
	dv_ndis_bind(a);
	NdisMSetAttributes(ha, NULL, FALSE,
	                   NdisInterfaceIsa); /* a DMA handle is not an adapter handle */
	CHECK(a->context == NULL);
	dv_ndis_destroy(a);
	dv_sim_destroy(sa);
	dv_sim_destroy(sb);
}

/* What the NDIS layer's files share (ndis_int.h): the owner lookups with two contexts alive, the
 * bound context, the host and physical-page allocators, and a call record opened and closed. */
static void test_layer_internals(void)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	struct dv_sim *sa = dv_sim_create(&cfg), *sb = dv_sim_create(&cfg);
	struct dv_ndis *a = dv_ndis_create(sa), *b = dv_ndis_create(sb);
	int junk;
	CHECK(dv_ndis_bound() == b); /* dv_ndis_create binds the new context */
	dv_ndis_bind(a);
	CHECK(dv_ndis_bound() == a);
	/* A context is its own adapter handle; anything else names none. */
	CHECK(dv_ndis_of((NDIS_HANDLE)a) == a);
	CHECK(dv_ndis_of((NDIS_HANDLE)b) == b);
	CHECK(dv_ndis_of((NDIS_HANDLE)&junk) == NULL);
	CHECK(dv_ndis_of(NULL) == NULL);
	/* A DMA handle finds the context that handed it out, whichever is bound; a stranger the
	 * bound one, where the misuse is reported. */
	NDIS_DMA_DESCRIPTION d;
	memset(&d, 0, sizeof d);
	d.DmaChannelSpecified = TRUE;
	d.DmaWidth = Width8Bits;
	d.DmaChannel = 3;
	NDIS_HANDLE hb = NULL;
	dv_ndis_set_phase(b, DV_PHASE_INIT);
	CHECK_EQ(NdisMRegisterDmaChannel(&hb, (NDIS_HANDLE)b, 3, FALSE, &d, 4096),
	         NDIS_STATUS_SUCCESS);
	CHECK(dv_ndis_dma_owner(hb) == b);
	CHECK(dv_ndis_dma_owner((NDIS_HANDLE)&junk) == a);
	CHECK(dv_ndis_of(hb) == NULL);
	/* Host allocations: zeroed, owned by their context, freed only by it. */
	unsigned char *p = dv_ndis_host_alloc(b, 16);
	CHECK(p != NULL && p[0] == 0 && p[15] == 0);
	CHECK(dv_ndis_host_owner(p) == b);
	CHECK(dv_ndis_host_owner(&junk) == a);
	CHECK(!dv_ndis_host_free(a, p));
	CHECK(dv_ndis_host_free(b, p));
	CHECK(!dv_ndis_host_free(b, &junk));
	/* The configuration handle is the context's key, not the context. */
	NDIS_STATUS st = NDIS_STATUS_FAILURE;
	NDIS_HANDLE key = NULL;
	NdisOpenConfiguration(&st, &key, (NDIS_HANDLE)b);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	CHECK(dv_ndis_config_owner(key) == b);
	CHECK(dv_ndis_config_owner((NDIS_HANDLE)b) == NULL);
	CHECK(dv_ndis_config_owner(NULL) == NULL);
	NdisCloseConfiguration(key);
	/* Physical pages: first fit, two pages never across a 64 KiB block, a freed page is the
	 * next one given, and nothing fits above the machine's memory. */
	uint32_t first = dv_ndis_phys_alloc(a, 2, 0x01000000u);
	CHECK(first != UINT32_MAX);
	CHECK_EQ(first / 16, (first + 1) / 16);
	uint32_t next = dv_ndis_phys_alloc(a, 1, 0x01000000u);
	CHECK_EQ(next, first + 2);
	dv_ndis_phys_mark(a, first, false);
	CHECK_EQ(dv_ndis_phys_alloc(a, 1, 0x01000000u), first);
	CHECK_EQ(dv_ndis_phys_alloc(a, 1, first * DV_PAGE_SIZE), UINT32_MAX);
	/* A call record: its arguments and channel, the cause while it is open, its status. */
	CHECK_EQ(dv_ndis_irql(a), DV_PASSIVE_LEVEL);
	uint16_t loc = dv_ndis_loc(a, "here.c", 7);
	const struct dv_loc *where = dv_trace_get_loc(&sa->trace, loc);
	CHECK(where && strcmp(where->file, "here.c") == 0 && where->line == 7);
	size_t ev = dv_trace_len(&sa->trace);
	uint32_t args[2] = { 11, 22 };
	struct dv_ndis_call_scope s =
	        dv_ndis_call_begin(a, DV_CALL_SEND_COMPLETE, loc, DV_SRC_DRIVER, args, 2, 5);
	CHECK_EQ(s.rec, a->nrec - 1);
	CHECK_EQ(a->rec[s.rec].call, DV_CALL_SEND_COMPLETE);
	CHECK_EQ(a->rec[s.rec].arg[1], 22);
	CHECK_EQ(a->rec[s.rec].channel, 5);
	CHECK_EQ(a->rec[s.rec].returned, 0);
	CHECK_EQ(sa->cause_loc, loc);
	CHECK_EQ(dv_trace_len(&sa->trace), ev + 1);
	dv_ndis_call_end(a, s, DV_CALL_SEND_COMPLETE, NDIS_STATUS_RESOURCES);
	CHECK_EQ(a->rec[s.rec].returned, 1);
	CHECK_EQ(a->rec[s.rec].status, NDIS_STATUS_RESOURCES);
	CHECK_EQ(sa->cause_loc, 0);
	CHECK_EQ(dv_trace_len(&sa->trace), ev + 2);
	/* Destroying the bound context unbinds it. */
	dv_ndis_destroy(a);
	CHECK(dv_ndis_bound() == NULL);
	dv_ndis_destroy(b);
	dv_sim_destroy(sa);
	dv_sim_destroy(sb);
}

/* NdisOpenConfiguration / NdisReadConfiguration / NdisCloseConfiguration over the key the host
 * sets: a present keyword (any case), an absent one, a type the value is not, and handles that
 * are not a configuration's. None of it is recorded. */
static void test_read_configuration(void)
{
	setup(true);
	CHECK(dv_ndis_set_config(nd, "CopyThreshold", 600));
	CHECK(dv_ndis_set_config(nd, "CopyThreshold", 700)); /* a second set replaces */
	CHECK(!dv_ndis_set_config(nd, "AKeywordLongerThanThirtyOneCharacters", 1));
	size_t rec = nd->nrec, len = dv_trace_len(&sim->trace);
	NDIS_STATUS st = 0;
	NDIS_HANDLE cfg = NULL;
	NdisOpenConfiguration(&st, &cfg, (NDIS_HANDLE)nd);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	CHECK(cfg != NULL);
	PNDIS_CONFIGURATION_PARAMETER v = NULL;
	NDIS_STRING present = NDIS_STRING_CONST("copythreshold");
	NdisReadConfiguration(&st, &v, cfg, &present, NdisParameterInteger);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	CHECK(v && v->ParameterType == NdisParameterInteger && v->ParameterData.IntegerData == 700);
	/* Absent: NDIS_STATUS_FAILURE, the caller's pointer untouched. */
	NDIS_STRING absent = NDIS_STRING_CONST("CopyThresh");
	PNDIS_CONFIGURATION_PARAMETER w = NULL;
	NdisReadConfiguration(&st, &w, cfg, &absent, NdisParameterInteger);
	CHECK_EQ(st, NDIS_STATUS_FAILURE);
	CHECK(w == NULL);
	/* Wrong type: NT ignores ParameterType and returns the value as the key holds it, an
	 * integer, which the driver must check. */
	v = NULL;
	NdisReadConfiguration(&st, &v, cfg, &present, NdisParameterString);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	CHECK(v && v->ParameterType == NdisParameterInteger && v->ParameterData.IntegerData == 700);
	/* Not a configuration handle, or a closed one. */
	int junk;
	NdisReadConfiguration(&st, &w, (NDIS_HANDLE)&junk, &present, NdisParameterInteger);
	CHECK_EQ(st, NDIS_STATUS_FAILURE);
	NdisReadConfiguration(&st, &w, (NDIS_HANDLE)nd, &present, NdisParameterInteger);
	CHECK_EQ(st, NDIS_STATUS_FAILURE);
	NdisCloseConfiguration(cfg);
	NdisReadConfiguration(&st, &w, cfg, &present, NdisParameterInteger);
	CHECK_EQ(st, NDIS_STATUS_FAILURE);
	CHECK(w == NULL);
	/* A WrapperConfigurationContext that is not ours. */
	NDIS_HANDLE other = (NDIS_HANDLE)&junk;
	NdisOpenConfiguration(&st, &other, (NDIS_HANDLE)&junk);
	CHECK_EQ(st, NDIS_STATUS_FAILURE);
	CHECK(other == NULL);
	/* Nothing recorded: the golden traces predate these calls. */
	CHECK_EQ(nd->nrec, rec);
	CHECK_EQ(dv_trace_len(&sim->trace), len);
	/* An empty key: every keyword is absent. */
	teardown();
	setup(true);
	NdisOpenConfiguration(&st, &cfg, (NDIS_HANDLE)nd);
	NdisReadConfiguration(&st, &w, cfg, &present, NdisParameterInteger);
	CHECK_EQ(st, NDIS_STATUS_FAILURE);
	NdisCloseConfiguration(cfg);
	teardown();
}

/* The newest record of call, decoded by name. */
static bool last_args(enum dv_call call, struct dv_call_args *a)
{
	for (size_t i = nd->nrec; i-- > 0;) {
		if (nd->rec[i].call == call) {
			dv_call_args(&nd->rec[i], a);
			return a->call == call;
		}
	}
	return false;
}

/* Typed call records: for each call that records arguments, the named fields hold what the
 * caller passed (and what the HAL did); decoding and encoding agree for every call kind. */
static void test_typed_records(void)
{
	setup(true);
	struct dv_call_args a;
	NDIS_STATUS st;
	/* NdisMRegisterDmaChannel and the HalGetAdapter under it. */
	NDIS_DMA_DESCRIPTION d;
	memset(&d, 0, sizeof d);
	d.DemandMode = TRUE;
	d.AutoInitialize = FALSE;
	d.DmaChannelSpecified = TRUE;
	d.DmaWidth = Width8Bits;
	d.DmaSpeed = Compatible;
	d.DmaChannel = 3;
	NDIS_HANDLE h = NULL;
	CHECK_EQ(NdisMRegisterDmaChannel(&h, (NDIS_HANDLE)nd, 7, TRUE, &d, 3000),
	         NDIS_STATUS_SUCCESS);
	CHECK(last_args(DV_CALL_REGISTER_DMA_CHANNEL, &a));
	CHECK_EQ(a.reg.channel, 7);
	CHECK(a.reg.dma32);
	CHECK_EQ(a.reg.max_length, 3000);
	CHECK_EQ(a.reg.desc_channel, 3);
	CHECK_EQ(a.reg.desc_width, Width8Bits);
	CHECK(a.reg.demand_mode);
	CHECK(!a.reg.auto_initialize);
	CHECK(last_args(DV_CALL_HAL_GET_ADAPTER, &a));
	CHECK_EQ(a.get_adapter.channel, 3);
	CHECK_EQ(a.get_adapter.refusal, 0);
	/* Setup: the Buffer, Offset, Length, direction; KeFlushIoBuffers and IoMapTransfer. */
	PNDIS_BUFFER b = buf_at(0x123400, 1000, false);
	NdisMSetupDmaTransfer(&st, h, b, 10, 500, FALSE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	CHECK(last_args(DV_CALL_SETUP_DMA_TRANSFER, &a));
	CHECK_EQ(a.dma.va, dv_ndis_va32(b->MappedSystemVa));
	CHECK_EQ(a.dma.offset, 10);
	CHECK_EQ(a.dma.length, 500);
	CHECK(!a.dma.write_to_device);
	CHECK_EQ(a.dma.phys, 0x123400 + 10);
	CHECK_EQ(a.dma.bytecount, 1000);
	CHECK(last_args(DV_CALL_KE_FLUSH_IO_BUFFERS, &a));
	CHECK_EQ(a.flush.offset, 10);
	CHECK_EQ(a.flush.length, 500);
	CHECK(a.flush.read_operation);
	CHECK(last_args(DV_CALL_IO_MAP_TRANSFER, &a));
	CHECK_EQ(a.map.offset, 10);
	CHECK_EQ(a.map.length, 500);
	CHECK(!a.map.write_to_device);
	CHECK(!a.map.bounced);
	CHECK_EQ(a.map.phys, 0x123400 + 10);
	NdisMCompleteDmaTransfer(&st, h, b, 10, 500, FALSE);
	CHECK(last_args(DV_CALL_COMPLETE_DMA_TRANSFER, &a));
	CHECK_EQ(a.dma.offset, 10);
	CHECK_EQ(a.dma.length, 500);
	CHECK_EQ(a.dma.bytecount, 1000);
	CHECK(last_args(DV_CALL_IO_FLUSH_ADAPTER_BUFFERS, &a));
	CHECK_EQ(a.map.length, 500);
	CHECK(!a.map.write_to_device);
	/* A bounced send: IoMapTransfer says where the data went instead. */
	PNDIS_BUFFER high = buf_at(0x01800000, 64, false);
	NdisMSetupDmaTransfer(&st, h, high, 0, 64, TRUE);
	CHECK(last_args(DV_CALL_IO_MAP_TRANSFER, &a));
	CHECK(a.map.bounced);
	CHECK(a.map.write_to_device);
	CHECK_EQ(a.map.would_be, 0x01800000);
	CHECK(a.map.phys < 0x01000000);
	NdisMCompleteDmaTransfer(&st, h, high, 0, 64, TRUE);
	/* Memory, moves, stalls, attributes, interrupts, completions. */
	PVOID va = NULL;
	NDIS_PHYSICAL_ADDRESS hi;
	hi.QuadPart = 0xFFFFFF;
	CHECK_EQ(NdisAllocateMemory(&va, 100, NDIS_MEMORY_CONTIGUOUS, hi), NDIS_STATUS_SUCCESS);
	CHECK(last_args(DV_CALL_ALLOCATE_MEMORY, &a));
	CHECK_EQ(a.allocate.length, 100);
	CHECK_EQ(a.allocate.flags, NDIS_MEMORY_CONTIGUOUS);
	CHECK_EQ(a.allocate.highest, 0xFFFFFF);
	CHECK_EQ(a.allocate.phys, dv_ndis_va_to_phys(nd, va));
	uint8_t host[16] = { 0 };
	NdisMoveMemory(va, host, 16);
	CHECK(last_args(DV_CALL_MOVE_MEMORY, &a));
	CHECK_EQ(a.move.dst_phys, dv_ndis_va_to_phys(nd, va));
	CHECK_EQ(a.move.src_phys, DV_NO_ADDR);
	CHECK_EQ(a.move.length, 16);
	NdisZeroMemory(va, 12);
	CHECK(last_args(DV_CALL_ZERO_MEMORY, &a));
	CHECK_EQ(a.zero.dst_phys, dv_ndis_va_to_phys(nd, va));
	CHECK_EQ(a.zero.length, 12);
	NdisStallExecution(3);
	CHECK(last_args(DV_CALL_STALL_EXECUTION, &a));
	CHECK_EQ(a.stall.microseconds, 3);
	NdisMSetAttributes((NDIS_HANDLE)nd, NULL, FALSE, NdisInterfaceIsa);
	CHECK(last_args(DV_CALL_SET_ATTRIBUTES, &a));
	CHECK(!a.attributes.bus_master);
	CHECK_EQ(a.attributes.adapter_type, NdisInterfaceIsa);
	NDIS_MINIPORT_INTERRUPT intr;
	memset(&intr, 0, sizeof intr);
	NdisMRegisterInterrupt(&intr, (NDIS_HANDLE)nd, 5, 5, TRUE, FALSE, NdisInterruptLatched);
	CHECK(last_args(DV_CALL_REGISTER_INTERRUPT, &a));
	CHECK_EQ(a.interrupt.vector, 5);
	NDIS_PACKET pkt;
	memset(&pkt, 0, sizeof pkt);
	NdisMSendComplete((NDIS_HANDLE)nd, &pkt, NDIS_STATUS_RESOURCES);
	CHECK(last_args(DV_CALL_SEND_COMPLETE, &a));
	CHECK_EQ(a.send_complete.status, NDIS_STATUS_RESOURCES);
	/* Every call kind: encoding what was decoded and decoding again gives the same names. */
	struct dv_call_record r;
	for (unsigned c = 0; c < DV_CALL_COUNT; c++) {
		memset(&r, 0, sizeof r);
		r.call = (uint16_t)c;
		for (unsigned k = 0; k < 6; k++)
			r.arg[k] = 0x1000u * (c + 1) + k + 1;
		struct dv_call_args x, y;
		dv_call_args(&r, &x);
		CHECK_EQ(x.call, c);
		struct dv_call_record back;
		memset(&back, 0, sizeof back);
		dv_call_args_encode(&x, &back);
		dv_call_args(&back, &y);
		CHECK(memcmp(&x, &y, sizeof x) == 0);
	}
	teardown();
}

static void test_deregister_busy(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, Width8Bits, true, 4096, &st);
	PNDIS_BUFFER b = buf_at(0xC0000, 64, false);
	NdisMSetupDmaTransfer(&st, h, b, 0, 64, TRUE);
	dv_ndis_set_phase(nd, DV_PHASE_HALT);
	NdisMDeregisterDmaChannel(h);
	CHECK_EQ(fired(DV_RULE_DMA_DEREGISTER_BUSY), 1);
	CHECK(dv_dma_masked(&sim->st, 1));
	dv_ndis_set_phase(nd, DV_PHASE_RUNNING);
	NdisMDeregisterDmaChannel(h); /* twice, and outside Halt */
	CHECK_EQ(fired(DV_RULE_DMA_REGISTER_CONTEXT), 1);
	CHECK_EQ(fired(DV_RULE_DMA_BAD_HANDLE), 1);
	teardown();
}

static void test_irql_rules(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, Width8Bits, true, 4096, &st);
	PNDIS_BUFFER b = buf_at(0xC0000, 64, false);
	dv_sim_raise_irql(sim, DV_DIRQL); /* as in an ISR */
	NdisMSetupDmaTransfer(&st, h, b, 0, 64, TRUE);
	CHECK_EQ(fired(DV_RULE_DMA_IRQL), 1);
	NdisMReadDmaCounter(h);
	CHECK_EQ(fired(DV_RULE_DMA_IRQL), 2);
	NdisMCompleteDmaTransfer(&st, h, b, 0, 64, TRUE);
	CHECK_EQ(fired(DV_RULE_DMA_IRQL), 3);
	dv_sim_lower_irql(sim, DV_DISPATCH_LEVEL);
	NdisMSetupDmaTransfer(&st, h, b, 0, 64, TRUE);
	CHECK_EQ(fired(DV_RULE_DMA_IRQL), 3); /* DISPATCH_LEVEL is allowed */
	teardown();
}

static void test_data_rules(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, Width8Bits, true, 4096, &st);
	PNDIS_BUFFER b = buf_at(0xD0000, 64, false);
	UCHAR data[4] = { 1, 2, 3, 4 };
	NdisMSetupDmaTransfer(&st, h, b, 0, 64, TRUE);
	NdisMoveMemory(b->MappedSystemVa, data, 4); /* overwriting data not yet sent */
	CHECK_EQ(fired(DV_RULE_DMA_SEND_BEFORE_COMPLETE), 1);
	NdisMCompleteDmaTransfer(&st, h, b, 0, 64, TRUE);
	NdisMoveMemory(b->MappedSystemVa, data, 4); /* fine after the Complete */
	CHECK_EQ(fired(DV_RULE_DMA_SEND_BEFORE_COMPLETE), 1);
	/* The driver programming the 8237 itself. */
	NdisRawWritePortUchar(0x02, 0x00);
	CHECK_EQ(fired(DV_RULE_DMA_LOGICAL_ADDRESS), 1);
	NdisRawWritePortUchar(0x83, 0x12);
	CHECK_EQ(fired(DV_RULE_DMA_LOGICAL_ADDRESS), 2);
	NdisRawWritePortUchar(0x302, 0x00); /* the NIC's own port: fine */
	CHECK_EQ(fired(DV_RULE_DMA_LOGICAL_ADDRESS), 2);
	/* A copy from an unmapped simulated address. */
	NdisMoveMemory(data, (PVOID)((uintptr_t)b->MappedSystemVa + 8 * DV_PAGE_SIZE), 4);
	CHECK_EQ(fired(DV_RULE_BAD_MEMORY), 1);
	teardown();
}

static void test_completion_rules(void)
{
	setup(true);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, Width8Bits, true, 4096, &st);
	PNDIS_BUFFER b = buf_at(0xE0000, 64, false);
	NDIS_PACKET pkt;
	memset(&pkt, 0, sizeof pkt);
	NdisMSetupDmaTransfer(&st, h, b, 0, 64, TRUE);
	/* Completing the send while its transfer is still set up. */
	NdisMSendComplete((NDIS_HANDLE)nd, &pkt, NDIS_STATUS_SUCCESS);
	CHECK_EQ(fired(DV_RULE_DMA_SEND_BEFORE_COMPLETE), 1);
	NdisMCompleteDmaTransfer(&st, h, b, 0, 64, TRUE);
	NdisMSendComplete((NDIS_HANDLE)nd, &pkt, NDIS_STATUS_SUCCESS);
	CHECK_EQ(fired(DV_RULE_DMA_SEND_BEFORE_COMPLETE), 1);
	/* NdisMSendComplete and NdisMIndicateReceivePacket belong to the DPC, not the ISR. */
	CHECK_EQ(fired(DV_RULE_IRQL_OTHER), 0);
	dv_sim_raise_irql(sim, DV_DIRQL);
	NdisMSendComplete((NDIS_HANDLE)nd, &pkt, NDIS_STATUS_SUCCESS);
	CHECK_EQ(fired(DV_RULE_IRQL_OTHER), 1);
	PNDIS_PACKET list[1] = { &pkt };
	NdisMIndicateReceivePacket((NDIS_HANDLE)nd, list, 1);
	CHECK_EQ(fired(DV_RULE_IRQL_OTHER), 2);
	teardown();
}

static void test_bounce_in_small_memory(void)
{
	/* With 1 MiB installed, the map-register buffers must still be real memory. */
	struct dv_config cfg;
	dv_config_default(&cfg);
	cfg.mem_size = 1u << 20;
	sim = dv_sim_create(&cfg);
	nd = dv_ndis_create(sim);
	dv_ndis_set_phase(nd, DV_PHASE_INIT);
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, Width8Bits, true, 4096, &st);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	const struct dv_adapter *ad = &nd->hal.adapter[1];
	CHECK(ad->bounce_phys + ad->map_registers * DV_PAGE_SIZE <= sim->st.mem_size);
	PNDIS_BUFFER b = buf_at(0x1FFE0, 60, false);
	for (uint32_t i = 0; i < 60; i++)
		dv_sim_mem_write(sim, 0x1FFE0 + i, (uint8_t)(i + 1));
	NdisMSetupDmaTransfer(&st, h, b, 0, 60, TRUE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	CHECK(ad->bounced);
	CHECK_EQ(dv_sim_mem_read(sim, ad->phys), 1);
	CHECK_EQ(dv_sim_mem_read(sim, ad->phys + 59), 60);
	teardown();
}

static void test_memory_allocation(void)
{
	setup(true);
	PVOID va = NULL;
	NDIS_PHYSICAL_ADDRESS hi;
	hi.QuadPart = 0x00FFFFFF;
	CHECK_EQ(NdisAllocateMemory(&va, 24864, NDIS_MEMORY_CONTIGUOUS | NDIS_MEMORY_NONCACHED, hi),
	         NDIS_STATUS_SUCCESS);
	CHECK(dv_ndis_is_sim_va(va));
	uint32_t phys = dv_ndis_va_to_phys(nd, va);
	CHECK(phys + 24864 <= 0x01000000u);
	CHECK_EQ(phys / 0x10000, (phys + 24863) / 0x10000); /* never across 64 KiB */
	PNDIS_BUFFER b = NULL;
	NDIS_STATUS st;
	NdisAllocateBuffer(&st, &b, NULL, va, 24864);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	CHECK(dv_hal_reachable(b, 0, 24864, false));
	/* Host memory for the driver's own structures can be dereferenced. */
	PVOID ctx = NULL;
	CHECK_EQ(NdisAllocateMemoryWithTag(&ctx, 100, 0x78746344u), NDIS_STATUS_SUCCESS);
	CHECK(!dv_ndis_is_sim_va(ctx));
	memset(ctx, 1, 100);
	NdisFreeMemory(ctx, 100, 0);
	NdisFreeBuffer(b);
	NdisFreeMemory(va, 24864, NDIS_MEMORY_CONTIGUOUS | NDIS_MEMORY_NONCACHED);
	CHECK_EQ(dv_ndis_va_to_phys(nd, va), 0xFFFFFFFFu);
	teardown();
}

CHECK_MAIN(CHECK_CASE(test_register_ok), CHECK_CASE(test_two_contexts),
           CHECK_CASE(test_layer_internals), CHECK_CASE(test_read_configuration),
           CHECK_CASE(test_typed_records), CHECK_CASE(test_register_refusals),
           CHECK_CASE(test_register_context_and_irql),
           CHECK_CASE(test_setup_programs_canonical_sequence),
           CHECK_CASE(test_setup_busy_touches_no_port), CHECK_CASE(test_setup_invalid_lengths),
           CHECK_CASE(test_complete_masks_and_keeps_residue), CHECK_CASE(test_complete_misuse),
           CHECK_CASE(test_bounce_above_16m_send),
           CHECK_CASE(test_bounce_receive_copies_back_only_moved), CHECK_CASE(test_64k_boundary),
           CHECK_CASE(test_16bit_channel), CHECK_CASE(test_cache_send_flush),
           CHECK_CASE(test_cache_receive_stale_then_fresh),
           CHECK_CASE(test_cache_incoherent_complete), CHECK_CASE(test_bad_handles),
           CHECK_CASE(test_deregister_busy), CHECK_CASE(test_irql_rules),
           CHECK_CASE(test_data_rules), CHECK_CASE(test_completion_rules),
           CHECK_CASE(test_bounce_in_small_memory), CHECK_CASE(test_memory_allocation))
