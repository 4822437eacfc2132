/* dmaviz: the lecture hall's facts. What the diagram of a moment shows besides the registers:
 * the NDIS call in progress or last returned with its arguments in words and the ports it
 * wrote (the call ribbon), physical memory where it matters (the address map), and the
 * non-coherent cache's lines over the buffer. Front-end neutral: the scene (the window, SVG)
 * draws these, the terminal UI shows them as text (lecture_text.c).
 *
 * Each function is a pure function of a moment: the view's machine at its position v->pos
 * (events [0, pos) of the recording), the lesson it runs and the move it measures changes
 * from (v->from). Nothing after the position is read, so no fact gives away what a question
 * asks before the learner has answered it. Events are read with dv_trace_len/dv_trace_at,
 * the state with the view's cursor, the calls' arguments with dv_call_args.
 */
#ifndef DV_APP_LECTURE_H
#define DV_APP_LECTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calls.h"
#include "state.h"
#include "view.h"

/* ---- the call ribbon ---------------------------------------------------------------------- */

/* Who owns a channel: the direction of the transfer its handle has in progress. */
enum dv_lect_owner {
	DV_LECT_OWNER_NONE,    /* no transfer set up (or no handle for the channel) */
	DV_LECT_OWNER_RECEIVE, /* a Setup with WriteToDevice FALSE, not yet completed */
	DV_LECT_OWNER_SEND,    /* a Setup with WriteToDevice TRUE, not yet completed */
};

/* One port write: for a leader line from the ribbon to the register it landed in. */
struct dv_lect_write {
	size_t pos;        /* the PORT_OUT event's index in the trace */
	uint16_t port;     /* the port, e.g. 0x02 */
	uint8_t value;     /* the byte written */
	bool high_byte;    /* an 8237A address or count port: the flip-flop chose the high byte */
	enum dv_slot slot; /* the register it lands in: an 8237A's by the port map (a base
	                      address or count, mode, mask, command, request, flip-flop) or a
	                      page register, even when the value did not change; another
	                      device's, the first state change it caused; DV_SLOT_NONE: none */
	uint32_t index;    /* the slot's index: the channel (0-7), or the chip for the chip's
	                     registers (mask, command, request, flip-flop) */
	char what[64];     /* the port in words: "channel 1 address, low byte", "page ch1",
	                     "DMA1 single mask", "NIC CMD" (describe.c's dv_port_name) */
};

#define DV_LECT_WRITES 16u

struct dv_lect_ribbon {
	/* The NDIS call: the innermost call a driver makes (Ndis*; not the HAL's own calls nor
	 * the miniport's entry points) that is running at the moment, else the last one that
	 * returned. */
	bool has_call;
	bool running;      /* called, not yet returned */
	enum dv_call call; /* its id */
	size_t call_pos;   /* its DV_EV_CALL event's index */
	size_t ret_pos;    /* its DV_EV_RETURN event's index (SIZE_MAX while running) */
	uint32_t status;   /* what it returned (an NDIS_STATUS, or a count), when returned */
	bool fresh;        /* the current move made or returned it (call or return >= from) */
	/* "NdisMSetupDmaTransfer(rx, Offset 100, Length 500, WriteToDevice TRUE) ->
	 * NDIS_STATUS_SUCCESS": the lesson's buffer name when one lies at the Buffer's address,
	 * "running" in place of the result while it runs. */
	char text[256];
	/* The port writes it made (the HAL's, inside it) up to the moment, in order: the first
	 * DV_LECT_WRITES of nwrites. */
	struct dv_lect_write writes[DV_LECT_WRITES];
	size_t nwrites;
	/* The last port write before the moment, whoever made it (a lesson's `out`, a driver,
	 * the HAL): "out 0x02 <- 0x00: channel 1 address, low byte". */
	bool has_port;
	struct dv_lect_write port;
	bool port_fresh; /* the current move made it */
	char caption[128];
	/* The badge: the channel the calls are about, whether a handle stands for it, who owns
	 * it and whether a transfer is in progress (NDIS_DMA_BLOCK.InProgress, the point of the
	 * busy lesson): "ch1: receive in progress", "ch1: free", "ch1: not registered". */
	int channel; /* -1: no DMA channel registered or named yet */
	bool registered;
	bool in_progress;
	enum dv_lect_owner owner;
	char badge[64];
};

/* The ribbon of the moment v shows. */
void dv_lecture_ribbon(const struct dv_view *v, struct dv_lect_ribbon *out);
/* "receive", "send" or "none". */
const char *dv_lect_owner_name(enum dv_lect_owner owner);

/* ---- the address map ---------------------------------------------------------------------- */

/* The copy through a bounce buffer (map registers): in for a send, at Setup (IoMapTransfer);
 * back for a receive, at Complete (IoFlushAdapterBuffers), only the bytes that moved. */
enum dv_lect_copy {
	DV_LECT_COPY_NONE,    /* not bounced */
	DV_LECT_COPY_PENDING, /* a bounced receive: the Complete has not copied back yet */
	DV_LECT_COPY_DONE,    /* the copy happened before the moment */
};

/* Whose bytes the map's hex rows show. */
enum dv_lect_rows {
	DV_LECT_ROWS_MEMORY, /* no NDIS_BUFFER to name: physical memory around the last DMA
	                        transfer, or where the channel transfers next */
	DV_LECT_ROWS_BUFFER, /* the NDIS_BUFFER the map names */
	DV_LECT_ROWS_BOUNCE, /* the bounce buffer the HAL moves it through */
};

/* A frame the NIC wrote into an auto-initialize ring. */
struct dv_lect_frame {
	uint32_t start;       /* offset of its first byte in the ring (ring wraps: start + len may
	                   exceed the ring's length) */
	uint32_t len;         /* bytes of it written so far */
	bool whole;           /* its last byte has been written */
	uint32_t overwritten; /* its first bytes that a later lap wrote over (len: all gone) */
};
#define DV_LECT_FRAMES 8u

struct dv_lect_map {
	/* The channel the map is about (the view's active channel) and its 8237A's reach. */
	unsigned channel;
	bool width16;      /* DMA2: words, 128 KiB blocks */
	uint32_t block;    /* 0x10000 or 0x20000: the address counter wraps inside a block */
	uint32_t line16m;  /* 0x1000000: the 24 address bits of the page register and counter */
	uint32_t mem_size; /* installed memory */
	/* The channel as programmed (page and base registers): the bytes it will move. */
	bool programmed;    /* its base count or address was written (a port write or a Setup),
	                    counting up (a decrementing channel is not mapped) */
	uint32_t prog_phys; /* physical address of its first byte */
	uint32_t prog_len;  /* bytes (base count + 1, twice for a word channel) */
	uint32_t cur_phys;  /* where its next byte goes: the write pointer */
	/* The block boundary the programmed range crosses, and the address the 8237A goes to
	 * after boundary - 1 (the carry never reaches the page register: the 64k lesson).
	 * wrap_to is set only once the counter has wrapped: before that it is the answer to
	 * the 64k lesson's question, and a picture must not give it away (0 until then). */
	bool crosses;
	uint32_t boundary, wrap_to;
	bool wrapped; /* the current address is past the wrap (below where it started) */
	/* The NDIS_BUFFER of the last Setup or Complete that was called before the moment: its
	 * name in the lesson ("" when none lies there), virtual and physical address of its
	 * first byte, ByteCount, and the Offset/Length subrange. */
	bool has_buffer;
	size_t call_pos; /* that call's DV_EV_CALL index (SIZE_MAX: no Setup or Complete yet) */
	char buffer_name[32];
	uint32_t buf_va, buf_phys, bytecount, offset, length;
	uint32_t sub_phys; /* physical address of byte Offset (DV_NO_ADDR: none) */
	bool write_to_device;
	bool out_of_range; /* Length 0, or Offset + Length beyond ByteCount: not a proper
	                      subrange (NDIS refuses it) */
	bool buf_above16m; /* the subrange reaches the 16 MiB line or above */
	bool buf_crosses;  /* the subrange crosses a block boundary (buf_boundary) */
	uint32_t buf_boundary;
	/* The bounce buffer the HAL used for it (shown once its IoMapTransfer has begun to act)
	 * and the copy: its direction, bytes (for a receive, Length - residue) and state. */
	bool bounced;
	uint32_t bounce_phys, bounce_len;
	enum dv_lect_copy copy;
	uint32_t copy_len;
	size_t copy_pos; /* where the copy happened (DV_LECT_COPY_DONE), else SIZE_MAX */
	/* Bytes DMA moved of the buffer's transfer: from its Setup (a refused one moves none)
	 * to its Complete or the moment, at most Length. */
	uint32_t moved;
	bool refused; /* the call is a Setup that returned a failure: it programmed nothing */
	/* The hex rows under the map: one decision with the buffer the map names, so that they
	 * never show another buffer's bytes under its name. The last DMA transfer's byte (or the
	 * channel's next address) when it lies in that buffer, or in its bounce buffer
	 * (rows_in says which); else the first byte of the subrange the call was given (a
	 * refused Setup's bytes, which no transfer touched), or its last when the channel
	 * stopped just past it. rows_mark: rows_addr is the last
	 * transfer's byte or the channel's next, worth a highlight. */
	enum dv_lect_rows rows_in;
	uint32_t rows_addr;
	bool rows_mark;
	/* An auto-initialize transfer: the ring is the programmed range; the write pointer's
	 * offset, how many times the 8237A reloaded (laps) and the frames written into it since
	 * its Setup (the last DV_LECT_FRAMES of nframes). */
	bool ring;
	uint32_t ring_write, laps;
	struct dv_lect_frame frame[DV_LECT_FRAMES];
	size_t nframes, frames_total;
};

void dv_lecture_map(const struct dv_view *v, struct dv_lect_map *out);

/* ---- the cache ------------------------------------------------------------------------------ */

enum dv_lect_line {
	DV_LECT_LINE_CLEAN, /* valid, the same bytes as memory */
	DV_LECT_LINE_DIRTY, /* valid and dirty: the CPU wrote it, memory is older */
	DV_LECT_LINE_STALE, /* valid, not dirty, memory differs: the device wrote after the fill */
};

struct dv_lect_cline {
	unsigned line; /* the cache line's number (0..DV_CACHE_LINES-1) */
	uint32_t addr; /* the memory address it holds */
	enum dv_lect_line state;
	bool changed; /* the current move changed its tag or flags */
};

/* What a flush did (KeFlushIoBuffers; IoFlushAdapterBuffers invalidating dirty lines). */
enum dv_lect_flush {
	DV_LECT_FLUSH_NONE,
	DV_LECT_FLUSH_WRITEBACK,  /* dirty lines written back (a send) */
	DV_LECT_FLUSH_INVALIDATE, /* written back and invalidated (a receive) */
};

#define DV_LECT_READ 16u

struct dv_lect_cache {
	bool on; /* the machine has the non-coherent write-back cache (coherent=no) */
	/* The range watched: the last Setup's or Complete's buffer subrange (else empty). */
	uint32_t first, len;
	/* The valid lines over the range, by address. */
	struct dv_lect_cline line[DV_CACHE_LINES];
	size_t nlines;
	unsigned nclean, ndirty, nstale;
	/* The last flush before the moment (only with the cache: on x86 it does nothing):
	 * what, its range, its event's index, and whether the current move made it (it
	 * happens now). */
	enum dv_lect_flush flush;
	uint32_t flush_first, flush_len;
	size_t flush_pos;
	bool flush_now;
	/* Once the lesson has read the range since the Setup or Complete the map is about (a
	 * `read` statement; nread 0 before, since what a read would return is what the flush
	 * lesson asks): what a CPU read of its first bytes returns now (through the cache),
	 * what memory holds there, and what the device delivered (the bounce buffer's moved
	 * bytes for a bounced receive, else memory); stale when the CPU does not see the
	 * device's bytes (the flush lesson's early read), fresh after the Complete. */
	size_t nread;
	uint8_t cpu[DV_LECT_READ], mem[DV_LECT_READ], dev[DV_LECT_READ];
	bool stale;
	/* A lesson `read` of the range ran in the current move (its bytes are new now). */
	bool read_now;
};

void dv_lecture_cache(const struct dv_view *v, struct dv_lect_cache *out);
/* The same, for a caller that has the moment's map already (it is what the cache watches). */
void dv_lecture_cache_with(const struct dv_view *v, const struct dv_lect_map *m,
                           struct dv_lect_cache *out);

/* ---- as text (lecture_text.c), for the terminal UI ------------------------------------------ */

/* The ribbon in one line of at most width cells: the badge, the call, the last port write's
 * caption (first when the current move made it); shorter forms when it does not fit. out
 * is emptied first (a line of a panel, or a zeroed one the caller frees). */
void dv_lecture_ribbon_line(const struct dv_lect_ribbon *r, size_t width, struct dv_vline *out);
/* The address map and the cache as a panel, wrapped at width cells: the channel's range and
 * its block boundary, the buffer and its subrange, the bounce and copy, the ring, the cache
 * lines, the flush and the CPU's read. */
void dv_lecture_panel(const struct dv_view *v, struct dv_vpanel *p, size_t width);

#endif
