/* dmaviz: the verifier's named rules (src/ndis/verifier.h). Each rule fires, alone and with its own
 * id, in the situation it names, as a DV_EV_VERIFIER event located at the offending line of
 * this file; a correct driver makes it say nothing. The test plays the miniport itself. */
#include <string.h>

#include "check.h"
#include "nic.h"
#include "dvndis.h"
#include "ndis.h"
#include "sim.h"

static struct dv_sim *sim;
static struct dv_ndis *nd;

static void setup(void)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
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

/* The line of reg()'s NdisMRegisterDmaChannel call, where its rules point. */
static unsigned reg_line;

static NDIS_HANDLE reg(unsigned ch, ULONG max, NDIS_STATUS *st)
{
	NDIS_DMA_DESCRIPTION d;
	NDIS_HANDLE h = NULL;
	NdisZeroMemory(&d, sizeof d);
	d.DemandMode = TRUE;
	d.DmaWidth = ch >= 4 ? Width16Bits : Width8Bits;
	d.DmaChannel = ch;
	reg_line = __LINE__ + 1;
	*st = NdisMRegisterDmaChannel(&h, (NDIS_HANDLE)nd, ch, FALSE, &d, max);
	return h;
}

/* An NDIS_BUFFER over physical [phys, phys + len). */
static PNDIS_BUFFER buf_at(uint32_t phys, uint32_t len)
{
	uint32_t pfn[DV_MDL_MAX_PAGES];
	uint32_t off = phys % DV_PAGE_SIZE;
	uint32_t pages = (off + len + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE;
	for (uint32_t i = 0; i < pages; i++)
		pfn[i] = phys / DV_PAGE_SIZE + i;
	PVOID va = dv_ndis_map_pages(nd, pfn, pages);
	return dv_ndis_make_buffer(nd, (PVOID)((uintptr_t)va + off), len);
}

/* ---- what fired since a mark ------------------------------------------------------------------ */

struct mark {
	uint32_t fired[DV_RULE_COUNT];
	uint32_t violations;
	size_t events;
};

static struct mark mark(void)
{
	struct mark m;
	memcpy(m.fired, nd->fired, sizeof m.fired);
	m.violations = nd->violations;
	m.events = sim->trace.len;
	return m;
}

/* Exactly `times` firings of `rule` since m and nothing else: the counters, verifier.last,
 * and the trace's DV_EV_VERIFIER events with the rule's id, caused by the driver. When
 * `line` is not 0, each event points at this file's line `line`. */
static void expect_rule(const struct mark *m, enum dv_rule rule, unsigned times, unsigned line,
                        int caller)
{
	int before = check_failed_in_test;
	for (unsigned r = 0; r < DV_RULE_COUNT; r++)
		CHECK_EQ(nd->fired[r] - m->fired[r], r == rule ? times : 0);
	CHECK_EQ(nd->violations - m->violations, times);
	if (times)
		CHECK_EQ(nd->last_rule, rule);
	unsigned events = 0;
	for (size_t i = m->events; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		if (e->kind != DV_EV_VERIFIER)
			continue;
		events++;
		CHECK_EQ(e->slot, rule);
		CHECK_EQ(e->src, DV_SRC_DRIVER);
		if (line) {
			const struct dv_loc *loc = dv_trace_get_loc(&sim->trace, e->loc);
			CHECK(loc && strstr(loc->file, "test-verifier.c") && loc->line == line);
		}
	}
	CHECK_EQ(events, times);
	if (check_failed_in_test != before)
		fprintf(stderr, "  (expected %u x %s, line %d)\n", times, dv_rule_name(rule),
		        caller);
}

/* FIRES_AT(rule, line, call): the call fires rule once, located at this file's line. */
#define FIRES_AT(rule, line, ...)                                                                  \
	do {                                                                                       \
		struct mark m_ = mark();                                                           \
		__VA_ARGS__;                                                                       \
		expect_rule(&m_, rule, 1, (line), __LINE__);                                       \
	} while (0)
/* FIRES(rule, call): the call, made on this line, fires rule once, located here. */
#define FIRES(rule, ...) FIRES_AT(rule, __LINE__, __VA_ARGS__)

/* SILENT(call): the call fires no rule. */
#define SILENT(...)                                                                                \
	do {                                                                                       \
		struct mark m_ = mark();                                                           \
		__VA_ARGS__;                                                                       \
		expect_rule(&m_, DV_RULE_COUNT, 0, 0, __LINE__);                                   \
	} while (0)

/* ---- names ------------------------------------------------------------------------------------ */

static void test_rule_names(void)
{
	/* The names lessons write (docs/lesson-format.md: expect verifier.dma-busy == 1). */
	static const struct {
		enum dv_rule rule;
		const char *name;
	} named[] = {
		{ DV_RULE_DMA_BUSY, "dma-busy" },
		{ DV_RULE_DMA_SUBRANGE, "dma-subrange" },
		{ DV_RULE_DMA_COMPLETE_MISMATCH, "dma-complete-mismatch" },
		{ DV_RULE_DMA_COMPLETE_WITHOUT_SETUP, "dma-complete-without-setup" },
		{ DV_RULE_DMA_READ_BEFORE_COMPLETE, "dma-read-before-complete" },
		{ DV_RULE_DMA_SEND_BEFORE_COMPLETE, "dma-send-before-complete" },
		{ DV_RULE_DMA_MISSING_COMPLETE, "dma-missing-complete" },
		{ DV_RULE_DMA_IRQL, "dma-irql" },
		{ DV_RULE_DMA_BAD_HANDLE, "dma-bad-handle" },
		{ DV_RULE_DMA_DEREGISTER_BUSY, "dma-deregister-busy" },
		{ DV_RULE_DMA_REGISTER_CONTEXT, "dma-register-context" },
		{ DV_RULE_DMA_DESCRIPTION, "dma-description" },
		{ DV_RULE_DMA_LOGICAL_ADDRESS, "dma-logical-address" },
		{ DV_RULE_DMA_MISSING_DEREGISTER, "dma-missing-deregister" },
		{ DV_RULE_DMA_DIRECTION, "dma-direction" },
		{ DV_RULE_IRQL_OTHER, "irql" },
		{ DV_RULE_BAD_MEMORY, "bad-memory" },
		{ DV_RULE_TIMER_IRQL, "timer-irql" },
		{ DV_RULE_TIMER_NOT_CANCELLED, "timer-not-cancelled" },
		{ DV_RULE_SPIN_LOCK, "spin-lock" },
		{ DV_RULE_SYNC_DMA, "sync-dma" },
		{ DV_RULE_SLEEP_IRQL, "sleep-irql" },
	};
	CHECK_EQ(sizeof named / sizeof named[0], DV_RULE_COUNT);
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		CHECK(strcmp(dv_rule_name(named[i].rule), named[i].name) == 0);
		CHECK_EQ(dv_rule_find(named[i].name), named[i].rule);
	}
	for (unsigned r = 0; r < DV_RULE_COUNT; r++) {
		const char *name = dv_rule_name((enum dv_rule)r);
		const char *title = dv_rule_title((enum dv_rule)r);
		const char *text = dv_rule_text((enum dv_rule)r);
		CHECK(name && title && text);
		if (!name || !title || !text)
			continue;
		/* Names are lower-case words joined by '-', usable after "verifier." in a lesson. */
		CHECK(name[0] >= 'a' && name[0] <= 'z');
		CHECK_EQ(strspn(name, "abcdefghijklmnopqrstuvwxyz-"), strlen(name));
		CHECK(strlen(title) > 10);
		/* Every explanation says what to do about it (facts §3.10). */
		CHECK(strlen(text) > strlen(title));
		CHECK(strstr(text, "Fix:") != NULL);
		CHECK_EQ(dv_rule_find(name), r);
		for (unsigned q = r + 1; q < DV_RULE_COUNT; q++) {
			CHECK(strcmp(name, dv_rule_name((enum dv_rule)q)) != 0);
			CHECK(strcmp(title, dv_rule_title((enum dv_rule)q)) != 0);
		}
	}
	CHECK(strcmp(dv_rule_name(DV_RULE_COUNT), "?") == 0);
	CHECK(strcmp(dv_rule_title((enum dv_rule) - 1), "?") == 0);
	CHECK(strcmp(dv_rule_text(DV_RULE_COUNT), "?") == 0);
	CHECK_EQ(dv_rule_find("no-such-rule"), DV_RULE_COUNT);
	CHECK_EQ(dv_rule_find("DMA-BUSY"), DV_RULE_COUNT);
	CHECK_EQ(dv_rule_find(""), DV_RULE_COUNT);
	CHECK_EQ(dv_rule_find(NULL), DV_RULE_COUNT);
}

static void test_call_names(void)
{
	/* The traced calls' names, as in the DDK (verifier.c holds them too). */
	CHECK(strcmp(dv_call_name(DV_CALL_SETUP_DMA_TRANSFER), "NdisMSetupDmaTransfer") == 0);
	CHECK(strcmp(dv_call_name(DV_CALL_COMPLETE_DMA_TRANSFER), "NdisMCompleteDmaTransfer") == 0);
	CHECK(strcmp(dv_call_name(DV_CALL_IO_MAP_TRANSFER), "IoMapTransfer") == 0);
	CHECK(strcmp(dv_call_name(DV_CALL_HAL_READ_DMA_COUNTER), "HalReadDmaCounter") == 0);
	for (unsigned c = 0; c < DV_CALL_COUNT; c++) {
		const char *name = dv_call_name((enum dv_call)c);
		CHECK(name && name[0] && strcmp(name, "?") != 0);
		CHECK_EQ(dv_call_find(name), c);
		for (unsigned d = c + 1; d < DV_CALL_COUNT; d++)
			CHECK(strcmp(name, dv_call_name((enum dv_call)d)) != 0);
	}
	CHECK(strcmp(dv_call_name(DV_CALL_COUNT), "?") == 0);
	CHECK_EQ(dv_call_find("NdisMSetupDmaTransferX"), DV_CALL_COUNT);
	CHECK_EQ(dv_call_find(NULL), DV_CALL_COUNT);
}

/* ---- one rule at a time ----------------------------------------------------------------------- */

static void test_dma_busy(void)
{
	setup();
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, 4096, &st);
	PNDIS_BUFFER a = buf_at(0x20000, 600), b = buf_at(0x21000, 100);
	SILENT(NdisMSetupDmaTransfer(&st, h, a, 0, 600, TRUE));
	/* A second Setup before the Complete (facts §3.10.1, §5.1). */
	FIRES(DV_RULE_DMA_BUSY, NdisMSetupDmaTransfer(&st, h, b, 0, 100, TRUE));
	CHECK_EQ(st, NDIS_STATUS_RESOURCES);
	FIRES(DV_RULE_DMA_BUSY, NdisMSetupDmaTransfer(&st, h, a, 0, 600, FALSE));
	SILENT(NdisMCompleteDmaTransfer(&st, h, a, 0, 600, TRUE));
	SILENT(NdisMSetupDmaTransfer(&st, h, b, 0, 100, TRUE));
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	/* Another handle on another channel is not busy. */
	NDIS_HANDLE h2 = reg(3, 4096, &st);
	SILENT(NdisMSetupDmaTransfer(&st, h2, a, 0, 600, FALSE));
	teardown();
}

static void test_dma_subrange(void)
{
	setup();
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, 2048, &st);
	NDIS_HANDLE any = reg(2, 0xFFFFFFFFu, &st);
	NDIS_HANDLE w = reg(5, 4096, &st);
	PNDIS_BUFFER b = buf_at(0x40000, 4096);
	PNDIS_BUFFER big = buf_at(0x200000, 70000);
	/* Not a proper subrange, or a Length the channel cannot take (facts §3.10.2, §5.2). */
	FIRES(DV_RULE_DMA_SUBRANGE, NdisMSetupDmaTransfer(&st, h, b, 0, 0, TRUE));
	CHECK_EQ(st, NDIS_STATUS_RESOURCES);
	FIRES(DV_RULE_DMA_SUBRANGE, NdisMSetupDmaTransfer(&st, h, b, 4000, 200, TRUE));
	FIRES(DV_RULE_DMA_SUBRANGE, NdisMSetupDmaTransfer(&st, h, b, 0xFFFFFFFFu, 2, TRUE));
	/* One line: FIRES checks that the rule is located on it. */
	/* clang-format off */
	FIRES(DV_RULE_DMA_SUBRANGE, NdisMSetupDmaTransfer(&st, h, b, 0, 2049, TRUE)); /* > MaximumLength */
	/* clang-format on */
	FIRES(DV_RULE_DMA_SUBRANGE, NdisMSetupDmaTransfer(&st, h, NULL, 0, 64, TRUE));
	/* 65536 bytes from byte 1 of a page span 17 pages: more than 16 map registers. */
	FIRES(DV_RULE_DMA_SUBRANGE, NdisMSetupDmaTransfer(&st, any, big, 1, 65536, TRUE));
	/* 65537 bytes: 17 pages, and more than one 8-bit count can hold. */
	FIRES(DV_RULE_DMA_SUBRANGE, NdisMSetupDmaTransfer(&st, any, big, 0, 65537, TRUE));
	/* A 16-bit channel moves words: odd lengths and odd addresses cannot be done. */
	FIRES(DV_RULE_DMA_SUBRANGE, NdisMSetupDmaTransfer(&st, w, b, 0, 101, TRUE));
	FIRES(DV_RULE_DMA_SUBRANGE, NdisMSetupDmaTransfer(&st, w, b, 1, 100, TRUE));
	/* None of these set anything up. */
	CHECK_EQ(((PNDIS_DMA_BLOCK)h)->InProgress, FALSE);
	CHECK_EQ(((PNDIS_DMA_BLOCK)w)->InProgress, FALSE);
	/* The edges are proper: up to the buffer's last byte, exactly MaximumLength, 64 KiB
	 * on 16 map registers. */
	SILENT(NdisMSetupDmaTransfer(&st, h, b, 2048, 2048, TRUE));
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	SILENT(NdisMCompleteDmaTransfer(&st, h, b, 2048, 2048, TRUE));
	SILENT(NdisMSetupDmaTransfer(&st, any, big, 0, 65536, TRUE));
	SILENT(NdisMSetupDmaTransfer(&st, w, b, 2, 100, TRUE));
	teardown();
}

static void test_dma_complete_mismatch(void)
{
	setup();
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, 4096, &st);
	PNDIS_BUFFER b = buf_at(0x50000, 300), other = buf_at(0x51000, 300);
	/* Complete takes the Setup's Buffer, Offset, Length and direction (facts §3.5,
	 * §3.10.4, §5.23); each differing one fires, and the controller is released anyway. */
	NdisMSetupDmaTransfer(&st, h, b, 0, 300, TRUE);
	FIRES(DV_RULE_DMA_COMPLETE_MISMATCH, NdisMCompleteDmaTransfer(&st, h, b, 0, 200, TRUE));
	CHECK_EQ(((PNDIS_DMA_BLOCK)h)->InProgress, FALSE);
	NdisMSetupDmaTransfer(&st, h, b, 0, 300, TRUE);
	FIRES(DV_RULE_DMA_COMPLETE_MISMATCH, NdisMCompleteDmaTransfer(&st, h, b, 100, 200, TRUE));
	NdisMSetupDmaTransfer(&st, h, b, 0, 300, TRUE);
	FIRES(DV_RULE_DMA_COMPLETE_MISMATCH, NdisMCompleteDmaTransfer(&st, h, other, 0, 300, TRUE));
	NdisMSetupDmaTransfer(&st, h, b, 0, 300, TRUE);
	FIRES(DV_RULE_DMA_COMPLETE_MISMATCH, NdisMCompleteDmaTransfer(&st, h, b, 0, 300, FALSE));
	NdisMSetupDmaTransfer(&st, h, b, 10, 290, FALSE);
	SILENT(NdisMCompleteDmaTransfer(&st, h, b, 10, 290, FALSE));
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	teardown();
}

static void test_dma_complete_without_setup(void)
{
	setup();
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, 4096, &st);
	PNDIS_BUFFER b = buf_at(0x50000, 300);
	/* Nothing set up: nothing to complete (NSC dmautil.c asserts "complete with no transfer
	 * active", facts §3.10.4). */
	/* One line: FIRES checks that the rule is located on it. */
	/* clang-format off */
	FIRES(DV_RULE_DMA_COMPLETE_WITHOUT_SETUP, NdisMCompleteDmaTransfer(&st, h, b, 0, 300, TRUE));
	/* clang-format on */
	NdisMSetupDmaTransfer(&st, h, b, 0, 300, TRUE);
	SILENT(NdisMCompleteDmaTransfer(&st, h, b, 0, 300, TRUE));
	/* The usual cause: a second Complete for one Setup. */
	/* One line: FIRES checks that the rule is located on it. */
	/* clang-format off */
	FIRES(DV_RULE_DMA_COMPLETE_WITHOUT_SETUP, NdisMCompleteDmaTransfer(&st, h, b, 0, 300, TRUE));
	/* clang-format on */
	teardown();
}

static void test_dma_read_before_complete(void)
{
	setup();
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, 4096, &st);
	PNDIS_BUFFER rx = buf_at(0x60000, 256), tx = buf_at(0x61000, 256);
	UCHAR host[16];
	NdisMSetupDmaTransfer(&st, h, rx, 0, 256, FALSE);
	/* Received data is read only after NdisMCompleteDmaTransfer(FALSE) (facts §3.5,
	 * §3.10.3, §5.10). */
	FIRES(DV_RULE_DMA_READ_BEFORE_COMPLETE, NdisMoveMemory(host, rx->MappedSystemVa, 16));
	PUCHAR tail = (PUCHAR)rx->MappedSystemVa + 250;
	FIRES(DV_RULE_DMA_READ_BEFORE_COMPLETE, NdisMoveMemory(host, tail, 6));
	/* The protocol reads an indicated packet: indicating before the Complete reads it too. */
	NDIS_PACKET pkt;
	memset(&pkt, 0, sizeof pkt);
	NdisChainBufferAtBack(&pkt, rx);
	PNDIS_PACKET list[1] = { &pkt };
	/* One line: FIRES checks that the rule is located on it. */
	/* clang-format off */
	FIRES(DV_RULE_DMA_READ_BEFORE_COMPLETE, NdisMIndicateReceivePacket((NDIS_HANDLE)nd, list, 1));
	/* clang-format on */
	/* Reading another buffer is fine. */
	SILENT(NdisMoveMemory(host, tx->MappedSystemVa, 16));
	SILENT(NdisMCompleteDmaTransfer(&st, h, rx, 0, 256, FALSE));
	SILENT(NdisMoveMemory(host, rx->MappedSystemVa, 16));
	SILENT(NdisMIndicateReceivePacket((NDIS_HANDLE)nd, list, 1));
	/* Reading a buffer that is being sent changes nothing: it is silent. */
	NdisMSetupDmaTransfer(&st, h, tx, 0, 256, TRUE);
	SILENT(NdisMoveMemory(host, tx->MappedSystemVa, 16));
	teardown();
}

static void test_dma_send_before_complete(void)
{
	setup();
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, 4096, &st);
	PNDIS_BUFFER tx = buf_at(0x70000, 128), spare = buf_at(0x71000, 128);
	UCHAR data[4] = { 1, 2, 3, 4 };
	NDIS_PACKET pkt;
	memset(&pkt, 0, sizeof pkt);
	NdisMSetupDmaTransfer(&st, h, tx, 0, 128, TRUE);
	/* Sent data counts as delivered only after NdisMCompleteDmaTransfer(TRUE) (facts §3.5,
	 * §3.10.3): overwriting it, or completing the send, before that fires. */
	FIRES(DV_RULE_DMA_SEND_BEFORE_COMPLETE, NdisMoveMemory(tx->MappedSystemVa, data, 4));
	FIRES(DV_RULE_DMA_SEND_BEFORE_COMPLETE, NdisZeroMemory((PUCHAR)tx->MappedSystemVa + 64, 8));
	/* One line: FIRES checks that the rule is located on it. */
	/* clang-format off */
	FIRES(DV_RULE_DMA_SEND_BEFORE_COMPLETE, NdisMSendComplete((NDIS_HANDLE)nd, &pkt, NDIS_STATUS_SUCCESS));
	/* clang-format on */
	SILENT(NdisMoveMemory(spare->MappedSystemVa, data, 4));
	SILENT(NdisMCompleteDmaTransfer(&st, h, tx, 0, 128, TRUE));
	SILENT(NdisMSendComplete((NDIS_HANDLE)nd, &pkt, NDIS_STATUS_SUCCESS));
	SILENT(NdisMoveMemory(tx->MappedSystemVa, data, 4));
	teardown();
}

static void test_dma_irql(void)
{
	setup();
	NDIS_STATUS st;
	/* Register and Deregister run at PASSIVE_LEVEL (facts §3.8, MS-REG, MS-DEREG). */
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
	NDIS_HANDLE h = NULL;
	FIRES_AT(DV_RULE_DMA_IRQL, reg_line, h = reg(1, 4096, &st));
	CHECK_EQ(st, NDIS_STATUS_SUCCESS); /* reported, not refused */
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	PNDIS_BUFFER b = buf_at(0x80000, 64);
	/* Setup, Complete and ReadDmaCounter at or below DISPATCH_LEVEL, never in the ISR
	 * (facts §3.8, §5.22). */
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
	SILENT(NdisMSetupDmaTransfer(&st, h, b, 0, 64, TRUE));
	SILENT(NdisMReadDmaCounter(h));
	SILENT(NdisMCompleteDmaTransfer(&st, h, b, 0, 64, TRUE));
	dv_sim_raise_irql(sim, DV_DIRQL);
	FIRES(DV_RULE_DMA_IRQL, NdisMSetupDmaTransfer(&st, h, b, 0, 64, TRUE));
	FIRES(DV_RULE_DMA_IRQL, NdisMReadDmaCounter(h));
	FIRES(DV_RULE_DMA_IRQL, NdisMCompleteDmaTransfer(&st, h, b, 0, 64, TRUE));
	dv_sim_lower_irql(sim, DV_DISPATCH_LEVEL);
	dv_ndis_set_phase(nd, DV_PHASE_HALT);
	FIRES(DV_RULE_DMA_IRQL, NdisMDeregisterDmaChannel(h));
	teardown();
}

static void test_dma_bad_handle(void)
{
	setup();
	NDIS_STATUS st = 0;
	PNDIS_BUFFER b = buf_at(0x90000, 64);
	int junk = 0;
	/* A handle NdisMRegisterDmaChannel never returned (facts §3.10.6). */
	/* One line: FIRES checks that the rule is located on it. */
	/* clang-format off */
	FIRES(DV_RULE_DMA_BAD_HANDLE, NdisMSetupDmaTransfer(&st, (NDIS_HANDLE)&junk, b, 0, 64, TRUE));
	/* clang-format on */
	CHECK_EQ(st, NDIS_STATUS_FAILURE);
	FIRES(DV_RULE_DMA_BAD_HANDLE, NdisMCompleteDmaTransfer(&st, NULL, b, 0, 64, TRUE));
	CHECK_EQ(st, NDIS_STATUS_FAILURE);
	FIRES(DV_RULE_DMA_BAD_HANDLE, NdisMReadDmaCounter((NDIS_HANDLE)&junk));
	/* A handle used after NdisMDeregisterDmaChannel. */
	NDIS_HANDLE h = reg(1, 4096, &st);
	dv_ndis_set_phase(nd, DV_PHASE_HALT);
	SILENT(NdisMDeregisterDmaChannel(h));
	FIRES(DV_RULE_DMA_BAD_HANDLE, NdisMSetupDmaTransfer(&st, h, b, 0, 64, TRUE));
	FIRES(DV_RULE_DMA_BAD_HANDLE, NdisMReadDmaCounter(h));
	FIRES(DV_RULE_DMA_BAD_HANDLE, NdisMDeregisterDmaChannel(h));
	teardown();
}

static void test_dma_deregister_busy(void)
{
	setup();
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, 4096, &st);
	PNDIS_BUFFER b = buf_at(0xA0000, 64);
	NdisMSetupDmaTransfer(&st, h, b, 0, 64, FALSE);
	dv_ndis_set_phase(nd, DV_PHASE_HALT);
	/* Deregistering while a transfer is set up: the 8237A may still write memory about to
	 * be freed (facts §3.7: a model should refuse or stop it). */
	FIRES(DV_RULE_DMA_DEREGISTER_BUSY, NdisMDeregisterDmaChannel(h));
	CHECK(sim->st.dma[0].mask & 0x02); /* the model stops the transfer: channel 1 masked */
	teardown();
}

static void test_dma_register_context(void)
{
	setup();
	NDIS_STATUS st;
	/* Register in MiniportInitialize, Deregister in MiniportHalt or Initialize's failure
	 * path (facts §3.8, §3.10.5). */
	dv_ndis_set_phase(nd, DV_PHASE_RUNNING);
	NDIS_HANDLE h = NULL;
	FIRES_AT(DV_RULE_DMA_REGISTER_CONTEXT, reg_line, h = reg(1, 4096, &st));
	FIRES(DV_RULE_DMA_REGISTER_CONTEXT, NdisMDeregisterDmaChannel(h));
	dv_ndis_set_phase(nd, DV_PHASE_HALT);
	FIRES_AT(DV_RULE_DMA_REGISTER_CONTEXT, reg_line, h = reg(1, 4096, &st));
	SILENT(NdisMDeregisterDmaChannel(h));
	dv_ndis_set_phase(nd, DV_PHASE_INIT);
	SILENT(h = reg(1, 4096, &st));
	SILENT(NdisMDeregisterDmaChannel(h)); /* Initialize giving up */
	teardown();
}

static void test_dma_description(void)
{
	setup();
	NDIS_STATUS st;
	NDIS_DMA_DESCRIPTION d;
	NDIS_HANDLE h = NULL;
	/* What the HAL refuses: channel 4 (the cascade), a channel above 7, a width that does
	 * not match the chip, a non-zero DmaPort (facts §3.2, §3.3, §5.17, §5.18). */
	FIRES_AT(DV_RULE_DMA_DESCRIPTION, reg_line, h = reg(4, 4096, &st));
	CHECK(h == NULL);
	CHECK_EQ(st, NDIS_STATUS_RESOURCES);
	FIRES_AT(DV_RULE_DMA_DESCRIPTION, reg_line, h = reg(8, 4096, &st));
	NdisZeroMemory(&d, sizeof d);
	d.DmaChannel = 1;
	d.DmaWidth = Width16Bits;
	/* One line: FIRES checks that the rule is located on it. */
	/* clang-format off */
	FIRES(DV_RULE_DMA_DESCRIPTION, NdisMRegisterDmaChannel(&h, (NDIS_HANDLE)nd, 1, FALSE, &d, 4096));
	/* clang-format on */
	d.DmaChannel = 6;
	d.DmaWidth = Width8Bits;
	/* One line: FIRES checks that the rule is located on it. */
	/* clang-format off */
	FIRES(DV_RULE_DMA_DESCRIPTION, NdisMRegisterDmaChannel(&h, (NDIS_HANDLE)nd, 6, FALSE, &d, 4096));
	/* clang-format on */
	NdisZeroMemory(&d, sizeof d);
	d.DmaChannel = 2;
	d.DmaPort = 3;
	/* One line: FIRES checks that the rule is located on it. */
	/* clang-format off */
	FIRES(DV_RULE_DMA_DESCRIPTION, NdisMRegisterDmaChannel(&h, (NDIS_HANDLE)nd, 2, FALSE, &d, 4096));
	/* clang-format on */
	/* A channel someone else holds is a conflict, not a bad description. */
	SILENT(h = reg(2, 4096, &st));
	SILENT(reg(2, 4096, &st));
	CHECK_EQ(st, NDIS_STATUS_RESOURCE_CONFLICT);
	teardown();
}

static void test_dma_logical_address(void)
{
	setup();
	/* For system DMA the HAL owns the controller (facts §3.1, §3.10.10, MS-MAP): a driver
	 * writing an 8237A register or a page register fires. */
	FIRES(DV_RULE_DMA_LOGICAL_ADDRESS, NdisRawWritePortUchar(0x02, 0x00)); /* ch1 address */
	/* One line: FIRES checks that the rule is located on it. */
	/* clang-format off */
	FIRES(DV_RULE_DMA_LOGICAL_ADDRESS, NdisRawWritePortUchar(0x0A, 0x01)); /* DMA1 single mask */
	/* clang-format on */
	FIRES(DV_RULE_DMA_LOGICAL_ADDRESS, NdisRawWritePortUchar(0xD6, 0x49)); /* DMA2 mode */
	FIRES(DV_RULE_DMA_LOGICAL_ADDRESS, NdisRawWritePortUchar(0x83, 0x12)); /* page ch1 */
	FIRES(DV_RULE_DMA_LOGICAL_ADDRESS, NdisRawWritePortUchar(0x8A, 0x12)); /* page ch7 */
	/* The NIC's own ports are the driver's to write. */
	SILENT(NdisRawWritePortUchar(0x302, 0x00));
	/* Reading a controller register programs nothing. */
	UCHAR v = 0;
	SILENT(NdisRawReadPortUchar(0x08, &v));
	/* 0x80 (the POST code port), 0x84-0x86, 0x88 and 0x8C-0x8E are not page registers
	 * (facts §1.3): a write there does not program the DMA controller. */
	SILENT(NdisRawWritePortUchar(0x80, 0x42));
	SILENT(NdisRawWritePortUchar(0x84, 0x00));
	SILENT(NdisRawWritePortUchar(0x8C, 0x00));
	/* DMA2's odd ports are not decoded (facts §1.2). */
	SILENT(NdisRawWritePortUchar(0xC1, 0x00));
	teardown();
}

static void test_irql_other(void)
{
	setup();
	NDIS_PACKET pkt;
	memset(&pkt, 0, sizeof pkt);
	PNDIS_PACKET list[1] = { &pkt };
	/* NdisMSendComplete and NdisMIndicateReceivePacket belong to the DPC, not the ISR
	 * (facts §3.8). */
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
	SILENT(NdisMSendComplete((NDIS_HANDLE)nd, &pkt, NDIS_STATUS_SUCCESS));
	SILENT(NdisMIndicateReceivePacket((NDIS_HANDLE)nd, list, 1));
	dv_sim_raise_irql(sim, DV_DIRQL);
	FIRES(DV_RULE_IRQL_OTHER, NdisMSendComplete((NDIS_HANDLE)nd, &pkt, NDIS_STATUS_SUCCESS));
	FIRES(DV_RULE_IRQL_OTHER, NdisMIndicateReceivePacket((NDIS_HANDLE)nd, list, 1));
	teardown();
}

static void test_bad_memory(void)
{
	setup();
	PNDIS_BUFFER b = buf_at(0xB0000, 64);
	UCHAR data[4] = { 0 };
	PUCHAR unmapped = (PUCHAR)b->MappedSystemVa + 8 * DV_PAGE_SIZE;
	/* Simulated addresses no allocation covers, and NULL host pointers. */
	FIRES(DV_RULE_BAD_MEMORY, NdisMoveMemory(data, unmapped, 4));
	FIRES(DV_RULE_BAD_MEMORY, NdisMoveMemory(unmapped, data, 4));
	FIRES(DV_RULE_BAD_MEMORY, NdisMoveMemory(NULL, b->MappedSystemVa, 4));
	FIRES(DV_RULE_BAD_MEMORY, NdisZeroMemory(unmapped, 4));
	/* Freeing host memory NDIS never handed out. */
	FIRES(DV_RULE_BAD_MEMORY, NdisFreeMemory(data, sizeof data, 0));
	SILENT(NdisMoveMemory(data, b->MappedSystemVa, 4));
	SILENT(NdisZeroMemory(b->MappedSystemVa, 64));
	PVOID mine = NULL;
	NdisAllocateMemoryWithTag(&mine, 32, 0x74736554u);
	SILENT(NdisFreeMemory(mine, 32, 0));
	teardown();
}

/* ---- a miniport: Halt, and a correct life cycle ----------------------------------------------- */

enum halt_mode { HALT_CLEAN, HALT_NOTHING };
static enum halt_mode halt_mode;
static NDIS_HANDLE mp_dma;
static PNDIS_BUFFER mp_buf;
static int mp_ctx;

static NDIS_STATUS mp_initialize(PNDIS_STATUS OpenErrorStatus, PUINT SelectedMediumIndex,
                                 PNDIS_MEDIUM MediumArray, UINT MediumArraySize,
                                 NDIS_HANDLE MiniportAdapterHandle,
                                 NDIS_HANDLE WrapperConfigurationContext)
{
	(void)OpenErrorStatus, (void)MediumArray, (void)MediumArraySize,
	        (void)WrapperConfigurationContext;
	*SelectedMediumIndex = 0;
	NdisMSetAttributes(MiniportAdapterHandle, (NDIS_HANDLE)&mp_ctx, FALSE, NdisInterfaceIsa);
	NDIS_DMA_DESCRIPTION d;
	NdisZeroMemory(&d, sizeof d);
	d.DemandMode = TRUE;
	d.DmaWidth = Width8Bits;
	d.DmaChannel = 3;
	NDIS_STATUS st =
	        NdisMRegisterDmaChannel(&mp_dma, MiniportAdapterHandle, 3, FALSE, &d, 4096);
	if (st != NDIS_STATUS_SUCCESS)
		return st;
	PVOID va = NULL;
	NDIS_PHYSICAL_ADDRESS hi;
	hi.QuadPart = 0x00FFFFFF;
	st = NdisAllocateMemory(&va, 4096, NDIS_MEMORY_CONTIGUOUS | NDIS_MEMORY_NONCACHED, hi);
	if (st != NDIS_STATUS_SUCCESS)
		return st;
	NdisAllocateBuffer(&st, &mp_buf, NULL, va, 4096);
	return st;
}

static unsigned halt_line_complete, halt_line_deregister;

static VOID mp_halt(NDIS_HANDLE MiniportAdapterContext)
{
	(void)MiniportAdapterContext;
	if (halt_mode == HALT_NOTHING)
		return;
	NDIS_STATUS st;
	if (((PNDIS_DMA_BLOCK)mp_dma)->InProgress) {
		halt_line_complete = __LINE__ + 1;
		NdisMCompleteDmaTransfer(&st, mp_dma, mp_buf, 0, 1514, FALSE);
	}
	halt_line_deregister = __LINE__ + 1;
	NdisMDeregisterDmaChannel(mp_dma);
}

static NTSTATUS mp_entry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	NDIS_HANDLE wrapper = NULL;
	NdisMInitializeWrapper(&wrapper, DriverObject, RegistryPath, NULL);
	NDIS_MINIPORT_CHARACTERISTICS c;
	NdisZeroMemory(&c, sizeof c);
	c.MajorNdisVersion = 5;
	c.InitializeHandler = mp_initialize;
	c.HaltHandler = mp_halt;
	return NdisMRegisterMiniport(wrapper, &c, sizeof c);
}

static bool start_miniport(enum halt_mode mode)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	sim = dv_sim_create(&cfg);
	nd = dv_ndis_create(sim);
	halt_mode = mode;
	mp_dma = NULL;
	mp_buf = NULL;
	return dv_ndis_load(nd, mp_entry) == NDIS_STATUS_SUCCESS &&
	       dv_ndis_initialize(nd) == NDIS_STATUS_SUCCESS;
}

static void test_missing_complete_and_deregister(void)
{
	/* Halt returning with a transfer set up and the channel registered: both rules fire
	 * (facts §3.10.9, MS-REG: success obliges a Deregister; every Setup needs its
	 * Complete). The missing Complete points at the Setup's line. */
	CHECK(start_miniport(HALT_NOTHING));
	NDIS_STATUS st;
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
	unsigned setup_line = __LINE__ + 1;
	NdisMSetupDmaTransfer(&st, mp_dma, mp_buf, 0, 1514, FALSE);
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	CHECK_EQ(st, NDIS_STATUS_SUCCESS);
	struct mark m = mark();
	dv_ndis_halt(nd);
	CHECK_EQ(nd->fired[DV_RULE_DMA_MISSING_COMPLETE] - m.fired[DV_RULE_DMA_MISSING_COMPLETE],
	         1);
	CHECK_EQ(nd->fired[DV_RULE_DMA_MISSING_DEREGISTER] -
	                 m.fired[DV_RULE_DMA_MISSING_DEREGISTER],
	         1);
	CHECK_EQ(nd->violations - m.violations, 2);
	CHECK_EQ(nd->last_rule, DV_RULE_DMA_MISSING_DEREGISTER);
	bool saw_complete = false, saw_deregister = false;
	for (size_t i = m.events; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		if (e->kind != DV_EV_VERIFIER)
			continue;
		const struct dv_loc *loc = dv_trace_get_loc(&sim->trace, e->loc);
		if (e->slot == DV_RULE_DMA_MISSING_COMPLETE)
			saw_complete = loc && strstr(loc->file, "test-verifier.c") &&
			               loc->line == setup_line;
		else if (e->slot == DV_RULE_DMA_MISSING_DEREGISTER)
			saw_deregister = true;
		else
			CHECK(!"another rule fired");
	}
	CHECK(saw_complete);
	CHECK(saw_deregister);
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);

	/* No transfer, no Deregister: only the missing Deregister. */
	CHECK(start_miniport(HALT_NOTHING));
	m = mark();
	dv_ndis_halt(nd);
	expect_rule(&m, DV_RULE_DMA_MISSING_DEREGISTER, 1, 0, __LINE__);
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);

	/* A Halt that completes and deregisters: silent. */
	CHECK(start_miniport(HALT_CLEAN));
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
	NdisMSetupDmaTransfer(&st, mp_dma, mp_buf, 0, 1514, FALSE);
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	SILENT(dv_ndis_halt(nd));
	CHECK(halt_line_complete != 0 && halt_line_deregister != 0);
	CHECK_EQ(nd->phase, DV_PHASE_HALTED);
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);
}

/* ---- a fired rule in words (dv_verifier_explain) ------------------------------------------------ */

/* The explanation of the last verifier event in the trace. */
static const char *last_explained(char *buf, size_t size)
{
	buf[0] = 0;
	for (size_t i = sim->trace.len; i-- > 0;)
		if (dv_trace_at(&sim->trace, i)->kind == DV_EV_VERIFIER) {
			dv_verifier_explain(nd, &sim->trace, dv_trace_at(&sim->trace, i), buf,
			                    size);
			break;
		}
	return buf;
}

static void test_explain(void)
{
	setup();
	char buf[600], at[64];
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, 4096, &st);
	PNDIS_BUFFER b = buf_at(0x60000, 60), c = buf_at(0x61000, 100);
	/* The numbers: the buffer's ByteCount, Offset and Length, and where. */
	unsigned line = __LINE__ + 1;
	NdisMSetupDmaTransfer(&st, h, b, 0, 61, TRUE);
	last_explained(buf, sizeof buf);
	snprintf(at, sizeof at, "test-verifier.c:%u: ", line);
	CHECK(strstr(buf, "dma-subrange at ") == buf);
	CHECK(strstr(buf, at) != NULL);
	CHECK(strstr(buf, "Buffer ByteCount 60, Offset 0, Length 61, WriteToDevice TRUE"));
	/* A second Setup names the first one's line. */
	unsigned first = __LINE__ + 1;
	NdisMSetupDmaTransfer(&st, h, b, 0, 60, TRUE);
	NdisMSetupDmaTransfer(&st, h, c, 0, 100, TRUE);
	last_explained(buf, sizeof buf);
	snprintf(at, sizeof at, "set up at %s:%u", "", first);
	CHECK(strstr(buf, "dma-busy at "));
	CHECK(strstr(buf, "Length 100"));
	snprintf(at, sizeof at, "test-verifier.c:%u)", first);
	CHECK(strstr(buf, "the transfer in progress was set up at") && strstr(buf, at));
	/* A mismatched Complete says which argument differs and where the Setup was. */
	NdisMCompleteDmaTransfer(&st, h, b, 0, 59, FALSE);
	last_explained(buf, sizeof buf);
	CHECK(strstr(buf, "dma-complete-mismatch at "));
	CHECK(strstr(buf, "Length 59 here, 60 at the Setup"));
	CHECK(strstr(buf, "WriteToDevice FALSE here, TRUE at the Setup"));
	CHECK(strstr(buf, "Offset") == NULL); /* the Offset agrees */
	CHECK(strstr(buf, at) && strstr(buf, "the Setup is at "));
	/* Every rule's text has a Fix, and dv_rule_fix is it. */
	for (unsigned r = 0; r < DV_RULE_COUNT; r++) {
		const char *text = dv_rule_text((enum dv_rule)r),
		           *fix = dv_rule_fix((enum dv_rule)r);
		CHECK(strstr(text, "Fix: ") && fix == strstr(text, "Fix: ") + 5 && fix[0]);
	}
	/* Truncation keeps a terminated string. */
	char tiny[12];
	CHECK(dv_verifier_explain(nd, &sim->trace, dv_trace_at(&sim->trace, sim->trace.len - 1),
	                          tiny, sizeof tiny) < sizeof tiny);
	CHECK_EQ(strlen(tiny) < sizeof tiny, 1);
	teardown();
}

/* ---- dma-direction ------------------------------------------------------------------------------ */

/* A macro, so that the port write is on the caller's line. */
#define nic_out(reg, v) NdisRawWritePortUchar(sim->st.nic.base + (reg), (v))

static void test_dma_direction(void)
{
	setup();
	char buf[600];
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, 4096, &st); /* the card's channel (the default machine) */
	PNDIS_BUFFER b = buf_at(0x70000, 600);
	dv_ndis_set_phase(nd, DV_PHASE_RUNNING);
	nic_out(DV_NIC_TXLEN_LO, 60);
	nic_out(DV_NIC_TXLEN_HI, 0);
	/* A send set up as a receive: the card fetches (DMATX with TXGO) while the 8237A was told
	 * to store into memory. It fires where the card is started, once per transfer. */
	SILENT(NdisMSetupDmaTransfer(&st, h, b, 0, 60, FALSE));
	FIRES(DV_RULE_DMA_DIRECTION, nic_out(DV_NIC_CMD, DV_NIC_CMD_DMATX | DV_NIC_CMD_TXGO));
	last_explained(buf, sizeof buf);
	CHECK(strstr(buf, "WriteToDevice FALSE") && strstr(buf, "fetches a frame to send"));
	SILENT(nic_out(DV_NIC_CMD, DV_NIC_CMD_DMATX | DV_NIC_CMD_TXGO));
	SILENT(NdisMCompleteDmaTransfer(&st, h, b, 0, 60, FALSE));
	/* The right direction with the card still sending: silent. */
	SILENT(NdisMSetupDmaTransfer(&st, h, b, 0, 60, TRUE));
	SILENT(NdisMCompleteDmaTransfer(&st, h, b, 0, 60, TRUE));
	/* The reverse: the card stores a received frame, the Setup reads memory; it fires at
	 * the Setup when the card is already receiving. */
	dv_sim_set(sim, DV_SLOT_NIC_CMD, 0, DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
	FIRES(DV_RULE_DMA_DIRECTION, NdisMSetupDmaTransfer(&st, h, b, 0, 600, TRUE));
	last_explained(buf, sizeof buf);
	CHECK(strstr(buf, "WriteToDevice TRUE") && strstr(buf, "stores a received frame"));
	SILENT(NdisMCompleteDmaTransfer(&st, h, b, 0, 600, TRUE));
	SILENT(NdisMSetupDmaTransfer(&st, h, b, 0, 600, FALSE));
	SILENT(NdisMCompleteDmaTransfer(&st, h, b, 0, 600, FALSE));
	/* No card direction (both or neither asked for): nothing to compare. */
	dv_sim_set(sim, DV_SLOT_NIC_CMD, 0, 0);
	SILENT(NdisMSetupDmaTransfer(&st, h, b, 0, 600, TRUE));
	SILENT(NdisMCompleteDmaTransfer(&st, h, b, 0, 600, TRUE));
	/* Another channel than the card's is not the card's transfer. */
	NDIS_HANDLE h3 = reg(3, 4096, &st);
	dv_sim_set(sim, DV_SLOT_NIC_CMD, 0, DV_NIC_CMD_RXEN | DV_NIC_CMD_DMARX);
	SILENT(NdisMSetupDmaTransfer(&st, h3, b, 0, 600, TRUE));
	teardown();
}

static void test_correct_life_cycle_is_silent(void)
{
	/* Register -> (Setup -> the device works -> Complete)* -> Deregister, each call where and
	 * at the IRQL the documentation puts it (facts §3.8): not one rule fires. */
	CHECK(start_miniport(HALT_CLEAN));
	CHECK_EQ(nd->violations, 0);
	NDIS_STATUS st;
	UCHAR seen[8];
	NDIS_PACKET pkt;
	memset(&pkt, 0, sizeof pkt);
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL); /* as in MiniportSend and the DPC */
	for (int round = 0; round < 3; round++) {
		/* A send: the data is written before the Setup. */
		UCHAR payload[8] = { 1, 2, 3, 4, 5, 6, 7, (UCHAR)round };
		NdisMoveMemory(mp_buf->MappedSystemVa, payload, sizeof payload);
		NdisMSetupDmaTransfer(&st, mp_dma, mp_buf, 0, 60, TRUE);
		CHECK_EQ(st, NDIS_STATUS_SUCCESS);
		dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, 1u << 3);
		for (int t = 0; t < 2000 && !(sim->st.dma[0].status & 0x08); t++)
			dv_sim_tick(sim);
		dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, 0);
		CHECK_EQ(NdisMReadDmaCounter(mp_dma), 0);
		NdisMCompleteDmaTransfer(&st, mp_dma, mp_buf, 0, 60, TRUE);
		CHECK_EQ(st, NDIS_STATUS_SUCCESS);
		NdisMSendComplete((NDIS_HANDLE)nd, &pkt, NDIS_STATUS_SUCCESS);
		/* A receive into a subrange, read after its Complete. */
		NdisMSetupDmaTransfer(&st, mp_dma, mp_buf, 1024, 1514, FALSE);
		CHECK_EQ(st, NDIS_STATUS_SUCCESS);
		dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, 1u << 3);
		dv_sim_run(sim, 100);
		dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, 0);
		CHECK(NdisMReadDmaCounter(mp_dma) < 1514);
		NdisMCompleteDmaTransfer(&st, mp_dma, mp_buf, 1024, 1514, FALSE);
		CHECK_EQ(st, NDIS_STATUS_SUCCESS);
		NdisMoveMemory(seen, (PUCHAR)mp_buf->MappedSystemVa + 1024, sizeof seen);
		CHECK_EQ(seen[0], 0xFF); /* the floating bus: no card on channel 3 */
		dv_sim_in(sim, 0x08);    /* clear the TC bits for the next round */
	}
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	dv_ndis_halt(nd);
	CHECK_EQ(nd->violations, 0);
	CHECK_EQ(nd->last_rule, -1);
	unsigned events = 0;
	for (size_t i = 0; i < sim->trace.len; i++)
		events += dv_trace_at(&sim->trace, i)->kind == DV_EV_VERIFIER;
	CHECK_EQ(events, 0);
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);
}

/* ---- the NDIS 5 services: timers, spin locks, synchronize, sleep ------------------------------- */

static VOID quiet_timer(PVOID S1, PVOID Context, PVOID S2, PVOID S3)
{
	(void)S1, (void)Context, (void)S2, (void)S3;
}

static void test_timer_irql(void)
{
	setup();
	NDIS_MINIPORT_TIMER t;
	memset(&t, 0, sizeof t);
	/* NdisMInitializeTimer at PASSIVE_LEVEL; set and cancel at or below DISPATCH_LEVEL. */
	SILENT(NdisMInitializeTimer(&t, (NDIS_HANDLE)nd, quiet_timer, NULL));
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
	BOOLEAN cancelled;
	SILENT(NdisMSetTimer(&t, 5));
	SILENT(NdisMCancelTimer(&t, &cancelled));
	FIRES(DV_RULE_TIMER_IRQL, NdisMInitializeTimer(&t, (NDIS_HANDLE)nd, quiet_timer, NULL));
	dv_sim_raise_irql(sim, DV_DIRQL);
	FIRES(DV_RULE_TIMER_IRQL, NdisMSetTimer(&t, 5));
	FIRES(DV_RULE_TIMER_IRQL, NdisMSetPeriodicTimer(&t, 5));
	FIRES(DV_RULE_TIMER_IRQL, NdisMCancelTimer(&t, &cancelled));
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	teardown();
}

static VOID halt_cancels(NDIS_HANDLE Context)
{
	BOOLEAN cancelled;
	NdisMCancelTimer((PNDIS_MINIPORT_TIMER)Context, &cancelled);
}

static VOID halt_forgets(NDIS_HANDLE Context)
{
	(void)Context;
}

static void test_timer_not_cancelled(void)
{
	NDIS_MINIPORT_TIMER t;
	for (int forget = 0; forget < 2; forget++) {
		setup();
		memset(&t, 0, sizeof t);
		NdisMInitializeTimer(&t, (NDIS_HANDLE)nd, quiet_timer, NULL);
		unsigned set_line = __LINE__ + 1;
		NdisMSetPeriodicTimer(&t, 10);
		nd->chars.HaltHandler = forget ? halt_forgets : halt_cancels;
		nd->context = &t;
		dv_ndis_set_phase(nd, DV_PHASE_RUNNING);
		if (forget) {
			/* It points at the line that set the timer; the timer is stopped. */
			FIRES_AT(DV_RULE_TIMER_NOT_CANCELLED, set_line, dv_ndis_halt(nd));
			CHECK(!nd->timers[0].set);
		} else {
			SILENT(dv_ndis_halt(nd));
		}
		teardown();
	}
}

static VOID send_keeps_lock(NDIS_HANDLE Context)
{
	NdisAcquireSpinLock((PNDIS_SPIN_LOCK)Context);
}

static void test_spin_lock(void)
{
	setup();
	NDIS_SPIN_LOCK lock;
	NdisAllocateSpinLock(&lock);
	/* A correct pair, and the Dpr forms at DISPATCH_LEVEL. */
	SILENT(NdisAcquireSpinLock(&lock); NdisReleaseSpinLock(&lock));
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
	SILENT(NdisDprAcquireSpinLock(&lock); NdisDprReleaseSpinLock(&lock));
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	/* Released twice; a Dpr form below DISPATCH_LEVEL; taken at DIRQL. */
	NdisAcquireSpinLock(&lock);
	NdisReleaseSpinLock(&lock);
	FIRES(DV_RULE_SPIN_LOCK, NdisReleaseSpinLock(&lock));
	CHECK_EQ(sim->st.cpu.irql, DV_PASSIVE_LEVEL);
	FIRES(DV_RULE_SPIN_LOCK, NdisDprAcquireSpinLock(&lock));
	FIRES(DV_RULE_SPIN_LOCK, NdisDprReleaseSpinLock(&lock));
	dv_sim_raise_irql(sim, DV_DIRQL);
	FIRES(DV_RULE_SPIN_LOCK, NdisAcquireSpinLock(&lock));
	CHECK_EQ(sim->st.cpu.irql, DV_DIRQL);
	SILENT(NdisReleaseSpinLock(&lock));
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	/* An entry point that returns with a lock held: the rule points at the acquire. */
	nd->chars.HaltHandler = send_keeps_lock;
	nd->context = &lock;
	dv_ndis_set_phase(nd, DV_PHASE_RUNNING);
	FIRES_AT(DV_RULE_SPIN_LOCK, 0, dv_ndis_halt(nd));
	teardown();
}

static BOOLEAN sync_sets_up(PVOID Context)
{
	NDIS_STATUS st;
	NDIS_HANDLE *h = (NDIS_HANDLE *)Context;
	NdisMSetupDmaTransfer(&st, h[0], (PNDIS_BUFFER)h[1], 0, 64, TRUE);
	return TRUE;
}

static BOOLEAN sync_touches_card(PVOID Context)
{
	(void)Context;
	NdisRawWritePortUchar(sim->st.nic.base + DV_NIC_IMR, 0);
	return TRUE;
}

static VOID isr_none(PBOOLEAN Recognized, PBOOLEAN Queue, NDIS_HANDLE Context)
{
	(void)Context;
	*Recognized = FALSE;
	*Queue = FALSE;
}

static void test_sync_dma(void)
{
	setup();
	NDIS_STATUS st;
	NDIS_HANDLE h = reg(1, 4096, &st);
	NDIS_MINIPORT_INTERRUPT intr;
	memset(&intr, 0, sizeof intr);
	nd->chars.ISRHandler = isr_none;
	CHECK_EQ(NdisMRegisterInterrupt(&intr, (NDIS_HANDLE)nd, 5, 5, TRUE, FALSE,
	                                NdisInterruptLatched),
	         NDIS_STATUS_SUCCESS);
	NDIS_HANDLE args[2] = { h, buf_at(0x80000, 64) };
	SILENT(NdisMSynchronizeWithInterrupt(&intr, sync_touches_card, NULL));
	/* The Setup inside the function is located at its own line, inside sync_sets_up. */
	struct mark m = mark();
	NdisMSynchronizeWithInterrupt(&intr, sync_sets_up, args);
	expect_rule(&m, DV_RULE_SYNC_DMA, 1, 0, __LINE__);
	CHECK(!nd->fired[DV_RULE_DMA_IRQL]);
	NdisMDeregisterInterrupt(&intr);
	teardown();
}

static void test_sleep_irql(void)
{
	setup();
	SILENT(NdisMSleep(10));
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
	FIRES(DV_RULE_SLEEP_IRQL, NdisMSleep(10));
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	teardown();
}

CHECK_MAIN(CHECK_CASE(test_rule_names), CHECK_CASE(test_call_names), CHECK_CASE(test_dma_busy),
           CHECK_CASE(test_dma_subrange), CHECK_CASE(test_dma_complete_mismatch),
           CHECK_CASE(test_dma_complete_without_setup), CHECK_CASE(test_dma_read_before_complete),
           CHECK_CASE(test_dma_send_before_complete), CHECK_CASE(test_dma_irql),
           CHECK_CASE(test_dma_bad_handle), CHECK_CASE(test_dma_deregister_busy),
           CHECK_CASE(test_dma_register_context), CHECK_CASE(test_dma_description),
           CHECK_CASE(test_dma_logical_address), CHECK_CASE(test_irql_other),
           CHECK_CASE(test_bad_memory), CHECK_CASE(test_missing_complete_and_deregister),
           CHECK_CASE(test_correct_life_cycle_is_silent), CHECK_CASE(test_explain),
           CHECK_CASE(test_dma_direction), CHECK_CASE(test_timer_irql),
           CHECK_CASE(test_timer_not_cancelled), CHECK_CASE(test_spin_lock),
           CHECK_CASE(test_sync_dma), CHECK_CASE(test_sleep_irql))
