/* dmaviz: a libFuzzer target for the machine.
 *
 * The input is a little program. Byte 0 picks the configuration (bit 0 coherent, bits 1-2 a
 * keyframe every 128 << 2n state events, bit 3 32 MiB of memory, else bit 4 1 MiB, else
 * 16 MiB), byte 1 the PRNG seed; then each operation is an opcode byte and its arguments
 * (missing bytes read as zero):
 *
 *   op % 16  operation           arguments
 *   0        port out            lo, sel (bit 0: 0x300 | lo & 15, else lo), value
 *   1        port in             lo, sel
 *   2        DREQ                b: channel {0,2,3,5,6,7}[(b & 127) % 6], bit 7 set / clear
 *   3        tick                n (16 bits): n % 512 + 1 ticks, within the budgets below
 *   4        CPU read            address (24 bits) and a byte whose bit 0 is address bit 24
 *   5        CPU write           address (4 bytes as above), value
 *   6        cache flush         address (4 bytes), length (16 bits), invalidate (bit 0)
 *   7        seek                v (32 bits): odd, a cursor to the end of operation
 *                                (v >> 1) % count; even, to event (v >> 1) % (length + 1)
 *   8        memory write        address (4 bytes), value (a DMA-style write)
 *   9        truncate            back to the end of an earlier operation (16 bits) % count
 *   10       program a channel   channel, mode, address (16), count (16), page
 *   11       IRQ                 b: irq b & 15, level bit 4, bit 6: (dis)connect per bit 5
 *   12       IRQL                b % 3: raise to DIRQL, raise to DISPATCH, lower to PASSIVE
 *   13       queue a DPC / peer  b: bit 7 clear, queue DPC b; set, the peer sends a frame
 *                                of 60 + (16 bits) % 1455 bytes
 *   14       draw a random number
 *   15       port out to a DMA register of either chip: reg, chip bit, value
 *
 * After every operation the invariants below are checked; a violation calls abort(). Finally
 * the whole program runs a second time on a fresh machine, without the checks and without
 * repeating the 8237A's periods (every tick arbitrated), and must give the same trace and
 * state.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "nic.h"
#include "sim.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* coverage-ignore.txt names functions; one inlined into an instrumented caller would be
 * instrumented there all the same. */
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* Each input is bounded so that a run stays well under a millisecond (docs: CONTRIBUTING.md,
 * "Fuzzing"): at most MAX_OPS operations and MAX_TICKS ticks, and no operation starts, nor a
 * tick, once the trace holds MAX_EVENTS events. That is still more than RESTORE_COST (2048)
 * events, so seeks and truncations can restore keyframes. */
#define MAX_OPS 256u
#define MAX_TICKS_PER_OP 512u
#define MAX_TICKS 512u
#define MAX_EVENTS 4096u
#define HASH_EVERY 8u

struct reader {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static uint16_t u16(struct reader *r)
{
	uint16_t lo = u8(r);
	return (uint16_t)(lo | u8(r) << 8);
}

static uint32_t u32(struct reader *r)
{
	uint32_t lo = u16(r);
	return lo | (uint32_t)u16(r) << 16;
}

/* A physical address of up to 25 bits: 24 from the input, one more to reach 32 MiB. */
static uint32_t addr25(struct reader *r)
{
	uint32_t a = u16(r);
	a |= (uint32_t)u8(r) << 16;
	return a | (uint32_t)(u8(r) & 1) << 24;
}

static void fail(const char *what, size_t op)
{
	fprintf(stderr, "fuzz-machine: invariant violated after operation %zu: %s\n", op, what);
	abort();
}

/* The driver side: an ISR that queues its DPC, a DPC that reads the DMA status as drivers do. */
static void on_interrupt(void *ctx, struct dv_sim *sim, unsigned irq)
{
	(void)ctx;
	dv_sim_queue_dpc(sim, (uint8_t)irq);
}

static void on_dpc(void *ctx, struct dv_sim *sim, unsigned id)
{
	(void)ctx;
	if (id & 1)
		(void)dv_sim_in(sim, 0x08);
}

static uint16_t dma_port(unsigned chip, unsigned reg)
{
	return (uint16_t)(chip ? 0xC0 + 2 * reg : reg);
}

static void program_channel(struct dv_sim *sim, unsigned ch, uint8_t mode, uint16_t addr,
                            uint16_t count, uint8_t page)
{
	static const uint8_t page_port[8] = { 0x87, 0x83, 0x81, 0x82, 0x8F, 0x8B, 0x89, 0x8A };
	unsigned chip = ch / 4, c = ch % 4;
	dv_sim_out(sim, dma_port(chip, 0xA), (uint8_t)(4 | c));
	dv_sim_out(sim, dma_port(chip, 0xC), 0);
	dv_sim_out(sim, dma_port(chip, 0xB), (uint8_t)((mode & 0xFC) | c));
	dv_sim_out(sim, dma_port(chip, 2 * c), (uint8_t)addr);
	dv_sim_out(sim, dma_port(chip, 2 * c), (uint8_t)(addr >> 8));
	dv_sim_out(sim, dma_port(chip, 2 * c + 1), (uint8_t)count);
	dv_sim_out(sim, dma_port(chip, 2 * c + 1), (uint8_t)(count >> 8));
	dv_sim_out(sim, page_port[ch], page);
	dv_sim_out(sim, dma_port(chip, 0xA), (uint8_t)c);
}

/* Two states are the same machine: the same fields and the same memory contents (page ids
 * may differ). Faster than two hashes, and it implies equal hashes. */
static NOINLINE bool same_state(const struct dv_state *a, const struct dv_state *b,
                                const struct dv_mempool *pool)
{
	static const uint8_t zero[DV_PAGE_SIZE];
	if (memcmp(a, b, offsetof(struct dv_state, mem_page)) != 0)
		return false;
	/* Page ids are mostly equal (or both 0): memcmp skips equal blocks much faster than a
	 * loop over the entries. */
	for (uint32_t i = 0; i < DV_MEM_PAGES; i++) {
		if (i % 64 == 0 &&
		    memcmp(&a->mem_page[i], &b->mem_page[i], 64 * sizeof(uint32_t)) == 0) {
			i += 63;
			continue;
		}
		uint32_t x = a->mem_page[i], y = b->mem_page[i];
		if (x == y)
			continue;
		const uint8_t *px = x ? pool->page[x] : zero, *py = y ? pool->page[y] : zero;
		if (memcmp(px, py, DV_PAGE_SIZE) != 0)
			return false;
	}
	return true;
}

static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9E3779B97F4A7C15ull;
	return h ^ h >> 29;
}

static uint64_t mix_bytes(uint64_t h, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = mix(h, w);
	}
	for (; i < n; i++)
		h = mix(h, p[i]);
	return h;
}

/* The harness's own digest of a state, for the checks at operation boundaries: like
 * dv_state_hash (memory by content, a page never written the same as a page of zeros), but
 * eight bytes at a time, because it runs every few operations. dv_state_hash itself is
 * checked a few times per input. */
static NOINLINE uint64_t digest(const struct dv_state *st, const struct dv_mempool *pool)
{
	uint64_t h = mix_bytes(0x8237A, st, offsetof(struct dv_state, mem_page));
	for (uint32_t i = 0; i < DV_MEM_PAGES; i++) {
		uint32_t id = st->mem_page[i];
		if (!id || id >= pool->count)
			continue;
		const uint8_t *p = pool->page[id];
		uint64_t any = 0, ph = i;
		for (size_t k = 0; k < DV_PAGE_SIZE; k += 8) {
			uint64_t w;
			memcpy(&w, p + k, 8);
			any |= w;
			ph = mix(ph, w);
		}
		if (any)
			h = mix(h, ph);
	}
	return h;
}

struct checker {
	size_t checked; /* events [0, checked) have been checked */
};

static void check_invariants(struct dv_sim *sim, struct dv_cursor *live, struct checker *ck,
                             size_t op)
{
	const struct dv_state *st = &sim->st;
	for (unsigned chip = 0; chip < 2; chip++) {
		if (st->dma[chip].flipflop > 1)
			fail("flip-flop is neither 0 nor 1", op);
		if (st->dma[chip].mask & 0xF0)
			fail("mask bits outside the low nibble", op);
	}
	/* A cursor at the end of the trace is the live machine (once run() recorded the quiet
	 * ticks since the last event). */
	dv_cursor_seek(live, sim->trace.len);
	if (live->pos != sim->trace.len)
		fail("cursor did not reach the end of the trace", op);
	if (!same_state(&live->st, &sim->st, &sim->pool))
		fail("cursor at trace.len differs from the live machine", op);
	/* Event cycles never decrease and never pass the machine's cycle. */
	if (ck->checked > sim->trace.len)
		ck->checked = sim->trace.len;
	uint64_t prev = ck->checked ? dv_trace_at(&sim->trace, ck->checked - 1)->cycle : 0;
	for (size_t i = ck->checked; i < sim->trace.len; i++) {
		uint64_t cyc = dv_trace_at(&sim->trace, i)->cycle;
		if (cyc < prev)
			fail("an event's cycle is lower than the one before it", op);
		prev = cyc;
	}
	ck->checked = sim->trace.len;
	if (sim->trace.len && dv_trace_at(&sim->trace, sim->trace.len - 1)->cycle > st->cycle)
		fail("an event has a cycle greater than st.cycle", op);
	if (sim->nkf == 0 || sim->kf[0].event != 0)
		fail("keyframe 0 is missing", op);
	if (sim->kf[sim->nkf - 1].event > sim->trace.len)
		fail("a keyframe lies beyond the end of the trace", op);
}

/* Every page reference in the pool belongs to the live state, a keyframe or a cursor. */
static NOINLINE void check_refcounts(struct dv_sim *sim, const struct dv_cursor *const *cursors,
                                     unsigned ncursors)
{
	uint32_t n = sim->pool.count;
	if (n == 0)
		return;
	uint32_t *refs = calloc(n, sizeof *refs);
	if (!refs)
		abort();
	static struct dv_state unpacked;
	for (size_t k = 0; k < sim->nkf + 1 + ncursors; k++) {
		const struct dv_state *s = NULL;
		if (k == 0)
			s = &sim->st;
		else if (k <= sim->nkf && dv_keyframe_unpack(&sim->kf[k - 1], &unpacked))
			s = &unpacked;
		else if (k <= sim->nkf)
			fail("a keyframe does not unpack", 0);
		else
			s = &cursors[k - 1 - sim->nkf]->st;
		for (uint32_t i = 0; i < DV_MEM_PAGES; i++) {
			uint32_t id = s->mem_page[i];
			if (id >= n)
				fail("a page id beyond the pool", 0);
			if (id)
				refs[id]++;
		}
	}
	for (uint32_t id = 1; id < n; id++)
		if (refs[id] != sim->pool.refs[id])
			fail("pool reference counts do not match the page tables", 0);
	free(refs);
}

struct outcome {
	uint64_t trace_hash, state_hash;
	size_t len;
};

/* Runs the program; with checks, checks the invariants after every operation and at the end.
 * Without, it only computes the outcome (the second, determinism run). */
static struct outcome run(const uint8_t *data, size_t size, bool checks)
{
	struct reader r = { data, size };
	struct dv_config cfg;
	dv_config_default(&cfg);
	uint8_t c0 = u8(&r);
	cfg.coherent = c0 & 1;
	/* 128, 512, 2048 or 8192 state events: a keyframe packs the whole state (40 KiB unpacked), so
	 * fewer than MAX_EVENTS / 128 per run; the last means keyframe 0 only. */
	cfg.keyframe_every = 128u << 2 * ((c0 >> 1) & 3);
	cfg.mem_size = (c0 & 8) ? DV_MEM_MAX : (c0 & 16) ? (1u << 20) : (16u << 20);
	cfg.seed = u8(&r);
	struct dv_sim *sim = dv_sim_create(&cfg);
	if (!sim)
		abort();
	/* The second run arbitrates every tick: where the first repeated a period of the 8237A
	 * (dma8237.c), it must have recorded what arbitration records. */
	sim->streak.off = !checks;
	sim->hooks.interrupt = on_interrupt;
	sim->hooks.dpc = on_dpc;

	struct dv_cursor live, roam;
	if (checks)
		dv_cursor_init(&live, sim);
	dv_cursor_init(&roam, sim);
	struct checker ck = { 0 };
	/* bound[k]: the trace length after operation k - 1; bhash[k / HASH_EVERY]: the state's
	 * digest there, kept for every HASH_EVERY-th boundary (hashing is not free). */
	size_t bound[MAX_OPS + 1];
	uint64_t bhash[MAX_OPS / HASH_EVERY + 1];
	size_t nbound = 1;
	bound[0] = 0;
	bhash[0] = checks ? digest(&sim->st, &sim->pool) : 0; /* the reset state */
	uint32_t ticks = 0;
	static const uint8_t dreq_chan[6] = { 0, 2, 3, 5, 6, 7 };

	for (size_t op = 0; op < MAX_OPS && r.n && sim->trace.len < MAX_EVENTS; op++) {
		uint8_t code = u8(&r) % 16;
		switch (code) {
		case 0: {
			uint8_t lo = u8(&r), sel = u8(&r);
			uint16_t port = (sel & 1) ? (uint16_t)(0x300 | (lo & 15)) : lo;
			dv_sim_out(sim, port, u8(&r));
			break;
		}
		case 1: {
			uint8_t lo = u8(&r), sel = u8(&r);
			(void)dv_sim_in(sim, (sel & 1) ? (uint16_t)(0x300 | (lo & 15)) : lo);
			break;
		}
		case 2: {
			uint8_t b = u8(&r);
			uint32_t bit = 1u << dreq_chan[(b & 0x7F) % 6];
			uint32_t d = sim->st.bus.dreq;
			dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, (b & 0x80) ? (d | bit) : (d & ~bit));
			break;
		}
		case 3: {
			uint32_t n = u16(&r) % MAX_TICKS_PER_OP + 1;
			if (n > MAX_TICKS - ticks)
				n = MAX_TICKS - ticks;
			for (uint32_t i = 0; i < n && sim->trace.len < MAX_EVENTS; i++)
				dv_sim_tick(sim);
			ticks += n;
			break;
		}
		case 4: (void)dv_sim_cpu_read(sim, addr25(&r)); break;
		case 5: {
			uint32_t a = addr25(&r);
			dv_sim_cpu_write(sim, a, u8(&r));
			break;
		}
		case 6: {
			uint32_t a = addr25(&r);
			uint16_t len = u16(&r);
			dv_sim_cache_flush(sim, a, len, u8(&r) & 1);
			break;
		}
		case 7: {
			/* Odd: the end of an earlier operation; even: any event. */
			uint32_t v = u32(&r);
			size_t k = (v >> 1) % nbound;
			size_t to = (v & 1) ? bound[k] : (v >> 1) % (sim->trace.len + 1);
			dv_cursor_seek(&roam, to);
			if (!checks)
				break;
			struct dv_cursor fresh;
			dv_cursor_init(&fresh, sim);
			dv_cursor_seek(&fresh, to);
			if (roam.pos != to || fresh.pos != to)
				fail("a seek did not reach its event", op);
			if (!same_state(&roam.st, &fresh.st, &sim->pool))
				fail("a moved cursor differs from a fresh one", op);
			if (to == 0 && digest(&fresh.st, &sim->pool) != bhash[0])
				fail("event 0 is not the reset state", op);
			if ((v & 1) && k % HASH_EVERY == 0 &&
			    digest(&fresh.st, &sim->pool) != bhash[k / HASH_EVERY])
				fail("a cursor differs from what the live machine was at that event",
				     op);
			dv_cursor_finish(&fresh);
			break;
		}
		case 8: {
			uint32_t a = addr25(&r);
			dv_sim_mem_write(sim, a, u8(&r));
			break;
		}
		case 9: {
			/* Back to the end of an earlier operation (always a tick boundary). */
			size_t k = u16(&r) % nbound;
			if (!checks) {
				dv_sim_truncate(sim, bound[k]);
				nbound = k + 1;
				break;
			}
			struct dv_cursor probe;
			dv_cursor_init(&probe, sim);
			dv_cursor_seek(&probe, bound[k]);
			dv_sim_truncate(sim, bound[k]);
			nbound = k + 1;
			if (sim->trace.len != bound[k])
				fail("truncate left another trace length", op);
			if (!same_state(&probe.st, &sim->st, &sim->pool))
				fail("truncate gave another state than a cursor at that event", op);
			dv_cursor_finish(&probe);
			if (k % HASH_EVERY == 0 &&
			    digest(&sim->st, &sim->pool) != bhash[k / HASH_EVERY])
				fail("truncate gave another state than the machine had there", op);
			/* The roaming cursor is left where it was, maybe in the lost future: its
			 * next seek must notice. */
			break;
		}
		case 10: {
			unsigned ch = u8(&r) & 7;
			uint8_t mode = u8(&r);
			uint16_t a = u16(&r), count = u16(&r);
			program_channel(sim, ch, mode, a, count, u8(&r));
			break;
		}
		case 11: {
			uint8_t b = u8(&r);
			if (b & 0x40)
				dv_sim_connect_irq(sim, b & 15, (b & 0x20) != 0);
			dv_sim_irq_line(sim, b & 15, (b & 0x10) != 0);
			break;
		}
		case 12: {
			uint8_t b = u8(&r) % 3;
			if (b == 0)
				dv_sim_raise_irql(sim, DV_DIRQL);
			else if (b == 1)
				dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
			else
				dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
			break;
		}
		case 13: {
			uint8_t b = u8(&r);
			if (b & 0x80) /* the peer station sends a frame of 60 to 1514 bytes */
				dv_peer_send(sim, (uint16_t)(DV_PEER_MIN_FRAME +
				                             u16(&r) % (DV_PEER_MAX_FRAME -
				                                        DV_PEER_MIN_FRAME + 1)));
			else
				dv_sim_queue_dpc(sim, b);
			break;
		}
		case 14: (void)dv_sim_random(sim); break;
		default: {
			uint8_t reg = u8(&r) & 15, chip = u8(&r) & 1;
			dv_sim_out(sim, dma_port(chip, reg), u8(&r));
			break;
		}
		}
		/* Ticks record no event of their own: the time of the quiet ones since the last
		 * event, as the lesson engine records it after every statement. */
		dv_sim_sync_time(sim);
		if (checks)
			check_invariants(sim, &live, &ck, op);
		if (nbound <= MAX_OPS) {
			if (checks && nbound % HASH_EVERY == 0)
				bhash[nbound / HASH_EVERY] = digest(&sim->st, &sim->pool);
			bound[nbound++] = sim->trace.len;
		}
	}

	struct outcome out = { dv_trace_hash(&sim->trace, sim->trace.len),
		               digest(&sim->st, &sim->pool), sim->trace.len };
	if (checks) {
		/* Once per run (dv_state_hash reads the state a byte at a time): a cursor, whose
		 * pages are its own copies, hashes like the live machine. */
		if (dv_state_hash(&live.st, &sim->pool) != dv_sim_state_hash(sim))
			fail("cursor at trace.len has another state hash than the live machine",
			     MAX_OPS);
		const struct dv_cursor *cursors[2] = { &live, &roam };
		check_refcounts(sim, cursors, 2);
		/* Back to the start: the reset state again. */
		dv_cursor_seek(&roam, 0);
		if (digest(&roam.st, &sim->pool) != bhash[0])
			fail("a cursor at event 0 is not the reset state", MAX_OPS);
		dv_sim_truncate(sim, 0);
		if (!same_state(&sim->st, &roam.st, &sim->pool))
			fail("truncate to 0 is not the reset state", MAX_OPS);
		dv_cursor_finish(&live);
	}
	dv_cursor_finish(&roam);
	if (checks)
		check_refcounts(sim, NULL, 0);
	dv_sim_destroy(sim);
	return out;
}

/* Called by libFuzzer only (not by replay-main.c). Every input allocates and frees a few MiB
 * (packed keyframes, a trace of up to 128 KiB, pages); glibc would give the freed top of the
 * heap back to the kernel and map large blocks afresh each time, and page faults were a
 * fifth of the fuzzer's time. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
#if defined(__GLIBC__)
	mallopt(M_MMAP_THRESHOLD, 16 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome a = run(data, size, true);
	struct outcome b = run(data, size, false);
	if (a.trace_hash != b.trace_hash || a.state_hash != b.state_hash || a.len != b.len)
		fail("the same program gave two different traces", 0);
	return 0;
}
