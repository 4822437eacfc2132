/* dmaviz: the machine's state and its slots (src/machine/state.h): every slot reads and writes its own
 * field and nothing else, every field of dv_state but the configuration and the padding has a
 * slot, slot sizes, and slot names: distinct, and read back to the same slot and index both by
 * their pattern and by the lesson language. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mem.h"
#include "nic.h"
#include "script.h"
#include "state.h"

static struct dv_state zero, st;

static uint32_t ones(size_t bytes)
{
	return bytes >= 4 ? 0xFFFFFFFFu : (1u << (8 * bytes)) - 1;
}

/* ---- sizes ------------------------------------------------------------------------------------- */

static void test_sizes(void)
{
	static const struct {
		enum dv_slot slot;
		uint32_t size;
	} sizes[] = {
		{ DV_SLOT_NONE, 1 },
		{ DV_SLOT_CYCLE, 1 },
		/* Eight channels, two chips (facts §1.1), eight page registers and the other
		 * eight latches at 0x80-0x8F (facts §1.3). */
		{ DV_SLOT_DMA_BASE_ADDR, 8 },
		{ DV_SLOT_DMA_BASE_COUNT, 8 },
		{ DV_SLOT_DMA_ADDR, 8 },
		{ DV_SLOT_DMA_COUNT, 8 },
		{ DV_SLOT_DMA_MODE, 8 },
		{ DV_SLOT_DMA_COMMAND, 2 },
		{ DV_SLOT_DMA_STATUS, 2 },
		{ DV_SLOT_DMA_REQUEST, 2 },
		{ DV_SLOT_DMA_MASK, 2 },
		{ DV_SLOT_DMA_FLIPFLOP, 2 },
		{ DV_SLOT_DMA_TEMP, 2 },
		{ DV_SLOT_DMA_HRQ, 2 },
		{ DV_SLOT_DMA_M2M, 2 },
		{ DV_SLOT_DMA_ACTIVE, 2 },
		{ DV_SLOT_PAGE, 8 },
		{ DV_SLOT_PAGE_EXTRA, 16 },
		{ DV_SLOT_BUS_IRQ, 1 },
		{ DV_SLOT_CPU_DPC, DV_DPC_QUEUE },
		{ DV_SLOT_NIC_TXFIFO, DV_NIC_TXFIFO },
		{ DV_SLOT_NIC_RXFIFO, DV_NIC_RXFIFO },
		{ DV_SLOT_NIC_STATFIFO, DV_NIC_STATFIFO },
		{ DV_SLOT_PEER_TXQ_LEN, DV_PEER_TXQ },
		{ DV_SLOT_PEER_RX_LEN, DV_PEER_FRAMES },
		{ DV_SLOT_PEER_RX_DATA, DV_PEER_FRAMES * DV_FRAME_MAX },
		{ DV_SLOT_CACHE_TAG, DV_CACHE_LINES },
		{ DV_SLOT_CACHE_FLAGS, DV_CACHE_LINES },
		{ DV_SLOT_CACHE_DATA, DV_CACHE_LINES * DV_CACHE_LINE },
		{ DV_SLOT_MEM, DV_MEM_MAX },
	};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		CHECK_EQ(dv_slot_size(sizes[i].slot), sizes[i].size);
	for (unsigned s = 0; s < DV_SLOT_COUNT; s++)
		CHECK(dv_slot_size((enum dv_slot)s) >= 1);
	CHECK_EQ(dv_slot_size(DV_SLOT_COUNT), 0);
	CHECK_EQ(dv_slot_size((enum dv_slot) - 1), 0);
	/* 32 MiB of memory, so that memory above the ISA 16 MiB limit exists (facts §1.3). */
	CHECK(DV_MEM_MAX > 0x01000000u);
}

/* ---- get and put -------------------------------------------------------------------------------- */

/* The bytes of dv_state no slot may own: the configuration, the explicit padding and the
 * page table of memory (memory is the MEM slot, through the pool). */
static void mark_unslotted(bool *allowed)
{
	static const struct {
		size_t off, len;
	} fixed[] = {
		{ offsetof(struct dv_state, mem_size), sizeof zero.mem_size },
		{ offsetof(struct dv_state, cache_on), sizeof zero.cache_on },
		{ offsetof(struct dv_state, pad_), sizeof zero.pad_ },
		{ offsetof(struct dv_state, bus.pad_), sizeof zero.bus.pad_ },
		{ offsetof(struct dv_state, nic.base), sizeof zero.nic.base },
		{ offsetof(struct dv_state, nic.channel), sizeof zero.nic.channel },
		{ offsetof(struct dv_state, nic.irq), sizeof zero.nic.irq },
		{ offsetof(struct dv_state, nic.wire_rate), sizeof zero.nic.wire_rate },
		{ offsetof(struct dv_state, nic.pad_), sizeof zero.nic.pad_ },
		{ offsetof(struct dv_state, nic.pad_w_), sizeof zero.nic.pad_w_ },
		{ offsetof(struct dv_state, nic.pad_s_), sizeof zero.nic.pad_s_ },
		{ offsetof(struct dv_state, bus.pad_o_), sizeof zero.bus.pad_o_ },
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		memset(allowed + fixed[i].off, 1, fixed[i].len);
	for (size_t c = 0; c < 2; c++) {
		size_t chip = offsetof(struct dv_state, dma) + c * sizeof(struct dv_dma_chip);
		memset(allowed + chip + offsetof(struct dv_dma_chip, pad_), 1,
		       sizeof zero.dma[0].pad_);
		for (size_t k = 0; k < 4; k++)
			memset(allowed + chip + offsetof(struct dv_dma_chip, ch) +
			               k * sizeof(struct dv_dma_channel) +
			               offsetof(struct dv_dma_channel, pad_),
			       1, sizeof zero.dma[0].ch[0].pad_);
	}
}

static void test_every_field_has_one_slot(void)
{
	/* "Everything the simulated PC remembers lives in struct dv_state ... Every field of
	 * dv_state has a slot" (state.h). Each (slot, index) must own its own bytes: writing
	 * all ones changes one aligned field of 1, 2 or 4 bytes, reads back as all ones, and
	 * touches no byte another (slot, index) owns. */
	const size_t limit = offsetof(struct dv_state, mem_page);
	static uint16_t owner[sizeof(struct dv_state)]; /* slot + 1 */
	static bool allowed[sizeof(struct dv_state)];
	static uint8_t width[DV_SLOT_COUNT];
	memset(owner, 0, sizeof owner);
	memset(allowed, 0, sizeof allowed);
	memset(&zero, 0, sizeof zero);
	st = zero;
	unsigned bad = 0, overlaps = 0, reported = 0;
	for (unsigned s = DV_SLOT_NONE + 1; s < DV_SLOT_COUNT; s++) {
		if (s == DV_SLOT_MEM || dv_slot_derived((enum dv_slot)s) ||
		    s == DV_SLOT_DMA_SIGNALS)
			continue; /* the arbitration word packs other slots' fields: below */
		for (uint32_t i = 0; i < dv_slot_size((enum dv_slot)s); i++) {
			dv_state_put(&st, NULL, (enum dv_slot)s, i, 0xFFFFFFFFu);
			size_t first = limit, last = 0, n = 0;
			const uint8_t *p = (const uint8_t *)&st;
			for (size_t b = 0; b < limit; b++) {
				if (!p[b])
					continue;
				if (first == limit)
					first = b;
				last = b;
				n++;
			}
			bool ok = (n == 1 || n == 2 || n == 4) && last - first + 1 == n &&
			          first % n == 0 &&
			          dv_state_get(&st, NULL, (enum dv_slot)s, i) == ones(n) &&
			          memcmp(st.mem_page, zero.mem_page, sizeof zero.mem_page) == 0;
			if (ok && width[s] && width[s] != n)
				ok = false; /* one width for every index of a slot */
			if (ok)
				width[s] = (uint8_t)n;
			for (size_t b = first; ok && b <= last; b++) {
				if (owner[b]) {
					overlaps++;
					ok = false;
				}
				owner[b] = (uint16_t)(s + 1);
			}
			if (!ok) {
				bad++;
				if (reported++ < 5)
					fprintf(stderr, "  slot %s index %u: %zu bytes at %zu\n",
					        dv_slot_pattern((enum dv_slot)s), i, n, first);
			}
			st = zero;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(overlaps, 0);
	/* The bytes no slot owns are exactly the configuration, the padding and the page table. */
	mark_unslotted(allowed);
	unsigned unowned = 0, owned_config = 0;
	for (size_t b = 0; b < limit; b++) {
		if (!owner[b] && !allowed[b] && unowned++ < 5)
			fprintf(stderr, "  byte %zu of dv_state has no slot\n", b);
		if (owner[b] && allowed[b])
			owned_config++;
	}
	CHECK_EQ(unowned, 0);
	CHECK_EQ(owned_config, 0);
	/* The widths of some fields, as the hardware has them. */
	CHECK_EQ(width[DV_SLOT_DMA_ADDR], 2);  /* 16-bit address counter */
	CHECK_EQ(width[DV_SLOT_DMA_COUNT], 2); /* 16-bit word count */
	CHECK_EQ(width[DV_SLOT_DMA_MODE], 1);
	CHECK_EQ(width[DV_SLOT_DMA_MASK], 1);
	CHECK_EQ(width[DV_SLOT_PAGE], 1); /* 8 page bits: 24-bit reach (facts §1.3) */
	CHECK_EQ(width[DV_SLOT_CYCLE], 4);
	CHECK_EQ(width[DV_SLOT_BUS_IRQ], 2); /* IRQ 0-15 */
	CHECK_EQ(width[DV_SLOT_NIC_STATFIFO], 2);
	CHECK_EQ(width[DV_SLOT_CACHE_TAG], 4);
}

static void test_get_put_fields(void)
{
	/* An index picks the channel, the chip, the entry or the byte. */
	memset(&st, 0, sizeof st);
	dv_state_put(&st, NULL, DV_SLOT_DMA_BASE_ADDR, 6, 0x1234);
	CHECK_EQ(st.dma[1].ch[2].base_addr, 0x1234); /* channel 6 is DMA2's channel 2 */
	dv_state_put(&st, NULL, DV_SLOT_DMA_BASE_COUNT, 1, 0x0203);
	CHECK_EQ(st.dma[0].ch[1].base_count, 0x0203);
	dv_state_put(&st, NULL, DV_SLOT_DMA_ADDR, 7, 0xBEEF);
	CHECK_EQ(st.dma[1].ch[3].cur_addr, 0xBEEF);
	dv_state_put(&st, NULL, DV_SLOT_DMA_COUNT, 3, 0x05E9);
	CHECK_EQ(st.dma[0].ch[3].cur_count, 0x05E9);
	dv_state_put(&st, NULL, DV_SLOT_DMA_MODE, 4, 0xC0);
	CHECK_EQ(st.dma[1].ch[0].mode, 0xC0);
	dv_state_put(&st, NULL, DV_SLOT_DMA_MASK, 1, 0x0E);
	CHECK_EQ(st.dma[1].mask, 0x0E);
	CHECK_EQ(st.dma[0].mask, 0);
	dv_state_put(&st, NULL, DV_SLOT_DMA_FLIPFLOP, 0, 1);
	CHECK_EQ(st.dma[0].flipflop, 1);
	dv_state_put(&st, NULL, DV_SLOT_DMA_STATUS, 1, 0x21);
	CHECK_EQ(st.dma[1].status, 0x21);
	dv_state_put(&st, NULL, DV_SLOT_PAGE, 7, 0x12);
	CHECK_EQ(st.page[7], 0x12);
	dv_state_put(&st, NULL, DV_SLOT_PAGE_EXTRA, 0xC, 0x34);
	CHECK_EQ(st.page_extra[0xC], 0x34);
	dv_state_put(&st, NULL, DV_SLOT_CPU_DPC, 3, 9);
	CHECK_EQ(st.cpu.dpc[3], 9);
	dv_state_put(&st, NULL, DV_SLOT_NIC_TXFIFO, 15, 0xAB);
	CHECK_EQ(st.nic.txfifo[15], 0xAB);
	dv_state_put(&st, NULL, DV_SLOT_NIC_STATFIFO, 7, 0x85EA);
	CHECK_EQ(st.nic.statfifo[7], 0x85EA);
	dv_state_put(&st, NULL, DV_SLOT_PEER_RX_LEN, 3, 1514);
	CHECK_EQ(st.peer.rx_len[3], 1514);
	dv_state_put(&st, NULL, DV_SLOT_PEER_RX_DATA, 2 * DV_FRAME_MAX + 5, 0x5A);
	CHECK_EQ(st.peer.rx_data[2][5], 0x5A);
	dv_state_put(&st, NULL, DV_SLOT_CACHE_DATA, 5 * DV_CACHE_LINE + 7, 0x77);
	CHECK_EQ(st.cache.data[5][7], 0x77);
	dv_state_put(&st, NULL, DV_SLOT_CACHE_TAG, 63, 0x00123456);
	CHECK_EQ(st.cache.tag[63], 0x00123456);
	dv_state_put(&st, NULL, DV_SLOT_RNG_HI, 0, 0xCAFEF00D);
	CHECK_EQ(st.rng_hi, 0xCAFEF00D);
	dv_state_put(&st, NULL, DV_SLOT_BUS_DMA_CYCLES, 0, 123456789);
	CHECK_EQ(st.bus.dma_cycles, 123456789);
	/* Derived slots read as their formula and take no writes. */
	st.cycle = 123456800;
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_BUS_CPU_CYCLES, 0), 11);
	struct dv_state held = st;
	dv_state_put(&st, NULL, DV_SLOT_BUS_CPU_CYCLES, 0, 5);
	dv_state_put(&st, NULL, DV_SLOT_NIC_WIRE_TIMER, 0, 5);
	CHECK(memcmp(&held, &st, sizeof st) == 0);
	st.nic.wire_due = st.cycle + 3;
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_WIRE_TIMER, 0), 3);
	st.nic.wire_due = st.cycle; /* the byte time is this tick: the timer reads 0 */
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_WIRE_TIMER, 0), 0);
	st.nic.wire_due = 0;
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_WIRE_TIMER, 0), 0);
	/* Format 5 keeps the clock as its start plus one: byte times every wire_rate ticks
	 * from it, the first wire_rate - 1 ticks on. (wire_due above is what older recordings
	 * replay; it is read only while the clock has no start.) */
	st.nic.wire_rate = 4;
	st.nic.wire_start = st.cycle + 1; /* started at this tick */
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_WIRE_TIMER, 0), 3);
	st.cycle += 3; /* the first byte time */
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_WIRE_TIMER, 0), 0);
	st.cycle += 1;
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_WIRE_TIMER, 0), 3);
	st.cycle += 6;
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_WIRE_TIMER, 0), 1);
	st.nic.wire_rate = 3;                                            /* not a power of two */
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_WIRE_TIMER, 0), 1); /* 10 ticks on */
	st.cycle += 1;
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_WIRE_TIMER, 0), 0);
	st.nic.wire_due = st.cycle + 7; /* ignored while the clock has a start */
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_WIRE_TIMER, 0), 0);
	st.nic.wire_start = 0;
	st.nic.wire_due = 0;
	st.cycle -= 11;
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_WIRE_TIMER, 0), 0);
	CHECK(!dv_slot_derived(DV_SLOT_NIC_WIRE_START));
	CHECK(dv_slot_derived(DV_SLOT_BUS_CPU_CYCLES) && dv_slot_derived(DV_SLOT_NIC_WIRE_TIMER) &&
	      dv_slot_derived(DV_SLOT_NIC_STATUS) && dv_slot_derived(DV_SLOT_BUS_OWNER));
	st.bus.hlda = 1; /* HLDA: the DMA owns the bus */
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_BUS_OWNER, 0), 1);
	st.bus.hlda = 0;
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_BUS_OWNER, 0), 0);
	/* nic.status is the card's state combined (docs/nic.md): TXEMPTY with an empty FIFO,
	 * TXFULL and DREQ off with a full one. */
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_STATUS, 0) & DV_NIC_ST_TXEMPTY,
	         DV_NIC_ST_TXEMPTY);
	st.nic.tx_count = DV_NIC_TXFIFO;
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_STATUS, 0) &
	                 (DV_NIC_ST_TXEMPTY | DV_NIC_ST_TXFULL | DV_NIC_ST_DREQ),
	         DV_NIC_ST_TXFULL);
	st.nic.tx_count = 0;
	CHECK(!dv_slot_derived(DV_SLOT_CYCLE) && !dv_slot_derived(DV_SLOT_NIC_WIRE_DUE));
	st.cycle = 0;
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NIC_STATFIFO, 7), 0x85EA);
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_DMA_MODE, 4), 0xC0);
	/* A value wider than the field is cut to it. */
	dv_state_put(&st, NULL, DV_SLOT_DMA_ADDR, 0, 0x12345);
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_DMA_ADDR, 0), 0x2345);
	dv_state_put(&st, NULL, DV_SLOT_PAGE, 0, 0x1FF);
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_PAGE, 0), 0xFF);

	/* Out of range: reads 0, writes nothing. */
	struct dv_state before = st;
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_DMA_COUNT, 8), 0);
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_DMA_MASK, 2), 0);
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_COUNT, 0), 0);
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_NONE, 0), 0);
	dv_state_put(&st, NULL, DV_SLOT_DMA_COUNT, 8, 1);
	dv_state_put(&st, NULL, DV_SLOT_DMA_MASK, 2, 1);
	dv_state_put(&st, NULL, DV_SLOT_CPU_DPC, DV_DPC_QUEUE, 1);
	dv_state_put(&st, NULL, DV_SLOT_PEER_RX_DATA, DV_PEER_FRAMES * DV_FRAME_MAX, 1);
	dv_state_put(&st, NULL, DV_SLOT_COUNT, 0, 1);
	dv_state_put(&st, NULL, DV_SLOT_NONE, 0, 1);
	CHECK(memcmp(&st, &before, sizeof st) == 0);
}

static void test_memory_slot(void)
{
	/* Memory is the MEM slot, one byte per index, kept in the pool's pages. */
	struct dv_mempool pool;
	dv_mempool_init(&pool);
	memset(&st, 0, sizeof st);
	CHECK_EQ(dv_state_get(&st, &pool, DV_SLOT_MEM, 0x123456), 0);
	dv_state_put(&st, &pool, DV_SLOT_MEM, 0x123456, 0x1AB);
	CHECK_EQ(dv_state_get(&st, &pool, DV_SLOT_MEM, 0x123456), 0xAB);
	CHECK_EQ(dv_mem_peek(&st, &pool, 0x123456), 0xAB);
	CHECK_EQ(dv_state_get(&st, &pool, DV_SLOT_MEM, 0x123455), 0);
	CHECK_EQ(dv_state_get(&st, &pool, DV_SLOT_MEM, 0x123457), 0);
	CHECK(st.mem_page[0x123456 >> DV_PAGE_SHIFT] != 0);
	CHECK_EQ(st.mem_page[0x124000 >> DV_PAGE_SHIFT], 0);
	/* Above 16 MiB too, up to DV_MEM_MAX; past it nothing is kept. */
	dv_state_put(&st, &pool, DV_SLOT_MEM, DV_MEM_MAX - 1, 0x5C);
	CHECK_EQ(dv_state_get(&st, &pool, DV_SLOT_MEM, DV_MEM_MAX - 1), 0x5C);
	dv_state_put(&st, &pool, DV_SLOT_MEM, DV_MEM_MAX, 0x5D);
	CHECK_EQ(dv_state_get(&st, &pool, DV_SLOT_MEM, DV_MEM_MAX), 0);
	dv_mem_unref_all(&st, &pool);
	dv_mempool_finish(&pool);
}

/* ---- names -------------------------------------------------------------------------------------- */

static void test_names(void)
{
	static const struct {
		enum dv_slot slot;
		uint32_t index;
		const char *name;
	} names[] = {
		{ DV_SLOT_NONE, 0, "none" },
		{ DV_SLOT_RNG_LO, 0, "rng.lo" },
		{ DV_SLOT_DMA_BASE_ADDR, 0, "dma.ch0.base_addr" },
		{ DV_SLOT_DMA_BASE_COUNT, 7, "dma.ch7.base_count" },
		{ DV_SLOT_DMA_MODE, 4, "dma.ch4.mode" },
		/* Chips are called dma1 and dma2, as the datasheets and Linux do (facts §1.1). */
		{ DV_SLOT_DMA_COMMAND, 0, "dma1.command" },
		{ DV_SLOT_DMA_FLIPFLOP, 1, "dma2.flipflop" },
		{ DV_SLOT_DMA_ACTIVE, 0, "dma1.active" },
		{ DV_SLOT_PAGE, 7, "page.ch7" },
		/* The other latches by their port, in hex. */
		{ DV_SLOT_PAGE_EXTRA, 0xF, "port.0x8f" },
		{ DV_SLOT_PAGE_EXTRA, 4, "port.0x84" },
		{ DV_SLOT_BUS_IRQ, 0, "bus.irq" },
		{ DV_SLOT_CPU_DPC, 7, "cpu.dpc7" },
		{ DV_SLOT_NIC_TXFIFO, 15, "nic.txfifo15" },
		{ DV_SLOT_NIC_TX_HEAD, 0, "nic.txfifo.head" },
		{ DV_SLOT_NIC_STAT_LATCH, 0, "nic.statfifo.latch" },
		{ DV_SLOT_PEER_RX_DATA, DV_PEER_FRAMES * DV_FRAME_MAX - 1, "peer.rx[6143]" },
		{ DV_SLOT_CACHE_TAG, 63, "cache.tag63" },
		{ DV_SLOT_CACHE_DATA, 1023, "cache.data[1023]" },
		{ DV_SLOT_MEM, DV_MEM_MAX - 1, "mem[0x1ffffff]" },
		{ DV_SLOT_MEM, 0, "mem[0x0]" },
	};
	char buf[64];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		dv_slot_name(names[i].slot, names[i].index, buf, sizeof buf);
		CHECK(strcmp(buf, names[i].name) == 0);
		if (strcmp(buf, names[i].name) != 0)
			fprintf(stderr, "  got '%s', expected '%s'\n", buf, names[i].name);
	}
	dv_slot_name(DV_SLOT_COUNT, 0, buf, sizeof buf);
	CHECK(strcmp(buf, "?") == 0);
	dv_slot_name(DV_SLOT_PAGE_EXTRA, 0xF, buf, 5);
	CHECK(strcmp(buf, "port") == 0); /* cut, still terminated */
	dv_slot_name(DV_SLOT_CYCLE, 0, buf, 1);
	CHECK_EQ(buf[0], 0);
	/* Each pattern holds at most one number, %u or %x. */
	for (unsigned s = 0; s < DV_SLOT_COUNT; s++) {
		const char *pat = dv_slot_pattern((enum dv_slot)s);
		const char *pct = strchr(pat, '%');
		CHECK(!pct || ((pct[1] == 'u' || pct[1] == 'x') && !strchr(pct + 1, '%')));
		CHECK(!pct || dv_slot_size((enum dv_slot)s) > 1);
	}
}

/* Reads a slot name back from the patterns alone: the one (slot, index) whose pattern it
 * matches, with the number written as dv_slot_name writes it. Returns how many matched. */
static unsigned parse_name(const char *name, enum dv_slot *slot, uint32_t *index)
{
	unsigned found = 0;
	for (unsigned s = 0; s < DV_SLOT_COUNT; s++) {
		const char *pat = dv_slot_pattern((enum dv_slot)s);
		const char *pct = strchr(pat, '%');
		if (!pct) {
			if (strcmp(name, pat) == 0) {
				*slot = (enum dv_slot)s;
				*index = 0;
				found++;
			}
			continue;
		}
		size_t head = (size_t)(pct - pat);
		if (strncmp(name, pat, head) != 0)
			continue;
		const char *p = name + head;
		bool hex = pct[1] == 'x';
		uint64_t v = 0;
		size_t digits = 0;
		for (;; p++, digits++) {
			int d = *p >= '0' && *p <= '9'        ? *p - '0' :
			        hex && *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
			                                        -1;
			if (d < 0 || v > 0xFFFFFFFFu)
				break;
			v = v * (hex ? 16 : 10) + (unsigned)d;
		}
		if (digits == 0 || (digits > 1 && name[head] == '0') || strcmp(p, pct + 2) != 0)
			continue;
		if (s >= DV_SLOT_DMA_COMMAND && s <= DV_SLOT_DMA_ACTIVE) {
			if (v == 0)
				continue; /* chips count from 1 */
			v--;
		}
		if (v >= dv_slot_size((enum dv_slot)s))
			continue;
		*slot = (enum dv_slot)s;
		*index = (uint32_t)v;
		found++;
	}
	return found;
}

struct named {
	char name[40];
	uint16_t slot;
	uint32_t index;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static void test_names_round_trip(void)
{
	/* Every (slot, index) but memory, and memory at its edges and around 16 MiB. */
	static const uint32_t mem_samples[] = {
		0, 1, 0xF, 0x10, 0xFFFF, 0x10000, 0xFFFFFF, 0x1000000, 0x1234567, DV_MEM_MAX - 1
	};
	size_t total = sizeof mem_samples / sizeof mem_samples[0];
	for (unsigned s = 0; s < DV_SLOT_COUNT; s++)
		if (s != DV_SLOT_MEM)
			total += dv_slot_size((enum dv_slot)s);
	struct named *all = calloc(total, sizeof *all);
	CHECK(all != NULL);
	if (!all)
		return;
	size_t n = 0;
	for (unsigned s = 0; s < DV_SLOT_COUNT; s++) {
		if (s == DV_SLOT_MEM)
			continue;
		for (uint32_t i = 0; i < dv_slot_size((enum dv_slot)s); i++, n++) {
			dv_slot_name((enum dv_slot)s, i, all[n].name, sizeof all[n].name);
			all[n].slot = (uint16_t)s;
			all[n].index = i;
		}
	}
	for (size_t k = 0; k < sizeof mem_samples / sizeof mem_samples[0]; k++, n++) {
		dv_slot_name(DV_SLOT_MEM, mem_samples[k], all[n].name, sizeof all[n].name);
		all[n].slot = DV_SLOT_MEM;
		all[n].index = mem_samples[k];
	}
	CHECK_EQ(n, total);
	/* Back to the same slot and index by the patterns, unambiguously. */
	unsigned bad = 0;
	for (size_t k = 0; k < n; k++) {
		enum dv_slot slot = DV_SLOT_COUNT;
		uint32_t index = 0;
		unsigned found = parse_name(all[k].name, &slot, &index);
		if (found != 1 || slot != all[k].slot || index != all[k].index) {
			if (bad++ < 5)
				fprintf(stderr,
				        "  '%s' reads back as %u matches, slot %d index %u\n",
				        all[k].name, found, (int)slot, index);
		}
	}
	CHECK_EQ(bad, 0);
	/* And by the lesson language (docs/lesson-format.md §7): every name the event log
	 * prints can be written in a lesson and means the same state ("none" is no state). */
	bad = 0;
	for (size_t k = 0; k < n; k++) {
		if (all[k].slot == DV_SLOT_NONE)
			continue;
		struct dv_ref ref;
		bool ok = dv_script_resolve(NULL, all[k].name, strlen(all[k].name), &ref);
		if (!ok || ref.kind != DV_REF_SLOT || ref.a != all[k].slot ||
		    ref.b != all[k].index) {
			if (bad++ < 5)
				fprintf(stderr, "  '%s' does not resolve to its slot in a lesson\n",
				        all[k].name);
		}
	}
	CHECK_EQ(bad, 0);
	/* No two states share a name. */
	qsort(all, n, sizeof *all, cmp_named);
	unsigned dup = 0;
	for (size_t k = 1; k < n; k++)
		if (strcmp(all[k - 1].name, all[k].name) == 0 && dup++ < 5)
			fprintf(stderr, "  two states named '%s'\n", all[k].name);
	CHECK_EQ(dup, 0);
	free(all);
}

/* The arbitration word packs both chips' status, HRQ, active channel and HLDA: reading it
 * packs the fields, writing it sets each, and an event of it names exactly the fields whose
 * value differs. */
static void test_signals_word(void)
{
	memset(&st, 0, sizeof st);
	st.dma[0].status = 0x21;
	st.dma[1].status = 0x10;
	st.dma[0].hrq = 1;
	st.bus.hlda = 1;
	st.dma[0].active = 2;
	st.dma[1].active = 5;
	uint32_t w = dv_state_get(&st, NULL, DV_SLOT_DMA_SIGNALS, 0);
	CHECK_EQ(w, 0x21u | 0x10u << 8 | 1u << 16 | 1u << 18 | 2u << 19 | 5u << 23);
	CHECK_EQ(dv_state_get(&st, NULL, DV_SLOT_DMA_SIGNALS, 1), 0);
	struct dv_state other;
	memset(&other, 0, sizeof other);
	dv_state_put(&other, NULL, DV_SLOT_DMA_SIGNALS, 0, w);
	CHECK(memcmp(&other, &st, sizeof st) == 0); /* nothing else written */
	/* Every field alone, at its highest value: a round trip, and one change named. */
	static const struct {
		enum dv_slot slot;
		uint32_t index, top;
	} f[] = { { DV_SLOT_DMA_STATUS, 0, 0xFF }, { DV_SLOT_DMA_STATUS, 1, 0xFF },
		  { DV_SLOT_DMA_HRQ, 0, 1 },       { DV_SLOT_DMA_HRQ, 1, 1 },
		  { DV_SLOT_BUS_HLDA, 0, 1 },      { DV_SLOT_DMA_ACTIVE, 0, 4 },
		  { DV_SLOT_DMA_ACTIVE, 1, 8 } };
	CHECK_EQ(sizeof f / sizeof f[0], DV_SIGNAL_FIELDS);
	for (unsigned k = 0; k < DV_SIGNAL_FIELDS; k++) {
		CHECK(dv_slot_signal(f[k].slot));
		memset(&other, 0, sizeof other);
		dv_state_put(&other, NULL, f[k].slot, f[k].index, f[k].top);
		uint32_t word = dv_signals_pack(&other);
		struct dv_state back;
		memset(&back, 0, sizeof back);
		dv_signals_unpack(&back, word);
		CHECK_EQ(dv_state_get(&back, NULL, f[k].slot, f[k].index), f[k].top);
		CHECK(memcmp(&back, &other, sizeof back) == 0);
		struct dv_slot_change chg[DV_SIGNAL_FIELDS];
		CHECK_EQ(dv_slot_changes(DV_SLOT_DMA_SIGNALS, 0, 0, word, chg), 1);
		CHECK_EQ(chg[0].slot, f[k].slot);
		CHECK_EQ(chg[0].index, f[k].index);
		CHECK_EQ(chg[0].old_value, 0);
		CHECK_EQ(chg[0].new_value, f[k].top);
		uint32_t o = 1, n = 0;
		CHECK(dv_slot_change_of(DV_SLOT_DMA_SIGNALS, 0, 0, word, f[k].slot, f[k].index, &o,
		                        &n));
		CHECK_EQ(o, 0);
		CHECK_EQ(n, f[k].top);
		/* the other fields are not changed by it */
		CHECK(!dv_slot_change_of(DV_SLOT_DMA_SIGNALS, 0, 0, word, f[(k + 1) % 7].slot,
		                         f[(k + 1) % 7].index, &o, &n));
	}
	/* every bit of the word at once, and the fields as the word's changes name them */
	struct dv_state all;
	memset(&all, 0, sizeof all);
	dv_signals_unpack(&all, 0x7FFFFFFu);
	CHECK_EQ(dv_signals_pack(&all), 0x7FFFFFFu);
	struct dv_slot_change chg[DV_SIGNAL_FIELDS];
	CHECK_EQ(dv_slot_changes(DV_SLOT_DMA_SIGNALS, 0, 0, 0x7FFFFFFu, chg), DV_SIGNAL_FIELDS);
	for (unsigned k = 0; k < DV_SIGNAL_FIELDS; k++)
		CHECK_EQ(dv_state_get(&all, NULL, chg[k].slot, chg[k].index), chg[k].new_value);
	CHECK_EQ(dv_slot_changes(DV_SLOT_DMA_SIGNALS, 0, 0, w, chg), 6);
	CHECK_EQ(dv_slot_changes(DV_SLOT_DMA_SIGNALS, 0, w, w, chg), 0);
	/* A plain slot's event is its one change. */
	CHECK_EQ(dv_slot_changes(DV_SLOT_DMA_MASK, 1, 3, 4, chg), 1);
	CHECK_EQ(chg[0].slot, DV_SLOT_DMA_MASK);
	CHECK_EQ(chg[0].new_value, 4);
	CHECK(!dv_slot_signal(DV_SLOT_DMA_MASK));
}

CHECK_MAIN(CHECK_CASE(test_sizes), CHECK_CASE(test_every_field_has_one_slot),
           CHECK_CASE(test_signals_word), CHECK_CASE(test_get_put_fields),
           CHECK_CASE(test_memory_slot), CHECK_CASE(test_names), CHECK_CASE(test_names_round_trip))
