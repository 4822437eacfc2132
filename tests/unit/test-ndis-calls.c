/* dmaviz: the NDIS 5 services a DDK-era miniport uses besides the DMA channel, each on the
 * model: timers firing in order on the simulated clock as a DPC, NdisMSynchronizeWithInterrupt
 * keeping the ISR out, NdisStallExecution and NdisMSleep moving time (Sleep only at PASSIVE),
 * port I/O of every width as byte accesses, port ranges, the event log and ASSERT. The test
 * plays the miniport, as test-ndis.c does. */
#include <string.h>

#include "check.h"
#include "describe.h"
#include "dvndis.h"
#include "ndis.h"
#include "nic.h"
#include "sim.h"
#include "port-events.h"

static struct dv_sim *sim;
static struct dv_ndis *nd;

#define CHECK_STR(got, want)                                                                       \
	do {                                                                                       \
		const char *check_s_ = (got);                                                      \
		if (!check_s_ || strcmp(check_s_, want) != 0) {                                    \
			fprintf(stderr, "%s:%d: got \"%s\", expected \"%s\"\n", __FILE__,          \
			        __LINE__, check_s_ ? check_s_ : "(null)", want);                   \
			check_failed_in_test++;                                                    \
		}                                                                                  \
	} while (0)

static void setup(void)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	sim = dv_sim_create(&cfg);
	nd = dv_ndis_create(sim);
	dv_ndis_set_phase(nd, DV_PHASE_RUNNING);
}

static void teardown(void)
{
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);
}

/* The newest call record of call, or NULL. */
static const struct dv_call_record *last_record(enum dv_call call)
{
	for (size_t i = dv_ndis_record_count(nd); i-- > 0;)
		if (dv_ndis_record(nd, (uint32_t)i)->call == call)
			return dv_ndis_record(nd, (uint32_t)i);
	return NULL;
}

static unsigned count_records(enum dv_call call)
{
	unsigned n = 0;
	for (size_t i = 0; i < dv_ndis_record_count(nd); i++)
		n += dv_ndis_record(nd, (uint32_t)i)->call == call;
	return n;
}

/* The words the event log gives the newest call event of call. */
static void describe_last(enum dv_call call, char *buf, size_t size)
{
	buf[0] = 0;
	const struct dv_trace *t = dv_sim_trace(sim);
	for (size_t i = dv_trace_len(t); i-- > 0;) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind == DV_EV_CALL && e->slot == call) {
			dv_event_describe(sim, nd, e, buf, size);
			return;
		}
	}
}

/* ---- timers ---------------------------------------------------------------------------- */

static char fired[16];
static uint32_t fired_at[16];
static uint8_t fired_irql[16];
static unsigned nfired;

static VOID note_timer(PVOID S1, PVOID Context, PVOID S2, PVOID S3)
{
	(void)S1, (void)S2, (void)S3;
	if (nfired < sizeof fired) {
		fired[nfired] = *(const char *)Context;
		fired_at[nfired] = sim->st.cycle;
		fired_irql[nfired] = KeGetCurrentIrql();
	}
	nfired++;
}

static void test_timers_fire_in_order(void)
{
	setup();
	nfired = 0;
	static const char a = 'A', b = 'B', c = 'C';
	NDIS_MINIPORT_TIMER ta, tb, tc;
	memset(&ta, 0, sizeof ta), memset(&tb, 0, sizeof tb), memset(&tc, 0, sizeof tc);
	NdisMInitializeTimer(&ta, (NDIS_HANDLE)nd, note_timer, (PVOID)&a);
	NdisMInitializeTimer(&tb, (NDIS_HANDLE)nd, note_timer, (PVOID)&b);
	NdisMInitializeTimer(&tc, (NDIS_HANDLE)nd, note_timer, (PVOID)&c);
	CHECK(ta.Timer.DvTimerId == 1 && tb.Timer.DvTimerId == 2 && tc.Timer.DvTimerId == 3);
	uint32_t t0 = sim->st.cycle;
	NdisMSetTimer(&ta, 5);         /* due t0 + 10000 */
	NdisMSetTimer(&tb, 2);         /* due t0 + 4000 */
	NdisMSetPeriodicTimer(&tc, 1); /* every 2000 */
	dv_sim_run(sim, 10001);
	/* C, then B and C at 4000 (the lower number first), C, C, then A and C at 10000. */
	CHECK_EQ(nfired, 7);
	CHECK(!memcmp(fired, "CBCCCAC", 7));
	static const uint32_t due[7] = { 2000, 4000, 4000, 6000, 8000, 10000, 10000 };
	for (unsigned i = 0; i < 7 && i < nfired; i++) {
		CHECK(fired_at[i] >= t0 + due[i] && fired_at[i] <= t0 + due[i] + 2);
		CHECK_EQ(fired_irql[i], DV_DISPATCH_LEVEL);
	}
	CHECK_EQ(KeGetCurrentIrql(), DV_PASSIVE_LEVEL);
	CHECK_EQ(count_records(DV_CALL_MINIPORT_TIMER), 7);
	char words[200];
	describe_last(DV_CALL_SET_PERIODIC_TIMER, words, sizeof words);
	CHECK_STR(words, "NdisMSetPeriodicTimer(timer 3, 1 ms): due at cycle 2000");

	/* Cancelling: TRUE while it is set, FALSE after; a cancelled timer stays quiet. */
	BOOLEAN cancelled = FALSE;
	NdisMCancelTimer(&tc, &cancelled);
	CHECK_EQ(cancelled, TRUE);
	NdisMCancelTimer(&tc, &cancelled);
	CHECK_EQ(cancelled, FALSE);
	NdisMCancelTimer(&ta, &cancelled); /* it fired: not in the queue any more */
	CHECK_EQ(cancelled, FALSE);
	dv_sim_run(sim, 6000);
	CHECK_EQ(nfired, 7);

	/* Set again before it fires: the timer moves, and fires once. */
	NdisMSetTimer(&tb, 1);
	NdisMSetTimer(&tb, 2);
	dv_sim_run(sim, 2500);
	CHECK_EQ(nfired, 7);
	dv_sim_run(sim, 2000);
	CHECK_EQ(nfired, 8);
	teardown();
}

static void test_timer_waits_for_dispatch(void)
{
	setup();
	nfired = 0;
	static const char d = 'D';
	NDIS_TIMER t;
	memset(&t, 0, sizeof t);
	NdisInitializeTimer(&t, note_timer, (PVOID)&d);
	NdisSetTimer(&t, 1);
	/* At DISPATCH_LEVEL (a spin lock held) the DPC waits until the IRQL drops. */
	NDIS_SPIN_LOCK lock;
	NdisAllocateSpinLock(&lock);
	NdisAcquireSpinLock(&lock);
	CHECK_EQ(KeGetCurrentIrql(), DV_DISPATCH_LEVEL);
	NdisStallExecution(1500); /* 3000 cycles, past the timer's 2000 */
	CHECK_EQ(nfired, 0);
	NdisReleaseSpinLock(&lock);
	CHECK_EQ(nfired, 1);
	CHECK_EQ(fired[0], 'D');

	/* A timer NDIS never made is not armed, and the record says so. */
	NDIS_MINIPORT_TIMER stranger;
	memset(&stranger, 0, sizeof stranger);
	stranger.Timer.DvTimerId = 99;
	NdisMSetTimer(&stranger, 1);
	CHECK_EQ(last_record(DV_CALL_SET_TIMER)->status, NDIS_STATUS_FAILURE);
	dv_sim_run(sim, 4000);
	CHECK_EQ(nfired, 1);

	/* No function: no timer. */
	NDIS_MINIPORT_TIMER none;
	memset(&none, 0, sizeof none);
	NdisMInitializeTimer(&none, (NDIS_HANDLE)nd, NULL, NULL);
	CHECK_EQ(none.Timer.DvTimerId, 0);
	CHECK_EQ(last_record(DV_CALL_INITIALIZE_TIMER)->status, NDIS_STATUS_RESOURCES);
	teardown();
}

/* ---- NdisMSynchronizeWithInterrupt ------------------------------------------------------- */

static unsigned isr_runs, isr_during_sync;
static bool in_sync;
static uint8_t sync_irql;

static VOID isr(PBOOLEAN Recognized, PBOOLEAN Queue, NDIS_HANDLE Context)
{
	(void)Context;
	isr_runs++;
	isr_during_sync += in_sync;
	*Recognized = TRUE;
	*Queue = FALSE;
}

static BOOLEAN sync_fn(PVOID Context)
{
	in_sync = true;
	sync_irql = KeGetCurrentIrql();
	/* The card raises its interrupt; time passes while the function runs. */
	dv_sim_irq_line(sim, sim->st.nic.irq, true);
	NdisStallExecution(50);
	dv_sim_irq_line(sim, sim->st.nic.irq, false);
	in_sync = false;
	return *(BOOLEAN *)Context;
}

static void test_synchronize_excludes_isr(void)
{
	setup();
	NDIS_MINIPORT_INTERRUPT intr;
	memset(&intr, 0, sizeof intr);
	BOOLEAN yes = TRUE;
	/* Without a registered interrupt there is nothing to synchronize with. */
	CHECK_EQ(NdisMSynchronizeWithInterrupt(&intr, sync_fn, &yes), FALSE);
	CHECK_EQ(last_record(DV_CALL_SYNCHRONIZE_WITH_INTERRUPT)->status,
	         NDIS_STATUS_NOT_SUPPORTED);
	CHECK_EQ(count_records(DV_CALL_MINIPORT_SYNCHRONIZE_ISR), 0);

	nd->chars.ISRHandler = isr;
	CHECK_EQ(NdisMRegisterInterrupt(&intr, (NDIS_HANDLE)nd, sim->st.nic.irq, sim->st.nic.irq,
	                                TRUE, FALSE, NdisInterruptLatched),
	         NDIS_STATUS_SUCCESS);
	isr_runs = isr_during_sync = 0;
	CHECK_EQ(NdisMSynchronizeWithInterrupt(&intr, sync_fn, &yes), TRUE);
	CHECK_EQ(sync_irql, DV_DIRQL);
	CHECK_EQ(isr_during_sync, 0);
	CHECK_EQ(KeGetCurrentIrql(), DV_PASSIVE_LEVEL);
	/* The latched request is taken at the next bus cycle the CPU owns. */
	dv_sim_run(sim, 2);
	CHECK_EQ(isr_runs, 1);
	BOOLEAN no = FALSE;
	CHECK_EQ(NdisMSynchronizeWithInterrupt(&intr, sync_fn, &no), FALSE);
	CHECK_EQ(last_record(DV_CALL_MINIPORT_SYNCHRONIZE_ISR)->status, FALSE);
	NdisMDeregisterInterrupt(&intr);
	teardown();
}

/* ---- time ------------------------------------------------------------------------------- */

static void test_stall_and_sleep(void)
{
	setup();
	uint32_t t0 = sim->st.cycle;
	NdisStallExecution(100);
	CHECK_EQ(sim->st.cycle - t0, 200);
	NdisMSleep(250);
	CHECK_EQ(sim->st.cycle - t0, 700);
	CHECK_EQ(last_record(DV_CALL_SLEEP)->status, NDIS_STATUS_SUCCESS);
	LARGE_INTEGER now;
	NdisGetCurrentSystemTime(&now);
	CHECK_EQ(now.QuadPart, (LONGLONG)sim->st.cycle * 5);

	/* NdisMSleep above PASSIVE_LEVEL cannot wait: the machine does not move, the trace says
	 * so at the caller's line. */
	NDIS_SPIN_LOCK lock;
	NdisAllocateSpinLock(&lock);
	NdisAcquireSpinLock(&lock);
	uint32_t t1 = sim->st.cycle;
	NdisMSleep(1000);
	CHECK_EQ(sim->st.cycle, t1);
	NdisReleaseSpinLock(&lock);
	const struct dv_call_record *r = last_record(DV_CALL_SLEEP);
	CHECK_EQ(r->status, NDIS_STATUS_NOT_SUPPORTED);
	const struct dv_loc *where = dv_trace_get_loc(dv_sim_trace(sim), r->loc);
	CHECK(where && strstr(where->file, "test-ndis-calls.c") && where->line > 0);
	char words[200];
	describe_last(DV_CALL_SLEEP, words, sizeof words);
	CHECK_STR(words,
	          "NdisMSleep(1000 us): above PASSIVE_LEVEL it cannot wait; the machine did not");
	teardown();
}

/* ---- ports -------------------------------------------------------------------------------- */

static void test_port_widths(void)
{
	setup();
	ULONG base = sim->st.nic.base;
	uint16_t port[8];
	uint8_t val[8];
	/* A word to an 8-bit card: two byte cycles, low byte first, at port and port + 1. */
	size_t from = dv_trace_len(dv_sim_trace(sim));
	NdisRawWritePortUshort(base + DV_NIC_TXLEN_LO, 0x05DC);
	CHECK_EQ(port_events(dv_sim_trace(sim), from, DV_EV_PORT_OUT, port, val, 8), 2);
	CHECK(port[0] == base + 4 && val[0] == 0xDC && port[1] == base + 5 && val[1] == 0x05);
	CHECK_EQ(sim->st.nic.txlen, 1500);
	from = dv_trace_len(dv_sim_trace(sim));
	NdisRawWritePortUlong(base + DV_NIC_TXLEN_LO, 0x00020040);
	CHECK_EQ(port_events(dv_sim_trace(sim), from, DV_EV_PORT_OUT, port, val, 8), 4);
	CHECK(port[3] == base + 7 && val[3] == 0x00 && val[0] == 0x40);

	/* Reads: IMR then ISR in one word. */
	NdisRawWritePortUchar(base + DV_NIC_IMR, 0x0A);
	USHORT w = 0;
	from = dv_trace_len(dv_sim_trace(sim));
	NdisRawReadPortUshort(base + DV_NIC_IMR, &w);
	CHECK_EQ(port_events(dv_sim_trace(sim), from, DV_EV_PORT_IN, port, val, 8), 2);
	CHECK_EQ(w & 0xFF, 0x0A);
	ULONG l = 0xFFFFFFFF;
	NdisRawReadPortUlong(base + DV_NIC_IMR, &l);
	CHECK_EQ(l & 0xFF, 0x0A);

	/* The buffer forms repeat at one port, inside one call record. */
	UCHAR bytes[3] = { 1, 2, 3 };
	from = dv_trace_len(dv_sim_trace(sim));
	NdisRawWritePortBufferUchar(base + DV_NIC_IMR, bytes, 3);
	CHECK_EQ(port_events(dv_sim_trace(sim), from, DV_EV_PORT_OUT, port, val, 8), 3);
	CHECK(port[0] == port[2] && val[2] == 3);
	USHORT words[2] = { 0x0102, 0x0304 };
	from = dv_trace_len(dv_sim_trace(sim));
	NdisRawWritePortBufferUshort(base + DV_NIC_IMR, words, 2);
	CHECK_EQ(port_events(dv_sim_trace(sim), from, DV_EV_PORT_OUT, port, val, 8), 4);
	CHECK(port[0] == base + 2 && port[1] == base + 3 && val[2] == 0x04);
	ULONG in[2] = { 0, 0 };
	NdisRawReadPortBufferUlong(base + DV_NIC_IMR, in, 2);
	CHECK_EQ(count_records(DV_CALL_READ_PORT_BUFFER), 1);
	/* Too many: refused, no access. */
	static UCHAR big[DV_NDIS_PORT_BUFFER_MAX + 1];
	from = dv_trace_len(dv_sim_trace(sim));
	NdisRawReadPortBufferUchar(base, big, sizeof big);
	CHECK_EQ(port_events(dv_sim_trace(sim), from, DV_EV_PORT_IN, port, val, 8), 0);
	CHECK_EQ(last_record(DV_CALL_READ_PORT_BUFFER)->status, NDIS_STATUS_NOT_SUPPORTED);

	/* Port ranges: the card's is granted, the 8237A's is the motherboard's. */
	PVOID offset = NULL;
	CHECK_EQ(NdisMRegisterIoPortRange(&offset, (NDIS_HANDLE)nd, base, DV_NIC_PORTS),
	         NDIS_STATUS_SUCCESS);
	CHECK(offset == (PVOID)(uintptr_t)base);
	PVOID dma = NULL;
	CHECK_EQ(NdisMRegisterIoPortRange(&dma, (NDIS_HANDLE)nd, 0x00, 0x10),
	         NDIS_STATUS_RESOURCE_CONFLICT);
	CHECK(dma == NULL);
	struct dv_call_args conflict; /* NDIS logs the conflict itself */
	dv_call_args(last_record(DV_CALL_WRITE_ERROR_LOG_ENTRY), &conflict);
	CHECK(conflict.error_log.code == NDIS_ERROR_CODE_RESOURCE_CONFLICT &&
	      conflict.error_log.value[0] == 0);
	NdisMDeregisterIoPortRange((NDIS_HANDLE)nd, base, DV_NIC_PORTS, (PVOID)(uintptr_t)0x1234);
	CHECK_EQ(last_record(DV_CALL_DEREGISTER_IO_PORT_RANGE)->status, NDIS_STATUS_FAILURE);
	NdisMDeregisterIoPortRange((NDIS_HANDLE)nd, base, DV_NIC_PORTS, offset);
	CHECK_EQ(last_record(DV_CALL_DEREGISTER_IO_PORT_RANGE)->status, NDIS_STATUS_SUCCESS);
	teardown();
}

/* ---- the event log, ASSERT ------------------------------------------------------------------ */

static void test_event_log(void)
{
	setup();
	char words[200];
	NdisWriteErrorLogEntry((NDIS_HANDLE)nd, NDIS_ERROR_CODE_BAD_IO_BASE_ADDRESS, 2, 0x300, 7);
	struct dv_call_args a;
	dv_call_args(last_record(DV_CALL_WRITE_ERROR_LOG_ENTRY), &a);
	CHECK(a.error_log.code == NDIS_ERROR_CODE_BAD_IO_BASE_ADDRESS && a.error_log.nvalues == 2 &&
	      a.error_log.value[0] == 0x300 && a.error_log.value[1] == 7);
	describe_last(DV_CALL_WRITE_ERROR_LOG_ENTRY, words, sizeof words);
	CHECK_STR(words, "NdisWriteErrorLogEntry(NDIS_ERROR_CODE_BAD_IO_BASE_ADDRESS, 0x300, 0x7)");
	/* More values than a record keeps: the first four, and "..." */
	NdisWriteErrorLogEntry((NDIS_HANDLE)nd, NDIS_ERROR_CODE_TIMEOUT, 9, 1, 2, 3, 4, 5, 6, 7, 8,
	                       9);
	dv_call_args(last_record(DV_CALL_WRITE_ERROR_LOG_ENTRY), &a);
	CHECK_EQ(a.error_log.nvalues, DV_ERROR_LOG_VALUES);
	describe_last(DV_CALL_WRITE_ERROR_LOG_ENTRY, words, sizeof words);
	CHECK_STR(words,
	          "NdisWriteErrorLogEntry(NDIS_ERROR_CODE_TIMEOUT, 0x1, 0x2, 0x3, 0x4, ...)");

	ULONG speed = 96;
	NdisMIndicateStatus((NDIS_HANDLE)nd, NDIS_STATUS_MEDIA_BUSY, &speed, sizeof speed);
	NdisMIndicateStatusComplete((NDIS_HANDLE)nd);
	dv_call_args(last_record(DV_CALL_INDICATE_STATUS), &a);
	CHECK(a.indicate_status.status == NDIS_STATUS_MEDIA_BUSY && a.indicate_status.size == 4 &&
	      a.indicate_status.first == 96);
	describe_last(DV_CALL_INDICATE_STATUS, words, sizeof words);
	CHECK_STR(words, "NdisMIndicateStatus(NDIS_STATUS_MEDIA_BUSY, 4 bytes)");
	CHECK_EQ(count_records(DV_CALL_INDICATE_STATUS_COMPLETE), 1);

	/* A failed ASSERT stops the run, with its text and line. */
	CHECK(dv_ndis_driver_failure(nd) == NULL);
	RtlAssert("Length != 0", "irsim.c", 42, NULL);
	CHECK_STR(dv_ndis_driver_failure(nd),
	          "your driver's ASSERT(Length != 0) failed at irsim.c:42");
	CHECK_EQ(count_records(DV_CALL_RTL_ASSERT), 1);
	teardown();

	setup();
	DbgBreakPoint();
	CHECK(strstr(dv_ndis_driver_failure(nd), "DbgBreakPoint at") != NULL);
	teardown();
}

/* ---- per-packet information -------------------------------------------------------------- */

static PNDIS_PACKET sent;

static NDIS_STATUS keep_packet(NDIS_HANDLE Context, PNDIS_PACKET Packet, UINT Flags)
{
	(void)Context, (void)Flags;
	sent = Packet;
	return NDIS_STATUS_SUCCESS;
}

static void test_irda_packet_info(void)
{
	setup();
	nd->chars.SendHandler = keep_packet;
	struct dv_packet_spec spec;
	memset(&spec, 0, sizeof spec);
	spec.nbuffers = 1;
	spec.buf[0].length = 60;
	PMEDIA_SPECIFIC_INFORMATION info = NULL;
	UINT size = 1;
	CHECK(dv_ndis_send(nd, &spec) >= 0 && sent);
	NDIS_GET_PACKET_MEDIA_SPECIFIC_INFO(sent, &info, &size);
	CHECK(info == NULL && size == 0); /* a plain protocol attaches none */
	CHECK(dv_ndis_send_irda(nd, &spec, 1500) >= 0 && sent);
	NDIS_GET_PACKET_MEDIA_SPECIFIC_INFO(sent, &info, &size);
	CHECK(info && info->ClassId == NdisClassIrdaPacketInfo &&
	      size >= FIELD_OFFSET(MEDIA_SPECIFIC_INFORMATION, ClassInformation) +
	                      sizeof(NDIS_IRDA_PACKET_INFO));
	if (info)
		CHECK_EQ(((PNDIS_IRDA_PACKET_INFO)info->ClassInformation)->MinTurnAroundTime, 1500);
	teardown();
}

/* ---- the header's helpers --------------------------------------------------------------------- */

struct item {
	int value;
	LIST_ENTRY link;
};

static void test_lists_and_interlocked(void)
{
	setup();
	LIST_ENTRY head;
	NDIS_SPIN_LOCK lock;
	struct item one = { 1, { NULL, NULL } }, two = { 2, { NULL, NULL } };
	InitializeListHead(&head);
	NdisAllocateSpinLock(&lock);
	CHECK(NdisInterlockedInsertTailList(&head, &one.link, &lock) == NULL);
	CHECK(NdisInterlockedInsertTailList(&head, &two.link, &lock) == &one.link);
	CHECK_EQ(KeGetCurrentIrql(), DV_PASSIVE_LEVEL);
	PLIST_ENTRY e = NdisInterlockedRemoveHeadList(&head, &lock);
	CHECK_EQ(CONTAINING_RECORD(e, struct item, link)->value, 1);
	CHECK(NdisInterlockedInsertHeadList(&head, &one.link, &lock) == &two.link);
	CHECK(RemoveTailList(&head) == &two.link && !IsListEmpty(&head));
	CHECK(RemoveEntryList(&one.link) && IsListEmpty(&head));
	CHECK(NdisInterlockedRemoveHeadList(&head, &lock) == NULL);
	LONG n = 0;
	CHECK_EQ(NdisInterlockedIncrement(&n), 1);
	CHECK_EQ(NdisInterlockedDecrement(&n), 0);
	ULONG u = 5;
	NdisInterlockedAddUlong(&u, 7, &lock);
	CHECK_EQ(u, 12);
	NDIS_PHYSICAL_ADDRESS p;
	p.QuadPart = 0x0000000100FFF000LL;
	CHECK_EQ(NdisGetPhysicalAddressLow(p), 0x00FFF000u);
	CHECK_EQ(NdisGetPhysicalAddressHigh(p), 1);
	CHECK(NT_SUCCESS(STATUS_PENDING) && !NT_SUCCESS(STATUS_INSUFFICIENT_RESOURCES));
	CHECK_EQ(NDIS_STATUS_RESOURCES, STATUS_INSUFFICIENT_RESOURCES);
	teardown();
}

CHECK_MAIN(CHECK_CASE(test_timers_fire_in_order), CHECK_CASE(test_timer_waits_for_dispatch),
           CHECK_CASE(test_synchronize_excludes_isr), CHECK_CASE(test_stall_and_sleep),
           CHECK_CASE(test_port_widths), CHECK_CASE(test_event_log),
           CHECK_CASE(test_lists_and_interlocked), CHECK_CASE(test_irda_packet_info))
