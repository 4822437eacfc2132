/* dmaviz: what the diagram shows, read from a session's view (diagram.h). */
#include "diagram.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "dvndis.h"
#include "lesson.h"
#include "sim.h"

uint32_t dv_dg_now(const struct dv_view *v, enum dv_slot slot, uint32_t i)
{
	return dv_cursor_get(&v->now, slot, i);
}

uint32_t dv_dg_before(const struct dv_view *v, enum dv_slot slot, uint32_t i)
{
	return dv_cursor_get(&v->base, slot, i);
}

bool dv_dg_changed(const struct dv_view *v, enum dv_slot slot, uint32_t i)
{
	return dv_dg_now(v, slot, i) != dv_dg_before(v, slot, i);
}

enum dv_role dv_dg_role(const struct dv_view *v, enum dv_slot slot, uint32_t i)
{
	return dv_dg_changed(v, slot, i) ? DV_ROLE_CHANGED : DV_ROLE_NORMAL;
}

static void fmt_value(char *buf, size_t n, uint32_t v, int digits)
{
	if (digits)
		snprintf(buf, n, "0x%0*x", digits, v);
	else
		snprintf(buf, n, "%u", v);
}

void dv_dg_reg_value(const struct dv_view *v, struct dv_vline *l, enum dv_slot slot, uint32_t i,
                     int digits)
{
	char buf[32];
	fmt_value(buf, sizeof buf, dv_dg_now(v, slot, i), digits);
	if (dv_dg_changed(v, slot, i)) {
		char old[32];
		fmt_value(old, sizeof old, dv_dg_before(v, slot, i), digits);
		dv_vline_add(l, DV_ROLE_DIM, "%s\xe2\x86\x92", old);
	}
	dv_vline_add(l, dv_dg_role(v, slot, i), "%s", buf);
}

/* Did the slot's bit go high at any point of the current move (a pulse: DACK, TC)? */
static bool pulsed(const struct dv_view *v, enum dv_slot slot, uint32_t index, uint32_t bits)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	size_t end = v->pos < dv_trace_len(t) ? v->pos : dv_trace_len(t);
	for (size_t i = v->from; i < end; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind == DV_EV_STATE && e->slot == slot && e->index == index &&
		    (e->new_value & bits))
			return true;
	}
	return false;
}

int dv_dg_level(const struct dv_view *v, enum dv_slot slot, uint32_t index, uint32_t bits)
{
	if (dv_dg_now(v, slot, index) & bits)
		return 2;
	return (dv_dg_before(v, slot, index) & bits) || pulsed(v, slot, index, bits) ? 1 : 0;
}

unsigned dv_dg_nic_channel(const struct dv_view *v)
{
	return dv_sim_config(v->sim)->nic_channel;
}

unsigned dv_dg_active_channel(struct dv_view *v, struct dv_vpanel *tmp)
{
	dv_view_dma(v, tmp);
	const char *c = strstr(tmp->title, "channel ");
	unsigned ch = c ? (unsigned)strtoul(c + 8, NULL, 10) : 1;
	return ch < 8 ? ch : 1;
}

bool dv_dg_panel_changed(const struct dv_vpanel *p)
{
	for (size_t i = 0; i < p->n; i++)
		for (size_t k = 0; k < p->line[i].len; k++)
			if (p->line[i].roles[k] == DV_ROLE_CHANGED)
				return true;
	return false;
}

const char *dv_dg_irql_name(unsigned irql)
{
	return irql == 0 ? "PASSIVE" : irql == 2 ? "DISPATCH" : irql >= 3 ? "DIRQL" : "APC";
}

struct dv_dg_moves dv_dg_moves_of(const struct dv_view *v)
{
	struct dv_dg_moves m = { 0, 0, 0, 0, 0 };
	const struct dv_trace *t = dv_sim_trace(v->sim);
	size_t end = v->pos < dv_trace_len(t) ? v->pos : dv_trace_len(t);
	unsigned nch = dv_dg_nic_channel(v);
	for (size_t i = v->from; i < end; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind == DV_EV_XFER) {
			m.xfers++;
			m.nic_xfers += e->chan == nch;
			m.last_xfer = i;
		} else if (e->kind == DV_EV_WIRE) {
			if (e->index)
				m.wrx++;
			else
				m.wtx++;
		}
	}
	return m;
}

/* Is physical address a inside the buffer of Setup record r, and at which byte? */
static bool in_buffer(const struct dv_call_record *r, uint32_t a, uint32_t *byte)
{
	struct dv_call_args args;
	dv_call_args(r, &args);
	uint32_t first = args.dma.va % DV_PAGE_SIZE;
	for (uint32_t i = 0; i < r->npages && i < DV_CALL_PAGES; i++) {
		if (a < r->page[i] || a - r->page[i] >= DV_PAGE_SIZE)
			continue;
		uint32_t k = i * DV_PAGE_SIZE + (a - r->page[i]);
		if (k >= first && k - first < args.dma.bytecount) {
			*byte = k - first;
			return true;
		}
	}
	return false;
}

/* The Setup on channel ch before position i: with xfer (bytes moved), the one that
 * programmed the channel for them (a refused one between did not); else the newest. */
static size_t find_setup(const struct dv_trace *t, const struct dv_ndis *nd, size_t i, unsigned ch,
                         bool xfer, const struct dv_call_record **rec)
{
	while (i-- > 0) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind != DV_EV_CALL || e->slot != DV_CALL_SETUP_DMA_TRANSFER || e->chan != ch)
			continue;
		*rec = dv_ndis_record(nd, e->index);
		if (*rec && (!xfer || (*rec)->status == NDIS_STATUS_SUCCESS))
			return i;
	}
	return SIZE_MAX;
}

/* What happened to the Setup at position setup up to the cursor (its record knows its whole
 * future, the trace up to the cursor only what the picture may show). */
static void setup_follow(struct dv_dg_setup *si, const struct dv_view *v, const struct dv_ndis *nd,
                         size_t setup, unsigned ch)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	uint32_t id = dv_trace_at(t, setup)->index;
	size_t end = v->pos < dv_trace_len(t) ? v->pos : dv_trace_len(t);
	for (size_t k = setup + 1; k < end; k++) {
		const struct dv_event *e = dv_trace_at(t, k);
		if (e->kind == DV_EV_CALL && e->slot == DV_CALL_SETUP_DMA_TRANSFER &&
		    e->chan == ch) {
			break; /* the next transfer on the channel */
		} else if (e->kind == DV_EV_CALL && e->slot == DV_CALL_IO_MAP_TRANSFER) {
			const struct dv_call_record *m = dv_ndis_record(nd, e->index);
			if (m) {
				struct dv_call_args ma;
				dv_call_args(m, &ma);
				si->bounced = ma.map.bounced;
				si->dma_phys = ma.map.phys;
			}
			si->ok = true; /* past its checks: the 8237A is being programmed */
		} else if (e->kind == DV_EV_XFER && e->chan == ch && !si->completed) {
			si->moved += (e->old_value >> 8) ? (e->old_value >> 8) : 1;
		} else if (e->kind == DV_EV_CALL && e->slot == DV_CALL_COMPLETE_DMA_TRANSFER &&
		           e->chan == ch) {
			si->completed = true;
		} else if (e->kind == DV_EV_RETURN && e->index == id) {
			si->ok = e->new_value == (uint32_t)NDIS_STATUS_SUCCESS;
			si->returned = true;
		}
	}
}

struct dv_dg_setup dv_dg_setup_of(const struct dv_view *v, const struct dv_run *run, unsigned ch)
{
	struct dv_dg_setup si;
	memset(&si, 0, sizeof si);
	const struct dv_ndis *nd = dv_run_ndis(run);
	const struct dv_trace *t = dv_sim_trace(v->sim);
	size_t xfer;
	si.mem_addr = dv_view_memory_addr(v, &xfer);
	if (!nd)
		return si;
	if (xfer != SIZE_MAX)
		ch = dv_trace_at(t, xfer)->chan;
	const struct dv_call_record *rec = NULL;
	size_t setup =
	        find_setup(t, nd, xfer != SIZE_MAX ? xfer : v->pos, ch, xfer != SIZE_MAX, &rec);
	if (setup == SIZE_MAX || !rec)
		return si;
	si.found = true;
	struct dv_call_args args;
	dv_call_args(rec, &args);
	si.va = args.dma.va;
	si.offset = args.dma.offset;
	si.length = args.dma.length;
	si.write = args.dma.write_to_device;
	si.phys = args.dma.phys;
	si.bytecount = args.dma.bytecount;
	si.buf_phys = rec->npages ? rec->page[0] + si.va % DV_PAGE_SIZE : si.phys - si.offset;
	si.status = rec->status;
	setup_follow(&si, v, nd, setup, ch);
	if (si.moved > si.length)
		si.moved = si.length;
	/* A refused Setup programmed nothing: the rows show the bytes it was asked to move. */
	if (si.returned && !si.ok)
		si.mem_addr = si.phys != DV_NO_ADDR ? si.phys : si.buf_phys;
	uint32_t byte;
	if (si.ok && si.bounced && si.mem_addr >= si.dma_phys &&
	    si.mem_addr - si.dma_phys < si.length)
		si.mem_in = DV_DG_BOUNCE;
	else if (in_buffer(rec, si.mem_addr, &byte))
		si.mem_in = byte >= si.offset && byte - si.offset < si.length ? DV_DG_SUBRANGE :
		                                                                DV_DG_BUFFER;
	return si;
}
