/* dmaviz: unit tests of physical memory (sparse, copy-on-write pages, the state hash) and of the
 * optional non-coherent write-back CPU cache. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mem.h"
#include "sim.h"

static struct dv_sim *make_sim(uint32_t mem_size, bool coherent, uint32_t keyframe_every)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	if (mem_size)
		cfg.mem_size = mem_size;
	cfg.coherent = coherent;
	if (keyframe_every)
		cfg.keyframe_every = keyframe_every;
	struct dv_sim *sim = dv_sim_create(&cfg);
	if (!sim) {
		fprintf(stderr, "dv_sim_create failed\n");
		exit(2);
	}
	return sim;
}

static struct dv_state *new_state(void)
{
	struct dv_state *st = calloc(1, sizeof *st);
	if (!st) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	return st;
}

static const struct dv_event *last_event(const struct dv_sim *sim)
{
	return sim->trace.len ? dv_trace_at(&sim->trace, sim->trace.len - 1) : NULL;
}

/* ---- sparse memory ----------------------------------------------------------------------- */

static void test_unwritten_reads_zero(void)
{
	struct dv_sim *sim = make_sim(0, true, 0);
	uint32_t pages = sim->pool.count;
	CHECK_EQ(dv_sim_mem_read(sim, 0), 0);
	CHECK_EQ(dv_sim_mem_read(sim, 0x123456), 0);
	CHECK_EQ(dv_sim_mem_read(sim, (16u << 20) - 1), 0);
	CHECK_EQ(dv_sim_cpu_read(sim, 0x54321), 0);
	CHECK_EQ(dv_sim_get(sim, DV_SLOT_MEM, 0xABCDE), 0);
	/* Writing zero to a page nobody wrote changes nothing: no page, no event. */
	size_t len = sim->trace.len;
	dv_sim_mem_write(sim, 0x77777, 0);
	CHECK_EQ(sim->trace.len, len);
	CHECK_EQ(sim->pool.count, pages);
	CHECK_EQ(sim->st.mem_page[0x77777 >> DV_PAGE_SHIFT], 0);
	/* One byte written allocates exactly one page; its neighbours still read zero. */
	dv_sim_mem_write(sim, 0x3000, 0x5A);
	CHECK_EQ(dv_sim_mem_read(sim, 0x3000), 0x5A);
	CHECK_EQ(dv_sim_mem_read(sim, 0x2FFF), 0);
	CHECK_EQ(dv_sim_mem_read(sim, 0x3001), 0);
	CHECK(sim->st.mem_page[3] != 0);
	CHECK_EQ(sim->st.mem_page[2], 0);
	CHECK_EQ(sim->st.mem_page[4], 0);
	const struct dv_event *e = last_event(sim);
	CHECK(e && e->kind == DV_EV_STATE && e->slot == DV_SLOT_MEM && e->index == 0x3000 &&
	      e->old_value == 0 && e->new_value == 0x5A);
	dv_sim_destroy(sim);
}

static void test_32mib_reach(void)
{
	struct dv_sim *sim = make_sim(DV_MEM_MAX, true, 0);
	CHECK_EQ(sim->st.mem_size, DV_MEM_MAX);
	dv_sim_mem_write(sim, DV_MEM_MAX - 1, 0xE1);
	dv_sim_mem_write(sim, 16u << 20, 0xE2);       /* the first byte above the ISA limit */
	dv_sim_mem_write(sim, (16u << 20) - 1, 0xE3); /* the last byte below it */
	CHECK_EQ(dv_sim_mem_read(sim, DV_MEM_MAX - 1), 0xE1);
	CHECK_EQ(dv_sim_mem_read(sim, 16u << 20), 0xE2);
	CHECK_EQ(dv_sim_mem_read(sim, (16u << 20) - 1), 0xE3);
	CHECK_EQ(dv_sim_cpu_read(sim, DV_MEM_MAX - 1), 0xE1);
	/* Beyond 32 MiB nothing exists, whatever mem_size says. */
	CHECK_EQ(dv_sim_mem_read(sim, DV_MEM_MAX), 0xFF);
	CHECK_EQ(dv_mem_peek(&sim->st, &sim->pool, DV_MEM_MAX), 0);
	/* A configuration asking for more than 32 MiB gets 32 MiB. */
	struct dv_sim *big = make_sim(64u << 20, true, 0);
	CHECK_EQ(big->st.mem_size, DV_MEM_MAX);
	dv_sim_destroy(big);
	dv_sim_destroy(sim);
}

static void test_absent_memory(void)
{
	struct dv_sim *sim = make_sim(16u << 20, true, 0); /* 16 MiB installed */
	uint64_t h = dv_sim_state_hash(sim);
	uint32_t pages = sim->pool.count;
	dv_sim_mem_write(sim, 16u << 20, 0x5A);
	const struct dv_event *e = last_event(sim);
	CHECK(e != NULL);
	if (e) {
		CHECK_EQ(e->kind, DV_EV_NOTE);
		CHECK_EQ(e->slot, DV_NOTE_MEM_ABSENT);
		CHECK_EQ(e->index, 16u << 20);
		CHECK_EQ(e->new_value, 0x5A);
	}
	CHECK_EQ(dv_sim_state_hash(sim), h); /* nothing was stored */
	CHECK_EQ(sim->pool.count, pages);
	CHECK_EQ(dv_sim_mem_read(sim, 16u << 20), 0xFF); /* the bus floats high */
	CHECK_EQ(dv_sim_mem_read(sim, DV_MEM_MAX - 1), 0xFF);
	CHECK_EQ(dv_mem_peek(&sim->st, &sim->pool, 16u << 20), 0); /* the page table is empty */
	/* The CPU's view: a read of absent memory is 0xFF and noted; a write is noted too. */
	size_t len = sim->trace.len;
	CHECK_EQ(dv_sim_cpu_read(sim, 0x1800000), 0xFF);
	CHECK(sim->trace.len == len + 1 && last_event(sim)->slot == DV_NOTE_MEM_ABSENT);
	dv_sim_cpu_write(sim, 0x1800000, 0x11);
	CHECK(sim->trace.len == len + 2 && last_event(sim)->kind == DV_EV_NOTE &&
	      last_event(sim)->slot == DV_NOTE_MEM_ABSENT);
	CHECK_EQ(dv_sim_mem_read(sim, 0x1800000), 0xFF);
	CHECK_EQ(dv_sim_state_hash(sim), h);

	/* A machine with 1 MiB: the first byte past it is absent, the last byte in it is not. */
	struct dv_sim *small = make_sim(1u << 20, false, 0);
	dv_sim_mem_write(small, (1u << 20) - 1, 0x42);
	dv_sim_mem_write(small, 1u << 20, 0x43);
	CHECK_EQ(dv_sim_mem_read(small, (1u << 20) - 1), 0x42);
	CHECK_EQ(dv_sim_mem_read(small, 1u << 20), 0xFF);
	CHECK_EQ(last_event(small)->slot, DV_NOTE_MEM_ABSENT);
	/* The non-coherent cache never caches absent memory. */
	dv_sim_cpu_write(small, 1u << 20, 0x44);
	CHECK_EQ(dv_sim_cpu_read(small, 1u << 20), 0xFF);
	for (unsigned l = 0; l < DV_CACHE_LINES; l++)
		CHECK_EQ(small->st.cache.flags[l], 0);
	dv_sim_destroy(small);
	dv_sim_destroy(sim);
}

/* ---- copy-on-write ----------------------------------------------------------------------- */

static void test_cow_pool(void)
{
	struct dv_mempool pool;
	dv_mempool_init(&pool);
	struct dv_state *a = new_state(), *b = new_state();

	dv_mem_poke(a, &pool, 0x3000, 0x11);
	dv_mem_poke(a, &pool, 0x3001, 0x33);
	uint32_t id1 = a->mem_page[3];
	CHECK(id1 != 0);
	CHECK_EQ(pool.refs[id1], 1);

	/* A copy shares the page: a reference, not 4 KiB. */
	dv_state_copy(b, a, &pool);
	CHECK_EQ(b->mem_page[3], id1);
	CHECK_EQ(pool.refs[id1], 2);
	uint32_t count = pool.count;

	/* The first write to a shared page copies it; the copy keeps the old bytes. */
	dv_mem_poke(a, &pool, 0x3000, 0x22);
	uint32_t id2 = a->mem_page[3];
	CHECK(id2 != id1 && id2 != 0);
	CHECK_EQ(pool.count, count + 1);
	CHECK_EQ(pool.refs[id1], 1);
	CHECK_EQ(pool.refs[id2], 1);
	CHECK_EQ(dv_mem_peek(b, &pool, 0x3000), 0x11);
	CHECK_EQ(dv_mem_peek(a, &pool, 0x3000), 0x22);
	CHECK_EQ(dv_mem_peek(a, &pool, 0x3001), 0x33); /* the rest of the page came along */
	CHECK_EQ(dv_mem_peek(b, &pool, 0x3001), 0x33);
	/* A second write to an unshared page copies nothing. */
	dv_mem_poke(a, &pool, 0x3002, 0x44);
	CHECK_EQ(a->mem_page[3], id2);
	CHECK_EQ(pool.count, count + 1);
	CHECK_EQ(dv_mem_peek(b, &pool, 0x3002), 0);

	/* Copying a state over another releases what the destination held. */
	dv_state_copy(b, a, &pool);
	CHECK_EQ(pool.refs[id1], 0);
	CHECK_EQ(pool.refs[id2], 2);
	CHECK_EQ(pool.nfree, 1);
	/* A released page is reused, and a reused page starts as zeros (id1 held 0x33 at 1). */
	dv_mem_poke(a, &pool, 0x9000, 0x55);
	CHECK_EQ(a->mem_page[9], id1);
	CHECK_EQ(pool.count, count + 1);
	CHECK_EQ(pool.refs[id1], 1);
	CHECK_EQ(dv_mem_peek(a, &pool, 0x9000), 0x55);
	CHECK_EQ(dv_mem_peek(a, &pool, 0x9001), 0);
	CHECK_EQ(pool.nfree, 0);

	/* Releasing everything: every page is free again, and the ids come back. */
	dv_mem_unref_all(a, &pool);
	dv_mem_unref_all(b, &pool);
	for (uint32_t i = 1; i < pool.count; i++)
		CHECK_EQ(pool.refs[i], 0);
	CHECK_EQ(pool.nfree, pool.count - 1);
	for (uint32_t i = 0; i < DV_MEM_PAGES; i++)
		CHECK(a->mem_page[i] == 0 && b->mem_page[i] == 0);
	dv_mem_poke(a, &pool, 0x1000, 1);
	dv_mem_poke(a, &pool, 0x2000, 2);
	CHECK_EQ(pool.count, count + 1); /* no new allocation */
	CHECK_EQ(dv_mem_peek(a, &pool, 0x1001), 0);
	CHECK_EQ(dv_mem_peek(a, &pool, 0x2001), 0);
	/* Copying a state onto itself changes nothing. */
	uint32_t r = pool.refs[a->mem_page[1]];
	dv_state_copy(a, a, &pool);
	CHECK_EQ(pool.refs[a->mem_page[1]], r);
	/* Peeks and pokes beyond 32 MiB are ignored. */
	dv_mem_poke(a, &pool, DV_MEM_MAX, 9);
	CHECK_EQ(dv_mem_peek(a, &pool, DV_MEM_MAX), 0);
	CHECK_EQ(dv_mem_peek(a, NULL, 0x1000), 0);

	dv_mem_unref_all(a, &pool);
	free(a);
	free(b);
	dv_mempool_finish(&pool);
}

/* Keyframe k's state, unpacked (it holds no references of its own). */
static const struct dv_state *kf_state(const struct dv_sim *sim, size_t k)
{
	static struct dv_state st;
	CHECK(dv_keyframe_unpack(&sim->kf[k], &st));
	return &st;
}

static void test_cow_keyframe_and_cursor(void)
{
	/* A keyframe every 4 state events: writes below land in several keyframes. */
	struct dv_sim *sim = make_sim(0, true, 4);
	uint64_t h_reset = dv_sim_state_hash(sim);
	dv_sim_mem_write(sim, 0x3000, 0x11);
	dv_sim_mem_write(sim, 0x3001, 0x12);
	dv_sim_mem_write(sim, 0x3002, 0x13);
	dv_sim_mem_write(sim, 0x3003, 0x14); /* keyframe 1 taken after this event */
	CHECK_EQ(sim->nkf, 2);
	size_t at = sim->trace.len;
	uint32_t live_id = sim->st.mem_page[3];
	CHECK_EQ(kf_state(sim, 1)->mem_page[3], live_id);
	CHECK_EQ(sim->pool.refs[live_id], 2); /* the live machine and keyframe 1 */

	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	dv_cursor_seek(&c, at);
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_MEM, 0x3000), 0x11);

	/* The live machine writes the shared page: it gets its own copy. */
	dv_sim_mem_write(sim, 0x3000, 0x99);
	CHECK(sim->st.mem_page[3] != live_id);
	CHECK_EQ(sim->pool.refs[sim->st.mem_page[3]], 1);
	/* Keyframe 1 holds the old page, and the cursor too if it restored that keyframe. */
	CHECK_EQ(sim->pool.refs[live_id], 1u + (c.st.mem_page[3] == live_id));
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_MEM, 0x3000), 0x11);
	CHECK_EQ(dv_mem_peek(kf_state(sim, 1), &sim->pool, 0x3000), 0x11);
	CHECK_EQ(dv_sim_mem_read(sim, 0x3000), 0x99);
	CHECK_EQ(dv_sim_mem_read(sim, 0x3003), 0x14);

	/* The cursor moves forward and sees the new byte, in a page of its own. */
	dv_cursor_seek(&c, sim->trace.len);
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_MEM, 0x3000), 0x99);
	CHECK_EQ(dv_state_hash(&c.st, &sim->pool), dv_sim_state_hash(sim));
	/* ... and back: undoing the write restores the old byte. */
	dv_cursor_seek(&c, at);
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_MEM, 0x3000), 0x11);
	dv_cursor_seek(&c, 0);
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_MEM, 0x3000), 0);
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_MEM, 0x3003), 0);
	CHECK_EQ(dv_sim_mem_read(sim, 0x3000), 0x99); /* the live machine is untouched */

	/* The cursor lets go of its pages: each remaining page is held once per holder. */
	dv_cursor_finish(&c);
	CHECK_EQ(sim->pool.refs[sim->st.mem_page[3]], 1);
	CHECK_EQ(sim->pool.refs[live_id], 1); /* keyframe 1 alone */

	/* Truncating drops the keyframes of the lost future and their pages come back; the
	 * live machine keeps at most its own page, now all zeros. */
	dv_sim_truncate(sim, 0);
	CHECK_EQ(sim->nkf, 1);
	CHECK_EQ(dv_sim_mem_read(sim, 0x3000), 0);
	CHECK_EQ(dv_sim_state_hash(sim), h_reset);
	for (uint32_t i = 1; i < sim->pool.count; i++)
		CHECK_EQ(sim->pool.refs[i], i == sim->st.mem_page[3] ? 1u : 0u);
	uint32_t count = sim->pool.count;
	dv_sim_mem_write(sim, 0x5000, 0x77);
	CHECK_EQ(sim->pool.count, count); /* a freed page was reused */
	CHECK_EQ(dv_sim_mem_read(sim, 0x5000), 0x77);
	CHECK_EQ(dv_sim_mem_read(sim, 0x5001), 0);
	dv_sim_destroy(sim);
}

/* ---- the state hash ---------------------------------------------------------------------- */

static void test_hash_content_not_ids(void)
{
	struct dv_mempool pool;
	dv_mempool_init(&pool);
	struct dv_state *a = new_state(), *b = new_state(), *z = new_state();
	/* Same bytes written in another order: the pages get other ids. */
	dv_mem_poke(a, &pool, 0x1000, 1);
	dv_mem_poke(a, &pool, 0x8000, 2);
	dv_mem_poke(b, &pool, 0x8000, 2);
	dv_mem_poke(b, &pool, 0x1000, 1);
	CHECK(a->mem_page[1] != b->mem_page[1]);
	CHECK_EQ(dv_state_hash(a, &pool), dv_state_hash(b, &pool));
	/* A copy that shares pages hashes the same as well. */
	struct dv_state *c = new_state();
	dv_state_copy(c, a, &pool);
	CHECK_EQ(dv_state_hash(c, &pool), dv_state_hash(a, &pool));
	/* Content matters: one byte differs, the hash differs; where it is matters too. */
	uint64_t h = dv_state_hash(a, &pool);
	dv_mem_poke(b, &pool, 0x1000, 3);
	CHECK(dv_state_hash(b, &pool) != h);
	dv_mem_poke(b, &pool, 0x1000, 1);
	CHECK_EQ(dv_state_hash(b, &pool), h);
	dv_mem_poke(b, &pool, 0x1000, 0);
	dv_mem_poke(b, &pool, 0x1001, 1);
	CHECK(dv_state_hash(b, &pool) != h);
	/* A page written and set back to zeros hashes like a page never written. */
	uint64_t hz = dv_state_hash(z, &pool);
	dv_mem_poke(z, &pool, 0x4000, 7);
	CHECK(dv_state_hash(z, &pool) != hz);
	dv_mem_poke(z, &pool, 0x4000, 0);
	CHECK(z->mem_page[4] != 0);
	CHECK_EQ(dv_state_hash(z, &pool), hz);
	/* The fields count as well as memory. */
	z->dma[0].mask = 0x0F;
	CHECK(dv_state_hash(z, &pool) != hz);
	z->dma[0].mask = 0;
	z->cache.data[63][15] = 1;
	CHECK(dv_state_hash(z, &pool) != hz);
	z->cache.data[63][15] = 0;
	CHECK_EQ(dv_state_hash(z, &pool), hz);

	struct dv_state *states[] = { a, b, c, z };
	for (unsigned i = 0; i < 4; i++) {
		dv_mem_unref_all(states[i], &pool);
		free(states[i]);
	}
	dv_mempool_finish(&pool);
}

/* ---- the cache --------------------------------------------------------------------------- */

static unsigned cache_line(uint32_t addr)
{
	return (addr / DV_CACHE_LINE) % DV_CACHE_LINES;
}

static void test_cache_cpu_write_stays_in_cache(void)
{
	struct dv_sim *sim = make_sim(0, false, 0);
	CHECK_EQ(sim->st.cache_on, 1);
	dv_sim_mem_write(sim, 0x2000, 0xAA);
	dv_sim_cpu_write(sim, 0x2000, 0xBB);
	unsigned l = cache_line(0x2000);
	CHECK_EQ(sim->st.cache.flags[l], 3); /* valid and dirty */
	CHECK_EQ(sim->st.cache.tag[l], 0x2000 / DV_CACHE_LINE);
	/* A DMA read of memory would see the old byte: the new one is in the cache. */
	CHECK_EQ(dv_sim_mem_read(sim, 0x2000), 0xAA);
	CHECK_EQ(dv_sim_cpu_read(sim, 0x2000), 0xBB);
	/* Write back without invalidating (a send: KeFlushIoBuffers before the DMA reads). */
	dv_sim_cache_flush(sim, 0x2000, 1, false);
	CHECK_EQ(dv_sim_mem_read(sim, 0x2000), 0xBB);
	CHECK_EQ(sim->st.cache.flags[l], 1); /* still valid, now clean */
	CHECK_EQ(dv_sim_cpu_read(sim, 0x2000), 0xBB);
	/* The whole line went back, the bytes the CPU did not touch too. */
	CHECK_EQ(dv_sim_mem_read(sim, 0x2001), 0);
	/* A flush of a clean line writes nothing. */
	size_t len = sim->trace.len;
	dv_sim_cache_flush(sim, 0x2000, DV_CACHE_LINE, false);
	CHECK_EQ(sim->trace.len, len);
	/* A flush covering two lines writes back both. */
	dv_sim_cpu_write(sim, 0x200F, 0xC1);
	dv_sim_cpu_write(sim, 0x2010, 0xC2);
	CHECK_EQ(dv_sim_mem_read(sim, 0x200F), 0);
	CHECK_EQ(dv_sim_mem_read(sim, 0x2010), 0);
	dv_sim_cache_flush(sim, 0x200F, 2, false);
	CHECK_EQ(dv_sim_mem_read(sim, 0x200F), 0xC1);
	CHECK_EQ(dv_sim_mem_read(sim, 0x2010), 0xC2);
	/* Invalidating a dirty line writes it back first. */
	dv_sim_cpu_write(sim, 0x2020, 0xC3);
	dv_sim_cache_flush(sim, 0x2020, 1, true);
	CHECK_EQ(dv_sim_mem_read(sim, 0x2020), 0xC3);
	CHECK_EQ(sim->st.cache.flags[cache_line(0x2020)], 0);
	/* A flush of a zero-length range does nothing. */
	dv_sim_cpu_write(sim, 0x2030, 0xC4);
	dv_sim_cache_flush(sim, 0x2030, 0, false);
	CHECK_EQ(dv_sim_mem_read(sim, 0x2030), 0);
	dv_sim_destroy(sim);
}

static void test_cache_dma_write_is_stale(void)
{
	struct dv_sim *sim = make_sim(0, false, 0);
	unsigned l = cache_line(0x4000);
	CHECK_EQ(dv_sim_cpu_read(sim, 0x4000), 0); /* the line is now cached */
	CHECK_EQ(sim->st.cache.flags[l], 1);
	/* A receive: the DMA writes memory behind the cache's back. */
	dv_sim_mem_write(sim, 0x4000, 0x77);
	dv_sim_mem_write(sim, 0x400F, 0x78);
	CHECK_EQ(dv_sim_mem_read(sim, 0x4000), 0x77);
	CHECK_EQ(dv_sim_cpu_read(sim, 0x4000), 0); /* stale */
	CHECK_EQ(dv_sim_cpu_read(sim, 0x400F), 0);
	/* Writing back a clean line does not refresh it. */
	dv_sim_cache_flush(sim, 0x4000, DV_CACHE_LINE, false);
	CHECK_EQ(dv_sim_cpu_read(sim, 0x4000), 0);
	/* Invalidating does: the next read fetches memory. */
	dv_sim_cache_flush(sim, 0x4000, DV_CACHE_LINE, true);
	CHECK_EQ(sim->st.cache.flags[l], 0);
	CHECK_EQ(dv_sim_cpu_read(sim, 0x4000), 0x77);
	CHECK_EQ(dv_sim_cpu_read(sim, 0x400F), 0x78);
	CHECK_EQ(sim->st.cache.flags[l], 1);
	/* Another line than the flushed one stays stale. */
	CHECK_EQ(dv_sim_cpu_read(sim, 0x4010), 0);
	dv_sim_mem_write(sim, 0x4010, 0x79);
	dv_sim_cache_flush(sim, 0x4000, DV_CACHE_LINE, true);
	CHECK_EQ(dv_sim_cpu_read(sim, 0x4010), 0);
	dv_sim_destroy(sim);
}

static void test_cache_eviction_writes_back(void)
{
	struct dv_sim *sim = make_sim(0, false, 0);
	const uint32_t a = 0x2000, b = 0x2000 + DV_CACHE_LINES * DV_CACHE_LINE; /* same line */
	CHECK_EQ(cache_line(a), cache_line(b));
	dv_sim_mem_write(sim, b, 0x5B);
	dv_sim_cpu_write(sim, a, 0xCC);
	CHECK_EQ(dv_sim_mem_read(sim, a), 0);
	/* Reading b evicts the dirty line holding a: it goes to memory first. */
	CHECK_EQ(dv_sim_cpu_read(sim, b), 0x5B);
	CHECK_EQ(dv_sim_mem_read(sim, a), 0xCC);
	CHECK_EQ(sim->st.cache.tag[cache_line(a)], b / DV_CACHE_LINE);
	CHECK_EQ(sim->st.cache.flags[cache_line(a)], 1);
	/* Reading a again brings the written-back byte. */
	CHECK_EQ(dv_sim_cpu_read(sim, a), 0xCC);
	/* A clean victim is dropped without a write: memory keeps what the DMA put there. */
	dv_sim_mem_write(sim, a, 0xDD);
	CHECK_EQ(dv_sim_cpu_read(sim, b), 0x5B);
	CHECK_EQ(dv_sim_mem_read(sim, a), 0xDD);
	/* A write eviction: writing b while a's line is dirty. */
	dv_sim_cpu_write(sim, a, 0xEE);
	dv_sim_cpu_write(sim, b, 0x5C);
	CHECK_EQ(dv_sim_mem_read(sim, a), 0xEE);
	CHECK_EQ(dv_sim_mem_read(sim, b), 0x5B);
	dv_sim_destroy(sim);
}

static void test_cache_large_flush(void)
{
	/* KeFlushIoBuffers over a whole 64 KiB buffer must reach every dirty line in it,
	 * wherever the line sits in the buffer. */
	struct dv_sim *sim = make_sim(0, false, 0);
	/* Three lines in three different cache slots, so no eviction writes anything back. */
	dv_sim_cpu_write(sim, 0x3010, 0x99);
	dv_sim_cpu_write(sim, 0xFFF0, 0x98);
	dv_sim_cpu_write(sim, 0x10020, 0x97); /* outside the range: stays in the cache */
	dv_sim_cache_flush(sim, 0, 0x10000, false);
	CHECK_EQ(dv_sim_mem_read(sim, 0x3010), 0x99);
	CHECK_EQ(dv_sim_mem_read(sim, 0xFFF0), 0x98);
	CHECK_EQ(dv_sim_mem_read(sim, 0x10020), 0);
	/* Invalidating a large range drops every line in it and no other. */
	CHECK_EQ(dv_sim_cpu_read(sim, 0x8000), 0);
	dv_sim_mem_write(sim, 0x8000, 0x42);
	dv_sim_cache_flush(sim, 0, 0x10000, true);
	CHECK_EQ(dv_sim_cpu_read(sim, 0x8000), 0x42);
	CHECK_EQ(sim->st.cache.flags[cache_line(0x10020)], 3);
	/* A range reaching the top of the address space does not wrap or hang. */
	dv_sim_cache_flush(sim, 0xFFFFFFF0u, 0x20, true);
	dv_sim_cache_flush(sim, 0, 0xFFFFFFFFu, false);
	CHECK_EQ(dv_sim_mem_read(sim, 0x10020), 0x97);
	dv_sim_destroy(sim);
}

static void test_cache_coherent_bypass(void)
{
	struct dv_sim *sim = make_sim(0, true, 0);
	CHECK_EQ(sim->st.cache_on, 0);
	dv_sim_cpu_write(sim, 0x2000, 0xBB);
	CHECK_EQ(dv_sim_mem_read(sim, 0x2000), 0xBB); /* straight to memory */
	CHECK_EQ(dv_sim_cpu_read(sim, 0x2000), 0xBB);
	dv_sim_mem_write(sim, 0x2000, 0x77);
	CHECK_EQ(dv_sim_cpu_read(sim, 0x2000), 0x77); /* the DMA write is seen at once */
	size_t len = sim->trace.len;
	dv_sim_cache_flush(sim, 0, 0x10000, true); /* x86: KeFlushIoBuffers does nothing */
	CHECK_EQ(sim->trace.len, len);
	for (unsigned l = 0; l < DV_CACHE_LINES; l++)
		CHECK_EQ(sim->st.cache.flags[l], 0);
	dv_sim_destroy(sim);
}

static void test_cache_time_travel(void)
{
	/* The cache is state: a cursor brings back the dirty line and the stale memory. */
	struct dv_sim *sim = make_sim(0, false, 8);
	dv_sim_mem_write(sim, 0x2000, 0xAA);
	dv_sim_cpu_write(sim, 0x2000, 0xBB);
	size_t dirty = sim->trace.len;
	uint64_t h_dirty = dv_sim_state_hash(sim);
	dv_sim_cache_flush(sim, 0x2000, 1, true);
	CHECK_EQ(dv_sim_mem_read(sim, 0x2000), 0xBB);
	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	dv_cursor_seek(&c, sim->trace.len);
	dv_cursor_seek(&c, dirty);
	CHECK_EQ(dv_state_hash(&c.st, &sim->pool), h_dirty);
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_MEM, 0x2000), 0xAA);
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_CACHE_FLAGS, cache_line(0x2000)), 3);
	CHECK_EQ(dv_cursor_get(&c, DV_SLOT_CACHE_DATA, cache_line(0x2000) * DV_CACHE_LINE), 0xBB);
	dv_cursor_finish(&c);
	dv_sim_truncate(sim, dirty);
	CHECK_EQ(dv_sim_state_hash(sim), h_dirty);
	CHECK_EQ(dv_sim_mem_read(sim, 0x2000), 0xAA);
	CHECK_EQ(dv_sim_cpu_read(sim, 0x2000), 0xBB);
	dv_sim_destroy(sim);
}

CHECK_MAIN(CHECK_CASE(test_unwritten_reads_zero), CHECK_CASE(test_32mib_reach),
           CHECK_CASE(test_absent_memory), CHECK_CASE(test_cow_pool),
           CHECK_CASE(test_cow_keyframe_and_cursor), CHECK_CASE(test_hash_content_not_ids),
           CHECK_CASE(test_cache_cpu_write_stays_in_cache),
           CHECK_CASE(test_cache_dma_write_is_stale), CHECK_CASE(test_cache_eviction_writes_back),
           CHECK_CASE(test_cache_large_flush), CHECK_CASE(test_cache_coherent_bypass),
           CHECK_CASE(test_cache_time_travel))
