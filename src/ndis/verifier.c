/* dmaviz: names and explanations of the verifier's rules, and of the traced calls; how a
 * rule is recorded (dv_verifier_fire) and told with its numbers (dv_verifier_explain); the
 * direction check (dv_verifier_check_direction). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "calls.h"
#include "dvndis.h"
#include "nic.h"
#include "sim.h"
#include "trace.h"
#include "verifier.h"

static const char *const rule_names[] = {
#define DV_RULE_NAME(id, name, title, text) name,
	DV_RULES(DV_RULE_NAME)
#undef DV_RULE_NAME
};
static const char *const rule_titles[] = {
#define DV_RULE_TITLE(id, name, title, text) title,
	DV_RULES(DV_RULE_TITLE)
#undef DV_RULE_TITLE
};
static const char *const rule_texts[] = {
#define DV_RULE_TEXT(id, name, title, text) text,
	DV_RULES(DV_RULE_TEXT)
#undef DV_RULE_TEXT
};
static const char *const call_names[] = {
#define DV_CALL_NAME(id, name) name,
	DV_CALLS(DV_CALL_NAME)
#undef DV_CALL_NAME
};

const char *dv_rule_name(enum dv_rule rule)
{
	return (unsigned)rule < DV_RULE_COUNT ? rule_names[rule] : "?";
}

const char *dv_rule_title(enum dv_rule rule)
{
	return (unsigned)rule < DV_RULE_COUNT ? rule_titles[rule] : "?";
}

const char *dv_rule_text(enum dv_rule rule)
{
	return (unsigned)rule < DV_RULE_COUNT ? rule_texts[rule] : "?";
}

const char *dv_rule_fix(enum dv_rule rule)
{
	const char *t = dv_rule_text(rule), *f = strstr(t, "Fix: ");
	return f ? f + 5 : t;
}

enum dv_rule dv_rule_find(const char *name)
{
	for (unsigned i = 0; i < DV_RULE_COUNT; i++)
		if (name && strcmp(name, rule_names[i]) == 0)
			return (enum dv_rule)i;
	return DV_RULE_COUNT;
}

const char *dv_call_name(enum dv_call call)
{
	return (unsigned)call < DV_CALL_COUNT ? call_names[call] : "?";
}

enum dv_call dv_call_find(const char *name)
{
	for (unsigned i = 0; i < DV_CALL_COUNT; i++)
		if (name && strcmp(name, call_names[i]) == 0)
			return (enum dv_call)i;
	return DV_CALL_COUNT;
}

/* ---- firing and telling ------------------------------------------------------------------- */

void dv_verifier_fire(struct dv_ndis *nd, enum dv_rule rule, uint16_t loc, uint32_t record,
                      uint32_t related, uint32_t detail)
{
	uint32_t saved = dv_sim_cause(nd->sim, DV_SRC_DRIVER, loc);
	/* old_value carries the related call record + 1 (0: none), new_value the detail. */
	dv_sim_emit(nd->sim, DV_EV_VERIFIER, (uint16_t)rule, record,
	            related == DV_VERIFIER_NO_RECORD ? 0 : related + 1, detail, DV_NO_CHANNEL);
	dv_sim_cause_restore(nd->sim, saved);
	nd->fired[rule]++;
	nd->violations++;
	nd->last_rule = (int)rule;
}

/* A record of NdisMSetupDmaTransfer or NdisMCompleteDmaTransfer, or NULL. */
static const struct dv_call_record *dma_record(const struct dv_ndis *nd, uint32_t n,
                                               struct dv_args_dma *out)
{
	const struct dv_call_record *r = nd ? dv_ndis_record(nd, n) : NULL;
	if (!r ||
	    (r->call != DV_CALL_SETUP_DMA_TRANSFER && r->call != DV_CALL_COMPLETE_DMA_TRANSFER))
		return NULL;
	struct dv_call_args a;
	dv_call_args(r, &a);
	*out = a.dma;
	return r;
}

static const char *tf(bool b)
{
	return b ? "TRUE" : "FALSE";
}

/* Appends to buf at *len, snprintf style, never past size. */
static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	if (*len >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (w > 0)
		*len = *len + (size_t)w < size ? *len + (size_t)w : size - 1;
}

static void put_loc(char *buf, size_t size, size_t *len, const struct dv_trace *t, uint16_t id)
{
	const struct dv_loc *l = id ? dv_trace_get_loc(t, id) : NULL;
	if (l && l->file)
		put(buf, size, len, "%s:%u", l->file, (unsigned)l->line);
	else
		put(buf, size, len, "an unknown line");
}

static void put_args(char *buf, size_t size, size_t *len, const struct dv_args_dma *a)
{
	if (!a->va)
		put(buf, size, len, "Buffer NULL");
	else
		put(buf, size, len, "Buffer ByteCount %u", (unsigned)a->bytecount);
	put(buf, size, len, ", Offset %u, Length %u, WriteToDevice %s", (unsigned)a->offset,
	    (unsigned)a->length, tf(a->write_to_device));
}

/* dma-complete-mismatch: which of the Complete's arguments differ from the Setup's. */
static void put_mismatch(char *buf, size_t size, size_t *len, const struct dv_args_dma *c,
                         const struct dv_args_dma *s)
{
	const char *sep = "";
	if (c->va != s->va) {
		put(buf, size, len, "Buffer at 0x%08x here, 0x%08x at the Setup", (unsigned)c->va,
		    (unsigned)s->va);
		sep = "; ";
	}
	if (c->offset != s->offset) {
		put(buf, size, len, "%sOffset %u here, %u at the Setup", sep, (unsigned)c->offset,
		    (unsigned)s->offset);
		sep = "; ";
	}
	if (c->length != s->length) {
		put(buf, size, len, "%sLength %u here, %u at the Setup", sep, (unsigned)c->length,
		    (unsigned)s->length);
		sep = "; ";
	}
	if (c->write_to_device != s->write_to_device)
		put(buf, size, len, "%sWriteToDevice %s here, %s at the Setup", sep,
		    tf(c->write_to_device), tf(s->write_to_device));
}

size_t dv_verifier_explain(const struct dv_ndis *nd, const struct dv_trace *t,
                           const struct dv_event *e, char *buf, size_t size)
{
	size_t len = 0;
	if (!size)
		return 0;
	buf[0] = 0;
	enum dv_rule rule = (enum dv_rule)e->slot;
	put(buf, size, &len, "%s", dv_rule_name(rule));
	if (e->loc && dv_trace_get_loc(t, e->loc)) {
		put(buf, size, &len, " at ");
		put_loc(buf, size, &len, t, e->loc);
	}
	put(buf, size, &len, ": %s", dv_rule_title(rule));
	struct dv_args_dma here, rel;
	const struct dv_call_record *rh = dma_record(nd, e->index, &here);
	const struct dv_call_record *rr = e->old_value ? dma_record(nd, e->old_value - 1, &rel) :
	                                                 NULL;
	switch (rule) {
	case DV_RULE_DMA_COMPLETE_MISMATCH:
		if (rh && rr) {
			put(buf, size, &len, " (");
			put_mismatch(buf, size, &len, &here, &rel);
			put(buf, size, &len, "; the Setup is at ");
			put_loc(buf, size, &len, t, rr->loc);
			put(buf, size, &len, ")");
			return len;
		}
		break;
	case DV_RULE_DMA_BUSY:
		if (rh && rr) {
			put(buf, size, &len, " (this Setup: ");
			put_args(buf, size, &len, &here);
			put(buf, size, &len, "; the transfer in progress was set up at ");
			put_loc(buf, size, &len, t, rr->loc);
			put(buf, size, &len, ")");
			return len;
		}
		break;
	case DV_RULE_DMA_MISSING_COMPLETE:
		if (rr) {
			put(buf, size, &len, " (the Setup: ");
			put_args(buf, size, &len, &rel);
			put(buf, size, &len, ")");
			return len;
		}
		return len;
	case DV_RULE_DMA_DIRECTION:
		if (rh) {
			put(buf, size, &len, " (the Setup at ");
			put_loc(buf, size, &len, t, rh->loc);
			put(buf, size, &len, " has WriteToDevice %s; the card's command 0x%02x %s)",
			    tf(here.write_to_device), (unsigned)e->new_value,
			    here.write_to_device ? "stores a received frame into memory" :
			                           "fetches a frame to send from memory");
			return len;
		}
		break;
	default: break;
	}
	if (rh) {
		put(buf, size, &len, " (");
		put_args(buf, size, &len, &here);
		put(buf, size, &len, ")");
	}
	return len;
}

/* ---- dma-direction ------------------------------------------------------------------------- */

/* The 8237A's mode register has the transfer type in bits 3-2: 01 write (I/O to memory), 10
 * read (memory to I/O) (facts §1.5); NDIS picks it from WriteToDevice (§3.4). The chip moves
 * bytes whichever way it was told, so a card that wants the other direction is the driver's
 * mistake. The card's direction is what its command register asks DREQ for (docs/nic.md):
 * DMATX with TXGO fetches a frame to send, DMARX stores a received one. */
void dv_verifier_check_direction(struct dv_ndis *nd, uint16_t loc)
{
	uint32_t cmd = nd->sim->st.nic.cmd;
	bool tx = (cmd & (DV_NIC_CMD_DMATX | DV_NIC_CMD_TXGO)) ==
	          (DV_NIC_CMD_DMATX | DV_NIC_CMD_TXGO);
	bool rx = (cmd & DV_NIC_CMD_DMARX) != 0;
	if (tx == rx) /* neither, or both: no single direction to compare */
		return;
	for (size_t i = 0; i < nd->nhandles; i++) {
		struct dv_dma_handle *h = nd->handles[i];
		if (!h || !h->registered || !h->block.InProgress || h->direction_told ||
		    h->channel != nd->sim->st.nic.channel)
			continue;
		if (h->write_to_device != tx) {
			h->direction_told = true; /* once per transfer */
			dv_verifier_fire(nd, DV_RULE_DMA_DIRECTION, loc, h->setup_rec,
			                 DV_VERIFIER_NO_RECORD, cmd);
		}
	}
}
