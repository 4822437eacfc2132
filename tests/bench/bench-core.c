/* dmaviz: core benchmark. Plain-text figures, one per line; nothing timed is asserted.
 *
 *   1. A 64 KiB single-mode transfer on channel 2 (I/O -> memory, count 0xFFFF, page 0x02,
 *      DREQ held until terminal count) with the full trace and keyframes recorded: simulated
 *      DMA cycles (transfers) and ticks per second of wall time.
 *   2. What the recording costs: events, and bytes of trace + keyframes + memory pages per
 *      event.
 *   3. Seek latency: one cursor seeks to 1000 events picked by a fixed-seed PRNG.
 *
 * The wall clock (clock_gettime) is read here only; the core never reads it.
 * Exit status 1 only when the transfer did not reach terminal count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t bench_rng = 0xbe7c4;

static uint64_t bench_random(void)
{
	uint64_t x = (bench_rng += 0x9e3779b97f4a7c15ull);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
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
	size_t kf_bytes = sim->nkf * sizeof(struct dv_state);
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

	/* Seek latency: one cursor, 1000 targets from a fixed-seed PRNG. */
	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	double sum = 0, worst = 0;
	const unsigned nseeks = 1000;
	for (unsigned i = 0; i < nseeks; i++) {
		size_t to = (size_t)(bench_random() % (events + 1));
		double s0 = now_seconds();
		dv_cursor_seek(&c, to);
		double dt = (now_seconds() - s0) * 1e6;
		sum += dt;
		if (dt > worst)
			worst = dt;
	}
	printf("seeks: %u\n", nseeks);
	printf("seek-mean-us: %.1f\n", sum / nseeks);
	printf("seek-max-us: %.1f\n", worst);
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
