/* dmaviz: the trace. Every state change and every noteworthy act is one typed event. */
#ifndef DV_TRACE_H
#define DV_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dv_ev_kind {
	DV_EV_STATE = 0, /* slot changed: index, old, new (the only kind replay applies) */
	DV_EV_PORT_OUT,  /* CPU wrote new_value to port index */
	DV_EV_PORT_IN,   /* CPU read new_value from port index */
	DV_EV_XFER,      /* one DMA transfer: chan, index = physical address, new_value = data,
	                    old_value = enum dv_xfer_dir | width << 8 | DV_XFER_STEPS ... */
	DV_EV_WIRE,      /* a byte on the wire: index = 0 NIC->peer, 1 peer->NIC; new_value = byte;
	                   old_value = DV_WIRE_* flags */
	DV_EV_NOTE,      /* something to explain: slot = enum dv_note, index/new_value by note */
	DV_EV_CALL,      /* a driver called an NDIS/HAL function: slot = call id */
	DV_EV_RETURN,    /* it returned: slot = call id, new_value = status */
	DV_EV_VERIFIER,  /* a verifier rule fired: slot = rule id */
	DV_EV_MARK,      /* a lesson or script marker: slot = mark kind, index = number */
	DV_EV_KIND_COUNT
};

enum dv_xfer_dir {
	DV_XFER_VERIFY = 0,
	DV_XFER_TO_MEMORY = 1,
	DV_XFER_FROM_MEMORY = 2,
	DV_XFER_MEM_TO_MEM = 3
};

/* Flags of a transfer's old_value (above its direction and width). DV_XFER_STEPS: the transfer
 * advanced its channel as the 8237A does at every transfer, and its event records that (sim.c):
 * dma.cycles + 1, the channel's current address + 1 (- 1 with DV_XFER_DOWN; 16 bits, wrapping
 * inside the page) and its current count - 1 (16 bits). Replay does and undoes them exactly; a
 * transfer without the flag (a memory-to-memory one, a recording of format 3 or before)
 * records those changes as state events of their own. */
#define DV_XFER_STEPS (1u << 16)
#define DV_XFER_DOWN (1u << 17)
/* DV_XFER_CARD: the card with DACK (the NIC) took or gave the byte with its FIFO, and the event
 * records that too: a byte from memory adds one to nic.txfifo.count and nic.tx_fetched; a byte
 * to memory moves nic.rxfifo.head on by one (modulo the FIFO) and takes one from
 * nic.rxfifo.count. The byte written into the TX FIFO is a state event of its own. Set on a
 * byte-wide transfer only, once the card answered (dv_sim_xfer_card). */
#define DV_XFER_CARD (1u << 18)
/* DV_XFER_DREQ: as the card with DACK answered, its DREQ line changed (the NIC drops it when the
 * byte filled its TX FIFO or emptied its RX FIFO): bus.dreq bit chan flips with the event. */
#define DV_XFER_DREQ (1u << 19)
/* DV_XFER_MEM (format 5): a byte-wide transfer to memory stored its byte (new_value's low
 * byte) at index, and the event records that: the byte it replaced is old_value's top byte
 * (DV_XFER_OLD_BYTE), so that an undo puts it back. */
#define DV_XFER_MEM (1u << 20)
#define DV_XFER_OLD_BYTE(e) ((uint8_t)((e)->old_value >> 24))
/* A WIRE event's old_value flag: the card's TX FIFO gave the byte and the peer took it, and the
 * event records that (sim.c): nic.txfifo.head + 1 (modulo the FIFO), nic.txfifo.count - 1,
 * nic.tx_sent + 1, peer.rx_cur + 1. The byte the peer stores is a state event of its own (its
 * old value is needed to undo it). */
#define DV_WIRE_STEPS 1u
/* More flags of a WIRE event's old_value (format 5). DV_WIRE_DREQ: at this byte time the card's
 * DREQ line changed (it asks for a byte again once the wire took one from its TX FIFO, or
 * offers the byte that reached its RX FIFO): bus.dreq bit nic.channel flips with the event.
 * DV_WIRE_PEER_STEP (a byte from the peer, index 1, not the frame's last): peer.tx_pos + 1.
 * DV_WIRE_STORED (index 1): the card stored the byte in its RX FIFO: nic.rxfifo.count + 1 and
 * nic.rx_frame_in + 1 (the stored byte is a state event of its own). */
#define DV_WIRE_DREQ 2u
#define DV_WIRE_PEER_STEP 4u
#define DV_WIRE_STORED 8u

/* Who caused an event. */
enum dv_src {
	DV_SRC_MACHINE = 0,
	DV_SRC_CPU,
	DV_SRC_DMA,
	DV_SRC_NIC,
	DV_SRC_PEER,
	DV_SRC_DRIVER,
	DV_SRC_HAL,
	DV_SRC_SCRIPT,
	DV_SRC_COUNT
};

/* Things the machine did that a learner should have explained. */
#define DV_NOTES(X)                                                                                                            \
	X(UNCLAIMED_PORT, "no device answers this port; a read floats to 0xFF")                                                \
	X(READ_WRITE_ONLY, "this 8237A register is write-only; the read returns the floating bus")                             \
	X(WRITE_READ_ONLY, "this port is read-only; the write is ignored")                                                     \
	X(ILLEGAL_MODE, "transfer type 11 is illegal on the 8237A; the channel moves no data")                                 \
	X(PAGE_WRAP,                                                                                                           \
	  "the address counter wrapped inside its page: the carry never reaches the page register")                            \
	X(MASTER_CLEAR,                                                                                                        \
	  "master clear: all masks set, flip-flop, status, request, command and temporary cleared")                            \
	X(CASCADE_BLOCKED,                                                                                                     \
	  "channel 4 (the cascade) is masked, not in cascade mode, or DMA2 is disabled: channels 0-3 cannot get the bus")      \
	X(TX_OVERFLOW,                                                                                                         \
	  "the NIC did not take the byte the DMA delivered (TX FIFO full, or no byte of the frame left to fetch): it is lost") \
	X(TX_UNDERRUN, "the NIC's TX FIFO ran dry in the middle of a frame: transmit underrun")                                \
	X(RX_OVERRUN, "the NIC's RX FIFO was full and a byte from the wire was lost")                                          \
	X(RX_EMPTY_READ, "the DMA read from the NIC while its RX FIFO was empty (0xFF)")                                       \
	X(MEM_ABSENT, "no memory is installed at this address")                                                                \
	X(CYCLE_LIMIT, "the cycle counter reached its limit")                                                                  \
	X(DPC_OVERFLOW, "the DPC queue is full; the DPC was dropped")                                                          \
	X(IRQ_DELIVERED, "the CPU took the interrupt and called the ISR")                                                      \
	X(DPC_RUN, "the CPU ran a queued DPC")                                                                                 \
	X(MEM2MEM, "memory-to-memory transfer through the temporary register")                                                 \
	X(FRAME_SENT, "a whole frame reached the peer station")                                                                \
	X(FRAME_RECEIVED, "a whole frame arrived from the peer station")                                                       \
	X(DRIVER_ENDED,                                                                                                        \
	  "the learner's driver ended here: its process crashed, looped, exited or broke the host's rules")

enum dv_note {
#define DV_NOTE_ENUM(id, text) DV_NOTE_##id,
	DV_NOTES(DV_NOTE_ENUM)
#undef DV_NOTE_ENUM
	        DV_NOTE_COUNT
};

/* An event about no DMA channel (a port access, a note of the machine, a lesson mark). */
#define DV_NO_CHANNEL 0xFFu

struct dv_event {
	uint64_t cycle;
	uint32_t index;
	uint32_t old_value;
	uint32_t new_value;
	uint16_t kind; /* enum dv_ev_kind */
	uint16_t slot; /* enum dv_slot for DV_EV_STATE, otherwise the kind's sub-id */
	uint16_t loc;  /* source location id (dv_trace_loc), 0 = none */
	uint8_t src;   /* enum dv_src */
	uint8_t chan;  /* DMA channel, DV_NO_CHANNEL = none */
	uint32_t pad_; /* always 0, so events compare and write byte for byte */
};

/* A transfer's direction (enum dv_xfer_dir) and width in bytes (1 or 2). */
static inline unsigned dv_xfer_dir(const struct dv_event *e)
{
	return e->old_value & 0xFFu;
}

static inline unsigned dv_xfer_width(const struct dv_event *e)
{
	return ((e->old_value >> 8) & 0xFFu) == 2 ? 2u : 1u;
}

/* Marks the lesson runner puts in the trace (DV_EV_MARK, slot = kind). They live here, with
 * the events, so that whatever reads a trace (describe.c, exporters) needs no lesson.h. */
enum dv_mark_kind {
	DV_MARK_STEP = 1 /* index = step number */,
	DV_MARK_STMT = 2 /* index = line */
};

/* A source location that caused events: a driver's file and line. */
struct dv_loc {
	const char *file; /* owned by the trace */
	uint32_t line;
};

/* The recording is kept compact (docs/trace-formats.md, "The in-memory recording"): events
 * are sealed in blocks of DV_TRACE_BLOCK, each coded against the events before it in the
 * block; the newest events (the tail, fewer than two blocks) stay decoded, so pushing and
 * patching them is cheap. Readers see decoded events through dv_trace_at, which decodes a
 * block into a small cache. */
#define DV_TRACE_BLOCK 4096u
#define DV_TRACE_CACHE 8u

struct dv_trace_cache;

/* The kinds a walk back looks for (a call, its return, a rule, a mark, a port access, a note):
 * the trace keeps where each of them is, so that dv_trace_prev finds the last one before any
 * position without reading the bus cycles between (a run of thousands of frames). */
#define DV_TRACE_INDEXED                                                                           \
	((1u << DV_EV_PORT_OUT) | (1u << DV_EV_PORT_IN) | (1u << DV_EV_NOTE) |                     \
	 (1u << DV_EV_CALL) | (1u << DV_EV_RETURN) | (1u << DV_EV_VERIFIER) | (1u << DV_EV_MARK))

struct dv_trace_kind_index {
	size_t *pos; /* where the events of one kind are, ascending */
	size_t n, cap;
};

/* Where the records stand (see dv_trace_records): how many began, and the head of the last. */
struct dv_trace_rec {
	size_t before;  /* records begun */
	uint64_t cycle; /* the head's cycle and source */
	uint8_t src;
	bool open; /* there is a head */
};

struct dv_trace {
	size_t len;     /* events recorded */
	uint8_t *bytes; /* the sealed blocks' codes, one after another */
	size_t nbytes, bytes_cap;
	size_t *block_end; /* block_end[b]: where block b's code ends in bytes */
	size_t nblocks, blocks_cap;
	struct dv_event *tail; /* events [nblocks * DV_TRACE_BLOCK, len), decoded */
	size_t tail_cap;
	size_t pin;                   /* an event that must stay in the tail (SIZE_MAX: none) */
	struct dv_trace_cache *cache; /* decoded sealed blocks (allocated at the first seal) */
	struct dv_loc *locs;          /* locs[0] is "none" */
	size_t nlocs, loc_cap;
	struct dv_trace_kind_index kinds[DV_EV_KIND_COUNT]; /* the DV_TRACE_INDEXED kinds' */
	bool kinds_lost;             /* the index could not grow: dv_trace_prev reads every event */
	struct dv_trace_rec rec;     /* after the last event */
	struct dv_trace_rec *rec_at; /* rec_at[b]: before block b's first event */
	size_t rec_cap;
	bool recs_lost; /* rec_at could not grow: every event counts as a record */
	bool failed;    /* an allocation failed: events after it were dropped */
};

void dv_trace_init(struct dv_trace *t);
void dv_trace_finish(struct dv_trace *t);
bool dv_trace_push(struct dv_trace *t, const struct dv_event *ev);
/* Events written in place (the 8237A's repeated period, dma8237.c): how many events can be
 * put at the end of the trace, in the tail's current block (0 when a block begins or is to
 * be sealed there, the tail is full), and dv_trace_put, which records one (its pad_ 0) as
 * dv_trace_push would, without its checks: inline, so that an event built where it is put
 * is counted where it is built. Only for events whose kind is not in DV_TRACE_INDEXED; any
 * other push or truncate may change the room. */
static inline size_t dv_trace_in_tail(const struct dv_trace *t)
{
	return t->len - t->nblocks * DV_TRACE_BLOCK; /* the events after the sealed blocks */
}

static inline size_t dv_trace_room(const struct dv_trace *t)
{
	size_t in_tail = dv_trace_in_tail(t);
	if (in_tail == 0 || in_tail >= DV_TRACE_BLOCK)
		return 0;
	size_t room = DV_TRACE_BLOCK - in_tail, cap = t->tail_cap - in_tail;
	return room < cap ? room : cap;
}

static inline void dv_trace_rec_next(struct dv_trace_rec *r, uint64_t cycle, uint16_t kind,
                                     uint16_t slot, uint8_t src);
/* The event's fields as scalars, stored one by one: a whole event built and copied would be
 * read back wider than it was written (a stall on every put). */
static inline void dv_trace_put(struct dv_trace *t, uint64_t cycle, uint32_t index,
                                uint32_t old_value, uint32_t new_value, uint16_t kind,
                                uint16_t slot, uint16_t loc, uint8_t src, uint8_t chan)
{
	dv_trace_rec_next(&t->rec, cycle, kind, slot, src);
	struct dv_event *d = &t->tail[dv_trace_in_tail(t)];
	d->cycle = cycle;
	d->index = index;
	d->old_value = old_value;
	d->new_value = new_value;
	d->kind = kind;
	d->slot = slot;
	d->loc = loc;
	d->src = src;
	d->chan = chan;
	d->pad_ = 0;
	t->len++;
}

/* Drops every event from n on. */
void dv_trace_truncate(struct dv_trace *t, size_t n);
/* Keeps event i decoded (in the tail) until dv_trace_unpin, so that dv_trace_patch can fill
 * in a value known only later (a port read's, bus.c). */
void dv_trace_pin(struct dv_trace *t, size_t i);
void dv_trace_unpin(struct dv_trace *t);
/* Sets event i's new_value (old_value); false when i is not in the tail. */
bool dv_trace_patch(struct dv_trace *t, size_t i, uint32_t new_value);
bool dv_trace_patch_old(struct dv_trace *t, size_t i, uint32_t old_value);
/* Bytes the recording's events take now (codes, block index, tail), for benchmarks. */
size_t dv_trace_bytes(const struct dv_trace *t);
/* The block code itself, for a recording file (trace_io.c): block b's code (events
 * [b * DV_TRACE_BLOCK, ...), the last block maybe short) in *size bytes: a sealed block's
 * stored bytes, or the tail coded now into buf (room for DV_TRACE_CODE_MAX bytes); NULL when
 * b is past the end or memory ran out. Decode checks a code of n events as it goes: false when
 * it is damaged, cut short or has bytes left over. */
#define DV_TRACE_CODE_MAX (DV_TRACE_BLOCK * 64u)
size_t dv_trace_nblocks(const struct dv_trace *t);
/* Takes a whole block's code as it is, as the next sealed block (a recording being loaded:
 * no second coding); ev are its DV_TRACE_BLOCK events decoded (for the kind index). Only
 * when the trace holds whole blocks and no tail; false (nothing taken) otherwise or when
 * memory runs out. */
bool dv_trace_adopt_block(struct dv_trace *t, const uint8_t *code, size_t size,
                          const struct dv_event *ev);
const uint8_t *dv_trace_block_code(const struct dv_trace *t, size_t b, uint8_t *buf, size_t *size);
bool dv_trace_block_decode(const uint8_t *p, size_t size, struct dv_event *ev, size_t n);

/* Reading a recording (front ends use these, not the fields): how many events it holds and
 * the event at index i (NULL past the end). A pointer from dv_trace_at stays valid until the
 * next push or truncate, and while dv_trace_at reads events of fewer than DV_TRACE_CACHE - 1
 * other blocks (so a reader may hold a few at once; a long walk copies what it keeps).
 * Readers walk positions with these; none holds the events as one array. */
size_t dv_trace_len(const struct dv_trace *t);
/* How many sealed blocks dv_trace_at has decoded (a test's measure of how far a view reads). */
uint64_t dv_trace_decodes(const struct dv_trace *t);
const struct dv_event *dv_trace_at(const struct dv_trace *t, size_t i);
/* The position of the last event before `before` whose kind is in kinds (a mask of 1 << kind,
 * within DV_TRACE_INDEXED), or SIZE_MAX when there is none. A walk back over calls, returns
 * and rules steps with it: for (i = pos; (i = dv_trace_prev(t, i, mask)) != SIZE_MAX;). */
size_t dv_trace_prev(const struct dv_trace *t, size_t before, unsigned kinds);
/* How many events of kind (one of DV_TRACE_INDEXED) come before `before`: the calls open at a
 * position are the CALLs before it less the RETURNs. */
size_t dv_trace_count(const struct dv_trace *t, size_t before, enum dv_ev_kind kind);
/* The position of the first event at or after `from` whose kind is in kinds, or SIZE_MAX. */
size_t dv_trace_next(const struct dv_trace *t, size_t from, unsigned kinds);
/* Records: what the views count and step as "an event". An act (a port access, a transfer, a
 * byte on the wire, a call, a return, a rule, a mark, a note of an interrupt taken or a DPC
 * run) begins a record, and the state changes and notes that follow it in its bus cycle,
 * made by its source or by a device (the machine, the 8237A, the card, the peer), belong to
 * it: the register a port write lands in, the FIFO byte and the release of the bus that
 * follow a transfer. A state change that follows no act begins a record of its own. The
 * trace counts them as it records (docs/trace-formats.md, "Records"). */
bool dv_event_starts_something(const struct dv_event *e);
/* Whether e, later in the trace, belongs to the record whose first event is head. */
bool dv_event_consequence(const struct dv_event *head, const struct dv_event *e);
/* The same, inline, for the trace's own counting (and dv_trace_put's), on an event's fields:
 * whether an event of kind and slot begins a record; whether one at cycle from src continues
 * the record whose head was at head_cycle from head_src; the records r after such an event. */
static inline bool dv_trace_kind_starts(uint16_t kind, uint16_t slot)
{
	if (kind == DV_EV_STATE)
		return false;
	return kind != DV_EV_NOTE || slot == DV_NOTE_IRQ_DELIVERED || slot == DV_NOTE_DPC_RUN;
}

static inline bool dv_trace_continues(uint64_t head_cycle, uint8_t head_src, uint64_t cycle,
                                      uint16_t kind, uint16_t slot, uint8_t src)
{
	if (cycle != head_cycle || dv_trace_kind_starts(kind, slot))
		return false;
	return src == head_src || src == DV_SRC_MACHINE || src == DV_SRC_DMA || src == DV_SRC_NIC ||
	       src == DV_SRC_PEER;
}

static inline void dv_trace_rec_next(struct dv_trace_rec *r, uint64_t cycle, uint16_t kind,
                                     uint16_t slot, uint8_t src)
{
	if (r->open && dv_trace_continues(r->cycle, r->src, cycle, kind, slot, src))
		return;
	r->before++;
	r->cycle = cycle;
	r->src = src;
	r->open = true;
}

static inline void dv_trace_rec_step(struct dv_trace_rec *r, const struct dv_event *e)
{
	dv_trace_rec_next(r, e->cycle, e->kind, e->slot, e->src);
}

/* How many records begin among the events [0, before). */
size_t dv_trace_records(const struct dv_trace *t, size_t before);
/* The position of record k's first event (the trace's length when there is no such record). */
size_t dv_trace_record_start(const struct dv_trace *t, size_t k);
/* Interns file:line and returns its id (0 when file is NULL or memory ran out). */
uint16_t dv_trace_loc(struct dv_trace *t, const char *file, uint32_t line);
const struct dv_loc *dv_trace_get_loc(const struct dv_trace *t, uint16_t id);
/* FNV-1a of the events [0, n) (fields, not padding) with their locations. */
uint64_t dv_trace_hash(const struct dv_trace *t, size_t n);

/* The trace section of a recording (trace_io.c; docs/trace-formats.md): save writes the location
 * table and the events through put (false when put fails); load reads them from the n bytes at
 * p into t (initialized here), every size checked against the bytes left and the count of
 * events against max_events (so that a small file cannot make the loader decode billions). A
 * false load leaves t empty and says why in err as "offset N: what". */
bool dv_trace_save(const struct dv_trace *t, bool (*put)(void *ctx, const void *p, size_t n),
                   void *ctx);
bool dv_trace_load(struct dv_trace *t, const uint8_t *p, size_t n, uint64_t max_events, char *err,
                   size_t errsz);
/* dv_trace_load that hands each block's events, once checked and taken, to each(ctx, ev, n),
 * in order (the machine replays them as they come: sim.c, dv_sim_load). */
bool dv_trace_load_each(struct dv_trace *t, const uint8_t *p, size_t n, uint64_t max_events,
                        char *err, size_t errsz,
                        void (*each)(void *ctx, const struct dv_event *ev, size_t n), void *ctx);

const char *dv_note_text(enum dv_note note);
const char *dv_note_id(enum dv_note note);
const char *dv_src_name(enum dv_src src);
const char *dv_ev_kind_name(enum dv_ev_kind kind);

#endif
