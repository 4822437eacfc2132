/* dmaviz: the state names of the lesson language (docs/lesson-format.md §7). Machine slots are
 * state.c's; the names beyond them (DV_REF_*) are one table, dv_names, indexed by kind: how each
 * is written (its form), how its value prints, the function that evaluates it on a run, and
 * what it means. Resolution, suggestions for a misspelt name and evaluation all read the table.
 * Also here: the NDIS status and value words of conditions.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "calls.h"
#include "dma8237.h"
#include "lang_int.h"
#include "nic.h"
#include "run_int.h"
#include "trace.h"
#include "verifier.h"

/* ---- the state the names read ----------------------------------------------------------------- */

static void count_calls(struct dv_run *run)
{
	for (; run->rec_seen < run->ndis->nrec; run->rec_seen++) {
		unsigned c = run->ndis->rec[run->rec_seen].call;
		if (c < DV_CALL_COUNT)
			run->calls[c]++;
	}
}

static struct dv_dma_handle *watched_handle(const struct dv_run *run)
{
	if (run->handle)
		return (struct dv_dma_handle *)run->handle;
	for (size_t i = 0; i < run->ndis->nhandles; i++)
		if (run->ndis->handles[i]->registered)
			return run->ndis->handles[i];
	return NULL;
}

static bool frame_is_packet(const uint8_t *data, uint32_t len, uint32_t seq)
{
	uint32_t i = 0;
	while (i < len && i < DV_FRAME_MAX && data[i] == dv_ndis_packet_byte(seq, i))
		i++;
	return i == len;
}

/* The last frame the peer received is the packet of the latest source: the packet number of
 * the last `fill ... packet=N` when the protocol has sent nothing since, else a packet the
 * protocol handed to MiniportSend (of the same length). */
static uint32_t peer_last_ok(const struct dv_run *run)
{
	const struct dv_peer *peer = &run->sim->st.peer;
	if (peer->rx_count == 0)
		return 0;
	unsigned slot = (peer->rx_count - 1) % DV_PEER_FRAMES;
	uint32_t len = peer->rx_len[slot];
	if (len == 0)
		return 0;
	if (run->fill_packet && run->ndis->ntx == run->fill_ntx)
		return frame_is_packet(peer->rx_data[slot], len, run->fill_seq);
	for (uint32_t t = 0; t < run->ndis->ntx; t++)
		if (run->ndis->tx[t].length == len &&
		    frame_is_packet(peer->rx_data[slot], len, run->ndis->tx[t].seq))
			return 1;
	return 0;
}

/* Counts the port accesses (DV_EV_PORT_OUT, DV_EV_PORT_IN) the trace has recorded so far. */
void dv_run_count_ports(struct dv_run *run)
{
	/* The trace keeps where its port accesses are (DV_TRACE_INDEXED): no walk over the bus
	 * cycles between them. */
	const struct dv_trace *t = &run->sim->trace;
	run->ports_out = (uint32_t)dv_trace_count(t, t->len, DV_EV_PORT_OUT);
	run->ports_in = (uint32_t)dv_trace_count(t, t->len, DV_EV_PORT_IN);
}

static uint32_t rx_last_ok(const struct dv_run *run)
{
	if (run->ndis->nrx == 0)
		return 0;
	const struct dv_rx_frame *f = &run->ndis->rx[(run->ndis->nrx - 1) % DV_NDIS_RX_LOG];
	if (f->len < 18 || f->len > DV_PEER_MAX_FRAME)
		return 0;
	/* The peer writes its frame number into bytes 14-17 (docs/nic.md §8.3). */
	uint32_t seq = (uint32_t)f->data[14] << 24 | (uint32_t)f->data[15] << 16 |
	               (uint32_t)f->data[16] << 8 | f->data[17];
	for (uint32_t i = 0; i < f->len; i++)
		if (f->data[i] != dv_peer_byte(seq, i))
			return 0;
	return 1;
}

/* ---- evaluation: one function per name (the eval column of the table) ------------------------ */

static uint32_t ev_dma_masked(struct dv_run *run, const struct dv_ref *r)
{
	return dv_dma_masked(&run->sim->st, r->a);
}

static uint32_t ev_dma_tc(struct dv_run *run, const struct dv_ref *r)
{
	return (run->sim->st.dma[r->a / 4].status >> (r->a % 4)) & 1u;
}

static uint32_t ev_dma_dreq(struct dv_run *run, const struct dv_ref *r)
{
	return (run->sim->st.bus.dreq >> r->a) & 1u;
}

/* Bytes left: the current count is N-1, and a 16-bit channel counts words. */
static uint32_t ev_dma_residue(struct dv_run *run, const struct dv_ref *r)
{
	uint32_t left = (run->sim->st.dma[r->a / 4].ch[r->a % 4].cur_count + 1u) & 0xFFFFu;
	return r->a >= 4 ? left * 2 : left;
}

static uint32_t ev_dma_phys(struct dv_run *run, const struct dv_ref *r)
{
	return dv_dma_phys(&run->sim->st, r->a);
}

static uint32_t ev_irq(struct dv_run *run, const struct dv_ref *r)
{
	return (run->sim->st.bus.irq >> r->a) & 1u;
}

static uint32_t ev_cpu_mem(struct dv_run *run, const struct dv_ref *r)
{
	return dv_sim_cpu_peek(run->sim, r->a); /* an expectation must not change the cache */
}

static uint32_t ev_last_in(struct dv_run *run, const struct dv_ref *r)
{
	(void)r;
	return run->last_in;
}

static uint32_t ev_last_read(struct dv_run *run, const struct dv_ref *r)
{
	return r->a < 256 ? run->last_read[r->a] : 0;
}

static uint32_t ev_ndis_status(struct dv_run *run, const struct dv_ref *r)
{
	(void)r;
	return (uint32_t)run->ndis->last_status;
}

static uint32_t ev_ndis_inprogress(struct dv_run *run, const struct dv_ref *r)
{
	const struct dv_dma_handle *h = watched_handle(run);
	(void)r;
	return h ? h->block.InProgress != 0 : 0;
}

/* The last NdisMReadDmaCounter, the lesson's or the driver's (as ndis.status). */
static uint32_t ev_ndis_counter(struct dv_run *run, const struct dv_ref *r)
{
	const struct dv_ndis *nd = run->ndis;
	(void)r;
	for (size_t i = nd->nrec; i-- > 0;)
		if (nd->rec[i].call == DV_CALL_READ_DMA_COUNTER && nd->rec[i].returned)
			return (uint32_t)nd->rec[i].status;
	return 0;
}

static uint32_t ev_verifier_last(struct dv_run *run, const struct dv_ref *r)
{
	(void)r;
	return run->ndis->last_rule < 0 ? 0xFFFFFFFFu : (uint32_t)run->ndis->last_rule;
}

static uint32_t ev_verifier_count(struct dv_run *run, const struct dv_ref *r)
{
	(void)r;
	return run->ndis->violations;
}

static uint32_t ev_verifier_rule(struct dv_run *run, const struct dv_ref *r)
{
	return r->a < DV_RULE_COUNT ? run->ndis->fired[r->a] : 0;
}

static uint32_t ev_calls(struct dv_run *run, const struct dv_ref *r)
{
	count_calls(run);
	return r->a < DV_CALL_COUNT ? run->calls[r->a] : 0;
}

static uint32_t ev_buffer_len(struct dv_run *run, const struct dv_ref *r)
{
	return r->a < run->L->nbuffers ? run->L->buffers[r->a].len : 0;
}

static uint32_t ev_buffer_phys(struct dv_run *run, const struct dv_ref *r)
{
	return r->a < run->L->nbuffers ? run->buf_phys[r->a] : 0;
}

static uint32_t ev_tx_sent(struct dv_run *run, const struct dv_ref *r)
{
	(void)r;
	return run->ndis->ntx;
}

static uint32_t ev_tx_completed(struct dv_run *run, const struct dv_ref *r)
{
	(void)r;
	return run->ndis->ntx_completed; /* counted as they complete: `run until` asks every tick */
}

/* The last request's record (MiniportQueryInformation or MiniportSetInformation), or NULL. */
static const struct dv_call_record *last_request(const struct dv_ndis *nd)
{
	for (size_t i = nd->nrec; i-- > 0;)
		if ((nd->rec[i].call == DV_CALL_MINIPORT_QUERY_INFORMATION ||
		     nd->rec[i].call == DV_CALL_MINIPORT_SET_INFORMATION) &&
		    nd->rec[i].returned)
			return &nd->rec[i];
	return NULL;
}

static uint32_t ev_request(struct dv_run *run, const struct dv_ref *r)
{
	const struct dv_call_record *rec = last_request(run->ndis);
	if (!rec)
		return r->kind == DV_REF_REQUEST_STATUS ? (uint32_t)NDIS_STATUS_PENDING : 0;
	struct dv_call_args a;
	dv_call_args(rec, &a);
	switch (r->kind) {
	case DV_REF_REQUEST_STATUS: return (uint32_t)rec->status;
	case DV_REF_REQUEST_VALUE: return a.request.value;
	case DV_REF_REQUEST_BYTES: return a.request.done;
	default: return a.request.needed;
	}
}

static uint32_t ev_tx_last_status(struct dv_run *run, const struct dv_ref *r)
{
	const struct dv_ndis *nd = run->ndis;
	uint32_t best = 0, st_v = (uint32_t)NDIS_STATUS_PENDING;
	(void)r;
	for (uint32_t i = 0; i < nd->ntx; i++) {
		if (nd->tx[i].completed && nd->tx[i].completed_cycle >= best) {
			best = nd->tx[i].completed_cycle;
			st_v = (uint32_t)nd->tx[i].status;
		}
	}
	return st_v;
}

static uint32_t ev_peer_frames(struct dv_run *run, const struct dv_ref *r)
{
	(void)r;
	return run->sim->st.peer.rx_count;
}

static uint32_t ev_peer_last_ok(struct dv_run *run, const struct dv_ref *r)
{
	(void)r;
	return peer_last_ok(run);
}

static uint32_t ev_rx_frames(struct dv_run *run, const struct dv_ref *r)
{
	(void)r;
	return run->ndis->nrx;
}

static uint32_t ev_rx_last_ok(struct dv_run *run, const struct dv_ref *r)
{
	(void)r;
	return rx_last_ok(run);
}

/* Whether the last IoMapTransfer went through a bounce buffer. */
static uint32_t ev_bounce_used(struct dv_run *run, const struct dv_ref *r)
{
	const struct dv_ndis *nd = run->ndis;
	(void)r;
	for (size_t i = nd->nrec; i-- > 0;)
		if (nd->rec[i].call == DV_CALL_IO_MAP_TRANSFER) {
			struct dv_call_args a;
			dv_call_args(&nd->rec[i], &a);
			return a.map.bounced;
		}
	return 0;
}

static uint32_t ev_ports_out(struct dv_run *run, const struct dv_ref *r)
{
	dv_run_count_ports(run);
	return r->a ? run->ports_out - run->step_ports_out : run->ports_out;
}

static uint32_t ev_ports_in(struct dv_run *run, const struct dv_ref *r)
{
	dv_run_count_ports(run);
	return r->a ? run->ports_in - run->step_ports_in : run->ports_in;
}

/* ---- the table -------------------------------------------------------------------------------- */

#define NAME(kind, form, text, limit, per_step, type, eval, what)                                  \
	[kind] = { form, text, limit, per_step, type, eval, what }

const struct dv_name dv_names[DV_REF_COUNT] = {
	NAME(DV_REF_DMA_MASKED, DV_NAME_CHANNEL, "masked", 0, false, DV_VT_NUM, ev_dma_masked,
	     "1 when channel N's mask bit is set (it ignores DREQ)"),
	NAME(DV_REF_DMA_TC, DV_NAME_CHANNEL, "tc", 0, false, DV_VT_NUM, ev_dma_tc,
	     "channel N's terminal-count bit in its controller's status register"),
	NAME(DV_REF_DMA_DREQ, DV_NAME_CHANNEL, "dreq", 0, false, DV_VT_NUM, ev_dma_dreq,
	     "channel N's DREQ line"),
	NAME(DV_REF_DMA_RESIDUE, DV_NAME_CHANNEL, "residue", 0, false, DV_VT_NUM, ev_dma_residue,
	     "bytes channel N has still to move (current count + 1, in words x 2 on 5-7)"),
	NAME(DV_REF_DMA_PHYS, DV_NAME_CHANNEL, "phys", 0, false, DV_VT_NUM, ev_dma_phys,
	     "the physical address channel N drives next (page register and address)"),
	NAME(DV_REF_IRQ, DV_NAME_IRQ, "irq", 16, false, DV_VT_NUM, ev_irq, "IRQ line N (0-15)"),
	NAME(DV_REF_CPU_MEM, DV_NAME_BRACKET, "cpu[", DV_MEM_MAX, false, DV_VT_NUM, ev_cpu_mem,
	     "the byte the CPU sees at ADDR (a cached line wins over memory)"),
	NAME(DV_REF_LAST_IN, DV_NAME_FIXED, "last.in", 0, false, DV_VT_NUM, ev_last_in,
	     "the byte the last `in` or NdisRawReadPortUchar read"),
	NAME(DV_REF_LAST_READ, DV_NAME_BRACKET, "last.read[", 256, false, DV_VT_NUM, ev_last_read,
	     "byte I of what the last `read` read"),
	NAME(DV_REF_NDIS_STATUS, DV_NAME_FIXED, "ndis.status", 0, false, DV_VT_STATUS,
	     ev_ndis_status, "the status the last NDIS call returned"),
	NAME(DV_REF_NDIS_INPROGRESS, DV_NAME_FIXED, "ndis.inprogress", 0, false, DV_VT_NUM,
	     ev_ndis_inprogress,
	     "the DMA block's InProgress flag (a transfer set up, not completed)"),
	NAME(DV_REF_NDIS_COUNTER, DV_NAME_FIXED, "ndis.counter", 0, false, DV_VT_NUM,
	     ev_ndis_counter, "what the last NdisMReadDmaCounter returned"),
	NAME(DV_REF_VERIFIER_LAST, DV_NAME_FIXED, "verifier.last", 0, false, DV_VT_RULE,
	     ev_verifier_last, "the last verifier rule that fired, or none"),
	NAME(DV_REF_VERIFIER_COUNT, DV_NAME_FIXED, "verifier.count", 0, false, DV_VT_NUM,
	     ev_verifier_count, "how many times verifier rules fired"),
	NAME(DV_REF_VERIFIER_RULE, DV_NAME_RULE, "verifier.", 0, false, DV_VT_NUM, ev_verifier_rule,
	     "how many times rule RULE fired"),
	NAME(DV_REF_CALLS, DV_NAME_CALL, "calls.", 0, false, DV_VT_NUM, ev_calls,
	     "how many times the NDIS call CALL was made"),
	NAME(DV_REF_BUFFER_LEN, DV_NAME_BUFFER, "len", 0, false, DV_VT_NUM, ev_buffer_len,
	     "buffer B's length"),
	NAME(DV_REF_BUFFER_PHYS, DV_NAME_BUFFER, "phys", 0, false, DV_VT_NUM, ev_buffer_phys,
	     "buffer B's first physical address"),
	NAME(DV_REF_TX_SENT, DV_NAME_FIXED, "tx.sent", 0, false, DV_VT_NUM, ev_tx_sent,
	     "packets handed to the driver's MiniportSend"),
	NAME(DV_REF_TX_COMPLETED, DV_NAME_FIXED, "tx.completed", 0, false, DV_VT_NUM,
	     ev_tx_completed, "packets the driver completed"),
	NAME(DV_REF_TX_LAST_STATUS, DV_NAME_FIXED, "tx.last.status", 0, false, DV_VT_STATUS,
	     ev_tx_last_status, "the status of the last completed packet (PENDING when none)"),
	NAME(DV_REF_PEER_FRAMES, DV_NAME_FIXED, "peer.frames", 0, false, DV_VT_NUM, ev_peer_frames,
	     "frames the peer station received"),
	NAME(DV_REF_PEER_LAST_OK, DV_NAME_FIXED, "peer.last.ok", 0, false, DV_VT_NUM,
	     ev_peer_last_ok, "1 when the peer's last frame is the packet that was sent"),
	NAME(DV_REF_RX_FRAMES, DV_NAME_FIXED, "rx.frames", 0, false, DV_VT_NUM, ev_rx_frames,
	     "frames the driver indicated up"),
	NAME(DV_REF_RX_LAST_OK, DV_NAME_FIXED, "rx.last.ok", 0, false, DV_VT_NUM, ev_rx_last_ok,
	     "1 when the last indicated frame is the one the peer sent"),
	NAME(DV_REF_BOUNCE_USED, DV_NAME_FIXED, "bounce.used", 0, false, DV_VT_NUM, ev_bounce_used,
	     "1 when the last IoMapTransfer used a bounce buffer"),
	NAME(DV_REF_PORTS_OUT, DV_NAME_FIXED, "ports.out", 0, true, DV_VT_NUM, ev_ports_out,
	     "port writes so far (.step: since the current step began)"),
	NAME(DV_REF_PORTS_IN, DV_NAME_FIXED, "ports.in", 0, true, DV_VT_NUM, ev_ports_in,
	     "port reads so far (.step: since the current step began)"),
	NAME(DV_REF_REQUEST_STATUS, DV_NAME_FIXED, "request.status", 0, false, DV_VT_STATUS,
	     ev_request, "the status of the last driver query or set (PENDING when none)"),
	NAME(DV_REF_REQUEST_VALUE, DV_NAME_FIXED, "request.value", 0, false, DV_VT_NUM, ev_request,
	     "the first ULONG of the last query's buffer, or the value the last set passed"),
	NAME(DV_REF_REQUEST_BYTES, DV_NAME_FIXED, "request.bytes", 0, false, DV_VT_NUM, ev_request,
	     "BytesWritten of the last query, BytesRead of the last set"),
	NAME(DV_REF_REQUEST_NEEDED, DV_NAME_FIXED, "request.needed", 0, false, DV_VT_NUM,
	     ev_request, "BytesNeeded of the last query or set"),
};

uint32_t dv_name_eval(struct dv_run *run, const struct dv_ref *r)
{
	if (r->kind == DV_REF_NUM)
		return r->a;
	if (r->kind == DV_REF_SLOT)
		return dv_sim_get(run->sim, (enum dv_slot)r->a, r->b);
	if ((unsigned)r->kind < DV_REF_COUNT && dv_names[r->kind].eval)
		return dv_names[r->kind].eval(run, r);
	return 0;
}

/* ---- resolution ------------------------------------------------------------------------------- */

/* Machine slots written NAME[INDEX] (the others are resolved by their names, state.c). */
static const struct {
	const char *prefix;
	enum dv_slot slot;
	uint32_t limit;
} slot_brackets[] = {
	{ "mem[", DV_SLOT_MEM, DV_MEM_MAX },
	{ "peer.rx[", DV_SLOT_PEER_RX_DATA, DV_PEER_FRAMES *DV_FRAME_MAX },
	{ "cache.data[", DV_SLOT_CACHE_DATA, DV_CACHE_LINES *DV_CACHE_LINE },
};

static bool bracket_slot(enum dv_slot s)
{
	return s == DV_SLOT_MEM || s == DV_SLOT_PEER_RX_DATA || s == DV_SLOT_CACHE_DATA;
}

/* Parses "N.rest" after a prefix: the decimal number N and a pointer to the rest. */
static bool small_number(const char *s, unsigned *n, const char **rest)
{
	unsigned v = 0, digits = 0;
	while (*s >= '0' && *s <= '9' && digits < 3) {
		v = v * 10 + (unsigned)(*s - '0');
		s++;
		digits++;
	}
	if (!digits)
		return false;
	*n = v;
	*rest = s;
	return true;
}

/* "PREFIX[NUMBER]" below limit: the number. */
static bool bracket_index(const char *n, size_t len, const char *prefix, uint32_t limit,
                          uint32_t *v)
{
	size_t pl = strlen(prefix);
	return len >= pl + 2 && n[len - 1] == ']' && dv_script_number(n + pl, len - pl - 1, v) &&
	       *v < limit;
}

/* A name of the table's form (kind k), or false. */
static bool resolve_form(const struct dv_lesson *lesson, const char *n, size_t len,
                         enum dv_ref_kind k, struct dv_ref *out)
{
	const struct dv_name *row = &dv_names[k];
	unsigned num;
	uint32_t v;
	const char *rest;
	switch (row->form) {
	case DV_NAME_FIXED:
		if (!strcmp(n, row->text))
			return true;
		/* ports.out.step, ports.in.step: counted from the start of the current step */
		if (row->per_step && !strncmp(n, row->text, strlen(row->text)) &&
		    !strcmp(n + strlen(row->text), ".step")) {
			out->a = 1;
			return true;
		}
		return false;
	case DV_NAME_CHANNEL:
		if (strncmp(n, "dma.ch", 6) != 0 || !small_number(n + 6, &num, &rest) || num >= 8 ||
		    *rest != '.' || strcmp(rest + 1, row->text) != 0)
			return false;
		out->a = num;
		return true;
	case DV_NAME_IRQ:
		if (strncmp(n, row->text, strlen(row->text)) != 0 ||
		    !small_number(n + strlen(row->text), &num, &rest) || num >= row->limit || *rest)
			return false;
		out->a = num;
		return true;
	case DV_NAME_BRACKET:
		if (strncmp(n, row->text, strlen(row->text)) != 0 ||
		    !bracket_index(n, len, row->text, row->limit, &v))
			return false;
		out->a = v;
		return true;
	case DV_NAME_RULE:
		if (strncmp(n, row->text, strlen(row->text)) != 0 ||
		    (out->a = dv_rule_find(n + strlen(row->text))) == DV_RULE_COUNT)
			return false;
		return true;
	case DV_NAME_CALL:
		if (strncmp(n, row->text, strlen(row->text)) != 0 ||
		    (out->a = dv_call_find(n + strlen(row->text))) == DV_CALL_COUNT)
			return false;
		return true;
	case DV_NAME_BUFFER: {
		/* buffer.B.len, buffer.B.phys: B is one of the lesson's buffers */
		const char *dot = lesson && !strncmp(n, "buffer.", 7) ? strrchr(n + 7, '.') : NULL;
		if (!dot || strcmp(dot + 1, row->text) != 0)
			return false;
		size_t bl = (size_t)(dot - (n + 7));
		for (unsigned i = 0; i < lesson->nbuffers; i++) {
			const char *bn = lesson->buffers[i].name;
			if (strlen(bn) == bl && !strncmp(bn, n + 7, bl)) {
				out->a = i;
				return true;
			}
		}
		return false;
	}
	}
	return false;
}

/* The order names are tried in: a fixed name before a pattern. */
static const enum dv_name_form form_order[] = { DV_NAME_FIXED, DV_NAME_BRACKET, DV_NAME_CHANNEL,
	                                        DV_NAME_IRQ,   DV_NAME_RULE,    DV_NAME_CALL,
	                                        DV_NAME_BUFFER };

bool dv_script_resolve(const struct dv_lesson *lesson, const char *name, size_t len,
                       struct dv_ref *out)
{
	char n[128];
	if (len == 0 || len >= sizeof n)
		return false;
	memcpy(n, name, len);
	n[len] = 0;
	memset(out, 0, sizeof *out);
	out->type = DV_VT_NUM;

	for (size_t f = 0; f < sizeof form_order / sizeof form_order[0]; f++) {
		for (int k = DV_REF_SLOT + 1; k < DV_REF_COUNT; k++) {
			if (dv_names[k].form != form_order[f])
				continue;
			if (!resolve_form(lesson, n, len, (enum dv_ref_kind)k, out)) {
				/* a bracket's prefix with a bad index names nothing else */
				if (form_order[f] == DV_NAME_BRACKET &&
				    !strncmp(n, dv_names[k].text, strlen(dv_names[k].text)))
					return false;
				continue;
			}
			out->kind = (enum dv_ref_kind)k;
			out->type = dv_names[k].type;
			return true;
		}
		if (form_order[f] != DV_NAME_BRACKET)
			continue;
		for (size_t i = 0; i < sizeof slot_brackets / sizeof slot_brackets[0]; i++) {
			uint32_t v;
			if (strncmp(n, slot_brackets[i].prefix, strlen(slot_brackets[i].prefix)) !=
			    0)
				continue;
			if (!bracket_index(n, len, slot_brackets[i].prefix, slot_brackets[i].limit,
			                   &v))
				return false;
			out->kind = DV_REF_SLOT;
			out->a = slot_brackets[i].slot;
			out->b = v;
			return true;
		}
	}
	for (int s = DV_SLOT_NONE + 1; s < DV_SLOT_COUNT; s++) {
		if (bracket_slot((enum dv_slot)s))
			continue;
		const char *pat = dv_slot_pattern((enum dv_slot)s);
		const char *pct = strchr(pat, '%');
		size_t pl = pct ? (size_t)(pct - pat) : strlen(pat);
		if (strncmp(n, pat, pl) != 0)
			continue;
		uint32_t size = dv_slot_size((enum dv_slot)s);
		for (uint32_t i = 0; i < size; i++) {
			char buf[64];
			dv_slot_name((enum dv_slot)s, i, buf, sizeof buf);
			if (!strcmp(buf, n)) {
				out->kind = DV_REF_SLOT;
				out->a = (uint32_t)s;
				out->b = i;
				if (s == DV_SLOT_BUS_OWNER)
					out->type = DV_VT_OWNER;
				return true;
			}
		}
	}
	return false;
}

/* Offers every name the language knows to s, in the order of the table's forms. */
void dv_suggest_names(struct dv_suggest *s, const struct dv_lesson *lesson)
{
	char buf[96];
	for (int k = DV_REF_SLOT + 1; k < DV_REF_COUNT; k++)
		if (dv_names[k].form == DV_NAME_FIXED)
			dv_suggest_try(s, dv_names[k].text);
	for (int k = DV_REF_SLOT + 1; k < DV_REF_COUNT; k++) {
		if (dv_names[k].form == DV_NAME_FIXED && dv_names[k].per_step) {
			snprintf(buf, sizeof buf, "%s.step", dv_names[k].text);
			dv_suggest_try(s, buf);
		}
	}
	for (unsigned ch = 0; ch < 8; ch++) {
		for (int k = DV_REF_SLOT + 1; k < DV_REF_COUNT; k++) {
			if (dv_names[k].form != DV_NAME_CHANNEL)
				continue;
			snprintf(buf, sizeof buf, "dma.ch%u.%s", ch, dv_names[k].text);
			dv_suggest_try(s, buf);
		}
	}
	for (unsigned irq = 0; irq < dv_names[DV_REF_IRQ].limit; irq++) {
		snprintf(buf, sizeof buf, "%s%u", dv_names[DV_REF_IRQ].text, irq);
		dv_suggest_try(s, buf);
	}
	for (unsigned r = 0; r < DV_RULE_COUNT; r++) {
		snprintf(buf, sizeof buf, "%s%s", dv_names[DV_REF_VERIFIER_RULE].text,
		         dv_rule_name((enum dv_rule)r));
		dv_suggest_try(s, buf);
	}
	for (unsigned c = 0; c < DV_CALL_COUNT; c++) {
		snprintf(buf, sizeof buf, "%s%s", dv_names[DV_REF_CALLS].text,
		         dv_call_name((enum dv_call)c));
		dv_suggest_try(s, buf);
	}
	for (unsigned i = 0; lesson && i < lesson->nbuffers; i++) {
		for (int k = DV_REF_SLOT + 1; k < DV_REF_COUNT; k++) {
			if (dv_names[k].form != DV_NAME_BUFFER)
				continue;
			snprintf(buf, sizeof buf, "buffer.%s.%s", lesson->buffers[i].name,
			         dv_names[k].text);
			dv_suggest_try(s, buf);
		}
	}
	for (int sl = DV_SLOT_NONE + 1; sl < DV_SLOT_COUNT; sl++) {
		if (bracket_slot((enum dv_slot)sl))
			continue;
		uint32_t size = dv_slot_size((enum dv_slot)sl);
		for (uint32_t i = 0; i < size; i++) {
			dv_slot_name((enum dv_slot)sl, i, buf, sizeof buf);
			dv_suggest_try(s, buf);
		}
	}
}

/* ---- values and conditions --------------------------------------------------------------------- */

bool dv_resolve_word(struct dv_parser *p, const struct dv_tok *k, struct dv_ref *r)
{
	memset(r, 0, sizeof *r);
	r->kind = DV_REF_NUM;
	r->type = DV_VT_NUM;
	r->name = dv_arena_strndup(p->arena, k->s, k->len);
	int b = dv_bool_word(k->s, k->len);
	if (b >= 0) {
		r->a = (uint32_t)b;
		return true;
	}
	if (k->len > 12 && !strncmp(k->s, "NDIS_STATUS_", 12)) {
		struct dv_suggest s;
		char hint[160];
		dv_suggest_init(&s, k->s, k->len);
		size_t nstatus;
		const struct dv_ndis_status *status_names = dv_ndis_statuses(&nstatus);
		for (size_t i = 0; i < nstatus; i++) {
			if (strlen(status_names[i].name) == k->len &&
			    !strncmp(status_names[i].name, k->s, k->len)) {
				r->a = (uint32_t)status_names[i].value;
				r->type = DV_VT_STATUS;
				return true;
			}
			dv_suggest_try(&s, status_names[i].name);
		}
		dv_perr(p, k->col, dv_suggest_hint(&s, hint, sizeof hint), "unknown status '%.*s'",
		        (int)k->len, k->s);
		return false;
	}
	if (dv_script_resolve(p->L, k->s, k->len, r)) {
		r->name = dv_arena_strndup(p->arena, k->s, k->len);
		return true;
	}
	char w[64];
	if (k->len < sizeof w) {
		memcpy(w, k->s, k->len);
		w[k->len] = 0;
		enum dv_rule rule = dv_rule_find(w);
		if (rule != DV_RULE_COUNT || !strcmp(w, "none")) {
			r->kind = DV_REF_NUM;
			r->type = DV_VT_RULE;
			r->a = rule != DV_RULE_COUNT ? (uint32_t)rule : 0xFFFFFFFFu;
			return true;
		}
		if (!strcmp(w, "cpu") || !strcmp(w, "dma")) {
			r->kind = DV_REF_NUM;
			r->type = DV_VT_OWNER;
			r->a = w[0] == 'd';
			return true;
		}
	}
	struct dv_suggest s;
	char hint[160];
	dv_suggest_init(&s, k->s, k->len);
	dv_suggest_names(&s, p->L);
	for (unsigned i = 0; i < DV_RULE_COUNT; i++)
		dv_suggest_try(&s, dv_rule_name((enum dv_rule)i));
	const char *h = dv_suggest_hint(&s, hint, sizeof hint);
	if (!h && !strncmp(k->s, "mem[", 4))
		h = "memory is mem[ADDR] with ADDR below 32M, e.g. mem[0x3000]";
	dv_perr(p, k->col, h, "unknown name '%.*s'", (int)k->len, k->s);
	return false;
}

/* The rules a condition mentions count as expected under --strict (§11). */
