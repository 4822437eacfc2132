/* dmaviz: the lecture hall's facts: the address map and the cache (lecture.h). */
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "dma8237.h"
#include "lecture.h"
#include "lecture_int.h"

#define LINE_16M 0x1000000u

static uint32_t now_get(const struct dv_view *v, enum dv_slot s, uint32_t i)
{
	return dv_cursor_get(&v->now, s, i);
}

/* The last call event of kind id on channel ch in [from, to) (SIZE_MAX: none). */
static size_t last_call(const struct dv_view *v, enum dv_call id, unsigned ch, size_t from,
                        size_t to)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	for (size_t i = to; (i = dv_trace_prev(t, i, 1u << DV_EV_CALL)) != SIZE_MAX && i >= from;) {
		const struct dv_event *e = dv_lect_ev(v, i);
		if (e->slot == id && e->chan == ch)
			return i;
	}
	return SIZE_MAX;
}

/* The return of the call whose DV_EV_CALL is event c, if it came before the moment. */
static size_t return_of(const struct dv_view *v, size_t c)
{
	const struct dv_event call = *dv_lect_ev(v, c);
	const struct dv_trace *t = dv_sim_trace(v->sim);
	for (size_t i = c + 1;
	     (i = dv_trace_next(t, i, 1u << DV_EV_RETURN)) != SIZE_MAX && i < v->pos; i++) {
		const struct dv_event *e = dv_lect_ev(v, i);
		if (e->slot == call.slot && e->index == call.index)
			return i;
	}
	return SIZE_MAX;
}

static bool record_args(const struct dv_view *v, size_t c, struct dv_call_args *a,
                        const struct dv_call_record **rec)
{
	const struct dv_ndis *nd = dv_lect_ndis(v);
	const struct dv_call_record *r = nd ? dv_ndis_record(nd, dv_lect_ev(v, c)->index) : NULL;
	if (!r)
		return false;
	dv_call_args(r, a);
	if (rec)
		*rec = r;
	return true;
}

/* ---- the channel as programmed ------------------------------------------------------------ */

/* Where, before the moment, the channel's base registers were last written, and its last
 * Setup, Complete and IoMapTransfer were called (SIZE_MAX: never): walks back over port
 * writes and calls, which stop at the first base register change and the first Setup (a
 * Complete or a mapping that matters comes after its Setup). */
struct marks {
	size_t prog, setup, complete, iomap;
};

static bool is_call(const struct dv_event *e, enum dv_call id, unsigned ch)
{
	return e->kind == DV_EV_CALL && e->slot == id && e->chan == ch;
}

/* The base registers' last change: a base register changes only by a write to the channel's
 * address or count port, and its STATE event comes among that write's first few consequences;
 * so the walk goes back over port writes (dv_trace_prev), not over every bus cycle. */
static size_t last_prog(const struct dv_view *v, unsigned ch)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	for (size_t i = v->pos; (i = dv_trace_prev(t, i, 1u << DV_EV_PORT_OUT)) != SIZE_MAX;) {
		unsigned chip, reg;
		if (!dv_dma_decode((uint16_t)dv_lect_ev(v, i)->index, &chip, &reg) || reg >= 8 ||
		    chip * 4 + reg / 2 != ch)
			continue;
		size_t found = SIZE_MAX;
		for (size_t j = i + 1; j < v->pos && j <= i + 8; j++) {
			const struct dv_event *e = dv_lect_ev(v, j);
			if (e->kind != DV_EV_STATE)
				break;
			if (e->index == ch &&
			    (e->slot == DV_SLOT_DMA_BASE_ADDR || e->slot == DV_SLOT_DMA_BASE_COUNT))
				found = j;
		}
		if (found != SIZE_MAX)
			return found;
	}
	return SIZE_MAX;
}

static void find_marks(const struct dv_view *v, unsigned ch, struct marks *k)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	k->prog = last_prog(v, ch);
	k->setup = k->complete = k->iomap = SIZE_MAX;
	for (size_t i = v->pos;
	     k->setup == SIZE_MAX && (i = dv_trace_prev(t, i, 1u << DV_EV_CALL)) != SIZE_MAX;) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (is_call(e, DV_CALL_SETUP_DMA_TRANSFER, ch))
			k->setup = i;
		else if (k->complete == SIZE_MAX && is_call(e, DV_CALL_COMPLETE_DMA_TRANSFER, ch))
			k->complete = i;
		else if (k->iomap == SIZE_MAX && is_call(e, DV_CALL_IO_MAP_TRANSFER, ch))
			k->iomap = i;
	}
}

/* A channel's physical address from its page and an address register: a word channel shifts
 * the word address left and ignores page bit 0 (facts §1.11). */
static uint32_t chan_phys(const struct dv_view *v, unsigned ch, enum dv_slot addr)
{
	uint32_t page = now_get(v, DV_SLOT_PAGE, ch), a = now_get(v, addr, ch);
	if (ch >= 4)
		return (page & 0xFEu) << 16 | a << 1;
	return page << 16 | a;
}

static void map_channel(const struct dv_view *v, struct dv_lect_map *m, size_t prog)
{
	unsigned ch = m->channel;
	m->programmed = prog != SIZE_MAX &&
	                !(now_get(v, DV_SLOT_DMA_MODE, ch) & DV_DMA_MODE_DECREMENT);
	m->prog_phys = chan_phys(v, ch, DV_SLOT_DMA_BASE_ADDR);
	m->cur_phys = chan_phys(v, ch, DV_SLOT_DMA_ADDR);
	m->prog_len = (now_get(v, DV_SLOT_DMA_BASE_COUNT, ch) + 1) * (m->width16 ? 2u : 1u);
	uint32_t in_block = m->prog_phys % m->block;
	if (m->programmed && in_block + m->prog_len > m->block) {
		m->crosses = true;
		m->boundary = m->prog_phys - in_block + m->block;
	}
	/* The address counter counts inside its block and the page stays (facts §1.8): past the
	 * boundary the current address is below where it started. */
	m->wrapped = m->crosses && m->cur_phys < m->prog_phys;
	/* Where the counter goes is what the 64k lesson asks before it happens: told once seen. */
	if (m->crosses && m->wrapped)
		m->wrap_to = m->boundary - m->block;
}

/* ---- the buffer, the bounce and the copy --------------------------------------------------- */

static bool crosses_block(uint32_t first, uint32_t len, uint32_t block, uint32_t *boundary)
{
	uint32_t in_block = first % block;
	if (len == 0 || in_block + len <= block)
		return false;
	*boundary = first - in_block + block;
	return true;
}

static void map_buffer(const struct dv_view *v, struct dv_lect_map *m, size_t c)
{
	struct dv_call_args a;
	const struct dv_call_record *r;
	if (!record_args(v, c, &a, &r) || a.dma.va == 0)
		return;
	m->has_buffer = true;
	m->buf_va = a.dma.va;
	m->buf_phys = dv_lect_buffer_phys(r, &a);
	m->bytecount = a.dma.bytecount;
	m->offset = a.dma.offset;
	m->length = a.dma.length;
	m->write_to_device = a.dma.write_to_device;
	m->sub_phys = a.dma.phys;
	m->out_of_range = a.dma.length == 0 || a.dma.offset > a.dma.bytecount ||
	                  a.dma.length > a.dma.bytecount - a.dma.offset;
	dv_lect_buffer_name(v, m->buf_phys, m->bytecount, m->buffer_name, sizeof m->buffer_name);
	if (a.dma.phys != DV_NO_ADDR) {
		m->buf_above16m = a.dma.phys + a.dma.length > LINE_16M;
		m->buf_crosses =
		        crosses_block(a.dma.phys, a.dma.length, m->block, &m->buf_boundary);
	}
}

/* The IoMapTransfer of the transfer's mapping (inside the last Setup; a Complete completes
 * that one), once it has begun to act (an event after its call). */
static size_t mapping_of(const struct dv_view *v, const struct marks *k)
{
	bool mapped = k->iomap != SIZE_MAX && k->setup != SIZE_MAX && k->iomap > k->setup;
	return mapped && k->iomap + 1 < v->pos ? k->iomap : SIZE_MAX;
}

/* Bytes a channel moved so far of a transfer of length bytes: Length - residue. */
static uint32_t moved_now(const struct dv_view *v, unsigned ch, uint32_t length)
{
	uint32_t left = ((now_get(v, DV_SLOT_DMA_COUNT, ch) + 1) & 0xFFFFu) * (ch >= 4 ? 2u : 1u);
	return left > length ? 0 : length - left;
}

/* A bounced receive is copied back by the IoFlushAdapterBuffers of the Complete, only the
 * bytes that moved (Length minus the residue its HalReadDmaCounter read; facts §3.5 1b). */
static void copy_back(const struct dv_view *v, struct dv_lect_map *m, size_t map_call)
{
	unsigned ch = m->channel;
	size_t f = last_call(v, DV_CALL_IO_FLUSH_ADAPTER_BUFFERS, ch, map_call, v->pos);
	size_t fr = f == SIZE_MAX ? SIZE_MAX : return_of(v, f);
	m->copy = DV_LECT_COPY_PENDING;
	m->copy_len = moved_now(v, ch, m->bounce_len);
	if (fr == SIZE_MAX)
		return;
	size_t rd = last_call(v, DV_CALL_HAL_READ_DMA_COUNTER, ch, f, fr);
	size_t rr = rd == SIZE_MAX ? SIZE_MAX : return_of(v, rd);
	if (rr != SIZE_MAX) {
		uint32_t left = dv_lect_ev(v, rr)->new_value;
		m->copy_len = left > m->bounce_len ? 0 : m->bounce_len - left;
	}
	m->copy = DV_LECT_COPY_DONE;
	m->copy_pos = f;
}

static void map_bounce(const struct dv_view *v, struct dv_lect_map *m, const struct marks *k)
{
	size_t mc = mapping_of(v, k);
	struct dv_call_args a;
	if (mc == SIZE_MAX || !record_args(v, mc, &a, NULL) || !a.map.bounced)
		return;
	m->bounced = true;
	m->bounce_phys = a.map.phys;
	m->bounce_len = a.map.length;
	if (!a.map.write_to_device) {
		copy_back(v, m, mc);
		return;
	}
	/* A send is copied in by IoMapTransfer before it programs the 8237A. */
	m->copy_len = a.map.length;
	m->copy = DV_LECT_COPY_PENDING;
	size_t done = dv_trace_next(dv_sim_trace(v->sim), mc + 1,
	                            1u << DV_EV_PORT_OUT | 1u << DV_EV_RETURN);
	if (done != SIZE_MAX && done < v->pos) {
		m->copy = DV_LECT_COPY_DONE;
		m->copy_pos = mc;
	}
}

/* Bytes the channel moved for the Setup at event setup that succeeded (or still runs), up to
 * its Complete (complete, when after it) or the moment. */
static void map_moved(const struct dv_view *v, struct dv_lect_map *m, const struct marks *k)
{
	if (k->setup == SIZE_MAX || !m->has_buffer)
		return;
	size_t r = return_of(v, k->setup);
	if (r != SIZE_MAX && dv_lect_ev(v, r)->new_value != (uint32_t)NDIS_STATUS_SUCCESS) {
		m->refused = m->call_pos == k->setup;
		return;
	}
	size_t end = k->complete != SIZE_MAX && k->complete > k->setup ? k->complete : v->pos;
	const struct dv_trace *t = dv_sim_trace(v->sim);
	uint64_t moved = 0;
	for (size_t i = k->setup + 1;
	     moved < m->length && (i = dv_trace_next(t, i, 1u << DV_EV_XFER)) != SIZE_MAX &&
	     i < end;
	     i++) {
		const struct dv_event *e = dv_lect_ev(v, i);
		if (e->chan == m->channel)
			moved += dv_xfer_width(e);
	}
	m->moved = moved < m->length ? (uint32_t)moved : m->length;
}

static bool in_range(uint32_t a, uint32_t first, uint32_t len)
{
	return first != DV_NO_ADDR && a >= first && a - first < len;
}

/* The hex rows: the address the memory panel would show (the last transfer, or the channel's
 * next address) when it lies in the buffer the map names or in its bounce buffer; else the
 * channel's next address if it lies there; else the buffer's subrange, unmarked (its last
 * byte when the channel stopped just past it). */
static void map_rows(const struct dv_view *v, struct dv_lect_map *m)
{
	uint32_t a = dv_view_memory_addr(v, NULL);
	m->rows_addr = a;
	m->rows_mark = true;
	if (!m->has_buffer || m->buf_phys == DV_NO_ADDR)
		return;
	const uint32_t cand[2] = { a, m->programmed ? m->cur_phys : DV_NO_ADDR };
	for (size_t i = 0; i < 2; i++) {
		bool in_buffer = cand[i] != DV_NO_ADDR &&
		                 in_range(cand[i], m->buf_phys, m->bytecount);
		if (in_buffer || (cand[i] != DV_NO_ADDR && m->bounced &&
		                  in_range(cand[i], m->bounce_phys, m->bounce_len))) {
			m->rows_addr = cand[i];
			m->rows_in = in_buffer ? DV_LECT_ROWS_BUFFER : DV_LECT_ROWS_BOUNCE;
			return;
		}
	}
	m->rows_in = DV_LECT_ROWS_BUFFER;
	m->rows_mark = false;
	m->rows_addr = in_range(m->sub_phys, m->buf_phys, m->bytecount) ? m->sub_phys : m->buf_phys;
	/* A transfer that ran to its terminal count leaves the channel just past the subrange:
	 * its last bytes (both rows of them) say more than its first. */
	if (m->programmed && m->sub_phys != DV_NO_ADDR && m->length > 16 &&
	    m->cur_phys == m->sub_phys + m->length &&
	    in_range(m->cur_phys - 16, m->buf_phys, m->bytecount))
		m->rows_addr = m->cur_phys - 16;
}

/* ---- the auto-initialize ring ------------------------------------------------------------- */

static void frame_byte(struct dv_lect_map *m, uint32_t off, bool start)
{
	if (start || m->frames_total == 0) {
		m->frames_total++;
		if (m->nframes == DV_LECT_FRAMES)
			memmove(m->frame, m->frame + 1, sizeof m->frame[0] * (DV_LECT_FRAMES - 1));
		else
			m->nframes++;
		m->frame[m->nframes - 1] = (struct dv_lect_frame){ .start = off };
	}
	m->frame[m->nframes - 1].len++;
}

/* A byte written at absolute position p (bytes since the Setup) is gone once the 8237A has
 * written p + ring length: frames are counted back from the last. */
static void ring_overwritten(struct dv_lect_map *m, uint64_t moved)
{
	uint64_t end = moved;
	for (size_t k = m->nframes; k-- > 0;) {
		struct dv_lect_frame *f = &m->frame[k];
		uint64_t start = end - f->len;
		uint64_t gone_to = moved > m->prog_len ? moved - m->prog_len : 0;
		f->overwritten = gone_to <= start ? 0 :
		                 gone_to >= end   ? f->len :
		                                    (uint32_t)(gone_to - start);
		end = start;
	}
}

/* The frames the NIC wrote since the channel was programmed: a byte the DMA takes from the
 * NIC's RX FIFO that ends a frame clears its bit of nic.rx_ends in the same bus cycle. */
static void map_ring(const struct dv_view *v, struct dv_lect_map *m, size_t prog)
{
	uint64_t end_cycle = UINT64_MAX, xfer_cycle = UINT64_MAX;
	uint64_t moved = 0;
	bool next_starts = true;
	m->ring = true;
	m->ring_write = m->cur_phys - m->prog_phys;
	for (size_t i = prog; i < v->pos; i++) {
		const struct dv_event *e = dv_lect_ev(v, i);
		if (e->kind == DV_EV_XFER && e->chan == m->channel &&
		    dv_xfer_dir(e) == DV_XFER_TO_MEMORY) {
			uint32_t off = m->prog_len ? (uint32_t)(moved % m->prog_len) : 0;
			frame_byte(m, off, next_starts);
			next_starts = e->cycle == end_cycle;
			if (next_starts)
				m->frame[m->nframes - 1].whole = true;
			xfer_cycle = e->cycle;
			moved++;
		} else if (e->kind == DV_EV_STATE && e->slot == DV_SLOT_NIC_RX_ENDS &&
		           (e->old_value & ~e->new_value) != 0) {
			end_cycle = e->cycle;
			if (xfer_cycle == e->cycle && m->nframes) {
				m->frame[m->nframes - 1].whole = true;
				next_starts = true;
			}
		}
	}
	m->laps = m->prog_len ? (uint32_t)(moved / m->prog_len) : 0;
	ring_overwritten(m, moved);
}

void dv_lecture_map(const struct dv_view *v, struct dv_lect_map *out)
{
	memset(out, 0, sizeof *out);
	out->copy_pos = SIZE_MAX;
	out->call_pos = SIZE_MAX;
	out->channel = dv_view_active_channel(v);
	out->width16 = out->channel >= 4;
	out->block = out->width16 ? 0x20000u : 0x10000u;
	out->line16m = LINE_16M;
	out->mem_size = v->now.st.mem_size;
	struct marks k;
	find_marks(v, out->channel, &k);
	map_channel(v, out, k.prog);
	/* The buffer of the last Setup, or of a Complete after it. */
	out->call_pos = k.complete != SIZE_MAX ? k.complete : k.setup;
	if (out->call_pos != SIZE_MAX) {
		map_buffer(v, out, out->call_pos);
		map_bounce(v, out, &k);
		map_moved(v, out, &k);
	}
	map_rows(v, out);
	if (out->programmed && (now_get(v, DV_SLOT_DMA_MODE, out->channel) & DV_DMA_MODE_AUTOINIT))
		map_ring(v, out, k.prog);
}

/* ---- the cache ------------------------------------------------------------------------------ */

/* What a CPU read of addr returns in the cursor's state: a valid line holding it wins. */
static uint8_t cpu_view(const struct dv_cursor *c, uint32_t addr)
{
	unsigned line = (addr / DV_CACHE_LINE) % DV_CACHE_LINES;
	if ((dv_cursor_get(c, DV_SLOT_CACHE_FLAGS, line) & DV_CACHE_VALID) &&
	    dv_cursor_get(c, DV_SLOT_CACHE_TAG, line) == addr / DV_CACHE_LINE)
		return (uint8_t)dv_cursor_get(c, DV_SLOT_CACHE_DATA,
		                              line * DV_CACHE_LINE + addr % DV_CACHE_LINE);
	return (uint8_t)dv_cursor_get(c, DV_SLOT_MEM, addr);
}

static enum dv_lect_line line_state(const struct dv_view *v, unsigned line, uint32_t addr)
{
	if (now_get(v, DV_SLOT_CACHE_FLAGS, line) & DV_CACHE_DIRTY)
		return DV_LECT_LINE_DIRTY;
	for (unsigned k = 0; k < DV_CACHE_LINE; k++)
		if (now_get(v, DV_SLOT_CACHE_DATA, line * DV_CACHE_LINE + k) !=
		    now_get(v, DV_SLOT_MEM, addr + k))
			return DV_LECT_LINE_STALE;
	return DV_LECT_LINE_CLEAN;
}

static void cache_lines(const struct dv_view *v, struct dv_lect_cache *c)
{
	for (unsigned line = 0; line < DV_CACHE_LINES; line++) {
		if (!(now_get(v, DV_SLOT_CACHE_FLAGS, line) & DV_CACHE_VALID))
			continue;
		uint32_t addr = now_get(v, DV_SLOT_CACHE_TAG, line) * DV_CACHE_LINE;
		if (addr + DV_CACHE_LINE <= c->first || addr >= c->first + c->len)
			continue;
		struct dv_lect_cline *l = &c->line[c->nlines++];
		l->line = line;
		l->addr = addr;
		l->state = line_state(v, line, addr);
		l->changed = now_get(v, DV_SLOT_CACHE_TAG, line) !=
		                     dv_cursor_get(&v->base, DV_SLOT_CACHE_TAG, line) ||
		             now_get(v, DV_SLOT_CACHE_FLAGS, line) !=
		                     dv_cursor_get(&v->base, DV_SLOT_CACHE_FLAGS, line);
		c->nclean += l->state == DV_LECT_LINE_CLEAN;
		c->ndirty += l->state == DV_LECT_LINE_DIRTY;
		c->nstale += l->state == DV_LECT_LINE_STALE;
	}
	/* By address, as the map draws them. */
	for (size_t i = 1; i < c->nlines; i++)
		for (size_t j = i; j > 0 && c->line[j - 1].addr > c->line[j].addr; j--) {
			struct dv_lect_cline t = c->line[j];
			c->line[j] = c->line[j - 1];
			c->line[j - 1] = t;
		}
}

/* The last flush before the moment: KeFlushIoBuffers in a Setup (invalidating for a
 * receive), or the invalidate of a receive's IoFlushAdapterBuffers when it was not bounced. */
static void cache_flush(const struct dv_view *v, struct dv_lect_cache *c,
                        const struct dv_lect_map *m)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	for (size_t i = v->pos; (i = dv_trace_prev(t, i, 1u << DV_EV_CALL)) != SIZE_MAX;) {
		const struct dv_event *e = dv_lect_ev(v, i);
		struct dv_call_args a;
		if (!record_args(v, i, &a, NULL))
			continue;
		if (e->slot == DV_CALL_KE_FLUSH_IO_BUFFERS)
			c->flush = a.flush.read_operation ? DV_LECT_FLUSH_INVALIDATE :
			                                    DV_LECT_FLUSH_WRITEBACK;
		else if (e->slot == DV_CALL_IO_FLUSH_ADAPTER_BUFFERS && !a.map.write_to_device &&
		         !m->bounced)
			c->flush = DV_LECT_FLUSH_INVALIDATE;
		else
			continue;
		c->flush_pos = i;
		c->flush_now = i >= v->from;
		c->flush_first = c->first;
		c->flush_len = c->len;
		return;
	}
}

/* Did a lesson `read` of bytes in [first, first + len) run in [from, v->pos)? */
static bool read_ran(const struct dv_view *v, size_t from, uint32_t first, uint32_t len)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	for (size_t i = from;
	     v->lesson && (i = dv_trace_next(t, i, 1u << DV_EV_MARK)) != SIZE_MAX && i < v->pos;
	     i++) {
		const struct dv_event *e = dv_lect_ev(v, i);
		if (e->slot != DV_MARK_STMT)
			continue;
		for (size_t k = 0; k < v->lesson->nstmts; k++) {
			const struct dv_stmt *st = &v->lesson->stmts[k];
			if (st->line == e->index && st->kind == DV_ST_READ &&
			    st->read.addr < first + len && st->read.addr + st->read.len > first)
				return true;
		}
	}
	return false;
}

/* The CPU's read of the range's first bytes, told only once the lesson has read them since
 * the transfer call the map is about: before that, what a read would return is what the
 * flush lesson asks ("What is the first byte you read?"). */
static void cache_read(const struct dv_view *v, struct dv_lect_cache *c,
                       const struct dv_lect_map *m, size_t call)
{
	if (call == SIZE_MAX || !read_ran(v, call, c->first, c->len))
		return;
	c->nread = c->len < DV_LECT_READ ? c->len : DV_LECT_READ;
	/* A bounced receive: the device's bytes, as far as they moved, are in the bounce
	 * buffer (before the copy back and after it). */
	uint32_t in_bounce = m->bounced && !m->write_to_device ? m->copy_len : 0;
	for (size_t k = 0; k < c->nread; k++) {
		uint32_t a = c->first + (uint32_t)k;
		c->cpu[k] = cpu_view(&v->now, a);
		c->mem[k] = (uint8_t)now_get(v, DV_SLOT_MEM, a);
		c->dev[k] = k < in_bounce ? (uint8_t)now_get(v, DV_SLOT_MEM, m->bounce_phys + k) :
		                            c->mem[k];
		if (c->cpu[k] != c->dev[k])
			c->stale = true;
	}
	c->read_now = read_ran(v, v->from, c->first, c->len);
}

void dv_lecture_cache_with(const struct dv_view *v, const struct dv_lect_map *m,
                           struct dv_lect_cache *out)
{
	memset(out, 0, sizeof *out);
	out->flush_pos = SIZE_MAX;
	out->on = v->now.st.cache_on != 0;
	if (m->has_buffer && m->sub_phys != DV_NO_ADDR) {
		out->first = m->sub_phys;
		out->len = m->length;
	}
	/* Without the cache (x86) KeFlushIoBuffers does nothing: no flush to show. */
	if (out->on) {
		cache_lines(v, out);
		cache_flush(v, out, m);
	}
	cache_read(v, out, m, m->call_pos);
}

void dv_lecture_cache(const struct dv_view *v, struct dv_lect_cache *out)
{
	struct dv_lect_map m;
	dv_lecture_map(v, &m);
	dv_lecture_cache_with(v, &m, out);
}
