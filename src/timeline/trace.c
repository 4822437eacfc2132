/* dmaviz: the event trace and its source-location table. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "varint.h"

/* ---- the block code ----------------------------------------------------------------------
 *
 * A block is DV_TRACE_BLOCK events coded one after another. Each event is predicted from the
 * event a period P earlier in the block (P is part of the code): the same kind, slot, source,
 * channel and location; its index, old and new values moved by as much as they moved over
 * the period before (so counters, addresses and FIFO positions that step by one are
 * predicted); its cycle as far after the event before it as the reference was after its
 * own. A bus cycle of a transfer repeats the one before it in everything but the data byte,
 * so a run of events costs a few bytes and a data byte its difference. P = 0 predicts a
 * state change of slot 0 in the previous event's cycle, cause and channel.
 *
 *   0x00-0x7F  one event: the prediction with the fields whose bit is set replaced
 *              (1 cycle, 2 index, 4 old, 8 new, 16 kind, 32 slot: a zigzag varint of the
 *              difference each; 64 src, chan (a byte each) and loc (a varint))
 *   0x80 n     n + 1 events exactly as predicted (n a varint)
 *   0x81 p     P becomes p (a varint)
 */

enum { OP_RUN = 0x80, OP_PERIOD = 0x81 };
enum { F_CYCLE = 1, F_INDEX = 2, F_OLD = 4, F_NEW = 8, F_KIND = 16, F_SLOT = 32, F_CAUSE = 64 };

/* Periods worth trying at event i: the distances back to the last few events of its kind and
 * slot (a chain through the block, by a small hash of the two). */
#define CHAIN_BITS 10u
#define CHAIN_TRIES 3u

struct chains {
	uint16_t head[1u << CHAIN_BITS]; /* position + 1, 0 = none */
	uint16_t prev[DV_TRACE_BLOCK];
};

struct dv_trace_cache {
	size_t block[DV_TRACE_CACHE]; /* SIZE_MAX: empty */
	uint64_t used[DV_TRACE_CACHE];
	uint64_t clock;
	uint64_t decodes; /* sealed blocks decoded so far (dv_trace_decodes) */
	unsigned last;
	struct chains chains; /* the encoder's table, here because it is large for a stack */
	struct dv_event ev[DV_TRACE_CACHE][DV_TRACE_BLOCK];
};

/* The prediction of event i of a block from the events before it, with period p. */
static struct dv_event predict(const struct dv_event *ev, size_t i, size_t p)
{
	struct dv_event e;
	if (p == 0 || p > i) {
		memset(&e, 0, sizeof e);
		if (i > 0) {
			e.cycle = ev[i - 1].cycle;
			e.src = ev[i - 1].src;
			e.chan = ev[i - 1].chan;
			e.loc = ev[i - 1].loc;
		}
		return e;
	}
	const struct dv_event *r = &ev[i - p];
	e = *r;
	e.cycle = (i > 0 ? ev[i - 1].cycle : 0) + (r->cycle - (i > p ? r[-1].cycle : 0));
	if (p <= i - p) {
		const struct dv_event *r2 = &ev[i - 2 * p];
		e.index = 2 * r->index - r2->index;
		e.old_value = 2 * r->old_value - r2->old_value;
		e.new_value = 2 * r->new_value - r2->new_value;
	}
	return e;
}

/* n events from i on as predicted (a run): predict() unrolled for the usual case, a period
 * with two periods of history. */
static void predict_run(struct dv_event *ev, size_t i, size_t n, size_t p)
{
	size_t k = i;
	if (p > 0) {
		for (; k < i + n && k < 2 * p; k++) /* the first two periods of a block */
			ev[k] = predict(ev, k, p);
		for (; k < i + n; k++) {
			const struct dv_event *r = &ev[k - p], *r2 = &ev[k - 2 * p];
			struct dv_event *e = &ev[k];
			*e = *r;
			e->cycle = ev[k - 1].cycle + (r->cycle - r[-1].cycle);
			e->index = 2 * r->index - r2->index;
			e->old_value = 2 * r->old_value - r2->old_value;
			e->new_value = 2 * r->new_value - r2->new_value;
		}
	}
	if (p == 0) { /* a state change of slot 0 each, in the event before's cycle */
		if (k == 0 && n > 0)
			ev[k++] = predict(ev, 0, 0);
		for (; k < i + n; k++)
			ev[k] = (struct dv_event){ .cycle = ev[k - 1].cycle,
				                   .loc = ev[k - 1].loc,
				                   .src = ev[k - 1].src,
				                   .chan = ev[k - 1].chan };
	}
	for (; k < i + n; k++)
		ev[k] = predict(ev, k, p);
}

static bool same_event(const struct dv_event *a, const struct dv_event *b)
{
	return a->cycle == b->cycle && a->index == b->index && a->old_value == b->old_value &&
	       a->new_value == b->new_value && a->kind == b->kind && a->slot == b->slot &&
	       a->loc == b->loc && a->src == b->src && a->chan == b->chan;
}

/* Whether two events have the same kind, slot, location, source and channel: the eight bytes
 * from kind to chan, compared as one word. */
_Static_assert(offsetof(struct dv_event, chan) == offsetof(struct dv_event, kind) + 7,
               "kind, slot, loc, src and chan are eight adjacent bytes");
static inline bool same_cause(const struct dv_event *a, const struct dv_event *b)
{
	uint64_t x, y;
	memcpy(&x, (const char *)a + offsetof(struct dv_event, kind), sizeof x);
	memcpy(&y, (const char *)b + offsetof(struct dv_event, kind), sizeof y);
	return x == y;
}

/* Whether e's index, old and new values moved from r's by as much as r's from r2's: the three
 * 32-bit differences side by side in one vector, with kind and slot in the fourth lane left
 * out. */
static inline __attribute__((always_inline)) bool
same_moves(const struct dv_event *e, const struct dv_event *r, const struct dv_event *r2)
{
	typedef uint32_t lanes __attribute__((vector_size(16)));
	lanes a, b, c;
	memcpy(&a, (const char *)e + offsetof(struct dv_event, index), sizeof a);
	memcpy(&b, (const char *)r + offsetof(struct dv_event, index), sizeof b);
	memcpy(&c, (const char *)r2 + offsetof(struct dv_event, index), sizeof c);
	lanes d = ((a - b) ^ (b - c)) & (lanes){ ~0u, ~0u, ~0u, 0 };
	uint64_t lo, hi;
	memcpy(&lo, &d, sizeof lo);
	memcpy(&hi, (const char *)&d + sizeof lo, sizeof hi);
	return (lo | hi) == 0;
}

/* Whether period p predicts event k exactly when it has two periods of history (k >= 2p,
 * p > 0): predict() and same_event() unrolled, since the encoder asks this of nearly every
 * event several times. */
static inline __attribute__((always_inline)) bool predicted(const struct dv_event *ev, size_t k,
                                                            size_t p)
{
	const struct dv_event *e = &ev[k], *r = &ev[k - p], *r2 = &ev[k - 2 * p];
	return same_cause(e, r) && e->cycle - ev[k - 1].cycle == r->cycle - r[-1].cycle &&
	       same_moves(e, r, r2);
}

/* run_length without two periods of history, or with period 0 (out of line: its predictions
 * are whole events on the stack, which the usual case below need not set up). */
__attribute__((noinline)) static size_t run_length_short(const struct dv_event *ev, size_t n,
                                                         size_t i, size_t p)
{
	size_t k = i;
	if (p == 0 && k < n) {
		struct dv_event e = predict(ev, k, 0);
		if (!same_event(&e, &ev[k]))
			return 0;
		e = predict(ev, ++k, 0); /* the same for every event after it in the run */
		while (k < n && same_event(&e, &ev[k]))
			k++;
		return k - i;
	}
	while (k < n) {
		struct dv_event e = predict(ev, k, p);
		if (!same_event(&e, &ev[k]))
			break;
		k++;
	}
	return k - i;
}

/* How many events from i on period p predicts exactly: the first two periods of a block the
 * long way, the rest (most of a block's run) with predicted(). */
static inline size_t run_length(const struct dv_event *ev, size_t n, size_t i, size_t p)
{
	if (p == 0)
		return run_length_short(ev, n, i, p);
	size_t k = i;
	if (k < 2 * p) {
		size_t lim = n < 2 * p ? n : 2 * p;
		k += run_length_short(ev, lim, i, p);
		if (k < lim)
			return k - i; /* it broke there */
	}
	/* predicted() along the run: e's cycle is as far after the event before it as r's after
	 * its own exactly when e is as far after r as the event before e is after the one before
	 * r, so one span, taken before the run, checks every cycle in it */
	if (k >= n)
		return k - i;
	uint64_t span = ev[k - 1].cycle - ev[k - 1 - p].cycle;
	while (k < n && ev[k].cycle - ev[k - p].cycle == span && same_cause(&ev[k], &ev[k - p]) &&
	       same_moves(&ev[k], &ev[k - p], &ev[k - 2 * p]))
		k++;
	return k - i;
}

/* The worst case of one event's code: an op byte, four 10-byte varints, two 3-byte ones, src,
 * chan, a 3-byte loc, and a period change before it. */
#define EVENT_CODE_MAX (1 + 4 * 10 + 2 * 3 + 2 + 3 + 1 + 10)

/* A 32-bit field's difference from its prediction, as the code writes it. */
static uint8_t *put_diff(uint8_t *o, uint32_t have, uint32_t want)
{
	return dv_varint_put(o, dv_zigzag((uint64_t)(int64_t)(int32_t)(have - want)));
}

static uint8_t *put_fix(uint8_t *o, const struct dv_event *pred, const struct dv_event *e)
{
	uint8_t *op = o++;
	uint8_t f = 0;
	if (e->cycle != pred->cycle) {
		f |= F_CYCLE;
		o = dv_varint_put(o, dv_zigzag(e->cycle - pred->cycle));
	}
	const uint32_t have[4] = { e->index, e->old_value, e->new_value, e->kind };
	const uint32_t want[4] = { pred->index, pred->old_value, pred->new_value, pred->kind };
	for (unsigned k = 0; k < 4; k++)
		if (have[k] != want[k]) {
			f |= (uint8_t)(F_INDEX << k);
			o = put_diff(o, have[k], want[k]);
		}
	if (e->slot != pred->slot) {
		f |= F_SLOT;
		o = dv_varint_put(o, dv_zigzag((uint64_t)(int64_t)(int16_t)(e->slot - pred->slot)));
	}
	if (e->src != pred->src || e->chan != pred->chan || e->loc != pred->loc) {
		f |= F_CAUSE;
		*o++ = e->src;
		*o++ = e->chan;
		o = dv_varint_put(o, e->loc);
	}
	*op = f;
	return o;
}

static unsigned chain_key(const struct dv_event *e)
{
	return (e->kind * 131u + e->slot * 7u + e->src) & ((1u << CHAIN_BITS) - 1);
}

/* The period with the longest exact run from i (at least the current one's). */
static size_t best_period(const struct dv_event *ev, size_t n, size_t i, const struct chains *c,
                          size_t p, size_t *run)
{
	size_t best = p, best_run = *run;
	unsigned tries = 0;
	for (uint16_t j = c->head[chain_key(&ev[i])]; j && tries < CHAIN_TRIES;
	     j = c->prev[j - 1], tries++) {
		size_t q = i - (size_t)(j - 1);
		if (q == best || (i >= 2 * q && !predicted(ev, i, q)))
			continue; /* most candidates miss at once */
		size_t r = run_length(ev, n, i, q);
		if (r > best_run) {
			best = q;
			best_run = r;
		}
	}
	*run = best_run;
	return best;
}

/* Whether period p predicts event i in everything but its old and new values. */
static bool values_miss(const struct dv_event *ev, size_t i, size_t p)
{
	if (p == 0 || i < 2 * p)
		return false;
	const struct dv_event *e = &ev[i], *r = &ev[i - p], *r2 = &ev[i - 2 * p];
	return same_cause(e, r) && e->cycle - ev[i - 1].cycle == r->cycle - r[-1].cycle &&
	       e->index == 2 * r->index - r2->index;
}

/* Codes n events into o (room for n * EVENT_CODE_MAX bytes); returns the end. */
static uint8_t *encode_block(const struct dv_event *ev, size_t n, uint8_t *o, struct chains *c)
{
	memset(c->head, 0, sizeof c->head);
	size_t p = 0;
	size_t i = 0;
	while (i < n) {
		size_t run = run_length(ev, n, i, p);
		/* Where the period predicts everything but the values (a byte on the wire, in a
		 * FIFO, moved by a transfer: new each time, and the byte it replaced), no other
		 * period would predict it either: the event is fixed as it is, without a search,
		 * and its code (put_fix's for such a prediction) written without building the
		 * prediction. Most of an NDIS frame's events are such. */
		bool values = run == 0 && values_miss(ev, i, p);
		if (values) {
			const struct dv_event *r = &ev[i - p], *r2 = &ev[i - 2 * p];
			uint32_t old = 2 * r->old_value - r2->old_value;
			uint32_t new = 2 * r->new_value - r2->new_value;
			uint8_t f = (ev[i].old_value != old ? F_OLD : 0) |
			            (ev[i].new_value != new ? F_NEW : 0);
			*o++ = f;
			if (f & F_OLD)
				o = put_diff(o, ev[i].old_value, old);
			if (f & F_NEW)
				o = put_diff(o, ev[i].new_value, new);
		} else if (run == 0) {
			size_t q = best_period(ev, n, i, c, p, &run);
			if (q != p) { /* only when it predicts more */
				p = q;
				*o++ = OP_PERIOD;
				o = dv_varint_put(o, p);
			}
		}
		size_t end = i + (run ? run : 1);
		if (run > 1) { /* a single predicted event is the one byte 0x00 below */
			*o++ = OP_RUN;
			o = dv_varint_put(o, run - 1);
		} else if (!values) {
			struct dv_event pred = predict(ev, i, p);
			o = put_fix(o, &pred, &ev[i]);
		}
		/* Where a run broke is where the next period is looked for: the chains hold the
		 * events that started a code (a run's first, a fixed event), not the ones a run
		 * predicted. */
		unsigned k = chain_key(&ev[i]);
		c->prev[i] = c->head[k];
		c->head[k] = (uint16_t)(i + 1);
		i = end;
	}
	return o;
}

static const uint8_t *get_fix(const uint8_t *q, const uint8_t *end, uint8_t f, struct dv_event *e)
{
	uint64_t v;
	if (f & F_CYCLE) {
		if (!(q = dv_varint_get(q, end, &v)))
			return NULL;
		e->cycle += dv_unzigzag(v);
	}
	uint32_t *field[3] = { &e->index, &e->old_value, &e->new_value };
	for (unsigned k = 0; k < 3; k++)
		if (f & (F_INDEX << k)) {
			if (!(q = dv_varint_get(q, end, &v)))
				return NULL;
			*field[k] += (uint32_t)dv_unzigzag(v);
		}
	if (f & F_KIND) {
		if (!(q = dv_varint_get(q, end, &v)))
			return NULL;
		e->kind = (uint16_t)(e->kind + dv_unzigzag(v));
	}
	if (f & F_SLOT) {
		if (!(q = dv_varint_get(q, end, &v)))
			return NULL;
		e->slot = (uint16_t)(e->slot + dv_unzigzag(v));
	}
	if (f & F_CAUSE) {
		if (end - q < 2)
			return NULL;
		e->src = q[0];
		e->chan = q[1];
		if (!(q = dv_varint_get(q + 2, end, &v)))
			return NULL;
		e->loc = (uint16_t)v;
	}
	return q;
}

/* Decodes n events from [q, end) into ev; false when the code is damaged. */
static bool decode_block(const uint8_t *q, const uint8_t *end, struct dv_event *ev, size_t n)
{
	size_t p = 0, i = 0;
	uint64_t v;
	while (i < n) {
		if (q >= end)
			return false;
		uint8_t op = *q++;
		if (op == OP_PERIOD || op == OP_RUN) {
			if (!(q = dv_varint_get(q, end, &v)))
				return false;
			if (op == OP_PERIOD) {
				if (v > n)
					return false;
				p = (size_t)v;
				continue;
			}
			if (v >= n - i)
				return false;
			predict_run(ev, i, (size_t)v + 1, p);
			i += (size_t)v + 1;
		} else if (op < 0x80) {
			ev[i] = predict(ev, i, p);
			if (!(q = get_fix(q, end, op, &ev[i])))
				return false;
			i++;
		} else {
			return false;
		}
	}
	return q == end;
}

/* ---- the trace ------------------------------------------------------------------------- */

void dv_trace_init(struct dv_trace *t)
{
	memset(t, 0, sizeof *t);
	t->pin = SIZE_MAX;
}

void dv_trace_finish(struct dv_trace *t)
{
	if (!t)
		return;
	free(t->bytes);
	free(t->block_end);
	free(t->tail);
	free(t->cache);
	for (size_t i = 1; i < t->nlocs; i++)
		free((char *)t->locs[i].file);
	free(t->locs);
	for (unsigned kind = 0; kind < DV_EV_KIND_COUNT; kind++)
		free(t->kinds[kind].pos);
	free(t->rec_at);
	memset(t, 0, sizeof *t);
	t->pin = SIZE_MAX;
}

static size_t tail_first(const struct dv_trace *t)
{
	return t->nblocks * DV_TRACE_BLOCK;
}

static bool grow(void **p, size_t *cap, size_t need, size_t size, size_t first)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : first;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * size);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

static void cache_drop_from(struct dv_trace_cache *c, size_t b)
{
	for (unsigned k = 0; c && k < DV_TRACE_CACHE; k++)
		if (c->block[k] != SIZE_MAX && c->block[k] >= b)
			c->block[k] = SIZE_MAX;
}

#define PREFAULT_AT 64u /* blocks: 262,144 events */

/* Room for one more sealed block of up to code bytes: the cache it will be read through, the
 * byte array, the block index. */
static bool block_room(struct dv_trace *t, size_t code)
{
	if (!t->cache) {
		t->cache = malloc(sizeof *t->cache);
		if (!t->cache)
			return false;
		memset(t->cache, 0, offsetof(struct dv_trace_cache, ev));
		for (unsigned k = 0; k < DV_TRACE_CACHE; k++)
			t->cache->block[k] = SIZE_MAX;
	}
	if (!grow((void **)&t->bytes, &t->bytes_cap, t->nbytes + code, 1, 1u << 16) ||
	    !grow((void **)&t->block_end, &t->blocks_cap, t->nblocks + 1, sizeof(size_t), 64))
		return false;
	/* A long recording's decode slots are written once it is long (a short one never fills
	 * them all), so that its first seeks do not each pay the page faults of the slot they
	 * fill: 32 a slot, about 0.5 ms on a virtual machine. Not zeros: a compiler may make
	 * malloc and a zeroing memset one calloc that touches nothing. */
	if (t->nblocks == PREFAULT_AT)
		memset(t->cache->ev, 0xFF, sizeof t->cache->ev);
	return true;
}

/* Codes the tail's first block and keeps the rest of the tail. */
static bool seal(struct dv_trace *t)
{
	if (!block_room(t, DV_TRACE_BLOCK * EVENT_CODE_MAX))
		return false;
	uint8_t *end =
	        encode_block(t->tail, DV_TRACE_BLOCK, t->bytes + t->nbytes, &t->cache->chains);
	t->nbytes = (size_t)(end - t->bytes);
	t->block_end[t->nblocks++] = t->nbytes;
	size_t rest = dv_trace_in_tail(t);
	memmove(t->tail, t->tail + DV_TRACE_BLOCK, rest * sizeof *t->tail);
	return true;
}

/* ---- records ------------------------------------------------------------------------------ */

bool dv_event_starts_something(const struct dv_event *e)
{
	return dv_trace_kind_starts(e->kind, e->slot);
}

bool dv_event_consequence(const struct dv_event *head, const struct dv_event *e)
{
	return dv_trace_continues(head->cycle, head->src, e->cycle, e->kind, e->slot, e->src);
}

/* Event ev is about to become event t->len. */
static void count_record(struct dv_trace *t, const struct dv_event *ev)
{
	if (t->len % DV_TRACE_BLOCK == 0 && !t->recs_lost) {
		size_t b = t->len / DV_TRACE_BLOCK;
		if (grow((void **)&t->rec_at, &t->rec_cap, b + 1, sizeof *t->rec_at, 64))
			t->rec_at[b] = t->rec;
		else
			t->recs_lost = true; /* every event counts as one: coarse, never wrong */
	}
	dv_trace_rec_step(&t->rec, ev);
}

/* The records before event i (i < len). */
static struct dv_trace_rec rec_before(const struct dv_trace *t, size_t i)
{
	size_t b = i / DV_TRACE_BLOCK;
	struct dv_trace_rec r = t->rec_at[b];
	for (size_t k = b * DV_TRACE_BLOCK; k < i; k++) {
		const struct dv_event *e = dv_trace_at(t, k);
		if (e)
			dv_trace_rec_step(&r, e);
	}
	return r;
}

size_t dv_trace_records(const struct dv_trace *t, size_t before)
{
	if (before >= t->len)
		return t->recs_lost ? t->len : t->rec.before;
	return t->recs_lost ? before : rec_before(t, before).before;
}

size_t dv_trace_record_start(const struct dv_trace *t, size_t k)
{
	if (t->recs_lost)
		return k < t->len ? k : t->len;
	if (k >= t->rec.before)
		return t->len;
	/* the last block that begins with fewer than k + 1 records before it */
	size_t lo = 0, hi = (t->len + DV_TRACE_BLOCK - 1) / DV_TRACE_BLOCK;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->rec_at[mid].before <= k)
			lo = mid;
		else
			hi = mid;
	}
	struct dv_trace_rec r = t->rec_at[lo];
	for (size_t i = lo * DV_TRACE_BLOCK; i < t->len; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (!e)
			break;
		dv_trace_rec_step(&r, e);
		if (r.before == k + 1)
			return i;
	}
	return t->len;
}

__attribute__((noinline)) static void index_kind(struct dv_trace *t, const struct dv_event *ev)
{
	if (ev->kind >= DV_EV_KIND_COUNT || !(DV_TRACE_INDEXED >> ev->kind & 1u) || t->kinds_lost)
		return;
	struct dv_trace_kind_index *k = &t->kinds[ev->kind];
	if (!grow((void **)&k->pos, &k->cap, k->n + 1, sizeof *k->pos, 256)) {
		t->kinds_lost = true; /* slower walks, never wrong ones */
		return;
	}
	k->pos[k->n++] = t->len;
}

/* The first entry of kind's index at or after position p. */
static size_t lower_bound(const struct dv_trace_kind_index *k, size_t p)
{
	size_t lo = 0, hi = k->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (k->pos[mid] < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The nearest event of kinds before `at` (forward false) or at or after it (forward true). */
static size_t nearest(const struct dv_trace *t, size_t at, unsigned kinds, bool forward)
{
	if (at > t->len)
		at = t->len;
	if (t->kinds_lost || (kinds & ~DV_TRACE_INDEXED)) { /* every event, one by one */
		while (forward ? at < t->len : at > 0) {
			size_t i = forward ? at++ : --at;
			const struct dv_event *e = dv_trace_at(t, i);
			if (e && e->kind < DV_EV_KIND_COUNT && (kinds >> e->kind & 1u))
				return i;
		}
		return SIZE_MAX;
	}
	size_t best = SIZE_MAX;
	for (unsigned kind = 0; kind < DV_EV_KIND_COUNT; kind++) {
		const struct dv_trace_kind_index *k = &t->kinds[kind];
		if (!(kinds >> kind & 1u))
			continue;
		size_t lo = lower_bound(k, at), cand = forward ?
		                                               (lo < k->n ? k->pos[lo] : SIZE_MAX) :
		                                               (lo > 0 ? k->pos[lo - 1] : SIZE_MAX);
		if (cand != SIZE_MAX && (best == SIZE_MAX || (forward ? cand < best : cand > best)))
			best = cand;
	}
	return best;
}

size_t dv_trace_prev(const struct dv_trace *t, size_t before, unsigned kinds)
{
	return nearest(t, before, kinds, false);
}

size_t dv_trace_next(const struct dv_trace *t, size_t from, unsigned kinds)
{
	return nearest(t, from, kinds, true);
}

size_t dv_trace_count(const struct dv_trace *t, size_t before, enum dv_ev_kind kind)
{
	if (before > t->len)
		before = t->len;
	if ((unsigned)kind >= DV_EV_KIND_COUNT)
		return 0;
	if (t->kinds_lost || !(DV_TRACE_INDEXED >> kind & 1u)) {
		size_t n = 0;
		for (size_t i = 0; i < before; i++)
			n += dv_trace_at(t, i)->kind == kind;
		return n;
	}
	return lower_bound(&t->kinds[kind], before);
}

bool dv_trace_adopt_block(struct dv_trace *t, const uint8_t *code, size_t size,
                          const struct dv_event *ev)
{
	if (t->len != tail_first(t) || t->pin != SIZE_MAX || t->kinds_lost || !block_room(t, size))
		return false;
	for (size_t i = 0; i < DV_TRACE_BLOCK; i++) {
		index_kind(t, &ev[i]);
		count_record(t, &ev[i]);
		t->len++;
	}
	memcpy(t->bytes + t->nbytes, code, size);
	t->nbytes += size;
	t->block_end[t->nblocks++] = t->nbytes;
	return true;
}

static bool push_slow(struct dv_trace *t, const struct dv_event *ev);

bool dv_trace_push(struct dv_trace *t, const struct dv_event *ev)
{
	/* Most events: room in the tail, no block to seal or to start (count_record). The short
	 * path appends on its own: sharing the append with push_slow measured 10% slower on
	 * bench-core (the call's shape changes what the compiler keeps in registers). */
	size_t in_tail = dv_trace_in_tail(t);
	if (in_tail < DV_TRACE_BLOCK && in_tail < t->tail_cap && t->len % DV_TRACE_BLOCK != 0) {
		if (ev->kind < DV_EV_KIND_COUNT && (DV_TRACE_INDEXED >> ev->kind & 1u))
			index_kind(t, ev);
		dv_trace_rec_step(&t->rec, ev);
		struct dv_event *d = &t->tail[in_tail];
		*d = *ev;
		d->pad_ = 0;
		t->len++;
		return true;
	}
	return push_slow(t, ev);
}

__attribute__((noinline)) static bool push_slow(struct dv_trace *t, const struct dv_event *ev)
{
	size_t in_tail = dv_trace_in_tail(t);
	if (in_tail >= DV_TRACE_BLOCK &&
	    (t->pin == SIZE_MAX || t->pin >= tail_first(t) + DV_TRACE_BLOCK))
		(void)seal(t); /* when memory runs out the tail only grows */
	in_tail = dv_trace_in_tail(t);
	if (!grow((void **)&t->tail, &t->tail_cap, in_tail + 1, sizeof *t->tail, DV_TRACE_BLOCK)) {
		t->failed = true;
		return false;
	}
	index_kind(t, ev);
	count_record(t, ev);
	t->tail[in_tail] = *ev;
	t->tail[in_tail].pad_ = 0;
	t->len++;
	return true;
}

/* Decodes block b into a cache slot; NULL when memory ran out or the code is damaged. */
static const struct dv_event *block_events(const struct dv_trace *t, size_t b)
{
	struct dv_trace_cache *c = t->cache;
	if (!c)
		return NULL;
	if (c->block[c->last] == b)
		return c->ev[c->last];
	unsigned victim = 0;
	for (unsigned k = 0; k < DV_TRACE_CACHE; k++) {
		if (c->block[k] == b) {
			c->used[k] = ++c->clock;
			c->last = k;
			return c->ev[k];
		}
		if (c->used[k] < c->used[victim])
			victim = k;
	}
	size_t start = b ? t->block_end[b - 1] : 0;
	c->block[victim] = SIZE_MAX;
	c->decodes++;
	if (!decode_block(t->bytes + start, t->bytes + t->block_end[b], c->ev[victim],
	                  DV_TRACE_BLOCK))
		return NULL;
	c->block[victim] = b;
	c->used[victim] = ++c->clock;
	c->last = victim;
	return c->ev[victim];
}

void dv_trace_truncate(struct dv_trace *t, size_t n)
{
	if (n >= t->len)
		return;
	if (n < tail_first(t)) {
		size_t b = n / DV_TRACE_BLOCK;
		const struct dv_event *ev = block_events(t, b);
		if (!ev || !grow((void **)&t->tail, &t->tail_cap, DV_TRACE_BLOCK, sizeof *t->tail,
		                 DV_TRACE_BLOCK)) {
			/* Cannot happen with a sound code; keep what is certain. */
			b = n / DV_TRACE_BLOCK;
			n = b * DV_TRACE_BLOCK;
			t->failed = true;
		} else {
			memcpy(t->tail, ev, (n - b * DV_TRACE_BLOCK) * sizeof *ev);
		}
		t->nblocks = b;
		t->nbytes = b ? t->block_end[b - 1] : 0;
		cache_drop_from(t->cache, b);
	}
	t->len = n;
	for (unsigned kind = 0; kind < DV_EV_KIND_COUNT; kind++)
		while (t->kinds[kind].n > 0 && t->kinds[kind].pos[t->kinds[kind].n - 1] >= n)
			t->kinds[kind].n--;
	if (!t->recs_lost) { /* the records as they stood after event n - 1 */
		struct dv_trace_rec r = { 0 };
		if (n > 0)
			r = rec_before(t, n - 1);
		if (n > 0)
			dv_trace_rec_step(&r, dv_trace_at(t, n - 1));
		t->rec = r;
	}
}

void dv_trace_pin(struct dv_trace *t, size_t i)
{
	t->pin = i;
}

void dv_trace_unpin(struct dv_trace *t)
{
	t->pin = SIZE_MAX;
}

/* Event i when it is still in the tail (decoded, patchable); NULL otherwise. */
static struct dv_event *in_tail(struct dv_trace *t, size_t i)
{
	return i >= tail_first(t) && i < t->len ? &t->tail[i - tail_first(t)] : NULL;
}

bool dv_trace_patch(struct dv_trace *t, size_t i, uint32_t new_value)
{
	struct dv_event *e = in_tail(t, i);
	if (e)
		e->new_value = new_value;
	return e != NULL;
}

bool dv_trace_patch_old(struct dv_trace *t, size_t i, uint32_t old_value)
{
	struct dv_event *e = in_tail(t, i);
	if (e)
		e->old_value = old_value;
	return e != NULL;
}

size_t dv_trace_bytes(const struct dv_trace *t)
{
	return t->nbytes + t->nblocks * sizeof(size_t) + t->tail_cap * sizeof(struct dv_event);
}

_Static_assert(EVENT_CODE_MAX <= 64, "DV_TRACE_CODE_MAX holds a block's worst case");

size_t dv_trace_nblocks(const struct dv_trace *t)
{
	return (t->len + DV_TRACE_BLOCK - 1) / DV_TRACE_BLOCK;
}

const uint8_t *dv_trace_block_code(const struct dv_trace *t, size_t b, uint8_t *buf, size_t *size)
{
	if (b < t->nblocks) {
		size_t start = b ? t->block_end[b - 1] : 0;
		*size = t->block_end[b] - start;
		return t->bytes + start;
	}
	size_t first = b * DV_TRACE_BLOCK;
	if (first >= t->len)
		return NULL;
	size_t n = t->len - first < DV_TRACE_BLOCK ? t->len - first : DV_TRACE_BLOCK;
	struct chains *c = malloc(sizeof *c);
	if (!c)
		return NULL;
	*size = (size_t)(encode_block(t->tail + (first - tail_first(t)), n, buf, c) - buf);
	free(c);
	return buf;
}

bool dv_trace_block_decode(const uint8_t *p, size_t size, struct dv_event *ev, size_t n)
{
	return n <= DV_TRACE_BLOCK && decode_block(p, p + size, ev, n);
}

uint64_t dv_trace_decodes(const struct dv_trace *t)
{
	return t->cache ? t->cache->decodes : 0;
}

size_t dv_trace_len(const struct dv_trace *t)
{
	return t ? t->len : 0;
}

const struct dv_event *dv_trace_at(const struct dv_trace *t, size_t i)
{
	if (!t || i >= t->len)
		return NULL;
	size_t first = tail_first(t);
	if (i >= first)
		return &t->tail[i - first];
	const struct dv_event *ev = block_events(t, i / DV_TRACE_BLOCK);
	return ev ? &ev[i % DV_TRACE_BLOCK] : NULL;
}

uint16_t dv_trace_loc(struct dv_trace *t, const char *file, uint32_t line)
{
	if (!file)
		return 0;
	for (size_t i = 1; i < t->nlocs; i++)
		if (t->locs[i].line == line && strcmp(t->locs[i].file, file) == 0)
			return (uint16_t)i;
	if (t->nlocs >= 0xFFFF)
		return 0;
	if (t->nlocs == 0)
		t->nlocs = 1; /* id 0 is "no location" */
	if (t->nlocs >= t->loc_cap) {
		size_t cap = t->loc_cap ? t->loc_cap * 2 : 64;
		struct dv_loc *n = realloc(t->locs, cap * sizeof *n);
		if (!n)
			return 0;
		t->locs = n;
		t->loc_cap = cap;
		t->locs[0].file = NULL;
		t->locs[0].line = 0;
	}
	size_t len = strlen(file);
	char *copy = malloc(len + 1);
	if (!copy)
		return 0;
	memcpy(copy, file, len + 1);
	t->locs[t->nlocs].file = copy;
	t->locs[t->nlocs].line = line;
	return (uint16_t)t->nlocs++;
}

const struct dv_loc *dv_trace_get_loc(const struct dv_trace *t, uint16_t id)
{
	if (id == 0 || id >= t->nlocs)
		return NULL;
	return &t->locs[id];
}

static uint64_t fnv_u64(uint64_t h, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++) {
		h ^= (uint8_t)(v >> (8 * i));
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t dv_trace_hash(const struct dv_trace *t, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	if (n > t->len)
		n = t->len;
	for (size_t i = 0; i < n; i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (!e)
			break;
		h = fnv_u64(h, e->cycle, 8);
		h = fnv_u64(h, e->index, 4);
		h = fnv_u64(h, e->old_value, 4);
		h = fnv_u64(h, e->new_value, 4);
		h = fnv_u64(h, e->kind, 2);
		h = fnv_u64(h, e->slot, 2);
		h = fnv_u64(h, e->src, 1);
		h = fnv_u64(h, e->chan, 1);
		/* Locations by content, so two traces interning in another order still agree. */
		const struct dv_loc *loc = dv_trace_get_loc(t, e->loc);
		if (loc) {
			for (const char *p = loc->file; *p; p++)
				h = fnv_u64(h, (uint8_t)*p, 1);
			h = fnv_u64(h, loc->line, 4);
		}
	}
	return h;
}

static const char *const note_text[] = {
#define DV_NOTE_TEXT(id, text) text,
	DV_NOTES(DV_NOTE_TEXT)
#undef DV_NOTE_TEXT
};

static const char *const note_id[] = {
#define DV_NOTE_ID(id, text) #id,
	DV_NOTES(DV_NOTE_ID)
#undef DV_NOTE_ID
};

const char *dv_note_text(enum dv_note note)
{
	return (unsigned)note < DV_NOTE_COUNT ? note_text[note] : "?";
}

const char *dv_note_id(enum dv_note note)
{
	return (unsigned)note < DV_NOTE_COUNT ? note_id[note] : "?";
}

const char *dv_src_name(enum dv_src src)
{
	static const char *const names[DV_SRC_COUNT] = { "machine", "cpu",    "dma", "nic",
		                                         "peer",    "driver", "hal", "script" };
	return (unsigned)src < DV_SRC_COUNT ? names[src] : "?";
}

const char *dv_ev_kind_name(enum dv_ev_kind kind)
{
	static const char *const names[DV_EV_KIND_COUNT] = { "state",    "out",  "in",   "xfer",
		                                             "wire",     "note", "call", "return",
		                                             "verifier", "mark" };
	return (unsigned)kind < DV_EV_KIND_COUNT ? names[kind] : "?";
}
