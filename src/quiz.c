/* dmaviz: generated prediction exercises. See quiz.h. */
#include "quiz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "describe.h"
#include "dma8237.h"
#include "dvndis.h"
#include "ndis.h"
#include "sim.h"

/* ---- the generator ------------------------------------------------------------------------ */

/* splitmix64 (Steele, Lea, Flood 2014): integer arithmetic only, the same on every machine. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint32_t pick(uint64_t *s, uint32_t n)
{
	return (uint32_t)(rnd(s) % n);
}

static void scenario(uint64_t seed, struct dv_quiz *q)
{
	static const uint8_t channels[6] = { 1, 2, 3, 5, 6, 7 };
	uint64_t s = seed;
	memset(q, 0, sizeof *q);
	q->seed = seed;
	q->channel = channels[pick(&s, 6)];
	q->width16 = q->channel >= 4;
	q->demand = pick(&s, 2) == 0;
	q->send = pick(&s, 2) == 0;
	uint32_t unit = q->width16 ? 2 : 1; /* keep addresses and lengths even on 16-bit channels */
	uint32_t block = q->width16 ? 0x20000u : 0x10000u;
	uint32_t len = unit * (16 + pick(&s, 1000 / unit)); /* 16 .. about 1 KiB */
	uint32_t where = pick(&s, 8);
	uint32_t start; /* the physical address of the transfer's first byte */
	if (where < 4 || where == 7) {
		q->place = DV_QUIZ_PLAIN;
		/* A block between 128 KiB and the HAL's bounce area at 14 MiB, room to the end. */
		uint32_t b = 2 + pick(&s, (0xE00000u / block) - 2);
		if (q->width16)
			b = 1 + pick(&s, (0xE00000u / block) - 1);
		start = b * block + unit * pick(&s, (block - len) / unit);
	} else if (where < 6) {
		q->place = DV_QUIZ_CROSS64;
		uint32_t line;
		if (q->width16 && where == 5) {
			q->place = DV_QUIZ_CROSS128;
			line = 0x20000u * (2 + pick(&s, 0x60));
		} else if (q->width16) {
			line = 0x10000u * (2 * (1 + pick(&s, 0x60)) +
			                   1); /* odd: the middle of a 128 KiB block */
		} else {
			line = 0x10000u * (3 + pick(&s, 0xC0));
		}
		start = line - unit * (1 + pick(&s, len / unit - 1));
	} else {
		q->place = DV_QUIZ_HIGH;
		start = 0x01000000u + unit * pick(&s, 0x00E00000u / unit);
	}
	q->offset = pick(&s, 4) == 0 ? 0 : 2 * pick(&s, 64);
	uint32_t tail = 2 * pick(&s, 32);
	q->buf_phys = start - q->offset;
	q->buf_len = q->offset + len + tail;
	q->length = len;
	uint32_t fault = pick(&s, 14);
	if (fault == 0) {
		q->fault = DV_QUIZ_ZERO;
		q->length = 0;
	} else if (fault == 1) {
		q->fault = DV_QUIZ_PAST;
		q->buf_len = q->offset + len - (1 + pick(&s, 15));
	} else if (fault == 2 && q->width16) {
		q->fault = DV_QUIZ_ODD;
		q->length = len - 1;
	}
	q->busy = pick(&s, 8) == 0;
	q->busy_phys = 0x10000u + 0x100u * q->channel;
	q->busy_len = 64;
	/* Sometimes short of the whole transfer, sometimes enough for all of it. */
	q->k_cycles = 8 + pick(&s, 3 * len);
}

/* ---- solving: run it ---------------------------------------------------------------------- */

static PNDIS_BUFFER buffer_at(struct dv_ndis *nd, uint32_t phys, uint32_t len)
{
	uint32_t pfn[DV_MDL_MAX_PAGES];
	uint32_t off = phys % DV_PAGE_SIZE;
	uint32_t pages = (off + len + DV_PAGE_SIZE - 1) / DV_PAGE_SIZE;
	if (pages > DV_MDL_MAX_PAGES)
		return NULL;
	for (uint32_t i = 0; i < pages; i++)
		pfn[i] = phys / DV_PAGE_SIZE + i;
	PVOID va = dv_ndis_map_pages(nd, pfn, pages);
	if (!va)
		return NULL;
	return dv_ndis_make_buffer(nd, (PVOID)((uintptr_t)va + off), len);
}

static void replay_build(struct dv_sim *sim, const struct dv_ndis *nd, const struct dv_quiz *q,
                         size_t from, struct dv_quiz_replay *r);

/* Runs the scenario and reads the answers; with rp, keeps the replay of it too. */
static bool solve(struct dv_quiz *q, struct dv_quiz_replay *rp)
{
	struct dv_config cfg;
	dv_config_default(&cfg);
	cfg.mem_size = 32u << 20;
	cfg.nic_channel = 0; /* the card is elsewhere: nothing but the quiz drives the channel */
	struct dv_sim *sim = dv_sim_create(&cfg);
	if (!sim)
		return false;
	struct dv_ndis *nd = dv_ndis_create(sim);
	if (!nd) {
		dv_sim_destroy(sim);
		return false;
	}
	bool ok = false;
	dv_ndis_set_phase(nd, DV_PHASE_INIT);
	NDIS_DMA_DESCRIPTION d;
	memset(&d, 0, sizeof d);
	d.DemandMode = q->demand;
	d.DmaChannelSpecified = TRUE;
	d.DmaWidth = q->width16 ? Width16Bits : Width8Bits;
	d.DmaSpeed = Compatible;
	d.DmaChannel = q->channel;
	NDIS_HANDLE h = NULL;
	NDIS_STATUS st = NdisMRegisterDmaChannel(&h, (NDIS_HANDLE)nd, q->channel, FALSE, &d,
	                                         DV_QUIZ_MAX_LENGTH);
	if (st != NDIS_STATUS_SUCCESS || !h)
		goto out;
	dv_ndis_set_phase(nd, DV_PHASE_RUNNING);
	PNDIS_BUFFER b = buffer_at(nd, q->buf_phys, q->buf_len);
	if (!b)
		goto out;
	if (q->busy) {
		PNDIS_BUFFER first = buffer_at(nd, q->busy_phys, q->busy_len);
		if (!first)
			goto out;
		NdisMSetupDmaTransfer(&st, h, first, 0, q->busy_len, q->send);
		if (st != NDIS_STATUS_SUCCESS)
			goto out;
	}
	size_t from = sim->trace.len;
	NdisMSetupDmaTransfer(&st, h, b, q->offset, q->length, q->send);
	q->status = st;
	q->programmed = st == NDIS_STATUS_SUCCESS;
	/* The bytes written to the channel's registers, read back from the trace. */
	unsigned ch = q->channel, sub = ch & 3;
	uint16_t mode_port = DV_DMA_PORT(ch >> 2, DV_DMA_REG_MODE);
	uint16_t addr_port = DV_DMA_PORT(ch >> 2, DV_DMA_REG_ADDR(sub));
	uint16_t count_port = DV_DMA_PORT(ch >> 2, DV_DMA_REG_COUNT(sub));
	uint16_t page_port = dv_dma_page_port(ch);
	unsigned naddr = 0, ncount = 0;
	for (size_t i = from; i < sim->trace.len; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		if (e->kind != DV_EV_PORT_OUT)
			continue;
		uint8_t v = (uint8_t)e->new_value;
		if (e->index == mode_port && (v & 3) == sub)
			q->mode = v;
		else if (e->index == addr_port)
			*(naddr++ == 0 ? &q->addr_lo : &q->addr_hi) = v;
		else if (e->index == count_port)
			*(ncount++ == 0 ? &q->count_lo : &q->count_hi) = v;
		else if (e->index == page_port)
			q->page = v;
	}
	if (q->programmed) {
		const struct dv_adapter *ad = &nd->hal.adapter[ch];
		q->bounce = ad->bounced;
		q->phys = ad->phys;
		/* The device holds DREQ for K cycles and drops it; the bus settles for three more. */
		dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, sim->st.bus.dreq | (1u << ch));
		dv_sim_run(sim, q->k_cycles);
		dv_sim_set(sim, DV_SLOT_BUS_DREQ, 0, sim->st.bus.dreq & ~(1u << ch));
		dv_sim_run(sim, 3);
		q->residue = NdisMReadDmaCounter(h);
		NdisMCompleteDmaTransfer(&st, h, b, q->offset, q->length, q->send);
		q->complete_status = st;
		/* Complete leaves the count alone: the residue is still there to read. */
		uint32_t left = NdisMReadDmaCounter(h);
		q->valid = left > q->length ? 0 : q->length - left;
		if (naddr != 2 || ncount != 2)
			goto out;
	} else if (naddr || ncount) {
		goto out; /* a failed Setup touches no port */
	}
	ok = true;
	if (rp)
		replay_build(sim, nd, q, from, rp);
out:
	dv_ndis_destroy(nd);
	dv_sim_destroy(sim);
	return ok;
}

bool dv_quiz_generate(uint64_t seed, struct dv_quiz *q)
{
	scenario(seed, q);
	return solve(q, NULL);
}

/* ---- the replay ------------------------------------------------------------------------------ */

/* Transfers kept as frames: the first few, every step-th, and the last. */
#define REPLAY_FIRST_XFERS 3u
#define REPLAY_XFER_SAMPLES 12u

static struct dv_quiz_frame *replay_add(struct dv_quiz_replay *r, size_t *cap)
{
	if (r->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct dv_quiz_frame *v = realloc(r->frame, nc * sizeof *v);
		if (!v)
			return NULL;
		r->frame = v;
		*cap = nc;
	}
	struct dv_quiz_frame *f = &r->frame[r->n++];
	memset(f, 0, sizeof *f);
	f->question = -1;
	return f;
}

/* The channel's registers in the state the cursor is at. */
static void replay_regs(const struct dv_cursor *c, unsigned ch, struct dv_quiz_frame *f)
{
	unsigned chip = ch >> 2, bit = 1u << (ch & 3);
	f->mode = (uint8_t)dv_cursor_get(c, DV_SLOT_DMA_MODE, ch);
	f->page = (uint8_t)dv_cursor_get(c, DV_SLOT_PAGE, ch);
	f->addr = (uint16_t)dv_cursor_get(c, DV_SLOT_DMA_ADDR, ch);
	f->count = (uint16_t)dv_cursor_get(c, DV_SLOT_DMA_COUNT, ch);
	f->base_addr = (uint16_t)dv_cursor_get(c, DV_SLOT_DMA_BASE_ADDR, ch);
	f->base_count = (uint16_t)dv_cursor_get(c, DV_SLOT_DMA_BASE_COUNT, ch);
	f->flipflop = dv_cursor_get(c, DV_SLOT_DMA_FLIPFLOP, chip) != 0;
	f->masked = (dv_cursor_get(c, DV_SLOT_DMA_MASK, chip) & bit) != 0;
	f->dreq = (dv_cursor_get(c, DV_SLOT_BUS_DREQ, 0) & (1u << ch)) != 0;
}

/* A byte written to (or read from) one of the channel's registers, with what it means; false
 * for a port the quiz's channel does not use. ff: the flip-flop before the access. */
static bool port_meaning(const struct dv_quiz *q, const struct dv_event *e, bool ff,
                         unsigned *naddr, unsigned *ncount, int *question, char *buf, size_t size)
{
	unsigned ch = q->channel, sub = ch & 3, chip, reg;
	uint8_t v = (uint8_t)e->new_value;
	const char *half = ff ? "high" : "low";
	const char *next = ff ? "low" : "high";
	bool out = e->kind == DV_EV_PORT_OUT;
	if (e->index == dv_dma_page_port(ch)) {
		snprintf(buf, size, "page register ch%u = 0x%02X: address bits 23-16%s", ch, v,
		         q->width16 ? " (bit 0 is not used on a 16-bit channel)" : "");
		*question = DV_QUIZ_PAGE;
		return out;
	}
	if (!dv_dma_decode((uint16_t)e->index, &chip, &reg) || chip != ch >> 2)
		return false;
	if (reg == 2 * sub || reg == 2 * sub + 1) {
		bool count = reg & 1;
		if (!out) {
			snprintf(
			        buf, size,
			        "reads the current count's %s byte 0x%02X; the flip-flop flips to %s",
			        half, v, next);
			return true;
		}
		unsigned *n = count ? ncount : naddr;
		*question = count ? (*n == 0 ? DV_QUIZ_COUNT_LO : DV_QUIZ_COUNT_HI) :
		                    (*n == 0 ? DV_QUIZ_ADDR_LO : DV_QUIZ_ADDR_HI);
		(*n)++;
		snprintf(buf, size, "%s register, %s byte 0x%02X (flip-flop was %s; now %s)%s",
		         count ? "count" : "address", half, v, half, next,
		         count && ff ? (q->width16 ? ": words - 1" : ": bytes - 1") : "");
		return true;
	}
	if (!out)
		return false;
	switch (reg) {
	case DV_DMA_REG_CLEAR_FF:
		snprintf(buf, size, "clear flip-flop: the next byte is the low one");
		return true;
	case DV_DMA_REG_SINGLE_MASK:
		if ((v & 3) != sub)
			return false;
		snprintf(buf, size, "%s channel %u%s", (v & 4) ? "masks" : "unmasks", ch,
		         (v & 4) ? ": it ignores DREQ" : ": it may answer DREQ now");
		return true;
	case DV_DMA_REG_MODE:
		if ((v & 3) != sub)
			return false;
		snprintf(buf, size, "mode 0x%02X: %s, %s%s%s, bits 1-0 = %u: channel %u", v,
		         dv_dma_sel_name(dv_dma_mode_sel(v)), dv_dma_type_name(dv_dma_mode_type(v)),
		         (v & DV_DMA_MODE_AUTOINIT) ? ", auto-init" : "",
		         (v & DV_DMA_MODE_DECREMENT) ? ", decrement" : "", sub, ch);
		*question = DV_QUIZ_MODE;
		return true;
	default: return false;
	}
}

/* An event's state changes follow it in the trace (a DMA cycle's transfer, then the count and
 * address steps, TC, the auto-mask; a port write, then the register): the index after them. */
static size_t cycle_end(const struct dv_trace *t, size_t i, size_t end)
{
	size_t j = i + 1;
	while (j < end && dv_trace_at(t, j)->cycle == dv_trace_at(t, i)->cycle &&
	       dv_trace_at(t, j)->kind == DV_EV_STATE &&
	       dv_trace_at(t, j)->slot != DV_SLOT_BUS_DREQ) /* a frame of its own */
		j++;
	return j;
}

static void replay_build(struct dv_sim *sim, const struct dv_ndis *nd, const struct dv_quiz *q,
                         size_t from, struct dv_quiz_replay *r)
{
	unsigned ch = q->channel, sub = ch & 3;
	size_t cap = 0, end = sim->trace.len;
	unsigned total = 0, seen = 0, naddr = 0, ncount = 0;
	bool counted_residue = false;
	/* Up to Complete's return: what the quiz itself reads afterwards is not the story. */
	for (size_t i = from; i < end; i++)
		if (dv_trace_at(&sim->trace, i)->kind == DV_EV_RETURN &&
		    dv_trace_at(&sim->trace, i)->slot == DV_CALL_COMPLETE_DMA_TRANSFER) {
			end = i + 1;
			break;
		}
	for (size_t i = from; i < end; i++)
		total += dv_trace_at(&sim->trace, i)->kind == DV_EV_XFER &&
		         dv_trace_at(&sim->trace, i)->chan == ch;
	r->transfers = total;
	unsigned step = total / REPLAY_XFER_SAMPLES ? total / REPLAY_XFER_SAMPLES : 1;
	struct dv_cursor c;
	dv_cursor_init(&c, sim);
	for (size_t i = from; i < end; i++) {
		const struct dv_event *e = dv_trace_at(&sim->trace, i);
		char text[200] = "", pname[48];
		int question = -1;
		bool keep = false, xfer = false;
		size_t after = i + 1; /* the registers are shown as they are after this event */
		switch ((enum dv_ev_kind)e->kind) {
		case DV_EV_PORT_OUT:
		case DV_EV_PORT_IN: {
			dv_cursor_seek(&c, i);
			bool ff = dv_cursor_get(&c, DV_SLOT_DMA_FLIPFLOP, ch >> 2) != 0;
			char what[160];
			if (port_meaning(q, e, ff, &naddr, &ncount, &question, what, sizeof what)) {
				const char *pn = dv_port_name(sim, e->index, pname, sizeof pname);
				snprintf(text, sizeof text, "%s 0x%02X %s port 0x%02X (%s): %s",
				         e->kind == DV_EV_PORT_OUT ? "out" : "in",
				         (unsigned)(uint8_t)e->new_value,
				         e->kind == DV_EV_PORT_OUT ? "to" : "from",
				         (unsigned)e->index, pn ? pn : "?", what);
				keep = true;
			}
			break;
		}
		case DV_EV_CALL:
			switch ((enum dv_call)e->slot) {
			case DV_CALL_SETUP_DMA_TRANSFER:
			case DV_CALL_COMPLETE_DMA_TRANSFER:
			case DV_CALL_KE_FLUSH_IO_BUFFERS:
			case DV_CALL_IO_FLUSH_ADAPTER_BUFFERS:
			case DV_CALL_MOVE_MEMORY:
			case DV_CALL_READ_DMA_COUNTER: keep = true; break;
			case DV_CALL_IO_MAP_TRANSFER:
				keep = true;
				question = DV_QUIZ_BOUNCE;
				break;
			default: break;
			}
			if (keep)
				dv_event_describe(sim, nd, e, text, sizeof text);
			break;
		case DV_EV_RETURN:
			if (e->slot == DV_CALL_SETUP_DMA_TRANSFER) {
				keep = true;
				question = DV_QUIZ_STATUS;
			} else if (e->slot == DV_CALL_COMPLETE_DMA_TRANSFER) {
				keep = true;
			} else if (e->slot == DV_CALL_READ_DMA_COUNTER && !counted_residue) {
				/* The first read is the residue question; Complete's own is not. */
				keep = true;
				question = DV_QUIZ_RESIDUE;
				counted_residue = true;
			}
			if (keep)
				dv_event_describe(sim, nd, e, text, sizeof text);
			if (question == DV_QUIZ_RESIDUE) {
				/* The HAL reads the current count and adds one, in the channel's units. */
				dv_cursor_seek(&c, i);
				uint16_t cnt = (uint16_t)dv_cursor_get(&c, DV_SLOT_DMA_COUNT, ch);
				size_t tl = strlen(text);
				snprintf(text + tl, sizeof text - tl,
				         ": (count 0x%04X + 1) & 0xFFFF = %u %s%s", cnt,
				         (unsigned)((cnt + 1u) & 0xFFFFu),
				         q->width16 ? "words" : "bytes",
				         q->width16 ? ", times 2" : "");
			}
			break;
		case DV_EV_XFER:
			if (e->chan != ch)
				break;
			seen++;
			xfer = true;
			keep = seen <= REPLAY_FIRST_XFERS || seen == total || seen % step == 0;
			if (keep) {
				unsigned dir = dv_xfer_dir(e), width = dv_xfer_width(e);
				after = cycle_end(&sim->trace, i, end);
				dv_cursor_seek(&c, after);
				snprintf(text, sizeof text,
				         "DMA cycle: transfer %u of %u, %s 0x%0*X %s 0x%06X%s; "
				         "count now 0x%04X",
				         seen, total, width == 2 ? "word" : "byte",
				         (int)(width * 2), (unsigned)e->new_value,
				         dir == DV_XFER_TO_MEMORY ? "from the device to" : "at",
				         (unsigned)e->index,
				         dir == DV_XFER_TO_MEMORY ? "" : " to the device",
				         (unsigned)(uint16_t)dv_cursor_get(&c, DV_SLOT_DMA_COUNT,
				                                           ch));
			}
			break;
		case DV_EV_STATE: {
			uint32_t st_old, st_new;
			if (e->slot == DV_SLOT_BUS_DREQ &&
			    ((e->old_value ^ e->new_value) & (1u << ch))) {
				keep = true;
				snprintf(
				        text, sizeof text,
				        (e->new_value & (1u << ch)) ?
				                "the device raises DREQ%u: the 8237A takes the bus" :
				                "the device drops DREQ%u: no more transfers",
				        ch);
			} else if (dv_slot_change_of((enum dv_slot)e->slot, e->index, e->old_value,
			                             e->new_value, DV_SLOT_DMA_STATUS, ch >> 2,
			                             &st_old, &st_new) &&
			           (st_new & ~st_old & (1u << sub))) {
				keep = true;
				after = cycle_end(&sim->trace, i, end); /* with the mask TC sets */
				snprintf(text, sizeof text,
				         "terminal count on channel %u: the count went past 0 to "
				         "0xFFFF, the whole Length moved",
				         ch);
			}
			break;
		}
		case DV_EV_NOTE:
		case DV_EV_VERIFIER:
			keep = true;
			dv_event_describe(sim, nd, e, text, sizeof text);
			break;
		default: break;
		}
		if (!keep)
			continue;
		struct dv_quiz_frame *f = replay_add(r, &cap);
		if (!f)
			break;
		f->cycle = e->cycle;
		f->question = question;
		f->transfer = xfer;
		snprintf(f->text, sizeof f->text, "%s", text);
		/* An event's state changes follow it: show the registers after them. */
		if (after == i + 1)
			after = cycle_end(&sim->trace, i, end);
		dv_cursor_seek(&c, after);
		replay_regs(&c, ch, f);
	}
	/* The last answer is arithmetic on the ones before: say so on a frame of its own. */
	if (q->programmed) {
		struct dv_quiz_frame *f = replay_add(r, &cap);
		if (f) {
			dv_cursor_seek(&c, end);
			replay_regs(&c, ch, f);
			f->cycle = sim->st.cycle;
			f->question = DV_QUIZ_VALID;
			snprintf(f->text, sizeof f->text,
			         "bytes valid = Length %u - residue %u = %u", (unsigned)q->length,
			         (unsigned)q->residue, (unsigned)q->valid);
		}
	}
	dv_cursor_finish(&c);
}

bool dv_quiz_replay(const struct dv_quiz *q, struct dv_quiz_replay *r)
{
	memset(r, 0, sizeof *r);
	struct dv_quiz again;
	scenario(q->seed, &again);
	if (solve(&again, r))
		return true;
	dv_quiz_replay_free(r);
	return false;
}

void dv_quiz_replay_free(struct dv_quiz_replay *r)
{
	free(r->frame);
	memset(r, 0, sizeof *r);
}

long dv_quiz_replay_find(const struct dv_quiz_replay *r, unsigned question)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->frame[i].question == (int)question)
			return (long)i;
	return -1;
}

/* ---- questions and answers ----------------------------------------------------------------- */

static const char *const ids[DV_QUIZ_NQUESTIONS] = {
	"status",   "mode",     "addr-lo", "addr-hi", "page",
	"count-lo", "count-hi", "bounce",  "residue", "valid",
};

static const char *const asks[DV_QUIZ_NQUESTIONS] = {
	"the Status NdisMSetupDmaTransfer returns",
	"the byte written to the mode register",
	"the first (low) byte written to the channel's address register",
	"the second (high) byte written to the address register",
	"the byte written to the channel's page register",
	"the first (low) byte written to the channel's count register",
	"the second (high) byte written to the count register",
	"does the HAL use a map-register (bounce) buffer? yes or no",
	"what NdisMReadDmaCounter returns after the K cycles (bytes)",
	"bytes moved, valid after NdisMCompleteDmaTransfer",
};

const char *dv_quiz_id(unsigned question)
{
	return question < DV_QUIZ_NQUESTIONS ? ids[question] : NULL;
}

int dv_quiz_find(const char *id)
{
	for (unsigned i = 0; i < DV_QUIZ_NQUESTIONS; i++)
		if (!strcmp(id, ids[i]))
			return (int)i;
	return -1;
}

static const char *status_name(int32_t st)
{
	return dv_ndis_status_name(st);
}

void dv_quiz_answer(const struct dv_quiz *q, unsigned question, char *buf, size_t size)
{
	if (!size)
		return;
	if (question == DV_QUIZ_STATUS) {
		snprintf(buf, size, "%s", status_name(q->status));
		return;
	}
	if (!q->programmed || question >= DV_QUIZ_NQUESTIONS) {
		snprintf(buf, size, "none");
		return;
	}
	switch (question) {
	case DV_QUIZ_MODE: snprintf(buf, size, "0x%02X", q->mode); break;
	case DV_QUIZ_ADDR_LO: snprintf(buf, size, "0x%02X", q->addr_lo); break;
	case DV_QUIZ_ADDR_HI: snprintf(buf, size, "0x%02X", q->addr_hi); break;
	case DV_QUIZ_PAGE: snprintf(buf, size, "0x%02X", q->page); break;
	case DV_QUIZ_COUNT_LO: snprintf(buf, size, "0x%02X", q->count_lo); break;
	case DV_QUIZ_COUNT_HI: snprintf(buf, size, "0x%02X", q->count_hi); break;
	case DV_QUIZ_BOUNCE: snprintf(buf, size, "%s", q->bounce ? "yes" : "no"); break;
	case DV_QUIZ_RESIDUE: snprintf(buf, size, "%u", (unsigned)q->residue); break;
	case DV_QUIZ_VALID: snprintf(buf, size, "%u", (unsigned)q->valid); break;
	default: snprintf(buf, size, "none"); break;
	}
}

static bool ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

/* "0x1F" or "31"; false for anything else (no octal, no sign, no trailing junk). */
static bool parse_number(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *p = hex ? s + 2 : s;
	if (!*p)
		return false;
	for (; *p; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (hex && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (hex && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / (hex ? 16 : 10))
			return false;
		v = v * (hex ? 16 : 10) + d;
	}
	*out = v;
	return true;
}

bool dv_quiz_check(const struct dv_quiz *q, unsigned question, const char *value)
{
	if (question >= DV_QUIZ_NQUESTIONS || !value)
		return false;
	uint64_t n;
	if (question == DV_QUIZ_STATUS) {
		const char *name = status_name(q->status);
		if (ieq(value, name) || ieq(value, name + strlen("NDIS_STATUS_")))
			return true;
		return parse_number(value, &n) && n == (uint32_t)q->status;
	}
	if (!q->programmed)
		return ieq(value, "none");
	if (question == DV_QUIZ_BOUNCE)
		return ieq(value, q->bounce ? "yes" : "no");
	if (!parse_number(value, &n))
		return false;
	switch (question) {
	case DV_QUIZ_MODE: return n == q->mode;
	case DV_QUIZ_ADDR_LO: return n == q->addr_lo;
	case DV_QUIZ_ADDR_HI: return n == q->addr_hi;
	case DV_QUIZ_PAGE: return n == q->page;
	case DV_QUIZ_COUNT_LO: return n == q->count_lo;
	case DV_QUIZ_COUNT_HI: return n == q->count_hi;
	case DV_QUIZ_RESIDUE: return n == q->residue;
	case DV_QUIZ_VALID: return n == q->valid;
	default: return false;
	}
}

/* ---- text ------------------------------------------------------------------------------------ */

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = o->len < o->size ? o->size - o->len : 0;
	int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

/* Why the answer is what it is, in a few words (a comment after the answer). */
static void why(struct out *o, const struct dv_quiz *q, unsigned question)
{
	if (question == DV_QUIZ_STATUS) {
		if (q->programmed)
			put(o, "a free channel and a proper subrange");
		else if (q->busy)
			put(o, "the channel is busy: a transfer is set up and not completed");
		else if (q->fault == DV_QUIZ_ZERO)
			put(o, "Length 0 is invalid");
		else if (q->fault == DV_QUIZ_PAST)
			put(o, "Offset + Length = %u is past the buffer's %u bytes",
			    (unsigned)(q->offset + q->length), (unsigned)q->buf_len);
		else if (q->fault == DV_QUIZ_ODD)
			put(o, "a 16-bit channel moves words: an odd Length is invalid");
		else
			put(o, "the range is not valid");
		return;
	}
	if (!q->programmed) {
		put(o, "Setup failed: nothing programmed, nothing moved");
		return;
	}
	unsigned type = (q->mode >> 2) & 3, sel = (q->mode >> 6) & 3;
	switch (question) {
	case DV_QUIZ_MODE:
		put(o, "%s, %s, channel %u of DMA%u", dv_dma_sel_name(sel), dv_dma_type_name(type),
		    (unsigned)(q->mode & 3), q->width16 ? 2u : 1u);
		break;
	case DV_QUIZ_ADDR_LO:
	case DV_QUIZ_ADDR_HI:
		if (q->width16)
			put(o, "word address (0x%06X >> 1) & 0xFFFF = 0x%04X", (unsigned)q->phys,
			    (unsigned)((q->phys >> 1) & 0xFFFF));
		else
			put(o, "0x%06X & 0xFFFF = 0x%04X", (unsigned)q->phys,
			    (unsigned)(q->phys & 0xFFFF));
		break;
	case DV_QUIZ_PAGE:
		put(o, "0x%06X >> 16%s", (unsigned)q->phys,
		    q->width16 ? ", bit 0 clear on a 16-bit channel" : "");
		break;
	case DV_QUIZ_COUNT_LO:
	case DV_QUIZ_COUNT_HI:
		if (q->width16)
			put(o, "%u bytes = %u words, minus 1 = 0x%04X", (unsigned)q->length,
			    (unsigned)(q->length / 2), (unsigned)(q->length / 2 - 1));
		else
			put(o, "%u bytes minus 1 = 0x%04X", (unsigned)q->length,
			    (unsigned)(q->length - 1));
		break;
	case DV_QUIZ_BOUNCE:
		if (!q->bounce)
			put(o, "contiguous, below 16 MiB, inside one %s KiB block",
			    q->width16 ? "128" : "64");
		else if (q->place == DV_QUIZ_HIGH)
			put(o, "the buffer is above 16 MiB, out of the 8237's 24-bit reach");
		else
			put(o, "the range crosses a %s KiB boundary", q->width16 ? "128" : "64");
		break;
	case DV_QUIZ_RESIDUE:
		put(o, "%s", q->residue ? "the count had not run out" : "the transfer reached TC");
		break;
	case DV_QUIZ_VALID:
		put(o, "Length %u - residue %u", (unsigned)q->length, (unsigned)q->residue);
		break;
	default: break;
	}
}

size_t dv_quiz_format(const struct dv_quiz *q, bool answers, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	if (size)
		buf[0] = 0;
	put(&o, "dmaviz quiz --seed %llu\n\n", (unsigned long long)q->seed);
	put(&o, "A miniport registered DMA channel %u (%s, DMA%u) in %s mode, MaximumLength %u.\n",
	    (unsigned)q->channel, q->width16 ? "16-bit" : "8-bit", q->width16 ? 2u : 1u,
	    q->demand ? "demand" : "single", DV_QUIZ_MAX_LENGTH);
	put(&o, "Its NDIS_BUFFER is physically contiguous: %u bytes at physical 0x%08X.\n",
	    (unsigned)q->buf_len, (unsigned)q->buf_phys);
	if (q->busy)
		put(&o,
		    "A transfer of %u bytes at physical 0x%08X is already set up on this handle and\n"
		    "has not been completed.\n",
		    (unsigned)q->busy_len, (unsigned)q->busy_phys);
	else
		put(&o, "No transfer is in progress on the channel.\n");
	put(&o,
	    "The miniport calls\n\n    NdisMSetupDmaTransfer(&Status, DmaHandle, Buffer, %u, %u, %s);\n\n",
	    (unsigned)q->offset, (unsigned)q->length, q->send ? "TRUE" : "FALSE");
	put(&o, "(Offset %u, Length %u, WriteToDevice %s: a %s).\n", (unsigned)q->offset,
	    (unsigned)q->length, q->send ? "TRUE" : "FALSE",
	    q->send ? "send, memory -> device" : "receive, device -> memory");
	put(&o,
	    "If it succeeds, the device on the channel holds DREQ for K = %u bus cycles and drops\n"
	    "it; three cycles later the miniport calls NdisMReadDmaCounter, then completes early\n"
	    "with NdisMCompleteDmaTransfer and the same arguments.\n\n",
	    (unsigned)q->k_cycles);
	put(&o, "Questions (answer 'id: value'; numbers in hex 0x.. or decimal; 'none' when Setup\n"
	        "fails and nothing is programmed):\n");
	for (unsigned i = 0; i < DV_QUIZ_NQUESTIONS; i++)
		put(&o, "  %-9s %s\n", ids[i], asks[i]);
	if (answers) {
		put(&o, "\nAnswers:\n");
		for (unsigned i = 0; i < DV_QUIZ_NQUESTIONS; i++) {
			char a[64];
			dv_quiz_answer(q, i, a, sizeof a);
			char line[96];
			snprintf(line, sizeof line, "%s: %s", ids[i], a);
			put(&o, "%-30s # ", line);
			why(&o, q, i);
			put(&o, "\n");
		}
	}
	return o.len;
}
