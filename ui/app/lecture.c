/* dmaviz: the lecture hall's facts: the call ribbon (lecture.h). The address map and the cache
 * are in lecture_map.c. */
#include <stdio.h>
#include <string.h>

#include "describe.h"
#include "dma8237.h"
#include "dvndis.h"
#include "lecture.h"
#include "lecture_int.h"

const struct dv_event *dv_lect_ev(const struct dv_view *v, size_t i)
{
	return dv_trace_at(dv_sim_trace(v->sim), i);
}

const struct dv_ndis *dv_lect_ndis(const struct dv_view *v)
{
	return v->ndis ? v->ndis : dv_run_ndis(v->run);
}

const char *dv_lect_owner_name(enum dv_lect_owner owner)
{
	switch (owner) {
	case DV_LECT_OWNER_RECEIVE: return "receive";
	case DV_LECT_OWNER_SEND: return "send";
	default: return "none";
	}
}

/* A call a driver makes (NdisM..., Ndis...), not the HAL's own calls inside them nor the
 * miniport's entry points: what the ribbon names. */
static bool driver_call(uint16_t id)
{
	return strncmp(dv_call_name((enum dv_call)id), "Ndis", 4) == 0;
}

/* The innermost driver call running at the moment, else the last one returned (whichever
 * event is later): the index of its DV_EV_CALL event and of its return (SIZE_MAX while it
 * runs). Calls nest, so walking back a return opens a level its call closes. */
static bool find_call(const struct dv_view *v, size_t *call, size_t *ret)
{
	size_t depth = 0, want = 0, last_ret = SIZE_MAX;
	const struct dv_trace *t = dv_sim_trace(v->sim);
	for (size_t i = v->pos;
	     (i = dv_trace_prev(t, i, 1u << DV_EV_CALL | 1u << DV_EV_RETURN)) != SIZE_MAX;) {
		const struct dv_event *e = dv_lect_ev(v, i);
		if (e->kind == DV_EV_RETURN) {
			if (last_ret == SIZE_MAX && driver_call(e->slot)) {
				last_ret = i;
				want = depth;
			}
			depth++;
		} else if (e->kind == DV_EV_CALL && depth == 0) {
			if (last_ret == SIZE_MAX && driver_call(e->slot)) {
				*call = i;
				*ret = SIZE_MAX;
				return true;
			}
		} else if (e->kind == DV_EV_CALL && --depth == want && last_ret != SIZE_MAX) {
			*call = i;
			*ret = last_ret;
			return true;
		}
	}
	return false;
}

/* The physical address of a Setup's or Complete's Buffer's first byte, from the pages its
 * MDL held (DV_NO_ADDR when it had none). */
uint32_t dv_lect_buffer_phys(const struct dv_call_record *r, const struct dv_call_args *a)
{
	if (!r->npages || a->dma.va == 0)
		return DV_NO_ADDR;
	return r->page[0] + (a->dma.va & (DV_PAGE_SIZE - 1));
}

void dv_lect_buffer_name(const struct dv_view *v, uint32_t phys, uint32_t len, char *buf,
                         size_t size)
{
	buf[0] = '\0';
	for (unsigned b = 0; v->lesson && b < v->lesson->nbuffers; b++) {
		const struct dv_buffer_decl *d = &v->lesson->buffers[b];
		if (d->phys && d->phys == phys && d->len == len) {
			snprintf(buf, size, "%s", d->name);
			return;
		}
	}
}

/* "NdisMSetupDmaTransfer(rx, Offset 100, Length 500, WriteToDevice TRUE)"; other calls as
 * the event log says them. */
static void call_words(const struct dv_view *v, const struct dv_event *e, char *buf, size_t size)
{
	const struct dv_ndis *nd = dv_lect_ndis(v);
	const struct dv_call_record *r = nd ? dv_ndis_record(nd, e->index) : NULL;
	if (!r ||
	    (e->slot != DV_CALL_SETUP_DMA_TRANSFER && e->slot != DV_CALL_COMPLETE_DMA_TRANSFER)) {
		dv_event_describe(v->sim, nd, e, buf, size);
		return;
	}
	struct dv_call_args a;
	dv_call_args(r, &a);
	char name[48];
	dv_lect_buffer_name(v, dv_lect_buffer_phys(r, &a), a.dma.bytecount, name, sizeof name);
	if (!name[0] && a.dma.va)
		snprintf(name, sizeof name, "Buffer VA 0x%08x", a.dma.va);
	else if (!name[0])
		snprintf(name, sizeof name, "Buffer NULL");
	snprintf(buf, size, "%s(%s, Offset %u, Length %u, WriteToDevice %s)",
	         dv_call_name((enum dv_call)e->slot), name, a.dma.offset, a.dma.length,
	         a.dma.write_to_device ? "TRUE" : "FALSE");
}

/* The register an 8237A or page-register write lands in, by the port map (a write that
 * leaves a register as it was still lands there). False for other ports. */
static bool dma_target(uint16_t port, uint8_t value, struct dv_lect_write *w)
{
	unsigned chip, reg;
	int page = dv_dma_page_channel(port);
	if (page >= 0) {
		w->slot = DV_SLOT_PAGE;
		w->index = (uint32_t)page;
		return true;
	}
	if (!dv_dma_decode(port, &chip, &reg))
		return false;
	w->index = chip;
	switch (reg) {
	case DV_DMA_REG_COMMAND: w->slot = DV_SLOT_DMA_COMMAND; break;
	case DV_DMA_REG_REQUEST: w->slot = DV_SLOT_DMA_REQUEST; break;
	case DV_DMA_REG_MODE:
		w->slot = DV_SLOT_DMA_MODE;
		w->index = chip * 4 + (value & 3u);
		break;
	case DV_DMA_REG_CLEAR_FF: w->slot = DV_SLOT_DMA_FLIPFLOP; break;
	case DV_DMA_REG_MASTER_CLEAR: w->slot = DV_SLOT_NONE; break;
	case DV_DMA_REG_SINGLE_MASK:
	case DV_DMA_REG_CLEAR_MASK:
	case DV_DMA_REG_WRITE_MASK: w->slot = DV_SLOT_DMA_MASK; break;
	default:
		w->slot = (reg & 1) ? DV_SLOT_DMA_BASE_COUNT : DV_SLOT_DMA_BASE_ADDR;
		w->index = chip * 4 + reg / 2;
		break;
	}
	return true;
}

/* One port write in words, and the register it landed in: the 8237A's by its port map,
 * another device's the first state change that follows the PORT_OUT event in its cycle. */
static void port_write(const struct dv_view *v, size_t i, struct dv_lect_write *w)
{
	const struct dv_event *e = dv_lect_ev(v, i);
	const struct dv_trace *t = dv_sim_trace(v->sim);
	memset(w, 0, sizeof *w);
	w->pos = i;
	w->port = (uint16_t)e->index;
	w->value = (uint8_t)e->new_value;
	w->slot = DV_SLOT_NONE;
	bool mapped = dma_target(w->port, w->value, w);
	for (size_t k = i + 1; k < v->pos && k < dv_trace_len(t); k++) {
		const struct dv_event *s = dv_trace_at(t, k);
		if (s->kind != DV_EV_STATE)
			break;
		if (s->slot == DV_SLOT_DMA_FLIPFLOP && w->slot != DV_SLOT_DMA_FLIPFLOP) {
			w->high_byte = s->old_value != 0;
		} else if (!mapped && w->slot == DV_SLOT_NONE) {
			w->slot = (enum dv_slot)s->slot;
			w->index = s->index;
		}
	}
	char name[48];
	const char *pn = dv_port_name(v->sim, w->port, name, sizeof name);
	unsigned chip, reg;
	bool two_bytes = dv_dma_decode(w->port, &chip, &reg) && reg < 8;
	snprintf(w->what, sizeof w->what, "%s%s", pn ? pn : "no device",
	         !two_bytes   ? "" :
	         w->high_byte ? ", high byte" :
	                        ", low byte");
}

static void ribbon_writes(const struct dv_view *v, struct dv_lect_ribbon *r)
{
	size_t end = r->ret_pos == SIZE_MAX ? v->pos : r->ret_pos;
	for (size_t i = r->call_pos + 1; i < end; i++) {
		if (dv_lect_ev(v, i)->kind != DV_EV_PORT_OUT)
			continue;
		if (r->nwrites < DV_LECT_WRITES)
			port_write(v, i, &r->writes[r->nwrites]);
		r->nwrites++;
	}
}

static void ribbon_call(const struct dv_view *v, struct dv_lect_ribbon *r)
{
	size_t call, ret;
	if (!find_call(v, &call, &ret))
		return;
	const struct dv_event *e = dv_lect_ev(v, call);
	r->has_call = true;
	r->call = (enum dv_call)e->slot;
	r->call_pos = call;
	r->ret_pos = ret;
	r->running = ret == SIZE_MAX;
	r->fresh = call >= v->from || (ret != SIZE_MAX && ret >= v->from);
	char args[200], res[48] = "running";
	call_words(v, e, args, sizeof args);
	if (!r->running) {
		r->status = dv_lect_ev(v, ret)->new_value;
		dv_call_result_words(r->call, r->status, res, sizeof res);
	}
	snprintf(r->text, sizeof r->text, "%s%s%s", args,
	         r->running ? " " :
	         res[0]     ? " -> " :
	                      "",
	         res);
	ribbon_writes(v, r);
}

static void ribbon_port(const struct dv_view *v, struct dv_lect_ribbon *r)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	for (size_t i = v->pos; (i = dv_trace_prev(t, i, 1u << DV_EV_PORT_OUT)) != SIZE_MAX;) {
		r->has_port = true;
		port_write(v, i, &r->port);
		r->port_fresh = i >= v->from;
		snprintf(r->caption, sizeof r->caption, "out 0x%02x <- 0x%02x: %s", r->port.port,
		         r->port.value, r->port.what);
		return;
	}
}

/* The channel the calls are about: the last call on a DMA handle. */
static int call_channel(const struct dv_view *v)
{
	const struct dv_trace *t = dv_sim_trace(v->sim);
	for (size_t i = v->pos; (i = dv_trace_prev(t, i, 1u << DV_EV_CALL)) != SIZE_MAX;) {
		const struct dv_event *e = dv_lect_ev(v, i);
		if (e->chan < 8)
			return e->chan;
	}
	return -1;
}

/* The Setup whose KeFlushIoBuffers (at index flush) set InProgress: the nearest Setup call
 * before it on its channel. */
static enum dv_lect_owner owner_of(const struct dv_view *v, size_t flush)
{
	const struct dv_ndis *nd = dv_lect_ndis(v);
	const struct dv_trace *t = dv_sim_trace(v->sim);
	for (size_t i = flush; nd && (i = dv_trace_prev(t, i, 1u << DV_EV_CALL)) != SIZE_MAX;) {
		const struct dv_event *e = dv_lect_ev(v, i);
		if (e->slot != DV_CALL_SETUP_DMA_TRANSFER)
			continue;
		const struct dv_call_record *rec = dv_ndis_record(nd, e->index);
		struct dv_call_args a;
		if (!rec)
			break;
		dv_call_args(rec, &a);
		return a.dma.write_to_device ? DV_LECT_OWNER_SEND : DV_LECT_OWNER_RECEIVE;
	}
	return DV_LECT_OWNER_NONE;
}

static void ribbon_badge(const struct dv_view *v, struct dv_lect_ribbon *r)
{
	r->channel = call_channel(v);
	if (r->channel < 0) {
		snprintf(r->badge, sizeof r->badge, "no DMA channel");
		return;
	}
	unsigned ch = (unsigned)r->channel;
	size_t since;
	r->registered = dv_view_dma_registered(v, ch);
	r->in_progress = r->registered && dv_view_dma_in_progress(v, ch, &since);
	if (r->in_progress)
		r->owner = owner_of(v, since);
	if (!r->registered)
		snprintf(r->badge, sizeof r->badge, "ch%u: not registered", ch);
	else if (r->in_progress)
		snprintf(r->badge, sizeof r->badge, "ch%u: %s in progress (busy)", ch,
		         dv_lect_owner_name(r->owner));
	else
		snprintf(r->badge, sizeof r->badge, "ch%u: free", ch);
}

void dv_lecture_ribbon(const struct dv_view *v, struct dv_lect_ribbon *out)
{
	memset(out, 0, sizeof *out);
	out->ret_pos = SIZE_MAX;
	out->channel = -1;
	ribbon_call(v, out);
	ribbon_port(v, out);
	ribbon_badge(v, out);
}
