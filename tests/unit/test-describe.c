/* dmaviz: events in words (src/timeline/describe.h): port names, the NIC's register bits, the NDIS DMA
 * calls with their arguments, and one sentence per event kind, as the event log, `dmaviz trace`
 * and the golden traces print them. */
#include <string.h>

#include "check.h"
#include "describe.h"
#include "dvndis.h"
#include "nic.h"
#include "sim.h"

static struct dv_sim *sim;
static struct dv_ndis *nd;

static void setup(void)
{
	struct dv_config cfg;
	dv_config_default(&cfg); /* the NIC at 0x300 on channel 1 */
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

static int says(const char *got, const char *want, int line)
{
	if (strcmp(got, want) == 0)
		return 1;
	fprintf(stderr, "%s:%d: got      '%s'\n%*s expected '%s'\n", __FILE__, line, got,
	        (int)strlen(__FILE__) + 6, "", want);
	return 0;
}
#define SAYS(got, want) CHECK(says(got, want, __LINE__))

/* ---- ports ------------------------------------------------------------------------------------ */

static void test_port_names(void)
{
	setup();
	static const struct {
		unsigned port;
		const char *name; /* NULL: nothing decodes it */
	} ports[] = {
		/* DMA1 at 0x00-0x0F (facts §1.2). */
		{ 0x00, "DMA1 ch0 address" },
		{ 0x01, "DMA1 ch0 count" },
		{ 0x06, "DMA1 ch3 address" },
		{ 0x07, "DMA1 ch3 count" },
		{ 0x08, "DMA1 command/status" },
		{ 0x09, "DMA1 request" },
		{ 0x0A, "DMA1 single mask" },
		{ 0x0B, "DMA1 mode" },
		{ 0x0C, "DMA1 clear flip-flop" },
		{ 0x0D, "DMA1 master clear/temporary" },
		{ 0x0E, "DMA1 clear mask" },
		{ 0x0F, "DMA1 write all mask" },
		/* DMA2 at the even ports 0xC0-0xDE, register r at 0xC0 + 2r; the odd ones are not
		 * decoded (facts §1.2). */
		{ 0xC0, "DMA2 ch4 address" },
		{ 0xC2, "DMA2 ch4 count" },
		{ 0xC4, "DMA2 ch5 address" },
		{ 0xC6, "DMA2 ch5 count" },
		{ 0xCC, "DMA2 ch7 address" },
		{ 0xCE, "DMA2 ch7 count" },
		{ 0xD0, "DMA2 command/status" },
		{ 0xD4, "DMA2 single mask" },
		{ 0xD6, "DMA2 mode" },
		{ 0xD8, "DMA2 clear flip-flop" },
		{ 0xDE, "DMA2 write all mask" },
		{ 0xC1, NULL },
		{ 0xD5, NULL },
		{ 0xE0, NULL },
		{ 0x10, NULL },
		/* The page registers, in the PC's order (facts §1.3). */
		{ 0x87, "page ch0" },
		{ 0x83, "page ch1" },
		{ 0x81, "page ch2" },
		{ 0x82, "page ch3" },
		{ 0x8F, "page ch4" },
		{ 0x8B, "page ch5" },
		{ 0x89, "page ch6" },
		{ 0x8A, "page ch7" },
		{ 0x80, "POST code latch" },
		{ 0x84, "unused page latch" },
		{ 0x88, "unused page latch" },
		{ 0x8C, "unused page latch" },
		/* The NIC's sixteen ports (docs/nic.md §3). */
		{ 0x300, "NIC CMD" },
		{ 0x301, "NIC STATUS" },
		{ 0x302, "NIC IMR" },
		{ 0x303, "NIC ISR" },
		{ 0x304, "NIC TXLEN low" },
		{ 0x305, "NIC TXLEN high" },
		{ 0x306, "NIC RXSTAT low" },
		{ 0x307, "NIC RXSTAT high" },
		{ 0x308, "NIC TX FIFO level" },
		{ 0x309, "NIC RX FIFO level" },
		{ 0x30A, "NIC status FIFO level" },
		{ 0x30B, "NIC MISSED" },
		{ 0x30C, "NIC reserved" },
		{ 0x30F, "NIC reserved" },
		{ 0x310, NULL },
		{ 0x2FF, NULL },
		{ 0x3F8, NULL },
	};
	char buf[48];
	for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
		const char *got = dv_port_name(sim, ports[i].port, buf, sizeof buf);
		if (!ports[i].name) {
			CHECK(got == NULL);
			continue;
		}
		CHECK(got == buf);
		if (got)
			SAYS(got, ports[i].name);
	}
	/* Without a machine there is no NIC to ask; the chips still decode. */
	CHECK(dv_port_name(NULL, 0x300, buf, sizeof buf) == NULL);
	CHECK(dv_port_name(NULL, 0x83, buf, sizeof buf) != NULL);
	/* A short buffer is cut, still terminated. */
	CHECK(dv_port_name(sim, 0x0D, buf, 8) != NULL);
	SAYS(buf, "DMA1 ma");
	teardown();
}

/* ---- the NIC's bits ----------------------------------------------------------------------------- */

static void test_nic_bits(void)
{
	char buf[96];
	/* docs/nic.md §3.1: CMD 0x05 is TXGO | DMATX. */
	SAYS(dv_nic_bits(0, 0x05, buf, sizeof buf), "TXGO|DMATX");
	SAYS(dv_nic_bits(0, DV_NIC_CMD_TXGO, buf, sizeof buf), "TXGO");
	SAYS(dv_nic_bits(0, DV_NIC_CMD_RXEN, buf, sizeof buf), "RXEN");
	SAYS(dv_nic_bits(0, DV_NIC_CMD_DMATX, buf, sizeof buf), "DMATX");
	SAYS(dv_nic_bits(0, DV_NIC_CMD_DMARX, buf, sizeof buf), "DMARX");
	SAYS(dv_nic_bits(0, DV_NIC_CMD_RESET, buf, sizeof buf), "RESET");
	SAYS(dv_nic_bits(0, 0x0E, buf, sizeof buf), "RXEN|DMATX|DMARX");
	SAYS(dv_nic_bits(0, 0x70, buf, sizeof buf), "bit4|bit5|bit6"); /* bits CMD lacks */
	SAYS(dv_nic_bits(0, 0, buf, sizeof buf), "none");
	/* §3.2: STATUS, all eight bits; 0x02 after power-on. */
	SAYS(dv_nic_bits(1, 0x02, buf, sizeof buf), "TXEMPTY");
	SAYS(dv_nic_bits(1, 0xFF, buf, sizeof buf),
	     "TXBUSY|TXEMPTY|TXFULL|RXDATA|RXFULL|STATDATA|DREQ|RXBUSY");
	SAYS(dv_nic_bits(1, DV_NIC_ST_DREQ | DV_NIC_ST_RXBUSY, buf, sizeof buf), "DREQ|RXBUSY");
	SAYS(dv_nic_bits(1, DV_NIC_ST_STATDATA, buf, sizeof buf), "STATDATA");
	/* §3.3: IMR and ISR share bits 4-0. */
	SAYS(dv_nic_bits(2, DV_NIC_INT_ALL, buf, sizeof buf),
	     "TXDONE|RXDONE|UNDERRUN|OVERRUN|TXOVERFLOW");
	SAYS(dv_nic_bits(3, DV_NIC_INT_ALL, buf, sizeof buf),
	     "TXDONE|RXDONE|UNDERRUN|OVERRUN|TXOVERFLOW");
	SAYS(dv_nic_bits(3, DV_NIC_INT_RXDONE | DV_NIC_INT_OVERRUN, buf, sizeof buf),
	     "RXDONE|OVERRUN");
	SAYS(dv_nic_bits(3, 0x80, buf, sizeof buf), "bit7");
	SAYS(dv_nic_bits(3, 0, buf, sizeof buf), "none");
	/* It returns buf; a short buffer is cut but never claims "none" for set bits. */
	CHECK(dv_nic_bits(0, 1, buf, sizeof buf) == buf);
	SAYS(dv_nic_bits(0, 0x05, buf, 8), "TXGO|DM");
	SAYS(dv_nic_bits(0, 0x01, buf, 4), "TXG");
	SAYS(dv_nic_bits(1, 0x80, buf, 3), "RX");
	SAYS(dv_nic_bits(0, 0, buf, 3), "no");
}

/* ---- the DMA calls in words ---------------------------------------------------------------------- */

static void test_dma_call_words(void)
{
	char buf[256];
	struct dv_call_record r;
	memset(&r, 0, sizeof r);
	struct dv_call_args a;
	memset(&a, 0, sizeof a);
	a.call = DV_CALL_SETUP_DMA_TRANSFER;
	a.dma.va = 0x80801000u;
	a.dma.offset = 0;
	a.dma.length = 60;
	a.dma.write_to_device = true;
	a.dma.bytecount = 60;
	dv_call_args_encode(&a, &r);
	r.npages = 1;
	r.page[0] = 0x100000;
	/* The example of describe.h. */
	dv_dma_call_words(&r, buf, sizeof buf);
	SAYS(buf, "NdisMSetupDmaTransfer(Buffer VA 0x80801000: 60 B in page 0x100000, Offset 0, "
	          "Length 60, WriteToDevice TRUE)");
	/* Complete, a receive into a subrange of a buffer over six pages: four are named. */
	a.call = DV_CALL_COMPLETE_DMA_TRANSFER;
	a.dma.offset = 1024;
	a.dma.length = 1514;
	a.dma.write_to_device = false;
	a.dma.bytecount = 24864;
	dv_call_args_encode(&a, &r);
	r.npages = 6;
	for (unsigned i = 0; i < 4; i++)
		r.page[i] = 0x100000 + i * 0x1000;
	dv_dma_call_words(&r, buf, sizeof buf);
	SAYS(buf,
	     "NdisMCompleteDmaTransfer(Buffer VA 0x80801000: 24864 B in pages 0x100000 0x101000 "
	     "0x102000 0x103000 and 2 more, Offset 1024, Length 1514, WriteToDevice FALSE)");
	r.npages = 0;
	dv_dma_call_words(&r, buf, sizeof buf);
	SAYS(buf, "NdisMCompleteDmaTransfer(Buffer VA 0x80801000: 24864 B in no page, Offset 1024, "
	          "Length 1514, WriteToDevice FALSE)");
	a.dma.va = 0;
	dv_call_args_encode(&a, &r);
	dv_dma_call_words(&r, buf, sizeof buf);
	SAYS(buf,
	     "NdisMCompleteDmaTransfer(Buffer NULL, Offset 1024, Length 1514, WriteToDevice FALSE)");
	/* Other calls: the name only. */
	r.call = DV_CALL_READ_DMA_COUNTER;
	dv_dma_call_words(&r, buf, sizeof buf);
	SAYS(buf, "NdisMReadDmaCounter(...)");
	/* Cut to the buffer, terminated. */
	r.call = DV_CALL_SETUP_DMA_TRANSFER;
	dv_dma_call_words(&r, buf, 10);
	SAYS(buf, "NdisMSetu");
}

/* The first event of kind at or after from with sub-id slot. */
static const struct dv_event *find_event(size_t from, enum dv_ev_kind kind, unsigned slot)
{
	for (size_t i = from; i < sim->trace.len; i++)
		if (dv_trace_at(&sim->trace, i)->kind == kind &&
		    dv_trace_at(&sim->trace, i)->slot == slot)
			return dv_trace_at(&sim->trace, i);
	return NULL;
}

static void describe_first(size_t from, enum dv_ev_kind kind, unsigned slot, const char *want,
                           int line)
{
	char buf[256];
	const struct dv_event *e = find_event(from, kind, slot);
	CHECK(e != NULL);
	if (!e) {
		fprintf(stderr, "  no such event (line %d)\n", line);
		return;
	}
	dv_event_describe(sim, nd, e, buf, sizeof buf);
	CHECK(says(buf, want, line));
}
#define DESCRIBES(from, kind, slot, want) describe_first(from, kind, slot, want, __LINE__)

static void test_ndis_calls(void)
{
	setup();
	NDIS_DMA_DESCRIPTION d;
	NdisZeroMemory(&d, sizeof d);
	d.DemandMode = TRUE;
	d.DmaChannel = 2;
	NDIS_HANDLE h = NULL;
	size_t from = sim->trace.len;
	CHECK_EQ(NdisMRegisterDmaChannel(&h, (NDIS_HANDLE)nd, 2, FALSE, &d, 4096),
	         NDIS_STATUS_SUCCESS);
	DESCRIBES(from, DV_EV_CALL, DV_CALL_REGISTER_DMA_CHANNEL,
	          "NdisMRegisterDmaChannel(DmaChannel=2, MaximumLength=4096, Desc.DmaChannel=2, "
	          "Desc.DmaWidth=Width8Bits)");
	DESCRIBES(from, DV_EV_RETURN, DV_CALL_REGISTER_DMA_CHANNEL,
	          "NdisMRegisterDmaChannel returned NDIS_STATUS_SUCCESS");
	DESCRIBES(from, DV_EV_CALL, DV_CALL_HAL_GET_ADAPTER, "HalGetAdapter");

	/* A send from above 16 MiB: the HAL bounces it (facts §5.9). */
	uint32_t pfn = 0x01234000u / DV_PAGE_SIZE;
	PVOID va = dv_ndis_map_pages(nd, &pfn, 1);
	PNDIS_BUFFER b = dv_ndis_make_buffer(nd, (PVOID)((uintptr_t)va + 0x560), 64);
	NDIS_STATUS st;
	from = sim->trace.len;
	NdisMSetupDmaTransfer(&st, h, b, 0, 64, TRUE);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	DESCRIBES(from, DV_EV_CALL, DV_CALL_SETUP_DMA_TRANSFER,
	          "NdisMSetupDmaTransfer(Offset=0, Length=64, WriteToDevice=TRUE)");
	/* NdisFlushBuffer(Buffer, WriteToDevice) is KeFlushIoBuffers(Buffer, !WriteToDevice,
	 * TRUE) (facts §3.4 step 4). */
	DESCRIBES(
	        from, DV_EV_CALL, DV_CALL_KE_FLUSH_IO_BUFFERS,
	        "KeFlushIoBuffers(ReadOperation=FALSE): flush the processor cache for the buffer");
	DESCRIBES(
	        from, DV_EV_CALL, DV_CALL_IO_MAP_TRANSFER,
	        "IoMapTransfer: the buffer at 0x1234560 is out of the 8237's reach; bounced through "
	        "map registers at 0xe40560");
	DESCRIBES(from, DV_EV_RETURN, DV_CALL_SETUP_DMA_TRANSFER,
	          "NdisMSetupDmaTransfer returned NDIS_STATUS_SUCCESS");
	/* The record holds what the call words need. */
	const struct dv_event *e = find_event(from, DV_EV_CALL, DV_CALL_SETUP_DMA_TRANSFER);
	const struct dv_call_record *r = e ? dv_ndis_record(nd, e->index) : NULL;
	CHECK(r != NULL);
	if (r) {
		char want[200], got[200];
		snprintf(
		        want, sizeof want,
		        "NdisMSetupDmaTransfer(Buffer VA 0x%08x: 64 B in page 0x1234000, Offset 0, "
		        "Length 64, WriteToDevice TRUE)",
		        (unsigned)dv_ndis_va32(b->MappedSystemVa));
		dv_dma_call_words(r, got, sizeof got);
		SAYS(got, want);
	}
	/* Without the NDIS layer a call shows without its arguments. */
	if (e) {
		char buf[64];
		dv_event_describe(sim, NULL, e, buf, sizeof buf);
		SAYS(buf, "NdisMSetupDmaTransfer called");
	}
	/* A busy channel: RESOURCES, and the verifier says why. */
	from = sim->trace.len;
	NdisMSetupDmaTransfer(&st, h, b, 0, 64, TRUE);
	DESCRIBES(from, DV_EV_RETURN, DV_CALL_SETUP_DMA_TRANSFER,
	          "NdisMSetupDmaTransfer returned NDIS_STATUS_RESOURCES");
	DESCRIBES(from, DV_EV_VERIFIER, DV_RULE_DMA_BUSY,
	          "verifier: dma-busy: NdisMSetupDmaTransfer while the channel is in use");
	from = sim->trace.len;
	CHECK_EQ(NdisMReadDmaCounter(h), 64);
	DESCRIBES(from, DV_EV_RETURN, DV_CALL_READ_DMA_COUNTER,
	          "NdisMReadDmaCounter returned 64 bytes remaining");
	DESCRIBES(from, DV_EV_RETURN, DV_CALL_HAL_READ_DMA_COUNTER,
	          "HalReadDmaCounter returned 64 bytes remaining");
	from = sim->trace.len;
	NdisMCompleteDmaTransfer(&st, h, b, 0, 64, TRUE);
	DESCRIBES(from, DV_EV_CALL, DV_CALL_COMPLETE_DMA_TRANSFER,
	          "NdisMCompleteDmaTransfer(Offset=0, Length=64, WriteToDevice=TRUE)");
	DESCRIBES(from, DV_EV_CALL, DV_CALL_IO_FLUSH_ADAPTER_BUFFERS,
	          "IoFlushAdapterBuffers(WriteToDevice=TRUE): mask the channel");
	DESCRIBES(from, DV_EV_RETURN, DV_CALL_COMPLETE_DMA_TRANSFER,
	          "NdisMCompleteDmaTransfer returned NDIS_STATUS_SUCCESS");

	/* A receive in place, below 16 MiB in one 64 KiB block. */
	pfn = 0x20;
	va = dv_ndis_map_pages(nd, &pfn, 1);
	PNDIS_BUFFER low = dv_ndis_make_buffer(nd, va, 256);
	from = sim->trace.len;
	NdisMSetupDmaTransfer(&st, h, low, 16, 128, FALSE);
	DESCRIBES(from, DV_EV_CALL, DV_CALL_KE_FLUSH_IO_BUFFERS,
	          "KeFlushIoBuffers(ReadOperation=TRUE): flush the processor cache for the buffer");
	DESCRIBES(from, DV_EV_CALL, DV_CALL_IO_MAP_TRANSFER,
	          "IoMapTransfer: programs the 8237 for 0x020010 in place");
	from = sim->trace.len;
	NdisMCompleteDmaTransfer(&st, h, low, 16, 128, FALSE);
	DESCRIBES(
	        from, DV_EV_CALL, DV_CALL_IO_FLUSH_ADAPTER_BUFFERS,
	        "IoFlushAdapterBuffers(WriteToDevice=FALSE): mask the channel, copy back a bounced receive");
	/* A record number the layer does not have: the call's name only. */
	struct dv_event bogus;
	memset(&bogus, 0, sizeof bogus);
	bogus.kind = DV_EV_CALL;
	bogus.slot = DV_CALL_COMPLETE_DMA_TRANSFER;
	bogus.index = 0xFFFFFF;
	char buf[96];
	dv_event_describe(sim, nd, &bogus, buf, sizeof buf);
	SAYS(buf, "NdisMCompleteDmaTransfer called");
	teardown();
}

/* ---- the other kinds of event --------------------------------------------------------------------- */

static void test_event_kinds(void)
{
	setup();
	char buf[160];
	struct dv_event e;
#define EV(k, s, i, o, n, c, from)                                                                 \
	do {                                                                                       \
		memset(&e, 0, sizeof e);                                                           \
		e.kind = (k);                                                                      \
		e.slot = (uint16_t)(s);                                                            \
		e.index = (i);                                                                     \
		e.old_value = (o);                                                                 \
		e.new_value = (n);                                                                 \
		e.chan = (c);                                                                      \
		e.src = (from);                                                                    \
	} while (0)
	EV(DV_EV_STATE, DV_SLOT_DMA_COUNT, 1, 0, 0x5E9, 0xFF, DV_SRC_CPU);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "dma.ch1.count 0x0 -> 0x5e9");
	EV(DV_EV_STATE, DV_SLOT_DMA_MASK, 1, 0x0F, 0x0E, 0xFF, DV_SRC_CPU);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "dma2.mask 0xf -> 0xe");
	/* Port accesses: who, what, which port and what it is. */
	EV(DV_EV_PORT_OUT, 0, 0x0A, 0, 0x05, 0xFF, DV_SRC_HAL);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "hal wrote 0x05 to port 0x00a (DMA1 single mask)");
	EV(DV_EV_PORT_OUT, 0, 0x300, 0, 0x05, 0xFF, DV_SRC_DRIVER);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "driver wrote 0x05 to port 0x300 (NIC CMD)");
	dv_event_describe(NULL, NULL, &e, buf, sizeof buf);
	SAYS(buf, "driver wrote 0x05 to port 0x300");
	EV(DV_EV_PORT_IN, 0, 0xC6, 0, 0xFF, 0xFF, DV_SRC_CPU);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "cpu read 0xff from port 0x0c6 (DMA2 ch5 count)");
	EV(DV_EV_PORT_IN, 0, 0x3F8, 0, 0xFF, 0xFF, DV_SRC_SCRIPT);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "script read 0xff from port 0x3f8");
	/* Transfers: Intel's read moves memory to the device, write the other way (facts §1.9);
	 * the NIC is on channel 1; elsewhere nothing drives the bus. */
	EV(DV_EV_XFER, 0, 0x012345, DV_XFER_TO_MEMORY | 1u << 8, 0xAB, 1, DV_SRC_DMA);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "ch1 moved byte 0xab from the NIC to 0x012345");
	EV(DV_EV_XFER, 0, 0x020000, DV_XFER_FROM_MEMORY | 1u << 8, 0x5A, 2, DV_SRC_DMA);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "ch2 moved byte 0x5a from 0x020000 to the floating bus");
	EV(DV_EV_XFER, 0, 0x031000, DV_XFER_TO_MEMORY | 2u << 8, 0xABCD, 5, DV_SRC_DMA);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "ch5 moved word 0xabcd from the floating bus to 0x031000");
	EV(DV_EV_XFER, 0, 0x000100, DV_XFER_MEM_TO_MEM | 1u << 8, 0x12, 1, DV_SRC_DMA);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "memory-to-memory: 0x12 through the temporary register to 0x000100");
	/* Verify: DACK and count, no data (facts §2.4). */
	EV(DV_EV_XFER, 0, 0x020000, DV_XFER_VERIFY | 1u << 8, 0, 2, DV_SRC_DMA);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "ch2 verify cycle at 0x020000: DACK and count, no data moved");
	EV(DV_EV_WIRE, 0, 0, 0, 0x88, 0xFF, DV_SRC_NIC);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "wire: the NIC sent 0x88 to the peer");
	EV(DV_EV_WIRE, 0, 1, 0, 0xB5, 0xFF, DV_SRC_PEER);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "wire: the peer sent 0xb5 to the NIC");
	/* Notes in their own words. */
	EV(DV_EV_NOTE, DV_NOTE_PAGE_WRAP, 2, 0, 0, 2, DV_SRC_DMA);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, dv_note_text(DV_NOTE_PAGE_WRAP));
	EV(DV_EV_VERIFIER, DV_RULE_DMA_SUBRANGE, 0, 0, 0, 0xFF, DV_SRC_DRIVER);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "verifier: dma-subrange: Offset and Length are not a proper subrange");
	/* Lesson marks: steps count from 1, 0 is the setup. */
	EV(DV_EV_MARK, DV_MARK_STMT, 12, 0, 0, 0xFF, DV_SRC_SCRIPT);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "lesson line 12");
	EV(DV_EV_MARK, DV_MARK_STEP, 0, 0, 0, 0xFF, DV_SRC_SCRIPT);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "setup, before the first step");
	EV(DV_EV_MARK, DV_MARK_STEP, 3, 0, 0, 0xFF, DV_SRC_SCRIPT);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "step 3");
	EV(DV_EV_RETURN, DV_CALL_MINIPORT_ISR, 0, 0, 1, 0xFF, DV_SRC_DRIVER);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "MiniportISR returned");
	EV(99, 0, 0, 0, 0, 0xFF, DV_SRC_MACHINE);
	dv_event_describe(sim, nd, &e, buf, sizeof buf);
	SAYS(buf, "event 99");
	/* Every kind says something, and a short buffer is cut, terminated. */
	for (unsigned k = 0; k < DV_EV_KIND_COUNT; k++) {
		EV(k, 0, 0, 0, 0, 0xFF, DV_SRC_CPU);
		buf[0] = 0;
		dv_event_describe(sim, nd, &e, buf, sizeof buf);
		CHECK(strlen(buf) > 4);
	}
	EV(DV_EV_PORT_OUT, 0, 0x0A, 0, 0x05, 0xFF, DV_SRC_HAL);
	dv_event_describe(sim, nd, &e, buf, 9);
	SAYS(buf, "hal wrot");
#undef EV
	teardown();
}

CHECK_MAIN(CHECK_CASE(test_port_names), CHECK_CASE(test_nic_bits), CHECK_CASE(test_dma_call_words),
           CHECK_CASE(test_ndis_calls), CHECK_CASE(test_event_kinds))
