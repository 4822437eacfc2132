/* dmaviz: core benchmark. Plain-text figures, one per line; nothing timed is asserted.
 *
 *   1. A 64 KiB single-mode transfer on channel 2 (I/O -> memory, count 0xFFFF, page 0x02,
 *      DREQ held until terminal count) with the full trace and keyframes recorded: simulated
 *      DMA cycles (transfers) and ticks per second of wall time.
 *   2. What the recording costs: events, and bytes of trace + keyframes + memory pages per
 *      event.
 *   3. Reading it back: events per second through dv_trace_at.
 *   4. Seek latency: one cursor seeks to 1000 events picked by a fixed-seed PRNG, to the
 *      events farthest from a keyframe, and steps back one bus cycle at 1000 places.
 *
 * The wall clock (clock_gettime) is read here only; the core never reads it.
 * Exit status 1 only when the transfer did not reach terminal count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"
#include "sim.h"

static uint64_t bench_rng = 0xbe7c4;

static uint64_t bench_random(void)
{
	uint64_t x = (bench_rng += 0x9e3779b97f4a7c15ull);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The position just past the last event of the bus cycle that event i belongs to. */
static size_t cycle_end_after(const struct dv_trace *t, size_t i)
{
	uint64_t cyc = dv_trace_at(t, i)->cycle;
	while (i < dv_trace_len(t) && dv_trace_at(t, i)->cycle == cyc)
		i++;
	return i;
}

/* The end of the bus cycle before the one that ends at end. */
static size_t cycle_end_before(const struct dv_trace *t, size_t end)
{
	if (end == 0)
		return 0;
	uint64_t cyc = dv_trace_at(t, end - 1)->cycle;
	size_t i = end - 1;
	while (i > 0 && dv_trace_at(t, i - 1)->cycle == cyc)
		i--;
	return i;
}

int main(void)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	struct dv_sim *sim = dv_sim_create(&cfg);
	if (!sim) {
		fprintf(stderr, "bench-core: dv_sim_create failed\n");
		return 2;
	}

	/* Channel 2: mask, clear the flip-flop, single mode + write (0x44 | 2), address 0x0000,
	 * count 0xFFFF (65536 transfers), page 0x02 (port 0x81), unmask. */
	const uint8_t setup[][2] = { { 0x0A, 0x06 }, { 0x0C, 0x00 }, { 0x0B, 0x46 },
		                     { 0x04, 0x00 }, { 0x04, 0x00 }, { 0x05, 0xFF },
		                     { 0x05, 0xFF }, { 0x81, 0x02 }, { 0x0A, 0x02 } };
	for (size_t i = 0; i < sizeof setup / sizeof setup[0]; i++)
		dv_sim_out(sim, setup[i][0], setup[i][1]);
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, sim->st.bus.dreq | 1u << 2);

	const uint32_t limit = 4u * 65536u + 1000u;
	uint32_t ticks = 0;
	double t0 = now_seconds();
	while (!(sim->st.dma[0].status & 0x04) && ticks < limit) {
		dv_sim_tick(sim);
		ticks++;
	}
	double t1 = now_seconds();
	bool reached_tc = (sim->st.dma[0].status & 0x04) != 0;
	dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, sim->st.bus.dreq & ~(1u << 2));

	size_t xfers = 0, state_events = 0;
	for (size_t i = 0; i < sim->trace.len; i++) {
		xfers += dv_trace_at(&sim->trace, i)->kind == DV_EV_XFER;
		state_events += dv_trace_at(&sim->trace, i)->kind == DV_EV_STATE;
	}
	double secs = t1 - t0 > 0 ? t1 - t0 : 1e-9;
	size_t events = sim->trace.len;
	size_t trace_bytes = dv_trace_bytes(&sim->trace);
	size_t kf_bytes = 0;
	for (size_t k = 0; k < sim->nkf; k++)
		kf_bytes += sim->kf[k].size;
	size_t pages = sim->pool.count > 0 ? sim->pool.count - 1 : 0;
	size_t page_bytes = pages * DV_PAGE_SIZE;
	size_t total = trace_bytes + kf_bytes + page_bytes;

	printf("transfer: channel 2, single mode, write, count 0xFFFF, page 0x02, keyframe every "
	       "%u state events\n",
	       (unsigned)sim->cfg.keyframe_every);
	printf("reached-tc: %s\n", reached_tc ? "yes" : "no");
	printf("dma-transfers: %zu\n", xfers);
	printf("ticks: %u\n", ticks);
	printf("run-seconds: %.3f\n", secs);
	printf("dma-cycles-per-second: %.0f\n", (double)xfers / secs);
	printf("ticks-per-second: %.0f\n", (double)ticks / secs);
	/* ticks the 8237A recorded by repeating its period instead of arbitrating (dma8237.c) */
	printf("ticks-repeated: %llu\n", (unsigned long long)sim->streak.repeated);
	printf("events: %zu\n", events);
	printf("state-events: %zu\n", state_events);
	printf("events-per-transfer: %.2f\n", xfers ? (double)events / (double)xfers : 0.0);
	printf("events-per-second: %.0f\n", (double)events / secs);
	printf("trace-bytes: %zu\n", trace_bytes);
	printf("keyframes: %zu\n", sim->nkf);
	printf("keyframe-bytes: %zu\n", kf_bytes);
	printf("pool-pages: %zu\n", pages);
	printf("pool-bytes: %zu\n", page_bytes);
	printf("recording-bytes: %zu\n", total);
	printf("bytes-per-event: %.2f\n", events ? (double)total / (double)events : 0.0);
	printf("bytes-per-dma-cycle: %.2f\n", xfers ? (double)total / (double)xfers : 0.0);

	/* Reading the recording back: every event through dv_trace_at, blocks decoded in turn. */
	double r0 = now_seconds();
	uint64_t sum_cycles = 0;
	for (size_t i = 0; i < events; i++)
		sum_cycles += dv_trace_at(&sim->trace, i)->cycle;
	double rsecs = now_seconds() - r0;
	printf("read-events-per-second: %.0f (checksum %llu)\n",
	       (double)events / (rsecs > 0 ? rsecs : 1e-9),
	       (unsigned long long)(sum_cycles & 0xFFFF));

	/* Seek latency: one cursor, 1000 targets from a fixed-seed PRNG; then the seeks farthest
	 * from a keyframe (half way between two), from the other end of the recording; then a
	 * step back at bus-cycle granularity (from the end of a bus cycle to the end of the one
	 * before) at 1000 random cycles. Wall time, and the thread's CPU time, which other
	 * processes on a shared machine do not inflate. */
	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	struct seek_stats random_seeks = { 0 }, far_seeks = { 0 }, steps_back = { 0 };
	for (unsigned i = 0; i < 1000; i++)
		timed_seek(&c, (size_t)(bench_random() % (events + 1)), &random_seeks);
	for (size_t k = 0; k + 1 < sim->nkf; k++) {
		dv_cursor_seek(&c, k % 2 ? 0 : events);
		timed_seek(&c, (sim->kf[k].event + sim->kf[k + 1].event) / 2, &far_seeks);
	}
	for (unsigned i = 0; i < 1000; i++) {
		size_t end = cycle_end_after(&sim->trace, (size_t)(bench_random() % events));
		size_t before = cycle_end_before(&sim->trace, end);
		dv_cursor_seek(&c, end);
		timed_seek(&c, before, &steps_back);
	}
	print_seeks("seek", &random_seeks);
	print_seeks("seek-far-from-keyframes", &far_seeks);
	print_seeks("step-back-bus-cycle", &steps_back);
	dv_cursor_finish(&c);

	dv_sim_destroy(sim);
	if (!reached_tc) {
		fprintf(stderr,
		        "bench-core: the transfer did not reach terminal count in %u ticks\n",
		        ticks);
		return 1;
	}
	return 0;
}
