/* dmaviz: the lesson engine's run, shared by engine.c (which runs statements) and names.c (which
 * evaluates the state names beyond machine slots). Internal to src/lang/. */
#ifndef DV_RUN_INT_H
#define DV_RUN_INT_H
#ifndef DV_CORE_INTERNAL
#error "run_int.h belongs to the core: front ends use the functions of lesson.h"
#endif

#include "calls.h"
#include "dvndis.h"
#include "lang_int.h"
#include "ndis.h"
#include "sim.h"

enum { STEP_STARTED = 1, STEP_CLOSED = 2 };

struct fiber;

struct dv_run {
	const struct dv_lesson *L;
	struct dv_run_options opt;
	struct dv_sim *sim;
	struct dv_ndis *ndis;
	enum dv_run_state state;
	size_t pc;
	bool recorded; /* read from a recording (record.c): it has nothing to run */
	struct dv_msgs msgs;
	/* steps */
	int cur;
	size_t *step_first, *step_end;
	uint8_t *step_flags;
	/* values the language keeps */
	uint32_t last_in;
	uint8_t last_read[256];
	NDIS_HANDLE handle;
	PNDIS_BUFFER *bufs;
	uint32_t *buf_phys;
	bool loaded;
	uint32_t calls[DV_CALL_COUNT];
	size_t rec_seen;
	/* the packet of the last `fill ... packet=N`, and how many packets the protocol had
	 * sent then (a later protocol packet replaces it as what peer.last.ok checks) */
	bool fill_packet;
	uint32_t fill_seq, fill_ntx;
	/* port accesses in the trace (dv_run_count_ports); the counts when the current step
	 * began */
	uint32_t ports_out, ports_in, step_ports_out, step_ports_in;
	bool strict_fired;
	bool rule_noted[DV_RULE_COUNT]; /* a DV_MSG_NOTE told this rule already */
	bool atom_seen[DV_SCRIPT_MAX_CMPS];
	/* output table and compare file */
	const struct dv_column *cols;
	unsigned ncols;
	char **rows;
	size_t *row_pos; /* the trace length when each row was written (its moment) */
	size_t nrows, rows_cap;
	char *cmp_buf;
	char **cmp_line;
	size_t ncmp;
	bool cmp_on;
	/* `driver send ... count=K`: packets that wait for the last one's completion, and what
	 * they are (engine.c, send_feed) */
	uint32_t send_waiting, send_line;
	struct dv_packet_spec send_spec;
	bool send_irda;           /* turnaround=: with IrLAP's per-packet information */
	uint32_t send_turnaround; /* ... its minimum turnaround time, microseconds */
	const char *send_file;
	/* `peer send`: frames sent in this run, and frames (of peer_len bytes) waiting for room in
	 * the peer's queue */
	uint32_t peer_frames, peer_waiting, peer_len;
	/* bounds */
	uint64_t budget;
	uint64_t filled; /* bytes written by fill/poke/write: each is a trace event */
	/* the front end's answer to the next ask */
	char *pending;
	/* the sandbox prompt */
	struct dv_arena *scratch;
	uint32_t ncommands;
	/* the driver fiber (below), and a `break at` waiting to stop the next actions */
	struct fiber *fib; /* engine.c */
	const struct dv_cond *brk;
	uint32_t brk_line;
};

/* names.c: counts the port accesses the trace has recorded since the last count. */
void dv_run_count_ports(struct dv_run *run);
/* engine.c: keeps an output row (the run owns it now; freed on failure) written when the trace
 * was pos events long. */
bool dv_run_row_append(struct dv_run *run, char *row, size_t pos);

#endif
