/* dmaviz benchmark: frames per second sent end to end by the reference miniport through the
 * whole model with the trace on (1514-byte frames), and the trace bytes per frame. It prints
 * figures and asserts nothing timed; it exits 1 only if a frame failed. */
#include <stdio.h>
#include <time.h>

#include "dvmini.h"
#include "dvndis.h"
#include "sim.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
	size_t ev0 = sim->trace.len;
	uint32_t cyc0 = sim->st.cycle;
	double t0 = now();
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
	double dt = now() - t0;
	size_t events = sim->trace.len - ev0;
	printf("frames: %d (1514 bytes each), failed: %d\n", FRAMES, failed);
	printf("frames-per-second: %.0f\n", FRAMES / dt);
	printf("simulated-cycles-per-frame: %u\n", (sim->st.cycle - cyc0) / FRAMES);
	printf("events-per-frame: %zu\n", events / FRAMES);
	printf("trace-bytes-per-frame: %zu\n", events * sizeof(struct dv_event) / FRAMES);
	printf("wall-seconds: %.3f\n", dt);
	dv_ndis_halt(nd);
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);
	return failed ? 1 : 0;
}
