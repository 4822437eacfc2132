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

/* A keyframe: the state after events [0, event), in chunks of DV_KF_CHUNK bytes packed
 * (keyframe.c); a chunk equal to the previous keyframe's is that chunk, shared. It holds a
 * reference on every memory page its state names. size: the bytes it added (its chunk table
 * and the chunks it packed itself). */
#define DV_KF_CHUNK 512u
#define DV_KF_CHUNKS ((sizeof(struct dv_state) + DV_KF_CHUNK - 1) / DV_KF_CHUNK)
struct dv_kf_chunk;
struct dv_keyframe {
	size_t event;
	struct dv_kf_chunk **chunk;
	size_t size;
};

/* Packs st as kf, sharing every chunk that is the same in prev_st, the state of keyframe prev
 * (both NULL: nothing shared); false when memory runs out. Unpacks one (false: a damaged
 * chunk). Whether two keyframes share chunk c. Releases a keyframe's chunks. */
bool dv_keyframe_pack(struct dv_keyframe *kf, const struct dv_state *st,
                      const struct dv_keyframe *prev, const struct dv_state *prev_st);
bool dv_keyframe_unpack(const struct dv_keyframe *kf, struct dv_state *st);
bool dv_keyframe_shares(const struct dv_keyframe *a, const struct dv_keyframe *b, size_t c);
void dv_keyframe_release(struct dv_keyframe *kf);
/* Releases keyframe k's pages and chunks (the machine's destroy and truncate). */
void dv_sim_keyframe_drop(struct dv_sim *sim, size_t k);

/* A period of the 8237A that repeats (dma8237.c): a single-mode channel whose DREQ stays up
 * asks for the bus in one tick (the request word) and is granted it, moves a unit and gives
 * it back in the next (the grant word, the transfer, the release word, which is the word the
 * period began with). Once one period has been seen, the next ticks record the same events
 * again without arbitrating, for as long as nothing else happens: no event between (the
 * trace's length and the cycle are as the last tick left them; a truncate or a load settles
 * the machine, which forgets the period), no terminal count, no address wrap, memory
 * present. */
enum dv_streak_next { DV_STREAK_NONE = 0, DV_STREAK_SEEN_A, DV_STREAK_A, DV_STREAK_B };
struct dv_streak {
	uint8_t next;   /* enum dv_streak_next: what the tick at (len, cycle) can be */
	bool off;       /* never repeat (a test compares the two) */
	bool quiet;     /* the other devices were quiet in the period: whole ticks may repeat */
	size_t len;     /* the trace's length that tick must find */
	uint32_t cycle; /* and its cycle */
	uint32_t room;  /* events the period may still write in place (sim.c, period_room) */
	uint32_t idle, req, grant; /* the arbitration words of the period */
	struct dv_event xfer;      /* its transfer, without the byte it stores (DV_XFER_MEM) */
	uint8_t served;            /* the channel the last tick arbitrated in full served */
	uint64_t repeated;         /* ticks recorded by repetition (tests, benchmarks) */
};

struct dv_sim {
	struct dv_state st;
	struct dv_mempool pool;
	struct dv_trace trace;
	struct dv_config cfg;
	struct dv_hooks hooks;
	struct dv_keyframe *kf;
	size_t nkf, kf_cap;
	struct dv_state *unpacked; /* where a keyframe is unpacked to be restored or dropped */
	struct dv_state *kf_last;  /* the state of keyframe kf_last_of, which the next shares */
	size_t kf_last_of;         /* SIZE_MAX: none (kf_last is unpacked again when needed) */
	size_t state_events_since_kf;
	/* What is causing events now: stamped on every event. */
	uint8_t cause_src;
	uint16_t cause_loc;
	bool in_tick;
	bool strobes_up; /* a transfer's strobes are up until an event of another cause or tick */
	/* The open event (SIZE_MAX: none): a transfer until the card with DACK answered, a byte
	 * time until the card's tick ends. Changes of that moment are recorded with it (its
	 * flags, patched: it stays decoded, pinned), and no keyframe falls while it is open. */
	size_t open_at;
	/* The arbitration word (dma.signals, state.h): its value as recorded, and whether the
	 * fields moved since (they are recorded as one event before the next event, at the end
	 * of the tick, or when a change of another cause comes), with the cause of the batch. */
	uint32_t sig_word;
	bool sig_dirty;
	uint8_t sig_src;
	uint16_t sig_loc;
	uint32_t generation;     /* bumped by dv_sim_truncate: cursors re-seek from a keyframe */
	struct dv_streak streak; /* the 8237A's period, learned to be repeated (dma8237.c) */
	bool in_dpc_drain;
	/* Called after every NDIS call begins and returns (ndis.c), so that the lesson engine can
	 * stop a driver in the middle of a callback (`break at`, `run until call X returns`). */
	void (*watch)(void *ctx);
	void *watch_ctx;
};

/* A field of the arbitration word (state.h: a chip's status, HRQ or active channel, HLDA)
 * takes value: written now, recorded with the others of its batch (a batch has one cause: a
 * change of another cause records the batch before it). dv_sim_set of such a slot comes here;
 * the 8237A, which writes them several times a tick, mostly with the value they hold, calls
 * it inline. dv_sim_signal_batch: the field is about to change (sim.c). */
void dv_sim_signal_batch(struct dv_sim *sim);
/* The period's recording (dma8237.c repeats one), at the cycle of now, as the machine's (the
 * tick's cause), no batch pending: the request tick's word req; the transfer tick's grant
 * word, its transfer x (complete with its flags, data, source and location) and the release
 * word idle. Each records and applies what dv_sim_signal of each field, the flush of the
 * batch and dv_sim_xfer .. dv_sim_xfer_end would; put in the trace's tail in place when they
 * fit its block and no keyframe falls among them (sim.c). */
void dv_sim_period_request(struct dv_sim *sim, uint32_t req);
void dv_sim_period_transfer(struct dv_sim *sim, uint32_t grant, const struct dv_event *x,
                            uint32_t idle);

static inline void dv_sim_signal(struct dv_sim *sim, uint8_t *field, uint32_t value)
{
	if (*field == (uint8_t)value)
		return;
	if (!sim->sig_dirty || sim->sig_src != sim->cause_src || sim->sig_loc != sim->cause_loc)
		dv_sim_signal_batch(sim);
	*field = (uint8_t)value;
}

#endif
