/* dmaviz benchmark: frames per second sent end to end by the reference miniport through the
 * whole model with the trace on (1514-byte frames), and the trace bytes per frame; then a long
 * run of FRAMES_LONG frames sent and as many received, interleaved, with the full trace and
 * keyframes: seconds, events per byte moved, bytes of the recording and the peak resident
 * memory. It prints figures and asserts nothing timed; it exits 1 only if a frame failed. */
#include <stdbool.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"
#include "dvmini.h"
#include "dvndis.h"
#include "peer.h"
#include "sim.h"

/* The protocol's table of sent packets holds 32 (dv_ndis_send); the long run reuses it once
 * every packet in it completed, as a protocol recycles its packets. */
static void recycle_tx(struct dv_ndis *nd)
{
	for (uint32_t i = 0; i < nd->ntx; i++)
		if (!nd->tx[i].completed)
			return;
	nd->ntx = 0;
	nd->ntx_completed = 0;
}

static int long_run(void)
{
	enum { FRAMES_LONG = 1000, LEN = 1514 };
	struct dv_sim *sim = dv_sim_create(NULL);
	struct dv_ndis *nd = dv_ndis_create(sim);
	if (!sim || !nd || dv_ndis_load(nd, DvMiniDriverEntry) != NDIS_STATUS_SUCCESS ||
	    dv_ndis_initialize(nd) != NDIS_STATUS_SUCCESS) {
		fprintf(stderr, "bench-ndis: the reference miniport did not start\n");
		return 1;
	}
	size_t ev0 = dv_trace_len(&sim->trace), rec0 = dv_trace_records(&sim->trace, ev0);
	double t0 = now_seconds();
	int failed = 0;
	/* One frame out, then one in: the card has one DMA channel, and a frame that arrives
	 * while the channel serves a send is missed (nic.missed), as on the real card. */
	for (int f = 0; f < FRAMES_LONG; f++) {
		recycle_tx(nd);
		struct dv_packet_spec spec = { 1, { { LEN, 0, false } } };
		int idx = dv_ndis_send(nd, &spec);
		for (int i = 0; i < 100000 && idx >= 0 && !nd->tx[idx].completed; i++)
			dv_sim_tick(sim);
		uint32_t rx0 = nd->nrx;
		bool queued = dv_peer_send(sim, LEN);
		for (int i = 0; i < 100000 && queued && nd->nrx == rx0; i++)
			dv_sim_tick(sim);
		if (idx < 0 || !nd->tx[idx].completed ||
		    nd->tx[idx].status != NDIS_STATUS_SUCCESS || nd->nrx == rx0)
			failed++;
	}
	double dt = now_seconds() - t0;
	size_t events = dv_trace_len(&sim->trace) - ev0, kf_bytes = 0;
	for (size_t k = 0; k < sim->nkf; k++)
		kf_bytes += sim->kf[k].size;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double moved = 2.0 * FRAMES_LONG * LEN;
	printf("long-run: %d frames of %d bytes sent and %d received, failed: %d\n", FRAMES_LONG,
	       LEN, FRAMES_LONG, failed);
	printf("long-run-seconds: %.3f\n", dt);
	/* events as the views count and step them: the trace's records (trace.h) */
	size_t recs = dv_trace_records(&sim->trace, SIZE_MAX) - rec0;
	printf("long-run-events: %zu (trace events %zu)\n", recs, events);
	printf("long-run-events-per-byte-moved: %.1f\n", (double)recs / moved);
	printf("long-run-trace-events-per-byte-moved: %.1f\n", (double)events / moved);
	printf("long-run-trace-bytes: %zu\n", dv_trace_bytes(&sim->trace));
	printf("long-run-keyframes: %zu (%zu bytes)\n", sim->nkf, kf_bytes);
	printf("long-run-pool-bytes: %zu\n", (size_t)sim->pool.count * DV_PAGE_SIZE);
	printf("long-run-peak-rss-mb: %.1f\n", (double)ru.ru_maxrss / 1024.0);
	/* Seeking in it: 200 random events, and the events farthest from a keyframe. */
	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	struct seek_stats random_seeks = { 0 }, far_seeks = { 0 };
	uint64_t x = 0x5eed;
	for (int i = 0; i < 200; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		timed_seek(&c, (size_t)((x >> 11) % (dv_trace_len(&sim->trace) + 1)),
		           &random_seeks);
	}
	for (size_t k = 0; k + 1 < sim->nkf; k += sim->nkf / 200 + 1) {
		dv_cursor_seek(&c, k % 2 ? 0 : dv_trace_len(&sim->trace));
		timed_seek(&c, (sim->kf[k].event + sim->kf[k + 1].event) / 2, &far_seeks);
	}
	print_seeks("long-run-seek", &random_seeks);
	print_seeks("long-run-seek-far-from-keyframes", &far_seeks);
	dv_cursor_finish(&c);
	dv_ndis_halt(nd);
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);
	return failed ? 1 : 0;
}

int main(void)
{
	enum { FRAMES = 30 };
	struct dv_sim *sim = dv_sim_create(NULL);
	struct dv_ndis *nd = dv_ndis_create(sim);
	if (!sim || !nd || dv_ndis_load(nd, DvMiniDriverEntry) != NDIS_STATUS_SUCCESS ||
	    dv_ndis_initialize(nd) != NDIS_STATUS_SUCCESS) {
		fprintf(stderr, "bench-ndis: the reference miniport did not start\n");
		return 1;
	}
	size_t ev0 = sim->trace.len, rec0 = dv_trace_records(&sim->trace, ev0);
	uint32_t cyc0 = sim->st.cycle;
	double t0 = now_seconds();
	int failed = 0;
	for (int f = 0; f < FRAMES; f++) {
		struct dv_packet_spec spec = { 1, { { 1514, 0, false } } };
		int idx = dv_ndis_send(nd, &spec);
		for (int i = 0; i < 100000 && idx >= 0 && !nd->tx[idx].completed; i++)
			dv_sim_tick(sim);
		if (idx < 0 || !nd->tx[idx].completed || nd->tx[idx].status != NDIS_STATUS_SUCCESS)
			failed++;
		if (nd->ntx >= 30)
			break;
	}
	double dt = now_seconds() - t0;
	size_t events = sim->trace.len - ev0;
	printf("frames: %d (1514 bytes each), failed: %d\n", FRAMES, failed);
	printf("frames-per-second: %.0f\n", FRAMES / dt);
	printf("simulated-cycles-per-frame: %u\n", (sim->st.cycle - cyc0) / FRAMES);
	/* events as the views count and step them (records, trace.h), and the trace's own */
	size_t recs = dv_trace_records(&sim->trace, SIZE_MAX) - rec0;
	printf("events-per-frame: %zu (trace events %zu)\n", recs / FRAMES, events / FRAMES);
	printf("events-per-byte-sent: %.2f\n", (double)recs / FRAMES / 1514.0);
	printf("trace-events-per-byte-sent: %.2f\n", (double)events / FRAMES / 1514.0);
	printf("trace-bytes-per-frame: %zu\n", dv_trace_bytes(&sim->trace) / FRAMES);
	printf("wall-seconds: %.3f\n", dt);
	dv_ndis_halt(nd);
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);
	if (failed)
		return 1;
	return long_run();
}
