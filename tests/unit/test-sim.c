/* dmaviz: unit tests of the machine: time travel (keyframes, cursors, truncate), determinism,
 * the CPU context (IRQ latch, ISR at DIRQL, DPCs), the seeded PRNG and slot names. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dma8237.h"
#include "sim.h"

/* The test's own PRNG (splitmix64 with a fixed seed), independent of the machine's. */
static uint64_t test_rng = 0x5eed;

static uint64_t test_random(void)
{
	uint64_t x = (test_rng += 0x9e3779b97f4a7c15ull);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static struct dv_sim *make_sim(uint64_t seed, uint32_t keyframe_every, bool coherent)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	cfg.seed = seed;
	cfg.keyframe_every = keyframe_every;
	cfg.coherent = coherent;
	struct dv_sim *sim = dv_sim_create(&cfg);
	if (!sim) {
		fprintf(stderr, "dv_sim_create failed\n");
		exit(2);
	}
	return sim;
}

static uint64_t cursor_hash(const struct dv_cursor *c)
{
	return dv_state_hash(&c->st, &c->sim->pool);
}

/* Programs an 8-bit channel (0-3) the way a driver does: mask, clear the flip-flop, mode,
 * address and count low byte first, page, unmask. */
static void program_channel(struct dv_sim *sim, unsigned ch, uint8_t mode, uint16_t addr,
                            uint16_t count, uint8_t page)
{
	dv_sim_out(sim, 0x0A, (uint8_t)(0x04 | ch));
	dv_sim_out(sim, 0x0C, 0);
	dv_sim_out(sim, 0x0B, (uint8_t)(mode | ch));
	dv_sim_out(sim, (uint16_t)(2 * ch), (uint8_t)addr);
	dv_sim_out(sim, (uint16_t)(2 * ch), (uint8_t)(addr >> 8));
	dv_sim_out(sim, (uint16_t)(2 * ch + 1), (uint8_t)count);
	dv_sim_out(sim, (uint16_t)(2 * ch + 1), (uint8_t)(count >> 8));
	dv_sim_out(sim, dv_dma_page_port(ch), page);
	dv_sim_out(sim, 0x0A, (uint8_t)ch);
}

/* ---- the workload of the time-travel tests ---------------------------------------------
 * Step 0 programs channel 2 (single mode, write: I/O -> memory, 4 KiB at 0x20000) and holds
 * DREQ2; every step then ticks once, with CPU traffic through the non-coherent cache, DMA-style
 * memory writes, flushes and draws from the machine's PRNG mixed in. Step i depends only on
 * i and the machine, so running steps [a, b) again after a truncate must redo the same trace. */
#define WL_STEPS 9000u

static void workload_step(struct dv_sim *sim, uint32_t i, uint16_t count)
{
	if (i == 0) {
		program_channel(sim, 2, 0x44, 0x0000, count, 0x02);
		dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, sim->st.bus.dreq | 1u << 2);
		return;
	}
	if (i % 7 == 0)
		dv_sim_cpu_write(sim, 0x30000 + (uint32_t)(dv_sim_random(sim) & 0x7FF), (uint8_t)i);
	if (i % 11 == 0)
		(void)dv_sim_cpu_read(sim, 0x20000 + (i * 13u) % 0x1000);
	if (i % 13 == 0)
		dv_sim_mem_write(sim, 0x40000 + (i * 7u) % 0x3000, (uint8_t)(i >> 3));
	if (i % 97 == 0)
		dv_sim_cache_flush(sim, 0x30000, 0x800, (i & 1) != 0);
	if (i % 501 == 0)
		dv_sim_out(sim, 0x80, (uint8_t)i); /* a POST code: a port event and a state event */
	if (i % 1000 == 0)
		(void)dv_sim_in(sim, 0x08); /* reading the status clears the TC bits */
	/* After terminal count the card lets go of DREQ, as a real device would. */
	if ((sim->st.dma[0].status & 0x04) || (sim->st.dma[0].mask & 0x04))
		dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, sim->st.bus.dreq & ~(1u << 2));
	dv_sim_tick(sim);
	dv_sim_sync_time(sim); /* as the engine after a statement: a quiet tick's cycle */
}

struct recording {
	size_t *boundary; /* boundary[i]: trace length before step i; boundary[WL_STEPS] = end */
	uint64_t *hash;   /* state hash at boundary[i], for every i that is a multiple of 16 */
};

static void record_workload(struct dv_sim *sim, struct recording *r, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++) {
		r->boundary[i] = sim->trace.len;
		if (i % 16 == 0)
			r->hash[i / 16] = dv_sim_state_hash(sim);
		workload_step(sim, i, 0x0FFF);
	}
	r->boundary[to] = sim->trace.len;
}

static void test_time_travel(void)
{
	struct dv_sim *sim = make_sim(0x1234, 64, false);
	uint64_t h_reset = dv_sim_state_hash(sim);
	struct recording r;
	r.boundary = calloc(WL_STEPS + 1, sizeof *r.boundary);
	r.hash = calloc(WL_STEPS / 16 + 1, sizeof *r.hash);
	if (!r.boundary || !r.hash)
		exit(2);
	record_workload(sim, &r, 0, WL_STEPS);
	const size_t n = sim->trace.len;
	const uint64_t h_live = dv_sim_state_hash(sim);
	const uint64_t t_live = dv_trace_hash(&sim->trace, n);

	/* The workload did what it should: the whole 4 KiB moved, TC came, keyframes were
	 * taken, memory was written by the DMA and the cache is in play. */
	size_t xfers = 0;
	for (size_t i = 0; i < n; i++)
		xfers += dv_trace_at(&sim->trace, i)->kind == DV_EV_XFER;
	CHECK_EQ(xfers, 4096);
	CHECK(sim->st.dma[0].mask & 0x04);
	CHECK_EQ(sim->st.dma[0].ch[2].cur_count, 0xFFFF);
	CHECK_EQ(sim->st.dma[0].ch[2].cur_addr, 0x1000);
	CHECK_EQ(dv_sim_mem_read(sim, 0x20FFF), 0xFF); /* no card on channel 2: the bus floats */
	CHECK(sim->nkf > 100);
	CHECK(h_live != h_reset);

	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	CHECK_EQ(cursor_hash(&c), h_reset);

	/* Back M events and forward again, for M = 0, the whole trace, a keyframe's worth and
	 * random values. */
	size_t ms[16] = { 0, n, 1, 63, 64, 65, n - 1, n / 2 };
	for (unsigned k = 8; k < 16; k++)
		ms[k] = (size_t)(test_random() % (n + 1));
	for (unsigned k = 0; k < 16; k++) {
		dv_cursor_seek(&c, n - ms[k]);
		CHECK_EQ(c.pos, n - ms[k]);
		dv_cursor_seek(&c, n);
		CHECK_EQ(cursor_hash(&c), h_live);
	}
	dv_cursor_seek(&c, 0);
	CHECK_EQ(cursor_hash(&c), h_reset);
	dv_cursor_seek(&c, n + 1000); /* clamped */
	CHECK_EQ(c.pos, n);
	CHECK_EQ(cursor_hash(&c), h_live);

	/* At every recorded tick boundary the cursor shows what the live machine was then. */
	unsigned bad = 0;
	for (uint32_t i = 0; i < WL_STEPS; i += 16 * 7) {
		dv_cursor_seek(&c, r.boundary[i]);
		bad += cursor_hash(&c) != r.hash[i / 16];
	}
	for (uint32_t k = 0; k < WL_STEPS / 16; k += 5) {
		uint32_t i = (WL_STEPS / 16 - 1 - k) * 16; /* backward */
		dv_cursor_seek(&c, r.boundary[i]);
		bad += cursor_hash(&c) != r.hash[i / 16];
	}
	CHECK_EQ(bad, 0);

	/* 100 seeks in random order: the moving cursor always equals a fresh one. */
	bad = 0;
	for (unsigned k = 0; k < 100; k++) {
		size_t to = (size_t)(test_random() % (n + 1));
		if (k % 10 == 0)
			to = r.boundary[(test_random() % (WL_STEPS / 16)) * 16];
		dv_cursor_seek(&c, to);
		struct dv_cursor fresh;
		dv_cursor_init(&fresh, sim);
		dv_cursor_seek(&fresh, to);
		bad += cursor_hash(&c) != cursor_hash(&fresh);
		bad += memcmp(&c.st, &fresh.st, offsetof(struct dv_state, mem_page)) != 0;
		dv_cursor_finish(&fresh);
	}
	CHECK_EQ(bad, 0);
	/* The live machine was never touched by any of it. */
	CHECK_EQ(dv_sim_state_hash(sim), h_live);
	CHECK_EQ(sim->trace.len, n);

	/* Where the keyframes were taken: a re-run must take them at the same events. */
	size_t nkf = sim->nkf;
	size_t *kf_at = calloc(nkf, sizeof *kf_at);
	if (!kf_at)
		exit(2);
	for (size_t i = 0; i < nkf; i++)
		kf_at[i] = sim->kf[i].event;

	/* Truncate to a tick boundary and run the same steps again: the same trace and state,
	 * near the end (walking back) and far from it (restoring a keyframe), and to the very
	 * beginning. */
	uint32_t cuts[] = { WL_STEPS - 1,
		            WL_STEPS - 37,
		            4100,
		            1,
		            (uint32_t)(test_random() % WL_STEPS),
		            (uint32_t)(test_random() % WL_STEPS),
		            0 };
	for (unsigned k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
		uint32_t at = cuts[k];
		dv_sim_truncate(sim, r.boundary[at]);
		CHECK_EQ(sim->trace.len, r.boundary[at]);
		if (at % 16 == 0)
			CHECK_EQ(dv_sim_state_hash(sim), r.hash[at / 16]);
		for (size_t i = 0; i < sim->nkf; i++)
			CHECK(sim->kf[i].event <= r.boundary[at]);
		/* The old cursor notices the truncate and still gives right answers. */
		dv_cursor_seek(&c, sim->trace.len);
		CHECK_EQ(cursor_hash(&c), dv_sim_state_hash(sim));
		record_workload(sim, &r, at, WL_STEPS);
		CHECK_EQ(sim->trace.len, n);
		CHECK_EQ(dv_trace_hash(&sim->trace, sim->trace.len), t_live);
		CHECK_EQ(dv_sim_state_hash(sim), h_live);
		CHECK_EQ(sim->nkf, nkf);
		size_t moved = 0;
		for (size_t i = 0; i < nkf && i < sim->nkf; i++)
			moved += sim->kf[i].event != kf_at[i];
		CHECK_EQ(moved, 0);
	}
	free(kf_at);
	/* Each keyframe shares the chunks that did not change with the one before it (the
	 * memory above 16 MiB, never written, at least), after the truncates too. */
	for (size_t k = 1; k < sim->nkf; k++) {
		size_t shared = 0;
		for (size_t ch = 0; ch < DV_KF_CHUNKS; ch++)
			shared += dv_keyframe_shares(&sim->kf[k], &sim->kf[k - 1], ch);
		CHECK(shared >= DV_KF_CHUNKS / 2);
	}
	/* Keyframes rebuilt after the truncates work for seeking as well. */
	dv_cursor_seek(&c, r.boundary[WL_STEPS / 2 / 16 * 16]);
	CHECK_EQ(cursor_hash(&c), r.hash[WL_STEPS / 2 / 16]);
	dv_cursor_seek(&c, n);
	CHECK_EQ(cursor_hash(&c), h_live);

	dv_cursor_finish(&c);
	free(r.boundary);
	free(r.hash);
	dv_sim_destroy(sim);
}

static void test_truncate_then_diverge(void)
{
	/* After a truncate the machine may take another path; cursors follow the new one. */
	struct dv_sim *sim = make_sim(7, 16, false);
	for (uint32_t i = 0; i < 400; i++)
		workload_step(sim, i, 0x00FF);
	size_t cut = sim->trace.len;
	uint64_t h_cut = dv_sim_state_hash(sim);
	for (uint32_t i = 400; i < 800; i++)
		workload_step(sim, i, 0x00FF);
	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	size_t old_end = sim->trace.len;
	dv_cursor_seek(&c, old_end);
	dv_sim_truncate(sim, cut);
	CHECK_EQ(dv_sim_state_hash(sim), h_cut);
	/* Another future, longer than the lost one (so the cursor's position exists again,
	 * with other events before it): memory writes the first run never made. */
	for (uint32_t i = 0; sim->trace.len <= old_end + 100; i++) {
		dv_sim_mem_write(sim, 0x50000 + i % 0x1000, (uint8_t)(i ^ 0x5A));
		dv_sim_tick(sim);
	}
	dv_sim_sync_time(sim);
	dv_cursor_seek(&c, old_end + 50);
	struct dv_cursor fresh;
	dv_cursor_init(&fresh, sim);
	dv_cursor_seek(&fresh, old_end + 50);
	CHECK_EQ(cursor_hash(&c), cursor_hash(&fresh));
	dv_cursor_finish(&fresh);
	dv_cursor_seek(&c, sim->trace.len);
	CHECK_EQ(cursor_hash(&c), dv_sim_state_hash(sim));
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_MEM, 0x50001), 0x5B);
	dv_cursor_seek(&c, cut);
	CHECK_EQ(cursor_hash(&c), h_cut);
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_MEM, 0x50001), 0);
	/* Truncating at or past the end changes nothing. */
	size_t len = sim->trace.len;
	uint64_t h = dv_sim_state_hash(sim);
	dv_sim_truncate(sim, len);
	dv_sim_truncate(sim, len + 10);
	CHECK_EQ(sim->trace.len, len);
	CHECK_EQ(dv_sim_state_hash(sim), h);
	dv_cursor_finish(&c);
	dv_sim_destroy(sim);
}

/* ---- determinism ----------------------------------------------------------------------- */

/* The hash of a copy of src with event `at` replaced by *repl; with a file, the copy interns
 * pre:1 (when given) and then file:10, and the replaced event points at file:10. */
static uint64_t edited_hash(const struct dv_trace *src, size_t at, const struct dv_event *repl,
                            const char *pre, const char *file)
{
	struct dv_trace t;
	dv_trace_init(&t);
	struct dv_event e = *repl;
	if (pre)
		dv_trace_loc(&t, pre, 1);
	if (file)
		e.loc = dv_trace_loc(&t, file, 10);
	for (size_t i = 0; i < dv_trace_len(src); i++)
		dv_trace_push(&t, i == at ? &e : dv_trace_at(src, i));
	uint64_t h = dv_trace_hash(&t, dv_trace_len(&t));
	dv_trace_finish(&t);
	return h;
}

static void run_program(struct dv_sim *sim, uint16_t count)
{
	for (uint32_t i = 0; i < 2500; i++) /* > 10,000 events: sealed blocks */
		workload_step(sim, i, count);
}

static void test_determinism(void)
{
	struct dv_sim *a = make_sim(99, 64, false), *b = make_sim(99, 64, false);
	struct dv_sim *seed = make_sim(100, 64, false), *input = make_sim(99, 64, false);
	run_program(a, 0x0FFF);
	run_program(b, 0x0FFF);
	run_program(seed, 0x0FFF);
	run_program(input, 0x0FFE);
	CHECK(a->trace.len > 10000);
	CHECK_EQ(a->trace.len, b->trace.len);
	CHECK_EQ(dv_trace_hash(&a->trace, a->trace.len), dv_trace_hash(&b->trace, b->trace.len));
	/* Field by field (struct dv_event has trailing padding, which is not part of it). */
	size_t differ = 0;
	for (size_t i = 0; i < a->trace.len && i < b->trace.len; i++) {
		const struct dv_event *x = dv_trace_at(&a->trace, i),
		                      *y = dv_trace_at(&b->trace, i);
		differ += x->cycle != y->cycle || x->index != y->index ||
		          x->old_value != y->old_value || x->new_value != y->new_value ||
		          x->kind != y->kind || x->slot != y->slot || x->loc != y->loc ||
		          x->src != y->src || x->chan != y->chan;
	}
	CHECK_EQ(differ, 0);
	CHECK_EQ(dv_sim_state_hash(a), dv_sim_state_hash(b));
	/* A different seed (the PRNG picks the CPU's write addresses) or a different input
	 * gives a different trace: the hash can tell. */
	CHECK(dv_trace_hash(&seed->trace, seed->trace.len) !=
	      dv_trace_hash(&a->trace, a->trace.len));
	CHECK(dv_trace_hash(&input->trace, input->trace.len) !=
	      dv_trace_hash(&a->trace, a->trace.len));
	CHECK(dv_sim_state_hash(seed) != dv_sim_state_hash(a));
	CHECK(dv_sim_state_hash(input) != dv_sim_state_hash(a));
	/* The hash of a prefix is the hash of that prefix: one changed event changes it. */
	uint64_t h = dv_trace_hash(&a->trace, a->trace.len);
	CHECK(dv_trace_hash(&a->trace, a->trace.len - 1) != h);
	CHECK_EQ(dv_trace_hash(&a->trace, a->trace.len + 5), h);
	struct dv_event e = *dv_trace_at(&a->trace, a->trace.len / 2);
	e.new_value ^= 1;
	CHECK(edited_hash(&a->trace, a->trace.len / 2, &e, NULL, NULL) != h);
	e = *dv_trace_at(&a->trace, 3);
	e.src ^= 1;
	CHECK(edited_hash(&a->trace, 3, &e, NULL, NULL) != h);
	CHECK_EQ(edited_hash(&a->trace, 3, dv_trace_at(&a->trace, 3), NULL, NULL), h);
	/* Source locations count by content, not by id (1 in one copy, 2 in the other). */
	e = *dv_trace_at(&a->trace, 0);
	CHECK_EQ(edited_hash(&a->trace, 0, &e, NULL, "driver.c"),
	         edited_hash(&b->trace, 0, &e, "other.c", "driver.c"));
	CHECK(edited_hash(&a->trace, 0, &e, NULL, "driver.c") !=
	      edited_hash(&a->trace, 0, &e, "driver.c", "other.c"));
	dv_sim_destroy(a);
	dv_sim_destroy(b);
	dv_sim_destroy(seed);
	dv_sim_destroy(input);
}

/* ---- the CPU context ------------------------------------------------------------------- */

struct cpu_log {
	unsigned isr_calls, dpc_calls;
	unsigned last_irq;
	uint8_t irql_in_isr, irql_in_dpc;
	uint8_t hlda_in_isr, owner_in_isr;
	int queue_first, queue_again;
	unsigned order[16];
	unsigned norder;
};

static void on_interrupt(void *ctx, struct dv_sim *sim, unsigned irq)
{
	struct cpu_log *log = ctx;
	log->isr_calls++;
	log->last_irq = irq;
	log->irql_in_isr = sim->st.cpu.irql;
	log->hlda_in_isr = sim->st.bus.hlda;
	log->owner_in_isr = dv_sim_get(sim, DV_SLOT_BUS_OWNER, 0);
	if (log->norder < 16)
		log->order[log->norder++] = 100 + irq;
	/* The ISR queues its DPC; queuing it again before it ran does nothing. */
	log->queue_first = dv_sim_queue_dpc(sim, (uint8_t)irq);
	log->queue_again = dv_sim_queue_dpc(sim, (uint8_t)irq);
}

static void on_dpc(void *ctx, struct dv_sim *sim, unsigned id)
{
	struct cpu_log *log = ctx;
	log->dpc_calls++;
	log->irql_in_dpc = sim->st.cpu.irql;
	if (log->norder < 16)
		log->order[log->norder++] = 200 + id;
}

static void test_irq_latch(void)
{
	struct dv_sim *sim = make_sim(1, 0, true);
	dv_sim_irq_line(sim, 5, true);
	CHECK_EQ(sim->st.bus.irq, 1u << 5);
	CHECK_EQ(sim->st.cpu.irr, 1u << 5);
	/* The latch keeps the request after the line falls (ISA interrupts are edges). */
	dv_sim_irq_line(sim, 5, false);
	CHECK_EQ(sim->st.bus.irq, 0);
	CHECK_EQ(sim->st.cpu.irr, 1u << 5);
	/* A line held high makes no second request: only a rising edge latches. */
	dv_sim_set(sim, DV_SLOT_CPU_IRR, 0, 0);
	dv_sim_irq_line(sim, 5, true);
	CHECK_EQ(sim->st.cpu.irr, 1u << 5);
	dv_sim_set(sim, DV_SLOT_CPU_IRR, 0, 0);
	size_t len = sim->trace.len;
	dv_sim_irq_line(sim, 5, true);
	CHECK_EQ(sim->st.cpu.irr, 0);
	CHECK_EQ(sim->trace.len, len); /* no edge, no event */
	/* A falling edge latches nothing either. */
	dv_sim_irq_line(sim, 5, false);
	CHECK_EQ(sim->st.cpu.irr, 0);
	CHECK_EQ(sim->st.bus.irq, 0);
	dv_sim_irq_line(sim, 5, true); /* ... and the next rising edge does */
	CHECK_EQ(sim->st.cpu.irr, 1u << 5);
	dv_sim_set(sim, DV_SLOT_CPU_IRR, 0, 0);
	/* Other lines are independent; IRQ numbers wrap into 0-15. */
	dv_sim_irq_line(sim, 3, true);
	CHECK_EQ(sim->st.cpu.irr, 1u << 3);
	CHECK_EQ(sim->st.bus.irq, (1u << 5) | (1u << 3));
	dv_sim_irq_line(sim, 16 + 7, true);
	CHECK_EQ(sim->st.cpu.irr, (1u << 3) | (1u << 7));
	dv_sim_destroy(sim);
}

static void test_irq_delivery(void)
{
	struct dv_sim *sim = make_sim(1, 0, true);
	struct cpu_log log = { 0 };
	sim->hooks.ctx = &log;
	sim->hooks.interrupt = on_interrupt;
	sim->hooks.dpc = on_dpc;

	/* Not connected: latched but not delivered. */
	dv_sim_irq_line(sim, 5, true);
	dv_sim_run(sim, 3);
	CHECK_EQ(log.isr_calls, 0);
	CHECK_EQ(sim->st.cpu.irr, 1u << 5);
	/* Connected: delivered on the next tick, at DIRQL; the DPC runs when IRQL drops. */
	dv_sim_connect_irq(sim, 5, true);
	CHECK_EQ(sim->st.cpu.connected, 1u << 5);
	dv_sim_tick(sim);
	CHECK_EQ(log.isr_calls, 1);
	CHECK_EQ(log.last_irq, 5);
	CHECK_EQ(log.irql_in_isr, DV_DIRQL);
	CHECK_EQ(log.hlda_in_isr, 0);
	CHECK_EQ(log.queue_first, 1);
	CHECK_EQ(log.queue_again, 0);
	CHECK_EQ(log.dpc_calls, 1);
	CHECK_EQ(log.irql_in_dpc, DV_DISPATCH_LEVEL);
	CHECK(log.norder == 2 && log.order[0] == 105 && log.order[1] == 205);
	CHECK_EQ(sim->st.cpu.irql, DV_PASSIVE_LEVEL);
	CHECK_EQ(sim->st.cpu.irr, 0);
	CHECK_EQ(sim->st.cpu.in_service, 0);
	CHECK_EQ(sim->st.cpu.dpc_count, 0);
	/* The trace explains it: the delivery and the DPC are notes. */
	unsigned delivered = 0, dpc_run = 0;
	for (size_t i = 0; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		if (e->kind == DV_EV_NOTE && e->slot == DV_NOTE_IRQ_DELIVERED && e->index == 5)
			delivered++;
		if (e->kind == DV_EV_NOTE && e->slot == DV_NOTE_DPC_RUN && e->index == 5)
			dpc_run++;
	}
	CHECK_EQ(delivered, 1);
	CHECK_EQ(dpc_run, 1);
	/* Once taken, the request is gone: no second delivery. */
	dv_sim_run(sim, 3);
	CHECK_EQ(log.isr_calls, 1);

	/* At DIRQL the CPU takes no interrupt; lowering IRQL lets the next tick take it. */
	dv_sim_raise_irql(sim, DV_DIRQL);
	dv_sim_irq_line(sim, 5, false);
	dv_sim_irq_line(sim, 5, true);
	dv_sim_run(sim, 2);
	CHECK_EQ(log.isr_calls, 1);
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	dv_sim_tick(sim);
	CHECK_EQ(log.isr_calls, 2);
	/* Two requests at once: the lower IRQ number first (8259 fixed priority). */
	dv_sim_connect_irq(sim, 3, true);
	dv_sim_irq_line(sim, 5, false);
	dv_sim_raise_irql(sim, DV_DIRQL);
	dv_sim_irq_line(sim, 5, true);
	dv_sim_irq_line(sim, 3, true);
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	log.norder = 0;
	dv_sim_tick(sim);
	dv_sim_tick(sim);
	CHECK_EQ(log.isr_calls, 4);
	CHECK(log.norder == 4 && log.order[0] == 103 && log.order[1] == 203 &&
	      log.order[2] == 105 && log.order[3] == 205);
	dv_sim_destroy(sim);
}

static void test_irq_waits_for_bus(void)
{
	/* A block-mode transfer holds the bus: the CPU cannot take the interrupt until the
	 * DMA gives the bus back at terminal count. */
	struct dv_sim *sim = make_sim(1, 0, true);
	struct cpu_log log = { 0 };
	sim->hooks.ctx = &log;
	sim->hooks.interrupt = on_interrupt;
	sim->hooks.dpc = on_dpc;
	dv_sim_connect_irq(sim, 3, true);
	program_channel(sim, 2, 0x84, 0x1000, 31, 0x01); /* block, write, 32 bytes */
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, 1u << 2);
	unsigned ticks = 0;
	while (!sim->st.bus.hlda && ticks < 10) {
		dv_sim_tick(sim);
		ticks++;
	}
	CHECK_EQ(sim->st.bus.hlda, 1);
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_BUS_OWNER, 0), 1);
	dv_sim_irq_line(sim, 3, true);
	unsigned held = 0;
	while (sim->st.bus.hlda && held < 100) {
		dv_sim_tick(sim);
		held++;
		if (sim->st.bus.hlda)
			CHECK_EQ(log.isr_calls, 0);
	}
	CHECK(held >= 30 && held < 100);
	CHECK(sim->st.dma[0].status & 0x04); /* TC on channel 2 */
	/* Delivered at the end of the tick that gave the bus back. */
	CHECK_EQ(log.isr_calls, 1);
	CHECK_EQ(log.hlda_in_isr, 0);
	CHECK_EQ(log.owner_in_isr, 0);
	CHECK_EQ(log.irql_in_isr, DV_DIRQL);
	CHECK_EQ(log.dpc_calls, 1);
	CHECK_EQ(dv_sim_mem_read(sim, 0x11000 + 31), 0xFF);
	dv_sim_destroy(sim);
}

static void test_dpc_queue(void)
{
	struct dv_sim *sim = make_sim(1, 0, true);
	struct cpu_log log = { 0 };
	sim->hooks.ctx = &log;
	sim->hooks.dpc = on_dpc;
	/* At DISPATCH_LEVEL queued DPCs wait; a DPC already queued is not queued twice. */
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
	for (unsigned i = 0; i < DV_DPC_QUEUE; i++)
		CHECK(dv_sim_queue_dpc(sim, (uint8_t)(10 + i)));
	CHECK_EQ(sim->st.cpu.dpc_count, DV_DPC_QUEUE);
	size_t len = sim->trace.len;
	CHECK(!dv_sim_queue_dpc(sim, 10)); /* already queued: no note, nothing changes */
	CHECK_EQ(sim->trace.len, len);
	/* A ninth DPC finds the queue full: dropped, with a note. */
	CHECK(!dv_sim_queue_dpc(sim, 99));
	CHECK_EQ(sim->trace.len, len + 1);
	const struct dv_event *e = dv_trace_at(&sim->trace, sim->trace.len - 1);
	CHECK(e->kind == DV_EV_NOTE && e->slot == DV_NOTE_DPC_OVERFLOW && e->index == 99);
	CHECK_EQ(sim->st.cpu.dpc_count, DV_DPC_QUEUE);
	dv_sim_run(sim, 5);
	CHECK_EQ(log.dpc_calls, 0);
	/* Lowering to PASSIVE drains the queue in order, at DISPATCH_LEVEL. */
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	CHECK_EQ(log.dpc_calls, DV_DPC_QUEUE);
	CHECK_EQ(log.irql_in_dpc, DV_DISPATCH_LEVEL);
	CHECK_EQ(log.norder, DV_DPC_QUEUE);
	for (unsigned i = 0; i < log.norder; i++)
		CHECK_EQ(log.order[i], 210 + i);
	CHECK_EQ(sim->st.cpu.dpc_count, 0);
	CHECK_EQ(sim->st.cpu.irql, DV_PASSIVE_LEVEL);
	/* Once run, the same DPC may be queued again. */
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
	CHECK(dv_sim_queue_dpc(sim, 10));
	/* Lowering from DIRQL to DISPATCH runs nothing; raising never lowers. */
	dv_sim_raise_irql(sim, DV_DIRQL);
	dv_sim_raise_irql(sim, DV_DISPATCH_LEVEL);
	CHECK_EQ(sim->st.cpu.irql, DV_DIRQL);
	dv_sim_lower_irql(sim, DV_DISPATCH_LEVEL);
	CHECK_EQ(log.dpc_calls, DV_DPC_QUEUE);
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	CHECK_EQ(log.dpc_calls, DV_DPC_QUEUE + 1);
	dv_sim_destroy(sim);
}

static void test_cpu_context_time_travel(void)
{
	/* The CPU context is state: undoing an ISR and its DPC gives back IRR and the queue. */
	struct dv_sim *sim = make_sim(1, 8, true);
	struct cpu_log log = { 0 };
	sim->hooks.ctx = &log;
	sim->hooks.interrupt = on_interrupt;
	dv_sim_connect_irq(sim, 4, true);
	dv_sim_raise_irql(sim, DV_DIRQL);
	dv_sim_irq_line(sim, 4, true);
	size_t before = sim->trace.len;
	uint64_t h = dv_sim_state_hash(sim);
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	dv_sim_tick(sim);
	CHECK_EQ(log.isr_calls, 1);
	CHECK_EQ(sim->st.cpu.irr, 0);
	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	dv_cursor_seek(&c, before);
	CHECK_EQ(cursor_hash(&c), h);
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_CPU_IRR, 0), 1u << 4);
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_CPU_IRQL, 0), DV_DIRQL);
	dv_cursor_finish(&c);
	dv_sim_truncate(sim, before);
	CHECK_EQ(dv_sim_state_hash(sim), h);
	dv_sim_lower_irql(sim, DV_PASSIVE_LEVEL);
	dv_sim_tick(sim);
	CHECK_EQ(log.isr_calls, 2);
	dv_sim_destroy(sim);
}

/* ---- the PRNG ---------------------------------------------------------------------------- */

static void test_prng(void)
{
	/* splitmix64 from seed 0: the published first outputs. */
	struct dv_sim *z = make_sim(0, 0, true);
	CHECK_EQ(dv_sim_random(z), 0xe220a8397b1dcdafull);
	CHECK_EQ(dv_sim_random(z), 0x6e789e6aa1b965f4ull);
	CHECK_EQ(dv_sim_random(z), 0x06c45d188009454full);
	dv_sim_destroy(z);

	struct dv_sim *a = make_sim(42, 4, true), *b = make_sim(42, 4, true),
	              *c = make_sim(43, 4, true);
	uint64_t va[64], vb[64];
	unsigned same_as_c = 0;
	for (unsigned i = 0; i < 64; i++) {
		va[i] = dv_sim_random(a);
		vb[i] = dv_sim_random(b);
		same_as_c += dv_sim_random(c) == va[i];
	}
	CHECK(memcmp(va, vb, sizeof va) == 0);
	CHECK_EQ(same_as_c, 0);
	/* The sequence is not constant. */
	CHECK(va[0] != va[1] && va[1] != va[2]);

	/* It lives in the state: a cursor brings back the old generator, and a truncate makes
	 * the machine draw the same numbers again. */
	struct dv_sim *s = make_sim(42, 4, true);
	for (unsigned i = 0; i < 10; i++)
		(void)dv_sim_random(s);
	size_t at = s->trace.len;
	uint32_t lo = s->st.rng_lo, hi = s->st.rng_hi;
	uint64_t next[5];
	for (unsigned i = 0; i < 5; i++)
		next[i] = dv_sim_random(s);
	CHECK_EQ(next[0], va[10]);
	struct dv_cursor cur;
	dv_cursor_init(&cur, s);
	dv_cursor_seek(&cur, at);
	CHECK_EQ(dv_cursor_get(&cur, DV_SLOT_RNG_LO, 0), lo);
	CHECK_EQ(dv_cursor_get(&cur, DV_SLOT_RNG_HI, 0), hi);
	dv_cursor_seek(&cur, 0);
	CHECK_EQ(dv_cursor_get(&cur, DV_SLOT_RNG_LO, 0), 42);
	CHECK_EQ(dv_cursor_get(&cur, DV_SLOT_RNG_HI, 0), 0);
	dv_cursor_finish(&cur);
	dv_sim_truncate(s, at);
	CHECK(s->st.rng_lo == lo && s->st.rng_hi == hi);
	for (unsigned i = 0; i < 5; i++)
		CHECK_EQ(dv_sim_random(s), next[i]);
	dv_sim_truncate(s, 0);
	CHECK_EQ(dv_sim_random(s), va[0]);
	dv_sim_destroy(a);
	dv_sim_destroy(b);
	dv_sim_destroy(c);
	dv_sim_destroy(s);
}

/* ---- slot names -------------------------------------------------------------------------- */

static void test_slot_names(void)
{
	char buf[64];
	dv_slot_name(DV_SLOT_DMA_COUNT, 1, buf, sizeof buf);
	CHECK(strcmp(buf, "dma.ch1.count") == 0);
	dv_slot_name(DV_SLOT_DMA_COUNT, 5, buf, sizeof buf);
	CHECK(strcmp(buf, "dma.ch5.count") == 0);
	dv_slot_name(DV_SLOT_DMA_STATUS, 0, buf, sizeof buf);
	CHECK(strcmp(buf, "dma1.status") == 0);
	dv_slot_name(DV_SLOT_DMA_MASK, 1, buf, sizeof buf);
	CHECK(strcmp(buf, "dma2.mask") == 0);
	dv_slot_name(DV_SLOT_PAGE, 1, buf, sizeof buf);
	CHECK(strcmp(buf, "page.ch1") == 0);
	dv_slot_name(DV_SLOT_MEM, 0x3000, buf, sizeof buf);
	CHECK(strcmp(buf, "mem[0x3000]") == 0);
	dv_slot_name(DV_SLOT_CYCLE, 0, buf, sizeof buf);
	CHECK(strcmp(buf, "cycle") == 0);
	dv_slot_name(DV_SLOT_BUS_OWNER, 0, buf, sizeof buf);
	CHECK(strcmp(buf, "bus.owner") == 0);
	dv_slot_name(DV_SLOT_PAGE_EXTRA, 0, buf, sizeof buf);
	CHECK(strcmp(buf, "port.0x80") == 0);
	/* A short buffer is cut, still terminated. */
	dv_slot_name(DV_SLOT_DMA_COUNT, 1, buf, 6);
	CHECK(strcmp(buf, "dma.c") == 0);
	CHECK_EQ(dv_slot_size(DV_SLOT_DMA_COUNT), 8);
	CHECK_EQ(dv_slot_size(DV_SLOT_MEM), DV_MEM_MAX);
	CHECK_EQ(dv_slot_size(DV_SLOT_COUNT), 0);
	CHECK(strcmp(dv_slot_pattern(DV_SLOT_COUNT), "?") == 0);
	/* Every slot has a distinct name pattern. */
	unsigned dup = 0;
	for (int i = 0; i < DV_SLOT_COUNT; i++)
		for (int j = i + 1; j < DV_SLOT_COUNT; j++)
			dup += strcmp(dv_slot_pattern((enum dv_slot)i),
			              dv_slot_pattern((enum dv_slot)j)) == 0;
	CHECK_EQ(dup, 0);
}

static void test_set_records_old_and_new(void)
{
	struct dv_sim *sim = make_sim(1, 0, true);
	size_t len = sim->trace.len;
	dv_sim_set(sim, DV_SLOT_DMA_COUNT, 5, 0x1234);
	CHECK_EQ(sim->trace.len, len + 1);
	const struct dv_event *e = dv_trace_at(&sim->trace, len);
	CHECK(e->kind == DV_EV_STATE && e->slot == DV_SLOT_DMA_COUNT && e->index == 5 &&
	      e->old_value == 0 && e->new_value == 0x1234);
	CHECK_EQ(sim->st.dma[1].ch[1].cur_count, 0x1234);
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_DMA_COUNT, 5), 0x1234);
	/* Setting the same value records nothing. */
	dv_sim_set(sim, DV_SLOT_DMA_COUNT, 5, 0x1234);
	CHECK_EQ(sim->trace.len, len + 1);
	/* A value wider than the field is cut, and the event records what was stored. */
	dv_sim_set(sim, DV_SLOT_DMA_MODE, 2, 0x1FF);
	e = dv_trace_at(&sim->trace, sim->trace.len - 1);
	CHECK_EQ(e->new_value, 0xFF);
	CHECK_EQ(sim->st.dma[0].ch[2].mode, 0xFF);
	/* An index outside the slot changes nothing and records nothing. */
	len = sim->trace.len;
	uint64_t h = dv_sim_state_hash(sim);
	dv_sim_set(sim, DV_SLOT_DMA_COUNT, 8, 1);
	dv_sim_set(sim, DV_SLOT_DMA_MASK, 2, 1);
	dv_sim_set(sim, DV_SLOT_NONE, 0, 1);
	CHECK_EQ(sim->trace.len, len);
	CHECK_EQ(dv_sim_state_hash(sim), h);
	/* Events carry the cycle and the cause. */
	uint32_t saved = dv_sim_cause(sim, DV_SRC_DRIVER, dv_trace_loc(&sim->trace, "drv.c", 42));
	dv_sim_set(sim, DV_SLOT_PAGE, 3, 0x12);
	dv_sim_cause_restore(sim, saved);
	e = dv_trace_at(&sim->trace, sim->trace.len - 1);
	CHECK_EQ(e->src, DV_SRC_DRIVER);
	const struct dv_loc *loc = dv_trace_get_loc(&sim->trace, e->loc);
	CHECK(loc && strcmp(loc->file, "drv.c") == 0 && loc->line == 42);
	CHECK_EQ(sim->cause_src, DV_SRC_CPU);
	/* A quiet tick records nothing; the engine's sync after a statement records the cycle
	 * it reached, once, and a second sync adds nothing. */
	size_t before = sim->trace.len;
	dv_sim_tick(sim);
	CHECK_EQ(sim->st.cycle, 1);
	CHECK_EQ(sim->trace.len, before);
	dv_sim_sync_time(sim);
	dv_sim_sync_time(sim);
	CHECK_EQ(sim->trace.len, before + 1);
	e = dv_trace_at(&sim->trace, sim->trace.len - 1);
	CHECK(e->kind == DV_EV_STATE && e->slot == DV_SLOT_CYCLE && e->old_value == 0 &&
	      e->new_value == 1 && e->cycle == 1 && e->src == DV_SRC_MACHINE);
	dv_sim_destroy(sim);
}

CHECK_MAIN(CHECK_CASE(test_time_travel), CHECK_CASE(test_truncate_then_diverge),
           CHECK_CASE(test_determinism), CHECK_CASE(test_irq_latch), CHECK_CASE(test_irq_delivery),
           CHECK_CASE(test_irq_waits_for_bus), CHECK_CASE(test_dpc_queue),
           CHECK_CASE(test_cpu_context_time_travel), CHECK_CASE(test_prng),
           CHECK_CASE(test_slot_names), CHECK_CASE(test_set_records_old_and_new))
