/* dmaviz: the machine's struct, for the core only. Front ends hold a struct dv_sim pointer and
 * read it through sim.h's functions (dv_sim_trace, dv_sim_config, dv_sim_state, dv_sim_get,
 * cursors), so that no code outside the core writes the machine's state or its trace.
 */
#ifndef DV_SIM_INT_H
#define DV_SIM_INT_H
#ifndef DV_CORE_INTERNAL
#error "sim_int.h belongs to the core: front ends use the functions of sim.h"
#endif

#include "sim.h"

/* A keyframe: the state after events [0, event), packed (keyframe.c). It holds a reference
 * on every memory page its state names. */
struct dv_keyframe {
	size_t event;
	uint8_t *packed;
	size_t size;
};

/* Packs a state (NULL when memory runs out); unpacks one, false when the bytes are not a
 * packed state. */
uint8_t *dv_keyframe_pack(const struct dv_state *st, size_t *size);
bool dv_keyframe_unpack(const uint8_t *p, size_t size, struct dv_state *st);
/* Releases keyframe k's pages and bytes (the machine's destroy and truncate). */
void dv_sim_keyframe_drop(struct dv_sim *sim, size_t k);

struct dv_sim {
	struct dv_state st;
	struct dv_mempool pool;
	struct dv_trace trace;
	struct dv_config cfg;
	struct dv_hooks hooks;
	struct dv_keyframe *kf;
	size_t nkf, kf_cap;
	struct dv_state *unpacked; /* where a keyframe is unpacked to be restored or dropped */
	size_t state_events_since_kf;
	/* What is causing events now: stamped on every event. */
	uint8_t cause_src;
	uint16_t cause_loc;
	bool in_tick;
	uint32_t generation; /* bumped by dv_sim_truncate: cursors re-seek from a keyframe */
	bool in_dpc_drain;
	/* Called after every NDIS call begins and returns (ndis.c), so that the lesson engine can
	 * stop a driver in the middle of a callback (`break at`, `run until call X returns`). */
	void (*watch)(void *ctx);
	void *watch_ctx;
};

#endif
