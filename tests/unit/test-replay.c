/* dmaviz: the compact recording against a full-state replay (a property test).
 *
 * Random programs (port writes and reads to the 8237A pair, the page registers and the NIC,
 * programmed channels with DREQ held, ticks, frames from the peer, DMA-style and CPU memory
 * writes, IRQ lines, draws from the PRNG) run on a machine whose trace spans many coded blocks.
 * The live machine's state after every operation is the truth. Then:
 *   - the reference replay: one cursor walks forward one event at a time; before each state
 *     change it holds the change's old value and after it the new one, and at the end of
 *     every operation it hashes like the live machine did;
 *   - every bus cycle: a cursor steps back from each cycle's end to the one before (the UI's
 *     finest step back) and matches the reference at both;
 *   - random seeks in both directions (keyframes, undo) match the reference at every sample.
 * The codec is also checked alone: random event streams with runs, periods and noise, every
 * event read back, truncated inside sealed blocks, grown again; and packed keyframes.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dma8237.h"
#include "nic.h"
#include "peer.h"
#include "sim.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = (rng_state += 0x9e3779b97f4a7c15ull);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

/* ---- the codec alone ------------------------------------------------------------------- */

/* A stream that looks like a recording: a few repeating patterns with counters that step,
 * interrupted by noise and by extreme values. */
static struct dv_event gen_event(size_t i, struct dv_event *pattern, size_t plen)
{
	struct dv_event e = pattern[i % plen];
	uint32_t step = (uint32_t)(i / plen);
	e.cycle += step * 3u;
	e.index += step;
	e.old_value -= step;
	e.new_value = e.old_value - 1u;
	switch (below(16)) {
	case 0: e.new_value = (uint32_t)rnd(); break;
	case 1: e.index = (uint32_t)rnd(); break;
	case 2: e.kind = (uint16_t)rnd(); break;
	case 3: e.slot = (uint16_t)rnd(); break;
	case 4: e.cycle = rnd(); break;
	case 5:
		e.loc = (uint16_t)rnd();
		e.src = (uint8_t)rnd();
		e.chan = (uint8_t)rnd();
		break;
	case 6:
		e.old_value = 0xFFFFFFFFu;
		e.new_value = 0;
		break;
	default: break;
	}
	e.pad_ = 0;
	return e;
}

static bool same(const struct dv_event *a, const struct dv_event *b)
{
	return a && b && memcmp(a, b, sizeof *a) == 0;
}

static void test_codec(void)
{
	for (unsigned round = 0; round < 6; round++) {
		rng_state = 0xc0dec + round;
		struct dv_event pattern[64];
		size_t plen = 1 + below(63);
		for (size_t k = 0; k < plen; k++) {
			memset(&pattern[k], 0, sizeof pattern[k]);
			pattern[k].cycle = 100 + k / 4;
			pattern[k].kind = (uint16_t)below(10);
			pattern[k].slot = (uint16_t)below(90);
			pattern[k].index = below(4) ? below(8) : (uint32_t)rnd();
			pattern[k].old_value = (uint32_t)rnd();
			pattern[k].src = (uint8_t)below(8);
			pattern[k].chan = below(2) ? 0xFF : (uint8_t)below(8);
		}
		size_t n = 5 * DV_TRACE_BLOCK + below(DV_TRACE_BLOCK);
		struct dv_event *ref = malloc(n * 2 * sizeof *ref);
		if (!ref)
			exit(2);
		struct dv_trace t;
		dv_trace_init(&t);
		for (size_t i = 0; i < n; i++) {
			ref[i] = gen_event(i, pattern, plen);
			dv_trace_push(&t, &ref[i]);
		}
		CHECK_EQ(dv_trace_len(&t), n);
		CHECK(t.nblocks >= 4);
		size_t bad = 0;
		for (size_t i = 0; i < n; i++)
			bad += !same(dv_trace_at(&t, i), &ref[i]);
		for (size_t k = 0; k < 20000; k++) { /* out of order, across the cache */
			size_t i = below((uint32_t)n);
			bad += !same(dv_trace_at(&t, i), &ref[i]);
		}
		CHECK_EQ(bad, 0);
		/* The codes are much smaller than the events, even with the noise. */
		CHECK(t.nbytes < t.nblocks * DV_TRACE_BLOCK * sizeof(struct dv_event) / 2);
		/* Truncate inside a sealed block, grow again with other events, read all back. */
		size_t cut = DV_TRACE_BLOCK + below(2 * DV_TRACE_BLOCK);
		dv_trace_truncate(&t, cut);
		CHECK_EQ(dv_trace_len(&t), cut);
		for (size_t i = cut; i < 2 * n; i++) {
			ref[i] = gen_event(i * 7, pattern, plen);
			dv_trace_push(&t, &ref[i]);
		}
		for (size_t i = 0; i < 2 * n; i++)
			bad += !same(dv_trace_at(&t, i), &ref[i]);
		CHECK_EQ(bad, 0);
		CHECK(dv_trace_at(&t, 2 * n) == NULL);
		dv_trace_finish(&t);
		free(ref);
	}
}

/* Damaged codes: every cut, and random bytes changed, decode without reading outside the
 * code or the events (the sanitizer build watches) and a cut code is refused. */
static void test_damaged_code(void)
{
	rng_state = 0xbad;
	struct dv_trace t;
	dv_trace_init(&t);
	struct dv_event pattern[7];
	memset(pattern, 0, sizeof pattern);
	for (size_t k = 0; k < 7; k++) {
		pattern[k].kind = (uint16_t)k;
		pattern[k].old_value = (uint32_t)rnd();
	}
	for (size_t i = 0; i < DV_TRACE_BLOCK + 100; i++) {
		struct dv_event e = gen_event(i, pattern, 7);
		dv_trace_push(&t, &e);
	}
	size_t size;
	static uint8_t buf[DV_TRACE_CODE_MAX], copy[DV_TRACE_CODE_MAX];
	static struct dv_event ev[DV_TRACE_BLOCK];
	const uint8_t *code = dv_trace_block_code(&t, 0, buf, &size);
	CHECK(code != NULL && size > 0);
	if (!code)
		return;
	CHECK(dv_trace_block_decode(code, size, ev, DV_TRACE_BLOCK));
	CHECK(same(&ev[100], dv_trace_at(&t, 100)));
	size_t refused = 0;
	for (size_t cut = 0; cut < size; cut++) {
		memcpy(copy, code, cut);
		refused += !dv_trace_block_decode(copy, cut, ev, DV_TRACE_BLOCK);
	}
	CHECK_EQ(refused, size);
	for (unsigned k = 0; k < 3000; k++) {
		memcpy(copy, code, size);
		for (unsigned j = 1 + below(4); j-- > 0;)
			copy[below((uint32_t)size)] = (uint8_t)rnd();
		(void)dv_trace_block_decode(copy, size, ev, DV_TRACE_BLOCK);
	}
	/* The tail, coded on demand, decodes to the tail. */
	code = dv_trace_block_code(&t, 1, buf, &size);
	CHECK(code != NULL && dv_trace_block_decode(code, size, ev, 100));
	CHECK(same(&ev[99], dv_trace_at(&t, DV_TRACE_BLOCK + 99)));
	CHECK(dv_trace_block_code(&t, 2, buf, &size) == NULL);
	dv_trace_finish(&t);
}

/* A pinned event stays patchable while blocks are sealed behind it. */
static void test_pin(void)
{
	struct dv_trace t;
	dv_trace_init(&t);
	struct dv_event e;
	memset(&e, 0, sizeof e);
	for (size_t i = 0; i < DV_TRACE_BLOCK - 1; i++)
		dv_trace_push(&t, &e);
	size_t at = dv_trace_len(&t);
	dv_trace_push(&t, &e);
	dv_trace_pin(&t, at);
	for (size_t i = 0; i < DV_TRACE_BLOCK + 10; i++)
		dv_trace_push(&t, &e);
	CHECK(dv_trace_patch(&t, at, 0xABCD));
	dv_trace_unpin(&t);
	for (size_t i = 0; i < 3 * DV_TRACE_BLOCK; i++)
		dv_trace_push(&t, &e);
	CHECK(!dv_trace_patch(&t, at, 1)); /* sealed now */
	CHECK_EQ(dv_trace_at(&t, at)->new_value, 0xABCD);
	CHECK_EQ(dv_trace_at(&t, at - 1)->new_value, 0);
	CHECK_EQ(dv_trace_at(&t, at + 1)->new_value, 0);
	dv_trace_finish(&t);
}

/* ---- packed keyframes ------------------------------------------------------------------ */

static void test_keyframe_pack(void)
{
	static struct dv_state st, was, back;
	struct dv_keyframe prev = { 0 };
	rng_state = 0xf7a3e;
	for (unsigned round = 0; round < 40; round++) {
		/* Zeros, counting page ids, random bytes here and there, extreme words; every
		 * fourth round the state of the round before with a few bytes changed. */
		bool follow = round % 4 == 3;
		if (!follow)
			memset(&st, 0, sizeof st);
		for (uint32_t i = 0; i < DV_MEM_PAGES && round % 3 && !follow; i++)
			st.mem_page[i] = i < 4096 ? i + 1 : 0;
		uint8_t *bytes = (uint8_t *)&st;
		for (unsigned k = 0; k < (follow ? 3 : round * 50); k++)
			bytes[below(sizeof st)] = (uint8_t)rnd();
		st.cycle = 0xFFFFFFFFu;
		/* A frame's random payload packs as its bytes, not 1.5 times them. */
		for (unsigned k = 0; k < DV_FRAME_MAX && round % 5 == 1 && !follow; k++)
			st.peer.rx_data[1][k] = (uint8_t)rnd();
		struct dv_keyframe kf = { 0 };
		CHECK(dv_keyframe_pack(&kf, &st, follow ? &prev : NULL, follow ? &was : NULL));
		memset(&back, 0xA5, sizeof back);
		CHECK(dv_keyframe_unpack(&kf, &back));
		CHECK(memcmp(&st, &back, sizeof st) == 0);
		if (round < 10 && round % 5 != 1) /* a few hundred bytes moved: a quarter at most */
			CHECK(kf.size < sizeof st / 4);
		if (round < 10 && round % 5 == 1)
			CHECK(kf.size < sizeof st / 4 + DV_FRAME_MAX + 64);
		/* Following: all but the chunks of the changed bytes (and the cycle) are shared. */
		size_t shared = 0;
		for (size_t c = 0; follow && c < DV_KF_CHUNKS; c++) {
			bool same = memcmp((uint8_t *)&st + c * DV_KF_CHUNK,
			                   (uint8_t *)&was + c * DV_KF_CHUNK,
			                   c + 1 < DV_KF_CHUNKS ? DV_KF_CHUNK :
			                                          sizeof st - c * DV_KF_CHUNK) == 0;
			CHECK_EQ(dv_keyframe_shares(&kf, &prev, c), same);
			shared += same;
		}
		if (follow)
			CHECK(shared + 4 >= DV_KF_CHUNKS);
		/* The one it followed still unpacks (the shared chunks are counted). */
		dv_keyframe_release(&prev);
		prev = kf;
		memcpy(&was, &st, sizeof st);
	}
	CHECK(dv_keyframe_unpack(&prev, &back));
	CHECK(memcmp(&was, &back, sizeof was) == 0);
	dv_keyframe_release(&prev);
}

/* ---- the machine against its replay ---------------------------------------------------- */

static void program_channel(struct dv_sim *sim, unsigned ch, uint8_t mode, uint16_t addr,
                            uint16_t count, uint8_t page)
{
	unsigned chip = ch / 4, c = ch % 4;
	dv_sim_out(sim, DV_DMA_PORT(chip, 10), (uint8_t)(0x04 | c));
	dv_sim_out(sim, DV_DMA_PORT(chip, 12), 0);
	dv_sim_out(sim, DV_DMA_PORT(chip, 11), (uint8_t)(mode | c));
	dv_sim_out(sim, DV_DMA_PORT(chip, 2 * c), (uint8_t)addr);
	dv_sim_out(sim, DV_DMA_PORT(chip, 2 * c), (uint8_t)(addr >> 8));
	dv_sim_out(sim, DV_DMA_PORT(chip, 2 * c + 1), (uint8_t)count);
	dv_sim_out(sim, DV_DMA_PORT(chip, 2 * c + 1), (uint8_t)(count >> 8));
	dv_sim_out(sim, dv_dma_page_port(ch), page);
	dv_sim_out(sim, DV_DMA_PORT(chip, 10), (uint8_t)c);
}

static void random_op(struct dv_sim *sim)
{
	static const uint8_t chans[] = { 1, 2, 3, 5, 6, 7 };
	switch (below(12)) {
	case 0: dv_sim_out(sim, (uint16_t)below(0x20), (uint8_t)rnd()); break;
	case 1: (void)dv_sim_in(sim, (uint16_t)(below(2) ? below(0x20) : 0x300 + below(16))); break;
	case 2: dv_sim_out(sim, (uint16_t)(0x300 + below(16)), (uint8_t)rnd()); break;
	case 3: {
		unsigned ch = chans[below(6)];
		static const uint8_t modes[] = { 0x44, 0x48, 0x84, 0x04, 0x54, 0x88 };
		program_channel(sim, ch, modes[below(6)], (uint16_t)rnd(),
		                (uint16_t)(below(4) ? below(300) : rnd()), (uint8_t)below(64));
		break;
	}
	case 4: {
		uint32_t bit = 1u << chans[below(6)];
		uint32_t d = dv_sim_get(sim, DV_SLOT_BUS_DREQ, 0);
		dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, below(2) ? (d | bit) : (d & ~bit));
		break;
	}
	case 5:
	case 6:
	case 7: dv_sim_run(sim, 1 + below(below(8) ? 64 : 2000)); break;
	case 8: dv_peer_send(sim, (uint16_t)(DV_PEER_MIN_FRAME + below(200))); break;
	case 9: dv_sim_mem_write(sim, below(1u << 20), (uint8_t)rnd()); break;
	case 10: dv_sim_cpu_write(sim, below(1u << 20), (uint8_t)rnd()); break;
	default:
		if (below(2))
			dv_sim_irq_line(sim, 5, below(2));
		else
			(void)dv_sim_random(sim);
		break;
	}
}

#define OPS 400u
#define SAMPLES 400u

struct truth {
	size_t end[OPS + 1]; /* trace length after operation k - 1 */
	uint64_t hash[OPS + 1];
	size_t nops;
};

static void record(struct dv_sim *sim, struct truth *tr)
{
	tr->end[0] = dv_trace_len(dv_sim_trace(sim));
	tr->hash[0] = dv_sim_state_hash(sim);
	/* The NIC on: transmitter and receiver enabled, so frames move both ways. */
	dv_sim_out(sim, 0x300, 0x03);
	size_t k = 0;
	while (k < OPS && dv_trace_len(dv_sim_trace(sim)) < 200000) {
		random_op(sim);
		dv_sim_sync_time(sim); /* as the engine after a statement: quiet ticks' cycle */
		k++;
		tr->end[k] = dv_trace_len(dv_sim_trace(sim));
		tr->hash[k] = dv_sim_state_hash(sim);
	}
	tr->nops = k;
}

static uint64_t chash(const struct dv_cursor *c)
{
	return dv_state_hash(&c->st, &c->sim->pool);
}

/* Walks forward one event at a time: each change's old value before it and new value after,
 * the live machine's hash at each operation's end; keeps the hashes at the sample positions. */
static size_t walk_reference(struct dv_sim *sim, const struct truth *tr, const size_t *at,
                             uint64_t *at_hash, size_t nat)
{
	const struct dv_trace *t = dv_sim_trace(sim);
	size_t n = dv_trace_len(t), bad = 0, op = 0, s = 0;
	struct dv_cursor ref;
	dv_cursor_init(&ref, sim);
	for (size_t i = 0; i <= n; i++) {
		dv_cursor_seek(&ref, i);
		while (op <= tr->nops && tr->end[op] < i)
			op++;
		if (op <= tr->nops && tr->end[op] == i && chash(&ref) != tr->hash[op])
			bad++;
		for (; s < nat && at[s] == i; s++)
			at_hash[s] = chash(&ref);
		if (i == n)
			break;
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind != DV_EV_STATE)
			continue;
		struct dv_event copy = *e;
		if (dv_cursor_get(&ref, (enum dv_slot)copy.slot, copy.index) != copy.old_value)
			bad++;
		dv_cursor_seek(&ref, i + 1);
		if (dv_cursor_get(&ref, (enum dv_slot)copy.slot, copy.index) != copy.new_value)
			bad++;
	}
	dv_cursor_finish(&ref);
	return bad;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* Pairs of positions where two bus cycles in a row end (the next event has another cycle),
 * spread over the trace: out[2k] the earlier, out[2k + 1] the later. */
static size_t cycle_ends(const struct dv_trace *t, size_t *out, size_t max)
{
	size_t n = dv_trace_len(t), ends = 0, k = 0, prev = 0;
	for (size_t i = 1; i < n; i++)
		ends += dv_trace_at(t, i)->cycle != dv_trace_at(t, i - 1)->cycle;
	size_t stride = ends / (max / 2) + 1, j = 0;
	for (size_t i = 1; i < n && k + 2 <= max; i++) {
		if (dv_trace_at(t, i)->cycle == dv_trace_at(t, i - 1)->cycle)
			continue;
		if (j++ % stride == 0 && prev) {
			out[k++] = prev;
			out[k++] = i;
		}
		prev = i;
	}
	return k;
}

static void test_machine_replay(void)
{
	for (unsigned round = 0; round < 4; round++) {
		rng_state = 0x5eed0 + round;
		struct dv_config cfg;
		dv_config_default(&cfg);
		cfg.seed = round;
		cfg.coherent = round % 2 == 0;
		struct dv_sim *sim = dv_sim_create(&cfg);
		struct truth *tr = calloc(1, sizeof *tr);
		size_t *at = calloc(SAMPLES, sizeof *at), *cyc = calloc(SAMPLES, sizeof *cyc);
		uint64_t *at_hash = calloc(SAMPLES, sizeof *at_hash);
		if (!sim || !tr || !at || !cyc || !at_hash)
			exit(2);
		record(sim, tr);
		const struct dv_trace *t = dv_sim_trace(sim);
		size_t n = dv_trace_len(t);
		CHECK(t->nblocks >= 4);
		/* Samples: random events, and pairs of bus cycle ends. */
		size_t nc = cycle_ends(t, cyc, SAMPLES / 2), nat = 0;
		for (size_t k = 0; k < nc; k++)
			at[nat++] = cyc[k];
		while (nat < SAMPLES)
			at[nat++] = below((uint32_t)n + 1);
		qsort(at, nat, sizeof *at, cmp_size);
		CHECK_EQ(walk_reference(sim, tr, at, at_hash, nat), 0);
		/* Random seeks in both directions, from one cursor. */
		struct dv_cursor c;
		dv_cursor_init(&c, sim);
		size_t bad = 0;
		for (size_t k = 0; k < 2000; k++) {
			size_t s = below((uint32_t)nat);
			dv_cursor_seek(&c, at[s]);
			bad += chash(&c) != at_hash[s];
		}
		/* A step back at bus-cycle granularity: from a cycle's end to the one before. */
		for (size_t k = 0; k + 1 < nc; k += 2) {
			dv_cursor_seek(&c, cyc[k + 1]);
			dv_cursor_seek(&c, cyc[k]);
			size_t s = 0;
			while (at[s] != cyc[k])
				s++;
			bad += chash(&c) != at_hash[s];
		}
		CHECK(nc >= 100);
		CHECK_EQ(bad, 0);
		dv_cursor_finish(&c);
		free(at_hash);
		free(cyc);
		free(at);
		free(tr);
		dv_sim_destroy(sim);
	}
}

CHECK_MAIN(CHECK_CASE(test_codec), CHECK_CASE(test_damaged_code), CHECK_CASE(test_pin),
           CHECK_CASE(test_keyframe_pack), CHECK_CASE(test_machine_replay))
